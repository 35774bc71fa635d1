"""Currencies end to end: /fx, a team's currency, amounts typed bare, and `import rates`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from runtime.imports import import_rates
from store import rates, teams
from store.deals import all_deals
from store.models import AuditEntry, ExchangeRate, Target
from tests.conftest import ADMIN, REP, RunningBot
from tests.support.reading import text_of

MANAGER = "UMGR001"


def at(slack_user_id: str) -> str:
    return f"<@{slack_user_id}|{slack_user_id.lower()}>"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    running_bot.fake.add_user(MANAGER, name="maria", real_name="Maria", tz="Asia/Shanghai")
    running_bot.ask("/team", "create Shanghai", user=ADMIN)
    running_bot.ask("/team", f"Shanghai manager {at(MANAGER)}", user=ADMIN)
    running_bot.ask("/team", f"Shanghai add {at(REP)}", user=ADMIN)
    return running_bot


def stored_rates(bot: RunningBot) -> list[tuple[str, str, Decimal, date]]:
    with bot.db.reading() as session:
        return [
            (r.from_currency, r.to_currency, r.rate, r.effective_on)
            for r in rates.latest_rates(session)
        ]


def test_an_admin_sets_a_rate_and_everyone_can_list_them(bot: RunningBot) -> None:
    answer = text_of(bot.ask("/fx", "cny usd 0.1380 2026-11-01", user=ADMIN))
    assert "Rate set" in answer
    assert "1 CNY = 0.138 USD from" in answer
    assert stored_rates(bot) == [("CNY", "USD", Decimal("0.138"), date(2026, 11, 1))]
    changed = text_of(bot.ask("/fx", "CNY USD 0.14 2026-11-01", user=ADMIN))
    assert "Rate changed (was 0.138)" in changed
    listed = text_of(bot.ask("/fx", "", user=REP))
    assert "1 CNY = 0.14 USD from" in listed
    with bot.db.reading() as session:
        audited = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "exchange_rates")
        ).all()
    assert audited == ["create", "update"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("CNY USD", "Say both currencies and the rate"),
        ("CNY XYZ 0.1", "isn't a currency code"),
        ("CNY CNY 1", "The two currencies are the same"),
        ("CNY USD abc", "couldn't read “abc” as a rate"),
        ("CNY USD 0", "A rate must be more than 0"),
        ("CNY USD 0.1 2026-02-30", "2026-02-30"),
    ],
)
def test_a_bad_rate_is_refused_with_an_example_and_nothing_is_stored(
    bot: RunningBot, text: str, says: str
) -> None:
    answer = text_of(bot.ask("/fx", text, user=ADMIN))
    assert says in answer
    assert "/fx CNY USD 0.138" in answer or "2026-" in answer
    assert stored_rates(bot) == []


def test_only_an_admin_sets_rates(bot: RunningBot) -> None:
    answer = text_of(bot.ask("/fx", "CNY USD 0.138", user=MANAGER))
    assert "Only an admin can set exchange rates" in answer
    assert stored_rates(bot) == []


def test_a_teams_currency_is_what_its_people_type_bare_amounts_in(bot: RunningBot) -> None:
    refused = text_of(bot.ask("/team", "Shanghai currency XYZ", user=MANAGER))
    assert "isn't a currency code" in refused
    answer = text_of(bot.ask("/team", "Shanghai currency 人民币", user=MANAGER))
    assert "now counts in CNY" in answer
    bot.ask("/deal", "new Huawei; Routers; 120k", user=REP)
    bot.ask("/deal", "new Acme; Licences; $5k", user=REP)
    bot.ask("/target", f"{at(REP)} revenue 50万", user=MANAGER)
    bot.ask("/target", "team Shanghai revenue 2m", user=MANAGER)
    with bot.db.reading() as session:
        deals = sorted(all_deals(session), key=lambda deal: deal.id)
        assert [(deal.amount, deal.currency) for deal in deals] == [
            (Decimal("120000.00"), "CNY"),
            (Decimal("5000.00"), "USD"),
        ]
        found = {
            (t.person_id is None, t.amount, t.currency) for t in session.scalars(select(Target))
        }
        team = teams.get_team(session, "Shanghai")
        assert team is not None
        assert team.currency == "CNY"
    assert found == {
        (False, Decimal("500000.00"), "CNY"),
        (True, Decimal("2000000.00"), "CNY"),
    }
    back = text_of(bot.ask("/team", "Shanghai currency none", user=MANAGER))
    assert "now counts in USD" in back


def test_a_rep_cannot_change_the_teams_currency(bot: RunningBot) -> None:
    answer = text_of(bot.ask("/team", "Shanghai currency EUR", user=REP))
    assert "managers or an admin can change its currency" in answer


def test_import_rates_checks_every_row_then_writes_them_all(
    bot: RunningBot, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "from_currency,to_currency,rate,effective_on\n"
        "CNY,USD,0.138,2026-11-01\n"
        "CNY,XYZ,abc,2026-13-01\n",
        encoding="utf-8",
    )
    result = import_rates(bot.db, bad, date(2026, 11, 18))
    assert result.errors == [
        "line 3: to_currency “XYZ” isn't a currency code such as USD, EUR or CNY",
        "line 3: rate: I couldn't read “abc” as a rate: type a number such as 0.138.",
        "line 3: effective_on “2026-13-01” isn't a date like 2026-11-01",
    ]
    assert stored_rates(bot) == []
    good = tmp_path / "good.csv"
    good.write_text(
        "from_currency,to_currency,rate,effective_on\nCNY,USD,0.138,2026-11-01\nEUR,USD,1.08,\n",
        encoding="utf-8",
    )
    result = import_rates(bot.db, good, date(2026, 11, 18))
    assert result.ok
    assert result.changed == 2
    assert import_rates(bot.db, good, date(2026, 11, 18)).changed == 0
    with bot.db.reading() as session:
        assert session.scalars(select(ExchangeRate.effective_on)).all() == [
            date(2026, 11, 1),
            date(2026, 11, 18),
        ]

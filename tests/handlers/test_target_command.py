"""/target end to end: set and show targets of people and teams, and who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from store import audit, targets
from store.models import AuditEntry, Target
from store.people import get_person
from store.teams import get_team
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.test_team_command import MANAGER, NEW_HIRE, OTHER_MANAGER, at
from tests.support.reading import text_of

RITA = at(REP, "rita")
OSCAR = at(OTHER_REP, "oscar")


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Enterprise: Maria manages Rita. Mid Market: Mo (in Shanghai) manages Oscar."""
    fake = running_bot.fake
    fake.add_user(MANAGER, name="maria", real_name="Maria Manager", tz="America/New_York")
    fake.add_user(OTHER_MANAGER, name="mo", real_name="Mo Manager", tz="Asia/Shanghai")
    fake.add_user(NEW_HIRE, name="nina", real_name="Nina New", tz="Asia/Shanghai")
    for command in (
        "create Enterprise",
        f"Enterprise manager {at(MANAGER)}",
        f"Enterprise add {RITA}",
        "create Mid Market",
        f"Mid Market manager {at(OTHER_MANAGER)}",
        f"Mid Market add {OSCAR}",
    ):
        running_bot.ask("/team", command, user=ADMIN)
    return running_bot


def all_targets(bot: RunningBot) -> list[Target]:
    with bot.db.transaction() as session:
        return list(session.scalars(select(Target).order_by(Target.id)))


def person_id(bot: RunningBot, slack_user_id: str) -> int:
    with bot.db.transaction() as session:
        person = get_person(session, slack_user_id)
        assert person is not None
        return person.id


def target_audits(bot: RunningBot) -> list[AuditEntry]:
    with bot.db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.entity == "targets").order_by(AuditEntry.id)
        return list(session.scalars(query))


def test_a_manager_sets_a_target_for_their_rep(bot: RunningBot) -> None:
    reply = bot.ask("/target", f"{RITA} revenue 120k", user=MANAGER)
    shown = text_of(reply)
    assert reply["response_type"] == "ephemeral"
    assert f"<@{REP}>'s revenue target for 2026-11 is set: $120,000" in shown
    assert f"• *Revenue* · 2026-11 · $120,000 · set by <@{MANAGER}>" in shown
    [target] = all_targets(bot)
    rita = person_id(bot, REP)
    assert (target.owner_key, target.person_id, target.team_id) == (f"person:{rita}", rita, None)
    assert (target.metric, target.period, target.amount, target.currency) == (
        "revenue",
        "2026-11",
        Decimal("120000.00"),
        "USD",
    )
    assert (target.period_start, target.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert target.set_by == MANAGER
    [entry] = target_audits(bot)
    assert (entry.actor, entry.action) == (MANAGER, "create")


def test_periods_metrics_and_currencies(bot: RunningBot) -> None:
    bot.ask("/target", f"{RITA} revenue €50k 2026-Q4", user=MANAGER)
    bot.ask("/target", f"{RITA} visits 40 next month", user=MANAGER)
    bot.ask("/target", f"{RITA} new customers 3 2027-01", user=MANAGER)
    shown = text_of(bot.ask("/target", f"{RITA} proposals 1.2k this quarter", user=MANAGER))
    assert "• *Proposals* · 2026-Q4 · 1,200 · set by" in shown
    found = {(t.metric, t.period, t.amount, t.currency) for t in all_targets(bot)}
    assert found == {
        ("revenue", "2026-Q4", Decimal("50000.00"), "EUR"),
        ("visits", "2026-12", Decimal("40.00"), None),
        ("new_customers", "2027-01", Decimal("3.00"), None),
        ("proposals", "2026-Q4", Decimal("1200.00"), None),
    }
    listed = text_of(bot.ask("/target", RITA, user=MANAGER))
    assert "€50,000" in listed
    assert "• *Visits* · 2026-12 · 40 · set by" in listed
    assert "• *New customers* · 2027-01 · 3 · set by" in listed


def test_setting_it_again_updates_it_with_an_audit_trail(bot: RunningBot) -> None:
    bot.ask("/target", f"{RITA} revenue 120k", user=MANAGER)
    shown = text_of(bot.ask("/target", f"{RITA} revenue 150k 2026-11", user=ADMIN))
    assert "is now $150,000 (was $120,000)" in shown
    same = text_of(bot.ask("/target", f"{RITA} revenue 150,000", user=ADMIN))
    assert "was already $150,000; nothing changed" in same
    cleared = text_of(bot.ask("/target", f"{RITA} revenue 0", user=MANAGER))
    assert "is now $0 (was $150,000)" in cleared
    [target] = all_targets(bot)
    assert (target.amount, target.set_by) == (Decimal("0.00"), MANAGER)
    entries = target_audits(bot)
    assert [(e.actor, e.action) for e in entries] == [
        (MANAGER, "create"),
        (ADMIN, "update"),
        (MANAGER, "update"),
    ]
    assert (entries[1].before or {})["amount"] == "120000.00"
    assert (entries[1].after or {})["amount"] == "150000.00"


def test_the_default_period_is_the_current_month_where_the_manager_lives(
    bot: RunningBot,
) -> None:
    # 23:30 UTC on 30 November is already 1 December in Shanghai, where Mo lives.
    bot.clock.now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    bot.ask("/target", f"{OSCAR} visits 30", user=OTHER_MANAGER)
    bot.ask("/target", f"{RITA} visits 20", user=MANAGER)
    periods = {t.person_id: t.period for t in all_targets(bot)}
    assert periods == {person_id(bot, OTHER_REP): "2026-12", person_id(bot, REP): "2026-11"}


def test_team_targets_are_set_by_the_teams_managers_and_admins(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/target", "team enterprise revenue 1.5m 2026-Q4", user=MANAGER))
    assert "Team *Enterprise*'s revenue target for 2026-Q4 is set: $1,500,000" in shown
    bot.ask("/target", "team Mid Market visits 200", user=ADMIN)
    refused = text_of(bot.ask("/target", "team Mid Market visits 300", user=MANAGER))
    assert "Only Mid Market's managers or an admin can set its targets" in refused
    found = {(t.owner_key.split(":")[0], t.metric, t.amount) for t in all_targets(bot)}
    assert found == {("team", "revenue", Decimal("1500000.00")), ("team", "visits", Decimal("200"))}


def test_a_manager_sets_targets_only_for_their_own_members(bot: RunningBot) -> None:
    for command in (f"{OSCAR} revenue 10k", f"{at(NEW_HIRE)} visits 5", f"{at(MANAGER)} visits 5"):
        shown = text_of(bot.ask("/target", command, user=MANAGER))
        assert ":warning:" in shown, command
        assert "only for the members of teams you manage" in shown, command
    assert all_targets(bot) == []
    # A refusal creates no one: the person mentioned was never looked up.
    with bot.db.transaction() as session:
        assert get_person(session, NEW_HIRE) is None


def test_a_rep_cannot_set_targets(bot: RunningBot) -> None:
    for command in (f"{RITA} revenue 1m", f"{OSCAR} visits 1", "team Enterprise visits 1"):
        shown = text_of(bot.ask("/target", command, user=REP))
        assert ":warning:" in shown, command
        assert "Only" in shown or "only" in shown, command
    assert all_targets(bot) == []
    assert target_audits(bot) == []


def test_an_admin_sets_anyones_target(bot: RunningBot) -> None:
    bot.ask("/target", f"{OSCAR} revenue 10k", user=ADMIN)
    bot.ask("/target", f"{at(NEW_HIRE, 'nina')} visits 12", user=ADMIN)
    assert len(all_targets(bot)) == 2
    with bot.db.transaction() as session:
        nina = get_person(session, NEW_HIRE)
        assert nina is not None
        assert (nina.display_name, nina.tz) == ("nina", "Asia/Shanghai")


def test_your_own_targets_and_for_a_manager_their_teams(bot: RunningBot) -> None:
    bot.ask("/target", f"{RITA} revenue 120k", user=MANAGER)
    bot.ask("/target", f"{RITA} visits 8 2026-10", user=MANAGER)  # over: not shown
    bot.ask("/target", "team Enterprise proposals 25", user=MANAGER)
    bot.ask("/target", "team Mid Market proposals 9", user=OTHER_MANAGER)
    mine = text_of(bot.ask("/target", "", user=REP))
    assert "Your targets" in mine
    assert "• *Revenue* · 2026-11 · $120,000" in mine
    assert "2026-10" not in mine
    assert "Proposals" not in mine
    managers = text_of(bot.ask("/target", "", user=MANAGER))
    assert "*Yours*\nNo targets." in managers
    assert "*Team Enterprise*\n• *Proposals* · 2026-11 · 25" in managers
    assert "Mid Market" not in managers


def test_who_may_see_a_persons_targets(bot: RunningBot) -> None:
    bot.ask("/target", f"{RITA} revenue 120k", user=MANAGER)
    for viewer in (REP, MANAGER, ADMIN):
        shown = text_of(bot.ask("/target", RITA, user=viewer))
        assert "Targets of rita" in shown, viewer
        assert "$120,000" in shown, viewer
    for viewer in (OTHER_REP, OTHER_MANAGER):
        shown = text_of(bot.ask("/target", RITA, user=viewer))
        assert ":warning:" in shown
        assert "$120,000" not in shown
    team = text_of(bot.ask("/target", "team Enterprise", user=REP))
    assert "Targets of team Enterprise" in team
    assert ":warning:" in text_of(bot.ask("/target", "team Enterprise", user=OTHER_REP))


def test_a_redelivered_command_sets_the_target_once(bot: RunningBot) -> None:
    trigger = bot.slack.new_trigger_id()
    url = bot.fake.response_url()
    for retry in (None, 1, 2):
        bot.slack.command(
            "/target", f"{RITA} revenue 120k", user_id=MANAGER, response_url=url,
            trigger_id=trigger, retry_num=retry,
        )  # fmt: skip
    # The deliveries may be answered in any order; exactly one of them did the work.
    replies = [text_of(bot.reply_to(url, index)) for index in range(3)]
    assert sum("is set: $120,000" in reply for reply in replies) == 1
    assert sum("already set" in reply for reply in replies) == 2
    assert len(all_targets(bot)) == 1
    assert len(target_audits(bot)) == 1


def test_bad_input_gets_a_clear_message_with_an_example(bot: RunningBot) -> None:
    for command, expected in (
        (f"{RITA} visits $40", "counted, not money"),
        (f"{RITA} visits 4.5", "whole number"),
        (f"{RITA} calls 40", "I don't know the metric “calls”"),
        (f"{RITA} revenue lots", "couldn't read “lots” as an amount"),
        (f"{RITA} revenue 120k 2026-13", "couldn't read “2026-13” as a month or quarter"),
        (f"{RITA} revenue", "Add the target amount"),
        ("@rita revenue 120k", "Pick each person from the list Slack shows when you type @"),
        ("team Nowhere revenue 1k", "There is no team called “Nowhere”"),
    ):
        shown = text_of(bot.ask("/target", command, user=MANAGER))
        assert ":warning:" in shown, command
        assert expected in shown, (command, shown)
        assert "Try: `/target" in shown or "Try: `/team" in shown, command
        assert "Traceback" not in shown
    assert all_targets(bot) == []


def test_help_explains_metrics_amounts_and_periods(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/target", "help"))
    for words in (
        "/target @person <metric> <amount> [<period>]",
        "/target team <name> <metric> <amount> [<period>]",
        "revenue, collected, visits, new customers, proposals",
        "2026-Q4",
        "the current month",
    ):
        assert words in shown, words


def test_store_queries_by_day(bot: RunningBot) -> None:
    bot.ask("/target", f"{RITA} revenue 120k", user=MANAGER)
    bot.ask("/target", f"{RITA} visits 40 2026-Q4", user=MANAGER)
    bot.ask("/target", f"{RITA} visits 10 2026-12", user=MANAGER)
    bot.ask("/target", "team Enterprise revenue 1m 2026-11", user=MANAGER)
    rita = person_id(bot, REP)
    with bot.db.transaction() as session:
        on_nov = targets.targets_for_person(session, rita, date(2026, 11, 18))
        # By period (the quarter starts first), then metric.
        assert [(t.metric, t.period) for t in on_nov] == [
            ("visits", "2026-Q4"),
            ("revenue", "2026-11"),
        ]
        every = targets.targets_for_person(session, rita)
        assert [t.period for t in every] == ["2026-Q4", "2026-11", "2026-12"]
        in_force = targets.targets_in_force(session, date(2026, 12, 5))
        assert {(t.metric, t.period) for t in in_force} == {
            ("visits", "2026-Q4"),
            ("visits", "2026-12"),
        }
        enterprise = get_team(session, "Enterprise")
        assert enterprise is not None
        [team_target] = targets.targets_for_team(session, enterprise.id)
        assert (team_target.owner_key, team_target.person_id) == (f"team:{enterprise.id}", None)
        assert team_target.amount == Decimal("1000000.00")
        assert targets.targets_for_team(session, enterprise.id, date(2026, 12, 1)) == []
        assert audit.history(session, "targets", team_target.id)[0].actor == MANAGER

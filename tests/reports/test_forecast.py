"""The forecast of a team, checked by hand: mixed stages, commit and best-case calls, a
slipped deal, a deal closing next period, a lost one, a deal with no close date, and a second
and third currency (USD with a rate to CNY, EUR without).

Team East counts in CNY, with a December revenue target of ¥1,000,000; Rita's own is
¥600,000. USD→CNY is 7 from 1 Nov; there is no EUR rate. Today is Thu 10 Dec 2026.

    #   owner  stage        amount     close        call      counts as
    1   Rita   won 3 Dec    ¥200,000                          won
    2   Rita   won 5 Dec    $10,000                           won ¥70,000
    3   Rita   proposal     ¥300,000   20 Dec       commit    open, 50% → ¥150,000
    4   Rita   negotiation  $20,000    31 Dec       bestcase  open ¥140,000, 70% → ¥98,000
    5   Rita   lead         ¥100,000   15 Dec                 open, 10% → ¥10,000
    6   Oscar  qualified    ¥50,000    5 Dec        commit    slipped: not counted
    7   Oscar  contacted    ¥80,000    15 Jan 2027  commit    next period: not counted
    8   Oscar  proposal     €10,000    28 Dec                 no rate: left out
    9   Oscar  contacted    ¥40,000    (none)                 no close date: not counted
    10  Oscar  lost         ¥500,000   20 Dec                 closed: not counted
    11  Oscar  won 28 Nov   ¥30,000                           last period: not counted
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from blocks.forecast import Forecast, TeamForecast
from reports.book import Book, load_book
from reports.forecast import person_forecasts, team_forecast
from runtime.settings import DEFAULT_STAGE_PROBABILITY
from sales.periods import month
from store import deals, rates, targets, teams
from store.db import Database
from store.deals import NewDeal
from store.models import Person, StageChange, Team

TODAY = date(2026, 12, 10)
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
RITA, OSCAR = "URITA01", "UOSCAR1"


def _deal(
    session, owner: Person, name: str, amount: str, currency: str, stage: str, close=None
) -> int:
    new = NewDeal(name, "Deal", Decimal(amount), currency, stage, expected_close=close)
    return deals.create_deal(session, owner.id, new).id


def _win(session, owner: Person, name: str, amount: str, currency: str, on: date) -> None:
    deal_id = _deal(session, owner, name, amount, currency, "negotiation")
    deal = deals.get_deal(session, deal_id)
    assert deal is not None
    deals.change_stage(session, deal, "won", owner)
    session.flush()
    change = session.scalars(
        select(StageChange).where(StageChange.deal_id == deal_id, StageChange.to_stage == "won")
    ).one()
    change.changed_at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)


@pytest.fixture
def book(db: Database) -> Iterator[Book]:
    with db.transaction() as session:
        rita = Person(slack_user_id=RITA, display_name="rita", tz="UTC")
        oscar = Person(slack_user_id=OSCAR, display_name="oscar", tz="UTC")
        session.add_all([rita, oscar])
        east = teams.create_team(session, "East", "UADMIN1")
        teams.set_currency(session, east, "CNY", "UADMIN1")
        session.flush()
        for person in (rita, oscar):
            teams.add_to_team(session, east, person.id, teams.MEMBER, date(2026, 11, 1), "UA")
        december = month(2026, 12)
        for owner, amount in ((east, "1000000"), (rita, "600000")):
            targets.set_target(
                session,
                owner=owner,
                metric="revenue",
                period=december,
                amount=Decimal(amount),
                currency="CNY",
                actor="UADMIN1",
            )
        rates.set_rate(session, "USD", "CNY", Decimal(7), date(2026, 11, 1), "UADMIN1")
        _win(session, rita, "Alpha", "200000", "CNY", date(2026, 12, 3))  # 1
        _win(session, rita, "Bravo", "10000", "USD", date(2026, 12, 5))  # 2
        commit = _deal(session, rita, "Charlie", "300000", "CNY", "proposal", date(2026, 12, 20))
        best = _deal(session, rita, "Delta", "20000", "USD", "negotiation", date(2026, 12, 31))
        _deal(session, rita, "Echo", "100000", "CNY", "lead", date(2026, 12, 15))  # 5
        slipped = _deal(session, oscar, "Foxtrot", "50000", "CNY", "qualified", date(2026, 12, 5))
        later = _deal(session, oscar, "Golf", "80000", "CNY", "contacted", date(2027, 1, 15))
        _deal(session, oscar, "Hotel", "10000", "EUR", "proposal", date(2026, 12, 28))  # 8
        _deal(session, oscar, "India", "40000", "CNY", "contacted")  # 9: no close date
        lost = _deal(session, oscar, "Juliet", "500000", "CNY", "proposal", date(2026, 12, 20))
        _win(session, oscar, "Kilo", "30000", "CNY", date(2026, 11, 28))  # 11
        for deal_id, call in ((commit, "commit"), (best, "bestcase"), (slipped, "commit")):
            deal = deals.get_deal(session, deal_id)
            assert deal is not None
            deals.set_forecast(session, deal, rita, call)
        deal = deals.get_deal(session, later)
        assert deal is not None
        deals.set_forecast(session, deal, oscar, "commit")
        deal = deals.get_deal(session, lost)
        assert deal is not None
        deals.change_stage(session, deal, "lost", oscar, lost_reason="price")
    with db.reading() as session:
        yield load_book(
            session, None, None, (TODAY, TODAY), probabilities=DEFAULT_STAGE_PROBABILITY
        )


def _east(book: Book) -> tuple[Team, TeamForecast]:
    team = book.roster.teams[0]
    found = team_forecast(book, team, book.roster.members(team), NOW)
    assert found is not None
    return team, found


def _figures(forecast: Forecast) -> dict[str, object]:
    return {
        "won": forecast.won,
        "commit": forecast.commit,
        "best_case": forecast.best_case,
        "open": forecast.open,
        "weighted": forecast.weighted,
        "left": forecast.left,
        "coverage": None if forecast.coverage is None else round(forecast.coverage, 4),
        "slipped": [deal.name for deal in forecast.slipped],
        "slipped_total": forecast.slipped_total,
        "no_close": forecast.no_close,
        "left_out": forecast.left_out,
    }


EXPECTED = {
    "team": {
        "won": Decimal("270000.00"),  # ¥200,000 + $10,000 x 7
        "commit": Decimal("300000.00"),  # #3 (#6 slipped, #7 next period)
        "best_case": Decimal("140000.00"),  # #4: $20,000 x 7
        "open": Decimal("540000.00"),  # #3 + #4 + #5
        "weighted": Decimal("258000.00"),  # 150,000 + 98,000 + 10,000
        "left": Decimal("730000.00"),  # 1,000,000 - 270,000
        "coverage": Decimal("0.7397"),  # 540,000 / 730,000
        "slipped": ["Foxtrot — Deal"],
        "slipped_total": Decimal("50000.00"),
        "no_close": 1,
        "left_out": {"EUR": Decimal("10000.00")},
    },
    RITA: {
        "won": Decimal("270000.00"),
        "commit": Decimal("300000.00"),
        "best_case": Decimal("140000.00"),
        "open": Decimal("540000.00"),
        "weighted": Decimal("258000.00"),
        "left": Decimal("330000.00"),  # her own ¥600,000 - 270,000
        "coverage": Decimal("1.6364"),  # 540,000 / 330,000
        "slipped": [],
        "slipped_total": Decimal("0.00"),
        "no_close": 0,
        "left_out": {},
    },
    OSCAR: {
        "won": Decimal("0.00"),  # #11 was won in November
        "commit": Decimal("0.00"),
        "best_case": Decimal("0.00"),
        "open": Decimal("0.00"),
        "weighted": Decimal("0.00"),
        "left": None,  # no target of his own
        "coverage": None,
        "slipped": ["Foxtrot — Deal"],
        "slipped_total": Decimal("50000.00"),
        "no_close": 1,
        "left_out": {"EUR": Decimal("10000.00")},
    },
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("figure", list(EXPECTED["team"]))
def test_the_teams_and_each_reps_forecast_figures(book: Book, who: str, figure: str) -> None:
    _, found = _east(book)
    [team_total] = found.team
    forecasts = {"team": team_total, **{rep.slack_user_id: rep.forecast for rep in found.reps}}
    assert forecasts[who].period == "2026-12"
    assert forecasts[who].currency == "CNY"
    assert _figures(forecasts[who])[figure] == EXPECTED[who][figure]


def test_a_reps_own_forecast_is_the_one_the_team_view_shows(book: Book) -> None:
    person = next(p for p in book.roster.reps().values() if p.slack_user_id == RITA)
    [own] = person_forecasts(book, person.id, NOW)
    assert _figures(own) == EXPECTED[RITA]
    oscar = next(p for p in book.roster.reps().values() if p.slack_user_id == OSCAR)
    # No revenue target of his own: the current month, in his team's currency.
    [month_only] = person_forecasts(book, oscar.id, NOW)
    assert (month_only.period, month_only.currency, month_only.target) == ("2026-12", "CNY", None)
    assert _figures(month_only) == EXPECTED[OSCAR]


def test_adding_the_missing_rate_counts_the_left_out_deal(db: Database, book: Book) -> None:
    with db.transaction() as session:
        rates.set_rate(session, "EUR", "CNY", Decimal("7.8"), date(2026, 12, 1), "UADMIN1")
    with db.reading() as session:
        again = load_book(
            session, None, None, (TODAY, TODAY), probabilities=DEFAULT_STAGE_PROBABILITY
        )
    _, found = _east(again)
    [total] = found.team
    assert total.left_out == {}
    assert total.open == Decimal("618000.00")  # 540,000 + €10,000 x 7.8
    assert total.weighted == Decimal("297000.00")  # 258,000 + 78,000 x 50%


def test_a_team_target_in_another_currency_is_forecast_in_that_currency(
    db: Database, book: Book
) -> None:
    with db.transaction() as session:
        east = session.scalars(select(Team)).one()
        targets.set_target(
            session,
            owner=east,
            metric="revenue",
            period=month(2026, 12),
            amount=Decimal(150000),
            currency="USD",
            actor="UADMIN1",
        )
    with db.reading() as session:
        again = load_book(
            session, None, None, (TODAY, TODAY), probabilities=DEFAULT_STAGE_PROBABILITY
        )
    _, found = _east(again)
    [total] = found.team
    assert total.currency == "USD"
    assert total.won == Decimal("38571.43")  # ¥200,000 / 7 + $10,000
    assert total.open == Decimal("77142.86")  # ¥300,000 / 7 + $20,000 + ¥100,000 / 7
    assert total.left == Decimal("111428.57")
    assert round(total.coverage or 0, 4) == Decimal("0.6923")
    rita = next(rep.forecast for rep in found.reps if rep.slack_user_id == RITA)
    # The reps' lines are in the team target's currency; Rita's own target is in CNY, so it
    # is no basis for a coverage in dollars.
    assert (rita.currency, rita.won, rita.coverage) == ("USD", Decimal("38571.43"), None)

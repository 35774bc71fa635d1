"""Pacing never misleads: newcomers and new teams aren't behind on day one, teams are
pro-rated from when they formed, and a status never contradicts the gap beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from blocks.pacing import TargetPace, pace_line
from reports.pacing import formed_on
from reports.teams import quiet_reps
from sales.pacing import Status, pace
from sales.periods import Period, quarter
from sales.workdays import calendar_for
from store.models import Person, Team
from translations import ENGLISH

US = calendar_for("US")
Q4 = quarter(2026, 4)
DECEMBER_1 = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("started_on", "today", "expected", "status"),
    [
        # The issue: a team formed on Dec 1 was pro-rated from Oct 1 ($1,290,322.58 by today).
        (DECEMBER_1, DECEMBER_1, "0.00", Status.ON_TRACK),  # formed today: nothing due yet
        # By hand: December has 22 US working days (Christmas off); 2m x 2/22, 2m x 3/22.
        (DECEMBER_1, date(2026, 12, 2), "181818.18", Status.AT_RISK),
        (DECEMBER_1, date(2026, 12, 3), "272727.27", Status.AT_RISK),
        # Without a start day: 41 of the quarter's 62 working days, 2m x 41/62.
        (None, DECEMBER_1, "1322580.65", Status.AT_RISK),
        (date(2026, 9, 1), DECEMBER_1, "1322580.65", Status.AT_RISK),  # before the period
    ],
)
def test_targets_are_pro_rated_from_the_day_the_owner_started_within_the_period(
    started_on: date | None, today: date, expected: str, status: Status
) -> None:
    found = pace(Decimal(2_000_000), Decimal(0), Q4, today, US, started_on)
    assert found.expected == Decimal(expected)
    assert found.status is status
    # `need … per working day` agrees with the pro-rating: the same working days.
    if started_on == DECEMBER_1:
        assert found.working_days == 22


@pytest.mark.parametrize(
    ("achieved", "unit", "label", "shown"),
    [
        # By hand: 19 US working days in Nov 2026 (Veterans Day, Thanksgiving off); by the
        # end of Tue 3 Nov, 40 x 2/19 = 4.2 visits are due, counted whole: 4.
        ("4", Decimal(1), "On track", "right on pace"),  # was "gap 0" beside the status
        ("5", Decimal(1), "Ahead", "1 ahead"),
        ("3", Decimal(1), "Behind", "gap 1"),
        ("0", Decimal(1), "At risk", "gap 4"),
    ],
)
def test_a_status_never_contradicts_the_gap_shown_beside_it(
    achieved: str, unit: Decimal, label: str, shown: str
) -> None:
    november = Period(date(2026, 11, 1), date(2026, 11, 30), "2026-11")
    found = pace(Decimal(40), Decimal(achieved), november, date(2026, 11, 3), US, None, unit)
    assert found.status.label == label
    line = pace_line(ENGLISH, TargetPace("visits", "2026-11", None, found))
    assert f"· {shown} ·" in line
    assert " 0 ahead" not in line


def person(person_id: int) -> Person:
    return Person(id=person_id, slack_user_id=f"U{person_id:03d}", display_name=str(person_id))


@pytest.mark.parametrize(
    ("joined", "last_visit", "quiet"),
    [
        (DECEMBER_1, None, False),  # joined today: no history to be quiet in
        (date(2026, 11, 30), None, True),  # a whole working day without a visit
        (date(2026, 11, 20), date(2026, 11, 20), True),
        (date(2026, 11, 20), date(2026, 11, 27), False),
        (None, None, True),  # a rep whose joining day is unknown is judged as before
    ],
)
def test_someone_on_the_team_for_under_a_working_day_is_not_called_quiet(
    joined: date | None, last_visit: date | None, quiet: bool
) -> None:
    rep = person(1)
    visits = {1: last_visit} if last_visit else {}
    joined_on = {1: joined} if joined else {}
    found = quiet_reps(visits, [rep], DECEMBER_1, US, joined_on)
    assert found == (["U001"] if quiet else [])


def test_a_team_formed_today_is_paced_from_today_in_the_readers_time_zone() -> None:

    team = Team(
        name="Shanghai", name_key="shanghai", created_at=datetime(2026, 11, 30, 20, tzinfo=UTC)
    )

    assert formed_on(team, datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))) == DECEMBER_1

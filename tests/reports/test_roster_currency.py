"""The loaded roster answers a person's currency as the store does, for every membership."""

from __future__ import annotations

from datetime import date

import pytest

from reports.roster import load_roster
from store import teams
from store.db import Database

TEAMS = {"Alpha": "CNY", "Beta": "EUR", "Gamma": None, "Delta": "GBP"}


@pytest.mark.parametrize(
    ("memberships", "currency"),
    [
        ([], None),
        ([("Gamma", teams.MEMBER)], None),  # a team with no currency of its own
        ([("Beta", teams.MEMBER)], "EUR"),
        ([("Alpha", teams.MANAGER), ("Beta", teams.MEMBER)], "EUR"),  # member before manager
        ([("Delta", teams.MEMBER), ("Beta", teams.MEMBER)], "EUR"),  # then by name
        ([("Gamma", teams.MEMBER), ("Delta", teams.MANAGER)], "GBP"),
        ([("Delta", teams.MANAGER), ("Alpha", teams.MANAGER)], "CNY"),
    ],
)
def test_roster_currency_of_agrees_with_the_store(
    db: Database, memberships: list[tuple[str, str]], currency: str | None
) -> None:
    with db.transaction() as session:
        person, _ = teams.ensure_person_stub(session, "UPERSON1")
        for name, its_currency in TEAMS.items():
            team = teams.create_team(session, name, "test")
            teams.set_currency(session, team, its_currency, "test")
        session.flush()
        for name, role in memberships:
            team = teams.get_team(session, name)
            assert team is not None
            teams.add_to_team(session, team, person.id, role, date(2026, 11, 1), "test")
        person_id = person.id
    with db.reading() as session:
        assert teams.currency_of(session, person_id) == currency
        assert load_roster(session, None).currency_of(person_id) == currency

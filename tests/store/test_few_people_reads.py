"""Reads for a few people (a Home) take a narrower path than reads for everyone (a job);
both must find the same rows. Random books, each read both ways and compared."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from store import customers, metrics, teams
from store.db import Database
from store.models import Customer, Deal, StageChange, Visit

STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
START = datetime(2026, 11, 1, tzinfo=UTC)


def random_book(db: Database, seed: int) -> list[int]:
    """Eight people, 30 customers (some tiered), deals with stage histories and visits; the
    people's ids."""
    rng = random.Random(seed)
    with db.transaction() as session:
        people = [teams.ensure_person_stub(session, f"UPERSON{n:02d}")[0] for n in range(8)]
        session.flush()
        ids = [person.id for person in people]
        found = [
            Customer(
                name=f"Customer {n}",
                name_key=f"customer {n}",
                tier=rng.choice([None, "core", "growth", "longtail"]),
            )
            for n in range(30)
        ]
        session.add_all(found)
        session.flush()
        for n in range(60):
            deal = Deal(
                customer_id=rng.choice(found).id,
                title=f"Deal {n}",
                amount=Decimal(rng.randrange(1, 100) * 1000),
                currency="USD",
                stage=rng.choice(STAGES),
                owner_id=rng.choice(ids),
            )
            session.add(deal)
            session.flush()
            at = START + timedelta(hours=rng.randrange(0, 24 * 40))
            for stage in rng.sample(STAGES, rng.randrange(1, 4)):
                session.add(
                    StageChange(
                        deal_id=deal.id, to_stage=stage, changed_at=at, changed_by_id=ids[0]
                    )
                )
                at += timedelta(hours=rng.randrange(1, 24 * 10))
        for n in range(80):
            session.add(
                Visit(
                    customer_id=rng.choice(found).id,
                    rep_id=rng.choice(ids),
                    visited_on=date(2026, 11, 1) + timedelta(days=rng.randrange(0, 30)),
                    notes=f"visit {n}",
                )
            )
    return ids


@pytest.mark.parametrize("seed", range(4))
def test_a_few_peoples_tiered_customers_are_everyones_narrowed_to_them(
    db: Database, seed: int
) -> None:
    ids = random_book(db, seed)
    some = random.Random(seed).sample(ids, 3)
    with db.reading() as session:
        everyone = customers.tiered_customers_by_owner(session, None)
        theirs = customers.tiered_customers_by_owner(session, some)
    assert everyone, "the random book has tiered customers"
    assert theirs == {owner: found for owner, found in everyone.items() if owner in some}


@pytest.mark.parametrize("seed", range(4))
def test_a_few_peoples_stage_arrivals_are_the_same_either_way(
    db: Database, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = random_book(db, seed)
    some = random.Random(seed).sample(ids, 3)
    start, end = START + timedelta(days=10), START + timedelta(days=30)
    with db.reading() as session:
        from_their_deals = sorted(metrics.arrivals_between(session, some, start, end))
        monkeypatch.setattr(metrics, "FEW_OWNERS", 0)
        from_the_window = sorted(metrics.arrivals_between(session, some, start, end))
    assert from_their_deals, "the random book has moves in the window"
    assert from_their_deals == from_the_window


def test_team_summaries_count_what_the_roster_holds(db: Database) -> None:
    with db.transaction() as session:
        people = [teams.ensure_person_stub(session, f"UPERSON{n:02d}")[0] for n in range(5)]
        beta, alpha = (teams.create_team(session, name, "test") for name in ("Beta", "Alpha"))
        teams.create_team(session, "Gamma", "test")  # no one on it
        session.flush()
        teams.set_channel(session, alpha, "CALPHA", "test")
        joined = date(2026, 11, 1)
        for person in people[:3]:
            teams.add_to_team(session, alpha, person.id, teams.MEMBER, joined, "test")
        teams.add_to_team(session, alpha, people[3].id, teams.MANAGER, joined, "test")
        teams.add_to_team(session, beta, people[3].id, teams.MEMBER, joined, "test")
        teams.add_to_team(session, beta, people[4].id, teams.MANAGER, joined, "test")
        teams.add_to_team(session, beta, people[3].id, teams.MANAGER, joined, "test")
        manager_id = people[3].id
    with db.reading() as session:
        summaries = teams.team_summaries(session)
        assert [(s.name, s.managers, s.members, s.channel_id) for s in summaries] == [
            ("Alpha", 1, 3, "CALPHA"),
            ("Beta", 2, 1, None),
            ("Gamma", 0, 0, None),
        ]
        for team in teams.all_teams(session):
            [one] = teams.team_summaries(session, team.id)
            assert (one.managers, one.members) == (
                len(teams.members(team, teams.MANAGER)),
                len(teams.members(team)),
            )
        assert teams.team_names(session) == [(s.id, s.name) for s in summaries]
        assert [name for _, name in teams.team_names(session, manager_id)] == ["Alpha", "Beta"]
        assert teams.team_names(session, people[0].id) == []


def test_a_customer_is_owned_by_its_deals_owners_else_by_its_visitors(db: Database) -> None:
    with db.transaction() as session:
        ana, bo = (teams.ensure_person_stub(session, user)[0] for user in ("UANA0001", "UBO00001"))
        lost, open_, visited = (
            Customer(name=name, name_key=name.casefold(), tier="core")
            for name in ("Lost Co", "Open Co", "Visited Co")
        )
        session.add_all([lost, open_, visited, Customer(name="Untiered", name_key="untiered")])
        session.flush()
        for customer, stage in ((lost, "lost"), (open_, "proposal")):
            session.add(
                Deal(
                    customer_id=customer.id, title="Deal", amount=Decimal(1000), currency="USD",
                    stage=stage, owner_id=ana.id,
                )
            )  # fmt: skip
        for customer in (lost, open_, visited):
            session.add(
                Visit(customer_id=customer.id, rep_id=bo.id, visited_on=date(2026, 11, 2), notes="")
            )
        session.flush()
        ana_id, bo_id = ana.id, bo.id
    with db.reading() as session:
        owned = customers.tiered_customers_by_owner(session, None)
    names = {owner: [customer.name for customer in found] for owner, found in owned.items()}
    # Ana's lost deal does not make Lost Co hers; Bo's visit does, as nobody's deal counts.
    assert names == {ana_id: ["Open Co"], bo_id: ["Lost Co", "Visited Co"]}

"""Realistic data at a chosen size, written through the project's own schema.

Reps in teams (each team with a manager, some with a channel and a holiday country), their
customers, a year of visits (some with follow-ups), deals moving through the funnel with
their stage history, instalments and payments of won deals, targets in force, this week's
and last week's cases, and a few people away.

    .venv/bin/python -m benchmarks.seed --database-url URL [--size small|bench|full]
        [--reps N] [--teams N] [--visits N] [--deals N] [--instalments N] [--today DAY]

`full` is the issue's size: 10,000 reps in 1,000 teams, 1M visits, 200k deals (about 800k
stage changes) and 100k instalments. Sizes given one by one override the preset's.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from sales.case_review import previous_week, week_of
from sales.periods import month_of, quarter_of
from sales.tiers import CORE, GROWTH, LONGTAIL
from store import bulk, celebrations, deliveries
from store.db import Database
from store.models import (
    Away,
    Case,
    Customer,
    Deal,
    Delivery,
    Instalment,
    Membership,
    Payment,
    PaymentAllocation,
    Person,
    StageChange,
    Target,
    Team,
    Visit,
)

ZONES = ("America/New_York", "Europe/London", "Asia/Shanghai", "America/Los_Angeles")
COUNTRIES = ("US", "CN", None)
# Where deals end up, and how often: the path to each passes every stage before it.
PATH = ("lead", "qualified", "contacted", "proposal", "negotiation", "won")
ENDINGS = (
    ("lead", 15),
    ("qualified", 10),
    ("contacted", 10),
    ("proposal", 15),
    ("negotiation", 10),
    ("won", 25),
    ("lost", 15),
)
CHUNK = 50_000
# Everyone joined their team this long before the seeding day (benchmarks.run reads it back).
JOINED_BEFORE = timedelta(days=400)
SEEDER = "benchmark-seed"


@dataclass(frozen=True)
class Size:
    reps: int
    teams: int
    visits: int
    deals: int
    instalments: int


SIZES = {
    "small": Size(reps=20, teams=2, visits=400, deals=120, instalments=60),
    "bench": Size(reps=1_000, teams=100, visits=100_000, deals=20_000, instalments=10_000),
    "full": Size(reps=10_000, teams=1_000, visits=1_000_000, deals=200_000, instalments=100_000),
}


@dataclass
class Seeded:
    size: Size
    people: int = 0
    customers: int = 0
    stage_changes: int = 0
    payments: int = 0
    seconds: float = 0.0


def _celebrations(
    session: Session,
    won: list[tuple[int, int, Decimal, str, datetime]],
    team_of: dict[int, int],
    team_ids: list[int],
) -> None:
    """The latest win of each team with a channel, still owed its celebration card."""
    latest: dict[int, tuple[datetime, int]] = {}
    for deal_id, owner_id, _, _, won_at in won:
        team = team_of[owner_id]
        if team_ids.index(team) % 2 == 0 and (team not in latest or won_at > latest[team][0]):
            latest[team] = (won_at, deal_id)
    rows = [
        {
            "job": celebrations.JOB,
            "period": celebrations.period_of(deal_id),
            "recipient": f"team:{team}",
            "status": deliveries.QUEUED,
            "attempts": 0,
            "claimed_at": won_at,
        }
        for team, (won_at, deal_id) in sorted(latest.items())
    ]
    if rows:
        bulk.insert_rows(session, Delivery, rows, ids=False)


def seed(db: Database, size: Size, today: date, *, synced_at: datetime | None = None) -> Seeded:
    """Write `size`'s data, as of `today`, into an empty, migrated database."""
    started = time.monotonic()
    rng = random.Random(12)
    synced_at = synced_at or datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    done = Seeded(size)
    with db.transaction() as session:
        team_ids = bulk.insert_rows(
            session,
            Team,
            [
                {
                    "name": f"Team {number:04d}",
                    "name_key": f"team {number:04d}",
                    "channel_id": f"CT{number:07d}" if number % 2 == 0 else None,
                    "holiday_country": COUNTRIES[number % len(COUNTRIES)],
                }
                for number in range(size.teams)
            ],
        )
        people = [
            _person(
                f"UM{number:07d}", f"Manager {number:04d}", ZONES[number % len(ZONES)], synced_at
            )
            for number in range(size.teams)
        ] + [
            _person(
                f"UR{number:07d}",
                f"Rep {number:05d}",
                ZONES[(number % size.teams) % len(ZONES)],
                synced_at,
            )
            for number in range(size.reps)
        ]
        person_ids = bulk.insert_rows(session, Person, people)
        manager_ids, rep_ids = person_ids[: size.teams], person_ids[size.teams :]
        team_of = {rep: team_ids[index % size.teams] for index, rep in enumerate(rep_ids)}
        joined = today - JOINED_BEFORE
        bulk.insert_rows(
            session,
            Membership,
            [
                {"team_id": team, "person_id": manager, "role": "manager", "joined_on": joined}
                for team, manager in zip(team_ids, manager_ids, strict=True)
            ]
            + [
                {"team_id": team_of[rep], "person_id": rep, "role": "member", "joined_on": joined}
                for rep in rep_ids
            ],
        )
        _targets(session, today, rep_ids, team_ids)
        customers = max(size.reps * 3, size.deals // 4, 1)
        customer_ids = bulk.insert_rows(
            session,
            Customer,
            [
                {
                    "name": f"Customer {number:06d}",
                    "name_key": f"customer {number:06d}",
                    "tier": _tier(number),
                }
                for number in range(customers)
            ],
        )
        done.people, done.customers = len(person_ids), customers
        for rows in _visits(rng, size.visits, rep_ids, customer_ids, today):
            bulk.insert_rows(session, Visit, rows, ids=False)
        won: list[tuple[int, int, Decimal, str, datetime]] = []
        for deals, histories in _deals(rng, size.deals, rep_ids, customer_ids, today):
            ids = bulk.insert_rows(session, Deal, deals)
            changes = [
                {**change, "deal_id": deal_id}
                for deal_id, history in zip(ids, histories, strict=True)
                for change in history
            ]
            bulk.insert_rows(session, StageChange, changes, ids=False)
            done.stage_changes += len(changes)
            won += [
                (
                    deal_id,
                    deal["owner_id"],
                    deal["amount"],
                    deal["currency"],
                    history[-1]["changed_at"],
                )
                for deal_id, deal, history in zip(ids, deals, histories, strict=True)
                if deal["stage"] == "won"
            ]
        done.payments = _instalments(session, rng, size.instalments, won, today)
        _celebrations(session, won, team_of, team_ids)
        _cases(session, rng, rep_ids, team_of, today)
    done.seconds = time.monotonic() - started
    return done


def _person(user_id: str, name: str, tz: str, synced_at: datetime) -> dict[str, Any]:
    return {
        "slack_user_id": user_id,
        "display_name": name,
        "tz": tz,
        "role": "manager" if user_id.startswith("UM") else "rep",
        "profile_synced_at": synced_at,
    }


def _targets(session: Any, today: date, rep_ids: list[int], team_ids: list[int]) -> None:
    month, quarter = month_of(today), quarter_of(today)

    def target(owner: str, metric: str, period: Any, amount: int, currency: str | None) -> dict:
        kind, _, number = owner.partition(":")
        return {
            "owner_key": owner,
            "person_id": int(number) if kind == "person" else None,
            "team_id": int(number) if kind == "team" else None,
            "metric": metric,
            "period": period.label,
            "period_start": period.start,
            "period_end": period.end,
            "amount": Decimal(amount),
            "currency": currency,
            "set_by": SEEDER,
        }

    rows = []
    for rep in rep_ids:
        rows.append(target(f"person:{rep}", "visits", month, 20, None))
        rows.append(target(f"person:{rep}", "revenue", month, 50_000, "USD"))
    for team in team_ids:
        rows.append(target(f"team:{team}", "revenue", month, 500_000, "USD"))
        rows.append(target(f"team:{team}", "collected", month, 300_000, "USD"))
        rows.append(target(f"team:{team}", "new_customers", quarter, 10, None))
    bulk.insert_rows(session, Target, rows)


def _tier(number: int) -> str | None:
    """One customer in ten core, two growth, four long-tail; three not tiered yet."""
    return (CORE, GROWTH, GROWTH, *[LONGTAIL] * 4, None, None, None)[number % 10]


def _visits(
    rng: random.Random, count: int, reps: list[int], customers: list[int], today: date
) -> Iterator[list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        visited = today - timedelta(days=int(rng.triangular(0, 365, 0)))
        follow_up = rng.random() < 0.2
        due = visited + timedelta(days=rng.randint(1, 14)) if follow_up else None
        rows.append(
            {
                "customer_id": rng.choice(customers),
                "rep_id": rng.choice(reps),
                "visited_on": visited,
                "notes": "Discussed the renewal and next quarter's volumes.",
                "outcome": "interested",
                "next_step": "Send the proposal" if follow_up else None,
                "follow_up_due": due,
                "follow_up_done_at": (
                    datetime.combine(due, datetime.min.time(), tzinfo=UTC)
                    if due and due < today - timedelta(days=5) and rng.random() < 0.9
                    else None
                ),
            }
        )
        if len(rows) == CHUNK:
            yield rows
            rows = []
    if rows:
        yield rows


def _deals(
    rng: random.Random, count: int, reps: list[int], customers: list[int], today: date
) -> Iterator[tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]]:
    endings = [stage for stage, weight in ENDINGS for _ in range(weight)]
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
    deals: list[dict[str, Any]] = []
    histories: list[list[dict[str, Any]]] = []
    for number in range(count):
        owner = rng.choice(reps)
        created = now - timedelta(days=rng.uniform(0, 365))
        ending = rng.choice(endings)
        if ending == "lost":
            path = [*PATH[: rng.randint(1, 4)], "lost"]
        else:
            path = list(PATH[: PATH.index(ending) + 1])
        history, when, previous = [], created, None
        for stage in path:
            history.append(
                {
                    "from_stage": previous,
                    "to_stage": stage,
                    "changed_at": when,
                    "changed_by_id": owner,
                }
            )
            previous = stage
            when = min(when + timedelta(days=rng.uniform(0.5, 12)), now)
        deals.append(
            {
                "customer_id": rng.choice(customers),
                "title": f"Deal {rng.randint(1, 10**6)}",
                "amount": Decimal(rng.randint(10, 2_000) * 100),
                "currency": "EUR" if rng.random() < 0.05 else "USD",
                "stage": path[-1],
                "owner_id": owner,
                "created_at": created,
                "updated_at": history[-1]["changed_at"],
                "lost_reason": "price" if path[-1] == "lost" else None,
                # Spread over three weeks ago to two months ahead (some slipped, some next
                # month), a third each commit, best case and no call: the forecast's load.
                # Derived from the deal's number, so the random draws above stay the same.
                "expected_close": today + timedelta(days=number * 7 % 80 - 20),
                "forecast": (None, "commit", "bestcase")[number % 3],
            }
        )
        histories.append(history)
        if len(deals) == CHUNK // 5:
            yield deals, histories
            deals, histories = [], []
    if deals:
        yield deals, histories


def _instalments(
    session: Any,
    rng: random.Random,
    count: int,
    won: list[tuple[int, int, Decimal, str, datetime]],
    today: date,
) -> int:
    if not won or not count:
        return 0
    per_deal = max(1, round(count / len(won)))
    rows, paid = [], []
    for deal_id, _, amount, currency, won_at in won:
        share = (amount / per_deal).quantize(Decimal("0.01"))
        for number in range(per_deal):
            if len(rows) >= count:
                break
            due = won_at.date() + timedelta(days=30 * (number + 1))
            settled = due < today and rng.random() < 0.8
            rows.append(
                {
                    "deal_id": deal_id,
                    "amount": share,
                    "currency": currency,
                    "due_on": due,
                    "paid_amount": share if settled else Decimal(0),
                    "paid_on": due if settled else None,
                    "created_by": SEEDER,
                }
            )
            if settled:
                paid.append((len(rows) - 1, deal_id, share, currency, due))
    ids = bulk.insert_rows(session, Instalment, rows)
    payment_ids = bulk.insert_rows(
        session,
        Payment,
        [
            {
                "deal_id": deal_id,
                "amount": share,
                "currency": currency,
                "received_on": due,
                "recorded_by": SEEDER,
            }
            for _, deal_id, share, currency, due in paid
        ],
    )
    bulk.insert_rows(
        session,
        PaymentAllocation,
        [
            {"payment_id": payment_id, "instalment_id": ids[index], "amount": share}
            for payment_id, (index, _, share, _, _) in zip(payment_ids, paid, strict=True)
        ],
    )
    return len(payment_ids)


def _cases(
    session: Any, rng: random.Random, reps: list[int], team_of: dict[int, int], today: date
) -> None:
    this_week = week_of(today)
    rows = [
        {
            "author_id": rep,
            "team_id": team_of[rep],
            "week": week,
            "title": "Won back a churned account",
            "pain_point": "Slow deliveries",
            "strategy": "Weekly check-ins",
            "result": "Renewed",
            "lessons": "Call early",
        }
        for rep in reps
        for week in (previous_week(this_week), this_week)
        if rng.random() < 0.6
    ]
    bulk.insert_rows(session, Case, rows)
    away = [rep for rep in reps if rng.random() < 0.02]
    bulk.insert_rows(
        session,
        Away,
        [
            {
                "person_id": rep,
                "first_day": today - timedelta(days=2),
                "last_day": today + timedelta(days=3),
            }
            for rep in away
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    for name in ("reps", "teams", "visits", "deals", "instalments"):
        parser.add_argument(f"--{name}", type=int)
    parser.add_argument("--today", type=date.fromisoformat, default=datetime.now(UTC).date())
    args = parser.parse_args()
    size = replace(
        SIZES[args.size],
        **{
            name: value
            for name in ("reps", "teams", "visits", "deals", "instalments")
            if (value := getattr(args, name)) is not None
        },
    )
    db = Database(args.database_url)
    db.upgrade()
    done = seed(db, size, args.today)
    # What autovacuum would do soon after a load this size (and a server with it off, never).
    db.refresh_statistics()
    print(
        f"seeded {size.reps} reps in {size.teams} teams, {done.people} people, "
        f"{done.customers} customers, {size.visits} visits, {size.deals} deals, "
        f"{done.stage_changes} stage changes, {size.instalments} instalments, "
        f"{done.payments} payments in {done.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()

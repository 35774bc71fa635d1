"""Peak memory of `bot.py export` for every kind, on a database with many visits.

Fills a temporary SQLite database (or the empty database at --database-url) with
`--visits` visits and, in proportion, customers, deals, stage changes, notes, instalments,
payments and audit entries, then runs `python bot.py export KIND` for every kind, and
`export all`, each in its own process, and reports each process's peak resident memory
(from the kernel's own accounting, `wait4`). The goal: under 150 MB for 100,000 visits,
whatever the kind or format.

    .venv/bin/python -m benchmarks.export_memory [--visits 100000] [--format csv]
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from store.db import Database
from store.exports import KINDS
from store.models import (
    AuditEntry,
    Customer,
    Deal,
    DealNote,
    Instalment,
    Person,
    StageChange,
    Visit,
)

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000
GOAL_MB = 150
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill(db: Database, visits: int) -> None:
    """Realistic shapes: 50 reps, a customer per 20 visits, a deal per 10 visits."""
    customers, deals = max(visits // 20, 1), max(visits // 10, 1)
    day = date(2026, 1, 1)
    tables: list[tuple[type, Iterator[dict[str, Any]]]] = [
        (Person, ({"id": n, "slack_user_id": f"UBENCH{n:04d}", "display_name": f"rep {n}",
                   "tz": "Asia/Shanghai", "role": "rep", "created_at": NOW}
                  for n in range(1, 51))),
        (Customer, ({"id": n, "name": f"客户 {n} Ltd", "name_key": f"客户 {n} ltd",
                     "created_at": NOW} for n in range(1, customers + 1))),
        (Visit, ({"customer_id": n % customers + 1, "rep_id": n % 50 + 1,
                  "visited_on": day + timedelta(days=n % 320),
                  "notes": f"met the buyer, discussed the renewal and pricing, visit {n}",
                  "next_step": "send the proposal", "follow_up_due": day, "created_at": NOW,
                  "updated_at": NOW} for n in range(visits))),
        (Deal, ({"id": n, "customer_id": n % customers + 1, "title": f"Deal {n}",
                 "amount": Decimal("120000.50"), "currency": "CNY", "stage": "won",
                 "owner_id": n % 50 + 1, "created_at": NOW, "updated_at": NOW}
                for n in range(1, deals + 1))),
        (StageChange, ({"deal_id": n % deals + 1, "from_stage": "lead", "to_stage": "won",
                        "changed_at": NOW, "changed_by_id": n % 50 + 1}
                       for n in range(deals * 2))),
        (DealNote, ({"deal_id": n % deals + 1, "author_id": 1, "text": "=1+1 note",
                     "created_at": NOW} for n in range(deals))),
        (Instalment, ({"deal_id": n % deals + 1, "amount": Decimal("60000.25"),
                       "currency": "CNY", "due_on": day, "paid_amount": Decimal(0),
                       "created_by": "UBENCH0001", "created_at": NOW, "updated_at": NOW}
                      for n in range(deals * 2))),
        (AuditEntry, ({"actor": "UBENCH0001", "entity": "visits", "entity_id": n,
                       "action": "create", "before": None,
                       "after": {"id": n, "notes": "met the buyer", "amount": "1.00"},
                       "at": NOW} for n in range(visits))),
    ]  # fmt: skip
    with db.transaction() as session:
        for model, rows in tables:
            for batch in batches(rows):
                session.execute(insert(model), batch)


def peak_mb(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Peak RSS (MB) and seconds of one `bot.py` run, and its exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "bot.py", *argv], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        print(process.stderr.read().decode(), file=sys.stderr)
    return usage.ru_maxrss / 1024, elapsed, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "jsonl", "json"], default="csv")
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        db = Database(url)
        db.upgrade()
        started = time.perf_counter()
        fill(db, args.visits)
        db.dispose()
        print(f"filled {url.split('@')[-1]} with {args.visits:,} visits "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        env = {**os.environ, "DATABASE_URL": url}
        # What any bot.py command costs before it reads a row: the floor under every export.
        base, _, _ = peak_mb(["db", "upgrade"], env)
        print(f"bot.py db upgrade (no rows read) peak RSS {base:6.1f} MB")
        worst = 0.0
        runs = [[kind] for kind in KINDS if kind != "exchange_rates"]
        runs.append(["all", "--output", str(Path(folder) / "all")])
        for run in runs:
            mb, seconds, code = peak_mb(["export", *run, "--format", args.format], env)
            worst = max(worst, mb)
            status = "" if code == 0 else f"  (exit {code})"
            print(f"export {run[0]:<20} peak RSS {mb:6.1f} MB  {seconds:5.1f} s{status}")
        verdict = "under" if worst < GOAL_MB else "OVER"
        print(f"worst peak: {worst:.1f} MB, {verdict} the {GOAL_MB} MB goal")


if __name__ == "__main__":
    main()

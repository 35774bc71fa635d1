"""`python bot.py export visits|deals`: every record, for reporting and backups."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from store import deals, visits
from store.db import Database
from store.models import Deal, Visit

Row = dict[str, Any]


def visit_row(visit: Visit) -> Row:
    return {
        "id": visit.id,
        "customer_id": visit.customer_id,
        "customer": visit.customer.name,
        "rep_slack_id": visit.rep.slack_user_id,
        "rep": visit.rep.display_name,
        "visited_on": visit.visited_on,
        "notes": visit.notes,
        "outcome": visit.outcome,
        "next_step": visit.next_step,
        "follow_up_due": visit.follow_up_due,
        "created_at": visit.created_at,
        "updated_at": visit.updated_at,
    }


def deal_row(deal: Deal) -> Row:
    return {
        "id": deal.id,
        "customer_id": deal.customer_id,
        "customer": deal.customer.name,
        "title": deal.title,
        "amount": deal.amount,
        "currency": deal.currency,
        "stage": deal.stage,
        "expected_close": deal.expected_close,
        "owner_slack_id": deal.owner.slack_user_id,
        "owner": deal.owner.display_name,
        "bant_budget": deal.bant_budget,
        "bant_authority": deal.bant_authority,
        "bant_need": deal.bant_need,
        "bant_timeline": deal.bant_timeline,
        "lost_reason": deal.lost_reason,
        "created_at": deal.created_at,
        "updated_at": deal.updated_at,
    }


VISIT_COLUMNS = (
    "id", "customer_id", "customer", "rep_slack_id", "rep", "visited_on", "notes", "outcome",
    "next_step", "follow_up_due", "created_at", "updated_at",
)  # fmt: skip
DEAL_COLUMNS = (
    "id", "customer_id", "customer", "title", "amount", "currency", "stage", "expected_close",
    "owner_slack_id", "owner", "bant_budget", "bant_authority", "bant_need", "bant_timeline",
    "lost_reason", "created_at", "updated_at",
)  # fmt: skip


def export(db: Database, kind: str, fmt: str, out: TextIO) -> int:
    """Write every visit or deal to `out`; the number written is returned."""
    with db.reading() as session:
        if kind == "visits":
            rows: Iterator[Row] = (visit_row(visit) for visit in visits.all_visits(session))
            columns = VISIT_COLUMNS
        else:
            rows = (deal_row(deal) for deal in deals.all_deals(session))
            columns = DEAL_COLUMNS
        return write_csv(rows, columns, out) if fmt == "csv" else write_json(rows, out)


def write_json(rows: Iterable[Row], out: TextIO) -> int:
    """A JSON array, written row by row so a large export never sits in memory."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(
            json.dumps({key: _json_value(value) for key, value in row.items()}, ensure_ascii=False)
        )
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(rows: Iterable[Row], columns: tuple[str, ...], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({key: _text_value(value) for key, value in row.items()})
        count += 1
    return count


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        # Numbers, not strings, for spreadsheets and BI tools; cents survive a float.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _text_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None:
        return ""
    return value

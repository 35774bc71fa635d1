"""`python bot.py export KIND`: every record of a kind, for reporting and backups.

CSV is UTF-8 with a byte-order mark (so Excel reads 华为 right), or without one for tools;
text a person typed that a spreadsheet would run as a formula is neutralised. JSON Lines
(one object per line) and JSON keep amounts exact: they are written as decimal literals
straight from the database's `Decimal`, never through a binary float. Rows are streamed
from the database and written one at a time, so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from store.db import Database
from store.exports import KINDS, NoSuchTable, stream

FORMATS = ("csv", "jsonl", "json")
SUFFIXES = {"csv": "csv", "jsonl": "jsonl", "json": "json"}
BOM = "\ufeff"
# A cell starting with one of these runs as a formula in Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Mapping[str, Any]


class ExportError(Exception):
    """What to tell the operator instead of exporting."""


def check_exportable(db: Database, kind: str) -> None:
    """Raise ExportError, before any file is opened, when this database has no `kind`."""
    with db.reading() as session:
        try:
            stream(session, KINDS[kind])
        except NoSuchTable as missing:
            raise ExportError(
                f"this database has no {missing} table, so there are no {kind} to export"
            ) from missing


def export(db: Database, kind: str, fmt: str, out: TextIO, *, bom: bool = True) -> int:
    """Write every record of `kind` to `out` in `fmt`; the number written is returned."""
    with db.reading() as session:
        try:
            columns, rows = stream(session, KINDS[kind])
        except NoSuchTable as missing:
            raise ExportError(
                f"this database has no {missing} table, so there are no {kind} to export"
            ) from missing
        return write(fmt, columns, rows, out, bom=bom)


def export_all(db: Database, fmt: str, folder: Path, *, bom: bool = True) -> dict[str, int]:
    """One file per kind in `folder` (`visits.csv`, …), all from one consistent snapshot
    of the database. Kinds this database has no table for are left out."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with db.reading() as session:
        for name, kind in KINDS.items():
            try:
                columns, rows = stream(session, kind)
            except NoSuchTable:
                continue
            path = folder / f"{name}.{SUFFIXES[fmt]}"
            with path.open("w", encoding="utf-8", newline="") as out:
                counts[name] = write(fmt, columns, rows, out, bom=bom)
    return counts


def write(fmt: str, columns: list[str], rows: Iterable[Row], out: TextIO, *, bom: bool) -> int:
    if fmt == "csv":
        return write_csv(columns, rows, out, bom=bom)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    return write_json(rows, out)


def write_csv(columns: list[str], rows: Iterable[Row], out: TextIO, *, bom: bool = True) -> int:
    if bom:
        out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row[column]) for column in columns])
        count += 1
    return count


def write_jsonl(rows: Iterable[Row], out: TextIO) -> int:
    """One JSON object per line, nothing else: easy to stream into other tools."""
    count = 0
    for line in _json_objects(rows):
        out.write(line)
        out.write("\n")
        count += 1
    return count


def write_json(rows: Iterable[Row], out: TextIO) -> int:
    """A JSON array, written row by row so a large export never sits in memory."""
    count = 0
    out.write("[")
    for line in _json_objects(rows):
        out.write(",\n" if count else "\n")
        out.write(line)
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def csv_cell(value: object) -> object:
    """How one value goes into a CSV cell: dates in ISO 8601, nested records as JSON, and
    typed text that a spreadsheet would run as a formula prefixed with an apostrophe (the
    spreadsheet convention for "this is text"). Numbers are left alone, so a negative amount
    stays a number."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return neutralised(value)
    return value


def neutralised(text: str) -> str:
    """`text`, safe to open in a spreadsheet (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def json_object(row: Row) -> str:
    """One row as a JSON object whose amounts are exact decimal literals (`1234.56`)."""
    members = (f"{json.dumps(key)}: {_json_literal(value)}" for key, value in row.items())
    return "{" + ", ".join(members) + "}"


def _json_objects(rows: Iterable[Row]) -> Iterator[str]:
    for row in rows:
        yield json_object(row)


def _json_literal(value: object) -> str:
    if isinstance(value, Decimal):
        # `Decimal` prints exactly what the database holds; a float would not.
        return format(value, "f")
    if isinstance(value, datetime | date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False, default=_nested_value)


def _nested_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"can't export a {type(value).__name__}")

"""`bot.py export` of every kind, `export all`, spreadsheet safety, exact amounts, the
teams/targets round trip through `import`, and `bot.py backup`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import bot
from runtime.export import csv_cell, neutralised
from runtime.imports import import_rates
from store import contacts, payments
from store.db import Database
from store.exports import KINDS, Kind
from store.models import Away, Case, Person, Visit
from store.rates import latest_rates, set_rate
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.test_team_command import MANAGER, at
from tests.support.databases import fresh_database_url

pytestmark = pytest.mark.usefixtures("empty_environment", "restore_root_logger")

EVERY_KIND = list(KINDS)
RITA = at(REP, "rita")
OSCAR = at(OTHER_REP, "oscar")
HYPERLINK = '=HYPERLINK("evil.example/pay","Click me")'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = bot.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.removeprefix("\ufeff"))))


def seed_everything(bot_: RunningBot) -> None:
    """At least one record of every kind, made the way people make them."""
    bot_.fake.add_user(MANAGER, name="maria", real_name="Maria Manager", tz="America/New_York")
    for command in (
        "create Enterprise",
        f"Enterprise manager {at(MANAGER)}",
        f"Enterprise add {RITA} {OSCAR}",
        "Enterprise channel <#C0ENT001|sales>",
        "create Empty Team",
    ):
        bot_.ask("/team", command, user=ADMIN)
    bot_.ask("/target", f"{RITA} revenue 120k 2026-12", user=MANAGER)
    bot_.ask("/target", f"{RITA} visits 20", user=MANAGER)
    bot_.ask("/target", "team Enterprise revenue €1.5m 2026-Q4", user=ADMIN)
    bot_.ask("/visit", f"{HYPERLINK}: -5 units on the old contract; next: call @ops by friday")
    bot_.ask("/visit", "华为: 年度框架 review", user=OTHER_REP)
    bot_.ask("/deal", "new Acme Corp; Renewal 2027; 120k; stage negotiation")
    bot_.ask("/deal", "#1 note +1 from the CFO")
    bot_.ask("/deal", "#1 won")
    bot_.ask("/deal", "#1 payment 45k due 2026-12-31")
    bot_.ask("/deal", "#1 payment 75k due 2027-01-31")
    bot_.ask("/deal", "#1 paid 20,000.50 on yesterday")
    bot_.ask("/deal", "new 华为; 年度框架; ¥1,234.56", user=OTHER_REP)
    bot_.ask("/fx", "CNY USD 0.138 2026-11-01", user=ADMIN)
    bot_.ask("/customer", "华为 contact 王伟, 采购总监", user=OTHER_REP)
    with bot_.db.transaction() as session:
        rita = session.query(Person).filter_by(slack_user_id=REP).one()
        session.add(
            Case(author_id=rita.id, week="2026-W47", title="Acme renewal", pain_point="@risk",
                 strategy="Multi-thread", result="Won", lessons="Start early", tags="renewal")
        )  # fmt: skip
        session.add(
            Away(person_id=rita.id, first_day=date(2026, 12, 21), last_day=date(2027, 1, 1))
        )
        # As the alert's Add note form saves it.
        [instalment, _] = payments.instalments_of(session, 1)
        payments.add_note(session, instalment, rita, "=1+1 promised Friday")
        # As the visit form's "Met with" saves it.
        huawei_visit = session.get_one(Visit, 2)
        contacts.set_met_with(session, huawei_visit, ["王伟"], OTHER_REP)


@pytest.fixture
def seeded(
    running_bot: RunningBot, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> RunningBot:
    seed_everything(running_bot)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return running_bot


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_every_kind_exports_as_csv_and_json_lines(
    seeded: RunningBot, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    code, out, err = run(capsys, "export", kind)
    assert code == 0, err
    rows = csv_rows(out)
    assert rows, f"no {kind} exported"
    assert f"exported {len(rows)} {kind}" in err
    code, out, err = run(capsys, "export", kind, "--format", "jsonl")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(rows)
    objects = [json.loads(line, parse_float=Decimal) for line in lines]
    assert [list(o) for o in objects] == [list(rows[0])] * len(rows)


def test_exported_records_say_what_people_see(
    seeded: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "export", "instalments")
    assert [(r["deal_id"], r["number"], r["of"], r["amount"], r["paid_amount"]) for r in
            csv_rows(out)] == [("1", "1", "2", "45000.00", "20000.50"),
                               ("1", "2", "2", "75000.00", "0.00")]  # fmt: skip
    _, out, _ = run(capsys, "export", "teams")
    teams = [(r["team"], r["slack_user_id"], r["role"], r["channel_id"]) for r in csv_rows(out)]
    assert teams == [
        ("Enterprise", MANAGER, "manager", "C0ENT001"),
        ("Enterprise", REP, "member", "C0ENT001"),
        ("Enterprise", OTHER_REP, "member", "C0ENT001"),
        ("Empty Team", "", "", ""),
    ]
    _, out, _ = run(capsys, "export", "targets")
    targets = [(r["scope"], r["who"], r["metric"], r["amount"], r["period"], r["currency"])
               for r in csv_rows(out)]  # fmt: skip
    assert targets == [
        ("person", REP, "revenue", "120000.00", "2026-12", "USD"),
        ("person", REP, "visits", "20.00", "2026-11", ""),
        ("team", "Enterprise", "revenue", "1500000.00", "2026-Q4", "EUR"),
    ]
    _, out, _ = run(capsys, "export", "audit_log", "--format", "jsonl")
    entries = [json.loads(line) for line in out.splitlines()]
    payment = next(e for e in entries if e["entity"] == "payments")
    assert (payment["actor"], payment["action"], payment["after"]["amount"]) == (
        REP,
        "create",
        "20000.50",
    )


def test_csv_cannot_run_a_formula_but_numbers_stay_numbers(
    seeded: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "export", "visits")
    first = csv_rows(out)[0]
    assert first["customer"] == "'" + HYPERLINK
    assert first["notes"] == "'-5 units on the old contract"
    assert first["next_step"] == "call @ops"  # only a formula's first character matters
    _, out, _ = run(capsys, "export", "deal_notes")
    assert csv_rows(out)[0]["text"] == "'+1 from the CFO"
    _, out, _ = run(capsys, "export", "instalment_notes")
    assert csv_rows(out)[0]["text"] == "'=1+1 promised Friday"
    _, out, _ = run(capsys, "export", "cases")
    assert csv_rows(out)[0]["pain_point"] == "'@risk"
    # JSON is data, not a spreadsheet: it keeps what was typed.
    _, out, _ = run(capsys, "export", "visits", "--format", "jsonl")
    assert json.loads(out.splitlines()[0])["customer"] == HYPERLINK

    for typed in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(typed) == "'" + typed
    assert neutralised("Acme") == "Acme"
    assert csv_cell(Decimal("-45000.00")) == Decimal("-45000.00")  # written as -45000.00
    assert csv_cell(-3) == -3
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(Decimal("-45000.00"))])
    assert buffer.getvalue() == "-45000.00\r\n"


def test_json_keeps_amounts_exact(seeded: RunningBot, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "export", "payments", "--format", "jsonl")
    assert '"amount": 20000.50,' in out  # the decimal literal, never 20000.5 via a float
    [payment] = [json.loads(line, parse_float=Decimal) for line in out.splitlines()]
    assert payment["amount"] == Decimal("20000.50")
    _, out, _ = run(capsys, "export", "deals", "--format", "jsonl")
    assert '"amount": 1234.56,' in out


def test_csv_opens_in_excel_with_chinese_names(
    seeded: RunningBot, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "visits.csv"
    code, _, err = run(capsys, "export", "visits", "--output", str(path))
    assert code == 0, err
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,customer_id,")  # UTF-8 with a byte-order mark
    assert "华为".encode() in data
    code, _, _ = run(capsys, "export", "visits", "--output", str(path), "--no-bom")
    assert path.read_bytes().startswith(b"id,customer_id,")


def test_export_all_writes_a_file_per_kind(
    seeded: RunningBot, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    code, _, err = run(capsys, "export", "all", "--format", "jsonl", "--output", str(folder))
    assert code == 0, err
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{kind}.jsonl" for kind in EVERY_KIND
    )
    assert "exported 2 visits" in err
    assert f"{len(EVERY_KIND)} files written" in err
    code, _, err = run(capsys, "export", "all")
    assert code == 2
    assert "--output" in err


def test_exchange_rates_export_exactly_and_import_back(
    db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", database_url)
    with db.transaction() as session:
        set_rate(session, "CNY", "USD", Decimal("0.1380"), date(2026, 11, 1), ADMIN)
        set_rate(session, "JPY", "USD", Decimal("0.0066666667"), date(2026, 11, 1), ADMIN)
    code, out, err = run(capsys, "export", "exchange_rates", "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line, parse_float=Decimal) for line in out.splitlines()]
    assert [(r["from_currency"], r["to_currency"], r["rate"]) for r in rows] == [
        ("CNY", "USD", Decimal("0.1380000000")),
        ("JPY", "USD", Decimal("0.0066666667")),
    ]
    assert str(rows[0]["effective_on"]).startswith("2026-11-01")
    path = tmp_path / "rates.csv"
    assert run(capsys, "export", "exchange_rates", "--output", str(path))[0] == 0
    with fresh_database_url(tmp_path, "restored") as restored_url:
        empty = Database(restored_url)
        empty.upgrade()
        result = import_rates(empty, path, date(2026, 12, 1))
        assert result.errors == []
        with empty.reading() as session:
            found = [(r.from_currency, r.rate, r.effective_on) for r in latest_rates(session)]
        empty.dispose()
    assert found == [
        ("CNY", Decimal("0.1380000000"), date(2026, 11, 1)),
        ("JPY", Decimal("0.0066666667"), date(2026, 11, 1)),
    ]


def test_teams_and_targets_round_trip_through_import(
    seeded: RunningBot,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    files = {kind: tmp_path / f"{kind}.csv" for kind in ("teams", "targets")}
    for kind, path in files.items():
        assert run(capsys, "export", kind, "--output", str(path))[0] == 0
    original = {kind: csv_rows(path.read_text(encoding="utf-8")) for kind, path in files.items()}

    with fresh_database_url(tmp_path, "restored") as restored_url:
        monkeypatch.setenv("DATABASE_URL", restored_url)
        for kind in ("teams", "targets"):  # people come with the teams
            code, out, err = run(capsys, "import", kind, str(files[kind]))
            assert code == 0, err
        again = {}
        for kind in files:
            code, out, _ = run(capsys, "export", kind)
            again[kind] = csv_rows(out)
        Database(restored_url).dispose()

    def imported(kind: str, rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
        columns = ("team", "slack_user_id", "role", "channel_id") if kind == "teams" else (
            "scope", "who", "metric", "amount", "period", "currency")  # fmt: skip
        return [tuple(row[column] for column in columns) for row in rows]

    for kind in files:
        assert imported(kind, again[kind]) == imported(kind, original[kind])
        assert len(again[kind]) >= 3


def test_backup_copies_a_consistent_sqlite_database_while_the_bot_runs(
    running_bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the online backup is SQLite's; PostgreSQL has pg_dump")
    running_bot.ask("/visit", "Acme Corp: met the CFO")
    running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k")
    monkeypatch.setenv("DATABASE_URL", database_url)
    # Another connection holds a write open meanwhile; the copy is of what was committed.
    writer = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE deals SET title = 'uncommitted'")
    try:
        code, _, err = run(capsys, "backup", str(tmp_path / "copy.db"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert code == 0, err
    assert f"to {tmp_path / 'copy.db'}" in err
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM visits").fetchone() == (1,)
        assert copy.execute("SELECT title FROM deals").fetchall() == [("Renewal 2027",)]
    finally:
        copy.close()
    # The bot carries on.
    assert "Visit logged" in str(running_bot.ask("/visit", "Globex: intro call"))
    code, _, err = run(capsys, "backup", database_url.removeprefix("sqlite:///"))
    assert code == 2
    assert "is the database itself" in err


def test_backup_on_postgresql_says_to_use_pg_dump(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing listens there; the answer needs no connection.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://sales:hunter2@127.0.0.1:1/salesbot")
    code, out, err = run(capsys, "backup", "salesbot.db")
    assert code == 2
    assert "pg_dump --format=custom --file=salesbot.dump" in err
    assert "postgresql://sales:***@127.0.0.1:1/salesbot" in err
    assert "hunter2" not in out + err


def test_a_column_the_query_leaves_out_is_exported_anyway() -> None:
    # As when a feature adds a field to a model and nobody remembers the export.
    kind = Kind("people", lambda: select(Person.id, Person.display_name.label("name")), Person)
    assert [column.name for column in kind.select().selected_columns] == [
        "id", "name", "slack_user_id", "tz", "locale", "language", "role", "profile_synced_at",
        "created_at",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_every_field_of_every_kind_is_exported(kind: str) -> None:
    model = KINDS[kind].model
    assert model is not None
    exported = KINDS[kind].select().selected_columns
    underlying = {
        base.name
        for column in exported
        if getattr(base := getattr(column, "element", column), "table", None) is model.__table__
    }
    assert underlying == {column.name for column in model.__table__.columns}
    assert len({column.name for column in exported}) == len(exported)  # no name twice

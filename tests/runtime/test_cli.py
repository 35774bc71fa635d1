"""`bot.py db upgrade` and `bot.py export`: what an operator runs from a shell."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select

import bot
from store.models import Customer
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

pytestmark = pytest.mark.usefixtures("empty_environment", "restore_root_logger")

VISIT_FIELDS = [
    "id", "customer_id", "customer", "rep_slack_id", "rep", "visited_on", "notes", "outcome",
    "next_step", "follow_up_due", "follow_up_done_at", "follow_up_snoozed_until", "created_at",
    "updated_at", "rep_id",
]  # fmt: skip
DEAL_FIELDS = [
    "id", "customer_id", "customer", "title", "amount", "currency", "stage", "expected_close",
    "owner_slack_id", "owner", "bant_budget", "bant_authority", "bant_need", "bant_timeline",
    "lost_reason", "created_at", "updated_at", "owner_id", "forecast",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = bot.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_utc_timestamp(text: str) -> None:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timedelta(0), text


def test_db_upgrade_creates_the_schema(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "db", "upgrade")
    assert code == 0, err
    assert "database is up to date" in out
    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"people", "customers", "visits", "deals", "audit_log", "handled_requests"} <= tables
    # Running it again is harmless.
    assert run(capsys, "db", "upgrade")[0] == 0


def test_db_upgrade_never_prints_the_database_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing listens on port 1, so this fails; the password must not show either way.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://sales:hunter2-pw@127.0.0.1:1/x")
    try:
        code: int | str = bot.main(["db", "upgrade"])
    except Exception as error:  # today the connection error propagates to the shell
        code = str(error)
    out, err = capsys.readouterr()
    assert code != 0
    assert "hunter2-pw" not in f"{code}{out}{err}"


@pytest.mark.parametrize(("kind", "fields"), [("visits", VISIT_FIELDS), ("deals", DEAL_FIELDS)])
def test_empty_exports(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    fields: list[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "export", kind, "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    assert f"exported 0 {kind}" in err
    code, out, _ = run(capsys, "export", kind, "--format", "csv", "--no-bom")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [fields]
    code, out, _ = run(capsys, "export", kind, "--format", "jsonl")
    assert (code, out) == (0, "")


def seed_visits(bot_: RunningBot) -> None:
    """Visits logged the way people log them: by command and through the modal."""
    bot_.ask("/visit", "Acme Corp: met the CFO, budget approved; next: send proposal by friday")
    bot_.ask("/visit", "Globex: intro call", user=OTHER_REP)
    mark = bot_.fake.mark()
    response, response_url = bot_.command("/visit", "")
    assert response.status == 200
    view = bot_.fake.wait_for_call("views.open", since=mark).response["view"]
    bot_.slack.view_submission(
        user_id=REP,
        callback_id="visit_modal",
        view=view,
        values={
            "customer": {"customer": "Acme Corp"},
            "visited_on": {"visited_on": "2026-11-17"},
            "notes": {"notes": "Plant tour"},
            "outcome": {"outcome": "Positive"},
        },
    )
    assert "Visit logged" in text_of(bot_.reply_to(response_url))


def seed_deals(bot_: RunningBot) -> None:
    bot_.ask("/deal", "new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal")
    bot_.ask("/deal", "new Globex; Pilot; €1,234.56", user=OTHER_REP)
    assert "lost" in text_of(bot_.ask("/deal", "#2 lost chose a competitor", user=OTHER_REP))


def ids_by_name(bot_: RunningBot) -> dict[str, int]:
    with bot_.db.transaction() as session:
        return {c.name: c.id for c in session.scalars(select(Customer))}


def test_export_visits_as_json(
    running_bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_visits(running_bot)
    customers = ids_by_name(running_bot)
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "export", "visits", "--format", "json")
    assert code == 0, err
    assert "exported 3 visits" in err
    rows: list[dict[str, Any]] = json.loads(out)  # stdout is nothing but the data

    assert [list(row) for row in rows] == [VISIT_FIELDS] * 3
    assert [row["id"] for row in rows] == [1, 2, 3]
    first, second, third = rows
    assert {key: first[key] for key in VISIT_FIELDS[:10]} == {
        "id": 1,
        "customer_id": customers["Acme Corp"],
        "customer": "Acme Corp",
        "rep_slack_id": REP,
        "rep": "rita",
        "visited_on": "2026-11-18",
        "notes": "met the CFO, budget approved",
        "outcome": None,
        "next_step": "send proposal",
        "follow_up_due": "2026-11-20",
    }
    assert (second["customer"], second["rep_slack_id"], second["rep"]) == (
        "Globex",
        OTHER_REP,
        "oscar",
    )
    assert second["customer_id"] == customers["Globex"]
    assert second["visited_on"] == "2026-11-19"  # already Thursday in Shanghai
    assert (third["customer"], third["visited_on"], third["outcome"]) == (
        "Acme Corp",
        "2026-11-17",
        "Positive",
    )
    for row in rows:
        assert_utc_timestamp(row["created_at"])
        assert_utc_timestamp(row["updated_at"])


def test_export_deals_as_csv_and_json(
    running_bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_deals(running_bot)
    customers = ids_by_name(running_bot)
    monkeypatch.setenv("DATABASE_URL", database_url)

    code, out, err = run(capsys, "export", "deals", "--format", "csv")
    assert code == 0, err
    assert "exported 2 deals" in err
    assert out.startswith("\ufeffid,")  # the byte-order mark Excel needs for UTF-8
    reader = csv.DictReader(io.StringIO(out.removeprefix("\ufeff")))
    assert reader.fieldnames == DEAL_FIELDS
    acme, globex = list(reader)
    assert {key: acme[key] for key in DEAL_FIELDS[:15]} == {
        "id": "1",
        "customer_id": str(customers["Acme Corp"]),
        "customer": "Acme Corp",
        "title": "Renewal 2027",
        "amount": "120000.00",
        "currency": "USD",
        "stage": "proposal",
        "expected_close": "2026-12-15",
        "owner_slack_id": REP,
        "owner": "rita",
        "bant_budget": "False",
        "bant_authority": "False",
        "bant_need": "False",
        "bant_timeline": "False",
        "lost_reason": "",
    }
    assert (globex["id"], globex["owner_slack_id"], globex["owner"]) == ("2", OTHER_REP, "oscar")
    assert (globex["amount"], globex["currency"]) == ("1234.56", "EUR")
    assert (globex["stage"], globex["lost_reason"]) == ("lost", "chose a competitor")
    assert globex["expected_close"] == ""
    for row in (acme, globex):
        assert_utc_timestamp(row["created_at"])
        assert_utc_timestamp(row["updated_at"])

    code, out, _ = run(capsys, "export", "deals", "--format", "json")
    assert code == 0
    acme_json, globex_json = json.loads(out, parse_float=Decimal)
    assert [list(acme_json), list(globex_json)] == [DEAL_FIELDS, DEAL_FIELDS]
    # Amounts are exact decimal literals, as stored: never through a binary float.
    assert '"amount": 120000.00,' in out
    assert '"amount": 1234.56,' in out
    assert acme_json["amount"] == Decimal("120000.00")
    assert globex_json["amount"] == Decimal("1234.56")
    assert acme_json["bant_budget"] is False
    assert date.fromisoformat(acme_json["expected_close"]) == date(2026, 12, 15)
    assert globex_json["expected_close"] is None
    assert acme_json["customer_id"] == customers["Acme Corp"]


def test_settings_come_from_dot_env_in_the_working_directory(
    capsys: pytest.CaptureFixture[str], empty_environment: Any
) -> None:
    (empty_environment / ".env").write_text("DATABASE_URL=sqlite:///from_dotenv.db\n")
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert "sqlite:///from_dotenv.db" in out
    assert (empty_environment / "from_dotenv.db").exists()


def test_an_unreachable_database_gets_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_with_env(
        capsys,
        {"DATABASE_URL": "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/x"},
        "db",
        "upgrade",
    )
    assert code == 2
    assert "cannot reach the database at postgresql+psycopg://nobody:***@127.0.0.1:1/x" in err
    assert "hunter2" not in err
    assert "Traceback" not in err


def run_with_env(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], *argv: str
) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return run(capsys, *argv)

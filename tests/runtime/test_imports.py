"""CSV imports of teams and targets: all rows checked first, then one audited transaction."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runtime.imports import ACTOR, import_targets, import_teams
from store import teams
from store.db import Database
from store.models import AuditEntry, Membership, Person, Target, Team
from store.people import get_person, save_profile

TODAY = date(2026, 11, 18)
TEAMS_CSV = """\
team,slack_user_id,role,channel_id
Enterprise,UMGR001,manager,C0ENT001
Enterprise,UREP001,member,
Enterprise,UREP002,member,C0ENT001
Mid Market,UMGR002,Manager,
Mid Market,UREP003,member,
"""


def write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def roster(db: Database, name: str) -> set[tuple[str, str, date]]:
    with db.transaction() as session:
        team = teams.get_team(session, name)
        assert team is not None
        return {(m.person.slack_user_id, m.role, m.joined_on) for m in team.memberships}


def nothing_written(db: Database) -> bool:
    return all(count(db, model) == 0 for model in (Team, Membership, Person, Target, AuditEntry))


# --- teams -----------------------------------------------------------------------------------


def test_a_teams_file_creates_teams_people_and_memberships(db: Database, tmp_path: Path) -> None:
    looked_up: list[str] = []
    with db.transaction() as session:  # Rita has used the bot already
        save_profile(session, "UREP001", display_name="rita", tz="America/New_York",
                     locale=None, synced_at=None)  # fmt: skip
        rita = get_person(session, "UREP001")
        assert rita is not None
        rita.profile_synced_at = None
    result = import_teams(db, looked_up.append, write(tmp_path, TEAMS_CSV), TODAY)
    assert result.errors == []
    assert result.ok
    assert (result.rows, result.changed) == (5, 5)
    assert roster(db, "enterprise") == {
        ("UMGR001", "manager", TODAY),
        ("UREP001", "member", TODAY),
        ("UREP002", "member", TODAY),
    }
    assert roster(db, "Mid Market") == {("UMGR002", "manager", TODAY), ("UREP003", "member", TODAY)}
    with db.transaction() as session:
        enterprise = teams.get_team(session, "Enterprise")
        assert enterprise is not None
        assert enterprise.channel_id == "C0ENT001"
        new = get_person(session, "UREP003")
        assert new is not None
        assert (new.display_name, new.tz, new.profile_synced_at) == ("UREP003", "UTC", None)
        maria = get_person(session, "UMGR001")
        assert maria is not None
        assert maria.role == "manager"
        kept = get_person(session, "UREP001")
        assert kept is not None
        assert (kept.display_name, kept.role) == ("rita", "rep")
        actors = set(session.scalars(select(AuditEntry.actor)))
        entities = set(session.scalars(select(AuditEntry.entity)))
    assert actors == {ACTOR}
    assert {"teams", "team_memberships", "people"} <= entities
    # Everyone whose Slack profile was never fetched, so the bot can fill it in now.
    assert sorted(looked_up) == ["UMGR001", "UMGR002", "UREP001", "UREP002", "UREP003"]


def test_importing_the_same_file_again_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, TEAMS_CSV)
    import_teams(db, None, path, TODAY)
    entries = count(db, AuditEntry)
    again = import_teams(db, None, path, date(2026, 12, 1))
    assert (again.errors, again.rows, again.changed) == ([], 5, 0)
    assert count(db, Membership) == 5
    assert count(db, AuditEntry) == entries
    assert ("UREP001", "member", TODAY) in roster(db, "Enterprise")


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    text = (
        "Team, Slack_User_ID ,ROLE\n"  # header names are case-insensitive
        "Enterprise,UMGR001,manager\n"
        "\n"
        "Enterprise,rita,member\n"
        "Enterprise,UREP002,boss\n"
        ",UREP003,member\n"
        "Enterprise,UREP004,member,C0ENT001\n"
        "Enterprise,,member\n"
        '"Big <@U1> team",UREP005,member\n'
        "Enterprise,UREP006,member\n"
    )
    result = import_teams(db, None, write(tmp_path, text), TODAY)
    assert result.rows == 8
    assert result.errors == [
        "line 4: slack_user_id “rita” isn't a Slack user id (they look like U0123ABCD; "
        "find it in the person's Slack profile under ⋮ → Copy member ID)",
        "line 5: role must be member or manager, not “boss”",
        "line 6: team is empty",
        "line 7: 4 values, but the header has 3 columns",
        "line 8: slack_user_id is empty",
        "line 9: team: A team name can't contain mentions or channels. Create the team first, "
        "then add people with “/team <name> add @person”.",
    ]
    assert nothing_written(db)


def test_duplicate_rows_are_errors(db: Database, tmp_path: Path) -> None:
    text = (
        "team,slack_user_id,role,channel_id\n"
        "Enterprise,UREP001,member,C0ENT001\n"
        "ENTERPRISE,UREP001,Member,\n"
        "Enterprise,UREP001,manager,\n"
        "Enterprise,UREP002,member,C0OTHER1\n"
        "Enterprise,UREP003,member,general\n"
    )
    result = import_teams(db, None, write(tmp_path, text), TODAY)
    assert result.errors == [
        "line 3: repeats line 2 (same team, person and role)",
        "line 5: team “Enterprise” was given channel C0ENT001 on line 2; a team has one channel",
        "line 6: channel_id “general” isn't a Slack channel id (they look like C0123ABCD); "
        "leave it empty for no channel",
    ]
    assert nothing_written(db)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "",
            "line 1: the header row is missing; it should be team,slack_user_id,role[,channel_id]",
        ),
        ("\nteam,slack_user_id,role\n", "line 1: the header row is missing"),
        ("team,slack_user_id\nA,U1AB\n", "line 1: column “role” is missing"),
        ("team,slack_user_id,role,email\n", "line 1: unknown column “email”"),
        ("team,slack_user_id,role,team\n", "line 1: column “team” appears more than once"),
    ],
)
def test_the_header_is_checked(db: Database, tmp_path: Path, text: str, error: str) -> None:
    result = import_teams(db, None, write(tmp_path, text), TODAY)
    assert result.errors
    assert result.errors[0].startswith(error)
    assert nothing_written(db)


def test_an_unreadable_file_is_reported(db: Database, tmp_path: Path) -> None:
    missing = import_teams(db, None, tmp_path / "nope.csv", TODAY)
    assert missing.errors == [f"{tmp_path / 'nope.csv'}: no such file"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("team,slack_user_id,role\nVentas España,U1AB,member\n".encode("latin-1"))
    assert "not UTF-8" in import_teams(db, None, latin, TODAY).errors[0]
    assert nothing_written(db)


def test_excel_files_with_a_bom_and_quoted_lines_keep_their_line_numbers(
    db: Database, tmp_path: Path
) -> None:
    text = '\ufeffteam,slack_user_id,role\n"Enter\nprise",U1AB,member\nEnterprise,bad,member\n'
    result = import_teams(db, None, write(tmp_path, text), TODAY)
    assert result.errors[0].startswith("line 4: slack_user_id “bad”")


def test_a_failing_profile_lookup_is_logged_and_keeps_the_import(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def lookup(slack_user_id: str) -> None:
        raise RuntimeError("Slack is down")

    with caplog.at_level(logging.WARNING):
        result = import_teams(db, lookup, write(tmp_path, TEAMS_CSV), TODAY)
    assert result.ok
    assert count(db, Membership) == 5
    assert "could not fetch the Slack profile of UMGR001" in caplog.text


# --- targets ---------------------------------------------------------------------------------


@pytest.fixture
def with_teams(db: Database, tmp_path: Path) -> Database:
    assert import_teams(db, None, write(tmp_path, TEAMS_CSV, "teams.csv"), TODAY).ok
    return db


def test_a_targets_file_sets_person_and_team_targets(with_teams: Database, tmp_path: Path) -> None:
    text = (
        "scope,who,metric,amount,period,currency\n"
        "person,UREP001,revenue,120k,2026-12,\n"
        "person,UREP001,visits,40,next month,\n"
        "person,UREP002,Revenue,$1.2m,2026-Q4,\n"
        "Team,Enterprise,new customers,3,this quarter,\n"
        "team,mid market,revenue,50000,2027-01,EUR\n"
        "team,Mid Market,proposals,25,2027-Q1,\n"
    )
    result = import_targets(with_teams, write(tmp_path, text), TODAY, default_currency="CNY")
    assert (result.errors, result.rows, result.changed) == ([], 6, 6)
    with with_teams.transaction() as session:
        found = {
            (t.owner_key.split(":")[0], t.metric, t.period, t.amount, t.currency, t.set_by)
            for t in session.scalars(select(Target))
        }
        audited = set(
            session.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "targets"))
        )
    assert found == {
        ("person", "revenue", "2026-12", Decimal("120000.00"), "CNY", ACTOR),
        ("person", "visits", "2026-12", Decimal("40.00"), None, ACTOR),
        ("person", "revenue", "2026-Q4", Decimal("1200000.00"), "USD", ACTOR),
        ("team", "new_customers", "2026-Q4", Decimal("3.00"), None, ACTOR),
        ("team", "revenue", "2027-01", Decimal("50000.00"), "EUR", ACTOR),
        ("team", "proposals", "2027-Q1", Decimal("25.00"), None, ACTOR),
    }
    assert audited == {ACTOR}


@pytest.mark.parametrize(
    ("row", "currency"),
    [
        ("person,UREP001,revenue,120k,2026-12,", "CNY"),  # Enterprise counts in CNY
        ("team,Enterprise,revenue,1m,2026-12,", "CNY"),
        ("person,UMGR001,revenue,120k,2026-12,", "CNY"),  # Enterprise's manager
        ("person,UREP003,revenue,120k,2026-12,", "USD"),  # Mid Market: the default
        ("team,Mid Market,collected,50k,2026-12,", "USD"),
        ("person,UREP001,revenue,120k,2026-12,EUR", "EUR"),  # said in the row
        ("person,UREP001,revenue,$120k,2026-12,", "USD"),  # said in the amount
    ],
)
def test_a_target_without_a_currency_is_in_its_owners_team_currency_as_target_sets_it(
    with_teams: Database, tmp_path: Path, row: str, currency: str
) -> None:
    with with_teams.transaction() as session:
        enterprise = teams.get_team(session, "Enterprise")
        assert enterprise is not None
        teams.set_currency(session, enterprise, "CNY", "test")
    text = "scope,who,metric,amount,period,currency\n" + row + "\n"
    result = import_targets(with_teams, write(tmp_path, text), TODAY, default_currency="USD")
    assert (result.errors, result.changed) == ([], 1)
    with with_teams.reading() as session:
        assert list(session.scalars(select(Target.currency))) == [currency]


def test_importing_targets_again_updates_what_changed(with_teams: Database, tmp_path: Path) -> None:
    header = "scope,who,metric,amount,period\n"
    first = write(
        tmp_path, header + "person,UREP001,visits,40,2026-12\nteam,Enterprise,visits,9,2026-12\n"
    )
    assert import_targets(with_teams, first, TODAY).changed == 2
    second = write(
        tmp_path, header + "person,UREP001,visits,45,2026-12\nteam,Enterprise,visits,9,2026-12\n"
    )
    result = import_targets(with_teams, second, TODAY)
    assert (result.errors, result.changed) == ([], 1)
    with with_teams.transaction() as session:
        amounts = sorted(session.scalars(select(Target.amount)))
        actions = list(session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "targets").order_by(AuditEntry.id)
        ))  # fmt: skip
    assert amounts == [Decimal("9.00"), Decimal("45.00")]
    assert actions == ["create", "create", "update"]


def test_every_bad_target_row_is_reported_and_nothing_is_written(
    with_teams: Database, tmp_path: Path
) -> None:
    text = (
        "scope,who,metric,amount,period,currency\n"
        "person,UREP001,revenue,120k,2026-12,USD\n"  # fine
        "person,UNOBODY1,revenue,$120k,2026-12,\n"
        "team,Nowhere,visits,40,2026-12,\n"
        "company,Acme,visits,40,2026-12,\n"
        "person,UREP001,calls,40,2026-12,\n"
        "person,UREP001,visits,$40,2026-12,\n"
        "person,UREP001,proposals,4.5,2026-12,\n"
        "person,UREP001,visits,lots,2026-12,\n"
        "person,UREP001,new customers,2,2026-13,\n"
        "person,UREP001,revenue,€10k,2027-01,USD\n"
        "person,UREP001,revenue,10k,2027-02,XYZ\n"
        "person,UREP001,visits,10,2027-03,USD\n"
        "person,UREP001,revenue,10k,2027-04,\n"
        "person,rita,visits,1,2027-05,\n"
    )
    result = import_targets(with_teams, write(tmp_path, text), TODAY)
    assert result.rows == 14
    assert result.errors == [
        "line 3: the bot doesn't know UNOBODY1 yet; import them with a teams file first, "
        "or have them use the bot once",
        "line 4: there is no team called “Nowhere” (import the teams first)",
        "line 5: scope must be person or team, not “company”",
        "line 6: metric must be one of revenue, collected, visits, new customers, proposals, "
        "not “calls”",
        "line 7: visits are counted, not money: drop the currency",
        "line 8: a target for proposals must be a whole number",
        "line 9: amount: I couldn't read “lots” as an amount.",
        "line 10: period: I couldn't read “2026-13” as a month or quarter. "
        "Use a month like 2026-12 or a quarter like 2026-Q4",
        "line 11: the amount is in EUR but currency says USD",
        "line 12: currency “XYZ” isn't a currency code such as USD, EUR or CNY",
        "line 13: visits are counted: leave currency empty",
        "line 14: say the currency, in the currency column or the amount ($120k)",
        "line 15: who “rita” isn't a Slack user id (they look like U0123ABCD)",
    ]
    assert count(with_teams, Target) == 0


def test_duplicate_target_rows_are_errors(with_teams: Database, tmp_path: Path) -> None:
    text = (
        "scope,who,metric,amount,period\n"
        "person,UREP001,visits,40,2026-12\n"
        "person,UREP001,Visits,50,next month\n"
        "team,Enterprise,visits,40,2026-Q4\n"
        "team,ENTERPRISE,visits,40,this quarter\n"
        "team,Enterprise,visits,40,2026-12\n"
    )
    result = import_targets(with_teams, write(tmp_path, text), TODAY)
    assert result.errors == [
        "line 3: repeats line 2 (same owner, metric and period)",
        "line 5: repeats line 4 (same owner, metric and period)",
    ]
    assert count(with_teams, Target) == 0


def test_the_targets_header_is_checked(db: Database, tmp_path: Path) -> None:
    result = import_targets(db, write(tmp_path, "scope,who,metric,amount\n"), TODAY)
    assert result.errors == [
        "line 1: column “period” is missing; the columns are "
        "scope,who,metric,amount,period[,currency]"
    ]


# --- honest reports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("importer", "text"),
    [
        ("teams", "team;slack_user_id;role\nEnterprise;UREP001;member\n"),
        ("targets", "scope;who;metric;amount;period\nperson;UREP001;visits;20;2026-12\n"),
    ],
)
def test_a_semicolon_separated_file_is_called_that(
    db: Database, tmp_path: Path, importer: str, text: str
) -> None:
    path = write(tmp_path, text)
    if importer == "teams":
        result = import_teams(db, None, path, TODAY)
    else:
        result = import_targets(db, path, TODAY, default_currency="USD")
    [error] = result.errors
    assert error.startswith("line 1: this file separates its values with semicolons (;)")
    assert "CSV UTF-8 (comma delimited)" in error
    assert "missing" not in error
    assert nothing_written(db)


def test_a_row_with_a_bad_amount_and_a_bad_currency_reports_both(
    db: Database, tmp_path: Path
) -> None:
    import_teams(db, None, write(tmp_path, TEAMS_CSV, "teams.csv"), TODAY)
    text = (
        "scope,who,metric,amount,period,currency\n"
        "person,UREP001,revenue,lots,2026-12,DOLLARS\n"
        "person,UREP001,revnue,5k,2026-12,XX\n"
    )
    result = import_targets(db, write(tmp_path, text), TODAY, default_currency="USD")
    assert result.errors == [
        "line 2: amount: I couldn't read “lots” as an amount.",
        "line 2: currency “DOLLARS” isn't a currency code such as USD, EUR or CNY",
        "line 3: metric must be one of revenue, collected, visits, new customers, proposals, "
        "not “revnue”",
        "line 3: currency “XX” isn't a currency code such as USD, EUR or CNY",
    ]


def test_a_row_with_only_a_team_creates_the_team(db: Database, tmp_path: Path) -> None:
    text = "team,slack_user_id,role,channel_id\nNew Team,,,C0NEW001\nBad,,,not-a-channel\n"
    result = import_teams(db, None, write(tmp_path, text), TODAY)
    assert result.errors == [
        "line 3: channel_id “not-a-channel” isn't a Slack channel id (they look like "
        "C0123ABCD); leave it empty for no channel"
    ]
    result = import_teams(
        db,
        None,
        write(tmp_path, text.splitlines(keepends=True)[0] + text.splitlines(keepends=True)[1]),
        TODAY,
    )
    assert (result.errors, result.changed) == ([], 1)
    with db.transaction() as session:
        team = teams.get_team(session, "new team")
        assert team is not None
        assert (team.name, team.channel_id, team.memberships) == ("New Team", "C0NEW001", [])

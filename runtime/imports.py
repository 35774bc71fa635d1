"""`python bot.py import teams|targets FILE.csv`: set up teams and targets in bulk.

Every row is checked first. If any row is wrong nothing is written and every problem is
reported as "line N: what is wrong"; otherwise the whole file is written in one transaction,
audited as the actor "csv-import". Importing the same file twice changes nothing the second
time.

teams.csv     team,slack_user_id,role[,channel_id]   (a row with only a team creates it)
targets.csv   scope,who,metric,amount,period[,currency]
rates.csv     from_currency,to_currency,rate[,effective_on]   (one from = rate to; default today)
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from parsing.amounts import Amount, currency_code, parse_amount
from parsing.errors import ParseError
from parsing.fx_command import parse_rate
from parsing.periods import parse_period
from parsing.target_command import METRIC_NAMES, METRIC_WORDS
from parsing.team_command import check_team_name
from sales.metrics import Metric
from sales.periods import Period
from store import rates, targets, teams
from store.customers import name_key
from store.db import Database
from store.exports import columns_of
from store.models import Person, Team
from store.people import people_by_slack_id

log = logging.getLogger(__name__)

ACTOR = "csv-import"
TEAM_COLUMNS = ("team", "slack_user_id", "role")
TEAM_OPTIONAL = ("channel_id",)
TARGET_COLUMNS = ("scope", "who", "metric", "amount", "period")
TARGET_OPTIONAL = ("currency",)
ROLES = (teams.MEMBER, teams.MANAGER)
SCOPES = ("person", "team")
# What `bot.py export teams|targets` writes besides the columns above: read past, so an
# export imports back.
TEAM_IGNORED = tuple(c for c in columns_of("teams") if c not in TEAM_COLUMNS + TEAM_OPTIONAL)
TARGET_IGNORED = tuple(
    c for c in columns_of("targets") if c not in TARGET_COLUMNS + TARGET_OPTIONAL
)
RATE_COLUMNS = ("from_currency", "to_currency", "rate")
RATE_OPTIONAL = ("effective_on",)
RATE_IGNORED = ("id", "set_by", "set_at")  # what `bot.py export exchange_rates` adds
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
SLACK_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}")

Row = dict[str, str]


@dataclass
class ImportResult:
    rows: int = 0  # data rows read (blank lines don't count)
    errors: list[str] = field(default_factory=list)  # "line N: what is wrong"; empty when done
    changed: int = 0  # memberships added, or targets created or changed

    @property
    def ok(self) -> bool:
        return not self.errors


class _Problems:
    """Problems found, each tied to its line (0 for the file as a whole)."""

    def __init__(self) -> None:
        self._found: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self._found)

    def add(self, line: int, what: str) -> None:
        self._found.append((line, f"line {line}: {what}" if line else what))

    def listed(self) -> list[str]:
        """Every problem, in the order of the lines they are on."""
        return [text for _, text in sorted(self._found, key=lambda found: found[0])]


# --- teams -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Membership:
    line: int
    team: str
    slack_user_id: str
    role: str
    channel_id: str | None


def import_teams(
    db: Database,
    people_lookup: Callable[[str], object] | None,
    path: Path,
    today: date,
) -> ImportResult:
    """Create teams and put people on them, as members or managers, joining on `today`.

    Teams that don't exist are created; people the bot doesn't know yet are created as stubs
    (named by their Slack id, in UTC) that the bot completes from Slack on first use. After a
    successful import, `people_lookup` (e.g. the bot's People.person) is called with the Slack
    id of each person whose profile was never fetched, so names and time zones are filled in
    right away; its failures are logged and don't undo the import.
    """
    rows, count, problems = _read(path, TEAM_COLUMNS, TEAM_OPTIONAL, TEAM_IGNORED)
    result = ImportResult(rows=count)
    memberships = _check_memberships(rows, problems)
    if problems:
        result.errors = problems.listed()
        return result
    unsynced: list[str] = []
    with db.transaction() as session:
        known_teams: dict[str, Team] = {}
        for entry in memberships:
            key = name_key(entry.team)
            team = known_teams.get(key) or teams.get_team(session, entry.team)
            if team is None:
                team = teams.create_team(session, entry.team, ACTOR)
                result.changed += not entry.slack_user_id
            known_teams[key] = team
            if entry.channel_id and team.channel_id != entry.channel_id:
                teams.set_channel(session, team, entry.channel_id, ACTOR)
            if not entry.slack_user_id:
                continue  # a team nobody is on yet
            person, _ = teams.ensure_person_stub(session, entry.slack_user_id, actor=ACTOR)
            if teams.add_to_team(session, team, person.id, entry.role, today, ACTOR):
                result.changed += 1
            if entry.role == teams.MANAGER:
                teams.refresh_role(session, person)
            if person.profile_synced_at is None and person.slack_user_id not in unsynced:
                unsynced.append(person.slack_user_id)
    if people_lookup is not None:
        for slack_user_id in unsynced:
            try:
                people_lookup(slack_user_id)
            except Exception:
                log.warning("could not fetch the Slack profile of %s", slack_user_id, exc_info=True)
    return result


def _check_memberships(rows: list[tuple[int, Row]], problems: _Problems) -> list[_Membership]:
    memberships: list[_Membership] = []
    seen: dict[tuple[str, str, str], int] = {}
    channels: dict[str, tuple[str, int]] = {}
    for line, row in rows:
        before = len(problems)
        team = _team_name(row["team"], line, problems)
        channel_id = row.get("channel_id") or None
        if channel_id and not SLACK_CHANNEL_ID.fullmatch(channel_id):
            problems.add(
                line,
                f"channel_id “{channel_id}” isn't a Slack channel id (they look like C0123ABCD); "
                "leave it empty for no channel",
            )
        if not row["slack_user_id"] and not row["role"]:
            # Only a team (as `export teams` writes one nobody is on yet): it is created.
            if len(problems) == before:
                memberships.append(_Membership(line, team, "", "", channel_id))
            continue
        slack_user_id = _slack_user_id(row["slack_user_id"], line, problems)
        role = row["role"].casefold()
        if not role:
            problems.add(line, "role is empty; it is member or manager")
        elif role not in ROLES:
            problems.add(line, f"role must be member or manager, not “{row['role']}”")
        if len(problems) > before:
            continue
        key = (name_key(team), slack_user_id, role)
        if key in seen:
            problems.add(line, f"repeats line {seen[key]} (same team, person and role)")
            continue
        seen[key] = line
        if channel_id:
            earlier = channels.setdefault(key[0], (channel_id, line))
            if earlier[0] != channel_id:
                problems.add(
                    line,
                    f"team “{team}” was given channel {earlier[0]} on line {earlier[1]}; "
                    "a team has one channel",
                )
                continue
        memberships.append(_Membership(line, team, slack_user_id, role, channel_id))
    return memberships


def _team_name(value: str, line: int, problems: _Problems) -> str:
    if not value:
        problems.add(line, "team is empty")
        return ""
    try:
        return check_team_name(value)
    except ParseError as error:
        problems.add(line, f"team: {error.message}")
        return ""


def _slack_user_id(value: str, line: int, problems: _Problems) -> str:
    if not value:
        problems.add(line, "slack_user_id is empty")
    elif not SLACK_USER_ID.fullmatch(value):
        problems.add(
            line,
            f"slack_user_id “{value}” isn't a Slack user id (they look like U0123ABCD; "
            "find it in the person's Slack profile under ⋮ → Copy member ID)",
        )
    return value


# --- targets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    line: int
    owner: Person | Team
    metric: Metric
    amount: Amount
    currency: str | None
    period: Period


def import_targets(
    db: Database, path: Path, today: date, *, default_currency: str | None = None
) -> ImportResult:
    """Set targets for people and teams; `today` resolves relative periods ("next month").

    People must already be known to the bot (from using it, or from a teams import), and teams
    must exist. A revenue row without a currency is in its owner's currency (a team's own, a
    person's team's), else `default_currency`; without one either, the row is an error.
    """
    rows, count, problems = _read(path, TARGET_COLUMNS, TARGET_OPTIONAL, TARGET_IGNORED)
    result = ImportResult(rows=count)
    with db.transaction() as session:
        checked = _check_targets(session, rows, today, default_currency, problems)
        if problems:
            result.errors = problems.listed()
            return result
        for entry in checked:
            before = targets.get_target(session, entry.owner, entry.metric.key, entry.period)
            was = (before.amount, before.currency) if before else None
            target, created = targets.set_target(
                session,
                owner=entry.owner,
                metric=entry.metric.key,
                period=entry.period,
                amount=entry.amount.value,
                currency=entry.currency,
                actor=ACTOR,
            )
            if created or was != (target.amount, target.currency):
                result.changed += 1
    return result


def _check_targets(
    session: Session,
    rows: list[tuple[int, Row]],
    today: date,
    default_currency: str | None,
    problems: _Problems,
) -> list[_Target]:
    people = people_by_slack_id(
        session, [row["who"] for _, row in rows if row["scope"].casefold() == "person"]
    )
    checked: list[_Target] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        before = len(problems)
        owner = _owner(session, people, row, line, problems)
        metric = _metric(row["metric"], line, problems)
        amount = _amount(row["amount"], metric, line, problems)
        # Without a currency, a target is in its owner's (a person's: their team's), as
        # `/target` sets it; else DEFAULT_CURRENCY.
        fallback = (teams.owner_currency(session, owner) if owner else None) or default_currency
        currency = _currency(row.get("currency", ""), metric, amount, fallback, line, problems)
        period = _period(row["period"], today, line, problems)
        if owner is None or metric is None or amount is None or period is None:
            continue
        if len(problems) > before:
            continue
        key = (targets.owner_key(owner), metric.key, period.label)
        if key in seen:
            problems.add(line, f"repeats line {seen[key]} (same owner, metric and period)")
            continue
        seen[key] = line
        checked.append(_Target(line, owner, metric, amount, currency, period))
    return checked


def _owner(
    session: Session, people: dict[str, Person], row: Row, line: int, problems: _Problems
) -> Person | Team | None:
    scope, who = row["scope"].casefold(), row["who"]
    if scope not in SCOPES:
        problems.add(line, f"scope must be person or team, not “{row['scope']}”")
        return None
    if not who:
        problems.add(line, "who is empty")
        return None
    if scope == "team":
        team = teams.get_team(session, who)
        if team is None:
            problems.add(line, f"there is no team called “{who}” (import the teams first)")
        return team
    if not SLACK_USER_ID.fullmatch(who):
        problems.add(line, f"who “{who}” isn't a Slack user id (they look like U0123ABCD)")
        return None
    person = people.get(who)
    if person is None:
        problems.add(
            line,
            f"the bot doesn't know {who} yet; import them with a teams file first, "
            "or have them use the bot once",
        )
    return person


def _metric(value: str, line: int, problems: _Problems) -> Metric | None:
    metric = METRIC_WORDS.get("_".join(value.casefold().replace("-", " ").split()))
    if metric is None:
        problems.add(line, f"metric must be one of {METRIC_NAMES}, not “{value}”")
    return metric


def _amount(value: str, metric: Metric | None, line: int, problems: _Problems) -> Amount | None:
    try:
        amount = parse_amount(value)
    except ParseError as error:
        problems.add(line, f"amount: {error.message}")
        return None
    if metric is not None and not metric.is_money:
        if amount.currency is not None:
            problems.add(line, f"{metric.label.lower()} are counted, not money: drop the currency")
        elif amount.value != amount.value.to_integral_value():
            problems.add(line, f"a target for {metric.label.lower()} must be a whole number")
    return amount


def _currency(
    value: str,
    metric: Metric | None,
    amount: Amount | None,
    default_currency: str | None,
    line: int,
    problems: _Problems,
) -> str | None:
    # The code is checked on its own first, so a row with a bad amount and a bad currency
    # hears about both.
    typed = _currency_code(value, line, problems) if value else None
    if metric is None or amount is None or (value and typed is None):
        return None
    if not metric.is_money:
        if value:
            problems.add(line, f"{metric.label.lower()} are counted: leave currency empty")
        return None
    if typed and amount.currency and typed != amount.currency:
        problems.add(line, f"the amount is in {amount.currency} but currency says {typed}")
        return None
    currency = typed or amount.currency or default_currency
    if currency is None:
        problems.add(line, "say the currency, in the currency column or the amount ($120k)")
    return currency


def _currency_code(value: str, line: int, problems: _Problems) -> str | None:
    try:
        typed = parse_amount(f"1 {value}").currency
    except ParseError:
        typed = None
    if typed is None or len(value) != 3:
        problems.add(line, f"currency “{value}” isn't a currency code such as USD, EUR or CNY")
        return None
    return typed


def _period(value: str, today: date, line: int, problems: _Problems) -> Period | None:
    try:
        return parse_period(value, today)
    except ParseError as error:
        problems.add(
            line, f"period: {error.message} Use a month like 2026-12 or a quarter like 2026-Q4"
        )
        return None


# --- reading the file --------------------------------------------------------------------------


# --- exchange rates --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rate:
    from_currency: str
    to_currency: str
    rate: Decimal
    effective_on: date


def import_rates(db: Database, path: Path, today: date) -> ImportResult:
    """Set exchange rates: one `from_currency` is worth `rate` of `to_currency` from
    `effective_on` (an ISO date; empty: `today`). A pair's rate for a day already set is
    replaced. Every change is audited."""
    rows, count, problems = _read(path, RATE_COLUMNS, RATE_OPTIONAL, RATE_IGNORED)
    result = ImportResult(rows=count)
    checked = _check_rates(rows, today, problems)
    if problems:
        result.errors = problems.listed()
        return result
    with db.transaction() as session:
        for entry in checked:
            row, was = rates.set_rate(
                session,
                entry.from_currency,
                entry.to_currency,
                entry.rate,
                entry.effective_on,
                ACTOR,
            )
            result.changed += was is None or was != row.rate
    return result


def _check_rates(rows: list[tuple[int, Row]], today: date, problems: _Problems) -> list[_Rate]:
    checked: list[_Rate] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line, row in rows:
        before = len(problems)
        source = _rate_currency(row["from_currency"], "from_currency", line, problems)
        target = _rate_currency(row["to_currency"], "to_currency", line, problems)
        if source and source == target:
            problems.add(line, f"from_currency and to_currency are both {source}")
        rate = Decimal(0)
        try:
            rate = parse_rate(row["rate"])
        except ParseError as error:
            problems.add(line, f"rate: {error.message}")
        day = _iso_day(row.get("effective_on", ""), today, line, problems)
        if len(problems) > before:
            continue
        key = (source, target, day)
        if key in seen:
            problems.add(line, f"repeats line {seen[key]} (same currencies and day)")
            continue
        seen[key] = line
        checked.append(_Rate(source, target, rate, day))
    return checked


def _rate_currency(value: str, column: str, line: int, problems: _Problems) -> str:
    if not value:
        problems.add(line, f"{column} is empty; it is a code such as USD, EUR or CNY")
        return ""
    code = currency_code(value)
    if code is None:
        problems.add(line, f"{column} “{value}” isn't a currency code such as USD, EUR or CNY")
        return ""
    return code


def _iso_day(value: str, today: date, line: int, problems: _Problems) -> date:
    if not value:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(line, f"effective_on “{value}” isn't a date like 2026-11-01")
        return today


def _read(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    ignored: tuple[str, ...] = (),
) -> tuple[list[tuple[int, Row]], int, _Problems]:
    """The well-formed data rows, each with its line number and its values by column; how many
    data rows there are; and the problems with the file itself or the shape of a row.

    `ignored` columns (what `bot.py export` adds: ids, names, dates) may be there and are
    not read, so an export can be imported back."""
    problems = _Problems()
    columns_text = ",".join(required) + "".join(f"[,{column}]" for column in optional)
    try:
        lines = _lines(path)
    except FileNotFoundError:
        problems.add(0, f"{path}: no such file")
        return [], 0, problems
    except UnicodeDecodeError:
        problems.add(0, f"{path}: not UTF-8 text; save it as “CSV UTF-8”")
        return [], 0, problems
    except (OSError, csv.Error) as error:
        problems.add(0, f"{path}: can't be read as CSV ({error})")
        return [], 0, problems
    if not lines or lines[0][0] != 1:
        problems.add(1, f"the header row is missing; it should be {columns_text}")
        return [], max(len(lines) - 1, 0), problems
    header = [cell.strip().casefold() for cell in lines[0][1]]
    separator = _other_separator(header, required)
    if separator is not None:
        problems.add(
            1,
            f"this file separates its values with {separator} instead of commas (spreadsheets "
            "set to some regions do that); save it as “CSV UTF-8 (comma delimited)”, with "
            f"the columns {columns_text}",
        )
        return [], len(lines) - 1, problems
    allowed = required + optional
    for column in dict.fromkeys(header):
        if column in ignored:
            continue
        if column not in allowed:
            problems.add(1, f"unknown column “{column}”; the columns are {columns_text}")
        elif header.count(column) > 1:
            problems.add(1, f"column “{column}” appears more than once")
    for column in required:
        if column not in header:
            problems.add(1, f"column “{column}” is missing; the columns are {columns_text}")
    if problems:
        return [], len(lines) - 1, problems
    rows: list[tuple[int, Row]] = []
    for line, cells in lines[1:]:
        if len(cells) > len(header):
            problems.add(line, f"{len(cells)} values, but the header has {len(header)} columns")
            continue
        values = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        row = dict(zip(header, values, strict=True))
        rows.append((line, {column: row.get(column, "") for column in allowed}))
    return rows, len(lines) - 1, problems


SEPARATORS = {";": "semicolons (;)", "\t": "tabs", "|": "bars (|)"}


def _other_separator(header: list[str], required: tuple[str, ...]) -> str | None:
    """How the values are separated, when it is not by commas: a header that reads as the
    expected columns once split on ";" (or a tab, or "|")."""
    if len(header) > 1:
        return None
    for separator, name in SEPARATORS.items():
        cells = [cell.strip() for cell in (header[0] if header else "").split(separator)]
        if len(cells) > 1 and set(required) & set(cells):
            return name
    return None


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """The file's non-blank CSV rows, each with the line it starts on."""
    found: list[tuple[int, list[str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        line = 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                found.append((line, cells))
            line = reader.line_num + 1
    return found

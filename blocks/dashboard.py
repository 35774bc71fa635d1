"""The Home tab: a rep's own dashboard; a manager's team view; the admins' settings.

Slack allows 100 blocks in a Home view and 3,000 characters a section. Every list here is
capped (the most relevant first) and says how many more there are, so the view stays within
the limits however many deals, teams or reps there are. Open deals page with More deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from blocks.cases import WRITE_CASE
from blocks.common import (
    Block,
    actions,
    button,
    context,
    day,
    divider,
    escape,
    header,
    moment,
    plain,
    section,
    truncate,
    user,
)
from blocks.deals import list_line, stage_label
from blocks.digests import (
    SECTION_BUDGET,
    Collections,
    RepDay,
    collections_lines,
    conversion_lines,
    funnel_text,
    rep_line,
)
from blocks.home import (
    HOME_DEALS_FIRST,
    HOME_DEALS_MORE,
    HOME_EDIT_SETTINGS,
    HOME_EDIT_TEAM,
    HOME_PICK_TEAM,
    OPEN_DEAL_MODAL,
    OPEN_VISIT_MODAL,
    HomeState,
    SettingValue,
    TeamSettings,
)
from blocks.pacing import TargetPace, pace_line
from blocks.teams import channel
from sales.case_review import WEEKDAY_NAMES, week_label
from sales.money import format_money, format_totals
from store.models import Deal

if TYPE_CHECKING:
    from scheduler.runtime import JobProblem, JobStatus

MAX_VIEW_BLOCKS = 100
DEALS_PER_STAGE = 5
FOLLOW_UPS_SHOWN = 5
OVERDUE_SHOWN = 5
CASES_SHOWN = 3
PACES_SHOWN = 20
TEAMS_IN_SELECTOR = 100  # a static_select holds at most 100 options
TEAMS_SHOWN = 20  # one block each, with its Edit button
LINE_CHARS = 600  # no single line may crowd a section out
ITEM_CHARS = 150


@dataclass(frozen=True)
class StageDeals:
    """One open stage: how many deals and how much in all, and this page's deals."""

    stage: str
    count: int
    totals: dict[str, Decimal]
    deals: list[Deal]  # most relevant first


@dataclass(frozen=True)
class FollowUpRow:
    customer: str
    next_step: str
    due: date


@dataclass(frozen=True)
class OverdueRow:
    deal_id: int
    deal: str  # customer — title
    owed: Decimal
    currency: str
    due: date
    days: int


@dataclass(frozen=True)
class CaseRow:
    id: int
    title: str
    week: str


@dataclass(frozen=True)
class RepHome:
    today: date
    paces: list[TargetPace]
    follow_ups: list[FollowUpRow]  # the oldest few
    follow_ups_total: int
    open_count: int
    open_totals: dict[str, Decimal]
    stages: list[StageDeals]
    more_deals: bool  # a later page has deals
    overdue: list[OverdueRow]  # the longest overdue few
    overdue_total: int
    overdue_owed: dict[str, Decimal]
    cases: list[CaseRow]  # the newest few


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    today: date
    last_day: date  # the last working day, whose visits the rep lines count
    team_paces: list[TargetPace]
    reps: list[RepDay]
    funnel_since: date
    reached: dict[str, int]
    conversions: list[tuple[str, str, float | None]]
    collections: Collections | None
    week: str  # this ISO week, whose cases are counted
    written: int
    missing: list[str]  # Slack ids of reps without this week's case (and not away)
    away: list[str]


@dataclass(frozen=True)
class ManagerHome:
    teams: list[tuple[int, str]]  # what the selector offers: (id, name)
    view: TeamView | None


@dataclass(frozen=True)
class AdminHome:
    teams: list[TeamSettings]
    settings: list[SettingValue]
    jobs: list[JobStatus]
    default_case_day: int
    default_case_time: str
    default_country: str


@dataclass(frozen=True)
class Home:
    name: str
    state: HomeState
    rep: RepHome
    manager: ManagerHome | None = None
    admin: AdminHome | None = None


def home_view(home: Home) -> dict[str, Any]:
    blocks: list[Block] = [
        header(f"Hi {home.name[:100]} :wave:"),
        actions(
            "home_actions",
            button("Log a visit", OPEN_VISIT_MODAL, "home", style="primary"),
            button("New deal", OPEN_DEAL_MODAL, "home"),
            button("Write my case", WRITE_CASE, "home"),
        ),
    ]
    blocks += _rep_blocks(home.rep, home.state)
    if home.manager is not None:
        blocks += _manager_blocks(home.manager)
    if home.admin is not None:
        blocks += _admin_blocks(home.admin)
    blocks += [
        divider(),
        context(
            "`/visit` logs a visit · `/deal` creates and moves deals · `/case` writes and finds "
            "cases · `/target` shows targets · `/team` lists teams · `help` after any command "
            "shows everything. Only you can see this page."
        ),
    ]
    # Every part is capped (at most 67 blocks in all); this only guards against a mistake.
    blocks = blocks[:MAX_VIEW_BLOCKS]
    return {"type": "home", "private_metadata": home.state.dump(), "blocks": blocks}


# --- the rep's own dashboard (everyone) ---------------------------------------------------


def _rep_blocks(rep: RepHome, state: HomeState) -> list[Block]:
    blocks: list[Block] = []
    if rep.paces:
        lines = [pace_line(row) for row in rep.paces[:PACES_SHOWN]]
        blocks += listing("Your pacing", lines, max_blocks=2, more="{} more: `/target`")
    else:
        blocks.append(
            section(
                "*Your pacing*\nNo targets for you this period. Your manager sets them with "
                "`/target`."
            )
        )
    blocks += [divider(), *_follow_up_blocks(rep)]
    blocks += [divider(), *_deal_blocks(rep, state)]
    blocks += [divider(), *_overdue_blocks(rep)]
    blocks += [divider(), _case_block(rep)]
    return blocks


def _follow_up_blocks(rep: RepHome) -> list[Block]:
    if not rep.follow_ups_total:
        return [section("*Follow-ups due*: none. :tada:")]
    lines = [_follow_up_line(item, rep.today) for item in rep.follow_ups[:FOLLOW_UPS_SHOWN]]
    blocks = [section(f"*Follow-ups due* ({rep.follow_ups_total})\n" + "\n".join(lines))]
    hidden = rep.follow_ups_total - len(lines)
    if hidden > 0:
        blocks.append(context(f"{hidden} more — see your follow-up DM each working morning."))
    return blocks


def _follow_up_line(item: FollowUpRow, today: date) -> str:
    if item.due < today:
        days = (today - item.due).days
        when = f":red_circle: overdue since {day(item.due)} ({days} day{'s' if days != 1 else ''})"
    else:
        when = ":large_yellow_circle: due today"
    step = escape(truncate(item.next_step, ITEM_CHARS))
    return f"• *{escape(truncate(item.customer, 80))}*: {step} · {when}"


def _deal_blocks(rep: RepHome, state: HomeState) -> list[Block]:
    if not rep.open_count:
        return [section("*Open deals*: none yet. Create one with *New deal* or `/deal new`.")]
    blocks = [
        section(f"*Open deals by stage* · {rep.open_count} open · {format_totals(rep.open_totals)}")
    ]
    first = state.page * DEALS_PER_STAGE + 1
    for stage in rep.stages:
        lines = [truncate(list_line(deal), LINE_CHARS) for deal in stage.deals]
        if not lines:
            lines = ["_All shown on earlier pages._"]
        blocks.append(
            section(
                f"{stage_label(stage.stage)} · {stage.count} · {format_totals(stage.totals)}\n"
                + "\n".join(lines)
            )
        )
    blocks.append(
        context(
            f"Deals {first} to {first + DEALS_PER_STAGE - 1} of each stage: largest first, then "
            "the soonest to close. Open one with `/deal #<id>`."
        )
    )
    paging = []
    if rep.more_deals:
        paging.append(button("More deals", HOME_DEALS_MORE, str(state.page + 1)))
    if state.page > 0:
        paging.append(button("Back to the first deals", HOME_DEALS_FIRST, "0"))
    if paging:
        blocks.append(actions("home_deal_pages", *paging))
    return blocks


def _overdue_blocks(rep: RepHome) -> list[Block]:
    if not rep.overdue_total:
        return [section("*Overdue payments*: none.")]
    lines = [
        f"• `#{row.deal_id}` {escape(truncate(row.deal, ITEM_CHARS))} · "
        f"{format_money(row.owed, row.currency)} outstanding · due {day(row.due)}, "
        f"{row.days} day{'s' if row.days != 1 else ''} overdue"
        for row in rep.overdue[:OVERDUE_SHOWN]
    ]
    owed = format_totals(rep.overdue_owed)
    blocks = [
        section(f"*Overdue payments* ({rep.overdue_total}) · {owed}\n" + "\n".join(lines)),
    ]
    hidden = rep.overdue_total - len(lines)
    if hidden > 0:
        blocks.append(context(f"{hidden} more: `/deal #<id> payments` lists a deal's."))
    return blocks


def _case_block(rep: RepHome) -> Block:
    if not rep.cases:
        return section(
            "*Your last cases*\nNone yet. Each week, write up one customer for the team: "
            "*Write my case*."
        )
    lines = [
        f"• *{escape(truncate(case.title, ITEM_CHARS))}* · {week_label(case.week)}"
        for case in rep.cases[:CASES_SHOWN]
    ]
    return section("*Your last cases* · `/case list mine` shows them all\n" + "\n".join(lines))


# --- the manager's team view ---------------------------------------------------------------


def _manager_blocks(manager: ManagerHome) -> list[Block]:
    blocks: list[Block] = [divider(), header("Team view")]
    options = [
        {"text": plain(truncate(name, 75)), "value": str(team_id)}
        for team_id, name in manager.teams[:TEAMS_IN_SELECTOR]
    ]
    view = manager.view
    if not options or view is None:
        return [*blocks, section("You manage no team with members yet.")]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": HOME_PICK_TEAM,
        "placeholder": plain("Pick a team"),
        "options": options,
    }
    chosen = next((option for option in options if option["value"] == str(view.id)), None)
    if chosen is not None:
        select["initial_option"] = chosen
    blocks.append(actions("home_team_picker", select))
    if view.team_paces:
        lines = [pace_line(row) for row in view.team_paces[:PACES_SHOWN]]
        blocks += listing(f"{view.name} · team targets", lines, max_blocks=1, more="{} more")
    rep_lines = [truncate(rep_line(rep, view.last_day), LINE_CHARS) for rep in view.reps]
    blocks += listing(
        f"Reps' pacing (visits on {day(view.last_day)})",
        rep_lines or ["No members yet: `/team <name> add @person`."],
        max_blocks=2,
        more="…and {} more reps.",
    )
    steps = "\n".join(conversion_lines(view.conversions))
    blocks.append(
        section(
            f"*Funnel* since {day(view.funnel_since)} (deals reaching each stage)\n"
            f"{funnel_text(view.reached)}\n{steps}"
        )
    )
    if view.collections is not None:
        lines = [truncate(line, LINE_CHARS) for line in collections_lines(view.collections)]
        blocks += listing("Collections", lines, max_blocks=2, more="…and {} more reps.")
    else:
        blocks.append(section("*Collections*: nothing collected or overdue this month."))
    expected = view.written + len(view.missing)
    text = f"*Cases for {week_label(view.week)}*: {view.written} of {expected} in."
    if view.missing:
        text += f"\n*Not in yet* ({len(view.missing)}): " + ", ".join(
            user(slack_id) for slack_id in view.missing[:100]
        )
    if view.away:
        text += f"\n*Away* ({len(view.away)}): " + ", ".join(
            user(slack_id) for slack_id in view.away[:100]
        )
    blocks.append(section(text))
    return blocks


# --- the admins' settings ------------------------------------------------------------------


def _admin_blocks(admin: AdminHome) -> list[Block]:
    blocks: list[Block] = [divider(), header("Settings"), section("*Teams*")]
    if not admin.teams:
        blocks.append(section("No teams yet. Create one with `/team create <name>`."))
    for team in admin.teams[:TEAMS_SHOWN]:
        blocks.append(
            section(
                _team_text(team, admin),
                accessory=button("Edit", f"{HOME_EDIT_TEAM}_{team.id}", str(team.id)),
            )
        )
    hidden = len(admin.teams) - TEAMS_SHOWN
    if hidden > 0:
        blocks.append(
            context(
                f"…and {hidden} more teams: change them with `/team <name> channel #channel`, "
                "`holidays <code>` or `casereview <day> <time>`."
            )
        )
    lines = [_setting_line(setting) for setting in admin.settings]
    blocks.append(
        section(
            "*Job hours and holiday country*\n" + "\n".join(lines),
            accessory=button("Edit", HOME_EDIT_SETTINGS, "settings"),
        )
    )
    job_lines = [truncate(_job_line(job), LINE_CHARS) for job in admin.jobs]
    blocks += listing(
        "Scheduler health", job_lines or ["No jobs."], max_blocks=2, more="…and {} more."
    )
    return blocks


def _team_text(team: TeamSettings, admin: AdminHome) -> str:
    case_day = WEEKDAY_NAMES[
        admin.default_case_day if team.case_weekday is None else team.case_weekday
    ]
    case_time = team.case_time or admin.default_case_time
    default = "" if team.case_weekday is not None or team.case_time else " (default)"
    holidays = team.holiday_country or f"{admin.default_country or 'none'} (default)"
    return (
        f"*{escape(truncate(team.name, 80))}* · {team.managers} "
        f"manager{'s' if team.managers != 1 else ''} · {team.members} "
        f"member{'s' if team.members != 1 else ''}\n"
        f"Channel {channel(team.channel_id)} · holidays {holidays} · case review "
        f"{case_day}s {case_time}{default}"
    )


def _setting_line(setting: SettingValue) -> str:
    value = setting.value.capitalize() if setting.kind == "weekday" else setting.value
    shown = value or "none"
    if setting.overridden:
        environment = setting.environment or "not set"
        return f"• {setting.label}: *{shown}* (set here; environment {environment})"
    return f"• {setting.label}: {shown}"


def _job_line(job: JobStatus) -> str:
    last = (
        f"last run {moment(job.last_finished.astimezone(UTC))} · sent {job.last_sent}, "
        f"failed {job.last_failed}"
        if job.last_finished
        else "not run yet"
    )
    if job.last_finished and job.last_retrying:
        last += f", retrying {job.last_retrying}"
    if job.last_finished and job.last_missed:
        last += f", missed {job.last_missed}"
    # Each recipient's next send is in their own zone; Slack shows it in the reader's.
    upcoming = f"next send {moment(job.next_send.astimezone(UTC))}" if job.next_send else "none due"
    line = f"• *{job.name}* · {last} · {upcoming}"
    for problem in job.problems:
        line += "\n   " + _problem_line(problem)
    if job.last_error:
        line += f"\n   :warning: last errors: {escape(truncate(job.last_error, 300))}"
    return line


_PROBLEM_WORDS = {
    "failed": ":no_entry: failed, not retried",
    "missed": ":hourglass: missed",
    "retrying": ":repeat: retrying",
}


def _problem_line(problem: JobProblem) -> str:
    """e.g. ":no_entry: failed, not retried: 3 messages (not_in_channel; latest …; e.g. <#C1>).
    What to do: invite the bot to <#C1>…". Slack renders the ids as names."""
    where = problem.example
    example = f"<#{where}>" if where[:1] in ("C", "G") else f"<@{where}>"
    if where[:1] not in ("C", "G", "U", "W"):
        example = escape(where)
    words = _PROBLEM_WORDS.get(problem.kind, problem.kind)
    error = escape(truncate(problem.error or "unknown error", 80))
    count = f"{problem.count} message{'s' if problem.count != 1 else ''}"
    latest = moment(problem.latest.astimezone(UTC))
    # The advice is the bot's own text, with channel mentions meant to render.
    return (
        f"{words}: {count} ({error}; latest {latest}; e.g. {example}). "
        f"What to do: {problem.what_to_do}"
    )


def listing(title: str, lines: list[str], *, max_blocks: int, more: str) -> list[Block]:
    """`lines` under a bold title in at most `max_blocks` sections, then a context line
    saying how many did not fit (`more` with `{}` for the count)."""
    chunks = [f"*{title}*"]
    shown = 0
    for line in lines:
        line = truncate(line, SECTION_BUDGET - 100)
        if len(chunks[-1]) + len(line) + 1 > SECTION_BUDGET:
            if len(chunks) == max_blocks:
                break
            chunks.append("")
        chunks[-1] = f"{chunks[-1]}\n{line}" if chunks[-1] else line
        shown += 1
    blocks = [section(chunk) for chunk in chunks]
    if shown < len(lines):
        blocks.append(context(more.format(len(lines) - shown)))
    return blocks

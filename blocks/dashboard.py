"""The Home tab: a rep's own dashboard; a manager's team view; the admins' settings.

Slack allows 100 blocks in a Home view and 3,000 characters a section. Every list here is
capped (the most relevant first) and says how many more there are, so the view stays within
the limits however many deals, teams or reps there are. Open deals page with More deals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from blocks.cases import WRITE_CASE, week_text
from blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    moment,
    plain,
    section,
    truncate,
    user,
)
from blocks.customers import ColdCustomer, going_cold_by_rep, going_cold_text
from blocks.deals import list_line, stage_label, valuation_lines
from blocks.digests import (
    SECTION_BUDGET,
    Collections,
    RepDay,
    collections_lines,
    conversion_lines,
    funnel_text,
    rep_line,
)
from blocks.forecast import (
    Forecast,
    TeamForecast,
    forecast_blocks,
    forecast_title,
    team_forecast_lines,
)
from blocks.home import (
    HOME_DEALS_FIRST,
    HOME_DEALS_MORE,
    HOME_EDIT_SETTINGS,
    HOME_EDIT_TEAM,
    HOME_PICK_LANGUAGE,
    HOME_PICK_TEAM,
    OPEN_DEAL_MODAL,
    OPEN_VISIT_MODAL,
    HomeState,
    SettingValue,
    TeamSettings,
    weekday_name,
)
from blocks.leaderboard import Board, leaderboard_blocks
from blocks.money import converted_text, left_out_lines, subtotal_text
from blocks.pacing import TargetPace, pace_line
from blocks.teams import channel
from sales.case_review import WEEKDAY_NAMES
from sales.fx import Converted, Valuation
from store.models import Deal
from translations import (
    ENGLISH,
    LANGUAGE_NAMES,
    LANGUAGES,
    Language,
    gettext,
    marked,
    ngettext,
    render,
)
from translations.formats import format_money

if TYPE_CHECKING:
    from scheduler.health import JobProblem, JobStatus

MAX_VIEW_BLOCKS = 100
DEALS_PER_STAGE = 5
FOLLOW_UPS_SHOWN = 5
OVERDUE_SHOWN = 5
CASES_SHOWN = 3
COLD_SHOWN = 5  # customers going cold on Home
PACES_SHOWN = 20
FORECASTS_SHOWN = 2  # one section each: a month's and a quarter's
BOARDS_SHOWN = 3  # of the rep's own team's leaderboard: one section per metric and period
TEAMS_IN_SELECTOR = 100  # a static_select holds at most 100 options
TEAMS_SHOWN = 20  # one block each, with its Edit button
LINE_CHARS = 600  # no single line may crowd a section out
ITEM_CHARS = 150
# The language picker's "follow Slack" option (the others are the languages' own codes).
FOLLOW_SLACK = "auto"


@dataclass(frozen=True)
class StageDeals:
    """One open stage: how many deals and how much in all, and this page's deals."""

    stage: str
    count: int
    totals: Converted
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
    open_totals: Converted  # in the person's currency at today's rates (`valuation`)
    stages: list[StageDeals]
    more_deals: bool  # a later page has deals
    overdue: list[OverdueRow]  # the longest overdue few
    overdue_total: int
    overdue_owed: Converted  # in the person's currency at today's rates
    cases: list[CaseRow]  # the newest few
    forecasts: list[Forecast] = field(default_factory=list)
    going_cold: list[ColdCustomer] = field(default_factory=list)  # overdue for a visit
    valuation: Valuation | None = None  # how open deals are totalled
    open_currencies: list[str] = field(default_factory=list)  # of the open deals
    # Their own team's leaderboard (none when the team turned it off), and that team's name.
    leaderboard: list[Board] = field(default_factory=list)
    leaderboard_team: str = ""


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
    forecast: TeamForecast | None = None
    going_cold: list[tuple[str, list[ColdCustomer]]] = field(default_factory=list)  # by rep
    leaderboard: list[Board] = field(default_factory=list)  # empty when the team turned it off


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
    language: Language = ENGLISH
    chosen_language: Language | None = None  # the person's /lang choice; None: Slack's


def home_view(home: Home) -> dict[str, Any]:
    language = home.language
    blocks: list[Block] = [
        # L10N: header, at most 150 characters
        header(gettext(language, "Hi {name} :wave:", name=home.name[:100])),
        actions(
            "home_actions",
            # L10N: button, at most 75 characters
            button(gettext(language, "Log a visit"), OPEN_VISIT_MODAL, "home", style="primary"),
            # L10N: button, at most 75 characters
            button(gettext(language, "New deal"), OPEN_DEAL_MODAL, "home"),
            # L10N: button, at most 75 characters
            button(gettext(language, "Write my case"), WRITE_CASE, "home"),
        ),
    ]
    blocks += _rep_blocks(language, home.rep, home.state)
    if home.manager is not None:
        blocks += _manager_blocks(language, home.manager)
    if home.admin is not None:
        blocks += _admin_blocks(language, home.admin)
    blocks += [
        divider(),
        actions("home_language", language_picker(language, home.chosen_language)),
        context(
            gettext(
                language,
                "`/visit` logs a visit · `/deal` creates and moves deals · `/case` writes and "
                "finds cases · `/target` shows targets · `/team` lists teams · `/lang` sets "
                "your language · `help` after any command shows everything. Only you can see "
                "this page.",
            )
        ),
    ]
    # Every part is capped (at most 77 blocks in all); this only guards against a mistake.
    blocks = blocks[:MAX_VIEW_BLOCKS]
    return {"type": "home", "private_metadata": home.state.dump(), "blocks": blocks}


def language_picker(language: Language, chosen: Language | None) -> dict[str, Any]:
    """简体中文 / English / follow Slack: the same choice as `/lang`, shown as it stands."""
    options = [{"text": plain(LANGUAGE_NAMES[code]), "value": code} for code in LANGUAGES[::-1]]
    # L10N: option text, at most 75 characters
    follow = gettext(language, "Follow my Slack language")
    options.append({"text": plain(follow), "value": FOLLOW_SLACK})
    wanted = chosen or FOLLOW_SLACK
    return {
        "type": "static_select",
        "action_id": HOME_PICK_LANGUAGE,
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Language")),
        "options": options,
        "initial_option": next(option for option in options if option["value"] == wanted),
    }


def _days(language: Language, count: int) -> str:
    return ngettext(language, "{n} day", "{n} days", count)


# --- the rep's own dashboard (everyone) ---------------------------------------------------


def _rep_blocks(language: Language, rep: RepHome, state: HomeState) -> list[Block]:
    blocks: list[Block] = []
    if rep.paces:
        lines = [pace_line(language, row) for row in rep.paces[:PACES_SHOWN]]
        blocks += listing(
            gettext(language, "Your pacing"),
            lines,
            max_blocks=2,
            more=lambda n: gettext(language, "{count} more: `/target`", count=n),
        )
    else:
        blocks.append(
            section(
                gettext(
                    language,
                    "*Your pacing*\nNo targets for you this period. Your manager sets them "
                    "with `/target`.",
                )
            )
        )
    blocks += forecast_blocks(language, rep.forecasts[:FORECASTS_SHOWN])
    if rep.leaderboard:
        blocks += [
            divider(),
            context(gettext(language, "Your team: {team}", team=escape(rep.leaderboard_team))),
            *leaderboard_blocks(language, rep.leaderboard[:BOARDS_SHOWN]),
        ]
    blocks += [divider(), *_follow_up_blocks(language, rep)]
    if rep.going_cold:
        blocks.append(section(going_cold_text(language, rep.going_cold, rep.today, COLD_SHOWN)))
    blocks += [divider(), *_deal_blocks(language, rep, state)]
    blocks += [divider(), *_overdue_blocks(language, rep)]
    blocks += [divider(), _case_block(language, rep)]
    return blocks


def _follow_up_blocks(language: Language, rep: RepHome) -> list[Block]:
    if not rep.follow_ups_total:
        return [section(gettext(language, "*Follow-ups due*: none. :tada:"))]
    lines = [
        _follow_up_line(language, item, rep.today) for item in rep.follow_ups[:FOLLOW_UPS_SHOWN]
    ]
    title = gettext(language, "*Follow-ups due* ({count})", count=rep.follow_ups_total)
    blocks = [section(title + "\n" + "\n".join(lines))]
    hidden = rep.follow_ups_total - len(lines)
    if hidden > 0:
        blocks.append(
            context(
                gettext(
                    language,
                    "{count} more — see your follow-up DM each working morning.",
                    count=hidden,
                )
            )
        )
    return blocks


def _follow_up_line(language: Language, item: FollowUpRow, today: date) -> str:
    if item.due < today:
        when = gettext(
            language,
            ":red_circle: overdue since {day} ({days})",
            day=item.due,
            days=_days(language, (today - item.due).days),
        )
    else:
        when = gettext(language, ":large_yellow_circle: due today")
    step = escape(truncate(item.next_step, ITEM_CHARS))
    return f"• *{escape(truncate(item.customer, 80))}*: {step} · {when}"


def _deal_blocks(language: Language, rep: RepHome, state: HomeState) -> list[Block]:
    if not rep.open_count:
        return [
            section(
                gettext(
                    language, "*Open deals*: none yet. Create one with *New deal* or `/deal new`."
                )
            )
        ]
    summary = gettext(
        language,
        "*Open deals by stage* · {count} open · {amount}",
        count=rep.open_count,
        amount=converted_text(language, rep.open_totals),
    )
    notes = (
        valuation_lines(language, rep.valuation, rep.open_totals, rep.open_currencies)
        if rep.valuation
        else []
    )
    blocks = [section("\n".join([summary, *notes]))]
    first = state.page * DEALS_PER_STAGE + 1
    for stage in rep.stages:
        lines = [truncate(list_line(deal, language), LINE_CHARS) for deal in stage.deals]
        if not lines:
            lines = [gettext(language, "_All shown on earlier pages._")]
        title = (
            f"{stage_label(stage.stage, language)} · {stage.count} · "
            f"{subtotal_text(language, stage.totals)}"
        )
        blocks.append(section(title + "\n" + "\n".join(lines)))
    blocks.append(
        context(
            gettext(
                language,
                "Deals {first} to {last} of each stage: largest first, then the soonest to "
                "close. Open one with `/deal #<id>`.",
                first=first,
                last=first + DEALS_PER_STAGE - 1,
            )
        )
    )
    paging = []
    if rep.more_deals:
        # L10N: button, at most 75 characters
        more = gettext(language, "More deals")
        paging.append(button(more, HOME_DEALS_MORE, str(state.page + 1)))
    if state.page > 0:
        # L10N: button, at most 75 characters
        back = gettext(language, "Back to the first deals")
        paging.append(button(back, HOME_DEALS_FIRST, "0"))
    if paging:
        blocks.append(actions("home_deal_pages", *paging))
    return blocks


def _overdue_blocks(language: Language, rep: RepHome) -> list[Block]:
    if not rep.overdue_total:
        return [section(gettext(language, "*Overdue payments*: none."))]
    lines = [
        gettext(
            language,
            "• `#{id}` {deal} · {amount} outstanding · due {day}, {days} overdue",
            id=row.deal_id,
            deal=escape(truncate(row.deal, ITEM_CHARS)),
            amount=format_money(language, row.owed, row.currency),
            day=row.due,
            days=_days(language, row.days),
        )
        for row in rep.overdue[:OVERDUE_SHOWN]
    ]
    title = gettext(
        language,
        "*Overdue payments* ({count}) · {amount}",
        count=rep.overdue_total,
        amount=converted_text(language, rep.overdue_owed),
    )
    left_out = left_out_lines(language, rep.overdue_owed.left_out, rep.overdue_owed.currency)
    blocks = [section("\n".join([title, *left_out, *lines]))]
    hidden = rep.overdue_total - len(lines)
    if hidden > 0:
        blocks.append(
            context(
                gettext(
                    language, "{count} more: `/deal #<id> payments` lists a deal's.", count=hidden
                )
            )
        )
    return blocks


def _case_block(language: Language, rep: RepHome) -> Block:
    if not rep.cases:
        return section(
            gettext(
                language,
                "*Your last cases*\nNone yet. Each week, write up one customer for the team: "
                "*Write my case*.",
            )
        )
    lines = [
        f"• *{escape(truncate(case.title, ITEM_CHARS))}* · {week_text(language, case.week)}"
        for case in rep.cases[:CASES_SHOWN]
    ]
    title = gettext(language, "*Your last cases* · `/case list mine` shows them all")
    return section(title + "\n" + "\n".join(lines))


# --- the manager's team view ---------------------------------------------------------------


def _manager_blocks(language: Language, manager: ManagerHome) -> list[Block]:
    # L10N: header, at most 150 characters
    blocks: list[Block] = [divider(), header(gettext(language, "Team view"))]
    options = [
        {"text": plain(truncate(name, 75)), "value": str(team_id)}
        for team_id, name in manager.teams[:TEAMS_IN_SELECTOR]
    ]
    view = manager.view
    if not options or view is None:
        return [*blocks, section(gettext(language, "You manage no team with members yet."))]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": HOME_PICK_TEAM,
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Pick a team")),
        "options": options,
    }
    chosen = next((option for option in options if option["value"] == str(view.id)), None)
    if chosen is not None:
        select["initial_option"] = chosen
    blocks.append(actions("home_team_picker", select))
    if view.team_paces:
        lines = [pace_line(language, row) for row in view.team_paces[:PACES_SHOWN]]
        blocks += listing(
            gettext(language, "{team} · team targets", team=view.name),
            lines,
            max_blocks=1,
            more=lambda n: gettext(language, "{count} more", count=n),
        )
    more_reps = lambda n: gettext(language, "…and {count} more reps.", count=n)  # noqa: E731
    if view.forecast is not None:
        lines = [
            truncate(line, LINE_CHARS) for line in team_forecast_lines(language, view.forecast)
        ]
        title = forecast_title(language, view.forecast.team[0])
        blocks += listing(title, lines, max_blocks=2, more=more_reps)
    rep_lines = [truncate(rep_line(language, rep, view.last_day), LINE_CHARS) for rep in view.reps]
    blocks += listing(
        gettext(language, "Reps' pacing (visits on {day})", day=view.last_day),
        rep_lines or [gettext(language, "No members yet: `/team <name> add @person`.")],
        max_blocks=2,
        more=more_reps,
    )
    blocks += leaderboard_blocks(language, view.leaderboard)
    steps = "\n".join(conversion_lines(language, view.conversions))
    funnel = gettext(
        language, "*Funnel* since {day} (deals reaching each stage)", day=view.funnel_since
    )
    blocks.append(section(f"{funnel}\n{funnel_text(language, view.reached)}\n{steps}"))
    if view.going_cold:
        lines = [going_cold_by_rep(language, r, cold, view.today) for r, cold in view.going_cold]
        blocks += listing(
            gettext(language, "Going cold: customers overdue for a visit"),
            [truncate(line, LINE_CHARS) for line in lines],
            max_blocks=1,
            more=more_reps,
        )
    if view.collections is not None:
        lines = [
            truncate(line, LINE_CHARS) for line in collections_lines(language, view.collections)
        ]
        blocks += listing(gettext(language, "Collections"), lines, max_blocks=2, more=more_reps)
    else:
        blocks.append(
            section(gettext(language, "*Collections*: nothing collected or overdue this month."))
        )
    expected = view.written + len(view.missing)
    text = gettext(
        language,
        "*Cases for {week}*: {written} of {expected} in.",
        week=week_text(language, view.week),
        written=view.written,
        expected=expected,
    )
    if view.missing:
        text += "\n" + gettext(language, "*Not in yet* ({count}): ", count=len(view.missing))
        text += ", ".join(user(slack_id) for slack_id in view.missing[:100])
    if view.away:
        text += "\n" + gettext(language, "*Away* ({count}): ", count=len(view.away))
        text += ", ".join(user(slack_id) for slack_id in view.away[:100])
    blocks.append(section(text))
    return blocks


# --- the admins' settings ------------------------------------------------------------------


def _admin_blocks(language: Language, admin: AdminHome) -> list[Block]:
    blocks: list[Block] = [
        divider(),
        # L10N: header, at most 150 characters
        header(gettext(language, "Settings")),
        section(gettext(language, "*Teams*")),
    ]
    if not admin.teams:
        blocks.append(
            section(gettext(language, "No teams yet. Create one with `/team create <name>`."))
        )
    # L10N: button, at most 75 characters
    edit = gettext(language, "Edit")
    for team in admin.teams[:TEAMS_SHOWN]:
        blocks.append(
            section(
                _team_text(language, team, admin),
                accessory=button(edit, f"{HOME_EDIT_TEAM}_{team.id}", str(team.id)),
            )
        )
    hidden = len(admin.teams) - TEAMS_SHOWN
    if hidden > 0:
        blocks.append(
            context(
                gettext(
                    language,
                    "…and {count} more teams: change them with `/team <name> channel "
                    "#channel`, `holidays <code>` or `casereview <day> <time>`.",
                    count=hidden,
                )
            )
        )
    lines = [_setting_line(language, setting) for setting in admin.settings]
    blocks.append(
        section(
            gettext(language, "*Job hours and holiday country*") + "\n" + "\n".join(lines),
            accessory=button(edit, HOME_EDIT_SETTINGS, "settings"),
        )
    )
    job_lines = [truncate(_job_line(language, job), LINE_CHARS) for job in admin.jobs]
    blocks += listing(
        gettext(language, "Scheduler health"),
        job_lines or [gettext(language, "No jobs.")],
        max_blocks=2,
        more=lambda n: gettext(language, "…and {count} more.", count=n),
    )
    return blocks


def _team_text(language: Language, team: TeamSettings, admin: AdminHome) -> str:
    case_day = weekday_name(
        language, admin.default_case_day if team.case_weekday is None else team.case_weekday
    )
    case_time = team.case_time or admin.default_case_time
    default = team.case_weekday is None and not team.case_time
    review = gettext(language, "{weekday}s {time}", weekday=case_day, time=case_time)
    if default:
        review = gettext(language, "{value} (default)", value=review)
    holidays = team.holiday_country or gettext(
        language,
        "{value} (default)",
        value=admin.default_country or gettext(language, "none"),
    )
    return gettext(
        language,
        "*{team}* · {managers} · {members}\nChannel {channel} · holidays {holidays} · "
        "case review {review}",
        team=escape(truncate(team.name, 80)),
        managers=ngettext(language, "{n} manager", "{n} managers", team.managers),
        members=ngettext(language, "{n} member", "{n} members", team.members),
        channel=channel(team.channel_id),
        holidays=holidays,
        review=review,
    )


def _setting_line(language: Language, setting: SettingValue) -> str:
    if setting.kind == "weekday" and setting.value.capitalize() in WEEKDAY_NAMES:
        value = weekday_name(language, WEEKDAY_NAMES.index(setting.value.capitalize()))
    else:
        value = setting.value
    shown = value or gettext(language, "none")
    label = gettext(language, setting.label)
    if setting.overridden:
        return gettext(
            language,
            "• {setting}: *{value}* (set here; environment {environment})",
            setting=label,
            value=shown,
            environment=setting.environment or gettext(language, "not set"),
        )
    return gettext(language, "• {setting}: {value}", setting=label, value=shown)


def _job_line(language: Language, job: JobStatus) -> str:
    if job.last_finished:
        last = gettext(
            language,
            "last run {when} · sent {sent}, failed {failed}",
            when=moment(job.last_finished.astimezone(UTC)),
            sent=job.last_sent,
            failed=job.last_failed,
        )
        if job.last_retrying:
            last += gettext(language, ", retrying {count}", count=job.last_retrying)
        if job.last_missed:
            last += gettext(language, ", missed {count}", count=job.last_missed)
    else:
        last = gettext(language, "not run yet")
    # Each recipient's next send is in their own zone; Slack shows it in the reader's.
    if job.next_send:
        upcoming = gettext(language, "next send {when}", when=moment(job.next_send.astimezone(UTC)))
    elif job.last_finished:
        upcoming = gettext(language, "none due")
    else:
        # Health reads run records only: a job's first run works out when it next sends.
        upcoming = gettext(language, "next send known after its first run")
    line = f"• *{job.name}* · {last} · {upcoming}\n   _{render(language, job.summary)}_"
    for problem in job.problems:
        line += "\n   " + _problem_line(language, problem)
    if job.last_error:
        errors = "; ".join(render(language, error) for error in job.last_errors or [job.last_error])
        line += "\n   " + gettext(
            language, ":warning: last errors: {errors}", errors=escape(truncate(errors, 300))
        )
    return line


_PROBLEM_WORDS = {
    "failed": marked(":no_entry: failed, not retried"),
    "missed": marked(":hourglass: missed"),
    "retrying": marked(":repeat: retrying"),
}


def _problem_line(language: Language, problem: JobProblem) -> str:
    """e.g. ":no_entry: failed, not retried: 3 messages (not_in_channel; latest …; e.g. <#C1>).
    What to do: invite the bot to <#C1>…". Slack renders the ids as names."""
    where = problem.example
    example = f"<#{where}>" if where[:1] in ("C", "G") else f"<@{where}>"
    if where[:1] not in ("C", "G", "U", "W"):
        example = escape(where)
    words = _PROBLEM_WORDS.get(problem.kind)
    # The advice is the bot's own text, with channel mentions meant to render.
    return gettext(
        language,
        "{problem}: {count} ({error}; latest {latest}; e.g. {example}). What to do: {advice}",
        problem=gettext(language, words) if words else problem.kind,
        count=ngettext(language, "{n} message", "{n} messages", problem.count),
        error=escape(truncate(_error_words(language, problem), 80)),
        latest=moment(problem.latest.astimezone(UTC)),
        example=example,
        advice=render(language, problem.advice),
    )


def _error_words(language: Language, problem: JobProblem) -> str:
    """A stuck message's error: Slack's code as it is, a stored reason in the reader's words."""
    if problem.error_text is not None:
        return render(language, problem.error_text)
    return problem.error or gettext(language, "unknown error")


def listing(
    title: str, lines: list[str], *, max_blocks: int, more: Callable[[int], str]
) -> list[Block]:
    """`lines` under a bold title in at most `max_blocks` sections, then a context line
    saying how many did not fit (`more(count)`)."""
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
        blocks.append(context(more(len(lines) - shown)))
    return blocks

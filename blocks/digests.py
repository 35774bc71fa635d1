"""The manager digests: daily team pacing and activity, weekly funnel review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from babel.dates import format_date
from babel.numbers import format_percent

from blocks.common import Block, Message, context, escape, header, message, section, user
from blocks.customers import ColdCustomer, going_cold_by_rep
from blocks.deals import stage_label
from blocks.forecast import TeamForecast, forecast_title, team_forecast_lines
from blocks.leaderboard import Board, leaderboard_blocks
from blocks.money import converted_text, left_out_lines, subtotal_text
from blocks.pacing import TargetPace, amount_text, metric_label, pace_line
from blocks.review import (
    conversion_basis,
    conversion_line,
    cycle_text,
    funnel_title,
    rep_conversion_line,
)
from sales.collections import BUCKET_NAMES
from sales.fx import Converted
from sales.kpis import RepConversion
from sales.money import totals_by_currency
from translations import FORMAT_LOCALES, Language, gettext, marked, ngettext
from translations.formats import format_money, format_number

SECTION_BUDGET = 2800
# Why a rep is behind (sales.kpis.lead_or_conversion_problem), as the digest names it.
CAUSES = {"lead volume": marked("lead volume"), "conversion": marked("conversion")}


@dataclass(frozen=True)
class RepDay:
    slack_user_id: str
    paces: list[TargetPace]
    visits_last_day: int
    cause: str | None = None  # "lead volume" or "conversion", when behind


@dataclass(frozen=True)
class Move:
    deal_id: int
    deal: str
    owner: str
    from_stage: str
    to_stage: str


@dataclass(frozen=True)
class RepCollections:
    slack_user_id: str
    # Overdue amounts per aging bucket ("1-30" … "90+") and in all, in the team's currency
    # at today's rates (what had no rate is said once, beside the team's overdue total).
    aging: dict[str, Converted]
    total: Converted


@dataclass(frozen=True)
class Collections:
    period: str  # the month (or the target's period) collected is counted over
    collected: dict[str, Decimal]  # per currency, from the period's start to today
    target: TargetPace | None  # the team's `collected` target, if it has one
    overdue: dict[str, Decimal]  # per currency, as of today
    reps: list[RepCollections]
    # In the team's currency, each amount at its day's rate, with what had no rate.
    collected_total: Converted | None = None
    overdue_total: Converted | None = None


@dataclass(frozen=True)
class DailyDigest:
    team: str
    today: date
    last_day: date
    team_paces: list[TargetPace]
    reps: list[RepDay]
    moves: list[Move]
    quiet: list[str]  # Slack ids of reps with no visit in the last 3 working days
    collections: Collections | None = None
    forecast: TeamForecast | None = None
    # Each rep's customers overdue for a visit (Slack id, customers), reps with any only.
    going_cold: list[tuple[str, list[ColdCustomer]]] = field(default_factory=list)


@dataclass(frozen=True)
class WeeklyDigest:
    team: str
    first_day: date
    last_day: date
    reached: dict[str, int]
    conversions: list[tuple[str, str, float | None]]
    won_amounts: list[tuple[Decimal, str]]
    # The mean won amount in the team's currency (of the deals `won_total` counts).
    average_deal: Decimal | None
    median_cycle_days: float | None
    team_rate: float | None
    below_average: list[RepConversion]
    won_total: Converted | None = None  # in the team's currency, each deal at its win day's rate
    skipped: dict[str, int] = field(default_factory=dict)  # stage -> deals that skipped it
    forecast: TeamForecast | None = None
    leaderboard: list[Board] = field(default_factory=list)  # empty when the team turned it off


def sections(title: str, lines: list[str]) -> list[Block]:
    """`lines` under a bold title, split across sections so none passes Slack's text limit."""
    blocks: list[Block] = []
    chunk = f"*{title}*"
    for line in lines:
        if len(chunk) + len(line) + 1 > SECTION_BUDGET:
            blocks.append(section(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    blocks.append(section(chunk))
    return blocks[:10]


def percent_text(language: Language, rate: float | None) -> str:
    """`42%`, or a dash when there was nothing to measure."""
    return "—" if rate is None else format_percent(rate, locale=FORMAT_LOCALES[language])


def totals_text(language: Language, totals: dict[str, Decimal]) -> str:
    """Sums kept apart per currency: `$1,000 + ¥5,000`."""
    shown = [format_money(language, value, currency) for currency, value in totals.items()]
    return " + ".join(shown) or "0"


def rep_line(language: Language, rep: RepDay, last_day: date) -> str:
    """A rep's pacing on each target and their visits on the last working day."""
    paces = " · ".join(
        f"{metric_label(language, row.metric)} {row.pace.status.emoji} "
        f"{percent_text(language, row.pace.fraction_done)}"
        for row in rep.paces
    )
    cause = f" · _{gettext(language, CAUSES.get(rep.cause, rep.cause))}_" if rep.cause else ""
    visits = ngettext(
        language,
        "{n} visit {weekday}",
        "{n} visits {weekday}",
        rep.visits_last_day,
        weekday=format_date(last_day, "EEE", locale=FORMAT_LOCALES[language]),
    )
    targets = paces or gettext(language, "no targets")
    return f"• {user(rep.slack_user_id)} · {targets} · {visits}{cause}"


def _move_line(language: Language, move: Move) -> str:
    if move.to_stage == "won":
        icon = gettext(language, ":trophy: Won")
    elif move.to_stage == "lost":
        icon = gettext(language, ":x: Lost")
    else:
        icon = f"{stage_label(move.from_stage, language)} → {stage_label(move.to_stage, language)}"
    return f"• {icon}: `#{move.deal_id}` {escape(move.deal)[:120]} ({user(move.owner)})"


def collections_lines(language: Language, collections: Collections) -> list[str]:
    """Cash collected against the target, what is overdue, and each rep's overdue by age."""
    target = collections.target
    if target is not None:
        show = partial(amount_text, language, "collected", target.currency)
        collected = gettext(
            language,
            "*Collected* · {period}: {achieved} of {target} ({percent}) {emoji}",
            period=target.period,
            achieved=show(target.pace.achieved),
            target=show(target.pace.target),
            percent=percent_text(language, target.pace.fraction_done),
            emoji=target.pace.status.emoji,
        )
    else:
        so_far = (
            _converted(language, collections.collected_total, collections.collected)
            if collections.collected
            else gettext(language, "nothing yet")
        )
        collected = gettext(
            language, "*Collected* · {period}: {amount}", period=collections.period, amount=so_far
        )
    overdue = _converted(language, collections.overdue_total, collections.overdue)
    lines = [
        collected,
        gettext(language, "*Overdue*: {amount}", amount=overdue)
        if collections.overdue
        else gettext(language, "*Overdue*: nothing."),
    ]
    if target is not None:
        lines += left_out_lines(language, target.left_out, target.currency)
    else:
        lines += _left_out(language, collections.collected_total)
    lines += _left_out(language, collections.overdue_total)
    for rep in collections.reps:
        buckets = " · ".join(
            gettext(
                language,
                "{bucket} days {amount}",
                bucket=bucket,
                amount=subtotal_text(language, rep.aging[bucket]),
            )
            for bucket in BUCKET_NAMES
            if bucket in rep.aging
        )
        overdue = gettext(language, "{amount} overdue", amount=subtotal_text(language, rep.total))
        lines.append(f"• {user(rep.slack_user_id)} · {overdue} · {buckets}")
    return lines


def conversion_lines(
    language: Language,
    conversions: list[tuple[str, str, float | None]],
    skipped: dict[str, int] | None = None,
) -> list[str]:
    """Each step's conversion, saying how many deals skipped the step's first stage."""
    return [
        conversion_line(language, before, after, rate, (skipped or {}).get(before, 0))
        for before, after, rate in conversions
    ]


def _converted(language: Language, total: Converted | None, by_currency: dict[str, Decimal]) -> str:
    """The total in the team's currency (what had no rate is said on its own line), or the
    sums kept per currency when no conversion was asked for."""
    if total is None:
        return totals_text(language, by_currency)
    return converted_text(language, total)


def _left_out(language: Language, total: Converted | None) -> list[str]:
    return left_out_lines(language, total.left_out, total.currency) if total else []


def forecast_sections(language: Language, forecast: TeamForecast | None) -> list[Block]:
    """The team's forecast and each rep's, under the period's title."""
    if forecast is None:
        return []
    title = forecast_title(language, forecast.team[0])
    return sections(title, team_forecast_lines(language, forecast))


def daily_digest_message(language: Language, digest: DailyDigest) -> Message:
    blocks: list[Block] = [
        # L10N: header, at most 150 characters
        header(
            gettext(language, "{team} · daily digest · {day}", team=digest.team, day=digest.today)
        )
    ]
    if digest.team_paces:
        blocks += sections(
            gettext(language, "Team targets"),
            [pace_line(language, row) for row in digest.team_paces],
        )
    blocks += sections(
        gettext(language, "Reps (visits on {day})", day=digest.last_day),
        [rep_line(language, rep, digest.last_day) for rep in digest.reps]
        or [gettext(language, "No members yet.")],
    )
    blocks += forecast_sections(language, digest.forecast)
    moves = [_move_line(language, move) for move in digest.moves]
    blocks += sections(
        gettext(language, "Deal moves on {day}", day=digest.last_day),
        moves or [gettext(language, "None.")],
    )
    if digest.collections is not None:
        blocks += sections(
            gettext(language, "Collections"), collections_lines(language, digest.collections)
        )
    if digest.quiet:
        quiet = ", ".join(user(rep) for rep in digest.quiet)
        blocks.append(
            section(
                gettext(language, ":zzz: *No visit in the last 3 working days:* {reps}", reps=quiet)
            )
        )
    if digest.going_cold:
        blocks += sections(
            gettext(language, "Going cold: customers overdue for a visit"),
            [
                going_cold_by_rep(language, rep, cold, digest.today)
                for rep, cold in digest.going_cold
            ],
        )
    blocks.append(
        context(
            gettext(
                language, "Daily at the manager's morning on working days. `/target` sets targets."
            )
        )
    )
    won = sum(1 for move in digest.moves if move.to_stage == "won")
    return message(
        ngettext(
            language,
            "{team} daily digest: {n} deal move, {won} won",
            "{team} daily digest: {n} deal moves, {won} won",
            len(digest.moves),
            team=digest.team,
            won=won,
        ),
        blocks[:50],
    )


def funnel_text(language: Language, reached: dict[str, int]) -> str:
    """`Lead 5 → Qualified 3 → …`: how many deals reached each stage."""
    return " → ".join(
        f"{stage_label(stage, language)} {format_number(language, count)}"
        for stage, count in reached.items()
    )


def weekly_digest_message(language: Language, digest: WeeklyDigest) -> Message:
    span = gettext(language, "{first} to {last}", first=digest.first_day, last=digest.last_day)
    funnel = funnel_text(language, digest.reached)
    steps = conversion_lines(language, digest.conversions, digest.skipped)
    by_currency = totals_by_currency(digest.won_amounts)
    won_total = (
        _converted(language, digest.won_total, by_currency)
        if by_currency
        else totals_text(language, {})
    )
    average = (
        format_money(language, digest.average_deal, digest.won_total.currency)
        if digest.average_deal is not None and digest.won_total is not None
        else ""
    )
    cycle = cycle_text(language, digest.median_cycle_days)
    won = ngettext(
        language,
        "{n} deal, {amount}",
        "{n} deals, {amount}",
        len(digest.won_amounts),
        amount=won_total,
    )
    blocks: list[Block] = [
        # L10N: header, at most 150 characters
        header(gettext(language, "{team} · weekly review", team=digest.team)),
        context(gettext(language, "Last 4 weeks: {span}", span=span)),
        section(f"{funnel_title(language)}\n{funnel}"),
        section(gettext(language, "*Stage-to-stage conversion*") + "\n" + "\n".join(steps)),
        section(
            gettext(
                language,
                "*Won*: {won}\n*Average deal size*: {average}\n*Median sales cycle*: {cycle}",
                won=won,
                average=average or "—",
                cycle=cycle,
            )
            + "".join(f"\n{line}" for line in _left_out(language, digest.won_total))
        ),
    ]
    blocks += forecast_sections(language, digest.forecast)
    team_rate = percent_text(language, digest.team_rate)
    if digest.below_average:
        lines = [rep_conversion_line(language, user(rep.rep), rep) for rep in digest.below_average]
        blocks += sections(
            gettext(language, "Proposal-to-win below the team's {rate}", rate=team_rate), lines
        )
    else:
        blocks.append(
            section(
                gettext(
                    language,
                    "*Proposal-to-win*: team {rate}; nobody is below the average.",
                    rate=team_rate,
                )
            )
        )
    blocks.append(context(conversion_basis(language)))
    blocks += leaderboard_blocks(language, digest.leaderboard)
    return message(
        gettext(language, "{team} weekly review, {span}", team=digest.team, span=span), blocks
    )

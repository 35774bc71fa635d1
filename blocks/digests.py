"""The manager digests: daily team pacing and activity, weekly funnel review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from blocks.common import Block, Message, context, day, escape, header, message, section, user
from blocks.deals import stage_label
from blocks.money import left_out_lines
from blocks.pacing import TargetPace, amount_text, pace_line
from blocks.review import (
    conversion_basis,
    conversion_line,
    cycle_text,
    funnel_title,
    rep_conversion_line,
)
from sales.collections import BUCKET_NAMES
from sales.fx import Converted
from sales.kpis import RepConversion, percent
from sales.metrics import METRICS
from sales.money import format_money, format_totals, totals_by_currency
from translations import ENGLISH

SECTION_BUDGET = 2800


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
    # Overdue amounts per aging bucket ("1-30" … "90+"), each per currency.
    aging: dict[str, dict[str, Decimal]]


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


@dataclass(frozen=True)
class WeeklyDigest:
    team: str
    first_day: date
    last_day: date
    reached: dict[str, int]
    conversions: list[tuple[str, str, float | None]]
    won_amounts: list[tuple[Decimal, str]]
    average_deal: str
    median_cycle_days: float | None
    team_rate: float | None
    below_average: list[RepConversion]
    won_total: Converted | None = None  # in the team's currency, each deal at its win day's rate
    skipped: dict[str, int] = field(default_factory=dict)  # stage -> deals that skipped it


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


def rep_line(rep: RepDay, last_day: date) -> str:
    """A rep's pacing on each target and their visits on the last working day."""
    paces = " · ".join(
        f"{METRICS[row.metric].label} {row.pace.status.emoji} {row.pace.fraction_done:.0%}"
        for row in rep.paces
    )
    cause = f" · _{rep.cause}_" if rep.cause else ""
    return (
        f"• {user(rep.slack_user_id)} · {paces or 'no targets'} · "
        f"{rep.visits_last_day} visit{'s' if rep.visits_last_day != 1 else ''} {last_day:%a}{cause}"
    )


def _move_line(move: Move) -> str:
    if move.to_stage == "won":
        icon = ":trophy: Won"
    elif move.to_stage == "lost":
        icon = ":x: Lost"
    else:
        icon = f"{stage_label(move.from_stage)} → {stage_label(move.to_stage)}"
    return f"• {icon}: `#{move.deal_id}` {escape(move.deal)[:120]} ({user(move.owner)})"


def collections_lines(collections: Collections) -> list[str]:
    """Cash collected against the target, what is overdue, and each rep's overdue by age."""
    target = collections.target
    if target is not None:
        show = partial(amount_text, "collected", target.currency)
        collected = (
            f"*Collected* · {target.period}: {show(target.pace.achieved)} of "
            f"{show(target.pace.target)} ({target.pace.fraction_done:.0%}) "
            f"{target.pace.status.emoji}"
        )
    else:
        so_far = (
            _converted(collections.collected_total, collections.collected)
            if collections.collected
            else "nothing yet"
        )
        collected = f"*Collected* · {collections.period}: {so_far}"
    overdue = _converted(collections.overdue_total, collections.overdue)
    lines = [collected, f"*Overdue*: {overdue}" if collections.overdue else "*Overdue*: nothing."]
    if target is not None:
        lines += left_out_lines(ENGLISH, target.left_out, target.currency)
    else:
        lines += _left_out(collections.collected_total)
    lines += _left_out(collections.overdue_total)
    for rep in collections.reps:
        total = format_totals(
            totals_by_currency(
                (value, currency)
                for by_currency in rep.aging.values()
                for currency, value in by_currency.items()
            )
        )
        buckets = " · ".join(
            f"{bucket} days {format_totals(rep.aging[bucket])}"
            for bucket in BUCKET_NAMES
            if rep.aging.get(bucket)
        )
        lines.append(f"• {user(rep.slack_user_id)} · {total} overdue · {buckets}")
    return lines


def _converted(total: Converted | None, by_currency: dict[str, Decimal]) -> str:
    """The total in the team's currency (what had no rate is said on its own line), or the
    sums kept per currency when no conversion was asked for."""
    if total is None:
        return format_totals(by_currency)
    return format_money(total.total, total.currency)


def _left_out(total: Converted | None) -> list[str]:
    return left_out_lines(ENGLISH, total.left_out, total.currency) if total else []


def daily_digest_message(digest: DailyDigest) -> Message:
    blocks: list[Block] = [header(f"{digest.team} · daily digest · {day(digest.today)}")]
    if digest.team_paces:
        blocks += sections("Team targets", [pace_line(row) for row in digest.team_paces])
    blocks += sections(
        f"Reps (visits on {day(digest.last_day)})",
        [rep_line(rep, digest.last_day) for rep in digest.reps] or ["No members yet."],
    )
    moves = [_move_line(move) for move in digest.moves]
    blocks += sections(f"Deal moves on {day(digest.last_day)}", moves or ["None."])
    if digest.collections is not None:
        blocks += sections("Collections", collections_lines(digest.collections))
    if digest.quiet:
        quiet = ", ".join(user(rep) for rep in digest.quiet)
        blocks.append(section(f":zzz: *No visit in the last 3 working days:* {quiet}"))
    blocks.append(
        context("Daily at the manager's morning on working days. `/target` sets targets.")
    )
    won = sum(1 for move in digest.moves if move.to_stage == "won")
    return message(
        f"{digest.team} daily digest: {len(digest.moves)} deal moves, {won} won", blocks[:50]
    )


def funnel_text(reached: dict[str, int]) -> str:
    """`Lead 5 → Qualified 3 → …`: how many deals reached each stage."""
    return " → ".join(f"{stage_label(stage)} {count}" for stage, count in reached.items())


def conversion_lines(conversions: list[tuple[str, str, float | None]]) -> list[str]:
    return [
        f"• {stage_label(before)} → {stage_label(after)}: {percent(rate)}"
        for before, after, rate in conversions
    ]


def weekly_digest_message(digest: WeeklyDigest) -> Message:
    span = f"{day(digest.first_day)} to {day(digest.last_day)}"
    funnel = funnel_text(digest.reached)
    steps = [
        conversion_line(ENGLISH, before, after, rate, digest.skipped.get(before, 0))
        for before, after, rate in digest.conversions
    ]
    by_currency = totals_by_currency(digest.won_amounts)
    won_total = _converted(digest.won_total, by_currency) if by_currency else format_totals({})
    cycle = cycle_text(ENGLISH, digest.median_cycle_days)
    blocks: list[Block] = [
        header(f"{digest.team} · weekly review"),
        context(f"Last 4 weeks: {span}"),
        section(f"{funnel_title(ENGLISH)}\n{funnel}"),
        section("*Stage-to-stage conversion*\n" + "\n".join(steps)),
        section(
            f"*Won*: {len(digest.won_amounts)} deals, {won_total}\n"
            f"*Average deal size*: {digest.average_deal}\n*Median sales cycle*: {cycle}"
            + "".join(f"\n{line}" for line in _left_out(digest.won_total))
        ),
    ]
    if digest.below_average:
        lines = [rep_conversion_line(ENGLISH, user(rep.rep), rep) for rep in digest.below_average]
        blocks += sections(f"Proposal-to-win below the team's {percent(digest.team_rate)}", lines)
    else:
        blocks.append(
            section(
                f"*Proposal-to-win*: team {percent(digest.team_rate)}; nobody is below the average."
            )
        )
    blocks.append(context(conversion_basis(ENGLISH)))
    return message(f"{digest.team} weekly review, {span}", blocks)

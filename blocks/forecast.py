"""The forecast as people read it: a period's won, commit, best case and weighted pipeline,
the coverage of what is left of the target, and the slipped deals; per rep and per team."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from blocks.common import Block, day, escape, section, user
from blocks.money import left_out_lines
from sales.forecast import SlippedDeal
from translations import FORMAT_LOCALES, Language, gettext, ngettext
from translations.formats import format_money

SLIPPED_LISTED = 5
TENTHS = Decimal("0.1")


@dataclass(frozen=True)
class Forecast:
    """One period's forecast for a person or a team, in one currency."""

    period: str  # "2026-12", "2026-Q4"
    period_end: date
    currency: str
    won: Decimal  # won so far in the period
    commit: Decimal  # open, marked commit, expected to close in the rest of the period
    best_case: Decimal  # the same, marked best case
    weighted: Decimal  # every open deal expected in the rest of the period x its stage's odds
    open: Decimal  # the same deals unweighted: what covers the rest of the target
    target: Decimal | None  # the revenue target of the period, if any
    slipped: list[SlippedDeal]  # open deals whose close date has passed: not counted above
    slipped_total: Decimal
    no_close: int  # open deals with no close date: not counted
    left_out: dict[str, Decimal] = field(default_factory=dict)  # no rate, per currency

    @property
    def left(self) -> Decimal | None:
        """What is left of the target after what was won; None without a target."""
        return None if self.target is None else self.target - self.won

    @property
    def coverage(self) -> Decimal | None:
        """Open pipeline over what is left of the target; None when nothing is left."""
        left = self.left
        return None if left is None or left <= 0 else self.open / left


@dataclass(frozen=True)
class RepForecast:
    slack_user_id: str
    forecast: Forecast


@dataclass(frozen=True)
class TeamForecast:
    team: list[Forecast]  # one per revenue target in force (the month when none)
    reps: list[RepForecast]  # each rep's, over the first of those periods


def forecast_title(language: Language, forecast: Forecast) -> str:
    return gettext(language, "Forecast · {period}", period=forecast.period)


def coverage_text(language: Language, coverage: Decimal) -> str:
    """`2.5x`: how many times the open pipeline covers what is left of the target."""
    ratio = coverage.quantize(TENTHS, rounding=ROUND_HALF_UP)
    return f"{format_decimal(ratio, '0.0', locale=FORMAT_LOCALES[language])}x"


def _figures(language: Language, forecast: Forecast) -> dict[str, str]:
    """Won, commit, best case and weighted, as money in the forecast's currency."""
    return {
        name: format_money(language, getattr(forecast, name), forecast.currency)
        for name in ("won", "commit", "best_case", "weighted")
    }


def forecast_lines(language: Language, forecast: Forecast) -> list[str]:
    """The period's figures, the coverage, the slipped deals and what was not counted."""

    def money(value: Decimal) -> str:
        return format_money(language, value, forecast.currency)

    lines = [
        gettext(
            language,
            "Won {won} · commit {commit} · best case {best_case} · weighted pipeline {weighted}",
            **_figures(language, forecast),
        )
    ]
    by = day(forecast.period_end, language)
    if forecast.target is None:
        lines.append(
            gettext(
                language,
                "Open pipeline closing by {day}: {open} (no revenue target to cover)",
                day=by,
                open=money(forecast.open),
            )
        )
    elif forecast.coverage is None:
        lines.append(
            gettext(
                language,
                "Target {target} reached; open pipeline closing by {day}: {open}",
                target=money(forecast.target),
                day=by,
                open=money(forecast.open),
            )
        )
    else:
        lines.append(
            gettext(
                language,
                "Coverage {coverage}: {open} open pipeline closing by {day} for {left} left "
                "of the {target} target",
                coverage=coverage_text(language, forecast.coverage),
                open=money(forecast.open),
                day=by,
                left=money(forecast.left or Decimal(0)),
                target=money(forecast.target),
            )
        )
    if forecast.slipped:
        lines.append(_slipped_line(language, forecast))
    if forecast.no_close:
        lines.append(
            ngettext(
                language,
                "{n} open deal has no close date, so it is not counted.",
                "{n} open deals have no close date, so they are not counted.",
                forecast.no_close,
            )
        )
    return lines + left_out_lines(language, forecast.left_out, forecast.currency)


def _slipped_line(language: Language, forecast: Forecast) -> str:
    listed = [
        gettext(
            language,
            "`#{id}` {name} ({amount}, due {day})",
            id=deal.deal_id,
            name=escape(deal.name)[:80],
            amount=format_money(language, deal.amount, deal.currency),
            day=day(deal.close, language),
        )
        for deal in forecast.slipped[:SLIPPED_LISTED]
    ]
    more = len(forecast.slipped) - SLIPPED_LISTED
    if more > 0:
        listed.append(gettext(language, "…and {count} more slipped deals", count=more))
    head = ngettext(
        language,
        ":hourglass: {n} slipped deal ({amount}): its close date has passed while it is "
        "still open, so it is not counted above.",
        ":hourglass: {n} slipped deals ({amount}): their close dates have passed while "
        "they are still open, so they are not counted above.",
        len(forecast.slipped),
        amount=format_money(language, forecast.slipped_total, forecast.currency),
    )
    return head + "\n" + "\n".join(f"• {line}" for line in listed)


def forecast_blocks(language: Language, forecasts: list[Forecast]) -> list[Block]:
    """One section per period, for a person's own forecast (pacing DM, Home)."""
    return [
        section(f"*{forecast_title(language, f)}*\n" + "\n".join(forecast_lines(language, f)))
        for f in forecasts
    ]


def team_forecast_lines(language: Language, forecast: TeamForecast) -> list[str]:
    """The team's figures for each period, then a line per rep for the first."""
    lines: list[str] = []
    for index, total in enumerate(forecast.team):
        if index:
            lines.append(f"*{forecast_title(language, total)}*")
        lines += forecast_lines(language, total)
    lines += [rep_forecast_line(language, rep) for rep in forecast.reps]
    return lines


def rep_forecast_line(language: Language, rep: RepForecast) -> str:
    """`• @rita · won $10,000 · commit $50,000 · best case $0 · weighted $32,000 · coverage
    1.5x · 1 slipped`."""
    forecast = rep.forecast
    parts = [
        gettext(
            language,
            "{who} · won {won} · commit {commit} · best case {best_case} · weighted {weighted}",
            who=user(rep.slack_user_id),
            **_figures(language, forecast),
        )
    ]
    if forecast.coverage is not None:
        parts.append(
            gettext(
                language, "coverage {coverage}", coverage=coverage_text(language, forecast.coverage)
            )
        )
    if forecast.slipped:
        parts.append(ngettext(language, "{n} slipped", "{n} slipped", len(forecast.slipped)))
    if forecast.left_out:
        # L10N: beside a rep's forecast when some amount had no exchange rate.
        parts.append(gettext(language, "some amounts not counted (no rate)"))
    return "• " + " · ".join(parts)

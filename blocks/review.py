"""The weekly review's figures worded so they say what they count."""

from __future__ import annotations

from blocks.deals import stage_label, stage_name
from sales.kpis import RepConversion, percent, under_a_day
from translations import Language, gettext, ngettext


def cycle_text(language: Language, days: float | None) -> str:
    """`12.5 days`, `under a day` (never `0.0 days`), or a dash when nothing was won."""
    if days is None:
        return "—"
    if under_a_day(days):
        return gettext(language, "under a day")
    return gettext(language, "{days} days", days=f"{days:.1f}")


def funnel_title(language: Language) -> str:
    return gettext(language, "*Funnel* (deals that reached this stage or a later one)")


def conversion_line(
    language: Language, before: str, after: str, rate: float | None, skipped: int
) -> str:
    """One step's conversion, saying how many deals skipped the step's first stage (they
    are counted there because they reached a later one)."""
    line = f"• {stage_label(before, language)} → {stage_label(after, language)}: {percent(rate)}"
    if not skipped:
        return line
    note = ngettext(
        language,
        "{n} deal skipped {stage}",
        "{n} deals skipped {stage}",
        skipped,
        stage=stage_name(before, language),
    )
    return f"{line} _({note})_"


def rep_conversion_line(language: Language, mention: str, rep: RepConversion) -> str:
    """`@rita: 1 won of 2 closed (50%); 1 still open`."""
    closed = ngettext(
        language,
        "{who}: {won} won of {n} closed proposal ({rate})",
        "{who}: {won} won of {n} closed proposals ({rate})",
        rep.closed,
        who=mention,
        won=rep.wins,
        rate=percent(rep.rate),
    )
    if not rep.open:
        return f"• {closed}"
    still = ngettext(language, "{n} still open", "{n} still open", rep.open)
    return f"• {closed}; {still}"


def conversion_basis(language: Language) -> str:
    return gettext(
        language,
        "Proposal-to-win counts closed proposals only: won / (won + lost). Open ones are "
        "shown apart.",
    )

"""Money that a total could not count, said beside the total with the fix."""

from __future__ import annotations

from decimal import Decimal

from sales.fx import Converted, suggested_rate
from translations import Language, gettext
from translations.formats import format_money, format_totals


def converted_text(language: Language, total: Converted) -> str:
    """The total in its one currency; what had no rate is said by `left_out_lines`."""
    return format_money(language, total.total, total.currency)


def subtotal_text(language: Language, total: Converted) -> str:
    """A part of a total whose left-out lines are said once, beside the whole:
    `$28,000`, or `$28,000 (€10,000 not counted)` when part of it had no rate."""
    shown = converted_text(language, total)
    if not total.left_out:
        return shown
    return gettext(
        language,
        "{total} ({amount} not counted)",
        total=shown,
        amount=format_totals(language, total.left_out),
    )


def left_out_lines(
    language: Language, left_out: dict[str, Decimal], currency: str | None
) -> list[str]:
    """`¥120,000 not counted: no CNY→USD rate. An admin can add one: /fx CNY USD 0.138`,
    one line per currency with no rate."""
    if not currency:
        return []
    return [
        gettext(
            language,
            "{amount} not counted: no {source}→{target} rate. An admin can add one: {fix}",
            amount=format_money(language, amount, source),
            source=source,
            target=currency,
            fix=f"`/fx {source} {currency} {suggested_rate(source, currency)}`",
        )
        for source, amount in left_out.items()
        if amount
    ]

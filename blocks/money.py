"""Money that a total could not count, said beside the total with the fix."""

from __future__ import annotations

from decimal import Decimal

from sales.fx import suggested_rate
from translations import Language, gettext
from translations.formats import format_money


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

"""The README's example charts, drawn by the same code the bot uses.

    python -m charts.examples [output folder]   # default: docs/images

Writes burn-up-example.png and funnel-example.png. The numbers are made up but fixed, so the
pictures only change when the charts' code does.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from charts.burn_up import BurnUp, burn_up_from, burn_up_png
from charts.funnel import Funnel, funnel_png
from sales.periods import month
from sales.workdays import calendar_for

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "docs" / "images"


def example_burn_up() -> BurnUp:
    """Team East's November 2026 revenue, seen on Wednesday the 18th (US holidays)."""
    november = month(2026, 11)
    calendar = calendar_for("US")
    today = date(2026, 11, 18)
    rng = random.Random(2026)
    achieved = {
        day: Decimal(rng.choice((0, 3200, 4800, 6100, 7400, 9300)))
        for day in calendar.working_days(november.start, today)
    }
    return burn_up_from(
        achieved,
        november.start,
        november.end,
        today,
        Decimal("120000"),
        calendar,
        title="Team East revenue",
        unit="USD",
        period_label="November 2026",
    )


def example_funnel() -> Funnel:
    return Funnel(
        title="Team East funnel",
        period_label="last 4 weeks",
        stages=[
            ("Lead", 148),
            ("Qualified", 96),
            ("Contacted", 71),
            ("Proposal", 38),
            ("Negotiation", 22),
            ("Won", 13),
        ],
    )


def write_examples(folder: Path = DEFAULT_FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in (
        ("burn-up-example.png", burn_up_png(example_burn_up())),
        ("funnel-example.png", funnel_png(example_funnel())),
    ):
        path = folder / name
        path.write_bytes(png)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    for path in write_examples(folder):
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""CPU time of drawing one chart, each kind in English and Chinese.

    .venv/bin/python -m benchmarks.charts [--repeat 30]

Draws the README's example burn-up and funnel (`charts.examples`) and a Chinese copy of
each, once to warm up (fonts load, the first figure is built), then `--repeat` times, and
prints the median and worst CPU time (`time.process_time`) of one PNG, with its size.

The "varied" rows draw a different chart each time (other titles, amounts and stages, as
a weekly review's teams would be), so nothing is the same as the chart before it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from itertools import cycle

from charts import BurnUp, Funnel, burn_up_png, funnel_png
from charts.examples import example_burn_up, example_funnel
from translations import CHINESE


def cpu_per_chart(draw: Callable[[], bytes], repeat: int) -> tuple[float, float, int]:
    """Median and worst CPU seconds of one drawing, and the PNG's size in bytes."""
    png = draw()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.process_time()
        draw()
        times.append(time.process_time() - started)
    return statistics.median(times), max(times), len(png)


def varied_burn_ups(example: BurnUp, count: int = 12) -> list[BurnUp]:
    """The example for `count` teams, each with its own name and amounts."""
    charts = []
    for n in range(count):
        scale = Decimal(1 + n * 7) / 3
        charts.append(
            replace(
                example,
                title=f"Team {n + 1} revenue",
                actual=[None if value is None else value * scale for value in example.actual],
                expected=[value * scale for value in example.expected],
                target=example.target * scale,
            )
        )
    return charts


def varied_funnels(example: Funnel, count: int = 12) -> list[Funnel]:
    return [
        replace(
            example,
            title=f"Team {n + 1} funnel",
            stages=[(label, deals * (n + 3) // 3) for label, deals in example.stages[: 3 + n % 4]],
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    burn_up, funnel = example_burn_up(), example_funnel()
    chinese_burn_up = replace(burn_up, title="华东团队 销售额", language=CHINESE)
    chinese_funnel = replace(funnel, title="华东团队 销售漏斗", language=CHINESE)
    kinds: list[tuple[str, Callable[[], bytes]]] = [
        ("burn-up, en", lambda: burn_up_png(burn_up)),
        ("burn-up, zh", lambda: burn_up_png(chinese_burn_up)),
        ("funnel, en", lambda: funnel_png(funnel)),
        ("funnel, zh", lambda: funnel_png(chinese_funnel)),
    ]
    burn_ups, funnels = cycle(varied_burn_ups(burn_up)), cycle(varied_funnels(funnel))
    kinds += [
        ("burn-up, en, varied", lambda: burn_up_png(next(burn_ups))),
        ("funnel, en, varied", lambda: funnel_png(next(funnels))),
    ]
    print("| chart | CPU ms, median | CPU ms, worst | PNG KB |")
    print("|---|---|---|---|")
    for label, draw in kinds:
        median, worst, size = cpu_per_chart(draw, args.repeat)
        print(f"| {label} | {median * 1000:.0f} | {worst * 1000:.0f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()

"""Charts as PNG bytes for Slack: pure rendering with matplotlib (Agg), no Slack, no database.

- `burn_up_png(BurnUp)`: cumulative actual against the target and the pro-rated path.
- `funnel_png(Funnel)`: deals reaching each funnel stage and stage-to-stage conversion.
- `burn_up_from(...)`: a `BurnUp` from per-day results, pro-rated the way pacing does.

The `*_png` functions draw on figures the process keeps for the next chart of the same kind
(`theme.Pool`); the `*_figure` functions return a Figure of the caller's own instead (tests
read titles and labels from it). The `*_alt_text` functions describe a chart in one sentence
for screen readers, from its data.
"""

from charts.burn_up import BurnUp, burn_up_figure, burn_up_from, burn_up_png
from charts.burn_up import alt_text as burn_up_alt_text
from charts.funnel import Funnel, funnel_figure, funnel_png
from charts.funnel import alt_text as funnel_alt_text
from charts.theme import MAX_PNG_BYTES

__all__ = [
    "MAX_PNG_BYTES",
    "BurnUp",
    "Funnel",
    "burn_up_alt_text",
    "burn_up_figure",
    "burn_up_from",
    "burn_up_png",
    "funnel_alt_text",
    "funnel_figure",
    "funnel_png",
]

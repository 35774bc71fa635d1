"""Reading what a chart figure says, for assertions."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.text import Text

# A funnel's stages in Chinese, as the bot labels them, with the README example's counts.
STAGES_ZH = [
    ("线索", 148),
    ("已筛选", 96),
    ("已接触", 71),
    ("方案", 38),
    ("谈判", 22),
    ("赢单", 13),
]


def texts(fig: Figure) -> list[str]:
    """Every non-empty text drawn on the figure (titles, labels, legend, annotations)."""
    fig.canvas.draw()  # tick labels only exist once drawn
    found = [text.get_text() for text in fig.findobj(Text)]
    # Tick labels escape "$" so mathtext leaves it alone; it is drawn as a plain "$".
    return [text.replace("\\$", "$") for text in found if text]


def tick_labels(fig: Figure, axis: str) -> list[str]:
    """The tick labels shown on the first axes' `axis` ("x" or "y"), in order."""
    fig.canvas.draw()
    ax = fig.axes[0]
    along = ax.yaxis if axis == "y" else ax.xaxis
    low, high = sorted(along.get_view_interval())
    return [
        tick.label1.get_text().replace("\\$", "$")
        for tick in along.get_major_ticks()
        if low <= tick.get_loc() <= high and tick.label1.get_text()
    ]


def legend_texts(fig: Figure) -> list[str]:
    return [text.get_text() for legend in fig.legends for text in legend.get_texts()]

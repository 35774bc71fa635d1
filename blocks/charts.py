"""The button that sends a person charts of their own numbers."""

from __future__ import annotations

from typing import Any

from blocks.common import button

SHOW_CHARTS = "show_charts"


def chart_button(source: str) -> dict[str, Any]:
    return button(":bar_chart: Chart", SHOW_CHARTS, source)

"""The button that sends a person charts of their own numbers."""

from __future__ import annotations

from typing import Any

from blocks.common import button
from translations import ENGLISH, Language, gettext

SHOW_CHARTS = "show_charts"


def chart_button(source: str, language: Language = ENGLISH) -> dict[str, Any]:
    # L10N: button, at most 75 characters
    return button(gettext(language, ":bar_chart: Chart"), SHOW_CHARTS, source)

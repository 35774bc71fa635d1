"""Small helpers shared by the parsers. Private to the `parsing` package."""

from __future__ import annotations

# Long pastes would otherwise flood the Slack reply that quotes them back.
_QUOTE_LIMIT = 60


def squash_spaces(text: str) -> str:
    """`text` stripped, with every run of whitespace (newlines, tabs, ...) turned into one space."""
    return " ".join(text.split())


def quoted(text: str) -> str:
    """`text` as it should appear inside an error message: one line, short, in curly quotes."""
    shown = squash_spaces(text)
    if len(shown) > _QUOTE_LIMIT:
        shown = shown[: _QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{shown}”"


# The full-width forms Chinese keyboards type by default, read as the half-width ones.
_HALF_WIDTH = str.maketrans("：；，（）＃＠", ":;,()#@")


def fold_punctuation(text: str) -> str:
    """`text` with full-width `：；，（）＃＠` turned into `:;,()#@` (same length, same places)."""
    return text.translate(_HALF_WIDTH)

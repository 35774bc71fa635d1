"""Whether a new deal is probably one already open: the same customer and a similar title."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

# How alike two titles must be (difflib's ratio of matching characters) to ask first.
SIMILAR_RATIO = 0.8


def title_key(title: str) -> str:
    """The title's letters and digits, case folded: "Renewal-2027 " is "renewal2027"."""
    return "".join(char for char in title.casefold() if unicodedata.category(char)[0] in "LN")


def similar_titles(first: str, second: str) -> bool:
    """The same title but for case, spacing and punctuation; one within the other when it
    is at least half of it ("外卖系统" and "外卖系统二期"); or mostly the same characters."""
    a, b = title_key(first), title_key(second)
    if not a or not b or a == b:
        return a == b
    shorter, longer = sorted((a, b), key=len)
    if shorter in longer and 2 * len(shorter) >= len(longer):
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR_RATIO

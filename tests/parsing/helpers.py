"""Shared test helpers for the parsers."""

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

from parsing.dates import EARLIEST_DATE, LATEST_DATE
from parsing.errors import ParseError
from parsing.text import match_key

T = TypeVar("T")


def result_or_error(parse: Callable[..., T], *args: Any) -> T | ParseError:
    """What `parse(*args)` returned, or the ParseError it raised; any other exception escapes."""
    try:
        return parse(*args)
    except ParseError as error:
        return error


# Dates the parsers accept; others are refused as too far away (tested in test_dates).
SENSIBLE_DATES = st.dates(EARLIEST_DATE, LATEST_DATE)


def fits(limit: int) -> Callable[[str], bool]:
    """Whether a name fits `limit` characters as it is stored and compared (ß is ss)."""
    return lambda name: len(match_key(name)) <= limit


def slack_escaped(text: str) -> str:
    """What Slack sends for `text` typed into a command with `should_escape: true`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

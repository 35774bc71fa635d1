"""Shared test helpers for the parsers."""

from collections.abc import Callable
from typing import Any, TypeVar

from parsing.errors import ParseError

T = TypeVar("T")


def result_or_error(parse: Callable[..., T], *args: Any) -> T | ParseError:
    """What `parse(*args)` returned, or the ParseError it raised; any other exception escapes."""
    try:
        return parse(*args)
    except ParseError as error:
        return error

"""Reading what people typed: slash-command text and modal values (view.state.values)."""

from __future__ import annotations

from datetime import date
from typing import Any

Values = dict[str, Any]


def command_text(command: dict[str, Any]) -> str:
    """The text after the command, as the person typed it.

    Slack escapes &, < and > in slash-command text; the parsers want the characters back.
    """
    text = str(command.get("text", ""))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _element(values: Values, block_id: str) -> dict[str, Any]:
    # Every input in our modals uses the same id for its block and its element.
    return values.get(block_id, {}).get(block_id, {})


def typed(values: Values, block_id: str) -> str | None:
    value = (_element(values, block_id).get("value") or "").strip()
    return value or None


def picked_date(values: Values, block_id: str) -> date | None:
    picked = _element(values, block_id).get("selected_date")
    return date.fromisoformat(picked) if picked else None


def selected_value(values: Values, block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option") or {}
    return option.get("value")


CUSTOMER_MISSING = "Choose a customer, or type a new name and pick “New customer”."


def selected_customer(values: Values, block_id: str) -> str | None:
    name = (selected_value(values, block_id) or "").strip()
    return name or None


def checked(values: Values, block_id: str) -> set[str]:
    options = _element(values, block_id).get("selected_options") or []
    return {option["value"] for option in options}

"""Reading messages the way a person does: the words on screen and the buttons offered."""

from __future__ import annotations

from typing import Any

from blocks.common import readable_text


def text_of(message: dict[str, Any]) -> str:
    """Every text a person reads in a message or view, flattened into lines."""
    return readable_text(message)


def action_ids(message: dict[str, Any]) -> list[str]:
    """The action_id of every button and menu, in order."""
    return [
        element["action_id"]
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in message.get("blocks", []):
        if block.get("type") == "actions":
            for item in block["elements"]:
                if item["action_id"] == action_id:
                    return item
    raise AssertionError(f"no element {action_id!r} in the message")

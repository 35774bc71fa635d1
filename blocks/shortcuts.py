"""What Slack's shortcuts open: the visit form with a message's text as its notes."""

from __future__ import annotations

import copy
from typing import Any

from blocks.common import truncate

LOG_MESSAGE_AS_VISIT = "log_message_as_visit"
LOG_A_VISIT = "log_a_visit"
NEW_DEAL = "new_deal"
MAX_NOTES_CHARS = 3000  # the visit form's notes field


def with_notes(visit_form: dict[str, Any], notes: str) -> dict[str, Any]:
    """The visit form with its notes filled in (the form itself stays as blocks/visits.py
    builds it)."""
    view = copy.deepcopy(visit_form)
    text = truncate(notes.strip(), MAX_NOTES_CHARS)
    for block in view["blocks"]:
        if block.get("block_id") == "notes" and text:
            block["element"]["initial_value"] = text
    return view

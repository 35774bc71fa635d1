"""Building blocks shared by every message and modal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from parsing.errors import ParseError
from translations import ENGLISH, Language, gettext
from translations.formats import format_day

Block = dict[str, Any]
Message = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50


def escape(text: str) -> str:
    """Make user text safe inside mrkdwn (Slack reads &, < and > as markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}, **extra}


def fields_section(fields: list[str]) -> Block:
    # A section holds at most 10 fields of at most 2000 characters each.
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": truncate(field, 2000)} for field in fields[:10]],
    }


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(text, 3000)} for text in texts[:10]],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, 150))}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str,
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(truncate(text, 75)),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm_dialog(
    title: str, text: str, yes: str, no: str | None = None, *, language: Language = ENGLISH
) -> dict[str, Any]:
    return {
        "title": plain(title),
        "text": {"type": "mrkdwn", "text": text},
        "confirm": plain(yes),
        # L10N: the button that closes a confirmation dialog, at most 30 characters.
        "deny": plain(no if no is not None else gettext(language, "Cancel")),
        "style": "danger",
    }


def actions(block_id: str, *elements: dict[str, Any]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def message(text: str, blocks: list[Block]) -> Message:
    """A message: `text` is the notification and screen-reader fallback."""
    return {"text": truncate(text, 3000), "blocks": blocks[:MESSAGE_BLOCK_LIMIT]}


def problem(message_text: str, example: str | None = None, language: Language = ENGLISH) -> Message:
    """A friendly complaint about what someone typed, with a correct example to copy."""
    lines = [f":warning: {escape(message_text)}"]
    if example:
        lines.append(gettext(language, "Try: `{example}`", example=escape(example)))
    return message(message_text, [section("\n".join(lines))])


def parse_problem(error: ParseError, language: Language) -> Message:
    """What was wrong with what the person typed, and an example, in their language."""
    return problem(error.message_in(language), error.example_in(language), language)


def notice(text: str) -> Message:
    return message(text, [section(text)])


def delayed_reply(answer: Message, asked_at: datetime, language: Language = ENGLISH) -> Message:
    """A reply sent by DM because its request waited too long for Slack's response_url
    (the bot was down or busy): say so above the reply itself."""
    note = context(
        gettext(
            language,
            ":hourglass: Sorry for the delay: this answers what you asked on {when}.",
            when=moment(asked_at),
        )
    )
    blocks = [note, *answer.get("blocks", [])][:MESSAGE_BLOCK_LIMIT]
    return message(gettext(language, "(Delayed) {text}", text=answer.get("text", "")), blocks)


def readable_text(payload: dict[str, Any]) -> str:
    """Every text a person reads in a message or view, one per line: fallback text,
    title, then the blocks' texts in order."""
    parts: list[str] = [payload["text"]] if isinstance(payload.get("text"), str) else []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload.get("title", {}))
    walk(payload.get("blocks", []))
    return "\n".join(parts)


def day(value: date, language: Language = ENGLISH) -> str:
    """`Fri 27 Nov 2026`, `2026年11月27日 周五`: unambiguous wherever the reader lives."""
    return format_day(language, value)


def moment(value: datetime) -> str:
    # Slack renders <!date…> in each reader's own time zone.
    fallback = f"{value:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(value.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def user(slack_user_id: str) -> str:
    return f"<@{slack_user_id}>"


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def text_input(
    action_id: str, initial: str | None, *, multiline: bool = False, max_length: int
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial
    return element


def date_input(action_id: str, initial: date | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id}
    if initial:
        element["initial_date"] = initial.isoformat()
    return element

"""Reading what people typed: slash-command text and modal values (view.state.values)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from blocks.common import problem
from parsing.dates import date_in_range, out_of_range_message
from parsing.deal_command import MAX_CUSTOMER_CHARS
from parsing.text import clean_text, name_too_long
from runtime.readers import reader_language
from translations import Language, Text, marked, msg, render

Values = dict[str, Any]
log = logging.getLogger(__name__)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
    """The date picked; the middleware has refused malformed ones before any listener."""
    picked = _element(values, block_id).get("selected_date")
    return _iso_date(picked) if picked else None


def selected_value(values: Values, block_id: str) -> str | None:
    option = _element(values, block_id).get("selected_option") or {}
    return option.get("value")


def selected_user(values: Values, block_id: str) -> str | None:
    """The Slack user id picked in a users_select."""
    user = _element(values, block_id).get("selected_user")
    return str(user) if user else None


CUSTOMER_MISSING = marked("Choose a customer, or type a new name and pick “New customer”.")


def selected_customer(values: Values, block_id: str) -> str | None:
    name = (selected_value(values, block_id) or "").strip()
    return name or None


def checked(values: Values, block_id: str) -> set[str]:
    options = _element(values, block_id).get("selected_options") or []
    return {option["value"] for option in options}


# ---------------------------------------------------------------------- hostile input

# Slack's own ceiling for a plain-text input; a field without a max_length gets this one.
MAX_INPUT_CHARS = 3000
MAX_ID = 2**63 - 1  # the largest id a database integer column holds
DATE_EXAMPLE = "2026-12-15"


STALE_BUTTON = marked("That button is out of date. Run the command again for a fresh one.")


class MalformedRequest(ValueError):
    """A button or form value the bot never made (a stale or forged payload)."""

    def __init__(self, message: Text | str) -> None:
        super().__init__(str(message))
        self.message = message


def whole_id(value: object) -> int:
    """The record id a button carries, e.g. "12"; MalformedRequest when it is not one."""
    text = str(value if value is not None else "")
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_ID:
        return int(text)
    raise MalformedRequest(msg(STALE_BUTTON))


class CleanPayload(Middleware):
    """Global middleware: every string in the payload without control characters.

    Runs before any listener, so no lookup or write ever sees a NUL byte or a lone surrogate
    (PostgreSQL refuses both, even in a read-only query). A `Middleware` rather than a
    function, which Bolt would call through its argument injection on every request.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.body = cleaned(req.body)
        for key, value in list(req.context.items()):
            if isinstance(value, str):
                req.context[key] = clean_text(value)
        return next()


class RefuseMalformedValues(Middleware):
    """A global middleware: form fields over their length, and dates that are not dates,
    are refused with a message under the field (forms) or an ephemeral reply (buttons)
    before any listener runs, so no listener ever has to survive them."""

    def __init__(self, app: App) -> None:
        self.app = app

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("type") == "view_submission":
            errors = form_errors(
                body.get("view") or {}, lambda: reader_language(req.context.user_id)
            )
            if errors:
                return BoltResponse(
                    status=200,
                    body=json.dumps({"response_action": "errors", "errors": errors}),
                    headers={"content-type": ["application/json;charset=utf-8"]},
                )
        elif body.get("type") == "block_actions":
            refusal = next_problem(_picked_dates(body.get("actions") or []))
            if refusal is not None:
                # Answered on the listeners' pool, after the ack, like every listener's reply.
                language = reader_language(req.context.user_id)
                answer = problem(render(language, refusal), DATE_EXAMPLE, language)
                self.app.listener_runner.listener_executor.submit(_tell, req, answer)
                return BoltResponse(status=200, body="")
        return next()


def _tell(req: BoltRequest, answer: dict[str, Any]) -> None:
    try:
        # The inbox's ReplyChannel: at the response_url, or by DM for a press in a view.
        req.context["respond"](response_type="ephemeral", **answer)
    except Exception:
        log.exception("could not tell the person why their press was refused")


def form_errors(
    view: dict[str, Any], language_of: Callable[[], Language] = lambda: "en"
) -> dict[str, str]:
    """What to show under each field of a submitted form whose value can't be taken, in the
    language `language_of` gives (asked only when there is something to show)."""
    elements = dict(_input_elements(view))
    values = ((view.get("state") or {}).get("values")) or {}
    errors: dict[str, Text] = {}
    for block_id, actions in values.items():
        for state in (actions or {}).values():
            error = _field_error(state, elements.get(block_id, {}))
            if error is not None:
                errors[block_id] = error
    if not errors:
        return {}
    language = language_of()
    return {block_id: error.render(language) for block_id, error in errors.items()}


def next_problem(problems: Iterable[Text | None]) -> Text | None:
    return next((found for found in problems if found is not None), None)


def _field_error(state: Any, element: dict[str, Any]) -> Text | None:
    if not isinstance(state, dict):
        return msg("Fill this in again.")
    if "value" in state and state["value"] is not None:
        value = state["value"]
        if not isinstance(value, str):
            return msg("Type this again.")
        declared = element.get("max_length")
        limit = min(declared, MAX_INPUT_CHARS) if isinstance(declared, int) else MAX_INPUT_CHARS
        if len(value) > limit:
            return msg(
                "Keep this to {limit} characters or fewer; it has {length}.",
                limit=f"{limit:,}",
                length=f"{len(value):,}",
            )
    if "selected_date" in state:
        return _date_problem(state["selected_date"])
    option = state.get("selected_option")
    options = state.get("selected_options")
    if not (option is None or _is_option(option)) or not (
        options is None or (isinstance(options, list) and all(map(_is_option, options)))
    ):
        return msg("Choose this again.")
    if isinstance(option, dict) and state.get("type") == "external_select":
        return name_too_long(
            msg("The customer's name"), str(option.get("value", "")), MAX_CUSTOMER_CHARS
        )
    return None


def _is_option(option: object) -> bool:
    return isinstance(option, dict) and isinstance(option.get("value"), str)


def _picked_dates(actions: list[Any]) -> Iterator[Text | None]:
    for action in actions:
        if isinstance(action, dict) and "selected_date" in action:
            yield _date_problem(action["selected_date"])


def _date_problem(picked: object) -> Text | None:
    if picked is None:
        return None
    day = _iso_date(picked)
    if day is None:
        return msg("Pick a date from the calendar, like {example}.", example=DATE_EXAMPLE)
    return None if date_in_range(day) else out_of_range_message(day)


def _iso_date(picked: object) -> date | None:
    if not isinstance(picked, str) or not _ISO_DATE.fullmatch(picked):
        return None
    try:
        return date.fromisoformat(picked)
    except ValueError:
        return None


def _input_elements(view: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and isinstance(block.get("element"), dict):
            yield str(block.get("block_id")), block["element"]


def cleaned(value: Any) -> Any:
    """`value` (a payload, a string, a list…) with every string in it cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {cleaned(key): cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    return value

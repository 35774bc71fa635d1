"""How listeners answer: ephemeral replies through response_url, or a DM when there is none,
recorded in the reply outbox and sent by runtime/outbox.py; and how they ack (see
runtime/inbox.py: a plain `ack()` is durable)."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from blocks.common import Message, notice, problem
from handlers.inputs import MalformedRequest
from runtime.inbox import AcceptedForLater, DurableAck, ReplyChannel
from runtime.metrics import LISTENER_FAILURES
from runtime.readers import reader_language
from store.guard import Refusal, TextRefused
from translations import Language, Text, gettext, marked, msg, render

log = logging.getLogger(__name__)
Listener = TypeVar("Listener", bound=Callable[..., Any])
# How people know the columns they type into (the store names them by table and column).
_COLUMN_LABELS = {
    ("customers", "name"): marked("The customer's name"),
    ("customers", "name_key"): marked("The customer's name"),
    ("teams", "name"): marked("The team's name"),
    ("teams", "name_key"): marked("The team's name"),
    ("deals", "title"): marked("The deal's title"),
    ("visits", "outcome"): marked("The outcome"),
    ("cases", "title"): marked("The case's title"),
    ("cases", "tags"): marked("The tags"),
    ("people", "display_name"): marked("The Slack display name"),
}
SORRY = marked(
    ":face_with_head_bandage: Sorry, something went wrong on our side and nothing was saved. "
    "Please try again in a moment; if it keeps happening, tell your Slack admin."
)


BeforeAck = Callable[[dict[str, Any]], bool]
"""A command's rule: whether this request (the payload as listeners see it) has work to do
before its ack, such as opening a modal with the trigger. Where it has none, the listener's
first act is a plain `ack()`, so a web process's front door records and acks the request
without running the listener (runtime/front_door.py); a worker runs it all."""


def nothing_before_ack(command: dict[str, Any]) -> bool:
    """The rule of a command whose listener always acks first."""
    return False


def ack_now(ack: Ack) -> None:
    """Ack without recording the request: for a listener that answers in full before its
    ack returns (opening a modal with the trigger, a read-only refusal). What follows runs
    in this process, before Slack sees the ack: it must be fast, never ask Slack for a
    profile (`People.actor_now`, not `actor_for`), and make no change the person asked for."""
    if isinstance(ack, DurableAck):
        ack.now()
    else:
        ack()


def press_key(body: dict[str, Any], action: dict[str, Any]) -> str:
    """The once-only key of a button press or menu choice: Slack redelivers the same press
    with the same `action_ts`, and never two people's presses with one."""
    return f"action:{body['user']['id']}:{action.get('action_ts', '')}"


def reply(respond: Respond, answer: Message, *, replace: bool = False) -> None:
    """An ephemeral answer that only the person who asked can see."""
    respond(response_type="ephemeral", replace_original=replace, **answer)


def reply_later(
    respond: Respond, response_url: str | None, answer: Message, *, replace: bool = False
) -> None:
    """Answer after a modal closed: at the command's response_url (kept in the modal) while
    it is valid, else by DM. Recorded like every reply (runtime/outbox.py sends it)."""
    if not isinstance(respond, ReplyChannel):
        raise TypeError("listeners answer through the inbox's ReplyChannel")
    respond.send_to(
        response_url, {"response_type": "ephemeral", "replace_original": replace, **answer}
    )


def apologise(
    error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
) -> None:
    """Tell the person something failed (never how: that goes to the log)."""
    log.error("listener failed: %s", error, exc_info=error)
    LISTENER_FAILURES.inc()
    tell(body, respond, client, notice(gettext(_reader(body), SORRY)))


def refuse(
    refusal: TextRefused | MalformedRequest,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
) -> None:
    """Tell the person what the bot could not take; the transaction has rolled back."""
    said = refused_text(refusal.refusal) if isinstance(refusal, TextRefused) else refusal.message
    log.info("refused a request: %s", said)
    language = _reader(body)
    text = gettext(language, "{refusal} Nothing was saved.", refusal=render(language, said))
    tell(body, respond, client, problem(text, language=language))


def refused_text(refusal: Refusal) -> Text:
    """What the store refused, as the person knows the field: `The customer's name is too
    long to save: ...`, to render in their language."""
    known = _COLUMN_LABELS.get((refusal.table, refusal.column))
    label = (
        msg(known)
        if known is not None
        else msg("{column} of {table}", column=refusal.column, table=refusal.table)
    )
    if refusal.reason == "unsafe":
        return msg("{label} has control characters that can't be saved.", label=label)
    return msg(
        "{label} is too long to save: at most {limit} characters, and this is {length}.",
        label=label,
        limit=refusal.limit,
        length=refusal.length,
    )


def _reader(body: dict[str, Any]) -> Language:
    return reader_language(_user_id(body))


def _user_id(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


def tell(body: dict[str, Any], respond: Respond | None, client: WebClient, answer: Message) -> None:
    """An ephemeral answer where the payload allows one, else a DM; never raises."""
    try:
        if isinstance(respond, ReplyChannel):  # falls back to a DM itself
            reply(respond, answer)
        elif (user_id := _user_id(body)) is not None:  # outside the inbox (Bolt's own errors)
            client.chat_postMessage(channel=user_id, **answer)
    except Exception:
        log.exception("could not tell the person")


def guarded(listener: Listener) -> Listener:
    """Turn a listener's failure into an apology instead of an exception for Bolt.

    Bolt 1.30 drops an already-sent ack when a listener raises right after acking, so the
    request would end in a 3-second timeout; listeners therefore never raise. A guarded
    listener takes `body`, `client` and `respond`, which Bolt passes by name. A web
    process's durable `ack()` stops the listener once the request is recorded; a worker
    runs the rest (runtime/inbox.py).
    """
    missing = {"body", "client", "respond"} - set(inspect.getfullargspec(listener).args)
    if missing:
        raise TypeError(f"{listener.__name__} must take {', '.join(sorted(missing))}")

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        try:
            return listener(**kwargs)
        except AcceptedForLater:
            return None
        except (TextRefused, MalformedRequest) as refusal:
            ack = kwargs.get("ack")
            if isinstance(ack, Ack) and ack.response is None:
                ack_now(ack)
            refuse(refusal, kwargs["body"], kwargs["respond"], kwargs["client"])
            return None
        except Exception as error:
            ack = kwargs.get("ack")
            if isinstance(ack, Ack) and ack.response is None:
                ack_now(ack)  # Slack gets its answer; the apology follows
            apologise(error, kwargs["body"], kwargs["respond"], kwargs["client"])
            return None

    return run  # type: ignore[return-value]

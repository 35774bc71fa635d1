"""Accept = durable: a request is recorded in the inbox before Slack gets its ack.

Every listener's `ack` is a `DurableAck`. In a web process a plain `ack()` records the
request (and commits), sends the real ack, and stops the listener (`AcceptedForLater`):
what follows `ack()` runs in a worker, which replays the recorded body through the same
listeners with an `ack` that does nothing. An ack with content (`response_action` errors,
options) answers Slack straight away and records nothing. Work that must happen before
the ack (opening a modal with the trigger, which expires in three seconds) runs before
`ack()`, or calls `ack.now()` to answer at once without recording anything.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse, Respond
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from runtime.metrics import ACK_SECONDS, REQUESTS
from sales.localtime import utc_now
from store import inbox, replies
from store.db import Database

log = logging.getLogger(__name__)
# The most rows one inbox statement writes, and how many statements the request that
# writes them writes before handing over: its own ack waits for them.
MAX_BATCH = 64
LEADER_BATCHES = 4
# How long a request waits at most for the one writing its row.
WRITER_TIMEOUT_SECONDS = 30.0
# Set in the context of a request a worker replays: the Claimed row it came from, and the
# list its answers are kept in until the request is marked done.
REPLAY = "salesbot_inbox_replay"
REPLIES = "salesbot_inbox_replies"
# In English only: it is sent when the database failed, so the reader's language (which is
# stored there) can't be looked up within Slack's three seconds.
NOT_RECORDED = (
    ":face_with_head_bandage: Sorry, the bot could not save your request just now and did "
    "nothing with it. Please try again in a moment."
)


def _taken_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


class AcceptedForLater(BaseException):
    """Raised by a web process's `ack()` once the request is recorded: the rest of the
    listener runs in a worker. A BaseException, so a listener's `except Exception` around
    its own work never swallows it; `guarded` and `SalesbotApp.dispatch` stop it."""


def request_kind(body: dict[str, Any]) -> str:
    """command, action, view, options, event or other: the label for metrics and rows."""
    if "command" in body:
        return "command"
    return {
        "block_actions": "action",
        "interactive_message": "action",
        "view_submission": "view",
        "view_closed": "view",
        "block_suggestion": "options",
        "event_callback": "event",
    }.get(str(body.get("type", "")), "other")


def request_key(body: dict[str, Any]) -> str:
    """What identifies this Slack request, so a redelivery is the same inbox row."""
    kind = request_kind(body)
    if kind == "command" and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    if kind == "action" and body.get("actions"):
        user = (body.get("user") or {}).get("id", "")
        container = body.get("container") or {}
        where = container.get("message_ts") or container.get("view_id") or ""
        return f"action:{user}:{where}:{body['actions'][0].get('action_ts', '')}"
    if kind == "view" and body.get("view"):
        view = body["view"]
        return f"view:{body.get('type')}:{view.get('id')}:{view.get('hash', '')}"
    if kind == "event" and body.get("event_id"):
        return f"event:{body['event_id']}"
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return f"body:{digest}"


def user_of(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id") or body.get("user_id")


class DurableAck(Ack):
    """`ack` in a web process: a plain ack() is recorded before it is sent."""

    def __init__(self, record: Callable[[], None]) -> None:
        super().__init__()
        self._record = record

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if args or any(value is not None and value != "" for value in kwargs.values()):
            return super().__call__(*args, **kwargs)  # an answer in the ack: nothing to do later
        try:
            self._record()
        except Exception:
            log.exception("could not record a request; telling Slack it failed")
            self.response = BoltResponse(status=503, body=NOT_RECORDED)
            raise AcceptedForLater() from None
        super().__call__()
        raise AcceptedForLater()

    def now(self) -> BoltResponse:
        """Ack without recording: the listener answers in full in this process (a modal
        opened with the trigger, a read-only refusal), so there is nothing to replay."""
        return super().__call__()


class ReplayAck(DurableAck):
    """`ack` when a worker replays a recorded request: Slack was answered long ago."""

    def __init__(self) -> None:
        super().__init__(lambda: None)

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        return Ack.__call__(self)

    def now(self) -> BoltResponse:
        return Ack.__call__(self)


class ReplyChannel(Respond):
    """`respond` for every listener: each answer is recorded in the reply outbox, and
    runtime/outbox.py sends it (through response_url while it is valid, else by DM, saying
    when it is late; retried until Slack takes it).

    In a worker's replay the answers are kept (`keep`) and recorded in the transaction
    that marks the request done, so a request replayed after a crash answers once. In a web
    process (a listener answering before its ack) each is recorded at once.
    """

    def __init__(
        self,
        body: dict[str, Any],
        key: Callable[[], str],
        asked_at: Callable[[], datetime],
        keep: Callable[[replies.NewReply], None],
    ) -> None:
        url = body.get("response_url") or (body.get("response_urls") or [{}])[0].get("response_url")
        super().__init__(response_url=url)
        self._user = user_of(body)
        self._key = key  # what names this request's delivery; answers are numbered after it
        self._asked_at = asked_at
        self._keep = keep
        self._count = itertools.count(1)

    def __call__(  # type: ignore[override]
        self, text: str | dict[str, Any] = "", **message: Any
    ) -> WebhookResponse | None:
        answer: dict[str, Any] = dict(text) if isinstance(text, dict) else {"text": text}
        answer.update({name: value for name, value in message.items() if value is not None})
        self.send_to(self.response_url, answer)
        return None

    def send_to(self, response_url: str | None, answer: dict[str, Any]) -> None:
        """Answer at `response_url` (e.g. the command's that opened a modal), else by DM."""
        key = f"{self._key()}:{next(self._count)}"
        self._keep(replies.NewReply(key, self._user, response_url, answer, self._asked_at()))


@dataclass(eq=False)
class _Pending:
    request: inbox.NewRequest
    # Held until the request's row is committed (or failed), or it is to write the rows
    # itself (`lead`): its listener waits on it.
    written: threading.Lock = field(default_factory=_taken_lock)
    error: Exception | None = None
    lead: bool = False


class Inbox:
    """The web side (record, then ack) and the bookkeeping shared with workers."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime] = utc_now,
        on_accepted: Callable[[], None] = lambda: None,
        on_reply: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.clock = clock  # wall-clock time: leases and response_url lifetimes are real
        self.on_accepted = on_accepted  # wakes an in-process worker at once
        self.on_reply = on_reply  # wakes an in-process reply sender
        self._waiting: list[_Pending] = []
        self._arrived = threading.Lock()
        self._leading = False

    def record(self, body: dict[str, Any]) -> None:
        """Commit the request to the inbox; a redelivery finds its row already there.

        Requests arriving together are committed together: the first one to find no
        write under way writes every waiting request's row, in one statement, and goes on
        while more wait (up to `LEADER_BATCHES` statements, then hands over to the oldest
        one waiting). Each waiting request is woken by itself once its row is in. Nothing
        hands the first write to another thread: in a process busy with a burst, a thread
        woken takes milliseconds to get Python's GIL.
        """
        pending = _Pending(inbox.NewRequest(request_key(body), request_kind(body), body))
        with self._arrived:
            self._waiting.append(pending)
            pending.lead = not self._leading
            self._leading = True
        if not pending.lead:
            self._wait_for_row(pending)
        if pending.lead:  # first, or handed over
            self._write_waiting()
        if pending.error is not None:
            raise pending.error
        self.on_accepted()

    def _wait_for_row(self, pending: _Pending) -> None:
        if pending.written.acquire(timeout=WRITER_TIMEOUT_SECONDS):
            return
        with self._arrived:
            # Not yet taken by a writer nor handed the writing: leave the queue, so what
            # Slack is told failed is not written after all.
            gives_up = not pending.lead and any(p is pending for p in self._waiting)
            if gives_up:
                self._waiting = [p for p in self._waiting if p is not pending]
        if gives_up:
            raise TimeoutError("the inbox writer did not answer")
        pending.written.acquire()  # being written, or handed over: soon released

    def _write_waiting(self) -> None:
        for _ in range(LEADER_BATCHES):
            with self._arrived:
                if not self._waiting:
                    self._leading = False
                    return
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            self._write(batch)
        with self._arrived:
            if not self._waiting:
                self._leading = False
                return
            successor = self._waiting[0]
            successor.lead = True
        successor.written.release()  # it writes the rest, itself among them

    def _write(self, batch: list[_Pending]) -> None:
        try:
            inbox.record_accepted(self.db, [pending.request for pending in batch], self.clock())
        except Exception as error:
            for pending in batch:
                pending.error = error
        finally:
            for pending in batch:
                if not pending.lead:  # a writer is not waiting for its row
                    pending.written.release()

    def record_reply(self, reply: replies.NewReply) -> None:
        """An answer given in this web process (before the ack): recorded for a sender."""
        with self.db.transaction() as session:
            replies.record(session, [reply], self.clock())
        self.on_reply()

    def middleware(self, client: WebClient) -> InboxMiddleware:
        return InboxMiddleware(self, client)


class InboxMiddleware(Middleware):
    """Bolt global middleware giving every listener its `ack` and `respond`."""

    def __init__(self, inbox: Inbox, client: WebClient) -> None:
        self.inbox = inbox
        self.client = client

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        claimed: inbox.Claimed | None = req.context.get(REPLAY)
        body = req.body
        if claimed is not None:
            req.context["ack"] = ReplayAck()
            delivery = f"{claimed.key}#{claimed.processed}"
            req.context["respond"] = ReplyChannel(
                body, lambda: delivery, lambda: claimed.accepted_at, req.context[REPLIES].append
            )
            return next()
        if request_kind(body) == "event":
            # Nothing about an event must happen before its ack: record it and answer.
            try:
                self.inbox.record(body)
            except Exception:
                log.exception("could not record an event; Slack will deliver it again")
                return BoltResponse(status=503, body="")
            return BoltResponse(status=200, body="")
        req.context["ack"] = DurableAck(lambda: self.inbox.record(body))
        req.context["respond"] = ReplyChannel(
            body, lambda: f"{request_key(body)}#web", self.inbox.clock, self.inbox.record_reply
        )
        return next()


class BodyMatcher(ListenerMatcher):
    """One of Bolt's built-in matchers (command name, action_id, callback_id…), given the
    body straight away: Bolt would first build every argument a listener could be injected
    with, for each listener it tries, on every request's way to its ack."""

    def __init__(self, func: Callable[..., bool]) -> None:
        self.func = func

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(body=req.body))


class SalesbotApp(App):
    """Bolt's App, measuring each ack, ending a listener stopped by `AcceptedForLater`, and
    matching listeners without Bolt's argument injection."""

    def _register_listener(  # type: ignore[override]
        self, functions: Any, primary_matcher: ListenerMatcher, *args: Any, **kwargs: Any
    ) -> Any:
        if isinstance(primary_matcher, BuiltinListenerMatcher) and primary_matcher.arg_names == [
            "body"
        ]:
            primary_matcher = BodyMatcher(primary_matcher.func)
        return super()._register_listener(functions, primary_matcher, *args, **kwargs)

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        try:
            response = super().dispatch(req)
        except AcceptedForLater:
            # A listener outside `guarded` acked durably; its ack is the answer.
            response = req.context.ack.response or BoltResponse(status=200, body="")
        if REPLAY not in req.context:
            kind = request_kind(req.body) if isinstance(req.body, dict) else "other"
            observe_ack(kind, started, response.status)
        return response


def observe_ack(kind: str, started: float, status: int) -> None:
    """Count an answer to Slack and how long it took since `started` (perf_counter)."""
    ACK_SECONDS.labels(kind).observe(time.perf_counter() - started)
    REQUESTS.labels(kind, str(status)).inc()

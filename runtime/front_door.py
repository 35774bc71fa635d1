"""The web process's front door: verify, record, ack, for requests no listener answers first.

Most requests Slack sends (a `/visit` with its text, an event) need nothing from a listener
before their ack: the listener's first act is a plain `ack()`, which records the request
for a worker and ends the listener there. For those, running Bolt's dispatch (its
middleware, matching the listener, building its arguments) only to reach that `ack()` is
CPU that every other request of a burst waits behind, and so does the inbox write that
must commit before the ack. The front door does the same thing without it: it checks the
signature as Bolt does, parses the body with Bolt's own parser, records the body exactly as
a listener's `ack()` would, and answers 200. A worker replays it through every middleware
and listener as usual.

Anything else (a form submission, a button, a command that opens a modal with its
trigger, a body the rules do not know) goes on to Bolt, unchanged.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from runtime.inbox import NOT_RECORDED, Inbox, observe_ack, request_kind

log = logging.getLogger(__name__)


class FrontDoor:
    """`accept(raw_body, headers)`: the answer for a request it took, or None for Bolt's.

    `acks_first(body)` says whether the request's listener would do nothing but record
    it before its ack (the listeners' own rule, see `handlers.acks_first`).
    """

    def __init__(
        self, inbox: Inbox, signing_secret: str, acks_first: Callable[[dict[str, Any]], bool]
    ) -> None:
        self.inbox = inbox
        self.verifier = SignatureVerifier(signing_secret)
        self.acks_first = acks_first

    def accept(self, raw_body: str, headers: Mapping[str, str]) -> tuple[int, str] | None:
        started = time.perf_counter()
        if not self._signed(raw_body, headers):
            return None  # Bolt refuses it, with its own log line and answer
        try:
            body = parse_body(raw_body, headers.get("content-type"))
        except (ValueError, json.JSONDecodeError):
            return None
        if not isinstance(body, dict) or "ssl_check" in body:
            return None
        kind = request_kind(body)
        if not self._takes(body, kind):
            return None
        try:
            self.inbox.record(body)
        except Exception:
            log.exception("could not record a request; telling Slack it failed")
            observe_ack(kind, started, 503)
            return 503, NOT_RECORDED
        observe_ack(kind, started, 200)
        return 200, ""

    def _signed(self, raw_body: str, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get("x-slack-request-timestamp") or None
        try:
            return self.verifier.is_valid(raw_body, timestamp, headers.get("x-slack-signature"))
        except ValueError:  # a timestamp that is not a number
            return False

    def _takes(self, body: dict[str, Any], kind: str) -> bool:
        if kind == "event":
            return True  # no listener answers an event before its ack (see InboxMiddleware)
        return kind == "command" and self.acks_first(body)

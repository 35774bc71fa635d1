"""Slack's side of Socket Mode, on 127.0.0.1, for end-to-end tests.

``FakeSocketMode`` is a WebSocket server (the ``websockets`` package, threaded) that plays
Slack's Socket Mode endpoint: the fake Web API's ``apps.connections.open`` hands out its
``ws://`` URL (``FakeSlack.use_socket_mode``); on each connection it says ``hello``, then
sends envelopes exactly as Slack does::

    {"envelope_id": "...", "type": "slash_commands" | "interactive" | "events_api",
     "payload": {...}, "accepts_response_payload": true|false, ...}

and records the app's acks (``{"envelope_id": "...", "payload": {...}}``): an ack for an
envelope never sent, or a second ack, is a problem (``problems``). ``drop()`` closes the
socket from the server side (the app notices at its next ping and reconnects);
``refresh()`` sends the ``disconnect`` message Slack sends before it retires a connection.

``SocketModeSender`` is ``SlackSender`` over that socket: the same slash commands, button
presses, form submissions and events, wrapped in envelopes; each call waits for the ack
and answers like HTTP would (200 with the ack's payload, or 504 when no ack came in 3 s).
With no live connection to send on (the app died or has not reconnected), it raises
``NotConnected``, a ``ConnectionError`` like the one an HTTP sender gets from a dead bot.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.support.slack_requests import Response, SlackSender

__all__ = ["APP_TOKEN", "Ack", "FakeSocketMode", "NotConnected", "SocketModeSender"]

ACK_TIMEOUT = 3.0  # what Slack waits for an ack
APP_ID = "A0001"
APP_TOKEN = f"xapp-1-{APP_ID}-1234-abcdef"  # what the app connects with (SLACK_APP_TOKEN)


class NotConnected(ConnectionError):
    """No live connection to deliver an envelope on."""


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    received_at: float


class FakeSocketMode:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self._lock = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._current: ServerConnection | None = None
        self._connections = 0
        self._closed = 0
        self._tickets: set[str] = set()
        self._sent: dict[str, dict[str, Any]] = {}
        self._acks: dict[str, Ack] = {}
        self._counter = itertools.count(1)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSocketMode:
        self._server = serve(self._serve_connection, "127.0.0.1", 0)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-socket-mode", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self._server is not None, "call start() first"
        return int(self._server.socket.getsockname()[1])

    def connection_url(self) -> str:
        """A fresh ws:// URL, as apps.connections.open returns (one ticket per call)."""
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={APP_ID}"

    # ------------------------------------------------------------------ connections

    @property
    def connections(self) -> int:
        """How many connections the app has opened so far."""
        with self._lock:
            return self._connections

    def wait_connected(self, connections: int = 1, timeout: float = 10.0) -> None:
        """Wait until the app has opened `connections` connections, the last one live."""
        with self._lock:
            ready = self._lock.wait_for(
                lambda: self._connections >= connections and self._current is not None, timeout
            )
        assert ready, f"the app opened {self._connections} of {connections} connections"

    def wait_moved(self, timeout: float = 10.0) -> None:
        """After `refresh()`: wait until the app is on a new connection and has closed the
        old one (slack_sdk's client closes it once the new one is ready)."""
        with self._lock:
            moved = self._lock.wait_for(
                lambda: self._closed >= 1 and self._current is not None, timeout
            )
        assert moved, "the app did not move to a new connection"

    def drop(self) -> None:
        """Close the live connection from Slack's side; the app must reconnect."""
        with self._lock:
            current, self._current = self._current, None
        assert current is not None, "no live connection to drop"
        current.close()

    def refresh(self) -> None:
        """Ask the app to move to a new connection, as Slack does every few hours
        (a `disconnect` message with reason `refresh_requested`)."""
        with self._lock:
            current = self._current
        assert current is not None, "no live connection to refresh"
        message = {
            "type": "disconnect",
            "reason": "refresh_requested",
            "debug_info": {"host": "applink-fake"},
        }
        current.send(json.dumps(message))

    def _serve_connection(self, connection: ServerConnection) -> None:
        ticket = dict(parse_qsl((connection.request.path or "").partition("?")[2])).get("ticket")
        with self._lock:
            known = ticket in self._tickets
            self._tickets.discard(ticket or "")
        if not known:
            self._problem(f"connection with a ticket apps.connections.open never issued: {ticket}")
            connection.close(code=4001, reason="invalid ticket")
            return
        connection.send(json.dumps(self._hello()))
        with self._lock:
            self._connections += 1
            self._current = connection
            self._lock.notify_all()
        try:
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                self._closed += 1
                if self._current is connection:
                    self._current = None
                self._lock.notify_all()

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {
                "host": "applink-fake",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": APP_ID},
        }

    # ------------------------------------------------------------------ envelopes

    def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        connect_timeout: float = 10.0,
    ) -> str:
        """Send one envelope over the live connection (waiting up to `connect_timeout` for
        one); its envelope_id."""
        envelope_id = f"{uuid.uuid4()}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        with self._lock:
            ready = self._lock.wait_for(lambda: self._current is not None, connect_timeout)
            current = self._current
            if not ready or current is None:
                raise NotConnected("the app is not connected")
            self._sent[envelope_id] = envelope
        try:
            current.send(json.dumps(envelope))
        except ConnectionClosed as closed:  # it died after we picked it
            raise NotConnected(f"the connection closed: {closed}") from closed
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = ACK_TIMEOUT) -> Ack | None:
        with self._lock:
            self._lock.wait_for(lambda: envelope_id in self._acks, timeout)
            return self._acks.get(envelope_id)

    def acks(self) -> list[Ack]:
        with self._lock:
            return list(self._acks.values())

    def unacknowledged(self) -> list[str]:
        with self._lock:
            return [envelope_id for envelope_id in self._sent if envelope_id not in self._acks]

    def _receive(self, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except json.JSONDecodeError:
            self._problem(f"a message that is not JSON: {message!r:.200}")
            return
        envelope_id = ack.get("envelope_id") if isinstance(ack, dict) else None
        with self._lock:
            if envelope_id not in self._sent:
                self._problem(f"an ack for an envelope never sent: {ack!r:.200}")
            elif envelope_id in self._acks:
                self._problem(f"a second ack for envelope {envelope_id}")
            else:
                payload = ack.get("payload")
                self._acks[envelope_id] = Ack(envelope_id, payload, time.monotonic())
                self._lock.notify_all()

    def _problem(self, text: str) -> None:
        with self._lock:
            self.problems.append(text)


class SocketModeSender(SlackSender):
    """The requests SlackSender makes, delivered as Socket Mode envelopes instead of HTTP."""

    def __init__(
        self, socket_mode: FakeSocketMode, *, connect_timeout: float = 10.0, **kwargs: Any
    ) -> None:
        super().__init__(
            "http://socket-mode.invalid", "unused: Socket Mode is not signed", **kwargs
        )
        self.socket_mode = socket_mode
        self.connect_timeout = connect_timeout

    def _send(
        self,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        headers: dict[str, str] | None = None,
    ) -> Response:
        if content_type == "application/json":  # an Events API callback
            return self._deliver("events_api", json.loads(body), accepts_response_payload=False)
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if "payload" in fields:  # interactivity, as _send_payload encodes it
            payload = json.loads(fields["payload"])
            # Slack waits for a form's response_action and a type-ahead's options.
            answers = payload.get("type") in ("view_submission", "block_suggestion")
            return self._deliver("interactive", payload, accepts_response_payload=answers)
        return self._deliver("slash_commands", fields, accepts_response_payload=True)

    def _deliver(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool
    ) -> Response:
        envelope_id = self.socket_mode.send(
            kind,
            payload,
            accepts_response_payload=accepts_response_payload,
            connect_timeout=self.connect_timeout,
        )
        ack = self.socket_mode.wait_ack(envelope_id)
        if ack is None:
            return Response(504, f"no ack for envelope {envelope_id} within {ACK_TIMEOUT} s")
        body = json.dumps(ack.payload) if ack.payload else ""
        return Response(200, body, {"Content-Type": "application/json"})

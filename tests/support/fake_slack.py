"""A small fake Slack Web API server that the real bot talks to.

Usage::

    with FakeSlack() as fake:
        fake.add_user("U123", name="ana", real_name="Ana Lima")
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        ...  # exercise the bot
        call = fake.wait_for_call("chat.postMessage", where=lambda c: c.params["channel"] == "C1")
        assert fake.problems == []

* ``POST /api/<method>`` (form-encoded, JSON or multipart bodies) is recorded as a ``Call`` and
  answered like Slack does. JSON-string form fields (``blocks``, ``view``, ``attachments``,
  ``metadata``, ``files``) are decoded into Python objects in ``Call.params``.
* ``fake.response_url()`` hands out ``http://127.0.0.1:PORT/response/<n>`` URLs; POSTs to them
  are recorded as ``Call(method="response_url", params={**json_body, "url": url})``.
* ``files.getUploadURLExternal`` returns an upload URL on this server; POSTs to it are
  recorded as ``Call(method="file_upload", params={"file_id", "filename", "content"})`` and the
  bytes are kept in ``fake.uploads[file_id]``.
* Every message, modal and Home view sent (chat.postMessage/postEphemeral/update, views.*,
  response_url, files.completeUploadExternal ``blocks``) is validated with
  ``tests.support.block_kit``; problems go to ``fake.problems`` (prefixed with the method) and
  the call is answered ``{"ok": false, "error": "invalid_blocks"}`` like Slack does.
* ``fake.fail_next(method, ...)`` injects rate limits (HTTP 429 + ``Retry-After``) or other
  ``{"ok": false}`` errors; ``fake.fail_until(method, predicate, ...)`` keeps failing while
  ``predicate()`` holds (an outage), and ``fake.slow_down(method, seconds)`` delays answers.
* Message history: every message posted (chat.postMessage) is kept per conversation, with its
  ``metadata``; chat.update and chat.delete change it. ``conversations.history`` pages
  through it newest first (``oldest``/``latest``/``limit``/``cursor``; metadata only with
  ``include_all_metadata``). ``fake.add_history_message(...)`` puts a message there as if
  posted earlier; ``fake.history(channel)`` reads it.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import threading
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from tests.support.block_kit import AUTO, SpecsDir, problems_in_message, problems_in_view

__all__ = ["Call", "FakeSlack"]

T = TypeVar("T")

TEAM_ID = "T0001"
TEAM_NAME = "Test team"
TEAM_DOMAIN = "test-team"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"

JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files"})
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})

Responder = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Call:
    """One request the bot made. ``status``/``response`` are what the fake answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    response: Any = field(default=None, repr=False)


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None
    times: int


@dataclass
class _Outage:
    while_: Callable[[], bool]
    error: str
    status: int
    retry_after: int | None


class FakeSlack:
    """Fake Slack Web API on ``127.0.0.1:<random port>``, served from a daemon thread."""

    def __init__(self, *, validate: bool = True, specs_dir: SpecsDir = AUTO) -> None:
        self.validate = validate
        self.specs_dir = specs_dir
        self.problems: list[str] = []
        self.uploads: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._responders: dict[str, Responder] = {}
        self._response_urls: set[str] = set()
        self._files: dict[str, dict[str, Any]] = {}
        self._home_view_ids: dict[str, str] = {}
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._outages: dict[str, list[_Outage]] = {}
        self._delays: dict[str, float] = {}
        self._in_flight: dict[str, int] = {}
        self._most_in_flight: dict[str, int] = {}
        self._last_ts = 0.0
        self._socket_mode_url: Callable[[], str] | None = None
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-slack",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; call start() first")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL of the server, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``WebClient(base_url=...)``."""
        return f"{self.url}/api/"

    # ------------------------------------------------------------------ setup helpers

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "America/New_York",
        locale: str = "en-US",
        is_bot: bool = False,
        email: str | None = None,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Register a user answered by users.info. Returns the user object."""
        name = name or user_id.lower()
        real_name = real_name or name
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": _tz_offset(tz),
            "locale": locale,
            "is_bot": is_bot,
            "is_app_user": False,
            "is_admin": False,
            "is_owner": False,
            "updated": 1700000000,
            "profile": {
                "real_name": real_name,
                "display_name": name,
                "real_name_normalized": real_name,
                "display_name_normalized": name,
                "email": email or f"{name}@example.com",
                "team": TEAM_ID,
            },
        }
        with self._lock:
            self._users[user_id] = user
        return user

    def use_socket_mode(self, connection_url: Callable[[], str]) -> None:
        """Answer apps.connections.open with `connection_url()`, e.g. a FakeSocketMode's."""
        self._socket_mode_url = connection_url

    def response_url(self) -> str:
        """A fresh response_url to put in a slash command / block_actions payload."""
        url = f"{self.url}/response/{next(self._counter)}"
        with self._lock:
            self._response_urls.add(url)
        return url

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``status=429`` answers HTTP 429 with ``Retry-After: retry_after`` and
        ``{"ok": false, "error": error}``; any other status answers that status with the same
        body (use ``status=200, error="channel_not_found"`` for an ordinary API error).
        ``method`` may also be ``"response_url"`` or ``"file_upload"``.
        """
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(error=error, status=status, retry_after=retry_after, times=times)
            )

    def respond_with(self, method: str, response: dict[str, Any] | Responder) -> None:
        """Answer ``method`` with a fixed dict or ``response(params) -> dict`` (also for
        methods the fake doesn't know)."""
        responder = response if callable(response) else (lambda _params: dict(response))
        with self._lock:
            self._responders[method] = responder

    def fail_until(
        self,
        method: str,
        while_: Callable[[], bool],
        error: str = "internal_error",
        status: int = 500,
        retry_after: int | None = 1,
    ) -> None:
        """Fail every call to ``method`` while ``while_()`` is true (an outage), answering
        like ``fail_next``; after that, answer normally again."""
        with self._lock:
            self._outages.setdefault(method, []).append(
                _Outage(while_=while_, error=error, status=status, retry_after=retry_after)
            )

    def slow_down(self, method: str, seconds: float) -> None:
        """Answer every call to ``method`` only after ``seconds`` (work done first)."""
        with self._lock:
            self._delays[method] = seconds

    def add_history_message(
        self,
        channel: str,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        user: str = BOT_USER_ID,
    ) -> dict[str, Any]:
        """Put a message in ``channel``'s history as if it had been posted (e.g. by a bot that
        crashed before it recorded the post). Returns the stored message."""
        params: dict[str, Any] = {"text": text}
        if metadata is not None:
            params["metadata"] = metadata
        message = self._message(params, self._next_ts())
        message["user"] = user
        self._store_message(channel, message)
        return message

    def max_concurrent(self, method: str) -> int:
        """The most calls to ``method`` the fake was answering at the same time."""
        with self._lock:
            return self._most_in_flight.get(method, 0)

    def history(self, channel: str) -> list[dict[str, Any]]:
        """The messages kept for ``channel``, oldest first."""
        with self._lock:
            return json.loads(json.dumps(self._history.get(channel, [])))

    def reset(self) -> None:
        """Forget recorded calls, problems, pending failures and uploads.

        Users, custom responders, issued response URLs and id counters are kept.
        """
        with self._lock:
            self._calls.clear()
            self.problems.clear()
            self._failures.clear()
            self._outages.clear()
            self.uploads.clear()

    # ------------------------------------------------------------------ queries

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def mark(self) -> int:
        """Number of calls recorded so far; pass as ``since=`` to ignore earlier calls."""
        with self._lock:
            return len(self._calls)

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Poll ``predicate()`` every 10 ms until it returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s; {self.summary()}")
            time.sleep(0.01)

    def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,
        where: Callable[[Call], bool] = lambda call: True,
        *,
        since: int = 0,
    ) -> Call:
        """Wait for the first call to ``method`` (recorded at index >= ``since``) matching
        ``where``, and return it."""

        def find() -> Call | None:
            with self._lock:
                recent = self._calls[since:]
            return next((c for c in recent if c.method == method and where(c)), None)

        try:
            return self.wait_for(find, timeout=timeout)
        except AssertionError as exc:
            raise AssertionError(f"no matching {method} call: {exc}") from None

    def summary(self, limit: int = 30) -> str:
        """Short description of the recorded calls and problems, for assertion messages."""
        with self._lock:
            calls = list(self._calls)
            problems = list(self.problems)
        lines = [f"{len(calls)} call(s) recorded:"]
        for i, call in enumerate(calls[-limit:], start=max(0, len(calls) - limit)):
            shown = {k: v for k, v in call.params.items() if k not in ("token", "content")}
            lines.append(
                f"  #{i} {call.method} [{call.status}] {_short(json.dumps(shown, default=str))}"
            )
        if problems:
            lines.append("problems: " + "; ".join(problems))
        return "\n".join(lines)

    # ------------------------------------------------------------------ internals

    def _next_ts(self) -> str:
        # Slack's ts is the post's time: increasing, unique, and comparable with `oldest`.
        next(self._counter)
        with self._lock:
            self._last_ts = max(round(time.time(), 6), round(self._last_ts + 0.000001, 6))
            return f"{self._last_ts:.6f}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._counter):08d}"

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            outages = list(self._outages.get(method, []))
        for outage in outages:
            if outage.while_():
                return _Failure(outage.error, outage.status, outage.retry_after, times=1)
        with self._lock:
            queue = self._failures.get(method)
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def _add_problems(self, method: str, problems: list[str]) -> None:
        with self._lock:
            for problem in problems:
                line = f"{method}: {problem}"
                if line not in self.problems:
                    self.problems.append(line)

    def _validate(self, method: str, params: dict[str, Any]) -> list[str]:
        if not self.validate:
            return []
        if method in VIEW_METHODS:
            view = params.get("view")
            if view is None:
                return []
            problems = problems_in_view(view, specs_dir=self.specs_dir)
        elif method in MESSAGE_METHODS or method == "files.completeUploadExternal":
            problems = problems_in_message(params, specs_dir=self.specs_dir)
        elif method == "response_url":
            if params.get("delete_original") in (True, "true"):
                return []
            problems = problems_in_message(params, specs_dir=self.specs_dir)
        else:
            return []
        self._add_problems(method, problems)
        return problems

    # Web API ----------------------------------------------------------------

    def _handle_api(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        with self._lock:
            self._in_flight[method] = self._in_flight.get(method, 0) + 1
            self._most_in_flight[method] = max(
                self._most_in_flight.get(method, 0), self._in_flight[method]
            )
        try:
            return self._answer_api(method, params, headers)
        finally:
            with self._lock:
                self._in_flight[method] -= 1

    def _answer_api(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        problems = self._validate(method, params)
        failure = self._take_failure(method)
        extra_headers: dict[str, str] = {}
        if failure is not None:
            status = failure.status
            body: dict[str, Any] = {"ok": False, "error": failure.error}
            if status == 429 and failure.retry_after is not None:
                extra_headers["Retry-After"] = str(failure.retry_after)
        elif not _has_token(params, headers):
            status, body = 200, {"ok": False, "error": "not_authed"}
        elif problems:
            status = 200
            body = {
                "ok": False,
                "error": "invalid_blocks",
                "errors": problems,
                "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
            }
        else:
            status, body = 200, self._answer(method, params, headers)
        self._record(Call(method, params, headers, status=status, response=body))
        with self._lock:
            delay = self._delays.get(method, 0.0)
        if delay:
            time.sleep(delay)
        return status, extra_headers, body

    def _answer(
        self, method: str, params: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        with self._lock:
            responder = self._responders.get(method)
        if responder is not None:
            return responder(params)
        if method == "apps.connections.open":  # the one method that looks at the token
            return self._apps_connections_open(_token(params, headers))
        handler = _API_HANDLERS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(self, params)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": "salesbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            user = self._users.get(str(params.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": json.loads(json.dumps(user))}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            return {"ok": True, "channel": {"id": params["channel"]}}
        users = params.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        first = str(users).split(",")[0].strip()
        return {"ok": True, "channel": {"id": "D" + first}}

    def _message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) not in (None, ""):
                message[key] = params[key]
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        channel = str(channel)
        if channel[:1] in ("U", "W"):  # posting to a user id lands in the DM
            channel = "D" + channel
        ts = self._next_ts()
        message = self._message(params, ts)
        self._store_message(channel, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        ts = str(params["ts"])
        message = self._message(params, ts)
        self._replace_message(str(params["channel"]), ts, message)
        return {
            "ok": True,
            "channel": params["channel"],
            "ts": ts,
            "text": params.get("text", ""),
            "message": message,
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel") or not params.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        self._replace_message(str(params["channel"]), str(params["ts"]), None)
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    # Message history -----------------------------------------------------------

    def _store_message(self, channel: str, message: dict[str, Any]) -> None:
        if channel[:1] in ("U", "W"):  # a user id names their DM
            channel = "D" + channel
        with self._lock:
            self._history.setdefault(channel, []).append(json.loads(json.dumps(message)))

    def _replace_message(self, channel: str, ts: str, message: dict[str, Any] | None) -> None:
        """chat.update keeps a message's metadata unless it sends new; chat.delete drops it."""
        if channel[:1] in ("U", "W"):
            channel = "D" + channel
        with self._lock:
            kept = self._history.get(channel, [])
            for index, old in enumerate(kept):
                if old["ts"] != ts:
                    continue
                if message is None:
                    del kept[index]
                else:
                    new = json.loads(json.dumps(message))
                    if "metadata" in old and "metadata" not in new:
                        new["metadata"] = old["metadata"]
                    kept[index] = new
                return

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel[:1] in ("U", "W"):  # Slack wants the DM's id, not the user's
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(params.get("oldest") or 0)
        latest = float(params["latest"]) if params.get("latest") else float("inf")
        limit = max(1, min(int(params.get("limit") or 100), 999))
        offset = int(params.get("cursor") or 0) if str(params.get("cursor") or "0").isdigit() else 0
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            messages = [
                json.loads(json.dumps(m))
                for m in reversed(self._history.get(channel, []))
                if oldest < float(m["ts"]) < latest
            ]
        page = messages[offset : offset + limit]
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        has_more = offset + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": str(offset + limit) if has_more else ""},
        }

    def _view_response(self, view: Any, view_id: str) -> dict[str, Any]:
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        returned = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **view,
            "id": view_id,
            "team_id": TEAM_ID,
            "state": {"values": {}},
            "hash": f"1700000000.{next(self._counter):08x}",
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        return {"ok": True, "view": returned}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not (params.get("trigger_id") or params.get("interactivity_pointer")):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view_response(params.get("view"), self._next_id("V"))

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if not view_id and not params.get("external_id"):
            return {"ok": False, "error": "not_found"}
        return self._view_response(params.get("view"), str(view_id or self._next_id("V")))

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not user_id:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            view_id = self._home_view_ids.setdefault(str(user_id), self._next_id("V"))
        return self._view_response(params.get("view"), view_id)

    def _apps_connections_open(self, token: str) -> dict[str, Any]:
        """Socket Mode: a WebSocket URL for the app, asked for with its app-level (xapp-)
        token, as Slack requires."""
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if self._socket_mode_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self._socket_mode_url()}

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        with self._lock:
            self._files[file_id] = {"filename": params["filename"], "length": params["length"]}
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        result = []
        for item in files:
            file_id = item.get("id") if isinstance(item, dict) else None
            with self._lock:
                meta = self._files.get(str(file_id))
                content = self.uploads.get(str(file_id))
            if meta is None or content is None:
                return {"ok": False, "error": "file_not_found"}
            result.append(
                {
                    "id": file_id,
                    "name": meta["filename"],
                    "title": item.get("title") or meta["filename"],
                    "size": len(content),
                    "user": BOT_USER_ID,
                    "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file_id}",
                }
            )
        return {"ok": True, "files": result}

    # response_url / uploads --------------------------------------------------

    def _handle_response_url(
        self, url: str, params: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, str]:
        params = {**params, "url": url}
        self._validate("response_url", params)
        with self._lock:
            known = url in self._response_urls
        failure = self._take_failure("response_url")
        if failure is not None:
            status, text = failure.status, failure.error
        elif not known:
            self._add_problems("response_url", [f"POST to a response_url never issued: {url}"])
            status, text = 404, "no_such_url"
        else:
            status, text = 200, "ok"
        self._record(Call("response_url", params, headers, status=status, response=text))
        return status, text

    def _handle_upload(
        self, file_id: str, content: bytes, headers: dict[str, str]
    ) -> tuple[int, str]:
        with self._lock:
            meta = self._files.get(file_id)
        failure = self._take_failure("file_upload")
        params: dict[str, Any] = {
            "file_id": file_id,
            "filename": meta["filename"] if meta else None,
            "content": content,
        }
        if failure is not None:
            status, text = failure.status, failure.error
        elif meta is None:
            status, text = 404, "file_not_found"
        else:
            with self._lock:
                self.uploads[file_id] = content
            status, text = 200, f"OK - {len(content)}"
        self._record(Call("file_upload", params, headers, status=status, response=text))
        return status, text


_API_HANDLERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": FakeSlack._auth_test,
    "users.info": FakeSlack._users_info,
    "conversations.open": FakeSlack._conversations_open,
    "conversations.history": FakeSlack._conversations_history,
    "chat.postMessage": FakeSlack._chat_post_message,
    "chat.postEphemeral": FakeSlack._chat_post_ephemeral,
    "chat.update": FakeSlack._chat_update,
    "chat.delete": FakeSlack._chat_delete,
    "views.open": FakeSlack._views_open,
    "views.push": FakeSlack._views_open,
    "views.update": FakeSlack._views_update,
    "views.publish": FakeSlack._views_publish,
    "files.getUploadURLExternal": FakeSlack._files_get_upload_url,
    "files.completeUploadExternal": FakeSlack._files_complete_upload,
}


# ---------------------------------------------------------------------- HTTP plumbing


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSlack/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            split = urlsplit(self.path)
            path = split.path
            try:
                if path.startswith("/api/"):
                    params = _parse_body(raw, self.headers.get("Content-Type", ""))
                    for key, value in parse_qsl(split.query, keep_blank_values=True):
                        params.setdefault(key, value)
                    _decode_json_fields(params)
                    status, extra, body = fake._handle_api(path[len("/api/") :], params, headers)
                    self._send(status, json.dumps(body), "application/json; charset=utf-8", extra)
                elif path.startswith("/response/"):
                    params = _parse_body(raw, self.headers.get("Content-Type", ""))
                    _decode_json_fields(params)
                    status, text = fake._handle_response_url(f"{fake.url}{path}", params, headers)
                    self._send(status, text, "text/plain; charset=utf-8")
                elif path.startswith("/upload/"):
                    status, text = fake._handle_upload(path[len("/upload/") :], raw, headers)
                    self._send(status, text, "text/plain; charset=utf-8")
                else:
                    self._send(404, "not found", "text/plain; charset=utf-8")
            except (BrokenPipeError, ConnectionResetError):
                return  # the client went away (e.g. killed) before its answer: as on Slack
            except Exception as exc:  # surface harness bugs instead of hanging the bot
                fake._add_problems("fake_slack", [f"error handling {path}: {exc!r}"])
                self._send(
                    500, json.dumps({"ok": False, "error": "fatal_error"}), "application/json"
                )

        def _send(
            self, status: int, text: str, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    ctype = content_type.lower()
    if "json" in ctype or (not ctype and raw.lstrip()[:1] == b"{"):
        body = json.loads(raw.decode("utf-8"))
        return body if isinstance(body, dict) else {"_body": body}
    if ctype.startswith("multipart/form-data"):
        return _parse_multipart(raw, content_type)
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))


def _parse_multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        params[str(name)] = payload if part.get_filename() else payload.decode("utf-8")
    return params


def _decode_json_fields(params: dict[str, Any]) -> None:
    for key in JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            # left as-is when invalid; the validators report it
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)


def _has_token(params: dict[str, Any], headers: dict[str, str]) -> bool:
    return bool(_token(params, headers))


def _token(params: dict[str, Any], headers: dict[str, str]) -> str:
    """The token a call was made with: a `token` field or an `Authorization: Bearer` header."""
    if params.get("token"):
        return str(params["token"])
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    return auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""


def _tz_offset(tz: str) -> int:
    try:
        offset = datetime.now(zoneinfo.ZoneInfo(tz)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."

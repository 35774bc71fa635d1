"""HTTP mode: Bolt's /slack/events, a /healthz probe and /metrics, served by waitress."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server, wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer

from runtime.metrics import exposition

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from runtime.front_door import FrontDoor

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def wsgi_app(
    bolt_app: App,
    database_is_reachable: Callable[[], bool],
    front_door: FrontDoor | None = None,
) -> WSGIApplication:
    """Slack's requests (through `front_door` first, if given), /healthz and /metrics."""
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    monitoring = monitoring_app(database_is_reachable)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        if method == "GET" and path in (HEALTH_PATH, METRICS_PATH):
            return monitoring(environ, start_response)
        if method == "POST" and path == EVENTS_PATH:
            raw = _read_body(environ)
            try:
                text = raw.decode()
            except UnicodeDecodeError:  # not from Slack; Bolt would fail on it with a 500
                return _plain_text(start_response, 400, "The body is not UTF-8.")
            if front_door is not None:
                answer = front_door.accept(text, _slack_headers(environ))
                if answer is not None:
                    return _plain_text(start_response, *answer)
            environ["wsgi.input"] = io.BytesIO(raw)  # Bolt reads it again
        return slack(environ, start_response)

    return application


def _plain_text(start_response: StartResponse, status: int, text: str) -> list[bytes]:
    body = text.encode()
    headers = [("Content-Type", "text/plain;charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


def _read_body(environ: WSGIEnvironment) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _slack_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The headers the front door reads, named as Bolt names them."""
    return {
        "content-type": environ.get("CONTENT_TYPE", ""),
        "x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
        "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", ""),
    }


def monitoring_app(database_is_reachable: Callable[[], bool]) -> WSGIApplication:
    """GET /healthz and GET /metrics (Prometheus text format); 404 for anything else."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == METRICS_PATH and method == "GET":
            body, content_type = exposition()
            start_response(
                "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
            )
            return [body]
        if path == HEALTH_PATH and method == "GET":
            healthy = database_is_reachable()
            body = json.dumps(
                {
                    "status": "ok" if healthy else "error",
                    "database": "ok" if healthy else "unreachable",
                }
            ).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]

    return application


def http_server(
    application: WSGIApplication, host: str, port: int
) -> BaseWSGIServer | MultiSocketServer:
    """A production WSGI server; call `.run()` to serve and `.close()` to stop."""
    # Slack waits 3 s for an ack, so enough threads that slow listeners never queue acks.
    return create_server(application, host=host, port=port, threads=16, ident="salesbot")


def serve_until(server: BaseWSGIServer | MultiSocketServer, stop: threading.Event) -> None:
    """Serve until `stop` is set, then finish the requests in flight and close the sockets."""
    while not stop.is_set():
        wasyncore.loop(timeout=0.1, map=server._map, use_poll=True, count=1)
    server.task_dispatcher.shutdown()
    wasyncore.close_all(server._map)

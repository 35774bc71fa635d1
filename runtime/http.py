"""HTTP mode: Bolt's /slack/events, a /healthz probe and /metrics, served by waitress."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server, wasyncore
from waitress.server import BaseWSGIServer, MultiSocketServer

from runtime.metrics import exposition

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def wsgi_app(bolt_app: App, database_is_reachable: Callable[[], bool]) -> WSGIApplication:
    slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
    monitoring = monitoring_app(database_is_reachable)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "GET" and environ.get("PATH_INFO") in (
            HEALTH_PATH,
            METRICS_PATH,
        ):
            return monitoring(environ, start_response)
        return slack(environ, start_response)

    return application


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

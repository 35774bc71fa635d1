"""The floor: a bare Bolt app that only acks /visit, on the bot's own server stack
(waitress + Bolt's WSGI adapter, runtime/http.py). Nothing the bot does can be faster.

    python -m benchmarks.floor_app PORT SIGNING_SECRET SLACK_API_URL
"""

from __future__ import annotations

import sys
import threading

from slack_bolt import Ack, App
from slack_sdk import WebClient

from runtime.http import http_server, serve_until, wsgi_app


def floor_app(signing_secret: str, api_url: str) -> App:
    app = App(
        client=WebClient(token="xoxb-floor", base_url=api_url),
        signing_secret=signing_secret,
        # The same runner as the bot's: the listener runs in the request's thread.
        process_before_response=True,
    )

    @app.command("/visit")
    def ack_only(ack: Ack) -> None:
        ack()

    return app


def main() -> None:
    port, secret, api_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = http_server(wsgi_app(floor_app(secret, api_url), lambda: True), "127.0.0.1", port)
    serve_until(server, threading.Event())


if __name__ == "__main__":
    main()

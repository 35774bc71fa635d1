"""The Web API client every part of the bot uses, pointed at SLACK_API_URL."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from prometheus_client import Counter
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)
# How long a Web API call may take before the client gives up on it.
REQUEST_TIMEOUT_SECONDS = 15
Sleep = Callable[[float], None]
RATE_LIMIT_WAITS = Counter(
    "salesbot_slack_rate_limit_waits", "HTTP 429 answers waited out, by method", ["method"]
)
RATE_LIMIT_WAIT_SECONDS = Counter(
    "salesbot_slack_rate_limit_wait_seconds", "Seconds spent waiting out HTTP 429s", ["method"]
)


class WaitAsSlackAsks(RateLimitErrorRetryHandler):
    """On HTTP 429, wait the Retry-After Slack asks for, then try again.

    slack_sdk's own handler does the same but always sleeps with time.sleep; taking the
    sleep as a parameter lets tests check the wait without spending it.
    """

    def __init__(self, max_retry_count: int, sleep: Sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep
        self._lock = threading.Lock()
        self._paused_until = 0.0  # time.monotonic() before which Slack asked for quiet

    def wait_out_pause(self) -> None:
        """Before a call on another thread: wait what is left of the latest Retry-After, so
        concurrent senders back off together instead of each meeting its own 429."""
        with self._lock:
            left = self._paused_until - time.monotonic()
        if left > 0:
            self._sleep(left)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        state.increment_current_attempt()
        headers = {
            name.lower(): values for name, values in (response.headers if response else {}).items()
        }
        retry_after = headers.get("retry-after", ["1"])[0]
        seconds = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else 1.0
        # A little jitter keeps several bots from retrying in lockstep.
        wait = seconds + random.random() * 0.5
        method = request.url.split("?", 1)[0].rsplit("/", 1)[-1]
        log.info("Slack asked us to slow down (%s); retrying in %.1f s", method, wait)
        RATE_LIMIT_WAITS.labels(method).inc()
        RATE_LIMIT_WAIT_SECONDS.labels(method).inc(wait)
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + wait)
        self._sleep(wait)


def slack_problem(token: str, base_url: str) -> str | None:
    """Why Slack can't be used with this token at this address, in one line; None if it can.

    Asked once at start, quietly (no retries, nothing logged), so that an unreachable Slack
    or a wrong token is one clear line instead of a traceback from deep inside Bolt.
    """
    quiet = logging.Logger("salesbot.slack_check", logging.CRITICAL)
    quiet.addHandler(logging.NullHandler())
    client = WebClient(
        token=token,
        base_url=base_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        logger=quiet,
        retry_handlers=[],
    )
    try:
        client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        return (
            f"Slack refused SLACK_BOT_TOKEN ({code or error.response.status_code}): copy the "
            "Bot User OAuth Token again (OAuth & Permissions), and reinstall the app if needed."
        )
    except (OSError, ValueError) as error:  # unreachable, refused, timed out, bad URL
        reason = getattr(error, "reason", None) or error
        return (
            f"salesbot cannot reach Slack at {base_url}: {reason}. Check this machine's "
            "network access to Slack (or SLACK_API_URL, if you use a proxy)."
        )
    return None


def make_client(token: str, base_url: str, sleep: Sleep = time.sleep) -> WebClient:
    client = WebClient(token=token, base_url=base_url)
    client.retry_handlers.append(WaitAsSlackAsks(max_retry_count=3, sleep=sleep))
    return client


def wait_out_rate_limit(client: WebClient) -> None:
    """Honour a Retry-After another thread of this client was given (see WaitAsSlackAsks)."""
    for handler in client.retry_handlers:
        if isinstance(handler, WaitAsSlackAsks):
            handler.wait_out_pause()

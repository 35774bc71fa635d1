"""The worker: claims accepted requests from the inbox and replays them through the listeners."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from blocks.common import notice
from runtime.claiming import ClaimLoop
from runtime.inbox import REPLAY, REPLIES, user_of
from runtime.metrics import INBOX_PROCESSED
from runtime.outbox import ReplySender
from runtime.readers import reader_language
from sales.localtime import utc_now
from store import inbox, replies
from store.db import Database
from store.replies import ClaimedReply, NewReply
from translations import gettext, marked

log = logging.getLogger(__name__)
GAVE_UP = marked(
    ":face_with_head_bandage: Sorry: the bot accepted your request but could not carry it "
    "out, even after several tries, and has given up on it. Please try again; if it keeps "
    "happening, tell your Slack admin."
)
DEFAULT_LEASE = timedelta(seconds=30)
POLL_SECONDS = 0.05  # how long an idle worker waits before looking again, unless woken


class InboxWorker(ClaimLoop):
    """Processes inbox rows on a few threads; any number of workers can share a database.

    A claim is a lease: a worker renews it while the request runs, so a claim that is not
    renewed for `lease` belonged to a worker that died, and another worker takes it over.
    """

    def __init__(
        self,
        app: App,
        db: Database,
        client: WebClient,
        *,
        lease: timedelta = DEFAULT_LEASE,
        threads: int = 8,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__("inbox", threads, POLL_SECONDS)
        self.app = app
        self.db = db
        self.client = client
        self.lease = lease
        self.clock = clock
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._running: set[int] = set()
        self._lock = threading.Lock()
        self._last_renewal = self.clock()
        # Sends the answers this worker records (and any other worker's left behind).
        self.replies = ReplySender(db, client, lease=lease, clock=clock)

    def start(self) -> None:
        super().start()
        self.replies.start()
        log.info("inbox worker %s started (%s threads)", self.name, self._threads)

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the requests in hand; the ones not yet claimed stay for the next worker."""
        super().stop(timeout)
        self.replies.stop(timeout)

    def idle(self) -> bool:
        with self._lock:
            return not self._running

    def _before_claiming(self) -> None:
        self._renew_leases()

    def _claim(self, free: int) -> list[inbox.Claimed]:
        with self.db.reading() as session:
            waiting = inbox.claimable(session, self.name, self.clock(), self.lease)
        if not waiting:
            return []
        with self.db.transaction() as session:
            claimed = inbox.claim(session, self.name, self.clock(), self.lease, free)
        with self._lock:
            self._running.update(request.id for request in claimed)
        return claimed

    def _handle(self, request: inbox.Claimed) -> None:
        try:
            self.process(request)
        except Exception:
            log.exception(
                "inbox request %s failed in the worker; it will be tried again", request.id
            )
        finally:
            with self._lock:
                self._running.discard(request.id)

    def process(self, request: inbox.Claimed) -> None:
        """Replay one claimed request through the listeners, then mark it finished."""
        if request.failed_attempts >= inbox.MAX_ATTEMPTS:
            log.error("inbox request %s (%s) was cut off %s times; giving up", request.id,
                      request.key, request.failed_attempts)  # fmt: skip
            self._finish(request, inbox.ABANDONED, self._gave_up(request))
            return
        if request.processed:
            log.info("Slack delivered %s again; it is answered again", request.key)
        answers: list[NewReply] = []
        response = self.app.dispatch(
            BoltRequest(
                body=request.body, mode="socket_mode", context={REPLAY: request, REPLIES: answers}
            )
        )
        self._finish(request, "unhandled" if response.status == 404 else inbox.DONE, answers)

    def _finish(self, request: inbox.Claimed, outcome: str, answers: list[NewReply]) -> None:
        """Mark the delivery processed and record its answers, in one transaction: a worker
        cut off before this commit replays the request, and its answers are recorded then."""
        recorded: list[ClaimedReply] = []
        with self.db.prompt_transaction() as session:
            now = self.clock()
            ours = inbox.finish(session, request.id, self.name, outcome, now)
            if ours:
                recorded = replies.record(session, answers, now, owner=self.replies.owner)
        INBOX_PROCESSED.labels(request.kind, outcome if ours else "taken_over").inc()
        if not ours:
            log.warning("inbox request %s was taken over by another worker", request.id)
        self.replies.submit(recorded)  # sent at once; if this process dies, by any sender

    def _renew_leases(self) -> None:
        now = self.clock()
        if now - self._last_renewal < self.lease / 3:
            return
        self._last_renewal = now
        with self._lock:
            running = sorted(self._running)
        if running:
            with self.db.transaction() as session:
                inbox.renew(session, running, self.name, now)

    def _gave_up(self, request: inbox.Claimed) -> list[NewReply]:
        user = user_of(request.body)
        if user is None:
            return []
        key = f"{request.key}#{request.processed}:gave-up"
        apology = gettext(reader_language(user), GAVE_UP)
        return [NewReply(key, user, None, notice(apology), request.accepted_at)]

"""The loop the inbox worker and the reply sender share: claim work from the database for a
pool of threads, as much as there are free threads, looking again when woken (work was
added in this process) or every `poll` seconds."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class ClaimLoop:
    """Subclasses say how to claim (`_claim(free)`, on the loop's thread) and how to handle
    one claimed item (`_handle(item)`, on a pool thread; it must not raise)."""

    def __init__(self, name: str, threads: int, poll: float) -> None:
        self._name = name
        self._threads = threads
        self._poll = poll
        self._free = threading.Semaphore(threads)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._loop: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def wake(self) -> None:
        """Work was just added in this process: look now, not at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix=self._name)
        self._loop = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._loop.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the work in hand; what is not claimed yet stays for the next process."""
        self._stop.set()
        self._wake.set()
        if self._loop is not None:
            self._loop.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _claim(self, free: int) -> list[Any]:
        raise NotImplementedError

    def _handle(self, item: Any) -> None:
        raise NotImplementedError

    def _before_claiming(self) -> None:
        """Done on every turn of the loop (e.g. renewing leases)."""

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._before_claiming()
                taken = self._claim_and_start()
            except Exception:
                log.exception("%s could not claim work; trying again", self._name)
                taken = 0
            if taken == 0:
                self._wake.wait(self._poll)
                self._wake.clear()

    def _claim_and_start(self) -> int:
        free = 0
        while self._free.acquire(blocking=False):
            free += 1
        if free == 0:
            self._wake.wait(self._poll)  # every thread is busy: wait for one to finish
            return 1
        claimed: list[Any] = []
        try:
            claimed = self._claim(free)
        finally:
            for _ in range(free - len(claimed)):
                self._free.release()
        assert self._pool is not None
        for item in claimed:
            self._pool.submit(self._handle_and_release, item)
        return len(claimed)

    def _handle_and_release(self, item: Any) -> None:
        try:
            self._handle(item)
        finally:
            self._free.release()
            self._wake.set()

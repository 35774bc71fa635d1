"""Scheduled messages: job definitions, the runtime that ticks them, and exactly-once delivery.

Jobs live in code, not in a job store. Every few minutes a tick asks each job who should
have had their message by now (their local send time has passed, on a working day of
theirs) and sends to those the delivery ledger has no record of. A restart or a missed run
is therefore caught up on the next tick, and the ledger's unique key stops a second bot,
an overlapping tick or a manual `jobs run` from sending twice.
"""

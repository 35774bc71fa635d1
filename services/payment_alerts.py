"""Payment alerts as people see them: drawn from the store and the delivery ledger, and
redrawn in place (every copy sent) after someone acts on one."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from blocks.common import Message
from blocks.payments import AlertView, HistoryEntry, alert_message, cancelled_alert
from runtime.settings import Settings
from sales.collections import AlertRules, Cancelled
from sales.localtime import local_today
from services.context import BotContext
from store import deals, deliveries, payments, sent
from store.models import Instalment, InstalmentNote

log = logging.getLogger(__name__)
JOB = "payment_alerts"


def rules_of(settings: Settings) -> AlertRules:
    return AlertRules(settings.payment_reminder_days, settings.payment_escalation_days)


def alert_period(instalment_id: int, step: str) -> str:
    """The ledger period of one alert step about one instalment, e.g. `i12:tier2`.

    Every period of an instalment starts with `i<id>:`, which is how its history is found.
    """
    return f"{_prefix(instalment_id)}{step}"


def _prefix(instalment_id: int) -> str:
    return f"i{instalment_id}:"


@dataclass(frozen=True)
class AlertBook:
    """What alerts about many instalments show, loaded at once (five statements)."""

    instalments: dict[int, Instalment]  # the ones asked for
    schedules: dict[int, list[int]]  # deal -> its instalments' ids, by due date
    history: dict[int, list[HistoryEntry]]
    notes: dict[int, list[InstalmentNote]]

    def view(
        self,
        instalment_id: int,
        now: datetime,
        rules: AlertRules,
        *,
        step: str | None = None,
        headline: str | None = None,
    ) -> AlertView | None:
        """What an alert about the instalment shows at `now`; None when it no longer exists.

        Days overdue are counted on one calendar, the deal owner's, so the owner's, the
        manager's and the finance channel's copies agree wherever each reader is.
        """
        instalment = self.instalments.get(instalment_id)
        if instalment is None:
            return None
        today = local_today(instalment.deal.owner.tz, now)
        schedule = self.schedules[instalment.deal_id]
        number = schedule.index(instalment.id) + 1
        return AlertView(
            instalment=instalment,
            number=number,
            count=len(schedule),
            today=today,
            rules=rules,
            history=self.history.get(instalment.id, []),
            notes=self.notes.get(instalment.id, []),
            step=step,
            headline=headline,
        )


def load_alert_book(session: Session, instalment_ids: Collection[int] | None) -> AlertBook:
    """The alerts' facts for these instalments (None: every open one)."""
    loaded = payments.instalments_by_ids(session, instalment_ids)
    # One instalment's history (a redrawn alert) by its periods; many at once, all of it.
    alerts = (
        deliveries.sent_in_periods(session, JOB, _prefix(next(iter(instalment_ids))))
        if instalment_ids is not None and len(instalment_ids) == 1
        else sent.sent_by(session, JOB)
    )
    history: dict[int, list[HistoryEntry]] = {}
    for delivery in alerts:
        instalment_id, step = _parse_period(delivery.period)
        if instalment_id is not None and delivery.sent_at is not None:
            history.setdefault(instalment_id, []).append(
                HistoryEntry(sent_at=delivery.sent_at, recipient=delivery.recipient, step=step)
            )
    return AlertBook(
        instalments={instalment.id: instalment for instalment in loaded},
        schedules=payments.schedules_of(session, instalment_ids),
        history=history,
        notes=payments.notes_of_many(session, instalment_ids),
    )


def _parse_period(period: str) -> tuple[int | None, str]:
    """`i12:tier2` -> (12, "tier2"); (None, "") for a period of no instalment."""
    head, _, step = period.partition(":")
    number = head.removeprefix("i")
    return (int(number), step) if head.startswith("i") and number.isdigit() else (None, "")


def alert_view(
    session: Session,
    instalment_id: int,
    now: datetime,
    rules: AlertRules,
    *,
    step: str | None = None,
    headline: str | None = None,
) -> AlertView | None:
    """What an alert about the instalment shows at `now`; None when it no longer exists."""
    book = load_alert_book(session, [instalment_id])
    return book.view(instalment_id, now, rules, step=step, headline=headline)


def refresh_alerts(
    ctx: BotContext,
    client: WebClient,
    instalment_id: int,
    *,
    also: tuple[str | None, str | None] = (None, None),
    headline: str | None = None,
) -> int:
    """Redraw every alert sent about the instalment (and the message `also` names, a
    channel and ts), so nobody acts on a stale one. How many were updated."""
    with ctx.db.reading() as session:
        view = alert_view(
            session, instalment_id, ctx.clock(), rules_of(ctx.settings), headline=headline
        )
        sent = deliveries.sent_in_periods(session, JOB, _prefix(instalment_id))
        targets = {(d.channel, d.message_ts) for d in sent if d.channel and d.message_ts}
    if view is None:
        return 0
    channel, ts = also
    if channel and ts:
        targets.add((channel, ts))
    return _update_all(client, targets, alert_message(view))


def redraw_cancelled(
    ctx: BotContext, client: WebClient, deal_id: int, cancelled: list[Cancelled], headline: str
) -> int:
    """After the unpaid part of instalments was cancelled, every alert sent about them says
    so (a partly paid one shows what was paid), and none offers Mark paid any more."""
    updated = 0
    for item in cancelled:
        with ctx.db.reading() as session:
            still_there = payments.get_instalment(session, item.instalment_id) is not None
            sent = deliveries.sent_in_periods(session, JOB, _prefix(item.instalment_id))
            targets = {(d.channel, d.message_ts) for d in sent if d.channel and d.message_ts}
            deal = deals.get_deal(session, deal_id)
            answer = cancelled_alert(item, deal, headline) if deal is not None else None
        if still_there:
            updated += refresh_alerts(ctx, client, item.instalment_id, headline=headline)
        elif answer is not None:
            updated += _update_all(client, targets, answer)
    return updated


def _update_all(client: WebClient, targets: set[tuple[str, str]], answer: Message) -> int:
    updated = 0
    for channel, ts in sorted(targets):
        try:
            client.chat_update(channel=channel, ts=ts, **answer)
            updated += 1
        except SlackApiError as error:
            # An alert someone deleted, or a channel the bot left: the others still update.
            log.warning(
                "could not update the alert %s in %s: %s", ts, channel, error.response.get("error")
            )
        except Exception:  # the change is saved; a network failure must not hide that
            log.exception("could not update the alert %s in %s", ts, channel)
    return updated

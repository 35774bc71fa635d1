"""Payment alerts as people see them: drawn from the store and the delivery ledger, and
redrawn in place (every copy sent) after someone acts on one."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from blocks.common import Message
from blocks.payments import AlertView, HistoryEntry, alert_message, cancelled_alert
from sales.collections import AlertRules, Cancelled
from sales.localtime import local_today
from services.context import BotContext
from store import deals, deliveries, payments, sent, teams
from store.models import Delivery, InstalmentNote, Team
from store.payments import ALERT_JOB, AlertedInstalment, alert_periods_of
from store.people import get_person
from translations import Language, Text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertBook:
    """What alerts about many instalments show, loaded at once (five statements)."""

    instalments: dict[int, AlertedInstalment]  # the ones asked for
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
        headline: Text | None = None,
    ) -> AlertView | None:
        """What an alert about the instalment shows at `now`; None when it no longer exists.

        Days overdue are counted on one calendar, the deal owner's, so the owner's, the
        manager's and the finance channel's copies agree wherever each reader is.
        """
        instalment = self.instalments.get(instalment_id)
        if instalment is None:
            return None
        today = local_today(instalment.owner_tz, now)
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
        deliveries.sent_in_periods(session, ALERT_JOB, alert_periods_of(next(iter(instalment_ids))))
        if instalment_ids is not None and len(instalment_ids) == 1
        else sent.sent_by(session, ALERT_JOB)
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
    headline: Text | None = None,
) -> AlertView | None:
    """What an alert about the instalment shows at `now`; None when it no longer exists."""
    book = load_alert_book(session, [instalment_id])
    return book.view(instalment_id, now, rules, step=step, headline=headline)


def finance_language(ctx: BotContext, owner_teams: Sequence[Team]) -> Language:
    """The language of the finance channel's copy: that of the deal owner's team (the first
    by name), else the bot's default."""
    if owner_teams:
        return ctx.team_language(owner_teams[0])
    return ctx.settings.default_language


def _copy_languages(
    ctx: BotContext,
    session: Session,
    owner_id: int,
    sent: Collection[Delivery],
    also: tuple[str | None, str | None],
    presser: str | None,
) -> dict[tuple[str, str], Language]:
    """Every copy of an alert, each with the language of its reader: a DM its person's, a
    channel post (the finance channel) the owner's team's. The message a button was pressed
    on (`also`) is a copy of the ledger's; if it is not found there, it is the presser's own
    DM or, in a channel, the channel copy."""
    finance: Language | None = None

    def channel_copy() -> Language:
        nonlocal finance
        if finance is None:
            owner_teams = teams.teams_of(session, owner_id, teams.MEMBER)
            finance = finance_language(ctx, owner_teams)
        return finance

    def language_of(recipient: str) -> Language:
        if recipient[:1] in ("C", "G"):
            return channel_copy()
        return ctx.language_for(get_person(session, recipient))

    copies = {
        (d.channel, d.message_ts): language_of(d.recipient)
        for d in sent
        if d.channel and d.message_ts
    }
    channel, ts = also
    if channel and ts and (channel, ts) not in copies:
        in_dm = channel[:1] == "D" and presser is not None
        copies[(channel, ts)] = language_of(presser) if in_dm else channel_copy()
    return copies


def refresh_alerts(
    ctx: BotContext,
    client: WebClient,
    instalment_id: int,
    *,
    also: tuple[str | None, str | None] = (None, None),
    headline: Text | None = None,
    presser: str | None = None,
) -> int:
    """Redraw every alert sent about the instalment (and the message `also` names, a
    channel and ts, pressed by `presser`), each in its reader's language, so nobody acts on
    a stale one. How many were updated."""
    with ctx.db.reading() as session:
        view = alert_view(
            session, instalment_id, ctx.clock(), ctx.settings.alert_rules, headline=headline
        )
        if view is None:
            return 0
        sent = deliveries.sent_in_periods(session, ALERT_JOB, alert_periods_of(instalment_id))
        copies = _copy_languages(ctx, session, view.instalment.owner_id, sent, also, presser)
        drawn = {language: alert_message(view, language) for language in set(copies.values())}
    return _update_all(client, {target: drawn[language] for target, language in copies.items()})


def redraw_cancelled(
    ctx: BotContext, client: WebClient, deal_id: int, cancelled: list[Cancelled], headline: Text
) -> int:
    """After the unpaid part of instalments was cancelled, every alert sent about them says
    so (a partly paid one shows what was paid), each in its reader's language, and none
    offers Mark paid any more."""
    updated = 0
    for item in cancelled:
        answers: dict[tuple[str, str], Message] = {}
        with ctx.db.reading() as session:
            instalment = payments.get_instalment(session, item.instalment_id)
            deal = deals.get_deal(session, deal_id)
            if instalment is None and deal is not None:
                sent = deliveries.sent_in_periods(
                    session, ALERT_JOB, alert_periods_of(item.instalment_id)
                )
                copies = _copy_languages(ctx, session, deal.owner_id, sent, (None, None), None)
                answers = {
                    target: cancelled_alert(item, deal, headline, language)
                    for target, language in copies.items()
                }
        if instalment is not None:
            updated += refresh_alerts(ctx, client, item.instalment_id, headline=headline)
        elif deal is not None:
            updated += _update_all(client, answers)
    return updated


def _update_all(client: WebClient, answers: Mapping[tuple[str, str], Message]) -> int:
    updated = 0
    for (channel, ts), answer in sorted(answers.items()):
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

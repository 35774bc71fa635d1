"""Payment alerts: a reminder before an instalment is due, then tiered escalation while it
stays overdue, each step sent once to each of its recipients.

Exactly-once per step: every (instalment, step) has its own ledger period, `i<id>:<step>`,
and each person or channel told is the ledger recipient, so the ledger's unique key does
the rest, across reruns, restarts and racing schedulers. A step is due once it is reached
and not yet sent: a bot that was down on day 7 sends the day-7 step on day 9, and an
instalment first seen 40 days overdue gets only the highest step reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.common import Message
from reports.roster import load_roster
from sales.collections import FINANCE, MANAGER, OWNER, AlertRules, steps_for
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, facts_of
from store import payments, teams
from store.models import Person
from store.people import people_by_ids
from translations import msg

if TYPE_CHECKING:
    from services.context import BotContext
    from services.payment_alerts import AlertBook

# The alerts' numbers and Block Kit (services.payment_alerts, blocks.payments and all they
# reuse) are imported where they are loaded and composed, so that listing the jobs
# (`bot.py jobs`) does without them.


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertRecipient(Recipient):
    """Someone to alert about one instalment, and the steps of its escalation they get."""

    instalment_id: int
    due_on: date
    snoozed_until: date | None
    steps: frozenset[str]

    @property
    def label(self) -> str:
        return f"{self.key} i{self.instalment_id}"


@dataclass(frozen=True)
class _Owed:
    instalment_id: int
    due_on: date
    snoozed_until: date | None
    owner: Person
    managers: list[Person]


class PaymentAlerts:
    name = payments.ALERT_JOB

    def __init__(self, at: time, rules: AlertRules, finance_channel: str | None) -> None:
        self._at = at
        self._rules = rules
        self._finance = finance_channel
        first, second, third = rules.escalation_days
        self.summary = msg(
            "Payment reminders {days} days before the due date, and overdue alerts on day "
            "{first}, {second} and {third}, {time} each recipient's time",
            days=rules.reminder_days,
            first=first,
            second=second,
            third=third,
            time=f"{at:%H:%M}",
        )

    def send_time(self) -> time:
        return self._at

    def send_time_for(self, recipient: Recipient) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        # Never asked: each alert recipient has its own period (period_for).
        return None

    def period_for(self, local_day: date, recipient: Recipient) -> str | None:
        """The step reached on the recipient's day, if it is one of theirs; None while
        the instalment is snoozed."""
        if not isinstance(recipient, AlertRecipient):
            return None
        if recipient.snoozed_until is not None and recipient.snoozed_until > local_day:
            return None
        step = self._rules.reached(recipient.due_on, local_day)
        if step is None or step not in recipient.steps:
            return None
        return payments.alert_period(recipient.instalment_id, step)

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        """For each instalment still owed (of a won or reopened deal): its owner, the owner's
        managers and the finance channel, each with the steps that are theirs."""
        from services.payment_alerts import finance_language

        owed: list[_Owed] = []
        managers_of: dict[int, list[Person]] = {}
        with ctx.db.reading() as session:
            found = load_roster(session, ctx.settings.holiday_country)
            owed_rows = payments.open_instalments(session)
            owners = people_by_ids(session, {row[3] for row in owed_rows})
            for instalment_id, due_on, snoozed_until, owner_id in owed_rows:
                owner = owners[owner_id]
                if owner.id not in managers_of:
                    managers = {
                        manager.id: manager
                        for team in found.teams_of(owner.id, teams.MEMBER)
                        for manager in teams.members(team, teams.MANAGER)
                        if manager.id != owner.id
                    }
                    managers_of[owner.id] = sorted(
                        managers.values(), key=lambda person: person.display_name.casefold()
                    )
                owed.append(
                    _Owed(instalment_id, due_on, snoozed_until, owner, managers_of[owner.id])
                )
        facts: RunFacts[AlertBook] = RunFacts(lambda now: _load_book(ctx, None))

        # Outside the transaction: refreshing a stale profile asks Slack and writes.
        fresh: dict[str, Person] = {}

        def alert(item: _Owed, key: str, person: Person, role: str) -> AlertRecipient:
            if person.slack_user_id not in fresh:
                fresh[person.slack_user_id] = ctx.people.fresh(person)
            return AlertRecipient(
                key=key,
                channel=key,
                tz=fresh[person.slack_user_id].tz,
                calendar=found.calendar_of(person.id),
                person_id=None if role == FINANCE else person.id,
                facts=facts,
                language=finance_language(ctx, found.teams_of(item.owner.id, teams.MEMBER))
                if role == FINANCE
                else ctx.language_for(fresh[person.slack_user_id]),
                instalment_id=item.instalment_id,
                due_on=item.due_on,
                snoozed_until=item.snoozed_until,
                steps=steps_for(
                    role, has_manager=bool(item.managers), has_finance=self._finance is not None
                ),
            )

        recipients: list[AlertRecipient] = []
        for item in owed:
            recipients.append(alert(item, item.owner.slack_user_id, item.owner, OWNER))
            recipients += [alert(item, m.slack_user_id, m, MANAGER) for m in item.managers]
            if self._finance is not None:
                # The finance channel lives by the (first) manager's clock and calendar.
                lead = item.managers[0] if item.managers else item.owner
                recipients.append(alert(item, self._finance, lead, FINANCE))
        kept: list[Recipient] = [recipient for recipient in recipients if recipient.steps]
        return kept

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.payments import alert_message

        assert isinstance(recipient, AlertRecipient)
        today = local_now.date()
        step = self._rules.reached(recipient.due_on, today)
        book = facts_of(
            recipient, local_now, lambda now: _load_book(ctx, [recipient.instalment_id])
        )
        view = book.view(recipient.instalment_id, local_now, self._rules, step=step)
        if view is None:
            return None
        instalment = view.instalment
        # Paid, or the deal lost, since the run began: nothing to chase. (A deal reopened
        # from won keeps its schedule, and its alerts.)
        if instalment.deal_stage == "lost" or instalment.paid_amount >= instalment.amount:
            return None
        return alert_message(view, recipient.language)


def _load_book(ctx: BotContext, instalment_ids: list[int] | None) -> AlertBook:
    from services.payment_alerts import load_alert_book

    with ctx.db.reading() as session:
        return load_alert_book(session, instalment_ids)

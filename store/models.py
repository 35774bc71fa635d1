"""The typed data model. Schema changes go through an Alembic migration as well."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from store.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        Decimal: Numeric(18, 2),
        dict[str, Any]: JSON(),
    }


class Person(Base):
    """Someone in the Slack workspace who has used the bot, with their Slack profile."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str | None] = mapped_column(String(16))
    # The person's own choice (`/lang`, "en" or "zh"); None: follow their Slack locale.
    language: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16), default="rep")
    profile_synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The case-folded name makes "ACME corp" and "Acme Corp" one customer.
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    tier: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_rep_visited_on", "rep_id", "visited_on"),
        Index("ix_visits_customer", "customer_id"),
        Index("ix_visits_follow_up_due", "follow_up_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    visited_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(200))
    next_step: Mapped[str | None] = mapped_column(Text)
    follow_up_due: Mapped[date | None]
    # A follow-up leaves the reminders once done, or until the day it was snoozed to.
    follow_up_done_at: Mapped[datetime | None]
    follow_up_snoozed_until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    rep: Mapped[Person] = relationship(lazy="joined")


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_owner_stage", "owner_id", "stage"),
        Index("ix_deals_customer", "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(20))
    expected_close: Mapped[date | None]
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    bant_budget: Mapped[bool] = mapped_column(default=False)
    bant_authority: Mapped[bool] = mapped_column(default=False)
    bant_need: Mapped[bool] = mapped_column(default=False)
    bant_timeline: Mapped[bool] = mapped_column(default=False)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    # The rep's call for the forecast: "commit", "bestcase", or None (pipeline only).
    forecast: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    owner: Mapped[Person] = relationship(lazy="joined")


class DealNote(Base):
    __tablename__ = "deal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Person] = relationship(lazy="joined")


class StageChange(Base):
    """One move of a deal through the funnel; conversion and aging are computed from these."""

    __tablename__ = "stage_changes"
    # Reports find wins and first arrivals by stage, and a window's moves by time.
    __table_args__ = (
        Index("ix_stage_changes_to_stage", "to_stage", "deal_id", "changed_at"),
        Index("ix_stage_changes_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))

    deal: Mapped[Deal] = relationship()
    changed_by: Mapped[Person] = relationship(lazy="joined")


class AuditEntry(Base):
    """Who created, changed or deleted what, and when, with the record before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class HandledRequest(Base):
    """Slack requests already acted on, so a redelivery never writes twice.

    Written in the same transaction as the change it guards.
    """

    __tablename__ = "handled_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    result: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    # Where the manager digest goes; without one it goes to each manager by DM.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    # ISO 3166 code overriding HOLIDAY_COUNTRY for this team's working days.
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    # When the weekly case-review prompt goes out (overrides CASE_PROMPT_DAY/TIME).
    case_prompt_weekday: Mapped[int | None]
    case_prompt_time: Mapped[str | None] = mapped_column(String(5))
    # Language of the team's channel messages ("en" or "zh"); None: DEFAULT_LANGUAGE.
    language: Mapped[str | None] = mapped_column(String(8))
    # ISO 4217 code of the team's money (amounts typed bare, totals); None: DEFAULT_CURRENCY.
    currency: Mapped[str | None] = mapped_column(String(3))
    # Team energy (issue 13): a card in the channel for each deal won, and the leaderboard
    # in the weekly review and on Home. Both on unless the team's managers turn them off.
    celebrate: Mapped[bool] = mapped_column(default=True)
    leaderboard: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", lazy="selectin"
    )


class Membership(Base):
    """A person on a team, as a member (rep) or as one of its managers."""

    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # Pacing pro-rates a target from the day someone joined, not the period's start.
    joined_on: Mapped[date]

    team: Mapped[Team] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(lazy="joined")


class Target(Base):
    """What a person or a team must reach for one metric in one month or quarter."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("owner_key", "metric", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "person:<id>" or "team:<id>": one unique key, because NULLs never collide.
    owner_key: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date]
    period_end: Mapped[date]
    amount: Mapped[Decimal]
    currency: Mapped[str | None] = mapped_column(String(3))
    set_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person | None] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship(lazy="joined")


class Delivery(Base):
    """The delivery ledger: one row per scheduled message, job, period and recipient.

    The unique key is what makes a send exactly-once: whoever inserts the row sends. A claim
    holds a lease that its sender renews; a claim whose lease ran out was cut off (crash,
    kill -9) with its outcome unknown, and Slack's history says whether it went out.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("job", "period", "recipient"),
        # Health and the backlog are counted by state, never by listing recipients.
        Index("ix_deliveries_status_job", "status", "job"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(200))
    # Which sender holds the claim, and until when unless it renews it.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    # After a transient failure: not tried again before this.
    retry_at: Mapped[datetime | None]
    # Past this the message is no longer worth sending (None: until sent).
    useful_until: Mapped[datetime | None]
    # What was claimed, kept until it is sent, so a late send posts the same message.
    message: Mapped[dict[str, Any] | None]


class JobRun(Base):
    """The scheduler's own health: when each job last ran, and how it went."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_sent: Mapped[int] = mapped_column(default=0)
    last_failed: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Transient failures the run left to retry, and messages it gave up on as too late.
    last_retrying: Mapped[int] = mapped_column(default=0)
    last_missed: Mapped[int] = mapped_column(default=0)
    # The earliest send the run saw coming, so health never lists recipients to find it.
    next_send_at: Mapped[datetime | None]


class Instalment(Base):
    """One agreed payment of a won deal: how much, by when, and how much has come in."""

    __tablename__ = "instalments"
    __table_args__ = (Index("ix_instalments_due", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    due_on: Mapped[date]
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    paid_on: Mapped[date | None]  # when the last of it came in
    # Alerts hold until this day (owner or manager, at most 14 days ahead).
    snoozed_until: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    deal: Mapped[Deal] = relationship(lazy="joined")


class Payment(Base):
    """Money received for a deal; allocations say which instalments it settled."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    received_on: Mapped[date] = mapped_column(index=True)
    recorded_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", lazy="selectin"
    )


class PaymentAllocation(Base):
    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    instalment_id: Mapped[int] = mapped_column(
        ForeignKey("instalments.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal]

    payment: Mapped[Payment] = relationship(back_populates="allocations")


class InstalmentNote(Base):
    """A note on an overdue instalment (e.g. "customer promised to pay Friday")."""

    __tablename__ = "instalment_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(
        ForeignKey("instalments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[Person] = relationship(lazy="joined")


class Case(Base):
    """A weekly case write-up (案例复盘): pain point, strategy, result, lessons."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_author_week", "author_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    week: Mapped[str] = mapped_column(String(8))  # ISO week it was written for, "2026-W47"
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(150))
    pain_point: Mapped[str] = mapped_column(Text)
    strategy: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    lessons: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(300), default="")  # space-separated, lower case
    # Where its team card was posted, so an edit can update it in place.
    channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[Person] = relationship(lazy="joined")
    customer: Mapped[Customer | None] = relationship(lazy="joined")


class Away(Base):
    """Days someone is away: no case-review prompts or reminders for those weeks."""

    __tablename__ = "away"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettingOverride(Base):
    """A setting an admin changed from the Home tab (e.g. PACING_TIME = "10:00"); it wins
    over the environment's value. Stored as the environment writes it."""

    __tablename__ = "setting_overrides"

    # An integer id like every other table, so the audit log can point at it.
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# Inbox: every command, button press and form submission the bot acknowledged (issue 9).
class InboxRequest(Base):
    """A Slack request acknowledged by a web process and not yet (or already) processed
    by a worker. `key` names the Slack request, so a redelivery is the same row."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_waiting", "finished_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # command, action, view, event, other
    body: Mapped[dict[str, Any]]
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    # Slack may deliver a request again; each delivery is answered, its writes made once.
    deliveries: Mapped[int] = mapped_column(default=1)
    processed: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)  # claims, including ones cut off
    finished_at: Mapped[datetime | None]  # None while a delivery waits to be processed
    outcome: Mapped[str | None] = mapped_column(String(16))  # done, abandoned


class OutboxReply(Base):
    """An answer a worker owes a person, recorded in the transaction that finishes its
    request, then sent (and retried) by a reply sender: `key` names the request, its
    delivery and the answer's place among that delivery's answers, so it is recorded once."""

    __tablename__ = "outbox_replies"
    __table_args__ = (Index("ix_outbox_replies_waiting", "sent_at", "retry_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(240), unique=True)
    user_id: Mapped[str | None] = mapped_column(String(32))  # whom to DM when no response_url
    response_url: Mapped[str | None] = mapped_column(Text)
    message: Mapped[dict[str, Any]]
    asked_at: Mapped[datetime]  # when the request was accepted: response_url is valid 30 min
    recorded_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    retry_at: Mapped[datetime | None]
    dm_posted_at: Mapped[datetime | None]  # a DM was attempted: look in history before again
    sent_at: Mapped[datetime | None]  # sent, found sent, or given up (outcome says which)
    outcome: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(80))


# Customers: contacts at a customer (issue 13). Personal data: `/customer … forget` deletes
# the row and scrubs its audit history.
class Contact(Base):
    """Someone at a customer: name, title, role in the deal, and how to reach them."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120))
    # decision_maker, influencer, user or finance (sales/tiers.py CONTACT_ROLES); None: unknown.
    role: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")


class VisitContact(Base):
    """Who the rep met on a visit ("met with"); goes with the contact when it is forgotten."""

    __tablename__ = "visit_contacts"
    __table_args__ = (UniqueConstraint("visit_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )

    contact: Mapped[Contact] = relationship(lazy="joined")


# Currencies: exchange rates admins keep (issue 11).
class ExchangeRate(Base):
    """One unit of `from_currency` is worth `rate` of `to_currency` from `effective_on` until
    the next rate of the same pair."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("from_currency", "to_currency", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(24, 10))
    effective_on: Mapped[date]
    set_by: Mapped[str] = mapped_column(String(32))
    set_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

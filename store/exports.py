"""Every kind of record as flat rows, streamed, for `bot.py export` (reporting and backups).

Each kind is one Core query whose labelled columns are the export's columns, in order. Rows
are fetched in batches (a server-side cursor on PostgreSQL), so memory stays flat however
many there are. People and customers are named as well as given by id, so a spreadsheet
needs no joins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Select, Table, case, func, inspect, literal, select
from sqlalchemy.orm import Session, aliased

from store.models import (
    AuditEntry,
    Away,
    Base,
    Case,
    Contact,
    Customer,
    Deal,
    DealNote,
    ExchangeRate,
    Instalment,
    InstalmentNote,
    Membership,
    Payment,
    PaymentAllocation,
    Person,
    StageChange,
    Target,
    Team,
    Visit,
    VisitContact,
)

BATCH = 1000
EXCHANGE_RATES_TABLE = "exchange_rates"
Row = Mapping[str, Any]


class NoSuchTable(Exception):
    """This database has no table for the kind asked for (e.g. a version without it)."""


@dataclass(frozen=True)
class Kind:
    name: str
    # The columns people read first, in order; every other column of `model`'s table
    # follows, so a field added to the model is exported without anyone remembering to.
    query: Callable[[], Select[Any]] | None
    # None: every column of the table `name`, read from the database's own schema.
    model: type[Base] | None = None

    def select(self) -> Select[Any]:
        assert self.query is not None
        assert self.model is not None
        query = self.query()
        table = self.model.__table__
        taken = {
            base.name
            for column in query.selected_columns
            if getattr(base := getattr(column, "element", column), "table", None) is table
        }
        return query.add_columns(*(c for c in table.columns if c.name not in taken))


def columns_of(name: str) -> list[str]:
    """The columns an export of `name` has (for a kind with a fixed query)."""
    return [column.name for column in KINDS[name].select().selected_columns]


def stream(session: Session, kind: Kind) -> tuple[list[str], Iterator[Row]]:
    """The kind's column names and its rows, fetched `BATCH` at a time."""
    query = kind.select() if kind.query is not None else _whole_table(session, kind.name)
    columns = [column.name for column in query.selected_columns]
    result = session.execute(query, execution_options={"yield_per": BATCH})
    return columns, (row for row in result.mappings())


def _visits() -> Select[Any]:
    rep = aliased(Person)
    return (
        select(
            Visit.id,
            Visit.customer_id,
            Customer.name.label("customer"),
            rep.slack_user_id.label("rep_slack_id"),
            rep.display_name.label("rep"),
            Visit.visited_on,
            Visit.notes,
            Visit.outcome,
            Visit.next_step,
            Visit.follow_up_due,
            Visit.follow_up_done_at,
            Visit.follow_up_snoozed_until,
            Visit.created_at,
            Visit.updated_at,
        )
        .join(Customer, Visit.customer_id == Customer.id)
        .join(rep, Visit.rep_id == rep.id)
        .order_by(Visit.id)
    )


def _deals() -> Select[Any]:
    owner = aliased(Person)
    return (
        select(
            Deal.id,
            Deal.customer_id,
            Customer.name.label("customer"),
            Deal.title,
            Deal.amount,
            Deal.currency,
            Deal.stage,
            Deal.expected_close,
            owner.slack_user_id.label("owner_slack_id"),
            owner.display_name.label("owner"),
            Deal.bant_budget,
            Deal.bant_authority,
            Deal.bant_need,
            Deal.bant_timeline,
            Deal.lost_reason,
            Deal.created_at,
            Deal.updated_at,
        )
        .join(Customer, Deal.customer_id == Customer.id)
        .join(owner, Deal.owner_id == owner.id)
        .order_by(Deal.id)
    )


def _stage_history() -> Select[Any]:
    who = aliased(Person)
    return (
        select(
            StageChange.id,
            StageChange.deal_id,
            StageChange.from_stage,
            StageChange.to_stage,
            StageChange.changed_at,
            who.slack_user_id.label("changed_by_slack_id"),
            who.display_name.label("changed_by"),
        )
        .join(who, StageChange.changed_by_id == who.id)
        .order_by(StageChange.id)
    )


def _deal_notes() -> Select[Any]:
    author = aliased(Person)
    return (
        select(
            DealNote.id,
            DealNote.deal_id,
            author.slack_user_id.label("author_slack_id"),
            author.display_name.label("author"),
            DealNote.text,
            DealNote.created_at,
        )
        .join(author, DealNote.author_id == author.id)
        .order_by(DealNote.id)
    )


def _instalments() -> Select[Any]:
    # "number" and "of" are how people see an instalment: "instalment 1 of 2".
    per_deal = {"partition_by": Instalment.deal_id}
    return select(
        Instalment.id,
        Instalment.deal_id,
        func.row_number()
        .over(**per_deal, order_by=(Instalment.due_on, Instalment.id))
        .label("number"),
        func.count().over(**per_deal).label("of"),
        Instalment.amount,
        Instalment.currency,
        Instalment.due_on,
        Instalment.paid_amount,
        Instalment.paid_on,
        Instalment.snoozed_until,
        Instalment.created_by,
        Instalment.created_at,
        Instalment.updated_at,
    ).order_by(Instalment.id)


def _instalment_notes() -> Select[Any]:
    author = aliased(Person)
    return (
        select(
            InstalmentNote.id,
            InstalmentNote.instalment_id,
            Instalment.deal_id,
            author.slack_user_id.label("author_slack_id"),
            author.display_name.label("author"),
            InstalmentNote.text,
            InstalmentNote.created_at,
        )
        .join(Instalment, InstalmentNote.instalment_id == Instalment.id)
        .join(author, InstalmentNote.author_id == author.id)
        .order_by(InstalmentNote.id)
    )


def _payments() -> Select[Any]:
    return select(
        Payment.id,
        Payment.deal_id,
        Payment.amount,
        Payment.currency,
        Payment.received_on,
        Payment.recorded_by,
        Payment.created_at,
    ).order_by(Payment.id)


def _payment_allocations() -> Select[Any]:
    return (
        select(
            PaymentAllocation.id,
            PaymentAllocation.payment_id,
            PaymentAllocation.instalment_id,
            Payment.deal_id,
            PaymentAllocation.amount,
            Payment.currency,
        )
        .join(Payment, PaymentAllocation.payment_id == Payment.id)
        .order_by(PaymentAllocation.id)
    )


def _targets() -> Select[Any]:
    # The first six columns are the import file's (`import targets` reads this back).
    owner = aliased(Person)
    return (
        select(
            case((Target.person_id.is_not(None), literal("person")), else_=literal("team")).label(
                "scope"
            ),
            func.coalesce(owner.slack_user_id, Team.name).label("who"),
            Target.metric,
            Target.amount,
            Target.period,
            Target.currency,
            Target.id,
            Target.period_start,
            Target.period_end,
            Target.set_by,
            Target.updated_at,
        )
        .outerjoin(owner, Target.person_id == owner.id)
        .outerjoin(Team, Target.team_id == Team.id)
        .order_by(Target.id)
    )


def _teams() -> Select[Any]:
    # One row per manager or member (the import file's first four columns), and one row
    # with no person for a team nobody is on yet, so every team is there.
    person = aliased(Person)
    return (
        select(
            Team.name.label("team"),
            person.slack_user_id,
            Membership.role,
            Team.channel_id,
            person.display_name,
            Membership.joined_on,
            Team.id.label("team_id"),
            Team.holiday_country,
            Team.case_prompt_weekday,
            Team.case_prompt_time,
            Team.created_at.label("team_created_at"),
        )
        .outerjoin(Membership, Membership.team_id == Team.id)
        .outerjoin(person, Membership.person_id == person.id)
        .order_by(Team.id, Membership.role, Membership.id)  # "manager" sorts first
    )


def _cases() -> Select[Any]:
    author = aliased(Person)
    return (
        select(
            Case.id,
            Case.week,
            author.slack_user_id.label("author_slack_id"),
            author.display_name.label("author"),
            Case.team_id,
            Team.name.label("team"),
            Case.customer_id,
            Customer.name.label("customer"),
            Case.deal_id,
            Case.title,
            Case.pain_point,
            Case.strategy,
            Case.result,
            Case.lessons,
            Case.tags,
            Case.created_at,
            Case.updated_at,
        )
        .join(author, Case.author_id == author.id)
        .outerjoin(Team, Case.team_id == Team.id)
        .outerjoin(Customer, Case.customer_id == Customer.id)
        .order_by(Case.id)
    )


def _away() -> Select[Any]:
    return (
        select(
            Away.id,
            Person.slack_user_id.label("person_slack_id"),
            Person.display_name.label("person"),
            Away.first_day,
            Away.last_day,
            Away.created_at,
        )
        .join(Person, Away.person_id == Person.id)
        .order_by(Away.id)
    )


def _exchange_rates() -> Select[Any]:
    # The columns `bot.py import rates` reads come first, so an export imports back.
    return select(
        ExchangeRate.id,
        ExchangeRate.from_currency,
        ExchangeRate.to_currency,
        ExchangeRate.rate,
        ExchangeRate.effective_on,
    ).order_by(ExchangeRate.from_currency, ExchangeRate.to_currency, ExchangeRate.effective_on)


def _audit_log() -> Select[Any]:
    return select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.entity,
        AuditEntry.entity_id,
        AuditEntry.action,
        AuditEntry.before,
        AuditEntry.after,
    ).order_by(AuditEntry.id)


def _customers() -> Select[Any]:
    return select(Customer.id, Customer.name, Customer.tier, Customer.created_at).order_by(
        Customer.id
    )


def _contacts() -> Select[Any]:
    """Personal data: only an operator runs `bot.py export`. A forgotten contact is gone."""
    return (
        select(
            Contact.id,
            Contact.customer_id,
            Customer.name.label("customer"),
            Contact.name,
            Contact.title,
            Contact.role,
            Contact.phone,
            Contact.email,
        )
        .join(Customer, Contact.customer_id == Customer.id)
        .order_by(Contact.id)
    )


def _visit_contacts() -> Select[Any]:
    return (
        select(
            VisitContact.id,
            VisitContact.visit_id,
            VisitContact.contact_id,
            Contact.name.label("contact"),
        )
        .join(Contact, VisitContact.contact_id == Contact.id)
        .order_by(VisitContact.id)
    )


def _people() -> Select[Any]:
    return select(
        Person.id,
        Person.slack_user_id,
        Person.display_name,
        Person.tz,
        Person.locale,
        Person.role,
        Person.created_at,
    ).order_by(Person.id)


def _whole_table(session: Session, name: str) -> Select[Any]:
    """Every column of the table `name`, if this database has it; read from the schema
    itself, so the export follows whatever the feature that owns the table stores."""
    connection = session.connection()
    if not inspect(connection).has_table(name):
        raise NoSuchTable(name)
    table = Table(name, MetaData(), autoload_with=connection)
    return select(table).order_by(*table.primary_key.columns)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("visits", _visits, Visit),
        Kind("deals", _deals, Deal),
        Kind("stage_history", _stage_history, StageChange),
        Kind("deal_notes", _deal_notes, DealNote),
        Kind("instalments", _instalments, Instalment),
        Kind("instalment_notes", _instalment_notes, InstalmentNote),
        Kind("payments", _payments, Payment),
        Kind("payment_allocations", _payment_allocations, PaymentAllocation),
        Kind("targets", _targets, Target),
        Kind("teams", _teams, Team),
        Kind("cases", _cases, Case),
        Kind("away", _away, Away),
        Kind(EXCHANGE_RATES_TABLE, _exchange_rates, ExchangeRate),
        Kind("audit_log", _audit_log, AuditEntry),
        Kind("customers", _customers, Customer),
        Kind("people", _people, Person),
        Kind("contacts", _contacts, Contact),
        Kind("visit_contacts", _visit_contacts, VisitContact),
    )
}

"""What people see of customers: the card, lists, search results, the contact form, help."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    escape,
    header,
    input_block,
    message,
    plain,
    section,
    text_input,
    truncate,
    user,
)
from blocks.money import converted_text, left_out_lines, subtotal_text
from parsing.customer_command import (
    CUSTOMER_EXAMPLES,
    MAX_EMAIL_CHARS,
    MAX_NAME_CHARS,
    MAX_PHONE_CHARS,
    MAX_TITLE_CHARS,
)
from sales.fx import Converted
from sales.stages import STAGES
from sales.tiers import CONTACT_ROLES, CORE, GROWTH, LONGTAIL, Cadence, TierSuggestions
from store.models import Contact, Customer, Deal, Visit
from translations import Language, gettext, marked, ngettext
from translations.formats import format_day, format_money

ADD_CONTACT = "customer_add_contact"
CONTACT_MODAL = "customer_contact_modal"
ROLE_SELECT = "role"
MAX_LIST_ROWS = 40
MAX_CARD_DEALS = 10

TIER_NAMES: dict[str, str] = {
    # L10N: a customer tier (客户分层), at most 30 characters
    CORE: marked("Core"),
    # L10N: a customer tier (客户分层), at most 30 characters
    GROWTH: marked("Growth"),
    # L10N: a customer tier (客户分层), at most 30 characters
    LONGTAIL: marked("Long-tail"),
}
ROLE_NAMES: dict[str, str] = {
    # L10N: a contact's role in a deal, at most 75 characters
    "decision_maker": marked("Decision maker"),
    # L10N: a contact's role in a deal, at most 75 characters
    "influencer": marked("Influencer"),
    # L10N: a contact's role in a deal, at most 75 characters
    "user": marked("User"),
    # L10N: a contact's role in a deal, at most 75 characters
    "finance": marked("Finance"),
}
STAGE_NAMES: dict[str, str] = {
    "lead": marked("Lead"),
    "qualified": marked("Qualified"),
    "contacted": marked("Contacted"),
    "proposal": marked("Proposal"),
    "negotiation": marked("Negotiation"),
    "won": marked("Won"),
    "lost": marked("Lost"),
}


@dataclass(frozen=True)
class CustomerCard:
    """Everything a customer's card shows, already limited to what its reader may see."""

    customer: Customer
    cadence: Cadence
    owners: Sequence[str]  # Slack user ids
    open_deals: Sequence[Deal]
    # Totals in the reader's currency: open deals and what is owed at the rates in force on
    # `valued_on`, each win at its win day's rate; what had no rate is in `left_out`.
    open_total: Converted
    won_this_year: Converted
    won_deals: int
    year: int
    visits: Sequence[Visit]
    outstanding: Converted
    overdue: Converted  # a part of `outstanding`
    other_currencies: bool  # some amount counted is not in the reader's currency
    valued_on: date
    contacts: Sequence[Contact]
    sees_everything: bool


@dataclass(frozen=True)
class ListedCustomer:
    customer: Customer
    cadence: Cadence
    open_deals: int


@dataclass(frozen=True)
class ContactModalContext:
    customer_id: int
    response_url: str | None = None

    def dump(self) -> str:
        return json.dumps({"customer_id": self.customer_id, "response_url": self.response_url})

    @classmethod
    def load(cls, text: str) -> ContactModalContext | None:
        try:
            data = json.loads(text or "{}")
            return cls(int(data["customer_id"]), data.get("response_url"))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            return None


def tier_name(language: Language, tier: str | None) -> str:
    if tier is None:
        return gettext(language, "No tier")
    return gettext(language, TIER_NAMES[tier]) if tier in TIER_NAMES else tier


def stage_name(language: Language, key: str) -> str:
    stage = STAGES.get(key)
    if stage is None:
        return key
    return f"{stage.emoji} {gettext(language, STAGE_NAMES[key])}"


def cadence_text(language: Language, cadence: Cadence, today: date) -> str:
    """ "Core · last visit 21 days ago · due every 14 days", with a warning when overdue."""
    parts = [tier_name(language, cadence.tier)]
    since = cadence.days_since(today)
    if since is None:
        parts.append(gettext(language, "never visited"))
    elif since == 0:
        parts.append(gettext(language, "last visit today"))
    else:
        parts.append(ngettext(language, "last visit {n} day ago", "last visit {n} days ago", since))
    if cadence.every_days is not None:
        parts.append(
            ngettext(language, "due every {n} day", "due every {n} days", cadence.every_days)
        )
    text = " · ".join(parts)
    return f":warning: {text}" if cadence.is_overdue(today) else text


COLD_PER_REP = 4  # customers named per rep in a digest line


@dataclass(frozen=True, slots=True)
class ColdCustomer:
    """A tiered customer of someone's, with where it stands against its cadence."""

    customer_id: int
    name: str
    cadence: Cadence


def going_cold_text(
    language: Language, cold: Sequence[ColdCustomer], today: date, shown: int
) -> str:
    """ "*Going cold* (2)" and a line per customer ("Acme · core · last visit 21 days ago ·
    due every 14 days"), the first `shown` of them and how many more."""
    title = gettext(
        language, "*Going cold* ({count}): customers overdue for a visit", count=len(cold)
    )
    lines = [
        f"• *{escape(item.name)}* · {cadence_text(language, item.cadence, today)}"
        for item in cold[:shown]
    ]
    hidden = len(cold) - shown
    if hidden > 0:
        lines.append(gettext(language, "…and {count} more: `/customer list mine`", count=hidden))
    return "\n".join([title, *lines])


def going_cold_by_rep(
    language: Language, slack_user_id: str, cold: Sequence[ColdCustomer], today: date
) -> str:
    """ "• @rita: Acme Corp (17 days, due every 14), Globex (never visited)" for a digest."""
    shown = []
    for item in cold[:COLD_PER_REP]:
        since = item.cadence.days_since(today)
        every = item.cadence.every_days or 0
        shown.append(
            gettext(language, "{customer} (never visited)", customer=escape(item.name))
            if since is None
            else gettext(
                language,
                "{customer} ({days} days, due every {every})",
                customer=escape(item.name),
                days=since,
                every=every,
            )
        )
    hidden = len(cold) - COLD_PER_REP
    if hidden > 0:
        shown.append(gettext(language, "{count} more", count=hidden))
    return f"• {user(slack_user_id)}: " + gettext(language, ", ").join(shown)


def customer_card(
    language: Language, card: CustomerCard, today: date, headline: str = ""
) -> Message:
    name = escape(card.customer.name)
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks += [
        header(truncate(card.customer.name, 150)),
        context(cadence_text(language, card.cadence, today)),
    ]
    owners = ", ".join(user(owner) for owner in card.owners) or gettext(language, "nobody yet")
    blocks.append(section(gettext(language, "*Owners*: {owners}", owners=owners)))
    blocks.append(section(_deals_text(language, card)))
    blocks.append(section(_money_text(language, card)))
    blocks.append(section(_visits_text(language, card.visits)))
    blocks.append(section(_contacts_text(language, card.contacts)))
    if not card.sees_everything:
        blocks.append(
            context(
                gettext(
                    language,
                    "Deals, visits and money shown are those of the people whose records you "
                    "may see.",
                )
            )
        )
    blocks.append(
        actions(
            f"customer_{card.customer.id}",
            # L10N: button, at most 75 characters
            button(gettext(language, "Add contact"), ADD_CONTACT, str(card.customer.id)),
        )
    )
    return message(gettext(language, "Customer {name}", name=name), blocks)


def _money_text(language: Language, card: CustomerCard) -> str:
    """Won this year, outstanding and overdue, each with what it could not count."""
    won = gettext(
        language,
        "*Won in {year}*: {amount} ({count})",
        year=card.year,
        amount=_total_or_none(language, card.won_this_year, converted_text),
        count=ngettext(language, "{n} deal", "{n} deals", card.won_deals),
    )
    owed = gettext(
        language,
        "*Outstanding*: {outstanding} · *overdue*: {overdue}",
        outstanding=_total_or_none(language, card.outstanding, converted_text),
        # What overdue could not count is part of outstanding's, said once below it.
        overdue=_total_or_none(language, card.overdue, subtotal_text),
    )
    lines = [
        won,
        *left_out_lines(language, card.won_this_year.left_out, card.won_this_year.currency),
        owed,
        *left_out_lines(language, card.outstanding.left_out, card.outstanding.currency),
    ]
    if card.other_currencies:
        lines.append(
            gettext(
                language,
                "_Totals in {currency}: open deals and money owed at the exchange rates in "
                "force on {day}, each win at the rate of the day it was won._",
                currency=card.open_total.currency,
                day=format_day(language, card.valued_on),
            )
        )
    return truncate("\n".join(lines), 3000)


def _total_or_none(
    language: Language, total: Converted, text: Callable[[Language, Converted], str]
) -> str:
    if not total.total and not any(total.left_out.values()):
        return gettext(language, "none")
    return text(language, total)


def _deals_text(language: Language, card: CustomerCard) -> str:
    if not card.open_deals:
        title = gettext(language, "*Open deals*")
        return f"{title}\n{gettext(language, 'None.')}"
    title = gettext(
        language, "*Open deals*: {total}", total=converted_text(language, card.open_total)
    )
    lines = []
    for deal in card.open_deals[:MAX_CARD_DEALS]:
        closes = (
            gettext(language, "closes {day}", day=format_day(language, deal.expected_close))
            if deal.expected_close
            else gettext(language, "no close date")
        )
        lines.append(
            f"• #{deal.id} {escape(truncate(deal.title, 80))} · {stage_name(language, deal.stage)}"
            f" · {format_money(language, deal.amount, deal.currency)} · {closes}"
        )
    hidden = len(card.open_deals) - MAX_CARD_DEALS
    if hidden > 0:
        lines.append(ngettext(language, "…and {n} more", "…and {n} more", hidden))
    # The lines the total could not count come first, so truncation never drops them.
    left_out = left_out_lines(language, card.open_total.left_out, card.open_total.currency)
    head = "\n".join([title, *left_out])
    return truncate(head + "\n" + truncate("\n".join(lines), max(1, 2999 - len(head))), 3000)


def _visits_text(language: Language, visits: Sequence[Visit]) -> str:
    title = gettext(language, "*Last visits*")
    if not visits:
        none_yet = gettext(language, "None yet.")
        return f"{title}\n{none_yet}"
    lines = []
    for visit in visits:
        line = (
            f"• {format_day(language, visit.visited_on)} · {user(visit.rep.slack_user_id)} · "
            f"{escape(truncate(visit.notes, 150))}"
        )
        if visit.next_step:
            step = escape(truncate(visit.next_step, 120))
            line += "\n   " + (
                gettext(
                    language,
                    "Next: {step} (by {day})",
                    step=step,
                    day=format_day(language, visit.follow_up_due),
                )
                if visit.follow_up_due
                else gettext(language, "Next: {step}", step=step)
            )
        lines.append(line)
    return truncate(title + "\n" + "\n".join(lines), 3000)


def contact_line(language: Language, contact: Contact) -> str:
    parts = [f"*{escape(contact.name)}*"]
    if contact.title:
        parts.append(escape(contact.title))
    if contact.role in ROLE_NAMES:
        parts.append(gettext(language, ROLE_NAMES[contact.role]))
    if contact.phone:
        parts.append(escape(contact.phone))
    if contact.email:
        parts.append(escape(contact.email))
    return " · ".join(parts)


def _contacts_text(language: Language, contacts: Sequence[Contact]) -> str:
    title = gettext(language, "*Contacts*")
    if not contacts:
        none_yet = gettext(language, "None yet: add one with the button below.")
        return f"{title}\n{none_yet}"
    lines = [f"• {contact_line(language, contact)}" for contact in contacts[:30]]
    return truncate(title + "\n" + "\n".join(lines), 3000)


def customer_list(
    language: Language, rows: Sequence[ListedCustomer], today: date, asked_for: str, empty: str
) -> Message:
    if not rows:
        return message(empty, [section(escape(empty))])
    lines = []
    for row in rows[:MAX_LIST_ROWS]:
        deals = ngettext(language, "{n} open deal", "{n} open deals", row.open_deals)
        status = cadence_text(language, row.cadence, today)
        lines.append(f"• *{escape(row.customer.name)}* · {status} · {deals}")
    blocks: list[Block] = [section(asked_for), section(truncate("\n".join(lines), 3000))]
    hidden = len(rows) - MAX_LIST_ROWS
    if hidden > 0:
        blocks.append(
            context(
                ngettext(
                    language,
                    "…and {n} more; narrow the list with a tier or a search.",
                    "…and {n} more; narrow the list with a tier or a search.",
                    hidden,
                )
            )
        )
    return message(asked_for, blocks)


def customer_help(language: Language) -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in CUSTOMER_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
        "*Customers*\n"
        "• `/customer <name>` shows the customer's card: tier, owners, open deals, wins, "
        "visits, money owed and contacts.\n"
        "• `/customer list [core|growth|longtail] [mine|all]` lists your customers.\n"
        "• `/customer search <words>` looks in names, visit notes, deal titles and notes.\n"
        "• `/customer <name> contact <name>, <title>[, <role>][, <phone>][, <email>]` adds "
        "a contact; roles: decision maker, influencer, user, finance.\n"
        "• `/customer <name> forget <contact>` deletes a contact's details everywhere.\n"
        "• `/customer <name> tier core|growth|longtail` (managers and admins).\n\n"
        "*Examples*\n{examples}",
        examples=examples,
    )
    return message(gettext(language, "How to use /customer"), [section(text)])


def contact_modal(
    language: Language, customer: Customer, context_data: ContactModalContext
) -> dict[str, Any]:
    options = [
        {"text": plain(gettext(language, ROLE_NAMES[role])), "value": role}
        for role in CONTACT_ROLES
    ]
    return {
        "type": "modal",
        "callback_id": CONTACT_MODAL,
        "private_metadata": context_data.dump(),
        # L10N: modal title, at most 24 characters
        "title": plain(truncate(gettext(language, "New contact"), 24)),
        # L10N: button, at most 24 characters
        "submit": plain(truncate(gettext(language, "Save"), 24)),
        # L10N: button, at most 24 characters
        "close": plain(truncate(gettext(language, "Cancel"), 24)),
        "blocks": [
            section(gettext(language, "A contact at *{customer}*", customer=escape(customer.name))),
            # L10N: label, at most 2000 characters
            input_block(
                "name",
                gettext(language, "Name"),
                text_input("name", None, max_length=MAX_NAME_CHARS),
            ),
            input_block(
                "title",
                # L10N: label, at most 2000 characters
                gettext(language, "Title"),
                text_input("title", None, max_length=MAX_TITLE_CHARS),
                optional=True,
            ),
            input_block(
                ROLE_SELECT,
                # L10N: label, at most 2000 characters
                gettext(language, "Role in the deal"),
                {"type": "static_select", "action_id": ROLE_SELECT, "options": options},
                optional=True,
            ),
            input_block(
                "phone",
                # L10N: label, at most 2000 characters
                gettext(language, "Phone"),
                text_input("phone", None, max_length=MAX_PHONE_CHARS),
                optional=True,
            ),
            input_block(
                "email",
                # L10N: label, at most 2000 characters
                gettext(language, "Email"),
                text_input("email", None, max_length=MAX_EMAIL_CHARS),
                optional=True,
            ),
            context(
                gettext(
                    language,
                    "Contact details are personal data: they are seen only by people who may "
                    "see this customer, and `/customer <name> forget <contact>` deletes them.",
                )
            ),
        ],
    }


ACCEPT_TIER = "customer_accept_tier"
ACCEPT_ALL_TIERS = "customer_accept_all_tiers"
MAX_SUGGESTIONS = 20  # a section and its button each, within a message's 50 blocks


def tier_choice(customer_id: int, tier: str) -> str:
    """A button's value: which customer, which tier."""
    return f"{customer_id}:{tier}"


def read_tier_choices(value: str) -> list[tuple[int, str]]:
    """The (customer id, tier) pairs a button's value names; malformed parts are skipped."""
    found = []
    for part in value.split(","):
        number, _, tier = part.partition(":")
        if number.isdigit() and len(number) < 19 and tier in TIER_NAMES:
            found.append((int(number), tier))
    return found


def tier_suggestions_message(
    language: Language, suggestions: TierSuggestions, month: date
) -> Message:
    title = gettext(language, "Customer tier suggestions · {month}", month=month.strftime("%Y-%m"))
    counted = gettext(
        language,
        "From won revenue over the last 12 months: {total} in {count} across {customers}. "
        "Core: the customers bringing the top 20% of it; growth: the next 30%; long-tail: "
        "the rest.",
        total=format_money(language, suggestions.total, suggestions.currency),
        count=ngettext(language, "{n} won deal", "{n} won deals", suggestions.wins),
        customers=ngettext(language, "{n} customer", "{n} customers", suggestions.customers),
    )
    blocks: list[Block] = [header(truncate(title, 150)), context(counted)]
    not_counted = left_out_lines(language, suggestions.left_out_money, suggestions.currency)
    if suggestions.left_out:
        names = ", ".join(escape(name) for name in suggestions.left_out[:20])
        not_counted.append(
            gettext(
                language,
                "Left out (no exchange rate to {currency} for any of their wins): {names}",
                currency=suggestions.currency,
                names=names,
            )
        )
    if not_counted:
        blocks.append(context("\n".join(not_counted)))
    for suggestion in suggestions.changes[:MAX_SUGGESTIONS]:
        line = gettext(
            language,
            "*{customer}*: {current} → *{suggested}* · {revenue} ({share}%)",
            customer=escape(suggestion.name),
            current=tier_name(language, suggestion.current),
            suggested=tier_name(language, suggestion.suggested),
            revenue=format_money(language, suggestion.revenue, suggestions.currency),
            share=str((suggestion.share * 100).quantize(Decimal(1))),
        )
        blocks.append(
            section(
                line,
                accessory=button(
                    # L10N: button, at most 75 characters
                    gettext(language, "Accept"),
                    f"{ACCEPT_TIER}_{suggestion.customer_id}",
                    tier_choice(suggestion.customer_id, suggestion.suggested),
                ),
            )
        )
    hidden = len(suggestions.changes) - MAX_SUGGESTIONS
    if hidden > 0:
        blocks.append(
            context(
                ngettext(
                    language,
                    "…and {n} more; accepting all sets the ones shown here.",
                    "…and {n} more; accepting all sets the ones shown here.",
                    hidden,
                )
            )
        )
    shown = suggestions.changes[:MAX_SUGGESTIONS]
    blocks.append(
        actions(
            "tier_suggestions",
            button(
                # L10N: button, at most 75 characters
                gettext(language, "Accept all"),
                ACCEPT_ALL_TIERS,
                ",".join(tier_choice(s.customer_id, s.suggested) for s in shown),
                style="primary",
            ),
        )
    )
    return message(title, blocks)

"""What people see of visits: the saved-visit card, the visit modal and /visit help."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from blocks.common import (
    Message,
    actions,
    button,
    confirm_dialog,
    context,
    date_input,
    day,
    escape,
    fields_section,
    input_block,
    message,
    plain,
    section,
    text_input,
    truncate,
)
from parsing.dates import DATE_EXAMPLES
from parsing.visit_command import VISIT_EXAMPLES
from store.models import Visit
from translations import ENGLISH, Language, gettext

EDIT_VISIT = "visit_edit"
UNDO_VISIT = "visit_undo"
VISIT_MODAL = "visit_modal"
CUSTOMER_SELECT = "customer"
MET_WITH_SELECT = "met_with"  # type-ahead over the customer's contacts, new names allowed


@dataclass(frozen=True)
class ModalContext:
    """What a modal must remember until it is submitted (kept in private_metadata)."""

    response_url: str | None = None
    visit_id: int | None = None
    customer_name: str | None = None

    def dump(self) -> str:
        return json.dumps({key: value for key, value in vars(self).items() if value is not None})

    @classmethod
    def load(cls, text: str) -> ModalContext:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            return cls()
        return cls(**{key: data.get(key) for key in ("response_url", "visit_id", "customer_name")})


def visit_card(
    visit: Visit,
    warnings: tuple[str, ...] = (),
    *,
    updated: bool = False,
    language: Language = ENGLISH,
    met_with: Sequence[str] = (),
) -> Message:
    customer = escape(visit.customer.name)
    fields = [
        gettext(language, "*Customer*\n{customer}", customer=customer),
        gettext(language, "*Date*\n{day}", day=day(visit.visited_on, language)),
    ]
    if visit.outcome:
        fields.append(gettext(language, "*Outcome*\n{outcome}", outcome=escape(visit.outcome)))
    fields.append(
        gettext(language, "*Next step*\n{next_step}", next_step=follow_up_text(visit, language))
    )
    if met_with:
        people = gettext(language, ", ").join(escape(name) for name in met_with)
        fields.append(gettext(language, "*Met with*\n{people}", people=people))
    headline = (
        gettext(language, ":white_check_mark: Visit updated: *{customer}*", customer=customer)
        if updated
        else gettext(language, ":white_check_mark: Visit logged: *{customer}*", customer=customer)
    )
    blocks = [
        section(headline),
        fields_section(fields),
        section(gettext(language, "*Notes*\n{notes}", notes=escape(visit.notes))),
    ]
    blocks += [context(f":information_source: {escape(warning)}") for warning in warnings]
    blocks.append(context(gettext(language, "Visit #{id}", id=visit.id)))
    blocks.append(
        actions(
            f"visit_{visit.id}",
            # L10N: button, at most 75 characters.
            button(gettext(language, "Edit"), EDIT_VISIT, str(visit.id)),
            button(
                # L10N: button, at most 75 characters.
                gettext(language, "Undo"),
                UNDO_VISIT,
                str(visit.id),
                style="danger",
                confirm=confirm_dialog(
                    # L10N: confirmation dialog title, at most 100 characters.
                    gettext(language, "Remove this visit?"),
                    gettext(
                        language, "The visit to {customer} will be deleted.", customer=customer
                    ),
                    # L10N: confirmation dialog button, at most 30 characters.
                    gettext(language, "Remove"),
                    language=language,
                ),
            ),
        )
    )
    name = visit.customer.name
    fallback = (
        gettext(language, "Visit updated: {customer}", customer=name)
        if updated
        else gettext(language, "Visit logged: {customer}", customer=name)
    )
    return message(fallback, blocks)


def follow_up_text(visit: Visit, language: Language = ENGLISH) -> str:
    if not visit.next_step:
        return "—"
    if not visit.follow_up_due:
        return escape(visit.next_step)
    return gettext(
        language,
        "{next_step} — due {day}",
        next_step=escape(visit.next_step),
        day=day(visit.follow_up_due, language),
    )


def visit_removed(visit_id: int, customer_name: str, language: Language = ENGLISH) -> Message:
    text = gettext(
        language,
        ":wastebasket: Visit #{id} to *{customer}* was removed.",
        id=visit_id,
        customer=escape(customer_name),
    )
    return message(gettext(language, "Visit #{id} removed", id=visit_id), [section(text)])


def customer_option(
    name: str, *, new: bool = False, language: Language = ENGLISH
) -> dict[str, Any]:
    """An option of the customer type-ahead; its value is the name, unique per customer."""
    # L10N: option of a menu, at most 75 characters (with the name, which is cut to fit).
    label = gettext(language, ":heavy_plus_sign: New customer: {name}", name=name) if new else name
    return {"text": plain(truncate(label, 75)), "value": name}


def contact_option(
    name: str, title: str | None = None, *, new: bool = False, language: Language = ENGLISH
) -> dict[str, Any]:
    """An option of the "met with" type-ahead; its value is the contact's name."""
    if new:
        # L10N: option of a menu, at most 75 characters (with the name, which is cut to fit).
        label = gettext(language, ":heavy_plus_sign: New contact: {name}", name=name)
    else:
        label = f"{name} · {title}" if title else name
    return {"text": plain(truncate(label, 75)), "value": name}


def visit_modal(
    today: date,
    context_data: ModalContext,
    visit: Visit | None = None,
    language: Language = ENGLISH,
    met_with: Sequence[str] = (),
) -> dict[str, Any]:
    customer_element: dict[str, Any] = {
        "type": "external_select",
        "action_id": CUSTOMER_SELECT,
        # L10N: placeholder, at most 150 characters.
        "placeholder": plain(gettext(language, "Type a customer's name")),
        "min_query_length": 1,
    }
    name = visit.customer.name if visit else context_data.customer_name
    if name:
        customer_element["initial_option"] = customer_option(name)
    met_element: dict[str, Any] = {
        "type": "multi_external_select",
        "action_id": MET_WITH_SELECT,
        # L10N: placeholder, at most 150 characters.
        "placeholder": plain(gettext(language, "Type a contact's name")),
        "min_query_length": 0,
    }
    if met_with:
        met_element["initial_options"] = [contact_option(name) for name in met_with]
    return {
        "type": "modal",
        "callback_id": VISIT_MODAL,
        "title": plain(
            # L10N: modal title, at most 24 characters.
            gettext(language, "Edit visit") if visit else gettext(language, "Log a visit")
        ),
        # L10N: modal button, at most 24 characters.
        "submit": plain(gettext(language, "Save")),
        # L10N: modal button, at most 24 characters.
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": context_data.dump(),
        "blocks": [
            input_block("customer", gettext(language, "Customer"), customer_element),
            input_block(
                "visited_on",
                gettext(language, "Date"),
                {
                    "type": "datepicker",
                    "action_id": "visited_on",
                    "initial_date": (visit.visited_on if visit else today).isoformat(),
                },
            ),
            input_block(
                "notes",
                gettext(language, "Notes"),
                text_input(
                    "notes", visit.notes if visit else None, multiline=True, max_length=3000
                ),
                # L10N: hint under a form field, at most 2000 characters.
                hint=gettext(language, "Who you met, what you learned, what was agreed."),
            ),
            input_block(
                MET_WITH_SELECT,
                gettext(language, "Met with"),
                met_element,
                optional=True,
                # L10N: hint under a form field, at most 2000 characters.
                hint=gettext(
                    language,
                    "The customer's contacts; type a new name to add them as a contact.",
                ),
            ),
            input_block(
                "outcome",
                gettext(language, "Outcome"),
                text_input("outcome", visit.outcome if visit else None, max_length=200),
                optional=True,
            ),
            input_block(
                "next_step",
                gettext(language, "Next step"),
                text_input("next_step", visit.next_step if visit else None, max_length=500),
                optional=True,
                # L10N: hint under a form field, at most 2000 characters.
                hint=gettext(language, "A follow-up with a due date becomes a reminder."),
            ),
            input_block(
                "follow_up_due",
                gettext(language, "Next step due"),
                date_input("follow_up_due", visit.follow_up_due if visit else None),
                optional=True,
            ),
        ],
    }


def visit_help(language: Language = ENGLISH) -> Message:
    examples = "\n".join(f"• `{escape(gettext(language, example))}`" for example in VISIT_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
        "*Log a customer visit*\n"
        "• `/visit` opens a form.\n"
        "• `/visit <customer>: <notes>` logs at once.\n"
        "• Add `; next: <step>` for the follow-up, and `by <date>` for when it is due.\n\n"
        "*Examples*\n{examples}\n\n"
        "*Dates*: {dates}.",
        examples=examples,
        dates=escape(gettext(language, DATE_EXAMPLES)),
    )
    return message(gettext(language, "How to use /visit"), [section(text)])

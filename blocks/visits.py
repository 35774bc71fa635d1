"""What people see of visits: the saved-visit card, the visit modal and /visit help."""

from __future__ import annotations

import json
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


def visit_card(visit: Visit, warnings: tuple[str, ...] = (), *, updated: bool = False) -> Message:
    verb = "updated" if updated else "logged"
    customer = escape(visit.customer.name)
    fields = [f"*Customer*\n{customer}", f"*Date*\n{day(visit.visited_on)}"]
    if visit.outcome:
        fields.append(f"*Outcome*\n{escape(visit.outcome)}")
    fields.append(f"*Next step*\n{follow_up_text(visit)}")
    blocks = [
        section(f":white_check_mark: Visit {verb}: *{customer}*"),
        fields_section(fields),
        section(f"*Notes*\n{escape(visit.notes)}"),
    ]
    blocks += [context(f":information_source: {escape(warning)}") for warning in warnings]
    blocks.append(context(f"Visit #{visit.id}"))
    blocks.append(
        actions(
            f"visit_{visit.id}",
            button("Edit", EDIT_VISIT, str(visit.id)),
            button(
                "Undo",
                UNDO_VISIT,
                str(visit.id),
                style="danger",
                confirm=confirm_dialog(
                    "Remove this visit?", f"The visit to {customer} will be deleted.", "Remove"
                ),
            ),
        )
    )
    return message(f"Visit {verb}: {visit.customer.name}", blocks)


def follow_up_text(visit: Visit) -> str:
    if not visit.next_step:
        return "—"
    due = f" — due {day(visit.follow_up_due)}" if visit.follow_up_due else ""
    return f"{escape(visit.next_step)}{due}"


def visit_removed(visit_id: int, customer_name: str) -> Message:
    text = f":wastebasket: Visit #{visit_id} to *{escape(customer_name)}* was removed."
    return message(f"Visit #{visit_id} removed", [section(text)])


def customer_option(name: str, *, new: bool = False) -> dict[str, Any]:
    """An option of the customer type-ahead; its value is the name, unique per customer."""
    label = f":heavy_plus_sign: New customer: {name}" if new else name
    return {"text": plain(truncate(label, 75)), "value": name}


def visit_modal(
    today: date, context_data: ModalContext, visit: Visit | None = None
) -> dict[str, Any]:
    customer_element: dict[str, Any] = {
        "type": "external_select",
        "action_id": CUSTOMER_SELECT,
        "placeholder": plain("Type a customer's name"),
        "min_query_length": 1,
    }
    name = visit.customer.name if visit else context_data.customer_name
    if name:
        customer_element["initial_option"] = customer_option(name)
    return {
        "type": "modal",
        "callback_id": VISIT_MODAL,
        "title": plain("Edit visit" if visit else "Log a visit"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": context_data.dump(),
        "blocks": [
            input_block("customer", "Customer", customer_element),
            input_block(
                "visited_on",
                "Date",
                {
                    "type": "datepicker",
                    "action_id": "visited_on",
                    "initial_date": (visit.visited_on if visit else today).isoformat(),
                },
            ),
            input_block(
                "notes",
                "Notes",
                text_input(
                    "notes", visit.notes if visit else None, multiline=True, max_length=3000
                ),
                hint="Who you met, what you learned, what was agreed.",
            ),
            input_block(
                "outcome",
                "Outcome",
                text_input("outcome", visit.outcome if visit else None, max_length=200),
                optional=True,
            ),
            input_block(
                "next_step",
                "Next step",
                text_input("next_step", visit.next_step if visit else None, max_length=500),
                optional=True,
                hint="A follow-up with a due date becomes a reminder.",
            ),
            input_block(
                "follow_up_due",
                "Next step due",
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

"""The `/visit` command text: `<customer>: <notes>[; next: <next step>[ by <date>]]`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from parsing._common import quoted, squash_spaces
from parsing.dates import parse_date
from parsing.errors import ParseError
from parsing.text import name_too_long

VISIT_EXAMPLE = "Acme Corp: met the CFO, budget approved; next: send proposal by friday"
VISIT_EXAMPLES: tuple[str, ...] = (
    f"/visit {VISIT_EXAMPLE}",
    "/visit Globex: demo for the ops team, they want a pilot",
    "/visit Initech: pricing call with IT; next: send the revised quote by 2026-12-15",
)

MAX_CUSTOMER_CHARS = 120
MAX_NOTES_CHARS = 3000
MAX_NEXT_STEP_CHARS = 500

_HELP_WORDS = frozenset({"help", "?"})
_EXAMPLE = f"/visit {VISIT_EXAMPLE}"
_NEXT_RE = re.compile(r";\s*next\s*:", re.IGNORECASE)
# "by" as a word of its own, so "nearby" or "bypass" never start a due date.
_BY_RE = re.compile(r"(?<=\s)by(?=\s)", re.IGNORECASE)


@dataclass(frozen=True)
class VisitHelp:
    pass


@dataclass(frozen=True)
class VisitOpenModal:
    pass


@dataclass(frozen=True)
class VisitLog:
    customer: str
    notes: str
    next_step: str | None
    follow_up_due: date | None
    warnings: tuple[str, ...] = ()


VisitCommand: TypeAlias = VisitHelp | VisitOpenModal | VisitLog


def parse_visit_command(text: str, today: date) -> VisitCommand:
    """What the person meant by `/visit <text>`; `today` is their local date, for due dates.

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    stripped = text.strip()
    if not stripped:
        return VisitOpenModal()
    if stripped.casefold() in _HELP_WORDS:
        return VisitHelp()
    customer, body = _split_customer(stripped)
    notes, next_part = _split_next_step(body)
    if next_part is None:
        return VisitLog(customer, notes, None, None)
    next_step, due, warnings = _read_next_step(next_part, today)
    return VisitLog(customer, notes, next_step, due, warnings)


def _split_customer(text: str) -> tuple[str, str]:
    colon = text.find(":")
    first_next = _NEXT_RE.search(text)
    # In "Acme; next: call" the only colon belongs to "next:", so the customer's one is missing.
    if colon < 0 or (first_next is not None and first_next.end() - 1 == colon):
        raise ParseError("Put a colon after the customer's name.", example=_EXAMPLE)
    # Names are matched against the CRM later, so stray spacing must not make a new customer.
    customer = squash_spaces(text[:colon])
    if not customer:
        raise ParseError("Start with the customer's name, then a colon.", example=_EXAMPLE)
    too_long = name_too_long("The customer's name", customer, MAX_CUSTOMER_CHARS)
    if too_long:
        raise ParseError(too_long, example=_EXAMPLE)
    return customer, text[colon + 1 :]


def _split_next_step(body: str) -> tuple[str, str | None]:
    """The notes, and the text after the last `; next:` (None when there is none)."""
    markers = list(_NEXT_RE.finditer(body))
    if not markers:
        return _checked_notes(body), None
    # The last marker wins, so notes may themselves quote "; next:" earlier on.
    notes = _checked_notes(body[: markers[-1].start()])
    next_part = body[markers[-1].end() :].strip()
    if not next_part:
        raise ParseError("Write the next step after “next:”.", example=_EXAMPLE)
    return notes, next_part


def _checked_notes(text: str) -> str:
    notes = text.strip()
    if not notes:
        raise ParseError(
            "Write what happened at the visit after the customer's name and colon.",
            example=_EXAMPLE,
        )
    if len(notes) > MAX_NOTES_CHARS:
        raise ParseError(
            f"Visit notes can be at most {MAX_NOTES_CHARS} characters; yours have {len(notes)}. "
            "Please shorten them.",
            example=_EXAMPLE,
        )
    return notes


def _read_next_step(text: str, today: date) -> tuple[str, date | None, tuple[str, ...]]:
    """The next step, its due date from a trailing `by <date>`, and any warnings for the person."""
    step, due, warnings = text, None, ()
    by_words = list(_BY_RE.finditer(text))
    if by_words:
        date_text = text[by_words[-1].end() :].strip()
        try:
            due = parse_date(date_text, today)
            step = text[: by_words[-1].start()].strip()
        except ParseError:
            # "by the CFO" is a fine step; keep it whole rather than reject the visit.
            warnings = (f"I couldn't read {quoted(date_text)} as a date, so no due date was set.",)
    if len(step) > MAX_NEXT_STEP_CHARS:
        raise ParseError(
            f"The next step can be at most {MAX_NEXT_STEP_CHARS} characters; "
            f"yours has {len(step)}.",
            example=_EXAMPLE,
        )
    return step, due, warnings

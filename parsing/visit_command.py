"""The `/visit` command text: `<customer>: <notes>[; next: <next step>[ by <date>]]`.

Chinese keyboards' full-width `：` and `；` work as `:` and `;`, and `下一步：` as `next:`
(`华为：拜访了采购总监；下一步：发报价 by 下周五`). The notes keep the person's own
punctuation; only the separators are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from parsing._common import squash_spaces
from parsing.dates import parse_date
from parsing.errors import ParseError
from parsing.text import name_too_long
from translations import marked, msg, nmsg

VISIT_EXAMPLE = "Acme Corp: met the CFO, budget approved; next: send proposal by friday"
_COMMAND_EXAMPLE = marked(
    "/visit Acme Corp: met the CFO, budget approved; next: send proposal by friday"
)
# Marked for the catalog: help shows each one in the reader's language (Chinese ones parse too).
VISIT_EXAMPLES: tuple[str, ...] = (
    _COMMAND_EXAMPLE,
    marked("/visit Globex: demo for the ops team, they want a pilot"),
    marked("/visit Initech: pricing call with IT; next: send the revised quote by 2026-12-15"),
)

MAX_CUSTOMER_CHARS = 120
MAX_NOTES_CHARS = 3000
MAX_NEXT_STEP_CHARS = 500

_HELP_WORDS = frozenset({"help", "?", "？", "帮助", "帮忙"})
# The example is a command, but in Chinese the catalog gives a Chinese visit to copy.
_EXAMPLE = msg(_COMMAND_EXAMPLE)
_COLONS = ":："
# Chinese writers often run the next step on after a comma: "拜访了采购总监，下一步：发报价".
_NEXT_RE = re.compile(
    r"(?:[;；。]\s*(?:next|下一步|下步|待办)|[，,\s]\s*(?:下一步|下步))\s*[:：]", re.IGNORECASE
)
# "by" as a word of its own, so "nearby" or "bypass" never start a due date; Chinese text
# has no spaces, so a Chinese character next to it counts as a word boundary. 截止 is the
# Chinese "due by". Only "by" ignores case: case-folding the Chinese range takes 5 ms at
# every start.
_BY_RE = re.compile(
    r"(?:(?<=\s)|(?<=[\u3400-\u9fff]))(?i:by)(?=\s|[\u3400-\u9fff0-9])|截止(?:到|日期)?[:：]?|截至"
)


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


def _split_customer(command: str) -> tuple[str, str]:
    colon = next((at for at, char in enumerate(command) if char in _COLONS), -1)
    first_next = _NEXT_RE.search(command)
    # In "Acme; next: call" the only colon belongs to "next:", so the customer's one is missing.
    if colon < 0 or (first_next is not None and first_next.end() - 1 == colon):
        raise ParseError(msg("Put a colon after the customer's name."), example=_EXAMPLE)
    # Names are matched against the CRM later, so stray spacing must not make a new customer.
    customer = squash_spaces(command[:colon])
    if not customer:
        raise ParseError(msg("Start with the customer's name, then a colon."), example=_EXAMPLE)
    too_long = name_too_long(msg("The customer's name"), customer, MAX_CUSTOMER_CHARS)
    if too_long:
        raise ParseError(too_long, example=_EXAMPLE)
    return customer, command[colon + 1 :]


def _split_next_step(body: str) -> tuple[str, str | None]:
    """The notes, and the text after the last `; next:` (None when there is none)."""
    markers = list(_NEXT_RE.finditer(body))
    if not markers:
        return _checked_notes(body), None
    # The last marker wins, so notes may themselves quote "; next:" earlier on.
    notes = _checked_notes(body[: markers[-1].start()])
    next_part = body[markers[-1].end() :].strip()
    if not next_part:
        raise ParseError(msg("Write the next step after “next:”."), example=_EXAMPLE)
    return notes, next_part


def _checked_notes(text: str) -> str:
    notes = text.strip()
    if not notes:
        raise ParseError(
            msg("Write what happened at the visit after the customer's name and colon."),
            example=_EXAMPLE,
        )
    if len(notes) > MAX_NOTES_CHARS:
        raise ParseError(
            nmsg(
                "Visit notes can be at most {limit} characters; yours have {n} character. "
                "Please shorten them.",
                "Visit notes can be at most {limit} characters; yours have {n}. "
                "Please shorten them.",
                len(notes),
                limit=MAX_NOTES_CHARS,
            ),
            example=_EXAMPLE,
        )
    return notes


def _read_next_step(part: str, today: date) -> tuple[str, date | None, tuple[str, ...]]:
    """The next step, its due date from a trailing `by <date>`, and any warnings for the person.

    A due date that cannot be read is refused, not kept as part of the step: a follow-up
    with no date is never reminded, and the person would not notice until it was too late.
    """
    step, due = part, None
    by_words = list(_BY_RE.finditer(part))
    if by_words:
        date_text = part[by_words[-1].end() :].strip().rstrip("。")
        step = part[: by_words[-1].start()].strip()
        if not by_words[-1][0].casefold().startswith("by"):
            step = step.rstrip("，,")  # "发报价，截止周五": the comma introduces the date
        due = _due_date(date_text, today)
    if len(step) > MAX_NEXT_STEP_CHARS:
        raise ParseError(
            nmsg(
                "The next step can be at most {limit} characters; yours has {n} character.",
                "The next step can be at most {limit} characters; yours has {n}.",
                len(step),
                limit=MAX_NEXT_STEP_CHARS,
            ),
            example=_EXAMPLE,
        )
    if not step:
        raise ParseError(msg("Write the next step before “by”."), example=_EXAMPLE)
    return step, due, ()


def _due_date(date_text: str, today: date) -> date:
    if not date_text:
        raise ParseError(msg("Add the due date after “by”."), example=_EXAMPLE)
    try:
        return parse_date(date_text, today)
    except ParseError as error:
        raise ParseError(
            msg(
                "{problem} Put the next step's due date after “by”, or leave “by” out.",
                problem=error.text,
            ),
            example=error.example_text,
        ) from error

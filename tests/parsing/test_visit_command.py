import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.dates import DATE_EXAMPLES
from parsing.errors import ParseError
from parsing.visit_command import (
    VISIT_EXAMPLE,
    VISIT_EXAMPLES,
    VisitCommand,
    VisitHelp,
    VisitLog,
    VisitOpenModal,
    parse_visit_command,
)
from tests.parsing.helpers import SENSIBLE_DATES, fits, result_or_error

THURSDAY = date(2026, 1, 29)
FRIDAY = date(2026, 1, 30)
NEXT_MARKER = re.compile(r";\s*next\s*:", re.IGNORECASE)
BY_WORD = re.compile(r"(?<=\s)by(?=\s)", re.IGNORECASE)


def visit(text):
    return parse_visit_command(text, THURSDAY)


def test_visit_example_text():
    assert VISIT_EXAMPLE == "Acme Corp: met the CFO, budget approved; next: send proposal by friday"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_opens_the_form(text):
    assert visit(text) == VisitOpenModal()


@pytest.mark.parametrize("text", ["help", "HELP", " Help ", "?", " ? "])
def test_help(text):
    assert visit(text) == VisitHelp()


def test_the_example():
    assert visit(VISIT_EXAMPLE) == VisitLog(
        customer="Acme Corp",
        notes="met the CFO, budget approved",
        next_step="send proposal",
        follow_up_due=FRIDAY,
    )


@pytest.mark.parametrize("example", VISIT_EXAMPLES)
def test_examples_are_valid_visits(example):
    assert example.startswith("/visit ")
    result = visit(example.removeprefix("/visit "))
    assert isinstance(result, VisitLog)
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme: notes", VisitLog("Acme", "notes", None, None)),
        ("  Acme Corp  :  long   notes  ", VisitLog("Acme Corp", "long   notes", None, None)),
        ("Acme \n  Corp: notes", VisitLog("Acme Corp", "notes", None, None)),
        ("Acme: a: b: c", VisitLog("Acme", "a: b: c", None, None)),
        ("Acme: line 1\nline 2", VisitLog("Acme", "line 1\nline 2", None, None)),
        ("Acme:notes;next:call", VisitLog("Acme", "notes", "call", None)),
        ("Acme: notes ;  NEXT  : call", VisitLog("Acme", "notes", "call", None)),
        ("Acme: notes; Next: call them", VisitLog("Acme", "notes", "call them", None)),
        ("Acme: notes; next call", VisitLog("Acme", "notes; next call", None, None)),
        ("Acme: notes next: call", VisitLog("Acme", "notes next: call", None, None)),
        ("Acme: a; next: b; next: c", VisitLog("Acme", "a; next: b", "c", None)),
        ("Acme: a; next: call by friday", VisitLog("Acme", "a", "call", FRIDAY)),
        ("Acme: a; next: call BY Friday", VisitLog("Acme", "a", "call", FRIDAY)),
        ("Acme: a; next: call by friday.", VisitLog("Acme", "a", "call", FRIDAY)),
        ("Acme: a; next: call by 2026-12-15", VisitLog("Acme", "a", "call", date(2026, 12, 15))),
        ("Acme: a; next: call by in 3 days", VisitLog("Acme", "a", "call", date(2026, 2, 1))),
        (
            "Acme: a; next: go by train by end of month",
            VisitLog("Acme", "a", "go by train", date(2026, 1, 31)),
        ),
        ("Acme: a; next: go nearby friday", VisitLog("Acme", "a", "go nearby friday", None)),
        ("Acme: a; next: by friday", VisitLog("Acme", "a", "by friday", None)),
        ("Acme: a; next: call by\tfriday", VisitLog("Acme", "a", "call", FRIDAY)),
    ],
)
def test_visit_logs(text, expected):
    assert visit(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Acme: a; next: call by fridy", "I couldn't read “fridy” as a date."),
        ("Acme: a; next: sign by the CFO", "I couldn't read “the CFO” as a date."),
        ("Acme: a; next: sign by 2026-02-30", "“2026-02-30” isn't a real date."),
        ("美团: 拜访了CEO；next: 发合同 by 12月32号", "“12月32号” isn't a real date."),
        ("华为：拜访了采购总监；下一步：发报价截止下下周", "I couldn't read “下下周” as a date."),
    ],
)
def test_unreadable_due_date_is_refused_with_an_example(text, problem):
    # A step kept without its date would never be reminded, so the visit is refused whole.
    error = result_or_error(parse_visit_command, text, THURSDAY)
    assert isinstance(error, ParseError)
    assert error.message == (
        f"{problem} Put the next step's due date after “by”, or leave “by” out."
    )
    assert error.example == DATE_EXAMPLES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Acme met the CFO", "Put a colon after the customer's name."),
        ("Acme; next: call", "Put a colon after the customer's name."),
        ("helpme", "Put a colon after the customer's name."),
        (": notes", "Start with the customer's name, then a colon."),
        ("   : notes", "Start with the customer's name, then a colon."),
        ("Acme:", "Write what happened at the visit after the customer's name and colon."),
        ("Acme:   ", "Write what happened at the visit after the customer's name and colon."),
        (
            "Acme: ; next: call",
            "Write what happened at the visit after the customer's name and colon.",
        ),
        ("Acme: notes; next:", "Write the next step after “next:”."),
        ("Acme: notes; next:   ", "Write the next step after “next:”."),
    ],
)
def test_rejections(text, message):
    with pytest.raises(ParseError) as caught:
        visit(text)
    assert caught.value.message == message
    assert caught.value.example == f"/visit {VISIT_EXAMPLE}"


def test_customer_length_limit():
    assert visit("A" * 120 + ": notes") == VisitLog("A" * 120, "notes", None, None)
    with pytest.raises(ParseError, match="at most 120 characters") as caught:
        visit("A" * 121 + ": notes")
    assert caught.value.example.startswith("/visit ")


def test_notes_length_limit():
    assert visit("Acme: " + "n" * 3000) == VisitLog("Acme", "n" * 3000, None, None)
    with pytest.raises(ParseError, match="at most 3000 characters; yours have 3001") as caught:
        visit("Acme: " + "n" * 3001)
    assert caught.value.example.startswith("/visit ")


def test_next_step_length_limit():
    assert visit("Acme: a; next: " + "s" * 500).next_step == "s" * 500
    assert visit("Acme: a; next: " + "s" * 500 + " by friday").next_step == "s" * 500
    with pytest.raises(ParseError, match="at most 500 characters; yours has 501") as caught:
        visit("Acme: a; next: " + "s" * 501)
    assert caught.value.example.startswith("/visit ")


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_a_command_or_a_parse_error(text):
    outcome = result_or_error(parse_visit_command, text, THURSDAY)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example.startswith("/visit ")
    else:
        assert isinstance(outcome, VisitCommand)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Acme", ":", ";", " next", "next:", " by ", "friday", "fridy", " ", "?"]),
        max_size=8,
    ).map("".join),
    st.dates(),
)
def test_grammar_like_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_visit_command, text, today)
    assert isinstance(outcome, VisitCommand) or outcome.message


customers = (
    st.text(st.characters(exclude_characters=":;", exclude_categories=("Cs",)), max_size=120)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
    .filter(fits(120))
)
notes_texts = st.text(min_size=1, max_size=300).map(str.strip).filter(bool)
steps = (
    st.text(min_size=1, max_size=200)
    .map(str.strip)
    .filter(bool)
    .filter(lambda step: not NEXT_MARKER.search(step) and not BY_WORD.search(step))
)


@settings(max_examples=150, deadline=None)
@given(customers, notes_texts.filter(lambda notes: not NEXT_MARKER.search(notes)))
def test_customer_and_notes_round_trip(customer, notes):
    assert visit(f"{customer}: {notes}") == VisitLog(customer, notes, None, None)


@settings(max_examples=150, deadline=None)
@given(customers, notes_texts, steps)
def test_customer_notes_and_step_round_trip(customer, notes, step):
    assert visit(f"{customer}: {notes}; next: {step}") == VisitLog(customer, notes, step, None)


@settings(max_examples=150, deadline=None)
@given(customers, notes_texts, steps, SENSIBLE_DATES, SENSIBLE_DATES)
def test_due_dates_round_trip(customer, notes, step, due, today):
    text = f"{customer}:{notes};next:{step} by {due.isoformat()}"
    assert parse_visit_command(text, today) == VisitLog(customer, notes, step, due)

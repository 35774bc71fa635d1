from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.amounts import Amount
from parsing.errors import ParseError
from parsing.target_command import (
    TARGET_EXAMPLES,
    PersonOwner,
    TargetCommand,
    TargetHelp,
    TargetSet,
    TargetShow,
    TeamOwner,
    parse_target_command,
)
from sales.metrics import METRICS
from sales.periods import month, quarter
from tests.parsing.helpers import result_or_error

TODAY = date(2026, 11, 18)
RITA = "<@U0REP001|rita>"
RITA_OWNER = PersonOwner("U0REP001")
ENTERPRISE = TeamOwner("Enterprise")
NOVEMBER = month(2026, 11)
REVENUE, VISITS = METRICS["revenue"], METRICS["visits"]
NEW_CUSTOMERS, PROPOSALS = METRICS["new_customers"], METRICS["proposals"]


def target(text, today=TODAY):
    return parse_target_command(text, today)


def fails(text):
    with pytest.raises(ParseError) as caught:
        target(text)
    assert caught.value.example
    return caught.value


def amount(value, currency=None):
    return Amount(Decimal(value), currency)


@pytest.mark.parametrize("text", ["", "  "])
def test_nothing_shows_your_own_targets(text):
    assert target(text) == TargetShow(None)


@pytest.mark.parametrize("text", ["help", "Help", "?"])
def test_help(text):
    assert target(text) == TargetHelp()


def test_show_a_persons_or_a_teams_targets():
    assert target(RITA) == TargetShow(RITA_OWNER)
    assert target("<@U0REP001>") == TargetShow(RITA_OWNER)
    assert target("team Enterprise") == TargetShow(ENTERPRISE)
    assert target("TEAM  Mid  Market") == TargetShow(TeamOwner("Mid Market"))
    assert target('team "Ops Revenue"') == TargetShow(TeamOwner("Ops Revenue"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"{RITA} revenue 120k",
            TargetSet(RITA_OWNER, REVENUE, amount("120000"), NOVEMBER, False),
        ),
        (
            f"{RITA} Revenue $1.2m 2026-12",
            TargetSet(RITA_OWNER, REVENUE, amount("1200000", "USD"), month(2026, 12), True),
        ),
        (
            f"{RITA} revenue USD 120,000 2026-Q4",
            TargetSet(RITA_OWNER, REVENUE, amount("120000", "USD"), quarter(2026, 4), True),
        ),
        (
            f"{RITA} revenue 120k EUR next month",
            TargetSet(RITA_OWNER, REVENUE, amount("120000", "EUR"), month(2026, 12), True),
        ),
        (
            f"{RITA} revenue 12万 next quarter",
            TargetSet(RITA_OWNER, REVENUE, amount("120000"), quarter(2027, 1), True),
        ),
        (f"{RITA} visits 40", TargetSet(RITA_OWNER, VISITS, amount("40"), NOVEMBER, False)),
        (f"{RITA} visit 1.5k", TargetSet(RITA_OWNER, VISITS, amount("1500"), NOVEMBER, False)),
        (
            f"{RITA} new customers 3 this quarter",
            TargetSet(RITA_OWNER, NEW_CUSTOMERS, amount("3"), quarter(2026, 4), True),
        ),
        (
            f"{RITA} new_customers 3 this month",
            TargetSet(RITA_OWNER, NEW_CUSTOMERS, amount("3"), NOVEMBER, True),
        ),
        (f"{RITA} proposals 0", TargetSet(RITA_OWNER, PROPOSALS, amount("0"), NOVEMBER, False)),
        (
            "team Enterprise revenue 1.5m 2026-Q4",
            TargetSet(ENTERPRISE, REVENUE, amount("1500000"), quarter(2026, 4), True),
        ),
        (
            "team Mid Market visits 200 2027-1",
            TargetSet(TeamOwner("Mid Market"), VISITS, amount("200"), month(2027, 1), True),
        ),
        # A metric word first in the name is part of the name.
        (
            "team Revenue Ops revenue 5k",
            TargetSet(TeamOwner("Revenue Ops"), REVENUE, amount("5000"), NOVEMBER, False),
        ),
        (
            "team Team New York proposals 5",
            TargetSet(TeamOwner("Team New York"), PROPOSALS, amount("5"), NOVEMBER, False),
        ),
        (
            "team New Customers Squad new customers 4",
            TargetSet(
                TeamOwner("New Customers Squad"), NEW_CUSTOMERS, amount("4"), NOVEMBER, False
            ),
        ),
        (
            'team "Ops Revenue" revenue 5k',
            TargetSet(TeamOwner("Ops Revenue"), REVENUE, amount("5000"), NOVEMBER, False),
        ),
        (
            'team "Ops Revenue" new customers 5',
            TargetSet(TeamOwner("Ops Revenue"), NEW_CUSTOMERS, amount("5"), NOVEMBER, False),
        ),
    ],
)
def test_set(text, expected):
    assert target(text) == expected


def test_the_default_period_is_the_month_of_the_persons_own_today():
    assert target(f"{RITA} visits 4", date(2026, 12, 1)).period == month(2026, 12)
    assert target(f"{RITA} visits 4 this month", date(2027, 2, 28)).period == month(2027, 2)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"{RITA} visits $40", "counted, not money"),
        (f"{RITA} proposals 40 EUR", "counted, not money"),
        (f"{RITA} visits 4.5", "whole number, not 4.5"),
        (f"{RITA} revenue", "Add the target amount after “revenue”"),
        (f"{RITA} new customers", "Add the target amount"),
        (f"{RITA} revenue lots", "couldn't read “lots” as an amount"),
        (f"{RITA} revenue -5k", "negative"),
        (f"{RITA} revenue 120k 2026-13", "couldn't read “2026-13” as a month or quarter"),
        (f"{RITA} revenue 120k someday soon", "“someday soon”"),
        (f"{RITA} calls 50", "I don't know the metric “calls”"),
        (f"{RITA} new leads 50", "I don't know the metric “new”"),
        ("@rita revenue 120k", "I can't tell who “@rita” is"),
        ("rita revenue 120k", "I don't understand “rita”"),
        ("#sales revenue 120k", "is a channel, not a person"),
        ("<!here> visits 5", "isn't one person"),
        ("team", "Name the team"),
        ("team Enterprise calls 50", "I couldn't find a metric"),
        ('team "Ops revenue 5k', "closing quotation mark"),
        ('team "Ops" sales 5k', "I don't know what “sales” means"),
    ],
)
def test_mistakes_are_explained(text, words):
    assert words in fails(text).message


def test_examples_follow_the_metric_and_the_team():
    assert fails(f"{RITA} visits 4.5").example == "/target @rita visits 40"
    assert fails(f"{RITA} revenue lots").example == "/target @rita revenue 120k"
    assert fails("team Mid Market visits 1.5").example == "/target team Mid Market visits 40"
    assert fails('team "Ops Revenue" visits 1.5').example == '/target team "Ops Revenue" visits 40'


def test_every_example_in_help_parses_once_mentions_are_picked():
    for example in TARGET_EXAMPLES:
        text = example.removeprefix("/target").replace("@rita", RITA)
        assert isinstance(target(text), TargetCommand), example


@settings(max_examples=400, deadline=None)
@given(st.text(), st.dates())
def test_any_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_target_command, text, today)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example
    else:
        assert isinstance(outcome, TargetCommand)


grammar_words = st.sampled_from(
    ["team", "help", "revenue", "visits", "new", "customers", "proposals", "120k", "$1.2m", "4.5",
     "0", "-3", "this", "next", "month", "quarter", "2026-12", "2026-Q4", "2100-Q4", "9999-12",
     "Enterprise", '"', "“", RITA, "@rita", "<@U1>", "<#C1|x>", "EUR", "万", "<", ">"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(grammar_words, max_size=8).map(" ".join), st.dates())
def test_grammar_like_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_target_command, text, today)
    assert isinstance(outcome, TargetCommand) or (outcome.message and outcome.example)

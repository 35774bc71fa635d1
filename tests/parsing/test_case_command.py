from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.case_command import (
    AWAY_EXAMPLE,
    CASE_EXAMPLES,
    LIST_EXAMPLE,
    MAX_AWAY_DAYS,
    MAX_SEARCH_WORDS,
    MAX_TAGS,
    CaseAway,
    CaseAwayClear,
    CaseAwayShow,
    CaseCommand,
    CaseHelp,
    CaseList,
    CaseOpenModal,
    CaseSearch,
    normalize_tags,
    parse_case_command,
    search_words,
)
from parsing.errors import ParseError
from tests.parsing.helpers import result_or_error

TODAY = date(2026, 11, 18)  # a Wednesday
RITA = "<@U0REP001|rita>"


def parse(text):
    return parse_case_command(text, TODAY)


def fails(text):
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.example
    return caught.value


@pytest.mark.parametrize("text", ["", "  ", "new", "WRITE"])
def test_nothing_opens_the_form(text):
    assert parse(text) == CaseOpenModal()


@pytest.mark.parametrize("text", ["help", " Help ", "?"])
def test_help(text):
    assert parse(text) == CaseHelp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list", CaseList()),
        ("LIST  ", CaseList()),
        ("list mine", CaseList(mine=True)),
        (f"list {RITA}", CaseList(author_id="U0REP001")),
        ("list <@W0ENT01>", CaseList(author_id="W0ENT01")),
        ("list #Pricing", CaseList(tags=("pricing",))),
        ("list #pricing #cfo, #pricing", CaseList(tags=("pricing", "cfo"))),
        (f"list #cfo {RITA}", CaseList(author_id="U0REP001", tags=("cfo",))),
        (f"list {RITA} {RITA}", CaseList(author_id="U0REP001")),
        # A #tag that also names a channel arrives as a channel link.
        ("list <#C0SALES1|pricing>", CaseList(tags=("pricing",))),
        ("list #价格", CaseList(tags=("价格",))),
    ],
)
def test_list(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("list pricing", "to look for words, use “/case search”"),
        ("list @rita", "I can't tell who “@rita” is"),
        (f"list {RITA} <@U0REP002|oscar>", "one person's cases at a time"),
        (f"list mine {RITA}", "not both"),
        ("list #", "has no tag"),
        ("list #a/b", "can only have letters"),
        ("list <!here>", "isn't one person"),
        ("list #" + "x" * 31, "at most 30 characters"),
    ],
)
def test_list_mistakes_are_explained(text, words):
    error = fails(text)
    assert words in error.message
    assert error.example == str(LIST_EXAMPLE)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("search CFO budget", ("cfo", "budget")),
        ("find  pricing, pricing!", ("pricing",)),
        ("search “multi-year” deal", ("multi-year", "deal")),
        (f"search {RITA} objection", ("rita", "objection")),
        ("search 预算", ("预算",)),
    ],
)
def test_search(text, words):
    assert parse(text) == CaseSearch(words)


@pytest.mark.parametrize("text", ["search", "search  ", "search ?!"])
def test_search_needs_words(text):
    assert "Add the words" in fails(text).message


def test_search_has_a_word_limit():
    assert search_words(" ".join(f"w{n}" for n in range(MAX_SEARCH_WORDS)))
    with pytest.raises(ParseError):
        search_words(" ".join(f"w{n}" for n in range(MAX_SEARCH_WORDS + 1)))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("away 2026-12-21 to 2027-01-01", date(2026, 12, 21), date(2027, 1, 1)),
        ("away from dec 21 until jan 1", date(2026, 12, 21), date(2027, 1, 1)),
        ("away 2026-12-21 - 2026-12-24", date(2026, 12, 21), date(2026, 12, 24)),
        ("away 2026-12-21\u20132026-12-24", date(2026, 12, 21), date(2026, 12, 24)),
        ("away friday", date(2026, 11, 20), date(2026, 11, 20)),
        ("away friday to monday", date(2026, 11, 20), date(2026, 11, 23)),
        ("away tomorrow through in 2 weeks", date(2026, 11, 19), date(2026, 12, 2)),
        ("away this week", date(2026, 11, 16), date(2026, 11, 22)),
        ("away Next Week", date(2026, 11, 23), date(2026, 11, 29)),
        ("away 12月21日到1月4日", date(2026, 12, 21), date(2027, 1, 4)),
    ],
)
def test_away(text, first, last):
    assert parse(text) == CaseAway(first, last)


def test_away_alone_shows_and_clear_removes():
    assert parse("away") == CaseAwayShow()
    assert parse("away clear") == CaseAwayClear()
    assert parse("AWAY none") == CaseAwayClear()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("away 2026-12-21 to 2026-12-01", "can't be before the first"),
        ("away someday", "couldn't read “someday” as a date"),
        ("away 2026-01-01 to 2027-06-01", f"at most {MAX_AWAY_DAYS} days"),
        ("away 2026-02-30", "isn't a real date"),
    ],
)
def test_away_mistakes_are_explained(text, words):
    error = fails(text)
    assert words in error.message
    assert error.example == str(AWAY_EXAMPLE)


def test_unknown_verbs_are_explained():
    error = fails("lsit")
    assert "“lsit”" in error.message
    assert "list, search or away" in error.message
    assert "takes nothing after it" in fails("new Acme").message


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("", ()),
        ("Pricing, #CFO  competitor", ("pricing", "cfo", "competitor")),
        ("pricing pricing;cfo", ("pricing", "cfo")),
        ("价格、竞品", ("价格", "竞品")),
        ("multi-year renewal_2027", ("multi-year", "renewal_2027")),
    ],
)
def test_tags_are_normalised(text, tags):
    assert normalize_tags(text) == tags


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a/b", "can only have letters"),
        ("x" * 31, "at most 30 characters"),
        (" ".join(f"t{n}" for n in range(MAX_TAGS + 1)), f"at most {MAX_TAGS} tags"),
    ],
)
def test_bad_tags_are_explained(text, words):
    with pytest.raises(ParseError) as caught:
        normalize_tags(text)
    assert words in caught.value.message


def test_every_example_in_help_parses():
    for example in CASE_EXAMPLES:
        text = example.removeprefix("/case").replace("@rita", RITA)
        assert isinstance(parse(text), CaseCommand), example


@settings(max_examples=400, deadline=None)
@given(st.text(), st.dates())
def test_any_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_case_command, text, today)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example
    else:
        assert isinstance(outcome, CaseCommand)


grammar_words = st.sampled_from(
    ["list", "search", "find", "away", "help", "new", "mine", "clear", "to", "until", "-", "\u2013",
     "from", "this", "next", "week", "friday", "tomorrow", "2026-12-21", "dec", "21", "in",
     "3", "days", "#pricing", "#", RITA, "<@U1>", "<#C0SALES1|cfo>", "<!here>", "@rita", "<",
     ">", ",", "pricing", "预算"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(grammar_words, max_size=8).map(" ".join), st.dates())
def test_grammar_like_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_case_command, text, today)
    assert isinstance(outcome, CaseCommand) or (outcome.message and outcome.example)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tags_normalise_or_raise_a_parse_error(text):
    outcome = result_or_error(normalize_tags, text)
    if not isinstance(outcome, ParseError):
        assert all(tag == tag.lower() and " " not in tag for tag in outcome)

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.errors import ParseError
from parsing.team_command import (
    MAX_TEAM_NAME_CHARS,
    PICK_CHANNEL_HINT,
    PICK_PERSON_HINT,
    TEAM_EXAMPLES,
    TeamAddManagers,
    TeamAddMembers,
    TeamCommand,
    TeamCreate,
    TeamHelp,
    TeamList,
    TeamRemoveMembers,
    TeamSetCaseReview,
    TeamSetChannel,
    TeamSetHolidays,
    TeamShow,
    TeamUnmanage,
    check_team_name,
    parse_team_command,
    team_ref,
)
from tests.parsing.helpers import result_or_error

RITA = "<@U0REP001|rita>"
OSCAR = "<@U0REP002>"


def fails(text):
    with pytest.raises(ParseError) as caught:
        parse_team_command(text)
    assert caught.value.example
    return caught.value


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_nothing_lists_the_teams(text):
    assert parse_team_command(text) == TeamList()


@pytest.mark.parametrize("text", ["help", "HELP", " ? "])
def test_help(text):
    assert parse_team_command(text) == TeamHelp()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("create Enterprise", "Enterprise"),
        ("CREATE  Mid   Market ", "Mid Market"),
        ('create "Sales Channel"', "Sales Channel"),
        ("create “Add Ons”", "Add Ons"),
        ("create R&D", "R&D"),
        ("create 大客户部", "大客户部"),
        ("create " + "x" * MAX_TEAM_NAME_CHARS, "x" * MAX_TEAM_NAME_CHARS),
    ],
)
def test_create(text, name):
    assert parse_team_command(text) == TeamCreate(name)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("create", "Give the new team a name"),
        ("create   ", "Give the new team a name"),
        ("create " + "x" * (MAX_TEAM_NAME_CHARS + 1), "at most 80 characters"),
        (f"create Enterprise {RITA}", "can't contain mentions"),
        ("create <#C0123|sales>", "can't contain mentions"),
        ('create Big "Deals"', "quotation marks"),
        ("create help", "can't be a team name"),
    ],
)
def test_bad_names_are_refused_with_an_example(text, words):
    error = fails(text)
    assert words in error.message
    assert error.example == "/team create Enterprise"


def test_a_name_alone_shows_the_team():
    assert parse_team_command("Enterprise") == TeamShow("Enterprise")
    assert parse_team_command("  Mid   Market ") == TeamShow("Mid Market")
    assert parse_team_command('"Sales Channel"') == TeamShow("Sales Channel")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Enterprise add {RITA}", TeamAddMembers("Enterprise", ("U0REP001",))),
        (f"Enterprise ADD {RITA} {OSCAR}", TeamAddMembers("Enterprise", ("U0REP001", "U0REP002"))),
        (f"Enterprise add {RITA}, {OSCAR}", TeamAddMembers("Enterprise", ("U0REP001", "U0REP002"))),
        (f"Enterprise add {RITA}{OSCAR}", TeamAddMembers("Enterprise", ("U0REP001", "U0REP002"))),
        (
            f"Enterprise add {RITA} and {OSCAR} & {RITA}",
            TeamAddMembers("Enterprise", ("U0REP001", "U0REP002")),
        ),
        (f"Mid Market remove {OSCAR}", TeamRemoveMembers("Mid Market", ("U0REP002",))),
        (f"Mid Market manager {RITA}", TeamAddManagers("Mid Market", ("U0REP001",))),
        (f"Mid Market unmanage {RITA}", TeamUnmanage("Mid Market", ("U0REP001",))),
        # The first verb after at least one word of the name ends the name.
        (f"Add Ons add {RITA}", TeamAddMembers("Add Ons", ("U0REP001",))),
        (f"Remove remove {RITA}", TeamRemoveMembers("Remove", ("U0REP001",))),
        # Quotes let a name hold a verb.
        (f'"Sales Channel" add {RITA}', TeamAddMembers("Sales Channel", ("U0REP001",))),
        (f"“Add Remove” manager {RITA}", TeamAddManagers("Add Remove", ("U0REP001",))),
        ("Enterprise add <@W0ENT01|name with spaces>", TeamAddMembers("Enterprise", ("W0ENT01",))),
    ],
)
def test_people_changes(text, expected):
    assert parse_team_command(text) == expected


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Enterprise channel <#C0SALES1|enterprise-sales>", "C0SALES1"),
        ("Enterprise channel <#G0PRIV01>", "G0PRIV01"),
        ("Enterprise channel none", None),
        ("Enterprise CHANNEL None", None),
        ('"Sales Channel" channel <#C0SALES1|x>', "C0SALES1"),
    ],
)
def test_channel(text, channel):
    name = "Sales Channel" if "Sales" in text else "Enterprise"
    assert parse_team_command(text) == TeamSetChannel(name, channel)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Enterprise holidays US", "US"),
        ("Enterprise HOLIDAYS cn", "CN"),
        ("Enterprise holidays none", None),
    ],
)
def test_holidays(text, country):
    assert parse_team_command(text) == TeamSetHolidays("Enterprise", country)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Enterprise holidays", "Add one country code"),
        ("Enterprise holidays US CN", "Add one country code"),
        ("Enterprise holidays Narnia", "I don't know the country “Narnia”"),
        ("Enterprise holidays XX", "US, CN, GB or DE"),
    ],
)
def test_unknown_countries_are_explained(text, words):
    error = fails(text)
    assert words in error.message
    assert error.example == "/team Enterprise holidays US"


@pytest.mark.parametrize(
    ("text", "weekday", "at"),
    [
        ("Enterprise casereview thursday 15:00", 3, time(15, 0)),
        ("Enterprise CASEREVIEW Fri 4pm", 4, time(16, 0)),
        ("Enterprise casereview friday 4 pm", 4, time(16, 0)),
        ("Enterprise casereview monday", 0, None),
        ("Enterprise casereview 9:30", None, time(9, 30)),
        ("Enterprise casereview 12am", None, time(0, 0)),
        ("Enterprise casereview none", None, None),
        ("Enterprise casereview default", None, None),
    ],
)
def test_case_review_day_and_time(text, weekday, at):
    assert parse_team_command(text) == TeamSetCaseReview("Enterprise", weekday, at)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Enterprise casereview", "Add the weekday and the time"),
        ("Enterprise casereview saturday", "Monday to Friday"),
        ("Enterprise casereview someday", "isn't a weekday"),
        ("Enterprise casereview friday 25:00", "isn't a time of day"),
        ("Enterprise casereview friday 13pm", "isn't a time of day"),
        ("Enterprise casereview friday noonish", "isn't a time such as 16:00"),
        ("Enterprise casereview friday 4 pm please", "Add the weekday and the time"),
    ],
)
def test_case_review_mistakes_are_explained(text, words):
    error = fails(text)
    assert words in error.message
    assert error.example == "/team Enterprise casereview thursday 15:00"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["casereview", "friday", "sun", "16:00", "4pm", "pm", "none", "9", ":", "Enterprise"]
        ),
        max_size=5,
    ).map(" ".join)
)
def test_case_review_like_text_gives_a_command_or_a_parse_error(text):
    outcome = result_or_error(parse_team_command, f"Enterprise casereview {text}")
    assert isinstance(outcome, TeamCommand) or (outcome.message and outcome.example)


def test_a_plain_at_name_asks_for_slacks_autocomplete():
    error = fails("Enterprise add @rita")
    assert "“@rita”" in error.message
    assert str(PICK_PERSON_HINT) in error.message
    assert error.example == "/team Enterprise add @rita"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Enterprise add", "Mention the people"),
        ("Enterprise remove  ", "Mention the people"),
        ("Enterprise add rita", "isn't a mention of a person"),
        (f"Enterprise add {RITA} oscar", "“oscar” isn't a mention"),
        ("Enterprise add <#C0SALES1|sales>", "“#sales” is a channel, not a person"),
        ("Enterprise add #sales", "is a channel, not a person"),
        ("Enterprise manager <!subteam^S0123|@sales-team>", "isn't one person"),
        ("Enterprise add <!here>", "isn't one person"),
        ("Enterprise channel", "Add the channel"),
        ("Enterprise channel #sales", str(PICK_CHANNEL_HINT)),
        ("Enterprise channel sales", "isn't a channel"),
        ("Enterprise channel <#C1AB|a> <#C2AB|b>", "name just one"),
        (f"Enterprise channel {RITA}", "isn't a channel"),
        ('"Enterprise add', "closing quotation mark"),
        ('"" add', "is empty"),
        ('"Sales Channel" join <@U0REP001>', "“join”"),
    ],
)
def test_mistakes_are_explained(text, words):
    assert words in fails(text).message


def test_examples_name_the_team_as_typed():
    assert fails("Mid Market add rita").example == "/team Mid Market add @rita"
    assert fails('"Sales Channel" remove x').example == '/team "Sales Channel" remove @rita'
    assert fails("Mid Market channel").example == "/team Mid Market channel #enterprise-sales"


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        ("Enterprise", "Enterprise"),
        ("Add Ons", "Add Ons"),
        ("Sales Channel", '"Sales Channel"'),
        ("Create Lab", '"Create Lab"'),
        ("Team Holidays", '"Team Holidays"'),
        ("Help", '"Help"'),
    ],
)
def test_team_ref_quotes_names_that_would_be_misread(name, ref):
    assert team_ref(name) == ref
    command = parse_team_command(f"{ref} add {RITA}")
    assert command == TeamAddMembers(name, ("U0REP001",))


def test_check_team_name_tidies_spaces():
    assert check_team_name("  Mid \t Market ") == "Mid Market"


def test_every_example_in_help_parses_once_mentions_are_picked():
    for example in TEAM_EXAMPLES:
        text = example.removeprefix("/team").replace("@rita", RITA).replace("@oscar", OSCAR)
        text = text.replace("@maria", "<@U0MGR001|maria>")
        text = text.replace("#enterprise-sales", "<#C0SALES1|enterprise-sales>")
        assert isinstance(parse_team_command(text), TeamCommand), example


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_a_command_or_a_parse_error(text):
    outcome = result_or_error(parse_team_command, text)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example
    else:
        assert isinstance(outcome, TeamCommand)


grammar_words = st.sampled_from(
    ["create", "help", "add", "remove", "manager", "unmanage", "channel", "none", "Enterprise",
     "holidays", "US", "xx",
     "Mid", '"', "“", "”", "@rita", "#sales", RITA, OSCAR, "<#C0SALES1|sales>", "<@U1>", "<!here>",
     "<", ">", ",", "and", "<@", "|"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(grammar_words, max_size=8).map(" ".join))
def test_grammar_like_text_gives_a_command_or_a_parse_error(text):
    outcome = result_or_error(parse_team_command, text)
    assert isinstance(outcome, TeamCommand) or (outcome.message and outcome.example)

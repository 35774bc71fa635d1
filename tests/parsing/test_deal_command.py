from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsing import deal_command
from parsing.amounts import AMOUNT_EXAMPLES, MAX_AMOUNT, Amount
from parsing.dates import DATE_EXAMPLES
from parsing.deal_command import (
    DEAL_EXAMPLES,
    MAX_DEAL_ID,
    DealAddInstalment,
    DealAddNote,
    DealCommand,
    DealCreate,
    DealHelp,
    DealList,
    DealLost,
    DealOpenCreateModal,
    DealOpenEditForm,
    DealPayments,
    DealRecordPayment,
    DealRef,
    DealSetAmount,
    DealSetClose,
    DealSetForecast,
    DealSetStage,
    DealShow,
    DealWon,
    parse_deal_command,
)
from parsing.errors import ParseError
from sales.stages import FUNNEL, STAGES, WON, stage_names
from tests.parsing.helpers import SENSIBLE_DATES, fits, result_or_error, slack_escaped

THURSDAY = date(2026, 1, 29)
FRIDAY = date(2026, 1, 30)
# What a /deal line may not start with and still name a deal: the grammar's own commands.
FIRST_WORDS = (
    deal_command._HELP_WORDS
    | deal_command._NEW_WORDS
    | deal_command._LIST_WORDS
    | deal_command._REASSIGN_WORDS
)
NEW_EXAMPLE = "/deal new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal"
ID_HINT = "use the deal's number instead, like #12."
# The grammar's own words, from the parser itself: a new verb is never mistaken for a name.
VERBS = set(deal_command._VERBS)
DEAL_12 = DealRef(deal_id=12)


def deal(text):
    return parse_deal_command(text, THURSDAY)


def usd(value):
    return Amount(Decimal(value), "USD")


def plain(value):
    return Amount(Decimal(value), None)


def fails(text):
    with pytest.raises(ParseError) as caught:
        deal(text)
    return caught.value


# --- DealRef ---------------------------------------------------------------------------------


def test_deal_ref_str():
    assert str(DealRef(deal_id=12)) == "#12"
    assert str(DealRef(12, None)) == "#12"
    assert str(DealRef(text="Acme renewal")) == "Acme renewal"


@pytest.mark.parametrize(("deal_id", "text"), [(None, None), (12, "Acme")])
def test_deal_ref_needs_exactly_one_of_id_and_text(deal_id, text):
    with pytest.raises(ValueError, match="exactly one"):
        DealRef(deal_id, text)


# --- help, modal, list ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  ", "new", "NEW", " New "])
def test_open_create_modal(text):
    assert deal(text) == DealOpenCreateModal()


@pytest.mark.parametrize("text", ["help", "Help", "?", " ? "])
def test_help(text):
    assert deal(text) == DealHelp()


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("list", "mine"),
        ("LIST", "mine"),
        ("list mine", "mine"),
        ("List  Mine", "mine"),
        ("list all", "all"),
        ("list ALL", "all"),
    ],
)
def test_list(text, scope):
    assert deal(text) == DealList(scope)


@pytest.mark.parametrize("text", ["list x", "list everything", "list all mine"])
def test_list_rejects_other_scopes(text):
    error = fails(text)
    assert "list mine" in error.message
    assert "list all" in error.message
    assert "#12" in error.message
    assert error.example == "/deal list all"


# --- new ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal",
            DealCreate(
                "Acme Corp", "Renewal 2027", plain("120000"), date(2026, 12, 15), STAGES["proposal"]
            ),
        ),
        ("new Acme; Pilot; $5k", DealCreate("Acme", "Pilot", usd("5000"), None, None)),
        ("NEW Acme;Pilot;5k", DealCreate("Acme", "Pilot", plain("5000"), None, None)),
        (
            "new  Acme   Corp ;  Big   pilot ; 12万 ",
            DealCreate("Acme Corp", "Big pilot", plain("120000"), None, None),
        ),
        (
            "new Acme; Pilot; 5k; stage neg; close friday",
            DealCreate("Acme", "Pilot", plain("5000"), FRIDAY, STAGES["negotiation"]),
        ),
        (
            "new Acme; Pilot; 5k; CLOSE end of month",
            DealCreate("Acme", "Pilot", plain("5000"), date(2026, 1, 31), None),
        ),
        (
            "new Acme; Pilot; 5k; Stage Won",
            DealCreate("Acme", "Pilot", plain("5000"), None, WON),
        ),
        ("new Acme; Pilot; 5k;", DealCreate("Acme", "Pilot", plain("5000"), None, None)),
        (
            "new Acme; Pilot; 5k;; close friday ;",
            DealCreate("Acme", "Pilot", plain("5000"), FRIDAY, None),
        ),
        ("new #1 Dental; Pilot; 5k", DealCreate("#1 Dental", "Pilot", plain("5000"), None, None)),
    ],
)
def test_new_deal(text, expected):
    assert deal(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("new Acme", "needs a customer, a title and an amount, separated by semicolons"),
        ("new Acme; Pilot", "needs a customer, a title and an amount"),
        ("new ; Pilot; 5k", "The customer's name is missing."),
        ("new Acme; ; 5k", "The deal's title is missing."),
        ("new Acme; Pilot; ", "The deal's amount is missing."),
        ("new Acme; Pilot; 5k; colour red", "I don't understand “colour red”"),
        ("new Acme; Pilot; 5k; proposal", "I don't understand “proposal”"),
        ("new Acme; Pilot; 5k; close friday; close monday", "You gave “close” twice"),
        ("new Acme; Pilot; 5k; stage lead; Stage lead", "You gave “stage” twice"),
        ("new Acme; Pilot; 5k; close", "Add a date after “close”."),
        ("new Acme; Pilot; 5k; stage", "Add a stage after “stage”."),
        ("new Acme; Pilot; 5k; stage xyz", f"The stages are: {stage_names()}."),
        ("new Acme; Pilot; 5k; stage lost", "A new deal can't start as lost"),
        ("new " + "C" * 121 + "; Pilot; 5k", "customer's name can be at most 120 characters"),
        ("new Acme; " + "T" * 201 + "; 5k", "deal's title can be at most 200 characters"),
    ],
)
def test_new_deal_rejections(text, fragment):
    error = fails(text)
    assert fragment in error.message
    assert error.example == NEW_EXAMPLE


def test_new_without_semicolons_hints_at_ids():
    assert "#12" in fails("new Horizons").message
    assert "#12" not in fails("new Acme; Pilot").message


def test_new_deal_length_limits_are_inclusive():
    result = deal("new " + "C" * 120 + "; " + "T" * 200 + "; 5k")
    assert isinstance(result, DealCreate)
    assert (len(result.customer), len(result.title)) == (120, 200)


def test_new_deal_amount_and_date_errors_come_from_their_parsers():
    assert fails("new Acme; Pilot; 12x").example == AMOUNT_EXAMPLES
    assert fails("new Acme; Pilot; 5k; close fridy").example == DATE_EXAMPLES


# --- #id commands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#12", DealShow(DEAL_12)),
        ("  #12  ", DealShow(DEAL_12)),
        ("#007", DealShow(DealRef(deal_id=7))),
        (f"#{MAX_DEAL_ID}", DealShow(DealRef(deal_id=MAX_DEAL_ID))),
        ("#12 stage negotiation", DealSetStage(DEAL_12, STAGES["negotiation"])),
        ("#12 STAGE Prop", DealSetStage(DEAL_12, STAGES["proposal"])),
        ("#12 stage Lead", DealSetStage(DEAL_12, STAGES["lead"])),
        ("#12 stage won", DealWon(DEAL_12)),
        ("#12 amount $150k", DealSetAmount(DEAL_12, usd("150000"))),
        ("#12 Amount 1.2m", DealSetAmount(DEAL_12, plain("1200000"))),
        ("#12 close end of month", DealSetClose(DEAL_12, date(2026, 1, 31))),
        ("#12 close 2026-12-15", DealSetClose(DEAL_12, date(2026, 12, 15))),
        ("#12 won", DealWon(DEAL_12)),
        ("#12 WON", DealWon(DEAL_12)),
        ("#12 lost chose a competitor", DealLost(DEAL_12, "chose a competitor")),
        ("#12 lost  budget  cut ", DealLost(DEAL_12, "budget  cut")),
        ("#12 note CFO wants\nmore detail", DealAddNote(DEAL_12, "CFO wants\nmore detail")),
        ("#12 note stage lost; won", DealAddNote(DEAL_12, "stage lost; won")),
    ],
)
def test_id_commands(text, expected):
    assert deal(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment", "example"),
    [
        ("#abc", "“#abc” isn't a deal number", "/deal #12"),
        ("#", "“#” isn't a deal number", "/deal #12"),
        ("#0", "“#0” isn't a deal number", "/deal #12"),
        ("#12a", "“#12a” isn't a deal number", "/deal #12"),
        ("#-3", "“#-3” isn't a deal number", "/deal #12"),
        (f"#{MAX_DEAL_ID + 1}", "isn't a deal number", "/deal #12"),
        ("#" + "9" * 5000, "isn't a deal number", "/deal #12"),
        ("#12 foo", "I don't know what “foo” means after #12", "/deal #12 stage proposal"),
        (
            "#12 Acme",
            "stage, amount, close, won, lost, note, payment, payments, paid, commit, bestcase,"
            " forecast, owner, edit or delete",
            "/deal #12 stage proposal",
        ),
        ("#12 stage", f"Add a stage after “stage”: {stage_names()}.", "/deal #12 stage proposal"),
        ("#12 stage xyz", "I don't know the stage “xyz”", "/deal #12 stage proposal"),
        ("#12 stage lost", "“lost <reason>”", "/deal #12 lost chose a competitor"),
        ("#12 amount", "Add the new amount after “amount”.", "/deal #12 amount 120k"),
        ("#12 amount 12x", "I couldn't read “12x” as an amount.", AMOUNT_EXAMPLES),
        ("#12 amount -5", "negative", AMOUNT_EXAMPLES),
        ("#12 close", "Add the expected close date", "/deal #12 close end of month"),
        ("#12 close fridy", "I couldn't read “fridy” as a date.", DATE_EXAMPLES),
        ("#12 won yay", "“won” doesn't take anything after it", "/deal #12 won"),
        ("#12 lost", "add a reason after “lost”", "/deal #12 lost chose a competitor"),
        ("#7 lost", "Say why the deal was lost", "/deal #7 lost chose a competitor"),
        ("#12 note", "Write the note after “note”.", "/deal #12 note the CFO wants a 3-year term"),
    ],
)
def test_id_command_rejections(text, fragment, example):
    error = fails(text)
    assert fragment in error.message
    assert error.example == example
    # With an exact #id nothing is ambiguous, so no hint about ids.
    assert ID_HINT not in error.message


# --- payments ---------------------------------------------------------------------------------

INSTALMENT_EXAMPLE = "/deal #12 payment 60k due 2026-12-31"
PAID_EXAMPLE = "/deal #12 paid 20k on yesterday"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "#12 payment 60k due 2026-12-31",
            DealAddInstalment(DEAL_12, plain("60000"), date(2026, 12, 31)),
        ),
        ("#12 PAYMENT $5,000 Due friday", DealAddInstalment(DEAL_12, usd("5000"), FRIDAY)),
        (
            "#12 payment 12万 due end of month",
            DealAddInstalment(DEAL_12, plain("120000"), date(2026, 1, 31)),
        ),
        (
            "#12 payment USD 1.5k due 2025-12-01",
            DealAddInstalment(DEAL_12, usd("1500"), date(2025, 12, 1)),
        ),
        ("#12 payments", DealPayments(DEAL_12)),
        ("#12 Payments", DealPayments(DEAL_12)),
        ("#12 paid 20k", DealRecordPayment(DEAL_12, plain("20000"), THURSDAY)),
        (
            "#12 paid 20k on yesterday",
            DealRecordPayment(DEAL_12, plain("20000"), THURSDAY - timedelta(days=1)),
        ),
        (
            "#12 paid $1,234.50 ON 2025-12-31",
            DealRecordPayment(DEAL_12, usd("1234.50"), date(2025, 12, 31)),
        ),
        ("#12 paid 20k on today", DealRecordPayment(DEAL_12, plain("20000"), THURSDAY)),
        ("Acme payments", DealPayments(DealRef(text="Acme"))),
        ("Paid Media payments", DealPayments(DealRef(text="Paid Media"))),
        ("Acme paid 5k", DealRecordPayment(DealRef(text="Acme"), plain("5000"), THURSDAY)),
        (
            "Acme renewal payment 5k due friday",
            DealAddInstalment(DealRef(text="Acme renewal"), plain("5000"), FRIDAY),
        ),
    ],
)
def test_payment_commands(text, expected):
    assert deal(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment", "example"),
    [
        ("#12 payment", "Add the instalment's amount and due date", INSTALMENT_EXAMPLE),
        ("#12 payment 5k", "Say when “5k” is due: add “due <date>”", INSTALMENT_EXAMPLE),
        ("#12 payment due friday", "Add the instalment's amount before “due”.", INSTALMENT_EXAMPLE),
        ("#12 payment 5k due", "Add the due date after “due”.", INSTALMENT_EXAMPLE),
        ("#12 payment 0 due friday", "An instalment must be more than zero.", INSTALMENT_EXAMPLE),
        ("#12 payment lots due friday", "I couldn't read “lots” as an amount.", AMOUNT_EXAMPLES),
        ("#12 payment -5k due friday", "negative", AMOUNT_EXAMPLES),
        ("#12 payment 5k due someday", "I couldn't read “someday” as a date.", DATE_EXAMPLES),
        ("#12 payment 5k due 2026-02-30", "isn't a real date", DATE_EXAMPLES),
        ("#12 payments 5k", "“payments” doesn't take anything after it", INSTALMENT_EXAMPLE),
        ("#12 paid", "Add the amount received after “paid”.", PAID_EXAMPLE),
        ("#12 paid on friday", "Add the amount received before “on”.", PAID_EXAMPLE),
        ("#12 paid 5k on", "Add the date the money came in after “on”.", PAID_EXAMPLE),
        ("#12 paid 0", "A payment must be more than zero.", PAID_EXAMPLE),
        ("#12 paid 5k yesterday", "then “on <date>”", PAID_EXAMPLE),
        ("#12 paid 5k on tomorrow", "Fri 30 Jan 2026 is in the future", PAID_EXAMPLE),
        ("#12 paid 5k on 2026-02-30", "isn't a real date", DATE_EXAMPLES),
        ("#12 paid 5x", "I couldn't read “5x” as an amount.", AMOUNT_EXAMPLES),
    ],
)
def test_payment_command_rejections(text, fragment, example):
    error = fails(text)
    assert fragment in error.message
    assert error.example == example


def test_payment_errors_on_free_text_refs_hint_at_ids():
    error = fails("Paid Media paid lots")
    assert "I couldn't read “lots” as an amount." in error.message
    assert error.message.endswith(ID_HINT)


def test_note_and_reason_limits():
    assert deal("#12 note " + "n" * 3000) == DealAddNote(DEAL_12, "n" * 3000)
    assert "at most 3000 characters" in fails("#12 note " + "n" * 3001).message
    assert deal("#12 lost " + "r" * 500) == DealLost(DEAL_12, "r" * 500)
    assert "at most 500 characters" in fails("#12 lost " + "r" * 501).message


# --- free-text refs ---------------------------------------------------------------------------


def text_ref(text):
    return DealRef(text=text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", DealShow(text_ref("Acme"))),
        ("Acme  renewal\n2027", DealShow(text_ref("Acme renewal 2027"))),
        ("Close Brothers", DealShow(text_ref("Close Brothers"))),
        ("won", DealShow(text_ref("won"))),
        ("note to self", DealShow(text_ref("note to self"))),
        ("help me", DealShow(text_ref("help me"))),
        ("newer deal", DealShow(text_ref("newer deal"))),
        ("listing deal", DealShow(text_ref("listing deal"))),
        ("Close Brothers stage won", DealWon(text_ref("Close Brothers"))),
        (
            "Close Brothers stage proposal",
            DealSetStage(text_ref("Close Brothers"), STAGES["proposal"]),
        ),
        ("Acme renewal amount 5k", DealSetAmount(text_ref("Acme renewal"), plain("5000"))),
        ("Acme close friday", DealSetClose(text_ref("Acme"), FRIDAY)),
        ("Acme won", DealWon(text_ref("Acme"))),
        ("Acme Lost went with a rival", DealLost(text_ref("Acme"), "went with a rival")),
        ("Acme note call back", DealAddNote(text_ref("Acme"), "call back")),
        ("Acme #12 won", DealWon(text_ref("Acme #12"))),
    ],
)
def test_free_text_commands(text, expected):
    assert deal(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Acme Close Brothers", "I couldn't read “Brothers” as a date. If “Close” is part"),
        ("Acme lost", "Say why the deal was lost: add a reason after “lost”. If “lost” is part"),
        ("Acme stage one", "I don't know the stage “one”"),
        ("Acme won the pitch", "“won” doesn't take anything after it"),
        ("Acme Note", "Write the note after “note”."),
        ("Acme amount", "Add the new amount"),
    ],
)
def test_free_text_errors_hint_at_ids(text, fragment):
    error = fails(text)
    assert fragment in error.message
    assert error.message.endswith(ID_HINT)


def test_free_text_error_examples_use_the_ref_when_short():
    assert fails("Acme lost").example == "/deal Acme lost chose a competitor"
    assert fails("A" * 60 + " lost").example == "/deal #12 lost chose a competitor"


@pytest.mark.parametrize("example", DEAL_EXAMPLES)
def test_examples_are_valid_commands(example):
    assert example.startswith("/deal ")
    assert isinstance(deal(example.removeprefix("/deal ")), DealCommand)


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_a_command_or_a_parse_error(text):
    outcome = result_or_error(parse_deal_command, text, THURSDAY)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example
    else:
        assert isinstance(outcome, DealCommand)


grammar_words = st.sampled_from(
    (
        *("new", "list", "all", "#12", "#", "#0", "Acme", ";", "stage", "won", "lost", "note"),
        *("amount", "close", "5k", "friday", "proposal", "help", "?", " ", "\n"),
        *("payment", "payments", "paid", "due", "on", "yesterday", "tomorrow", "0", "-5"),
        *("edit", "编辑", "delete", "owner"),
    )
)


@settings(max_examples=400, deadline=None)
@given(st.lists(grammar_words, max_size=8).map(" ".join), st.dates())
def test_grammar_like_text_gives_a_command_or_a_parse_error(text, today):
    outcome = result_or_error(parse_deal_command, text, today)
    assert isinstance(outcome, DealCommand) or outcome.message


deal_ids = st.integers(min_value=1, max_value=MAX_DEAL_ID)
open_stages = st.sampled_from([stage for stage in FUNNEL if stage.is_open])
amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2).map(abs)
free_texts = st.text(min_size=1, max_size=300).map(str.strip).filter(bool)


@settings(max_examples=100, deadline=None)
@given(deal_ids)
def test_ids_round_trip(deal_id):
    assert deal(f"#{deal_id}") == DealShow(DealRef(deal_id=deal_id))
    assert deal(f"#{deal_id} won") == DealWon(DealRef(deal_id=deal_id))
    edit = DealOpenEditForm(DealRef(deal_id=deal_id))
    assert deal(f"#{deal_id} edit") == deal(f"#{deal_id} 编辑") == edit


@settings(max_examples=100, deadline=None)
@given(deal_ids, open_stages, st.booleans())
def test_stages_round_trip(deal_id, stage, use_label):
    name = stage.label if use_label else stage.key
    assert deal(f"#{deal_id} stage {name}") == DealSetStage(DealRef(deal_id=deal_id), stage)


@settings(max_examples=100, deadline=None)
@given(deal_ids, amounts)
def test_amounts_round_trip(deal_id, value):
    assert deal(f"#{deal_id} amount ${value:,f}") == DealSetAmount(
        DealRef(deal_id=deal_id), Amount(value, "USD")
    )


@settings(max_examples=100, deadline=None)
@given(deal_ids, SENSIBLE_DATES)
def test_close_dates_round_trip(deal_id, close):
    assert deal(f"#{deal_id} close {close.isoformat()}") == DealSetClose(
        DealRef(deal_id=deal_id), close
    )


@settings(max_examples=100, deadline=None)
@given(deal_ids, free_texts)
@example(1, "<>")  # once read as an empty Slack entity
def test_notes_and_reasons_round_trip(deal_id, text):
    ref = DealRef(deal_id=deal_id)
    # /deal has should_escape on: a typed "<>" arrives as "&lt;&gt;".
    assert deal(slack_escaped(f"#{deal_id} note {text}")) == DealAddNote(ref, text)
    assert deal(slack_escaped(f"#{deal_id} lost {text}")) == DealLost(ref, text)


@settings(max_examples=100, deadline=None)
@given(deal_ids, amounts.filter(bool), SENSIBLE_DATES)
def test_instalments_round_trip(deal_id, value, due):
    text = f"#{deal_id} payment ${value:,f} due {due.isoformat()}"
    assert deal(text) == DealAddInstalment(DealRef(deal_id=deal_id), Amount(value, "USD"), due)


@settings(max_examples=100, deadline=None)
@given(deal_ids, amounts.filter(bool), SENSIBLE_DATES, SENSIBLE_DATES)
def test_payments_round_trip_and_are_never_in_the_future(deal_id, value, received, today):
    ref = DealRef(deal_id=deal_id)
    text = f"#{deal_id} paid ¥{value:,f} on {received.isoformat()}"
    outcome = result_or_error(parse_deal_command, text, today)
    if received <= today:
        assert outcome == DealRecordPayment(ref, Amount(value, "CNY"), received)
    else:
        assert isinstance(outcome, ParseError)
        assert "is in the future" in outcome.message
    assert parse_deal_command(f"#{deal_id} paid {value:f}", today) == DealRecordPayment(
        ref, Amount(value, None), today
    )


# Chinese command words may run into what follows them (`#12 阶段谈判`), so a free-text
# reference can't contain one anywhere.
CHINESE_WORDS = tuple(
    word for word in (*deal_command._CHINESE_VERBS, *FIRST_WORDS) if not word.isascii()
)
ref_words = st.text(
    st.characters(exclude_categories=("Cs", "Z", "Cc")), min_size=1, max_size=12
).filter(
    lambda word: (
        len(word.split()) == 1
        and word.casefold() not in VERBS
        and not any(chinese in word for chinese in CHINESE_WORDS)
    )
)
free_refs = st.lists(ref_words, min_size=1, max_size=4).filter(
    lambda words: not words[0].startswith("#") and words[0].casefold() not in FIRST_WORDS
)


@settings(max_examples=150, deadline=None)
@given(free_refs, free_texts)
def test_free_text_refs_round_trip(words, note):
    # /deal has should_escape on: what a person types arrives with & < > escaped.
    typed = " ".join(words)
    ref = DealRef(text=typed)
    assert deal(slack_escaped(typed)) == DealShow(ref)
    assert deal(slack_escaped(f"{typed} note {note}")) == DealAddNote(ref, note)


@settings(max_examples=100, deadline=None)
@given(
    st.text(st.characters(exclude_characters=";", exclude_categories=("Cs",)), max_size=120)
    .map(lambda text: " ".join(text.split()))
    .filter(bool)
    .filter(fits(120)),
    st.text(st.characters(exclude_characters=";", exclude_categories=("Cs",)), max_size=200)
    .map(lambda text: " ".join(text.split()))
    .filter(bool),
    amounts,
    SENSIBLE_DATES,
    open_stages,
)
def test_new_deals_round_trip(customer, title, value, close, stage):
    text = f"new {customer}; {title}; ¥{value:,f}; stage {stage.key}; close {close.isoformat()}"
    assert deal(text) == DealCreate(customer, title, Amount(value, "CNY"), close, stage)


@pytest.mark.parametrize(
    ("text", "ref", "category"),
    [
        ("#12 commit", DealRef(deal_id=12), "commit"),
        ("#12 COMMIT", DealRef(deal_id=12), "commit"),
        ("#12 bestcase", DealRef(deal_id=12), "bestcase"),
        ("#12 best-case", DealRef(deal_id=12), "bestcase"),
        ("#12 forecast best case", DealRef(deal_id=12), "bestcase"),
        ("#12 forecast commit", DealRef(deal_id=12), "commit"),
        ("#12 forecast none", DealRef(deal_id=12), None),
        ("#12 forecast pipeline", DealRef(deal_id=12), None),
        ("#12 承诺", DealRef(deal_id=12), "commit"),
        ("＃12 乐观", DealRef(deal_id=12), "bestcase"),
        ("#12 最佳", DealRef(deal_id=12), "bestcase"),
        ("#12 预测无", DealRef(deal_id=12), None),
        ("#12 预测 清除", DealRef(deal_id=12), None),
        ("Acme renewal commit", DealRef(text="Acme renewal"), "commit"),
        ("美团 承诺", DealRef(text="美团"), "commit"),
    ],
)
def test_forecast_calls(text, ref, category):
    assert deal(text) == DealSetForecast(ref, category)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("#12 forecast", "commit, bestcase or none"),
        ("#12 forecast maybe", "I don't know the forecast call “maybe”"),
        ("#12 commit please", "doesn't take anything after it"),
        ("#12 bestcase now", "doesn't take anything after it"),
    ],
)
def test_forecast_call_rejections(text, fragment):
    error = fails(text)
    assert fragment in error.message
    assert "/deal #12 forecast commit" in str(error.example)

"""The `/deal` command text: create, list, show and update deals.

    /deal new <customer>; <title>; <amount>[; close <date>][; stage <stage>]
    /deal list [mine|all]
    /deal <ref> [stage <stage> | amount <amount> | close <date> | won | lost <reason> | note <text>]
    /deal <ref> payment <amount> due <date>      add an instalment to the payment terms
    /deal <ref> payments                         list the instalments and what is outstanding
    /deal <ref> payments cancel                  cancel what is not yet paid of the schedule
    /deal <ref> paid <amount> [on <date>]        record money received (default: today)

`<ref>` is `#<id>` or a piece of the customer's name or the deal's title.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from parsing._common import quoted, squash_spaces
from parsing.amounts import Amount, parse_amount
from parsing.dates import parse_date
from parsing.errors import ParseError
from sales.stages import LOST, WON, Stage, find_stage, stage_names

NEW_DEAL_EXAMPLE = "/deal new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal"
DEAL_EXAMPLES: tuple[str, ...] = (
    NEW_DEAL_EXAMPLE,
    "/deal list",
    "/deal list all",
    "/deal #12",
    "/deal #12 stage negotiation",
    "/deal #12 amount $150k",
    "/deal #12 close end of month",
    "/deal #12 won",
    "/deal #12 lost chose a competitor",
    "/deal Acme note the CFO wants a 3-year term",
    "/deal #12 payment 60k due 2026-12-31",
    "/deal #12 payments",
    "/deal #12 payments cancel",
    "/deal #12 paid 20k on yesterday",
)

MAX_CUSTOMER_CHARS = 120
MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 3000
MAX_REASON_CHARS = 500
# Deal ids are database BIGINTs; a larger number could only ever be a typo.
MAX_DEAL_ID = 2**63 - 1

_HELP_WORDS = frozenset({"help", "?"})
_VERBS = frozenset(
    {"stage", "amount", "close", "won", "lost", "note", "payment", "payments", "paid"}
)
_VERB_LIST = "stage, amount, close, won, lost, note, payment, payments or paid"
_NEW_OPTIONS = ("close", "stage")
_DEAL_ID_RE = re.compile(r"#([0-9]+)")
_TOKEN_RE = re.compile(r"\S+")
# Free-text refs can be long pastes; examples built from them should stay readable.
_MAX_EXAMPLE_REF_CHARS = 40


@dataclass(frozen=True)
class DealRef:
    """Which deal a command is about: by id (`#12`) or by a piece of its customer or title."""

    deal_id: int | None = None  # from "#12"
    text: str | None = None  # a piece of customer name or title

    def __post_init__(self) -> None:
        if (self.deal_id is None) == (self.text is None):
            raise ValueError("A DealRef needs exactly one of deal_id and text.")

    def __str__(self) -> str:
        return f"#{self.deal_id}" if self.deal_id is not None else str(self.text)


@dataclass(frozen=True)
class DealHelp:
    pass


@dataclass(frozen=True)
class DealOpenCreateModal:
    pass


@dataclass(frozen=True)
class DealList:
    scope: Literal["mine", "all"]


@dataclass(frozen=True)
class DealCreate:
    customer: str
    title: str
    amount: Amount
    close: date | None = None
    stage: Stage | None = None


@dataclass(frozen=True)
class DealShow:
    ref: DealRef


@dataclass(frozen=True)
class DealSetStage:
    ref: DealRef
    stage: Stage


@dataclass(frozen=True)
class DealSetAmount:
    ref: DealRef
    amount: Amount


@dataclass(frozen=True)
class DealSetClose:
    ref: DealRef
    close: date


@dataclass(frozen=True)
class DealWon:
    ref: DealRef


@dataclass(frozen=True)
class DealLost:
    ref: DealRef
    reason: str


@dataclass(frozen=True)
class DealAddNote:
    ref: DealRef
    text: str


@dataclass(frozen=True)
class DealAddInstalment:
    ref: DealRef
    amount: Amount  # more than zero; currency None: the deal's
    due: date


@dataclass(frozen=True)
class DealPayments:
    ref: DealRef


@dataclass(frozen=True)
class DealCancelSchedule:
    """Cancel what is not yet paid of the deal's payment terms."""

    ref: DealRef


@dataclass(frozen=True)
class DealRecordPayment:
    ref: DealRef
    amount: Amount  # more than zero; currency None: the deal's
    received_on: date  # never after the person's today


DealCommand: TypeAlias = (
    DealHelp
    | DealOpenCreateModal
    | DealList
    | DealCreate
    | DealShow
    | DealSetStage
    | DealSetAmount
    | DealSetClose
    | DealWon
    | DealLost
    | DealAddNote
    | DealAddInstalment
    | DealPayments
    | DealCancelSchedule
    | DealRecordPayment
)


def parse_deal_command(text: str, today: date) -> DealCommand:
    """What the person meant by `/deal <text>`; `today` is their local date, for close dates.

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    stripped = text.strip()
    if not stripped:
        return DealOpenCreateModal()
    if stripped.casefold() in _HELP_WORDS:
        return DealHelp()
    keyword, rest = _first_word(stripped)
    if keyword == "new":
        return _parse_new(rest, today) if rest else DealOpenCreateModal()
    if keyword == "list":
        return _parse_list(rest)
    return _parse_ref_command(stripped, today)


def _first_word(text: str) -> tuple[str, str]:
    """The first word of `text`, casefolded, and the stripped rest."""
    words = text.split(maxsplit=1)
    return words[0].casefold(), (words[1].strip() if len(words) > 1 else "")


def _parse_list(rest: str) -> DealList:
    scope = squash_spaces(rest).casefold()
    if scope in ("", "mine"):
        return DealList("mine")
    if scope == "all":
        return DealList("all")
    raise ParseError(
        f"I can list your deals (list mine) or everyone's (list all), but not {quoted(rest)}. "
        "To look up a deal whose name starts with “list”, use its number, like #12.",
        example="/deal list all",
    )


# --- /deal new ---------------------------------------------------------------------------


def _parse_new(rest: str, today: date) -> DealCreate:
    parts = [part.strip() for part in rest.split(";")]
    if len(parts) < 3:
        hint = "" if ";" in rest else " To look up a deal named “new …”, use its number, like #12."
        raise ParseError(
            "A new deal needs a customer, a title and an amount, separated by semicolons." + hint,
            example=NEW_DEAL_EXAMPLE,
        )
    customer = _checked_name(parts[0], "customer's name", MAX_CUSTOMER_CHARS)
    title = _checked_name(parts[1], "deal's title", MAX_TITLE_CHARS)
    if not parts[2]:
        raise ParseError("The deal's amount is missing.", example=NEW_DEAL_EXAMPLE)
    amount = parse_amount(parts[2])
    options = _new_options(parts[3:])
    close = parse_date(options["close"], today) if "close" in options else None
    stage = _new_deal_stage(options["stage"]) if "stage" in options else None
    return DealCreate(customer, title, amount, close, stage)


def _checked_name(text: str, what: str, limit: int) -> str:
    name = squash_spaces(text)
    if not name:
        raise ParseError(f"The {what} is missing.", example=NEW_DEAL_EXAMPLE)
    if len(name) > limit:
        raise ParseError(
            f"The {what} can be at most {limit} characters, but {quoted(name)} has {len(name)}.",
            example=NEW_DEAL_EXAMPLE,
        )
    return name


def _new_options(parts: list[str]) -> dict[str, str]:
    """`close <date>` and `stage <stage>` after the amount, in any order, each at most once."""
    options: dict[str, str] = {}
    # Empty parts come from a trailing or doubled semicolon, which is harmless.
    for part in filter(None, parts):
        name, value = _first_word(part)
        if name not in _NEW_OPTIONS:
            raise ParseError(
                f"I don't understand {quoted(part)}. After the amount you can add "
                "“close <date>” and “stage <stage>”.",
                example=NEW_DEAL_EXAMPLE,
            )
        if name in options:
            raise ParseError(f"You gave “{name}” twice; give it once.", example=NEW_DEAL_EXAMPLE)
        if not value:
            what = "date" if name == "close" else "stage"
            raise ParseError(f"Add a {what} after “{name}”.", example=NEW_DEAL_EXAMPLE)
        options[name] = value
    return options


def _new_deal_stage(text: str) -> Stage:
    stage = _known_stage(text, example=NEW_DEAL_EXAMPLE)
    # A lost deal needs a reason, and a new deal has nowhere to put one.
    if stage == LOST:
        raise ParseError(
            "A new deal can't start as lost. Create it, then use “/deal #<id> lost <reason>”.",
            example=NEW_DEAL_EXAMPLE,
        )
    return stage


def _known_stage(text: str, example: str) -> Stage:
    stage = find_stage(text)
    if stage is None:
        raise ParseError(
            f"I don't know the stage {quoted(text)}. The stages are: {stage_names()}.",
            example=example,
        )
    return stage


# --- /deal <ref> [<verb> <args>] -----------------------------------------------------------


def _parse_ref_command(text: str, today: date) -> DealCommand:
    tokens = list(_TOKEN_RE.finditer(text))
    if tokens[0][0].startswith("#"):
        return _parse_id_command(text, tokens, today)
    verb_at = next(
        (i for i, token in enumerate(tokens) if i > 0 and token[0].casefold() in _VERBS), None
    )
    if verb_at is None:
        return DealShow(DealRef(text=squash_spaces(text)))
    verb = tokens[verb_at]
    ref = DealRef(text=squash_spaces(text[: verb.start()]))
    try:
        return _apply_verb(ref, verb[0].casefold(), text[verb.end() :].strip(), today)
    except ParseError as error:
        # The verb may really have been part of the name ("Close Brothers", "Note Ltd").
        raise ParseError(
            f"{error.message} If “{verb[0]}” is part of the deal's name, "
            "use the deal's number instead, like #12.",
            example=error.example,
        ) from error


def _parse_id_command(text: str, tokens: list[re.Match[str]], today: date) -> DealCommand:
    ref = DealRef(deal_id=_deal_id(tokens[0][0]))
    if len(tokens) == 1:
        return DealShow(ref)
    verb = tokens[1][0].casefold()
    if verb not in _VERBS:
        raise ParseError(
            f"I don't know what {quoted(tokens[1][0])} means after {ref}. "
            f"You can use {_VERB_LIST}.",
            example=f"/deal {ref} stage proposal",
        )
    return _apply_verb(ref, verb, text[tokens[1].end() :].strip(), today)


def _deal_id(token: str) -> int:
    match = _DEAL_ID_RE.fullmatch(token)
    deal_id = int(match[1]) if match and len(match[1]) <= len(str(MAX_DEAL_ID)) else 0
    if not 0 < deal_id <= MAX_DEAL_ID:
        raise ParseError(
            f"{quoted(token)} isn't a deal number. Deal numbers look like #12.",
            example="/deal #12",
        )
    return deal_id


def _apply_verb(ref: DealRef, verb: str, args: str, today: date) -> DealCommand:
    return _VERB_HANDLERS[verb](ref, args, today)


def _set_stage(ref: DealRef, args: str, _today: date) -> DealCommand:
    example = f"/deal {_example_ref(ref)} stage proposal"
    if not args:
        raise ParseError(f"Add a stage after “stage”: {stage_names()}.", example=example)
    stage = _known_stage(args, example=example)
    if stage == WON:
        return DealWon(ref)
    if stage == LOST:
        raise ParseError(
            "To mark a deal lost, say why with “lost <reason>” instead of “stage lost”.",
            example=_lost_example(ref),
        )
    return DealSetStage(ref, stage)


def _set_amount(ref: DealRef, args: str, _today: date) -> DealSetAmount:
    if not args:
        raise ParseError(
            "Add the new amount after “amount”.", example=f"/deal {_example_ref(ref)} amount 120k"
        )
    return DealSetAmount(ref, parse_amount(args))


def _set_close(ref: DealRef, args: str, today: date) -> DealSetClose:
    if not args:
        raise ParseError(
            "Add the expected close date after “close”.",
            example=f"/deal {_example_ref(ref)} close end of month",
        )
    return DealSetClose(ref, parse_date(args, today))


def _won(ref: DealRef, args: str, _today: date) -> DealWon:
    if args:
        raise ParseError(
            f"“won” doesn't take anything after it, but I got {quoted(args)}. "
            "To add a comment, send it as a note.",
            example=f"/deal {_example_ref(ref)} won",
        )
    return DealWon(ref)


def _lost(ref: DealRef, args: str, _today: date) -> DealLost:
    example = _lost_example(ref)
    if not args:
        raise ParseError("Say why the deal was lost: add a reason after “lost”.", example=example)
    return DealLost(ref, _within_limit(args, MAX_REASON_CHARS, "The reason", example))


def _add_note(ref: DealRef, args: str, _today: date) -> DealAddNote:
    example = f"/deal {_example_ref(ref)} note the CFO wants a 3-year term"
    if not args:
        raise ParseError("Write the note after “note”.", example=example)
    return DealAddNote(ref, _within_limit(args, MAX_NOTE_CHARS, "A note", example))


def _add_instalment(ref: DealRef, args: str, today: date) -> DealAddInstalment:
    example = f"/deal {_example_ref(ref)} payment 60k due 2026-12-31"
    if not args:
        raise ParseError(
            "Add the instalment's amount and due date after “payment”.", example=example
        )
    amount_text, due_text = _split_at_word(args, "due")
    if due_text is None:
        raise ParseError(
            f"Say when {quoted(args)} is due: add “due <date>” after the amount.", example=example
        )
    if not amount_text:
        raise ParseError("Add the instalment's amount before “due”.", example=example)
    if not due_text:
        raise ParseError("Add the due date after “due”.", example=example)
    amount = parse_amount(amount_text)
    if amount.value == 0:
        raise ParseError("An instalment must be more than zero.", example=example)
    return DealAddInstalment(ref, amount, parse_date(due_text, today))


def _payments(ref: DealRef, args: str, _today: date) -> DealPayments | DealCancelSchedule:
    if args.casefold() == "cancel":
        return DealCancelSchedule(ref)
    if args:
        raise ParseError(
            f"“payments” doesn't take anything after it (but “cancel”), and I got {quoted(args)}. "
            "To add an instalment, use “payment <amount> due <date>”.",
            example=f"/deal {_example_ref(ref)} payment 60k due 2026-12-31",
        )
    return DealPayments(ref)


def _record_payment(ref: DealRef, args: str, today: date) -> DealRecordPayment:
    example = f"/deal {_example_ref(ref)} paid 20k on yesterday"
    if not args:
        raise ParseError("Add the amount received after “paid”.", example=example)
    amount_text, on_text = _split_at_word(args, "on")
    if on_text == "":
        raise ParseError("Add the date the money came in after “on”.", example=example)
    if not amount_text:
        raise ParseError("Add the amount received before “on”.", example=example)
    try:
        amount = parse_amount(amount_text)
    except ParseError as error:
        if on_text is None and len(amount_text.split()) > 1:
            raise ParseError(
                f"I couldn't read {quoted(amount_text)} as an amount. Write the amount, then "
                "“on <date>” if the money didn't come in today.",
                example=example,
            ) from error
        raise
    if amount.value == 0:
        raise ParseError("A payment must be more than zero.", example=example)
    received_on = parse_date(on_text, today) if on_text else today
    if received_on > today:
        raise ParseError(
            f"{received_on:%a %-d %b %Y} is in the future. Record a payment once the money is in.",
            example=example,
        )
    return DealRecordPayment(ref, amount, received_on)


def _split_at_word(text: str, word: str) -> tuple[str, str | None]:
    """`text` before and after the first `word` standing on its own (None: no such word)."""
    for token in _TOKEN_RE.finditer(text):
        if token[0].casefold() == word:
            return text[: token.start()].strip(), text[token.end() :].strip()
    return text.strip(), None


def _within_limit(text: str, limit: int, what: str, example: str) -> str:
    if len(text) > limit:
        raise ParseError(
            f"{what} can be at most {limit} characters; yours has {len(text)}.", example=example
        )
    return text


def _lost_example(ref: DealRef) -> str:
    return f"/deal {_example_ref(ref)} lost chose a competitor"


def _example_ref(ref: DealRef) -> str:
    shown = str(ref)
    return shown if len(shown) <= _MAX_EXAMPLE_REF_CHARS else "#12"


# Defined last because it names the handlers above; its keys are exactly _VERBS.
_VERB_HANDLERS: dict[str, Callable[[DealRef, str, date], DealCommand]] = {
    "stage": _set_stage,
    "amount": _set_amount,
    "close": _set_close,
    "won": _won,
    "lost": _lost,
    "note": _add_note,
    "payment": _add_instalment,
    "payments": _payments,
    "paid": _record_payment,
}

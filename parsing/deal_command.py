"""The `/deal` command text: create, list, show and update deals.

    /deal new <customer>; <title>; <amount>[; close <date>][; stage <stage>]
    /deal list [mine|all]
    /deal <ref> [stage <stage> | amount <amount> | close <date> | won | lost <reason> | note <text>]
    /deal <ref> payment <amount> due <date>      add an instalment to the payment terms
    /deal <ref> payments                         list the instalments and what is outstanding
    /deal <ref> payments cancel                  cancel what is not yet paid of the schedule
    /deal <ref> paid <amount> [on <date>]        record money received (default: today)
    /deal <ref> commit | bestcase | forecast none  the rep's forecast call on an open deal
    /deal <ref> owner @person                    hand the deal to someone else
    /deal <ref> edit                             open the deal's edit form (every field)
    /deal <ref> delete                           delete the deal (admins; asks first)
    /deal reassign @from @to [open|all]          hand one person's deals to another

`<ref>` is `#<id>` or a piece of the customer's name or the deal's title.

Chinese command words work as the English ones, whatever the person's language: 帮助, 新建,
列表 [我的|全部], 阶段, 金额, 关闭日期, 赢单/成交, 输单/丢单, 备注, 计划 (an instalment,
`计划 6万 到期 月底`), 回款计划 (the instalments), 回款 (money received), 承诺 (commit),
乐观 or 最佳 (best case) and 预测 无 (neither), 负责人 (owner), 编辑 (edit), 删除 (delete),
转交 [未结|全部] (reassign); stage names such as 谈判 or 赢单; and full-width punctuation
(`；`, `＃`).

The text is read as Slack sends it for a command with `should_escape: true`: people picked
from the @ list as `<@U123|rita>`, links and channels as `<…>`, and a typed `&`, `<` or `>`
as `&amp;`, `&lt;`, `&gt;`. Names, titles, notes and reasons are kept as the person typed
them (`parsing.text.slack_readable`); only `owner` and `reassign` read the mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from parsing._common import fold_punctuation, quoted, squash_spaces
from parsing.amounts import Amount, parse_amount
from parsing.dates import parse_date
from parsing.errors import ParseError
from parsing.stages import read_stage, stage_list
from parsing.team_command import user_mention
from parsing.text import name_too_long, slack_readable
from sales.forecast import BEST_CASE, COMMIT
from sales.stages import LOST, WON, Stage
from translations import Text, marked, msg, nmsg

NEW_DEAL_EXAMPLE = marked(
    "/deal new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal"
)
_NEW_EXAMPLE = msg(NEW_DEAL_EXAMPLE)
LIST_EXAMPLE = marked("/deal list")
# For a stage menu's refusals: what to type instead.
LOST_EXAMPLE = marked("/deal #12 lost <reason>")
# Marked for the catalog: help shows each one in the reader's language.
DEAL_EXAMPLES: tuple[str, ...] = (
    NEW_DEAL_EXAMPLE,
    LIST_EXAMPLE,
    marked("/deal list all"),
    marked("/deal #12"),
    marked("/deal #12 stage negotiation"),
    marked("/deal #12 amount $150k"),
    marked("/deal #12 close end of month"),
    marked("/deal #12 won"),
    marked("/deal #12 lost chose a competitor"),
    marked("/deal Acme note the CFO wants a 3-year term"),
    marked("/deal #12 payment 60k due 2026-12-31"),
    marked("/deal #12 payments"),
    marked("/deal #12 payments cancel"),
    marked("/deal #12 paid 20k on yesterday"),
    marked("/deal #12 commit"),
    marked("/deal #12 bestcase"),
    marked("/deal #12 forecast none"),
    marked("/deal #12 edit"),
    marked("/deal #12 delete"),
)

MAX_CUSTOMER_CHARS = 120
MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 3000
MAX_REASON_CHARS = 500
# Deal ids are database BIGINTs; a larger number could only ever be a typo.
MAX_DEAL_ID = 2**63 - 1

_HELP_WORDS = frozenset({"help", "?", "帮助", "帮忙"})
_NEW_WORDS = frozenset({"new", "新建", "新增"})
_LIST_WORDS = frozenset({"list", "列表"})
_MINE_WORDS = frozenset({"", "mine", "我的"})
_ALL_WORDS = frozenset({"all", "全部", "所有"})
_REASSIGN_WORDS = frozenset({"reassign", "转交", "移交"})
_OPEN_WORDS = frozenset({"open", "未结", "进行中"})
_VERBS = frozenset(
    {
        "stage",
        "amount",
        "close",
        "won",
        "lost",
        "note",
        "payment",
        "payments",
        "paid",
        "commit",
        "bestcase",
        "best-case",
        "forecast",
        "owner",
        "edit",
        "delete",
    }
)
_CHINESE_VERBS: dict[str, str] = {
    "阶段": "stage",
    "金额": "amount",
    "关闭日期": "close",
    "预计成交": "close",
    "赢单": "won",
    "成交": "won",
    "输单": "lost",
    "丢单": "lost",
    "备注": "note",
    "回款计划": "payments",
    "计划": "payment",
    "回款": "paid",
    "承诺": "commit",
    "乐观": "bestcase",
    "最佳": "bestcase",
    "预测": "forecast",
    "负责人": "owner",
    "编辑": "edit",
    "删除": "delete",
}
# Longest first, so 回款计划 is not read as 回款 followed by 计划.
_CHINESE_VERBS_BY_LENGTH = sorted(_CHINESE_VERBS, key=len, reverse=True)
_VERB_LIST = marked(
    "stage, amount, close, won, lost, note, payment, payments, paid, commit, bestcase, forecast,"
    " owner, edit or delete"
)
# What `forecast` takes: a call, or a word clearing it (the deal is then plain pipeline).
_FORECAST_WORDS: dict[str, str | None] = {
    "commit": COMMIT,
    "承诺": COMMIT,
    "bestcase": BEST_CASE,
    "best-case": BEST_CASE,
    "best case": BEST_CASE,
    "乐观": BEST_CASE,
    "最佳": BEST_CASE,
    "none": None,
    "pipeline": None,
    "clear": None,
    "无": None,
    "清除": None,
    "取消": None,
}
OWNER_EXAMPLE = "/deal #12 owner @rita"
REASSIGN_EXAMPLE = "/deal reassign @oscar @rita open"
_NEW_OPTIONS = ("close", "stage")
_CHINESE_OPTIONS: dict[str, str] = {"关闭日期": "close", "预计成交": "close", "阶段": "stage"}
_DUE_WORDS = ("due", "到期", "截止")
_ON_WORDS = ("on", "于")
_SLACK_ESCAPES = ("&amp;", "&lt;", "&gt;")
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


@dataclass(frozen=True)
class DealSetForecast:
    """Mark an open deal commit or best case, or neither (`category` None)."""

    ref: DealRef
    category: str | None


@dataclass(frozen=True)
class DealSetOwner:
    ref: DealRef
    owner: str  # a Slack user id


@dataclass(frozen=True)
class DealOpenEditForm:
    """Open the deal's edit form, as its card's Edit button does."""

    ref: DealRef


@dataclass(frozen=True)
class DealDelete:
    ref: DealRef


@dataclass(frozen=True)
class DealReassign:
    """Hand `from_user`'s deals (open ones, or all) to `to_user` (Slack user ids)."""

    from_user: str
    to_user: str
    scope: Literal["open", "all"]


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
    | DealSetForecast
    | DealSetOwner
    | DealOpenEditForm
    | DealDelete
    | DealReassign
)


def parse_deal_command(text: str, today: date) -> DealCommand:
    """What the person meant by `/deal <text>`, the text as Slack sends it (escaped, see the
    module's docstring); `today` is their local date, for close dates.

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    original = text.strip()
    # The structure is read from the half-width form; what the person wrote (names, notes)
    # is taken from the original at the same places, punctuation and all.
    folded = fold_punctuation(original)
    if not folded:
        return DealOpenCreateModal()
    if folded.casefold() in _HELP_WORDS:
        return DealHelp()
    keyword, rest = _first_word(folded)
    if keyword in _NEW_WORDS:
        return (
            _parse_new(rest, original[len(original) - len(rest) :], today)
            if rest
            else (DealOpenCreateModal())
        )
    if keyword in _LIST_WORDS:
        return _parse_list(rest)
    if keyword in _REASSIGN_WORDS:
        return _parse_reassign(rest)
    return _parse_ref_command(folded, original, today)


def _first_word(text: str) -> tuple[str, str]:
    """The first word of `text`, casefolded, and the stripped rest."""
    words = text.split(maxsplit=1)
    return words[0].casefold(), (words[1].strip() if len(words) > 1 else "")


def _parse_list(rest: str) -> DealList:
    scope = squash_spaces(rest).casefold()
    if scope in _MINE_WORDS:
        return DealList("mine")
    if scope in _ALL_WORDS:
        return DealList("all")
    raise ParseError(
        msg(
            "I can list your deals (list mine) or everyone's (list all), but not {value}. "
            "To look up a deal whose name starts with “list”, use its number, like #12.",
            value=quoted(rest),
        ),
        example=msg("/deal list all"),
    )


def _parse_reassign(rest: str) -> DealReassign:
    words = rest.split()
    if len(words) < 2 or len(words) > 3:
        raise ParseError(
            msg(
                "Say whose deals go to whom: mention the person they are from, then the one "
                "they go to, then “open” (the default) or “all”."
            ),
            example=REASSIGN_EXAMPLE,
        )
    from_user = user_mention(words[0], REASSIGN_EXAMPLE)
    to_user = user_mention(words[1], REASSIGN_EXAMPLE)
    scope = words[2].casefold() if len(words) == 3 else "open"
    if scope not in _OPEN_WORDS | _ALL_WORDS:
        raise ParseError(
            msg(
                "After the two people, say “open” (open deals only, the default) or “all” "
                "(won and lost too), not {value}.",
                value=quoted(slack_readable(words[2])),
            ),
            example=REASSIGN_EXAMPLE,
        )
    if from_user == to_user:
        raise ParseError(
            msg("The deals would go to the person they are from; mention two different people."),
            example=REASSIGN_EXAMPLE,
        )
    return DealReassign(from_user, to_user, "all" if scope in _ALL_WORDS else "open")


# --- /deal new ---------------------------------------------------------------------------


def _parse_new(rest: str, original: str, today: date) -> DealCreate:
    parts = _semicolon_parts(rest, original)
    if len(parts) < 3:
        problem = msg(
            "A new deal needs a customer, a title and an amount, separated by semicolons."
        )
        if ";" not in rest:
            problem = msg(
                "{problem} To look up a deal named “new …”, use its number, like #12.",
                problem=problem,
            )
        raise ParseError(problem, example=_NEW_EXAMPLE)
    customer = _checked_name(
        slack_readable(parts[0]), msg("The customer's name"), MAX_CUSTOMER_CHARS
    )
    title = _checked_name(slack_readable(parts[1]), msg("The deal's title"), MAX_TITLE_CHARS)
    if not parts[2]:
        raise ParseError(msg("The deal's amount is missing."), example=_NEW_EXAMPLE)
    amount = parse_amount(parts[2])
    options = _new_options(parts[3:])
    close = parse_date(options["close"], today) if "close" in options else None
    stage = _new_deal_stage(options["stage"]) if "stage" in options else None
    return DealCreate(customer, title, amount, close, stage)


def _semicolon_parts(folded: str, original: str) -> list[str]:
    """The parts of `original` between the semicolons of `folded` (its half-width form);
    the `;` that ends Slack's `&amp;`, `&lt;` or `&gt;` is part of a character, not a break."""
    parts: list[str] = []
    start = 0
    for at, char in enumerate(folded):
        if char == ";" and not original[: at + 1].endswith(_SLACK_ESCAPES):
            parts.append(original[start:at].strip())
            start = at + 1
    parts.append(original[start:].strip())
    return parts


def _checked_name(typed: str, what: Text, limit: int) -> str:
    name = squash_spaces(typed)
    if not name:
        raise ParseError(msg("{what} is missing.", what=what), example=_NEW_EXAMPLE)
    too_long = name_too_long(what, name, limit)
    if too_long:
        raise ParseError(too_long, example=_NEW_EXAMPLE)
    return name


def _new_options(parts: list[str]) -> dict[str, str]:
    """`close <date>` and `stage <stage>` after the amount, in any order, each at most once."""
    options: dict[str, str] = {}
    # Empty parts come from a trailing or doubled semicolon, which is harmless.
    for part in filter(None, parts):
        typed, name, value = _option(part)
        if name not in _NEW_OPTIONS:
            raise ParseError(
                msg(
                    "I don't understand {value}. After the amount you can add "
                    "“close <date>” and “stage <stage>”.",
                    value=quoted(part),
                ),
                example=_NEW_EXAMPLE,
            )
        if name in options:
            raise ParseError(
                msg("You gave “{word}” twice; give it once.", word=typed), example=_NEW_EXAMPLE
            )
        if not value:
            problem = (
                msg("Add a date after “{word}”.", word=typed)
                if name == "close"
                else msg("Add a stage after “{word}”.", word=typed)
            )
            raise ParseError(problem, example=_NEW_EXAMPLE)
        options[name] = value
    return options


def _option(part: str) -> tuple[str, str, str]:
    """The option word as typed, its English name, and its value (`关闭日期 月底` too)."""
    for word, name in _CHINESE_OPTIONS.items():
        if part.startswith(word):
            return word, name, part[len(word) :].strip()
    name, value = _first_word(part)
    return name, name, value


def _new_deal_stage(text: str) -> Stage:
    stage = _known_stage(text, example=_NEW_EXAMPLE)
    # A lost deal needs a reason, and a new deal has nowhere to put one.
    if stage == LOST:
        raise ParseError(
            msg("A new deal can't start as lost. Create it, then use “/deal #<id> lost <reason>”."),
            example=_NEW_EXAMPLE,
        )
    return stage


def _known_stage(typed: str, example: Text | str) -> Stage:
    stage = read_stage(typed)
    if stage is None:
        raise ParseError(
            msg(
                "I don't know the stage {value}. The stages are: {stages}.",
                value=quoted(typed),
                stages=stage_list(),
            ),
            example=example,
        )
    return stage


# --- /deal <ref> [<verb> <args>] -----------------------------------------------------------


def _parse_ref_command(command: str, original: str, today: date) -> DealCommand:
    tokens = list(_TOKEN_RE.finditer(command))
    if tokens[0][0].startswith("#"):
        return _parse_id_command(original, tokens, today)
    verb_at = next(
        (i for i, token in enumerate(tokens) if i > 0 and _verb(token[0]) is not None), None
    )
    if verb_at is None:
        return DealShow(DealRef(text=squash_spaces(slack_readable(original))))
    verb = tokens[verb_at]
    ref = DealRef(text=squash_spaces(slack_readable(original[: verb.start()])))
    try:
        return _apply_verb(ref, _verb(verb[0]) or "", original[verb.end() :].strip(), today)
    except ParseError as error:
        # The verb may really have been part of the name ("Close Brothers", "Note Ltd").
        raise ParseError(
            msg(
                "{problem} If “{word}” is part of the deal's name, "
                "use the deal's number instead, like #12.",
                problem=error.text,
                word=verb[0],
            ),
            example=error.example_text,
        ) from error


def _verb(token: str) -> str | None:
    """The English verb `token` is (`stage`, or its Chinese 阶段), or None."""
    word = token.casefold()
    return word if word in _VERBS else _CHINESE_VERBS.get(token)


def _parse_id_command(original: str, tokens: list[re.Match[str]], today: date) -> DealCommand:
    ref = DealRef(deal_id=_deal_id(tokens[0][0]))
    if len(tokens) == 1:
        return DealShow(ref)
    rest = original[tokens[1].start() :]
    verb, args = _id_verb(tokens[1][0], rest)
    if verb is None:
        raise ParseError(
            msg(
                "I don't know what {value} means after {ref}. You can use {verbs}.",
                value=quoted(tokens[1][0]),
                ref=ref,
                verbs=msg(_VERB_LIST),
            ),
            example=msg("/deal {ref} stage proposal", ref=ref),
        )
    return _apply_verb(ref, verb, args, today)


def _id_verb(token: str, rest: str) -> tuple[str | None, str]:
    """The verb after `#12` and its arguments; a Chinese verb may run into them (阶段谈判)."""
    verb = _verb(token)
    if verb is not None:
        return verb, rest[len(token) :].strip()
    for word in _CHINESE_VERBS_BY_LENGTH:
        if rest.startswith(word):
            return _CHINESE_VERBS[word], rest[len(word) :].strip()
    return None, rest


def _deal_id(token: str) -> int:
    match = _DEAL_ID_RE.fullmatch(token)
    deal_id = int(match[1]) if match and len(match[1]) <= len(str(MAX_DEAL_ID)) else 0
    if not 0 < deal_id <= MAX_DEAL_ID:
        raise ParseError(
            msg("{value} isn't a deal number. Deal numbers look like #12.", value=quoted(token)),
            example="/deal #12",
        )
    return deal_id


def _apply_verb(ref: DealRef, verb: str, args: str, today: date) -> DealCommand:
    return _VERB_HANDLERS[verb](ref, args, today)


def _set_stage(ref: DealRef, args: str, _today: date) -> DealCommand:
    example = msg("/deal {ref} stage proposal", ref=_example_ref(ref))
    if not args:
        raise ParseError(
            msg("Add a stage after “stage”: {stages}.", stages=stage_list()), example=example
        )
    stage = _known_stage(args, example=example)
    if stage == WON:
        return DealWon(ref)
    if stage == LOST:
        raise ParseError(
            msg("To mark a deal lost, say why with “lost <reason>” instead of “stage lost”."),
            example=_lost_example(ref),
        )
    return DealSetStage(ref, stage)


def _set_amount(ref: DealRef, args: str, _today: date) -> DealSetAmount:
    if not args:
        raise ParseError(
            msg("Add the new amount after “amount”."),
            example=msg("/deal {ref} amount 120k", ref=_example_ref(ref)),
        )
    return DealSetAmount(ref, parse_amount(args))


def _set_close(ref: DealRef, args: str, today: date) -> DealSetClose:
    if not args:
        raise ParseError(
            msg("Add the expected close date after “close”."),
            example=msg("/deal {ref} close end of month", ref=_example_ref(ref)),
        )
    return DealSetClose(ref, parse_date(args, today))


def _nothing_after(args: str, complaint: Text, example: Text) -> None:
    """Refuse what follows a verb that takes nothing (`won`, `edit`, `delete`)."""
    if args:
        raise ParseError(complaint, example=example)


def _won(ref: DealRef, args: str, _today: date) -> DealWon:
    complaint = msg(
        "“won” doesn't take anything after it, but I got {value}. "
        "To add a comment, send it as a note.",
        value=quoted(args),
    )
    _nothing_after(args, complaint, msg("/deal {ref} won", ref=_example_ref(ref)))
    return DealWon(ref)


def _lost(ref: DealRef, args: str, _today: date) -> DealLost:
    example = _lost_example(ref)
    if not args:
        raise ParseError(
            msg("Say why the deal was lost: add a reason after “lost”."), example=example
        )
    reason = slack_readable(args)
    return DealLost(ref, _within_limit(reason, MAX_REASON_CHARS, msg("The reason"), example))


def _add_note(ref: DealRef, args: str, _today: date) -> DealAddNote:
    example = msg("/deal {ref} note the CFO wants a 3-year term", ref=_example_ref(ref))
    if not args:
        raise ParseError(msg("Write the note after “note”."), example=example)
    note = slack_readable(args)
    return DealAddNote(ref, _within_limit(note, MAX_NOTE_CHARS, msg("A note"), example))


def _set_owner(ref: DealRef, args: str, _today: date) -> DealSetOwner:
    example = msg("/deal {ref} owner @rita", ref=_example_ref(ref))
    words = args.split()
    if len(words) != 1:
        raise ParseError(
            msg("Mention the one person the deal goes to after “owner”, picked from the @ list."),
            example=example,
        )
    return DealSetOwner(ref, user_mention(words[0], str(example)))


def _edit(ref: DealRef, args: str, _today: date) -> DealOpenEditForm:
    complaint = msg(
        "“edit” doesn't take anything after it, but I got {value}. It opens a form"
        " with every field of the deal.",
        value=quoted(slack_readable(args)),
    )
    _nothing_after(args, complaint, msg("/deal {ref} edit", ref=_example_ref(ref)))
    return DealOpenEditForm(ref)


def _delete(ref: DealRef, args: str, _today: date) -> DealDelete:
    complaint = msg(
        "“delete” doesn't take anything after it, but I got {value}.",
        value=quoted(slack_readable(args)),
    )
    _nothing_after(args, complaint, msg("/deal {ref} delete", ref=_example_ref(ref)))
    return DealDelete(ref)


def _add_instalment(ref: DealRef, args: str, today: date) -> DealAddInstalment:
    example = _instalment_example(ref)
    if not args:
        raise ParseError(
            msg("Add the instalment's amount and due date after “payment”."), example=example
        )
    amount_text, due_text = _split_at_word(args, _DUE_WORDS)
    if due_text is None:
        raise ParseError(
            msg("Say when {value} is due: add “due <date>” after the amount.", value=quoted(args)),
            example=example,
        )
    if not amount_text:
        raise ParseError(msg("Add the instalment's amount before “due”."), example=example)
    if not due_text:
        raise ParseError(msg("Add the due date after “due”."), example=example)
    amount = parse_amount(amount_text)
    if amount.value == 0:
        raise ParseError(msg("An instalment must be more than zero."), example=example)
    return DealAddInstalment(ref, amount, parse_date(due_text, today))


def _payments(ref: DealRef, args: str, _today: date) -> DealPayments | DealCancelSchedule:
    if args.casefold() in ("cancel", "取消"):
        return DealCancelSchedule(ref)
    if args:
        raise ParseError(
            msg(
                "“payments” doesn't take anything after it (but “cancel”), and I got {value}. "
                "To add an instalment, use “payment <amount> due <date>”.",
                value=quoted(args),
            ),
            example=_instalment_example(ref),
        )
    return DealPayments(ref)


def _record_payment(ref: DealRef, args: str, today: date) -> DealRecordPayment:
    example = msg("/deal {ref} paid 20k on yesterday", ref=_example_ref(ref))
    if not args:
        raise ParseError(msg("Add the amount received after “paid”."), example=example)
    amount_text, on_text = _split_at_word(args, _ON_WORDS)
    if on_text == "":
        raise ParseError(msg("Add the date the money came in after “on”."), example=example)
    if not amount_text:
        raise ParseError(msg("Add the amount received before “on”."), example=example)
    try:
        amount = parse_amount(amount_text)
    except ParseError as error:
        if on_text is None and len(amount_text.split()) > 1:
            raise ParseError(
                msg(
                    "I couldn't read {value} as an amount. Write the amount, then "
                    "“on <date>” if the money didn't come in today.",
                    value=quoted(amount_text),
                ),
                example=example,
            ) from error
        raise
    if amount.value == 0:
        raise ParseError(msg("A payment must be more than zero."), example=example)
    received_on = parse_date(on_text, today) if on_text else today
    if received_on > today:
        raise ParseError(
            msg(
                "{day} is in the future. Record a payment once the money is in.",
                day=received_on,
            ),
            example=example,
        )
    return DealRecordPayment(ref, amount, received_on)


def _forecast_call(ref: DealRef, args: str, _today: date) -> DealSetForecast:
    word = squash_spaces(args).casefold()
    if word in _FORECAST_WORDS:
        return DealSetForecast(ref, _FORECAST_WORDS[word])
    problem = (
        msg("Say which forecast call after “forecast”: commit, bestcase or none.")
        if not word
        else msg(
            "I don't know the forecast call {value}. Use commit, bestcase or none.",
            value=quoted(args),
        )
    )
    raise ParseError(problem, example=msg("/deal {ref} forecast commit", ref=_example_ref(ref)))


def _calls(category: str) -> Callable[[DealRef, str, date], DealSetForecast]:
    """`commit` and `bestcase` (承诺, 乐观) on their own: `forecast <call>` for short."""

    def parse(ref: DealRef, args: str, today: date) -> DealSetForecast:
        if args:
            raise ParseError(
                msg(
                    "{call} doesn't take anything after it, but I got {value}.",
                    call=f"“{category}”",
                    value=quoted(args),
                ),
                example=msg("/deal {ref} forecast commit", ref=_example_ref(ref)),
            )
        return DealSetForecast(ref, category)

    return parse


def _split_at_word(args: str, words: tuple[str, ...]) -> tuple[str, str | None]:
    """`args` before and after the first of `words` standing on its own (None: none there).

    A Chinese word may run into what follows it (`6万到期月底`), as Chinese has no spaces.
    """
    for token in _TOKEN_RE.finditer(args):
        if token[0].casefold() in words:
            return args[: token.start()].strip(), args[token.end() :].strip()
    for word in words:
        if not word.isascii() and word in args:
            at = args.index(word)
            return args[:at].strip(), args[at + len(word) :].strip()
    return args.strip(), None


def _within_limit(typed: str, limit: int, what: Text, example: Text | str) -> str:
    if len(typed) > limit:
        raise ParseError(
            nmsg(
                "{what} can be at most {limit} characters; yours has {n} character.",
                "{what} can be at most {limit} characters; yours has {n}.",
                len(typed),
                what=what,
                limit=limit,
            ),
            example=example,
        )
    return typed


def _instalment_example(ref: DealRef) -> Text:
    return msg("/deal {ref} payment 60k due 2026-12-31", ref=_example_ref(ref))


def _lost_example(ref: DealRef) -> Text:
    return msg("/deal {ref} lost chose a competitor", ref=_example_ref(ref))


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
    "commit": _calls(COMMIT),
    "bestcase": _calls(BEST_CASE),
    "best-case": _calls(BEST_CASE),
    "forecast": _forecast_call,
    "owner": _set_owner,
    "edit": _edit,
    "delete": _delete,
}

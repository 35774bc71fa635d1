"""The `/customer` command text: a customer's card, lists, search, contacts and tiers.

    /customer help
    /customer <name>                              the customer's card
    /customer list [core|growth|longtail] [mine|all]
    /customer search <words>                      names, visit notes, deal titles and notes
    /customer <name> contact <name>, <title>[, <role>][, <phone>][, <email>]
    /customer <name> forget <contact>             delete a contact's details (on request)
    /customer <name> tier core|growth|longtail    managers and admins

Chinese command words work as the English ones, whatever the person's language: 帮助,
列表 [核心|成长|长尾] [我的|全部], 搜索, 联系人, 删除联系人, 分层; full-width punctuation
(，：) reads as half-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

from parsing._common import fold_punctuation, quoted, squash_spaces
from parsing.errors import ParseError
from sales.tiers import CORE, GROWTH, LONGTAIL
from translations import msg

CUSTOMER_EXAMPLES: tuple[str, ...] = (
    "/customer Acme",
    "/customer list core mine",
    "/customer search renewal budget",
    "/customer Acme contact Li Wei, CFO, decision maker, +86 138 0000 0000",
    "/customer Acme forget Li Wei",
    "/customer Acme tier core",
)
SHOW_EXAMPLE = "/customer Acme"
LIST_EXAMPLE = "/customer list core mine"
SEARCH_EXAMPLE = "/customer search renewal budget"
CONTACT_EXAMPLE = "/customer Acme contact Li Wei, CFO"
FORGET_EXAMPLE = "/customer Acme forget Li Wei"
TIER_EXAMPLE = "/customer Acme tier core"

MAX_NAME_CHARS = 120
MAX_TITLE_CHARS = 120
MAX_PHONE_CHARS = 40
MAX_EMAIL_CHARS = 200
MAX_SEARCH_WORDS = 10
MAX_WORD_CHARS = 50

_HELP_WORDS = frozenset({"help", "?", "？", "帮助", "帮忙"})
_LIST_WORDS = frozenset({"list", "列表"})
_SEARCH_WORDS = frozenset({"search", "find", "搜索", "查找"})
_MINE_WORDS = frozenset({"mine", "my", "我的"})
_ALL_WORDS = frozenset({"all", "全部", "所有"})
TIER_WORDS: dict[str, str] = {
    "core": CORE,
    "key": CORE,
    "核心": CORE,
    "growth": GROWTH,
    "成长": GROWTH,
    "longtail": LONGTAIL,
    "long-tail": LONGTAIL,
    "long_tail": LONGTAIL,
    "tail": LONGTAIL,
    "长尾": LONGTAIL,
}
ROLE_WORDS: dict[str, str] = {
    "decision maker": "decision_maker",
    "decision-maker": "decision_maker",
    "decision_maker": "decision_maker",
    "dm": "decision_maker",
    "决策者": "decision_maker",
    "决策人": "decision_maker",
    "influencer": "influencer",
    "影响者": "influencer",
    "影响人": "influencer",
    "user": "user",
    "end user": "user",
    "使用者": "user",
    "用户": "user",
    "finance": "finance",
    "财务": "finance",
}
# The verb after a customer's name; the first one wins, so a name may not contain one.
_VERBS: dict[str, str] = {
    "contact": "contact",
    "联系人": "contact",
    "forget": "forget",
    "删除联系人": "forget",
    "tier": "tier",
    "分层": "tier",
}
_VERB_RE = re.compile(
    r"^(?P<customer>.+?)\s+(?P<verb>"
    + "|".join(sorted(map(re.escape, _VERBS), key=len, reverse=True))
    + r")(?:\s+(?P<rest>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[\d\s().-]{5,}$")
_WORD_EDGES = "\"'\u201c\u201d\u2018\u2019.,;:!?()[]{}#@*_`~"


@dataclass(frozen=True)
class CustomerHelp:
    pass


@dataclass(frozen=True)
class CustomerShow:
    name: str


@dataclass(frozen=True)
class CustomerList:
    tier: str | None = None
    scope: str | None = None  # "mine", "all", or None: everything the person may see


@dataclass(frozen=True)
class CustomerSearch:
    words: tuple[str, ...]


@dataclass(frozen=True)
class ContactDetails:
    name: str
    title: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class CustomerAddContact:
    customer: str
    contact: ContactDetails


@dataclass(frozen=True)
class CustomerForget:
    customer: str
    contact: str


@dataclass(frozen=True)
class CustomerSetTier:
    customer: str
    tier: str


CustomerCommand: TypeAlias = (
    CustomerHelp
    | CustomerShow
    | CustomerList
    | CustomerSearch
    | CustomerAddContact
    | CustomerForget
    | CustomerSetTier
)


def parse_customer_command(text: str) -> CustomerCommand:
    """What the person meant by `/customer <text>`. Raises ParseError, worded for them."""
    stripped = squash_spaces(fold_punctuation(text))
    if not stripped or stripped.casefold() in _HELP_WORDS:
        return CustomerHelp()
    first, _, rest = stripped.partition(" ")
    verb = first.casefold()
    if verb in _LIST_WORDS:
        return _list(rest)
    if verb in _SEARCH_WORDS:
        return CustomerSearch(search_words(rest))
    found = _VERB_RE.match(stripped)
    if found is None:
        return CustomerShow(_customer_name(stripped))
    customer = _customer_name(found["customer"])
    action = _VERBS[found["verb"].casefold()]
    rest = (found["rest"] or "").strip()
    if action == "contact":
        return CustomerAddContact(customer, parse_contact(rest))
    if action == "forget":
        if not rest:
            raise ParseError(msg("Say which contact to forget."), example=FORGET_EXAMPLE)
        return CustomerForget(customer, _limited(rest, MAX_NAME_CHARS))
    tier = TIER_WORDS.get(rest.casefold())
    if not rest:
        raise ParseError(msg("Use core, growth or longtail after tier."), example=TIER_EXAMPLE)
    if tier is None:
        raise ParseError(
            msg("{value} is not a tier. Use core, growth or longtail.", value=quoted(rest)),
            example=TIER_EXAMPLE,
        )
    return CustomerSetTier(customer, tier)


def parse_contact(text: str) -> ContactDetails:
    """`name, title[, role][, phone][, email]`: after the title, each part is read by shape."""
    parts = [squash_spaces(part) for part in fold_punctuation(text).split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise ParseError(
            msg("Give the contact's name and title, separated by a comma."),
            example=CONTACT_EXAMPLE,
        )
    name = _limited(parts[0], MAX_NAME_CHARS)
    title = role = phone = email = None
    for part in parts[1:]:
        if part.casefold() in ROLE_WORDS and role is None:
            role = ROLE_WORDS[part.casefold()]
        elif is_email(part) and email is None:
            email = _limited(part, MAX_EMAIL_CHARS)
        elif is_phone(part) and phone is None:
            phone = _limited(part, MAX_PHONE_CHARS)
        elif title is None:
            title = _limited(part, MAX_TITLE_CHARS)
        else:
            raise ParseError(
                msg(
                    "I couldn't tell what {value} is. After the name and title, give a role "
                    "(decision maker, influencer, user, finance), a phone number or an email.",
                    value=quoted(part),
                ),
                example=CONTACT_EXAMPLE,
            )
    return ContactDetails(name, title, role, phone, email)


def is_email(text: str) -> bool:
    return bool(_EMAIL_RE.match(text))


def is_phone(text: str) -> bool:
    return bool(_PHONE_RE.match(text)) and sum(c.isdigit() for c in text) >= 5


def search_words(text: str) -> tuple[str, ...]:
    words = [word.strip(_WORD_EDGES) for word in fold_punctuation(text).split()]
    words = list(dict.fromkeys(word.casefold() for word in words if word))
    if not words:
        raise ParseError(msg("Say what to search for."), example=SEARCH_EXAMPLE)
    if len(words) > MAX_SEARCH_WORDS:
        raise ParseError(
            msg("Search for at most {count} words at a time.", count=MAX_SEARCH_WORDS),
            example=SEARCH_EXAMPLE,
        )
    return tuple(word[:MAX_WORD_CHARS] for word in words)


def _list(rest: str) -> CustomerList:
    tier = scope = None
    for word in rest.split():
        key = word.casefold()
        if key in TIER_WORDS and tier is None:
            tier = TIER_WORDS[key]
        elif key in _MINE_WORDS and scope is None:
            scope = "mine"
        elif key in _ALL_WORDS and scope is None:
            scope = "all"
        else:
            raise ParseError(
                msg(
                    "I don't know what {value} means here. After list, give a tier "
                    "(core, growth, longtail) and mine or all.",
                    value=quoted(word),
                ),
                example=LIST_EXAMPLE,
            )
    return CustomerList(tier, scope)


def _customer_name(text: str) -> str:
    name = text.strip()
    if not name.strip(_WORD_EDGES):
        raise ParseError(msg("Name the customer."), example=SHOW_EXAMPLE)
    return _limited(name, MAX_NAME_CHARS)


def _limited(text: str, limit: int) -> str:
    if len(text) > limit:
        raise ParseError(
            msg("{value} is longer than {limit} characters.", value=quoted(text), limit=limit),
            example=CONTACT_EXAMPLE,
        )
    return text

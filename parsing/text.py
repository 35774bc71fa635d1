"""Text as it may be stored: no control characters, and lengths measured as they are kept."""

from __future__ import annotations

import re

from parsing._common import quoted
from translations import Text, msg

# C0 and C1 control characters except tab and newline, and lone UTF-16 surrogates (JSON can
# carry "\ud800"). PostgreSQL refuses NUL in text and no UTF-8 encoder takes a surrogate;
# the others are invisible in Slack, so dropping them changes nothing a person can see.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


# A Slack entity: a mention `<@U1|rita>`, a channel `<#C1|sales>`, `<!here>`, or a link
# `<https://acme.com|acme.com>`. Typed `<` and `>` arrive escaped, so these are only Slack's.
_SLACK_ENTITY = re.compile(r"<([@#!]?)([^|<>]*)(?:\|([^<>]*))?>")


def slack_readable(text: str) -> str:
    """Text Slack escaped (a message, or a command with `should_escape: true`) as the person
    typed and reads it: `<@U1|rita>` as @rita, `<#C1|sales>` as #sales, a link as its label,
    and `&amp;`, `&lt;`, `&gt;` as `&`, `<`, `>` (undone last: `&amp;lt;` is `&lt;`)."""

    def shown(found: re.Match[str]) -> str:
        kind, target, label = found.groups()
        return f"{kind}{label or target}" if kind in ("@", "#") else label or target

    text = _SLACK_ENTITY.sub(shown, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_text(text: str) -> str:
    """`text` without the characters no database should get (carriage returns become
    newlines, other control characters and lone surrogates are dropped)."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_unsafe_characters(text: str) -> bool:
    return _UNSAFE.search(text) is not None


def match_key(text: str) -> str:
    """How names are compared ("ACME  corp" is "Acme Corp"): spacing squashed, case folded.

    Case folding can lengthen a name ("ß" becomes "ss"), so length limits apply to this key.
    """
    return " ".join(text.split()).casefold()


def name_too_long(what: Text, name: str, limit: int) -> Text | None:
    """Why the name `name` can't be kept in `limit` characters (its key included), if so."""
    shown, key = " ".join(name.split()), match_key(name)
    if len(shown) > limit:
        return msg(
            "{what} can be at most {limit} characters, but {name} has {length}.",
            what=what,
            limit=limit,
            name=quoted(shown),
            length=len(shown),
        )
    if len(key) > limit:
        return msg(
            "{what} can be at most {limit} characters as names are compared (in lower case, "
            "where ß is ss), but it has {length}.",
            what=what,
            limit=limit,
            length=len(key),
        )
    return None

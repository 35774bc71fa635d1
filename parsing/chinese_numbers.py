"""Numbers written with Chinese numerals: 十二万, 一百二十万, 三千五百, 1.2亿, 两万五, 壹仟.

Arabic digits may stand for any digit group (`1.2亿`, `3万5千`, `12万`), as people mix them.
The colloquial short forms are read as speakers mean them: a last digit with no unit takes
the unit below the one before it, so 两万五 is 25,000, 三千五 is 3,500 and 一百二 is 120.
"""

from __future__ import annotations

import re
from decimal import Decimal

_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
# Units within a group of four digits.
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# Units that close a group: 万 = 10^4, 亿 = 10^8.
_GROUP_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_ZEROS = frozenset("零〇")
_ARABIC_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CHARS = frozenset(_DIGITS) | frozenset(_SMALL_UNITS) | frozenset(_GROUP_UNITS)

CHINESE_NUMERAL_CHARS = "".join(sorted(_CHARS))


def has_chinese_numerals(text: str) -> bool:
    return any(char in _CHARS for char in text)


def parse_chinese_number(text: str) -> Decimal | None:
    """The value of `text`, or None when it is not a well-formed Chinese number."""
    tokens = _tokens(text)
    if not tokens:
        return None
    try:
        return _value(tokens)
    except _Malformed:
        return None


class _Malformed(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, Decimal]] | None:
    """("digit", value), ("small", unit), ("group", unit) or ("zero", 0) for each piece."""
    tokens: list[tuple[str, Decimal]] = []
    at = 0
    while at < len(text):
        char = text[at]
        arabic = _ARABIC_RE.match(text, at)
        if arabic:
            tokens.append(("digit", Decimal(arabic[0])))
            at = arabic.end()
            continue
        if char in _ZEROS:
            tokens.append(("zero", Decimal(0)))
        elif char in _DIGITS:
            tokens.append(("digit", Decimal(_DIGITS[char])))
        elif char in _SMALL_UNITS:
            tokens.append(("small", Decimal(_SMALL_UNITS[char])))
        elif char in _GROUP_UNITS:
            tokens.append(("group", Decimal(_GROUP_UNITS[char])))
        else:
            return None
        at += 1
    return tokens


def _value(tokens: list[tuple[str, Decimal]]) -> Decimal:
    total = Decimal(0)  # groups already closed by 亿
    wan_part = Decimal(0)  # the group closed by 万 within the current 亿
    section = Decimal(0)  # below 万
    pending: Decimal | None = None  # a digit waiting for its unit
    last_unit: Decimal | None = None  # for the colloquial 两万五
    smallest_small = Decimal(10**4)  # small units must fall: 三千五百, never 三百五千
    seen_wan = False
    for kind, value in tokens:
        if kind == "digit":
            if pending is not None:
                raise _Malformed
            pending = value
        elif kind == "zero":
            if pending is not None:
                section += pending
                pending = None
            last_unit = None  # 一千零五 is 1005: after 零 a digit means ones
        elif kind == "small":
            if value >= smallest_small:
                raise _Malformed
            # 十二 (12) starts with a bare 十; elsewhere a unit needs its digit.
            if pending is None and (section or wan_part or total or value != 10):
                raise _Malformed
            section += (1 if pending is None else pending) * value
            pending, last_unit, smallest_small = None, value, value
        elif value == 10**4:
            if seen_wan:
                raise _Malformed
            group = section + (pending or 0)
            if not group:
                raise _Malformed
            wan_part = group * value
            section, pending, last_unit, seen_wan = Decimal(0), None, value, True
            smallest_small = Decimal(10**4)
        else:
            group = wan_part + section + (pending or 0)
            if not group or total:
                raise _Malformed
            total = group * value
            wan_part, section, pending, last_unit, seen_wan = 0, 0, None, value, False
            smallest_small = Decimal(10**4)
    if pending is not None:
        implied = last_unit / 10 if last_unit is not None and last_unit > 10 else 1
        section += pending * implied
    return total + wan_part + section


def to_chinese_numerals(value: int) -> str:
    """`value` (0 to 10^12 - 1) written out in Chinese numerals, as the tests read it back."""
    if value == 0:
        return "零"
    parts: list[str] = []
    yi, rest = divmod(value, 10**8)
    wan, ones = divmod(rest, 10**4)
    need_zero = False
    for group, unit in ((yi, "亿"), (wan, "万"), (ones, "")):
        if group == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or group < 1000):
            parts.append("零")
        parts.append(_four_digits(group) + unit)
        need_zero = False
    return "".join(parts)


def _four_digits(value: int) -> str:
    names = "零一二三四五六七八九"
    out: list[str] = []
    zero_pending = False
    for unit, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, unit)
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(names[digit] + unit_name)
    return "".join(out)

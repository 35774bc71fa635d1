"""Money amounts as salespeople type them: 120k, $1.2m, 12万, 一百二十万元, USD 120,000."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from parsing._common import quoted
from parsing.chinese_numbers import has_chinese_numerals, parse_chinese_number
from parsing.errors import ParseError
from translations import marked, msg

AMOUNT_EXAMPLES = marked("120000, 120k, 1.2m, $120k or 12万")
_EXAMPLES = msg(AMOUNT_EXAMPLES)
MAX_AMOUNT = Decimal("999999999999.99")
_CENTS = Decimal("0.01")
_CEILING = Decimal(10**12)

# ¥ means CNY here because the teams using the bot quote yuan, not yen; JPY must be spelled out.
# Full-width yen and dollar signs need no entry: NFKC folds them into ¥ and $ before we look.
_SYMBOLS: dict[str, str] = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "元": "CNY"}
_ALIASES: dict[str, str] = {"RMB": "CNY"}
# Currency words of Chinese speakers (块 is the spoken yuan: 5万块).
_CHINESE_WORDS: dict[str, str] = {
    "人民币": "CNY",
    "块钱": "CNY",
    "块": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港币": "HKD",
    "港元": "HKD",
    "英镑": "GBP",
    "日元": "JPY",
}
_MINUS_SIGNS = frozenset("-\u2212")  # ASCII hyphen-minus and the typographic minus

# Active ISO 4217 codes. A closed list, so that a stray three-letter word is not taken as money.
# Kept as a compact table so it is easy to check against the standard.
_ISO_TABLE = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
ZMW ZWG
"""
_ISO_CODES = frozenset(_ISO_TABLE.split())

_SCALES: dict[str, int] = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "千": 10**3,
    "万": 10**4,
    "m": 10**6,
    "mm": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "亿": 10**8,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}

_SYMBOL_CHARS = re.escape("".join(_SYMBOLS))
_CHINESE_WORD_RE = "|".join(sorted(_CHINESE_WORDS, key=len, reverse=True))
# A leading currency word must end at a non-letter so "USDX" is not read as USD.
_PREFIX_RE = re.compile(
    rf"(?P<marker>{_CHINESE_WORD_RE}|[A-Za-z]{{3}}(?![A-Za-z])|[{_SYMBOL_CHARS}]|[-\u2212])\s*"
)
_SUFFIX_RE = re.compile(rf"(?P<marker>{_CHINESE_WORD_RE}|[A-Za-z]{{3}}|[{_SYMBOL_CHARS}])$")
_NUMBER_RE = re.compile(r"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<scale>[^\s0-9.,]*)")
_GROUPED_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Amount:
    value: Decimal  # non-negative, quantized to 2 decimal places
    currency: str | None  # ISO 4217 code when the text named one, else None


def parse_amount(raw: str) -> Amount:
    """Read an amount such as `120k`, `$1.2m`, `USD 120,000`, `12万` or `一百二十万元`.

    Raises ParseError, worded for the person who typed `text`, when it is not one.
    """
    # NFKC turns full-width digits and punctuation from Chinese keyboards into ASCII.
    normal = unicodedata.normalize("NFKC", raw).strip()
    if not normal:
        raise ParseError(msg("Type an amount, like 120k."), example=_EXAMPLES)
    prefixes, core = _peel_prefixes(normal)
    suffixes, core = _peel_suffixes(core)
    value = _read_number(core, raw)
    markers = prefixes + suffixes
    if any(marker in _MINUS_SIGNS for marker in markers):
        raise ParseError(
            msg("{value} is negative, and amounts can't be below zero.", value=quoted(raw)),
            example=_EXAMPLES,
        )
    currency = _single_currency([m for m in markers if m not in _MINUS_SIGNS], raw)
    return Amount(_to_cents(value, raw), currency)


def _peel_prefixes(text: str) -> tuple[list[str], str]:
    """Currency words, symbols and minus signs in front of the number, and what is left."""
    markers: list[str] = []
    while match := _PREFIX_RE.match(text):
        markers.append(match["marker"])
        text = text[match.end() :]
    return markers, text


def _peel_suffixes(text: str) -> tuple[list[str], str]:
    """Currency words and symbols after the number (`120k EUR`, `12万元`), and what is left."""
    markers: list[str] = []
    while (match := _SUFFIX_RE.search(text)) and _is_currency_suffix(match, text):
        markers.insert(0, match["marker"])
        text = text[: match.start()].rstrip()
    return markers, text


def _is_currency_suffix(match: re.Match[str], text: str) -> bool:
    marker = match["marker"]
    if marker.casefold() in _SCALES:
        return False
    if _currency_code(marker) is not None:
        return True
    # An unknown word only counts when it stands apart ("120 xyz"), so "120kkk" stays one
    # unreadable token instead of becoming a puzzling complaint about currency "KKK".
    before = text[: match.start()]
    return before != before.rstrip()


def currency_code(word: str) -> str | None:
    """The ISO 4217 code a person means by `word` (`cny`, `RMB`, `¥`, `人民币`), or None."""
    return _currency_code(unicodedata.normalize("NFKC", word.strip()))


def _currency_code(marker: str) -> str | None:
    if marker in _SYMBOLS:
        return _SYMBOLS[marker]
    if marker in _CHINESE_WORDS:
        return _CHINESE_WORDS[marker]
    code = marker.upper()
    if code in _ALIASES:
        return _ALIASES[code]
    return code if code in _ISO_CODES else None


def _single_currency(markers: list[str], raw: str) -> str | None:
    codes: list[str] = []
    for marker in markers:
        code = _currency_code(marker)
        if code is None:
            raise ParseError(
                msg(
                    "I don't know the currency {currency} in {value}. "
                    "Use a symbol ($ € £ ¥) or a 3-letter code such as USD, EUR, GBP or CNY.",
                    currency=quoted(marker.upper()),
                    value=quoted(raw),
                ),
                example=_EXAMPLES,
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > 1:
        raise ParseError(
            msg(
                "{value} names more than one currency ({currencies}). Use just one.",
                value=quoted(raw),
                currencies=msg("{items} and {last}", items=", ".join(codes[:-1]), last=codes[-1]),
            ),
            example=_EXAMPLES,
        )
    return codes[0] if codes else None


def _read_number(core: str, raw: str) -> Decimal:
    """The exact value of `core` (digits plus an optional k/m/b/万/亿 scale), unrounded."""
    match = _NUMBER_RE.fullmatch(core)
    scale = _SCALES.get(match["scale"].casefold()) if match else None
    if (match is None or scale is None) and has_chinese_numerals(core):
        value = parse_chinese_number(core.replace(",", "").replace(" ", ""))
        if value is not None:
            return value
    if match is None or scale is None:
        raise ParseError(
            msg("I couldn't read {value} as an amount.", value=quoted(raw)), example=_EXAMPLES
        )
    number = match["number"]
    if "," in number and not _GROUPED_RE.fullmatch(number):
        raise ParseError(
            msg(
                "The commas in {value} are in the wrong places. Group digits in threes, "
                "like 1,200,000, and use a dot for decimals.",
                value=quoted(raw),
            ),
            example=_EXAMPLES,
        )
    digits = number.replace(",", "")
    # Enough precision that scaling is exact: rounding must happen once, to cents, not twice.
    with localcontext() as context:
        context.prec = len(digits) + 12
        return Decimal(digits) * scale


def _to_cents(value: Decimal, raw: str) -> Decimal:
    too_large = ParseError(
        msg(
            "{value} is too large. The most I can record is 999,999,999,999.99.",
            value=quoted(raw),
        ),
        example=_EXAMPLES,
    )
    # Checked before rounding too, so quantize never meets a number too long for its context.
    if value >= _CEILING:
        raise too_large
    with localcontext() as context:
        context.prec = 28
        cents = value.quantize(_CENTS, rounding=ROUND_HALF_EVEN)
    # Compared after rounding: 999999999999.994 is a fine amount, 999999999999.995 is not.
    if cents > MAX_AMOUNT:
        raise too_large
    return cents

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.amounts import AMOUNT_EXAMPLES, MAX_AMOUNT, Amount, parse_amount
from parsing.errors import ParseError
from tests.parsing.helpers import result_or_error

AMOUNTS = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2).map(abs)


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("120000", "120000.00", None),
        ("120,000", "120000.00", None),
        ("120k", "120000.00", None),
        ("1.2m", "1200000.00", None),
        ("$120k", "120000.00", "USD"),
        ("¥120,000", "120000.00", "CNY"),
        ("12万", "120000.00", None),
        ("1.5亿", "150000000.00", None),
        ("120K", "120000.00", None),
        ("2.5M", "2500000.00", None),
        ("1b", "1000000000.00", None),
        ("1bn", "1000000000.00", None),
        ("1BN", "1000000000.00", None),
        ("€3k", "3000.00", "EUR"),
        ("£3k", "3000.00", "GBP"),
        ("￥3k", "3000.00", "CNY"),
        ("3000元", "3000.00", "CNY"),
        ("12万元", "120000.00", "CNY"),
        ("120000.50", "120000.50", None),
        ("  120k  ", "120000.00", None),
        ("USD 120k", "120000.00", "USD"),
        ("usd120k", "120000.00", "USD"),
        ("120k eur", "120000.00", "EUR"),
        ("120kEUR", "120000.00", "EUR"),
        ("CNY 12万", "120000.00", "CNY"),
        ("RMB 5k", "5000.00", "CNY"),
        ("$120k USD", "120000.00", "USD"),
        ("¥12万元", "120000.00", "CNY"),
        ("$ 120 k", "120000.00", "USD"),
        ("1,200,000", "1200000.00", None),
        ("1,200.5k", "1200500.00", None),
        (".5k", "500.00", None),
        ("0", "0.00", None),
        ("1.2 million", "1200000.00", None),
        ("120 thousand", "120000.00", None),
        ("3 mln", "3000000.00", None),
        ("１２０，０００", "120000.00", None),  # noqa: RUF001 - full-width digits from IMEs
        ("999,999,999,999.99", "999999999999.99", None),
    ],
)
def test_accepted_forms(text, value, currency):
    assert parse_amount(text) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.005", "0.00"),
        ("0.015", "0.02"),
        ("0.125", "0.12"),
        ("1.23456k", "1234.56"),
        ("1.234565k", "1234.56"),
        ("1.234575k", "1234.58"),
        ("999999999999.994", "999999999999.99"),
    ],
)
def test_rounds_half_even_to_cents(text, value):
    assert parse_amount(text).value == Decimal(value)


def test_value_always_has_exactly_two_places():
    assert parse_amount("120k").value.as_tuple().exponent == -2
    assert str(parse_amount("1.5亿").value) == "150000000.00"


def test_rejects_unreadable_text_with_the_spec_message():
    with pytest.raises(ParseError) as caught:
        parse_amount("12x")
    assert caught.value.message == "I couldn't read “12x” as an amount."
    assert caught.value.example == "120000, 120k, 1.2m, $120k or 12万"
    assert caught.value.example == AMOUNT_EXAMPLES


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Type an amount"),
        ("   ", "Type an amount"),
        ("12x", "couldn't read “12x”"),
        ("abc", "couldn't read “abc”"),
        ("k", "couldn't read"),
        ("$", "couldn't read"),
        ("USD", "couldn't read"),
        ("1e5", "couldn't read"),
        ("nan", "couldn't read"),
        ("inf", "couldn't read"),
        ("1.2.3", "couldn't read"),
        ("120.", "couldn't read"),
        ("120kkk", "couldn't read"),
        ("120 000", "couldn't read"),
        ("+120", "couldn't read"),
        ("-120", "negative"),
        ("-$120k", "negative"),
        ("$-120k", "negative"),
        ("\u2212120", "negative"),
        ("1,20,000", "commas in “1,20,000” are in the wrong places"),
        ("120,50", "wrong places"),
        (",120", "couldn't read"),
        ("120,", "wrong places"),
        ("1,2345", "wrong places"),
        ("1000000000000", "too large"),
        ("999999999999.995", "too large"),
        ("1000b", "too large"),
        ("9" * 5000, "too large"),
        ("$120k EUR", "more than one currency (USD and EUR)"),
        ("€5 GBP", "more than one currency (EUR and GBP)"),
        ("$5 EUR GBP", "(USD, EUR and GBP)"),
        ("USD ¥5", "(USD and CNY)"),
        ("120 xyz", "don't know the currency “XYZ”"),
        ("abc 120", "don't know the currency “ABC”"),
    ],
)
def test_rejections(text, fragment):
    with pytest.raises(ParseError) as caught:
        parse_amount(text)
    assert fragment in caught.value.message
    assert caught.value.example == AMOUNT_EXAMPLES


def test_error_quotes_long_input_briefly():
    with pytest.raises(ParseError) as caught:
        parse_amount("x" * 500)
    assert len(caught.value.message) < 120
    assert "…" in caught.value.message


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_an_amount_or_a_parse_error(text):
    outcome = result_or_error(parse_amount, text)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example == AMOUNT_EXAMPLES
    else:
        assert isinstance(outcome, Amount)
        assert Decimal(0) <= outcome.value <= MAX_AMOUNT
        assert outcome.value.as_tuple().exponent == -2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,kKmMbB万亿$€£¥元 -usdeurUSDEUR", max_size=20))
def test_amount_like_text_gives_an_amount_or_a_parse_error(text):
    outcome = result_or_error(parse_amount, text)
    assert isinstance(outcome, Amount) or outcome.message


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def _with_commas(value: Decimal) -> str:
    return f"{value:,f}"


def _scaled(suffix: str, power: int) -> object:
    def format_scaled(value: Decimal) -> str:
        return f"{value.scaleb(-power):f}{suffix}"

    return format_scaled


FORMATS = {
    "plain": _plain,
    "commas": _with_commas,
    "k": _scaled("k", 3),
    "m": _scaled("m", 6),
    "b": _scaled("b", 9),
    "bn": _scaled("bn", 9),
    "万": _scaled("万", 4),
    "亿": _scaled("亿", 8),
}


@settings(max_examples=200, deadline=None)
@given(AMOUNTS, st.sampled_from(sorted(FORMATS)))
def test_formatted_decimals_parse_back(value, style):
    assert parse_amount(FORMATS[style](value)) == Amount(value, None)


@settings(max_examples=200, deadline=None)
@given(
    AMOUNTS,
    st.sampled_from(sorted(FORMATS)),
    st.sampled_from(
        [
            ("${}", "USD"),
            ("¥{}", "CNY"),
            ("￥{}", "CNY"),
            ("€{}", "EUR"),
            ("£{}", "GBP"),
            ("{}元", "CNY"),
            ("USD {}", "USD"),
            ("{} eur", "EUR"),
            ("CNY{}", "CNY"),
        ]
    ),
)
def test_formatted_decimals_with_currency_parse_back(value, style, template):
    pattern, currency = template
    text = pattern.format(FORMATS[style](value))
    assert parse_amount(text) == Amount(value, currency)


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=Decimal("0.000001"), max_value=MAX_AMOUNT, places=6))
def test_extra_decimals_round_half_even(value):
    assert parse_amount(f"{value:f}").value == value.quantize(Decimal("0.01"), ROUND_HALF_EVEN)

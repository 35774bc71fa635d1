"""Amounts written the way people type them, for examples they can copy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing.amounts import parse_amount
from sales.money import typed_amount


@pytest.mark.parametrize(
    ("value", "typed"),
    [
        ("100000.00", "100k"),
        ("130000.50", "130,000.50"),
        ("1500000.00", "1.5m"),
        ("2000000.00", "2m"),
        ("1234000.00", "1,234,000"),
        ("150500.00", "150.5k"),
        ("999.00", "999"),
        ("99.50", "99.50"),
        ("0.00", "0"),
    ],
)
def test_typed_amounts(value: str, typed: str) -> None:
    assert typed_amount(Decimal(value)) == typed


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False))
def test_a_typed_amount_reads_back_as_the_same_amount(value: Decimal) -> None:
    text = typed_amount(value)
    assert parse_amount(text).value == value
    assert parse_amount(text).currency is None

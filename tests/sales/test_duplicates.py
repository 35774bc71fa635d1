import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales.duplicates import similar_titles, title_key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("外卖系统", "外卖系统"),
        ("Renewal 2027", "renewal-2027"),
        ("外卖系统", "外卖系统二期"),
        ("Renewal 2027", "Renewal 2028"),
        ("CRM rollout", "CRM roll-out!"),
    ],
)
def test_similar(first: str, second: str) -> None:
    assert similar_titles(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("外卖系统", "收银系统硬件"),
        ("Renewal", "Pilot"),
        ("A", "Acme platform rollout"),
        ("Support", "Support contract for the 2027 expansion"),
        ("!!!", "Renewal"),
    ],
)
def test_not_similar(first: str, second: str) -> None:
    assert not similar_titles(first, second)


@given(st.text(max_size=40), st.text(max_size=40))
def test_symmetric_and_blind_to_spacing_and_punctuation(first: str, second: str) -> None:
    assert similar_titles(first, second) == similar_titles(second, first)
    assert similar_titles(first, f"  {first} - !")
    assert title_key(f"{first} , {second}") == title_key(first) + title_key(second)

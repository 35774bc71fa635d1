import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing.customer_command import (
    CUSTOMER_EXAMPLES,
    ContactDetails,
    CustomerAddContact,
    CustomerForget,
    CustomerHelp,
    CustomerList,
    CustomerSearch,
    CustomerSetTier,
    CustomerShow,
    parse_customer_command,
)
from parsing.errors import ParseError
from tests.parsing.helpers import result_or_error


def fails(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_customer_command(text)
    assert caught.value.example
    return caught.value


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?", "？", "帮助"])
def test_help(text: str) -> None:
    assert parse_customer_command(text) == CustomerHelp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", CustomerShow("Acme")),
        ("  Acme   Corp ", CustomerShow("Acme Corp")),
        ("美团", CustomerShow("美团")),
        ("list", CustomerList()),
        ("list core mine", CustomerList("core", "mine")),
        ("LIST all long-tail", CustomerList("longtail", "all")),
        ("列表 成长 我的", CustomerList("growth", "mine")),
        ("列表 长尾 全部", CustomerList("longtail", "all")),
        ("search renewal  Budget", CustomerSearch(("renewal", "budget"))),
        ("搜索 外卖", CustomerSearch(("外卖",))),
        ("Acme tier core", CustomerSetTier("Acme", "core")),
        ("美团 分层 核心", CustomerSetTier("美团", "core")),
        ("Acme Corp forget Li Wei", CustomerForget("Acme Corp", "Li Wei")),
        ("美团 删除联系人 李伟", CustomerForget("美团", "李伟")),
        (
            "Acme contact Li Wei, CFO",
            CustomerAddContact("Acme", ContactDetails("Li Wei", "CFO")),
        ),
        (
            "美团 联系人 李伟，财务总监，决策者，13800000000，li@meituan.com",
            CustomerAddContact(
                "美团",
                ContactDetails(
                    "李伟", "财务总监", "decision_maker", "13800000000", "li@meituan.com"
                ),
            ),
        ),
        (
            "Acme contact Ann, li@acme.com, influencer",
            CustomerAddContact(
                "Acme", ContactDetails("Ann", None, "influencer", None, "li@acme.com")
            ),
        ),
    ],
)
def test_commands(text: str, expected: object) -> None:
    assert parse_customer_command(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("list gold", "“gold”"),
        ("list core growth", "“growth”"),
        ("search", "Say what to search for"),
        ("search " + " ".join(f"w{i}" for i in range(11)), "at most 10 words"),
        ("Acme tier gold", "“gold” is not a tier"),
        ("Acme tier", "Use core, growth or longtail"),
        ("Acme forget", "Say which contact"),
        ("Acme contact", "name and title"),
        ("Acme contact , ,", "name and title"),
        ("Acme contact Li, CFO, tall, blond", "“tall”"),
        ("Acme contact " + "x" * 121 + ", CFO", "longer than 120"),
        ("x" * 121, "longer than 120"),
    ],
)
def test_mistakes_are_explained_with_an_example(text: str, says: str) -> None:
    assert says in fails(text).message


def test_every_example_parses() -> None:
    for example in CUSTOMER_EXAMPLES:
        parse_customer_command(example.removeprefix("/customer").strip())


@given(st.text(max_size=300))
def test_any_text_parses_or_is_explained(text: str) -> None:
    result = result_or_error(parse_customer_command, text)
    if isinstance(result, ParseError):
        assert result.message
        assert result.example
    elif isinstance(result, CustomerShow):
        assert result.name == result.name.strip()
        assert len(result.name) <= 120


names = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=30)


@given(customer=names, contact=names, title=names)
def test_a_contact_comes_back_as_typed(customer: str, contact: str, title: str) -> None:
    parsed = result_or_error(parse_customer_command, f"{customer} contact {contact}, {title}")
    if isinstance(parsed, CustomerAddContact) and parsed.customer == customer:
        assert parsed.contact.name == contact
        assert title in (parsed.contact.title, parsed.contact.phone) or parsed.contact.role


@given(text=st.text(max_size=80))
def test_full_width_punctuation_reads_as_half_width(text: str) -> None:
    half = result_or_error(parse_customer_command, f"Acme contact Li, {text}")
    full = result_or_error(parse_customer_command, f"Acme contact Li， {text}")
    assert type(half) is type(full)
    if not isinstance(half, ParseError):
        assert half == full

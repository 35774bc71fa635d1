"""/deal has `should_escape: true`: Slack sends `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;` and
people picked from the @ list as `<@U123|name>`. What people typed is read back unchanged,
and only `owner` and `reassign` read the mentions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing.amounts import Amount
from parsing.deal_command import (
    DealAddNote,
    DealCreate,
    DealDelete,
    DealLost,
    DealOpenEditForm,
    DealReassign,
    DealRef,
    DealSetOwner,
    DealShow,
    parse_deal_command,
)
from parsing.errors import ParseError
from parsing.text import slack_readable
from tests.parsing.helpers import slack_escaped

TODAY = date(2026, 11, 18)
DEAL_12 = DealRef(deal_id=12)
# What clean_payload leaves: no control characters but tab and newline.
TYPED = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u0085")
    | st.sampled_from("&<>;@#|"),
    max_size=80,
)


@given(TYPED)
def test_escaped_text_reads_back_as_typed(text: str) -> None:
    assert slack_readable(slack_escaped(text)) == text


@given(TYPED)
def test_a_note_is_kept_as_typed(text: str) -> None:
    command = f"#12 note {slack_escaped(text)}"
    if not text.strip():
        with pytest.raises(ParseError):
            parse_deal_command(command, TODAY)
        return
    assert parse_deal_command(command, TODAY) == DealAddNote(DEAL_12, text.strip())


@given(TYPED)
def test_a_lost_reason_is_kept_as_typed(text: str) -> None:
    if text.strip():
        lost = parse_deal_command(f"#12 lost {slack_escaped(text)}", TODAY)
        assert lost == DealLost(DEAL_12, text.strip())


NAME = TYPED.map(lambda text: text.replace(";", "").replace("；", "")).filter(
    lambda name: name.strip() != ""
)


@given(NAME, NAME)
def test_customer_and_title_are_kept_as_typed(customer: str, title: str) -> None:
    command = f"new {slack_escaped(customer)}; {slack_escaped(title)}; 10k"
    parsed = parse_deal_command(command, TODAY)
    assert isinstance(parsed, DealCreate)
    assert (parsed.customer, parsed.title) == (" ".join(customer.split()), " ".join(title.split()))
    assert parsed.amount == Amount(value=parsed.amount.value, currency=None)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("new AT&amp;T; M&amp;A &lt;phase 2&gt;; 10k", ("AT&T", "M&A <phase 2>")),
        ("new Tom &amp;amp Co; Renewal; 10k", ("Tom &amp Co", "Renewal")),
        ("new Acme; Site <https://acme.com|acme.com>; 10k", ("Acme", "Site acme.com")),
    ],
)
def test_escapes_and_links_in_a_new_deal(sent: str, expected: tuple[str, str]) -> None:
    parsed = parse_deal_command(sent, TODAY)
    assert isinstance(parsed, DealCreate)
    assert (parsed.customer, parsed.title) == expected


def test_mentions_in_free_text_read_as_at_names() -> None:
    note = parse_deal_command("#12 note met <@U123ABC|rita> in <#C1|sales>", TODAY)
    assert note == DealAddNote(DEAL_12, "met @rita in #sales")
    assert parse_deal_command("AT&amp;T", TODAY) == DealShow(DealRef(text="AT&T"))
    assert parse_deal_command("AT&amp;T note hi &lt;3", TODAY) == DealAddNote(
        DealRef(text="AT&T"), "hi <3"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#12 owner <@U123ABC|rita>", DealSetOwner(DEAL_12, "U123ABC")),
        ("#12 owner <@U123ABC>", DealSetOwner(DEAL_12, "U123ABC")),
        ("#12 负责人 <@U123ABC|rita>", DealSetOwner(DEAL_12, "U123ABC")),
        ("#12 负责人<@U123ABC|rita>", DealSetOwner(DEAL_12, "U123ABC")),
        ("AT&amp;T owner <@U123ABC|rita>", DealSetOwner(DealRef(text="AT&T"), "U123ABC")),
        ("#12 edit", DealOpenEditForm(DEAL_12)),
        ("#12 EDIT", DealOpenEditForm(DEAL_12)),
        ("＃12 编辑", DealOpenEditForm(DEAL_12)),
        ("AT&amp;T edit", DealOpenEditForm(DealRef(text="AT&T"))),
        ("#12 delete", DealDelete(DEAL_12)),
        ("#12 删除", DealDelete(DEAL_12)),
        ("reassign <@U1AA|oscar> <@U2BB|rita>", DealReassign("U1AA", "U2BB", "open")),
        ("reassign <@U1AA|oscar> <@U2BB|rita> all", DealReassign("U1AA", "U2BB", "all")),
        ("reassign <@U1AA> <@U2BB> OPEN", DealReassign("U1AA", "U2BB", "open")),
        ("转交 <@U1AA|oscar> <@U2BB|rita> 全部", DealReassign("U1AA", "U2BB", "all")),
        ("转交 <@U1AA|oscar> <@U2BB|rita> 未结", DealReassign("U1AA", "U2BB", "open")),
    ],
)
def test_owner_delete_and_reassign(text: str, expected: object) -> None:
    assert parse_deal_command(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "fragment", "example"),
    [
        ("#12 owner", "Mention the one person", "/deal #12 owner @rita"),
        ("#12 owner @rita", "I can't tell who “@rita” is", "/deal #12 owner @rita"),
        ("#12 owner <#C123ABC|sales>", "is a channel, not a person", "/deal #12 owner @rita"),
        ("#12 owner <@U1AA> <@U2BB>", "Mention the one person", "/deal #12 owner @rita"),
        ("#12 edit the title", "“edit” doesn't take anything", "/deal #12 edit"),
        ("#12 delete now", "“delete” doesn't take anything", "/deal #12 delete"),
        ("reassign <@U1AA>", "Say whose deals go to whom", "/deal reassign @oscar @rita open"),
        ("reassign <@U1AA> <@U1AA>", "two different people", "/deal reassign @oscar @rita open"),
        ("reassign <@U1AA> <@U2BB> some", "not “some”", "/deal reassign @oscar @rita open"),
        ("reassign <!here> <@U2BB>", "isn't one person", "/deal reassign @oscar @rita open"),
    ],
)
def test_owner_delete_and_reassign_mistakes(text: str, fragment: str, example: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_deal_command(text, TODAY)
    assert fragment in raised.value.message
    assert raised.value.example == example

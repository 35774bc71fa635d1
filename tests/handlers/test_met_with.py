"""Who was met on a visit (issue 13): the visit form's "Met with" type-ahead over the
customer's contacts (new names become contacts), shown on the visit, exported by operators
only, and gone everywhere once the contact is forgotten."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from store.models import Contact, VisitContact
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

OUTSIDER = "UOUT001"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Rita works Acme (a visit; Li Wei, CFO, is a contact there); Uma has never met it."""
    running_bot.fake.add_user(OUTSIDER, name="uma", real_name="Uma Outsider", tz="Europe/Berlin")
    running_bot.ask("/visit", "Acme: intro call")
    shown = text_of(running_bot.ask("/customer", "Acme contact Li Wei, CFO"))
    assert ":warning:" not in shown, shown
    running_bot.ask("/visit", "Globex: demo", user=OUTSIDER)
    return running_bot


def open_modal(bot: RunningBot, user: str = REP) -> tuple[dict[str, Any], str]:
    mark = bot.fake.mark()
    response, response_url = bot.command("/visit", "", user)
    assert response.status == 200
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], response_url


def with_customer(view: dict[str, Any], name: str) -> dict[str, Any]:
    """The open form as Slack sends it with a suggestion request: the customer picked."""
    option = {"text": {"type": "plain_text", "text": name}, "value": name}
    state = {"customer": {"customer": {"type": "external_select", "selected_option": option}}}
    return {**view, "state": {"values": state}}


def suggestions(bot: RunningBot, view: dict[str, Any], typed: str, user: str = REP) -> list[str]:
    response = bot.slack.block_suggestion(
        user_id=user, action_id="met_with", block_id="met_with", value=typed, view=view
    )
    assert response.status == 200
    return [option["text"]["text"] for option in response.json()["options"]]


def submit(bot: RunningBot, view: dict[str, Any], met_with: list[str], user: str = REP) -> Any:
    values = {
        "customer": {"customer": "Acme"},
        "visited_on": {"visited_on": "2026-11-18"},
        "notes": {"notes": "Walked the plant floor"},
        "met_with": {"met_with": met_with},
    }
    return bot.slack.view_submission(
        user_id=user, callback_id="visit_modal", values=values, view=view
    )


def acme_contacts(bot: RunningBot) -> list[str]:
    with bot.db.reading() as session:
        return [contact.name for contact in session.scalars(select(Contact).order_by(Contact.id))]


def links(bot: RunningBot) -> list[tuple[int, str]]:
    with bot.db.reading() as session:
        rows = session.scalars(select(VisitContact).order_by(VisitContact.id))
        return [(row.visit_id, row.contact.name) for row in rows]


def test_the_type_ahead_offers_the_customers_contacts_and_a_new_name(bot: RunningBot) -> None:
    view, _ = open_modal(bot)
    assert any(block["block_id"] == "met_with" for block in view["blocks"])
    picked = with_customer(view, "Acme")
    assert suggestions(bot, picked, "") == ["Li Wei · CFO"]
    assert suggestions(bot, picked, "li") == [":heavy_plus_sign: New contact: li", "Li Wei · CFO"]
    assert suggestions(bot, picked, "li wei") == ["Li Wei · CFO"]
    assert suggestions(bot, picked, "Zhang San") == [":heavy_plus_sign: New contact: Zhang San"]
    # Before a customer is picked there is nobody to list.
    assert suggestions(bot, view, "li") == [":heavy_plus_sign: New contact: li"]


def test_someone_who_may_not_see_the_customer_is_offered_none_of_its_contacts(
    bot: RunningBot,
) -> None:
    view, _ = open_modal(bot, OUTSIDER)
    assert suggestions(bot, with_customer(view, "Acme"), "li", OUTSIDER) == [
        ":heavy_plus_sign: New contact: li"
    ]
    assert suggestions(bot, with_customer(view, "Acme"), "", OUTSIDER) == []


def test_the_people_met_are_saved_with_the_visit_and_a_new_name_becomes_a_contact(
    bot: RunningBot,
) -> None:
    view, response_url = open_modal(bot)
    response = submit(bot, view, ["Li Wei", "Zhang San"])
    assert response.status == 200
    assert response.body == ""
    shown = text_of(bot.reply_to(response_url))
    assert "*Met with*\nLi Wei, Zhang San" in shown
    assert acme_contacts(bot) == ["Li Wei", "Zhang San"]
    assert links(bot) == [(3, "Li Wei"), (3, "Zhang San")]
    assert "Zhang San" in text_of(bot.ask("/customer", "Acme"))
    # Editing the visit opens the form with them, and saving without one drops the link.
    card = bot.reply_to(response_url)
    mark = bot.fake.mark()
    edit_url = bot.fake.response_url()
    bot.slack.block_action(user_id=REP, action_id="visit_edit", response_url=edit_url, message=card)
    edit = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    [met] = [block for block in edit["blocks"] if block["block_id"] == "met_with"]
    assert [o["value"] for o in met["element"]["initial_options"]] == ["Li Wei", "Zhang San"]
    submit(bot, edit, ["Zhang San"])
    bot.fake.wait_for(lambda: links(bot) == [(3, "Zhang San")])


def test_another_rep_cannot_change_who_was_met(bot: RunningBot) -> None:
    view, response_url = open_modal(bot)
    submit(bot, view, ["Li Wei"])
    card = bot.reply_to(response_url)
    mark = bot.fake.mark()
    bot.slack.block_action(
        user_id=REP, action_id="visit_edit", response_url=bot.fake.response_url(), message=card
    )
    edit = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    mark = bot.fake.mark()
    submit(bot, edit, ["Mallory"], user=OTHER_REP)
    bot.fake.wait_for(lambda: bot.fake.calls()[mark:])
    bot.settle()
    assert links(bot) == [(3, "Li Wei")]
    assert "Mallory" not in acme_contacts(bot)


def test_a_name_too_long_is_explained_under_the_field(bot: RunningBot) -> None:
    view, _ = open_modal(bot)
    body = submit(bot, view, ["x" * 130]).json()
    assert body["response_action"] == "errors"
    assert "at most 120 characters" in body["errors"]["met_with"]
    assert links(bot) == []


def test_met_with_in_chinese(bot: RunningBot) -> None:
    bot.ask("/lang", "zh")
    view, response_url = open_modal(bot)
    [met] = [block for block in view["blocks"] if block["block_id"] == "met_with"]
    assert met["label"]["text"] == "会见对象"
    assert suggestions(bot, with_customer(view, "Acme"), "王伟") == [
        ":heavy_plus_sign: 新联系人：王伟"
    ]
    submit(bot, view, ["王伟"])
    assert "*会见对象*\n王伟" in text_of(bot.reply_to(response_url))

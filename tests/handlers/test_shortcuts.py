"""Slack's shortcuts end to end: "Log as visit" on a message opens the visit form with the
message as notes and the customer guessed; "Log a visit" and "New deal" open their forms."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from store.models import Visit
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

OUTSIDER = "UREP003"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    running_bot.fake.add_user(OUTSIDER, name="uma", real_name="Uma Outsider", tz="Europe/Berlin")
    for command, text, user in (
        ("/visit", "Acme: kickoff", REP),
        ("/visit", "美团: 外卖系统演示", REP),
        ("/visit", "Globex: demo", OUTSIDER),
    ):
        running_bot.ask(command, text, user=user)
    return running_bot


def opened_view(bot: RunningBot, mark: int) -> dict[str, Any]:
    call = bot.fake.wait_for_call("views.open", since=mark)
    assert call.response["ok"], call.response
    return call.response["view"]


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return block["element"]


def log_message(bot: RunningBot, text: str, channel: str = "general", user: str = REP) -> dict:
    mark = bot.fake.mark()
    response = bot.slack.message_shortcut(
        user_id=user,
        callback_id="log_message_as_visit",
        text=text,
        channel_name=channel,
        author_id=OTHER_REP,
        response_url=bot.fake.response_url(),
    )
    assert response.status == 200
    return opened_view(bot, mark)


def test_log_as_visit_fills_notes_and_guesses_the_customer_from_the_channel(
    bot: RunningBot,
) -> None:
    view = log_message(
        bot, "Met <@UREP002|oscar> and their CFO &amp; IT; they want a pilot", "acme-renewal"
    )
    assert view["callback_id"] == "visit_modal"
    assert element(view, "notes")["initial_value"] == (
        "Met @oscar and their CFO & IT; they want a pilot"
    )
    assert element(view, "customer")["initial_option"]["value"] == "Acme"


def test_the_customer_is_guessed_from_the_text_when_the_channel_says_nothing(
    bot: RunningBot,
) -> None:
    assert (
        element(log_message(bot, "今天去美团谈了外卖系统"), "customer")["initial_option"]["value"]
        == "美团"
    )
    assert (
        element(log_message(bot, "Called ACME about the renewal"), "customer")["initial_option"][
            "value"
        ]
        == "Acme"
    )
    assert "initial_option" not in element(log_message(bot, "Lunch at acmeville"), "customer")


def test_only_customers_the_person_may_see_are_guessed(bot: RunningBot) -> None:
    assert "initial_option" not in element(log_message(bot, "Globex call went well"), "customer")
    guessed = element(log_message(bot, "Globex call", user=OUTSIDER), "customer")
    assert guessed["initial_option"]["value"] == "Globex"


def test_the_form_opened_from_a_message_saves_a_visit(bot: RunningBot) -> None:
    view = log_message(bot, "Pricing call with Acme's IT", "acme")
    values = {
        "customer": {"customer": "Acme"},
        "visited_on": {"visited_on": "2026-11-18"},
        "notes": {"notes": element(view, "notes")["initial_value"]},
    }
    response = bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=view
    )
    assert response.status == 200
    response_url = json.loads(view["private_metadata"])["response_url"]
    assert "Visit logged" in text_of(bot.reply_to(response_url))
    with bot.db.reading() as session:
        notes = session.scalars(select(Visit.notes).order_by(Visit.id.desc())).first()
    assert notes == "Pricing call with Acme's IT"


@pytest.mark.parametrize(
    ("callback_id", "opens"), [("log_a_visit", "visit_modal"), ("new_deal", "deal_create_modal")]
)
@pytest.mark.parametrize("user", [REP, ADMIN])
def test_global_shortcuts_open_their_forms(
    bot: RunningBot, callback_id: str, opens: str, user: str
) -> None:
    mark = bot.fake.mark()
    assert bot.slack.global_shortcut(user_id=user, callback_id=callback_id).status == 200
    view = opened_view(bot, mark)
    assert view["callback_id"] == opens

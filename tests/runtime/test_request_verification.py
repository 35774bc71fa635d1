"""Only requests signed by Slack reach a listener; everything else gets 401 and does nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest

from store.visits import all_visits
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of
from tests.support.slack_requests import Response, SlackSender

FORM = "application/x-www-form-urlencoded"


def command_body(text: str, response_url: str, user: str = OTHER_REP) -> str:
    """A /visit slash command body, shaped like Slack's."""
    return urlencode(
        {
            "token": "verification_token",
            "team_id": "T0001",
            "team_domain": "test-team",
            "channel_id": "C0001",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/visit",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": SlackSender.new_trigger_id(),
        }
    )


def wrong_signature(slack: SlackSender, body: str) -> Response:
    headers = {**slack.sign(body), "X-Slack-Signature": "v0=" + "0" * 64}
    return slack.post_raw(body, {"Content-Type": FORM, **headers})


def no_signature(slack: SlackSender, body: str) -> Response:
    return slack.post_raw(body, {"Content-Type": FORM})


def six_minutes_old(slack: SlackSender, body: str) -> Response:
    # Correctly signed, but for a timestamp outside Slack's five-minute window (a replay).
    headers = slack.sign(body, timestamp=int(time.time()) - 6 * 60)
    return slack.post_raw(body, {"Content-Type": FORM, **headers})


def altered_after_signing(slack: SlackSender, body: str) -> Response:
    # e.g. someone on the path making the command come from an admin
    headers = slack.sign(body)
    tampered = body.replace(f"user_id={OTHER_REP}", f"user_id={ADMIN}")
    assert tampered != body
    return slack.post_raw(tampered, {"Content-Type": FORM, **headers})


def saved_visits(bot: RunningBot) -> list:
    with bot.db.transaction() as session:
        return list(all_visits(session))


@pytest.mark.parametrize(
    "send", [wrong_signature, no_signature, six_minutes_old, altered_after_signing]
)
def test_unverified_requests_are_refused_and_do_nothing(
    running_bot: RunningBot, send: Callable[[SlackSender, str], Response]
) -> None:
    fake = running_bot.fake
    logs_url, modal_url = fake.response_url(), fake.response_url()
    mark = fake.mark()

    # One that would log a visit, one that would open the modal.
    assert send(running_bot.slack, command_body("Acme: hi", logs_url)).status == 401
    assert send(running_bot.slack, command_body("", modal_url)).status == 401

    # A genuine request afterwards: once its answer is back, anything the refused ones had
    # started (they were handled first) would have reached the fake Slack too.
    response, reply_url = running_bot.command("/visit", "Globex: genuine", user=REP)
    assert response.status == 200
    assert "Visit logged" in text_of(running_bot.reply_to(reply_url))
    since = fake.calls()[mark:]
    assert [c for c in since if c.method == "users.info" and c.params["user"] != REP] == []
    assert [c for c in since if c.method == "response_url" and c.params["url"] != reply_url] == []
    assert [c for c in since if c.method == "views.open"] == []
    [visit] = saved_visits(running_bot)
    assert visit.customer.name == "Globex"


def test_a_correctly_signed_command_is_accepted(running_bot: RunningBot) -> None:
    response_url = running_bot.fake.response_url()
    body = command_body("Acme: signed properly", response_url, user=REP)
    headers = running_bot.slack.sign(body)
    response = running_bot.slack.post_raw(body, {"Content-Type": FORM, **headers})
    assert (response.status, response.body) == (200, "")
    assert "Acme" in text_of(running_bot.reply_to(response_url))
    [visit] = saved_visits(running_bot)
    assert visit.notes == "signed properly"

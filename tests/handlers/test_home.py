"""The Home tab: published when opened, with buttons that open the forms."""

from __future__ import annotations

from tests.conftest import REP, RunningBot
from tests.support.reading import text_of


def test_home_tab_is_published_with_quick_actions(running_bot: RunningBot) -> None:
    assert running_bot.slack.app_home_opened(user_id=REP).status == 200
    call = running_bot.fake.wait_for_call("views.publish")
    assert call.params["user_id"] == REP
    view = call.params["view"]
    assert view["type"] == "home"
    shown = text_of(view)
    assert "Hi rita" in shown
    assert "/visit Acme Corp" in shown


def test_home_buttons_open_the_visit_and_deal_forms(running_bot: RunningBot) -> None:
    running_bot.slack.app_home_opened(user_id=REP)
    view = running_bot.fake.wait_for_call("views.publish").response["view"]
    for action_id, callback_id in (
        ("open_visit_modal", "visit_modal"),
        ("open_deal_modal", "deal_create_modal"),
    ):
        mark = running_bot.fake.mark()
        response = running_bot.slack.block_action(
            user_id=REP, action_id=action_id, response_url=None, view=view
        )
        assert response.status == 200
        opened = running_bot.fake.wait_for_call("views.open", since=mark)
        assert opened.params["view"]["callback_id"] == callback_id


def test_the_messages_tab_does_not_publish_home(running_bot: RunningBot) -> None:
    running_bot.slack.app_home_opened(user_id=REP, tab="messages")
    running_bot.ask("/visit", "help")  # the next request is answered, so the event was handled
    assert running_bot.fake.calls("views.publish") == []

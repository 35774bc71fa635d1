"""The follow-up DM's buttons end to end: Done, Snooze, Log visit, checked on every press,
written once however often Slack delivers a press, the DM redrawn in place."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from scheduler.delivery import Outcome
from store import audit
from store.models import Visit
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of


def visits(bot: RunningBot) -> list[Visit]:
    with bot.db.reading() as session:
        return list(session.scalars(select(Visit).order_by(Visit.id)))


def follow_up_dm(bot: RunningBot) -> dict:
    """Log two follow-ups (Wednesday 18 November, 15:00 in New York) and send the DM."""
    bot.ask("/visit", "Acme Corp: demo to the CFO; next: send pricing by today")
    bot.ask("/visit", "Globex: call; next: call back by yesterday")
    report = bot.scheduler.run_job("follow_ups")
    assert report.outcomes == {REP: Outcome.SENT}
    [call] = [c for c in bot.fake.calls("chat.postMessage") if c.params["channel"] == REP]
    return {**call.params, "ts": call.response["ts"], "channel": call.response["channel"]}


def press(bot: RunningBot, message: dict, action_id: str, user: str = REP, **extra) -> str:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user,
        action_id=action_id,
        response_url=response_url,
        message=message,
        channel_id=message["channel"],
        **extra,
    )
    assert response.status == 200
    return response_url


def test_someone_on_no_team_still_gets_their_follow_ups(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    shown = text_of(message)
    assert "*Follow-ups* (2, 1 overdue)" in shown
    assert "*Globex*: call back\n:red_circle: Overdue since Tue 17 Nov 2026 (1 day)" in shown


def test_done_updates_the_dm_in_place(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    mark = running_bot.fake.mark()
    press(running_bot, message, "follow_up_done_1")
    update = running_bot.fake.wait_for_call("chat.update", since=mark)
    assert (update.params["channel"], update.params["ts"]) == (message["channel"], message["ts"])
    assert "*Follow-ups* (1, 1 overdue)" in text_of(update.params)
    assert len(running_bot.fake.calls("chat.postMessage")) == 1  # no new message


def test_a_redelivered_press_writes_once(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    action = {"action_ts": "1763500000.000100"}
    mark = running_bot.fake.mark()
    for _ in range(3):
        press(running_bot, message, "follow_up_done_1", action=action)
    running_bot.fake.wait_for(lambda: len(running_bot.fake.calls("chat.update")) >= 3)
    with running_bot.db.reading() as session:
        actions = [entry.action for entry in audit.history(session, "visits", 1)]
    assert actions == ["create", "update"]
    texts = [text_of(call.params) for call in running_bot.fake.calls()[mark:]]
    assert any("That was already done" in text for text in texts)


def test_another_rep_may_not_but_an_admin_may(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    for action_id, extra in (
        ("follow_up_done_1", {}),
        ("follow_up_snooze_to_1", {"action": {"selected_date": "2026-11-25"}}),
    ):
        refusal = running_bot.reply_to(press(running_bot, message, action_id, OTHER_REP, **extra))
        assert "Only the rep it belongs to, their manager or an admin" in text_of(refusal)
    [acme, _] = visits(running_bot)
    assert (acme.follow_up_done_at, acme.follow_up_snoozed_until) == (None, None)
    mark = running_bot.fake.mark()
    press(running_bot, message, "follow_up_done_1", ADMIN)
    running_bot.fake.wait_for_call("chat.update", since=mark)
    assert visits(running_bot)[0].follow_up_done_at == running_bot.clock.now


def test_a_snooze_date_must_be_after_today(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    for picked in ("2026-11-18", "2026-11-01"):
        url = press(running_bot, message, "follow_up_snooze_to_2", action={"selected_date": picked})
        assert "Pick a day after today" in text_of(running_bot.reply_to(url))
    far = press(
        running_bot, message, "follow_up_snooze_to_2", action={"selected_date": "2028-01-01"}
    )
    assert "at most a year" in text_of(running_bot.reply_to(far))
    assert visits(running_bot)[1].follow_up_snoozed_until is None
    mark = running_bot.fake.mark()
    press(running_bot, message, "follow_up_snooze_to_2", action={"selected_date": "2026-11-19"})
    running_bot.fake.wait_for_call("chat.update", since=mark)
    assert visits(running_bot)[1].follow_up_snoozed_until == date(2026, 11, 19)


def test_log_visit_opens_the_visit_form_for_that_customer(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    mark = running_bot.fake.mark()
    response_url = press(running_bot, message, "follow_up_log_2")
    view = running_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    customer = next(b for b in view["blocks"] if b.get("block_id") == "customer")
    assert customer["element"]["initial_option"]["value"] == "Globex"
    values = {
        "customer": {"customer": "Globex"},
        "visited_on": {"visited_on": "2026-11-18"},
        "notes": {"notes": "Called back; they want a pilot"},
    }
    running_bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=view
    )
    assert "Visit logged: *Globex*" in text_of(running_bot.reply_to(response_url))
    assert [visit.customer.name for visit in visits(running_bot)] == [
        "Acme Corp",
        "Globex",
        "Globex",
    ]


def test_log_visit_is_refused_for_someone_elses_follow_up(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    running_bot.ask("/visit", "Initech: hello", user=OTHER_REP)  # so Oscar is known
    mark = running_bot.fake.mark()
    refusal = running_bot.reply_to(press(running_bot, message, "follow_up_log_1", OTHER_REP))
    assert "not one of yours" in text_of(refusal)
    assert running_bot.fake.calls("views.open")[mark:] == []


def test_a_press_on_a_removed_visit_is_explained(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    card = running_bot.ask("/visit", "Hooli: chat; next: send deck by today")
    undo_url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id="visit_undo", response_url=undo_url, message=card
    )
    assert "was removed" in text_of(running_bot.reply_to(undo_url))
    refusal = running_bot.reply_to(
        press(running_bot, message, "follow_up_done_3", action={"action_id": "follow_up_done_3"})
    )
    assert "no longer exists" in text_of(refusal)


def test_a_new_due_date_brings_a_done_follow_up_back(running_bot: RunningBot) -> None:
    message = follow_up_dm(running_bot)
    mark = running_bot.fake.mark()
    press(running_bot, message, "follow_up_done_1")
    running_bot.fake.wait_for_call("chat.update", since=mark)
    assert visits(running_bot)[0].follow_up_done_at is not None
    mark = running_bot.fake.mark()
    running_bot.slack.block_action(
        user_id=REP, action_id="visit_edit", value="1", response_url=running_bot.fake.response_url()
    )
    view = running_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Acme Corp"},
        "visited_on": {"visited_on": "2026-11-18"},
        "notes": {"notes": "demo to the CFO"},
        "next_step": {"next_step": "send the revised pricing"},
        "follow_up_due": {"follow_up_due": "2026-11-20"},
    }
    running_bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=view
    )
    running_bot.fake.wait_for(lambda: visits(running_bot)[0].follow_up_due == date(2026, 11, 20))
    acme = visits(running_bot)[0]
    assert (acme.follow_up_done_at, acme.follow_up_snoozed_until) == (None, None)

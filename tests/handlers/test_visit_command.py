"""/visit end to end: the real bot on HTTP, signed requests, the fake Slack Web API."""

from __future__ import annotations

from datetime import date

from store import audit
from store.visits import all_visits
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, text_of

ONE_LINER = "Acme Corp: met the CFO, budget approved; next: send proposal by friday"


def saved_visits(bot: RunningBot) -> list:
    with bot.db.transaction() as session:
        return list(all_visits(session))


def test_one_line_visit_is_saved_and_shown(running_bot: RunningBot) -> None:
    reply = running_bot.ask("/visit", ONE_LINER)
    shown = text_of(reply)
    assert "Visit logged" in shown
    assert "Acme Corp" in shown
    assert "met the CFO, budget approved" in shown
    assert "send proposal — due Fri 20 Nov 2026" in shown
    assert reply["response_type"] == "ephemeral"
    assert action_ids(reply) == ["visit_edit", "visit_undo"]
    [visit] = saved_visits(running_bot)
    assert visit.rep.slack_user_id == REP
    assert visit.rep.display_name == "rita"
    assert visit.rep.tz == "America/New_York"
    assert (visit.visited_on, visit.follow_up_due) == (date(2026, 11, 18), date(2026, 11, 20))
    assert visit.next_step == "send proposal"


def test_today_is_the_reps_own_day(running_bot: RunningBot) -> None:
    # 20:00 UTC on Wednesday is already Thursday 04:00 in Shanghai.
    running_bot.ask("/visit", "Globex: intro call", user=OTHER_REP)
    [visit] = saved_visits(running_bot)
    assert visit.visited_on == date(2026, 11, 19)


def test_customer_names_match_whatever_their_case(running_bot: RunningBot) -> None:
    running_bot.ask("/visit", "Acme Corp: first")
    running_bot.ask("/visit", "ACME  corp: second")
    first, second = saved_visits(running_bot)
    assert first.customer_id == second.customer_id
    assert second.customer.name == "Acme Corp"


def test_a_date_it_cannot_read_is_refused_with_an_example(running_bot: RunningBot) -> None:
    # Kept as text, the follow-up would never be reminded; the person fixes it instead.
    reply = running_bot.ask("/visit", "Acme: demo; next: call back by fridy")
    shown = text_of(reply)
    assert "I couldn't read “fridy” as a date." in shown
    assert "Try: `2026-12-15, today, tomorrow" in shown
    assert saved_visits(running_bot) == []


def test_help_shows_the_grammar_with_examples(running_bot: RunningBot) -> None:
    shown = text_of(running_bot.ask("/visit", "help"))
    assert "/visit <customer>: <notes>" in shown
    assert "next:" in shown
    assert saved_visits(running_bot) == []


def test_malformed_visit_gets_a_friendly_example_and_saves_nothing(running_bot: RunningBot) -> None:
    reply = running_bot.ask("/visit", "Acme Corp met the CFO")
    shown = text_of(reply)
    assert "colon" in shown
    assert "Try: `/visit " in shown
    assert "Traceback" not in shown
    assert reply["response_type"] == "ephemeral"
    assert saved_visits(running_bot) == []


def test_a_redelivered_command_logs_one_visit(running_bot: RunningBot) -> None:
    trigger = running_bot.slack.new_trigger_id()
    response_url = running_bot.fake.response_url()
    for retry in (None, 1, 2):
        response = running_bot.slack.command(
            "/visit", ONE_LINER, user_id=REP, response_url=response_url, trigger_id=trigger,
            retry_num=retry,
        )  # fmt: skip
        assert response.status == 200
    for index in range(3):
        assert "Acme Corp" in text_of(running_bot.reply_to(response_url, index))
    assert len(saved_visits(running_bot)) == 1


def open_modal(bot: RunningBot, user: str = REP) -> tuple[dict, str]:
    mark = bot.fake.mark()
    response, response_url = bot.command("/visit", "", user)
    assert response.status == 200
    call = bot.fake.wait_for_call("views.open", since=mark)
    return call.response["view"], response_url


def submit_visit(bot: RunningBot, view: dict, user: str = REP, **overrides: object):
    values = {
        "customer": {"customer": "Initech"},
        "visited_on": {"visited_on": "2026-11-17"},
        "notes": {"notes": "Walked the plant floor"},
        "outcome": {"outcome": "Positive"},
        "next_step": {"next_step": "Send a quote"},
        "follow_up_due": {"follow_up_due": "2026-11-25"},
    }
    values.update({key: {key: value} for key, value in overrides.items()})
    return bot.slack.view_submission(
        user_id=user, callback_id="visit_modal", values=values, view=view
    )


def test_visit_modal_opens_with_today_and_saves(running_bot: RunningBot) -> None:
    view, response_url = open_modal(running_bot)
    dates = [
        b["element"].get("initial_date") for b in view["blocks"] if b["block_id"] == "visited_on"
    ]
    assert dates == ["2026-11-18"]
    response = submit_visit(running_bot, view)
    assert response.status == 200
    assert response.body == ""  # the modal closes
    shown = text_of(running_bot.reply_to(response_url))
    assert "Visit logged: *Initech*" in shown
    assert "Send a quote — due Wed 25 Nov 2026" in shown
    [visit] = saved_visits(running_bot)
    assert (visit.outcome, visit.visited_on) == ("Positive", date(2026, 11, 17))


def test_visit_modal_reports_bad_fields_under_each(running_bot: RunningBot) -> None:
    view, _ = open_modal(running_bot)
    response = submit_visit(
        running_bot, view, visited_on="2026-12-01", follow_up_due="2026-11-01", notes=""
    )
    errors = response.json()["errors"]
    assert response.json()["response_action"] == "errors"
    assert set(errors) == {"visited_on", "notes", "follow_up_due"}
    assert "future" in errors["visited_on"]
    assert saved_visits(running_bot) == []


def test_a_resubmitted_modal_saves_once(running_bot: RunningBot) -> None:
    view, _ = open_modal(running_bot)
    view["id"] = "V_SAME"
    assert submit_visit(running_bot, view).status == 200
    assert submit_visit(running_bot, view).status == 200
    running_bot.fake.wait_for(lambda: len(running_bot.fake.calls("response_url")) >= 2)
    assert len(saved_visits(running_bot)) == 1


def test_customer_type_ahead_offers_known_and_new_names(running_bot: RunningBot) -> None:
    running_bot.ask("/visit", "Acme Corp: hello")
    running_bot.ask("/visit", "Acme Logistics: hello")
    response = running_bot.slack.block_suggestion(
        user_id=REP, action_id="customer", block_id="customer", value="acme"
    )
    labels = [option["text"]["text"] for option in response.json()["options"]]
    assert labels[0] == ":heavy_plus_sign: New customer: acme"
    assert labels[1:] == ["Acme Corp", "Acme Logistics"]
    exact = running_bot.slack.block_suggestion(
        user_id=REP, action_id="customer", block_id="customer", value="acme corp"
    )
    assert [o["value"] for o in exact.json()["options"]] == ["Acme Corp"]


def press(bot: RunningBot, card: dict, action_id: str, user: str = REP) -> str:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=response_url, message=card
    )
    assert response.status == 200
    return response_url


def test_edit_opens_the_saved_visit_and_updates_the_card(running_bot: RunningBot) -> None:
    card = running_bot.ask("/visit", ONE_LINER)
    mark = running_bot.fake.mark()
    card_url = press(running_bot, card, "visit_edit")
    view = running_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    shown = text_of(view)
    assert "Edit visit" in shown
    notes = next(b for b in view["blocks"] if b["block_id"] == "notes")
    assert notes["element"]["initial_value"] == "met the CFO, budget approved"
    submit_visit(running_bot, view, customer="Acme Corp", notes="met the CFO and the CEO")
    updated = running_bot.reply_to(card_url)
    assert updated["replace_original"] is True
    assert "Visit updated" in text_of(updated)
    [visit] = saved_visits(running_bot)
    assert visit.notes == "met the CFO and the CEO"
    with running_bot.db.transaction() as session:
        actions = [entry.action for entry in audit.history(session, "visits", visit.id)]
    assert actions == ["create", "update"]


def test_undo_removes_the_visit_once(running_bot: RunningBot) -> None:
    card = running_bot.ask("/visit", ONE_LINER)
    first = running_bot.reply_to(press(running_bot, card, "visit_undo"))
    assert first["replace_original"] is True
    assert "was removed" in text_of(first)
    assert saved_visits(running_bot) == []
    again = running_bot.reply_to(press(running_bot, card, "visit_undo"))
    assert "no longer exists" in text_of(again)
    with running_bot.db.transaction() as session:
        entries = audit.history(session, "visits", 1)
    assert [entry.action for entry in entries] == ["create", "delete"]
    assert entries[1].before["notes"] == "met the CFO, budget approved"


def test_another_rep_cannot_edit_or_undo(running_bot: RunningBot) -> None:
    card = running_bot.ask("/visit", ONE_LINER)
    mark = running_bot.fake.mark()
    for action in ("visit_undo", "visit_edit"):
        refusal = running_bot.reply_to(press(running_bot, card, action, user=OTHER_REP))
        assert "Only the rep who logged this visit" in text_of(refusal)
    assert running_bot.fake.calls("views.open")[mark:] == []
    assert len(saved_visits(running_bot)) == 1


def test_another_rep_cannot_save_an_edit_modal_for_it(running_bot: RunningBot) -> None:
    card = running_bot.ask("/visit", ONE_LINER)
    press(running_bot, card, "visit_edit")
    view = running_bot.fake.wait_for_call("views.open").response["view"]
    mark = running_bot.fake.mark()
    submit_visit(running_bot, view, user=OTHER_REP, notes="tampered")
    running_bot.fake.wait_for(lambda: running_bot.fake.calls()[mark:])
    [visit] = saved_visits(running_bot)
    assert visit.notes == "met the CFO, budget approved"


def test_an_admin_may_undo_anyones_visit(running_bot: RunningBot) -> None:
    card = running_bot.ask("/visit", ONE_LINER)
    assert "was removed" in text_of(
        running_bot.reply_to(press(running_bot, card, "visit_undo", ADMIN))
    )
    assert saved_visits(running_bot) == []


def test_slack_escaped_characters_are_read_as_typed(running_bot: RunningBot) -> None:
    # Slack sends &, < and > in command text as HTML entities.
    running_bot.ask("/visit", "AT&amp;T: pricing &lt;draft&gt; shared")
    [visit] = saved_visits(running_bot)
    assert (visit.customer.name, visit.notes) == ("AT&T", "pricing <draft> shared")

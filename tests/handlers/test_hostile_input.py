"""Hostile input never crashes and never lies: control characters, names that grow when
case-folded, far-off dates, malformed form values, over-long fields, stale button ids, and
a Slack that can't tell us who someone is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.replies import refuse, refused_text
from services.people import FAILED_LOOKUP_TTL
from store.guard import Refusal, TextRefused
from store.models import Away, Customer, Visit
from store.people import get_person
from tests.conftest import REP, RunningBot
from tests.support.reading import text_of
from tests.support.snapshots import domain_rows

SORRY = "something went wrong"


def visits(bot: RunningBot) -> list[Visit]:
    with bot.db.reading() as session:
        return list(session.scalars(select(Visit)))


def known(bot: RunningBot) -> RunningBot:
    """Rita has used the bot once, so later refusals can't even create her profile."""
    assert "Visit logged" in text_of(bot.ask("/visit", "Acme: first call"))
    return bot


def test_nul_bytes_and_control_characters_are_dropped_before_the_database(
    running_bot: RunningBot,
) -> None:
    answer = running_bot.ask("/visit", "Ac\x00me\x07 Corp: met the\x1b CFO\x00")
    assert "Visit logged" in text_of(answer)
    [visit] = visits(running_bot)
    assert (visit.customer.name, visit.notes) == ("Acme Corp", "met the CFO")


def test_a_read_only_lookup_with_a_nul_byte_answers_instead_of_crashing(
    running_bot: RunningBot,
) -> None:
    shown = text_of(running_bot.ask("/deal", "Glo\x00bex"))
    assert SORRY not in shown
    assert "Globex" in shown  # "no deal matches", in the person's own words


def test_a_name_that_grows_when_case_folded_is_refused_with_its_real_length(
    running_bot: RunningBot,
) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    shown = text_of(bot.ask("/visit", "ß" * 61 + ": a long-named customer"))
    assert "at most 120 characters as names are compared" in shown
    assert "it has 122" in shown
    assert "Try: `/visit" in shown
    shown = text_of(bot.ask("/deal", "new " + "ß" * 61 + "; Pilot; 5k"))
    assert "it has 122" in shown
    assert domain_rows(bot.db) == before


def test_far_off_away_days_are_refused_before_anything_is_saved(running_bot: RunningBot) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    shown = text_of(bot.ask("/case", "away 9999-12-31 to 9999-12-31"))
    assert "9999-12-31 is too far away: use a date between 1900 and 2199" in shown
    assert "Try: `/case away 2026-12-21 to 2027-01-01`" in shown
    assert domain_rows(bot.db) == before
    with bot.db.reading() as session:
        assert list(session.scalars(select(Away))) == []


def open_visit_form(bot: RunningBot) -> dict:
    mark = bot.fake.mark()
    response, _ = bot.command("/visit", "")
    assert response.status == 200
    return bot.fake.wait_for_call("views.open", since=mark).response["view"]


def submit_visit(bot: RunningBot, view: dict, **overrides: object):
    values = {
        "customer": "Initech",
        "visited_on": "2026-11-17",
        "notes": "Walked the plant floor",
        **overrides,
    }
    state = {key: {key: value} for key, value in values.items()}
    return bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=state, view=view
    )


@pytest.mark.parametrize(
    ("picked", "message"),
    [
        ("17/11/2026", "Pick a date from the calendar, like 2026-12-15."),
        ("2026-02-30", "Pick a date from the calendar, like 2026-12-15."),
        ("9999-12-31", "9999-12-31 is too far away: use a date between 1900 and 2199."),
    ],
)
def test_a_malformed_datepicker_value_is_shown_under_the_field(
    running_bot: RunningBot, picked: str, message: str
) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    response = submit_visit(bot, open_visit_form(bot), visited_on=picked)
    assert response.status == 200
    assert response.json() == {"response_action": "errors", "errors": {"visited_on": message}}
    assert domain_rows(bot.db) == before


def test_form_fields_are_held_to_their_max_length_on_the_server(running_bot: RunningBot) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    view = open_visit_form(bot)
    response = submit_visit(bot, view, notes="n" * 100_000, outcome="o" * 201)
    assert response.json() == {
        "response_action": "errors",
        "errors": {
            "notes": "Keep this to 3,000 characters or fewer; it has 100,000.",
            "outcome": "Keep this to 200 characters or fewer; it has 201.",
        },
    }
    assert domain_rows(bot.db) == before
    # A customer typed into the picker is held to the customers table's limit.
    response = submit_visit(bot, view, customer="ß" * 61)
    assert "it has 122" in response.json()["errors"]["customer"]
    assert domain_rows(bot.db) == before


def test_a_button_with_an_id_no_database_holds_gets_a_friendly_answer(
    running_bot: RunningBot,
) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=REP, action_id="visit_undo", value="9" * 30, response_url=response_url
    )
    assert response.status == 200
    shown = text_of(bot.reply_to(response_url))
    assert "That button is out of date" in shown
    assert SORRY not in shown
    assert domain_rows(bot.db) == before


def test_a_failed_profile_lookup_is_not_repeated_on_every_command(
    running_bot: RunningBot,
) -> None:
    bot = running_bot
    bot.fake.fail_next("users.info", error="fatal_error", status=200, times=100)
    for text in ("Acme: one", "Acme: two", "Acme: three"):
        assert "Visit logged" in text_of(bot.ask("/visit", text))
    assert len(bot.fake.calls("users.info")) == 1
    bot.clock.now += FAILED_LOOKUP_TTL + timedelta(seconds=1)
    bot.ask("/visit", "Acme: four")
    assert len(bot.fake.calls("users.info")) == 2


def test_the_store_refuses_text_that_does_not_fit_its_column(running_bot: RunningBot) -> None:
    with pytest.raises(TextRefused) as too_long, running_bot.db.transaction() as session:
        session.add(Customer(name="x", name_key="x" * 121))
    assert too_long.value.refusal == Refusal("customers", "name_key", "too_long", 120, 121)
    assert str(refused_text(too_long.value.refusal)) == (
        "The customer's name is too long to save: at most 120 characters, and this is 121."
    )
    with pytest.raises(TextRefused) as unsafe, running_bot.db.transaction() as s:
        s.add(Customer(name="a\x00b", name_key="ab"))
    assert unsafe.value.refusal == Refusal("customers", "name", "unsafe")
    assert str(refused_text(unsafe.value.refusal)) == (
        "The customer's name has control characters that can't be saved."
    )
    with running_bot.db.reading() as session:
        assert list(session.scalars(select(Customer))) == []


def test_a_slack_profile_is_cleaned_and_held_to_its_columns(running_bot: RunningBot) -> None:
    running_bot.fake.add_user(
        "ULONG01", name="n\x00" + "a" * 300, tz="Mars/" + "x" * 100, locale="en-US-x-" + "y" * 20
    )
    assert "Visit logged" in text_of(running_bot.ask("/visit", "Acme: hello", user="ULONG01"))
    with running_bot.db.reading() as session:
        person = get_person(session, "ULONG01")
    assert person is not None
    assert person.display_name == "n" + "a" * 198 + "…"
    assert (person.tz, person.locale) == ("UTC", None)


def test_a_forged_option_is_refused_under_the_field(running_bot: RunningBot) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    mark = bot.fake.mark()
    bot.command("/deal", "")
    view = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Acme"},
        "title": {"title": "Renewal"},
        "amount": {"amount": "5k"},
        "stage": {"stage": {"type": "static_select", "selected_option": "won"}},
    }
    response = bot.slack.view_submission(
        user_id=REP, callback_id=view["callback_id"], values=values, view=view
    )
    assert response.json()["errors"] == {"stage": "Choose this again."}
    assert domain_rows(bot.db) == before


def test_a_malformed_date_picked_in_a_message_gets_an_answer(running_bot: RunningBot) -> None:
    bot = known(running_bot)
    before = domain_rows(bot.db)
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=REP,
        action_id="follow_up_snooze_to_1",
        response_url=response_url,
        action={"type": "datepicker", "selected_date": "2026-13-45"},
    )
    assert response.status == 200
    shown = text_of(bot.reply_to(response_url))
    assert "Pick a date from the calendar, like 2026-12-15." in shown
    assert "Try: `2026-12-15`" in shown
    assert domain_rows(bot.db) == before


def test_a_store_refusal_reaches_each_person_in_their_language(running_bot: RunningBot) -> None:
    running_bot.fake.add_user("UZHREP9", name="li", tz="Asia/Shanghai", locale="zh-CN")
    running_bot.ask("/lang", "", user="UZHREP9")  # Li is known, with a zh-CN Slack
    with pytest.raises(TextRefused) as refused, running_bot.db.transaction() as session:
        session.add(Customer(name="x", name_key="x" * 121))

    class Client:
        def __init__(self) -> None:
            self.sent: list[dict] = []

        def chat_postMessage(self, **message: object) -> None:  # noqa: N802 - Slack's name
            self.sent.append(message)

    shown = {}
    for user in ("UZHREP9", REP):
        client = Client()
        refuse(refused.value, {"user": {"id": user}}, None, client)  # type: ignore[arg-type]
        [message] = client.sent
        shown[user] = text_of(message)
    assert (
        "客户名称太长，无法保存：最多 120 个字符，当前为 121 个。 什么都没有保存。"
        in shown["UZHREP9"]
    )
    assert (
        "The customer's name is too long to save: at most 120 characters, and this is 121. "
        "Nothing was saved." in shown[REP]
    )

"""Daily follow-ups with the clock controlled: due and overdue follow-ups at each rep's own
09:00 on working days, Done and Snooze taking them off, stale deals after N days per stage
until something happens to them, and no message at all when there is nothing to say."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scheduler.delivery import Outcome
from store.models import Visit
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import (
    MANAGER,
    WEDNESDAY_0859_NY,
    WEDNESDAY_0901_NY,
    Travel,
    posts,
)
from tests.support.reading import action_ids, text_of

THURSDAY_0901_NY = datetime(2026, 11, 19, 14, 1, tzinfo=UTC)
FRIDAY_0901_NY = datetime(2026, 11, 20, 14, 1, tzinfo=UTC)


def morning(bot: RunningBot, travel: Travel, at: datetime):
    travel(at)
    return bot.scheduler.run_job("follow_ups")


def dm(bot: RunningBot, user: str = REP) -> dict:
    """The latest follow-up DM to `user`, with its channel and ts as Slack gives them."""
    call = [
        c
        for c in bot.fake.calls("chat.postMessage")
        if c.params["channel"] == user and "follow-ups" in c.params.get("text", "")
    ][-1]
    return {**call.params, "ts": call.response["ts"], "channel": call.response["channel"]}


def press(bot: RunningBot, message: dict, action_id: str, user: str = REP, **extra):
    mark = bot.fake.mark()
    bot.slack.block_action(
        user_id=user,
        action_id=action_id,
        response_url=bot.fake.response_url(),
        message=message,
        channel_id=message["channel"],
        **extra,
    )
    return mark


def updated(bot: RunningBot, mark: int) -> dict:
    return bot.fake.wait_for_call("chat.update", since=mark).params


def visit(bot: RunningBot, visit_id: int) -> Visit:
    with bot.db.reading() as session:
        found = session.get(Visit, visit_id)
        assert found is not None
        return found


def seed_follow_ups(bot: RunningBot) -> None:
    """Tuesday 17 November, in New York."""
    bot.ask("/visit", "Acme Corp: demo to the CFO; next: send pricing by wednesday")  # 1
    bot.ask("/visit", "Globex: call; next: call back by yesterday")  # 2, due Mon 16
    bot.ask("/visit", "Initech: intro; next: book the demo by friday")  # 3
    bot.ask("/visit", "Hooli: coffee")  # no next step
    bot.ask("/visit", "Umbrella: met; next: think about it")  # no due date


def test_due_and_overdue_follow_ups_at_the_reps_morning(team: RunningBot, travel: Travel) -> None:
    seed_follow_ups(team)
    report = morning(team, travel, WEDNESDAY_0859_NY)
    # Not yet 09:00 for Rita; Oscar's morning has passed but he has nothing: no message.
    assert report.outcomes == {REP: Outcome.NOT_DUE, OTHER_REP: Outcome.EMPTY}
    assert posts(team) == []
    morning(team, travel, WEDNESDAY_0901_NY)
    message = dm(team)
    shown = text_of(message)
    assert "Your follow-ups for Wed 18 Nov 2026" in shown
    assert "*Follow-ups* (2, 1 overdue)" in shown
    assert "*Globex*: call back\n:red_circle: Overdue since Mon 16 Nov 2026 (2 days)" in shown
    assert "*Acme Corp*: send pricing\n:large_yellow_circle: Due today" in shown
    assert shown.index("Globex") < shown.index("Acme Corp")
    for absent in ("Initech", "Hooli", "Umbrella"):
        assert absent not in shown
    assert action_ids(message) == [
        "follow_up_done_2", "follow_up_snooze_2", "follow_up_snooze_to_2", "follow_up_log_2",
        "follow_up_done_1", "follow_up_snooze_1", "follow_up_snooze_to_1", "follow_up_log_1",
    ]  # fmt: skip
    assert len(set(action_ids(message))) == len(action_ids(message))
    for _ in range(3):
        assert team.scheduler.run_job("follow_ups").count(Outcome.SENT) == 0
    assert len(posts(team, REP)) == 1


def test_done_and_snoozed_leave_the_list_and_the_message_updates(
    team: RunningBot, travel: Travel
) -> None:
    seed_follow_ups(team)
    morning(team, travel, WEDNESDAY_0901_NY)
    message = dm(team)
    mark = press(team, message, "follow_up_done_1")
    redrawn = updated(team, mark)
    assert (redrawn["channel"], redrawn["ts"]) == (message["channel"], message["ts"])
    shown = text_of(redrawn)
    assert ":white_check_mark: Done: *Acme Corp*: send pricing" in shown
    assert "Due today" not in shown
    assert "*Globex*: call back" in shown
    assert visit(team, 1).follow_up_done_at is not None
    tomorrow = {"text": {"type": "plain_text", "text": "Tomorrow"}, "value": "tomorrow"}
    mark = press(team, redrawn, "follow_up_snooze_2", selected_option=tomorrow)
    cleared = text_of(updated(team, mark))
    assert ":zzz: Snoozed until Thu 19 Nov: *Globex*: call back" in cleared
    assert "All clear" in cleared
    assert visit(team, 2).follow_up_snoozed_until == date(2026, 11, 19)
    # Thursday: the snoozed one is back, the done one is not.
    morning(team, travel, THURSDAY_0901_NY)
    shown = text_of(dm(team))
    assert "Overdue since Mon 16 Nov 2026 (3 days) · snoozed until Thu 19 Nov 2026" in shown
    assert "Acme Corp" not in shown
    # Friday: the demo is due too. Snoozed to next week, Globex waits until Monday.
    morning(team, travel, FRIDAY_0901_NY)
    friday = dm(team)
    assert "*Follow-ups* (2, 1 overdue)" in text_of(friday)
    next_week = {"text": {"type": "plain_text", "text": "Next week"}, "value": "next_week"}
    press(team, friday, "follow_up_snooze_2", selected_option=next_week)
    team.fake.wait_for(lambda: visit(team, 2).follow_up_snoozed_until == date(2026, 11, 23))
    monday = morning(team, travel, datetime(2026, 11, 23, 14, 1, tzinfo=UTC))
    assert monday.outcomes[REP] == Outcome.SENT
    assert "Globex" in text_of(dm(team))


def test_snooze_to_a_picked_date(team: RunningBot, travel: Travel) -> None:
    seed_follow_ups(team)
    morning(team, travel, WEDNESDAY_0901_NY)
    message = dm(team)
    mark = press(team, message, "follow_up_snooze_to_1", action={"selected_date": "2026-11-25"})
    assert "Snoozed until Wed 25 Nov" in text_of(updated(team, mark))
    assert visit(team, 1).follow_up_snoozed_until == date(2026, 11, 25)
    for day_utc in (THURSDAY_0901_NY, FRIDAY_0901_NY, datetime(2026, 11, 24, 14, 1, tzinfo=UTC)):
        morning(team, travel, day_utc)
        assert "Acme Corp" not in text_of(dm(team))
    morning(team, travel, datetime(2026, 11, 25, 14, 1, tzinfo=UTC))
    assert "Acme Corp" in text_of(dm(team))


def test_a_stale_deal_appears_after_the_stages_days_and_leaves_after_an_update(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage proposal")  # Tuesday 17 November
    team.ask("/deal", "new Globex; Pilot; 5k")  # a lead: 14 days
    # Monday 23 November: six days without news; a proposal goes stale after seven.
    assert morning(team, travel, datetime(2026, 11, 23, 14, 1, tzinfo=UTC)).outcomes[REP] == (
        Outcome.EMPTY
    )
    morning(team, travel, datetime(2026, 11, 24, 14, 1, tzinfo=UTC))
    message = dm(team)
    shown = text_of(message)
    assert "*Deals with no news* (1)" in shown
    assert "*#1 Acme Corp — Renewal* · :page_facing_up: Proposal · $40,000" in shown
    assert "No stage change, note or visit for 7 days (since Tue 17 Nov 2026)" in shown
    assert "Globex" not in shown
    assert action_ids(message) == ["stale_deal_stage_1", "stale_deal_log_1"]
    negotiation = {"text": {"type": "plain_text", "text": "Negotiation"}, "value": "negotiation"}
    mark = press(team, message, "stale_deal_stage_1", selected_option=negotiation)
    redrawn = text_of(updated(team, mark))
    assert "Deal #1 moved to :scales: Negotiation" in redrawn
    assert "All clear" in redrawn
    assert "Proposal → :scales: Negotiation" in text_of(team.ask("/deal", "#1"))
    # Negotiation: stale again seven days after the move, until a note...
    morning(team, travel, datetime(2026, 12, 1, 14, 1, tzinfo=UTC))
    assert "#1 Acme Corp" in text_of(dm(team))
    assert "#2 Globex" in text_of(dm(team))  # 14 days as a lead
    team.ask("/deal", "#1 note CFO is back from leave on Monday")
    morning(team, travel, datetime(2026, 12, 2, 14, 1, tzinfo=UTC))
    shown = text_of(dm(team))
    assert "#1 Acme Corp" not in shown
    # ...or a visit to the customer.
    assert "#2 Globex" in shown
    team.ask("/visit", "Globex: pilot review with ops")
    thursday = morning(team, travel, datetime(2026, 12, 3, 14, 1, tzinfo=UTC))
    assert thursday.outcomes[REP] == Outcome.EMPTY  # nothing stale, nothing due: no message


def test_nothing_to_follow_up_means_no_message(team: RunningBot, travel: Travel) -> None:
    team.ask("/visit", "Acme Corp: demo; next: send pricing by friday")
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage proposal")
    report = morning(team, travel, WEDNESDAY_0901_NY)
    assert report.outcomes == {REP: Outcome.EMPTY, OTHER_REP: Outcome.EMPTY}
    assert posts(team) == []


def test_weekends_are_skipped_and_overdue_items_wait_for_monday(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/visit", "Acme Corp: demo; next: send pricing by saturday")
    saturday = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    assert morning(team, travel, saturday).count(Outcome.NOT_DUE) == 2
    morning(team, travel, datetime(2026, 11, 23, 14, 1, tzinfo=UTC))
    assert "Overdue since Sat 21 Nov 2026 (2 days)" in text_of(dm(team))


def test_the_manager_may_tick_off_a_reps_follow_up_but_another_rep_may_not(
    team: RunningBot, travel: Travel
) -> None:
    seed_follow_ups(team)
    morning(team, travel, WEDNESDAY_0901_NY)
    message = dm(team)
    response_url = team.fake.response_url()
    team.slack.block_action(
        user_id=OTHER_REP, action_id="follow_up_done_1", response_url=response_url,
        message=message, channel_id=message["channel"],
    )  # fmt: skip
    assert "Only the rep it belongs to, their manager" in text_of(team.reply_to(response_url))
    assert visit(team, 1).follow_up_done_at is None
    mark = press(team, message, "follow_up_done_1", user=MANAGER)
    # Redrawn as Rita's list, in Rita's DM.
    redrawn = updated(team, mark)
    assert redrawn["channel"] == message["channel"]
    assert "Done: *Acme Corp*" in text_of(redrawn)
    assert visit(team, 1).follow_up_done_at is not None


def test_log_visit_on_a_stale_deal_opens_the_form_and_the_visit_freshens_it(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage negotiation")
    morning(team, travel, datetime(2026, 11, 24, 14, 1, tzinfo=UTC))
    message = dm(team)
    mark = press(team, message, "stale_deal_log_1")
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    customer = next(b for b in view["blocks"] if b.get("block_id") == "customer")
    assert customer["element"]["initial_option"]["value"] == "Acme Corp"
    values = {
        "customer": {"customer": "Acme Corp"},
        "visited_on": {"visited_on": "2026-11-24"},
        "notes": {"notes": "Negotiation call with procurement"},
    }
    mark = team.fake.mark()
    team.slack.view_submission(user_id=REP, callback_id="visit_modal", values=values, view=view)
    team.fake.wait_for_call("response_url", since=mark)
    assert morning(team, travel, datetime(2026, 11, 25, 14, 1, tzinfo=UTC)).outcomes[REP] == (
        Outcome.EMPTY
    )


def test_a_stale_deal_won_since_the_reminder_is_not_reopened_from_it(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage proposal")
    morning(team, travel, datetime(2026, 11, 24, 14, 1, tzinfo=UTC))
    message = dm(team)
    team.ask("/deal", "#1 won")
    team.ask("/deal", "#1 payment 40k due 2026-12-24")
    lead = {"text": {"type": "plain_text", "text": "Lead"}, "value": "lead"}
    url = team.fake.response_url()
    team.slack.block_action(
        user_id=REP, action_id="stale_deal_stage_1", response_url=url, message=message,
        channel_id=message["channel"], selected_option=lead,
    )  # fmt: skip
    refused = text_of(team.reply_to(url))
    assert "Deal #1 was won since this reminder and has payments not yet received" in refused
    assert "`/deal #1 stage lead`" in refused
    assert ":trophy: Won" in text_of(team.ask("/deal", "#1"))

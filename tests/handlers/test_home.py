"""The Home tab: each person's dashboard, a manager's team view, refreshes after a change,
and Slack's limits however many deals someone has."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from blocks.home import HomeState
from store import cases, deals, payments, teams
from store.cases import CaseFields
from store.deals import NewDeal
from store.models import Person
from store.people import get_person
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import MANAGER, open_home, press, published_since, publishes_to
from tests.support.block_kit import problems_in_view
from tests.support.reading import action_ids, element, text_of

TODAY = date(2026, 11, 18)  # the running bot's Wednesday


def person_id(bot: RunningBot, slack_user_id: str) -> int:
    with bot.db.reading() as session:
        person = get_person(session, slack_user_id)
        assert person is not None
        return person.id


def write_case(bot: RunningBot, slack_user_id: str, title: str, week: str) -> None:
    author = person_id(bot, slack_user_id)
    fields = CaseFields(title, "pain", "strategy", "result", "lessons")
    with bot.db.transaction() as session:
        team = cases.home_team(session, author)
        cases.create_case(session, author, team.id if team else None, week, fields)


def rita_is_busy(bot: RunningBot) -> None:
    """A follow-up due today, two open deals, a won deal with an overdue instalment, a case."""
    bot.ask("/visit", "Acme Corp: demo to the CFO; next: send the pricing by today")
    bot.ask("/deal", "new Acme Corp; Renewal 2027; 40k; stage proposal")
    bot.ask("/deal", "new Globex; Pilot; 5k")
    bot.ask("/deal", "new Initech; Licences; 30k; stage negotiation")
    bot.ask("/deal", "#3 won")
    assert "Instalment added" in str(bot.ask("/deal", "#3 payment 10k due 2026-11-02"))
    write_case(bot, REP, "Acme: the CFO signed after the demo", "2026-W46")


def test_a_rep_sees_their_own_dashboard(home_team: RunningBot) -> None:
    rita_is_busy(home_team)
    view = open_home(home_team, REP)
    assert view["type"] == "home"
    shown = text_of(view)
    assert "Hi rita" in shown
    # Pacing: each target with its progress bar, as in the morning DM.
    assert "*Revenue* · 2026-11" in shown
    assert "$30,000 of $100,000 (30%)" in shown
    assert "*Visits* · 2026-11" in shown
    assert "`▰▰▰▱▱▱▱▱▱▱` $30,000 of $100,000" in shown
    assert "*Follow-ups due* (1)" in shown
    assert "*Acme Corp*: send the pricing" in shown
    assert "due today" in shown
    assert "*Open deals by stage* · 2 open · $45,000" in shown
    assert "Proposal · 1 · $40,000" in shown
    assert "Acme Corp — Renewal 2027" in shown
    assert "Lead · 1 · $5,000" in shown
    assert "*Overdue payments* (1) · $10,000" in shown
    assert "Initech — Licences · $10,000 outstanding · due Mon 2 Nov 2026, 16 days overdue" in shown
    assert "Acme: the CFO signed after the demo" in shown
    assert "Team view" not in shown
    assert "Settings" not in shown
    assert action_ids(view) == [
        "open_visit_modal",
        "open_deal_modal",
        "case_write",
        "home_pick_language",
    ]


def test_a_new_person_gets_an_empty_dashboard(running_bot: RunningBot) -> None:
    shown = text_of(open_home(running_bot, OTHER_REP))
    assert "Hi oscar" in shown
    assert "No targets for you this period" in shown
    assert "*Follow-ups due*: none." in shown
    assert "*Open deals*: none yet." in shown
    assert "*Overdue payments*: none." in shown
    assert "*Your last cases*\nNone yet." in shown


def test_home_buttons_open_the_visit_deal_and_case_forms(running_bot: RunningBot) -> None:
    view = open_home(running_bot, REP)
    for action_id, callback_id in (
        ("open_visit_modal", "visit_modal"),
        ("open_deal_modal", "deal_create_modal"),
        ("case_write", "case_modal"),
    ):
        mark = running_bot.fake.mark()
        press(running_bot, REP, view, action_id)
        opened = running_bot.fake.wait_for_call("views.open", since=mark)
        assert opened.params["view"]["callback_id"] == callback_id


def test_the_messages_tab_does_not_publish_home(running_bot: RunningBot) -> None:
    running_bot.slack.app_home_opened(user_id=REP, tab="messages")
    running_bot.ask("/visit", "help")  # the next request is answered, so the event was handled
    assert running_bot.fake.calls("views.publish") == []


def test_a_manager_also_sees_their_teams_view(home_team: RunningBot) -> None:
    rita_is_busy(home_team)
    write_case(home_team, REP, "This week's case", "2026-W47")
    shown = text_of(open_home(home_team, MANAGER))
    assert "Hi mia" in shown
    assert "Team view" in shown
    assert "*Enterprise · team targets*" in shown
    assert "$30,000 of $300,000 (10%)" in shown
    assert "*Reps' pacing (visits on Tue 17 Nov 2026)*" in shown
    assert f"• <@{REP}> · Revenue" in shown
    assert f"• <@{OTHER_REP}> · no targets" in shown
    assert "*Funnel* since Thu 22 Oct 2026" in shown
    assert ":trophy: Won 1" in shown
    assert "*Collections*" in shown
    assert f"• <@{REP}> · $10,000 overdue · 1-30 days $10,000" in shown
    assert "*Cases for the week of Mon 16 Nov 2026*: 1 of 2 in." in shown
    assert f"*Not in yet* (1): <@{OTHER_REP}>" in shown
    assert "Settings" not in shown  # a manager is no admin


def test_the_team_selector_switches_the_team_view(home_team: RunningBot) -> None:
    for text in (
        "create Accounts",
        f"Accounts manager <@{MANAGER}|mia>",
        f"Accounts add <@{ADMIN}>",
    ):
        assert ":warning:" not in str(home_team.ask("/team", text, user=ADMIN))
    view = open_home(home_team, MANAGER)
    picker = element(view, "home_pick_team")
    assert [option["text"]["text"] for option in picker["options"]] == ["Accounts", "Enterprise"]
    assert picker["initial_option"]["text"]["text"] == "Accounts"
    assert f"<@{ADMIN}> · no targets" in text_of(view)

    mark = home_team.fake.mark()
    enterprise = next(o for o in picker["options"] if o["text"]["text"] == "Enterprise")
    press(home_team, MANAGER, view, "home_pick_team", selected_option=enterprise)
    switched = published_since(home_team, MANAGER, mark)
    shown = text_of(switched)
    assert "*Enterprise · team targets*" in shown
    assert f"<@{REP}> · Revenue" in shown
    assert f"<@{ADMIN}>" not in shown
    assert element(switched, "home_pick_team")["initial_option"]["value"] == enterprise["value"]

    # The choice holds when the Home is refreshed after the manager's own change.
    mark = home_team.fake.mark()
    home_team.ask("/target", f"<@{REP}|rita> visits 25 2026-11", user=MANAGER)
    refreshed = published_since(home_team, MANAGER, mark)
    assert "*Enterprise · team targets*" in text_of(refreshed)


def test_a_team_the_person_does_not_manage_cannot_be_picked(home_team: RunningBot) -> None:
    view = open_home(home_team, REP)
    mark = home_team.fake.mark()
    forged = {"text": {"type": "plain_text", "text": "Enterprise"}, "value": "1"}
    press(home_team, REP, view, "home_pick_team", selected_option=forged)
    shown = text_of(published_since(home_team, REP, mark))
    assert "Team view" not in shown
    assert "Reps' pacing" not in shown


def test_home_is_refreshed_after_the_persons_own_change(home_team: RunningBot) -> None:
    open_home(home_team, REP)
    mark = home_team.fake.mark()
    home_team.ask("/visit", "Globex: intro call; next: send the deck by today")
    shown = text_of(published_since(home_team, REP, mark))
    assert "*Follow-ups due* (1)" in shown
    assert "*Globex*: send the deck" in shown

    mark = home_team.fake.mark()
    home_team.ask("/deal", "new Globex; Pilot; 12k")
    home = published_since(home_team, REP, mark)
    assert "Globex — Pilot" in text_of(home)

    # A visit logged with the Home's own button.
    mark = home_team.fake.mark()
    press(home_team, REP, home, "open_visit_modal")
    modal = home_team.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Initech"},
        "visited_on": {"visited_on": "2026-11-18"},
        "notes": {"notes": "Walked the plant floor"},
        "next_step": {"next_step": "Send a quote"},
        "follow_up_due": {"follow_up_due": "2026-11-18"},
    }
    mark = home_team.fake.mark()
    response = home_team.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=modal
    )
    assert response.status == 200
    shown = text_of(published_since(home_team, REP, mark))
    assert "*Follow-ups due* (2)" in shown
    assert "*Initech*: Send a quote" in shown


def test_no_refresh_for_someone_whose_home_was_never_published(home_team: RunningBot) -> None:
    open_home(home_team, REP)
    home_team.ask("/visit", "Globex: intro call", user=OTHER_REP)
    home_team.ask("/deal", "new Globex; Pilot; 12k", user=OTHER_REP)
    assert publishes_to(home_team, OTHER_REP) == 0


# --- Slack's limits, with 500 deals ---------------------------------------------------------

DEAL_COUNT = 500
STAGES = ("lead", "qualified", "contacted", "proposal", "negotiation")


@pytest.fixture
def crowded(home_team: RunningBot) -> RunningBot:
    """Rita owns 500 open deals with long names, 30 overdue instalments, 40 follow-ups and
    12 cases; Mia manages 25 teams, one of them with 152 reps."""
    bot = home_team
    for number in range(150):
        bot.fake.add_user(f"UBULK{number:04d}", tz="America/New_York")
    rita = person_id(bot, REP)
    mia = person_id(bot, MANAGER)
    long = "x" * 150
    with bot.db.transaction() as session:
        for number in range(DEAL_COUNT):
            close = TODAY + timedelta(days=number % 40)
            deals.create_deal(
                session,
                rita,
                NewDeal(
                    customer_name=f"Customer {number:03d} {long}"[:120],
                    title=f"Deal {number:03d} {long}"[:200],
                    amount=Decimal(1000 + number * 10),
                    currency="USD",
                    stage=STAGES[number % len(STAGES)],
                    expected_close=close,
                ),
            )
        owner = session.get_one(Person, rita)
        for number in range(30):
            won = deals.create_deal(
                session,
                rita,
                NewDeal(
                    f"Payer {number} {long}"[:120], f"Won {number}", Decimal(9000), "USD", "won"
                ),
            )
            session.flush()
            payments.add_instalment(
                session,
                won,
                amount=Decimal(3000),
                currency="USD",
                due_on=TODAY - timedelta(days=number + 1),
                actor=owner.slack_user_id,
            )
        enterprise = teams.get_team(session, "Enterprise")
        assert enterprise is not None
        for number in range(150):
            stub, _ = teams.ensure_person_stub(session, f"UBULK{number:04d}")
            teams.add_to_team(session, enterprise, stub.id, teams.MEMBER, TODAY, ADMIN)
        for number in range(24):
            other = teams.create_team(session, f"Team {number:02d} {long}"[:80], ADMIN)
            session.flush()
            teams.add_to_team(session, other, mia, teams.MANAGER, TODAY, ADMIN)
    for number in range(40):
        bot.ask("/visit", f"Customer {number:03d}: call; next: call back {long} by today")
    for number in range(12):
        write_case(bot, REP, f"Case {number} {long}"[:150], "2026-W46")
    return bot


def within_slack_limits(view: dict) -> None:
    assert problems_in_view(view) == []
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000


def shown_deal_ids(view: dict) -> list[int]:
    return [int(found) for found in re.findall(r"`#(\d+)` Customer", text_of(view))]


def test_500_deals_stay_within_slack_limits_and_page(crowded: RunningBot) -> None:
    view = open_home(crowded, REP)
    within_slack_limits(view)
    shown = text_of(view)
    assert "*Open deals by stage* · 500 open" in shown
    assert "Lead · 100 ·" in shown
    assert "*Follow-ups due* (40)" in shown
    assert "35 more — see your follow-up DM" in shown
    assert "*Overdue payments* (30) · $90,000" in shown
    assert "25 more: `/deal #<id> payments`" in shown
    # The largest deals of each stage first: deal 495 is the largest lead (500 deals, 5 stages).
    first_page = shown_deal_ids(view)
    assert len(first_page) == 25
    assert first_page[0] == 496  # ids start at 1
    amounts = {}
    with crowded.db.reading() as session:
        for deal_id in first_page:
            deal = deals.get_deal(session, deal_id)
            assert deal is not None
            amounts[deal_id] = (deal.stage, deal.amount)
    lead = [amounts[i][1] for i in first_page if amounts[i][0] == "lead"]
    assert lead == sorted(lead, reverse=True)
    assert HomeState.load(view["private_metadata"]).page == 0

    seen = set(first_page)
    page = view
    for number in range(1, 20):
        mark = crowded.fake.mark()
        press(crowded, REP, page, "home_deals_more")
        page = published_since(crowded, REP, mark)
        within_slack_limits(page)
        ids = shown_deal_ids(page)
        assert len(ids) == 25
        assert not seen & set(ids)
        seen |= set(ids)
        assert HomeState.load(page["private_metadata"]).page == number
    assert len(seen) == DEAL_COUNT
    assert "home_deals_more" not in action_ids(page)  # the last page

    mark = crowded.fake.mark()
    press(crowded, REP, page, "home_deals_first")
    assert shown_deal_ids(published_since(crowded, REP, mark)) == first_page


def home_once_processed(bot: RunningBot, user: str) -> dict:
    """Open the Home and wait until the worker has processed the event, however long the
    machine takes (the guard is a liveness one), then read what it published."""
    mark = bot.fake.mark()
    assert bot.slack.app_home_opened(user_id=user).status == 200
    bot.settle(timeout=300)
    call = bot.fake.wait_for_call(
        "views.publish", timeout=0, where=lambda c: c.params["user_id"] == user, since=mark
    )
    assert call.response["ok"], call.response
    return call.response["view"]


def test_a_crowded_manager_and_admin_home_stays_within_slack_limits(crowded: RunningBot) -> None:
    within_slack_limits(home_once_processed(crowded, MANAGER))
    view = home_once_processed(crowded, ADMIN)
    within_slack_limits(view)
    shown = text_of(view)
    assert "…and 5 more teams" in shown
    assert "more reps." in shown  # 152 reps' lines do not all fit

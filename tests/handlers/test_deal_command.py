"""/deal end to end: create, show, list, change, choose, and who may do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from store import deals
from store.models import Deal
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, element, text_of

NEW_DEAL = "new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal"


def all_deals(bot: RunningBot) -> list[Deal]:
    with bot.db.transaction() as session:
        return list(deals.all_deals(session))


def history(bot: RunningBot, deal_id: int) -> list[tuple[str | None, str]]:
    with bot.db.transaction() as session:
        return [(c.from_stage, c.to_stage) for c in deals.stage_history(session, deal_id)]


def test_one_line_deal_is_created(running_bot: RunningBot) -> None:
    reply = running_bot.ask("/deal", NEW_DEAL)
    shown = text_of(reply)
    assert "Deal created" in shown
    assert "#1 Acme Corp — Renewal 2027" in shown
    assert "$120,000" in shown
    assert "Proposal" in shown
    assert "Tue 15 Dec 2026" in shown
    [deal] = all_deals(running_bot)
    assert (deal.amount, deal.currency, deal.stage) == (Decimal("120000.00"), "USD", "proposal")
    assert deal.expected_close == date(2026, 12, 15)
    assert deal.owner.slack_user_id == REP
    assert history(running_bot, deal.id) == [(None, "proposal")]


def test_amount_forms_and_currencies(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Globex; Pilot; 12万")
    running_bot.ask("/deal", "new Initech; Rollout; $1.2m")
    running_bot.ask("/deal", "new Hooli; Licences; ¥120,000")
    amounts = [(d.amount, d.currency, d.stage) for d in all_deals(running_bot)]
    assert amounts == [
        (Decimal("120000.00"), "USD", "lead"),
        (Decimal("1200000.00"), "USD", "lead"),
        (Decimal("120000.00"), "CNY", "lead"),
    ]


def test_every_change_is_applied_recorded_and_shown(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    moved = text_of(running_bot.ask("/deal", "#1 stage negotiation"))
    assert "moved from :page_facing_up: Proposal to :scales: Negotiation" in moved
    assert "$150,000 (was $120,000)" in text_of(running_bot.ask("/deal", "Acme amount 150k"))
    assert "Mon 30 Nov 2026" in text_of(running_bot.ask("/deal", "renewal close end of month"))
    assert "Note added" in text_of(running_bot.ask("/deal", "#1 note CFO wants a 3-year term"))
    assert "won" in text_of(running_bot.ask("/deal", "#1 won"))
    [deal] = all_deals(running_bot)
    assert (deal.stage, deal.amount, deal.expected_close) == (
        "won",
        Decimal("150000.00"),
        date(2026, 11, 30),
    )
    assert history(running_bot, 1) == [
        (None, "proposal"),
        ("proposal", "negotiation"),
        ("negotiation", "won"),
    ]
    lost = text_of(running_bot.ask("/deal", "#1 lost chose a competitor"))
    assert "marked lost: chose a competitor" in lost
    shown = text_of(running_bot.ask("/deal", "#1"))
    assert "chose a competitor" in shown
    assert "CFO wants a 3-year term" in shown
    assert "Negotiation → :trophy: Won" in shown


def test_moving_to_the_same_stage_changes_nothing(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    assert "already" in text_of(running_bot.ask("/deal", "#1 stage proposal"))
    assert history(running_bot, 1) == [(None, "proposal")]


def test_deal_card_shows_latest_visits(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    running_bot.ask("/visit", "acme corp: demo went well; next: send pricing by friday")
    shown = text_of(running_bot.ask("/deal", "#1"))
    assert "Latest visits" in shown
    assert "demo went well" in shown
    assert "send pricing — due Fri 20 Nov 2026" in shown


def test_list_groups_open_deals_by_stage_with_totals(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme; Renewal; 100k; stage proposal")
    running_bot.ask("/deal", "new Globex; Pilot; 20k; stage proposal")
    running_bot.ask("/deal", "new Initech; Expansion; 5k")
    running_bot.ask("/deal", "new Hooli; Old; 1k")
    running_bot.ask("/deal", "Hooli won")
    running_bot.ask("/deal", "new Umbrella; Theirs; 7k", user=OTHER_REP)
    mine = running_bot.ask("/deal", "list")
    shown = text_of(mine)
    assert "3 open* · $125,000" in shown
    assert ":page_facing_up: *Proposal* · 2 · $120,000" in shown
    assert ":seedling: *Lead* · 1 · $5,000" in shown
    assert "Hooli" not in shown
    assert "Umbrella" not in shown
    assert shown.index("Lead") < shown.index("Proposal")
    everyone = text_of(running_bot.ask("/deal", "list all", user=ADMIN))
    assert "4 open* · $132,000" in everyone
    assert "Umbrella" in everyone


def test_an_ambiguous_reference_offers_buttons_that_finish_the_job(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    running_bot.ask("/deal", "new Acme Logistics; Pilot; 20k")
    choice = running_bot.ask("/deal", "acme stage qualified")
    assert "More than one deal matches" in text_of(choice)
    assert action_ids(choice) == ["deal_pick_0", "deal_pick_1"]
    pilot = next(e for e in choice["blocks"][1]["elements"] if "Pilot" in e["text"]["text"])
    assert pilot["value"] == "#2 stage qualified"
    response_url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id=pilot["action_id"], value=pilot["value"], response_url=response_url,
        message=choice,
    )  # fmt: skip
    done = running_bot.reply_to(response_url)
    assert done["replace_original"] is True
    assert "#2" in text_of(done)
    assert [d.stage for d in all_deals(running_bot)] == ["lead", "qualified"]


def test_no_match_says_so(running_bot: RunningBot) -> None:
    shown = text_of(running_bot.ask("/deal", "Nobody stage won"))
    assert "No deal you can see matches “Nobody”" in shown
    assert "no deal #9" in text_of(running_bot.ask("/deal", "#9 won")).lower()


def test_another_rep_is_refused_and_nothing_changes(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    for command in ("#1 stage won", "#1 amount 1", "#1 note hi", "#1"):
        refusal = text_of(running_bot.ask("/deal", command, user=OTHER_REP))
        assert "belongs to someone else" in refusal
    # A rep's free-text references only ever search their own book.
    assert "No deal you can see" in text_of(running_bot.ask("/deal", "Acme won", user=OTHER_REP))
    [deal] = all_deals(running_bot)
    assert (deal.stage, deal.amount) == ("proposal", Decimal("120000.00"))


def test_an_admin_may_change_any_deal(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    running_bot.ask("/deal", "#1 stage negotiation", user=ADMIN)
    [deal] = all_deals(running_bot)
    assert deal.stage == "negotiation"
    with running_bot.db.transaction() as session:
        [change] = deals.stage_history(session, 1)[1:]
        assert change.changed_by.slack_user_id == ADMIN


def test_stage_menu_on_the_card_moves_the_deal_and_checks_permission(
    running_bot: RunningBot,
) -> None:
    card = running_bot.ask("/deal", NEW_DEAL)
    menu = element(card, "deal_move_stage")
    won = next(option for option in menu["options"] if option["value"] == "1:won")
    refused_url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=OTHER_REP, action_id="deal_move_stage", selected_option=won,
        response_url=refused_url, message=card,
    )  # fmt: skip
    assert "belongs to someone else" in text_of(running_bot.reply_to(refused_url))
    assert all_deals(running_bot)[0].stage == "proposal"
    url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id="deal_move_stage", selected_option=won, response_url=url,
        message=card,
    )  # fmt: skip
    updated = running_bot.reply_to(url)
    assert updated["replace_original"] is True
    assert "is won" in text_of(updated)
    assert all_deals(running_bot)[0].stage == "won"


def test_bad_input_gets_a_clear_message_and_writes_nothing(running_bot: RunningBot) -> None:
    for command, expected in (
        ("new Acme; Renewal; lots", "amount"),
        ("new Acme; Renewal", "/deal new"),
        ("new Acme; Renewal; 10k; close someday", "date"),
        ("new Acme; Renewal; 10k; stage nirvana", "lead, qualified"),
        ("#1 lost", "reason"),
        ("list everything", "list"),
    ):
        reply = running_bot.ask("/deal", command)
        shown = text_of(reply)
        assert ":warning:" in shown, command
        assert "Try: `/deal" in shown or expected in shown, command
        assert expected in shown, (command, shown)
        assert "Traceback" not in shown
    assert all_deals(running_bot) == []


def test_help_lists_every_form(running_bot: RunningBot) -> None:
    shown = text_of(running_bot.ask("/deal", "help"))
    for form in ("/deal new <customer>", "stage <stage>", "lost <reason>", "/deal list", "12万"):
        assert form in shown


def test_redelivered_commands_write_once(running_bot: RunningBot) -> None:
    for text in (NEW_DEAL, "#1 note call the CFO"):
        trigger = running_bot.slack.new_trigger_id()
        for retry in (None, 1):
            response_url = running_bot.fake.response_url()
            running_bot.slack.command(
                "/deal", text, user_id=REP, response_url=response_url, trigger_id=trigger,
                retry_num=retry,
            )  # fmt: skip
            running_bot.reply_to(response_url)
    assert len(all_deals(running_bot)) == 1
    with running_bot.db.transaction() as session:
        assert len(deals.latest_notes(session, 1, limit=10)) == 1


def open_deal_modal(bot: RunningBot, text: str = "") -> tuple[dict, str]:
    mark = bot.fake.mark()
    _, response_url = bot.command("/deal", text)
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], response_url


def test_create_modal_saves_a_qualified_deal(running_bot: RunningBot) -> None:
    for text in ("", "new"):
        view, _ = open_deal_modal(running_bot, text)
        assert view["callback_id"] == "deal_create_modal"
    values = {
        "customer": {"customer": "Acme Corp"},
        "title": {"title": "Renewal 2027"},
        "amount": {"amount": "€1.2m"},
        "close": {"close": "2027-01-31"},
        "stage": {"stage": "qualified"},
        "bant": {"bant": ["bant_budget", "bant_need"]},
    }
    response = running_bot.slack.view_submission(
        user_id=REP, callback_id="deal_create_modal", values=values, view=view
    )
    assert response.status == 200
    assert response.body == ""
    [deal] = running_bot.fake.wait_for(lambda: all_deals(running_bot))
    assert (deal.amount, deal.currency, deal.stage) == (Decimal("1200000.00"), "EUR", "qualified")
    assert (deal.bant_budget, deal.bant_authority, deal.bant_need) == (True, False, True)
    assert deal.expected_close == date(2027, 1, 31)


def test_create_modal_explains_a_bad_amount(running_bot: RunningBot) -> None:
    view, _ = open_deal_modal(running_bot)
    response = running_bot.slack.view_submission(
        user_id=REP,
        callback_id="deal_create_modal",
        values={
            "customer": {"customer": "Acme"},
            "title": {"title": "Renewal"},
            "amount": {"amount": "-5"},
            "stage": {"stage": "lead"},
        },
        view=view,
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["amount"]
    assert all_deals(running_bot) == []


def test_chart_button_sends_the_reps_charts_by_dm(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", NEW_DEAL)
    listing = running_bot.ask("/deal", "list")
    response_url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id="show_charts", response_url=response_url, message=listing
    )
    assert "arrive in your DM" in text_of(running_bot.reply_to(response_url))
    shared = running_bot.fake.wait_for(
        lambda: running_bot.fake.calls("files.completeUploadExternal")
    )
    [opened] = running_bot.fake.calls("conversations.open")
    assert opened.params["users"] == REP
    titles = [f["title"] for f in shared[0].params["files"]]
    assert titles == ["rita: funnel, last 4 weeks"]
    [upload] = running_bot.fake.calls("file_upload")
    assert upload.params["content"].startswith(b"\x89PNG")

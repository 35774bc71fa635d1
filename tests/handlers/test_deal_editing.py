"""/deal after creation: edit, owner and reassign, delete, duplicates, and "list all"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from store import audit, deals, follow_ups, people
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, text_of


def test_list_all_from_a_rep_says_it_shows_only_theirs(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    shown = text_of(running_bot.ask("/deal", "list all"))
    assert shown.index("you may see only your own") < shown.index("Acme Corp")
    running_bot.ask("/lang", "zh", user=REP)
    assert "你只能查看自己的商机" in text_of(running_bot.ask("/deal", "list all"))
    assert "你只能查看自己的商机" not in text_of(running_bot.ask("/deal", "list"))


# --- owner, reassign: who may hand deals over, and what goes with them --------------------

MANAGER = "UMGR001"
OUTSIDER_MANAGER = "UMGR002"
THIRD_REP = "UREP003"


@pytest.fixture
def team(running_bot: RunningBot) -> RunningBot:
    """Mia manages Rita (REP) and Oscar (OTHER_REP); Max manages Sam's team."""
    running_bot.fake.add_user(MANAGER, name="mia", tz="America/New_York")
    running_bot.fake.add_user(THIRD_REP, name="sam", tz="America/New_York")
    running_bot.fake.add_user(OUTSIDER_MANAGER, name="max", tz="America/New_York")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
        "create Channel",
        f"Channel manager <@{OUTSIDER_MANAGER}|max>",
        f"Channel add <@{THIRD_REP}|sam>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN))
    return running_bot


def owners(bot: RunningBot) -> dict[int, str]:
    with bot.db.reading() as session:
        return {deal.id: deal.owner.slack_user_id for deal in deals.all_deals(session)}


def follow_up_reps(bot: RunningBot) -> list[str]:
    with bot.db.reading() as session:
        found = follow_ups.open_follow_ups(session, None, date(2030, 1, 1))
        return sorted(
            people.person_by_id(session, v.rep_id).slack_user_id
            for visits in found.values()
            for v in visits
        )


def audited(bot: RunningBot, entity: str, entity_id: int) -> list[str]:
    with bot.db.reading() as session:
        return [entry.action for entry in audit.history(session, entity, entity_id)]


def test_the_owner_hands_a_deal_to_someone_they_manage_with_its_follow_ups(
    team: RunningBot,
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    team.ask("/visit", "Acme Corp: met the CFO; next: send the proposal by friday")
    shown = text_of(team.ask("/deal", f"#1 owner <@{OTHER_REP}|oscar>", user=MANAGER))
    assert f"Deal #1 belongs to <@{OTHER_REP}> now" in shown
    assert "1 open follow-up moved with them" in shown
    assert "0 instalments are still owed" in shown
    assert owners(team) == {1: OTHER_REP}
    assert follow_up_reps(team) == [OTHER_REP]
    assert audited(team, "deals", 1) == ["create", "update"]
    again = text_of(team.ask("/deal", f"#1 owner <@{OTHER_REP}|oscar>", user=MANAGER))
    assert "already belongs to" in again


def test_a_rep_may_not_give_their_deal_away_nor_take_another(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    team.ask("/deal", "new Globex; Pilot; 5k", user=OTHER_REP)
    refused = text_of(team.ask("/deal", f"#1 owner <@{OTHER_REP}|oscar>"))
    assert "only to someone on a team you manage" in refused
    taken = text_of(team.ask("/deal", f"#2 owner <@{REP}|rita>"))
    assert "belongs to someone else" in taken
    outside = text_of(team.ask("/deal", f"#1 owner <@{OUTSIDER_MANAGER}|max>", user=MANAGER))
    assert "only to someone on a team you manage" in outside
    assert owners(team) == {1: REP, 2: OTHER_REP}
    team.ask("/lang", "zh", user=REP)
    assert "只能转交给" in text_of(team.ask("/deal", f"#1 负责人 <@{OTHER_REP}|oscar>"))


def test_a_plain_at_name_is_not_a_person(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    shown = text_of(team.ask("/deal", "#1 owner @oscar", user=MANAGER))
    assert "I can't tell who “@oscar” is" in shown
    assert "/deal #1 owner @rita" in shown
    assert owners(team) == {1: REP}


def test_a_manager_reassigns_a_leaving_reps_open_deals(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    team.ask("/deal", "new Globex; Pilot; 50k; stage negotiation")
    team.ask("/deal", "#2 won")
    team.ask("/deal", "#2 payment 20k due 2026-12-31")
    team.ask("/deal", "new Initech; Old; 1k")
    team.ask("/deal", "#3 lost budget cut")
    team.ask("/visit", "Acme Corp: demo; next: call back by monday")
    shown = text_of(team.ask("/deal", f"reassign <@{REP}|rita> <@{OTHER_REP}|oscar>", user=MANAGER))
    assert f"Moved 1 deal from <@{REP}> to <@{OTHER_REP}>: #1." in shown
    assert "1 open follow-up moved with them" in shown
    assert owners(team) == {1: OTHER_REP, 2: REP, 3: REP}
    everything = f"reassign <@{REP}|rita> <@{OTHER_REP}|oscar> all"
    shown = text_of(team.ask("/deal", everything, user=MANAGER))
    assert "Moved 2 deals" in shown
    assert "#2, #3" in shown
    assert "1 instalment is still owed: its payment alerts go to" in shown
    assert owners(team) == {1: OTHER_REP, 2: OTHER_REP, 3: OTHER_REP}
    assert "has no deals, so nothing moved" in text_of(team.ask("/deal", everything, user=ADMIN))


def test_reassign_in_chinese(team: RunningBot) -> None:
    team.ask("/deal", "new 美团; 外卖系统; 12万")
    team.ask("/lang", "zh", user=MANAGER)
    shown = text_of(
        team.ask("/deal", f"转交 <@{REP}|rita> <@{OTHER_REP}|oscar> 全部", user=MANAGER)
    )
    assert "已将 1 个商机" in shown
    assert owners(team) == {1: OTHER_REP}


def test_only_a_manager_of_both_or_an_admin_reassigns(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    command = f"reassign <@{REP}|rita> <@{OTHER_REP}|oscar>"
    assert "Only a manager or an admin" in text_of(team.ask("/deal", command))
    assert "Only a manager or an admin" in text_of(team.ask("/deal", command, user=OTHER_REP))
    outsider = text_of(team.ask("/deal", command, user=OUTSIDER_MANAGER))
    assert "only between people on the teams you manage" in outsider
    to_outsider = f"reassign <@{REP}|rita> <@{OUTSIDER_MANAGER}|max>"
    assert "only between people" in text_of(team.ask("/deal", to_outsider, user=MANAGER))
    assert owners(team) == {1: REP}
    assert "Moved 1 deal" in text_of(team.ask("/deal", to_outsider, user=ADMIN))
    assert owners(team) == {1: OUTSIDER_MANAGER}


# --- delete: admins only, after a confirmation saying what goes --------------------------


def press(bot: RunningBot, message: dict[str, Any], action_id: str, user: str) -> dict[str, Any]:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=response_url, message=message
    )
    assert response.status == 200
    return bot.reply_to(response_url)


def test_an_admin_deletes_a_deal_after_confirming(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k; stage negotiation")
    team.ask("/deal", "#1 won")
    team.ask("/deal", "#1 payment 60k due 2026-12-31")
    team.ask("/deal", "#1 paid 20k")
    team.ask("/deal", "#1 note signed at last")
    team.ask("/visit", "Acme Corp: kickoff; next: send the plan by friday")
    ask = team.ask("/deal", "#1 delete", user=ADMIN)
    shown = text_of(ask)
    assert "Delete deal #1 Acme Corp — Renewal?" in shown
    assert "2 stage changes, 1 note, 1 instalment, 1 payment received ($20,000)" in shown
    assert "Kept: the visits to Acme Corp and their follow-ups" in shown
    assert action_ids(ask) == ["deal_delete", "deal_keep"]
    kept = press(team, ask, "deal_keep", ADMIN)
    assert "Nothing deleted" in text_of(kept)
    assert owners(team) == {1: REP}
    refused = press(team, ask, "deal_delete", MANAGER)
    assert "Only an admin can delete a deal" in text_of(refused)
    assert owners(team) == {1: REP}
    done = press(team, ask, "deal_delete", ADMIN)
    assert "Deal #1 (Acme Corp — Renewal) deleted" in text_of(done)
    assert owners(team) == {}
    assert follow_up_reps(team) == [REP]
    assert audited(team, "deals", 1)[-1] == "delete"
    assert "no deal #1" in text_of(team.ask("/deal", "#1")).lower()
    assert "no longer exists" in text_of(press(team, ask, "deal_delete", ADMIN))


def test_only_admins_may_ask_to_delete(team: RunningBot) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    for who in (REP, MANAGER):
        assert "Only an admin can delete a deal" in text_of(
            team.ask("/deal", "#1 delete", user=who)
        )
    team.ask("/lang", "zh", user=REP)
    assert "只有管理员可以删除商机" in text_of(team.ask("/deal", "#1 删除"))
    assert owners(team) == {1: REP}


def test_what_slack_escapes_is_stored_as_typed(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new AT&amp;T; M&amp;A &lt;phase 2&gt;; 10k")
    running_bot.ask("/deal", "AT&amp;T note met <@UREP002|oscar> &amp; the CFO")
    with running_bot.db.reading() as session:
        [deal] = deals.all_deals(session)
        assert (deal.customer.name, deal.title) == ("AT&T", "M&A <phase 2>")
        assert [note.text for note in deals.latest_notes(session, deal.id)] == [
            "met @oscar & the CFO"
        ]


# --- the same deal twice: ask first, and keep what was typed in the button ---------------


def test_four_identical_new_deals_make_one_and_ask_three_times(running_bot: RunningBot) -> None:
    text = "new 美团; 外卖系统; 12万; close 2026-12-31"
    running_bot.ask("/deal", text)
    asks = [running_bot.ask("/deal", text) for _ in range(3)]
    assert len(owners(running_bot)) == 1
    for ask in asks:
        shown = text_of(ask)
        assert "*美团* already has an open deal with a similar title" in shown
        assert "`#1` 美团 — 外卖系统" in shown
        assert "Nothing was created yet" in shown
        assert action_ids(ask) == ["payment_open_deal", "deal_create_anyway"]
    assert "外卖系统" in text_of(press(running_bot, asks[0], "payment_open_deal", REP))
    created = press(running_bot, asks[0], "deal_create_anyway", REP)
    assert created["replace_original"] is True
    assert "Deal created" in text_of(created)
    with running_bot.db.reading() as session:
        first, second = deals.all_deals(session)
        assert (second.customer_id, second.title, second.amount, second.currency) == (
            first.customer_id,
            "外卖系统",
            first.amount,
            "USD",
        )
        assert second.expected_close == date(2026, 12, 31)
    running_bot.ask("/lang", "zh", user=REP)
    shown = text_of(running_bot.ask("/deal", "新建 美团; 外卖系统二期; 5万"))
    assert "*美团* 已有标题相似的进行中商机" in shown
    assert len(owners(running_bot)) == 2


def test_a_different_title_or_a_closed_deal_is_no_duplicate(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 100k")
    assert "Deal created" in text_of(running_bot.ask("/deal", "new ACME corp; Pilot; 5k"))
    running_bot.ask("/deal", "#1 lost budget")
    assert "Deal created" in text_of(running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 9k"))
    # Another rep's deal is not theirs to open, so it is not offered.
    other = text_of(running_bot.ask("/deal", "new Acme Corp; Pilot; 5k", user=OTHER_REP))
    assert "Deal created" in other


def test_a_forged_create_anyway_is_refused(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    ask = running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    [_, anyway] = ask["blocks"][1]["elements"]
    for forged in ("{", '{"customer": "Acme"}', anyway["value"].replace('"lead"', '"won"')):
        anyway["value"] = forged
        shown = text_of(press(running_bot, ask, "deal_create_anyway", REP))
        assert "That button is out of date" in shown
    assert len(owners(running_bot)) == 1


def test_the_form_asks_too_and_keeps_the_bant(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 100k")
    mark = running_bot.fake.mark()
    _, response_url = running_bot.command("/deal", "")
    view = running_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Acme Corp"},
        "title": {"title": "renewal-2027"},
        "amount": {"amount": "€1.2m"},
        "stage": {"stage": "qualified"},
        "bant": {"bant": ["bant_budget", "bant_need"]},
    }
    response = running_bot.slack.view_submission(
        user_id=REP, callback_id="deal_create_modal", values=values, view=view
    )
    assert response.status == 200
    ask = running_bot.reply_to(response_url)
    assert "already has an open deal with a similar title" in text_of(ask)
    assert len(owners(running_bot)) == 1
    assert "Deal created" in text_of(press(running_bot, ask, "deal_create_anyway", REP))
    with running_bot.db.reading() as session:
        deal = deals.get_deal(session, 2)
        assert deal is not None
        assert (deal.title, deal.amount, deal.currency, deal.stage) == (
            "renewal-2027",
            Decimal("1200000.00"),
            "EUR",
            "qualified",
        )
        assert (deal.bant_budget, deal.bant_authority, deal.bant_need) == (True, False, True)


# --- Edit: every field, filled in, checked as the commands check them --------------------


def press_edit(bot: RunningBot, card: dict[str, Any], user: str = REP) -> tuple[int, str]:
    """Press Edit on the card: the fake's call count before, and the reply's url."""
    mark = bot.fake.mark()
    url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id="deal_edit", response_url=url, message=card
    )
    assert response.status == 200
    return mark, url


def open_edit(bot: RunningBot, card: dict[str, Any], user: str = REP) -> tuple[Any, str]:
    """The form Edit opens, and the url its answers go to."""
    mark, url = press_edit(bot, card, user)
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], url


def filled_in(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the form sends untouched: each field's initial value, as Slack would."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        action_id = element.get("action_id")
        if "initial_option" in element:
            values[block["block_id"]] = {action_id: element["initial_option"]["value"]}
        elif "initial_value" in element:
            values[block["block_id"]] = {action_id: element["initial_value"]}
        elif "initial_date" in element:
            values[block["block_id"]] = {action_id: element["initial_date"]}
        elif "initial_user" in element:
            values[block["block_id"]] = {action_id: element["initial_user"]}
        elif element.get("type") == "checkboxes":
            values[block["block_id"]] = {
                action_id: [option["value"] for option in element.get("initial_options", [])]
            }
    return values


def submit_edit(bot: RunningBot, view: dict[str, Any], user: str = REP, **changes: Any) -> Any:
    values = filled_in(view)
    for block_id, value in changes.items():
        values[block_id] = {block_id: value}
    return bot.slack.view_submission(
        user_id=user, callback_id="deal_edit_modal", values=values, view=view
    )


def the_deal(bot: RunningBot, deal_id: int = 1) -> Any:
    with bot.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        assert deal is not None
        return deal


def test_edit_opens_every_field_filled_in_and_saves_the_changes(running_bot: RunningBot) -> None:
    card = running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k; close 2026-12-15")
    assert "deal_edit" in action_ids(card)
    view, url = open_edit(running_bot, card)
    assert filled_in(view) == {
        "customer": {"customer": "Acme Corp"},
        "title": {"title": "Renewal 2027"},
        "amount": {"amount": "120k USD"},
        "close": {"close": "2026-12-15"},
        "stage": {"stage": "lead"},
        "owner": {"owner": REP},
        "bant": {"bant": []},
    }
    response = submit_edit(
        running_bot,
        view,
        customer="Acme Holdings",
        title="Renewal & expansion 2027",
        amount="¥900k",
        close="2027-01-29",
        stage="proposal",
        bant=["bant_need", "bant_timeline"],
    )
    assert (response.status, response.body) == (200, "")
    shown = text_of(running_bot.reply_to(url))
    assert (
        "Deal #1 updated: Customer, Title, Amount, Expected close, Qualification (BANT)." in shown
    )
    assert "moved from :seedling: Lead to :page_facing_up: Proposal" in shown
    deal = the_deal(running_bot)
    assert (deal.customer.name, deal.title, deal.amount, deal.currency) == (
        "Acme Holdings",
        "Renewal & expansion 2027",
        Decimal("900000.00"),
        "CNY",
    )
    assert (deal.expected_close, deal.stage) == (date(2027, 1, 29), "proposal")
    assert (deal.bant_need, deal.bant_timeline, deal.bant_budget) == (True, True, False)
    assert audited(running_bot, "deals", 1) == ["create", "update", "update"]
    again = submit_edit(running_bot, view, title="Something else")
    assert again.status == 200
    assert the_deal(running_bot).title == "Renewal & expansion 2027"


def test_nothing_changed_says_so(running_bot: RunningBot) -> None:
    card = running_bot.ask("/deal", "new Acme Corp; Renewal; 120k")
    view, url = open_edit(running_bot, card)
    submit_edit(running_bot, view)
    assert "Nothing changed on deal #1" in text_of(running_bot.reply_to(url))
    assert audited(running_bot, "deals", 1) == ["create"]


def test_only_who_may_change_the_deal_opens_or_saves_the_form(team: RunningBot) -> None:
    card = team.ask("/deal", "new Acme Corp; Renewal; 120k")
    view, _ = open_edit(team, card)
    mark, url = press_edit(team, card, user=THIRD_REP)
    assert "belongs to someone else" in text_of(team.reply_to(url))
    assert [call for call in team.fake.calls()[mark:] if call.method == "views.open"] == []
    response = submit_edit(team, view, user=THIRD_REP, title="Mine now")
    assert response.status == 200
    assert the_deal(team).title == "Renewal"
    manager_view, _ = open_edit(team, card, user=MANAGER)
    assert manager_view is not None


def test_the_owner_field_follows_the_owner_rules(team: RunningBot) -> None:
    team.ask("/visit", "Acme Corp: met the CFO; next: send the proposal by friday")
    card = team.ask("/deal", "new Acme Corp; Renewal; 120k")
    view, _ = open_edit(team, card)
    body = submit_edit(team, view, owner=OTHER_REP).json()
    assert body["response_action"] == "errors"
    assert "only to someone on a team you manage" in body["errors"]["owner"]
    assert the_deal(team).owner.slack_user_id == REP
    view, url = open_edit(team, card, user=MANAGER)
    submit_edit(team, view, user=MANAGER, owner=OTHER_REP, title="Renewal 2027")
    shown = text_of(team.reply_to(url))
    assert f"Deal #1 belongs to <@{OTHER_REP}> now" in shown
    assert "1 open follow-up moved with them" in shown
    assert (the_deal(team).owner.slack_user_id, the_deal(team).title) == (OTHER_REP, "Renewal 2027")
    assert follow_up_reps(team) == [OTHER_REP]


def test_bad_fields_are_explained_under_them_in_the_persons_language(
    running_bot: RunningBot,
) -> None:
    card = running_bot.ask("/deal", "new Acme Corp; Renewal; 120k")
    view, _ = open_edit(running_bot, card)
    body = submit_edit(running_bot, view, amount="lots", title="x" * 201).json()
    assert body["response_action"] == "errors"
    assert "Keep this to 200 characters" in body["errors"]["title"]
    body = submit_edit(running_bot, view, amount="lots").json()
    assert "For example: 120000, 120k or $1.2m." in body["errors"]["amount"]
    running_bot.ask("/lang", "zh", user=REP)
    body = submit_edit(running_bot, view, amount="lots", stage="lost").json()
    assert "例如" in body["errors"]["amount"]
    assert the_deal(running_bot).amount == Decimal("120000.00")


def test_payment_rules_hold_in_the_form(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 120k; stage negotiation")
    running_bot.ask("/deal", "#1 won")
    running_bot.ask("/deal", "#1 payment 100k due 2026-12-31")
    card = running_bot.ask("/deal", "#1")
    view, url = open_edit(running_bot, card)
    body = submit_edit(running_bot, view, amount="50k").json()
    assert (
        "has $100,000 scheduled in its payment terms, more than $50,000"
        in (body["errors"]["amount"])
    )
    assert (
        "so its amount stays in USD"
        in submit_edit(running_bot, view, amount="¥1m").json()["errors"]["amount"]
    )
    submit_edit(running_bot, view, stage="negotiation", title="Renewal 2027")
    saved = text_of(running_bot.reply_to(url))
    assert "Deal #1 updated: Title." in saved
    ask = running_bot.reply_to(url, index=1)
    assert set(action_ids(ask)) == {
        "deal_reopen_keep_schedule",
        "deal_leave_won_cancel_unpaid",
        "deal_stay_won",
    }
    deal = the_deal(running_bot)
    assert (deal.title, deal.stage) == ("Renewal 2027", "won")


def test_naming_someone_the_bot_does_not_know_is_refused_and_stores_nobody(
    team: RunningBot,
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 100k")
    stranger = "UNEW0001"
    team.fake.add_user(stranger, name="nina")
    owner = text_of(team.ask("/deal", f"#1 owner <@{stranger}|nina>", user=MANAGER))
    assert "only to someone on a team you manage" in owner
    command = f"reassign <@{REP}|rita> <@{stranger}|nina>"
    assert "only between people" in text_of(team.ask("/deal", command, user=MANAGER))
    with team.db.reading() as session:
        assert people.get_person(session, stranger) is None
    assert "Moved 1 deal" in text_of(team.ask("/deal", command, user=ADMIN))
    assert owners(team) == {1: stranger}


def test_deal_edit_command_opens_the_same_form_as_the_button(team: RunningBot) -> None:
    card = team.ask("/deal", "new Acme Corp; Renewal 2027; 120k; close 2026-12-15")
    from_button, _ = open_edit(team, card)
    mark = team.fake.mark()
    response, url = team.command("/deal", "Acme edit")
    assert response.status == 200
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert filled_in(view) == filled_in(from_button)
    assert view["title"]["text"] == "Edit deal #1"
    submit_edit(team, view, title="Renewal & expansion")
    assert "Deal #1 updated: Title." in text_of(team.reply_to(url))
    assert the_deal(team).title == "Renewal & expansion"
    team.ask("/lang", "zh", user=MANAGER)
    mark = team.fake.mark()
    team.command("/deal", "＃1 编辑", user=MANAGER)
    zh_view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert zh_view["title"]["text"] == "编辑商机 #1"


def test_deal_edit_command_refuses_who_may_not_change_it_in_their_language(
    team: RunningBot,
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 120k")
    mark = team.fake.mark()
    refused = text_of(team.ask("/deal", "#1 edit", user=THIRD_REP))
    assert "belongs to someone else" in refused
    team.ask("/lang", "zh", user=THIRD_REP)
    refused_zh = text_of(team.ask("/deal", "#1 编辑", user=THIRD_REP))
    assert "#1" in refused_zh
    assert "belongs" not in refused_zh
    assert "#2" not in refused_zh
    missing = text_of(team.ask("/deal", "#9 edit", user=REP))
    assert "There is no deal #9" in missing
    assert "/deal list" in missing
    wrong = text_of(team.ask("/deal", "#1 edit title", user=REP))
    assert "“edit” doesn't take anything" in wrong
    assert "/deal #1 edit" in wrong
    assert [call for call in team.fake.calls()[mark:] if call.method == "views.open"] == []


def test_deal_edit_after_a_choice_of_deals_opens_the_form(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 120k")
    running_bot.ask("/deal", "new Acme Corp; Expansion; 50k")
    choices = running_bot.ask("/deal", "Acme edit")
    assert "More than one deal matches" in text_of(choices)
    mark = running_bot.fake.mark()
    pressed = running_bot.slack.block_action(
        user_id=REP,
        action_id="deal_pick_1",
        value="#2 edit",
        response_url=running_bot.fake.response_url(),
        message=choices,
    )
    assert pressed.status == 200
    view = running_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    assert view["title"]["text"] == "Edit deal #2"

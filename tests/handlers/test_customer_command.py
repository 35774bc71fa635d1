"""/customer end to end: the card, lists and search as far as each person may see; contacts
added by command and by the card's form, forgotten on request; tiers set by managers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from store.models import AuditEntry, Contact, Customer
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, text_of

MANAGER = "UMGR001"
OUTSIDER = "UREP003"  # on another team


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Enterprise (Rita, Oscar; manager Mia) and Mid Market (Uma). Rita works Acme (an open
    proposal, a won pilot with an overdue instalment, a visit with a next step); Uma Globex."""
    fake = running_bot.fake
    fake.add_user(MANAGER, name="mia", real_name="Mia Manager", tz="America/New_York")
    fake.add_user(OUTSIDER, name="uma", real_name="Uma Outsider", tz="Europe/Berlin")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
        "create Mid Market",
        f"Mid Market add <@{OUTSIDER}|uma>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    for command, text, user in (
        ("/deal", "new Acme; Renewal 2027; 120k; close 2026-12-15; stage proposal", REP),
        ("/deal", "new Acme; Pilot; 30k", REP),
        ("/deal", "#2 won", REP),
        ("/deal", "#2 payment 10k due 2026-11-10", REP),
        ("/deal", "#2 payment 20k due 2026-12-31", REP),
        ("/visit", "Acme: pricing call with IT; next: send the revised quote by 2026-12-15", REP),
        ("/visit", "Globex: demo for the ops team, they want a pilot", OUTSIDER),
    ):
        answer = text_of(running_bot.ask(command, text, user=user))
        assert "Instalment added" in answer or ":warning:" not in answer, answer
    return running_bot


def card(bot: RunningBot, text: str, user: str = REP) -> str:
    return text_of(bot.ask("/customer", text, user=user))


def test_the_card_shows_deals_wins_money_visits_and_cadence(bot: RunningBot) -> None:
    shown = card(bot, "acme")
    assert "Acme" in shown
    assert "No tier · last visit today" in shown
    assert f"*Owners*: <@{REP}>" in shown
    assert "#1 Renewal 2027 · :page_facing_up: Proposal · $120,000 · closes" in shown
    assert "Pilot" not in shown.split("*Won in")[0]  # won deals are not open
    assert "*Won in 2026*: $30,000 (1 deal)" in shown
    assert "*Outstanding*: $30,000 · *overdue*: $10,000" in shown
    assert "pricing call with IT" in shown
    assert "Next: send the revised quote (by" in shown
    assert "*Contacts*" in shown


def test_people_see_only_customers_they_may(bot: RunningBot) -> None:
    assert "No customer called “Acme”" in card(bot, "Acme", OUTSIDER)
    assert "No customer called “Acme”" in card(bot, "Acme", OTHER_REP)
    assert "Renewal 2027" in card(bot, "Acme", MANAGER)
    assert "Renewal 2027" in card(bot, "Acme", ADMIN)
    assert "No customer called “Globex”" in card(bot, "Globex", MANAGER)
    assert "No customer called “Nobody Inc”" in card(bot, "Nobody Inc", ADMIN)


def test_lists_follow_visibility_and_tier(bot: RunningBot) -> None:
    mine = card(bot, "list")
    assert "*1 customer*" in mine
    assert "Acme" in mine
    assert "Globex" not in mine
    everyone = card(bot, "list all", ADMIN)
    assert "*2 customers*: all customers" in everyone
    assert "Acme" in everyone
    assert "Globex" in everyone
    assert "you may see only your own customers" in card(bot, "list all").casefold()
    assert "None of these customers has the tier Core." in card(bot, "list core", ADMIN)
    card(bot, "Acme tier core", MANAGER)
    core = card(bot, "列表 核心", ADMIN)
    assert "Acme" in core
    assert "Globex" not in core


def test_search_looks_in_names_notes_and_deal_titles(bot: RunningBot) -> None:
    assert "Acme" in card(bot, "search pricing")
    assert "Acme" in card(bot, "search renewal")
    assert "Acme" in card(bot, "搜索 ACM")
    assert "No customer of yours has every word" in card(bot, "search pricing", OUTSIDER)
    assert "Globex" in card(bot, "search pilot", OUTSIDER)
    assert "No customer of yours has every word" in card(bot, "search pricing zebra")


def test_managers_set_tiers_and_reps_may_not(bot: RunningBot) -> None:
    assert "Only managers and admins can set a customer's tier." in card(bot, "Acme tier core")
    shown = card(bot, "Acme tier core", MANAGER)
    assert ":white_check_mark: Tier set: Core." in shown
    assert "Core · last visit today · due every 14 days" in shown
    assert "The tier was already Core." in card(bot, "Acme tier 核心", ADMIN)
    assert "No customer called “Globex”" in card(bot, "Globex tier core", MANAGER)
    with bot.db.reading() as session:
        acme = session.scalar(select(Customer).where(Customer.name == "Acme"))
        assert acme is not None
        assert acme.tier == "core"
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "customers", AuditEntry.actor == MANAGER)
        ).all()
        assert [(e.before["tier"], e.after["tier"]) for e in entries] == [(None, "core")]
    bad = card(bot, "Acme tier gold", MANAGER)
    assert "“gold” is not a tier" in bad
    assert "/customer Acme tier core" in bad


def test_contacts_are_added_shown_and_forgotten_everywhere(bot: RunningBot) -> None:
    added = card(bot, "Acme contact Li Wei, CFO, decision maker, +86 138 0000 0000, li@acme.com")
    assert ":white_check_mark: Contact added: Li Wei." in added
    assert "*Li Wei* · CFO · Decision maker · +86 138 0000 0000 · li@acme.com" in added
    assert "Li Wei" in card(bot, "Acme", MANAGER)
    assert "No customer called “Acme”" in card(bot, "Acme contact Spy, CEO", OUTSIDER)
    updated = card(bot, "Acme 联系人 Li Wei，财务总监")
    assert ":pencil2: Contact updated: Li Wei." in updated
    assert "*Li Wei* · 财务总监 · Decision maker" in updated
    assert "has no contact called “Wang”" in card(bot, "Acme forget Wang")
    assert "No customer called “Acme”" in card(bot, "Acme forget Li Wei", OUTSIDER)
    forgotten = card(bot, "Acme forget li wei")
    assert "details are deleted everywhere" in forgotten
    assert "+86 138" not in forgotten
    assert "li@acme.com" not in forgotten
    with bot.db.reading() as session:
        assert session.scalars(select(Contact)).all() == []
        history = session.scalars(select(AuditEntry).where(AuditEntry.entity == "contacts")).all()
        assert [e.action for e in history] == ["create", "update", "delete"]
        kept = json.dumps([[e.before, e.after] for e in history], ensure_ascii=False)
    for detail in ("Li Wei", "li wei", "CFO", "财务总监", "138", "li@acme.com", "decision"):
        assert detail not in kept


def test_contact_commands_explain_mistakes(bot: RunningBot) -> None:
    assert "Give the contact's name and title" in card(bot, "Acme contact")
    unclear = card(bot, "Acme contact Li Wei, CFO, the tall one")
    assert "I couldn't tell what “the tall one” is" in unclear
    assert "/customer Acme contact Li Wei, CFO" in unclear
    assert "Say which contact to forget." in card(bot, "Acme forget")
    assert "/customer list core mine" in card(bot, "list gold")


def test_help_in_both_languages(bot: RunningBot) -> None:
    assert "/customer search <words>" in card(bot, "help")
    assert "/customer search <words>" in card(bot, "帮助")
    assert "/customer search <words>" in card(bot, "")


def open_contact_form(bot: RunningBot, user: str = REP) -> tuple[dict, str]:
    answer = bot.ask("/customer", "Acme", user=REP)
    assert "customer_add_contact" in action_ids(answer)
    mark = bot.fake.mark()
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id="customer_add_contact", response_url=response_url, message=answer
    )
    assert response.status == 200
    if user != REP:
        return {}, response_url
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], response_url


def submit_contact(bot: RunningBot, view: dict, user: str = REP, **values: object):
    state = {key: {key: value} for key, value in values.items()}
    return bot.slack.view_submission(
        user_id=user, callback_id="customer_contact_modal", values=state, view=view
    )


def test_the_card_button_opens_a_contact_form_that_saves(bot: RunningBot) -> None:
    view, response_url = open_contact_form(bot)
    assert "A contact at *Acme*" in text_of(view)
    response = submit_contact(bot, view, name="Zhang San", title="CTO", phone="12", email="x")
    errors = response.json()["errors"]
    assert set(errors) == {"phone", "email"}
    assert submit_contact(bot, view, name="Zhang San", title="CTO").status == 200
    saved = text_of(bot.reply_to(response_url))
    assert ":white_check_mark: Contact saved: Zhang San." in saved
    assert "*Zhang San* · CTO" in saved


def test_the_contact_button_and_form_check_permission(bot: RunningBot) -> None:
    view, form_url = open_contact_form(bot)
    _, refused_url = open_contact_form(bot, OUTSIDER)
    assert "not among the ones you can see" in text_of(bot.reply_to(refused_url))
    # A form submitted by someone who may not see the customer (e.g. after leaving the team).
    assert submit_contact(bot, view, OUTSIDER, name="Spy", title="CEO").status == 200
    assert "not among the ones you can see" in text_of(bot.reply_to(form_url))
    with bot.db.reading() as session:
        assert session.scalars(select(Contact)).all() == []

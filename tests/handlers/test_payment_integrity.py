"""A won deal's payment schedule is never silently lost or exceeded: the amount cannot drop
below it, leaving "won" asks first and says what happens to it, reopened deals stay chased,
and dates that have passed are taken only with a warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from store import deals, payments
from store.models import AuditEntry
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.handlers.conftest import open_home
from tests.handlers.test_payments import open_terms, submit_terms
from tests.support.reading import action_ids, element, text_of

# The bot's clock: Wednesday 18 Nov 2026, 15:00 in New York (Rita's day).
KEEP, CANCEL, STAY = "deal_reopen_keep_schedule", "deal_leave_won_cancel_unpaid", "deal_stay_won"


def won_with_schedule(bot: RunningBot) -> None:
    """Deal #1, won at $120,000: $45,000 overdue since 10 Nov, $45,000 due 31 Dec."""
    bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k; stage negotiation")
    bot.ask("/deal", "#1 won")
    bot.ask("/deal", "#1 payment 45k due 2026-11-10")
    bot.ask("/deal", "#1 payment 45k due 2026-12-31")


def deal_state(bot: RunningBot) -> tuple[str, Decimal, list[tuple[Decimal, Decimal]]]:
    with bot.db.reading() as session:
        deal = deals.get_deal(session, 1)
        assert deal is not None
        schedule = [(i.amount, i.paid_amount) for i in payments.instalments_of(session, 1)]
        return deal.stage, deal.amount, schedule


def press(bot: RunningBot, prompt: dict, action_id: str, user: str = REP) -> dict:
    url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=user, action_id=action_id, value=element(prompt, action_id)["value"],
        response_url=url, message=prompt,
    )  # fmt: skip
    return bot.reply_to(url)


def audit(bot: RunningBot, entity: str) -> list[tuple[str, str, int]]:
    with bot.db.reading() as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        return [(entry.actor, entry.action, entry.entity_id) for entry in session.scalars(query)]


def overdue_of_rita(bot: RunningBot) -> list[Decimal]:
    with bot.db.reading() as session:
        return [
            i.amount - i.paid_amount
            for i in payments.overdue_instalments(session, [1], date(2026, 11, 18))
        ]


# --- the amount -------------------------------------------------------------------------------


def test_a_won_deals_amount_cannot_drop_below_its_schedule(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    refused = text_of(running_bot.ask("/deal", "#1 amount 50k"))
    assert ":warning:" in refused
    assert "Deal #1 has $90,000 scheduled in its payment terms, more than $50,000" in refused
    assert "`/deal #1 payments cancel` cancels what is not yet paid ($90,000)" in refused
    assert "`/deal #1 amount 50k`" in refused
    assert "Try: `/deal #1 payments cancel`" in refused
    assert deal_state(running_bot)[1] == Decimal("120000.00")
    assert "€" not in text_of(running_bot.ask("/deal", "#1 amount €95k"))
    assert deal_state(running_bot)[1] == Decimal("120000.00")
    assert "amount set to $90,000" in text_of(running_bot.ask("/deal", "#1 amount 90k"))

    running_bot.ask("/deal", "#1 paid 60k")
    running_bot.ask("/deal", "#1 payments cancel")
    paid_already = text_of(running_bot.ask("/deal", "#1 amount 50k"))
    assert "$60,000 of deal #1 is already paid, so it can't be worth $50,000" in paid_already
    assert "amount set to $60,000" in text_of(running_bot.ask("/deal", "#1 amount 60k"))


def test_a_suggested_amount_is_written_as_people_type_it(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    refused = text_of(running_bot.ask("/deal", "#1 payment 40,000.50 due 2027-01-31"))
    assert "That would schedule $130,000.50, more than deal #1's $120,000" in refused
    assert "Try: `/deal #1 amount 130,000.50`" in refused
    refused = text_of(running_bot.ask("/deal", "#1 payment 40k due 2027-01-31"))
    assert "Try: `/deal #1 amount 130k`" in refused
    assert ".00`" not in refused


# --- leaving "won" ---------------------------------------------------------------------------


def test_reopening_asks_first_and_keeping_the_schedule_keeps_it_chased(
    running_bot: RunningBot,
) -> None:
    won_with_schedule(running_bot)
    prompt = running_bot.ask("/deal", "#1 stage lead")
    shown = text_of(prompt)
    assert "Deal #1 Acme Corp — Renewal 2027* is won, and $90,000 of its payment schedule" in shown
    assert "1. $45,000 due Tue 10 Nov 2026 · :warning: overdue 8 days" in shown
    assert "2. $45,000 due Thu 31 Dec 2026" in shown
    assert "payment alerts, the digest's overdue totals and Home keep counting them" in shown
    assert action_ids(prompt) == [KEEP, CANCEL, STAY]
    assert deal_state(running_bot)[0] == "won"  # nothing changes before a choice

    # Someone else's button press is refused, and changes nothing.
    refused = press(running_bot, prompt, KEEP, user=OTHER_REP)
    assert "belongs to someone else" in text_of(refused)
    assert deal_state(running_bot)[0] == "won"

    done = press(running_bot, prompt, KEEP)
    assert done["replace_original"] is True
    assert (
        "Deal #1 moved from :trophy: Won to :seedling: Lead. Its payment schedule stays: "
        "$90,000 still owed" in text_of(done)
    )
    stage, _, schedule = deal_state(running_bot)
    assert (stage, len(schedule)) == ("lead", 2)
    assert overdue_of_rita(running_bot) == [Decimal("45000.00")]
    assert audit(running_bot, "deals")[-1] == (REP, "update", 1)
    home = text_of(open_home(running_bot, REP))
    assert "*Overdue payments* (1) · $45,000" in home
    # Alerts still go out for it.
    running_bot.scheduler.run_job("payment_alerts")
    [alert] = [c for c in running_bot.fake.calls("chat.postMessage") if c.params["channel"] == REP]
    assert "Payment 8 days overdue" in text_of(alert.params)
    # And money can still be recorded against it.
    assert "Recorded $45,000" in text_of(running_bot.ask("/deal", "#1 paid 45k"))
    # Pressing again does nothing more: the deal is no longer won.
    again = press(running_bot, prompt, CANCEL)
    assert "no longer won" in text_of(again)
    assert len(deal_state(running_bot)[2]) == 2


def test_reopening_can_cancel_what_is_unpaid(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    running_bot.ask("/deal", "#1 paid 20k")
    prompt = running_bot.ask("/deal", "#1 stage negotiation")
    assert "The $20,000 already paid stays recorded." in text_of(prompt)
    done = text_of(press(running_bot, prompt, CANCEL))
    assert (
        "Cancelled what was not yet paid: instalment 1 of 2 ($25,000 due Tue 10 Nov 2026) "
        "and instalment 2 of 2 ($45,000 due Thu 31 Dec 2026)." in done
    )
    assert deal_state(running_bot) == (
        "negotiation",
        Decimal("120000.00"),
        [(Decimal("20000.00"), Decimal("20000.00"))],
    )
    assert overdue_of_rita(running_bot) == []
    assert audit(running_bot, "instalments")[-2:] == [(REP, "update", 1), (REP, "delete", 2)]


def test_losing_asks_first_and_cancels_what_is_unpaid(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    prompt = running_bot.ask("/deal", "#1 lost went bankrupt")
    shown = text_of(prompt)
    assert "Marking it lost (went bankrupt) cancels the $90,000 not yet paid" in shown
    assert action_ids(prompt) == [CANCEL, STAY]
    kept = press(running_bot, prompt, STAY)
    assert "Nothing changed: deal #1 stays won" in text_of(kept)
    assert deal_state(running_bot)[0] == "won"
    done = text_of(press(running_bot, prompt, CANCEL))
    assert "Deal #1 marked lost: went bankrupt." in done
    assert deal_state(running_bot)[0::2] == ("lost", [])
    assert audit(running_bot, "instalments")[-2:] == [(REP, "delete", 1), (REP, "delete", 2)]


def test_the_stage_menu_asks_too(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    card = running_bot.ask("/deal", "#1")
    menu = element(card, "deal_move_stage")
    lead = next(option for option in menu["options"] if option["value"] == "1:lead")
    url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id="deal_move_stage", selected_option=lead, response_url=url,
        message=card,
    )  # fmt: skip
    assert action_ids(running_bot.reply_to(url)) == [KEEP, CANCEL, STAY]
    assert deal_state(running_bot)[0] == "won"


def test_a_fully_paid_won_deal_moves_without_asking(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    running_bot.ask("/deal", "#1 paid 90k")
    moved = text_of(running_bot.ask("/deal", "#1 stage proposal"))
    assert "moved from :trophy: Won to :page_facing_up: Proposal" in moved
    assert deal_state(running_bot)[0] == "proposal"


def test_cancelling_the_schedule_by_command(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    done = text_of(running_bot.ask("/deal", "#1 payments cancel"))
    assert "Cancelled what was not yet paid of deal #1's payment terms: instalment 1 of 2" in done
    assert deal_state(running_bot)[2] == []
    again = text_of(running_bot.ask("/deal", "#1 payments cancel"))
    assert "nothing to cancel" in again
    other = text_of(running_bot.ask("/deal", "#1 payments cancel", user=OTHER_REP))
    assert "belongs to someone else" in other


# --- dates that have passed ----------------------------------------------------------------


def test_past_due_and_close_dates_are_taken_with_a_warning(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k; stage negotiation")
    running_bot.ask("/deal", "#1 won")
    added = text_of(running_bot.ask("/deal", "#1 payment 10k due 2026-11-01"))
    assert "Instalment added to deal #1: $10,000 due Sun 1 Nov 2026." in added
    assert ":warning: Sun 1 Nov 2026 has already passed, so that instalment is overdue" in added
    future = text_of(running_bot.ask("/deal", "#1 payment 10k due 2026-12-01"))
    assert "has already passed" not in future

    closed = text_of(running_bot.ask("/deal", "#1 close 2026-11-02"))
    assert "expected close set to Mon 2 Nov 2026." in closed
    assert ":warning: Mon 2 Nov 2026 has already passed" in closed
    created = text_of(running_bot.ask("/deal", "new Globex; Pilot; 5k; close 2026-10-30"))
    assert "Deal created." in created
    assert ":warning: Fri 30 Oct 2026 has already passed" in created
    assert "has already passed" not in text_of(
        running_bot.ask("/deal", "new Initech; Pilot; 5k; close 2026-12-30")
    )


def test_past_due_dates_in_the_terms_form_are_taken_with_a_warning(
    running_bot: RunningBot,
) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k; stage negotiation")
    card = running_bot.ask("/deal", "#1 won")
    view, url = open_terms(running_bot, card)
    assert view is not None
    response = submit_terms(
        running_bot, view, amount_1="70k", due_1="2026-11-02", amount_2="50k", due_2="2027-01-18"
    )
    assert (response.status, response.body) == (200, "")
    shown = text_of(running_bot.reply_to(url))
    assert "Payment terms saved for deal #1: 2 instalments." in shown
    assert ":warning: Mon 2 Nov 2026 has already passed" in shown


def test_alerts_already_sent_say_the_payment_was_cancelled(running_bot: RunningBot) -> None:
    won_with_schedule(running_bot)
    running_bot.scheduler.run_job("payment_alerts")
    [alert] = [c for c in running_bot.fake.calls("chat.postMessage") if c.params["channel"] == REP]
    assert "payment_mark_paid" in action_ids(alert.params)
    prompt = running_bot.ask("/deal", "#1 lost went bankrupt")
    mark = running_bot.fake.mark()
    press(running_bot, prompt, CANCEL)
    update = running_bot.fake.wait_for_call("chat.update", since=mark)
    assert (update.params["channel"], update.params["ts"]) == (
        alert.response["channel"],
        alert.response["ts"],
    )
    shown = text_of(update.params)
    assert "Payment cancelled" in shown
    assert f"<@{REP}> marked it lost and cancelled what was not yet paid." in shown
    assert "*Instalment*\n1 of 2, due Tue 10 Nov 2026" in shown
    assert action_ids(update.params) == ["payment_open_deal"]


def test_the_cancelled_note_on_an_alert_is_in_its_readers_language(
    running_bot: RunningBot,
) -> None:
    assert ":warning:" not in str(running_bot.ask("/lang", "zh", user=REP))
    won_with_schedule(running_bot)
    running_bot.scheduler.run_job("payment_alerts")
    prompt = running_bot.ask("/deal", "#1 lost went bankrupt")
    mark = running_bot.fake.mark()
    press(running_bot, prompt, CANCEL)
    update = running_bot.fake.wait_for_call("chat.update", since=mark)
    assert f"<@{REP}> 已将其标记为输单，并取消了尚未回款的部分。" in text_of(update.params)


def test_a_lost_deal_without_a_reason_shows_the_default_in_the_readers_language(
    running_bot: RunningBot,
) -> None:
    """An older prompt may carry no reason: the default is stored in English, shown in each
    reader's language."""
    won_with_schedule(running_bot)
    running_bot.ask("/lang", "zh", user=REP)
    url = running_bot.fake.response_url()
    running_bot.slack.block_action(
        user_id=REP, action_id=CANCEL, value='{"deal": 1, "stage": "lost", "reason": null}',
        response_url=url, message={"blocks": []},
    )  # fmt: skip
    shown = text_of(running_bot.reply_to(url))
    assert "商机 #1 已标记为输单：未说明原因。" in shown
    assert "no reason given" not in shown
    with running_bot.db.reading() as session:
        deal = deals.get_deal(session, 1)
        assert deal is not None
        assert (deal.stage, deal.lost_reason) == ("lost", "no reason given")
    assert "未说明原因" in text_of(running_bot.ask("/deal", "#1"))
    running_bot.ask("/lang", "en", user=REP)
    assert "*Lost because*\nno reason given" in text_of(running_bot.ask("/deal", "#1"))

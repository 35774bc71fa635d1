"""Payment terms and payments end to end: /deal payment|payments|paid and the terms modal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from store import audit, payments
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, text_of

# The bot's clock: Wednesday 18 Nov 2026, 15:00 in New York (Rita's day).
WON_DEAL = "new Acme Corp; Renewal 2027; 120k; stage negotiation"


def won_deal(bot: RunningBot) -> dict:
    bot.ask("/deal", WON_DEAL)
    return bot.ask("/deal", "#1 won")


def instalments(bot: RunningBot, deal_id: int = 1) -> list[tuple[Decimal, date, Decimal]]:
    with bot.db.reading() as session:
        return [
            (i.amount, i.due_on, i.paid_amount) for i in payments.instalments_of(session, deal_id)
        ]


def received(bot: RunningBot, deal_id: int = 1) -> list[tuple[Decimal, date, str]]:
    with bot.db.reading() as session:
        return [
            (p.amount, p.received_on, p.recorded_by) for p in payments.payments_of(session, deal_id)
        ]


def test_instalments_are_added_and_listed_with_status(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    added = text_of(running_bot.ask("/deal", "#1 payment 40k due 2026-11-10"))
    assert "Instalment added to deal #1: $40,000 due Tue 10 Nov 2026" in added
    running_bot.ask("/deal", "Acme payment 50k due today")
    running_bot.ask("/deal", "#1 payment 30k due 2027-01-31")
    assert instalments(running_bot) == [
        (Decimal("40000.00"), date(2026, 11, 10), Decimal("0.00")),
        (Decimal("50000.00"), date(2026, 11, 18), Decimal("0.00")),
        (Decimal("30000.00"), date(2027, 1, 31), Decimal("0.00")),
    ]
    shown = text_of(running_bot.ask("/deal", "#1 payments"))
    assert "#1 Acme Corp — Renewal 2027 · payments" in shown
    assert "1. $40,000 due Tue 10 Nov 2026 · :warning: overdue 8 days" in shown
    assert "2. $50,000 due Wed 18 Nov 2026 · :bell: due" in shown
    assert "3. $30,000 due Sun 31 Jan 2027 · :hourglass_flowing_sand: upcoming" in shown
    assert "*Outstanding*\n$120,000 ($40,000 overdue)" in shown
    assert "*Collected*\nnothing yet" in shown


def test_a_payment_settles_the_oldest_instalments_first(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 60k due 2026-12-31")
    running_bot.ask("/deal", "#1 payment 40k due 2026-11-30")
    shown = text_of(running_bot.ask("/deal", "#1 paid 50k on yesterday"))
    assert "Recorded $50,000 received Tue 17 Nov 2026 for deal #1" in shown
    assert "instalment 1 paid in full ($40,000)" in shown
    assert "$10,000 toward instalment 2 ($50,000 still open)" in shown
    assert "1. $40,000 due Mon 30 Nov 2026 · :white_check_mark: paid Tue 17 Nov 2026" in shown
    assert "2. $60,000 due Thu 31 Dec 2026 · :heavy_minus_sign: partly paid" in shown
    assert "$10,000 paid, $50,000 outstanding" in shown
    assert instalments(running_bot) == [
        (Decimal("40000.00"), date(2026, 11, 30), Decimal("40000.00")),
        (Decimal("60000.00"), date(2026, 12, 31), Decimal("10000.00")),
    ]
    assert received(running_bot) == [(Decimal("50000.00"), date(2026, 11, 17), REP)]
    # Every change is audited: the payment, its allocations, each instalment.
    with running_bot.db.reading() as session:
        assert [e.action for e in audit.history(session, "payments", 1)] == ["create"]
        assert len(audit.history(session, "payment_allocations", 2)) == 1
        first = audit.history(session, "instalments", 2)
        assert [e.action for e in first] == ["create", "update"]
        assert (first[1].before["paid_amount"], first[1].after["paid_amount"]) == (
            "0.00",
            "40000.00",
        )
        assert first[1].actor == REP


def test_the_deal_card_sums_up_its_payments(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 100k due 2026-11-01")
    running_bot.ask("/deal", "#1 paid 30k")
    shown = text_of(running_bot.ask("/deal", "#1"))
    assert "1 instalment · collected $30,000 · outstanding $70,000" in shown
    assert ":warning: overdue $70,000" in shown


def test_totals_of_nothing_still_say_their_currency(running_bot: RunningBot) -> None:
    """A deal's totals are in its one currency even at zero: `$0`, never a bare 0."""
    won_deal(running_bot)
    shown = text_of(running_bot.ask("/deal", "#1 payments"))
    assert "*Scheduled*\n$0\n" in shown
    assert "*Outstanding*\n$0\n" in shown
    assert "Payments of deal #1: $0 outstanding" in shown
    running_bot.ask("/deal", "#1 payment 100k due 2026-11-01")
    running_bot.ask("/deal", "#1 paid 100k")
    paid = text_of(running_bot.ask("/deal", "#1 payments"))
    assert "*Scheduled*\n$100,000\n*Collected*\n$100,000\n*Outstanding*\n$0\n" in paid
    assert "1 instalment · collected $100,000 · outstanding $0" in text_of(
        running_bot.ask("/deal", "#1")
    )
    running_bot.ask("/lang", "zh")
    chinese = text_of(running_bot.ask("/deal", "#1 payments"))
    assert "*未回款*\nUS$0\n" in chinese
    assert "商机 #1 的回款：未回款 US$0" in chinese


def test_an_overpayment_is_refused_and_nothing_is_recorded(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 40k due 2026-12-31")
    running_bot.ask("/deal", "#1 paid 30k")
    shown = text_of(running_bot.ask("/deal", "#1 paid 15k"))
    assert ":warning:" in shown
    assert "$15,000 is more than the $10,000 still owed on deal #1, by $5,000" in shown
    assert "Record at most $10,000" in shown
    assert len(received(running_bot)) == 1
    done = text_of(running_bot.ask("/deal", "#1 paid 10k"))
    assert "instalment 1 paid in full" in done
    assert "nothing is owed" in text_of(running_bot.ask("/deal", "#1 paid 1"))


def test_payments_need_terms_a_won_deal_and_its_currency(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Globex; Pilot; 20k")
    not_won = text_of(running_bot.ask("/deal", "#1 payment 5k due friday"))
    assert "Deal #1 isn't won yet" in not_won
    assert "Try: `/deal #1 won`" in not_won
    running_bot.ask("/deal", "#1 won")
    assert "no payment terms yet" in text_of(running_bot.ask("/deal", "#1 paid 5k"))
    euros = text_of(running_bot.ask("/deal", "#1 payment €5k due friday"))
    assert "Deal #1 is in USD, so its payments are too; this amount is in EUR." in euros
    too_much = text_of(running_bot.ask("/deal", "#1 payment 25k due friday"))
    assert "That would schedule $25,000, more than deal #1's $20,000" in too_much
    assert "at most $20,000 is left to schedule" in too_much
    assert instalments(running_bot) == []
    assert received(running_bot) == []


def test_bad_amounts_and_dates_get_clear_errors(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 40k due 2026-12-31")
    for command, expected in (
        ("#1 payment lots due friday", "I couldn't read “lots” as an amount."),
        ("#1 payment 5k due someday", "I couldn't read “someday” as a date."),
        ("#1 payment 5k", "Say when “5k” is due"),
        ("#1 payment 0 due friday", "An instalment must be more than zero."),
        ("#1 payment -5k due friday", "negative"),
        ("#1 paid 5k on tomorrow", "Thu 19 Nov 2026 is in the future"),
        ("#1 paid 5k yesterday", "then “on <date>”"),
        ("#1 paid 5k on 2026-02-30", "isn't a real date"),
        ("#1 paid 0", "A payment must be more than zero."),
        ("#1 payments please", "“payments” doesn't take anything after it"),
    ):
        shown = text_of(running_bot.ask("/deal", command))
        assert ":warning:" in shown, command
        assert expected in shown, (command, shown)
        assert "Try: `" in shown, command
    assert len(instalments(running_bot)) == 1
    assert received(running_bot) == []


def test_another_rep_can_neither_see_nor_change_the_payments(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 40k due 2026-12-31")
    for command in ("#1 payments", "#1 paid 10k", "#1 payment 5k due friday"):
        assert "belongs to someone else" in text_of(
            running_bot.ask("/deal", command, user=OTHER_REP)
        )
    assert "No deal you can see" in text_of(
        running_bot.ask("/deal", "Acme paid 10k", user=OTHER_REP)
    )
    assert received(running_bot) == []
    assert "$10,000 toward instalment 1 ($30,000 still open)" in text_of(
        running_bot.ask("/deal", "#1 paid 10k", user=ADMIN)
    )
    assert received(running_bot) == [(Decimal("10000.00"), date(2026, 11, 18), ADMIN)]


def test_a_redelivered_payment_is_recorded_once(running_bot: RunningBot) -> None:
    won_deal(running_bot)
    running_bot.ask("/deal", "#1 payment 40k due 2026-12-31")
    trigger = running_bot.slack.new_trigger_id()
    answers = []
    for retry in (None, 1):
        url = running_bot.fake.response_url()
        running_bot.slack.command(
            "/deal", "#1 paid 10k", user_id=REP, response_url=url, trigger_id=trigger,
            retry_num=retry,
        )  # fmt: skip
        answers.append(text_of(running_bot.reply_to(url)))
    assert "Recorded $10,000" in answers[0]
    assert "This payment was already recorded." in answers[1]
    assert len(received(running_bot)) == 1


# --- the payment-terms modal, offered when a deal is won ---------------------------------


def open_terms(bot: RunningBot, card: dict, user: str = REP) -> tuple[dict | None, str]:
    mark = bot.fake.mark()
    url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=user, action_id="deal_add_payment_terms", response_url=url, message=card
    )
    if user != REP:
        return None, url
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], url


def initial(view: dict, block_id: str) -> str | None:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return block["element"].get("initial_value") or block["element"].get("initial_date")


def submit_terms(bot: RunningBot, view: dict, user: str = REP, **rows: str):
    values = {key: {key: value} for key, value in rows.items()}
    return bot.slack.view_submission(
        user_id=user, callback_id="payment_terms_modal", values=values, view=view
    )


def test_winning_a_deal_offers_payment_terms_defaulting_to_the_whole_amount(
    running_bot: RunningBot,
) -> None:
    card = won_deal(running_bot)
    assert "is won" in text_of(card)
    assert "deal_add_payment_terms" in action_ids(card)
    view, url = open_terms(running_bot, card)
    assert view["callback_id"] == "payment_terms_modal"
    assert initial(view, "amount_1") == "120k"  # as people type it
    assert initial(view, "due_1") == "2026-12-18"  # net 30
    assert initial(view, "amount_2") is None
    response = submit_terms(
        running_bot, view, amount_1="70k", due_1="2026-12-18", amount_2="50,000", due_2="2027-01-18"
    )
    assert response.status == 200
    assert response.body == ""
    shown = text_of(running_bot.reply_to(url))
    assert "Payment terms saved for deal #1: 2 instalments." in shown
    assert "2. $50,000 due Mon 18 Jan 2027" in shown
    assert instalments(running_bot) == [
        (Decimal("70000.00"), date(2026, 12, 18), Decimal("0.00")),
        (Decimal("50000.00"), date(2027, 1, 18), Decimal("0.00")),
    ]
    # Saved again (a redelivery of the same submission): nothing more.
    again = submit_terms(running_bot, view, amount_1="70k", due_1="2026-12-18")
    assert (again.status, again.body) == (200, "")
    assert len(instalments(running_bot)) == 2


def test_the_terms_modal_explains_each_bad_field(running_bot: RunningBot) -> None:
    card = won_deal(running_bot)
    view, _ = open_terms(running_bot, card)
    response = submit_terms(
        running_bot, view, amount_1="lots", due_1="2026-12-18", amount_2="5k", due_3="2027-01-01"
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"amount_1", "due_2", "amount_3"}
    assert "couldn't read “lots”" in body["errors"]["amount_1"]
    assert "Pick the day" in body["errors"]["due_2"]
    too_much = submit_terms(running_bot, view, amount_1="100k", due_1="2026-12-18",
                            amount_2="30k", due_2="2027-01-18").json()  # fmt: skip
    assert "more than deal #1's $120,000" in too_much["errors"]["amount_1"]
    assert instalments(running_bot) == []


def test_only_the_owner_manager_or_admin_may_add_terms(running_bot: RunningBot) -> None:
    card = won_deal(running_bot)
    mark = running_bot.fake.mark()
    _, url = open_terms(running_bot, card, user=OTHER_REP)
    assert "belongs to someone else" in text_of(running_bot.reply_to(url))
    assert running_bot.fake.calls("views.open")[mark:] == []
    # A modal opened by the owner can't be submitted by someone else either.
    view, _ = open_terms(running_bot, card)
    body = submit_terms(running_bot, view, user=OTHER_REP, amount_1="10k", due_1="2026-12-18")
    assert "belongs to someone else" in body.json()["errors"]["amount_1"]
    assert instalments(running_bot) == []


def test_an_open_deal_card_offers_no_payment_terms(running_bot: RunningBot) -> None:
    card = running_bot.ask("/deal", WON_DEAL)
    assert "deal_add_payment_terms" not in action_ids(card)


def test_help_shows_the_payment_forms(running_bot: RunningBot) -> None:
    shown = text_of(running_bot.ask("/deal", "help"))
    for form in ("payment <amount> due <date>", "payments", "paid <amount> [on <date>]"):
        assert form in shown
    assert "• `/deal #12 paid 20k on yesterday`" in shown
    assert "/deal /deal" not in shown

"""Payment alerts end to end: a reminder before the due date, then tiered escalation, each
step sent exactly once; the buttons on an alert; collections in the manager digest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot import build_bot
from runtime.settings import Settings
from scheduler.delivery import Outcome
from store import deliveries, payments
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import MANAGER, Travel
from tests.support.fake_slack import Call
from tests.support.reading import action_ids, element, text_of

FINANCE = "CFIN001"
JOB = "payment_alerts"
DUE = date(2026, 11, 23)  # a Monday; the team fixture leaves the clock on Tue 17 Nov


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, finance_channel=FINANCE)


def ny_0901(day: date) -> datetime:
    """09:01 in New York (EST, UTC-5), where Rita and Mia live."""
    return datetime(day.year, day.month, day.day, 14, 1, tzinfo=UTC)


def alerts(bot: RunningBot, channel: str | None = None) -> list[Call]:
    return [
        call
        for call in bot.fake.calls("chat.postMessage")
        if (call.response or {}).get("ok")
        and call.params["text"].startswith("Payment")
        and (channel is None or call.params["channel"] == channel)
    ]


def sent_to(bot: RunningBot) -> list[str]:
    return sorted(call.params["channel"] for call in alerts(bot))


def run(bot: RunningBot) -> dict[str, Outcome]:
    return bot.scheduler.run_job(JOB).outcomes


def owed(bot: RunningBot, amount: str = "30k", due: date = DUE, user: str = REP) -> None:
    """A won deal with one instalment."""
    deal = text_of(bot.ask("/deal", f"new Acme Corp; Renewal; {amount}; stage negotiation", user))
    deal_id = deal.split("#", 1)[1].split(" ", 1)[0]
    bot.ask("/deal", f"#{deal_id} won", user)
    added = text_of(bot.ask("/deal", f"#{deal_id} payment {amount} due {due.isoformat()}", user))
    assert "Instalment added" in added, added


def test_reminder_and_each_tier_go_out_once_to_the_right_people(
    team: RunningBot, travel: Travel
) -> None:
    owed(team)
    travel(ny_0901(date(2026, 11, 19)))  # 4 days before: too early
    run(team)
    assert alerts(team) == []
    travel(ny_0901(date(2026, 11, 20)) - timedelta(minutes=2))  # Friday 08:59
    run(team)
    assert alerts(team) == []
    travel(ny_0901(date(2026, 11, 20)))
    outcomes = run(team)
    assert outcomes == {
        f"{REP} i1": Outcome.SENT,
        f"{MANAGER} i1": Outcome.NOT_DUE,
        f"{FINANCE} i1": Outcome.NOT_DUE,
    }
    [reminder] = alerts(team, REP)
    shown = text_of(reminder.params)
    assert "Payment due in 3 days" in shown
    assert "*Customer*\nAcme Corp" in shown
    assert "*Deal*\n`#1` Renewal" in shown
    assert "*Instalment*\n1 of 1: $30,000 due Mon 23 Nov 2026" in shown
    assert "*Outstanding*\n$30,000" in shown
    assert "*Days overdue*\n—" in shown
    assert "None before this one." in shown
    assert action_ids(reminder.params) == [
        "payment_mark_paid",
        "payment_snooze",
        "payment_add_note",
        "payment_open_deal",
    ]
    # Again, after a restart, and on the due date itself: nothing new.
    assert run(team)[f"{REP} i1"] is Outcome.DONE_BEFORE
    assert (
        build_bot(team.settings, team.db, team.clock).scheduler.run_job(JOB).count(Outcome.SENT)
        == 0
    )
    travel(ny_0901(DUE))
    run(team)
    assert len(alerts(team)) == 1

    travel(ny_0901(date(2026, 11, 24)))  # day 1: the owner
    run(team)
    run(team)
    assert sent_to(team) == sorted([REP, REP])
    day_one = text_of(alerts(team, REP)[-1].params)
    assert "Payment 1 day overdue" in day_one
    assert "*Days overdue*\n1" in day_one
    assert f"reminder to <@{REP}>" in day_one

    travel(ny_0901(date(2026, 11, 30)))  # day 7: the owner and the manager
    run(team)
    run(team)
    assert sent_to(team) == sorted([REP, REP, REP, MANAGER])
    day_seven = text_of(alerts(team, MANAGER)[-1].params)
    assert "Payment 7 days overdue" in day_seven
    assert f"day 1 to <@{REP}>" in day_seven

    travel(ny_0901(date(2026, 12, 23)))  # day 30: the manager and finance, not the owner
    run(team)
    run(team)
    assert sent_to(team) == sorted([REP, REP, REP, MANAGER, MANAGER, FINANCE])
    final = text_of(alerts(team, FINANCE)[-1].params)
    assert ":rotating_light: Payment 30 days overdue" in final
    assert f"day 7 to <@{MANAGER}>" in final
    # Every step is recorded in the ledger, once per recipient.
    with team.db.reading() as session:
        ledger = [(d.period, d.recipient) for d in deliveries.deliveries(session, JOB)]
    assert ledger == [
        ("i1:soon", REP),
        ("i1:tier1", REP),
        ("i1:tier2", REP),
        ("i1:tier2", MANAGER),
        ("i1:tier3", MANAGER),
        ("i1:tier3", FINANCE),
    ]
    travel(ny_0901(date(2027, 2, 1)))
    run(team)
    assert len(alerts(team)) == 6


def test_a_step_missed_while_the_bot_was_down_goes_out_later_once(
    team: RunningBot, travel: Travel
) -> None:
    owed(team)
    travel(ny_0901(date(2026, 11, 24)))
    run(team)
    # Down from day 2 to day 9 (Wednesday 2 December): the day-7 step goes out then.
    travel(ny_0901(date(2026, 12, 2)))
    run(team)
    run(team)
    assert sent_to(team) == sorted([REP, REP, MANAGER])
    assert "Payment 9 days overdue" in text_of(alerts(team, MANAGER)[0].params)


def test_an_instalment_first_seen_long_overdue_gets_only_the_highest_step(
    team: RunningBot, travel: Travel
) -> None:
    owed(team, due=date(2026, 10, 8))  # 40 days overdue on Tuesday 17 November
    outcomes = run(team)
    assert outcomes == {
        f"{REP} i1": Outcome.NOT_DUE,
        f"{MANAGER} i1": Outcome.SENT,
        f"{FINANCE} i1": Outcome.SENT,
    }
    assert sent_to(team) == sorted([MANAGER, FINANCE])
    travel(ny_0901(date(2026, 11, 18)))
    run(team)
    assert len(alerts(team)) == 2


def test_alerts_follow_each_recipients_clock_and_working_days(
    team: RunningBot, travel: Travel
) -> None:
    # Oscar lives in Shanghai; his manager Mia in New York.
    owed(team, due=date(2026, 11, 12), user=OTHER_REP)
    travel(datetime(2026, 11, 19, 0, 30, tzinfo=UTC))  # Thu 08:30 in Shanghai
    assert run(team)[f"{OTHER_REP} i1"] is Outcome.NOT_DUE
    travel(datetime(2026, 11, 19, 1, 1, tzinfo=UTC))  # Thu 09:01 in Shanghai: day 7
    run(team)
    assert sent_to(team) == [OTHER_REP]
    travel(ny_0901(date(2026, 11, 19)) - timedelta(minutes=2))  # 08:59 in New York
    run(team)
    assert sent_to(team) == [OTHER_REP]
    travel(ny_0901(date(2026, 11, 19)))
    run(team)
    assert sent_to(team) == sorted([OTHER_REP, MANAGER])
    # Day 30 falls on Saturday 12 December: sent on Monday the 14th instead.
    travel(ny_0901(date(2026, 12, 12)))
    run(team)
    assert len(alerts(team)) == 2
    travel(ny_0901(date(2026, 12, 14)))
    run(team)
    assert sent_to(team) == sorted([OTHER_REP, MANAGER, MANAGER, FINANCE])


def test_paid_instalments_and_deals_no_longer_won_send_nothing(
    team: RunningBot, travel: Travel
) -> None:
    owed(team, due=date(2026, 11, 10))
    team.ask("/deal", "#1 paid 30k")
    run(team)
    assert alerts(team) == []


# --- the buttons ---------------------------------------------------------------------------


def press(bot: RunningBot, alert: Call, action_id: str, user: str = REP) -> str:
    url = bot.fake.response_url()
    message = alert.response["message"]
    response = bot.slack.block_action(
        user_id=user,
        action_id=action_id,
        response_url=url,
        message=message,
        channel_id=alert.response["channel"],
    )
    assert response.status == 200
    return url


def modal_after(bot: RunningBot, alert: Call, action_id: str, user: str = REP) -> dict:
    mark = bot.fake.mark()
    press(bot, alert, action_id, user)
    return bot.fake.wait_for_call("views.open", since=mark).response["view"]


def submit(bot: RunningBot, view: dict, user: str = REP, **values: str):
    return bot.slack.view_submission(
        user_id=user,
        callback_id=view["callback_id"],
        values={key: {key: value} for key, value in values.items()},
        view=view,
    )


def updates(bot: RunningBot, alert: Call, since: int = 0) -> list[dict]:
    return [
        call.params
        for call in bot.fake.calls("chat.update")[since:]
        if call.params["ts"] == alert.response["ts"]
        and call.params["channel"] == alert.response["channel"]
    ]


def overdue_alert(bot: RunningBot, travel: Travel) -> Call:
    owed(bot)
    travel(ny_0901(date(2026, 11, 24)))
    run(bot)
    [alert] = alerts(bot)
    return alert


def test_mark_paid_settles_the_instalment_and_stops_the_alerts(
    team: RunningBot, travel: Travel
) -> None:
    alert = overdue_alert(team, travel)
    view = modal_after(team, alert, "payment_mark_paid")
    amount = next(b for b in view["blocks"] if b.get("block_id") == "amount")
    assert amount["element"]["initial_value"] == "30k"  # as people type it
    received = next(b for b in view["blocks"] if b.get("block_id") == "received_on")
    assert received["element"]["initial_date"] == "2026-11-24"
    response = submit(team, view, amount="30,000.00", received_on="2026-11-23")
    assert (response.status, response.body) == (200, "")
    [updated] = team.fake.wait_for(lambda: updates(team, alert))
    shown = text_of(updated)
    assert ":white_check_mark: Paid in full" in shown
    assert f"<@{REP}> recorded $30,000 received Mon 23 Nov 2026. Paid in full." in shown
    assert action_ids(updated) == ["payment_open_deal"]
    with team.db.reading() as session:
        [instalment] = payments.instalments_of(session, 1)
        assert (instalment.paid_amount, instalment.paid_on) == (
            Decimal("30000.00"),
            date(2026, 11, 23),
        )
    for day in (date(2026, 11, 30), date(2026, 12, 23)):
        travel(ny_0901(day))
        run(team)
    assert len(alerts(team)) == 1


def test_a_partial_payment_from_the_alert_keeps_the_rest_on_alert(
    team: RunningBot, travel: Travel
) -> None:
    alert = overdue_alert(team, travel)
    view = modal_after(team, alert, "payment_mark_paid", user=MANAGER)
    submit(team, view, user=MANAGER, amount="10k", received_on="2026-11-24")
    [updated] = team.fake.wait_for(lambda: updates(team, alert))
    shown = text_of(updated)
    assert f"<@{MANAGER}> recorded $10,000 received Tue 24 Nov 2026. $20,000 still open." in shown
    assert "*Outstanding*\n$20,000 ($10,000 of $30,000 paid)" in shown
    travel(ny_0901(date(2026, 11, 30)))
    run(team)
    assert "*Outstanding*\n$20,000" in text_of(alerts(team, MANAGER)[0].params)


def test_mark_paid_refuses_bad_amounts_and_dates(team: RunningBot, travel: Travel) -> None:
    alert = overdue_alert(team, travel)
    view = modal_after(team, alert, "payment_mark_paid")
    for values, field, expected in (
        ({"amount": "lots", "received_on": "2026-11-24"}, "amount", "couldn't read “lots”"),
        ({"amount": "40k", "received_on": "2026-11-24"}, "amount", "more than the $30,000"),
        ({"amount": "0", "received_on": "2026-11-24"}, "amount", "more than zero"),
        ({"amount": "€5k", "received_on": "2026-11-24"}, "amount", "in USD"),
        ({"amount": "5k", "received_on": "2026-11-25"}, "received_on", "still to come"),
    ):
        body = submit(team, view, **values).json()
        assert body["response_action"] == "errors"
        assert expected in body["errors"][field], (values, body)
    with team.db.reading() as session:
        assert payments.payments_of(session, 1) == []


def test_snooze_holds_the_alerts_until_its_date(team: RunningBot, travel: Travel) -> None:
    alert = overdue_alert(team, travel)
    view = modal_after(team, alert, "payment_snooze")
    for until, expected in (
        ("2026-11-24", "after today"),
        ("2026-12-09", "at most 14 days"),
    ):
        assert expected in submit(team, view, until=until).json()["errors"]["until"]
    assert (submit(team, view, until="2026-12-04").body) == ""
    [updated] = team.fake.wait_for(lambda: updates(team, alert))
    assert f"<@{REP}> snoozed the alerts until Fri 4 Dec 2026." in text_of(updated)
    assert "Alerts snoozed until Fri 4 Dec 2026." in text_of(updated)
    for day in (date(2026, 11, 30), date(2026, 12, 3)):  # day 7 comes and goes
        travel(ny_0901(day))
        run(team)
    assert len(alerts(team)) == 1
    travel(ny_0901(date(2026, 12, 4)))
    run(team)
    run(team)
    assert sent_to(team) == sorted([REP, REP, MANAGER])


def test_a_rep_cannot_press_another_reps_buttons(team: RunningBot, travel: Travel) -> None:
    alert = overdue_alert(team, travel)
    mark = team.fake.mark()
    for action_id in ("payment_mark_paid", "payment_snooze", "payment_add_note"):
        refusal = team.reply_to(press(team, alert, action_id, user=OTHER_REP))
        assert "Deal #1 belongs to someone else" in text_of(refusal)
        assert refusal["replace_original"] is False
    refusal = team.reply_to(press(team, alert, "payment_open_deal", user=OTHER_REP))
    assert "belongs to someone else" in text_of(refusal)
    assert team.fake.calls("views.open")[mark:] == []
    # Nor submit a modal the owner opened.
    for action_id, values in (
        ("payment_mark_paid", {"amount": "30k", "received_on": "2026-11-24"}),
        ("payment_snooze", {"until": "2026-11-30"}),
        ("payment_add_note", {"note": "paid, honest"}),
    ):
        view = modal_after(team, alert, action_id)
        errors = submit(team, view, user=OTHER_REP, **values).json()["errors"]
        assert "belongs to someone else" in next(iter(errors.values()))
    with team.db.reading() as session:
        [instalment] = payments.instalments_of(session, 1)
        assert (instalment.paid_amount, instalment.snoozed_until) == (Decimal("0.00"), None)
        assert payments.notes_of(session, 1) == []
    assert team.fake.calls("chat.update") == []


def test_add_note_and_open_deal(team: RunningBot, travel: Travel) -> None:
    alert = overdue_alert(team, travel)
    view = modal_after(team, alert, "payment_add_note", user=ADMIN)
    assert "Write the note" in submit(team, view, user=ADMIN, note="").json()["errors"]["note"]
    assert submit(team, view, user=ADMIN, note="CFO promised to pay Friday").body == ""
    [updated] = team.fake.wait_for(lambda: updates(team, alert))
    shown = text_of(updated)
    assert f"<@{ADMIN}> added a note." in shown
    assert f"<@{ADMIN}>: CFO promised to pay Friday" in shown
    card = team.reply_to(press(team, alert, "payment_open_deal"))
    assert "#1 Acme Corp — Renewal" in text_of(card)
    assert "1 instalment · nothing collected yet · outstanding $30,000" in text_of(card)
    travel(ny_0901(date(2026, 11, 30)))
    run(team)
    assert "CFO promised to pay Friday" in text_of(alerts(team, MANAGER)[0].params)


# --- collected: pacing and the manager digest ---------------------------------------------------


def test_collected_counts_in_pacing_and_the_digest_shows_collections(
    team: RunningBot, travel: Travel
) -> None:
    assert ":warning:" not in str(
        team.ask("/target", f"<@{REP}|rita> collected 40k 2026-11", MANAGER)
    )
    assert ":warning:" not in str(
        team.ask("/target", "team Enterprise collected 50k 2026-11", MANAGER)
    )
    owed(team, amount="90k", due=date(2026, 10, 1))  # 47 days overdue on the 17th
    team.ask("/deal", "#1 paid 20k on 2026-11-16")
    owed(team, amount="5k", due=date(2026, 11, 10), user=OTHER_REP)
    travel(ny_0901(date(2026, 11, 18)))
    team.scheduler.run_job("daily_pacing")
    pacing = text_of(
        next(c.params for c in team.fake.calls("chat.postMessage") if c.params["channel"] == REP
             and "pacing" in c.params["text"])
    )  # fmt: skip
    assert "*Collected* · 2026-11" in pacing
    assert "$20,000 of $40,000 (50%)" in pacing
    team.scheduler.run_job("manager_digest")
    digest = text_of(
        next(c.params for c in team.fake.calls("chat.postMessage")
             if c.params["channel"] == MANAGER and "digest" in c.params["text"])
    )  # fmt: skip
    assert "*Collections*" in digest
    assert "*Collected* · 2026-11: $20,000 of $50,000 (40%)" in digest
    assert "*Overdue*: $75,000" in digest
    assert f"<@{REP}> · $70,000 overdue · 31-60 days $70,000" in digest
    assert f"<@{OTHER_REP}> · $5,000 overdue · 1-30 days $5,000" in digest


def test_every_copy_counts_days_overdue_on_the_owners_calendar(
    team: RunningBot, travel: Travel
) -> None:
    # Oscar (the owner) lives in Shanghai, Mia (his manager) in New York. At 02:00 UTC on
    # Friday 20 November it is Friday 10:00 for Oscar and still Thursday 21:00 for Mia.
    owed(team, amount="5k", due=date(2027, 1, 29))  # Rita's: instalment ids and numbers differ
    owed(team, due=date(2026, 11, 12), user=OTHER_REP)
    travel(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    run(team)
    owner_copy = text_of(alerts(team, OTHER_REP)[-1].params)
    manager_copy = text_of(alerts(team, MANAGER)[-1].params)
    for copy in (owner_copy, manager_copy):
        assert "Payment 8 days overdue" in copy
        assert "*Days overdue*\n8" in copy
    for copy in (owner_copy, manager_copy):
        # The footer numbers the instalment as the card does, never by its internal id.
        assert "Instalment 1 of 1 · days overdue as of Fri 20 Nov 2026 in the owner's" in copy
        assert "Instalment #" not in copy
    # So does the deal's payments list, whoever asks.
    for reader in (OTHER_REP, MANAGER):
        listed = text_of(team.ask("/deal", "#2 payments", user=reader))
        assert "1. $30,000 due Thu 12 Nov 2026 · :warning: overdue 8 days" in listed


def test_a_deal_reopened_with_its_schedule_kept_stays_in_the_digest(
    team: RunningBot, travel: Travel
) -> None:
    owed(team, amount="30k", due=date(2026, 11, 10))
    prompt = team.ask("/deal", "#1 stage negotiation")
    keep = element(prompt, "deal_reopen_keep_schedule")
    url = team.fake.response_url()
    team.slack.block_action(
        user_id=REP, action_id=keep["action_id"], value=keep["value"], response_url=url,
        message=prompt,
    )  # fmt: skip
    assert "Its payment schedule stays" in text_of(team.reply_to(url))
    travel(ny_0901(date(2026, 11, 18)))
    team.scheduler.run_job("manager_digest")
    digest = text_of(
        next(c.params for c in team.fake.calls("chat.postMessage")
             if c.params["channel"] == MANAGER and "digest" in c.params["text"])
    )  # fmt: skip
    assert f"<@{REP}> · $30,000 overdue" in digest

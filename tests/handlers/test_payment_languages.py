"""Payments side by side: an en rep and a zh-CN rep type the same payment commands (in both
languages of input) and fill the same forms; they get the same records, and every reply,
refusal with its example, form and form error in their own language."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from store import payments
from store.deals import all_deals
from tests.conftest import REP, RunningBot
from tests.handlers.test_language_side_by_side import CHECKS, ZH_REP, press, with_chinese_rep
from tests.handlers.test_payments import submit_terms
from tests.support.reading import text_of


def deal_id(card: dict) -> str:
    return re.search(r"#(\d+)", text_of(card))[1]  # type: ignore[index]


def terms_form(bot: RunningBot, card: dict, user: str) -> tuple[dict, str]:
    """The payment-terms form opened from the won deal's card, and where its answer goes."""
    mark = bot.fake.mark()
    url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=user, action_id="deal_add_payment_terms", response_url=url, message=card
    )
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], url


def test_payment_commands_and_forms_side_by_side(running_bot: RunningBot) -> None:
    bot = with_chinese_rep(running_bot)
    for user, check in CHECKS.items():
        won = deal_id(bot.ask("/deal", "new Acme; Renewal; 120k; stage negotiation", user=user))
        open_one = deal_id(bot.ask("/deal", "新建 美团；年度框架；5万", user=user))
        card = bot.ask("/deal", f"#{won} 赢单", user=user)
        check(card)
        view, url = terms_form(bot, card, user)
        check(view)
        bad = submit_terms(
            bot, view, user=user, amount_1="lots", due_1="2026-12-18", amount_2="5k",
            due_3="2027-01-01",
        ).json()  # fmt: skip
        assert set(bad["errors"]) == {"amount_1", "due_2", "amount_3"}
        check({"text": "\n".join(bad["errors"].values())})
        too_much = submit_terms(
            bot, view, user=user, amount_1="10万", due_1="2026-12-18", amount_2="30k",
            due_2="2027-01-18",
        ).json()  # fmt: skip
        check({"text": too_much["errors"]["amount_1"]})
        saved = submit_terms(
            bot, view, user=user, amount_1="6万", due_1="2026-11-02", amount_2="40k",
            due_2="2027-01-18",
        )  # fmt: skip
        assert (saved.status, saved.body) == (200, "")
        check(bot.reply_to(url))  # saved, with the warning that 2 Nov has passed
        for command in (
            f"#{won} payment 20k due 2027-02-26",
            f"#{won} 计划 1万 到期 月底",  # more than the deal is worth
            f"#{won} 回款计划",
            f"#{won} payments",
            f"#{won} 回款 20万",  # more than is owed
            f"#{won} 回款 2万 于 昨天",
            f"#{won} paid 50k",
            f"#{won} paid €5k",
            f"#{won} 回款 2万 于 明天",
            f"#{open_one} 计划 5万 到期 月底",
            f"#{open_one} paid 1万",
        ):
            check(bot.ask("/deal", command, user=user))
        prompt = bot.ask("/deal", f"#{won} 阶段 谈判", user=user)
        check(prompt)
        check(press(bot, prompt, "deal_stay_won", user))
        for command in (
            f"#{won} amount 50k",  # below the schedule
            f"#{won} 回款计划 取消",
            f"#{won} payments cancel",  # nothing left to cancel
        ):
            check(bot.ask("/deal", command, user=user))
    with bot.db.reading() as session:
        deals = sorted(all_deals(session), key=lambda deal: deal.id)
        english, chinese = (
            [
                (
                    d.stage,
                    [
                        (i.amount, i.due_on, i.paid_amount)
                        for i in payments.instalments_of(session, d.id)
                    ],
                    [(p.amount, p.received_on) for p in payments.payments_of(session, d.id)],
                )
                for d in deals
                if d.owner.slack_user_id == who
            ]
            for who in (REP, ZH_REP)
        )
    assert english == chinese
    # 120k in three instalments, 70k received (the oldest first); then what was not yet
    # paid cancelled: the first paid in full, the second cut to what it received.
    [(stage, schedule, received), (open_stage, no_schedule, nothing)] = english
    assert (stage, open_stage, no_schedule, nothing) == ("won", "lead", [], [])
    assert schedule == [
        (Decimal("60000.00"), date(2026, 11, 2), Decimal("60000.00")),
        (Decimal("10000.00"), date(2027, 1, 18), Decimal("10000.00")),
    ]
    assert received == [
        (Decimal("20000.00"), date(2026, 11, 17)),
        (Decimal("50000.00"), date(2026, 11, 18)),
    ]


def test_what_a_chinese_rep_reads(running_bot: RunningBot) -> None:
    bot = with_chinese_rep(running_bot)
    bot.ask("/deal", "新建 华为；年度框架；12万；阶段 谈判", user=ZH_REP)
    not_won = text_of(bot.ask("/deal", "#1 计划 6万 到期 月底", user=ZH_REP))
    assert "商机 #1 还没有赢单：只有赢单的商机才有回款计划和回款。" in not_won
    assert "试试：`/deal #1 赢单`" in not_won
    view, url = terms_form(bot, bot.ask("/deal", "#1 赢单", user=ZH_REP), ZH_REP)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "回款计划",
        "保存",
        "取消",
    )
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels[:2] == ["第 1 期：金额", "第 1 期：到期日"]
    assert "默认以 USD 计，除非你写明其他币种。" in text_of(view)
    errors = submit_terms(bot, view, user=ZH_REP, amount_1="很多", due_1="2026-12-18").json()
    assert errors["errors"]["amount_1"] == (
        "我没能把 “很多” 识别为金额。例如：120000、12万、十二万、一百二十万元、1.2亿 或 $120k。"
    )
    response = submit_terms(bot, view, user=ZH_REP, amount_1="6万", due_1="2026-11-02")
    assert (response.status, response.body) == (200, "")
    saved = text_of(bot.reply_to(url))
    assert ":calendar: 商机 #1 的回款计划已保存：共 1 期。" in saved
    assert ":warning: 2026年11月2日 周一 已经过去" in saved
    added = text_of(bot.ask("/deal", "#1 计划 六万 到期 2027年1月29日", user=ZH_REP))
    assert ":calendar: 已为商机 #1 添加一期回款计划：US$60,000，2027年1月29日 周五 到期。" in added
    too_much = text_of(bot.ask("/deal", "#1 计划 1万 到期 月底", user=ZH_REP))
    assert "这样回款计划会达到 US$130,000，超过商机 #1 的金额 US$120,000" in too_much
    assert "试试：`/deal #1 金额 130k`" in too_much
    paid = text_of(bot.ask("/deal", "#1 回款 8万 于 昨天", user=ZH_REP))
    assert "已为商机 #1 记录 2026年11月17日 周二 到账的 US$80,000" in paid
    assert "第 1 期已全部回款（US$60,000）；US$20,000 计入第 2 期（还有 US$40,000 未回款）" in paid
    shown = text_of(bot.ask("/deal", "#1 回款计划", user=ZH_REP))
    assert "#1 华为 — 年度框架 · 回款" in shown
    assert "*商机金额*\nUS$120,000" in shown
    assert "*已回款*\nUS$80,000" in shown
    assert "*未回款*\nUS$40,000" in shown
    assert "• 2026年11月17日 周二 · US$80,000 · 由 <@UZHREP2> 记录" in shown
    assert "/deal #1 计划 6万 到期 2026-12-31 · /deal #1 回款 2万 于 昨天" in shown
    over = text_of(bot.ask("/deal", "#1 回款 5万", user=ZH_REP))
    assert "US$50,000 比商机 #1 尚未回款的 US$40,000 多出 US$10,000" in over
    below = text_of(bot.ask("/deal", "#1 金额 5万", user=ZH_REP))
    assert "商机 #1 已回款 US$80,000，所以金额不能是 US$50,000" in below
    below = text_of(bot.ask("/deal", "#1 金额 10万", user=ZH_REP))
    assert "商机 #1 的回款计划共 US$120,000，超过 US$100,000" in below
    assert "试试：`/deal #1 回款计划 取消`" in below

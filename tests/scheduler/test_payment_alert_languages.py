"""Payment alerts in each reader's language: Oscar, a rep who reads 简体中文, owes money on a
deal; Mia, his manager, reads English; the finance channel reads the team's language,
Chinese. Every copy is drawn for its reader, and every press on any copy redraws each copy
in its own reader's language, never flipping a Chinese alert to English."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from runtime.settings import Settings
from store import deliveries
from tests.conftest import ADMIN, OTHER_REP, RunningBot
from tests.scheduler.conftest import MANAGER, Travel
from tests.scheduler.test_payment_alerts import FINANCE, JOB, modal_after, ny_0901, run, submit
from tests.support.block_kit import problems_in_message
from tests.support.fake_slack import Call
from tests.support.reading import action_ids, text_of

OSCAR_DAY_7 = datetime(2026, 11, 19, 1, 1, tzinfo=UTC)  # Thu 09:01 in Shanghai
ENGLISH_WORDS = ("Payment", "overdue", "Instalment", "Customer", "Mark paid", "Open deal")
CHINESE_WORDS = ("回款", "逾期", "期", "客户", "商机")
# What people typed, shown as typed to every reader.
TYPED = ("华为", "年度框架", "客户答应周五付款", "客户破产", "催过了")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, finance_channel=FINANCE)


def chinese_team_with_a_debt(bot: RunningBot, travel: Travel) -> None:
    """Oscar (zh) wins 华为's ¥240,000 deal in two instalments, the first due Thu 12 Nov;
    the Enterprise team writes Chinese and counts yuan."""
    assert "简体中文" in text_of(bot.ask("/lang", "zh", user=OTHER_REP))
    for text in ("Enterprise language zh", "Enterprise currency CNY"):
        assert ":warning:" not in str(bot.ask("/team", text, user=ADMIN)), text
    created = text_of(bot.ask("/deal", "新建 华为；年度框架；24万；阶段 谈判", user=OTHER_REP))
    assert "#1" in created, created
    bot.ask("/deal", "#1 赢单", user=OTHER_REP)
    first = text_of(bot.ask("/deal", "#1 计划 12万 到期 2026-11-12", user=OTHER_REP))
    assert "已为商机 #1 添加一期回款计划：¥120,000，2026年11月12日 周四 到期。" in first
    assert "2026年11月12日 周四 已经过去，所以这部分回款从今天起即为逾期" in first
    assert "已经过去" in first
    second = text_of(bot.ask("/deal", "#1 计划 十二万 到期 2027年1月29日", user=OTHER_REP))
    assert "¥120,000，2027年1月29日 周五 到期" in second


def alerts_to(bot: RunningBot, channel: str) -> list[Call]:
    return [
        call
        for call in bot.fake.calls("chat.postMessage")
        if (call.response or {}).get("ok")
        and call.params["channel"] == channel
        and "payment_open_deal" in action_ids(call.params)
    ]


def copies(bot: RunningBot, travel: Travel) -> dict[str, Call]:
    """Oscar's and Mia's day-7 copies, then Mia's and finance's day-30 copies (Mon 14 Dec,
    the first working day on or after day 30 in New York, whose clock finance keeps)."""
    chinese_team_with_a_debt(bot, travel)
    travel(OSCAR_DAY_7)
    run(bot)
    travel(ny_0901(date(2026, 11, 19)))
    run(bot)
    travel(ny_0901(date(2026, 12, 14)))
    run(bot)
    [oscar] = alerts_to(bot, OTHER_REP)
    mia_day_7, mia_day_30 = alerts_to(bot, MANAGER)
    [finance] = alerts_to(bot, FINANCE)
    return {"oscar": oscar, "mia7": mia_day_7, "mia30": mia_day_30, "finance": finance}


def redrawn(bot: RunningBot, alerts: dict[str, Call], since: int) -> dict[str, dict]:
    """The newest redraw of each copy since `since`, once every copy has one."""

    def latest() -> dict[str, dict]:
        found: dict[str, dict] = {}
        for call in bot.fake.calls()[since:]:
            for name, alert in alerts.items():
                if call.method == "chat.update" and (
                    call.params["channel"],
                    call.params["ts"],
                ) == (alert.response["channel"], alert.response["ts"]):
                    found[name] = call.params
        return found if len(found) == len(alerts) else {}

    return bot.fake.wait_for(latest)


def assert_chinese(message: dict) -> str:
    shown = text_of(message)
    for word in ENGLISH_WORDS:
        assert word not in shown, (word, shown)
    assert problems_in_message(message) == []
    return shown


def assert_english(message: dict) -> str:
    shown = text_of(message)
    without_typed = shown
    for typed in TYPED:
        without_typed = without_typed.replace(typed, "")
    for word in CHINESE_WORDS:
        assert word not in without_typed, (word, shown)
    assert problems_in_message(message) == []
    return shown


def test_each_copy_is_in_its_readers_language(team: RunningBot, travel: Travel) -> None:
    alerts = copies(team, travel)
    oscar = assert_chinese(alerts["oscar"].params)
    assert alerts["oscar"].params["text"] == "回款已逾期 7 天：华为 — 年度框架，未回款 ¥12万"
    assert alerts["mia7"].params["text"] == (
        "Payment 7 days overdue: 华为 — 年度框架, CN¥120K outstanding"
    )
    assert ":warning: 回款已逾期 7 天" in oscar
    assert "*客户*\n华为" in oscar
    assert "*商机*\n`#1` 年度框架" in oscar
    assert "*回款计划*\n第 1 期，共 2 期：¥120,000，2026年11月12日 周四 到期" in oscar
    assert "*未回款*\n¥120,000" in oscar
    assert "*逾期天数*\n7" in oscar
    assert f"*负责人*\n<@{OTHER_REP}>" in oscar
    assert "这是第一条提醒。" in oscar
    assert "第 1 期，共 2 期 · 逾期天数按负责人所在时区的 2026年11月19日 周四 计算" in oscar
    for button in ("标记已回款", "推迟", "添加备注", "打开商机"):
        assert button in oscar
    # Mia reads English, on Oscar's calendar: the same day 7, though it is Thursday for both.
    mia = assert_english(alerts["mia7"].params)
    assert ":warning: Payment 7 days overdue" in mia
    assert "*Instalment*\n1 of 2: CN¥120,000 due Thu 12 Nov 2026" in mia
    assert "*Days overdue*\n7" in mia
    assert "Instalment 1 of 2 · days overdue as of Thu 19 Nov 2026 in the owner's time zone" in mia
    assert f"day 7 to <@{OTHER_REP}>" in mia
    for button in ("Mark paid", "Snooze", "Add note", "Open deal"):
        assert button in mia
    # Day 32 on Oscar's calendar when Mia's Monday morning comes; finance reads the team's
    # language, and both name the steps before in their own words.
    later = assert_english(alerts["mia30"].params)
    assert ":rotating_light: Payment 32 days overdue" in later
    finance = assert_chinese(alerts["finance"].params)
    assert ":rotating_light: 回款已逾期 32 天" in finance
    assert f"第 7 天 · 发给 <@{OTHER_REP}>" in finance
    assert f"第 7 天 · 发给 <@{MANAGER}>" in finance
    assert "*逾期天数*\n32" in finance


def test_a_press_on_any_copy_redraws_each_in_its_own_language(
    team: RunningBot, travel: Travel
) -> None:
    alerts = copies(team, travel)

    # Oscar adds a note from his own copy: the form is in Chinese, and so are its errors.
    view = modal_after(team, alerts["oscar"], "payment_add_note", user=OTHER_REP)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "添加备注",
        "添加",
        "取消",
    )
    shown = text_of(view)
    assert (
        "*华为 — 年度框架*（`#1`）\n¥120,000，2026年11月12日 周四 到期 · *未回款 ¥120,000*" in shown
    )
    assert "例如：“客户答应周五付款。”" in shown
    errors = submit(team, view, user=OTHER_REP, note="").json()["errors"]
    assert errors["note"] == "请写下备注，例如：“客户答应周五付款。”"
    mark = team.fake.mark()
    assert submit(team, view, user=OTHER_REP, note="客户答应周五付款").body == ""
    after_note = redrawn(team, alerts, mark)
    for name in ("oscar", "finance"):
        shown = assert_chinese(after_note[name])
        assert f"<@{OTHER_REP}> 添加了一条备注。" in shown
        assert "*备注*\n• " in shown
        assert "客户答应周五付款" in shown
    for name in ("mia7", "mia30"):
        shown = assert_english(after_note[name])
        assert f"<@{OTHER_REP}> added a note." in shown
        assert "*Notes*" in shown

    # Mia records part of the money from the finance channel's copy: her form is in English,
    # the channel's copy stays Chinese, Oscar's too, and her own DMs stay English.
    view = modal_after(team, alerts["finance"], "payment_mark_paid", user=MANAGER)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Mark paid", "Record")
    assert "In CNY unless you type another currency." in text_of(view)
    errors = submit(team, view, user=MANAGER, amount="lots", received_on="2026-12-14").json()
    assert "couldn't read “lots”" in errors["errors"]["amount"]
    mark = team.fake.mark()
    response = submit(team, view, user=MANAGER, amount="5万", received_on="2026-12-14")
    assert (response.status, response.body) == (200, "")
    after_payment = redrawn(team, alerts, mark)
    for name in ("oscar", "finance"):
        shown = assert_chinese(after_payment[name])
        assert (
            f":moneybag: <@{MANAGER}> 记录了 2026年12月14日 周一 到账的 ¥50,000。"
            "还有 ¥70,000 未回款。"
        ) in shown
        assert "*未回款*\n¥70,000（¥120,000 中已回款 ¥50,000）" in shown
    for name in ("mia7", "mia30"):
        shown = assert_english(after_payment[name])
        assert (
            f"<@{MANAGER}> recorded CN¥50,000 received Mon 14 Dec 2026. CN¥70,000 still open."
        ) in shown
        assert "*Outstanding*\nCN¥70,000 (CN¥50,000 of CN¥120,000 paid)" in shown

    # Oscar's form refuses too much in Chinese; he records the rest by command, in Chinese.
    view = modal_after(team, alerts["oscar"], "payment_mark_paid", user=OTHER_REP)
    assert view["title"]["text"] == "标记已回款"
    errors = submit(team, view, user=OTHER_REP, amount="8万", received_on="2026-12-14").json()
    assert errors["errors"]["amount"] == (
        "¥80,000 比这一期尚未回款的 ¥70,000 多出 ¥10,000。最多只能记录 ¥70,000；"
        "如果约定了更多，请先为它添加一期回款计划。"
    )
    mark = team.fake.mark()
    reply = text_of(team.ask("/deal", "#1 回款 7万", user=OTHER_REP))
    assert (
        "已为商机 #1 记录 2026年12月14日 周一 到账的 ¥70,000：第 1 期已全部回款（¥70,000）。"
        in (reply)
    )
    paid = redrawn(team, alerts, mark)
    for name in ("oscar", "finance"):
        shown = assert_chinese(paid[name])
        assert ":white_check_mark: 已全部回款" in shown
        assert action_ids(paid[name]) == ["payment_open_deal"]
    for name in ("mia7", "mia30"):
        assert ":white_check_mark: Paid in full" in assert_english(paid[name])


def test_losing_the_deal_redraws_each_copy_as_cancelled_in_its_language(
    team: RunningBot, travel: Travel
) -> None:
    alerts = copies(team, travel)
    prompt = team.ask("/deal", "#1 输单 客户破产", user=OTHER_REP)
    shown = text_of(prompt)
    assert "商机 #1 已赢单，但还有 ¥240,000 未回款：要怎么处理？" in prompt["text"]
    assert "第 1 期，共 2 期" not in shown  # the prompt lists lines, numbered as on the card
    assert "1. ¥120,000，2026年11月12日 周四 到期 · " in shown
    assert "逾期 32 天" in shown
    button = next(
        element
        for block in prompt["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "deal_leave_won_cancel_unpaid"
    )
    assert button["text"]["text"] == "标记输单，取消 ¥240,000"
    url = team.fake.response_url()
    mark = team.fake.mark()
    team.slack.block_action(
        user_id=OTHER_REP,
        action_id="deal_leave_won_cancel_unpaid",
        value=button["value"],
        response_url=url,
        message=prompt,
    )
    card = text_of(team.reply_to(url))
    assert "已取消尚未回款的部分：第 1 期，共 2 期（¥120,000，2026年11月12日 周四 到期）" in card
    cancelled = redrawn(team, alerts, mark)
    for name in ("oscar", "finance"):
        shown = assert_chinese(cancelled[name])
        assert f"<@{OTHER_REP}> 已将其标记为输单，并取消了尚未回款的部分。" in shown
    for name in ("mia7", "mia30"):
        shown = assert_english(cancelled[name])
        assert f"<@{OTHER_REP}> marked it lost and cancelled what was not yet paid." in shown


def test_a_pressed_copy_the_ledger_lost_track_of_keeps_its_language(
    team: RunningBot, travel: Travel
) -> None:
    """A copy whose message the ledger did not keep (a send cut off before its ts was
    stored) is still redrawn when pressed: in a DM in the presser's language, in a channel
    in the channel's, the team's."""
    alerts = copies(team, travel)
    with team.db.transaction() as session:
        for delivery in deliveries.deliveries(session, JOB):
            if delivery.recipient in (OTHER_REP, FINANCE):
                delivery.message_ts = None
    for copy, presser in (("oscar", OTHER_REP), ("finance", MANAGER)):
        view = modal_after(team, alerts[copy], "payment_add_note", user=presser)
        mark = team.fake.mark()
        assert submit(team, view, user=presser, note="催过了").body == ""
        shown = assert_chinese(redrawn(team, {copy: alerts[copy]}, mark)[copy])
        assert f"<@{presser}> 添加了一条备注。" in shown
        assert "回款已逾期" in shown

"""A zh-CN rep and an en rep side by side: the same commands, in both languages of input, give
the same records, and every reply, card and form each gets is in their own language (the
fake Slack validates each one against Block Kit)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from store.deals import all_deals
from store.models import Target
from store.visits import all_visits
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

ZH_REP = "UZHREP2"
# What the people typed comes back as they typed it, in either language: left out below.
TYPED = (
    "Huawei",
    "met the purchasing director",
    "send the quote",
    "华为",
    "拜访了采购总监",
    "发报价",
    "Acme",
    "Renewal",
    "美团",
    "年度框架",
    "Initech",
    "Enterprise",
    "华东",
    "Maria Manager",
    "李经理",
    "简体中文",  # a language is named in its own script
    "Walked the plant floor",
    "someday",
    "lots",
    "called back",
    "12万",  # an amount as Chinese speakers type it, in the English hint too
)
# The deal list's chart button comes from blocks/charts.py, converted on branch w-i18n-b:
# once merged, deal_list passes it the language and this exception goes.
NOT_YET_CONVERTED = ("Chart",)
VISITS = (
    "Huawei: met the purchasing director; next: send the quote by friday",
    "华为：拜访了采购总监；下一步：发报价 by 周五",
)
DEALS = (
    "new Acme; Renewal; 120k; stage negotiation",
    "新建 美团；年度框架；十二万元；阶段 谈判",
)
# Left in Chinese text: commands and codes to type, mentions, emoji, dates Slack renders,
# and the few Latin words a Chinese sales team writes as they are.
_NOT_PROSE = re.compile(
    r"`[^`]*`|/[a-z]+\b|<[^>]*>|:[a-z0-9_+-]+:|#\d+|\b(?:BANT|USD|CNY|EUR|Slack)\b"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def prose(shown: str) -> str:
    for typed in TYPED + NOT_YET_CONVERTED:
        shown = shown.replace(typed, " ")
    return _NOT_PROSE.sub(" ", shown)


def assert_chinese(payload: dict[str, Any]) -> None:
    text = prose(text_of(payload))
    assert _CJK.search(text), text
    assert not _LATIN_WORD.findall(text), text


def assert_english(payload: dict[str, Any]) -> None:
    text = prose(text_of(payload))
    assert _LATIN_WORD.search(text), text
    assert not _CJK.findall(text), text


CHECKS = {ZH_REP: assert_chinese, REP: assert_english}


def with_chinese_rep(bot: RunningBot) -> RunningBot:
    bot.fake.add_user(ZH_REP, name="li", real_name="李雷", tz="America/New_York", locale="zh-CN")
    return bot


def open_view(bot: RunningBot, command: str, user: str) -> tuple[dict[str, Any], str]:
    mark = bot.fake.mark()
    response, response_url = bot.command(command, "", user)
    assert response.status == 200
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], response_url


def press(bot: RunningBot, card: dict[str, Any], action_id: str, user: str) -> dict[str, Any]:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=response_url, message=card
    )
    assert response.status == 200
    return bot.reply_to(response_url)


def test_visits_side_by_side(running_bot: RunningBot) -> None:
    bot = with_chinese_rep(running_bot)
    for user, check in CHECKS.items():
        cards = [bot.ask("/visit", text, user=user) for text in VISITS]
        for card in cards:
            check(card)
        check(bot.ask("/visit", "帮助", user=user))
        check(bot.ask("/visit", "Acme: met; next: call by someday", user=user))
        check(press(bot, cards[1], "visit_undo", user))
        check(press(bot, cards[1], "visit_undo", user))  # already gone: the refusal too
        view, _ = open_view(bot, "/visit", user)
        check(view)
        values = {"customer": {"customer": "Initech"}, "visited_on": {"visited_on": "2027-06-01"}}
        values |= {"notes": {"notes": ""}, "next_step": {"next_step": ""}}
        values |= {"follow_up_due": {"follow_up_due": "2026-11-20"}}
        response = bot.slack.view_submission(
            user_id=user, callback_id="visit_modal", values=values, view=view
        )
        errors = response.json()["errors"]
        assert set(errors) == {"visited_on", "notes", "next_step", "follow_up_due"}
        check({"text": "\n".join(errors.values())})
        suggestion = bot.slack.block_suggestion(
            user_id=user, action_id="customer", block_id="customer", value="Initech"
        )
        check({"text": suggestion.json()["options"][0]["text"]["text"]})
    with bot.db.reading() as session:
        saved = sorted(all_visits(session), key=lambda visit: visit.id)
        english, chinese = (
            [
                (v.customer.name, v.next_step, v.follow_up_due)
                for v in saved
                if v.rep.slack_user_id == who
            ]
            for who in (REP, ZH_REP)
        )
    assert english == chinese
    assert len(english) == 1  # each undid their second visit


def test_deals_side_by_side(running_bot: RunningBot) -> None:
    bot = with_chinese_rep(running_bot)
    for user, check in CHECKS.items():
        cards = [bot.ask("/deal", text, user=user) for text in DEALS]
        for card in cards:
            check(card)
            assert "120" in text_of(card)
        ids = [re.search(r"#(\d+)", text_of(card))[1] for card in cards]  # type: ignore[index]
        check(bot.ask("/deal", f"#{ids[0]} stage proposal", user=user))
        check(bot.ask("/deal", f"#{ids[1]} 阶段 赢单", user=user))
        check(bot.ask("/deal", f"#{ids[1]} 计划 60k 到期 2026-12-31", user=user))
        check(bot.ask("/deal", f"#{ids[1]}", user=user))
        prompt = bot.ask("/deal", f"#{ids[1]} stage negotiation", user=user)
        check(prompt)
        check(press(bot, prompt, "deal_stay_won", user))
        check(bot.ask("/deal", f"#{ids[0]} amount 150k", user=user))
        check(bot.ask("/deal", f"#{ids[0]} close 2026-11-02", user=user))
        check(bot.ask("/deal", f"#{ids[0]} note called back", user=user))
        check(bot.ask("/deal", "list", user=user))
        check(bot.ask("/deal", "列表 全部", user=user))
        check(bot.ask("/deal", "#999999", user=user))
        view, _ = open_view(bot, "/deal", user)
        check(view)
        response = bot.slack.view_submission(
            user_id=user,
            callback_id="deal_create_modal",
            values={
                "customer": {"customer": "Initech"},
                "title": {"title": ""},
                "amount": {"amount": "lots"},
            },
            view=view,
        )
        errors = response.json()["errors"]
        assert set(errors) == {"title", "amount"}
        check({"text": "\n".join(errors.values())})
    with bot.db.reading() as session:
        deals = sorted(all_deals(session), key=lambda deal: deal.id)
        english, chinese = (
            [(d.stage, d.amount, d.expected_close) for d in deals if d.owner.slack_user_id == who]
            for who in (REP, ZH_REP)
        )
    assert english == chinese
    assert [stage for stage, _, _ in english] == ["proposal", "won"]


ZH_MANAGER = "UZHMGR2"
EN_MANAGER = "UENMGR2"


def at(slack_user_id: str) -> str:
    return f"<@{slack_user_id}|{slack_user_id.lower()}>"


def test_teams_and_targets_side_by_side(running_bot: RunningBot) -> None:
    bot = with_chinese_rep(running_bot)
    bot.fake.add_user(
        ZH_MANAGER, name="lijl", real_name="李经理", tz="Asia/Shanghai", locale="zh-CN"
    )
    bot.fake.add_user(EN_MANAGER, name="maria", real_name="Maria Manager", tz="America/New_York")
    teams = {
        ZH_MANAGER: ("华东", ZH_REP, assert_chinese),
        EN_MANAGER: ("Enterprise", REP, assert_english),
    }
    for name, rep in ((name, rep) for name, rep, _ in teams.values()):
        bot.ask("/team", f"create {name}", user=ADMIN)
        bot.ask("/team", f"{name} add {at(rep)}", user=ADMIN)
    for manager, (name, rep, check) in teams.items():
        bot.ask("/team", f"{name} manager {at(manager)}", user=ADMIN)
        check(bot.ask("/team", f"{name} add {at(rep)}", user=manager))  # already on it
        check(bot.ask("/team", f"{name} holidays CN", user=manager))
        check(bot.ask("/team", f"{name} casereview friday 16:00", user=manager))
        check(bot.ask("/team", f"{name} language zh", user=manager))
        check(bot.ask("/team", f"{name}", user=manager))
        check(bot.ask("/team", "", user=manager))
        check(bot.ask("/team", "create Another", user=manager))  # admins only
        check(bot.ask("/target", f"{at(rep)} revenue 120k", user=manager))
        check(bot.ask("/target", f"{at(rep)} revenue 150k", user=manager))
        check(bot.ask("/target", f"team {name} visits 20", user=manager))
        check(bot.ask("/target", "", user=manager))
        check(bot.ask("/target", f"{at(OTHER_REP)} revenue 1", user=manager))  # not theirs
    with bot.db.reading() as session:
        found = sorted(
            (target.metric, target.amount, target.period)
            for target in session.scalars(select(Target))
        )
    assert found[0::2] == found[1::2]  # each target twice: one per team
    assert len(found) == 4

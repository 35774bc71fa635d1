"""/case for a zh-CN rep and an en rep side by side, in a team whose channel reads Chinese:
the same commands, typed in either language, give the same records; every reply, form,
refusal and card each person gets is in their own language, and the card shared in the team
channel is in the team's (the fake Slack validates each one against Block Kit)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from store.models import Away, Case
from tests.conftest import ADMIN, REP, RunningBot
from tests.handlers.test_language_side_by_side import (
    ZH_REP,
    assert_chinese,
    assert_english,
    open_view,
    press,
)
from tests.support.reading import text_of

CHANNEL = "CHUADONG"
FORMS = {
    ZH_REP: {
        "title": "美团：先见财务总监，拿下续约",
        "pain_point": "预算冻结，IT 无法说明这笔开支",
        "strategy": "和财务一起做了投资回报分析",
        "result": "续约两年，全价",
        "lessons": "在报价前找到真正的决策人",
        "tags": "续约, 预算",
    },
    REP: {
        "title": "Initech renewal saved",
        "pain_point": "Budget freeze on the renewal",
        "strategy": "Walked the plant floor with finance",
        "result": "Renewed for two years",
        "lessons": "Meet the budget owner early",
        "tags": "renewal, budget",
    },
}
# What the people typed comes back as they typed it: left out of the language checks.
TYPED = (
    *(value for form in FORMS.values() for value in form.values()),
    "续约",
    "预算",
    "renewal",
    "budget",
    "Initech",
    "华东",
    "rita",  # a display name
    "pricing",
    "someday",
    "dance",
    "报价",
    "某天",
    "跳舞",
)
# The same commands in both languages of input; each pair gives the same answer's kind.
COMMANDS = (
    ("help", "帮助"),
    ("list", "列表"),
    ("list mine", "列表 我的"),
    ("list #budget", "列表 ＃预算"),
    ("search budget", "搜索 预算"),
    ("away next week", "请假 下周"),
    ("away", "请假"),
    ("away clear", "请假 清除"),
    ("list pricing", "列表 报价"),  # a mistake: refused, with an example
    ("away someday", "请假 某天"),  # a date it cannot read: refused, with an example
    ("dance", "跳舞"),
)
CHECKS = {ZH_REP: assert_chinese, REP: assert_english}


def without_typed(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as text with what people typed blanked out, for the language checks."""
    shown = text_of(payload)
    for typed in sorted(TYPED, key=len, reverse=True):
        shown = shown.replace(typed, " ")
    return {"text": shown}


def check(user: str, payload: dict[str, Any]) -> None:
    CHECKS[user](without_typed(payload))


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """华东 (language zh, channel CHUADONG): the zh-CN rep Li and the en rep Rita."""
    fake = running_bot.fake
    fake.add_user(ZH_REP, name="li", real_name="李雷", tz="America/New_York", locale="zh-CN")
    for text in (
        "create 华东",
        f"华东 add <@{REP}|rita> <@{ZH_REP}|li>",
        f"华东 channel <#{CHANNEL}|huadong>",
        "华东 language zh",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    return running_bot


def submit(bot: RunningBot, view: dict[str, Any], user: str, **overrides: str):
    values = {**FORMS[user], **overrides}
    state = {key: {key: value} for key, value in values.items()}
    return bot.slack.view_submission(
        user_id=user, callback_id="case_modal", values=state, view=view
    )


def channel_posts(bot: RunningBot) -> list[dict[str, Any]]:
    return [
        call.params
        for call in bot.fake.calls("chat.postMessage")
        if call.params["channel"] == CHANNEL and (call.response or {}).get("ok")
    ]


def test_writing_a_case_side_by_side(bot: RunningBot) -> None:
    for user in (ZH_REP, REP):
        view, response_url = open_view(bot, "/case", user)
        check(user, view)
        # A form with a field left empty and a tag that can't be one: the errors under the
        # fields are in the writer's language.
        refused = submit(bot, view, user, pain_point="", tags="a/b")
        errors = refused.json()["errors"]
        assert set(errors) == {"pain_point", "tags"}
        check(user, {"text": " ".join(errors.values())})
        assert submit(bot, view, user).status == 200
        answer = bot.reply_to(response_url)
        check(user, answer)
        assert f"<#{CHANNEL}>" in text_of(answer)
        opened = press(bot, answer, f"case_open_{len(channel_posts(bot))}", user)
        check(user, opened)
    # Both cards in the team channel are in the team's language, whoever wrote them.
    cards = channel_posts(bot)
    assert len(cards) == 2
    for card in cards:
        assert_chinese(without_typed(card))
        assert "*痛点分析*" in text_of(card)
    with bot.db.reading() as session:
        saved = list(session.scalars(select(Case).order_by(Case.id)))
    assert [case.tags for case in saved] == ["续约 预算", "renewal budget"]
    assert [case.week for case in saved] == ["2026-W47", "2026-W47"]


def test_the_same_commands_in_both_languages_side_by_side(bot: RunningBot) -> None:
    for user in (ZH_REP, REP):
        view, response_url = open_view(bot, "/case", user)
        assert submit(bot, view, user).status == 200
        bot.reply_to(response_url)
    for english, chinese in COMMANDS:
        for user in (ZH_REP, REP):
            answers = [bot.ask("/case", typed, user=user) for typed in (english, chinese)]
            for answer in answers:
                check(user, answer)
            # Either language of input gives the same kind of answer (the same buttons).
            kinds = [
                [element.get("action_id") for block in answer.get("blocks", [])
                 for element in block.get("elements", []) if isinstance(element, dict)]
                for answer in answers
            ]  # fmt: skip
            assert kinds[0] == kinds[1], (english, chinese)
            assert (":warning:" in text_of(answers[0])) == (":warning:" in text_of(answers[1]))
    # "away next week" / "请假 下周" marked the same week, and "clear" removed it again.
    with bot.db.reading() as session:
        assert list(session.scalars(select(Away))) == []


def test_help_and_refusals_say_what_to_type_in_the_readers_language(bot: RunningBot) -> None:
    chinese = text_of(bot.ask("/case", "help", user=ZH_REP))
    assert "*每周案例复盘*" in chinese
    assert "`/case 请假 2026-12-21 至 2027-01-01`" in chinese
    english = text_of(bot.ask("/case", "帮助", user=REP))
    assert "*Weekly case review*" in english
    assert "`/case away 2026-12-21 to 2027-01-01`" in english
    refused = text_of(bot.ask("/case", "请假 某天", user=ZH_REP))
    assert "/case 请假 2026-12-21 至 2027-01-01" in refused
    saved = text_of(bot.ask("/case", "请假 2026-12-21 至 2027-01-01", user=ZH_REP))
    assert "12月21日和12月28日" in saved
    with bot.db.reading() as session:
        [away] = list(session.scalars(select(Away)))
    assert (str(away.first_day), str(away.last_day)) == ("2026-12-21", "2027-01-01")

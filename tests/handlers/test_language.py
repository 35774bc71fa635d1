"""Languages end to end: a zh-CN person and an en person side by side, /lang, team language."""

from __future__ import annotations

from datetime import date

from store import teams
from store.deals import all_deals
from store.people import get_person
from store.visits import all_visits
from tests.conftest import ADMIN, REP, RunningBot
from tests.support.reading import text_of

ZH_REP = "UZHREP1"
VISIT_EN = "Huawei: met the purchasing director; next: send the quote by friday"
VISIT_ZH = "华为：拜访了采购总监；下一步：发报价 by 周五"


def with_chinese_rep(bot: RunningBot) -> RunningBot:
    bot.fake.add_user(ZH_REP, name="li", real_name="李雷", tz="Asia/Shanghai", locale="zh-CN")
    return bot


def test_a_zh_cn_person_gets_help_in_chinese_and_an_english_person_in_english(
    running_bot: RunningBot,
) -> None:
    with_chinese_rep(running_bot)
    for words in ("帮助", "help"):
        chinese = text_of(running_bot.ask("/visit", words, user=ZH_REP))
        english = text_of(running_bot.ask("/visit", words, user=REP))
        assert "*记录客户拜访*" in chinese
        assert "`/visit 华为：拜访了采购总监，预算已批；下一步：发报价 by 周五`" in chinese
        assert "*Log a customer visit*" in english
    chinese = text_of(running_bot.ask("/deal", "帮助", user=ZH_REP))
    english = text_of(running_bot.ask("/deal", "帮助", user=REP))
    assert "*跟进商机*" in chinese
    assert "线索 (lead)、已筛选 (qualified)" in chinese
    assert "*Track deals*" in english  # Chinese input works whatever the person's language
    assert "No deal you can see matches" not in english


def test_the_same_commands_in_both_languages_give_the_same_records(
    running_bot: RunningBot,
) -> None:
    with_chinese_rep(running_bot)
    running_bot.ask("/visit", VISIT_EN, user=REP)
    running_bot.ask("/visit", VISIT_ZH, user=ZH_REP)
    with running_bot.db.reading() as session:
        english, chinese = list(all_visits(session))
        assert english.next_step == "send the quote"
        assert chinese.next_step == "发报价"
        assert chinese.notes == "拜访了采购总监"
        assert english.follow_up_due is not None
        assert chinese.follow_up_due is not None
        assert english.follow_up_due.weekday() == chinese.follow_up_due.weekday() == 4
    running_bot.ask("/deal", "new Acme; Renewal; 120k; stage negotiation", user=REP)
    running_bot.ask("/deal", "新建 美团；年度框架；十二万元；阶段 谈判", user=ZH_REP)
    with running_bot.db.reading() as session:
        acme, meituan = sorted(all_deals(session), key=lambda deal: deal.id)
        assert (acme.amount, acme.stage) == (meituan.amount, meituan.stage)
        assert meituan.currency == "CNY"


def test_a_parse_error_is_in_the_persons_language_with_a_correct_example(
    running_bot: RunningBot,
) -> None:
    with_chinese_rep(running_bot)
    chinese = text_of(
        running_bot.ask("/visit", "美团: 拜访了CEO；next: 发合同 by 下下周", user=ZH_REP)
    )
    assert "我没能把 “下下周” 识别为日期。" in chinese
    assert "试试：`2026-12-15、今天、明天、周五、下周五" in chinese
    english = text_of(running_bot.ask("/visit", "Acme: met; next: call by 2026-02-30"))
    assert "“2026-02-30” isn't a real date." in english
    assert "Try: `2026-12-15, today, tomorrow" in english
    with running_bot.db.reading() as session:
        assert list(all_visits(session)) == []


def test_lang_chooses_and_the_choice_wins_over_the_slack_locale(running_bot: RunningBot) -> None:
    with_chinese_rep(running_bot)
    assert "your Slack language" in text_of(running_bot.ask("/lang", "", user=REP))
    assert "你的 Slack 语言" in text_of(running_bot.ask("/lang", "", user=ZH_REP))
    done = text_of(running_bot.ask("/lang", "zh", user=REP))
    assert "今后我会用简体中文和你沟通" in done
    assert "*记录客户拜访*" in text_of(running_bot.ask("/visit", "help", user=REP))
    assert "I write to you in English from now on" in text_of(
        running_bot.ask("/lang", "en", user=ZH_REP)
    )
    assert "*Track deals*" in text_of(running_bot.ask("/deal", "帮助", user=ZH_REP))
    with running_bot.db.reading() as session:
        assert get_person(session, REP).language == "zh"
        assert get_person(session, ZH_REP).language == "en"
    back = text_of(running_bot.ask("/lang", "auto", user=ZH_REP))
    assert "跟随你的 Slack 语言" in back
    with running_bot.db.reading() as session:
        assert get_person(session, ZH_REP).language is None


def test_lang_refuses_a_language_it_does_not_speak(running_bot: RunningBot) -> None:
    shown = text_of(running_bot.ask("/lang", "klingon"))
    assert "I don't know the language “klingon”." in shown
    assert "Try: `/lang zh`" in shown
    with running_bot.db.reading() as session:
        assert get_person(session, REP).language is None


def test_team_language_is_set_by_admins_and_managers_only(running_bot: RunningBot) -> None:
    running_bot.ask("/team", "create 华东", user=ADMIN)
    refused = text_of(running_bot.ask("/team", "华东 language zh", user=REP))
    assert "Only 华东's managers or an admin can change its language." in refused
    done = text_of(running_bot.ask("/team", "华东 language zh", user=ADMIN))
    assert "channel messages (digests, case cards, alerts) are now in 简体中文" in done
    with running_bot.db.reading() as session:
        team = teams.get_team(session, "华东")
        assert team is not None
        assert team.language == "zh"
    again = text_of(running_bot.ask("/team", "华东 language 中文", user=ADMIN))
    assert "Nothing changed" in again
    running_bot.ask("/team", "华东 language none", user=ADMIN)
    with running_bot.db.reading() as session:
        team = teams.get_team(session, "华东")
        assert team is not None
        assert team.language is None


def test_dates_are_read_in_the_persons_own_day(running_bot: RunningBot) -> None:
    # 20:00 UTC on Wed 18 Nov is Thu 19 Nov in Shanghai: 明天 is Friday the 20th there.
    with_chinese_rep(running_bot)
    running_bot.ask("/visit", "华为：拜访；下一步：发报价 by 明天", user=ZH_REP)
    with running_bot.db.reading() as session:
        [visit] = list(all_visits(session))
        assert visit.follow_up_due == date(2026, 11, 20)

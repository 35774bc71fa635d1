"""The Home tab in each person's language, and its language picker (the same as /lang)."""

from __future__ import annotations

from datetime import UTC, datetime

from store.people import get_person
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import open_home, press, published_since
from tests.support.block_kit import problems_in_view
from tests.support.reading import element, text_of

THURSDAY_0830_NY = datetime(2026, 11, 19, 13, 30, tzinfo=UTC)


def test_a_zh_reps_home_is_chinese_and_an_en_reps_english(home_team: RunningBot) -> None:
    home_team.ask("/lang", "zh", user=OTHER_REP)
    chinese = open_home(home_team, OTHER_REP)
    english = open_home(home_team, REP)
    shown = text_of(chinese)
    assert "你好，oscar :wave:" in shown
    assert "记录拜访" in shown
    assert "新建商机" in shown
    assert "*你的进度*" in shown
    assert "*到期跟进*：无。" in shown
    assert "*逾期回款*：无。" in shown
    for english_text in ("Hi oscar", "Log a visit", "Your pacing", "Only you can see"):
        assert english_text not in shown
    assert "Hi rita :wave:" in text_of(english)
    assert "*Revenue* · 2026-11" in text_of(english)
    for view in (chinese, english):
        assert problems_in_view(view) == []
    picker = element(chinese, "home_pick_language")
    assert picker["initial_option"]["value"] == "zh"
    assert element(english, "home_pick_language")["initial_option"]["value"] == "auto"


def test_the_home_language_picker_chooses_as_lang_does(home_team: RunningBot) -> None:
    view = open_home(home_team, REP)
    picker = element(view, "home_pick_language")
    labels = [option["text"]["text"] for option in picker["options"]]
    assert labels == ["简体中文", "English", "Follow my Slack language"]
    mark = home_team.fake.mark()
    chinese = next(option for option in picker["options"] if option["value"] == "zh")
    press(home_team, REP, view, "home_pick_language", selected_option=chinese)
    redrawn = published_since(home_team, REP, mark)
    assert "你好，rita :wave:" in text_of(redrawn)
    assert "*销售额* · 2026-11" in text_of(redrawn)
    assert problems_in_view(redrawn) == []
    with home_team.db.reading() as session:
        assert get_person(session, REP).language == "zh"
    # Messages follow too: /lang now answers in Chinese, as chosen.
    assert "简体中文" in text_of(home_team.ask("/lang", "", user=REP))

    follow = element(redrawn, "home_pick_language")["options"][-1]
    assert follow["text"]["text"] == "跟随我的 Slack 语言"
    mark = home_team.fake.mark()
    press(home_team, REP, redrawn, "home_pick_language", selected_option=follow)
    again = published_since(home_team, REP, mark)
    assert "Hi rita :wave:" in text_of(again)
    with home_team.db.reading() as session:
        assert get_person(session, REP).language is None


def test_an_unknown_language_value_changes_nothing(home_team: RunningBot) -> None:
    view = open_home(home_team, REP)
    forged = {"text": {"type": "plain_text", "text": "Klingon"}, "value": "tlh"}
    press(home_team, REP, view, "home_pick_language", selected_option=forged)
    with home_team.db.reading() as session:
        assert get_person(session, REP).language is None


def test_a_chinese_admin_reads_settings_health_and_forms_in_chinese(
    home_team: RunningBot,
) -> None:
    home_team.ask("/lang", "zh", user=ADMIN)
    home_team.scheduler.run_job("daily_pacing", now=THURSDAY_0830_NY)
    home = open_home(home_team, ADMIN)
    shown = text_of(home)
    assert "*Enterprise* · 1 位销售经理 · 2 位成员" in shown
    assert "案例复盘 每周五 16:00（默认）" in shown
    assert "• 进度私信：09:00" in shown
    assert "• 案例复盘提醒日：周五" in shown
    assert "*定时任务状态*" in shown
    assert "• *manager_digest* · 尚未运行 · 首次运行后才知道下次发送时间" in shown
    assert "_进度私信给每位销售代表，工作日当地时间 09:00_" in shown
    assert "Scheduler health" not in shown
    assert problems_in_view(home) == []
    mark = home_team.fake.mark()
    press(home_team, ADMIN, home, "home_edit_settings")
    modal = home_team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert modal["title"]["text"] == "任务时间和节假日"
    assert "进度私信" in text_of(modal)
    assert problems_in_view(modal) == []

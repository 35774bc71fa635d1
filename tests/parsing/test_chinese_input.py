"""Chinese input, whatever the person's language: dates, numerals, words and punctuation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.amounts import MAX_AMOUNT, Amount, parse_amount
from parsing.case_command import CaseAway, parse_case_command
from parsing.chinese_numbers import parse_chinese_number, to_chinese_numerals
from parsing.dates import EARLIEST_DATE, LATEST_DATE, parse_date
from parsing.deal_command import (
    DealAddInstalment,
    DealAddNote,
    DealCreate,
    DealHelp,
    DealList,
    DealLost,
    DealPayments,
    DealRecordPayment,
    DealRef,
    DealSetAmount,
    DealSetClose,
    DealSetStage,
    DealWon,
    parse_deal_command,
)
from parsing.errors import ParseError
from parsing.periods import parse_period
from parsing.stages import CHINESE_STAGE_WORDS
from parsing.target_command import TargetSet, parse_target_command
from parsing.team_command import TeamSetCaseReview, TeamSetLanguage, parse_team_command
from parsing.visit_command import VisitHelp, VisitLog, parse_visit_command
from sales.stages import STAGES
from tests.parsing.helpers import result_or_error

TUESDAY = date(2026, 12, 1)
DEC_31 = date(2026, 12, 31)
# Dates the bot keeps (parsing.dates refuses others), with room for "999 weeks from now".
TODAYS = st.dates(
    min_value=EARLIEST_DATE + timedelta(days=1), max_value=LATEST_DATE - timedelta(days=20 * 366)
)
DATES = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)
WEEKDAY_NAMES = "一二三四五六日"
WEEK_WORDS = ("周", "星期", "礼拜")
DEAL_12 = DealRef(deal_id=12)
# Names and notes without the grammar's own marks, in Chinese and English.
CJK_TEXT = (
    st.text(
        alphabet=st.sampled_from("华为美团小米客户拜访了采购总监预算报价合同演示abcXYZ0123 "),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


def cny_free(value: str) -> Amount:
    """An amount typed without a currency (the deal's, or DEFAULT_CURRENCY, applies)."""
    return Amount(Decimal(value).quantize(Decimal("0.01")), None)


def chinese_forms(day: date) -> list[str]:
    return [
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}号",
        f"{day.year}年{day.month:02}月{day.day:02}日",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}-{day.month:02}-{day.day:02}",
    ]


# --- dates ---------------------------------------------------------------------------------


@settings(max_examples=300)
@given(day=DATES.filter(lambda d: d.year >= 1000))
def test_any_date_in_each_chinese_form_parses_back_to_itself(day: date) -> None:
    for form in chinese_forms(day):
        assert parse_date(form, TUESDAY) == day, form


@settings(max_examples=300)
@given(today=TODAYS, ahead=st.integers(min_value=0, max_value=364))
def test_month_day_forms_mean_the_next_such_day(today: date, ahead: int) -> None:
    day = today + timedelta(days=ahead)
    for form in (
        f"{day.month}月{day.day}日",
        f"{day.month}月{day.day}号",
        f"{day.month}.{day.day}",
        f"{to_chinese_numerals(day.month)}月{to_chinese_numerals(day.day)}日",
    ):
        assert parse_date(form, today) == day, form


@settings(max_examples=300)
@given(today=TODAYS, count=st.integers(min_value=0, max_value=999))
def test_days_and_weeks_later_in_digits_and_numerals(today: date, count: int) -> None:
    for number in (str(count), to_chinese_numerals(count)):
        assert parse_date(f"{number}天后", today) == today + timedelta(days=count)
        assert parse_date(f"{number}天之后", today) == today + timedelta(days=count)
        assert parse_date(f"{number}周后", today) == today + timedelta(weeks=count)
        assert parse_date(f"{number}个星期后", today) == today + timedelta(weeks=count)


@settings(max_examples=200)
@given(
    today=TODAYS, weekday=st.integers(min_value=0, max_value=6), word=st.sampled_from(WEEK_WORDS)
)
def test_weekdays(today: date, weekday: int, word: str) -> None:
    name = WEEKDAY_NAMES[weekday]
    coming = parse_date(f"{word}{name}", today)
    assert coming.weekday() == weekday
    assert today < coming <= today + timedelta(days=7)
    next_week = parse_date(f"下{word}{name}", today)
    next_monday = today + timedelta(days=7 - today.weekday())
    assert next_week == next_monday + timedelta(days=weekday)
    this_week = result_or_error(parse_date, f"本{word}{name}", today)
    if weekday >= today.weekday():
        assert this_week == today + timedelta(days=weekday - today.weekday())
    else:
        assert isinstance(this_week, ParseError)
        assert "has already passed this week" in this_week.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", date(2026, 12, 1)),
        ("明天", date(2026, 12, 2)),
        ("后天", date(2026, 12, 3)),
        ("昨天", date(2026, 11, 30)),
        ("周五", date(2026, 12, 4)),
        ("星期五", date(2026, 12, 4)),
        ("礼拜五", date(2026, 12, 4)),
        ("下周五", date(2026, 12, 11)),
        ("本周五", date(2026, 12, 4)),
        ("下周", date(2026, 12, 7)),
        ("下个月", date(2027, 1, 1)),
        ("月底", date(2026, 12, 31)),
        ("本月底", date(2026, 12, 31)),
        ("下月底", date(2027, 1, 31)),
        ("季度末", date(2026, 12, 31)),
        ("年底", date(2026, 12, 31)),
        ("3天后", date(2026, 12, 4)),
        ("三天后", date(2026, 12, 4)),
        ("两周后", date(2026, 12, 15)),
        ("12月15日", date(2026, 12, 15)),
        ("12月15号", date(2026, 12, 15)),
        ("2026年12月15日", date(2026, 12, 15)),
        ("2026/12/15", date(2026, 12, 15)),
        ("12.15", date(2026, 12, 15)),
        ("１２月１５日", date(2026, 12, 15)),  # full-width digits
        ("下 周五", date(2026, 12, 11)),
    ],
)
def test_the_issues_date_forms(text: str, expected: date) -> None:
    assert parse_date(text, TUESDAY) == expected


def test_end_of_quarter_in_each_quarter() -> None:
    assert parse_date("季度末", date(2026, 2, 10)) == date(2026, 3, 31)
    assert parse_date("季度末", date(2026, 4, 1)) == date(2026, 6, 30)
    assert parse_date("季度末", date(2026, 9, 30)) == date(2026, 9, 30)


@pytest.mark.parametrize("text", ["2026-02-30", "2026年2月30日", "2026/2/30", "2月30日", "2.30"])
def test_impossible_dates_are_refused(text: str) -> None:
    error = result_or_error(parse_date, text, TUESDAY)
    assert isinstance(error, ParseError)
    assert error.message == f"“{text}” isn't a real date."
    assert error.message_in("zh") == f"“{text}” 不是有效日期。"
    assert error.example_in("zh", ).startswith("2026-12-15、今天、明天")  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [
        ("visit", "Acme: a; next: b by 2026-02-30"),
        ("visit", "华为：拜访；下一步：发报价 by 2026年2月30日"),
        ("deal", "new Acme; Renewal; 120k; close 2026-02-30"),
        ("deal", "#12 close 2026-02-30"),
        ("deal", "#12 关闭日期 2026-02-30"),
        ("deal", "#12 payment 60k due 2026-02-30"),
        ("deal", "#12 paid 20k on 2026-02-30"),
    ],
)
def test_impossible_dates_are_refused_in_every_command(command: tuple[str, str]) -> None:
    kind, text = command
    parse = parse_visit_command if kind == "visit" else parse_deal_command
    error = result_or_error(parse, text, TUESDAY)
    assert isinstance(error, ParseError)
    assert "isn't a real date" in error.message


# --- amounts -------------------------------------------------------------------------------


@settings(max_examples=500)
@given(value=st.integers(min_value=0, max_value=10**12 - 1))
def test_any_number_in_chinese_numerals_reads_back(value: int) -> None:
    assert parse_chinese_number(to_chinese_numerals(value)) == value


@settings(max_examples=300)
@given(value=st.integers(min_value=0, max_value=int(MAX_AMOUNT)))
def test_any_amount_in_chinese_numerals_parses_to_its_decimal(value: int) -> None:
    written = to_chinese_numerals(value)
    assert parse_amount(written) == Amount(Decimal(value).quantize(Decimal("0.01")), None)
    assert parse_amount(written + "元").currency == "CNY"
    assert parse_amount("人民币" + written).value == value


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("十二万", "120000", None),
        ("一百二十万元", "1200000", "CNY"),
        ("三千五百", "3500", None),
        ("1.2亿", "120000000", None),
        ("两万五", "25000", None),
        ("三千五", "3500", None),
        ("一千零五", "1005", None),
        ("3万5千", "35000", None),
        ("5万块", "50000", "CNY"),
        ("二十万美元", "200000", "USD"),
        ("十万港币", "100000", "HKD"),
        ("壹拾贰万", "120000", None),
        ("￥12万", "120000", "CNY"),
    ],
)
def test_chinese_amounts(text: str, value: str, currency: str | None) -> None:
    assert parse_amount(text) == Amount(Decimal(value).quantize(Decimal("0.01")), currency)


@pytest.mark.parametrize("text", ["三百五千", "五五", "万", "十万万", "一亿亿"])
def test_malformed_chinese_numerals_are_refused(text: str) -> None:
    error = result_or_error(parse_amount, text)
    assert isinstance(error, ParseError)
    assert error.message == f"I couldn't read “{text}” as an amount."
    assert error.message_in("zh") == f"我没能把 “{text}” 识别为金额。"


# --- /visit --------------------------------------------------------------------------------


def test_the_issues_visits() -> None:
    assert parse_visit_command("华为: 拜访了采购总监; next: 发报价 by 下周五", TUESDAY) == (
        VisitLog("华为", "拜访了采购总监", "发报价", date(2026, 12, 11))
    )
    assert parse_visit_command("华为：拜访了采购总监；下一步：发报价", TUESDAY) == (
        VisitLog("华为", "拜访了采购总监", "发报价", None)
    )
    assert parse_visit_command("美团: 拜访了CEO；next: 发合同 by 12月18号", TUESDAY) == (
        VisitLog("美团", "拜访了CEO", "发合同", date(2026, 12, 18))
    )
    assert parse_visit_command("帮助", TUESDAY) == VisitHelp()


def test_visit_notes_keep_their_own_punctuation() -> None:
    visit = parse_visit_command(
        "华为（深圳）：聊得很好，客户（CFO）同意；下一步：发报价，截止月底", TUESDAY
    )
    assert visit == VisitLog(
        "华为（深圳）", "聊得很好，客户（CFO）同意", "发报价", date(2026, 12, 31)
    )


@settings(max_examples=200)
@given(
    customer=CJK_TEXT,
    notes=CJK_TEXT,
    step=CJK_TEXT.filter(lambda s: "by" not in s.casefold()),
    due=st.dates(min_value=date(2000, 1, 1), max_value=LATEST_DATE),
    colon=st.sampled_from(":："),
    semicolon=st.sampled_from(";；"),
    marker=st.sampled_from(["next", "下一步", "NEXT"]),
    marker_colon=st.sampled_from(":："),
    form=st.integers(min_value=0, max_value=5),
)
def test_full_width_and_chinese_markers_give_the_same_visit(
    customer, notes, step, due, colon, semicolon, marker, marker_colon, form
) -> None:
    text = (
        f"{customer}{colon}{notes}{semicolon}{marker}{marker_colon}{step} by "
        f"{chinese_forms(due)[form]}"
    )
    assert parse_visit_command(text, TUESDAY) == VisitLog(
        " ".join(customer.split()), notes, step, due
    )


@settings(max_examples=100)
@given(step=CJK_TEXT.filter(lambda s: "by" not in s.casefold()), junk=CJK_TEXT)
def test_a_due_date_that_is_not_one_is_refused_never_kept(step: str, junk: str) -> None:
    text = f"Acme: met; next: {step} by {junk}"
    result = result_or_error(parse_visit_command, text, TUESDAY)
    if isinstance(result, VisitLog):
        assert result.follow_up_due is not None  # it really was a date (e.g. "12")
    else:
        assert "Put the next step's due date after “by”" in result.message
        assert result.example is not None


# --- /deal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("帮助", DealHelp()),
        ("列表", DealList("mine")),
        ("列表 我的", DealList("mine")),
        ("列表 全部", DealList("all")),
        ("新建 华为；年度框架；12万", DealCreate("华为", "年度框架", cny_free("120000"))),
        (
            "新建 华为；年度框架；十二万元；关闭日期 月底；阶段 方案",
            DealCreate(
                "华为",
                "年度框架",
                Amount(Decimal("120000.00"), "CNY"),
                date(2026, 12, 31),
                STAGES["proposal"],
            ),
        ),
        ("美团 stage 赢单", DealWon(DealRef(text="美团"))),
        ("美团 阶段 赢单", DealWon(DealRef(text="美团"))),
        ("＃12 阶段 谈判", DealSetStage(DEAL_12, STAGES["negotiation"])),
        ("#12 阶段谈判", DealSetStage(DEAL_12, STAGES["negotiation"])),
        ("#12 成交", DealWon(DEAL_12)),
        ("#12 丢单 价格太高", DealLost(DEAL_12, "价格太高")),
        ("#12 金额 一百二十万", DealSetAmount(DEAL_12, Amount(Decimal("1200000.00"), None))),
        ("#12 关闭日期 下周五", DealSetClose(DEAL_12, date(2026, 12, 11))),
        ("#12 备注 客户要求三年期，价格再议", DealAddNote(DEAL_12, "客户要求三年期，价格再议")),
        ("#12 计划 6万 到期 月底", DealAddInstalment(DEAL_12, cny_free("60000"), DEC_31)),
        ("#12 回款计划", DealPayments(DEAL_12)),
        ("#12 回款 2万 于 昨天", DealRecordPayment(DEAL_12, cny_free("20000"), date(2026, 11, 30))),
        ("华为（深圳） 备注 好", DealAddNote(DealRef(text="华为（深圳）"), "好")),
    ],
)  # fmt: skip
def test_chinese_deal_commands(text, expected) -> None:
    assert parse_deal_command(text, TUESDAY) == expected


@pytest.mark.parametrize(("word", "key"), sorted(CHINESE_STAGE_WORDS.items()))
def test_every_chinese_stage_word(word: str, key: str) -> None:
    parsed = result_or_error(parse_deal_command, f"#12 stage {word}", TUESDAY)
    if key == "won":
        assert parsed == DealWon(DEAL_12)
    elif key == "lost":  # a lost deal needs its reason, as in English
        assert isinstance(parsed, ParseError)
        assert "“lost <reason>”" in parsed.message
    else:
        assert parsed == DealSetStage(DEAL_12, STAGES[key])


@settings(max_examples=200)
@given(
    customer=CJK_TEXT,
    title=CJK_TEXT,
    amount=st.integers(min_value=1, max_value=10**9),
    semicolons=st.lists(st.sampled_from(";；"), min_size=3, max_size=3),
)
def test_full_width_semicolons_give_the_same_new_deal(customer, title, amount, semicolons) -> None:
    first, second, third = semicolons
    text = f"新建 {customer}{first}{title}{second}{to_chinese_numerals(amount)}元{third}阶段 谈判"
    assert parse_deal_command(text, TUESDAY) == DealCreate(
        " ".join(customer.split()),
        " ".join(title.split()),
        Amount(Decimal(amount).quantize(Decimal("0.01")), "CNY"),
        None,
        STAGES["negotiation"],
    )


# --- /team ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华东 language zh", TeamSetLanguage("华东", "zh")),
        ("华东 language 中文", TeamSetLanguage("华东", "zh")),
        ("Enterprise language en", TeamSetLanguage("Enterprise", "en")),
        ("Enterprise language none", TeamSetLanguage("Enterprise", None)),
    ],
)
def test_team_language(text, expected) -> None:
    assert parse_team_command(text) == expected


def test_team_language_refuses_what_it_does_not_speak() -> None:
    error = result_or_error(parse_team_command, "Enterprise language fr")
    assert isinstance(error, ParseError)
    assert error.message.startswith("I don't know the language “fr”.")
    assert error.example == "/team Enterprise language zh"


@pytest.mark.parametrize(("word", "weekday"), [("周四", 3), ("星期一", 0), ("礼拜五", 4)])
def test_case_review_day_in_chinese(word: str, weekday: int) -> None:
    parsed = parse_team_command(f"华东 casereview {word} 15:00")
    assert isinstance(parsed, TeamSetCaseReview)
    assert parsed.weekday == weekday


def test_case_review_refuses_a_chinese_weekend_day() -> None:
    error = result_or_error(parse_team_command, "华东 casereview 星期天")
    assert isinstance(error, ParseError)
    assert error.message == "Pick a working day, Monday to Friday."


# --- /target and /case ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("本月", "2026-12"),
        ("下个月", "2027-01"),
        ("本季度", "2026-Q4"),
        ("下季度", "2027-Q1"),
        ("2026年11月", "2026-11"),
        ("2026年第四季度", "2026-Q4"),
        ("2026年Q3", "2026-Q3"),
    ],
)
def test_chinese_periods(text: str, label: str) -> None:
    assert parse_period(text, TUESDAY).label == label


@pytest.mark.parametrize(
    ("word", "key"),
    [("销售额", "revenue"), ("回款额", "collected"), ("拜访次数", "visits"),
     ("新客户数", "new_customers"), ("方案数", "proposals")],
)  # fmt: skip
def test_chinese_metrics(word: str, key: str) -> None:
    parsed = parse_target_command(f"team 华东 {word} 12万 本季度", TUESDAY)
    assert isinstance(parsed, TargetSet)
    assert (parsed.metric.key, parsed.period.label) == (key, "2026-Q4")


def test_target_errors_in_chinese() -> None:
    error = result_or_error(parse_target_command, "team 华东 销售额 十二万 明年", TUESDAY)
    assert isinstance(error, ParseError)
    assert error.message_in("zh") == (
        "我没能把“明年”识别为月份或季度。"
        "周期的写法：2026-12、2026-Q4、本月、下个月、本季度 或 下季度。"
    )


def test_case_away_next_week_in_chinese() -> None:
    assert parse_case_command("away 下周", TUESDAY) == CaseAway(
        date(2026, 12, 7), date(2026, 12, 13)
    )


@pytest.mark.parametrize(
    "text",
    [
        "华为：拜访了采购总监，下一步：发报价 by 周五",
        "华为：拜访了采购总监 下一步：发报价 by 周五",
        "华为：拜访了采购总监。下一步：发报价 by 周五",
        "华为：拜访了采购总监；下一步：发报价，截止周五",
    ],
)
def test_chinese_next_step_after_a_comma_or_full_stop(text: str) -> None:
    assert parse_visit_command(text, TUESDAY) == VisitLog(
        "华为", "拜访了采购总监", "发报价", date(2026, 12, 4)
    )


def test_english_next_still_needs_its_semicolon() -> None:
    visit = parse_visit_command("Acme: met, next: call", TUESDAY)
    assert visit == VisitLog("Acme", "met, next: call", None, None)

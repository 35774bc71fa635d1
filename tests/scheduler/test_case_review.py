"""Weekly case review with the clock controlled: the Friday prompt at each rep's own 16:00,
the case written from it and shared with the team, one reminder the next working morning
to those who did not write theirs (and are not away), and the managers' summary."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from scheduler.delivery import Outcome
from store.models import Case
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import CHANNEL, MANAGER, Travel, posts
from tests.support.reading import action_ids, element, text_of

# Friday 20 November 2026: 16:00 in Shanghai is 08:00 UTC, in New York 21:00 UTC.
FRIDAY_1601_SHANGHAI = datetime(2026, 11, 20, 8, 1, tzinfo=UTC)
FRIDAY_1559_NY = datetime(2026, 11, 20, 20, 59, tzinfo=UTC)
FRIDAY_1601_NY = datetime(2026, 11, 20, 21, 1, tzinfo=UTC)
# Monday 23 November: 09:00 in Shanghai is 01:00 UTC, in New York 14:00 UTC.
MONDAY_0901_SHANGHAI = datetime(2026, 11, 23, 1, 1, tzinfo=UTC)
MONDAY_0901_NY = datetime(2026, 11, 23, 14, 1, tzinfo=UTC)

CASE = {
    "title": "Globex: from pilot to rollout",
    "pain_point": "Ops could not see stock levels across plants",
    "strategy": "A two-week pilot in one plant with their own data",
    "result": "Rollout signed for all six plants",
    "lessons": "Let the customer's data make the case",
    "tags": "pilot",
}


def run(bot: RunningBot, job: str, at: datetime, travel: Travel):
    travel(at)
    return bot.scheduler.run_job(job)


def prompts(bot: RunningBot, user: str) -> list[dict]:
    return [post for post in posts(bot, user) if "case_write" in action_ids(post)]


def with_channel(bot: RunningBot) -> None:
    reply = bot.ask("/team", f"Enterprise channel <#{CHANNEL}|enterprise>", user=ADMIN)
    assert ":warning:" not in str(reply)


def write_from_prompt(bot: RunningBot, prompt: dict, user: str = REP) -> str:
    """Press "Write my case" on the prompt and submit the form; the prompt's response_url."""
    mark = bot.fake.mark()
    response_url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=user, action_id="case_write", response_url=response_url, message=prompt
    )
    view = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {key: {key: value} for key, value in CASE.items()}
    bot.slack.view_submission(user_id=user, callback_id="case_modal", values=values, view=view)
    bot.reply_to(response_url)  # the case is saved (and shared) before the answer
    return response_url


def cases(bot: RunningBot) -> list[Case]:
    with bot.db.reading() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def test_the_prompt_goes_out_at_each_reps_own_friday_1600_once(
    team: RunningBot, travel: Travel
) -> None:
    thursday = datetime(2026, 11, 19, 21, 30, tzinfo=UTC)
    assert run(team, "case_prompt", thursday, travel).count(Outcome.NOT_DUE) == 2
    run(team, "case_prompt", FRIDAY_1601_SHANGHAI, travel)
    assert [len(prompts(team, user)) for user in (REP, OTHER_REP)] == [0, 1]
    run(team, "case_prompt", FRIDAY_1559_NY, travel)
    assert len(prompts(team, REP)) == 0
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    [prompt] = prompts(team, REP)
    shown = text_of(prompt)
    assert "Time for this week's case* (the week of Mon 16 Nov 2026)" in shown
    assert "pain point, the strategy you used, the result and what you learned" in shown
    assert element(prompt, "case_write")["value"] == "2026-W47"
    assert team.scheduler.run_job("case_prompt").outcomes[REP] == Outcome.DONE_BEFORE
    again = run(team, "case_prompt", datetime(2026, 11, 20, 15, 0, tzinfo=UTC), travel)
    assert again.outcomes == {REP: Outcome.NOT_DUE, OTHER_REP: Outcome.DONE_BEFORE}
    travel(datetime(2026, 11, 21, 15, 0, tzinfo=UTC))  # Saturday
    assert team.scheduler.tick()
    assert [len(prompts(team, user)) for user in (REP, OTHER_REP)] == [1, 1]


def test_writing_the_case_from_the_prompt_shares_it_with_the_team(
    team: RunningBot, travel: Travel
) -> None:
    with_channel(team)
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    [prompt] = prompts(team, REP)
    response_url = write_from_prompt(team, prompt)
    answer = team.reply_to(response_url)
    assert answer["replace_original"] is True  # the prompt becomes the saved case
    assert "Your case for the week of Mon 16 Nov 2026 is saved" in text_of(answer)
    [case] = cases(team)
    assert (case.week, case.author.slack_user_id, case.channel) == ("2026-W47", REP, CHANNEL)
    [card] = posts(team, CHANNEL)
    assert ":bookmark_tabs: Globex: from pilot to rollout" in text_of(card)
    assert "*Lessons learned*\nLet the customer's data make the case" in text_of(card)


def test_pressing_the_prompt_again_edits_the_case_already_written(
    team: RunningBot, travel: Travel
) -> None:
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    [prompt] = prompts(team, REP)
    write_from_prompt(team, prompt)
    mark = team.fake.mark()
    team.slack.block_action(
        user_id=REP, action_id="case_write", response_url=team.fake.response_url(), message=prompt
    )
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert "Edit case" in text_of(view)
    assert len(cases(team)) == 1


def test_one_reminder_only_to_those_who_did_not_write_theirs(
    team: RunningBot, travel: Travel
) -> None:
    run(team, "case_prompt", FRIDAY_1601_SHANGHAI, travel)
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    write_from_prompt(team, prompts(team, REP)[0])
    # Saturday and Sunday are no working mornings; Monday is.
    saturday = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    assert run(team, "case_reminder", saturday, travel).count(Outcome.NOT_DUE) == 2
    run(team, "case_reminder", MONDAY_0901_SHANGHAI, travel)
    [reminder] = [p for p in posts(team, OTHER_REP) if "isn't in yet" in text_of(p)]
    assert "Your case for the week of Mon 16 Nov 2026 isn't in yet" in text_of(reminder)
    assert element(reminder, "case_write")["value"] == "2026-W47"
    report = run(team, "case_reminder", MONDAY_0901_NY, travel)
    assert report.outcomes[REP] == Outcome.EMPTY  # Rita wrote hers: nothing sent
    for _ in range(3):
        assert team.scheduler.run_job("case_reminder").count(Outcome.SENT) == 0
    run(team, "case_reminder", datetime(2026, 11, 24, 14, 30, tzinfo=UTC), travel)  # Tuesday
    assert [len(posts(team, user)) for user in (REP, OTHER_REP)] == [1, 2]


def test_no_reminder_without_a_prompt_or_after_a_late_case(
    team: RunningBot, travel: Travel
) -> None:
    # The bot only started on Monday: nobody was asked, so nobody is reminded.
    assert run(team, "case_reminder", MONDAY_0901_NY, travel).count(Outcome.SENT) == 0
    assert posts(team) == []
    # The next week both are asked; Oscar writes his over the weekend.
    run(team, "case_prompt", datetime(2026, 11, 27, 8, 1, tzinfo=UTC), travel)
    run(team, "case_prompt", datetime(2026, 11, 27, 21, 1, tzinfo=UTC), travel)
    travel(datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    write_from_prompt(team, prompts(team, OTHER_REP)[0], user=OTHER_REP)
    report = run(team, "case_reminder", datetime(2026, 11, 30, 14, 1, tzinfo=UTC), travel)
    assert (report.outcomes[REP], report.outcomes[OTHER_REP]) == (Outcome.SENT, Outcome.EMPTY)


def test_a_case_written_before_friday_means_no_prompt(team: RunningBot, travel: Travel) -> None:
    mark = team.fake.mark()
    team.command("/case", "", REP)
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {key: {key: value} for key, value in CASE.items()}
    team.slack.view_submission(user_id=REP, callback_id="case_modal", values=values, view=view)
    team.fake.wait_for(lambda: cases(team))
    report = run(team, "case_prompt", FRIDAY_1601_NY, travel)
    assert report.outcomes[REP] == Outcome.EMPTY
    assert prompts(team, REP) == []


def test_away_weeks_get_no_prompt_no_reminder_and_show_in_the_summary(
    team: RunningBot, travel: Travel
) -> None:
    assert "You're away" in text_of(team.ask("/case", "away 2026-11-26 to 2026-12-01", OTHER_REP))
    # Week 48 (23-29 Nov) and week 49 (30 Nov-6 Dec) are both away weeks for Oscar.
    # Friday 27 November, 16:01 in Shanghai, then in New York.
    report = run(team, "case_prompt", datetime(2026, 11, 27, 8, 1, tzinfo=UTC), travel)
    assert report.outcomes[OTHER_REP] == Outcome.EMPTY
    report = run(team, "case_prompt", datetime(2026, 11, 27, 21, 1, tzinfo=UTC), travel)
    assert report.outcomes[REP] == Outcome.SENT
    # Monday 30 November, 09:01 in Shanghai, then in New York.
    report = run(team, "case_reminder", datetime(2026, 11, 30, 1, 1, tzinfo=UTC), travel)
    assert report.outcomes[OTHER_REP] == Outcome.EMPTY
    report = run(team, "case_reminder", datetime(2026, 11, 30, 14, 1, tzinfo=UTC), travel)
    assert report.outcomes[REP] == Outcome.SENT
    team.scheduler.run_job("case_summary")
    [summary] = posts(team, MANAGER)
    shown = text_of(summary)
    assert f"*Not in yet* (1): <@{REP}>" in shown
    assert f"*Away* (1): <@{OTHER_REP}>" in shown
    report = run(team, "case_prompt", datetime(2026, 12, 4, 8, 1, tzinfo=UTC), travel)
    assert report.outcomes[OTHER_REP] == Outcome.EMPTY
    report = run(team, "case_prompt", datetime(2026, 12, 11, 8, 1, tzinfo=UTC), travel)
    assert report.outcomes[OTHER_REP] == Outcome.SENT
    assert len(prompts(team, OTHER_REP)) == 1


def test_the_manager_gets_who_wrote_theirs_with_links_once(
    team: RunningBot, travel: Travel
) -> None:
    with_channel(team)
    run(team, "case_prompt", FRIDAY_1601_SHANGHAI, travel)
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    write_from_prompt(team, prompts(team, REP)[0])
    assert run(team, "case_summary", FRIDAY_1601_NY, travel).count(Outcome.NOT_DUE) == 1
    run(team, "case_summary", datetime(2026, 11, 23, 13, 59, tzinfo=UTC), travel)
    assert posts(team, MANAGER) == []
    run(team, "case_summary", MONDAY_0901_NY, travel)
    [summary] = posts(team, MANAGER)
    shown = text_of(summary)
    assert "Case review · Enterprise" in shown
    assert "Cases for *the week of Mon 16 Nov 2026*: 1 of 2 in." in shown
    [case] = cases(team)
    link = f"https://slack.com/archives/{CHANNEL}/p{case.message_ts.replace('.', '')}"
    assert f"<@{REP}>: *Globex: from pilot to rollout* · <{link}|card>" in shown
    assert f"*Not in yet* (1): <@{OTHER_REP}>" in shown
    assert action_ids(summary) == []  # the Open buttons are section accessories
    response_url = team.fake.response_url()
    team.slack.block_action(
        user_id=MANAGER, action_id=f"case_open_{case.id}", response_url=response_url,
        message=summary,
    )  # fmt: skip
    assert "*The result*\nRollout signed for all six plants" in text_of(team.reply_to(response_url))
    assert team.scheduler.run_job("case_summary").count(Outcome.SENT) == 0
    travel(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    team.scheduler.tick()
    assert len(posts(team, MANAGER)) == 1


def test_a_team_chooses_its_own_day_and_time(team: RunningBot, travel: Travel) -> None:
    shown = text_of(team.ask("/team", "Enterprise casereview wednesday 10:00", user=MANAGER))
    assert "now get the weekly case-review prompt on Wednesdays at 10:00" in shown
    assert "*Case review*\nWednesday 10:00" in text_of(team.ask("/team", "Enterprise"))
    # Wednesday 18 November, 10:01 in New York.
    run(team, "case_prompt", datetime(2026, 11, 18, 14, 59, tzinfo=UTC), travel)
    assert prompts(team, REP) == []
    run(team, "case_prompt", datetime(2026, 11, 18, 15, 1, tzinfo=UTC), travel)
    assert len(prompts(team, REP)) == 1
    assert run(team, "case_prompt", FRIDAY_1601_NY, travel).count(Outcome.SENT) == 0
    # The reminder is the next working morning: Thursday.
    report = run(team, "case_reminder", datetime(2026, 11, 19, 14, 1, tzinfo=UTC), travel)
    assert report.outcomes[REP] == Outcome.SENT
    team.ask("/team", "Enterprise casereview none", user=MANAGER)
    back_to_friday = run(team, "case_prompt", datetime(2026, 11, 27, 21, 1, tzinfo=UTC), travel)
    assert back_to_friday.outcomes[REP] == Outcome.SENT


def test_a_holiday_moves_the_prompt_and_the_reminder(team: RunningBot, travel: Travel) -> None:
    team.ask("/team", "Enterprise holidays US", user=ADMIN)
    team.ask("/team", "Enterprise casereview thursday", user=ADMIN)
    # Thursday 26 November 2026 is Thanksgiving: the prompt goes out on Friday instead.
    thanksgiving = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)
    assert run(team, "case_prompt", thanksgiving, travel).count(Outcome.SENT) == 0
    friday = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)
    assert run(team, "case_prompt", friday, travel).outcomes[REP] == Outcome.SENT
    monday = datetime(2026, 11, 30, 14, 1, tzinfo=UTC)
    assert run(team, "case_reminder", monday, travel).outcomes[REP] == Outcome.SENT
    assert "the week of Mon 23 Nov 2026" in text_of(posts(team, REP)[-1])


def test_until_the_reminder_a_new_case_is_for_the_week_asked_about(
    team: RunningBot, travel: Travel
) -> None:
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    travel(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # Monday, reminder day
    mark = team.fake.mark()
    team.command("/case", "", REP)
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert "the week of Mon 16 Nov 2026" in text_of(view)
    travel(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday: this week's
    mark = team.fake.mark()
    team.command("/case", "", REP)
    view = team.fake.wait_for_call("views.open", since=mark).response["view"]
    assert "the week of Mon 23 Nov 2026" in text_of(view)


def test_jobs_are_listed_with_their_next_send(team: RunningBot, travel: Travel) -> None:
    # Health reads the run records: before the first tick no job knows its next send.
    assert {status.next_send for status in team.scheduler.status()} == {None}
    team.scheduler.tick()
    statuses = {status.name: status for status in team.scheduler.status()}
    assert statuses["case_prompt"].next_send == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert statuses["case_reminder"].next_send == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert statuses["case_summary"].next_send == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def test_each_reader_gets_the_case_review_in_their_language(
    team: RunningBot, travel: Travel
) -> None:
    """Oscar reads Chinese, Rita and their manager English; the team's channel is Chinese."""
    with_channel(team)
    for command, text, user in (
        ("/lang", "zh", OTHER_REP),
        ("/team", "Enterprise language zh", ADMIN),
    ):
        assert ":warning:" not in str(team.ask(command, text, user=user))
    run(team, "case_prompt", FRIDAY_1601_SHANGHAI, travel)
    run(team, "case_prompt", FRIDAY_1601_NY, travel)
    [chinese] = prompts(team, OTHER_REP)
    assert "*该写本周的案例了*（2026年11月16日 周一 当周）" in text_of(chinese)
    assert element(chinese, "case_write")["text"]["text"] == "写我的案例"
    [english] = prompts(team, REP)
    assert "Time for this week's case* (the week of Mon 16 Nov 2026)" in text_of(english)
    write_from_prompt(team, english)  # Rita's case, shared in the Chinese channel
    [card] = posts(team, CHANNEL)
    assert "*结果复盘*\nLet the customer's data make the case" in text_of(card)
    assert "*Lessons learned*" not in text_of(card)
    run(team, "case_reminder", MONDAY_0901_SHANGHAI, travel)
    [reminder] = [p for p in posts(team, OTHER_REP) if "还没有提交" in text_of(p)]
    assert "你2026年11月16日 周一 当周的案例还没有提交" in text_of(reminder)
    run(team, "case_summary", MONDAY_0901_NY, travel)
    [summary] = posts(team, MANAGER)
    assert "Cases for *the week of Mon 16 Nov 2026*: 1 of 2 in." in text_of(summary)
    assert f"*Not in yet* (1): <@{OTHER_REP}>" in text_of(summary)

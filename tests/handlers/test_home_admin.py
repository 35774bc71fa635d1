"""The admins' part of the Home tab: team settings, job hours and holiday country (stored
over the environment's, and used by the scheduler), the scheduler's health; and nobody
else may change them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from runtime.settings import Settings, with_overrides
from scheduler.delivery import Outcome
from services.overrides import effective_settings
from store import audit, setting_overrides, teams
from store.models import SettingOverride
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import MANAGER, open_home, press, published_since
from tests.support.reading import text_of

# Thursday 19 Nov 2026, 08:30 in New York (Rita's zone): after 08:00, before 09:00.
THURSDAY_0830_NY = datetime(2026, 11, 19, 13, 30, tzinfo=UTC)


def team_of(bot: RunningBot, name: str = "Enterprise") -> Any:
    with bot.db.reading() as session:
        team = teams.get_team(session, name)
        assert team is not None
        return team


def stored(bot: RunningBot) -> dict[str, str]:
    with bot.db.reading() as session:
        return setting_overrides.overrides(session)


def open_modal(bot: RunningBot, user: str, view: dict, action_id: str) -> dict:
    mark = bot.fake.mark()
    press(bot, user, view, action_id)
    return bot.fake.wait_for_call("views.open", since=mark).response["view"]


def submit(bot: RunningBot, modal: dict, values: dict, user: str = ADMIN) -> Any:
    return bot.slack.view_submission(
        user_id=user, callback_id=modal["callback_id"], values=values, view=modal
    )


def team_values(**changes: Any) -> dict:
    values: dict[str, Any] = {
        "channel": None,
        "no_channel": [],
        "holiday_country": "",
        "case_day": "default",
        "case_time": "",
    }
    values.update(changes)
    return {key: {key: value} for key, value in values.items()}


def settings_values(modal: dict, **changes: str) -> dict:
    """The settings form as the admin leaves it, with `changes` (by block id) typed in."""
    values = {}
    for block in modal["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] == "static_select":
            value: Any = element.get("initial_option", {}).get("value")
        else:
            value = element.get("initial_value", "")
        values[block["block_id"]] = {element["action_id"]: changes.get(block["block_id"], value)}
    return values


def test_an_admin_sees_settings_and_the_schedulers_health(home_team: RunningBot) -> None:
    home_team.ask("/target", f"<@{OTHER_REP}|oscar> visits 10 2026-11", user=MANAGER)
    home_team.scheduler.run_job("daily_pacing", now=THURSDAY_0830_NY)
    shown = text_of(open_home(home_team, ADMIN))
    assert "Settings" in shown
    assert "*Enterprise* · 1 manager · 2 members" in shown
    assert "Channel — · holidays none (default) · case review Fridays 16:00 (default)" in shown
    assert "• Pacing DM: 09:00" in shown
    assert "• Case-review prompt day: Friday" in shown
    assert "• Public holidays of: none" in shown
    assert "*Scheduler health*" in shown
    assert "• *daily_pacing* · last run" in shown
    assert "sent 1, failed 0" in shown  # Oscar's evening in Shanghai
    assert "• *manager_digest* · not run yet · next send known after its first run" in shown
    # Admins also get the team view, over every team.
    assert "Team view" in shown


def test_an_admin_changes_a_teams_settings_from_home(home_team: RunningBot) -> None:
    home = open_home(home_team, ADMIN)
    team = team_of(home_team)
    modal = open_modal(home_team, ADMIN, home, f"home_edit_team_{team.id}")
    assert modal["callback_id"] == "home_team_settings"
    assert "Settings of the team *Enterprise*" in text_of(modal)

    mark = home_team.fake.mark()
    values = team_values(channel="CNEW001", holiday_country="de", case_day="3", case_time="15:30")
    response = submit(home_team, modal, values)
    assert response.status == 200
    assert response.body == ""  # the form closes
    shown = text_of(published_since(home_team, ADMIN, mark))
    assert "Channel <#CNEW001> · holidays DE · case review Thursdays 15:30" in shown

    team = team_of(home_team)
    assert (team.channel_id, team.holiday_country) == ("CNEW001", "DE")
    assert (team.case_prompt_weekday, team.case_prompt_time) == (3, "15:30")
    with home_team.db.reading() as session:
        history = audit.history(session, "teams", team.id)
    assert [entry.actor for entry in history[-3:]] == [ADMIN, ADMIN, ADMIN]

    # Back to the defaults, and no channel: the digest goes to the managers by DM.
    modal = open_modal(home_team, ADMIN, home, f"home_edit_team_{team.id}")
    assert modal["blocks"][1]["element"]["initial_conversation"] == "CNEW001"
    submit(home_team, modal, team_values(no_channel=["1"]))
    home_team.fake.wait_for_call("views.publish", since=mark + 1)
    team = team_of(home_team)
    assert (team.channel_id, team.holiday_country, team.case_prompt_weekday) == (None, None, None)


def test_team_settings_errors_show_under_the_field(home_team: RunningBot) -> None:
    team = team_of(home_team)
    modal = open_modal(home_team, ADMIN, open_home(home_team, ADMIN), f"home_edit_team_{team.id}")
    values = team_values(
        channel="CNEW001", no_channel=["1"], holiday_country="XX", case_time="25:00"
    )
    answer = submit(home_team, modal, values).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"no_channel", "holiday_country", "case_time"}
    assert "US, CN, GB or DE" in answer["errors"]["holiday_country"]
    assert "16:00" in answer["errors"]["case_time"]
    assert team_of(home_team).holiday_country is None


def test_overridden_job_hours_are_stored_shown_and_used_by_the_scheduler(
    home_team: RunningBot,
) -> None:
    # At 08:30 in New York Rita's pacing is not due: PACING_TIME is 09:00.
    report = home_team.scheduler.run_job("daily_pacing", now=THURSDAY_0830_NY)
    assert report.outcomes[REP] is Outcome.NOT_DUE

    home = open_home(home_team, ADMIN)
    modal = open_modal(home_team, ADMIN, home, "home_edit_settings")
    assert modal["callback_id"] == "home_settings"
    mark = home_team.fake.mark()
    values = settings_values(modal, pacing_time="8:00", case_prompt_day="thursday")
    assert submit(home_team, modal, values).body == ""
    shown = text_of(published_since(home_team, ADMIN, mark))
    assert "• Pacing DM: *08:00* (set here; environment 09:00)" in shown
    assert "• Case-review prompt day: *Thursday* (set here; environment friday)" in shown
    # Only what differs from the environment is stored, as the environment writes it.
    assert stored(home_team) == {"PACING_TIME": "08:00", "CASE_PROMPT_DAY": "thursday"}
    with home_team.db.reading() as session:
        row = session.query(SettingOverride).filter_by(key="PACING_TIME").one()
        history = audit.history(session, "setting_overrides", row.id)
    assert [(entry.action, entry.actor) for entry in history] == [("create", ADMIN)]

    report = home_team.scheduler.run_job("daily_pacing", now=THURSDAY_0830_NY)
    assert report.outcomes[REP] is Outcome.SENT
    dm = home_team.fake.wait_for_call(
        "chat.postMessage", where=lambda c: c.params["channel"] == REP
    )
    assert "Your pacing for Thu 19 Nov 2026" in text_of(dm.params)

    # Typing the environment's value again removes the override.
    modal = open_modal(home_team, ADMIN, home, "home_edit_settings")
    submit(home_team, modal, settings_values(modal, pacing_time="09:00"))
    home_team.fake.wait_for(lambda: "PACING_TIME" not in stored(home_team))
    assert stored(home_team) == {"CASE_PROMPT_DAY": "thursday"}


def test_a_holiday_country_override_reaches_the_jobs(home_team: RunningBot) -> None:
    modal = open_modal(home_team, ADMIN, open_home(home_team, ADMIN), "home_edit_settings")
    submit(home_team, modal, settings_values(modal, holiday_country="us"))
    home_team.fake.wait_for(lambda: stored(home_team) == {"HOLIDAY_COUNTRY": "US"})
    ctx, jobs = home_team.scheduler.current()
    assert ctx.settings.holiday_country == "US"
    # Thanksgiving (Thu 26 Nov 2026) is no working day for Rita's pacing any more.
    thanksgiving = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert home_team.scheduler.run_job("daily_pacing", now=thanksgiving).outcomes[REP] is (
        Outcome.NOT_DUE
    )
    assert jobs["daily_pacing"] is not home_team.scheduler.jobs["daily_pacing"]


def test_settings_errors_show_under_the_field(home_team: RunningBot) -> None:
    modal = open_modal(home_team, ADMIN, open_home(home_team, ADMIN), "home_edit_settings")
    values = settings_values(modal, pacing_time="25:00", holiday_country="Atlantis")
    answer = submit(home_team, modal, values).json()
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "pacing_time": "PACING_TIME must be a local time such as 09:00 or 17:30, not '25:00'.",
        "holiday_country": (
            "HOLIDAY_COUNTRY 'Atlantis' is not a supported country code, e.g. US, CN or DE."
        ),
    }
    assert stored(home_team) == {}


def test_only_admins_may_open_or_submit_the_settings_forms(home_team: RunningBot) -> None:
    admin_home = open_home(home_team, ADMIN)
    team = team_of(home_team)
    settings_form = open_modal(home_team, ADMIN, admin_home, "home_edit_settings")
    team_form = open_modal(home_team, ADMIN, admin_home, f"home_edit_team_{team.id}")
    opened = len(home_team.fake.calls("views.open"))
    refusal = "Only the bot's admins can change these settings."

    for intruder in (MANAGER, REP):
        for action_id in ("home_edit_settings", f"home_edit_team_{team.id}"):
            mark = home_team.fake.mark()
            press(home_team, intruder, admin_home, action_id)
            answer = home_team.fake.wait_for_call(
                "chat.postMessage",
                since=mark,
                where=lambda c, who=intruder: c.params["channel"] == who,
            )
            assert refusal in text_of(answer.params)
        forged = settings_values(settings_form, pacing_time="07:00")
        answer = submit(home_team, settings_form, forged, user=intruder).json()
        assert answer == {"response_action": "errors", "errors": {"pacing_time": refusal}}
        forged = team_values(holiday_country="DE")
        answer = submit(home_team, team_form, forged, user=intruder).json()
        assert answer == {"response_action": "errors", "errors": {"channel": refusal}}
    assert len(home_team.fake.calls("views.open")) == opened
    assert stored(home_team) == {}
    assert team_of(home_team).holiday_country is None


def test_stored_values_are_read_by_the_environments_parsers() -> None:
    settings = Settings(slack_bot_token="xoxb-1", slack_signing_secret="s", slack_app_token=None)
    changed, problems = with_overrides(
        settings,
        {"PACING_TIME": "7:30", "WEEKLY_DIGEST_DAY": "wed", "HOLIDAY_COUNTRY": "cn"},
    )
    assert (changed.pacing_time, changed.weekly_digest_day) == (time(7, 30), 2)
    assert changed.holiday_country == "CN"
    assert problems == []
    kept, problems = with_overrides(settings, {"DIGEST_TIME": "noon", "PORT": "80"})
    assert kept == settings
    assert problems == [
        "DIGEST_TIME must be a local time such as 09:00 or 17:30, not 'noon'.",
        "PORT can't be changed from the Home tab.",
    ]


def test_no_override_keeps_the_environments_settings_and_jobs(running_bot: RunningBot) -> None:
    ctx, jobs = running_bot.scheduler.current()
    assert ctx is running_bot.scheduler.ctx
    assert jobs is running_bot.scheduler.jobs
    assert effective_settings(ctx) is running_bot.settings


def test_scheduler_health_shows_a_permanent_error_with_what_to_do(home_team: RunningBot) -> None:
    home_team.ask("/team", "Enterprise channel <#CTEAM01|sales>", user=ADMIN)
    home_team.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    thursday_0930_ny = datetime(2026, 11, 19, 14, 30, tzinfo=UTC)
    report = home_team.scheduler.run_job("manager_digest", now=thursday_0930_ny)
    assert report.count(Outcome.FAILED) == 1
    shown = text_of(open_home(home_team, ADMIN))
    assert "• *manager_digest* · last run" in shown
    assert "sent 0, failed 1" in shown
    assert ":no_entry: failed, not retried: 1 message (not_in_channel; latest" in shown
    assert "e.g. <#CTEAM01>). What to do: invite the bot to <#CTEAM01>" in shown

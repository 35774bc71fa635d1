"""/team end to end: create, list, managers, members, channel, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from store import audit, teams
from store.models import AuditEntry, Membership, Person, Team
from store.people import get_person
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

MANAGER = "UMGR001"
OTHER_MANAGER = "UMGR002"
NEW_HIRE = "UNEW001"


def at(slack_user_id: str, name: str | None = None) -> str:
    """A mention as Slack sends it in an escaped slash command."""
    return f"<@{slack_user_id}|{name or slack_user_id.lower()}>"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    fake = running_bot.fake
    fake.add_user(MANAGER, name="maria", real_name="Maria Manager", tz="America/New_York")
    fake.add_user(OTHER_MANAGER, name="mo", real_name="Mo Manager", tz="Asia/Shanghai")
    fake.add_user(NEW_HIRE, name="nina", real_name="Nina New", tz="Asia/Shanghai")
    return running_bot


def team_named(bot: RunningBot, name: str) -> Team | None:
    with bot.db.transaction() as session:
        return teams.get_team(session, name)


def channel_of(bot: RunningBot, name: str) -> str | None:
    team = team_named(bot, name)
    assert team is not None
    return team.channel_id


def holidays_of(bot: RunningBot, name: str) -> str | None:
    team = team_named(bot, name)
    assert team is not None
    return team.holiday_country


def roster(bot: RunningBot, name: str) -> set[tuple[str, str]]:
    """(Slack id, role) of everyone on the team."""
    team = team_named(bot, name)
    assert team is not None
    return {(m.person.slack_user_id, m.role) for m in team.memberships}


def person(bot: RunningBot, slack_user_id: str) -> Person | None:
    with bot.db.transaction() as session:
        return get_person(session, slack_user_id)


def count(bot: RunningBot, model: type) -> int:
    with bot.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def set_up_enterprise(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    bot.ask("/team", f"Enterprise manager {at(MANAGER, 'maria')}", user=ADMIN)
    bot.ask("/team", f"Enterprise add {at(REP, 'rita')}", user=ADMIN)
    bot.ask("/team", "create Mid Market", user=ADMIN)
    bot.ask("/team", f"Mid Market manager {at(OTHER_MANAGER, 'mo')}", user=ADMIN)
    bot.ask("/team", f"Mid Market add {at(OTHER_REP, 'oscar')}", user=ADMIN)


def test_an_admin_creates_a_team(bot: RunningBot) -> None:
    reply = bot.ask("/team", "create  Enterprise ", user=ADMIN)
    shown = text_of(reply)
    assert reply["response_type"] == "ephemeral"
    assert "Team *Enterprise* created" in shown
    assert "/team Enterprise manager @person" in shown
    assert "No members yet" in shown
    team = team_named(bot, "ENTERPRISE")
    assert team is not None
    assert team.name == "Enterprise"
    with bot.db.transaction() as session:
        [entry] = audit.history(session, "teams", team.id)
    assert (entry.actor, entry.action) == (ADMIN, "create")


def test_team_names_are_unique_whatever_their_case(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    shown = text_of(bot.ask("/team", "create  ENTERPRISE", user=ADMIN))
    assert ":warning:" in shown
    assert "already a team called “Enterprise”" in shown
    assert count(bot, Team) == 1


def test_managers_and_members_are_named_with_mentions(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    named = text_of(bot.ask("/team", f"Enterprise manager {at(MANAGER, 'maria')}", user=ADMIN))
    assert f"<@{MANAGER}> now manages *Enterprise*" in named
    added = text_of(
        bot.ask("/team", f"enterprise add {at(REP, 'rita')}, {at(OTHER_REP)}", user=ADMIN)
    )
    assert f"Added <@{REP}> and <@{OTHER_REP}> to *Enterprise*" in added
    # London's day: the admin's own today is each member's joining day.
    assert f"<@{REP}> · joined Wed 18 Nov 2026" in added
    assert roster(bot, "Enterprise") == {
        (MANAGER, "manager"),
        (REP, "member"),
        (OTHER_REP, "member"),
    }
    maria = person(bot, MANAGER)
    assert maria is not None
    assert (maria.role, maria.display_name) == ("manager", "maria")
    again = text_of(bot.ask("/team", f"Enterprise add {at(REP)}", user=ADMIN))
    assert "Nothing changed" in again
    assert f"<@{REP}> was already on it" in again


def test_someone_who_never_used_the_bot_is_added_with_their_slack_profile(
    bot: RunningBot,
) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    bot.ask("/team", f"Enterprise add {at(NEW_HIRE, 'nina')}", user=ADMIN)
    nina = person(bot, NEW_HIRE)
    assert nina is not None
    assert (nina.display_name, nina.tz) == ("nina", "Asia/Shanghai")
    assert nina.profile_synced_at is not None


def test_joined_on_is_the_day_where_the_manager_lives(bot: RunningBot) -> None:
    bot.ask("/team", "create Mid Market", user=ADMIN)
    bot.ask("/team", f"Mid Market manager {at(OTHER_MANAGER)}", user=ADMIN)
    # 20:00 UTC on Wednesday is already Thursday in Shanghai, where Mo lives.
    shown = text_of(bot.ask("/team", f"Mid Market add {at(OTHER_REP)}", user=OTHER_MANAGER))
    assert "joined Thu 19 Nov 2026" in shown
    team, oscar = team_named(bot, "mid market"), person(bot, OTHER_REP)
    assert team is not None
    assert oscar is not None
    assert teams.joined_on(team, oscar.id) == date(2026, 11, 19)


def test_members_are_removed_and_managers_unmanaged(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    removed = text_of(bot.ask("/team", f"Enterprise remove {at(REP)} {at(OTHER_REP)}", user=ADMIN))
    assert f"Removed <@{REP}> from *Enterprise*" in removed
    assert f"<@{OTHER_REP}> was not on it" in removed
    unmanaged = text_of(bot.ask("/team", f"Enterprise unmanage {at(MANAGER)}", user=ADMIN))
    assert f"<@{MANAGER}> no longer manages *Enterprise*" in unmanaged
    assert roster(bot, "Enterprise") == set()
    maria = person(bot, MANAGER)
    assert maria is not None
    assert maria.role == "rep"
    with bot.db.transaction() as session:
        deletes = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "team_memberships", AuditEntry.action == "delete"
            )
        ).all()
    assert {entry.actor for entry in deletes} == {ADMIN}
    assert len(deletes) == 2


def test_list_shows_every_team_with_managers_members_and_channel(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    bot.ask("/team", "Enterprise channel <#C0ENT001|enterprise-sales>", user=ADMIN)
    shown = text_of(bot.ask("/team", "", user=OTHER_REP))
    assert "Teams (2)" in shown
    assert "*Enterprise* · channel <#C0ENT001>" in shown
    assert f"Managers: <@{MANAGER}>" in shown
    assert f"Members (1): <@{REP}>" in shown
    assert "*Mid Market* · channel —" in shown
    assert shown.index("Enterprise") < shown.index("Mid Market")


def test_a_long_list_shows_the_first_teams_by_name_and_counts_every_team(bot: RunningBot) -> None:
    with bot.db.transaction() as session:
        for n in range(45):
            teams.create_team(session, f"Region {n:02d}", ADMIN)
    shown = text_of(bot.ask("/team", "", user=OTHER_REP))
    assert "Teams (45)" in shown
    assert "*Region 39*" in shown
    assert "*Region 40*" not in shown
    assert "…and 5 more. Open one with `/team <name>`." in shown


def test_an_empty_list_says_how_to_start(bot: RunningBot) -> None:
    assert "no teams yet" in text_of(bot.ask("/team", "")).lower()


def test_one_team_is_shown_by_name(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    shown = text_of(bot.ask("/team", "  mid   MARKET ", user=REP))
    assert "Mid Market" in shown
    assert f"<@{OTHER_MANAGER}>" in shown
    assert f"<@{OTHER_REP}> · joined Wed 18 Nov 2026" in shown
    assert "There is no team called “Nope”" in text_of(bot.ask("/team", "Nope"))


def test_the_channel_is_set_and_cleared(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    shown = text_of(bot.ask("/team", "Enterprise channel <#C0ENT001|ent>", user=MANAGER))
    assert "manager digest now goes to <#C0ENT001>" in shown
    assert "/invite @salesbot" in shown
    assert channel_of(bot, "Enterprise") == "C0ENT001"
    same = text_of(bot.ask("/team", "Enterprise channel <#C0ENT001>", user=MANAGER))
    assert "Nothing changed" in same
    cleared = text_of(bot.ask("/team", "Enterprise channel none", user=ADMIN))
    assert "goes to each manager by DM" in cleared
    assert channel_of(bot, "Enterprise") is None
    with bot.db.transaction() as session:
        team = teams.get_team(session, "Enterprise")
        assert team is not None
        history = audit.history(session, "teams", team.id)
        changes = [(entry.actor, (entry.after or {})["channel_id"]) for entry in history]
    assert changes == [(ADMIN, None), (MANAGER, "C0ENT001"), (ADMIN, None)]


def test_public_holidays_are_set_and_cleared(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    shown = text_of(bot.ask("/team", "Enterprise holidays us", user=MANAGER))
    assert "working days now skip US public holidays" in shown
    assert "*Public holidays*\nUS" in shown
    assert holidays_of(bot, "Enterprise") == "US"
    refused = text_of(bot.ask("/team", "Mid Market holidays CN", user=MANAGER))
    assert "Only Mid Market's managers or an admin can change its holidays" in refused
    assert holidays_of(bot, "Mid Market") is None
    unknown = text_of(bot.ask("/team", "Enterprise holidays Narnia", user=MANAGER))
    assert "I don't know the country “Narnia”" in unknown
    assert "Try: `/team Enterprise holidays US`" in unknown
    cleared = text_of(bot.ask("/team", "Enterprise holidays none", user=ADMIN))
    assert "follows the bot's default public holidays" in cleared
    assert holidays_of(bot, "Enterprise") is None


def test_case_review_day_and_time_are_set_and_cleared(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    shown = text_of(bot.ask("/team", "Enterprise casereview thursday 3pm", user=MANAGER))
    assert "now get the weekly case-review prompt on Thursdays at 15:00" in shown
    assert "*Case review*\nThursday 15:00" in shown
    team = team_named(bot, "Enterprise")
    assert team is not None
    assert (team.case_prompt_weekday, team.case_prompt_time) == (3, "15:00")
    same = text_of(bot.ask("/team", "Enterprise casereview thu 15:00", user=MANAGER))
    assert "Nothing changed" in same
    refused = text_of(bot.ask("/team", "Mid Market casereview monday", user=MANAGER))
    assert "Only Mid Market's managers or an admin can change its case-review time" in refused
    cleared = text_of(bot.ask("/team", "Enterprise casereview none", user=ADMIN))
    assert "on Fridays at 16:00" in cleared
    assert "*Case review*\nthe bot default" in cleared
    with bot.db.transaction() as session:
        team = teams.get_team(session, "Enterprise")
        assert team is not None
        history = audit.history(session, "teams", team.id)
        changes = [(e.actor, (e.after or {})["case_prompt_weekday"]) for e in history]
    assert changes[-2:] == [(MANAGER, 3), (ADMIN, None)]


def test_a_manager_changes_their_own_team_but_no_other(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    added = text_of(bot.ask("/team", f"Enterprise add {at(NEW_HIRE)}", user=MANAGER))
    assert f"Added <@{NEW_HIRE}>" in added
    removed = text_of(bot.ask("/team", f"Enterprise remove {at(NEW_HIRE)}", user=MANAGER))
    assert f"Removed <@{NEW_HIRE}>" in removed
    before = roster(bot, "Mid Market")
    for command, words in (
        (f"Mid Market add {at(REP)}", "Only Mid Market's managers or an admin"),
        (f"Mid Market remove {at(OTHER_REP)}", "Only Mid Market's managers or an admin"),
        ("Mid Market channel <#C0MID001>", "can change its channel"),
        (f"Enterprise manager {at(REP)}", "Only an admin can name or remove a team's managers"),
        (f"Enterprise unmanage {at(MANAGER)}", "Only an admin"),
        ("create Startups", "Only an admin can create teams"),
    ):
        shown = text_of(bot.ask("/team", command, user=MANAGER))
        assert ":warning:" in shown, command
        assert words in shown, (command, shown)
    assert roster(bot, "Mid Market") == before
    assert roster(bot, "Enterprise") == {(MANAGER, "manager"), (REP, "member")}
    assert team_named(bot, "Startups") is None
    assert channel_of(bot, "Mid Market") is None


def test_a_rep_may_look_but_not_change(bot: RunningBot) -> None:
    set_up_enterprise(bot)
    entries = count(bot, AuditEntry)
    for command in (
        "create Startups",
        f"Enterprise add {at(NEW_HIRE)}",
        f"Enterprise remove {at(REP)}",
        f"Enterprise manager {at(REP)}",
        "Enterprise channel <#C0ENT001>",
    ):
        shown = text_of(bot.ask("/team", command, user=REP))
        assert ":warning:" in shown, command
        assert "Only" in shown, command
    assert count(bot, AuditEntry) == entries
    # A refusal creates no one: the person mentioned was never looked up.
    assert person(bot, NEW_HIRE) is None
    assert "Enterprise" in text_of(bot.ask("/team", "", user=REP))


def test_a_redelivered_command_changes_things_once(bot: RunningBot) -> None:
    trigger = bot.slack.new_trigger_id()
    url = bot.fake.response_url()
    for retry in (None, 1):
        bot.slack.command(
            "/team", "create Enterprise", user_id=ADMIN, response_url=url, trigger_id=trigger,
            retry_num=retry,
        )  # fmt: skip
    # The deliveries may be answered in any order; exactly one of them did the work.
    replies = [text_of(bot.reply_to(url, index)) for index in range(2)]
    assert sum("Team *Enterprise* created" in reply for reply in replies) == 1
    assert sum("already made" in reply for reply in replies) == 1
    assert count(bot, Team) == 1

    trigger = bot.slack.new_trigger_id()
    url = bot.fake.response_url()
    for retry in (None, 1, 2):
        bot.slack.command(
            "/team", f"Enterprise add {at(REP)}", user_id=ADMIN, response_url=url,
            trigger_id=trigger, retry_num=retry,
        )  # fmt: skip
    for index in range(3):
        assert f"<@{REP}>" in text_of(bot.reply_to(url, index))
    assert count(bot, Membership) == 1
    with bot.db.transaction() as session:
        created = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "team_memberships")
        ).all()
    assert len(created) == 1


def test_a_name_typed_without_autocomplete_gets_a_friendly_explanation(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    shown = text_of(bot.ask("/team", "Enterprise add @rita", user=ADMIN))
    assert "I can't tell who “@rita” is" in shown
    assert "Pick each person from the list Slack shows when you type @" in shown
    assert "Try: `/team Enterprise add @rita`" in shown
    assert count(bot, Membership) == 0


def test_bad_input_gets_a_clear_message_with_an_example(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    for command, expected in (
        ("create", "Give the new team a name"),
        ("create " + "x" * 81, "at most 80 characters"),
        (f"create Big {at(REP)}", "can't contain mentions"),
        ("Enterprise add", "Mention the people"),
        ("Enterprise add rita", "isn't a mention of a person"),
        ("Enterprise add <#C0ENT001|ent>", "is a channel, not a person"),
        ("Enterprise channel #sales", "Pick the channel from the list"),
        ("Enterprise channel", "Add the channel"),
        (f"Nowhere add {at(REP)}", "There is no team called “Nowhere”"),
    ):
        reply = bot.ask("/team", command, user=ADMIN)
        shown = text_of(reply)
        assert ":warning:" in shown, command
        assert expected in shown, (command, shown)
        assert "Try: `/team" in shown, command
        assert "Traceback" not in shown
    assert count(bot, Membership) == 0
    assert count(bot, Team) == 1


def test_names_with_spaces_and_verbs_in_quotes(bot: RunningBot) -> None:
    bot.ask("/team", 'create "Sales Channel"', user=ADMIN)
    shown = text_of(bot.ask("/team", f'"sales channel" add {at(REP)}', user=ADMIN))
    assert f"Added <@{REP}> to *Sales Channel*" in shown
    assert '/team "Sales Channel" add @person' in shown
    assert roster(bot, "Sales Channel") == {(REP, "member")}


def test_help_lists_every_form(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/team", "help"))
    for words in (
        "/team create <name>",
        "manager @person",
        "unmanage",
        "add @person",
        "remove @person",
        "channel none",
        "holidays <country>",
        "casereview <weekday> <time>",
        "/team Enterprise add @rita @oscar",
    ):
        assert words in shown, words


def test_a_big_team_still_fits_in_one_valid_message(bot: RunningBot) -> None:
    bot.ask("/team", "create Enterprise", user=ADMIN)
    people = [f"UBIG{n:04d}" for n in range(60)]
    for start in range(0, 60, 20):
        mentions = " ".join(at(user_id) for user_id in people[start : start + 20])
        bot.ask("/team", f"Enterprise add {mentions}", user=ADMIN)
    card = bot.ask("/team", "Enterprise", user=ADMIN)
    assert len(card["blocks"]) <= 50
    assert "*Members*\n60" in text_of(card)
    listed = bot.ask("/team", "", user=ADMIN)
    assert "…and 30 more" in text_of(listed)
    # The fake Slack rejects (and the fixture reports) any invalid message.
    assert bot.fake.problems == []


def test_an_unexpected_failure_gets_an_apology_and_saves_nothing(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = teams.create_team

    def create_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("boom")

    monkeypatch.setattr(teams, "create_team", create_then_fail)
    shown = text_of(bot.ask("/team", "create Enterprise", user=ADMIN))
    assert "Sorry, something went wrong" in shown
    assert "boom" not in shown
    assert count(bot, Team) == 0
    assert count(bot, AuditEntry) == 0

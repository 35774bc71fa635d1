"""/case end to end: write a case in the form, share it with the team, edit it; browse and
search the team's case library; away weeks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store import audit
from store.models import Away, Case
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import action_ids, text_of

MANAGER = "UMGR001"
OUTSIDER = "UREP003"  # on another team
CHANNEL = "CTEAM01"

FORM = {
    "title": "Acme: renewal saved by going to the CFO",
    "pain_point": "Budget freeze; IT could not justify the spend",
    "strategy": "Built the business case with finance and met the CFO",
    "result": "Renewed for two years at full price",
    "lessons": "Find the economic buyer before the proposal",
    "tags": "#renewal, CFO",
}


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Enterprise (Rita, Oscar; manager Mia; channel CTEAM01) and Mid Market (Uma)."""
    fake = running_bot.fake
    fake.add_user(MANAGER, name="mia", real_name="Mia Manager", tz="America/New_York")
    fake.add_user(OUTSIDER, name="uma", real_name="Uma Outsider", tz="Europe/Berlin")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
        f"Enterprise channel <#{CHANNEL}|enterprise>",
        "create Mid Market",
        f"Mid Market add <@{OUTSIDER}|uma>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    return running_bot


def saved_cases(bot: RunningBot) -> list[Case]:
    with bot.db.reading() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def open_form(bot: RunningBot, user: str = REP) -> tuple[dict, str]:
    mark = bot.fake.mark()
    response, response_url = bot.command("/case", "", user)
    assert response.status == 200
    return bot.fake.wait_for_call("views.open", since=mark).response["view"], response_url


def submit(bot: RunningBot, view: dict, user: str = REP, **overrides: object):
    values = {**FORM, **overrides}
    state = {key: {key: value} for key, value in values.items() if value is not None}
    return bot.slack.view_submission(
        user_id=user, callback_id="case_modal", values=state, view=view
    )


def write_case(bot: RunningBot, user: str = REP, **overrides: object) -> dict:
    """Write a case through the form; the answer the author gets."""
    view, response_url = open_form(bot, user)
    index = len([c for c in bot.fake.calls("response_url") if c.params["url"] == response_url])
    assert submit(bot, view, user, **overrides).status == 200
    return bot.reply_to(response_url, index)


def channel_posts(bot: RunningBot, channel: str = CHANNEL) -> list[dict]:
    return [
        call.params
        for call in bot.fake.calls("chat.postMessage")
        if call.params["channel"] == channel and (call.response or {}).get("ok")
    ]


def press(bot: RunningBot, message: dict, action_id: str, user: str = REP, **extra) -> str:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=response_url, message=message, **extra
    )
    assert response.status == 200
    return response_url


def test_the_form_asks_for_the_case_and_saves_it_for_this_week(bot: RunningBot) -> None:
    view, _ = open_form(bot)
    shown = text_of(view)
    assert "Your case for *the week of Mon 16 Nov 2026*" in shown
    assert f"shared with your team in <#{CHANNEL}>" in shown
    block_ids = [block.get("block_id") for block in view["blocks"]]
    for field in ("title", "pain_point", "strategy", "result", "lessons", "tags"):
        assert field in block_ids
    answer = write_case(bot)
    assert f"shared with the team in <#{CHANNEL}>" in text_of(answer)
    [case] = saved_cases(bot)
    assert (case.week, case.tags, case.author.slack_user_id) == ("2026-W47", "renewal cfo", REP)
    assert case.pain_point == FORM["pain_point"]
    with bot.db.reading() as session:
        assert [e.action for e in audit.history(session, "cases", case.id)] == [
            "create",
            "update",  # where its card was posted
        ]


def test_a_saved_case_is_posted_to_the_team_as_a_readable_card(bot: RunningBot) -> None:
    write_case(bot)
    [card] = channel_posts(bot)
    shown = text_of(card)
    assert ":bookmark_tabs: Acme: renewal saved by going to the CFO" in shown
    assert f"*Written by*\n<@{REP}>" in shown
    for label, key in (
        ("The customer's pain point", "pain_point"),
        ("Your strategy", "strategy"),
        ("The result", "result"),
        ("Lessons learned", "lessons"),
    ):
        assert f"*{label}*\n{FORM[key]}" in shown
    assert "`#renewal` `#cfo`" in shown
    assert action_ids(card) == ["case_edit"]
    [case] = saved_cases(bot)
    assert case.channel == CHANNEL
    assert case.message_ts


def test_missing_fields_and_bad_tags_are_shown_under_each(bot: RunningBot) -> None:
    view, _ = open_form(bot)
    response = submit(bot, view, title="", strategy="  ", tags="a/b")
    assert response.json()["response_action"] == "errors"
    errors = response.json()["errors"]
    assert set(errors) == {"title", "strategy", "tags"}
    assert "letters, digits" in errors["tags"]
    assert saved_cases(bot) == []


def test_a_resubmitted_form_saves_and_posts_once(bot: RunningBot) -> None:
    view, response_url = open_form(bot)
    view["id"] = "V_SAME"
    assert submit(bot, view).status == 200
    assert submit(bot, view).status == 200
    bot.reply_to(response_url, 1)
    assert len(saved_cases(bot)) == 1
    assert len(channel_posts(bot)) == 1


def test_the_author_edits_the_case_and_the_team_card_updates(bot: RunningBot) -> None:
    write_case(bot)
    [card] = channel_posts(bot)
    card = {**card, "ts": saved_cases(bot)[0].message_ts}
    mark = bot.fake.mark()
    edit_url = press(bot, card, "case_edit", channel_id=CHANNEL)
    view = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    assert "Edit case" in text_of(view)
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == FORM["title"]
    tags = next(b for b in view["blocks"] if b.get("block_id") == "tags")
    assert tags["element"]["initial_value"] == "#renewal #cfo"
    submit(bot, view, result="Renewed for three years", tags="renewal")
    assert "its card in <#CTEAM01> too" in text_of(bot.reply_to(edit_url))
    update = bot.fake.wait_for_call("chat.update", since=mark)
    assert (update.params["channel"], update.params["ts"]) == (CHANNEL, card["ts"])
    assert "*The result*\nRenewed for three years" in text_of(update.params)
    assert len(channel_posts(bot)) == 1  # updated in place, not posted again
    [case] = saved_cases(bot)
    assert (case.result, case.tags) == ("Renewed for three years", "renewal")
    with bot.db.reading() as session:
        actions = [e.action for e in audit.history(session, "cases", case.id)]
    assert actions == ["create", "update", "update"]


def test_only_the_author_may_edit(bot: RunningBot) -> None:
    write_case(bot)
    [card] = channel_posts(bot)
    mark = bot.fake.mark()
    for someone in (OTHER_REP, MANAGER, ADMIN):
        refusal = bot.reply_to(press(bot, card, "case_edit", user=someone))
        assert "Only the person who wrote this case can edit it" in text_of(refusal)
    assert bot.fake.calls("views.open")[mark:] == []


def test_an_edit_form_submitted_by_someone_else_changes_nothing(bot: RunningBot) -> None:
    write_case(bot)
    [card] = channel_posts(bot)
    press(bot, card, "case_edit")
    view = bot.fake.wait_for_call("views.open", where=lambda c: "Edit" in str(c.params)).response[
        "view"
    ]
    mark = bot.fake.mark()
    submit(bot, view, user=OTHER_REP, title="Tampered")
    bot.fake.wait_for(lambda: bot.fake.calls()[mark:])
    assert saved_cases(bot)[0].title == FORM["title"]


def test_the_case_can_be_about_one_of_the_reps_deals_or_customers(bot: RunningBot) -> None:
    bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k")
    bot.ask("/visit", "Globex: intro call")
    view, response_url = open_form(bot)
    about = next(b for b in view["blocks"] if b.get("block_id") == "about")
    assert about["optional"] is True
    groups = {
        group["label"]["text"]: [option["value"] for option in group["options"]]
        for group in about["element"]["option_groups"]
    }
    assert groups["Your open deals"] == ["deal:1"]
    assert set(groups["Your customers"]) == {"customer:1", "customer:2"}
    submit(bot, view, about="deal:1")
    bot.reply_to(response_url)
    [case] = saved_cases(bot)
    assert (case.deal_id, case.customer.name) == (1, "Acme Corp")
    assert "*Deal*\n#1 Acme Corp — Renewal 2027" in text_of(channel_posts(bot)[0])


def test_a_rep_without_deals_or_customers_gets_no_empty_menu(bot: RunningBot) -> None:
    view, _ = open_form(bot, OTHER_REP)
    assert "about" not in [block.get("block_id") for block in view["blocks"]]


def test_someone_elses_deal_or_customer_cannot_be_slipped_in(bot: RunningBot) -> None:
    bot.ask("/deal", "new Acme Corp; Renewal 2027; 120k")  # Rita's deal #1, customer #1
    for about in ("deal:1", "customer:1"):
        picked = {"type": "static_select", "selected_option": {"value": about}}
        write_case(bot, OTHER_REP, title=f"About {about}", about=picked)
    for case in saved_cases(bot):
        assert (case.deal_id, case.customer_id) == (None, None)


def test_a_case_without_a_team_channel_stays_in_the_library(bot: RunningBot) -> None:
    answer = write_case(bot, OUTSIDER)
    assert "has no channel" in text_of(answer)
    assert "/team Mid Market channel #channel" in text_of(answer)
    assert channel_posts(bot) == []


def test_someone_on_no_team_keeps_their_case(running_bot: RunningBot) -> None:
    answer = write_case(running_bot)
    assert "Join a team" in text_of(answer)
    [case] = saved_cases(running_bot)
    assert case.team_id is None


def test_a_channel_the_bot_is_not_in_is_explained(bot: RunningBot) -> None:
    bot.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    answer = write_case(bot)
    assert "couldn't post it in <#CTEAM01>" in text_of(answer)
    assert len(saved_cases(bot)) == 1


def titles_in(message: dict) -> list[str]:
    return [
        block["text"]["text"].split("\n")[0].strip("*")
        for block in message["blocks"]
        if block.get("accessory", {}).get("action_id", "").startswith("case_open_")
    ]


def test_list_shows_the_teams_cases_newest_first_a_page_at_a_time(bot: RunningBot) -> None:
    for number in range(1, 8):
        write_case(bot, REP if number % 2 else OTHER_REP, title=f"Case {number}")
    write_case(bot, OUTSIDER, title="Mid Market case")
    first = bot.ask("/case", "list", user=MANAGER)
    assert first["response_type"] == "ephemeral"
    assert titles_in(first) == ["Case 7", "Case 6", "Case 5", "Case 4", "Case 3"]
    assert "7 cases from your teams, newest first" in text_of(first)
    assert "1 to 5 of 7" in text_of(first)
    assert "case_page_more" in action_ids(first)
    assert "case_page_back" not in action_ids(first)
    second = bot.reply_to(press(bot, first, "case_page_more", user=MANAGER))
    assert second["replace_original"] is True
    assert titles_in(second) == ["Case 2", "Case 1"]
    assert action_ids(second) == ["case_page_back"]
    back = bot.reply_to(press(bot, second, "case_page_back", user=MANAGER))
    assert titles_in(back) == titles_in(first)


def test_list_by_person_and_tag(bot: RunningBot) -> None:
    write_case(bot, REP, title="Rita pricing", tags="pricing")
    write_case(bot, REP, title="Rita other", tags="")
    write_case(bot, OTHER_REP, title="Oscar pricing", tags="pricing cfo")
    by_rita = bot.ask("/case", f"list <@{REP}|rita>", user=OTHER_REP)
    assert titles_in(by_rita) == ["Rita other", "Rita pricing"]
    tagged = bot.ask("/case", "list #pricing", user=REP)
    assert titles_in(tagged) == ["Oscar pricing", "Rita pricing"]
    both = bot.ask("/case", f"list #PRICING <@{REP}|rita>", user=REP)
    assert titles_in(both) == ["Rita pricing"]
    as_channel = bot.ask("/case", "list <#C0CFO01|cfo>", user=REP)
    assert titles_in(as_channel) == ["Oscar pricing"]
    assert titles_in(bot.ask("/case", "list mine", user=OTHER_REP)) == ["Oscar pricing"]
    assert "No cases match" in text_of(bot.ask("/case", "list #nothing"))


def test_search_finds_cases_by_words_in_any_field(bot: RunningBot) -> None:
    bot.ask("/visit", "Initech: kickoff")
    fields = {
        "title": ("Title with Zebra", {}),
        "pain_point": ("Pain", {"pain_point": "A zebra-striped budget"}),
        "strategy": ("Strategy", {"strategy": "Zebra crossing"}),
        "result": ("Result", {"result": "ZEBRA won"}),
        "lessons": ("Lessons", {"lessons": "Never forget the zebra"}),
        "tags": ("Tags", {"tags": "zebra"}),
    }
    for title, overrides in fields.values():
        write_case(bot, title=title, tags=overrides.pop("tags", ""), **overrides)
    view, response_url = open_form(bot)
    submit(bot, view, title="Customer", about="customer:1", tags="")  # Initech
    bot.reply_to(response_url)
    write_case(bot, title="Nothing to see", tags="")
    found = bot.ask("/case", "search zebra")
    assert "6 cases with “zebra”, most relevant first" in text_of(found)
    # As relevant as each other: newest first, five to a page.
    assert titles_in(found) == ["Tags", "Lessons", "Result", "Strategy", "Pain"]
    more = bot.reply_to(press(bot, found, "case_page_more"))
    assert titles_in(more) == ["Title with Zebra"]
    assert titles_in(bot.ask("/case", "search INITECH")) == ["Customer"]


def test_search_needs_every_word_and_ranks_by_matches(bot: RunningBot) -> None:
    write_case(bot, title="Budget only", pain_point="budget", strategy="s", tags="")
    write_case(bot, title="Budget and CFO once", pain_point="budget cfo", tags="")
    write_case(
        bot,
        title="Budget CFO everywhere",
        pain_point="The CFO had no budget",
        strategy="Budget review with the CFO",
        tags="cfo budget",
    )
    found = bot.ask("/case", "search cfo budget")
    assert titles_in(found) == ["Budget CFO everywhere", "Budget and CFO once"]
    assert "No case has every word" in text_of(bot.ask("/case", "search cfo zeppelin"))


def test_search_ignores_case_in_any_script(bot: RunningBot) -> None:
    write_case(bot, title="Überweisung verspätet", tags="")
    write_case(bot, title="年度预算被冻结", tags="预算")
    assert titles_in(bot.ask("/case", "search überweisung")) == ["Überweisung verspätet"]
    assert titles_in(bot.ask("/case", "search 预算")) == ["年度预算被冻结"]


def test_other_teams_cases_stay_out_of_reach_but_admins_see_all(bot: RunningBot) -> None:
    write_case(bot, REP, title="Enterprise secret")
    write_case(bot, OUTSIDER, title="Mid Market secret")
    assert titles_in(bot.ask("/case", "search secret", user=OUTSIDER)) == ["Mid Market secret"]
    assert titles_in(bot.ask("/case", "search secret", user=OTHER_REP)) == ["Enterprise secret"]
    assert sorted(titles_in(bot.ask("/case", "search secret", user=ADMIN))) == [
        "Enterprise secret",
        "Mid Market secret",
    ]
    listed = bot.ask("/case", "search secret", user=REP)
    refusal = bot.reply_to(press(bot, listed, "case_open_1", user=OUTSIDER))
    assert "another team's library" in text_of(refusal)
    opened = bot.reply_to(press(bot, listed, "case_open_1", user=MANAGER))
    assert ":bookmark_tabs: Enterprise secret" in text_of(opened)
    assert "case_edit" not in action_ids(opened)  # only the author gets the Edit button
    assert "case_edit" in action_ids(bot.reply_to(press(bot, listed, "case_open_1")))


def test_away_days_are_saved_shown_and_cleared(bot: RunningBot) -> None:
    saved = text_of(bot.ask("/case", "away 2026-12-21 to 2027-01-01"))
    assert "You're away Mon 21 Dec 2026 to Fri 1 Jan 2027" in saved
    assert "weeks of 21 Dec and 28 Dec" in saved
    bot.ask("/case", "away next week")
    shown = text_of(bot.ask("/case", "away"))
    assert "• Mon 23 Nov 2026 to Sun 29 Nov 2026" in shown
    assert shown.index("23 Nov") < shown.index("21 Dec")
    cleared = text_of(bot.ask("/case", "away clear"))
    assert "Welcome back" in cleared
    assert "no away days coming up" in cleared
    with bot.db.reading() as session:
        assert session.scalars(select(Away)).all() == []
        assert [e.action for e in audit.history(session, "away", 1)] == ["create", "delete"]
    past = text_of(bot.ask("/case", "away 2026-11-01 to 2026-11-10"))
    assert "already over" in past


def test_help_and_mistakes(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/case", "help"))
    for words in ("/case list [mine | @person] [#tag]", "/case search <words>", "away"):
        assert words in shown
    mistake = text_of(bot.ask("/case", "lsit"))
    assert "“lsit”" in mistake
    assert "Try: `/case list @rita #pricing`" in mistake
    assert saved_cases(bot) == []

"""/team: list, create and change teams: managers, members and the digest channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, escape, notice, parse_problem, problem, user
from blocks.teams import LIST_TEAMS_SHOWN, team_card, team_help, team_list
from handlers.inputs import command_text
from handlers.replies import BeforeAck, guarded, nothing_before_ack, reply
from parsing.errors import ParseError
from parsing.team_command import (
    TeamAddManagers,
    TeamAddMembers,
    TeamCommand,
    TeamCreate,
    TeamHelp,
    TeamList,
    TeamPeopleChange,
    TeamSetCaseReview,
    TeamSetChannel,
    TeamSetCurrency,
    TeamSetFlag,
    TeamSetHolidays,
    TeamSetLanguage,
    TeamShow,
    TeamUnmanage,
    parse_team_command,
    team_ref,
)
from runtime.settings import Settings
from sales.case_review import WEEKDAY_NAMES
from sales.permissions import Actor, NotAllowed
from services.context import BotContext
from services.home import refresh_home_soon
from services.overrides import effective_settings
from store import teams
from store.db import record_id
from store.models import Person, Team
from translations import (
    ENGLISH,
    LANGUAGE_NAMES,
    Language,
    gettext,
    language_for_team,
    marked,
    msg,
    ngettext,
    render,
)

TeamSetting = (
    TeamSetChannel
    | TeamSetHolidays
    | TeamSetCaseReview
    | TeamSetLanguage
    | TeamSetCurrency
    | TeamSetFlag
)
TeamChange = TeamPeopleChange | TeamSetting
ALREADY_DONE = marked("This change was already made.")


class NoSuchTeam(NotAllowed):
    """The command names a team that doesn't exist; shown with an example to copy."""

    def __init__(self, name: str) -> None:
        super().__init__(
            msg("There is no team called “{name}”. `/team` lists every team.", name=name[:80])
        )
        self.example = "/team"


BEFORE_ACK: dict[str, BeforeAck] = {"/team": nothing_before_ack}


def register(app: App, ctx: BotContext) -> None:
    @app.command("/team")
    @guarded
    def team_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        ack()
        person = ctx.people.person(command["user_id"])
        actor = ctx.people.actor(person)
        language = ctx.language_for(person)
        try:
            parsed = parse_team_command(command_text(command))
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        key = f"command:{command['trigger_id']}"
        try:
            answer = _answer(ctx, actor, person, parsed, key, language)
        except NotAllowed as refusal:
            answer = refused(refusal, language)
        reply(respond, answer)
        refresh_home_soon(ctx, client, actor.slack_user_id)


def refused(refusal: NotAllowed, language: Language = ENGLISH) -> Message:
    return problem(render(language, refusal.message), getattr(refusal, "example", None), language)


def run_once(ctx: BotContext, key: str, work: Callable[[Session], str]) -> tuple[str, bool]:
    """`ctx.db.run_once`, where a refusal caused by a redelivery of the same request racing
    this one (e.g. "that team already exists") counts as "already done"."""
    try:
        return ctx.db.run_once(key, work)
    except NotAllowed:
        earlier = ctx.db.handled(key)
        if earlier is None:
            raise
        return earlier, False


def _answer(
    ctx: BotContext,
    actor: Actor,
    person: Person,
    command: TeamCommand,
    key: str,
    language: Language,
) -> Message:
    match command:
        case TeamHelp():
            return team_help(language)
        case TeamList():
            with ctx.db.reading() as session:
                shown, total = teams.first_teams(session, LIST_TEAMS_SHOWN)
                return team_list(shown, total, language)
        case TeamShow(team=name):
            with ctx.db.transaction() as session:
                return team_card(_team(session, name), language=language)
        case TeamCreate(name=name):
            return _create(ctx, actor, name, key, language)
        case _:
            return _change(ctx, actor, person, command, key, language)


def _create(ctx: BotContext, actor: Actor, name: str, key: str, language: Language) -> Message:
    if not actor.is_admin:
        raise NotAllowed(msg("Only an admin can create teams. Ask one of the bot's admins."))

    def create(session: Session) -> str:
        existing = teams.get_team(session, name)
        if existing is not None:
            raise NotAllowed(msg("There is already a team called “{name}”.", name=existing.name))
        return f"team:{teams.create_team(session, name, actor.slack_user_id).id}"

    ref, first = run_once(ctx, key, create)
    headline = (
        gettext(language, ":sparkles: Team *{name}* created.", name=escape(name))
        if first
        else gettext(language, ALREADY_DONE)
    )
    example = escape(team_ref(name))
    notes = (
        gettext(
            language,
            "Next: `/team {team} manager @person` and `/team {team} add @person`.",
            team=example,
        ),
    )
    return _card(ctx, ref, headline, notes if first else (), language)


def _change(
    ctx: BotContext,
    actor: Actor,
    person: Person,
    command: TeamChange,
    key: str,
    language: Language,
) -> Message:
    # Checked before anyone is looked up, so a refusal creates no one.
    with ctx.db.transaction() as session:
        _require(actor, _team(session, command.team), command)
    people: list[Person] = []
    if not isinstance(command, TeamSetting):
        people = [ctx.people.person(user_id) for user_id in command.user_ids]
    today = ctx.today_for(person)
    headline, notes = gettext(language, ALREADY_DONE), ()
    settings = effective_settings(ctx)  # the defaults in force, for the confirmation

    def apply(session: Session) -> str:
        nonlocal headline, notes
        team = _team(session, command.team)
        _require(actor, team, command)
        if isinstance(command, TeamSetChannel):
            headline, notes = _set_channel(session, team, command.channel_id, actor, language)
        elif isinstance(command, TeamSetHolidays):
            headline, notes = _set_holidays(session, team, command.country, actor, language)
        elif isinstance(command, TeamSetCaseReview):
            headline, notes = _set_case_review(session, team, command, actor, settings, language)
        elif isinstance(command, TeamSetLanguage):
            headline, notes = _set_language(ctx, session, team, command.language, actor, language)
        elif isinstance(command, TeamSetCurrency):
            headline, notes = _set_currency(ctx, session, team, command.currency, actor, language)
        elif isinstance(command, TeamSetFlag):
            headline, notes = _set_flag(session, team, command, actor, language)
        else:
            ids = [p.id for p in people]
            headline, notes = _change_people(session, team, command, ids, today, actor, language)
        return f"team:{team.id}"

    ref, first = run_once(ctx, key, apply)
    if not first:  # what a racing delivery's rolled-back attempt found is no news
        headline, notes = gettext(language, ALREADY_DONE), ()
    return _card(ctx, ref, headline, notes, language)


def _require(actor: Actor, team: Team, command: TeamChange) -> None:
    """Raise NotAllowed unless the actor may make this change to this team."""
    if actor.is_admin:
        return
    if isinstance(command, TeamAddManagers | TeamUnmanage):
        raise NotAllowed(msg("Only an admin can name or remove a team's managers."))
    if not teams.is_manager_of(team, actor.person_id):
        what = {
            TeamSetChannel: msg("channel"),
            TeamSetHolidays: msg("holidays"),
            TeamSetCaseReview: msg("case-review time"),
            TeamSetLanguage: msg("language"),
            TeamSetCurrency: msg("currency"),
        }.get(type(command), msg("members"))
        if isinstance(command, TeamSetFlag):
            what = _FLAG_NAMES[command.flag]
        raise NotAllowed(
            msg(
                "Only {team}'s managers or an admin can change its {what}.",
                team=team.name,
                what=what,
            )
        )


def _change_people(
    session: Session,
    team: Team,
    command: TeamPeopleChange,
    person_ids: list[int],
    today: date,
    actor: Actor,
    language: Language,
) -> tuple[str, tuple[str, ...]]:
    """Make the change for each person; the headline and notes saying what happened."""
    adding = isinstance(command, TeamAddManagers | TeamAddMembers)
    role = teams.MANAGER if isinstance(command, TeamAddManagers | TeamUnmanage) else teams.MEMBER
    changed: list[str] = []
    unchanged: list[str] = []
    for person_id in person_ids:
        person = session.get_one(Person, person_id)
        if adding:
            done = teams.add_to_team(session, team, person_id, role, today, actor.slack_user_id)
        else:
            done = teams.remove_from_team(session, team, person_id, role, actor.slack_user_id)
        if role == teams.MANAGER:
            teams.refresh_role(session, person)
        (changed if done else unchanged).append(user(person.slack_user_id))
    name = f"*{escape(team.name)}*"
    done, kept = _and(changed, language), _and(unchanged, language)
    n, kept_n = len(changed), len(unchanged)
    if isinstance(command, TeamAddManagers):
        headline = ngettext(
            language,
            ":crown: {people} now manages {team}.",
            ":crown: {people} now manage {team}.",
            n,
            people=done,
            team=name,
        )
        note = ngettext(
            language,
            "{people} already manages it.",
            "{people} already manage it.",
            kept_n,
            people=kept,
        )
    elif isinstance(command, TeamUnmanage):
        headline = ngettext(
            language,
            "{people} no longer manages {team}.",
            "{people} no longer manage {team}.",
            n,
            people=done,
            team=name,
        )
        note = ngettext(
            language,
            "{people} was not one of its managers.",
            "{people} were not one of its managers.",
            kept_n,
            people=kept,
        )
    elif isinstance(command, TeamAddMembers):
        headline = gettext(language, ":wave: Added {people} to {team}.", people=done, team=name)
        note = ngettext(
            language,
            "{people} was already on it.",
            "{people} were already on it.",
            kept_n,
            people=kept,
        )
    else:
        headline = gettext(language, "Removed {people} from {team}.", people=done, team=name)
        note = ngettext(
            language,
            "{people} was not on it.",
            "{people} were not on it.",
            kept_n,
            people=kept,
        )
    if not changed:
        return gettext(language, "Nothing changed in {team}: {note}", team=name, note=note), ()
    return headline, (note,) if unchanged else ()


def _set_channel(
    session: Session, team: Team, channel_id: str | None, actor: Actor, language: Language
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    if team.channel_id == channel_id:
        where = f"<#{channel_id}>" if channel_id else gettext(language, "no channel")
        return gettext(
            language, "Nothing changed: {team} already uses {where}.", team=name, where=where
        ), ()
    teams.set_channel(session, team, channel_id, actor.slack_user_id)
    if channel_id is None:
        return gettext(
            language,
            "{team} has no channel now: its manager digest goes to each manager by DM.",
            team=name,
        ), ()
    return (
        gettext(
            language,
            ":loudspeaker: {team}'s manager digest now goes to {channel}.",
            team=name,
            channel=f"<#{channel_id}>",
        ),
        (
            gettext(
                language, "Make sure the bot is in that channel: type `/invite @salesbot` there."
            ),
        ),
    )


def _set_holidays(
    session: Session, team: Team, country: str | None, actor: Actor, language: Language
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    if team.holiday_country == country:
        holidays = country or gettext(language, "the default holidays")
        return gettext(
            language,
            "Nothing changed: {team} already uses {holidays}.",
            team=name,
            holidays=holidays,
        ), ()
    teams.set_holiday_country(session, team, country, actor.slack_user_id)
    if country is None:
        return gettext(
            language, "{team} now follows the bot's default public holidays.", team=name
        ), ()
    return gettext(
        language,
        ":calendar: {team}'s working days now skip {country} public holidays.",
        team=name,
        country=country,
    ), ()


def _set_language(
    ctx: BotContext,
    session: Session,
    team: Team,
    chosen: Language | None,
    actor: Actor,
    language: Language,
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    shown = LANGUAGE_NAMES[language_for_team(chosen, ctx.settings.default_language)]
    if team.language == chosen:
        return gettext(
            language, "Nothing changed: {team} already posts in {shown}.", team=name, shown=shown
        ), ()
    teams.set_language(session, team, chosen, actor.slack_user_id)
    if chosen is None:
        return gettext(
            language,
            "{team} now posts in the bot's default language, {shown}.",
            team=name,
            shown=shown,
        ), ()
    return (
        gettext(
            language,
            ":speech_balloon: {team}'s channel messages (digests, case cards, alerts) are now "
            "in {shown}.",
            team=name,
            shown=shown,
        ),
        (gettext(language, "People still get their own DMs in their own language (`/lang`)."),),
    )


def _set_currency(
    ctx: BotContext,
    session: Session,
    team: Team,
    currency: str | None,
    actor: Actor,
    language: Language,
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    shown = currency or ctx.settings.default_currency
    if team.currency == currency:
        return gettext(
            language,
            "Nothing changed: {team} already counts in {currency}.",
            team=name,
            currency=shown,
        ), ()
    teams.set_currency(session, team, currency, actor.slack_user_id)
    return (
        gettext(
            language,
            ":moneybag: {team} now counts in {currency}: amounts its people type without a "
            "currency are {currency}, and its totals are converted to {currency}.",
            team=name,
            currency=shown,
        ),
        (
            gettext(
                language,
                "Targets keep the currency they were set in. Money in other currencies is "
                "converted with the rates `/fx` lists.",
            ),
        ),
    )


_FLAG_NAMES = {
    "celebrate": msg("celebration cards"),
    "leaderboard": msg("leaderboard"),
}


def _set_flag(
    session: Session, team: Team, command: TeamSetFlag, actor: Actor, language: Language
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    if getattr(team, command.flag) == command.on:
        if command.flag == "celebrate":
            text = (
                marked("Nothing changed: {team} already celebrates deals won.")
                if command.on
                else marked("Nothing changed: {team}'s celebration cards are already off.")
            )
        else:
            text = (
                marked("Nothing changed: {team}'s leaderboard is already on.")
                if command.on
                else marked("Nothing changed: {team}'s leaderboard is already off.")
            )
        return gettext(language, text, team=name), ()
    teams.set_flag(session, team, command.flag, command.on, actor.slack_user_id)
    if command.flag == "celebrate":
        if not command.on:
            return gettext(
                language, "{team} no longer posts a card for each deal won.", team=name
            ), ()
        headline = gettext(
            language,
            ":tada: {team} now posts a celebration card in its channel for each deal won.",
            team=name,
        )
        if team.channel_id:
            return headline, ()
        return headline, (
            gettext(
                language,
                "{team} has no channel yet, so there is nowhere to post: "
                "`/team {ref} channel #channel`.",
                team=name,
                ref=escape(team_ref(team.name)),
            ),
        )
    if command.on:
        return gettext(
            language,
            ":trophy: {team}'s leaderboard is on: in the weekly review and on Home.",
            team=name,
        ), ()
    return gettext(
        language,
        "{team}'s leaderboard is off: the weekly review and Home no longer rank its people.",
        team=name,
    ), ()


def _set_case_review(
    session: Session,
    team: Team,
    command: TeamSetCaseReview,
    actor: Actor,
    settings: Settings,
    language: Language,
) -> tuple[str, tuple[str, ...]]:
    name = f"*{escape(team.name)}*"
    at = f"{command.at:%H:%M}" if command.at else None
    weekday = settings.case_prompt_weekday if command.weekday is None else command.weekday
    when = gettext(
        language,
        "on {weekday}s at {time}",
        weekday=gettext(language, WEEKDAY_NAMES[weekday]),
        time=at or f"{settings.case_prompt_time:%H:%M}",
    )
    if (team.case_prompt_weekday, team.case_prompt_time) == (command.weekday, at):
        return gettext(
            language,
            "Nothing changed: {team} already gets its case-review prompt {when}.",
            team=name,
            when=when,
        ), ()
    teams.set_case_review(session, team, command.weekday, at, actor.slack_user_id)
    return (
        gettext(
            language,
            ":memo: {team}'s reps now get the weekly case-review prompt {when}, "
            "each in their own time zone.",
            team=name,
            when=when,
        ),
        (),
    )


def _team(session: Session, name: str) -> Team:
    team = teams.get_team(session, name)
    if team is None:
        raise NoSuchTeam(name)
    return team


def _card(
    ctx: BotContext, ref: str, headline: str, notes: tuple[str, ...], language: Language
) -> Message:
    with ctx.db.transaction() as session:
        team = teams.team_by_id(session, record_id(ref))
        if team is None:
            return notice(gettext(language, "That team no longer exists."))
        return team_card(team, headline=headline, notes=notes, language=language)


def _and(mentions: list[str], language: Language) -> str:
    if len(mentions) <= 1:
        return "".join(mentions)
    return gettext(
        language,
        "{people} and {last}",
        people=gettext(language, ", ").join(mentions[:-1]),
        last=mentions[-1],
    )

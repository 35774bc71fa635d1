"""/target: set and show the targets of people and teams."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, escape, parse_problem, user
from blocks.targets import TargetGroup, amount_text, target_help, target_list
from handlers.inputs import command_text
from handlers.replies import BeforeAck, guarded, nothing_before_ack, reply
from handlers.teams import NoSuchTeam, refused, run_once
from parsing.errors import ParseError
from parsing.target_command import (
    METRIC_IN_TEXT,
    PersonOwner,
    TargetHelp,
    TargetSet,
    TargetShow,
    TeamOwner,
    parse_target_command,
)
from sales.permissions import Actor, NotAllowed
from services.context import BotContext
from services.home import refresh_home_soon
from store import targets, teams
from store.models import Person, Target, Team
from translations import Language, gettext, marked, msg, render

ALREADY_SET = marked("This target was already set.")
UPCOMING_NOTE = marked("Showing the current and upcoming periods.")
NOT_THEIR_MANAGER = marked(
    "You can set targets only for the members of teams you manage. "
    "`/team` shows who is on which team."
)


BEFORE_ACK: dict[str, BeforeAck] = {"/target": nothing_before_ack}


def register(app: App, ctx: BotContext) -> None:
    @app.command("/target")
    @guarded
    def target_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        ack()
        person = ctx.people.person(command["user_id"])
        actor = ctx.people.actor(person)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        try:
            parsed = parse_target_command(command_text(command), today)
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        key = f"command:{command['trigger_id']}"
        try:
            match parsed:
                case TargetHelp():
                    answer = target_help(language)
                case TargetShow(owner=None):
                    answer = _mine(ctx, actor, today, language)
                case TargetShow(owner=PersonOwner() as owner):
                    answer = _person_targets(ctx, actor, owner.slack_user_id, today, language)
                case TargetShow(owner=TeamOwner() as owner):
                    answer = _team_targets(ctx, actor, owner.name, today, language)
                case TargetSet():
                    answer = _set(ctx, actor, parsed, today, key, language)
                    refresh_home_soon(ctx, client, actor.slack_user_id)
        except NotAllowed as refusal:
            answer = refused(refusal, language)
        reply(respond, answer)


# --- showing ---------------------------------------------------------------------------------


def _upcoming(found: list[Target], today: date) -> list[Target]:
    return [target for target in found if target.period_end >= today]


def _mine(ctx: BotContext, actor: Actor, today: date, language: Language) -> Message:
    with ctx.db.reading() as session:
        own = _upcoming(targets.targets_for_person(session, actor.person_id), today)
        groups = [TargetGroup(gettext(language, "Yours"), own)]
        for team in teams.teams_of(session, actor.person_id, teams.MANAGER):
            team_targets = _upcoming(targets.targets_for_team(session, team.id), today)
            groups.append(TargetGroup(_team_title(team, language), team_targets))
    footer = gettext(language, UPCOMING_NOTE)
    if len(groups) > 1:
        footer += " " + gettext(language, "See a rep's with `/target @person`.")
    # L10N: header, at most 150 characters.
    title = gettext(language, "Your targets")
    return target_list(groups, title=title, footer=footer, language=language)


def _team_title(team: Team, language: Language) -> str:
    return gettext(language, "Team {name}", name=escape(team.name))


def _person_targets(
    ctx: BotContext,
    actor: Actor,
    slack_user_id: str,
    today: date,
    language: Language,
    *,
    headline: str | None = None,
) -> Message:
    known = ctx.people.known(slack_user_id)
    if not (actor.is_admin or (known is not None and actor.may_see(known.id))):
        raise NotAllowed(
            msg("Only that person, their team's managers and admins can see their targets.")
        )
    person = ctx.people.person(slack_user_id)
    with ctx.db.reading() as session:
        found = _upcoming(targets.targets_for_person(session, person.id), today)
    group = TargetGroup(f"{user(slack_user_id)}", found)
    title = gettext(language, "Targets of {name}", name=person.display_name)
    footer = gettext(language, UPCOMING_NOTE)
    return target_list([group], title=title, headline=headline, footer=footer, language=language)


def _team_targets(
    ctx: BotContext,
    actor: Actor,
    name: str,
    today: date,
    language: Language,
    *,
    headline: str | None = None,
) -> Message:
    with ctx.db.reading() as session:
        team = _team(session, name)
        if not (
            actor.is_admin
            or teams.is_manager_of(team, actor.person_id)
            or teams.is_member_of(team, actor.person_id)
        ):
            raise NotAllowed(
                msg(
                    "Only {team}'s members, its managers and admins can see its targets.",
                    team=team.name,
                )
            )
        found = _upcoming(targets.targets_for_team(session, team.id), today)
        group = TargetGroup(_team_title(team, language), found)
        title = gettext(language, "Targets of team {name}", name=team.name)
    footer = gettext(language, UPCOMING_NOTE)
    return target_list([group], title=title, headline=headline, footer=footer, language=language)


# --- setting ---------------------------------------------------------------------------------


def _currency(ctx: BotContext, session: Session, owner: Person | Team, command: TargetSet) -> str:
    """The currency typed, else the team's (a person's: their team's), else the default."""
    return (
        command.amount.currency
        or teams.owner_currency(session, owner)
        or ctx.settings.default_currency
    )


def _set(
    ctx: BotContext, actor: Actor, command: TargetSet, today: date, key: str, language: Language
) -> Message:
    metric, owner_ref = command.metric, command.owner
    metric_in_text = render(language, METRIC_IN_TEXT.get(metric.key, metric.key))
    person_id = 0  # whose target it is, when it is a person's
    # Checked before anyone is looked up, so a refusal creates no one.
    if isinstance(owner_ref, PersonOwner):
        known = ctx.people.known(owner_ref.slack_user_id)
        if not actor.is_admin and (known is None or known.id not in actor.managed_person_ids):
            raise NotAllowed(msg(NOT_THEIR_MANAGER))
        person_id = ctx.people.person(owner_ref.slack_user_id).id
    else:
        with ctx.db.reading() as session:
            _require_team_manager(actor, _team(session, owner_ref.name))
    headline = gettext(language, ALREADY_SET)

    def owner_of(session: Session) -> tuple[Person | Team, str]:
        if isinstance(owner_ref, TeamOwner):
            team = _team(session, owner_ref.name)
            _require_team_manager(actor, team)
            return team, gettext(
                language,
                "Team *{name}*'s {metric} target for {period}",
                name=escape(team.name),
                metric=metric_in_text,
                period=command.period.label,
            )
        if not actor.is_admin and person_id not in teams.managed_person_ids(
            session, actor.person_id
        ):
            raise NotAllowed(msg(NOT_THEIR_MANAGER))
        person = session.get_one(Person, person_id)
        return person, gettext(
            language,
            "{person}'s {metric} target for {period}",
            person=user(person.slack_user_id),
            metric=metric_in_text,
            period=command.period.label,
        )

    def apply(session: Session) -> str:
        nonlocal headline
        owner, what = owner_of(session)
        currency = _currency(ctx, session, owner, command) if metric.is_money else None
        before = targets.get_target(session, owner, metric.key, command.period)
        was = (before.amount, before.currency) if before else None
        target, _ = targets.set_target(
            session,
            owner=owner,
            metric=metric.key,
            period=command.period,
            amount=command.amount.value,
            currency=currency,
            actor=actor.slack_user_id,
        )
        now = amount_text(target.amount, target.currency, metric.key, language)
        if was is None:
            headline = gettext(language, ":dart: {what} is set: {now}.", what=what, now=now)
        elif was == (target.amount, target.currency):
            headline = gettext(
                language, "{what} was already {now}; nothing changed.", what=what, now=now
            )
        else:
            headline = gettext(
                language,
                ":dart: {what} is now {now} (was {was}).",
                what=what,
                now=now,
                was=amount_text(*was, metric.key, language),
            )
        return f"target:{target.id}"

    _, first = run_once(ctx, key, apply)
    if not first:  # what a racing delivery's rolled-back attempt found is no news
        headline = gettext(language, ALREADY_SET)
    if isinstance(owner_ref, PersonOwner):
        return _person_targets(
            ctx, actor, owner_ref.slack_user_id, today, language, headline=headline
        )
    return _team_targets(ctx, actor, owner_ref.name, today, language, headline=headline)


def _require_team_manager(actor: Actor, team: Team) -> None:
    if not (actor.is_admin or teams.is_manager_of(team, actor.person_id)):
        raise NotAllowed(
            msg("Only {team}'s managers or an admin can set its targets.", team=team.name)
        )


def _team(session: Session, name: str) -> Team:
    team = teams.get_team(session, name)
    if team is None:
        raise NoSuchTeam(name)
    return team

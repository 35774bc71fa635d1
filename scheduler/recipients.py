"""Who the jobs write to: reps by DM, teams in their channel (or their managers by DM)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sales.workdays import WorkCalendar, calendar_for
from scheduler.job import Recipient
from services.context import BotContext
from store import teams
from store.models import Person


def person_calendar(ctx: BotContext, session: Session, person: Person) -> WorkCalendar:
    """A team's own holiday country wins over HOLIDAY_COUNTRY."""
    countries = teams.holiday_countries_of(session, person.id)
    return calendar_for(countries[0] if countries else ctx.settings.holiday_country)


def reps(ctx: BotContext) -> list[Recipient]:
    """Every member of a team, by DM, living by their own time zone and holidays."""
    with ctx.db.reading() as session:
        members = {
            m.person.id: (m.person.slack_user_id, person_calendar(ctx, session, m.person))
            for team in teams.all_teams(session)
            for m in team.memberships
            if m.role == teams.MEMBER
        }
    # Outside the transaction: refreshing a stale profile asks Slack and writes.
    return [
        Recipient(user_id, user_id, ctx.people.person(user_id).tz, calendar, person_id=person_id)
        for person_id, (user_id, calendar) in sorted(members.items())
    ]


def team_channels(ctx: BotContext) -> list[Recipient]:
    """Each team with a manager: its channel, or each of its managers by DM if it has none.

    The send time follows the (first) manager's time zone.
    """
    recipients = []
    with ctx.db.reading() as session:
        for team in teams.all_teams(session):
            managers = teams.members(team, teams.MANAGER)
            if not managers:
                continue
            calendar = calendar_for(team.holiday_country or ctx.settings.holiday_country)
            lead = ctx.people.person(managers[0].slack_user_id)
            if team.channel_id:
                recipients.append(
                    Recipient(
                        f"team:{team.id}", team.channel_id, lead.tz, calendar, team_id=team.id
                    )
                )
                continue
            for manager in managers:
                tz = ctx.people.person(manager.slack_user_id).tz
                key = f"team:{team.id}:{manager.slack_user_id}"
                recipients.append(
                    Recipient(key, manager.slack_user_id, tz, calendar, manager.id, team.id)
                )
    return recipients

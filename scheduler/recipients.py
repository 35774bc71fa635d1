"""Who the jobs write to: reps by DM, teams in their channel (or their managers by DM)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reports.roster import Roster, load_roster
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, WeeklySlot
from store.models import Person, Team

if TYPE_CHECKING:
    from services.context import BotContext


def roster(ctx: BotContext) -> Roster:
    with ctx.db.reading() as session:
        return load_roster(session, ctx.settings.holiday_country)


def reps(ctx: BotContext, facts: RunFacts[Any] | None = None) -> list[Recipient]:
    """Every member of a team, by DM, living by their own time zone and holidays."""
    found = roster(ctx)
    members = found.reps()
    # Outside the transaction: refreshing a stale profile asks Slack and writes.
    recipients = []
    for person_id, person in sorted(members.items()):
        fresh = ctx.people.fresh(person)
        recipients.append(
            Recipient(
                person.slack_user_id,
                person.slack_user_id,
                fresh.tz,
                found.calendar_of(person_id),
                person_id=person_id,
                facts=facts,
                language=ctx.language_for(fresh),
            )
        )
    return recipients


def team_channels(ctx: BotContext, facts: RunFacts[Any] | None = None) -> list[Recipient]:
    """Each team with a manager: its channel, or each of its managers by DM if it has none.

    The send time follows the (first) manager's time zone.
    """
    found = roster(ctx)
    recipients = []
    for team in found.teams:
        managers = found.members(team, "manager")
        if not managers:
            continue
        calendar = found.team_calendar(team)
        lead = ctx.people.fresh(managers[0])
        if team.channel_id:
            recipients.append(
                Recipient(
                    f"team:{team.id}",
                    team.channel_id,
                    lead.tz,
                    calendar,
                    team_id=team.id,
                    facts=facts,
                    language=ctx.team_language(team),
                )
            )
            continue
        recipients += [manager_dm(ctx, team, manager, calendar, facts) for manager in managers]
    return recipients


def manager_dm(
    ctx: BotContext,
    team: Team,
    manager: Person,
    calendar: WorkCalendar,
    facts: RunFacts[Any] | None,
    slot: WeeklySlot | None = None,
) -> Recipient:
    """A DM to one of the team's managers, by their clock and in their language (a stale
    profile is refreshed from Slack, so call it outside a transaction)."""
    fresh = ctx.people.fresh(manager)
    return Recipient(
        f"team:{team.id}:{manager.slack_user_id}",
        manager.slack_user_id,
        fresh.tz,
        calendar,
        manager.id,
        team.id,
        slot,
        facts=facts,
        language=ctx.language_for(fresh),
    )

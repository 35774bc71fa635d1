"""What people see of teams: the list, a team's card and /team help."""

from __future__ import annotations

from blocks.common import (
    Block,
    Message,
    context,
    day,
    divider,
    escape,
    fields_section,
    header,
    message,
    section,
    user,
)
from parsing.target_command import METRIC_WORDS
from parsing.team_command import TEAM_EXAMPLES, team_ref
from sales.case_review import WEEKDAY_NAMES
from store.models import Membership, Team
from store.teams import MANAGER, MEMBER

LIST_TEAMS_SHOWN = 40
MENTIONS_PER_LINE = 30
CARD_MEMBER_LINES = 150
_SECTION_CHARS = 2900


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "—"


def team_list(teams: list[Team]) -> Message:
    if not teams:
        text = "There are no teams yet. An admin can create one with `/team create <name>`."
        return message("No teams yet", [section(text)])
    blocks: list[Block] = [header(f"Teams ({len(teams)})")]
    for team in teams[:LIST_TEAMS_SHOWN]:
        managers = _mentions(_people(team, MANAGER))
        members = _people(team, MEMBER)
        lines = [
            f"*{escape(team.name)}* · channel {channel(team.channel_id)}",
            f"Managers: {managers}",
            f"Members ({len(members)}): {_mentions(members)}",
        ]
        blocks.append(section("\n".join(lines)))
    hidden = len(teams) - LIST_TEAMS_SHOWN
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more. Open one with `/team <name>`."))
    blocks.append(context("Open a team with `/team <name>`; `/team help` shows every command."))
    return message(f"{len(teams)} teams", blocks)


def team_card(team: Team, *, headline: str | None = None, notes: tuple[str, ...] = ()) -> Message:
    blocks: list[Block] = []
    if headline:
        blocks.append(section("\n".join([headline, *notes])))
    blocks.append(header(team.name))
    managers = _people(team, MANAGER)
    members = _people(team, MEMBER)
    digest = (
        channel(team.channel_id)
        if team.channel_id
        else "— (the manager digest goes to each manager by DM)"
    )
    blocks.append(
        fields_section(
            [
                f"*Managers*\n{_mentions(managers)}",
                f"*Channel*\n{digest}",
                f"*Members*\n{len(members)}",
                f"*Public holidays*\n{team.holiday_country or 'the bot default'}",
                f"*Case review*\n{case_review_slot(team)}",
            ]
        )
    )
    lines = [f"• {user(m.person.slack_user_id)} · joined {day(m.joined_on)}" for m in members]
    if len(lines) > CARD_MEMBER_LINES:
        lines = [*lines[:CARD_MEMBER_LINES], f"…and {len(lines) - CARD_MEMBER_LINES} more"]
    blocks.append(divider())
    for chunk in _chunks(["*Members*", *lines] if lines else ["*Members*\nNo members yet."]):
        blocks.append(section(chunk))
    ref = escape(team_ref(team.name))
    target_ref = escape(team_ref(team.name, {*METRIC_WORDS, "new"}))
    blocks.append(
        context(
            f"`/team {ref} add @person` · `/team {ref} remove @person` · "
            f"`/team {ref} channel #channel` · `/target team {target_ref} revenue 120k`"
        )
    )
    return message(headline or f"Team {team.name}", blocks)


def case_review_slot(team: Team) -> str:
    """When the team's case-review prompt goes out, as far as the team chose it."""
    weekday, at = team.case_prompt_weekday, team.case_prompt_time
    if weekday is None and at is None:
        return "the bot default"
    day_name = WEEKDAY_NAMES[weekday] if weekday is not None else "the default day"
    return f"{day_name} {at}" if at else f"{day_name}, the default time"


def team_help() -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in TEAM_EXAMPLES)
    text = (
        "*Teams*\n"
        "• `/team` lists every team; `/team <name>` shows one.\n"
        "• `/team create <name>` creates a team _(admins)_.\n"
        "• `/team <name> manager @person…` names managers; "
        "`/team <name> unmanage @person…` removes one _(admins)_.\n"
        "• `/team <name> add @person…` and `/team <name> remove @person…` change the members "
        "_(admins and the team's managers)_.\n"
        "• `/team <name> channel #channel` sets where the manager digest goes; "
        "`/team <name> channel none` sends it to each manager by DM instead "
        "_(admins and the team's managers)_.\n"
        "• `/team <name> holidays <country>` makes pacing skip that country's public holidays "
        "for the team, e.g. US, CN, GB or DE; `holidays none` goes back to the bot's default "
        "_(admins and the team's managers)_.\n"
        "• `/team <name> casereview <weekday> <time>` sets when its reps are asked for the "
        "week's case (each in their own time zone); `casereview none` goes back to the bot's "
        "default _(admins and the team's managers)_.\n"
        "• `/team <name> language zh` (简体中文) or `language en` sets the language of the "
        "team's channel messages; `language none` goes back to the bot's default "
        "_(admins and the team's managers)_.\n"
        "• `/team <name> currency CNY` sets the team's currency (amounts typed without one, "
        "team totals); `currency none` goes back to the bot's default "
        "_(admins and the team's managers)_.\n\n"
        "Pick people and channels from Slack's autocomplete (type @ or #), so they turn into "
        "mentions. If a team's name contains one of the words manager, unmanage, add, remove, "
        "channel, holidays, casereview, language or currency, put the name in quotes: "
        '`/team "Sales Channel" add @rita`.\n\n'
        f"*Examples*\n{examples}"
    )
    return message("How to use /team", [section(text)])


def _people(team: Team, role: str) -> list[Membership]:
    return sorted(
        (m for m in team.memberships if m.role == role),
        key=lambda m: (m.person.display_name.casefold(), m.person.slack_user_id),
    )


def _mentions(memberships: list[Membership]) -> str:
    if not memberships:
        return "—"
    shown = ", ".join(user(m.person.slack_user_id) for m in memberships[:MENTIONS_PER_LINE])
    hidden = len(memberships) - MENTIONS_PER_LINE
    return f"{shown} …and {hidden} more" if hidden > 0 else shown


def _chunks(lines: list[str]) -> list[str]:
    """Lines joined into texts short enough for one section each."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > _SECTION_CHARS:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks

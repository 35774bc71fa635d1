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
from translations import ENGLISH, Language, gettext, ngettext

LIST_TEAMS_SHOWN = 40
MENTIONS_PER_LINE = 30
CARD_MEMBER_LINES = 150
_SECTION_CHARS = 2900


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "—"


def team_list(teams: list[Team], total: int, language: Language = ENGLISH) -> Message:
    """The first teams by name (`teams`, up to LIST_TEAMS_SHOWN of them) of `total`."""
    if not teams:
        text = gettext(
            language,
            "There are no teams yet. An admin can create one with `/team create <name>`.",
        )
        return message(gettext(language, "No teams yet"), [section(text)])
    # L10N: header, at most 150 characters.
    blocks: list[Block] = [header(gettext(language, "Teams ({count})", count=total))]
    for team in teams[:LIST_TEAMS_SHOWN]:
        managers = _mentions(_people(team, MANAGER), language)
        members = _people(team, MEMBER)
        lines = [
            gettext(
                language,
                "*{name}* · channel {channel}",
                name=escape(team.name),
                channel=channel(team.channel_id),
            ),
            gettext(language, "Managers: {managers}", managers=managers),
            gettext(
                language,
                "Members ({count}): {members}",
                count=len(members),
                members=_mentions(members, language),
            ),
        ]
        blocks.append(section("\n".join(lines)))
    hidden = total - min(len(teams), LIST_TEAMS_SHOWN)
    if hidden > 0:
        blocks.append(
            context(
                ngettext(
                    language,
                    "…and {n} more. Open one with `/team <name>`.",
                    "…and {n} more. Open one with `/team <name>`.",
                    hidden,
                )
            )
        )
    blocks.append(
        context(
            gettext(language, "Open a team with `/team <name>`; `/team help` shows every command.")
        )
    )
    return message(ngettext(language, "{n} team", "{n} teams", total), blocks)


def team_card(
    team: Team,
    *,
    headline: str | None = None,
    notes: tuple[str, ...] = (),
    language: Language = ENGLISH,
) -> Message:
    blocks: list[Block] = []
    if headline:
        blocks.append(section("\n".join([headline, *notes])))
    blocks.append(header(team.name))
    managers = _people(team, MANAGER)
    members = _people(team, MEMBER)
    digest = (
        channel(team.channel_id)
        if team.channel_id
        else gettext(language, "— (the manager digest goes to each manager by DM)")
    )
    holidays = team.holiday_country or gettext(language, "the bot default")
    blocks.append(
        fields_section(
            [
                gettext(language, "*Managers*\n{managers}", managers=_mentions(managers, language)),
                gettext(language, "*Channel*\n{channel}", channel=digest),
                gettext(language, "*Members*\n{count}", count=len(members)),
                gettext(language, "*Public holidays*\n{holidays}", holidays=holidays),
                gettext(language, "*Case review*\n{slot}", slot=case_review_slot(team, language)),
                gettext(
                    language,
                    "*Team energy*\nCelebration cards {celebrate} · leaderboard {leaderboard}",
                    celebrate=_on_off(team.celebrate, language),
                    leaderboard=_on_off(team.leaderboard, language),
                ),
            ]
        )
    )
    lines = [
        gettext(
            language,
            "• {who} · joined {day}",
            who=user(m.person.slack_user_id),
            day=day(m.joined_on, language),
        )
        for m in members
    ]
    if len(lines) > CARD_MEMBER_LINES:
        hidden = len(lines) - CARD_MEMBER_LINES
        more = ngettext(language, "…and {n} more", "…and {n} more", hidden)
        lines = [*lines[:CARD_MEMBER_LINES], more]
    blocks.append(divider())
    title = gettext(language, "*Members*")
    no_members = gettext(language, "No members yet.")
    for chunk in _chunks([title, *lines] if lines else [f"{title}\n{no_members}"]):
        blocks.append(section(chunk))
    ref = escape(team_ref(team.name))
    target_ref = escape(team_ref(team.name, {*METRIC_WORDS, "new"}))
    blocks.append(
        context(
            f"`/team {ref} add @person` · `/team {ref} remove @person` · "
            f"`/team {ref} channel #channel` · `/target team {target_ref} revenue 120k`"
        )
    )
    return message(headline or gettext(language, "Team {name}", name=team.name), blocks)


def _on_off(on: bool, language: Language) -> str:
    return gettext(language, "on") if on else gettext(language, "off")


def case_review_slot(team: Team, language: Language = ENGLISH) -> str:
    """When the team's case-review prompt goes out, as far as the team chose it."""
    weekday, at = team.case_prompt_weekday, team.case_prompt_time
    if weekday is None and at is None:
        return gettext(language, "the bot default")
    day_name = (
        gettext(language, WEEKDAY_NAMES[weekday])
        if weekday is not None
        else gettext(language, "the default day")
    )
    if at:
        return gettext(language, "{day} {time}", day=day_name, time=at)
    return gettext(language, "{day}, the default time", day=day_name)


def team_help(language: Language = ENGLISH) -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in TEAM_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
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
        "*Examples*\n{examples}",
        examples=examples,
    )
    return message(gettext(language, "How to use /team"), [section(text)])


def _people(team: Team, role: str) -> list[Membership]:
    return sorted(
        (m for m in team.memberships if m.role == role),
        key=lambda m: (m.person.display_name.casefold(), m.person.slack_user_id),
    )


def _mentions(memberships: list[Membership], language: Language = ENGLISH) -> str:
    if not memberships:
        return "—"
    shown = ", ".join(user(m.person.slack_user_id) for m in memberships[:MENTIONS_PER_LINE])
    hidden = len(memberships) - MENTIONS_PER_LINE
    if hidden <= 0:
        return shown
    return ngettext(language, "{shown} …and {n} more", "{shown} …and {n} more", hidden, shown=shown)


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

"""The Home tab's buttons and what they remember, and the admins' settings forms.

The Home view itself is drawn by blocks/dashboard.py: blocks/pacing.py imports the quick
action ids from here, so this module must not import blocks/pacing.py back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from blocks.common import escape, input_block, plain, section, text_input, truncate
from sales.case_review import WEEKDAY_NAMES
from translations import Language, gettext, marked

OPEN_VISIT_MODAL = "open_visit_modal"
OPEN_DEAL_MODAL = "open_deal_modal"
HOME_PICK_TEAM = "home_pick_team"
HOME_PICK_LANGUAGE = "home_pick_language"
HOME_DEALS_MORE = "home_deals_more"
HOME_DEALS_FIRST = "home_deals_first"
HOME_EDIT_TEAM = "home_edit_team"  # home_edit_team_<id>: one per team, so each id is unique
HOME_EDIT_SETTINGS = "home_edit_settings"
TEAM_SETTINGS_MODAL = "home_team_settings"
SETTINGS_MODAL = "home_settings"
DEFAULT_DAY = "default"
NO_CHANNEL = "no_channel"
WORKDAYS = 5  # the forms offer Monday to Friday: a weekend prompt or review never goes out
# WEEKDAY_NAMES as people read them, marked for the catalog: gettext(language, WEEKDAYS[n]).
WEEKDAYS = (
    marked("Monday"),
    marked("Tuesday"),
    marked("Wednesday"),
    marked("Thursday"),
    marked("Friday"),
    marked("Saturday"),
    marked("Sunday"),
)


@dataclass(frozen=True)
class HomeState:
    """What the person chose on their Home: the team shown and the page of open deals.

    Kept in the published view's private_metadata, so a press on the Home keeps the rest.
    """

    team_id: int | None = None
    page: int = 0

    def dump(self) -> str:
        data = {"t": self.team_id, "p": self.page}
        return json.dumps({key: value for key, value in data.items() if value})

    @classmethod
    def load(cls, text: str | None) -> HomeState:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        team_id, page = data.get("t"), data.get("p")
        return cls(
            team_id=team_id if isinstance(team_id, int) else None,
            page=max(0, page) if isinstance(page, int) else 0,
        )

    def at_page(self, page: int) -> HomeState:
        return HomeState(self.team_id, max(0, page))

    def with_team(self, team_id: int) -> HomeState:
        return HomeState(team_id, self.page)


@dataclass(frozen=True)
class TeamSettings:
    """A team as the admins' settings show it."""

    id: int
    name: str
    managers: int
    members: int
    channel_id: str | None
    holiday_country: str | None
    case_weekday: int | None
    case_time: str | None


@dataclass(frozen=True)
class SettingValue:
    """A setting admins may change here: the value in force and the environment's."""

    name: str  # the environment variable, e.g. PACING_TIME
    label: str
    kind: str  # "time", "weekday" or "country"
    value: str  # as the environment writes it: 09:00, friday, US; "" when unset
    environment: str

    @property
    def overridden(self) -> bool:
        return self.value != self.environment


def weekday_name(language: Language, number: int) -> str:
    return gettext(language, WEEKDAYS[number])


def team_settings_modal(
    language: Language,
    team: TeamSettings,
    default_country: str,
    default_day: int,
    default_time: str,
) -> dict[str, Any]:
    """An admin's form for one team: its channel, holidays and case-review day and time."""
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": "channel",
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Pick a channel")),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if team.channel_id:
        channel["initial_conversation"] = team.channel_id
    no_channel = {
        # L10N: option text, at most 75 characters
        "text": plain(gettext(language, "No channel: send the digest to each manager by DM")),
        "value": "1",
    }
    default_option = {
        # L10N: option text, at most 75 characters
        "text": plain(
            gettext(
                language,
                "The bot's default ({weekday})",
                weekday=weekday_name(language, default_day),
            )
        ),
        "value": DEFAULT_DAY,
    }
    day_options = [default_option] + [
        {"text": plain(weekday_name(language, number)), "value": str(number)}
        for number in range(WORKDAYS)
    ]
    initial_day = next(
        (option for option in day_options if option["value"] == str(team.case_weekday)),
        default_option,
    )
    blocks = [
        section(gettext(language, "Settings of the team *{team}*.", team=escape(team.name))),
        input_block(
            "channel",
            # L10N: label, at most 2000 characters
            gettext(language, "Team channel"),
            channel,
            optional=True,
            # L10N: hint, at most 2000 characters
            hint=gettext(
                language,
                "The manager digest and the team's case cards go there. Invite the bot to it.",
            ),
        ),
        input_block(
            NO_CHANNEL,
            # L10N: label, at most 2000 characters
            gettext(language, "Or"),
            {"type": "checkboxes", "action_id": NO_CHANNEL, "options": [no_channel]},
            optional=True,
        ),
        input_block(
            "holiday_country",
            # L10N: label, at most 2000 characters
            gettext(language, "Public holidays of"),
            text_input("holiday_country", team.holiday_country, max_length=8),
            optional=True,
            # L10N: hint, at most 2000 characters
            hint=gettext(
                language,
                "A country code such as US, CN, GB or DE. Empty: the bot's default ({country}).",
                country=default_country or gettext(language, "weekends only"),
            ),
        ),
        input_block(
            "case_day",
            # L10N: label, at most 2000 characters
            gettext(language, "Case-review prompt day"),
            {
                "type": "static_select",
                "action_id": "case_day",
                "options": day_options,
                "initial_option": initial_day,
            },
        ),
        input_block(
            "case_time",
            # L10N: label, at most 2000 characters
            gettext(language, "Case-review prompt time"),
            text_input("case_time", team.case_time, max_length=5),
            optional=True,
            # L10N: hint, at most 2000 characters
            hint=gettext(
                language,
                "Each rep's local time, e.g. 16:00. Empty: the bot's default ({time}).",
                time=default_time,
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": TEAM_SETTINGS_MODAL,
        # L10N: modal title, at most 24 characters
        "title": plain(truncate(gettext(language, "Team {team}", team=team.name), 24)),
        # L10N: modal button, at most 24 characters
        "submit": plain(gettext(language, "Save")),
        # L10N: modal button, at most 24 characters
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": json.dumps({"team_id": team.id}),
        "blocks": blocks,
    }


def team_of_modal(private_metadata: str | None) -> int | None:
    try:
        data = json.loads(private_metadata or "{}")
    except json.JSONDecodeError:
        return None
    team_id = data.get("team_id") if isinstance(data, dict) else None
    return team_id if isinstance(team_id, int) else None


def settings_modal(language: Language, values: list[SettingValue]) -> dict[str, Any]:
    """An admin's form for the job hours and the holiday country."""
    blocks: list[dict[str, Any]] = [
        section(
            gettext(
                language,
                "These win over the bot's environment settings, for every team that has not "
                "chosen its own. Times are each person's local time. The scheduler uses a "
                "change from its next run.",
            )
        )
    ]
    for setting in values:
        # L10N: hint, at most 2000 characters
        hint = gettext(
            language,
            "Environment: {value} ({name}).",
            value=setting.environment or gettext(language, "not set"),
            name=setting.name,
        )
        if setting.kind == "weekday":
            element = _weekday_select(language, setting)
        else:
            element = text_input(setting.name.lower(), setting.value or None, max_length=8)
            hint += " " + gettext(language, "Empty: the environment's value.")
        blocks.append(
            input_block(
                setting.name.lower(),
                gettext(language, setting.label),
                element,
                optional=setting.kind != "weekday",
                hint=hint,
            )
        )
    return {
        "type": "modal",
        "callback_id": SETTINGS_MODAL,
        # L10N: modal title, at most 24 characters
        "title": plain(gettext(language, "Job hours & holidays")),
        # L10N: modal button, at most 24 characters
        "submit": plain(gettext(language, "Save")),
        # L10N: modal button, at most 24 characters
        "close": plain(gettext(language, "Cancel")),
        "blocks": blocks,
    }


def _weekday_select(language: Language, setting: SettingValue) -> dict[str, Any]:
    names = [name.casefold() for name in WEEKDAY_NAMES]
    shown = names[:WORKDAYS] + ([setting.value] if setting.value in names[WORKDAYS:] else [])
    options = [
        {"text": plain(weekday_name(language, names.index(name))), "value": name} for name in shown
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": setting.name.lower(),
        "options": options,
    }
    initial = next((option for option in options if option["value"] == setting.value), None)
    if initial is not None:
        element["initial_option"] = initial
    return element

"""The Home tab: published when opened; its quick actions, team picker and deal pages; the
admins' settings forms (teams, job hours and holiday country)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import problem
from blocks.dashboard import FOLLOW_SLACK
from blocks.deals import deal_create_modal
from blocks.home import (
    DEFAULT_DAY,
    HOME_DEALS_FIRST,
    HOME_DEALS_MORE,
    HOME_EDIT_SETTINGS,
    HOME_EDIT_TEAM,
    HOME_PICK_LANGUAGE,
    HOME_PICK_TEAM,
    NO_CHANNEL,
    OPEN_DEAL_MODAL,
    OPEN_VISIT_MODAL,
    SETTINGS_MODAL,
    TEAM_SETTINGS_MODAL,
    WORKDAYS,
    HomeState,
    settings_modal,
    team_of_modal,
    team_settings_modal,
)
from blocks.visits import ModalContext, visit_modal
from handlers.inputs import checked, selected_value, typed, whole_id
from handlers.replies import ack_now, guarded, reply
from runtime.settings import ADJUSTABLE, adjustable_text, format_adjustable, parse_adjustable
from sales.workdays import is_known_country
from services.context import BotContext
from services.home import last_state, publish_home, setting_values, team_settings
from services.language import choose_language
from services.overrides import effective_settings
from store import setting_overrides, teams
from translations import Language, gettext, marked, parse_language

ADMINS_ONLY = marked("Only the bot's admins can change these settings.")
TEAM_GONE = marked("This team no longer exists.")
CHANNEL_OR_NONE = marked("Pick a channel, or tick “No channel”, not both.")
NOT_A_COUNTRY = marked(
    "That isn't a country code the holidays calendar knows, e.g. US, CN, GB or DE."
)
NOT_A_TIME = marked("Type a local time such as 16:00, or leave it empty for the bot's default.")


def register(app: App, ctx: BotContext) -> None:
    @app.event("app_home_opened")
    @guarded
    def home_opened(
        event: dict[str, Any], client: WebClient, body: dict[str, Any], respond: Respond
    ) -> None:
        if event.get("tab") != "home":
            return
        user_id = event["user"]
        ctx.people.person(user_id)  # a new or stale profile is fetched first (name, zone)
        publish_home(ctx, client, user_id, last_state(ctx, user_id).at_page(0))

    @app.action(OPEN_VISIT_MODAL)
    @guarded
    def open_visit_modal(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        today = ctx.today_for(ctx.people.known(body["user"]["id"]))
        context = ModalContext(response_url=body.get("response_url"))
        client.views_open(trigger_id=body["trigger_id"], view=visit_modal(today, context))

    @app.action(OPEN_DEAL_MODAL)
    @guarded
    def open_deal_modal(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        known = ctx.people.known(body["user"]["id"])  # a Slack look-up could outlast the trigger
        view = deal_create_modal(
            body.get("response_url"), ctx.currency_for(known.id if known else None)
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(HOME_PICK_TEAM)
    @guarded
    def team_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        picked = str((action.get("selected_option") or {}).get("value", ""))
        state = _state_of(body)
        if picked.isdigit():
            # The team is checked against the person's own when the Home is drawn.
            state = state.with_team(whole_id(picked))
        publish_home(ctx, client, body["user"]["id"], state)

    @app.action(HOME_PICK_LANGUAGE)
    @guarded
    def language_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        picked = str((action.get("selected_option") or {}).get("value", ""))
        chosen = None if picked == FOLLOW_SLACK else parse_language(picked)
        if chosen is None and picked != FOLLOW_SLACK:
            return  # not an option the picker offers: the Home stays as it is
        user_id = body["user"]["id"]
        choose_language(ctx, ctx.people.person(user_id), chosen)
        # The Home drawn again in the chosen language is the confirmation.
        publish_home(ctx, client, user_id, _state_of(body))

    @app.action(re.compile(rf"^(?:{HOME_DEALS_MORE}|{HOME_DEALS_FIRST})$"))
    @guarded
    def deals_paged(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        value = str(action.get("value", ""))
        page = int(value) if value.isdigit() else 0
        publish_home(ctx, client, body["user"]["id"], _state_of(body).at_page(page))

    @app.action(re.compile(rf"^{HOME_EDIT_TEAM}_\d+$"))
    @guarded
    def edit_team_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        user_id = body["user"]["id"]
        language = _language(ctx, user_id)
        if not _is_admin(ctx, user_id):
            _refuse(respond, language, ADMINS_ONLY)
            return
        settings = effective_settings(ctx)
        with ctx.db.reading() as session:
            team_id = whole_id(str(action["action_id"]).rsplit("_", 1)[1])
            found = teams.team_summaries(session, team_id)
            shown = team_settings(found[0]) if found else None
        if shown is None:
            _refuse(respond, language, TEAM_GONE)
            return
        view = team_settings_modal(
            language,
            shown,
            settings.holiday_country or "",
            settings.case_prompt_weekday,
            f"{settings.case_prompt_time:%H:%M}",
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(HOME_EDIT_SETTINGS)
    @guarded
    def edit_settings_pressed(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        user_id = body["user"]["id"]
        language = _language(ctx, user_id)
        if not _is_admin(ctx, user_id):
            _refuse(respond, language, ADMINS_ONLY)
            return
        values = setting_values(ctx.settings, effective_settings(ctx))
        view = settings_modal(language, values)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(TEAM_SETTINGS_MODAL)
    @guarded
    def team_settings_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        language = _language(ctx, user_id)
        if not _is_admin(ctx, user_id):
            ack(response_action="errors", errors={"channel": gettext(language, ADMINS_ONLY)})
            return
        team_id = team_of_modal(view.get("private_metadata"))
        form, errors = _team_form(language, view["state"]["values"])
        if team_id is None:
            errors["channel"] = gettext(language, TEAM_GONE)
        if errors or form is None or team_id is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        channel, country, weekday, at = form

        def save(session: Session) -> str:
            team = teams.team_by_id(session, team_id)
            if team is None:
                return "team:gone"
            if team.channel_id != channel:
                teams.set_channel(session, team, channel, user_id)
            if team.holiday_country != country:
                teams.set_holiday_country(session, team, country, user_id)
            if (team.case_prompt_weekday, team.case_prompt_time) != (weekday, at):
                teams.set_case_review(session, team, weekday, at, user_id)
            return f"team:{team.id}"

        ctx.db.run_once(f"view:{view['id']}", save)
        publish_home(ctx, client, user_id)

    @app.view(SETTINGS_MODAL)
    @guarded
    def settings_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        if not _is_admin(ctx, user_id):
            refused = gettext(_language(ctx, user_id), ADMINS_ONLY)
            ack(response_action="errors", errors={ADJUSTABLE[0].name.lower(): refused})
            return
        stored, errors = _settings_form(ctx, view["state"]["values"])
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()

        def save(session: Session) -> str:
            changed = sum(
                setting_overrides.set_override(session, name, value, user_id)
                for name, value in stored.items()
            )
            return f"settings:{changed}"

        ctx.db.run_once(f"view:{view['id']}", save)
        publish_home(ctx, client, user_id)


def _state_of(body: dict[str, Any]) -> HomeState:
    """What the Home pressed on was showing."""
    return HomeState.load((body.get("view") or {}).get("private_metadata"))


def _is_admin(ctx: BotContext, slack_user_id: str) -> bool:
    return slack_user_id in ctx.settings.admin_user_ids


def _language(ctx: BotContext, slack_user_id: str) -> Language:
    return ctx.language_for(ctx.people.known(slack_user_id))


def _refuse(respond: Respond, language: Language, text: str) -> None:
    """A press on the Home has no response_url: the refusal comes by DM (the reply outbox
    sends it, so no Slack call stands before the ack)."""
    reply(respond, problem(gettext(language, text), language=language))


TeamForm = tuple[str | None, str | None, int | None, str | None]


def _team_form(
    language: Language, values: dict[str, Any]
) -> tuple[TeamForm | None, dict[str, str]]:
    """The team form's channel, holiday country, case-review weekday and time (None: the
    bot's default), or the message to show under each field that is wrong."""
    errors: dict[str, str] = {}
    picked = (values.get("channel", {}).get("channel") or {}).get("selected_conversation")
    no_channel = bool(checked(values, NO_CHANNEL))
    if picked and no_channel:
        errors[NO_CHANNEL] = gettext(language, CHANNEL_OR_NONE)
    channel = None if no_channel else picked or None
    country = (typed(values, "holiday_country") or "").upper() or None
    if country is not None and not is_known_country(country):
        errors["holiday_country"] = gettext(language, NOT_A_COUNTRY)
    day = selected_value(values, "case_day") or DEFAULT_DAY
    weekday = int(day) if day.isdigit() and int(day) < WORKDAYS else None
    at = None
    typed_time = typed(values, "case_time")
    if typed_time is not None:
        parsed, wrong = parse_adjustable("CASE_PROMPT_TIME", typed_time)
        if wrong is not None:
            errors["case_time"] = gettext(language, NOT_A_TIME)
        else:
            at = format_adjustable("CASE_PROMPT_TIME", parsed)
    if errors:
        return None, errors
    return (channel, country, weekday, at), {}


def _settings_form(
    ctx: BotContext, values: dict[str, Any]
) -> tuple[dict[str, str | None], dict[str, str]]:
    """What to store for each setting (None: the environment's value again), or the message
    to show under each field that is wrong. Values read by the environment's own parsers."""
    stored: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for setting in ADJUSTABLE:
        block_id = setting.name.lower()
        if setting.kind == "weekday":
            text = selected_value(values, block_id)
        else:
            text = typed(values, block_id)
        if text is None:
            stored[setting.name] = None
            continue
        value, wrong = parse_adjustable(setting.name, text)
        if wrong is not None:
            errors[block_id] = wrong
            continue
        normal = format_adjustable(setting.name, value)
        same = normal == adjustable_text(ctx.settings, setting.name)
        stored[setting.name] = None if same else normal
    return stored, errors

"""The buttons of the morning follow-up DM: Done, Snooze, Log visit; a stale deal's stage.

Each press is checked (the rep, their manager or an admin), written once however often
Slack delivers it, and the DM is redrawn in place without the items dealt with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import escape, problem
from blocks.deals import stage_label
from blocks.follow_ups import (
    FOLLOW_UP_DONE,
    FOLLOW_UP_LOG_VISIT,
    FOLLOW_UP_SNOOZE,
    FOLLOW_UP_SNOOZE_TO,
    STALE_DEAL_LOG_VISIT,
    STALE_DEAL_STAGE,
    all_clear,
    snoozed_text,
)
from blocks.visits import ModalContext, visit_modal
from handlers.inputs import whole_id
from handlers.replies import ack_now, guarded, press_key, reply
from parsing.deal_command import LOST_EXAMPLE
from sales.follow_ups import snooze_problem, snooze_until
from sales.permissions import Actor, NotAllowed
from sales.stages import STAGES, WON
from services.context import BotContext
from services.follow_ups import follow_up_digest
from services.home import refresh_home_soon
from store import deals, follow_ups, payments, visits
from store.db import record_id
from store.models import Visit
from store.people import person_by_id
from translations import Language, gettext, marked, render

# What a change did, in one line for the top of the redrawn DM (written in the language of
# the DM's owner); and whose DM it is.
Headline = Callable[[Language], str]
Change = Callable[[Session, Actor], tuple[Headline, int]]
NOT_YOURS = marked(
    "Only the rep it belongs to, their manager or an admin can change this follow-up."
)


def _pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}_\d+$")


def _id_in(action: dict[str, Any]) -> int:
    return whole_id(str(action["action_id"]).rsplit("_", 1)[1])


def register(app: App, ctx: BotContext) -> None:
    @app.action(_pattern(FOLLOW_UP_DONE))
    @guarded
    def done_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        visit_id = _id_in(action)
        language = _language(ctx, body)

        def done(session: Session, actor: Actor) -> tuple[Headline, int]:
            visit = _changeable_visit(session, visit_id, actor, language)
            follow_ups.mark_done(session, visit, ctx.clock(), actor.slack_user_id)
            what = _what(visit)
            return (
                lambda lang: gettext(lang, ":white_check_mark: Done: {what}", what=what),
                visit.rep_id,
            )

        _change(ctx, body, action, respond, client, done)

    @app.action(_pattern(FOLLOW_UP_SNOOZE))
    @guarded
    def snooze_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        choice = str((action.get("selected_option") or {}).get("value", ""))
        _snooze(ctx, body, action, respond, client, lambda today: snooze_until(choice, today))

    @app.action(_pattern(FOLLOW_UP_SNOOZE_TO))
    @guarded
    def snooze_date_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        picked = action.get("selected_date")
        until = date.fromisoformat(picked) if picked else None
        _snooze(ctx, body, action, respond, client, lambda _today: until)

    @app.action(_pattern(STALE_DEAL_STAGE))
    @guarded
    def stage_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        deal_id = _id_in(action)
        language = _language(ctx, body)
        stage = STAGES.get(str((action.get("selected_option") or {}).get("value", "")))
        if stage is None or not (stage.is_open or stage == WON):
            wrong = gettext(language, "That stage can't be chosen here.")
            reply(respond, problem(wrong, gettext(language, LOST_EXAMPLE), language))
            return

        def move(session: Session, actor: Actor) -> tuple[Headline, int]:
            deal = deals.get_deal(session, deal_id)
            if deal is None:
                raise NotAllowed(gettext(language, "Deal #{id} no longer exists.", id=deal_id))
            if not actor.may_change(deal.owner_id):
                raise NotAllowed(
                    gettext(
                        language, "Only the deal's owner, their manager or an admin can change it."
                    )
                )
            if deal.stage == WON.key and stage != WON and payments.owed_on(session, deal):
                # Won since this reminder: its schedule needs the choice /deal asks for.
                raise NotAllowed(
                    gettext(
                        language,
                        "Deal #{id} was won since this reminder and has payments not yet "
                        "received. To reopen it, type `/deal #{id} stage {stage}`: you'll be "
                        "asked what happens to its payment schedule.",
                        id=deal.id,
                        stage=stage.key,
                    )
                )
            me = person_by_id(session, actor.person_id)
            key, number = stage.key, deal.id
            if not deals.change_stage(session, deal, key, me):
                return (
                    lambda lang: gettext(
                        lang,
                        "Deal #{id} already is {stage}.",
                        id=number,
                        stage=stage_label(key, lang),
                    ),
                    deal.owner_id,
                )
            return (
                lambda lang: gettext(
                    lang,
                    ":arrow_right: Deal #{id} moved to {stage}.",
                    id=number,
                    stage=stage_label(key, lang),
                ),
                deal.owner_id,
            )

        _change(ctx, body, action, respond, client, move)

    @app.action(_pattern(FOLLOW_UP_LOG_VISIT))
    @guarded
    def log_for_follow_up(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        visit_id = _id_in(action)

        def customer(session: Session, actor: Actor) -> str | None:
            visit = visits.get_visit(session, visit_id)
            ok = visit is not None and actor.may_see(visit.rep_id)
            return visit.customer.name if visit is not None and ok else None

        _open_visit_form(ctx, body, respond, client, customer)

    @app.action(_pattern(STALE_DEAL_LOG_VISIT))
    @guarded
    def log_for_deal(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        deal_id = _id_in(action)

        def customer(session: Session, actor: Actor) -> str | None:
            deal = deals.get_deal(session, deal_id)
            ok = deal is not None and actor.may_see(deal.owner_id)
            return deal.customer.name if deal is not None and ok else None

        _open_visit_form(ctx, body, respond, client, customer)


def _snooze(
    ctx: BotContext,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    until_for: Callable[[date], date | None],
) -> None:
    visit_id = _id_in(action)
    language = _language(ctx, body)
    # Days count in the rep's own calendar: "tomorrow" is theirs, whoever presses.
    with ctx.db.reading() as session:
        visit = visits.get_visit(session, visit_id)
        rep = visit.rep if visit is not None else None
    today = ctx.today_for(rep)
    until = until_for(today)
    if until is None:
        wrong_choice = gettext(
            language, "Pick when to be reminded again: tomorrow, next week or a date."
        )
        reply(respond, problem(wrong_choice, language=language))
        return
    wrong = snooze_problem(until, today)
    if wrong:
        reply(respond, problem(render(language, wrong), language=language))
        return

    def snooze(session: Session, actor: Actor) -> tuple[Headline, int]:
        visit = _changeable_visit(session, visit_id, actor, language)
        follow_ups.snooze(session, visit, until, actor.slack_user_id)
        what = _what(visit)
        return (lambda lang: snoozed_text(lang, until, what)), visit.rep_id

    _change(ctx, body, action, respond, client, snooze)


def _change(
    ctx: BotContext,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    change: Change,
) -> None:
    """Make the change once (a redelivered press does nothing more), then redraw the DM."""
    actor = ctx.people.actor_for(body["user"]["id"])
    headline: Headline = lambda lang: gettext(lang, "That was already done.")  # noqa: E731

    def apply(session: Session) -> str:
        nonlocal headline
        headline, rep_id = change(session, actor)
        return f"rep:{rep_id}"

    try:
        ref, _ = ctx.db.run_once(press_key(body, action), apply)
    except NotAllowed as refusal:
        reply(respond, problem(refusal.message, language=_language(ctx, body)))
        return
    _redraw(ctx, body, respond, client, record_id(ref), headline)
    refresh_home_soon(ctx, client, actor.slack_user_id)


def _redraw(
    ctx: BotContext,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    rep_id: int,
    headline: Headline,
) -> None:
    """The rep's follow-up DM again, as it stands now, in place of the one pressed: in the
    rep's language, whose DM it is."""
    with ctx.db.reading() as session:
        rep = person_by_id(session, rep_id)
    today = ctx.today_for(rep)
    language = ctx.language_for(rep)
    line = headline(language)
    answer = follow_up_digest(ctx, language, rep_id, today, line) or all_clear(
        language, today, line
    )
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts")
    if channel and ts and not container.get("is_ephemeral"):
        client.chat_update(channel=channel, ts=ts, text=answer["text"], blocks=answer["blocks"])
    else:
        reply(respond, answer, replace=True)


def _open_visit_form(
    ctx: BotContext,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    customer_of: Callable[[Session, Actor], str | None],
) -> None:
    """The visit form, filled in with the follow-up's or deal's customer."""
    person = ctx.people.known(body["user"]["id"])
    language = ctx.language_for(person)
    if person is None:
        reply(respond, problem(gettext(language, NOT_YOURS), language=language))
        return
    actor = ctx.people.actor(person)
    with ctx.db.reading() as session:
        name = customer_of(session, actor)
    if name is None:
        not_yours = gettext(language, "That customer is not one of yours to log a visit for.")
        reply(respond, problem(not_yours, language=language))
        return
    context_data = ModalContext(response_url=body.get("response_url"), customer_name=name)
    view = visit_modal(ctx.today_for(person), context_data)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _changeable_visit(session: Session, visit_id: int, actor: Actor, language: Language) -> Visit:
    visit = visits.get_visit(session, visit_id)
    if visit is None:
        raise NotAllowed(
            gettext(
                language, "Visit #{id} no longer exists; it may have been removed.", id=visit_id
            )
        )
    if not actor.may_change(visit.rep_id):
        raise NotAllowed(gettext(language, NOT_YOURS))
    return visit


def _language(ctx: BotContext, body: dict[str, Any]) -> Language:
    """The language of the person who pressed: their refusals are written in it."""
    return ctx.language_for(ctx.people.known(body["user"]["id"]))


def _what(visit: Visit) -> str:
    return f"*{escape(visit.customer.name)}*: {escape(visit.next_step or '')[:150]}"

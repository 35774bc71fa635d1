"""The Chart button: burn-ups of the person's own targets and their funnel, sent by DM."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.charts import SHOW_CHARTS
from blocks.common import notice, problem
from handlers.replies import guarded, reply
from reports.book import load_book
from sales.localtime import zone
from services.charts import FUNNEL_WEEKS, ChartFile, burn_up_chart, funnel_chart
from services.context import BotContext
from services.uploads import share_charts
from store.models import Person
from translations import Language, gettext

MAX_BURN_UPS = 3


def register(app: App, ctx: BotContext) -> None:
    @app.action(SHOW_CHARTS)
    @guarded
    def charts_pressed(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        person = ctx.people.person(body["user"]["id"])
        language = ctx.language_for(person)
        drawing = gettext(language, ":bar_chart: Drawing your charts; they will arrive in your DM.")
        reply(respond, notice(drawing))
        charts = _own_charts(ctx, person, language)
        if share_charts(client, person.slack_user_id, charts) < len(charts):
            failed = gettext(language, "Some charts could not be sent. Please try again later.")
            reply(respond, problem(failed, language=language))


def _own_charts(ctx: BotContext, person: Person, language: Language) -> list[ChartFile]:
    local_now = ctx.clock().astimezone(zone(person.tz))
    today = local_now.date()
    with ctx.db.reading() as session:
        book = load_book(
            session,
            ctx.settings.holiday_country,
            [person.id],
            (today, today),
            since=today - timedelta(weeks=FUNNEL_WEEKS),
            default_currency=ctx.settings.default_currency,
        )
    calendar = book.roster.calendar_of(person.id)
    joined = book.roster.first_joined(person.id)
    in_force = book.targets.for_person(person.id, today)
    who = person.display_name
    charts = [
        burn_up_chart(book.activity, target, [person.id], local_now, calendar, who=who,
                      started_on=joined, language=language)
        for target in in_force[:MAX_BURN_UPS]
    ]  # fmt: skip
    charts.append(funnel_chart(book.activity, [person.id], local_now, who=who, language=language))
    return charts

"""/case: write the week's case (the form), share it with the team, edit it; browse and
search the case library; away weeks. Also the prompt's "Write my case" button."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from blocks.cases import (
    ABOUT,
    CASE_MODAL,
    EDIT_CASE,
    OPEN_CASE,
    PAGE_BACK,
    PAGE_MORE,
    PAGE_SIZE,
    WRITE_CASE,
    CaseModalContext,
    CaseQuery,
    CaseView,
    away_list,
    away_saved,
    case_card,
    case_help,
    case_modal,
    case_results,
    tag_text,
    week_text,
)
from blocks.common import Message, escape, notice, parse_problem, problem, user
from handlers.inputs import command_text, selected_value, typed, whole_id
from handlers.replies import BeforeAck, ack_now, guarded, reply, reply_later
from handlers.teams import refused
from parsing.case_command import (
    CaseAway,
    CaseAwayClear,
    CaseAwayShow,
    CaseCommand,
    CaseHelp,
    CaseList,
    CaseOpenModal,
    CaseSearch,
    normalize_tags,
    parse_case_command,
)
from parsing.errors import ParseError
from sales.case_review import monday_of, week_monday, week_of
from sales.localtime import utc_now
from sales.permissions import Actor, NotAllowed
from services.cases import week_for_new_case
from services.context import BotContext
from services.home import refresh_home_soon
from services.overrides import effective_context
from store import cases, teams
from store.cases import CaseFields, CaseLinks
from store.db import record_id
from store.models import Case, Person, Team
from store.people import get_person
from translations import Language, gettext, marked, msg, ngettext

log = logging.getLogger(__name__)
ONLY_THE_AUTHOR = marked("Only the person who wrote this case can edit it.")
NO_LONGER_EXISTS = marked("That case no longer exists.")
MAX_TAGS_CHARS = 300  # the tags column


def register(app: App, ctx: BotContext) -> None:
    @app.command("/case")
    @guarded
    def case_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        user_id, text = command["user_id"], command_text(command)
        if _opens_form(command):
            ack_now(ack)  # the form opens with the trigger, before Slack sees the ack
            _open_form(ctx, client, user_id, command["trigger_id"], command.get("response_url"))
            return
        ack()
        person = ctx.people.person(user_id)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        try:
            parsed = parse_case_command(text, today)
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        if isinstance(parsed, CaseOpenModal):
            _open_form(ctx, client, user_id, command["trigger_id"], command.get("response_url"))
            return
        actor = ctx.people.actor(person)
        key = f"command:{command['trigger_id']}"
        reply(respond, _answer(ctx, actor, parsed, today, key, language))

    @app.action(WRITE_CASE)
    @guarded
    def write_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        week = str(action.get("value", ""))
        _open_form(
            ctx,
            client,
            body["user"]["id"],
            body["trigger_id"],
            body.get("response_url"),
            week=week if week_monday(week) else None,
            replace=True,
        )

    @app.action(EDIT_CASE)
    @guarded
    def edit_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        person = ctx.people.known(body["user"]["id"])
        language = ctx.language_for(person)
        with ctx.db.reading() as session:
            case = cases.get_case(session, whole_id(action["value"]))
            if case is None:
                reply(respond, problem(gettext(language, NO_LONGER_EXISTS), language=language))
                return
            if person is None or case.author_id != person.id:
                reply(respond, problem(gettext(language, ONLY_THE_AUTHOR), language=language))
                return
            context_data = CaseModalContext(response_url=body.get("response_url"), case_id=case.id)
            view = case_modal(
                context_data,
                cases.case_links(session, person.id),
                case=case,
                deal=cases.case_deal(session, case),
                language=language,
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CASE_MODAL)
    @guarded
    def case_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        language = ctx.language_for(ctx.people.known(body["user"]["id"]))
        fields, errors = _fields_from_modal(view["state"]["values"], language)
        if fields is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        _save(ctx, client, respond, body["user"]["id"], view, fields)

    @app.action(re.compile(rf"^{OPEN_CASE}_\d+$"))
    @guarded
    def open_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        person = ctx.people.person(body["user"]["id"])
        actor = ctx.people.actor(person)
        language = ctx.language_for(person)
        with ctx.db.reading() as session:
            reader = cases.case_reader(session, person.id, is_admin=actor.is_admin)
            case = cases.get_case(session, whole_id(action["action_id"].rsplit("_", 1)[1]))
            if case is None:
                answer = problem(gettext(language, NO_LONGER_EXISTS), language=language)
            elif not reader.may_read(case.author_id, case.team_id):
                refusal = gettext(language, "That case belongs to another team's library.")
                answer = problem(refusal, language=language)
            else:
                answer = case_card(_view_of(session, case, person.id), language=language)
        reply(respond, answer)

    @app.action(re.compile(rf"^(?:{PAGE_MORE}|{PAGE_BACK})$"))
    @guarded
    def page_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        person = ctx.people.person(body["user"]["id"])
        actor = ctx.people.actor(person)
        query = CaseQuery.load(action.get("value", ""))
        reply(respond, _browse(ctx, actor, query, ctx.language_for(person)), replace=True)


def _opens_form(command: dict[str, Any]) -> bool:
    """`/case` alone (or `/case new`) opens the form with the trigger, before the ack.
    Whether it does never depends on the date, so no one's local date is looked up first."""
    text = command_text(command)
    if not text.strip():
        return True
    try:
        return isinstance(parse_case_command(text, utc_now().date()), CaseOpenModal)
    except ParseError:
        return False


BEFORE_ACK: dict[str, BeforeAck] = {"/case": _opens_form}


def _answer(
    ctx: BotContext,
    actor: Actor,
    command: CaseCommand,
    today: date,
    key: str,
    language: Language,
) -> Message:
    match command:
        case CaseHelp():
            return case_help(language)
        case CaseList(author_id=author, mine=mine, tags=tags):
            return _browse(ctx, actor, CaseQuery("list", author, mine, tags), language)
        case CaseSearch(words=words):
            return _browse(ctx, actor, CaseQuery("search", words=words), language)
        case CaseAway(first=first, last=last):
            return _away(ctx, actor, first, last, today, key, language)
        case CaseAwayShow():
            with ctx.db.reading() as session:
                aways = cases.away_from(session, actor.person_id, today)
                return away_list(aways, language=language)
        case CaseAwayClear():
            return _back(ctx, actor, today, key, language)
    return case_help(language)  # pragma: no cover - CaseOpenModal is handled before


def _open_form(
    ctx: BotContext,
    client: WebClient,
    user_id: str,
    trigger_id: str,
    response_url: str | None,
    *,
    week: str | None = None,
    replace: bool = False,
) -> None:
    """Open the case form: for `week` (from the prompt), else for the week owed. Only fast
    reads happen before the form opens: the trigger expires in three seconds."""
    ctx = effective_context(ctx)  # an admin may have moved the case-review day
    person = ctx.people.known(user_id)
    today = ctx.today_for(person)
    language = ctx.language_for(person)
    with ctx.db.reading() as session:
        if person is None:
            context_data = CaseModalContext(response_url, week=week or week_of(today))
            view = case_modal(context_data, CaseLinks([], []), language=language)
        else:
            view = _form_for(ctx, session, person, today, response_url, week, replace)
    client.views_open(trigger_id=trigger_id, view=view)


def _form_for(
    ctx: BotContext,
    session: Session,
    person: Person,
    today: date,
    response_url: str | None,
    week: str | None,
    replace: bool,
) -> dict[str, Any]:
    links = cases.case_links(session, person.id)
    language = ctx.language_for(person)
    if week is not None:
        # Pressed on the prompt after writing that week's case already: edit it instead.
        existing = cases.latest_case_of_week(session, person.id, week)
        if existing is not None:
            context_data = CaseModalContext(response_url, existing.id, replace=replace)
            deal = cases.case_deal(session, existing)
            return case_modal(context_data, links, case=existing, deal=deal, language=language)
    team = cases.home_team(session, person.id)
    if week is None:
        week = week_for_new_case(ctx, session, person, today)
    context_data = CaseModalContext(response_url, week=week, replace=replace)
    shared_in = team.channel_id if team else None
    return case_modal(context_data, links, shared_in=shared_in, language=language)


_MISSING = (
    ("pain_point", marked("What was the customer's pain point?")),
    ("strategy", marked("What did you do about it?")),
    ("result", marked("How did it turn out?")),
    ("lessons", marked("What did you learn from it?")),
)


def _fields_from_modal(
    values: dict[str, Any], language: Language
) -> tuple[_CaseInput | None, dict[str, str]]:
    """The form's values, or the message to show under each field that is wrong."""
    errors: dict[str, str] = {}
    title = typed(values, "title")
    if title is None:
        errors["title"] = gettext(language, "Give the case a one-line title.")
    texts: dict[str, str] = {}
    for key, missing in _MISSING:
        text = typed(values, key)
        if text is None:
            errors[key] = gettext(language, missing)
        else:
            texts[key] = text
    tags: tuple[str, ...] = ()
    try:
        tags = normalize_tags(typed(values, "tags") or "")
    except ParseError as error:
        errors["tags"] = gettext(
            language,
            "{problem} For example: {example}",
            problem=error.message_in(language),
            example=error.example_in(language) or "",
        )
    if len(" ".join(tags)) > MAX_TAGS_CHARS:
        errors["tags"] = gettext(language, "Those tags are too long together; use fewer.")
    about = selected_value(values, ABOUT)
    if errors or title is None:
        return None, errors
    return _CaseInput(title=title, tags=tags, about=about, **texts), {}


class _CaseInput:
    """What the form said, before the deal or customer it names is checked."""

    def __init__(
        self,
        *,
        title: str,
        pain_point: str,
        strategy: str,
        result: str,
        lessons: str,
        tags: tuple[str, ...],
        about: str | None,
    ) -> None:
        self.title = title
        self.texts = (pain_point, strategy, result, lessons)
        self.tags = tags
        self.about = about

    def fields(self, session: Session, actor: Actor, keep: Case | None = None) -> CaseFields:
        """The case's fields, with the deal or customer picked, if it is one of the author's
        (or what the case being edited already had)."""
        customer_id = deal_id = None
        kind, _, number = (self.about or "").partition(":")
        if number.isdigit() and kind == "deal":
            deal = cases.get_deal(session, whole_id(number))
            kept = keep is not None and keep.deal_id == int(number)
            if deal is not None and (kept or actor.may_see(deal.owner_id)):
                deal_id, customer_id = deal.id, deal.customer_id
        elif number.isdigit() and kind == "customer":
            kept = keep is not None and keep.customer_id == int(number)
            if kept or cases.is_their_customer(session, actor.person_id, whole_id(number)):
                customer_id = int(number)
        pain_point, strategy, result, lessons = self.texts
        return CaseFields(
            title=self.title,
            pain_point=pain_point,
            strategy=strategy,
            result=result,
            lessons=lessons,
            tags=self.tags,
            customer_id=customer_id,
            deal_id=deal_id,
        )


def _save(
    ctx: BotContext,
    client: WebClient,
    respond: Respond,
    user_id: str,
    view: dict[str, Any],
    form: _CaseInput,
) -> None:
    modal = CaseModalContext.load(view.get("private_metadata", ""))
    person = ctx.people.person(user_id)
    actor = ctx.people.actor(person)
    today = ctx.today_for(person)
    language = ctx.language_for(person)

    def save(session: Session) -> str:
        if modal.case_id is None:
            fields = form.fields(session, actor)
            team = cases.home_team(session, person.id)
            week = modal.week if modal.week and week_monday(modal.week) else week_of(today)
            case = cases.create_case(session, person.id, team.id if team else None, week, fields)
            return f"case:{case.id}"
        case = cases.get_case(session, modal.case_id)
        if case is None:
            raise NotAllowed(msg("Case #{id} no longer exists.", id=modal.case_id))
        if case.author_id != person.id:
            raise NotAllowed(msg(ONLY_THE_AUTHOR))
        fields = form.fields(session, actor, keep=case)
        return f"case:{cases.update_case(session, case, fields, user_id).id}"

    try:
        ref, first = ctx.db.run_once(f"view:{view['id']}", save)
    except NotAllowed as refusal:
        reply_later(respond, modal.response_url, refused(refusal, language))
        return
    case_id = record_id(ref)
    if modal.case_id is None:
        headline = (
            _share(ctx, client, case_id, user_id, language)
            if first
            else gettext(language, "This case was saved.")
        )
    else:
        headline = _refresh_card(ctx, client, case_id, language)
    with ctx.db.reading() as session:
        case = cases.get_case(session, case_id)
        answer = (
            case_card(_view_of(session, case, person.id), headline=headline, language=language)
            if case
            else notice(gettext(language, "That case was removed."))
        )
    reply_later(respond, modal.response_url, answer, replace=modal.replace)
    refresh_home_soon(ctx, client, user_id)


def _share(
    ctx: BotContext, client: WebClient, case_id: int, user_id: str, language: Language
) -> str:
    """Post a new case's card in its team's channel, in the team's language; the headline
    saying how that went, in the author's."""
    with ctx.db.reading() as session:
        case = cases.get_case(session, case_id)
        assert case is not None
        team = teams.team_by_id(session, case.team_id) if case.team_id else None
        channel = team.channel_id if team else None
        card = _team_card(ctx, session, case, team)
        week = week_text(language, case.week)
    if team is None:
        return gettext(
            language,
            ":white_check_mark: Your case for {week} is saved. Join a team to share your "
            "cases with it.",
            week=week,
        )
    if channel is None:
        return gettext(
            language,
            ":white_check_mark: Your case for {week} is saved in {team}'s case library. The "
            "team has no channel to share it in; a manager can set one with "
            "`/team {team} channel #channel`.",
            week=week,
            team=escape(team.name),
        )
    try:
        posted = client.chat_postMessage(channel=channel, **card)
    except SlackApiError as error:
        log.warning("could not share case %s in %s: %s", case_id, channel, error.response)
        return gettext(
            language,
            ":white_check_mark: Your case for {week} is saved, but I couldn't post it in "
            "<#{channel}>. Invite me there (`/invite @salesbot`); meanwhile it is in the "
            "library: `/case list`.",
            week=week,
            channel=channel,
        )
    with ctx.db.transaction() as session:
        case = cases.get_case(session, case_id)
        if case is not None:
            cases.set_posted(session, case, str(posted["channel"]), str(posted["ts"]), user_id)
    return gettext(
        language,
        ":white_check_mark: Your case for {week} is saved and shared with the team in "
        "<#{channel}>. Thank you!",
        week=week,
        channel=channel,
    )


def _team_card(ctx: BotContext, session: Session, case: Case, team: Team | None) -> Message:
    """The case's card for its team's channel, in the team's language."""
    language = ctx.team_language(team) if team is not None else ctx.settings.default_language
    return case_card(_view_of(session, case, None), language=language)


def _refresh_card(ctx: BotContext, client: WebClient, case_id: int, language: Language) -> str:
    """Update an edited case's card where it was posted; the headline saying so."""
    with ctx.db.reading() as session:
        case = cases.get_case(session, case_id)
        if case is None or not case.channel or not case.message_ts:
            return gettext(language, ":pencil2: Case updated.")
        channel, ts = case.channel, case.message_ts
        team = teams.team_by_id(session, case.team_id) if case.team_id else None
        card = _team_card(ctx, session, case, team)
    try:
        client.chat_update(channel=channel, ts=ts, text=card["text"], blocks=card["blocks"])
    except SlackApiError as error:
        log.warning("could not update case %s in %s: %s", case_id, channel, error.response)
        return gettext(
            language,
            ":pencil2: Case updated; its card in <#{channel}> could not be updated.",
            channel=channel,
        )
    return gettext(
        language, ":pencil2: Case updated, and its card in <#{channel}> too.", channel=channel
    )


def _view_of(session: Session, case: Case, reader_id: int | None) -> CaseView:
    """The case as a card shows it; its Edit button works for its author only, so the team's
    card (`reader_id` None) has one and the author sees it on their own copies."""
    editable = reader_id is None or case.author_id == reader_id
    return CaseView(case, cases.case_deal(session, case), editable)


def _browse(ctx: BotContext, actor: Actor, query: CaseQuery, language: Language) -> Message:
    with ctx.db.reading() as session:
        reader = cases.case_reader(session, actor.person_id, is_admin=actor.is_admin)
        if query.kind == "search":
            found = cases.search_cases(session, reader, query.words)
            page = found[query.offset : query.offset + PAGE_SIZE]
            words = " ".join(f"“{escape(word)}”" for word in query.words)
            asked = ngettext(
                language,
                "{n} case with {words}, most relevant first",
                "{n} cases with {words}, most relevant first",
                len(found),
                words=words,
            )
            empty = gettext(
                language,
                "No case has every word of “{words}”. Try fewer words.",
                words=" ".join(query.words),
            )
            return case_results(
                query, page, len(found), asked_for=asked, empty=empty, language=language
            )
        author_id: int | None = actor.person_id if query.mine else None
        author_slack_id = query.author
        if author_slack_id is not None:
            author = get_person(session, author_slack_id)
            author_id = author.id if author is not None else -1
        page, total = cases.list_cases(
            session, reader, author_id=author_id, tags=query.tags, offset=query.offset,
            limit=PAGE_SIZE,
        )  # fmt: skip
        asked = _listed(total, query, actor.is_admin, language)
        if query.tags:
            asked = gettext(
                language,
                "{cases} tagged {tags}",
                cases=asked,
                tags=tag_text(" ".join(query.tags)),
            )
        asked = gettext(language, "{cases}, newest first", cases=asked)
        empty = (
            gettext(language, "No cases match that yet.")
            if query.author or query.tags or query.mine
            else gettext(
                language,
                "Your team's case library is empty so far. Type `/case` to write the first case.",
            )
        )
        return case_results(query, page, total, asked_for=asked, empty=empty, language=language)


def _listed(total: int, query: CaseQuery, is_admin: bool, language: Language) -> str:
    """`3 cases of yours`, `3 cases by @rita`, `3 cases from your teams`."""
    if query.author is not None:
        return ngettext(
            language, "{n} case by {who}", "{n} cases by {who}", total, who=user(query.author)
        )
    if query.mine:
        return ngettext(language, "{n} case of yours", "{n} cases of yours", total)
    if is_admin:
        return ngettext(language, "{n} case from every team", "{n} cases from every team", total)
    return ngettext(language, "{n} case from your teams", "{n} cases from your teams", total)


def _away(
    ctx: BotContext,
    actor: Actor,
    first: date,
    last: date,
    today: date,
    key: str,
    language: Language,
) -> Message:
    if last < today:
        return problem(
            gettext(language, "Those days are already over. Mark days from today on."),
            gettext(language, "/case away next week"),
            language,
        )

    def add(session: Session) -> str:
        away = cases.add_away(session, actor.person_id, first, last, actor.slack_user_id)
        return f"away:{away.id}"

    ctx.db.run_once(key, add)
    weeks = []
    monday = monday_of(first)
    while monday <= last:
        weeks.append(week_of(monday))
        monday += timedelta(weeks=1)
    return away_saved(first, last, weeks, language)


def _back(ctx: BotContext, actor: Actor, today: date, key: str, language: Language) -> Message:
    count = 0

    def clear(session: Session) -> str:
        nonlocal count
        count = cases.clear_away(session, actor.person_id, today, actor.slack_user_id)
        return f"away-cleared:{count}"

    _, first = ctx.db.run_once(key, clear)
    headline = (
        gettext(language, ":wave: Welcome back: your away days from today on are removed.")
        if first and count
        else gettext(language, "You had no away days from today on.")
        if first
        else gettext(language, "Your away days were already removed.")
    )
    with ctx.db.reading() as session:
        return away_list(cases.away_from(session, actor.person_id, today), headline, language)

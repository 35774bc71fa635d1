"""What people see of cases: the form, the team card, the library, the weekly prompt and
the manager's summary, away days and /case help."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    day,
    escape,
    fields_section,
    header,
    input_block,
    message,
    plain,
    section,
    text_input,
    truncate,
    user,
)
from parsing.case_command import CASE_EXAMPLES, MAX_TAGS
from sales.case_review import week_monday
from store.cases import CaseLinks
from store.models import Away, Case, Customer, Deal
from translations import ENGLISH, Language, gettext, marked, ngettext
from translations.formats import format_day_month, format_list, format_short_day

CASE_MODAL = "case_modal"
WRITE_CASE = "case_write"
EDIT_CASE = "case_edit"
OPEN_CASE = "case_open"  # case_open_<id>: one per case in a list, so each id is unique
PAGE_MORE = "case_page_more"
PAGE_BACK = "case_page_back"
ABOUT = "about"
PAGE_SIZE = 5
SUMMARY_CASES_SHOWN = 40
# Each text of a case: its column, its label (form and card) and the form's hint.
_FIELDS = (
    (
        "pain_point",
        marked("The customer's pain point"),
        marked("What hurt, and why it mattered to them."),
    ),
    ("strategy", marked("Your strategy"), marked("What you did about it, and why that approach.")),
    ("result", marked("The result"), marked("What happened: signed, lost, stalled, the numbers.")),
    (
        "lessons",
        marked("Lessons learned"),
        marked("What you, and the team, would do again or differently."),
    ),
)


@dataclass(frozen=True)
class CaseModalContext:
    """What the case form must remember until it is submitted (kept in private_metadata)."""

    response_url: str | None = None
    case_id: int | None = None  # editing this case; None: a new one
    week: str | None = None  # the ISO week a new case is for
    replace: bool = False  # answer by replacing the message the form was opened from

    def dump(self) -> str:
        return json.dumps({key: value for key, value in asdict(self).items() if value})

    @classmethod
    def load(cls, text: str) -> CaseModalContext:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        case_id = data.get("case_id")
        return cls(
            response_url=data.get("response_url") if isinstance(data.get("response_url"), str)
            else None,
            case_id=case_id if isinstance(case_id, int) else None,
            week=data.get("week") if isinstance(data.get("week"), str) else None,
            replace=data.get("replace") is True,
        )  # fmt: skip


@dataclass(frozen=True)
class CaseQuery:
    """A library page: what was asked for and where the page starts (kept in the buttons)."""

    kind: str = "list"  # "list" or "search"
    author: str | None = None  # a Slack user id
    mine: bool = False
    tags: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    offset: int = 0

    def dump(self) -> str:
        data = {"k": self.kind, "a": self.author, "m": self.mine, "t": self.tags}
        data.update({"w": self.words, "o": self.offset})
        return json.dumps({key: value for key, value in data.items() if value})

    @classmethod
    def load(cls, text: str) -> CaseQuery:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            return tuple(str(item) for item in value)[:20] if isinstance(value, list) else ()

        offset = data.get("o")
        return cls(
            kind="search" if data.get("k") == "search" else "list",
            author=str(data["a"]) if isinstance(data.get("a"), str) else None,
            mine=data.get("m") is True,
            tags=strings("t"),
            words=strings("w"),
            offset=max(0, offset) if isinstance(offset, int) else 0,
        )

    def at(self, offset: int) -> CaseQuery:
        return CaseQuery(self.kind, self.author, self.mine, self.tags, self.words, offset)


@dataclass(frozen=True)
class CaseView:
    """A case with what its card shows besides the case itself."""

    case: Case
    deal: Deal | None = None
    editable: bool = False


@dataclass(frozen=True)
class WeekSummary:
    team: str
    week: str
    submitted: list[Case]
    missing: list[str]  # Slack user ids
    away: list[str] = field(default_factory=list)


def week_text(language: Language, week: str) -> str:
    """`the week of Mon 16 Nov 2026`, or the raw text when it is not a week."""
    monday = week_monday(week)
    return gettext(language, "the week of {day}", day=monday) if monday else week


def _link_option(kind: str, item_id: int, label: str) -> dict[str, Any]:
    return {"text": plain(truncate(label, 75)), "value": f"{kind}:{item_id}"}


def deal_option(deal: Deal) -> dict[str, Any]:
    return _link_option("deal", deal.id, f"#{deal.id} {deal.customer.name} — {deal.title}")


def customer_option(customer: Customer) -> dict[str, Any]:
    return _link_option("customer", customer.id, customer.name)


def case_modal(
    context_data: CaseModalContext,
    links: CaseLinks,
    *,
    case: Case | None = None,
    deal: Deal | None = None,
    shared_in: str | None = None,
    language: Language = ENGLISH,
) -> dict[str, Any]:
    """The form for a new case (for `context_data.week`) or to edit `case`."""
    week = case.week if case else context_data.week or ""
    where = (
        gettext(
            language,
            "It is shared with your team in <#{channel}> and kept in the case library.",
            channel=shared_in,
        )
        if shared_in
        else gettext(language, "It is kept in your team's case library.")
    )
    intro = (
        gettext(
            language,
            "Your case for *{week}*. {where}",
            week=week_text(language, week),
            where=where,
        )
        if case is None
        else gettext(
            language,
            "Editing case #{id}, for {week}. Its card in the team channel updates when you save.",
            id=case.id,
            week=week_text(language, week),
        )
    )
    blocks: list[Block] = [
        section(intro),
        input_block(
            "title",
            # L10N: a form field's label, at most 2000 characters.
            gettext(language, "Case title"),
            text_input("title", case.title if case else None, max_length=150),
            # L10N: hint under a form field, at most 2000 characters.
            hint=gettext(
                language,
                "One line the team will recognise, e.g. “Acme: won the renewal by "
                "meeting the CFO early”.",
            ),
        ),
    ]
    about = _about_select(links, case, deal, language)
    if about is not None:
        blocks.append(
            input_block(ABOUT, gettext(language, "Customer or deal"), about, optional=True)
        )
    for key, label, hint in _FIELDS:
        initial = getattr(case, key) if case else None
        blocks.append(
            input_block(
                key,
                gettext(language, label),
                text_input(key, initial, multiline=True, max_length=3000),
                hint=gettext(language, hint),
            )
        )
    tags = " ".join(f"#{tag}" for tag in case.tags.split()) if case else None
    blocks.append(
        input_block(
            "tags",
            gettext(language, "Tags"),
            text_input("tags", tags, max_length=300),
            optional=True,
            hint=gettext(
                language,
                "Up to {limit} words to find it by, e.g. pricing, competitor, cfo.",
                limit=MAX_TAGS,
            ),
        )
    )
    return {
        "type": "modal",
        "callback_id": CASE_MODAL,
        "title": plain(
            # L10N: modal title, at most 24 characters.
            gettext(language, "Edit case") if case else gettext(language, "This week's case")
        ),
        # L10N: modal button, at most 24 characters.
        "submit": plain(gettext(language, "Save")),
        # L10N: modal button, at most 24 characters.
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": context_data.dump(),
        "blocks": blocks,
    }


def _about_select(
    links: CaseLinks, case: Case | None, deal: Deal | None, language: Language
) -> dict[str, Any] | None:
    deals = list(links.deals)
    customers = list(links.customers)
    initial: dict[str, Any] | None = None
    if case is not None and deal is not None:
        if all(item.id != deal.id for item in deals):
            deals.insert(0, deal)
        initial = deal_option(deal)
    elif case is not None and case.customer is not None:
        if all(item.id != case.customer.id for item in customers):
            customers.insert(0, case.customer)
        initial = customer_option(case.customer)
    groups = [
        {"label": plain(label), "options": options[:100]}
        for label, options in (
            # L10N: a menu's group label, at most 75 characters.
            (gettext(language, "Your open deals"), [deal_option(item) for item in deals]),
            # L10N: a menu's group label, at most 75 characters.
            (gettext(language, "Your customers"), [customer_option(item) for item in customers]),
        )
        if options
    ]
    if not groups:
        return None
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ABOUT,
        # L10N: placeholder, at most 150 characters.
        "placeholder": plain(gettext(language, "Pick one of your deals or customers")),
        "option_groups": groups,
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def case_card(
    view: CaseView, *, headline: str | None = None, language: Language = ENGLISH
) -> Message:
    """The readable card the team sees (and the author, with an Edit button)."""
    case = view.case
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(f":bookmark_tabs: {case.title}"))
    fields = [
        gettext(language, "*Written by*\n{author}", author=user(case.author.slack_user_id)),
        gettext(language, "*Week*\n{week}", week=_week_short(case, language)),
    ]
    if view.deal is not None:
        deal = view.deal
        fields.append(
            gettext(
                language,
                "*Deal*\n#{id} {customer} — {title}",
                id=deal.id,
                customer=escape(deal.customer.name),
                title=escape(deal.title),
            )
        )
    elif case.customer is not None:
        fields.append(
            gettext(language, "*Customer*\n{customer}", customer=escape(case.customer.name))
        )
    if case.tags:
        fields.append(gettext(language, "*Tags*\n{tags}", tags=tag_text(case.tags)))
    blocks.append(fields_section(fields))
    for key, label, _ in _FIELDS:
        blocks.append(section(f"*{gettext(language, label)}*\n{escape(getattr(case, key))}"))
    blocks.append(
        context(
            gettext(
                language,
                "Case #{id} · `/case search <words>` finds it in the library",
                id=case.id,
            )
        )
    )
    if view.editable:
        # L10N: button, at most 75 characters.
        edit = button(gettext(language, "Edit"), EDIT_CASE, str(case.id))
        blocks.append(actions(f"case_{case.id}", edit))
    text = gettext(
        language, "Case: {title} by {author}", title=case.title, author=case.author.display_name
    )
    return message(text, blocks)


def tag_text(tags: str) -> str:
    return " ".join(f"`#{escape(tag)}`" for tag in tags.split())


def _week_short(case: Case, language: Language) -> str:
    monday = week_monday(case.week)
    if monday is None:
        return escape(case.week)
    return gettext(
        language,
        "{week} (from {day})",
        week=case.week,
        day=format_short_day(language, monday),
    )


def case_prompt(week: str, *, reminder: bool = False, language: Language = ENGLISH) -> Message:
    """The weekly DM asking a rep for their case, or the next morning's reminder."""
    when = week_text(language, week)
    if reminder:
        title = gettext(language, ":alarm_clock: *Your case for {week} isn't in yet*", week=when)
        text = gettext(language, "Reminder: your case for {week}", week=when)
    else:
        title = gettext(language, ":memo: *Time for this week's case* ({week})", week=when)
        text = gettext(language, "Time for this week's case ({week})", week=when)
    body = gettext(
        language,
        "{title}\nPick one customer you worked with this week and write it up for the team: "
        "the customer's pain point, the strategy you used, the result and what you learned. "
        "It takes five minutes, and it goes into the team's case library.",
        title=title,
    )
    blocks = [
        section(body),
        actions(
            f"case_prompt_{week}",
            # L10N: button, at most 75 characters.
            button(gettext(language, "Write my case"), WRITE_CASE, week, style="primary"),
        ),
        context(
            gettext(
                language,
                "Away? `/case away next week` skips the prompts while you're gone. "
                "`/case list` shows the team's cases.",
            )
        ),
    ]
    return message(text, blocks)


def case_results(
    query: CaseQuery,
    cases: list[Case],
    total: int,
    *,
    asked_for: str,
    empty: str,
    language: Language = ENGLISH,
) -> Message:
    """One page of the library: each case with an Open button, and More / Back."""
    if not cases:
        return message(empty, [section(f":open_file_folder: {empty}")])
    first = query.offset + 1
    last = query.offset + len(cases)
    blocks: list[Block] = [
        section(gettext(language, ":books: *Case library* · {asked}", asked=asked_for))
    ]
    for case in cases:
        about = f" · {escape(case.customer.name)}" if case.customer else ""
        tags = f" · {tag_text(case.tags)}" if case.tags else ""
        text = (
            f"*{escape(case.title)}*\n{user(case.author.slack_user_id)} · "
            f"{_week_short(case, language)}{about}{tags}\n"
            f"_{escape(truncate(' '.join(case.pain_point.split()), 200))}_"
        )
        blocks.append(section(text, accessory=_open_button(case, language)))
    blocks.append(
        context(
            gettext(language, "{first} to {last} of {total}", first=first, last=last, total=total)
        )
    )
    paging = []
    if query.offset > 0:
        back = query.at(max(0, query.offset - PAGE_SIZE))
        # L10N: button, at most 75 characters.
        paging.append(button(gettext(language, "Back"), PAGE_BACK, back.dump()))
    if last < total:
        more = query.at(last).dump()
        # L10N: button, at most 75 characters.
        paging.append(button(gettext(language, "More"), PAGE_MORE, more, style="primary"))
    if paging:
        blocks.append(actions("case_pages", *paging))
    return message(gettext(language, "Case library: {total} found", total=total), blocks)


def _open_button(case: Case, language: Language) -> dict[str, Any]:
    # L10N: button, at most 75 characters.
    return button(gettext(language, "Open"), f"{OPEN_CASE}_{case.id}", str(case.id))


def case_summary(summary: WeekSummary, language: Language = ENGLISH) -> Message:
    """The manager's weekly overview: who wrote their case, who did not, and the cases."""
    when = week_text(language, summary.week)
    team = escape(summary.team)
    done, missing, away = summary.submitted, summary.missing, summary.away
    authors = len({case.author_id for case in done})
    expected = authors + len(missing)
    blocks: list[Block] = [
        # L10N: a header, at most 150 characters with the team's name.
        header(truncate(gettext(language, "Case review · {team}", team=summary.team), 150)),
        section(
            gettext(
                language,
                "Cases for *{week}*: {done} of {expected} in.",
                week=when,
                done=authors,
                expected=expected,
            )
        ),
    ]
    if done:
        blocks.append(section(gettext(language, "*Submitted* ({n})", n=len(done))))
    for case in done[:SUMMARY_CASES_SHOWN]:
        title = escape(case.title)
        link = (
            " · <{url}|{card}>".format(
                url=message_link(case.channel, case.message_ts),
                # L10N: the link to a case's card in the team channel.
                card=gettext(language, "card"),
            )
            if case.channel and case.message_ts
            else ""
        )
        text = f"{user(case.author.slack_user_id)}: *{title}*{link}"
        blocks.append(section(text, accessory=_open_button(case, language)))
    if len(done) > SUMMARY_CASES_SHOWN:
        more = len(done) - SUMMARY_CASES_SHOWN
        blocks.append(context(gettext(language, "…and {n} more: `/case list`", n=more)))
    if missing:
        mentions = ", ".join(user(slack_id) for slack_id in missing[:100])
        blocks.append(
            section(
                gettext(language, "*Not in yet* ({n}): {people}", n=len(missing), people=mentions)
            )
        )
    if away:
        mentions = ", ".join(user(slack_id) for slack_id in away[:100])
        blocks.append(
            section(gettext(language, "*Away* ({n}): {people}", n=len(away), people=mentions))
        )
    blocks.append(
        context(
            gettext(
                language,
                "{team}'s reps who had not written theirs got one reminder this morning. "
                "Browse the library with `/case list` or `/case search <words>`.",
                team=team,
            )
        )
    )
    text = gettext(
        language,
        "Case review for {team}: {done} in, {missing} not yet",
        team=summary.team,
        done=len(done),
        missing=len(missing),
    )
    return message(text, blocks)


def message_link(channel: str, ts: str) -> str:
    """A link to a posted message (Slack sends it on to the workspace)."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def away_list(
    aways: list[Away], headline: str | None = None, language: Language = ENGLISH
) -> Message:
    lines = [f"• {_span(away.first_day, away.last_day, language)}" for away in aways[:30]]
    if not aways:
        body = gettext(
            language,
            "You have no away days coming up. Going on leave? "
            "`/case away 2026-12-21 to 2027-01-01` skips the case-review prompts those weeks.",
        )
    else:
        body = gettext(language, "*Your away days*") + "\n" + "\n".join(lines)
    blocks = [section(headline)] if headline else []
    blocks.append(section(body))
    if aways:
        blocks.append(
            context(gettext(language, "Back early? `/case away clear` removes them from today on."))
        )
    return message(headline or gettext(language, "Your away days"), blocks)


def away_saved(first: date, last: date, weeks: list[str], language: Language = ENGLISH) -> Message:
    mondays = [monday for monday in (week_monday(week) for week in weeks[:12]) if monday]
    days = [format_day_month(language, monday) for monday in mondays]
    if len(weeks) > 12:
        days.append(ngettext(language, "{n} more", "{n} more", len(weeks) - 12))
    shown = format_list(language, days)
    span = _span(first, last, language)
    text = ngettext(
        language,
        ":palm_tree: You're away {span}: no case-review prompt or reminder in the week of {weeks}.",
        ":palm_tree: You're away {span}: no case-review prompt or reminder in the weeks of "
        "{weeks}.",
        len(weeks),
        span=span,
        weeks=shown,
    )
    return message(gettext(language, "Away {span}", span=span), [section(text)])


def _span(first: date, last: date, language: Language) -> str:
    if first == last:
        return day(first, language)
    return gettext(
        language, "{first} to {last}", first=day(first, language), last=day(last, language)
    )


def case_help(language: Language = ENGLISH) -> Message:
    examples = "\n".join(f"• `{escape(gettext(language, example))}`" for example in CASE_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
        "*Weekly case review*\n"
        "• `/case` opens the form for this week's case: the customer or deal, their pain "
        "point, your strategy, the result, lessons learned and tags. It is shared in your "
        "team's channel; its Edit button lets you change it later.\n"
        "• `/case list [mine | @person] [#tag]` browses your team's case library, newest "
        "first.\n"
        "• `/case search <words>` finds cases with every word, in any field, most relevant "
        "first.\n"
        "• `/case away <date> to <date>` (or `this week`, `next week`): no case-review prompt "
        "or reminder in those weeks. `/case away` shows them; `/case away clear` removes them.\n\n"
        "*Examples*\n{examples}",
        examples=examples,
    )
    return message(gettext(language, "How to use /case"), [section(text)])

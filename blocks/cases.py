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
from sales.case_review import week_label, week_monday
from store.cases import CaseLinks
from store.models import Away, Case, Customer, Deal

CASE_MODAL = "case_modal"
WRITE_CASE = "case_write"
EDIT_CASE = "case_edit"
OPEN_CASE = "case_open"  # case_open_<id>: one per case in a list, so each id is unique
PAGE_MORE = "case_page_more"
PAGE_BACK = "case_page_back"
ABOUT = "about"
PAGE_SIZE = 5
SUMMARY_CASES_SHOWN = 40
_FIELDS = (
    ("pain_point", "The customer's pain point", "What hurt, and why it mattered to them."),
    ("strategy", "Your strategy", "What you did about it, and why that approach."),
    ("result", "The result", "What happened: signed, lost, stalled, the numbers."),
    ("lessons", "Lessons learned", "What you, and the team, would do again or differently."),
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
) -> dict[str, Any]:
    """The form for a new case (for `context_data.week`) or to edit `case`."""
    week = case.week if case else context_data.week or ""
    where = (
        f"It is shared with your team in <#{shared_in}> and kept in the case library."
        if shared_in
        else "It is kept in your team's case library."
    )
    intro = (
        f"Your case for *{week_label(week)}*. {where}"
        if case is None
        else f"Editing case #{case.id}, for {week_label(week)}. Its card in the team channel "
        "updates when you save."
    )
    blocks: list[Block] = [
        section(intro),
        input_block(
            "title",
            "Title",
            text_input("title", case.title if case else None, max_length=150),
            hint="One line the team will recognise, e.g. “Acme: won the renewal by "
            "meeting the CFO early”.",
        ),
    ]
    about = _about_select(links, case, deal)
    if about is not None:
        blocks.append(input_block(ABOUT, "Customer or deal", about, optional=True))
    for key, label, hint in _FIELDS:
        initial = getattr(case, key) if case else None
        blocks.append(
            input_block(
                key, label, text_input(key, initial, multiline=True, max_length=3000), hint=hint
            )
        )
    tags = " ".join(f"#{tag}" for tag in case.tags.split()) if case else None
    blocks.append(
        input_block(
            "tags",
            "Tags",
            text_input("tags", tags, max_length=300),
            optional=True,
            hint=f"Up to {MAX_TAGS} words to find it by, e.g. pricing, competitor, cfo.",
        )
    )
    return {
        "type": "modal",
        "callback_id": CASE_MODAL,
        "title": plain("Edit case" if case else "This week's case"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": context_data.dump(),
        "blocks": blocks,
    }


def _about_select(links: CaseLinks, case: Case | None, deal: Deal | None) -> dict[str, Any] | None:
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
            ("Your open deals", [deal_option(item) for item in deals]),
            ("Your customers", [customer_option(item) for item in customers]),
        )
        if options
    ]
    if not groups:
        return None
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ABOUT,
        "placeholder": plain("Pick one of your deals or customers"),
        "option_groups": groups,
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def case_card(view: CaseView, *, headline: str | None = None) -> Message:
    """The readable card the team sees (and the author, with an Edit button)."""
    case = view.case
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(f":bookmark_tabs: {case.title}"))
    fields = [f"*Written by*\n{user(case.author.slack_user_id)}", f"*Week*\n{_week_short(case)}"]
    if view.deal is not None:
        deal = view.deal
        fields.append(f"*Deal*\n#{deal.id} {escape(deal.customer.name)} — {escape(deal.title)}")
    elif case.customer is not None:
        fields.append(f"*Customer*\n{escape(case.customer.name)}")
    if case.tags:
        fields.append(f"*Tags*\n{tag_text(case.tags)}")
    blocks.append(fields_section(fields))
    for key, label, _ in _FIELDS:
        blocks.append(section(f"*{label}*\n{escape(getattr(case, key))}"))
    blocks.append(context(f"Case #{case.id} · `/case search <words>` finds it in the library"))
    if view.editable:
        blocks.append(actions(f"case_{case.id}", button("Edit", EDIT_CASE, str(case.id))))
    return message(f"Case: {case.title} by {case.author.display_name}", blocks)


def tag_text(tags: str) -> str:
    return " ".join(f"`#{escape(tag)}`" for tag in tags.split())


def _week_short(case: Case) -> str:
    monday = week_monday(case.week)
    return f"{case.week} (from {monday:%a %-d %b})" if monday else escape(case.week)


def case_prompt(week: str, *, reminder: bool = False) -> Message:
    """The weekly DM asking a rep for their case, or the next morning's reminder."""
    when = week_label(week)
    if reminder:
        title = f":alarm_clock: *Your case for {when} isn't in yet*"
        text = f"Reminder: your case for {when}"
    else:
        title = f":memo: *Time for this week's case* ({when})"
        text = f"Time for this week's case ({when})"
    body = (
        f"{title}\nPick one customer you worked with this week and write it up for the team: "
        "the customer's pain point, the strategy you used, the result and what you learned. "
        "It takes five minutes, and it goes into the team's case library."
    )
    blocks = [
        section(body),
        actions(
            f"case_prompt_{week}",
            button("Write my case", WRITE_CASE, week, style="primary"),
        ),
        context(
            "Away? `/case away next week` skips the prompts while you're gone. "
            "`/case list` shows the team's cases."
        ),
    ]
    return message(text, blocks)


def case_results(
    query: CaseQuery, cases: list[Case], total: int, *, asked_for: str, empty: str
) -> Message:
    """One page of the library: each case with an Open button, and More / Back."""
    if not cases:
        return message(empty, [section(f":open_file_folder: {empty}")])
    first = query.offset + 1
    last = query.offset + len(cases)
    blocks: list[Block] = [section(f":books: *Case library* · {asked_for}")]
    for case in cases:
        about = f" · {escape(case.customer.name)}" if case.customer else ""
        tags = f" · {tag_text(case.tags)}" if case.tags else ""
        text = (
            f"*{escape(case.title)}*\n{user(case.author.slack_user_id)} · "
            f"{_week_short(case)}{about}{tags}\n"
            f"_{escape(truncate(' '.join(case.pain_point.split()), 200))}_"
        )
        blocks.append(
            section(text, accessory=button("Open", f"{OPEN_CASE}_{case.id}", str(case.id)))
        )
    blocks.append(context(f"{first} to {last} of {total}"))
    paging = []
    if query.offset > 0:
        back = query.at(max(0, query.offset - PAGE_SIZE))
        paging.append(button("Back", PAGE_BACK, back.dump()))
    if last < total:
        paging.append(button("More", PAGE_MORE, query.at(last).dump(), style="primary"))
    if paging:
        blocks.append(actions("case_pages", *paging))
    return message(f"Case library: {total} found", blocks)


def case_summary(summary: WeekSummary) -> Message:
    """The manager's weekly overview: who wrote their case, who did not, and the cases."""
    when = week_label(summary.week)
    team = escape(summary.team)
    done, missing, away = summary.submitted, summary.missing, summary.away
    expected = len({case.author_id for case in done}) + len(missing)
    blocks: list[Block] = [
        header(truncate(f"Case review · {summary.team}", 150)),
        section(f"Cases for *{when}*: {len({c.author_id for c in done})} of {expected} in."),
    ]
    if done:
        blocks.append(section(f"*Submitted* ({len(done)})"))
    for case in done[:SUMMARY_CASES_SHOWN]:
        title = escape(case.title)
        link = (
            f" · <{message_link(case.channel, case.message_ts)}|card>"
            if case.channel and case.message_ts
            else ""
        )
        text = f"{user(case.author.slack_user_id)}: *{title}*{link}"
        blocks.append(
            section(text, accessory=button("Open", f"{OPEN_CASE}_{case.id}", str(case.id)))
        )
    if len(done) > SUMMARY_CASES_SHOWN:
        blocks.append(context(f"…and {len(done) - SUMMARY_CASES_SHOWN} more: `/case list`"))
    if missing:
        mentions = ", ".join(user(slack_id) for slack_id in missing[:100])
        blocks.append(section(f"*Not in yet* ({len(missing)}): {mentions}"))
    if away:
        mentions = ", ".join(user(slack_id) for slack_id in away[:100])
        blocks.append(section(f"*Away* ({len(away)}): {mentions}"))
    blocks.append(
        context(
            f"{team}'s reps who had not written theirs got one reminder this morning. "
            "Browse the library with `/case list` or `/case search <words>`."
        )
    )
    text = f"Case review for {summary.team}: {len(done)} in, {len(missing)} not yet"
    return message(text, blocks)


def message_link(channel: str, ts: str) -> str:
    """A link to a posted message (Slack sends it on to the workspace)."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def away_list(aways: list[Away], headline: str | None = None) -> Message:
    lines = [f"• {_span(away.first_day, away.last_day)}" for away in aways[:30]]
    if not aways:
        body = (
            "You have no away days coming up. Going on leave? "
            "`/case away 2026-12-21 to 2027-01-01` skips the case-review prompts those weeks."
        )
    else:
        body = "*Your away days*\n" + "\n".join(lines)
    blocks = [section(headline)] if headline else []
    blocks.append(section(body))
    if aways:
        blocks.append(context("Back early? `/case away clear` removes them from today on."))
    return message(headline or "Your away days", blocks)


def away_saved(first: date, last: date, weeks: list[str]) -> Message:
    shown = ", ".join(f"{week_monday(week):%-d %b}" for week in weeks[:12] if week_monday(week))
    more = f" and {len(weeks) - 12} more" if len(weeks) > 12 else ""
    text = (
        f":palm_tree: You're away {_span(first, last)}: no case-review prompt or reminder "
        f"in the {'week' if len(weeks) == 1 else 'weeks'} of {shown}{more}."
    )
    return message(f"Away {_span(first, last)}", [section(text)])


def _span(first: date, last: date) -> str:
    return day(first) if first == last else f"{day(first)} to {day(last)}"


def case_help() -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in CASE_EXAMPLES)
    text = (
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
        f"*Examples*\n{examples}"
    )
    return message("How to use /case", [section(text)])

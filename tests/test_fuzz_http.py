"""Fuzzing over the HTTP path: every command, button and form, with hostile values.

One running bot per module (a team, visits, deals, a won deal with an instalment, every
form opened once), then hypothesis sends signed requests as Slack would. For each:

- the bot answers HTTP 200 (forms: an empty ack or field errors);
- nothing is logged with a traceback, and nobody is told "something went wrong";
- a refusal (field errors, or an answer starting with :warning:) leaves every domain
  table exactly as it was.

About 2,000 examples per run, split across the targets below.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blocks.common import escape
from bot import Bot
from runtime.settings import Settings
from services.home import wait_for_refreshes
from store.db import Database
from tests.conftest import (
    ADMIN,
    BOT_TOKEN,
    OTHER_REP,
    REP,
    SIGNING_SECRET,
    Clock,
    RunningBot,
    serve_bot,
)
from tests.support.databases import fresh_database_url
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import Response
from tests.support.snapshots import domain_rows

MANAGER = "UMGR001"
USERS = (REP, OTHER_REP, ADMIN, MANAGER)
# Examples per target; targets x examples add up to about 2,000 per run.
COMMAND_EXAMPLES = 200  # 5 commands
FORM_EXAMPLES = 60  # 9 forms
BUTTON_EXAMPLES = 18  # 27 buttons
ANSWER_METHODS = frozenset(
    {
        "response_url",
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.open",
        "views.update",
        "views.push",
        "views.publish",
    }
)
SORRY = "something went wrong"
VIEW_IDS = itertools.count(1)
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TrackingExecutor(Executor):
    """The listener pool, counting work in flight so a check can wait for it to finish."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._busy += 1
        future = self._inner.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._busy == 0, timeout), "listeners still busy"

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class LoggedFailures(logging.Handler):
    """Every log record with a traceback, or at ERROR and above."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)

    def take(self) -> list[str]:
        found = [self.format(record) for record in self.records]
        self.records.clear()
        return found


@dataclass
class World:
    """The running bot with a small sales team, and the forms it opened."""

    bot: RunningBot
    listeners: TrackingExecutor
    failures: LoggedFailures
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)
    home: dict[str, Any] = field(default_factory=dict)
    refused: int = 0  # requests refused (and shown to change nothing)
    changed: int = 0  # requests that changed the data

    def __repr__(self) -> str:
        return "World(the running bot)"

    def settle(self) -> None:
        self.listeners.wait_idle()
        self.bot.settle()
        wait_for_refreshes()

    def check(self, send: Callable[[], Response]) -> None:
        """Send one request and check the promises in the module docstring."""
        self.settle()
        before = domain_rows(self.bot.db)
        mark = self.bot.fake.mark()
        response = send()
        assert response.status == 200, response.body
        refused = _field_errors(response) is not None
        if not refused:
            self.settle()
            # Some refusals are sent after the ack from a thread of their own (never before
            # it), so the answer may trail the settled inbox by a moment.
            answers = self.bot.fake.wait_for(
                lambda: [
                    call.params
                    for call in self.bot.fake.calls()[mark:]
                    if call.method in ANSWER_METHODS
                ]
            )
            shown = json.dumps(answers, ensure_ascii=False)
            assert SORRY not in shown, shown
            refused = any(_is_refusal(answer) for answer in answers)
        assert self.failures.take() == []
        after = domain_rows(self.bot.db)
        if refused:
            assert after == before, "a refused request changed the data"
            self.refused += 1
        elif after != before:
            self.changed += 1


def _field_errors(response: Response) -> dict[str, str] | None:
    if not response.body:
        return None
    answer = response.json()
    return answer.get("errors") if answer.get("response_action") == "errors" else None


def _is_refusal(answer: dict[str, Any]) -> bool:
    """A `blocks.common.problem` message: ":warning: <what was wrong>", then an example."""
    blocks = answer.get("blocks") or []
    first = blocks[0] if blocks else {}
    shown = str((first.get("text") or {}).get("text", ""))
    return shown.split("\n")[0] == f":warning: {escape(str(answer.get('text', '')))}"


# ---------------------------------------------------------------------- the world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with fresh_database_url(Path(tmp_path_factory.mktemp("fuzz"))) as url:
        fake = FakeSlack().start()
        for user, name, tz in (
            (REP, "rita", "America/New_York"),
            (OTHER_REP, "oscar", "Asia/Shanghai"),
            (ADMIN, "ada", "Europe/London"),
            (MANAGER, "mia", "America/New_York"),
        ):
            fake.add_user(user, name=name, real_name=name.title(), tz=tz)
        db = Database(url)
        db.upgrade()
        settings_ = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_app_token=None,
            port=0,
            database_url=url,
            slack_api_url=fake.api_url,
            admin_user_ids=frozenset({ADMIN}),
        )
        listeners: list[TrackingExecutor] = []

        def track_listeners(bot: Bot) -> None:
            # Bolt keeps its listener pool private; counting its work is how a check knows
            # the bot has finished answering (with a durable inbox, wait for its worker too).
            runner = bot.app._listener_runner
            listeners.append(TrackingExecutor(runner.listener_executor))
            runner.listener_executor = listeners[0]

        failures = LoggedFailures()
        logging.getLogger().addHandler(failures)
        try:
            with serve_bot(settings_, db, fake, Clock(), track_listeners) as running:
                world = World(running, listeners[0], failures)
                _set_up(world)
                yield world
        finally:
            logging.getLogger().removeHandler(failures)
            fake.stop()
            db.dispose()
    assert fake.problems == [], "the bot sent invalid Block Kit:\n" + "\n".join(fake.problems)


def _set_up(world: World) -> None:
    bot = world.bot
    for user, command, text in (
        (ADMIN, "/team", "create Enterprise"),
        (ADMIN, "/team", f"Enterprise manager <@{MANAGER}|mia>"),
        (ADMIN, "/team", f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>"),
        (MANAGER, "/target", f"<@{REP}|rita> revenue 100k"),
        (REP, "/visit", "Acme Corp: met the CFO; next: send proposal by friday"),
        (OTHER_REP, "/visit", "Initech: intro call; next: demo by tomorrow"),
        (REP, "/deal", "new Acme Corp; Renewal 2027; 120k; stage negotiation"),
        (REP, "/deal", "#1 won"),
        (REP, "/deal", "#1 payment 60k due 2026-11-10"),
        (OTHER_REP, "/deal", "new Globex; Pilot; 5k"),
    ):
        answer = bot.ask(command, text, user=user)
        assert not _is_refusal(answer), (command, text, answer)
    world.settle()
    for user in USERS:
        mark = bot.fake.mark()
        assert bot.slack.app_home_opened(user_id=user).status == 200
        call = bot.fake.wait_for_call(
            "views.publish", where=lambda c, u=user: c.params["user_id"] == u, since=mark
        )
        world.home[user] = call.response["view"]
    for command in ("/visit", "/deal", "/case"):
        world.forms[command] = _opened(world, lambda c=command: bot.command(c, "")[0])
    for action_id in ("deal_add_payment_terms", "payment_mark_paid", "payment_snooze", "deal_edit"):
        world.forms[action_id] = _opened(world, lambda a=action_id: _press(world, REP, a, "1"))
    world.forms["payment_add_note"] = _opened(
        world, lambda: _press(world, REP, "payment_add_note", "1")
    )
    for action_id in ("home_edit_team_1", "home_edit_settings"):
        world.forms[action_id] = _opened(
            world, lambda a=action_id: _press_in_home(world, ADMIN, a, None)
        )
    world.settle()
    assert world.failures.take() == []


def _opened(world: World, open_it: Callable[[], Response]) -> dict[str, Any]:
    mark = world.bot.fake.mark()
    assert open_it().status == 200
    return world.bot.fake.wait_for_call("views.open", since=mark).response["view"]


def _press(world: World, user: str, action_id: str, value: str | None, **extra: Any) -> Response:
    return world.bot.slack.block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        response_url=world.bot.fake.response_url(),
        **extra,
    )


def _press_in_home(
    world: World, user: str, action_id: str, value: str | None, **extra: Any
) -> Response:
    return world.bot.slack.block_action(
        user_id=user,
        action_id=action_id,
        value=value,
        response_url=None,
        view=world.home[user],
        **extra,
    )


# ---------------------------------------------------------------------- hostile values

HOSTILE_PIECES = (
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u200b",
    "\u202e",
    "ß" * 61,
    "İ" * 70,
    "ﬃ" * 45,
    "x" * 3001,
    "😀" * 10,
    "<@U0BOGUS>",
    "<#C0BOGUS|x>",
    "<!channel>",
    "&lt;&amp;",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "'; DROP TABLE deals; --",
    "%s%n",
)
words = st.one_of(
    st.sampled_from(HOSTILE_PIECES),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)


def grammar(*vocabulary: str) -> st.SearchStrategy[str]:
    """Command-like text: the command's own words and hostile pieces, in any order."""
    piece = st.one_of(st.sampled_from(vocabulary), words)
    return st.lists(piece, max_size=8).map(" ".join)


COMMANDS = {
    "/visit": grammar(
        "Acme Corp:", "Initech:", ":", ";", "next:", "by", "friday", "tomorrow", "help"
    ),
    "/deal": grammar(
        "new",
        "Acme",
        "Globex;",
        ";",
        "Pilot;",
        "120k",
        "$5k",
        "12万",
        "close",
        "stage",
        "won",
        "lost",
        "#1",
        "#2",
        "#3",
        "note",
        "amount",
        "payment",
        "payments",
        "due",
        "paid",
        "on",
        "list",
        "all",
        "mine",
        "help",
        "proposal",
        "negotiation",
    ),
    "/team": grammar(
        "create",
        "Enterprise",
        "add",
        "remove",
        "manager",
        "unmanage",
        f"<@{REP}|rita>",
        f"<@{OTHER_REP}|oscar>",
        "channel",
        "<#C0TEAM|sales>",
        "none",
        "holidays",
        "US",
        "casereview",
        "thursday",
        "15:00",
        "help",
        '"',
    ),
    "/target": grammar(
        f"<@{REP}|rita>",
        "team",
        "Enterprise",
        "revenue",
        "visits",
        "new_customers",
        "collected",
        "100k",
        "0",
        "2026-12",
        "2026-Q4",
        "this month",
        "next quarter",
        "help",
    ),
    "/case": grammar(
        "list",
        "search",
        "away",
        "clear",
        "mine",
        f"<@{REP}|rita>",
        "#renewal",
        "to",
        "next week",
        "this week",
        "2026-12-21",
        "help",
    ),
}


@settings(FUZZ, max_examples=COMMAND_EXAMPLES * len(COMMANDS))
@given(
    command=st.sampled_from(sorted(COMMANDS)),
    data=st.data(),
    user=st.sampled_from(USERS),
)
def test_every_command_answers_and_refusals_change_nothing(
    world: World, command: str, data: st.DataObject, user: str
) -> None:
    text = data.draw(COMMANDS[command], label="text")
    world.check(lambda: world.bot.command(command, text, user=user)[0])


# ---------------------------------------------------------------------- forms

dates = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["", "2026-11-17", "2026-13-01", "17/11/2026", "tomorrow", "2026-1-1"]),
    words,
)


def _value_for(element: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a person, or a forged payload, could put in this element."""
    kind = element.get("type")
    options = [option["value"] for option in element.get("options") or []]
    if kind == "datepicker":
        return dates
    if kind in ("static_select", "radio_buttons"):
        return st.one_of(st.sampled_from(options or ["x"]), words)
    if kind == "checkboxes":
        return st.lists(st.sampled_from(options or ["x"]), unique=True, max_size=len(options))
    if kind == "external_select":
        return words.filter(bool)
    if kind in ("users_select", "conversations_select", "channels_select"):
        return st.sampled_from([REP, OTHER_REP, "C0TEAM", "U0BOGUS", "\x00"])
    return st.one_of(words, st.lists(words, max_size=6).map(" ".join))


@settings(FUZZ, max_examples=FORM_EXAMPLES * 10)
@given(
    form=st.sampled_from(
        sorted(
            [
                "/visit",
                "/deal",
                "/case",
                "deal_add_payment_terms",
                "deal_edit",
                "payment_mark_paid",
                "payment_snooze",
                "payment_add_note",
                "home_edit_team_1",
                "home_edit_settings",
            ]
        )
    ),
    data=st.data(),
    user=st.sampled_from(USERS),
)
def test_every_form_answers_and_refusals_change_nothing(
    world: World, form: str, data: st.DataObject, user: str
) -> None:
    view = world.forms[form]
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        if data.draw(st.booleans(), label=f"fill {block['block_id']}"):
            value = data.draw(_value_for(element), label=block["block_id"])
            values[block["block_id"]] = {element["action_id"]: value}
    view_id = f"VFUZZ{next(VIEW_IDS)}"  # each submission a new form, never a redelivery
    world.check(
        lambda: world.bot.slack.view_submission(
            user_id=user,
            callback_id=view["callback_id"],
            values=values,
            view=view,
            view_id=view_id,
        )
    )


# ---------------------------------------------------------------------- buttons

ids = st.one_of(
    st.integers(1, 4).map(str),
    st.sampled_from(["0", "999999", str(2**63), "9" * 30, "-1", "abc", "1\x00", "", " 1"]),
)
id_suffixes = st.one_of(
    st.integers(1, 4).map(str), st.sampled_from(["0", "999999", str(2**63), "9" * 30])
)


@dataclass(frozen=True)
class Button:
    action_id: str  # "{}" stands for an id in the action id
    value: st.SearchStrategy[Any] | None = field(default=None, repr=False)
    option: st.SearchStrategy[Any] | None = field(default=None, repr=False)  # a select
    date: bool = False  # a datepicker
    in_home: bool = False


STAGE_OPTIONS = st.one_of(
    st.tuples(ids, st.sampled_from(["proposal", "won", "lost", "nope", ""])).map(":".join),
    words,
)
BUTTONS = (
    Button("visit_edit", ids),
    Button("visit_undo", ids),
    Button("deal_pick_{}", COMMANDS["/deal"]),
    Button("deal_move_stage", option=STAGE_OPTIONS),
    Button("payment_open_deal", ids),
    Button("my_deals"),
    Button("deal_add_payment_terms", ids),
    Button("deal_edit", ids),
    Button("deal_keep", ids),
    Button("deal_delete", ids),
    Button(
        "deal_create_anyway",
        st.one_of(
            words,
            st.sampled_from(
                [
                    '{"customer":"Acme Corp","title":"Renewal 2027","amount":"5000","currency":'
                    '"USD","stage":"lead","close":null,"bant":["bant_need"]}',
                    '{"customer":"\\u0000","title":"x","amount":"1e999","currency":"USD"}',
                    '{"customer":"Acme","title":"T","amount":"5","currency":"USD","stage":"won"}',
                    "[]",
                ]
            ),
        ),
    ),
    Button("payment_mark_paid", ids),
    Button("payment_snooze", ids),
    Button("payment_add_note", ids),
    Button("follow_up_done_{}"),
    Button(
        "follow_up_snooze_{}", option=st.one_of(st.sampled_from(["tomorrow", "next_week"]), words)
    ),
    Button("follow_up_snooze_to_{}", date=True),
    Button("stale_deal_stage_{}", option=st.one_of(st.sampled_from(["proposal", "won"]), words)),
    Button("follow_up_log_{}"),
    Button("stale_deal_log_{}"),
    Button("show_charts", words),
    Button("case_write", st.one_of(st.sampled_from(["2026-W47", "9999-W99"]), words)),
    Button("case_edit", ids),
    Button("case_open_{}"),
    Button("case_page_more", words),
    Button("case_page_back", words),
    Button("open_visit_modal", in_home=True),
    Button("open_deal_modal", in_home=True),
    Button("home_pick_team", option=ids, in_home=True),
    Button("home_deals_more", ids, in_home=True),
    Button("home_edit_team_{}", in_home=True),
)


@settings(FUZZ, max_examples=BUTTON_EXAMPLES * len(BUTTONS))
@given(button=st.sampled_from(BUTTONS), data=st.data(), user=st.sampled_from(USERS))
def test_every_button_answers_and_refusals_change_nothing(
    world: World, button: Button, data: st.DataObject, user: str
) -> None:
    action_id = button.action_id
    if "{}" in action_id:
        action_id = action_id.format(data.draw(id_suffixes, label="id"))
    value = None if button.value is None else data.draw(button.value, label="value")
    action: dict[str, Any] = {"action_id": action_id}
    if button.option is not None:
        picked = str(data.draw(button.option, label="option"))
        action.update(
            type="static_select", selected_option={"text": _plain(picked), "value": picked}
        )
    if button.date:
        action.update(type="datepicker", selected_date=data.draw(dates, label="date"))
    press = _press_in_home if button.in_home else _press
    world.check(lambda: press(world, user, action_id, value, action=action))


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75] or " ", "emoji": True}


def test_the_fuzzing_reached_both_refusals_and_changes(world: World) -> None:
    """The checks above mean something only if many requests were refused and many saved."""
    assert world.refused >= 200, world.refused
    assert world.changed >= 50, world.changed

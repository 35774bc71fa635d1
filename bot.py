"""salesbot: settings, wiring, run.

python bot.py                          run the bot (Socket Mode if SLACK_APP_TOKEN is set)
python bot.py web                      only receive, record and ack Slack requests
python bot.py worker                   only process accepted requests and run scheduled jobs
python bot.py db upgrade               create or upgrade the database schema
python bot.py export KIND|all          write every record of a kind (--format csv|jsonl|json)
python bot.py backup FILE              a consistent copy of a SQLite database, while it runs
python bot.py import teams|targets|rates FILE.csv   set up teams, targets or exchange rates
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dotenv import load_dotenv
from sqlalchemy.exc import OperationalError

from runtime.cli_text import format_job_list, format_run_report, parse_instant
from runtime.export import FORMATS, ExportError, check_exportable, export, export_all
from runtime.logs import configure_logging
from runtime.settings import Settings, SettingsError, load_settings
from sales.localtime import utc_now
from store.db import Database
from store.exports import KINDS

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk import WebClient

    from runtime.front_door import FrontDoor
    from runtime.inbox import Inbox
    from runtime.slack_client import Sleep
    from runtime.worker import InboxWorker
    from scheduler.runtime import Scheduler
    from services.context import BotContext

log = logging.getLogger("salesbot")
WORKER_NICENESS = 5
# Python hands the GIL from a busy thread to a waiting one every 5 ms by default. In a
# worker, a thread back from the database or Slack (a reply on its way) then waits behind
# one composing a job's messages: reply p99 at 16 concurrent commands was 513-733 ms with
# the default and 199-236 ms with this (benchmarks/ack_latency.py). A web process keeps
# the default: its threads all ack, and taking turns more often only delays every ack.
THREAD_SWITCH_SECONDS = 0.0005


@dataclass(frozen=True)
class Bot:
    app: App
    context: BotContext
    scheduler: Scheduler
    inbox: Inbox
    worker: InboxWorker
    front_door: FrontDoor | None  # HTTP mode's, where requests are signed


def build_context(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime] = utc_now,
    sleep: Sleep = time.sleep,
) -> tuple[BotContext, WebClient]:
    """What listeners and jobs share: settings, database, people, clock, Web API client."""
    # Loaded here, not at import: `export`, `import` and `db upgrade` need neither the
    # scheduler nor slack_sdk.
    from runtime.slack_client import make_client
    from services.context import BotContext
    from services.people import People

    client = make_client(settings.slack_bot_token, settings.slack_api_url, sleep)
    people = People(db, client, settings.admin_user_ids, clock, offline=not settings.talks_to_slack)
    return BotContext(settings=settings, db=db, people=people, clock=clock), client


def build_bot(
    settings: Settings,
    db: Database,
    clock: Callable[[], datetime] = utc_now,
    sleep: Sleep = time.sleep,
) -> Bot:
    """The Bolt app with every listener registered, and the worker that replays accepted
    requests through it; also used by the end-to-end tests.

    One app serves both roles: a request from Slack is recorded and acked (the listener
    stops at its `ack()`), a request the worker replays runs the listener to its end.
    """
    # The Slack app, its listeners and the inbox load here, not at import: `bot.py jobs`,
    # `export` and `db upgrade` need none of them (half a second of imports).
    import handlers
    from runtime.front_door import FrontDoor
    from runtime.inbox import Inbox, SalesbotApp
    from runtime.metrics import watch_inbox
    from runtime.worker import InboxWorker
    from scheduler.registry import all_jobs
    from scheduler.runtime import Scheduler

    context, client = build_context(settings, db, clock, sleep)
    app = SalesbotApp(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode requests come over an authenticated socket and are not signed.
        request_verification_enabled=not settings.socket_mode,
        # The listener runs in the request's own thread up to its ack: the synchronous
        # part (a modal, form errors) and the inbox write; a worker runs the rest.
        process_before_response=True,
    )
    inbox = Inbox(db)
    app.use(inbox.middleware(client))
    scheduler = Scheduler(context, client, all_jobs(settings))
    context = replace(context, job_statuses=scheduler.status)
    handlers.register_all(app, context)
    worker = InboxWorker(app, db, client, lease=timedelta(seconds=settings.inbox_lease_seconds))
    inbox.on_accepted = worker.wake
    inbox.on_reply = worker.replies.wake
    watch_inbox(db)
    secret = settings.slack_signing_secret
    front_door = FrontDoor(inbox, secret, handlers.acks_first) if secret else None
    return Bot(app, context, scheduler, inbox, worker, front_door)


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode with slack_sdk's built-in WebSocket client (no extra package)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app, settings.slack_app_token)


def run(settings: Settings, db: Database, role: str = "all") -> None:
    """`all`: everything in this process. `web`: receive, record, ack. `worker`: process
    accepted requests and run the scheduled jobs (any number of each on one PostgreSQL)."""
    from runtime.http import http_server, monitoring_app, serve_until, wsgi_app

    bot = build_bot(settings, db)
    works = role in ("all", "worker")
    if works:
        sys.setswitchinterval(THREAD_SWITCH_SECONDS)
    if role == "worker" and hasattr(os, "nice"):
        # Where a web process shares the machine, its acks (due within 3 s) come first.
        os.nice(WORKER_NICENESS)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if works:
        bot.worker.start()
        bot.scheduler.start(settings.scheduler_tick_minutes)
    socket_mode: SocketModeHandler | None = None
    try:
        if role == "worker":
            # No Slack traffic comes here; /healthz and /metrics for the orchestrator.
            application = monitoring_app(db.is_reachable)
            what = "GET /healthz, GET /metrics"
        elif settings.socket_mode:
            log.info("starting in Socket Mode (%s)", role)
            socket_mode = socket_mode_handler(bot.app, settings)
            socket_mode.connect()
            application = monitoring_app(db.is_reachable)
            what = "GET /healthz, GET /metrics; Slack requests over Socket Mode"
        else:
            application = wsgi_app(bot.app, db.is_reachable, bot.front_door)
            what = "POST /slack/events, GET /healthz, GET /metrics"
        server = http_server(application, "0.0.0.0", settings.port)
        log.info("%s: listening on port %s (%s)", role, settings.port, what)
        serve_until(server, stop)
    finally:
        if socket_mode is not None:
            socket_mode.close()
        if works:
            bot.worker.stop()
            bot.scheduler.shutdown()
        log.info("stopped")


def jobs_command(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    """`jobs` lists the jobs; `jobs run NAME` runs one now, exactly as the scheduler would."""
    from scheduler.registry import all_jobs

    if args.action is None:
        # Listing reads the run records and the ledger: no Slack client, nor what runs jobs.
        from scheduler.health import job_statuses
        from services.overrides import settings_in_force

        jobs = all_jobs(settings_in_force(db, settings))
        print(format_job_list(job_statuses(db, jobs, utc_now())))
        return 0
    from scheduler.runtime import Scheduler

    context, client = build_context(settings, db)
    scheduler = Scheduler(context, client, all_jobs(settings))
    if args.name not in scheduler.jobs:
        print(f"No job {args.name!r}. Jobs: {', '.join(scheduler.jobs)}", file=sys.stderr)
        return 2
    report = scheduler.run_job(args.name, now=args.at, dry_run=sys.stdout if args.dry_run else None)
    print(format_run_report(report), file=sys.stderr)
    return 1 if report.errors else 0


def import_command(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    """Bulk set-up: every row is checked before anything is written."""
    from runtime.imports import import_rates, import_targets, import_teams

    if not args.file.is_file():
        print(f"No file {args.file}", file=sys.stderr)
        return 2
    today = utc_now().date()
    if args.kind == "teams":
        result = import_teams(db, None, args.file, today)
    elif args.kind == "rates":
        result = import_rates(db, args.file, today)
    else:
        result = import_targets(db, args.file, today, default_currency=settings.default_currency)
    if not result.ok:
        print(f"{args.file}: nothing was imported; fix these rows:", file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"{args.file}: {result.rows} rows checked, {result.changed} changes written")
    return 0


def export_command(args: argparse.Namespace, db: Database) -> int:
    """Every record of a kind to stdout (or --output), or every kind into a folder."""
    bom = not args.no_bom
    if args.kind == "all":
        if args.output is None:
            print("export all writes a file per kind: give a folder with --output", file=sys.stderr)
            return 2
        counts = export_all(db, args.format, args.output, bom=bom)
        for kind, count in counts.items():
            print(f"exported {count} {kind}", file=sys.stderr)
        print(f"{len(counts)} files written to {args.output}", file=sys.stderr)
        return 0
    try:
        check_exportable(db, args.kind)
        with _output(args.output) as out:
            count = export(db, args.kind, args.format, out, bom=bom)
    except ExportError as error:
        print(f"nothing exported: {error}", file=sys.stderr)
        return 2
    print(f"exported {count} {args.kind}", file=sys.stderr)
    return 0


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """UTF-8 whatever the terminal's encoding (a Windows console would mangle 华为), with
    no newline translation: CSV writes its own line ends."""
    if path is not None:
        with path.open("w", encoding="utf-8", newline="") as file:
            yield file
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield out
    finally:
        out.flush()
        out.detach()  # leave sys.stdout open


def backup_command(args: argparse.Namespace, db: Database) -> int:
    if not db.is_sqlite:
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
        print(
            "This database is PostgreSQL: back it up with pg_dump, which takes a consistent "
            "snapshot while the bot runs, e.g.\n"
            f"  pg_dump --format=custom --file=salesbot.dump '{url}'\n"
            "(restore with pg_restore; see README, Data).",
            file=sys.stderr,
        )
        return 2
    source = db.database_file()
    if source is None:
        print("An in-memory database has nothing to back up.", file=sys.stderr)
        return 2
    if args.file.resolve() == source:
        print(f"{args.file} is the database itself: pick another file.", file=sys.stderr)
        return 2
    if not args.file.parent.is_dir():
        print(f"No folder {args.file.parent} to write the backup in.", file=sys.stderr)
        return 2
    db.backup_to(args.file)
    print(f"backed up {source} to {args.file}", file=sys.stderr)
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py", description="salesbot, a Slack bot for sales teams"
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot: web and worker in one process (the default)")
    commands.add_parser("web", help="only receive, record and ack Slack requests")
    commands.add_parser("worker", help="only process accepted requests and run scheduled jobs")
    db_parser = commands.add_parser("db", help="database schema")
    db_parser.add_argument("action", choices=["upgrade", "revision"])
    db_parser.add_argument("-m", "--message", help="what a new revision changes")
    export_parser = commands.add_parser(
        "export", help="write every record of a kind (admins: it includes personal data)"
    )
    export_parser.add_argument("kind", choices=[*KINDS, "all"])
    export_parser.add_argument(
        "--format", choices=FORMATS, default="csv", help="jsonl: one JSON object per line"
    )
    export_parser.add_argument(
        "--no-bom", action="store_true", help="CSV without the byte-order mark Excel needs"
    )
    export_parser.add_argument(
        "-o", "--output", type=Path, help="a file (the default is stdout); with all, a folder"
    )
    backup_parser = commands.add_parser("backup", help="copy a SQLite database while it runs")
    backup_parser.add_argument("file", type=Path)
    import_parser = commands.add_parser(
        "import", help="set up teams, targets or exchange rates from a CSV file"
    )
    import_parser.add_argument("kind", choices=["teams", "targets", "rates"])
    import_parser.add_argument("file", type=Path)
    jobs_parser = commands.add_parser("jobs", help="list scheduled jobs, or run one now")
    jobs_actions = jobs_parser.add_subparsers(dest="action")
    run_parser = jobs_actions.add_parser("run", help="run one job now, as the scheduler would")
    run_parser.add_argument("name")
    run_parser.add_argument("--at", type=parse_instant, help="as if at this ISO 8601 time")
    run_parser.add_argument("--dry-run", action="store_true", help="print instead of posting")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # `.env` in the working directory, where the README says to put it.
    load_dotenv(Path.cwd() / ".env")
    command = args.command or "run"
    posts = command in ("run", "web", "worker") or (
        command == "jobs" and args.action == "run" and not args.dry_run
    )
    try:
        settings = load_settings(
            os.environ, need_slack=posts, receives_requests=command in ("run", "web")
        )
    except SettingsError as error:
        print("salesbot cannot start; fix these settings (see .env.example):", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.secrets())
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    if command == "backup":
        # Before any upgrade: a backup copies the database as it is.
        return backup_command(args, db)
    if command == "db" and args.action == "revision":
        db.new_revision(args.message or "schema change")
        return 0
    where = db.engine.url.render_as_string(hide_password=True)
    try:
        before, after = db.upgrade()
    except OperationalError as error:
        print(f"salesbot cannot reach the database at {where}: {error.orig}", file=sys.stderr)
        return 2
    if before != after:
        if before is None:
            log.info("database %s created (schema %s)", where, after)
        else:
            log.info("database %s upgraded from schema %s to %s", where, before, after)
    if posts:
        from runtime.slack_client import slack_problem

        problem = slack_problem(settings.slack_bot_token, settings.slack_api_url)
        if problem is not None:
            print(problem, file=sys.stderr)
            return 2
    if command == "db":
        print(f"database is up to date ({where})")
        return 0
    if command == "jobs":
        return jobs_command(args, settings, db)
    if command == "import":
        return import_command(args, settings, db)
    if command == "export":
        return export_command(args, db)
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError

    try:
        run(settings, db, {"run": "all"}.get(command, command))
    except BoltError as error:
        log.error("Slack refused to start the bot: %s", error)
        return 1
    except SlackApiError as error:  # Socket Mode: apps.connections.open said no
        log.error(
            "Slack refused to open a Socket Mode connection (%s): check SLACK_APP_TOKEN "
            "(an app-level token with connections:write).",
            error.response.get("error"),
        )
        return 1
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up stays cheap: the CLI and the listeners import no charting library until a chart
is drawn (measured by benchmarks/run.py; this guards the shape)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "alembic")


def modules_after(statement: str) -> set[str]:
    """Every module a fresh interpreter holds after running `statement`."""
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def imported_after(statement: str) -> set[str]:
    """The packages (top-level names) loaded by `statement`."""
    return {name.split(".")[0] for name in modules_after(statement)}


def test_importing_the_bot_and_its_listeners_loads_no_charting_or_migration_library() -> None:
    loaded = imported_after("import bot, handlers")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_drawing_a_chart_loads_matplotlib_on_first_use() -> None:
    loaded = imported_after(
        "import bot\n"
        "assert 'matplotlib' not in sys.modules\n"
        "from datetime import UTC, datetime\n"
        "from sales.activity import Activity\n"
        "from services.charts import funnel_chart\n"
        "chart = funnel_chart(Activity(), [1], datetime(2026, 11, 17, tzinfo=UTC), who='Rita')\n"
        "assert chart.png.startswith(b'\\x89PNG')"
    )
    assert "matplotlib" in loaded


def test_the_command_line_loads_no_slack_app_until_it_serves() -> None:
    # `bot.py jobs`, `export` and `db upgrade` need neither Bolt nor the listeners; `export`
    # and `db upgrade` not even the Web API client, nor the holiday calendars.
    unused = {"slack_bolt", "handlers", "slack_sdk", "holidays"}
    loaded = imported_after("import bot")
    assert not loaded & unused, sorted(loaded & unused)


def test_listing_the_jobs_loads_neither_the_slack_client_nor_what_composes_their_messages() -> None:
    # `bot.py jobs` names each job and reads its health: each job's numbers and Block Kit
    # load on its first run.
    composing = {"slack_sdk", "blocks.digests", "blocks.cases", "blocks.payments", "reports.teams"}
    loaded = modules_after("import scheduler.health, scheduler.registry, services.overrides")
    assert not loaded & composing, sorted(loaded & composing)

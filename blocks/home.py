"""The bot's Home tab: a welcome, the commands, and quick actions."""

from __future__ import annotations

from typing import Any

from blocks.common import actions, button, context, divider, header, section

OPEN_VISIT_MODAL = "open_visit_modal"
OPEN_DEAL_MODAL = "open_deal_modal"


def home_view(display_name: str) -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [
            header(f"Hi {display_name[:100]} :wave:"),
            section(
                "Log customer visits and keep your deals moving, right here in Slack. "
                "Everything is stored in your team's own database."
            ),
            actions(
                "home_actions",
                button("Log a visit", OPEN_VISIT_MODAL, "home", style="primary"),
                button("New deal", OPEN_DEAL_MODAL, "home"),
            ),
            divider(),
            section(
                "*Commands*\n"
                "• `/visit Acme Corp: met the CFO; next: send proposal by friday`\n"
                "• `/deal new Acme Corp; Renewal 2027; 120k; close end of month`\n"
                "• `/deal Acme stage proposal` · `/deal #12 won` · `/deal list`\n"
                "• `/target` shows your targets; managers set them: `/target @rita revenue 120k`\n"
                "• `/team` lists the teams and who manages them\n"
                "• `help` after any command shows everything, e.g. `/deal help`."
            ),
            context("Only you can see this page."),
        ],
    }

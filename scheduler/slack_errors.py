"""Why a send failed, whether trying again can help, and what a person should do about it."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError

from translations import Text, marked, msg

# Slack's own words for "not now": retried with backoff until the message stops being useful.
TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)

# The bot's own set-up is wrong (its token, its scopes): every send would fail the same way.
# The run stops at once and the message waits, retried, until an admin fixes it.
CONFIG_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "no_permission",
        "team_access_not_granted",
    }
)

# What an admin can do about each permanent error (`{channel}`: where it was going).
WHAT_TO_DO = {
    "not_in_channel": marked("invite the bot to {channel}: type /invite @salesbot there"),
    "channel_not_found": marked(
        "{channel} no longer exists or is private without the bot: invite the bot, or set "
        "the team's channel again with /team NAME channel #channel"
    ),
    "is_archived": marked(
        "{channel} is archived: unarchive it, or set another with /team NAME channel"
    ),
    "user_not_found": marked(
        "that person left the workspace: remove them from their team with /team"
    ),
    "account_inactive": marked(
        "the bot token belongs to a deleted user or workspace: reinstall the app and update "
        "SLACK_BOT_TOKEN"
    ),
    "user_disabled": marked("that person's account is deactivated: remove them from their team"),
    "cannot_dm_bot": marked("that user is a bot: remove it from its team with /team"),
    "restricted_action": marked("a workspace admin restricted posting in {channel}"),
    "missing_scope": marked("the app lacks a permission: reinstall it from manifest.yml"),
    "invalid_auth": marked(
        "the bot token is not valid: reinstall the app and update SLACK_BOT_TOKEN"
    ),
    "not_authed": marked("no bot token was sent: set SLACK_BOT_TOKEN"),
    "token_revoked": marked(
        "the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN"
    ),
    "token_expired": marked("the bot token expired: reinstall the app and update SLACK_BOT_TOKEN"),
    "no_permission": marked("the workspace does not let the app do this: ask a workspace admin"),
    "team_access_not_granted": marked("the app is not allowed in this workspace: reinstall it"),
    "invalid_blocks": marked(
        "Slack refused the message's layout: a bug; please report it with the log"
    ),
    "msg_too_long": marked(
        "the message was too long for Slack: a bug; please report it with the log"
    ),
}
WHAT_TO_DO_MISSED = marked(
    "it was still failing when the message stopped being useful; check the errors around it"
)


# Why a send was missed, as the delivery ledger stores it: in English whoever reads it later,
# put in the reader's language where it is shown (`ledger_error_text`).
MISSED_UNTIL = marked("too late (useful until {time})")
MISSED_TOO_LATE = marked("too late")
MISSED_NOTHING_KEPT = marked("nothing kept to send late")
_MISSED_UNTIL = re.compile(r"too late \(useful until ([0-9]{1,2}:[0-9]{2})\)")


def missed_until(time: str) -> str:
    """The stored reason of a send missed because it was due before `time` (HH:MM)."""
    return MISSED_UNTIL.format(time=time)


def ledger_error_text(error: str | None) -> Text | None:
    """What the ledger stored for a stuck message, to show in the reader's language: a missed
    send's reason; None for an error code (`not_in_channel`), which is shown as it is."""
    if error is None:
        return None
    if until := _MISSED_UNTIL.fullmatch(error):
        return msg(MISSED_UNTIL, time=until[1])
    if error in (MISSED_TOO_LATE, MISSED_NOTHING_KEPT):
        return msg(error)
    return None


# A run's errors as its record stores them ("recipients: KeyError; U1 (2026-11-18): …"):
# the step that failed, worded for the reader; a recipient's label and the error name stay.
_RUN_STEPS = {
    "recipients": marked("listing the recipients: {error}"),
    "run": marked("the run stopped: {error}"),
}


def run_errors_text(errors: str) -> list[Text | str]:
    """Each of a run's stored errors, its step in the reader's words where it names one."""
    worded: list[Text | str] = []
    for error in errors.split("; "):
        step, _, name = error.partition(": ")
        worded.append(msg(_RUN_STEPS[step], error=name) if step in _RUN_STEPS else error)
    return worded


@dataclass(frozen=True)
class SendFailure:
    code: str  # Slack's error, "http_503", or the network error's name
    transient: bool

    @property
    def is_config(self) -> bool:
        """The bot's token or scopes are wrong: no send can work until an admin acts."""
        return self.code.split(":", 1)[-1] in CONFIG_ERRORS


def classify(error: BaseException) -> SendFailure:
    """Whether trying again later can help: rate limits, Slack's 5xx, timeouts and broken
    connections can; an error Slack answered deliberately (`not_in_channel`) cannot."""
    # Here, not at the top: the advice and wording above are for `bot.py jobs` and the Home,
    # which need no Slack client (importing slack_sdk takes 20 ms).
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        response: Any = error.response
        status = _status_of(response)
        code = _error_of(response)
        if status == 429:
            return SendFailure("ratelimited", True)
        if status is not None and status >= 500:
            return SendFailure(code or f"http_{status}", True)
        if code is None:
            return SendFailure(f"http_{status}" if status else "unreadable_response", True)
        return SendFailure(code, code in TRANSIENT_ERRORS or code in CONFIG_ERRORS)
    if isinstance(error, TimeoutError | socket.timeout):
        return SendFailure("timeout", True)
    if isinstance(error, URLError | ConnectionError | OSError):
        return SendFailure(type(error).__name__, True)
    return SendFailure(type(error).__name__, False)


def has_advice(code: str | None) -> bool:
    return (code or "").split(":", 1)[-1] in WHAT_TO_DO


def what_to_do(code: str | None, where: str) -> Text:
    """One line for health: the fix for a permanent error, given where the message went."""
    base = (code or "").split(":", 1)[-1]
    channel = f"<#{where}>" if where[:1] in ("C", "G") else msg("the channel")
    hint = WHAT_TO_DO.get(base)
    if hint is None:
        return msg("see the bot's log for the details")
    return msg(hint, channel=channel)


def _status_of(response: Any) -> int | None:
    status = getattr(response, "status_code", None)
    if status is None and isinstance(response, dict):
        status = response.get("status")
    return int(status) if isinstance(status, int) else None


def _error_of(response: Any) -> str | None:
    try:
        code = response.get("error")
    except (AttributeError, TypeError):
        return None
    return str(code) if code else None

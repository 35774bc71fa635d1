"""How listeners answer: ephemeral replies through response_url, or a DM when there is none."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from blocks.common import Message

log = logging.getLogger(__name__)


def reply(respond: Respond, answer: Message, *, replace: bool = False) -> None:
    """An ephemeral answer that only the person who asked can see."""
    respond(response_type="ephemeral", replace_original=replace, **answer)


def reply_later(
    client: WebClient,
    user_id: str,
    response_url: str | None,
    answer: Message,
    *,
    replace: bool = False,
) -> None:
    """Answer after a modal closed: via the command's response_url while it is valid, else by DM."""
    if response_url:
        body: dict[str, Any] = {"response_type": "ephemeral", "replace_original": replace, **answer}
        response = WebhookClient(response_url).send_dict(body)
        if response.status_code == 200:
            return
        log.info("response_url answered %s; sending a DM instead", response.status_code)
    client.chat_postMessage(channel=user_id, **answer)

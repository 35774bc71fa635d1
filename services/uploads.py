"""Uploading pictures (charts) to Slack with the current external upload flow.

`files_upload_v2` does the three steps: `files.getUploadURLExternal` (filename, length), a
POST of the bytes to the returned `upload_url`, then `files.completeUploadExternal` with the
file id and title and `channel_id`, which shares the file there (with `initial_comment`, in
`thread_ts` when given). Sharing needs a conversation id, so a user id is turned into their
DM first. Errors are left to the caller: `SlackApiError` for an API refusal (not_in_channel,
channel_not_found, ratelimited…); when the POST of the bytes fails, `urllib.error.HTTPError`
(an error status) or `URLError` (unreachable), or `SlackRequestError` for any other non-200.

Slack has no ephemeral files: a file shared into a channel is visible to its members, so a
personal chart belongs in the person's DM (pass their user id).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient

from services.charts import ChartFile

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


log = logging.getLogger(__name__)


def upload_png(
    client: WebClient,
    *,
    channel: str,
    png: bytes,
    filename: str,
    title: str,
    comment: str | None = None,
    thread_ts: str | None = None,
    alt_text: str | None = None,
) -> str:
    """Share `png` in `channel` (a conversation id, or a user id for their DM); the file id.

    `title` is what Slack shows above the picture; `alt_text` is read by screen readers.
    """
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("upload_png needs PNG bytes")
    if not filename.lower().endswith(".png"):
        filename += ".png"
    response = client.files_upload_v2(
        channel=conversation_id(client, channel),
        file=png,
        filename=filename,
        title=title,
        alt_txt=alt_text,
        initial_comment=comment,
        thread_ts=thread_ts,
    )
    return str(response["files"][0]["id"])


def conversation_id(client: WebClient, channel: str) -> str:
    """`channel` itself, or for a user id (U…/W…) the id of the bot's DM with them."""
    if channel[:1] in ("U", "W"):
        opened = client.conversations_open(users=channel)
        return str(opened["channel"]["id"])
    return channel


def share_charts(
    client: WebClient, channel: str, charts: Sequence[ChartFile], thread_ts: str | None = None
) -> int:
    """Upload each chart to `channel` (in the thread of `thread_ts`), with its note beside
    it (what its totals left out); how many made it.

    A chart that fails is logged and skipped: the message it illustrates is already out.
    """
    shared = 0
    for chart in charts:
        try:
            upload_png(
                client,
                channel=channel,
                png=chart.png,
                filename=chart.filename,
                title=chart.title,
                comment=chart.note,
                thread_ts=thread_ts,
                alt_text=chart.alt_text,
            )
            shared += 1
        except Exception:
            log.exception("could not upload the chart %r to %s", chart.title, channel)
    return shared

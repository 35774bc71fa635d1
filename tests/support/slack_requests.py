"""Send requests to the running bot exactly as Slack does (signed, same body shapes).

Body shapes follow Slack's real payloads, as captured in
``slack-specs/payloads/bolt-python-tests/`` (slash command form body, block_actions,
view_submission, block_suggestion; interactive ones are sent form-encoded as
``payload=<json>``). Requests go to ``<base_url>/slack/events`` and are signed with
``X-Slack-Signature: v0=hex(HMAC_SHA256(secret, "v0:{ts}:{body}"))``.

Only the standard library is used (urllib).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

__all__ = ["Response", "SlackSender", "compute_signature"]

_counter = itertools.count(1)

_SELECTED_KEY = {
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "checkboxes": "selected_options",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}


@dataclass
class Response:
    """The bot's HTTP answer."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


def compute_signature(signing_secret: str, timestamp: int | str, body: str) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed with the signing secret."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


class SlackSender:
    """Plays Slack's side of the HTTP conversation with the bot."""

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0001",
        team_domain: str = "test-team",
        api_app_id: str = "A0001",
        bot_user_id: str = "UBOT",
        verification_token: str = "verification_token",
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.events_url = f"{self.base_url}/slack/events"
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.verification_token = verification_token
        self.timeout = timeout

    # ------------------------------------------------------------------ signing / raw

    def sign(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        """Headers ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` for ``body``."""
        ts = int(time.time()) if timestamp is None else int(timestamp)
        return {
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": compute_signature(self.signing_secret, ts, body),
        }

    def post_raw(self, body: str, headers: dict[str, str]) -> Response:
        """POST ``body`` with exactly ``headers`` (nothing signed or added)."""
        request = urllib.request.Request(
            self.events_url, data=body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                return Response(
                    resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
                )
        except urllib.error.HTTPError as err:
            with err:
                return Response(err.code, err.read().decode("utf-8", "replace"), dict(err.headers))

    def _send(
        self,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **self.sign(body),
        }
        if retry_num is not None:
            all_headers["X-Slack-Retry-Num"] = str(retry_num)
            all_headers["X-Slack-Retry-Reason"] = retry_reason
        all_headers.update(headers or {})
        return self.post_raw(body, all_headers)

    def _send_payload(self, payload: dict[str, Any], headers: dict[str, str] | None) -> Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self._send(body, "application/x-www-form-urlencoded", headers=headers)

    # ------------------------------------------------------------------ common parts

    @staticmethod
    def new_trigger_id() -> str:
        return f"{int(time.time() * 1000)}{next(_counter):04d}.1111.{uuid.uuid4().hex}"

    def _user(self, user_id: str) -> dict[str, Any]:
        name = user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    def _common(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # ------------------------------------------------------------------ slash commands

    def command(
        self,
        command: str,
        text: str,
        *,
        user_id: str,
        response_url: str,
        channel_id: str = "C0001",
        trigger_id: str | None = None,
        retry_num: int | None = None,
        headers: dict[str, str] | None = None,
        channel_name: str = "general",
        user_name: str | None = None,
    ) -> Response:
        """A slash command, form-encoded like Slack's (see the bolt-python fixture)."""
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return self._send(
            urlencode(fields),
            "application/x-www-form-urlencoded",
            retry_num=retry_num,
            headers=headers,
        )

    # ------------------------------------------------------------------ interactivity

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        response_url: str | None,
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        selected_option: dict[str, Any] | None = None,
        trigger_id: str | None = None,
        channel_id: str = "C0001",
        action: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A ``block_actions`` payload (a click in a message or view).

        Pass the ``message`` (e.g. ``call.response["message"]`` from the fake) or ``view``
        the bot sent: the clicked element is looked up there by ``action_id`` so its type,
        text and value are filled in like Slack would. ``response_url`` may be None for
        clicks inside views (Slack sends none). ``action`` is merged into the action last
        (e.g. ``{"type": "users_select", "selected_user": "U1"}``).
        """
        source = message or view or {}
        block_id, element = _find_element(source.get("blocks") or [], action_id, block_id)
        act: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "action_ts": f"{time.time():.6f}",
        }
        if selected_option is not None:
            act["type"] = element.get("type", "static_select")
            act["selected_option"] = selected_option
        else:
            act["type"] = element.get("type", "button")
            act["text"] = element.get(
                "text", {"type": "plain_text", "text": "Button", "emoji": True}
            )
            if value is None:
                value = element.get("value")
            if value is not None:
                act["value"] = value
        if action:
            act.update(action)

        payload = self._common("block_actions", user_id)
        if container is None:
            if view is not None:
                container = {"type": "view", "view_id": view.get("id", "V0001")}
            else:
                container = {
                    "type": "message",
                    "message_ts": (message or {}).get("ts", "1700000000.000001"),
                    "channel_id": channel_id,
                    "is_ephemeral": message is None,
                }
        payload["container"] = container
        payload["trigger_id"] = trigger_id or self.new_trigger_id()
        if view is not None:
            payload["view"] = view
        else:
            payload["channel"] = {"id": channel_id, "name": "general"}
            if message is not None:
                payload["message"] = message
            payload["state"] = {"values": {}}
        if response_url is not None:
            payload["response_url"] = response_url
        payload["actions"] = [act]
        return self._send_payload(payload, headers)

    def global_shortcut(self, *, user_id: str, callback_id: str) -> Response:
        """A global shortcut from Slack's shortcut menu (``type: shortcut``): no channel,
        no response_url (payloads/bolt-python-tests/test_shortcut__global_shortcut_body)."""
        payload = self._common("shortcut", user_id)
        payload.update(
            {
                "callback_id": callback_id,
                "trigger_id": self.new_trigger_id(),
                "action_ts": f"{time.time():.6f}",
            }
        )
        return self._send_payload(payload, None)

    def message_shortcut(
        self,
        *,
        user_id: str,
        callback_id: str,
        text: str,
        channel_id: str = "C0001",
        channel_name: str = "general",
        author_id: str | None = None,
        response_url: str | None = None,
    ) -> Response:
        """A message shortcut on a message (``type: message_action``), with the message and
        the channel it is in (payloads/bolt-python-tests/test_shortcut__message_shortcut_body)."""
        ts = f"{time.time():.6f}"
        payload = self._common("message_action", user_id)
        payload.update(
            {
                "callback_id": callback_id,
                "trigger_id": self.new_trigger_id(),
                "action_ts": f"{time.time():.6f}",
                "channel": {"id": channel_id, "name": channel_name},
                "message_ts": ts,
                "message": {
                    "type": "message",
                    "text": text,
                    "user": author_id or user_id,
                    "ts": ts,
                    "team": self.team_id,
                    "blocks": [
                        {
                            "type": "rich_text",
                            "block_id": "m1",
                            "elements": [
                                {
                                    "type": "rich_text_section",
                                    "elements": [{"type": "text", "text": text}],
                                }
                            ],
                        }
                    ],
                },
            }
        )
        if response_url is not None:
            payload["response_url"] = response_url
        return self._send_payload(payload, None)

    def view_submission(
        self,
        *,
        user_id: str,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        private_metadata: str | None = None,
        view_id: str | None = None,
        trigger_id: str | None = None,
        view: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A ``view_submission`` payload.

        ``values`` is ``state.values``: ``{block_id: {action_id: state}}``. A state may be a
        full dict (``{"type": "static_select", "selected_option": {...}}``) or a shortcut:
        a string/list is turned into the right shape for the element found in ``view`` (the
        modal the bot opened, e.g. ``call.response["view"]``), default ``plain_text_input``.
        Without ``view``, an input block per value is synthesised. ``private_metadata``
        defaults to the view's (or "").
        """
        base = copy.deepcopy(view) if view else {}
        blocks = base.get("blocks") or _input_blocks_for(values)
        state: dict[str, dict[str, Any]] = {}
        for block_id, actions in values.items():
            state[block_id] = {}
            for action_id, leaf in actions.items():
                _, element = _find_element(blocks, action_id, block_id)
                state[block_id][action_id] = _state_value(element, leaf)
        vid = view_id or base.get("id") or f"V{next(_counter):08d}"
        base.update(
            {
                "id": vid,
                "team_id": self.team_id,
                "type": "modal",
                "blocks": blocks,
                "private_metadata": (
                    private_metadata
                    if private_metadata is not None
                    else base.get("private_metadata", "")
                ),
                "callback_id": callback_id,
                "state": {"values": state},
                "hash": base.get("hash", "1700000000.abcdef12"),
                "title": base.get("title", {"type": "plain_text", "text": "Modal"}),
                "clear_on_close": base.get("clear_on_close", False),
                "notify_on_close": base.get("notify_on_close", False),
                "close": base.get("close", {"type": "plain_text", "text": "Cancel"}),
                "submit": base.get("submit", {"type": "plain_text", "text": "Submit"}),
                "previous_view_id": base.get("previous_view_id"),
                "root_view_id": base.get("root_view_id", vid),
                "app_id": self.api_app_id,
                "external_id": base.get("external_id", ""),
                "app_installed_team_id": self.team_id,
                "bot_id": base.get("bot_id", "BBOT"),
            }
        )
        payload = self._common("view_submission", user_id)
        payload["trigger_id"] = trigger_id or self.new_trigger_id()
        payload["view"] = base
        payload["response_urls"] = []
        return self._send_payload(payload, headers)

    def block_suggestion(
        self,
        *,
        user_id: str,
        action_id: str,
        block_id: str,
        value: str,
        view: dict[str, Any] | None = None,
        channel_id: str = "C0001",
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A ``block_suggestion`` (external_select typeahead); the bot answers with options."""
        payload = self._common("block_suggestion", user_id)
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0001")}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": "1700000000.000001",
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel_id, "name": "general"}
        payload.update({"action_id": action_id, "block_id": block_id, "value": value})
        if view is not None:
            payload["view"] = view
        return self._send_payload(payload, headers)

    # ------------------------------------------------------------------ Events API

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        headers: dict[str, str] | None = None,
    ) -> Response:
        """An Events API ``event_callback`` envelope around ``event`` (JSON body)."""
        now = int(time.time())
        envelope = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):010d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }
        return self._send(
            json.dumps(envelope),
            "application/json",
            retry_num=retry_num,
            retry_reason=retry_reason,
            headers=headers,
        )

    def app_home_opened(self, *, user_id: str, tab: str = "home") -> Response:
        """The ``app_home_opened`` event Slack sends when a user opens the App Home."""
        return self.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": tab}
        )


# ---------------------------------------------------------------------- helpers


def _iter_elements(blocks: list[Any]) -> Any:
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates = [block.get("accessory"), block.get("element"), *block.get("elements", [])]
        for element in candidates:
            if isinstance(element, dict) and "action_id" in element:
                yield block.get("block_id"), element


def _find_element(
    blocks: list[Any], action_id: str, default_block_id: str
) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the element with ``action_id``; ({}, default) if not found."""
    for block_id, element in _iter_elements(blocks):
        if element.get("action_id") == action_id:
            return block_id or default_block_id, element
    return default_block_id, {}


def _input_blocks_for(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    blocks = []
    for block_id, actions in values.items():
        for action_id, leaf in actions.items():
            kind = leaf.get("type") if isinstance(leaf, dict) else None
            blocks.append(
                {
                    "type": "input",
                    "block_id": block_id,
                    "label": {"type": "plain_text", "text": block_id},
                    "optional": False,
                    "dispatch_action": False,
                    "element": {"type": kind or "plain_text_input", "action_id": action_id},
                }
            )
    return blocks


def _option_for(element: dict[str, Any], value: str) -> dict[str, Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if option.get("value") == value:
            return option
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def _state_value(element: dict[str, Any], leaf: Any) -> dict[str, Any]:
    kind = element.get("type", "plain_text_input")
    if isinstance(leaf, dict):
        return {"type": kind, **leaf}
    key = _SELECTED_KEY.get(kind, "value")
    if key == "selected_option":
        selected: Any = None if leaf is None else _option_for(element, str(leaf))
    elif key == "selected_options":
        items = leaf if isinstance(leaf, list) else [leaf]
        selected = [_option_for(element, str(item)) for item in items]
    elif key in ("selected_users", "selected_conversations", "selected_channels"):
        selected = leaf if isinstance(leaf, list) else [leaf]
    else:
        selected = leaf
    return {"type": kind, key: selected}

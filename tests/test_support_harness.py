"""Tests for the end-to-end test support code in tests/support/."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support import block_kit, specs
from tests.support.block_kit import (
    USING_SCHEMA,
    problems_in_blocks,
    problems_in_message,
    problems_in_view,
    strip_server_view_fields,
)
from tests.support.fake_slack import Call, FakeSlack
from tests.support.manifest_check import (
    USING_MANIFEST_SCHEMA,
    load_manifest,
    problems_in_manifest,
    problems_in_manifest_file,
)
from tests.support.slack_requests import SlackSender, compute_signature

SPECS = specs.SPECS_DIR
TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"

# "schema" runs against the shared JSON Schemas (skipped when ../shared is absent);
# "fallback" forces the slack_sdk / structural fallback with specs_dir=None.
BLOCK_MODES = [
    pytest.param(
        SPECS,
        id="schema",
        marks=pytest.mark.skipif(not USING_SCHEMA, reason="shared slack-specs absent"),
    ),
    pytest.param(None, id="fallback"),
]
MANIFEST_MODES = [
    pytest.param(
        SPECS,
        id="schema",
        marks=pytest.mark.skipif(not USING_MANIFEST_SCHEMA, reason="shared slack-specs absent"),
    ),
    pytest.param(None, id="fallback"),
]


def _known_good_views() -> list[Path]:
    folder = specs.spec_file(specs.KNOWN_GOOD_VIEWS, SPECS)
    return sorted(folder.glob("*.json")) if folder else []


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def _button(text: str, action_id: str, value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": _text(text), "action_id": action_id, "value": value}


def _modal(blocks: list[dict[str, Any]], title: str = "Log visit", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _text(title),
        "submit": _text("Save"),
        "blocks": blocks,
        **extra,
    }


def _input(block_id: str, action_id: str) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _text("Notes"),
        "element": {"type": "plain_text_input", "action_id": action_id},
    }


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.api_url)


# ============================================================================ fake_slack


def test_auth_test_and_post_message_round_trip(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T0001")
    assert auth["team"] == "Test team"
    assert auth["url"].startswith("https://")

    blocks = [_section("*Deal* updated"), {"type": "divider"}]
    first = client.chat_postMessage(channel="C123", text="Deal updated", blocks=blocks)
    second = client.chat_postMessage(channel="C123", text="again")
    assert first["ok"]
    assert first["channel"] == "C123"
    assert first["ts"] == first["message"]["ts"]
    assert first["message"]["blocks"] == blocks
    assert float(second["ts"]) > float(first["ts"])
    assert len(first["ts"].split(".")[1]) == 6

    call = fake.wait_for_call("chat.postMessage")
    assert isinstance(call, Call)
    assert call.params["channel"] == "C123"
    assert call.params["blocks"] == blocks
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert [c.method for c in fake.calls()] == ["auth.test", "chat.postMessage", "chat.postMessage"]
    assert fake.problems == []


def test_post_to_user_id_lands_in_dm(client: WebClient) -> None:
    assert client.chat_postMessage(channel="U42", text="hi")["channel"] == "DU42"


def test_form_encoded_json_fields_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [_section("form body")]
    client.api_call(
        "chat.postMessage",
        data={"channel": "C1", "text": "x", "blocks": json.dumps(blocks), "unfurl_links": "0"},
    )
    call = fake.wait_for_call("chat.postMessage")
    assert call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert call.params["blocks"] == blocks
    assert call.params["unfurl_links"] == "0"
    view = _modal([_input("notes", "notes_input")])
    client.api_call("views.open", data={"trigger_id": "t.1", "view": json.dumps(view)})
    assert fake.wait_for_call("views.open").params["view"] == view
    assert fake.problems == []


def test_post_ephemeral_update_and_delete(fake: FakeSlack, client: WebClient) -> None:
    eph = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    posted = client.chat_postMessage(channel="C1", text="v1")
    updated = client.chat_update(channel="C1", ts=posted["ts"], text="v2", blocks=[_section("v2")])
    assert updated["ts"] == posted["ts"]
    assert updated["message"]["text"] == "v2"
    assert client.chat_delete(channel="C1", ts=posted["ts"])["ok"]
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning, match="`text`"):
        client.chat_postMessage(channel="C1")
    assert err.value.response["error"] == "no_text"
    assert fake.problems == []


def test_views_open_push_update_publish(fake: FakeSlack, client: WebClient) -> None:
    view = _modal([_input("notes", "notes_input")], callback_id="log_visit", private_metadata="42")
    opened = client.views_open(trigger_id="123.456.abc", view=view)["view"]
    assert opened["id"].startswith("V")
    assert opened["hash"]
    assert opened["title"] == view["title"]
    assert opened["callback_id"] == "log_visit"
    assert opened["private_metadata"] == "42"
    assert opened["state"] == {"values": {}}
    assert fake.wait_for_call("views.open").params["view"] == view

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=view)["view"]
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    pushed = client.views_push(trigger_id="1.2.3", view=view)["view"]
    assert pushed["id"] != opened["id"]

    home = {"type": "home", "blocks": [_section("Your pipeline")]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    again = client.views_publish(user_id="U1", view=home)["view"]
    other = client.views_publish(user_id="U2", view=home)["view"]
    assert first["id"] == again["id"] != other["id"]
    assert first["type"] == "home"
    # What the fake returns is itself a valid (server-shaped) view.
    assert problems_in_view(first) == []
    assert fake.problems == []


def test_views_open_requires_trigger_id(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.views_open(view=_modal([_section("x")]))
    assert err.value.response["error"] == "invalid_trigger_id"


def test_users_info_and_conversations_open(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", name="ana", real_name="Ana Lima", tz="Europe/Lisbon", locale="pt-PT")
    user = client.users_info(user="U1", include_locale=True)["user"]
    assert (user["id"], user["name"], user["real_name"]) == ("U1", "ana", "Ana Lima")
    assert (user["tz"], user["locale"], user["is_bot"]) == ("Europe/Lisbon", "pt-PT", False)
    assert isinstance(user["tz_offset"], int)
    assert user["profile"]["real_name"] == "Ana Lima"
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"
    assert client.conversations_open(users="U1")["channel"]["id"] == "DU1"


def test_unknown_method_and_missing_token(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.api_call("reactions.explode")
    assert err.value.response["error"] == "unknown_method"
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=fake.api_url).chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "not_authed"


def test_respond_with_custom_answer(fake: FakeSlack, client: WebClient) -> None:
    fake.respond_with("reactions.add", {"ok": True})
    fake.respond_with("chat.getPermalink", lambda p: {"ok": True, "permalink": p["channel"]})
    assert client.reactions_add(channel="C1", timestamp="1.2", name="tada")["ok"]
    assert client.chat_getPermalink(channel="C9", message_ts="1.2")["permalink"] == "C9"


def test_invalid_blocks_are_rejected_and_reported(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "bogus"}])
    assert err.value.response["error"] == "invalid_blocks"
    assert err.value.response["errors"]
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="t", view=_modal([_section("x")], title="x" * 30))
    assert err.value.response["error"] == "invalid_blocks"
    assert any(p.startswith("chat.postMessage: ") for p in fake.problems)
    assert any(p.startswith("views.open: ") and "title" in p for p in fake.problems)
    assert fake.calls("views.open")[0].status == 200


def test_rate_limit_seen_by_web_client(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response["error"] == "ratelimited"
    assert err.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]


def test_rate_limit_retried_by_retry_handler(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler sleeps Retry-After + random.random() seconds; drop the jitter to stay fast.
    monkeypatch.setattr(builtin_handlers, "random", SimpleNamespace(random=lambda: 0.0))
    client = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.fail_next("chat.postMessage", retry_after=0, times=2)
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 429, 200]

    fake.fail_next("users.info", retry_after=0, times=3)
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U1")
    assert err.value.response.status_code == 429


def test_non_429_failure(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found", status=200)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C404", text="x")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "channel_not_found"
    assert "Retry-After" not in err.value.response.headers
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_response_url_recording(fake: FakeSlack) -> None:
    url = fake.response_url()
    assert url.startswith(f"{fake.url}/response/")
    assert fake.response_url() != url
    blocks = [_section("Visit logged")]
    resp = WebhookClient(url).send(text="Visit logged", blocks=blocks, response_type="ephemeral")
    assert (resp.status_code, resp.body) == (200, "ok")
    call = fake.wait_for_call("response_url")
    assert call.params["url"] == url
    assert call.params["text"] == "Visit logged"
    assert call.params["blocks"] == blocks
    assert call.params["response_type"] == "ephemeral"
    assert fake.problems == []

    WebhookClient(url).send(text="x", blocks=[{"type": "section"}])
    assert any(p.startswith("response_url: ") for p in fake.problems)


def test_response_url_unknown_and_failure(fake: FakeSlack) -> None:
    bad = WebhookClient(f"{fake.url}/response/999999").send(text="x")
    assert bad.status_code == 404
    assert any("never issued" in p for p in fake.problems)
    fake.reset()
    url = fake.response_url()
    fake.fail_next("response_url", error="expired_url", status=404)
    assert WebhookClient(url).send(text="x").status_code == 404
    assert WebhookClient(url).send(text="x").status_code == 200


def test_file_upload_v2_flow(fake: FakeSlack, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C1", content=b"name,amount\nacme,10\n", filename="deals.csv", title="Deals"
    )
    assert result["file"]["name"] == "deals.csv"
    assert result["file"]["size"] == len(b"name,amount\nacme,10\n")
    methods = [c.method for c in fake.calls()]
    assert methods == ["files.getUploadURLExternal", "file_upload", "files.completeUploadExternal"]
    upload = fake.calls("file_upload")[0]
    assert upload.params["content"] == b"name,amount\nacme,10\n"
    assert fake.uploads[upload.params["file_id"]] == upload.params["content"]
    complete = fake.calls("files.completeUploadExternal")[0]
    assert complete.params["files"][0]["id"] == upload.params["file_id"]
    assert complete.params["channel_id"] == "C1"


def test_wait_for_and_since(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="old")
    mark = fake.mark()

    def post_later() -> None:
        time.sleep(0.05)
        client.chat_postMessage(channel="C1", text="new")

    thread = threading.Thread(target=post_later)
    thread.start()
    call = fake.wait_for_call("chat.postMessage", timeout=2, since=mark)
    thread.join()
    assert call.params["text"] == "new"
    found = fake.wait_for(lambda: [c for c in fake.calls() if c.params.get("text") == "new"])
    assert len(found) == 1
    with pytest.raises(AssertionError, match="call\\(s\\) recorded"):
        fake.wait_for(lambda: False, timeout=0.05)
    with pytest.raises(AssertionError, match=r"no matching views\.open"):
        fake.wait_for_call("views.open", timeout=0.05)


def test_reset(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", name="ana")
    fake.fail_next("auth.test", times=5)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "bogus"}])
    assert fake.calls()
    assert fake.problems
    fake.reset()
    assert fake.calls() == []
    assert fake.problems == []
    assert client.auth_test()["ok"]  # pending failures were dropped
    assert client.users_info(user="U1")["ok"]  # users are kept


# ============================================================================ block_kit


def test_specs_dir_exports() -> None:
    assert block_kit.SPECS_DIR == specs.SPECS_DIR
    expected = SPECS is not None and (SPECS / specs.BLOCK_KIT_SCHEMA).is_file()
    assert expected == block_kit.USING_SCHEMA


def test_specs_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(specs.ENV_VAR, "")
    assert specs.find_specs_dir() is None
    (tmp_path / "slack-specs").mkdir()
    monkeypatch.setenv(specs.ENV_VAR, str(tmp_path))
    assert specs.find_specs_dir() == tmp_path / "slack-specs"
    monkeypatch.setenv(specs.ENV_VAR, str(tmp_path / "missing"))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert specs.find_specs_dir() is None


@pytest.mark.skipif(not _known_good_views(), reason="shared slack-specs absent")
@pytest.mark.parametrize("specs_dir", BLOCK_MODES)
@pytest.mark.parametrize("path", _known_good_views(), ids=lambda p: p.stem)
def test_known_good_views_pass(path: Path, specs_dir: Path | None) -> None:
    view = json.loads(path.read_text())
    assert problems_in_view(view, specs_dir=specs_dir) == []


@pytest.mark.skipif(not USING_SCHEMA, reason="shared slack-specs absent")
def test_home_view_echo_fields_are_stripped() -> None:
    # view_home_006 is a views.publish *response*; Slack echoes clear_on_close /
    # notify_on_close = false on home views, which the schema's home_view does not allow.
    home = {"type": "home", "blocks": [{"type": "divider"}], "clear_on_close": False}
    assert "clear_on_close" not in strip_server_view_fields(home)
    assert problems_in_view(home) == []
    assert problems_in_view({**home, "clear_on_close": True}) != []


GOOD_MESSAGES = [
    {"text": "plain text only"},
    {"text": "x", "blocks": [_section("hi", block_id="a"), {"type": "divider", "block_id": "b"}]},
    {"text": "x", "blocks": json.dumps([_section("from a form body")])},
    {"text": "x", "blocks": []},
    {
        "text": "x",
        "blocks": [
            {"type": "header", "text": _text("Pipeline")},
            _section("Acme", accessory=_button("Open", "open_deal", "42")),
            {"type": "actions", "elements": [_button("Won", "won"), _button("Lost", "lost")]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "updated today"}]},
        ],
    },
    {"text": "x", "blocks": [_section("x" * 3000)] * 1 + [{"type": "divider"}] * 49},
]


@pytest.mark.parametrize("specs_dir", BLOCK_MODES)
@pytest.mark.parametrize("payload", GOOD_MESSAGES)
def test_good_messages_pass(payload: dict[str, Any], specs_dir: Path | None) -> None:
    assert problems_in_message(payload, specs_dir=specs_dir) == []


BAD_MESSAGES = {
    "unknown_block_type": [{"type": "bogus"}],
    "button_without_text": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "a"}]}
    ],
    "51_blocks": [{"type": "divider"}] * 51,
    "duplicate_action_id": [
        {"type": "actions", "elements": [_button("A", "same")]},
        _section("x", accessory=_button("B", "same")),
    ],
    "duplicate_block_id": [_section("a", block_id="b1"), _section("b", block_id="b1")],
    "unknown_element_type": [{"type": "actions", "elements": [{"type": "nonsense"}]}],
    "unknown_field": [_section("x", colour="red")],
    "section_without_text": [{"type": "section"}],
    "section_text_3001": [_section("x" * 3001)],
    "header_151": [{"type": "header", "text": _text("h" * 151)}],
    "button_text_76": [{"type": "actions", "elements": [_button("b" * 76, "a")]}],
    "button_value_2001": [{"type": "actions", "elements": [_button("b", "a", "v" * 2001)]}],
    "not_a_list": {"type": "divider"},
    "invalid_json": "[{",
}


@pytest.mark.parametrize("specs_dir", BLOCK_MODES)
@pytest.mark.parametrize("name", BAD_MESSAGES)
def test_bad_messages_fail(name: str, specs_dir: Path | None) -> None:
    problems = problems_in_message({"text": "x", "blocks": BAD_MESSAGES[name]}, specs_dir=specs_dir)
    assert problems, name
    assert all(isinstance(p, str) for p in problems)


def test_problem_messages_are_specific() -> None:
    dup = problems_in_message({"blocks": BAD_MESSAGES["duplicate_action_id"]})
    assert any("duplicate action_id 'same'" in p for p in dup)
    many = problems_in_message({"blocks": BAD_MESSAGES["51_blocks"]})
    assert any("51 blocks > 50" in p for p in many)
    unknown = problems_in_message({"blocks": BAD_MESSAGES["unknown_block_type"]})
    assert any("blocks[0]" in p and "bogus" in p for p in unknown)


BAD_VIEWS = {
    "title_25": _modal([_section("x")], title="t" * 25),
    "101_blocks": _modal([{"type": "divider"}] * 101),
    "private_metadata_3001": _modal([_section("x")], private_metadata="m" * 3001),
    "duplicate_action_id": _modal([_input("a", "same"), _input("b", "same")]),
    "duplicate_block_id": _modal([_input("a", "x"), _input("a", "y")]),
    "unknown_block": _modal([{"type": "bogus"}]),
    "button_without_text": _modal([{"type": "actions", "elements": [{"type": "button"}]}]),
    "modal_without_title": {"type": "modal", "blocks": [_section("x")]},
    "input_without_submit": {"type": "modal", "title": _text("T"), "blocks": [_input("a", "b")]},
    "home_with_submit": {"type": "home", "submit": _text("Go"), "blocks": [_section("x")]},
    "no_blocks": _modal([]),
    "wrong_type": {"type": "dialog", "blocks": []},
    "unknown_view_field": _modal([_section("x")], colour="red"),
}


@pytest.mark.parametrize("specs_dir", BLOCK_MODES)
@pytest.mark.parametrize("name", BAD_VIEWS)
def test_bad_views_fail(name: str, specs_dir: Path | None) -> None:
    assert problems_in_view(BAD_VIEWS[name], specs_dir=specs_dir), name


@pytest.mark.parametrize("specs_dir", BLOCK_MODES)
def test_good_views_pass(specs_dir: Path | None) -> None:
    modal = _modal(
        [_input("notes", "notes_input"), _section("x", accessory=_button("Go", "go"))],
        callback_id="log_visit",
        private_metadata="m" * 3000,
        close=_text("Cancel"),
        title="t" * 24,
    )
    assert problems_in_view(modal, specs_dir=specs_dir) == []
    assert problems_in_view(json.dumps(modal), specs_dir=specs_dir) == []
    server_shaped = {**modal, "id": "V1", "hash": "1.a", "state": {"values": {}}, "app_id": "A1"}
    assert problems_in_view(server_shaped, specs_dir=specs_dir) == []
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}
    assert problems_in_view(home, specs_dir=specs_dir) == []
    assert (
        problems_in_blocks([{"type": "divider"}] * 100, surface="view", specs_dir=specs_dir) == []
    )


def test_fake_in_fallback_mode_still_rejects(tmp_path: Path) -> None:
    with FakeSlack(specs_dir=None) as server:
        client = WebClient(token=TOKEN, base_url=server.api_url)
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "bogus"}])
        assert server.problems
    with pytest.raises(FileNotFoundError):
        problems_in_message({"blocks": [{"type": "divider"}]}, specs_dir=tmp_path)


# ======================================================================= manifest_check


def _manifest(**overrides: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "display_information": {"name": "salesbot"},
        "features": {
            "bot_user": {"display_name": "salesbot", "always_online": True},
            "slash_commands": [{"command": "/visit", "description": "Log a visit"}],
        },
        "oauth_config": {"scopes": {"bot": ["chat:write", "commands", "users:read"]}},
        "settings": {"interactivity": {"is_enabled": True}, "socket_mode_enabled": False},
    }
    manifest.update(overrides)
    return manifest


@pytest.mark.parametrize("specs_dir", MANIFEST_MODES)
def test_manifest_examples(specs_dir: Path | None) -> None:
    examples = specs.spec_file(specs.MANIFEST_EXAMPLES, SPECS)
    if examples is None:
        pytest.skip("shared slack-specs absent")
    assert problems_in_manifest_file(examples / "v1.manifest.valid.json", specs_dir=specs_dir) == []
    invalid = problems_in_manifest_file(examples / "v1.manifest.invalid.json", specs_dir=specs_dir)
    assert any("bad_param" in p for p in invalid)


BAD_MANIFESTS = {
    "no_name": _manifest(display_information={}),
    "no_bot_display_name": _manifest(
        features={"slash_commands": [{"command": "/v", "description": "d"}]}
    ),
    "scopes_not_list": _manifest(oauth_config={"scopes": {"bot": "chat:write"}}),
    "command_without_slash": _manifest(
        features={
            "bot_user": {"display_name": "b"},
            "slash_commands": [{"command": "visit", "description": "d"}],
        }
    ),
    "command_without_description": _manifest(
        features={"bot_user": {"display_name": "b"}, "slash_commands": [{"command": "/v"}]}
    ),
    "no_settings": {k: v for k, v in _manifest().items() if k != "settings"},
    "unknown_settings_key": _manifest(settings={"bad_param": False}),
}


@pytest.mark.parametrize("specs_dir", MANIFEST_MODES)
def test_manifest_good_and_bad(specs_dir: Path | None) -> None:
    assert problems_in_manifest(_manifest(), specs_dir=specs_dir) == []
    for name, manifest in BAD_MANIFESTS.items():
        assert problems_in_manifest(manifest, specs_dir=specs_dir), name


def test_load_manifest_yaml(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "manifest.yml"
    path.write_text(yaml.safe_dump(_manifest()))
    assert load_manifest(path) == _manifest()
    assert problems_in_manifest_file(path) == []


# ======================================================================= slack_requests


def test_signer_matches_slack_test_vector() -> None:
    path = specs.spec_file(specs.SIGNING_VECTOR, SPECS)
    if path is None:
        pytest.skip("shared slack-specs absent")
    vector = json.loads(path.read_text())
    sender = SlackSender("http://unused", vector["signing_secret"])
    headers = sender.sign(vector["raw_body"], timestamp=int(vector["x_slack_request_timestamp"]))
    assert headers["X-Slack-Request-Timestamp"] == vector["x_slack_request_timestamp"]
    assert headers["X-Slack-Signature"] == vector["expected_x_slack_signature"]


def test_signer_accepted_by_slack_sdk_verifier() -> None:
    sender = SlackSender("http://unused", SECRET)
    body = "token=x&text=hello%20world"
    headers = sender.sign(body)
    assert abs(int(headers["X-Slack-Request-Timestamp"]) - time.time()) < 5
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert compute_signature(SECRET, 1, body) != compute_signature("other", 1, body)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CapturingServer:
    """Records what SlackSender sends (raw body + headers) and answers 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []

        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            headers = {
                k[5:].replace("_", "-").title(): v for k, v in environ.items() if k[:5] == "HTTP_"
            }
            headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
            self.requests.append((environ["PATH_INFO"], body, headers))
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']

        self.server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def payload(self, index: int = -1) -> dict[str, Any]:
        body = self.requests[index][1]
        return json.loads(urllib.parse.parse_qs(body)["payload"][0])


@pytest.fixture
def capture() -> Iterator[_CapturingServer]:
    server = _CapturingServer()
    yield server
    server.close()


def _fixture_json(name: str) -> dict[str, Any] | None:
    path = specs.spec_file(specs.BOLT_PAYLOADS / name, SPECS)
    return json.loads(path.read_text()) if path else None


def test_command_body_shape(capture: _CapturingServer) -> None:
    sender = SlackSender(capture.url + "/", SECRET)
    resp = sender.command("/visit", "acme tomorrow", user_id="U1", response_url="http://r/1")
    assert resp.status == 200
    assert resp.json() == {"ok": True}
    path, body, headers = capture.requests[0]
    assert path == "/slack/events"
    fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    assert list(fields) == [
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
    ]  # fmt: skip
    assert fields["command"] == "/visit"
    assert fields["text"] == "acme tomorrow"
    assert fields["channel_id"] == "C0001"
    assert fields["response_url"] == "http://r/1"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert "X-Slack-Retry-Num" not in headers

    sender.command("/visit", "", user_id="U1", response_url="r", retry_num=1, trigger_id="t.1")
    _, body2, headers2 = capture.requests[1]
    assert (headers2["X-Slack-Retry-Num"], headers2["X-Slack-Retry-Reason"]) == (
        "1",
        "http_timeout",
    )
    assert dict(urllib.parse.parse_qsl(body2))["trigger_id"] == "t.1"
    sender.command("/visit", "", user_id="U1", response_url="r")
    triggers = {dict(urllib.parse.parse_qsl(b))["trigger_id"] for _, b, _ in capture.requests}
    assert len(triggers) == 3

    slash_fixture = specs.spec_file(
        specs.BOLT_PAYLOADS / "test_slash_command__slash_command_body.form-urlencoded.txt", SPECS
    )
    if slash_fixture is not None:
        real = dict(urllib.parse.parse_qsl(slash_fixture.read_text().strip()))
        common = set(real) - {"enterprise_id", "enterprise_name"}
        assert common <= set(fields)


def test_block_action_payload_shape(capture: _CapturingServer) -> None:
    sender = SlackSender(capture.url, SECRET)
    message = {
        "ts": "1700000000.000100",
        "text": "deal",
        "blocks": [
            {
                "type": "actions",
                "block_id": "deal_actions",
                "elements": [_button("Won", "won", "42")],
            }
        ],
    }
    sender.block_action(user_id="U1", action_id="won", response_url="http://r/2", message=message)
    payload = capture.payload()
    assert payload["type"] == "block_actions"
    assert payload["user"]["id"] == "U1"
    action = payload["actions"][0]
    assert (action["type"], action["block_id"], action["value"]) == ("button", "deal_actions", "42")
    assert action["text"] == _text("Won")
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C0001",
        "is_ephemeral": False,
    }
    assert payload["message"] == message
    assert payload["response_url"] == "http://r/2"
    fixture = _fixture_json("test_block_actions__body.json")
    if fixture is not None:
        assert set(fixture) <= set(payload)
        assert set(fixture["actions"][0]) <= set(action)
        assert set(fixture["user"]) <= set(payload["user"])

    option = {"text": _text("Won"), "value": "won"}
    view = {"id": "V9", "type": "modal", "blocks": []}
    sender.block_action(
        user_id="U1", action_id="stage", response_url=None, view=view, selected_option=option
    )
    payload = capture.payload()
    assert payload["container"] == {"type": "view", "view_id": "V9"}
    assert payload["actions"][0]["selected_option"] == option
    assert payload["actions"][0]["type"] == "static_select"
    assert "response_url" not in payload


def test_view_submission_payload_shape(capture: _CapturingServer) -> None:
    sender = SlackSender(capture.url, SECRET)
    stage = {
        "type": "input",
        "block_id": "stage",
        "label": _text("Stage"),
        "element": {
            "type": "static_select",
            "action_id": "stage_select",
            "options": [{"text": _text("Won"), "value": "won"}],
        },
    }
    view = {**_modal([_input("notes", "notes_input"), stage]), "id": "V7", "hash": "1.x"}
    sender.view_submission(
        user_id="U1",
        callback_id="log_visit",
        values={"notes": {"notes_input": "met the buyer"}, "stage": {"stage_select": "won"}},
        private_metadata='{"deal": 1}',
        view=view,
    )
    payload = capture.payload()
    assert payload["type"] == "view_submission"
    sent = payload["view"]
    assert (sent["id"], sent["callback_id"], sent["private_metadata"]) == (
        "V7",
        "log_visit",
        '{"deal": 1}',
    )
    values = sent["state"]["values"]
    assert values["notes"]["notes_input"] == {"type": "plain_text_input", "value": "met the buyer"}
    assert values["stage"]["stage_select"]["selected_option"]["value"] == "won"
    assert problems_in_view(sent) == []  # server-added fields are ignored by the validator

    sender.view_submission(
        user_id="U1",
        callback_id="cb",
        values={"b": {"a": {"type": "plain_text_input", "value": "v"}}},
        view_id="V8",
    )
    payload = capture.payload()
    assert payload["view"]["id"] == "V8"
    assert payload["view"]["private_metadata"] == ""
    assert payload["view"]["blocks"][0]["block_id"] == "b"
    fixture = _fixture_json("test_view_submission__body.json")
    if fixture is not None:
        assert set(fixture) <= set(payload)
        assert set(fixture["view"]) <= set(payload["view"])


def test_block_suggestion_payload_shape(capture: _CapturingServer) -> None:
    sender = SlackSender(capture.url, SECRET)
    view = {"id": "V3", "type": "modal", "blocks": []}
    sender.block_suggestion(user_id="U1", action_id="es_a", block_id="es_b", value="ac", view=view)
    payload = capture.payload()
    assert (payload["type"], payload["action_id"], payload["value"]) == (
        "block_suggestion",
        "es_a",
        "ac",
    )
    assert payload["container"] == {"type": "view", "view_id": "V3"}
    fixture = _fixture_json("test_block_suggestion__body.json")
    if fixture is not None:
        assert set(fixture) <= set(payload)


def test_post_raw_sends_exactly_what_it_is_given(capture: _CapturingServer) -> None:
    sender = SlackSender(capture.url, SECRET)
    sender.post_raw("a=b", {"Content-Type": "text/plain", "X-Slack-Signature": "v0=bad"})
    _, body, headers = capture.requests[0]
    assert body == "a=b"
    assert headers["X-Slack-Signature"] == "v0=bad"
    assert "X-Slack-Request-Timestamp" not in headers


# ================================================================ full loop with real Bolt


@pytest.fixture
def bolt_bot(fake: FakeSlack) -> Iterator[SlackSender]:
    """A tiny real Bolt app wired to the fake, served over HTTP like the bot will be."""
    app = App(token=TOKEN, signing_secret=SECRET, client=WebClient(TOKEN, base_url=fake.api_url))

    @app.command("/visit")
    def visit(ack: Any, respond: Any, command: dict[str, Any], client: WebClient) -> None:
        ack()
        respond(text=f"Logged: {command['text']}", blocks=[_section(f"Logged {command['text']}")])
        client.views_open(
            trigger_id=command["trigger_id"], view=_modal([_input("notes", "notes_input")])
        )

    @app.action("won")
    def won(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(
            channel=body["user"]["id"], text=f"Won {body['actions'][0]['value']}"
        )

    @app.view("log_visit")
    def submitted(ack: Any, view: dict[str, Any]) -> None:
        notes = view["state"]["values"]["notes"]["notes_input"]["value"]
        if not notes:
            ack(response_action="errors", errors={"notes": "Required"})
        else:
            ack()

    @app.options("es_a")
    def options(ack: Any, payload: dict[str, Any]) -> None:
        ack(options=[{"text": _text(payload["value"].upper()), "value": "1"}])

    handler = SlackRequestHandler(app)
    server = make_server("127.0.0.1", 0, handler, handler_class=_QuietHandler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    try:
        yield SlackSender(f"http://127.0.0.1:{server.server_port}", SECRET)
    finally:
        server.shutdown()
        server.server_close()


def test_full_loop_with_bolt(fake: FakeSlack, bolt_bot: SlackSender) -> None:
    url = fake.response_url()
    assert bolt_bot.command("/visit", "acme", user_id="U1", response_url=url).status == 200
    reply = fake.wait_for_call("response_url")
    assert reply.params["text"] == "Logged: acme"
    opened = fake.wait_for_call("views.open")

    resp = bolt_bot.view_submission(
        user_id="U1",
        callback_id="log_visit",
        values={"notes": {"notes_input": ""}},
        view=opened.response["view"],
    )
    assert resp.status == 200
    assert resp.json() == {"response_action": "errors", "errors": {"notes": "Required"}}
    ok = bolt_bot.view_submission(
        user_id="U1", callback_id="log_visit", values={"notes": {"notes_input": "x"}}
    )
    assert (ok.status, ok.body) == (200, "")

    message = {"ts": "1.2", "blocks": [{"type": "actions", "elements": [_button("W", "won", "7")]}]}
    bolt_bot.block_action(user_id="U1", action_id="won", response_url=url, message=message)
    dm = fake.wait_for_call("chat.postMessage")
    assert (dm.params["channel"], dm.params["text"]) == ("U1", "Won 7")

    suggestion = bolt_bot.block_suggestion(user_id="U1", action_id="es_a", block_id="b", value="ac")
    assert suggestion.json()["options"][0]["text"]["text"] == "AC"

    body = "token=x&command=%2Fvisit&text=hi"
    bad = bolt_bot.post_raw(body, {**bolt_bot.sign(body), "X-Slack-Signature": "v0=00"})
    assert bad.status == 401
    stale = bolt_bot.post_raw(body, bolt_bot.sign(body, timestamp=int(time.time()) - 600))
    assert stale.status == 401
    assert fake.problems == []

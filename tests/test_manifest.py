"""manifest.yml, pasted into api.slack.com, creates an app the bot can actually serve."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.support.manifest_check import (
    USING_MANIFEST_SCHEMA,
    load_manifest,
    problems_in_manifest,
)

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest(MANIFEST)


def commands_with_listeners() -> set[str]:
    """Every `@app.command("/x")` in the handlers, read from their source."""
    found: set[str] = set()
    for path in (ROOT / "handlers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "command"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
            ):
                [argument] = node.args
                assert isinstance(argument, ast.Constant), (
                    f"{path.name}:{node.lineno}: write the command as a literal so this "
                    "test can read it"
                )
                found.add(argument.value)
    return found


@pytest.mark.skipif(not USING_MANIFEST_SCHEMA, reason="shared slack-specs folder not present")
def test_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    assert problems_in_manifest(manifest) == []


def test_manifest_is_valid_without_the_shared_schema(manifest: dict[str, Any]) -> None:
    assert problems_in_manifest(manifest, specs_dir=None) == []


def test_every_command_the_bot_serves_is_in_the_manifest(manifest: dict[str, Any]) -> None:
    served = commands_with_listeners()
    assert {"/visit", "/deal"} <= served  # the source scan itself still works
    declared = [entry["command"] for entry in manifest["features"]["slash_commands"]]
    assert len(declared) == len(set(declared))
    # Missing from the manifest: nobody can type it. Missing a listener: Slack gets a 404.
    assert set(declared) == served


def test_bot_scopes_cover_what_the_bot_calls(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # slash commands, messages and DMs, users.info for names and time zones
    assert {"commands", "chat:write", "users:read"} <= scopes
    # conversations.history in team channels and DMs: finding a cut-off scheduled send
    assert {"channels:history", "groups:history", "im:history"} <= scopes


def test_buttons_modals_and_home_tab_are_switched_on(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True

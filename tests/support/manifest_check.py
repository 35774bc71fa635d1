"""Validate the Slack app manifest.

* With the shared folder: JSON Schema draft-07 validation against
  ``slack-specs/manifest/manifest.schema.1.0.0.json`` (``Draft7Validator``).
* Without it: a structural fallback that also rejects keys the v1 schema does not know
  (top level, display_information, features, settings, slash commands).

In both modes the fields salesbot needs are required: ``display_information.name``,
``features.bot_user.display_name``, ``oauth_config.scopes.bot`` (a list of strings), every
slash command has a ``command`` starting with "/" and a ``description``, and ``settings`` is
an object.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from tests.support.block_kit import AUTO, SpecsDir
from tests.support.specs import MANIFEST_SCHEMA_V1, SPECS_DIR, spec_file

__all__ = [
    "MANIFEST_SCHEMA_PATH",
    "USING_MANIFEST_SCHEMA",
    "load_manifest",
    "problems_in_manifest",
    "problems_in_manifest_file",
]

MANIFEST_SCHEMA_PATH: Path | None = spec_file(MANIFEST_SCHEMA_V1, SPECS_DIR)
USING_MANIFEST_SCHEMA: bool = MANIFEST_SCHEMA_PATH is not None

# Keys the v1 schema (slackapi/manifest-schema @ c50cfa85) allows; used by the fallback only.
_TOP_LEVEL = frozenset(
    {
        "$schema",
        "_metadata",
        "app_directory",
        "display_information",
        "features",
        "oauth_config",
        "settings",
        "functions",
        "workflows",
        "datastores",
        "outgoing_domains",
        "types",
        "external_auth_providers",
        "mcp_servers",
    }
)
_DISPLAY_INFORMATION = frozenset({"name", "description", "background_color", "long_description"})
_FEATURES = frozenset(
    {
        "app_home",
        "bot_user",
        "functions",
        "shortcuts",
        "slash_commands",
        "workflow_steps",
        "unfurl_domains",
        "assistant_view",
        "agent_view",
    }
)
_SETTINGS = frozenset(
    {
        "allowed_ip_address_ranges",
        "event_subscriptions",
        "incoming_webhooks",
        "interactivity",
        "org_deploy_enabled",
        "socket_mode_enabled",
        "is_hosted",
        "token_rotation_enabled",
        "siws_links",
        "hermes_app_type",
        "function_runtime",
        "is_mcp_enabled",
    }
)
_OAUTH_CONFIG = frozenset({"redirect_urls", "scopes", "token_management_enabled", "pkce_enabled"})
_SLASH_COMMAND = frozenset({"command", "url", "description", "usage_hint", "should_escape"})


def load_manifest(path: Path | str) -> dict[str, Any]:
    """Load a manifest from YAML (``.yml``/``.yaml``) or JSON."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml"):
        import yaml

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: manifest must be a mapping, got {type(data).__name__}")
    return data


def problems_in_manifest_file(path: Path | str, *, specs_dir: SpecsDir = AUTO) -> list[str]:
    return problems_in_manifest(load_manifest(path), specs_dir=specs_dir)


def problems_in_manifest(manifest: dict[str, Any], *, specs_dir: SpecsDir = AUTO) -> list[str]:
    """Problems in an app manifest; ``[]`` means valid. ``specs_dir=None`` forces fallback."""
    if not isinstance(manifest, dict):
        return [f"manifest: expected an object, got {type(manifest).__name__}"]
    schema_path = _resolve_schema(specs_dir)
    if schema_path is not None:
        problems = _schema_problems(schema_path, manifest)
    else:
        problems = _unknown_key_problems(manifest)
    problems += _required_problems(manifest)
    return list(dict.fromkeys(problems))


def _resolve_schema(specs_dir: SpecsDir) -> Path | None:
    if specs_dir is AUTO:
        return MANIFEST_SCHEMA_PATH
    if specs_dir is None:
        return None
    path = Path(specs_dir) / MANIFEST_SCHEMA_V1
    if not path.is_file():
        raise FileNotFoundError(f"no manifest schema at {path}")
    return path


@lru_cache(maxsize=2)
def _validator(schema_path: str) -> Draft7Validator:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def _fmt(path: Any) -> str:
    out = "manifest"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_problems(schema_path: Path, manifest: dict[str, Any]) -> list[str]:
    errors = sorted(_validator(str(schema_path)).iter_errors(manifest), key=lambda e: list(e.path))
    return [f"schema: {_fmt(e.absolute_path)}: {e.message[:300]}" for e in errors]


def _unknown_key_problems(manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []

    def check(obj: Any, allowed: frozenset[str], where: str) -> None:
        if isinstance(obj, dict):
            problems.extend(
                f"structure: {where}.{key}: unknown key" for key in obj if key not in allowed
            )

    check(manifest, _TOP_LEVEL, "manifest")
    check(manifest.get("display_information"), _DISPLAY_INFORMATION, "manifest.display_information")
    check(manifest.get("settings"), _SETTINGS, "manifest.settings")
    check(manifest.get("oauth_config"), _OAUTH_CONFIG, "manifest.oauth_config")
    features = manifest.get("features")
    check(features, _FEATURES, "manifest.features")
    if isinstance(features, dict) and isinstance(features.get("slash_commands"), list):
        for i, cmd in enumerate(features["slash_commands"]):
            check(cmd, _SLASH_COMMAND, f"manifest.features.slash_commands[{i}]")
    return problems


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _required_problems(manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    name = _get(manifest, "display_information", "name")
    if not isinstance(name, str) or not name.strip():
        problems.append("structure: manifest.display_information.name: required non-empty string")
    display_name = _get(manifest, "features", "bot_user", "display_name")
    if not isinstance(display_name, str) or not display_name.strip():
        problems.append(
            "structure: manifest.features.bot_user.display_name: required non-empty string"
        )
    scopes = _get(manifest, "oauth_config", "scopes", "bot")
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        problems.append("structure: manifest.oauth_config.scopes.bot: required list of strings")
    commands = _get(manifest, "features", "slash_commands")
    if commands is not None and not isinstance(commands, list):
        problems.append("structure: manifest.features.slash_commands: must be a list")
    for i, cmd in enumerate(commands if isinstance(commands, list) else []):
        where = f"manifest.features.slash_commands[{i}]"
        if not isinstance(cmd, dict):
            problems.append(f"structure: {where}: must be an object")
            continue
        command = cmd.get("command")
        if not isinstance(command, str) or not command.startswith("/") or len(command) < 2:
            problems.append(f"structure: {where}.command: must be a string starting with '/'")
        description = cmd.get("description")
        if not isinstance(description, str) or not description.strip():
            problems.append(f"structure: {where}.description: required non-empty string")
    if not isinstance(manifest.get("settings"), dict):
        problems.append("structure: manifest.settings: required object")
    return problems

"""Block Kit validation for everything the bot sends to Slack.

Two modes:

* **schema** (when ``slack-specs/block-kit/slack-block-kit.schema.json`` is available, see
  ``tests/support/specs.py``): JSON Schema 2020-12 validation with ``Draft202012Validator``.
  The schema's root is "a non-empty array of at most 100 blocks" (there is no separate
  message-blocks ``$def``), so a message's ``blocks`` are validated against the root
  (``{"$ref": "<$id>"}``, i.e. every item against ``#/$defs/block``); a view is validated
  against ``{"$ref": "<$id>#/$defs/modal_view"}`` or ``.../home_view`` after removing the
  fields Slack adds to views it returns (id, hash, state, app_id, ...).
* **fallback** (no shared folder): round-trip through slack_sdk's models
  (``Block.parse_all`` / ``View(**view)`` + ``to_dict()``), turning
  ``SlackObjectFormationError`` / constructor errors into problems, and flagging fields that
  slack_sdk silently dropped (unknown keys, unknown element types).

In both modes Slack's limits that the schema does not enforce (or enforces per surface) are
checked too: at most 50 blocks per message / 100 per view, unique ``block_id`` and unique
``action_id`` values, and the common text limits.

Every function returns a list of human-readable problem strings; ``[]`` means valid.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.support.specs import BLOCK_KIT_SCHEMA, SPECS_DIR, spec_file

__all__ = [
    "AUTO",
    "MAX_MESSAGE_BLOCKS",
    "MAX_VIEW_BLOCKS",
    "SCHEMA_PATH",
    "SERVER_VIEW_FIELDS",
    "SPECS_DIR",
    "USING_SCHEMA",
    "SpecsDir",
    "problems_in_blocks",
    "problems_in_message",
    "problems_in_view",
    "strip_server_view_fields",
]

SCHEMA_PATH: Path | None = spec_file(BLOCK_KIT_SCHEMA, SPECS_DIR)
USING_SCHEMA: bool = SCHEMA_PATH is not None

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_PRIVATE_METADATA = 3000
MAX_HEADER_TEXT = 150

# Fields Slack adds to a view object it returns (views.* responses, interaction payloads).
SERVER_VIEW_FIELDS = frozenset(
    {
        "id",
        "team_id",
        "app_id",
        "app_installed_team_id",
        "bot_id",
        "hash",
        "state",
        "root_view_id",
        "previous_view_id",
    }
)
# Slack echoes these on *home* views it returns (always false); they only mean something for
# modals and the schema's home_view rejects them. Dropped from home views when false.
_HOME_ECHOED_FALSE_FIELDS = ("clear_on_close", "notify_on_close")

_MODAL_FIELDS = frozenset(
    {
        "type",
        "title",
        "blocks",
        "close",
        "submit",
        "private_metadata",
        "callback_id",
        "clear_on_close",
        "notify_on_close",
        "external_id",
        "submit_disabled",
    }
)
_HOME_FIELDS = frozenset({"type", "blocks", "private_metadata", "callback_id", "external_id"})


class _Auto(Enum):
    AUTO = "auto"


AUTO = _Auto.AUTO
"""Default for ``specs_dir``: use the shared schema when available, else the fallback."""

SpecsDir = Path | None | _Auto


# --------------------------------------------------------------------------- public API


def problems_in_message(payload: Mapping[str, Any], *, specs_dir: SpecsDir = AUTO) -> list[str]:
    """Problems in a message payload (chat.postMessage/postEphemeral/update, response_url).

    Text-only messages are fine. ``blocks`` may be a list or a JSON string (form bodies).
    Blocks inside legacy ``attachments`` are validated too.
    """
    problems: list[str] = []
    blocks, problem = _decode_list(payload.get("blocks"), "blocks")
    if problem:
        problems.append(problem)
    elif blocks:
        problems += problems_in_blocks(blocks, surface="message", specs_dir=specs_dir)
    attachments, problem = _decode_list(payload.get("attachments"), "attachments")
    if problem:
        problems.append(problem)
    for i, attachment in enumerate(attachments or []):
        if isinstance(attachment, dict) and attachment.get("blocks"):
            sub, problem = _decode_list(attachment["blocks"], f"attachments[{i}].blocks")
            if problem:
                problems.append(problem)
            elif sub:
                found = problems_in_blocks(sub, surface="message", specs_dir=specs_dir)
                problems += [f"attachments[{i}].{p}" for p in found]
    return problems


def problems_in_view(view: Mapping[str, Any] | str, *, specs_dir: SpecsDir = AUTO) -> list[str]:
    """Problems in a modal or Home tab view (views.open/update/push/publish ``view``)."""
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except json.JSONDecodeError as exc:
            return [f"view: not valid JSON ({exc})"]
    if not isinstance(view, Mapping):
        return [f"view: expected an object, got {type(view).__name__}"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return [f"view.type: expected 'modal' or 'home', got {kind!r}"]
    clean = strip_server_view_fields(view)
    schema_path = _resolve_schema(specs_dir)
    if schema_path is not None:
        problems = _schema_problems(schema_path, f"{kind}_view", clean, "view")
    else:
        problems = _fallback_view_problems(clean)
    blocks = clean.get("blocks")
    problems += _limit_problems(blocks if isinstance(blocks, list) else [], "view.blocks", "view")
    if kind == "modal":
        title = clean.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if isinstance(text, str) and len(text) > MAX_MODAL_TITLE:
            problems.append(f"limit: view.title: {len(text)} chars > {MAX_MODAL_TITLE}")
    metadata = clean.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > MAX_PRIVATE_METADATA:
        problems.append(
            f"limit: view.private_metadata: {len(metadata)} chars > {MAX_PRIVATE_METADATA}"
        )
    return _dedupe(problems)


def problems_in_blocks(
    blocks: list[Any], *, surface: str = "message", specs_dir: SpecsDir = AUTO
) -> list[str]:
    """Problems in a bare blocks array. ``surface`` is "message" (≤ 50 blocks) or "view"."""
    if not isinstance(blocks, list):
        return [f"blocks: expected a list, got {type(blocks).__name__}"]
    schema_path = _resolve_schema(specs_dir)
    if schema_path is not None:
        problems = _schema_problems(schema_path, None, blocks, "blocks")
    else:
        problems = _fallback_block_problems(blocks, "blocks")
    problems += _limit_problems(blocks, "blocks", surface)
    return _dedupe(problems)


def strip_server_view_fields(view: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of ``view`` without the fields Slack adds to views it returns."""
    clean = {k: v for k, v in view.items() if k not in SERVER_VIEW_FIELDS}
    if clean.get("type") == "home":
        for key in _HOME_ECHOED_FALSE_FIELDS:
            if clean.get(key) is False:
                del clean[key]
    return clean


# --------------------------------------------------------------------------- helpers


def _resolve_schema(specs_dir: SpecsDir) -> Path | None:
    if specs_dir is AUTO:
        return SCHEMA_PATH
    if specs_dir is None:
        return None
    path = Path(specs_dir) / BLOCK_KIT_SCHEMA
    if not path.is_file():
        raise FileNotFoundError(f"no Block Kit schema at {path}")
    return path


def _decode_list(value: Any, where: str) -> tuple[list[Any] | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            return None, f"{where}: not valid JSON ({exc})"
    if not isinstance(value, list):
        return None, f"{where}: expected a list, got {type(value).__name__}"
    return value, None


def _dedupe(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def _fmt_path(prefix: str, path: Any) -> str:
    out = prefix
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------ schema mode


@lru_cache(maxsize=4)
def _validators(schema_path: str) -> dict[str | None, Draft202012Validator]:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    schema_id = schema["$id"]
    registry: Registry = Registry().with_resource(schema_id, Resource.from_contents(schema))

    def make(ref: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": ref}, registry=registry)

    return {
        None: make(schema_id),  # root: array of blocks
        "modal_view": make(f"{schema_id}#/$defs/modal_view"),
        "home_view": make(f"{schema_id}#/$defs/home_view"),
    }


def _schema_problems(
    schema_path: Path, definition: str | None, instance: Any, prefix: str
) -> list[str]:
    validator = _validators(str(schema_path))[definition]
    problems: list[str] = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        for path, message in _explain(error):
            problems.append(f"schema: {_fmt_path(prefix, path)}: {_short(message)}")
    return problems


def _is_type_mismatch(error: ValidationError) -> bool:
    """True if ``error`` (inside a oneOf/anyOf branch) says "wrong discriminator"."""
    rel = list(error.relative_path)
    if rel == ["type"] and error.validator in ("const", "enum"):
        return True
    return not rel and error.validator == "type"


def _explain(error: ValidationError) -> Iterator[tuple[list[Any], str]]:
    """Turn an error into precise (path, message) pairs.

    Block Kit's unions (``block``, ``*_element``, ``text_object``) are ``oneOf`` lists
    discriminated by ``type``; jsonschema's top-level message for them is just "... is not
    valid under any of the given schemas". Dig into the branch whose ``type`` matches.
    """
    instance = error.instance
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        matching = [
            b for b, subs in branches.items() if not any(_is_type_mismatch(s) for s in subs)
        ]
        discriminated = any(_is_type_mismatch(s) for s in error.context)
        if matching and discriminated:
            best = min(matching, key=lambda b: len(branches[b]))
            for sub in branches[best]:
                yield from _explain(sub)
            return
        if discriminated and isinstance(instance, dict) and not matching:
            expected = sorted(
                {
                    s.validator_value
                    for s in error.context
                    if s.validator == "const" and list(s.relative_path) == ["type"]
                }
            )
            got = instance.get("type")
            yield (
                list(error.absolute_path),
                f"type {got!r} is not allowed here (expected one of {', '.join(expected)})",
            )
            return
    if error.validator in ("oneOf", "anyOf") and isinstance(instance, dict):
        kind = instance.get("type", "object")
        yield (
            list(error.absolute_path),
            f"{kind} does not match {error.validator}: "
            + "; ".join(_short(s.message, 120) for s in (error.context or [])[:4]),
        )
        return
    if error.validator in ("maxLength", "minLength") and isinstance(instance, str):
        yield (
            list(error.absolute_path),
            (f"{len(instance)} chars, {error.validator} is {error.validator_value}"),
        )
        return
    if error.validator in ("maxItems", "minItems") and isinstance(instance, list):
        yield (
            list(error.absolute_path),
            (f"{len(instance)} items, {error.validator} is {error.validator_value}"),
        )
        return
    yield list(error.absolute_path), error.message


# ---------------------------------------------------------------- fallback mode

_SDK_ERRORS = (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError)


def _fallback_block_problems(blocks: list[Any], prefix: str) -> list[str]:
    problems: list[str] = []
    if not blocks:
        problems.append(f"slack_sdk: {prefix}: must contain at least 1 block")
    for i, raw in enumerate(blocks):
        where = f"{prefix}[{i}]"
        if not isinstance(raw, dict):
            problems.append(f"slack_sdk: {where}: expected an object, got {type(raw).__name__}")
            continue
        try:
            parsed = Block.parse(raw)
        except _SDK_ERRORS as exc:
            problems.append(f"slack_sdk: {where}: {exc}")
            continue
        if parsed is None:
            problems.append(f"slack_sdk: {where}: unknown block type {raw.get('type')!r}")
            continue
        try:
            out = parsed.to_dict()
        except _SDK_ERRORS as exc:
            problems.append(f"slack_sdk: {where} ({raw.get('type')}): {exc}")
            continue
        problems += _roundtrip_problems(raw, out, where)
    return problems


def _roundtrip_problems(raw: Any, out: Any, where: str) -> list[str]:
    """Fields slack_sdk dropped: unknown keys or unknown element types."""
    problems: list[str] = []
    if isinstance(raw, dict) and isinstance(out, dict):
        for key, value in raw.items():
            if key not in out:
                if value is not None:
                    problems.append(f"slack_sdk: {where}.{key}: unknown field")
            else:
                problems += _roundtrip_problems(value, out[key], f"{where}.{key}")
    elif isinstance(raw, list) and isinstance(out, list) and len(raw) == len(out):
        for j, (raw_item, out_item) in enumerate(zip(raw, out, strict=True)):
            if out_item is None and raw_item is not None:
                kind = raw_item.get("type") if isinstance(raw_item, dict) else raw_item
                problems.append(f"slack_sdk: {where}[{j}]: unknown element type {kind!r}")
            else:
                problems += _roundtrip_problems(raw_item, out_item, f"{where}[{j}]")
    return problems


def _fallback_view_problems(view: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    allowed = _MODAL_FIELDS if view["type"] == "modal" else _HOME_FIELDS
    problems += [
        f"slack_sdk: view.{key}: not allowed in a {view['type']} view"
        for key in view
        if key not in allowed
    ]
    if view["type"] == "modal" and "title" not in view:
        problems.append("slack_sdk: view.title: required in a modal")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        problems.append("slack_sdk: view.blocks: required list")
        blocks = []
    problems += _fallback_block_problems(blocks, "view.blocks")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if view["type"] == "modal" and "submit" not in view and has_input:
        problems.append("slack_sdk: view.submit: required when the modal has input blocks")
    # View-level rules (title/submit/close length, block count, metadata length). Blocks were
    # checked above; use placeholders so a bad block is not reported twice.
    placeholders = [{"type": "divider"} for _ in blocks]
    known = {k: v for k, v in view.items() if k in View.attributes}
    try:
        View(**{**known, "blocks": placeholders}).to_dict()
    except _SDK_ERRORS as exc:
        problems.append(f"slack_sdk: view: {exc}")
    return problems


# ------------------------------------------------------------------- limits (both modes)


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def _text_of(obj: Any) -> str | None:
    if isinstance(obj, dict):
        text = obj.get("text")
        return text if isinstance(text, str) else None
    return obj if isinstance(obj, str) else None


def _limit_problems(blocks: list[Any], prefix: str, surface: str) -> list[str]:
    problems: list[str] = []
    cap = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    if len(blocks) > cap:
        problems.append(f"limit: {prefix}: {len(blocks)} blocks > {cap} allowed in a {surface}")
    seen_block_ids: dict[str, str] = {}
    seen_action_ids: dict[str, str] = {}
    for path, node in _walk(blocks, prefix):
        for key, seen in (("block_id", seen_block_ids), ("action_id", seen_action_ids)):
            value = node.get(key)
            if isinstance(value, str):
                if value in seen:
                    problems.append(
                        f"limit: {path}.{key}: duplicate {key} {value!r} (first at {seen[value]})"
                    )
                else:
                    seen[value] = path
        kind = node.get("type")
        if kind == "section":
            text = _text_of(node.get("text"))
            if text is not None and len(text) > MAX_SECTION_TEXT:
                problems.append(f"limit: {path}.text: {len(text)} chars > {MAX_SECTION_TEXT}")
        elif kind == "header":
            text = _text_of(node.get("text"))
            if text is not None and len(text) > MAX_HEADER_TEXT:
                problems.append(f"limit: {path}.text: {len(text)} chars > {MAX_HEADER_TEXT}")
        elif kind == "button":
            text = _text_of(node.get("text"))
            if text is not None and len(text) > MAX_BUTTON_TEXT:
                problems.append(f"limit: {path}.text: {len(text)} chars > {MAX_BUTTON_TEXT}")
            value = node.get("value")
            if isinstance(value, str) and len(value) > MAX_BUTTON_VALUE:
                problems.append(f"limit: {path}.value: {len(value)} chars > {MAX_BUTTON_VALUE}")
    return problems

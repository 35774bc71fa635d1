"""Locate Slack's reference material (the shared ``slack-specs`` folder).

Locally and in CI the folder lives next to the checkout: ``<repo>/../shared/slack-specs``.
Set ``SLACK_SPECS_DIR`` to point somewhere else (either the ``slack-specs`` folder itself or
its parent). Set it to an empty string to pretend the folder is absent, which runs every
validator in its fallback mode: ``SLACK_SPECS_DIR= pytest``.

The repository's tests must pass without the folder, so every user of it has a fallback.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

ENV_VAR = "SLACK_SPECS_DIR"

# tests/support/specs.py -> parents: support, tests, <repo>, <repo's parent>
DEFAULT_SPECS_DIR = Path(__file__).resolve().parents[3] / "shared" / "slack-specs"

BLOCK_KIT_SCHEMA = Path("block-kit") / "slack-block-kit.schema.json"
KNOWN_GOOD_VIEWS = Path("block-kit") / "known-good-views-python-slack-sdk"
MANIFEST_SCHEMA_V1 = Path("manifest") / "manifest.schema.1.0.0.json"
MANIFEST_EXAMPLES = Path("manifest") / "examples"
SIGNING_VECTOR = Path("signing") / "slack_signing_test_vector.json"
BOLT_PAYLOADS = Path("payloads") / "bolt-python-tests"


def find_specs_dir() -> Path | None:
    """Return the ``slack-specs`` folder, or None when it is not available."""
    override = os.environ.get(ENV_VAR)
    if override is not None:
        if not override.strip():
            return None
        path = Path(override).expanduser().resolve()
        if (path / "slack-specs").is_dir():
            path = path / "slack-specs"
        if path.is_dir():
            return path
        warnings.warn(
            f"{ENV_VAR}={override!r} is not a directory; using fallback validators",
            stacklevel=2,
        )
        return None
    return DEFAULT_SPECS_DIR if DEFAULT_SPECS_DIR.is_dir() else None


SPECS_DIR: Path | None = find_specs_dir()


def spec_file(relative: Path | str, specs_dir: Path | None = SPECS_DIR) -> Path | None:
    """Return ``specs_dir / relative`` when that file or folder exists, else None."""
    if specs_dir is None:
        return None
    path = specs_dir / relative
    return path if path.exists() else None

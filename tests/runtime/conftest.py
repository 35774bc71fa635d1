"""Helpers for the runtime tests: plain HTTP GETs and a root logger put back as it was."""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def http_get(url: str) -> tuple[int, str]:
    """Status and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


@pytest.fixture
def restore_root_logger() -> Iterator[logging.Logger]:
    """`configure_logging` (and so `bot.main`) replaces the root handlers; undo that."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def empty_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No environment variables, and the working directory an empty temporary one, whose
    .env (if a test writes one) is the one bot.main reads."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path

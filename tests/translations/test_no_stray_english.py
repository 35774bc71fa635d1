"""No English sentence reaches a person without going through the catalog.

Reads the source of every package that builds what people see and lists each string literal
that looks like a sentence (it starts with a capital letter or an emoji and has two words or
more, or it has four words or more) and is not inside `gettext`, `ngettext`, `msg`, `nmsg` or
`marked`, a docstring, a log call or an exception raised for developers. What remains is a
word a person would read in English whatever their language: the test names it, with its
file and line. The few literals that are English on purpose are listed below with the reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from charts.theme import _CJK_FONTS, FONT

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("blocks", "handlers", "services", "scheduler", "sales", "parsing", "charts", "reports")
CATALOG_CALLS = frozenset({"gettext", "ngettext", "msg", "nmsg", "marked"})
# Text for developers and operators, never shown in Slack.
DEVELOPER_CALLS = frozenset(
    {
        *("debug", "info", "warning", "error", "exception", "critical"),
        *("ValueError", "TypeError", "RuntimeError", "KeyError", "AssertionError", "LookupError"),
        *("NotImplementedError", "SystemExit"),
        *("Counter", "Gauge", "Histogram"),  # Prometheus help texts
    }
)
# English on purpose (path, the literal's start): each with its reason.
ALLOWED: dict[tuple[str, str], str] = {
    ("sales/metrics.py", "customers whose first deal was won"): "a metric's definition, unused",
    ("sales/metrics.py", "deals that reached the proposal stage"): "a metric's definition, unused",
    ("parsing/visit_command.py", "Acme Corp: met the CFO, budget approved"): "a test fixture",
    ("charts/examples.py", "Team East revenue"): "the README's example charts",
    ("charts/examples.py", "Team East funnel"): "the README's example charts",
    ("sales/collections.py", "more than the {} still owed"): "for the log: the listener words it",
    **{
        ("sales/metrics.py", meaning): "a metric's definition, unused"
        for meaning in ("deal amounts won", "cash received", "visits logged")
    },
    **{
        ("scheduler/sender.py", outcome): "a job run's report, on the console"
        for outcome in ("found sent before", "error (see the log)", "being sent by another")
    },
}
# Names of fonts, which read the same in every language.
FONT_NAMES = frozenset({FONT, *_CJK_FONTS})
# A word: letters with at least one lower-case one (so codes such as USD are none).
_WORD = re.compile(r"^[^\sA-Za-z]*[A-Za-z]*[a-z][A-Za-z'\u2019]*[^\sA-Za-z]*$")
_NOT_WORDS = re.compile(r"`[^`]*`|<[^>]*>|:[a-z0-9_+-]+:|\{[^{}]*\}|%\([a-z_]+\)s")


def looks_like_a_sentence(text: str) -> bool:
    if text.startswith("/") or any(sign in text for sign in ("(?", "\\", "|", "[")):
        return False  # a command to type, or a pattern
    words = [word for word in _NOT_WORDS.sub(" ", text).split() if _WORD.match(word)]
    starts = re.match(r"\s*(?::[a-z0-9_+-]+:\s*)?[A-Z][a-z]", text) is not None
    return (starts and len(words) >= 2) or len(words) >= 4


def _literal_text(node: ast.AST) -> str | None:
    """The text of a string literal; an f-string's with each placeholder as `{}`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return None


def _call_name(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def stray_english(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        text = _literal_text(node)
        if text is None or text in FONT_NAMES or isinstance(parents.get(node), ast.JoinedStr):
            continue  # not a string, or a piece of an f-string (read as a whole)
        if not looks_like_a_sentence(text):
            continue
        current, excused = node, False
        while current in parents and not excused:
            parent = parents[current]
            if isinstance(parent, ast.Expr) and isinstance(parent.value, ast.Constant):
                excused = True  # a docstring
            elif isinstance(parent, ast.Call):
                excused = _call_name(parent) in CATALOG_CALLS | DEVELOPER_CALLS
            current = parent
        if not excused:
            found.append((node.lineno, text))
    return found


def test_every_sentence_people_read_goes_through_the_catalog() -> None:
    stray, allowed = [], set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for line, text in stray_english(path):
                excuse = [
                    (f, start) for f, start in ALLOWED if f == name and text.startswith(start)
                ]
                allowed.update(excuse)
                if not excuse:
                    stray.append(f"{name}:{line}: {text[:80]!r}")
    assert stray == []
    assert set(ALLOWED) == allowed  # an excuse nothing needs any more goes


def test_the_check_finds_a_sentence_outside_the_catalog(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from translations import gettext, msg\n"
        "def card(language):\n"
        '    """A docstring is no message."""\n'
        '    log.info("Sent the card to %s", language)\n'
        '    ok = gettext(language, "Your case is saved.")\n'
        '    also = msg("Deal #{id} moved.", id=1)\n'
        '    key = "case_open"\n'
        '    return section(f"Your case for {week} is saved")\n',
        encoding="utf-8",
    )
    assert stray_english(source) == [(8, "Your case for {} is saved")]

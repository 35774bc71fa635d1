"""Contacts in exports (issue 13): `bot.py export contacts` and `visit_contacts` (an
operator's command line only), and a forgotten contact gone from both and from history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store import contacts
from store.models import AuditEntry
from tests.conftest import RunningBot
from tests.handlers.test_met_with import OUTSIDER, bot, links, open_modal, submit
from tests.runtime.test_export import csv_rows, run
from tests.support.reading import text_of

__all__ = ["bot"]  # the fixture

pytestmark = pytest.mark.usefixtures("empty_environment", "restore_root_logger")


def export(capsys: pytest.CaptureFixture[str], kind: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, "export", kind)
    assert code == 0, err
    return csv_rows(out)


def test_a_forgotten_contact_is_gone_from_visits_exports_and_history(
    bot: RunningBot,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    view, _ = open_modal(bot)
    submit(bot, view, ["Li Wei", "Zhang San"])
    bot.fake.wait_for(lambda: len(links(bot)) == 2)
    rows = export(capsys, "contacts")
    assert [(r["customer"], r["name"], r["title"]) for r in rows] == [
        ("Acme", "Li Wei", "CFO"),
        ("Acme", "Zhang San", ""),
    ]
    assert [r["contact"] for r in export(capsys, "visit_contacts")] == ["Li Wei", "Zhang San"]
    # Only the contact's own customer's people may forget them.
    assert "No customer called" in text_of(bot.ask("/customer", "Acme forget Zhang San", OUTSIDER))
    forgotten = text_of(bot.ask("/customer", "Acme forget Zhang San"))
    assert "Zhang San's details are deleted everywhere" in forgotten
    assert links(bot) == [(3, "Li Wei")]
    assert [r["name"] for r in export(capsys, "contacts")] == ["Li Wei"]
    assert [r["contact"] for r in export(capsys, "visit_contacts")] == ["Li Wei"]
    everything = "".join(str(row) for row in export(capsys, "audit_log"))
    assert "Zhang San" not in everything
    with bot.db.reading() as session:
        history = session.scalars(select(AuditEntry).where(AuditEntry.entity == "contacts"))
        assert all("Zhang San" not in str((e.before, e.after)) for e in history)
        assert contacts.met_on(session, [3]) == {3: [contacts.find_contact(session, 1, "Li Wei")]}

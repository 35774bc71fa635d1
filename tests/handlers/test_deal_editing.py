"""/deal after creation: edit, owner and reassign, delete, duplicates, and "list all"."""

from __future__ import annotations

from tests.conftest import REP, RunningBot
from tests.support.reading import text_of


def test_list_all_from_a_rep_says_it_shows_only_theirs(running_bot: RunningBot) -> None:
    running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    shown = text_of(running_bot.ask("/deal", "list all"))
    assert shown.index("you may see only your own") < shown.index("Acme Corp")
    running_bot.ask("/lang", "zh", user=REP)
    assert "你只能查看自己的商机" in text_of(running_bot.ask("/deal", "list all"))
    assert "你只能查看自己的商机" not in text_of(running_bot.ask("/deal", "list"))

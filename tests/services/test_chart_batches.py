"""A weekly review's charts are drawn a few messages ahead of the one composed, each handed
over once; drawing ahead stays inside one order of messages."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pytest

from charts.funnel import Funnel
from services import charts
from services.charts import ChartBatches, ChartSpec
from tests.charts.png import read_png


def _specs(key: str, count: int) -> list[ChartSpec]:
    return [
        ChartSpec(f"{key}-{n}.png", f"{key} {n}", Funnel(key, "2026-11", [("Lead", n + 1)]))
        for n in range(count)
    ]


COUNTS = {"a": 2, "b": 1, "c": 1, "x": 1, "y": 1}


def _batches(asked: list[str], ahead: int) -> ChartBatches:
    def specs_of(key: str) -> list[ChartSpec]:
        asked.append(key)
        return _specs(key, COUNTS[key])

    return ChartBatches(specs_of, ["a", "b", "c"], ["x", "y"], ahead=ahead)


def test_charts_are_started_a_few_messages_ahead_and_let_go_once_taken() -> None:
    asked: list[str] = []
    batches = _batches(asked, ahead=2)

    first = batches.take("a")
    assert first is not None
    assert [chart.filename for chart in first] == ["a-0.png", "a-1.png"]
    read_png(first[0].png)
    assert asked == ["a", "b"]  # a's, and the next message's set going
    taken_b = batches.take("b")
    assert taken_b is not None
    assert [chart.filename for chart in taken_b] == ["b-0.png"]
    assert asked == ["a", "b", "c"]  # b's were under way; c's start now
    assert batches.take("a") is None  # handed over once
    taken_c = batches.take("c")
    assert taken_c is not None
    assert [chart.title for chart in taken_c] == ["c 0"]
    # Drawing ahead never ran from the first order into the second.
    assert asked == ["a", "b", "c"]
    assert batches.take("nobody") is None
    taken_y = batches.take("y")
    assert taken_y is not None
    assert asked == ["a", "b", "c", "y"]  # nothing after y; x was never asked for


def test_many_charts_are_drawn_by_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    submitted: list[str] = []
    real_submit = charts._submit

    def counting(specs: list[ChartSpec]) -> object:
        submitted.extend(spec.filename for spec in specs)
        return real_submit(specs)

    monkeypatch.setattr(charts, "_submit", counting)
    monkeypatch.setattr(charts, "POOLED_FROM", 3)
    monkeypatch.setattr(charts.os, "cpu_count", lambda: 2)
    batches = _batches([], ahead=3)
    taken = batches.take("a")
    assert taken is not None
    assert [chart.filename for chart in taken] == ["a-0.png", "a-1.png"]
    read_png(taken[1].png)
    assert submitted == ["a-0.png", "a-1.png", "b-0.png", "c-0.png"]


def test_charts_are_drawn_here_when_the_workers_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def submit(self, *_: object) -> None:
            raise BrokenProcessPool("a worker died")

    monkeypatch.setattr(charts, "_pool", lambda: Broken())
    monkeypatch.setattr(charts, "POOLED_FROM", 1)
    monkeypatch.setattr(charts.os, "cpu_count", lambda: 2)
    batches = _batches([], ahead=2)
    taken = batches.take("a")
    assert taken is not None
    assert [chart.filename for chart in taken] == ["a-0.png", "a-1.png"]
    read_png(taken[0].png)

"""A weekly review's charts are drawn a few messages at a time, each handed over once."""

from __future__ import annotations

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


def test_charts_are_drawn_a_batch_at_a_time_and_let_go_once_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[list[str]] = []
    real = charts.draw_all

    def counting(specs: list[ChartSpec]) -> list[charts.ChartFile]:
        drawn.append([spec.filename for spec in specs])
        return real(specs)

    monkeypatch.setattr(charts, "draw_all", counting)
    batches = ChartBatches({"a": _specs("a", 2), "b": _specs("b", 1), "c": _specs("c", 1)}, 2)

    first = batches.take("a")
    assert first is not None
    assert [chart.filename for chart in first] == ["a-0.png", "a-1.png"]
    read_png(first[0].png)
    assert drawn == [["a-0.png", "a-1.png", "b-0.png"]]  # a's and the next message's
    taken_b = batches.take("b")
    assert taken_b is not None
    assert [chart.filename for chart in taken_b] == ["b-0.png"]
    assert len(drawn) == 1  # b was drawn with a
    assert batches.take("a") is None  # handed over once
    taken_c = batches.take("c")
    assert taken_c is not None
    assert [chart.title for chart in taken_c] == ["c 0"]
    assert drawn[1:] == [["c-0.png"]]
    assert batches.take("nobody") is None

"""What targets measure. Results are money; process metrics are counts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    is_money: bool
    meaning: str


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric("revenue", "Revenue", True, "deal amounts won in the period"),
        Metric("collected", "Collected", True, "cash received in the period"),
        Metric("visits", "Visits", False, "visits logged in the period"),
        Metric("new_customers", "New customers", False, "customers whose first deal was won"),
        Metric("proposals", "Proposals", False, "deals that reached the proposal stage"),
    )
}


def metric_names() -> str:
    return ", ".join(METRICS)

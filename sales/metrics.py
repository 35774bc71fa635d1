"""What targets measure. Results are money; process metrics are counts."""

from __future__ import annotations

from dataclasses import dataclass

from translations import marked


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # English; shown with gettext(language, metric.label)
    is_money: bool
    meaning: str


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric("revenue", marked("Revenue"), True, "deal amounts won in the period"),
        Metric("collected", marked("Collected"), True, "cash received in the period"),
        Metric("visits", marked("Visits"), False, "visits logged in the period"),
        Metric(
            "new_customers", marked("New customers"), False, "customers whose first deal was won"
        ),
        Metric("proposals", marked("Proposals"), False, "deals that reached the proposal stage"),
    )
}


def metric_names() -> str:
    return ", ".join(METRICS)

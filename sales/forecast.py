"""The forecast (预测): a rep's call on each open deal and the stage weights.

A rep marks an open deal *commit* (承诺: they will close it this period) or *best case*
(乐观: it could close if things go well); every other open deal is plain pipeline. The
weighted pipeline counts each open deal at its stage's probability (STAGE_PROBABILITY).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from translations import marked

COMMIT = "commit"
BEST_CASE = "bestcase"
CATEGORIES = (COMMIT, BEST_CASE)
# English, marked for the catalog: gettext(language, CATEGORY_LABELS[key]).
CATEGORY_LABELS = {
    COMMIT: marked("Commit"),
    BEST_CASE: marked("Best case"),
    None: marked("Pipeline"),
}
HUNDRED = Decimal(100)


def weight(stage: str, probabilities: Mapping[str, int]) -> Decimal:
    """The share of an open deal at `stage` the weighted pipeline counts (0 for won/lost)."""
    return Decimal(probabilities.get(stage, 0)) / HUNDRED


@dataclass(frozen=True, slots=True)
class OpenAmount:
    """Open deals of one owner, stage, call, currency and expected close day, summed."""

    owner_id: int
    stage: str
    category: str | None
    currency: str
    close: date | None
    amount: Decimal
    deals: int


@dataclass(frozen=True, slots=True)
class SlippedDeal:
    """An open deal whose expected close day has passed."""

    deal_id: int
    owner_id: int
    name: str  # "customer — title"
    amount: Decimal
    currency: str
    close: date

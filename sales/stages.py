"""The sales funnel (销售流程), kept in one place so it can later become configurable."""

from __future__ import annotations

from dataclasses import dataclass

from translations import marked


@dataclass(frozen=True)
class Stage:
    key: str
    label: str  # English; shown with gettext(language, stage.label)
    emoji: str
    is_open: bool


FUNNEL: tuple[Stage, ...] = (
    Stage("lead", marked("Lead"), ":seedling:", True),
    Stage("qualified", marked("Qualified"), ":mag:", True),
    Stage("contacted", marked("Contacted"), ":handshake:", True),
    Stage("proposal", marked("Proposal"), ":page_facing_up:", True),
    Stage("negotiation", marked("Negotiation"), ":scales:", True),
    Stage("won", marked("Won"), ":trophy:", False),
    Stage("lost", marked("Lost"), ":x:", False),
)

STAGES: dict[str, Stage] = {stage.key: stage for stage in FUNNEL}
OPEN_STAGES: tuple[Stage, ...] = tuple(stage for stage in FUNNEL if stage.is_open)
DEFAULT_STAGE = STAGES["lead"]
WON = STAGES["won"]
LOST = STAGES["lost"]


def stage_names() -> str:
    """The stage keys as a readable list, for help and error messages."""
    return ", ".join(stage.key for stage in FUNNEL)


def find_stage(text: str) -> Stage | None:
    """The stage named by `text`: its key or label, or an unambiguous prefix of one."""
    wanted = text.strip().casefold()
    if not wanted:
        return None
    if wanted in STAGES:
        return STAGES[wanted]
    matches = [stage for stage in FUNNEL if stage.key.startswith(wanted)]
    return matches[0] if len(matches) == 1 else None

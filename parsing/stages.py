"""Stage names as people type them, in English (the keys) and in Chinese (线索, 赢单…)."""

from __future__ import annotations

from sales.stages import FUNNEL, STAGES, Stage, find_stage
from translations import Text, msg

# The terms of a Chinese sales team's own CRM (shared glossary), with their alternatives.
CHINESE_STAGE_WORDS: dict[str, str] = {
    "线索": "lead",
    "线索获取": "lead",
    "已筛选": "qualified",
    "线索筛选": "qualified",
    "合格": "qualified",
    "有效商机": "qualified",
    "已接触": "contacted",
    "客户接触": "contacted",
    "接触": "contacted",
    "方案": "proposal",
    "方案提供": "proposal",
    "报价": "proposal",
    "谈判": "negotiation",
    "谈判协商": "negotiation",
    "赢单": "won",
    "成交": "won",
    "成交签约": "won",
    "签约": "won",
    "输单": "lost",
    "丢单": "lost",
    "失败": "lost",
}


def read_stage(typed: str) -> Stage | None:
    """The stage `typed` names: a key or label (or a prefix of one), or a Chinese stage word."""
    key = CHINESE_STAGE_WORDS.get(typed.strip())
    return STAGES[key] if key else find_stage(typed)


def stage_list() -> Text:
    """The stages to choose from, for help and errors (in Chinese, with the keys to type)."""
    if tuple(stage.key for stage in FUNNEL) != _LISTED:
        raise AssertionError("Update stage_list() and its translation with the funnel.")
    return msg("lead, qualified, contacted, proposal, negotiation, won, lost")


_LISTED = ("lead", "qualified", "contacted", "proposal", "negotiation", "won", "lost")

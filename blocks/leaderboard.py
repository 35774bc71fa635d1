"""The leaderboard (排行榜): a team's people ranked on each target by attainment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from babel.numbers import format_percent

from blocks.common import Block, section, user
from blocks.pacing import TargetPace, amount_text, metric_label
from translations import FORMAT_LOCALES, Language, gettext

MEDALS = (":first_place_medal:", ":second_place_medal:", ":third_place_medal:")
SHOWN_PER_BOARD = 10
_SECTION_CHARS = 2900


@dataclass(frozen=True)
class Standing:
    slack_user_id: str
    pace: TargetPace  # their own target of the board's metric and period


@dataclass(frozen=True)
class Board:
    """Everyone with a target of one metric for one period, highest attainment first."""

    metric: str
    period: str
    standings: list[Standing]


def standing_line(language: Language, rank: int, standing: Standing) -> str:
    """`:first_place_medal: @rita 120% · $120,000 of $100,000`."""
    row = standing.pace
    show = partial(amount_text, language, row.metric, row.currency)
    place = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
    return gettext(
        language,
        "{place} {rep} {percent} · {achieved} of {target}",
        place=place,
        rep=user(standing.slack_user_id),
        percent=format_percent(row.pace.fraction_done, locale=FORMAT_LOCALES[language]),
        achieved=show(row.pace.achieved),
        target=show(row.pace.target),
    )


def leaderboard_blocks(language: Language, boards: list[Board]) -> list[Block]:
    """One section per board (metric and period); nothing when nobody has a target."""
    blocks: list[Block] = []
    for board in boards:
        title = gettext(
            language,
            "*Leaderboard* · {metric} · {period} (share of each person's target)",
            metric=metric_label(language, board.metric),
            period=board.period,
        )
        lines = [
            standing_line(language, rank, standing)
            for rank, standing in enumerate(board.standings[:SHOWN_PER_BOARD], start=1)
        ]
        hidden = len(board.standings) - SHOWN_PER_BOARD
        if hidden > 0:
            lines.append(gettext(language, "…and {count} more.", count=hidden))
        blocks.append(section("\n".join([title, *lines])[:_SECTION_CHARS]))
    return blocks

"""Look and feel shared by every chart, plus the few helpers they all need.

Theme choice: every chart is an opaque, light "card" (off-white figure, white plot area, thin
grey border) with near-black text. Slack shows a PNG on white in its light theme and on
#1a1d21 in its dark theme; a transparent PNG would need text and lines that read on both,
and a mid-grey compromise has poor contrast on either. An opaque card owns its background,
so the contrast is the same in both themes (text ≈ 16:1, secondary text and the main series
> 4.5:1 against the card) and the picture looks the same when downloaded, printed or put in
a README. The border keeps the card's edge visible on Slack's white; on the dark theme the
card stands out like any chart image. Series colours come from the Okabe-Ito palette, so
they stay distinguishable with the common colour-vision deficiencies, and lines differ by
style (solid, dashed, dotted) as well as by colour.

Rendering is matplotlib's object API on the Agg canvas only: no pyplot (global state), no GUI
backend, no change to `matplotlib.rcParams`, so charts can be drawn on several threads at once.
A figure is built once per chart kind and reused (`Card`, `Pool`): each chart rewrites its
texts, data and limits, and places the plot area from a few measured widths rather than with
a layout engine, which would measure every artist on every draw. The font list is worked out
once per process (`font_families`), and each card creates its texts, and so their fonts, once.
Fonts are matplotlib's bundled DejaVu Sans, then the Noto Sans CJK SC subset shipped in
`charts/fonts/` (OFL, so Chinese team, rep and stage names draw on a fresh install), then any
other CJK font the machine has. DejaVu Sans comes first so Latin text keeps its look; the
others only draw the characters it lacks. Nothing is downloaded.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from sales.money import SYMBOLS
from translations import CHINESE, ENGLISH, Language, marked

# 8 x 4.67 inches at 150 dpi = 1200 x 700 px. The higher dpi (rather than 12 x 7 at 100)
# makes text and lines larger relative to the picture, so they stay legible when Slack
# scales the image down to fit a message.
WIDTH_IN = 8.0
HEIGHT_IN = 4.6667
DPI = 150

CARD = "#F7F8FA"  # figure background
PLOT = "#FFFFFF"  # plot area
BORDER = "#CDD2D9"
GRID = "#E4E7EB"
TEXT = "#1D1C1D"  # Slack's own text colour
MUTED = "#4F5660"  # secondary text: 7:1 on the card
FAINT = "#EEF0F3"  # non-working-day bands

ACTUAL = "#0072B2"  # Okabe-Ito blue
PATH = "#5F6B7A"  # pro-rated path: neutral, dashed
TARGET = "#D55E00"  # Okabe-Ito vermillion
TARGET_TEXT = "#A84300"  # the same, darker, for its label (6:1 on white)
TODAY = "#8A94A3"
FUNNEL_TOP = "#0B4F8A"
FUNNEL_BOTTOM = "#2677BA"  # white counts stay above 4.5:1 on every shade

FONT = "DejaVu Sans"
BUNDLED_CJK_FONT = Path(__file__).parent / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
BUNDLED_CJK_FAMILY = "Noto Sans CJK SC"
_BOLD = 700
# matplotlib falls back glyph by glyph from DejaVu Sans to these, in this order; the bundled
# one is always there, the others only when installed (e.g. for Japanese kana).
_CJK_FONTS = (
    BUNDLED_CJK_FAMILY,
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
)

TITLE_SIZE = 14.0
SUBTITLE_SIZE = 9.5
LABEL_SIZE = 9.5
TICK_SIZE = 8.5
NOTE_SIZE = 9.0
TICK_LENGTH = 3.0  # points
# Share of the picture's width a title may take (the plot area starts after the y labels).
TITLE_ROOM = 0.8
# Pixels between the card's edge and what is drawn on it, and from the top edge to the plot
# area (room for the title and the subtitle).
MARGIN = 18
TOP_MARGIN = 87
_TITLE_PAD = 24  # points from the plot area to the title's baseline, over a subtitle
_SUBTITLE_ROOM = 14  # points the subtitle takes

# Nothing we draw should come near this; the tests hold every chart to it.
MAX_PNG_BYTES = 1_000_000
# zlib level of the PNGs: 3 encodes in about two thirds of the default's time, 10% larger.
PNG_LEVEL = 3
EN_DASH = "\N{EN DASH}"  # date ranges, and a value that cannot be shown
NO_DATA = marked("No data yet")  # English; drawn as gettext(language, NO_DATA)


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """DejaVu Sans first, then the bundled CJK font, then other known CJK fonts installed."""
    _register_bundled_font()
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return (FONT, *(name for name in _CJK_FONTS if name in installed))


def _register_bundled_font() -> None:
    """Make the bundled font known to matplotlib's font manager (once: font_families is
    cached, and a font already registered from the same file is not added again)."""
    manager = font_manager.fontManager
    if any(Path(entry.fname) == BUNDLED_CJK_FONT for entry in manager.ttflist):
        return
    manager.addfont(str(BUNDLED_CJK_FONT))
    regular = next(e for e in manager.ttflist if Path(e.fname) == BUNDLED_CJK_FONT)
    # Only the regular weight is bundled (a bold face would add 9 MB). Listing the same file
    # as bold lets bold titles use it without matplotlib logging "Failed to find font
    # weight bold" for every title size; the glyphs drawn are the same either way.
    manager.ttflist.append(dataclasses.replace(regular, weight=_BOLD))


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    """Code points that at least one of our fonts can draw."""
    points: set[int] = set()
    for family in font_families():
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        points.update(font_manager.get_font(path).get_charmap())
    return frozenset(points)


def clean(text: str, limit: int = 80) -> str:
    """`text` made safe to draw: one line, no control characters, at most `limit` characters.

    Characters none of our fonts has become "?" (rather than an empty box and a warning per
    glyph), so a team name is never silently shortened into something else.
    """
    covered = _covered()
    kept: list[str] = []
    for char in " ".join(str(text).split()):
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        kept.append(char if ord(char) in covered else "?")
    line = "".join(kept).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def text_style(**extra: Any) -> dict[str, Any]:
    """Keyword arguments for every Text we create.

    `parse_math=False` matters: a label like "$80k of $120k" would otherwise be read as
    mathtext (and can raise on odd input).
    """
    return {"fontfamily": list(font_families()), "color": TEXT, "parse_math": False, **extra}


# matplotlib finds a text's font files again (one `findfont` per family in the fallback list)
# and reads its line metrics from the font's tables every time it measures or draws the text.
# Our fonts and rcParams never change in a process, so the canvas below asks once per font
# and size. It fills in two hooks of matplotlib's Agg renderer (pinned at 3.11.2;
# tests/charts/test_reuse.py checks the pictures are the same as plain Agg's).


@lru_cache(maxsize=256)
def _font_paths(prop: font_manager.FontProperties) -> tuple[Any, ...]:
    """The font files for `prop`: DejaVu Sans, then its fallbacks."""
    return tuple(font_manager.fontManager._find_fonts_by_props(prop))


@lru_cache(maxsize=256)
def _line_metrics(prop: font_manager.FontProperties, dpi: float) -> tuple[float, float, float]:
    """Ascent, descent and line gap of `prop`'s first font in pixels, as `Text` works them
    out from the OS/2 table."""
    font = font_manager.get_font(_font_paths(prop))
    table = font.get_sfnt_table("OS/2")
    scale = prop.get_size_in_points() * dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
    return (
        table["sTypoAscender"] * scale,
        -table["sTypoDescender"] * scale,
        table["sTypoLineGap"] * scale,
    )


class _Renderer(RendererAgg):
    """Agg, with font files and line metrics looked up once per font and size."""

    # A text's FontProperties change when its size or weight is set: the caches keep a copy.

    def _prepare_font(self, font_prop: Any) -> Any:
        font = font_manager.get_font(_font_paths(font_prop.copy()))
        font.clear()
        font.set_size(font_prop.get_size_in_points(), self.dpi)
        return font

    def _get_font_height_metrics(self, prop: Any) -> tuple[float, float, float]:
        return _line_metrics(prop.copy(), self.dpi)


class _Canvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with `_Renderer` (kept while the size stays the same)."""

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _Renderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def new_figure() -> tuple[Figure, FigureCanvasAgg]:
    """A blank card on its own Agg canvas. No layout engine: each chart places its axes
    itself (`Card.place`), from a few measured widths, instead of matplotlib measuring every
    artist on every draw."""
    fig = Figure(
        figsize=(WIDTH_IN, HEIGHT_IN),
        dpi=DPI,
        facecolor=CARD,
        edgecolor=BORDER,
        linewidth=1.5,
        layout="none",
    )
    return fig, _Canvas(fig)


def style_axes(fig: Figure) -> Any:
    ax = fig.add_subplot()
    ax.set_facecolor(PLOT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(BORDER)
    ax.tick_params(
        colors=MUTED,
        labelcolor=MUTED,
        labelsize=TICK_SIZE,
        labelfontfamily=list(font_families()),
        length=TICK_LENGTH,
    )
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return ax


def plain_axes(ax: Any) -> None:
    """No ticks, grid or spines, on the card's colour: for pictures that are not plots."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_facecolor(CARD)
    for spine in ax.spines.values():
        spine.set_visible(False)


def join_title(name: str, period: str) -> str:
    return f"{name} — {period}" if name and period else name or period


def show(text: Text, value: str) -> None:
    text.set_text(value)
    text.set_visible(True)


def hide(text: Text) -> None:
    """Out of the picture, and empty, so nothing reads a previous chart's words from it."""
    text.set_text("")
    text.set_visible(False)


class Card:
    """A figure with one axes, its title and subtitle, drawn again for each chart.

    Building a figure (axes, ticks, texts and their fonts) costs more than drawing it, so a
    chart kind keeps its cards (`Pool`) and each chart only rewrites texts, data and limits.
    Whatever a chart may leave out (a marker, a legend entry, a row) it sets or hides every
    time, so no chart shows anything of the one drawn before it.
    """

    def __init__(self) -> None:
        self.figure, self.canvas = new_figure()
        self.renderer = self.canvas.get_renderer()
        self.ax = style_axes(self.figure)
        self.subtitle = self.ax.annotate(
            "",
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 7),
            textcoords="offset points",
            ha="left",
            va="bottom",
            **text_style(fontsize=SUBTITLE_SIZE, color=MUTED),
        )
        # One probe, never drawn, measures strings in the tick labels' font.
        self._probe = Text(0, 0, "", **text_style(fontsize=TICK_SIZE))
        self._probe.set_figure(self.figure)

    def width_of(self, text: Text) -> float:
        """`text`'s width in pixels (matplotlib remembers the measurement per string)."""
        return float(text.get_window_extent(self.renderer).width)

    def tick_width(self, label: str) -> float:
        self._probe.set_text(label)
        return self.width_of(self._probe)

    def place(self, left: float, bottom: float, right: float, top: float) -> None:
        """The axes' frame, from its margins in pixels."""
        width, height = self.figure.bbox.width, self.figure.bbox.height
        self.ax.set_position(
            (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
        )

    def set_titles(self, name: str, period: str, subtitle: str, room: float | None = None) -> None:
        """Bold left-aligned "name — period" title (read back with `ax.get_title(loc="left")`)
        and a muted subtitle, each at most `room` pixels wide (by default TITLE_ROOM of the
        picture). A name too long is shortened with "…"; the period is always kept whole.
        """
        room = self.figure.bbox.width * TITLE_ROOM if room is None else room
        # An explicit y keeps matplotlib from working out the title's height on every draw.
        title = self.ax.set_title(
            join_title(name, period),
            loc="left",
            pad=_TITLE_PAD if subtitle else _TITLE_PAD - _SUBTITLE_ROOM,
            y=1.0,
            **text_style(fontsize=TITLE_SIZE, fontweight="bold"),
        )
        shortened = name
        while shortened and self.width_of(title) > room:
            shortened = shortened[:-2].rstrip()
            title.set_text(join_title(shortened + "…" if shortened else "", period))
        if not subtitle:
            hide(self.subtitle)
            return
        show(self.subtitle, subtitle)
        text = subtitle
        while text and self.width_of(self.subtitle) > room:
            text = text[:-2].rstrip()
            self.subtitle.set_text(text + "…")

    def png(self, title: str) -> bytes:
        return to_png(self.figure, title)


class EmptyCard(Card):
    """The picture of a chart with nothing to show: its titles and a message, no axes."""

    def __init__(self) -> None:
        super().__init__()
        plain_axes(self.ax)
        self.message = self.ax.text(
            0.5,
            0.5,
            "",
            transform=self.ax.transAxes,
            ha="center",
            va="center",
            **text_style(fontsize=18, color=MUTED),
        )

    def draw(self, name: str, period: str, subtitle: str, message: str) -> Figure:
        # Without a subtitle the title sits lower over the plot area: lift the area as much.
        top = TOP_MARGIN if subtitle else TOP_MARGIN - _SUBTITLE_ROOM * DPI / 72
        self.place(MARGIN, MARGIN, MARGIN, top)
        self.set_titles(name, period, subtitle)
        show(self.message, message)
        return self.figure


CardT = TypeVar("CardT", bound=Card)


class Pool(Generic[CardT]):
    """The cards of one chart kind in this process, each used by one thread at a time.

    A thread takes a card (or builds one when all are in use), draws and encodes its chart,
    and gives the card back; at most `keep` are kept (a card is about 4 MB, and more charts at
    once than cores gain nothing). A card whose drawing failed is dropped,
    since it may be half updated. A forked child starts with none (a card in use by another
    thread at the fork would never come back).
    """

    def __init__(self, build: Callable[[], CardT], keep: int = 2) -> None:
        self._build = build
        self._keep = keep
        self._free: list[CardT] = []
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    @contextmanager
    def card(self) -> Iterator[CardT]:
        with self._lock:
            card = self._free.pop() if self._free else None
        if card is None:
            card = self._build()
        yield card  # not given back if the drawing raised
        with self._lock:
            if len(self._free) < self._keep:
                self._free.append(card)

    def _forget(self) -> None:
        self._lock = threading.Lock()
        self._free = []


EMPTY_CARDS = Pool(EmptyCard)


def empty_png(name: str, period: str, subtitle: str, message: str) -> bytes:
    with EMPTY_CARDS.card() as card:
        card.draw(name, period, subtitle, message)
        return card.png(join_title(name, period))


def to_png(fig: Figure, title: str) -> bytes:
    """The figure as PNG bytes; `title` also goes into the PNG's own Title text chunk, so
    whoever receives the file can tell which chart it is without looking.

    One draw lays the figure out and renders it, then the pixels are encoded: `savefig`
    would draw twice (once to lay out, once to render). The card is opaque, so the PNG is
    RGB (no alpha channel to compress), at a quicker compression level; about 90 KB."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    pixels = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    info = PngInfo()
    info.add_text("Title", title)
    info.add_text("Software", "salesbot charts (matplotlib)")
    buffer = io.BytesIO()
    pixels.convert("RGB").save(
        buffer, format="png", pnginfo=info, dpi=(fig.dpi, fig.dpi), compress_level=PNG_LEVEL
    )
    return buffer.getvalue()


# ---------------------------------------------------------------------- numbers and units

# Each language groups large numbers its own way: thousands in English (120k, 1.5M),
# ten-thousands in Chinese (12万, 1.2亿, 3万亿).
_SUFFIXES: dict[Language, tuple[str, ...]] = {
    ENGLISH: ("", "k", "M", "B", "T"),
    CHINESE: ("", "万", "亿", "万亿"),
}
_BASES: dict[Language, int] = {ENGLISH: 1000, CHINESE: 10_000}


def compact(value: float, decimals: int = 1, language: Language = ENGLISH) -> str:
    """`950`, `1.2k`, `84k`, `120k`, `1.5M`, `2B` in English; `9,500`, `1.2万`, `12万`,
    `1.5亿` in Chinese: large numbers shown the short way of the reader's language."""
    if not math.isfinite(value):
        return EN_DASH
    suffixes, base = _SUFFIXES[language], _BASES[language]
    size = abs(value)
    power = 0
    while True:
        scaled = size / base**power
        places = decimals if scaled < 100 else 0
        text = f"{scaled:.{places}f}"
        # Decide on the rounded text, so 999.96k becomes 1M rather than 1000k.
        if float(text) < base or power == len(suffixes) - 1:
            break
        power += 1
    sign = "-" if value < 0 else ""
    if float(text) >= base:  # past the largest unit: nothing short is honest any more
        return f"{sign}{size:.1e}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "0":
        return "0"
    if power == 0 and float(text) >= 1000:
        text = f"{float(text):,.0f}"  # below 万, Chinese shows the number: 9,500
    return f"{sign}{text}{suffixes[power]}"


@dataclass(frozen=True)
class Unit:
    """How values of one unit are written: `$120k`, `CHF 120k`, `37 visits`."""

    prefix: str  # "$", "CHF " or ""
    word: str  # "visits" or "" for money
    code: str  # shown in the axis label: "USD", "$", "visits"
    language: Language = ENGLISH  # whose short forms: $120k, ¥12万

    @property
    def is_money(self) -> bool:
        return not self.word

    def __call__(self, value: float, decimals: int = 1) -> str:
        if self.word and math.isfinite(value) and abs(value) < 10_000:
            # Counts stay exact while short: "1,480 visits", not "1.5k visits".
            number = f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"
        else:
            number = compact(value, decimals, self.language)
        if number.startswith("-"):
            return f"-{self.prefix}{number[1:]}"
        return f"{self.prefix}{number}"

    def with_word(self, value: float, decimals: int = 1) -> str:
        """`37 visits` for counts, `$37k` for money."""
        return f"{self(value, decimals)} {self.word}" if self.word else self(value, decimals)


def unit_of(unit: str, language: Language = ENGLISH) -> Unit:
    """ "$"/"€" (a symbol), "USD"/"CHF" (a currency code) or a word such as "visits",
    written for a reader of `language`."""
    text = clean(unit, 20)
    code = text.upper()
    if code in SYMBOLS:
        return Unit(prefix=SYMBOLS[code], word="", code=code, language=language)
    if len(text) == 3 and text.isalpha() and text.isupper():
        return Unit(prefix=f"{text} ", word="", code=text, language=language)
    if text and not any(char.isalnum() for char in text):
        return Unit(prefix=text, word="", code=text, language=language)
    return Unit(prefix="", word=text, code=text, language=language)


def finite(values: Iterable[float]) -> list[float]:
    return [value for value in values if math.isfinite(value)]

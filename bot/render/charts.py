"""Charts as PNG bytes (matplotlib, Agg), made to be read on a phone without zooming.

The rule: a chart is one panel, 800 px wide, read on a phone 390 CSS px wide. The figure
is PHONE_WIDTH_IN = 390/96 inches wide and drawn at 800/PHONE_WIDTH_IN ≈ 197 dpi, so that
shown 390 px wide (a scale of 0.49) a point in the figure is a point on the phone's
screen: text set in MIN_PT = 12 pt or more reads at 12 pt (16 CSS px), the size of a
message's own text. Every chart starts with its title and one headline figure in large
type ("71%  ↓15 so với tuần trước"); labels sit above their bars, across the whole width,
not in a narrow margin beside them.

Colours are the emoji the messages use: 🟢 Tốt, 🟡 Đạt, 🔴 Chưa đạt, ⚪ not self-assessed,
⏸ absent with a reason. Labels keep their Vietnamese diacritics: DejaVu Sans, which
matplotlib ships, covers them (and ↑ ↓ →).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

FONT = "DejaVu Sans"

PHONE_CSS_PX = 390  # the width of the phone's screen in CSS pixels (an iPhone 12–15)
WIDTH_PX = 800  # the PNG's width
PHONE_WIDTH_IN = PHONE_CSS_PX / 96  # CSS inches: 96 px each
DPI = WIDTH_PX / PHONE_WIDTH_IN  # ≈ 196.9: one point in the figure is one point on the phone
MIN_PT = 12  # no text smaller than this, as the phone shows it
# Telegram keeps a photo's 800 px width when its longer side is at most 1280 px (the size
# clients show in the chat); a taller one is scaled down, and its text with it.
MAX_HEIGHT_PX = 1280

TITLE_PT = 14
HEADLINE_PT = 34
NOTE_PT = 15
LABEL_PT = 13
SMALL_PT = MIN_PT

PAD_IN = 0.14  # the figure's side margins
INK = "#1f1f1f"
MUTED = "#555555"

# The emoji's own colours (Twemoji, as Telegram's emoji look): 🟢 🟡 🔴 ⚪ ⏸.
GOOD = "#78B159"  # 🟢 Tốt
MET = "#FDCB58"  # 🟡 Đạt
NOT_MET = "#DD2E44"  # 🔴 Chưa đạt
NOT_DONE = "#E6E7E8"  # ⚪ not self-assessed
ABSENT = "#88C9F9"  # ⏸ absent with a reason
EMOJI_COLOURS = {"🟢": GOOD, "🟡": MET, "🔴": NOT_MET, "⚪": NOT_DONE, "⏸": ABSENT}
# Heat-map cells: 0 not self-assessed, 1 absent with a reason, 2 not met, 3 met, 4 good.
COLORS = (NOT_DONE, ABSENT, NOT_MET, MET, GOOD)
BAR = "#3B88C3"  # participation (a neutral blue, apart from the three levels)
TRACK = "#EEEEEE"


def _pyplot() -> Any:
    """matplotlib on first use only: it costs the bot ~40 MB and a second at start."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.family"] = FONT
    return plt


_MEASURING = threading.Lock()


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, DPI)


@lru_cache(maxsize=4096)
def text_width_in(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` is drawn, in inches (remembered: wrapping measures the same words
    again and again, and the digests draw the same labels for every leader)."""
    from matplotlib.font_manager import FontProperties

    props = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    with _MEASURING:  # charts are drawn in worker threads; the renderer's font is shared
        width, _h, _d = _renderer().get_text_width_height_descent(text, props, ismath=False)
    return width / DPI


def wrap(text: str, size: float, width_in: float, max_lines: int = 3, bold: bool = False) -> list[str]:
    """`text` in lines that fit `width_in` at `size` points (the last one cut with "…")."""
    words = text.split()
    if not words:
        return [""]
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if not line or text_width_in(candidate, size, bold) <= width_in:
            line = candidate
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    out = []
    for one in lines:  # a single word longer than the width: cut it
        while text_width_in(one, size, bold) > width_in and len(one) > 2:
            one = one[:-2] + "…"
        out.append(one)
    return out


def fit_middle(text: str, size: float, width_in: float) -> str:
    """`text` on one line of `width_in`: when too long, its first word(s) and as many of its
    last words as fit around "…" ("Sở Nông nghiệp … thành phố Hồ Chí Minh"): the end of a
    unit's name is what tells it apart."""
    if text_width_in(text, size) <= width_in:
        return text
    words = text.split()
    head, tail = words[:1], list[str]()
    rest = words[1:]
    while rest and text_width_in(" ".join([*head, "…", rest[-1], *tail]), size) <= width_in:
        tail.insert(0, rest.pop())
    while rest and text_width_in(" ".join([*head, rest[0], "…", *tail]), size) <= width_in:
        head.append(rest.pop(0))
    return " ".join([*head, "…", *tail]) if rest else " ".join([*head, *tail])


def line_in(size: float) -> float:
    """The height of a line of text at `size` points, in inches."""
    return size * 1.25 / 72


class _Header:
    """The title (up to 3 lines), the headline figure with its note beside it (or below,
    when it does not fit) and the caption saying what the figure is; its height in inches."""

    def __init__(self, title: str, headline: str, headline_note: str, caption: str) -> None:
        width = PHONE_WIDTH_IN - 2 * PAD_IN
        self.title_lines = wrap(title, TITLE_PT, width, max_lines=3, bold=True)
        self.headline, self.note = headline, headline_note
        self.head_w = text_width_in(headline, HEADLINE_PT, bold=True) if headline else 0.0
        self.note_beside = bool(headline) and self.head_w + 0.12 + text_width_in(headline_note, NOTE_PT) <= width
        self.note_lines = [] if self.note_beside or not headline_note else wrap(headline_note, NOTE_PT, width, 2)
        self.caption_lines = wrap(caption, LABEL_PT, width, 2) if caption else []
        height = 0.12 + len(self.title_lines) * line_in(TITLE_PT)
        if headline:
            height += line_in(HEADLINE_PT) + 0.02
        self.height = (
            height + len(self.note_lines) * line_in(NOTE_PT) + len(self.caption_lines) * line_in(LABEL_PT) + 0.16
        )


BOTTOM_IN = 0.12
MAX_HEIGHT_IN = MAX_HEIGHT_PX / DPI


class _Canvas:
    """A figure PHONE_WIDTH_IN wide, laid out from the top in inches: the header, then the
    body drawn in one axes whose data units are inches (x from the left margin, y
    downwards from the body's top)."""

    def __init__(
        self,
        title: str,
        headline: str,
        headline_note: str,
        body_h: float,
        caption: str = "",
        header: _Header | None = None,
    ) -> None:
        self.plt = _pyplot()
        self.width = PHONE_WIDTH_IN - 2 * PAD_IN
        self.header = header or _Header(title, headline, headline_note, caption)
        self.height = self.header.height + body_h + BOTTOM_IN
        self.fig = self.plt.figure(figsize=(PHONE_WIDTH_IN, self.height), dpi=DPI)
        self.fig.patch.set_facecolor("white")
        self._draw_header()
        bottom = BOTTOM_IN / self.height
        self.ax = self.fig.add_axes(
            (PAD_IN / PHONE_WIDTH_IN, bottom, self.width / PHONE_WIDTH_IN, body_h / self.height)
        )
        self.ax.set_xlim(0, self.width)
        self.ax.set_ylim(body_h, 0)
        self.ax.axis("off")

    def _at(self, x_in: float, from_top_in: float) -> tuple[float, float]:
        return x_in / PHONE_WIDTH_IN, 1 - from_top_in / self.height

    def _draw_header(self) -> None:
        h = self.header
        y = 0.12
        for line in h.title_lines:
            y += line_in(TITLE_PT)
            self.fig.text(*self._at(PAD_IN, y - 0.06), line, fontsize=TITLE_PT, fontweight="bold", color=INK)
        if h.headline:
            y += line_in(HEADLINE_PT)
            base = y - 0.1
            self.fig.text(*self._at(PAD_IN, base), h.headline, fontsize=HEADLINE_PT, fontweight="bold", color=INK)
            if h.note_beside and h.note:
                self.fig.text(*self._at(PAD_IN + h.head_w + 0.12, base), h.note, fontsize=NOTE_PT, color=INK)
        for line in h.note_lines:
            y += line_in(NOTE_PT)
            self.fig.text(*self._at(PAD_IN, y - 0.05), line, fontsize=NOTE_PT, color=INK)
        for line in h.caption_lines:  # what the headline figure is
            y += line_in(LABEL_PT)
            self.fig.text(*self._at(PAD_IN, y - 0.05), line, fontsize=LABEL_PT, color=MUTED)

    def text(self, x: float, y: float, s: str, size: float = LABEL_PT, **kw: Any) -> Any:
        kw.setdefault("color", INK)
        kw.setdefault("va", "top")
        return self.ax.text(x, y, s, fontsize=size, **kw)

    def box(self, x: float, y: float, w: float, h: float, color: str) -> None:
        from matplotlib.patches import Rectangle

        self.ax.add_patch(Rectangle((x, y), w, h, facecolor=color, edgecolor="none"))

    def png(self) -> bytes:
        try:
            return _png(self.fig)
        finally:
            self.plt.close(self.fig)


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _legend_height(labels: Sequence[str], width: float) -> float:
    return _legend_rows(labels, width) * (line_in(SMALL_PT) + 0.06) + 0.08


def _legend_rows(labels: Sequence[str], width: float) -> int:
    rows, x = 1, 0.0
    for label in labels:
        w = 0.22 + text_width_in(label, SMALL_PT) + 0.18
        if x and x + w > width:
            rows, x = rows + 1, 0.0
        x += w
    return rows


def _legend(c: _Canvas, y: float, colours: Sequence[str], labels: Sequence[str]) -> float:
    """Colour squares and their labels, in as many rows as they need; returns the y below."""
    x, step = 0.0, line_in(SMALL_PT) + 0.06
    for colour, label in zip(colours, labels, strict=True):
        w = 0.22 + text_width_in(label, SMALL_PT) + 0.18
        if x and x + w > c.width:
            x, y = 0.0, y + step
        c.box(x, y + 0.03, 0.15, 0.15, colour)
        c.text(x + 0.21, y, label, SMALL_PT)
        x += w
    return y + step + 0.08


def _note_body(c: _Canvas, y: float, note: str) -> None:
    for n, line in enumerate(wrap(note.replace("\n", " "), LABEL_PT, c.width, 4)):
        c.text(0, y + n * line_in(LABEL_PT), line, LABEL_PT, color=MUTED)


# -- the panels -----------------------------------------------------------------------------

BAR_H = 0.2
ROW_GAP = 0.1


def label_lines(header: _Header, labels: Sequence[str], per_row: float, fixed: float) -> int:
    """2 lines for each row's label, or 1 (cut with "…") when 2 would make the chart
    taller than MAX_HEIGHT_PX."""
    width = PHONE_WIDTH_IN - 2 * PAD_IN
    rows = sum(len(wrap(label, LABEL_PT, width, 2)) * line_in(LABEL_PT) + per_row for label in labels)
    return 2 if header.height + fixed + rows + BOTTOM_IN <= MAX_HEIGHT_IN else 1


def _criteria_body_h(criteria: Sequence[str], share_labels: Sequence[str], width: float, lines: int = 2) -> float:
    rows = sum(len(wrap(label, LABEL_PT, width, lines)) * line_in(LABEL_PT) + BAR_H + ROW_GAP for label in criteria)
    return _legend_height(share_labels, width) + rows


def _criteria_panel(
    c: _Canvas,
    criteria: Sequence[str],
    shares: Sequence[tuple[float, float, float]],
    share_labels: Sequence[str],
    lines: int = 2,
) -> None:
    """Per criterion group, its label above one bar: 🟢 Tốt, 🟡 Đạt, 🔴 Chưa đạt in %, stacked."""
    y = _legend(c, 0.0, (GOOD, MET, NOT_MET), share_labels)
    for label, share in zip(criteria, shares, strict=True):
        for line in wrap(label, LABEL_PT, c.width, lines):
            c.text(0, y, line)
            y += line_in(LABEL_PT)
        x = 0.0
        total = sum(share) or 1.0
        for value, colour in zip(share, (GOOD, MET, NOT_MET), strict=True):
            w = c.width * value / max(total, 100.0)
            if w > 0:
                c.box(x, y, w, BAR_H, colour)
                pct = f"{value:.0f}%"
                if text_width_in(pct, SMALL_PT, bold=True) + 0.06 <= w:
                    c.text(x + w / 2, y + BAR_H / 2, pct, SMALL_PT, ha="center", va="center", fontweight="bold")
            x += w
        y += BAR_H + ROW_GAP


def _trend_panel(c: _Canvas, weeks: Sequence[str], rates: Sequence[float], y0: float = 0.0) -> None:
    """Participation week by week (the headline's caption says of what): one bar each, its
    % above it, every date that fits below, the latest week darker."""
    top = y0 + 0.08 + line_in(SMALL_PT)
    plot_h = TREND_PLOT_H
    n = max(len(weeks), 1)
    slot = c.width / n
    bar_w = slot * 0.7
    date_w = max((text_width_in(w, SMALL_PT) for w in weeks), default=0.0) + 0.1
    every = max(1, math.ceil(date_w / slot))
    c.box(0, top + plot_h, c.width, 0.01, MUTED)
    for i, (week, rate) in enumerate(zip(weeks, rates, strict=True)):
        x = i * slot + (slot - bar_w) / 2
        h = plot_h * max(0.0, min(rate, 100.0)) / 100
        last = i == len(weeks) - 1
        c.box(x, top + plot_h - h, bar_w, h, BAR if last else "#9DC3E0")
        pct = f"{rate:.0f}"
        if text_width_in(pct, SMALL_PT, bold=last) <= slot:
            c.text(
                x + bar_w / 2,
                top + plot_h - h - 0.03,
                pct,
                SMALL_PT,
                ha="center",
                va="bottom",
                fontweight="bold" if last else "normal",
            )
        if (len(weeks) - 1 - i) % every == 0:  # the last week always labelled
            c.text(x + bar_w / 2, top + plot_h + 0.05, week, SMALL_PT, ha="center", color=MUTED)


TREND_PLOT_H = 1.5


def _trend_body_h() -> float:
    return 0.08 + line_in(SMALL_PT) + TREND_PLOT_H + 0.05 + line_in(SMALL_PT)


def participation_and_criteria(
    *,
    title: str,
    weeks: Sequence[str],
    rates: Sequence[float],
    rate_label: str,
    criteria: Sequence[str],
    shares: Sequence[tuple[float, float, float]] | None,
    share_labels: Sequence[str],
    withheld_text: str,
    headline: str = "",
    headline_note: str = "",
) -> bytes:
    """The leader's digest: the headline (this week's participation and its change), then
    per criterion group % Tốt/Đạt/Chưa đạt. When those are withheld under the minimum
    group size, the note and participation week by week instead."""
    width = PHONE_WIDTH_IN - 2 * PAD_IN
    if shares:
        header = _Header(title, headline, headline_note, rate_label)
        lines = label_lines(header, criteria, BAR_H + ROW_GAP, _legend_height(share_labels, width))
        c = _Canvas(
            title, headline, headline_note, _criteria_body_h(criteria, share_labels, width, lines), rate_label, header
        )
        _criteria_panel(c, criteria, shares, share_labels, lines)
        return c.png()
    note_h = len(wrap(withheld_text.replace("\n", " "), LABEL_PT, width, 4)) * line_in(LABEL_PT) + 0.16
    c = _Canvas(title, headline, headline_note, note_h + _trend_body_h(), rate_label)
    _note_body(c, 0.0, withheld_text)
    _trend_panel(c, weeks, rates, y0=note_h)
    return c.png()


def unit_overview(
    *,
    title: str,
    weeks: Sequence[str],
    rates: Sequence[float],
    rate_label: str,
    headline: str = "",
    headline_note: str = "",
) -> bytes:
    """/unit: the headline (the week's participation and its change), then participation
    week by week. The criteria and the sub-units are in the card's text beside it."""
    c = _Canvas(title, headline, headline_note, _trend_body_h(), rate_label)
    _trend_panel(c, weeks, rates)
    return c.png()


PCT_W = 0.72  # room for "100%" right of the track
TRACK_ROW = 0.2
TRACK_H = 0.13
BARS_GAP = 0.07


def _bars_body_h(labels: Sequence[str], width: float, lines: int) -> float:
    return sum(len(wrap(label, LABEL_PT, width, lines)) * line_in(LABEL_PT) + TRACK_ROW + BARS_GAP for label in labels)


def sector_participation(
    *,
    title: str,
    units: Sequence[str],
    rates: Sequence[float],
    rate_label: str,
    empty: str,
    headline: str = "",
    headline_note: str = "",
) -> bytes:
    """/dashboard: the sector's rate as the headline; per unit its name across the width,
    below it a bar on a 0–100% track and its % at the right."""
    width = PHONE_WIDTH_IN - 2 * PAD_IN
    if not units:
        c = _Canvas(title, headline, headline_note, 4 * line_in(LABEL_PT), rate_label)
        _note_body(c, 0.0, empty)
        return c.png()
    header = _Header(title, headline, headline_note, rate_label)
    lines = 2  # a long name on two lines, or on one (cut) when two would make it too tall
    if header.height + _bars_body_h(units, width, 2) + BOTTOM_IN > MAX_HEIGHT_IN:
        lines = 1
    c = _Canvas(title, headline, headline_note, _bars_body_h(units, width, lines), rate_label, header)
    y = 0.0
    track = c.width - PCT_W
    for unit, rate in zip(units, rates, strict=True):
        for line in wrap(unit, LABEL_PT, c.width, lines) if lines > 1 else [fit_middle(unit, LABEL_PT, c.width)]:
            c.text(0, y, line)
            y += line_in(LABEL_PT)
        c.box(0, y + (TRACK_ROW - TRACK_H) / 2, track, TRACK_H, TRACK)
        c.box(0, y + (TRACK_ROW - TRACK_H) / 2, track * max(0.0, min(rate, 100.0)) / 100, TRACK_H, BAR)
        c.text(c.width, y + TRACK_ROW / 2, f"{rate:.0f}%", LABEL_PT, ha="right", va="center", fontweight="bold")
        y += TRACK_ROW + BARS_GAP
    return c.png()


CELL_H = 0.22


def criteria_heatmap(
    *,
    title: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    legend: Sequence[str],
    headline: str = "",
    headline_note: str = "",
) -> bytes:
    """/history: per criterion group (its label above its row) one square a week, coloured
    as the emoji: 0 not self-assessed ⚪, 1 absent with a reason ⏸, 2 not met 🔴, 3 met 🟡,
    4 good 🟢; the weeks' dates below, as many as fit."""
    width = PHONE_WIDTH_IN - 2 * PAD_IN
    header = _Header(title, headline, headline_note, "")
    fixed = _legend_height(legend, width) + 0.04 + line_in(SMALL_PT)
    lines = label_lines(header, row_labels, CELL_H + 0.08, fixed)
    rows_h = sum(len(wrap(label, LABEL_PT, width, lines)) * line_in(LABEL_PT) + CELL_H + 0.08 for label in row_labels)
    body = _legend_height(legend, width) + rows_h + 0.04 + line_in(SMALL_PT)
    c = _Canvas(title, headline, headline_note, body, header=header)
    y = _legend(c, 0.0, COLORS[::-1], legend[::-1])  # 🟢 🟡 🔴 first, as the text lists them
    n = max(len(col_labels), 1)
    slot = c.width / n
    for label, row in zip(row_labels, cells, strict=True):
        for line in wrap(label, LABEL_PT, c.width, lines):
            c.text(0, y, line)
            y += line_in(LABEL_PT)
        for i, value in enumerate(row):
            c.box(i * slot + 0.02, y, slot - 0.04, CELL_H, COLORS[value])
        y += CELL_H + 0.08
    date_w = max((text_width_in(x, SMALL_PT) for x in col_labels), default=0.0) + 0.1
    every = max(1, math.ceil(date_w / slot))
    for i, label in enumerate(col_labels):
        if (len(col_labels) - 1 - i) % every == 0:
            c.text(i * slot + slot / 2, y - 0.04, label, SMALL_PT, ha="center", color=MUTED)
    return c.png()


__all__ = [
    "COLORS",
    "DPI",
    "EMOJI_COLOURS",
    "GOOD",
    "MET",
    "MIN_PT",
    "NOT_MET",
    "WIDTH_PX",
    "criteria_heatmap",
    "participation_and_criteria",
    "sector_participation",
    "unit_overview",
]

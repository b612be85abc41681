"""Charts as PNG bytes (matplotlib, Agg). Labels keep their Vietnamese diacritics:
DejaVu Sans, which matplotlib ships, covers them."""

from __future__ import annotations

import io
from collections.abc import Sequence

from typing import Any

FONT = "DejaVu Sans"


def _pyplot() -> Any:
    """matplotlib on first use only: it costs the bot ~40 MB and a second at start."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
# Missed, skipped, not met, met, good.
COLORS = ("#e6e6e6", "#b7c7d9", "#d9534f", "#f0ad4e", "#5cb85c")


def _png(fig: Any) -> bytes:
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _participation(ax: Any, weeks: Sequence[str], rates: Sequence[float], rate_label: str) -> None:
    """Participation % week by week."""
    ax.plot(range(len(weeks)), rates, marker="o", color="#337ab7")
    ax.set_xticks(range(len(weeks)), labels=weeks, fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel(rate_label, fontsize=9)
    ax.grid(alpha=0.3)


def _criteria_shares(
    ax: Any,
    criteria: Sequence[str],
    shares: Sequence[tuple[float, float, float]] | None,
    share_labels: Sequence[str],
    withheld_text: str,
) -> None:
    """Per criterion group, % Tốt / Đạt / Chưa đạt as stacked bars, or the withheld note."""
    if not shares:
        ax.axis("off")
        ax.text(0.5, 0.5, withheld_text, ha="center", va="center", wrap=True, fontsize=10)
        return
    y = range(len(criteria))
    good = [s[0] for s in shares]
    ok = [s[1] for s in shares]
    bad = [s[2] for s in shares]
    ax.barh(y, good, color=COLORS[4], label=share_labels[0])
    ax.barh(y, ok, left=good, color=COLORS[3], label=share_labels[1])
    ax.barh(y, bad, left=[g + o for g, o in zip(good, ok, strict=True)], color=COLORS[2], label=share_labels[2])
    ax.set_yticks(list(y), labels=criteria, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)


def criteria_heatmap(
    *,
    title: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    legend: Sequence[str],
) -> bytes:
    """A grid, criterion groups × weeks. Cells: 0 missed, 1 skipped, 2 not met, 3 met, 4 good."""
    plt = _pyplot()
    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(col_labels) + 3.5), 0.45 * len(row_labels) + 2.2), dpi=110)
    try:
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        ax.imshow(cells, cmap=ListedColormap(COLORS), vmin=0, vmax=4, aspect="auto")
        ax.set_yticks(range(len(row_labels)), labels=row_labels, fontsize=9)
        ax.set_xticks(range(len(col_labels)), labels=col_labels, fontsize=8, rotation=0)
        ax.set_xticks([x - 0.5 for x in range(1, len(col_labels))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(row_labels))], minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="minor", length=0)
        ax.set_title(title, fontsize=11)
        handles = [Patch(color=c, label=l) for c, l in zip(COLORS, legend, strict=True)]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=8, frameon=False)
        return _png(fig)
    finally:
        plt.close(fig)


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
) -> bytes:
    """Left: participation % week by week. Right: per criterion group, % Tốt/Đạt/Chưa đạt
    (or a note that the figures are withheld under the minimum group size)."""
    plt = _pyplot()
    plt.rcParams["font.family"] = FONT
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=100, gridspec_kw={"width_ratios": [1, 1.3]})
    try:
        _participation(left, weeks, rates, rate_label)
        _criteria_shares(right, criteria, shares, share_labels, withheld_text)
        fig.suptitle(title, fontsize=11)
        return _png(fig)
    finally:
        plt.close(fig)


def _bars_or_note(ax, labels: Sequence[str], values: Sequence[float], note: str, color: str = "#337ab7") -> None:  # noqa: ANN001
    if not labels:
        ax.axis("off")
        ax.text(0.5, 0.5, note, ha="center", va="center", wrap=True, fontsize=10)
        return
    y = range(len(labels))
    ax.barh(y, values, color=color, height=0.6)
    ax.set_yticks(list(y), labels=labels, fontsize=8)
    ax.set_ylim(max(len(labels), 4) - 0.5, -0.5)  # the first on top; a few bars keep their width
    ax.set_xlim(0, 105)
    for yy, v in zip(y, values, strict=True):
        ax.text(min(v + 1, 92), yy, f"{v:.0f}%", va="center", fontsize=7)


def unit_overview(
    *,
    title: str,
    weeks: Sequence[str],
    rates: Sequence[float],
    rate_label: str,
    criteria: Sequence[str],
    shares: Sequence[tuple[float, float, float]] | None,
    share_labels: Sequence[str],
    withheld_text: str,
    sub_units: Sequence[str],
    sub_rates: Sequence[float],
    sub_title: str,
    no_sub_units: str,
) -> bytes:
    """/unit: participation week by week; per criterion group % Tốt/Đạt/Chưa đạt (or the
    note that they are withheld); participation of each sub-unit."""
    plt = _pyplot()
    plt.rcParams["font.family"] = FONT
    fig, (left, mid, right) = plt.subplots(
        1, 3, figsize=(15, max(4.2, 0.32 * len(sub_units) + 1.8)), dpi=100, gridspec_kw={"width_ratios": [1, 1.3, 1.1]})
    try:
        _participation(left, weeks, rates, rate_label)
        _criteria_shares(mid, criteria, shares, share_labels, withheld_text)
        right.set_title(sub_title, fontsize=9)
        _bars_or_note(right, sub_units, sub_rates, no_sub_units)
        fig.suptitle(title, fontsize=11)
        return _png(fig)
    finally:
        plt.close(fig)


def sector_participation(*, title: str, units: Sequence[str], rates: Sequence[float], rate_label: str, empty: str) -> bytes:
    """/dashboard: self-assessment participation, one bar per unit."""
    plt = _pyplot()
    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(10, max(3.0, 0.3 * len(units) + 1.5)), dpi=100)
    try:
        _bars_or_note(ax, units, rates, empty)
        if units:
            ax.set_xlabel(rate_label, fontsize=9)
            ax.grid(axis="x", alpha=0.3)
        ax.set_title(title, fontsize=11)
        return _png(fig)
    finally:
        plt.close(fig)

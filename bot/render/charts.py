"""Charts as PNG bytes (matplotlib, Agg). Labels keep their Vietnamese diacritics:
DejaVu Sans, which matplotlib ships, covers them."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

FONT = "DejaVu Sans"
# Missed, skipped, not met, met, good.
COLORS = ("#e6e6e6", "#b7c7d9", "#d9534f", "#f0ad4e", "#5cb85c")


def criteria_heatmap(
    *,
    title: str,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    legend: Sequence[str],
) -> bytes:
    """A grid, criterion groups × weeks. Cells: 0 missed, 1 skipped, 2 not met, 3 met, 4 good."""
    plt.rcParams["font.family"] = FONT
    fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(col_labels) + 3.5), 0.45 * len(row_labels) + 2.2), dpi=110)
    try:
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
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
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
    plt.rcParams["font.family"] = FONT
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=100, gridspec_kw={"width_ratios": [1, 1.3]})
    try:
        left.plot(range(len(weeks)), rates, marker="o", color="#337ab7")
        left.set_xticks(range(len(weeks)), labels=weeks, fontsize=8)
        left.set_ylim(0, 105)
        left.set_ylabel(rate_label, fontsize=9)
        left.grid(alpha=0.3)
        if shares:
            y = range(len(criteria))
            good = [s[0] for s in shares]
            ok = [s[1] for s in shares]
            bad = [s[2] for s in shares]
            right.barh(y, good, color=COLORS[4], label=share_labels[0])
            right.barh(y, ok, left=good, color=COLORS[3], label=share_labels[1])
            right.barh(y, bad, left=[g + o for g, o in zip(good, ok, strict=True)], color=COLORS[2], label=share_labels[2])
            right.set_yticks(list(y), labels=criteria, fontsize=8)
            right.invert_yaxis()
            right.set_xlim(0, 100)
            right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)
        else:
            right.axis("off")
            right.text(0.5, 0.5, withheld_text, ha="center", va="center", wrap=True, fontsize=10)
        fig.suptitle(title, fontsize=11)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)

"""Charts a person reads on a phone 390 px wide without zooming.

The rule checked (bot/render/charts.py): a chart is one panel, its PNG 800 px wide. Telegram
shows it at most 390 CSS px wide on such a phone, a scale of 390/800 ≈ 0.49; the figure is
drawn 390/96 inches wide at 800/(390/96) ≈ 197 dpi, so that a point in the figure is a point
on the screen. Every text is at least 12 pt in the figure, hence at least 12 pt (16 CSS px,
a message's own size) as the phone shows it: at least 12 × 197/72 ≈ 33 px in the PNG. And
no chart is taller than 1280 px: Telegram shows a photo's version whose longer side is at
most 1280 px, so a taller one would be scaled down, its text with it.

Each chart is kept in test-artifacts/charts/ for a person to look at.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from PIL import Image

from bot.render import charts
from tests.conftest import ARTIFACTS

PHONE = 390
OUT = ARTIFACTS / "charts"

CRITERIA = [
    "a) Kỷ cương, kỷ luật hành chính",
    "b) Tác phong, lề lối làm việc",
    "c) Giao tiếp, ứng xử với nhân dân",
    "d) Trang phục, đeo thẻ công chức",
    "đ) Bài trí công sở",
    "e) Phòng, chống tham nhũng, lãng phí",
    "f) Học tập, rèn luyện, nâng cao trình độ chuyên môn, nghiệp vụ",
]
WEEKS = ["05/10", "12/10", "19/10", "26/10", "02/11", "09/11", "16/11", "23/11"]
TITLE = "Sở Tài nguyên và Môi trường thành phố Hà Nội: tuần 48 (23/11–29/11/2026)"


class Drawn:
    """What a chart function drew: its figure's texts and patches, and the PNG."""

    def __init__(self, fig, png: bytes) -> None:  # noqa: ANN001
        from matplotlib.patches import Rectangle
        from matplotlib.text import Text

        self.png = png
        self.texts = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
        self.colours = {
            to_hex(p.get_facecolor()).upper()
            for p in fig.findobj(Rectangle)
            if p.get_visible() and p is not fig.patch and p.axes is not None
        }
        self.axes = [ax for ax in fig.axes if ax.get_visible()]

    @property
    def text(self) -> str:
        return "\n".join(t for t, _s in self.texts)


@pytest.fixture
def draw(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Drawn]:
    def run(name: str, fn: Callable[..., bytes], **kw: object) -> Drawn:
        seen = []
        original = charts._png

        def keep(fig):  # noqa: ANN001, ANN202
            seen.append(fig)
            return original(fig)

        monkeypatch.setattr(charts, "_png", keep)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a glyph missing from the font fails the test
            png = fn(**kw)
        [fig] = seen
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{name}.png").write_bytes(png)
        return Drawn(fig, png)

    return run


def assert_readable_on_a_phone(d: Drawn) -> None:
    image = Image.open(io.BytesIO(d.png))
    width, height = image.size
    assert width == charts.WIDTH_PX == 800
    assert height <= charts.MAX_HEIGHT_PX == 1280, "Telegram would show it scaled down, its text smaller"
    assert len(d.axes) == 1, "one panel per image"
    scale = PHONE / width
    # 12 pt on the phone: the figure's points times the image's px/pt, times the scale.
    px_per_pt = charts.DPI / 72
    smallest = min(size for _t, size in d.texts)
    assert smallest >= 12, d.texts
    assert smallest * px_per_pt * scale >= 12 * 96 / 72 - 0.01, "at least 12 pt (16 CSS px) on the phone's screen"


def pixels(png: bytes) -> set[str]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {"#{:02X}{:02X}{:02X}".format(*rgb) for _n, rgb in image.getcolors(maxcolors=1 << 20)}


def test_the_palette_is_the_emojis() -> None:
    assert charts.EMOJI_COLOURS["🟢"] == charts.GOOD == "#78B159"
    assert charts.EMOJI_COLOURS["🟡"] == charts.MET == "#FDCB58"
    assert charts.EMOJI_COLOURS["🔴"] == charts.NOT_MET == "#DD2E44"
    assert charts.COLORS[2:] == (charts.NOT_MET, charts.MET, charts.GOOD)


def test_leaders_digest_chart(draw) -> None:  # noqa: ANN001
    d = draw(
        "digest",
        charts.participation_and_criteria,
        title=TITLE,
        weeks=WEEKS,
        rates=[50, 60, 72, 80, 85, 90, 86, 71],
        rate_label="Tỷ lệ đã tự đánh giá (%)",
        criteria=CRITERIA,
        shares=[(60, 30, 10), (100, 0, 0), (20, 50, 30), (45, 45, 10), (5, 90, 5), (70, 25, 5), (33, 33, 34)],
        share_labels=["Tốt", "Đạt", "Chưa đạt"],
        withheld_text="—",
        headline="71%",
        headline_note="↓15 so với tuần trước",
    )
    assert_readable_on_a_phone(d)
    assert ("71%", charts.HEADLINE_PT) in d.texts and "↓15 so với tuần trước" in d.text
    assert charts.HEADLINE_PT >= 2 * 12, "the headline in large type"
    assert {"Tốt", "Đạt", "Chưa đạt"} <= set(d.text.split("\n"))
    assert "đ) Bài trí công sở" in d.text and "Sở Tài nguyên và Môi trường" in d.text  # diacritics intact
    assert {charts.GOOD, charts.MET, charts.NOT_MET} <= d.colours
    assert {charts.GOOD, charts.MET, charts.NOT_MET} <= pixels(d.png), "the PNG shows the emoji's colours"


def test_digest_chart_when_the_criteria_are_withheld(draw) -> None:  # noqa: ANN001
    d = draw(
        "digest-withheld",
        charts.participation_and_criteria,
        title="Phòng Tổng hợp: tuần 48 (23/11–29/11/2026)",
        weeks=WEEKS[-3:],
        rates=[100, 50, 0],
        rate_label="Tỷ lệ đã tự đánh giá (%)",
        criteria=CRITERIA,
        shares=None,
        share_labels=["Tốt", "Đạt", "Chưa đạt"],
        withheld_text="Số liệu theo tiêu chuẩn được ẩn:\ncó dưới 3 người trả lời.",
        headline="0%",
        headline_note="↓50 so với tuần trước",
    )
    assert_readable_on_a_phone(d)
    assert "Số liệu theo tiêu chuẩn được ẩn: có dưới 3 người trả lời." in " ".join(d.text.split())
    assert charts.NOT_MET not in d.colours


def test_unit_chart(draw) -> None:  # noqa: ANN001
    d = draw(
        "unit",
        charts.unit_overview,
        title=TITLE,
        weeks=WEEKS,
        rates=[50, 60, 72, 80, 85, 90, 86, 71],
        rate_label="Tỷ lệ đã tự đánh giá (%)",
        headline="71%",
        headline_note="↓15 so với tuần trước",
    )
    assert_readable_on_a_phone(d)
    assert "71%" in d.text and "↓15 so với tuần trước" in d.text and "23/11" in d.text
    assert "71" in d.text.split("\n"), "each week's rate above its bar"


def test_dashboard_chart(draw) -> None:  # noqa: ANN001
    units = [
        "Văn phòng Bộ",
        "Vụ Thi đua, Khen thưởng và Tuyên truyền",
        "Sở Nông nghiệp và Môi trường Hà Tĩnh",
        "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh",
        "Cục Quản lý đất đai",
        "Cục Biến đổi khí hậu",
        "Sở Nông nghiệp và Môi trường Điện Biên",
        "Sở Nông nghiệp và Môi trường Quảng Ngãi",
    ]
    d = draw(
        "dashboard",
        charts.sector_participation,
        title="Tự đánh giá theo đơn vị, tuần 48 (23/11–29/11/2026)",
        units=units,
        rates=[100, 92, 75, 64, 50, 33, 12, 0],
        rate_label="Tỷ lệ đã tự đánh giá trên số lượt phải làm",
        empty="—",
        headline="67%",
        headline_note="toàn ngành: 46/60 lượt",
    )
    assert_readable_on_a_phone(d)
    assert "67%" in d.text and "toàn ngành: 46/60 lượt" in d.text
    assert "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh" in " ".join(d.text.split("\n")), "long names wrap"
    assert "12%" in d.text.split("\n")


def test_history_chart(draw) -> None:  # noqa: ANN001
    weeks = ["21/09", "28/09", "05/10", "12/10", "19/10", "26/10", "02/11", "09/11", "16/11", "23/11"]
    cells = [[4, 4, 3, 1, 0, 4, 3, 2, 4, 4] for _ in CRITERIA]
    d = draw(
        "history",
        charts.criteria_heatmap,
        title="Kết quả tự đánh giá theo nhóm tiêu chuẩn, từng tuần",
        row_labels=CRITERIA,
        col_labels=weeks,
        cells=cells,
        legend=["Chưa tự đánh giá", "Vắng có lý do", "Chưa đạt", "Đạt", "Tốt"],
        headline="8/10",
        headline_note="tuần đã tự đánh giá",
    )
    assert_readable_on_a_phone(d)
    assert "8/10" in d.text and "tuần đã tự đánh giá" in d.text and "23/11" in d.text
    assert set(charts.COLORS) <= d.colours and {charts.GOOD, charts.MET, charts.NOT_MET} <= pixels(d.png)


def test_artifacts_are_kept() -> None:
    assert Path(ARTIFACTS) / "charts" == OUT


def test_dashboard_chart_of_the_eight_lowest_with_long_names(draw) -> None:  # noqa: ANN001
    """The longest names on one line each, cut in the middle: their ends tell them apart."""
    units = [f"Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh {n}" for n in range(8)]
    d = draw(
        "dashboard-lowest",
        charts.sector_participation,
        title="Tự đánh giá: 8 đơn vị có tỷ lệ thấp nhất trong 63 đơn vị, tuần 48 (23/11–29/11/2026)",
        units=units,
        rates=[3 * n for n in range(8)],
        rate_label="Tỷ lệ đã tự đánh giá trên số lượt phải làm",
        empty="—",
        headline="50%",
        headline_note="toàn ngành, 1234/5678 lượt",
    )
    assert_readable_on_a_phone(d)
    lines = d.text.split("\n")
    assert all(any(line.startswith("Sở ") and line.endswith(f"Hồ Chí Minh {n}") for line in lines) for n in range(8))


def test_fit_middle_keeps_the_end_of_a_name() -> None:
    name = "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh"
    assert charts.fit_middle(name, 13, 10.0) == name
    short = charts.fit_middle(name, 13, 2.5)
    assert short.startswith("Sở ") and "…" in short and short.endswith("Hồ Chí Minh")
    assert charts.text_width_in(short, 13) <= 2.5

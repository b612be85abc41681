"""Zalo's renderer: plain text, a numbered menu, Zalo's 2,000 characters, pictures by address."""

from __future__ import annotations

from bot.channels.zalo.render import Picture, Text, label, menu, plain, render, split
from bot.channels.zalo.types import TEXT_MAX
from bot.i18n import use_locale
from bot.views.actions import CheckinAct, CheckinAnswer, CheckinStep, LevelCode
from bot.views.screen import Button, Document, Photo, Screen, rows


def test_html_becomes_plain_text() -> None:
    text = (
        "<b>Tuần 48</b> &amp; <i>ghi chú</i> &lt;b&gt;\n"
        '<a href="https://example.org/x">xem</a> <code>K7M2</code>\n'
        "<blockquote expandable><b>a.1:</b> Đúng giờ\n<b>a.2:</b> Trang phục</blockquote>cuối"
    )
    assert plain(text) == (
        "Tuần 48 & ghi chú <b>\nxem (https://example.org/x) K7M2\na.1: Đúng giờ\na.2: Trang phục\ncuối"
    )


def test_short_menu_on_one_line_long_menu_one_a_line() -> None:
    short = [
        Button("🟢 Tốt", CheckinAnswer(w=202648, c=0, l=LevelCode.good)),
        Button("🟡 Đạt", CheckinAnswer(w=202648, c=0, l=LevelCode.ok)),
        Button("🔴 Chưa đạt", CheckinAnswer(w=202648, c=0, l=LevelCode.not_met)),
    ]
    text, actions = menu(short)
    assert text == "1 Tốt · 2 Đạt · 3 Chưa đạt"
    assert actions == tuple(b.action for b in short)
    long = [
        Button(f"☐ Điểm số {n} của tiêu chí, ghi đầy đủ", CheckinStep(w=1, a=CheckinAct.skip, r=n)) for n in range(4)
    ]
    long.append(Button("Tiếp tục ➡", CheckinStep(w=1, a=CheckinAct.items_done)))
    text, actions = menu(long)
    assert text.split("\n") == [f"{n + 1} Điểm số {n} của tiêu chí, ghi đầy đủ" for n in range(4)] + ["5 Tiếp tục"]
    assert len(actions) == 5


def test_labels_keep_the_mark_and_links_are_not_numbered() -> None:
    assert label("☑ Đúng giờ") == "☑ Đúng giờ"
    assert label("✅ Hoàn thành") == "Hoàn thành"
    assert label("↩ Quay lại") == "Quay lại"
    text, actions = menu(
        [Button("Mở", url="https://example.org"), Button("✅ Xong", CheckinStep(w=1, a=CheckinAct.finish))]
    )
    assert text == "1 Xong\nMở: https://example.org"
    assert len(actions) == 1


def test_long_texts_split_at_line_breaks() -> None:
    lines = [f"Dòng {n}: " + "x" * 90 for n in range(60)]  # about 6,000 characters
    parts = split("\n".join(lines))
    assert len(parts) == 3
    assert all(len(p) <= TEXT_MAX for p in parts)
    assert "\n".join(parts) == "\n".join(lines)  # nothing lost, every line whole
    one_line = "chữ " * 1200  # a line longer than the limit is cut at a space
    parts = split(one_line.strip())
    assert all(len(p) <= TEXT_MAX for p in parts) and " ".join(parts) == one_line.strip()


async def test_screen_with_menu_notice_and_pictures() -> None:
    screen = Screen(
        "<b>Câu hỏi</b>",
        rows(
            [Button("Một", CheckinStep(w=1, a=CheckinAct.finish)), Button("Hai", CheckinStep(w=1, a=CheckinAct.back))]
        ),
        attachments=(Photo(b"png", "chart.png", "Biểu đồ <b>xu hướng</b>"),),
        notice="Đã ghi nhận.",
    )
    published: list[tuple[bytes, str]] = []

    async def publish(data: bytes, filename: str) -> str:
        published.append((data, filename))
        return f"https://bot.example/f/{filename}"

    out = await render(screen, publish)
    assert out.messages == (
        Text("Đã ghi nhận.\n\nCâu hỏi\n\n1 Một · 2 Hai"),
        Picture("https://bot.example/f/chart.png", "Biểu đồ xu hướng"),
    )
    assert [a.a for a in out.menu] == [CheckinAct.finish, CheckinAct.back]  # type: ignore[attr-defined]
    assert published == [(b"png", "chart.png")]


async def test_without_public_url_pictures_are_named_not_sent() -> None:
    screen = Screen(
        "Lịch sử",
        attachments=(
            Photo(b"png", "h.png", "Xu hướng"),
            Photo(b"png", "x.png"),
            Document(b"d", "data.docx", "Dữ liệu"),
        ),
    )
    with use_locale("en"):
        out = await render(screen)
    assert len(out.messages) == 1 and isinstance(out.messages[0], Text)
    text = out.messages[0].text
    assert text.startswith("Lịch sử\n\n")
    assert "Xu hướng: the picture is shown on Telegram." in text
    assert "Dữ liệu: the file can be downloaded on Telegram, or ask an administrator." in text
    assert "x.png" not in text  # a picture without a caption is left out

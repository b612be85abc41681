"""Exports and the weekly digest of good examples: open what is built and read it back."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import docx
import pytest
from docx.shared import Cm

from bot.i18n import use_locale
from bot.render import docx_examples
from bot.render.csv_examples import build_examples_csv, neutralise
from bot.render.docx_examples import build_examples_docx
from bot.render.highlights import render_highlights_digest
from bot.services.examples import ExampleRow, WeeklyHighlights
from emulator.html_check import parse_html  # the emulator's Telegram HTML rules
from storage.examples import ExampleCategory, ExampleStatus, ExampleSubject
from tests.example_images import exif_of, jpeg
from tests.render.docx_checks import check_decree30, look

WHEN = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 25/11 01:30 in Hà Nội
INJECTION = "<b>Đậm</b> & <script>alert(1)</script>"


def row(n: int = 1, **kw: object) -> ExampleRow:
    base = ExampleRow(
        id=n,
        status=ExampleStatus.approved,
        category=ExampleCategory.new_model,
        subject=ExampleSubject.colleague,
        subject_name="Trần Văn Bình",
        consent_names=True,
        story="Tổ một cửa số hoá hồ sơ đất đai,\nrút ngắn thời gian giải quyết còn 3 ngày.",
        tags=("digital", "reform"),
        unit_id=1,
        unit_name="Văn phòng Sở Tài nguyên và Môi trường Hà Nội",
        submitter_name="Nguyễn Thị Lan",
        submitted_at=WHEN,
        decided_at=WHEN,
        published_at=None,
        published_url=None,
        photo_count=0,
    )
    return replace(base, **kw)


def read_csv(data: bytes) -> list[list[str]]:
    assert data[:3] == b"\xef\xbb\xbf", "Excel needs the UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_vietnamese_and_no_formulas() -> None:
    rows = [
        row(1),
        row(
            2,
            subject_name='=HYPERLINK("http://evil","bấm")',
            story="+84 912 345 678 gọi ngay",
            unit_name="@SUM(A1)",
            consent_names=True,
        ),
        row(
            3,
            story="-2+3 là kết quả\r\nvà dòng sau",
            subject=ExampleSubject.myself,
            subject_name=None,
            submitter_name="\tTab",
            consent_names=True,
        ),
        row(
            4,
            story=INJECTION + " " * 20,
            consent_names=False,
            status=ExampleStatus.published,
            published_url="https://monre.gov.vn/a",
            published_at=WHEN,
        ),
        row(5, story="  =1+1 sau khoảng trắng"),
    ]
    table = read_csv(build_examples_csv(rows, timezone="Asia/Ho_Chi_Minh"))
    header, body = table[0], table[1:]
    assert header[0] == "STT" and "Nội dung" in header[-1] and "Đơn vị" in header
    assert len(body) == 5 and all(len(r) == len(header) for r in body)
    first = dict(zip(header, body[0], strict=True))
    assert first["Nội dung"].startswith("Tổ một cửa số hoá hồ sơ đất đai,\nrút ngắn")  # one cell, two lines
    assert first["Loại"] == "Mô hình hay, cách làm mới" and first["Ngày gửi"] == "25/11/2026"
    assert first["Họ và tên"] == "Trần Văn Bình" and first["Người gửi"] == "Nguyễn Thị Lan"
    second = dict(zip(header, body[1], strict=True))
    assert second["Họ và tên"] == '\'=HYPERLINK("http://evil","bấm")'
    assert second["Nội dung"] == "'+84 912 345 678 gọi ngay" and second["Đơn vị"] == "'@SUM(A1)"
    third = dict(zip(header, body[2], strict=True))
    assert third["Nội dung"].startswith("'-2+3") and third["Người gửi"] == "'\tTab"
    fourth = dict(zip(header, body[3], strict=True))
    assert fourth["Nội dung"].startswith(INJECTION)  # text, not markup: nothing to escape in CSV
    assert "không đồng ý công bố" in fourth["Người gửi"] and "Trần Văn Bình" not in body[3]
    assert fourth["Đường dẫn bài viết"] == "https://monre.gov.vn/a" and fourth["Trạng thái"] == "đã đăng"
    assert dict(zip(header, body[4], strict=True))["Nội dung"].startswith("'  =1+1")
    for cells in body:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert neutralise("Bình thường") == "Bình thường"


def test_csv_in_english() -> None:
    with use_locale("en"):
        table = read_csv(build_examples_csv([row(1)]))
    assert table[0][:3] == ["No.", "Category", "About"]
    assert table[1][1] == "Good model, new way of working" and table[1][2] == "A colleague"


def captions(doc) -> list[str]:  # noqa: ANN001
    """The photos' captions: centred, italic, in the document's font (no Word "Caption" style)."""
    return [
        p.text
        for p in doc.paragraphs
        if p.text.startswith("Ảnh ")
        and p.alignment == 1
        and all(r.italic and r.font.name == "Times New Roman" for r in p.runs)
    ]


def test_docx_has_the_text_the_photos_and_their_captions() -> None:
    photos = [jpeg((255, 0, 0), (1600, 1200), gps=True), jpeg((0, 0, 255), (600, 1200))]
    items = [
        (row(7, story=INJECTION + "\nDòng hai: kết quả rõ ràng."), photos),
        (row(8, consent_names=False, category=ExampleCategory.advanced, submitted_at=WHEN - timedelta(days=2)), []),
        (row(9, subject=ExampleSubject.myself, subject_name=None, submitted_at=WHEN + timedelta(days=1)), []),
    ]
    data = build_examples_docx(
        items,
        title="Gương điển hình tháng 11/2026",
        subtitle="Từ 01/11/2026 đến 30/11/2026",
        generated=WHEN,
        parent_body="Bộ Nông nghiệp và Môi trường",
        issuing_body="Vụ Thi đua, Khen thưởng và Tuyên truyền",
        place="Hà Nội",
    )
    look(data, "good-examples")
    doc = check_decree30(data)  # A4, margins, Times New Roman in black, heading, page numbers from page 2
    assert doc.tables[0].cell(1, 1).paragraphs[0].text == "Hà Nội, ngày 25 tháng 11 năm 2026"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "GƯƠNG ĐIỂN HÌNH THÁNG 11/2026" and texts[1] == "Từ 01/11/2026 đến 30/11/2026"
    # In the order they happened (#8 two days before #7, #9 a day after): not newest first.
    headings = [t for t in texts if t[:2] in ("1.", "2.", "3.")]
    assert headings == [
        "1. Điển hình tiên tiến (#8)",
        "2. Mô hình hay, cách làm mới (#7)",
        "3. Mô hình hay, cách làm mới (#9)",
    ]
    assert INJECTION in texts and "Dòng hai: kết quả rõ ràng." in texts  # literal text, not markup
    assert "Đơn vị: Văn phòng Sở Tài nguyên và Môi trường Hà Nội" in texts
    # The person, without a doubled colon ("Về ai: Chính người gửi: …").
    assert "Cá nhân, tập thể: Nguyễn Thị Lan (người gửi)" in texts and "Cá nhân, tập thể: Trần Văn Bình" in texts
    assert not any(re.match(r"^[^:(]+: [^:(]+: ", t) for t in texts)  # label: value, never label: label: value
    assert captions(doc) == ["Ảnh 1/2, gương điển hình #7", "Ảnh 2/2, gương điển hình #7"]
    # Photos sized to the page: the landscape one fills the text width, the portrait one is at most 12 cm tall.
    text_width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    wide, tall = doc.inline_shapes
    assert abs(wide.width - min(text_width, Cm(12) * 1600 / 1200)) < Cm(0.05)
    assert abs(tall.height - Cm(12)) < Cm(0.05) and tall.width < text_width
    assert not any(p.style.name.startswith(("Heading", "Title", "Caption")) for p in doc.paragraphs)
    images = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 2 and all(b[:2] == b"\xff\xd8" for b in images)
    assert all(exif_of(b) == {} for b in images)  # no GPS travels into the export
    withheld_part = texts[texts.index("1. Điển hình tiên tiến (#8)") : texts.index("2. Mô hình hay, cách làm mới (#7)")]
    assert not any("Trần Văn Bình" in t or "Nguyễn Thị Lan" in t for t in withheld_part)
    assert any("không đồng ý công bố" in t for t in withheld_part)


def test_docx_stays_sendable_when_photos_are_many(monkeypatch: pytest.MonkeyPatch) -> None:
    small = jpeg((10, 200, 10))
    monkeypatch.setattr(docx_examples, "PHOTO_BUDGET", len(small) + 10)  # room for one photo only
    data = build_examples_docx([(row(1), [small, small, small])], title="T", subtitle="S", generated=WHEN)
    doc = docx.Document(io.BytesIO(data))
    assert len(doc.inline_shapes) == 1
    notes = captions(doc)
    assert len(notes) == 3 and sum("không nhúng" in n for n in notes) == 2


def digest(items: list[ExampleRow], **kw: object) -> WeeklyHighlights:
    counts: dict[ExampleCategory, int] = {}
    for r in items:
        counts[r.category] = counts.get(r.category, 0) + 1
    return WeeklyHighlights(
        week=202648, start=date(2026, 11, 23), end=date(2026, 11, 29), items=items, by_category=counts, **kw
    )  # type: ignore[arg-type]


def test_weekly_digest_lists_the_week_escaped() -> None:
    text = render_highlights_digest(
        digest(
            [
                row(1, story=INJECTION + " và nhiều việc tốt khác nữa", photo_count=3),
                row(2, status=ExampleStatus.published, category=ExampleCategory.initiative),
            ],
            submitted=5,
            pending=2,
        )
    )
    assert "tuần 48 (23/11–29/11/2026)" in text
    assert "Đã duyệt: 2 · gửi trong tuần: 5 · đang chờ xem xét: 2" in text
    assert "&lt;b&gt;Đậm&lt;/b&gt; &amp; &lt;script&gt;" in text and "<script>" not in text
    assert "(#1)" in text and "📷 3" in text and "(#2) 📰" in text
    parse_html(text)
    with use_locale("en"):
        english = render_highlights_digest(digest([row(1)], submitted=1, pending=0))
    assert "Good examples approved in week 48" in english and "Good model, new way of working" in english


def test_weekly_digest_fits_one_message_and_says_when_empty() -> None:
    many = [row(n, story="Chuyện dài " * 200) for n in range(1, 40)]
    text = render_highlights_digest(digest(many, submitted=39, pending=0))
    assert len(text) <= 4096 and "…và 29 gương điển hình khác" in text
    parse_html(text)
    empty = render_highlights_digest(digest([], submitted=0, pending=3))
    assert "Tuần này chưa có gương điển hình nào được duyệt" in empty and "/review" in empty

"""/mydata as a person meets it (issue 13, item 3): beside the JSON, a document to read,
in their language, with their data under plain headings and weeks by their dates."""

from __future__ import annotations

import json

from docx.shared import Mm

from storage.models import ConsentRecord
from tests.e2e.conftest import Harness
from tests.render.docx_checks import all_text, check_fonts, check_page, look, open_docx


async def _week_with_a_point_not_met(person) -> None:  # noqa: ANN001
    await person.send("/checkin")
    await person.press("🟢")
    await person.press("🔴")  # group b
    await person.press("☐ Chủ động phối hợp")
    await person.press("Tiếp tục ➡")
    await person.send("Báo cáo tháng nộp chậm")
    for _ in range(5):
        await person.press("🟢")
    await person.press("✅")


async def test_mydata_sends_a_readable_document_and_the_json_in_vietnamese(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    lan = h.emu.user(9101, "Lan", language_code="vi")
    await lan.send(f"/start {token}")
    await lan.press("✅ Tôi đồng ý")
    await lan.press("🇻🇳 Tiếng Việt")
    await lan.send("Nguyễn Thị Lan")
    await lan.send("Chuyên viên chính")
    await lan.press("✅ Giữ Thứ Sáu lúc 15:00")
    await _week_with_a_point_not_met(lan)

    await lan.send("/mydata")
    word, data = lan.since_last_action
    assert word.document.file_name == "du-lieu-cua-toi.docx" and "để đọc" in word.text and "/forget" in word.text
    assert data.document.file_name == "du-lieu-cua-toi.json" and "JSON" in data.text
    exported = json.loads(data.document.data)
    assert exported["profile"]["full_name"] == "Nguyễn Thị Lan" and exported["checkins"][0]["week"] == "2026-W48"

    document = open_docx(word.document.data)
    check_page(document)  # A4 and the Decree's margins
    check_fonts(document)  # Times New Roman, black, no theme fonts
    text = all_text(document)
    for heading in (
        "DỮ LIỆU CÁ NHÂN CỦA ĐỒNG CHÍ",
        "I. THÔNG TIN CÁ NHÂN",
        "II. SỰ ĐỒNG Ý VỚI THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN",
        "III. CÀI ĐẶT CỦA ĐỒNG CHÍ",
        "IV. KẾT QUẢ TỰ ĐÁNH GIÁ HẰNG TUẦN",
        "V. GƯƠNG ĐIỂN HÌNH ĐỒNG CHÍ ĐÃ GỬI",
    ):
        assert heading in text, heading
    [consent] = await h.rows(ConsentRecord)
    assert "Họ và tên: Nguyễn Thị Lan" in text and "Chức vụ: Chuyên viên chính" in text
    assert "Đơn vị: Văn phòng Bộ (VP)" in text
    assert f"Phiên bản thông báo: {consent.notice_version}" in text
    assert "Lịch tự đánh giá hằng tuần: Thứ Sáu lúc 15:00" in text
    # The week by its dates, not "2026-W48"; the point not met by its label; the note.
    assert "Tuần 23/11/2026 – 29/11/2026 — hoàn tất lúc" in text and "W48" not in text
    assert "b) Chuyên môn, nghiệp vụ" in text and "Chưa đạt" in text
    assert "Chủ động phối hợp. Ghi chú: Báo cáo tháng nộp chậm" in text
    assert "Không có." in text  # no good examples
    assert all(abs(s.page_width - Mm(210)) < Mm(0.5) for s in document.sections)
    look(word.document.data, "mydata_vi")


async def test_mydata_in_english_for_an_english_speaker(h: Harness) -> None:
    await h.register(9102, "Tom Tran", locale="en")
    tom = h.emu.user(9102, "Tom", language_code="en")
    await tom.send("/mydata")
    word, data = tom.since_last_action
    assert word.document.file_name == "my-data.docx" and data.document.file_name.endswith(".json")
    text = all_text(open_docx(word.document.data))
    for heading in (
        "YOUR PERSONAL DATA",
        "I. WHO YOU ARE",
        "II. CONSENT TO THE PERSONAL-DATA NOTICE",
        "IV. WEEKLY SELF-ASSESSMENTS",
    ):
        assert heading in text, heading
    assert "Full name: Tom Tran" in text and "No self-assessment yet." in text
    assert "Notice version: test" in text
    look(word.document.data, "mydata_en")

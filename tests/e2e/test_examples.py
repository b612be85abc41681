"""Good examples as people meet them (SPEC §3.4–3.5), over the fake Bot API: an employee
shares one, communications staff review it, the employee hears the outcome."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.services.examples import ExampleService
from emulator import TelegramEmulator
from handlers import review as review_handlers
from storage.examples import ExampleNote, ExampleNoteKind, ExamplePhoto, ExampleStatus, GoodExample
from storage.models import AuditEntry, FsmRecord, Role
from tests.e2e.conftest import Harness, start_bot, stop_bot
from tests.example_images import exif_of, gps_of, jpeg
from tests.render.docx_checks import check_decree30

STORY = "Đồng chí Bình chủ động hướng dẫn người dân nộp hồ sơ đất đai trực tuyến, giảm một nửa thời gian chờ."
INJECTION = "Tổ Một cửa <b>số hoá</b> & <script>alert('x')</script> toàn bộ hồ sơ."


async def examples(h: Harness) -> list[GoodExample]:
    async with h.sessionmaker() as s:
        return list((await s.exec(select(GoodExample).order_by(col(GoodExample.id)))).all())


async def photos_of(h: Harness, example_id: int) -> list[ExamplePhoto]:
    async with h.sessionmaker() as s:
        return await ExampleService(s, h.clock).photos(example_id)


async def share_up_to_photos(user, *, story: str = STORY) -> None:  # noqa: ANN001
    await user.send("/share")
    await user.press("Mô hình hay, cách làm mới")
    await user.press("Một đồng nghiệp")
    await user.send("Trần Văn Bình")
    await user.send(story)


async def finish_sharing(user, *, names: bool = True) -> None:  # noqa: ANN001
    await user.press("Tiếp tục")
    await user.press("✅ Có, được công bố tên" if names else "🚫 Không, không nêu tên")
    await user.press("📨 Gửi bộ phận truyền thông")


async def submit_one(
    h: Harness, telegram_id: int, name: str, *, story: str = STORY, locale: str = "vi", photos: int = 0
):  # noqa: ANN201
    await h.register(telegram_id, name, locale=locale)
    user = h.emu.user(telegram_id, name.split()[-1], language_code=locale)
    await user.send("/share")
    await user.press("🌱")
    await user.press("🙋")
    await user.send(story)
    for n in range(photos):
        await user.send_photo(jpeg((n * 50, 80, 120)))
    await user.press("Continue" if locale == "en" else "Tiếp tục")
    await user.press("✅")
    await user.press("📨")
    return user


async def test_share_with_an_album_of_five_photos(h: Harness) -> None:
    await h.register(2001, "Nguyễn Thị Lan")
    lan = h.emu.user(2001, "Lan", language_code="vi")
    await lan.send("/share")
    card = lan.last
    assert "bước 1/6" in card.text and "phát hiện, biểu dương và nhân rộng" in card.text
    assert card.button_texts == [
        "🏅 Điển hình tiên tiến",
        "💛 Gương người tốt, việc tốt",
        "💡 Sáng kiến, giải pháp",
        "🌱 Mô hình hay, cách làm mới",
    ]
    await lan.press("Mô hình hay, cách làm mới")
    assert lan.last.message_id == card.message_id and "Đối tượng được nêu gương là ai?" in lan.last.text
    await lan.press("Một đồng nghiệp")
    assert "họ và tên của đồng nghiệp" in lan.last.text
    await lan.send("Trần Văn Bình")
    assert "bước 3/6" in lan.last.text and "từ 20 đến 2000 ký tự" in lan.last.text  # the limit, up front
    await lan.send(STORY)
    assert "bước 4/6" in lan.last.text and "tối đa 5 ảnh" in lan.last.text
    replies = await lan.send_album([jpeg((40 * n, 90, 160)) for n in range(5)])
    assert len(replies) == 1, lan.transcript()  # one status message for the album, edited as photos came
    assert "Số ảnh đã nhận: 5/5" in lan.last.text and "không được nhận" not in lan.last.text
    await lan.press("Tiếp tục")
    assert "công bố tên" in lan.last.text
    await lan.press("✅ Có, được công bố tên")
    preview = lan.last
    assert "Đề nghị đồng chí kiểm tra trước khi gửi" in preview.text
    assert "Đồng nghiệp: Trần Văn Bình" in preview.text and "Ảnh: 5" in preview.text and STORY in preview.text
    assert "Được công bố tên: có" in preview.text
    [ex] = await examples(h)
    assert ex.status == ExampleStatus.draft  # nothing is sent before the person confirms
    await lan.press("📨 Gửi bộ phận truyền thông")
    assert "Đã gửi, xin cảm ơn đồng chí" in lan.last.text and f"#{ex.id}" in lan.last.text
    [ex] = await examples(h)
    assert (ex.status, ex.category, ex.subject, ex.subject_name, ex.story, ex.consent_names) == (
        ExampleStatus.submitted,
        "new_model",
        "colleague",
        "Trần Văn Bình",
        STORY,
        True,
    )
    photos = await photos_of(h, ex.id)
    assert [p.position for p in photos] == [1, 2, 3, 4, 5] and all(p.data[:2] == b"\xff\xd8" for p in photos)
    assert await h.count(FsmRecord) == 0
    await lan.send("/myshares")
    assert "đang chờ xem xét" in lan.last.text and f"#{ex.id}" in lan.last.text


async def test_a_sixth_photo_is_refused_and_the_first_five_kept(h: Harness) -> None:
    await h.register(2002, "Lê Văn Hùng")
    hung = h.emu.user(2002, "Hùng", language_code="vi")
    await share_up_to_photos(hung)
    album = [jpeg((n, 10 * n, 200)) for n in range(6)]
    replies = await hung.send_album(album)
    assert len(replies) == 1
    status = hung.last.text
    assert "Số ảnh đã nhận: 5/5" in status
    assert "Chỉ nhận tối đa 5 ảnh: 1 ảnh gửi thêm không được nhận; giữ lại 5 ảnh đầu tiên" in status
    await hung.send_photo(jpeg((1, 2, 3)))  # and one more, on its own
    assert "Chỉ nhận tối đa 5 ảnh: 1 ảnh gửi thêm" in hung.last.text
    [ex] = await examples(h)
    kept = await photos_of(h, ex.id)
    assert len(kept) == 5
    sent = [m for m in h.emu.messages(2002, from_bot=False) if m.photo]
    assert [p.source_id for p in kept] == [m.photo.file_unique_id for m in sent[:5]]  # the first five
    await finish_sharing(hung)
    assert (await examples(h))[0].status == ExampleStatus.submitted


async def test_a_story_over_the_limit_is_refused_with_the_numbers(h: Harness) -> None:
    await h.register(2003, "Phạm Thu")
    thu = h.emu.user(2003, "Thu", language_code="vi")
    await thu.send("/share")
    await thu.press("Gương người tốt")
    await thu.press("Bản thân tôi")
    assert "bước 3/6" in thu.last.text
    await thu.send("x" * 2001)
    assert (
        "từ 20 đến 2000 ký tự" in thu.last.text and "2001 ký tự" in thu.last.text and "chưa được lưu" in thu.last.text
    )
    await thu.send("ngắn quá")
    assert "8 ký tự" in thu.last.text
    [ex] = await examples(h)
    assert ex.story is None and ex.step == "story"
    await thu.send("y" * 2000)
    assert "bước 4/6" in thu.last.text


async def test_a_picture_sent_as_a_file_loses_its_gps(h: Harness) -> None:
    await h.register(2004, "Đỗ Minh")
    await h.register(3001, "Vũ Hà", unit="TT", role=Role.comms)
    minh = h.emu.user(2004, "Minh", language_code="vi")
    await share_up_to_photos(minh)
    original = jpeg((10, 160, 90), (320, 240), gps=True)
    assert gps_of(original)
    await minh.send_document(b"%PDF-1.7 report", "bao-cao.pdf", "application/pdf")
    assert "Chỉ có thể thêm hình ảnh" in minh.last.text
    await minh.send_document(original, "IMG_0042.jpg", "image/jpeg")
    assert "Số ảnh đã nhận: 1/5" in minh.last.text
    await minh.send_document(b"\xff\xd8 not really a jpeg", "hong.jpg", "image/jpeg")
    assert "Không đọc được tệp này dưới dạng hình ảnh" in minh.last.text
    [ex] = await examples(h)
    [kept] = await photos_of(h, ex.id)
    assert gps_of(kept.data) == {} and exif_of(kept.data) == {} and b"TestCam" not in kept.data
    await finish_sharing(minh)

    ha = h.emu.user(3001, "Hà", language_code="vi")
    await ha.send("/review")
    photo, card = ha.since_last_action
    assert photo.photo is not None and card.text.startswith(f"Gương điển hình #{ex.id}")
    assert gps_of(photo.photo.data) == {} and exif_of(photo.photo.data) == {}  # what reviewers see
    assert photo.photo.data != original


async def test_approve_tells_the_submitter_in_their_language(h: Harness) -> None:
    lan = await submit_one(h, 2005, "Nguyễn Thị Lan", photos=2)
    await h.register(3002, "Sarah Nguyen", unit="TT", role=Role.comms, locale="en")
    sarah = h.emu.user(3002, "Sarah", language_code="en")
    await sarah.send("/review")
    album_a, album_b, card = sarah.since_last_action
    assert album_a.photo and album_b.photo and album_a.media_group_id == album_b.media_group_id
    assert "Good example #1" in card.text and "1 example waiting for review" in card.text
    assert "From" not in card.text and "Sent by: Nguyễn Thị Lan, Chuyên viên" in card.text
    assert card.button_texts == ["✅ Approve", "✖️ Do not approve", "❓ Ask for more", "🏷 Tags", "⏭ Next"]
    await sarah.press("🏷 Tags")
    await sarah.press("☐ Digital transformation")
    await sarah.press("☐ Worth an article")
    assert "Tags: Digital transformation, Worth an article" in sarah.last.text
    await sarah.press("✔ Done")
    approve = card.buttons[0][0][1]
    await sarah.press("✅ Approve")
    decided = h.emu.chat(3002).messages[card.message_id]
    assert decided.text.endswith("✅ Approved.") and decided.button_texts == []
    assert sarah.last.text == "No good example is waiting for review. 🎉"
    told = lan.last
    assert "Gương điển hình của đồng chí đã được bộ phận truyền thông duyệt" in told.text  # Vietnamese, not English
    [ex] = await examples(h)
    assert ex.status == ExampleStatus.approved and ex.tags == "digital,story"
    await lan.send("/myshares")
    assert "đã duyệt" in lan.last.text
    # A second tap (or a colleague's) on the old button decides nothing more.
    await sarah.press_data(approve, message=card.message_id)
    assert "already been dealt with" in sarah.last_answer.text
    audit = [a.action for a in await h.rows(AuditEntry)]
    assert "example.approve" in audit


async def test_reject_with_a_reason(h: Harness) -> None:
    john = await submit_one(h, 2006, "John Tran", locale="en")
    await h.register(3003, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3003, "Hà", language_code="vi")
    await ha.send("/review")
    card = ha.last
    await ha.press("✖️ Không duyệt")
    assert "nhập lý do không duyệt gương điển hình #1 (5–500 ký tự)" in ha.last.text
    await ha.send("ok")
    assert "lý do dài từ 5 đến 500 ký tự" in ha.last.text
    assert (await examples(h))[0].status == ExampleStatus.submitted
    await ha.send("Nội dung chưa nêu rõ <kết quả> & thời gian.")
    assert any("Không duyệt gương điển hình #1; lý do đã được gửi" in m.text for m in ha.since_last_action)
    assert ha.last.text == "Không có gương điển hình nào đang chờ xem xét. 🎉"
    assert h.emu.chat(3003).messages[card.message_id].button_texts == []  # the card's buttons went
    told = john.last
    assert "Your good example was not approved this time." in told.text  # English, as John chose
    assert "Reason: Nội dung chưa nêu rõ <kết quả> & thời gian." in told.text
    assert "&lt;kết quả&gt; &amp;" in told.html
    await john.send("/myshares")
    assert "not approved" in john.last.text and "Reason: Nội dung chưa nêu rõ" in john.last.text
    [ex] = await examples(h)
    assert ex.status == ExampleStatus.rejected and ex.reject_reason.startswith("Nội dung chưa nêu rõ")


async def test_ask_for_more_and_the_answer_returns_it_to_the_queue(h: Harness) -> None:
    lan = await submit_one(h, 2007, "Nguyễn Thị Lan")
    await h.register(3004, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3004, "Hà", language_code="vi")
    await ha.send("/review")
    await ha.press("❓ Đề nghị bổ sung")
    await ha.send("Việc này diễn ra ở đâu và khi nào?")
    assert any("Đã gửi câu hỏi về gương điển hình #1" in m.text for m in ha.since_last_action)
    assert ha.last.text.startswith("Không có gương điển hình nào đang chờ")
    asked = lan.last
    assert "Bộ phận truyền thông đề nghị đồng chí bổ sung thông tin" in asked.text
    assert "Câu hỏi: Việc này diễn ra ở đâu và khi nào?" in asked.text
    await lan.send("/myshares")
    assert "được đề nghị bổ sung thông tin" in lan.last.text
    await lan.press("✍️ Trả lời", message=asked)
    assert "nhập câu trả lời cho câu hỏi" in lan.last.text
    await lan.send("Tại Bộ phận Một cửa của Sở, ngày 20/11/2026.")
    assert "câu trả lời đã được bổ sung vào gương điển hình #1" in lan.last.text
    await lan.press("✍️ Trả lời", message=asked)  # a second tap: the question is answered
    assert "Không còn câu hỏi nào đang chờ trả lời" in lan.last_answer.text
    [ex] = await examples(h)
    assert ex.status == ExampleStatus.submitted
    notes = await h.rows(ExampleNote)
    assert [n.kind for n in notes] == [ExampleNoteKind.question, ExampleNoteKind.answer]
    await ha.send("/review")
    card = ha.last
    assert "❓ Câu hỏi" in card.text and "💬 Trả lời" in card.text and "Tại Bộ phận Một cửa" in card.text
    await ha.press("✅ Duyệt")
    assert "đã được bộ phận truyền thông duyệt" in lan.last.text


async def test_review_is_for_communications_staff_only(h: Harness) -> None:
    await submit_one(h, 2008, "Nguyễn Thị Lan")
    await h.register(2009, "Hoàng Nam")
    nam = h.emu.user(2009, "Nam", language_code="vi")
    await nam.send("/review")
    assert "không dành cho vai trò của đồng chí" in nam.last.text
    await nam.send("/highlights")
    assert "không dành cho vai trò của đồng chí" in nam.last.text
    await nam.press_data("rv:ap:1:-1")  # a forged "Approve" tap
    assert nam.last_answer.show_alert and "không dành cho vai trò" in nam.last_answer.text
    assert (await examples(h))[0].status == ExampleStatus.submitted
    refusals = [(a.actor_telegram_id, a.action, a.outcome) for a in await h.rows(AuditEntry) if a.outcome == "refused"]
    assert refusals.count((2009, "review", "refused")) == 3
    await h.register(2010, "Trưởng phòng", role=Role.leader)
    leader = h.emu.user(2010, "Trưởng", language_code="vi")
    await leader.send("/review")
    assert "không dành cho vai trò" in leader.last.text
    # An administrator may review.
    admin = h.emu.user(90001, "Admin", language_code="vi")
    await h.register(90001, "Quản trị", unit=None, role=Role.admin)
    await admin.send("/review")
    assert admin.last.text.startswith("Gương điển hình #1")


async def test_highlights_exports_and_published_link(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_handlers, "PROGRESS_EVERY", 2)
    await h.register(3005, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3005, "Hà", language_code="vi")
    lan = await submit_one(h, 2011, "Nguyễn Thị Lan", story=INJECTION, photos=2)
    for n in range(4):
        await submit_one(h, 2020 + n, f"Người Số {n}", story=f"=cmd|' /C calc'!A0 việc tốt thứ {n} của tập thể phòng")
    for _ in range(5):
        await ha.send("/review")
        await ha.press("✅ Duyệt")
    await ha.send("/highlights")
    listing = ha.last
    assert "Gương điển hình đã duyệt, 01/11/2026–30/11/2026" in listing.text
    assert "5 gương điển hình đã duyệt (0 đã đăng)" in listing.text
    assert "&lt;b&gt;số hoá&lt;/b&gt; &amp; &lt;script&gt;" in listing.html
    await ha.press("🗂 Loại")
    await ha.press("💡 Sáng kiến, giải pháp")
    assert "Không có gương điển hình nào được duyệt trong khoảng thời gian này" in ha.last.text
    await ha.press("🗂 Loại")
    await ha.press("Tất cả các loại")
    await ha.press("📅 Chọn ngày…")
    await ha.send("01/12/2026–31/12/2026")
    assert "01/12/2026–31/12/2026" in ha.last.text and "Không có gương điển hình nào" in ha.last.text
    await ha.press("• 📅 Chọn ngày…")
    await ha.send("31/12/2026–01/12/2026")
    assert "Ngày bắt đầu phải trước ngày kết thúc" in ha.last.text
    await ha.send("20/11/2026 - 30/11/2026")
    assert "5 gương điển hình đã duyệt" in ha.last.text

    await ha.press("⬇ DOCX kèm ảnh")
    [document] = [m for m in ha.since_last_action if m.document]
    [progress] = [m for m in ha.since_last_action if not m.document and "DOCX" in (m.text or "")]
    assert document.document.file_name == "guong-dien-hinh_2026-11-20_2026-11-30.docx"
    assert "Gương điển hình, 20/11/2026–30/11/2026: tổng số 5." in document.text
    assert [v["text"] for v in progress.history] == [f"Đang chuẩn bị tệp DOCX: {n}/5…" for n in (0, 2, 4)]
    assert progress.text == "Tệp DOCX đã sẵn sàng: 5 gương điển hình."
    word = check_decree30(document.document.data)  # A4, Times New Roman in black, the heading, page numbers
    heading = [p.text for c in word.tables[0].rows[0].cells for p in c.paragraphs]
    assert heading[:2] == [
        "BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
        "VỤ THI ĐUA,\nKHEN THƯỞNG VÀ\nTUYÊN TRUYỀN",
    ]  # from settings
    texts = [p.text for p in word.paragraphs]
    assert INJECTION in texts  # literal text, no markup
    assert len(word.inline_shapes) == 2
    assert [p.text for p in word.paragraphs if p.text.startswith("Ảnh ") and p.runs[0].italic] == [
        "Ảnh 1/2, gương điển hình #1",
        "Ảnh 2/2, gương điển hình #1",
    ]
    numbers = [int(t.rsplit("#", 1)[1].rstrip(")")) for t in texts if t[:1].isdigit() and "(#" in t]
    assert numbers == sorted(numbers)  # in the order they were sent, not newest first

    await ha.press("⬇ CSV cho Excel")
    sheet = ha.last.document
    assert sheet.file_name.endswith(".csv") and sheet.data[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "STT" and len(rows) == 6
    stories = {r[0]: r[-1] for r in rows[1:]}
    assert stories["1"] == INJECTION
    assert all(stories[str(n)].startswith("'=cmd") for n in range(2, 6))
    exports = [a.detail for a in await h.rows(AuditEntry) if a.action.startswith("example.export")]
    assert len(exports) == 2 and all("items=5" in d for d in exports)

    # Open an example and mark it published with its link.
    await ha.press("Xem #1", message=listing)
    card = ha.last
    assert card.text.startswith("Gương điển hình #1 · ✅ đã duyệt")
    await ha.press("📰 Đánh dấu đã đăng")
    await ha.send("javascript:alert(1)")
    assert "đường dẫn đầy đủ của bài viết" in ha.last.text
    await ha.send("https://baotainguyenmoitruong.vn/guong-sang-mot-cua-123.html?a=1&b=2")
    assert "Gương điển hình #1 đã được đánh dấu là đã đăng" in ha.last.text
    told = lan.last
    assert (
        "đã được đăng tải" in told.text
        and "https://baotainguyenmoitruong.vn/guong-sang-mot-cua-123.html?a=1&b=2" in told.text
    )
    ex = (await examples(h))[0]
    assert ex.status == ExampleStatus.published and ex.published_url.endswith("a=1&b=2")


async def test_html_in_the_story_is_shown_as_text(h: Harness) -> None:
    await h.register(2012, "Lò Văn Páo")
    pao = h.emu.user(2012, "Páo", language_code="vi")
    await pao.send("/share")
    await pao.press("💡")
    await pao.press("🙋")
    await pao.send(INJECTION)
    await pao.press("Tiếp tục")
    await pao.press("🚫 Không, không nêu tên")
    preview = pao.last
    assert INJECTION in preview.text and "&lt;script&gt;" in preview.html and "Được công bố tên: không" in preview.text
    await pao.press("📨")
    await h.register(3006, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3006, "Hà", language_code="vi")
    await ha.send("/review")
    assert INJECTION in ha.last.text and "<script>" not in ha.last.html


async def test_edit_from_the_preview_and_discard(h: Harness) -> None:
    await h.register(2013, "Trịnh Mai")
    mai = h.emu.user(2013, "Mai", language_code="vi")
    await share_up_to_photos(mai)
    await mai.send_photo(jpeg())
    await mai.press("Tiếp tục")
    await mai.press("✅ Có")
    await mai.press("✏️ Sửa")
    assert "muốn sửa nội dung nào" in mai.last.text
    await mai.press("Đối tượng được nêu gương")
    await mai.press("Một tập thể, đơn vị")
    await mai.send("Phòng Tổng hợp")
    assert "Tập thể, đơn vị: Phòng Tổng hợp" in mai.last.text and "kiểm tra trước khi gửi" in mai.last.text
    await mai.press("✏️ Sửa")
    await mai.press("Ảnh")
    await mai.press("🗑 Xóa các ảnh đã gửi")
    assert "Tiếp tục, không kèm ảnh" in mai.last.button_texts[0]
    await mai.press("Tiếp tục, không kèm ảnh")
    assert "Ảnh: 0" in mai.last.text
    await mai.press("🗑 Hủy bản nháp")
    await mai.press("🗑 Đồng ý hủy")
    assert "Đã hủy bản nháp" in mai.last.text
    assert await examples(h) == [] and await h.count(ExamplePhoto) == 0


async def test_the_checkin_good_example_button_opens_share(h: Harness) -> None:
    await h.register(2014, "Bùi Linh")
    linh = h.emu.user(2014, "Linh", language_code="vi")
    await linh.send("/checkin")
    for _ in range(7):
        await linh.press("🟢 Tốt")
    await linh.press("🌟 Có")
    summary, share_card = linh.since_last_action
    assert "Đã hoàn tất tự đánh giá" in summary.text
    assert "bước 1/6" in share_card.text and "Mô hình hay, cách làm mới" in " ".join(share_card.button_texts)
    [ex] = await examples(h)
    assert ex.status == ExampleStatus.draft and ex.category is None and ex.story is None  # prefilled with nothing


async def test_a_draft_survives_a_restart(emu: TelegramEmulator, sqlite_url: str, clock: FixedClock) -> None:
    rt, task = await start_bot(emu, sqlite_url, clock)
    h = Harness(emu, rt, clock)
    await h.register(2015, "Đặng Quý")
    quy = emu.user(2015, "Quý", language_code="vi")
    await quy.send("/share")
    await quy.press("Sáng kiến")
    await quy.press("Một đồng nghiệp")
    await quy.send("Trần Văn Bình")
    await stop_bot(rt, task)

    rt, task = await start_bot(emu, sqlite_url, clock)  # a new process, the same database
    try:
        await quy.send(STORY)  # the conversation goes on where it stopped
        assert "bước 4/6" in quy.last.text
        await quy.send("/share")
        assert "đang soạn dở" in quy.last.text
        await quy.press("➡ Tiếp tục bản nháp")
        assert "bước 4/6" in quy.last.text
        async with rt.sessionmaker() as s:
            [ex] = (await s.exec(select(GoodExample))).all()
            assert (ex.subject_name, ex.story, ex.status) == ("Trần Văn Bình", STORY, ExampleStatus.draft)
    finally:
        await stop_bot(rt, task)
    assert not emu.internal_errors
    emu.assert_all_callbacks_answered()


async def test_a_submitter_who_blocked_the_bot_is_not_told_and_the_reviewer_knows(h: Harness) -> None:
    lan = await submit_one(h, 2016, "Nguyễn Thị Lan")
    await lan.block()
    await h.register(3007, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3007, "Hà", language_code="vi")
    await ha.send("/review")
    card = ha.last
    await ha.press("✅ Duyệt")
    assert (
        h.emu.chat(3007)
        .messages[card.message_id]
        .text.endswith("✅ Đã duyệt. (Không gửi được thông báo cho người gửi.)")
    )
    assert (await examples(h))[0].status == ExampleStatus.approved  # the decision stands
    assert not any("duyệt" in (m.text or "") for m in lan.messages)


async def test_an_export_button_is_refused_to_an_employee(h: Harness) -> None:
    await h.register(2017, "Hoàng Nam")
    nam = h.emu.user(2017, "Nam", language_code="vi")
    await nam.send("/help")
    await nam.press_data("hl:dx:m:0:0:0:-1:0")  # an export tap from an old or forged message
    assert "không dành cho vai trò của đồng chí" in nam.last.text
    assert not any(m.document for m in nam.messages)
    assert ("review", "refused") in [(a.action, a.outcome) for a in await h.rows(AuditEntry)]


async def test_long_texts_still_fit_one_message(h: Harness) -> None:
    """A 2000-character story with a long exchange on the card; twenty examples with long
    links in /myshares: Telegram's 4096 limit holds (the emulator enforces it)."""
    lan_user = await h.register(2018, "Nguyễn Thị Lan")
    comms_user = await h.register(3008, "Vũ Hà", unit="TT", role=Role.comms)
    long_story = ("Câu chuyện dài về việc tốt của tập thể. " * 60)[:2000]
    async with h.sessionmaker() as s:
        svc = ExampleService(s, h.clock)
        ids = []
        for _attempt in range(21):
            ex = await svc.start(lan_user, fresh=True)
            await svc.choose_category(lan_user, ex.id, "advanced")
            await svc.choose_subject(lan_user, ex.id, "self")
            await svc.tell_story(lan_user, ex.id, long_story)
            await svc.photos_done(lan_user, ex.id)
            await svc.set_consent(lan_user, ex.id, True)
            ids.append((await svc.submit(lan_user, ex.id)).id)
        first = ids[0]
        for _ in range(2):
            await svc.ask(comms_user, first, "Đồng chí cho biết thêm chi tiết? " * 15)
            await svc.answer_question(lan_user, first, "Chi tiết bổ sung rất dài. " * 38)
        for eid in ids[1:]:
            await svc.approve(comms_user, eid)
            await svc.publish(comms_user, eid, "https://monre.gov.vn/" + "a" * 990)
    ha = h.emu.user(3008, "Hà", language_code="vi")
    await ha.send("/review")
    card = ha.last
    assert card.text.startswith(f"Gương điển hình #{first}") and "💬 Trả lời" in card.text
    assert len(card.text) <= 4096
    lan = h.emu.user(2018, "Lan", language_code="vi")
    await lan.send("/myshares")
    assert "gương điển hình gửi trước đó" in lan.last.text and len(lan.last.text) <= 4096


async def test_someone_elses_example_through_a_passed_on_button_is_refused_and_audited(h: Harness) -> None:
    """Issue 14, item 16: the refusal was not audited and said "already sent or discarded"."""
    from bot.channels.telegram.callbacks import ShareAct, ShareCB

    lan = await submit_one(h, 2010, "Nguyễn Thị Lan")
    await h.register(3010, "Vũ Hà", unit="TT", role=Role.comms)
    ha = h.emu.user(3010, "Hà", language_code="vi")
    await ha.send("/review")
    await ha.press("❓ Đề nghị bổ sung")
    await ha.send("Việc này diễn ra ở đâu và khi nào?")
    asked = lan.last
    answer_data = next(data for row in asked.buttons for text, data in row if text == "✍️ Trả lời")
    binh = h.emu.user(2011, "Bình", language_code="vi")
    await h.register(2011, "Trần Văn Bình")
    await binh.send("/share")  # Bình's own draft, then Lan's buttons, forged into his chat
    for data in (answer_data, ShareCB(a=ShareAct.discard_yes, d=1).pack(), ShareCB(a=ShareAct.edit, d=1).pack()):
        await binh.press_data(data)
        assert binh.last_answer.text.startswith("Gương điển hình này do người khác gửi"), binh.last_answer.text
    refusals = [a for a in await h.rows(AuditEntry) if a.outcome == "refused"]
    assert [(a.actor_telegram_id, a.action) for a in refusals] == [(2011, "share")] * 3
    assert all("reason=not_own_example" in a.detail and "example=1" in a.detail for a in refusals)
    [lans, binhs] = await examples(h)
    assert (lans.status, binhs.status) == (ExampleStatus.needs_info, ExampleStatus.draft)
    await lan.press("✍️ Trả lời", message=asked)  # Lan herself still can
    assert "nhập câu trả lời cho câu hỏi" in lan.last.text

"""The yearly cycle end to end, as leaders and admins meet it over the fake Bot API: the
unit's self-assessment (§IV.1.1) with a photo, resumed after a restart; the signed report
(§VI.1) that stops the reminders; the admins' board and one-tap reminder; bad files; the
campaign that has ended (2019–2025) whose yearly duties go on, and the admins' one notice."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.services.self_assessment import SelfAssessmentService
from emulator import TelegramEmulator
from scheduler.jobs import JobContext, run_job
from scheduler.outbox import OutboxSender
from storage.delivery import DeadlineDone, OutboxMessage
from storage.models import AuditEntry, Role
from storage.yearly import AssessmentEvidence, ReportSubmission
from tests.e2e.conftest import ADMIN_ID, Harness, start_bot, stop_bot
from tests.example_images import jpeg

# Today, as the issue has it: 1 December 2026, 08:30 in Hà Nội.
TODAY = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>Báo cáo</w:document>")
    return buf.getvalue()


@pytest.fixture
async def hdb(emu: TelegramEmulator, db_url: str, clock: FixedClock) -> AsyncIterator[Harness]:
    """The harness on SQLite and on PostgreSQL."""
    rt, task = await start_bot(emu, db_url, clock)
    yield Harness(emu, rt, clock)
    await stop_bot(rt, task)
    assert not emu.internal_errors, emu.internal_errors
    emu.assert_all_callbacks_answered()


def ctx(h: Harness) -> JobContext:
    return JobContext(h.sessionmaker, h.clock, h.rt.campaign, h.rt.settings)


def sender(h: Harness) -> OutboxSender:
    assert h.rt.bot is not None
    return OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=20)


async def test_self_assessment_with_a_photo_resumes_after_a_restart(
    emu: TelegramEmulator, db_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(TODAY)
    rt, task = await start_bot(emu, db_url, clock)
    # The start-up log names the campaign in force, its period, and that it has ended.
    assert any(
        r.getMessage().startswith("campaign in force: 2497/QĐ-BTNMT 2019–2025")
        and "ended on 2025-12-31" in r.getMessage()
        for r in caplog.records
    )
    h = Harness(emu, rt, clock)
    await h.add_unit("STN", "Sở Nông nghiệp và Môi trường")
    await h.register(41001, "Nguyễn Văn Lãnh", unit="STN", role=Role.leader)
    lead = emu.user(41001, "Lãnh", language_code="vi")
    await lead.send("/selfassess")
    assert "Tự đánh giá của Sở Nông nghiệp và Môi trường, năm 2026" in lead.last.text
    assert "đã đánh giá 0/6 tiêu chuẩn" in lead.last.text
    await lead.press("c) Công nghệ thông tin")
    assert "Tỷ lệ thủ tục hành chính được giải quyết đúng hạn" in lead.last.text
    await lead.press("Tốt")
    assert lead.last_answer.text == "Đã lưu." and "Mức đánh giá: 🟢 Tốt" in lead.last.text
    await lead.press("🔢 Tỷ lệ thủ tục hành chính được giải quyết đúng hạn")
    await lead.send("150")
    assert "Vui lòng nhập tỷ lệ phần trăm từ 0 đến 100" in lead.last.text  # refused; the step waits
    await lead.send("98,5")
    assert "Đã lưu." in lead.last.text and "98,5%" in lead.last.text
    await lead.press("📎 Thêm minh chứng")
    await lead.send_photo(jpeg((10, 120, 60)))
    assert "Đã lưu minh chứng cho c) Công nghệ thông tin: 1/10" in lead.last.text
    await lead.press("✅ Xong")
    assert "Minh chứng: 1 (photo-1.jpg)" in lead.last.text
    await lead.press("📥 Xem minh chứng")
    assert (
        lead.last_answer.text == "Đã gửi 1 tệp."
        and lead.last.photo
        and "c) Công nghệ thông tin: photo-1.jpg" in lead.last.caption
    )
    await lead.press("✍️ Kết quả thực hiện")
    await stop_bot(rt, task)  # the bot restarts while the leader is typing

    rt, task = await start_bot(emu, db_url, clock)
    h = Harness(emu, rt, clock)
    try:
        await lead.send("x" * 1001)
        assert "không quá 1000 ký tự; nội dung này có 1001 ký tự" in lead.last.text
        await lead.send("Đã vận hành Cổng dịch vụ công trực tuyến; 100% hồ sơ được số hóa.")
        assert "Đã lưu." in lead.last.text and "100% hồ sơ được số hóa" in lead.last.text
        await lead.send("/selfassess")
        assert "đã đánh giá 1/6 tiêu chuẩn" in lead.last.text and "1 minh chứng" in lead.last.text
        async with h.sessionmaker() as s:
            report = await SelfAssessmentService(s, clock, rt.campaign).for_report(1, 2026)
            [photo] = (await s.exec(select(AssessmentEvidence))).all()
        c = report.group("c")
        assert (c.level, c.account, c.figures) == (
            "good",
            "Đã vận hành Cổng dịch vụ công trực tuyến; 100% hồ sơ được số hóa.",
            {"on-time-share": "98,5"},
        )
        assert [(e.name, e.kind) for e in c.evidence] == [("photo-1.jpg", "photo")]
        assert photo.data[:2] == b"\xff\xd8" and photo.mime == "image/jpeg"
    finally:
        await stop_bot(rt, task)


async def test_employees_are_refused_and_audited_the_officer_may_assess(h: Harness) -> None:
    h.clock.set(TODAY)
    await h.register(42001, "Trần Lãnh Đạo", unit="VP", role=Role.leader)
    await h.register(42002, "Lê Chuyên Viên", unit="VP", locale="en")
    lead, clerk = h.emu.user(42001, "Lãnh", language_code="vi"), h.emu.user(42002, "Viên", language_code="en")
    await clerk.send("/selfassess")
    assert clerk.last.text == "Sorry, this is not available for your role. The attempt has been noted."
    await clerk.send("/submissions")
    assert clerk.last.text == "Sorry, this is not available for your role. The attempt has been noted."
    await lead.send("/selfassess")
    await lead.press("👤 Cán bộ phụ trách thi đua")
    await lead.press("Giao cho Lê Chuyên Viên")
    assert lead.last_answer.text == "Đã giao nhiệm vụ." and "Hiện tại: Lê Chuyên Viên" in lead.last.text
    await clerk.send("/selfassess")
    assert "Self-assessment of Đơn vị VP, year 2026" in clerk.last.text
    await clerk.press("e) No single-use plastics")
    await clerk.press("No")  # single-use plastic still used at meetings: no
    assert (
        clerk.last_answer.text == "Saved."
        and "Single-use plastic still used at conferences and workshops: <b>no" not in clerk.last.text
    )
    assert "Single-use plastic still used at conferences and workshops: no" in clerk.last.text
    async with h.sessionmaker() as s:
        refused = (await s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [(a.actor_telegram_id, a.action) for a in refused] == [(42002, "report"), (42002, "manage_deadlines")]


async def test_submission_stops_the_reminders_for_that_unit_and_the_board(hdb: Harness) -> None:
    """On 01/12/2026, with the 2019–2025 file: the report due before 15/12/2026 is reminded."""
    h = hdb
    h.clock.set(TODAY)
    await h.add_unit("SA", "Sở A")
    await h.add_unit("SB", "Sở B")
    await h.register(43001, "Lãnh Đạo A", unit="SA", role=Role.leader)
    await h.register(43002, "Lãnh Đạo B", unit="SB", role=Role.leader, locale="en")
    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    a, b = (
        h.emu.user(43001, "A", language_code="vi", started=True),
        h.emu.user(43002, "B", language_code="en", started=True),
    )
    admin = h.emu.user(ADMIN_ID, "Admin", language_code="vi", started=True)

    # 14/12 is the last day (before 15/12): 13 days left on 01/12, 7 on 07/12.
    h.clock.set(datetime(2026, 11, 30, 1, 30, tzinfo=UTC))
    res = await run_job(ctx(h), "deadline_reminders", h.clock.now())
    assert {line for line in res.lines if "annual-report" in line} == {
        "reminder annual-report@2026-12-15 (14 days) -> 43001",
        "reminder annual-report@2026-12-15 (14 days) -> 43002",
    }
    await sender(h).drain()
    assert "Nhắc hạn" in a.last.text and "14/12/2026" in a.last.text and "/submit" in a.last.text

    h.clock.set(TODAY)
    await a.send("/submit")
    assert "Báo cáo năm 2026" in a.last.text
    await a.send_document(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "bao-cao.pdf", "application/pdf")
    assert "Chỉ nhận tệp PDF hoặc Word (DOCX); “bao-cao.pdf” không phải" in a.last.text
    await a.send_document(PDF, "bao-cao-da-ky.pdf", "application/pdf")
    assert "Đã nhận: “bao-cao-da-ky.pdf”" in a.last.text

    # A second file replaces the first only after a confirmation; the first stays on record.
    await a.send("/submit")
    assert "Đơn vị đã nộp: “bao-cao-da-ky.pdf”" in a.last.text
    docx_sent = docx()
    await a.send_document(docx_sent, "bao-cao-sua.docx")
    assert "Đơn vị đã nộp tệp “bao-cao-da-ky.pdf”" in a.last.text
    await a.press("🔁 Thay bằng “bao-cao-sua.docx”")
    assert "Đã thay thế" in a.last.text
    async with h.sessionmaker() as s:
        rows = (await s.exec(select(ReportSubmission).order_by(col(ReportSubmission.id)))).all()
        done = (await s.exec(select(DeadlineDone))).all()
        audit = [
            e.action
            for e in (await s.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
            if e.action.startswith("report.")
        ]
    assert [(r.file_name, r.superseded_at is not None) for r in rows] == [
        ("bao-cao-da-ky.pdf", True),
        ("bao-cao-sua.docx", False),
    ]
    assert [(d.deadline_key, d.unit_id) for d in done] == [("annual-report@2026-12-15", rows[0].unit_id)]
    assert audit == ["report.submit", "report.submit", "report.replace"]  # refused, submitted, replaced

    # The 7-day reminder reaches only the unit that has not submitted.
    h.clock.set(datetime(2026, 12, 7, 1, 30, tzinfo=UTC))
    res = await run_job(ctx(h), "deadline_reminders", h.clock.now())
    assert [line for line in res.lines if "annual-report" in line] == [
        "reminder annual-report@2026-12-15 (7 days) -> 43002"
    ]
    await sender(h).drain()

    # The admins' board, the file, and the one-tap reminder to the rest.
    await admin.send("/submissions")
    board = admin.last
    assert "Báo cáo năm 2026 (mục VI.1): 1/2 đơn vị đã nộp" in board.text
    assert (
        "✅ SA Sở A: “bao-cao-sua.docx”, 08:30 01/12/2026, người gửi: Lãnh Đạo A" in board.text
        and "Chưa nộp (1)" in board.text
        and "SB" in board.text
    )
    await admin.press("📥 SA")
    sent = h.emu.messages(ADMIN_ID)[-1]
    assert (
        sent.document is not None and sent.document.file_name == "bao-cao-sua.docx" and sent.document.data == docx_sent
    )
    before = len(b.messages)
    await admin.press("🔔 Nhắc 1 đơn vị chưa nộp", message=board)
    assert admin.last_answer.text == "Đã xếp lịch gửi lời nhắc cho 1 lãnh đạo đơn vị."
    await sender(h).drain()
    assert len(b.messages) == before + 1 and "Deadline reminder" in b.last.text and "/submit" in b.last.text
    await admin.press("🔔 Nhắc 1 đơn vị chưa nộp", message=board)
    assert admin.last_answer.text == "Hôm nay các đơn vị này đã được nhắc."


async def test_a_file_over_20_mb_is_refused_before_it_is_downloaded(h: Harness) -> None:
    h.clock.set(TODAY)
    await h.register(44001, "Lãnh Đạo", unit="VP", role=Role.leader, locale="en")
    lead = h.emu.user(44001, "L", language_code="en")
    await lead.send("/submit")
    await lead.send_document(b"%PDF-" + b"0" * (20 * 1024 * 1024 + 1), "huge.pdf", "application/pdf")
    assert "That file is over 20 MB: it was not kept" in lead.last.text
    await lead.send("hello")
    assert "Only a PDF or a Word (DOCX) file can be submitted" in lead.last.text
    assert await h.count(ReportSubmission) == 0
    async with h.sessionmaker() as s:
        [refusal] = (await s.exec(select(AuditEntry).where(AuditEntry.action == "report.submit"))).all()
    assert refusal.outcome == "refused" and "file_too_big" in refusal.detail


async def test_the_campaign_has_ended_admins_are_told_once_and_see_it(h: Harness) -> None:
    """Deployed today, 01/12/2026, with the 2019–2025 file: the leader hears of the report due
    before 15/12/2026 at once (a catch-up: the 30- and 14-day marks have passed), then on the
    regular marks; the admins are told once that the period has ended."""
    h.clock.set(TODAY)
    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    await h.register(46001, "Lãnh Đạo", unit="VP", role=Role.leader)
    admin = h.emu.user(ADMIN_ID, "Admin", language_code="vi", started=True)
    lead = h.emu.user(46001, "L", language_code="vi", started=True)
    reminded: list[str] = []
    for day in (1, 2, 3, 7):
        h.clock.set(datetime(2026, 12, day, 1, 30, tzinfo=UTC))
        res = await run_job(ctx(h), "deadline_reminders", h.clock.now())
        reminded += [line for line in res.lines if "annual-report" in line]
        await sender(h).drain()
    assert reminded == [
        "reminder annual-report@2026-12-15 (13 days) -> 46001",
        "reminder annual-report@2026-12-15 (7 days) -> 46001",
    ]
    first = lead.messages[0].text
    assert "Nhắc hạn: còn 13 ngày" in first and "Hạn cuối: 14/12/2026" in first and "§VI.1" in first
    notices = [m for m in h.emu.messages(ADMIN_ID) if "Kế hoạch đã hết thời hạn" in m.text]
    assert len(notices) == 1
    assert "2497/QĐ-BTNMT" in notices[0].text and "31/12/2025" in notices[0].text
    assert "CAMPAIGN_FILE" in notices[0].text and "van-hoa-cong-so-2026-2030.yaml" in notices[0].text
    assert await h.count(OutboxMessage) == 3  # the notice once, two reminders
    await admin.send("/campaign")
    assert "Kế hoạch đang áp dụng" in admin.last.text and "2497/QĐ-BTNMT" in admin.last.text
    assert "02/10/2019 – 31/12/2025" in admin.last.text and "hết thời hạn ngày 31/12/2025" in admin.last.text


async def test_a_leader_reads_the_sub_units_self_assessments(h: Harness) -> None:
    h.clock.set(TODAY)
    await h.add_unit("SO", "Sở Nông nghiệp và Môi trường")
    await h.add_unit("SO-CC", "Chi cục Bảo vệ môi trường", parent="SO")
    await h.register(45001, "Lãnh Đạo Sở", unit="SO", role=Role.leader)
    await h.register(45002, "Lãnh Đạo Chi Cục", unit="SO-CC", role=Role.leader)
    parent, child = h.emu.user(45001, "Sở", language_code="vi"), h.emu.user(45002, "CC", language_code="vi")
    await child.send("/selfassess")
    await child.press("đ) Phong trào thi đua")
    await child.press("Đạt")
    await parent.send("/selfassess")
    await parent.press("🏢 Tự đánh giá của đơn vị trực thuộc")
    assert "Chi cục Bảo vệ môi trường: bản nháp, đã đánh giá 1/6 (Tốt 0 · Đạt 1 · Chưa đạt 0)" in parent.last.text
    await parent.press("SO-CC")
    assert (
        "Tự đánh giá của Chi cục Bảo vệ môi trường" in parent.last.text
        and "🔵 đ) Phong trào thi đua: Đạt" in parent.last.text
    )
    assert not any("Gửi bản tự đánh giá" in t for t in parent.last.button_texts)  # read only
    # An admin reads any unit's; the sub-unit's leader cannot read the parent's (refused and audited).
    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    admin = h.emu.user(ADMIN_ID, "Admin", language_code="vi")
    await admin.send("/selfassess SO-CC")
    assert "Tự đánh giá của Chi cục Bảo vệ môi trường, năm 2026" in admin.last.text and "Đạt" in admin.last.text
    await child.press_data("sa:vu:-1:-1:-1:1")
    assert child.last_answer.show_alert
    await child.send("/selfassess SO")
    assert "không dành cho vai trò" in child.last.text
    async with h.sessionmaker() as s:
        refused = (await s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [(r.actor_telegram_id, r.action) for r in refused] == [(45002, "view_unit"), (45002, "view_unit")]


async def test_the_board_of_90_units_fits_one_message(h: Harness) -> None:
    from bot.services.submissions import ReportSubmissionService

    h.clock.set(TODAY)
    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    leaders = [await h.register(47000 + n, f"Lãnh Đạo {n}", unit=f"SO-{n:02d}", role=Role.leader) for n in range(90)]
    async with h.sessionmaker() as s:
        for leader in leaders[::2]:
            await ReportSubmissionService(s, h.clock, h.rt.campaign).submit(
                await s.merge(leader), 2026, file_name=f"bao-cao-{leader.unit_id}.pdf", data=PDF
            )
    admin = h.emu.user(ADMIN_ID, "Admin", language_code="vi")
    await admin.send("/submissions 2026")
    board = admin.last
    assert "45/90 đơn vị đã nộp" in board.text and "⏳ Chưa nộp (45):" in board.text and "✅ Đã nộp (45):" in board.text
    assert len(board.text) <= 4096 and "… và" in board.text
    assert "🔔 Nhắc 45 đơn vị chưa nộp" in board.button_texts

"""Markup in what people type is shown as text, everywhere (SPEC §5: user text is escaped
before it goes into HTML messages).

The payload goes into names, positions, check-in notes, reflections, good examples, the
reviewers' questions, answers and reasons, unit names, nominations, deadline titles and
an announcement. The emulator parses every message as strict Telegram HTML and refuses
what it cannot parse (400 "can't parse entities"), so a forgotten escape fails loudly; a
`<b>` that slipped through unescaped would turn bold and lose its tags, so each message
that shows the payload must show it literally. In the DOCX exports it is literal text;
in the CSV exports a cell that starts with = + - @ is neutralised.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

import docx
import pytest

from bot.channels.telegram.callbacks import NominateAct, NominateCB, NominationsAct, NominationsCB
from emulator import ChatMessage, EmulatedUser
from scheduler.jobs import JobContext, run_job
from scheduler.outbox import OutboxSender
from storage.awards import Nomination
from storage.examples import GoodExample
from storage.models import CheckIn, CheckInAnswer, Role, User
from tests.e2e.conftest import ADMIN_ID, Harness, emu, h  # noqa: F401 - fixtures

PAYLOAD = "<b>x</b><script>alert(1)</script>&amp;"
STORY = f"{PAYLOAD} Tổ Một cửa số hóa toàn bộ hồ sơ, người dân không phải đi lại nhiều lần."
FORMULA_STORY = f'=HYPERLINK("http://evil.example","Bấm") {PAYLOAD} hướng dẫn hồ sơ trực tuyến cho dân.'


def literal(message: ChatMessage) -> bool:
    """The payload is in the text as typed (so its tags were escaped, not parsed)."""
    return PAYLOAD in (message.text or "")


def shown(user: EmulatedUser, n: int = 1) -> list[ChatMessage]:
    """The bot's messages since the user's last action that show the payload: at least n."""
    found = [m for m in user.since_last_action if literal(m)]
    assert len(found) >= n, user.transcript()[-1500:]
    return found


def sweep(h: Harness) -> int:
    """Every bot message that shows any part of the payload shows all of it, literally;
    nothing was refused as bad HTML. Returns how many messages show it."""
    count = 0
    for user in h.emu.users:
        for m in h.emu.messages(user.id):
            text = m.text or ""
            if "alert(1)" in text or "<b>x" in text:  # a snippet may cut the payload short
                assert "<b>x</b><script>alert(1)</script>" in text, (user, text)
                assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;" in (m.html or ""), m.html
                count += 1
    bad = [c for c in h.emu.calls if c.description and "can't parse entities" in c.description]
    assert not bad, bad
    return count


def docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(autouse=True)
def no_errors(caplog: pytest.LogCaptureFixture):  # noqa: ANN201
    caplog.set_level(logging.INFO)
    yield
    failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, failed


def sender(h: Harness) -> OutboxSender:
    return OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=50)


def jobs(h: Harness) -> JobContext:
    return JobContext(h.sessionmaker, h.clock, h.rt.campaign, h.rt.settings)


async def test_names_positions_notes_and_reflections(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    admin = h.emu.user(ADMIN_ID, "Quản trị")
    await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    token = await h.invite("VP")
    lan = h.emu.user(1001, "Lan", language_code="vi")
    await lan.send(f"/start {token}")
    await lan.press("✅ Tôi đồng ý")
    await lan.press("🇻🇳 Tiếng Việt")
    await lan.send(f"Lan {PAYLOAD}")
    [thanks] = shown(lan)
    assert thanks.text.startswith(f"Cảm ơn đồng chí Lan {PAYLOAD}.")
    await lan.send(f"Chuyên viên {PAYLOAD}")
    await lan.press("✅ Giữ")
    [welcome] = shown(lan)
    assert f"Chào mừng đồng chí Lan {PAYLOAD}!" in welcome.text
    [me] = [u for u in await h.rows(User) if u.telegram_id == 1001]
    assert (me.full_name, me.position) == (f"Lan {PAYLOAD}", f"Chuyên viên {PAYLOAD}")

    # The check-in: a note on a group not met, and a reflection.
    await lan.send("/checkin")
    await lan.press("🔴")
    await lan.press("Tiếp tục ➡")
    await lan.send(f"Ghi chú {PAYLOAD}")
    assert "Đã lưu ghi chú" in lan.last.text
    for _ in range(6):
        await lan.press("🟢")
    await lan.send(f"Suy nghĩ {PAYLOAD}")
    assert "Đã lưu cảm nhận" in lan.last.text
    await lan.press("✅ Hoàn tất")
    [summary] = shown(lan)
    assert f"Cảm nhận của đồng chí: Suy nghĩ {PAYLOAD}" in summary.text
    [answer] = [a for a in await h.rows(CheckInAnswer) if a.note]
    [checkin] = await h.rows(CheckIn)
    assert (answer.note, checkin.reflection) == (f"Ghi chú {PAYLOAD}", f"Suy nghĩ {PAYLOAD}")

    # The administrator sees the name and position in the unit's list and changes the role.
    await admin.send("/units show VP")
    shown(admin)
    await admin.send(f"/role {me.id} comms")
    [changed] = shown(admin)
    assert changed.text.startswith(f"Lan {PAYLOAD}")
    await admin.press(f"Lan {PAYLOAD}"[:30], message=[m for m in admin.messages if m.reply_markup][-1])
    shown(admin)

    # A colleague with the payload in the name who has not checked in: the leader's digest lists them.
    await h.register(1002, f"Bình {PAYLOAD}", unit="VP")
    h.emu.user(5001, "Lãnh đạo", started=True)
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    h.clock.set(monday)
    await run_job(jobs(h), "leader_digests", monday)
    await sender(h).drain()
    [digest] = [m for m in h.emu.messages(5001) if literal(m)]
    assert f"Bình {PAYLOAD}" in digest.text
    assert sweep(h) >= 7


async def test_good_examples_questions_answers_and_reasons(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(1001, f"Lan {PAYLOAD}", unit="VP")
    await h.register(3001, "Vũ Thu Hà", unit="VP", role=Role.comms)
    await h.register(5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    lan = h.emu.user(1001, "Lan")
    ha = h.emu.user(3001, "Hà")

    async def share(story: str, colleague: str) -> None:
        await lan.send("/share")
        await lan.press("Mô hình hay, cách làm mới")
        await lan.press("Một đồng nghiệp")
        await lan.send(colleague)
        await lan.send(story)
        await lan.press("Tiếp tục")
        await lan.press("✅ Có, được công bố tên")
        [preview] = shown(lan)
        assert colleague in preview.text and story in preview.text
        await lan.press("📨")

    await share(STORY, f"Bình {PAYLOAD}")
    await share(FORMULA_STORY, f"@Bình {PAYLOAD}")
    await share(f"{PAYLOAD} một gương thứ ba để từ chối, đủ hai mươi ký tự.", "Trần Văn Ba")

    # The reviewer's card, a question and its answer.
    await ha.send("/review")
    [card] = shown(ha)
    assert f"Lan {PAYLOAD}" in card.text and f"Bình {PAYLOAD}" in card.text and STORY in card.text
    await ha.press("❓")
    await ha.send(f"Hỏi {PAYLOAD} vào ngày nào?")
    [question] = shown(lan)
    assert f"Hỏi {PAYLOAD} vào ngày nào?" in question.text
    await lan.press("✍️", message=question)
    shown(lan)  # the prompt repeats the question
    await lan.send(f"Đáp {PAYLOAD}: ngày 20/11.")
    await ha.send("/review")
    while f"Đáp {PAYLOAD}" not in ha.last.text:
        await ha.press("⏭")
    shown(ha)
    await ha.press("✅ Duyệt")
    [told] = [m for m in lan.since_last_action if "truyền thông duyệt" in (m.text or "")]
    assert literal(told)
    while "#2" not in ha.last.text:
        await ha.press("⏭")
    await ha.press("✅ Duyệt")
    await ha.press("✖️")
    await ha.send(f"Lý do {PAYLOAD}: chưa đủ thông tin.")
    [reason] = [m for m in lan.since_last_action if "chưa được duyệt" in (m.text or "")]
    assert f"Lý do {PAYLOAD}: chưa đủ thông tin." in reason.text
    await lan.send("/myshares")
    [mine] = shown(lan)
    assert f"Lý do {PAYLOAD}" in mine.text

    # Highlights and the exports.
    await ha.send("/highlights")
    [listing] = shown(ha)
    assert "2 gương điển hình đã duyệt" in listing.text
    await ha.press("⬇ DOCX kèm ảnh", message=listing)
    [word] = [m.document for m in ha.since_last_action if m.document]
    text = docx_text(word.data)
    assert STORY in text and FORMULA_STORY in text and f"Lan {PAYLOAD}" in text and f"Bình {PAYLOAD}" in text
    await ha.press("⬇ CSV cho Excel", message=listing)
    [sheet] = [m.document for m in ha.since_last_action if m.document]
    rows = csv_rows(sheet.data)
    cells = [cell for row in rows[1:] for cell in row]
    assert STORY in cells and "'" + FORMULA_STORY in cells and f"'@Bình {PAYLOAD}" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert len([e for e in await h.rows(GoodExample) if e.reject_reason == f"Lý do {PAYLOAD}: chưa đủ thông tin."]) == 1

    # The leader's digest lists the approved examples of the week.
    h.emu.user(5001, "Lãnh đạo", started=True)
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    h.clock.set(monday)
    await run_job(jobs(h), "leader_digests", monday)
    await sender(h).drain()
    assert [m for m in h.emu.messages(5001) if literal(m)]
    assert sweep(h) >= 12


async def test_units_nominations_deadlines_and_announcements(h: Harness) -> None:
    unit_name = f"Phòng {PAYLOAD}"
    await h.add_unit("VP", unit_name)
    await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    await h.register(5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    await h.register(1001, "Nguyễn Thị Lan", unit="VP")
    admin = h.emu.user(ADMIN_ID, "Quản trị")
    lead = h.emu.user(5001, "Lãnh đạo")
    h.emu.user(1001, "Lan", started=True)

    # An invitation to the unit: the notice names it.
    token = await h.invite("VP")
    newcomer = h.emu.user(1009, "Mới")
    await newcomer.send(f"/start {token}")
    shown(newcomer)

    await admin.send("/units")
    shown(admin)
    await lead.send("/unit")
    assert literal(lead.since_last_action[0])

    # Nominations: the leader's card, the administrator's list, the exports and the report.
    await admin.send(f"/nominations add 10/12/2026 Khen thưởng {PAYLOAD}")
    shown(admin)
    await lead.send("/nominate")  # the rounds to choose from: the annual one (§IV.2.1) and this one
    await lead.press_data(NominateCB(a=NominateAct.round, r="custom-1").pack())
    shown(lead)
    await lead.press("➕ Đề nghị một cá nhân")
    await lead.send(f"=Nguyễn Văn {PAYLOAD}")
    shown(lead)
    achievement = f"-Thành tích {PAYLOAD}: hoàn thành xuất sắc nhiệm vụ năm 2026."
    await lead.send(achievement)
    [card] = shown(lead)
    assert f"=Nguyễn Văn {PAYLOAD}" in card.text
    [nomination] = await h.rows(Nomination)
    assert nomination.nominee == f"=Nguyễn Văn {PAYLOAD}"
    await admin.send("/nominations")
    shown(admin)
    await admin.press_data(NominationsCB(a=NominationsAct.open, r=nomination.round_key).pack())
    shown(admin)
    await admin.press_data(NominationsCB(a=NominationsAct.csv, r=nomination.round_key).pack())
    rows = csv_rows(admin.last.document.data)
    assert rows[1][1] == unit_name and rows[1][4] == f"'=Nguyễn Văn {PAYLOAD}" and rows[1][5] == "'" + achievement
    await lead.send("/report")
    report = docx_text(lead.last.document.data)
    assert unit_name in report and f"=Nguyễn Văn {PAYLOAD}" in report and "&lt;" not in report
    assert f"Báo cáo năm 2026, {unit_name}" in lead.last.text

    # A deadline with the payload in its title: the list, and the reminder a week ahead.
    await admin.send(f"/deadlines add 02/12/2026 Hạn {PAYLOAD}")
    shown(admin)
    await admin.send("/deadlines")
    shown(admin)
    h.emu.user(5001).chat.started = True
    at = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)  # 08:30, seven days before
    await run_job(jobs(h), "deadline_reminders", at)
    await sender(h).drain()
    assert [m for m in h.emu.messages(5001) if literal(m) and "Nhắc hạn" in m.text]

    # An announcement whose text carries the payload as plain typed text.
    await admin.send("/announce all VP")
    await admin.send(f"Thông báo {PAYLOAD}")
    [preview] = shown(admin)
    await admin.press("📣", message=preview)
    await sender(h).drain()
    assert [m for m in h.emu.messages(1001) if f"Thông báo {PAYLOAD}" in (m.text or "")]
    assert sweep(h) >= 12


async def test_a_long_digest_is_cut_without_breaking_its_markup(h: Harness) -> None:
    """Thirty people not yet checked in, each with a name full of characters that HTML
    escapes: the digest is cut to fit one message, never inside an entity or a tag."""
    await h.add_unit("VP", f"Văn phòng {PAYLOAD}")
    await h.add_unit("VP-A", f"Phòng {PAYLOAD} " + "&" * 120, "VP")
    await h.register(5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    for n in range(30):
        await h.register(1100 + n, f"Cán Bộ {n:02d} " + "<&>" * 30, unit="VP-A" if n % 2 else "VP")
    lead = h.emu.user(5001, "Lãnh đạo", started=True)
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    h.clock.set(monday)
    await run_job(jobs(h), "leader_digests", monday)
    await sender(h).drain()
    card, chart = h.emu.messages(5001)
    assert card.text.startswith("Bản tổng hợp tuần") and "Cán Bộ 00 <&><&>" in card.text and chart.photo
    await lead.send("/unit")
    unit_card, _chart = lead.since_last_action
    assert f"Phòng {PAYLOAD}" in unit_card.text
    sweep(h)


async def test_a_report_caption_with_a_long_unit_name_keeps_valid_markup(h: Harness) -> None:
    name = "Phòng " + "<&>" * 80  # 246 characters, over a thousand once escaped
    await h.add_unit("VP", name)
    await h.register(5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    lead = h.emu.user(5001, "Lãnh đạo")
    await lead.send("/report")
    [report] = lead.since_last_action
    assert report.document.file_name.endswith(".docx") and report.text.startswith("Báo cáo năm 2026")
    assert name in docx_text(report.document.data)
    sweep(h)

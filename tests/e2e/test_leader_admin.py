"""Leader and admin tools as people use them, over the fake Bot API: /unit, /nominate,
/report, /dashboard, /announce (drained through the outbox), /units, /invites, /role,
/audit, /mydata and /forget; and who may do what."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import docx
import openpyxl
from sqlmodel import col, select

from bot.channels.telegram.callbacks import NominateAct, NominateCB, NudgeCB, UnitCB
from bot.services.checkin import CheckinService, week_key
from scheduler.outbox import OutboxSender
from storage.awards import Nomination
from storage.delivery import OutboxMessage, OutboxStatus
from storage.models import AuditEntry, CheckIn, Level, Role, Unit, User
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.render.docx_checks import check_decree30

DENIED = "Xin lỗi, chức năng này không dành cho vai trò của đồng chí"
ACHIEVEMENT = "Năm 2026, Phòng Tổng hợp số hóa toàn bộ hồ sơ một cửa, không để trễ hạn hồ sơ nào."


async def checked_in(h: Harness, user: User) -> None:
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        me = await s.get(User, user.id)
        week = svc.current_week(me)
        for g in h.rt.campaign.individual_criteria:
            await svc.answer(me, week, g.code, Level.good)
        await svc.finish(me, week)


async def unit_id(h: Harness, code: str) -> int:
    async with h.sessionmaker() as s:
        return (await s.exec(select(Unit.id).where(Unit.code == code))).one()


async def audit(h: Harness, outcome: str = "refused") -> list[AuditEntry]:
    async with h.sessionmaker() as s:
        return list(
            (await s.exec(select(AuditEntry).where(AuditEntry.outcome == outcome).order_by(col(AuditEntry.id)))).all()
        )


async def admin(h: Harness):  # noqa: ANN201
    await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    return h.emu.user(ADMIN_ID, "Quản trị", started=True)


async def test_unit_figures_with_sub_units_and_a_chart(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("VP-TH", "Phòng Tổng hợp", "VP")
    await h.add_unit("SO-B", "Sở Nông nghiệp và Môi trường B")
    await h.register(31001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    await h.register(31002, "Lãnh Đạo Sở B", unit="SO-B", role=Role.leader)
    for n in range(3):
        await checked_in(h, await h.register(31100 + n, f"Chuyên Viên {n}", unit="VP-TH"))
    week = week_key(h.clock.now().date())
    h.clock.set(h.clock.now() + timedelta(days=7))  # that week is now the last closed one
    lead = h.emu.user(31001, "Lãnh đạo")
    await lead.send("/unit")
    card, chart = lead.since_last_action
    assert "<b>Văn phòng Bộ</b>" in card.html and f"tuần {week % 100}" in card.text
    assert "Đã tự đánh giá: 3/4 (75%)" in card.text and "Theo nhóm tiêu chuẩn" in card.text
    assert "• Phòng Tổng hợp: 3/3 (100%)" in card.text
    assert chart.photo is not None and chart.photo.data[:4] == b"\x89PNG"
    [edited] = await lead.press("🔎 Phòng Tổng hợp", message=card)
    assert edited.message_id == card.message_id and "<b>Phòng Tổng hợp</b>" in edited.html
    assert "Số liệu theo tiêu chuẩn được ẩn" not in edited.text  # 3 answered: shown
    [back] = await lead.press("⬆ Văn phòng Bộ", message=card)
    assert "<b>Văn phòng Bộ</b>" in back.html
    [new_chart] = await lead.press("📊 Biểu đồ", message=card)
    assert new_chart.photo is not None and new_chart.message_id not in (card.message_id, chart.message_id)

    # The leader of SO-B forges a button for VP-TH: refused, and the refusal is audited.
    other = h.emu.user(31002, "Sở B")
    await other.send("/unit")
    assert "Số liệu theo tiêu chuẩn được ẩn" in other.since_last_action[0].text  # 1 member: withheld
    await other.press_data(UnitCB(u=await unit_id(h, "VP-TH"), w=week).pack())
    assert other.last_answer.show_alert and DENIED in other.last_answer.text
    await other.send("/unit VP")
    assert DENIED in other.last.text
    assert [(a.actor_telegram_id, a.action) for a in await audit(h)] == [(31002, "view_unit"), (31002, "view_unit")]


async def test_nominate_within_the_quota_and_the_admin_exports(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(32001, "Lãnh Đạo Một", unit="VP", role=Role.leader)
    boss = await admin(h)
    lead = h.emu.user(32001, "Lãnh đạo")
    await lead.send("/nominate")
    # §IV.2.1: the annual round goes on after the campaign's period (ended 31/12/2025).
    assert "Khen thưởng năm 2026 (§IV.2.1)" in lead.last.text and "Mở đến hết ngày 31/12/2026" in lead.last.text

    await boss.send("/nominations add 10/12/2026 Khen thưởng năm 2026")
    assert "Đã mở đợt số 1: Khen thưởng năm 2026, năm 2026, đến hết ngày 10/12/2026" in boss.last.text

    await lead.send("/nominate")
    await lead.press("Khen thưởng năm 2026")
    card = lead.last
    assert "Đề nghị khen thưởng: Khen thưởng năm 2026" in card.text and "đã dùng 0/2" in card.text
    await lead.press("➕ Đề nghị một tập thể")
    assert "nhập tên tập thể" in lead.last.text
    await lead.send("Phòng Tổng hợp")
    assert "nhập thành tích của Phòng Tổng hợp" in lead.last.text
    await lead.send("ngắn")
    assert "20 đến 3000 ký tự; nội dung vừa gửi có 4 ký tự" in lead.last.text  # refused; the step waits
    await lead.send(ACHIEVEMENT)
    saved, card = lead.since_last_action
    assert "Đã lưu đề nghị" in saved.text and "đã dùng 1/2" in card.text and "1. Tập thể: Phòng Tổng hợp" in card.text
    await lead.press("➕ Đề nghị một cá nhân")
    await lead.send("Nguyễn Thị Lan, Chuyên viên chính")
    await lead.send(ACHIEVEMENT)
    card = lead.last
    assert "đã dùng 2/2" in card.text and not any("➕" in b for b in card.button_texts)
    # A stale "add" button from the first card: the quota holds.
    first_card = [
        m
        for m in lead.messages
        if m.reply_markup
        and any(b == "➕ Đề nghị một cá nhân" for b in m.button_texts)
        and "Khen thưởng năm 2026" in m.text
    ][0]
    await lead.press("➕ Đề nghị một cá nhân", message=first_card)
    assert lead.last_answer.show_alert and "tối đa theo Kế hoạch" in lead.last_answer.text
    # Withdraw one, then its slot takes another.
    await lead.press("↩ Rút đề nghị 1", message=card)
    await lead.press("↩ Đồng ý rút")
    assert lead.last_answer.text == "Đã rút đề nghị." and "đã dùng 1/2" in lead.last.text
    await lead.press("🔁 Thay đề nghị 2")
    await lead.press("Một tập thể")
    await lead.send("Phòng Pháp chế")
    await lead.send(ACHIEVEMENT)
    assert "Đã thay thế" in lead.since_last_action[0].text and "2. Tập thể: Phòng Pháp chế" in lead.last.text
    async with h.sessionmaker() as s:
        rows = (await s.exec(select(Nomination).order_by(col(Nomination.id)))).all()
    assert [(n.nominee, n.slot, n.withdrawn_at is None) for n in rows] == [
        ("Phòng Tổng hợp", 1, False),
        ("Nguyễn Thị Lan, Chuyên viên chính", 2, False),
        ("Phòng Pháp chế", 2, True),
    ]

    # A leader of another unit forges a withdrawal: refused and audited.
    await h.register(32002, "Lãnh Đạo Khác", unit="SO-B", role=Role.leader)
    intruder = h.emu.user(32002, "Khác")
    await intruder.send("/nominate")
    await intruder.press_data(NominateCB(a=NominateAct.withdraw_yes, r="custom-1", id=rows[2].id).pack())
    assert intruder.last_answer.show_alert and DENIED in intruder.last_answer.text
    assert [(a.actor_telegram_id, a.action) for a in await audit(h)] == [(32002, "nominate")]

    await boss.send("/nominations")
    await boss.press("Khen thưởng năm 2026")
    assert "<b>VP</b> — Văn phòng Bộ" in boss.last.html and "2. Tập thể: Phòng Pháp chế" in boss.last.text
    await boss.press("⬇ Tệp Excel (XLSX)")
    book = openpyxl.load_workbook(io.BytesIO(boss.last.document.data))
    cells = [[c.value for c in row] for row in book.active.iter_rows(min_row=4)]
    assert [r[1] for r in cells] == ["Phòng Pháp chế"] and cells[0][8] == "Lãnh Đạo Một"
    assert cells[0][4] == "Bằng khen của Bộ trưởng Bộ Nông nghiệp và Môi trường"  # the file's award, MINISTRY_NAME
    await boss.press("⬇ Tệp CSV")
    assert (
        boss.last.document.data.decode("utf-8-sig")
        .splitlines()[1]
        .startswith("VP,Văn phòng Bộ,2,Tập thể,Phòng Pháp chế")
    )
    assert {a.action for a in await audit(h, "ok")} >= {
        "round.add",
        "nomination.add",
        "nomination.withdraw",
        "nomination.replace",
        "nomination.export.xlsx",
        "nomination.export.csv",
    }


async def test_report_is_a_word_document(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(33001, "Lãnh Đạo Báo Cáo", unit="VP", role=Role.leader)
    for n in range(3):
        await checked_in(h, await h.register(33100 + n, f"Chuyên Viên {n}", unit="VP"))
    lead = h.emu.user(33001, "Lãnh đạo")
    await lead.send("/report")
    doc_message = lead.last
    assert doc_message.document is not None and doc_message.document.file_name.endswith("_VP_2026.docx")
    assert "Báo cáo năm 2026, Văn phòng Bộ" in doc_message.text and "trước ngày 15 tháng 12" in doc_message.text
    document = docx.Document(io.BytesIO(doc_message.document.data))
    texts = [p.text for p in document.paragraphs]
    header = [p.text for c in document.tables[0].rows[0].cells for p in c.paragraphs]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "VĂN PHÒNG BỘ" in header
    assert "BÁO CÁO" in texts and any("đạt 75,0%" in t for t in texts)
    check_decree30(doc_message.document.data)  # A4, margins, fonts, the heading on one line, page numbers
    assert "Tự đánh giá theo tiêu chuẩn tập thể (mục IV.1.1): 0/6 tiêu chuẩn đã đánh giá." in doc_message.text
    await lead.press("Báo cáo năm 2025")
    assert lead.last.document.file_name.endswith("_VP_2025.docx")
    employee = h.emu.user(33100, "Chuyên viên")
    await employee.send("/report")
    assert DENIED in employee.last.text


async def test_dashboard_and_its_xlsx(h: Harness) -> None:
    """/dashboard opens on the last complete week, as the digest does: on a Monday the week
    just begun would show every unit at 0% and an empty chart."""
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("SO-B", "Sở B")
    for n in range(2):
        await checked_in(h, await h.register(34100 + n, f"Chuyên Viên {n}", unit="VP"))
    await h.register(34200, "Người Sở B", unit="SO-B")
    boss = await admin(h)
    h.clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # Monday 08:00: week 49 has just begun
    await boss.send("/dashboard")
    text, chart = boss.since_last_action
    assert "Tự đánh giá toàn ngành, tuần 48 (23/11–29/11/2026)" in text.text and "Toàn ngành: 2/3 (67%)" in text.text
    assert "vắng có lý do" not in text.text  # no zero counts
    assert "VP</code> Văn phòng Bộ: 2/2 (100%)" in text.html and "SO-B</code> Sở B: 0/1 (0%)" in text.html
    assert chart.photo is not None and "tuần 48" in chart.text
    # The week in progress is one tap away, and says so.
    [now] = await boss.press("Tuần sau ▶", message=text)
    assert "tuần 49 (30/11–06/12/2026), đang diễn ra" in now.text and "Toàn ngành: 0/3 (0%)" in now.text
    assert not any("Tuần sau" in b for b in now.button_texts)
    [now_chart] = await boss.press("📊 Biểu đồ", message=text)
    assert now_chart.photo is not None and "tuần 49 (30/11–06/12/2026), đang diễn ra" in now_chart.text
    [year] = await boss.press("Năm 2026", message=text)
    assert "năm 2026" in year.text and year.message_id == text.message_id
    [back] = await boss.press("Tuần trước", message=text)
    assert "tuần 48 (23/11–29/11/2026)" in back.text and "đang diễn ra" not in back.text
    await boss.press("⬇ Tệp Excel (XLSX)")
    book = openpyxl.load_workbook(io.BytesIO(boss.last.document.data))
    rows = [[c.value for c in r] for r in book.active.iter_rows(min_row=4) if r[0].value or r[1].value]
    assert rows[0][:2] == ["SO-B", "Sở B"] or rows[0][:2] == ["VP", "Văn phòng Bộ"]
    assert rows[-1][1] == "Toàn ngành" and rows[-1][4:7] == [3, 2, 0]
    assert "sector.export.xlsx" in {a.action for a in await audit(h, "ok")}


async def skipped(h: Harness, user: User) -> None:
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        me = await s.get(User, user.id)
        await svc.skip(me, svc.current_week(me), "leave")


def monday_digest(h: Harness, monday: datetime):  # noqa: ANN201 - the Monday job, then the outbox drained
    from scheduler.jobs import JobContext, run_job

    async def run() -> None:
        h.clock.set(monday)
        await run_job(JobContext(h.sessionmaker, h.clock, h.rt.campaign, h.rt.settings), "leader_digests", monday)
        await drain(h)

    return run()


async def drain(h: Harness) -> None:
    assert h.rt.bot is not None
    await OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=20).drain(timeout=20)


async def test_a_newcomer_counts_from_the_week_they_joined(h: Harness) -> None:
    """A leader onboarded on Tuesday 01/12 is expected from week 49 on: the digest compares
    with a week 48 they were not part of, /unit's week 48 and trend leave them out, /history
    starts with their first week, and /dashboard's weeks add up to its year."""
    h.clock.set(datetime(2026, 11, 11, 2, 0, tzinfo=UTC))  # Wednesday of week 46
    await h.add_unit("VP", "Văn phòng Bộ")
    members = [await h.register(39100 + n, f"Cán Bộ {n}", unit="VP") for n in range(3)]
    for wednesday in (
        datetime(2026, 11, 11, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 18, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
    ):
        h.clock.set(wednesday)
        for m in members:
            await checked_in(h, m)
    h.clock.set(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))  # Tuesday 01/12, week 49
    await h.register(39001, "Lãnh Đạo Mới", unit="VP", role=Role.leader)
    await checked_in(h, members[0])
    await checked_in(h, members[1])
    await skipped(h, members[2])
    lead = h.emu.user(39001, "Lãnh đạo mới", started=True)
    await monday_digest(h, datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # Monday 08:00 of week 50

    card, chart = h.emu.messages(39001)
    assert "Bản tổng hợp tuần, tuần 49" in card.text
    assert "Đã tự đánh giá: 2/4 (50%); tuần trước 3/3 (100%) ↓" in card.text  # week 48 was 3/3, not 3/4
    assert "Vắng có lý do: 1" in card.text and "tạm dừng" not in card.text.lower()
    assert chart.photo is not None

    await lead.send("/unit")
    unit_card, _chart = lead.since_last_action
    assert "tuần 49" in unit_card.text and "Đã tự đánh giá: 2/4 (50%) · vắng có lý do: 1" in unit_card.text
    assert "4 tuần gần nhất: 100% · 100% · 100% · 50%" in unit_card.text  # from week 46, the unit's first
    [week48] = await lead.press("◀ Tuần trước", message=unit_card)
    assert "tuần 48" in week48.text and "Đã tự đánh giá: 3/3 (100%)" in week48.text and "vắng" not in week48.text

    # /history: the newcomer's two weeks, none from before.
    await lead.send("/history")
    [table] = lead.since_last_action  # nothing answered yet: no chart
    assert "Kết quả tự đánh giá từ khi tham gia: 2 tuần" in table.text
    assert "tuần 48" not in table.text and table.text.count("— chưa tự đánh giá") == 1  # week 49 only
    assert "… chưa tự đánh giá, phiếu mở đến hết Chủ nhật  tuần 50" in table.text and "<code>" not in table.html
    await checked_in(h, await _user(h, 39001))
    await lead.send("/history")
    table, chart = lead.since_last_action
    assert "🟢🟢🟢🟢🟢🟢🟢  tuần 50" in table.text and "Mỗi dòng là các nhóm a, b, c, d, đ, e, f" in table.text
    assert chart.photo is not None

    # /dashboard: the last complete week, and a year that is the sum of its weeks.
    boss = await admin(h)
    await boss.send("/dashboard")
    text, _chart = boss.since_last_action
    assert "tuần 49" in text.text and "Toàn ngành: 2/4 (50%) · vắng có lý do: 1 · số người: 4" in text.text
    [w48] = await boss.press("◀ Tuần trước", message=text)
    assert "Toàn ngành: 3/3 (100%) · số người: 4" in w48.text
    [year] = await boss.press("Năm 2026", message=text)
    # Weeks 46–48: 3/3 each; 49: 2/4 and 1 absent; 50 (begun): 1/4 — the year adds them up.
    assert "Toàn ngành: 12/17 (71%) · vắng có lý do: 1 · số người: 4" in year.text


async def _user(h: Harness, telegram_id: int) -> User:
    async with h.sessionmaker() as s:
        return (await s.exec(select(User).where(User.telegram_id == telegram_id))).one()


async def test_the_digest_names_what_needs_attention_and_marks_used_nudges(h: Harness) -> None:
    """Reminders are queued, so the leader reads that they are scheduled; a used nudge
    button turns into "✓ Đã xếp lịch nhắc: …", and a second tap says it was already sent today."""
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(39501, "Hoàng Trưởng", unit="VP", role=Role.leader)
    members = [await h.register(39510 + n, f"Cán Bộ {n}", unit="VP") for n in range(6)]
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        for n, m in enumerate(members[:3]):
            week = svc.current_week(m)
            for g in h.rt.campaign.individual_criteria:
                await svc.answer(
                    m,
                    week,
                    g.code,
                    Level.not_met if (n, g.code) == (0, "b") else Level.ok if (n, g.code) == (1, "c") else Level.good,
                )
            await svc.finish(m, week)
    await skipped(h, members[3])
    async with h.sessionmaker() as s:
        from bot.services.deadlines import DeadlineService

        await DeadlineService(s, h.clock, h.rt.campaign).add(
            date(2026, 12, 10), "Báo cáo sơ kết văn hóa công sở", None, 1, date(2026, 11, 25)
        )
    for m in members:
        h.emu.user(m.telegram_id, "CB", started=True)  # type: ignore[arg-type]
    lead = h.emu.user(39501, "Trưởng", started=True)
    await monday_digest(h, datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    card = h.emu.messages(39501)[0]
    assert "Đã tự đánh giá: 3/7 (43%)" in card.text and "Vắng có lý do: 1" in card.text
    assert "tuần trước" not in card.text  # nobody had joined the week before: no "0/0 (—)" to compare with
    assert "tạm dừng" not in card.text.lower() and ": 0" not in card.text
    assert "⚠️ Cần quan tâm: b) " in card.text and "nhiều câu trả lời Chưa đạt nhất (33%)" in card.text
    assert "<b>b) " in card.html and "<b>c) " not in card.html  # its line stands out
    assert "• 10/12/2026: Báo cáo sơ kết văn hóa công sở" in card.text
    assert card.button_texts == ["🔔 Nhắc tất cả người chưa tự đánh giá (2)", "🔔 Cán Bộ 4", "🔔 Cán Bộ 5"]

    await lead.press("🔔 Cán Bộ 4", message=card)
    assert (
        lead.last_answer.text == "Đã xếp lịch gửi lời nhắc tới đồng chí Cán Bộ 4; lời nhắc sẽ được gửi trong ít phút."
    )
    assert card.button_texts == [
        "🔔 Nhắc tất cả người chưa tự đánh giá (2)",
        "✓ Đã xếp lịch nhắc: Cán Bộ 4",
        "🔔 Cán Bộ 5",
    ]
    assert "Bản tổng hợp tuần" in card.text  # the text stays; only the buttons changed
    await lead.press("✓ Đã xếp lịch nhắc: Cán Bộ 4", message=card)
    assert lead.last_answer.text == "Đồng chí Cán Bộ 4 đã được nhắc hôm nay; lời nhắc sẽ được gửi trong ít phút."
    await drain(h)
    assert "Lãnh đạo đơn vị nhắc" in h.emu.user(members[4].telegram_id).last.text  # type: ignore[arg-type]
    await lead.press("✓ Đã xếp lịch nhắc: Cán Bộ 4", message=card)
    assert lead.last_answer.text == "Đồng chí Cán Bộ 4 đã được nhắc hôm nay; lời nhắc đã được gửi."

    await lead.press("🔔 Nhắc tất cả người chưa tự đánh giá (2)", message=card)
    assert lead.last_answer.text == (
        "Đã xếp lịch gửi 1 lời nhắc; lời nhắc sẽ được gửi trong ít phút. 1 người đã được nhắc hôm nay."
    )
    assert card.button_texts == [
        "✓ Đã xếp lịch nhắc người chưa tự đánh giá (2)",
        "✓ Đã xếp lịch nhắc: Cán Bộ 4",
        "✓ Đã xếp lịch nhắc: Cán Bộ 5",
    ]
    async with h.sessionmaker() as s:
        keys = (await s.exec(select(OutboxMessage.key).where(col(OutboxMessage.key).startswith("leader-nudge:")))).all()
    assert len(keys) == 2  # one reminder each, whatever the taps
    # Cán Bộ 5 does this week's self-assessment; the next tap says so, and reminds nobody.
    await checked_in(h, members[5])
    await lead.press("✓ Đã xếp lịch nhắc người chưa tự đánh giá (2)", message=card)
    assert (
        lead.last_answer.text
        == "Không có lời nhắc mới. 1 người đã được nhắc hôm nay. 1 người đã tự đánh giá trong tuần này."
    )
    assert card.button_texts[2] == "✓ Cán Bộ 5: không cần nhắc"
    # A week in which nobody was missing (forged: its digest had no button): said plainly.
    await lead.press_data(NudgeCB(m=0, w=202647).pack(), message=card)
    assert lead.last_answer.text == "Không có ai cần nhắc: mọi người đều đã tự đánh giá hoặc vắng có lý do."


async def test_announce_through_the_outbox_with_a_confirmation(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("VP-TH", "Phòng Tổng hợp", "VP")
    await h.register(35001, "Lãnh Đạo Một", unit="VP", role=Role.leader)
    await h.register(35002, "Lãnh Đạo Hai", unit="VP-TH", role=Role.leader, locale="en")
    await h.register(35003, "Chuyên Viên", unit="VP")
    await h.register(35004, "Lãnh Đạo Sở", unit="SO-B", role=Role.leader)
    one, two = h.emu.user(35001, "Một", started=True), h.emu.user(35002, "Two", started=True, language_code="en")
    h.emu.user(35003, "Chuyên viên", started=True)
    h.emu.user(35004, "Sở", started=True)
    boss = await admin(h)
    await boss.send("/announce")
    await boss.press("Lãnh đạo đơn vị")
    assert "Đơn vị nào?" in boss.last.text
    await boss.send("VP")
    assert "Gửi tới: Lãnh đạo đơn vị, Văn phòng Bộ" in boss.last.text
    await boss.send("Họp giao ban văn hóa công sở lúc 8 giờ sáng thứ Hai. <b>Mời</b> đồng chí dự.")
    preview = boss.last
    assert "số người nhận: 2" in preview.text and "&lt;b&gt;Mời&lt;/b&gt;" in preview.html  # typed text is escaped
    async with h.sessionmaker() as s:
        assert (await s.exec(select(OutboxMessage))).all() == []  # nothing before the confirmation
    send = preview.buttons[0][0][1]
    await boss.press("📣 Gửi tới 2 người")
    assert "đưa vào hàng đợi gửi tới 2 người" in boss.last.text
    await boss.press_data(send, message=preview)  # a second tap on "Send"
    assert boss.last_answer.text == "Nút này không còn hiệu lực."
    async with h.sessionmaker() as s:
        rows = (await s.exec(select(OutboxMessage))).all()
    assert len(rows) == 2 and all(r.key.startswith("announce:") for r in rows)
    assert h.rt.bot is not None
    await OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=20).drain(timeout=20)
    assert (
        "📣 Thông báo của Vụ Thi đua, Khen thưởng và Tuyên truyền" in one.last.text and "Họp giao ban" in one.last.text
    )
    assert "📣 Announcement from" in two.last.text  # each reads the heading in their language
    assert h.emu.messages(35003) == [] and h.emu.messages(35004) == []
    assert "Đã gửi xong thông báo: tổng số 2 tin, đã gửi 2 tin" in boss.last.text
    async with h.sessionmaker() as s:
        assert {r.status for r in (await s.exec(select(OutboxMessage))).all()} == {OutboxStatus.sent}
    assert "announce" in {a.action for a in await audit(h, "ok")}


async def test_units_roles_invitations_and_the_audit_log(h: Harness) -> None:
    boss = await admin(h)
    await boss.send("/units add VP - Văn phòng Bộ")
    assert "Đã thêm đơn vị: VP Văn phòng Bộ" in boss.last.text
    await boss.send("/units import")
    await boss.send_document(
        "code,name,parent_code,kind\nVP-TH,Phòng Tổng hợp,VP,division\nSO-HT,Sở Hà Tĩnh,,province_dept\n".encode(),
        "don-vi.csv",
        "text/csv",
    )
    assert "thêm mới 2, cập nhật 0" in boss.last.text
    await boss.send("/units")
    assert "VP-TH" in boss.last.text and "SO-HT" in boss.last.text
    lan = await h.register(36001, "Nguyễn Thị Lan", unit="VP-TH")
    h.emu.user(36001, "Lan", started=True)
    await boss.send("/units show VP-TH")
    assert f"số {lan.id} Nguyễn Thị Lan, Chuyên viên — cán bộ, công chức, viên chức" in boss.last.text
    await boss.press("Nguyễn Thị Lan · cán bộ, công chức, viên chức")
    await boss.press("lãnh đạo đơn vị")
    assert "Nguyễn Thị Lan nay có vai trò lãnh đạo đơn vị" in boss.last.text
    assert "giao cho đồng chí vai trò lãnh đạo đơn vị" in h.emu.user(36001).last.text
    assert ("unit", "Số liệu của đơn vị") in h.emu.user(36001).commands  # her menu follows
    await boss.send(f"/role {lan.id} admin")
    assert "khai báo trong cấu hình" in boss.last.text

    await boss.send("/invite VP-TH employee 7 5")
    await boss.send("/invites")
    listing = boss.last  # Lan's (used, unlimited) and the new one, newest first
    assert "Đường dẫn mời còn hiệu lực</b> (2)" in listing.html and listing.button_texts == [
        "Thu hồi số 2",
        "Thu hồi số 1",
    ]
    assert "• số 2: VP-TH, cán bộ, công chức, viên chức; hiệu lực đến 02/12/2026; đã dùng 0/5" in listing.text
    await boss.press("Thu hồi số 2")
    assert boss.last_answer.text == "Đã thu hồi lời mời số 2: đường dẫn không còn hiệu lực."
    await boss.send("/invites")
    assert "(1); đã thu hồi, hết hạn hoặc hết lượt: 1" in boss.last.text

    employee = h.emu.user(36002, "Khách")
    await h.register(36002, "Chuyên Viên Tò Mò", unit="VP")
    await employee.send("/units")
    await boss.send("/audit")
    log = boss.last.text
    assert (
        "role.change" in log
        and "invite.revoke" in log
        and "unit.import" in log
        and "manage_units · refused · 36002" in log
    )
    await boss.send("/audit refused")
    assert "role.change" not in boss.last.text and "manage_units" in boss.last.text


async def test_mydata_and_forget(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    me = await h.register(37001, "Trần Thị Riêng", unit="VP")
    others = [await h.register(37100 + n, f"Đồng Nghiệp {n}", unit="VP") for n in range(3)]
    for person in [me, *others]:
        await checked_in(h, person)
    user = h.emu.user(37001, "Riêng")
    await user.send("/mydata")
    data = json.loads(user.last.document.data)
    assert data["profile"]["full_name"] == "Trần Thị Riêng" and len(data["checkins"]) == 1
    assert len(data["checkins"][0]["answers"]) == len(h.rt.campaign.individual_criteria)
    await user.send("/forget")
    assert "Xóa dữ liệu của đồng chí?" in user.last.text
    await user.press("✖ Hủy")
    async with h.sessionmaker() as s:
        assert await s.get(User, me.id) is not None
    await user.send("/forget")
    await user.press("🗑 Xóa, kể cả các gương điển hình tôi đã gửi")
    assert "Đã xóa dữ liệu của đồng chí: 1 phiếu tự đánh giá" in user.last.text
    async with h.sessionmaker() as s:
        assert (await s.exec(select(User).where(User.telegram_id == 37001))).first() is None
        rows = (await s.exec(select(CheckIn).where(col(CheckIn.user_id).is_(None)))).all()
        assert len(rows) == 1 and rows[0].unit_id == me.unit_id
        entries = (await s.exec(select(AuditEntry).where(col(AuditEntry.action).startswith("privacy.")))).all()
    assert [(e.action, e.actor_telegram_id) for e in entries] == [("privacy.export", None), ("privacy.forget", None)]
    assert all("Riêng" not in e.detail and "37001" not in e.detail for e in entries)
    await user.send("/help")
    assert "chưa đăng ký" in user.last.text


async def test_forget_midway_through_setting_up(h: Harness) -> None:
    """Data rights start with consent: someone who agreed and then stopped halfway can
    still download and erase what was stored."""
    from storage.models import ConsentRecord, FsmRecord

    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    lan = h.emu.user(37501, "Lan")
    await lan.send(f"/start {token}")
    await lan.press("✅ Tôi đồng ý")
    await lan.press("🇻🇳 Tiếng Việt")
    assert "họ và tên" in lan.last.text
    await lan.send("/mydata")
    data = json.loads(lan.last.document.data)
    assert data["profile"]["telegram_id"] == 37501 and data["profile"]["onboarded_at"] is None
    await lan.send("/forget")
    await lan.press("🗑 Xóa, kể cả các gương điển hình tôi đã gửi")
    assert "Đã xóa dữ liệu của đồng chí" in lan.last.text
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0 and await h.count(FsmRecord) == 0
    await lan.send("/help")
    assert "chưa đăng ký" in lan.last.text


COMMANDS = {
    "/unit": {Role.leader, Role.admin},
    "/nominate": {Role.leader},
    "/report": {Role.leader},
    "/dashboard": {Role.admin},
    "/announce": {Role.admin},
    "/nominations": {Role.admin},
    "/units": {Role.admin},
    "/invites": {Role.admin},
    "/role 1 comms": {Role.admin},
    "/audit": {Role.admin},
    "/consolidated": {Role.admin},
    "/eligibility": {Role.admin},
    "/dossier": {Role.leader, Role.admin},
    "/mydata": {Role.employee, Role.leader, Role.comms, Role.admin},
}


async def test_who_may_do_what(h: Harness) -> None:
    """Each role tries each command: refusals get a clear reply and an audit entry; an
    outsider gets how to register, and nothing about them is stored."""
    await h.add_unit("VP", "Văn phòng Bộ")
    people = {
        Role.employee: await h.register(38001, "Nhân Viên", unit="VP"),
        Role.leader: await h.register(38002, "Lãnh Đạo", unit="VP", role=Role.leader),
        Role.comms: await h.register(38003, "Truyền Thông", unit="VP", role=Role.comms),
        Role.admin: await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin),
    }
    refusals = 0
    for role, person in people.items():
        chat = h.emu.user(person.telegram_id, role.value)
        for command, allowed in COMMANDS.items():
            await chat.send(command)
            replies = chat.since_last_action
            assert replies, (role, command)
            denied = any(DENIED in (m.text or "") for m in replies)
            assert denied == (role not in allowed), (role, command, replies[0].text)
            refusals += denied
            await chat.send("/cancel")
    entries = await audit(h)
    assert len(entries) == refusals and all(
        e.actor_telegram_id in {p.telegram_id for p in people.values()} for e in entries
    )
    outsider = h.emu.user(38999, "Người lạ")
    for command in COMMANDS:
        await outsider.send(command)
        assert "chưa đăng ký" in outsider.last.text
    assert len(await audit(h)) == refusals  # an outsider's attempts store nothing (no consent)
    async with h.sessionmaker() as s:
        assert (await s.exec(select(User).where(User.telegram_id == 38999))).first() is None

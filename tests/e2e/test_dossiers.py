"""Nomination dossiers and eligibility as a leader and an administrator meet them, over
the fake Bot API: the leader's card sends the dossier (cover, list, achievement reports,
each a Decree 30 document); an administrator flags a person, and the leader's nomination
of that person is refused with the reason; a withdrawn nomination's dossier is refused."""

from __future__ import annotations

from sqlmodel import col, select

from storage.awards import Nomination
from storage.models import AuditEntry, Role, User
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.render.docx_checks import all_text, check_decree30

ACHIEVEMENT = "Năm 2026, Phòng Tổng hợp số hóa toàn bộ hồ sơ một cửa, không để trễ hạn hồ sơ nào."


async def test_dossier_eligibility_and_refusals(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("VP-TH", "Phòng Tổng hợp", "VP")
    await h.register(40001, "Nguyễn Văn Chánh", unit="VP", role=Role.leader)
    lan = await h.register(40100, "Nguyễn Thị Lan", unit="VP-TH")
    await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    boss = h.emu.user(ADMIN_ID, "Quản trị", started=True)
    lead = h.emu.user(40001, "Lãnh đạo")
    await boss.send("/units doc VP VP Hà Nội")
    assert "“Số: …/BC-VP”, “Hà Nội, ngày … tháng … năm …”" in boss.last.text
    await boss.send("/nominations add 10/12/2026 Khen thưởng chuyên đề năm 2026")

    await lead.send("/nominate")
    await lead.press("Khen thưởng chuyên đề năm 2026")  # beside the annual round, open year by year
    await lead.press("➕ Đề nghị một tập thể")
    await lead.send("Phòng Tổng hợp")
    await lead.send(ACHIEVEMENT)
    await lead.press("➕ Đề nghị một cá nhân")
    await lead.send("Nguyễn Thị Lan, Chuyên viên")
    await lead.send(ACHIEVEMENT)
    card = lead.last
    assert "đã dùng 2/2" in card.text
    sent = await lead.press("📄 Hồ sơ (Nghị định 98/2023)", message=card)
    names = [m.document.file_name for m in sent if m.document]
    assert names[:2] == ["to-trinh_VP_custom-1.docx", "danh-sach_VP_custom-1.docx"]
    assert [n.split("_")[1] for n in names[2:]] == ["mau-02", "mau-03"]
    for m in sent:
        check_decree30(m.document.data)
    assert "Tờ trình: Văn phòng Bộ, Khen thưởng chuyên đề năm 2026." in sent[0].text
    assert "Báo cáo thành tích (Mẫu 03, Nghị định 98/2023): Nguyễn Thị Lan, Chuyên viên." in sent[3].text
    listing = all_text(check_decree30(sent[1].document.data))
    assert "Nguyễn Thị Lan" in listing and "Số: …/DS-VP" in listing

    # The standing agency flags Lan (Decree 98, Art. 4): her dossier and a new nomination are refused.
    await boss.send(f"/eligibility person {lan.id} Đang bị xem xét kỷ luật")
    assert (
        "Đã ghi nhận chưa đủ điều kiện khen thưởng (số 1): Nguyễn Thị Lan. Lý do: Đang bị xem xét kỷ luật."
        in boss.last.text
    )
    async with h.sessionmaker() as s:
        rows = (await s.exec(select(Nomination).order_by(col(Nomination.id)))).all()
    collective, individual = rows
    await lead.send(f"/dossier {individual.id}")
    refusal = (
        "Không thể đề nghị khen thưởng Nguyễn Thị Lan: cơ quan thường trực đã ghi nhận trường hợp này chưa đủ "
        "điều kiện khen thưởng (Đang bị xem xét kỷ luật; Điều 4 Nghị định số 98/2023/NĐ-CP)."
    )
    assert lead.last.text.startswith(refusal)
    await lead.send("/nominate")
    await lead.press(f"↩ Rút đề nghị {individual.slot}")
    await lead.press("↩ Đồng ý rút")
    await lead.press("➕ Đề nghị một cá nhân")
    await lead.send("Nguyễn Thị Lan, Chuyên viên")
    assert lead.last.text.startswith(refusal)  # refused at the name, before the achievements are typed
    await lead.send("Trần Văn Bình, Chuyên viên")  # the step waits for another name: nothing lost
    assert "nhập thành tích của Trần Văn Bình" in lead.last.text
    await lead.send("/cancel")

    # The withdrawn nomination's dossier: refused clearly.
    await boss.send(f"/dossier {individual.id}")
    assert boss.last.text == (
        "Đề nghị này đã được rút ngày 25/11/2026 nên không có hồ sơ. Gửi /nominate để xem các đề nghị hiện có."
    )
    # An administrator gets any unit's papers; an employee none.
    await boss.send("/dossier custom-1 VP")
    assert [m.document.file_name for m in boss.since_last_action] == [
        "to-trinh_VP_custom-1.docx",
        "danh-sach_VP_custom-1.docx",
    ]
    await boss.send(f"/dossier {collective.id}")
    assert boss.last.document.file_name == f"bao-cao-thanh-tich_mau-02_{collective.id}.docx"
    employee = h.emu.user(40100, "Lan")
    await employee.send(f"/dossier {collective.id}")
    assert "không dành cho vai trò của đồng chí" in employee.last.text
    async with h.sessionmaker() as s:
        refused = (
            await s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused").order_by(col(AuditEntry.id)))
        ).all()
        lan_now = await s.get(User, lan.id)
    assert [a.action for a in refused] == [
        "dossier.not_eligible",
        "nomination.not_eligible",
        "dossier.withdrawn",
        "dossier",
    ]
    assert lan_now is not None and lan_now.full_name == "Nguyễn Thị Lan"


async def test_the_standing_agency_gets_the_consolidated_report(h: Harness) -> None:
    import io

    import openpyxl

    from bot.services.submissions import ReportSubmissionService
    from tests.services.test_self_assessment import PDF

    await h.add_unit("SO-A", "Sở A")
    await h.add_unit("SO-B", "Sở B")
    lead_a = await h.register(41001, "Lãnh Đạo A", unit="SO-A", role=Role.leader)
    await h.register(41002, "Lãnh Đạo B", unit="SO-B", role=Role.leader)
    await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    async with h.sessionmaker() as s:
        me = await s.get(User, lead_a.id)
        await ReportSubmissionService(s, h.clock, h.rt.campaign).submit(me, 2026, file_name="bao-cao.pdf", data=PDF)
    boss = h.emu.user(ADMIN_ID, "Quản trị", started=True)
    await boss.send("/consolidated")
    progress, docx_msg, xlsx_msg = boss.since_last_action
    assert "Báo cáo tổng hợp năm 2026" in progress.text and "Đơn vị đã gửi báo cáo: 1/2." in progress.text
    assert docx_msg.document.file_name == "bao-cao-tong-hop_2026.docx"
    body = all_text(check_decree30(docx_msg.document.data))
    assert "Các đơn vị chưa gửi báo cáo: Sở B." in body
    book = openpyxl.load_workbook(io.BytesIO(xlsx_msg.document.data))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=4, values_only=True)}
    assert summary["Số đơn vị đã gửi báo cáo"] == 1 and summary["Số người tham gia"] == 2
    lead = h.emu.user(41002, "B")
    await lead.send("/consolidated")
    assert "không dành cho vai trò của đồng chí" in lead.last.text

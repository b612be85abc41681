"""The standing agency's consolidated report (§VI.2), on SQLite and PostgreSQL: the DOCX
(Decree 30 layout) and the XLSX carry the same figures, and their totals are the database's."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from sqlmodel import col, func, select

from bot.campaign.loader import load_campaign
from bot.i18n import use_locale
from bot.render.consolidated import render_consolidated_docx, render_consolidated_xlsx
from bot.services.consolidated import ConsolidatedService, agency_code
from bot.services.nominations import NominationService
from bot.services.submissions import ReportSubmissionService
from storage.awards import NomineeKind
from storage.models import AuditEntry, CheckIn, CheckInStatus, Role, User
from tests.render.docx_checks import all_text, check_decree30, look
from tests.services.seed import person, unit
from tests.services.test_figures import check_in
from tests.services.test_reports import self_assess
from tests.services.test_self_assessment import PDF

CAMPAIGN = load_campaign()
MINISTRY = "Bộ Nông nghiệp và Môi trường"
AGENCY = "Vụ Thi đua, Khen thưởng và Tuyên truyền"


async def test_consolidated_docx_and_xlsx_totals_are_the_database(session, clock) -> None:  # noqa: ANN001
    await unit(session, clock, "SO-A")
    await unit(session, clock, "SO-A-VP", "SO-A")
    await unit(session, clock, "SO-B")
    await unit(session, clock, "SO-C")  # no leader: its people count under "the others"
    lead_a = await person(session, clock, 6001, "SO-A", Role.leader)
    await person(session, clock, 6002, "SO-A-VP", Role.leader)  # a nested reporting unit
    lead_b = await person(session, clock, 6003, "SO-B", Role.leader)
    admin = await person(session, clock, 6009, None, Role.admin)
    people = [
        await person(session, clock, 6100 + n, code)
        for n, code in enumerate(["SO-A", "SO-A-VP", "SO-A-VP", "SO-B", "SO-B", "SO-C"])
    ]
    for p in people[:5]:
        await check_in(session, clock, p)
    await self_assess(session, clock, lead_a, "good")
    await self_assess(session, clock, lead_b, "not_met")
    await ReportSubmissionService(session, clock, CAMPAIGN).submit(lead_a, 2026, file_name="bao-cao.pdf", data=PDF)
    noms = NominationService(session, clock, CAMPAIGN)
    r = await noms.add_round(admin, "Khen thưởng năm 2026", date(2026, 12, 10))
    await noms.nominate(
        lead_b,
        r.key,
        NomineeKind.individual,
        "Người Số 6104, Chuyên viên",
        "Hoàn thành xuất sắc nhiệm vụ, tận tụy với người dân trong năm 2026.",
    )

    svc = ConsolidatedService(
        session, clock, CAMPAIGN, timezone="Asia/Ho_Chi_Minh", ministry_name=MINISTRY, standing_agency=AGENCY
    )
    rep = await svc.build(2026, admin=admin)
    registered = (
        await session.exec(
            select(func.count()).select_from(User).where(col(User.onboarded_at).is_not(None), User.role != Role.admin)
        )
    ).one()
    done = (
        await session.exec(select(func.count()).select_from(CheckIn).where(CheckIn.status == CheckInStatus.done))
    ).one()
    assert rep.members == registered == 9 and rep.tally.done == done == 5
    assert [line.code for line in rep.lines] == ["SO-A", "SO-A-VP", "SO-B", ""]
    assert [line.members for line in rep.lines] == [2, 3, 3, 1]  # each person once
    assert [line.code for line in rep.not_submitted] == ["SO-A-VP", "SO-B"]
    assert rep.by_criterion["a"] == {"good": 1, "not_met": 1, "none": 1}

    data = render_consolidated_docx(rep, place="Hà Nội")
    look(data, "consolidated")
    doc = check_decree30(data)
    assert doc.tables[0].cell(1, 0).paragraphs[0].text == f"Số: …/BC-{agency_code(AGENCY)}" == "Số: …/BC-TĐKTTT"
    body = all_text(doc)
    assert "Có 3 đơn vị thuộc diện báo cáo; 1 đơn vị đã gửi báo cáo (33,3%); 2 đơn vị chưa gửi báo cáo." in body
    assert "Các đơn vị chưa gửi báo cáo: Đơn vị SO-A-VP; Đơn vị SO-B." in body
    assert "9 người tham gia; số lượt tự đánh giá đã hoàn thành là 5/9 lượt, đạt 55,6%" in body
    for g in CAMPAIGN.collective_criteria:
        assert g.short.vi in body
    assert f"Khen thưởng năm 2026: 01 đơn vị đề nghị tặng {CAMPAIGN.awards.award.vi} cho 01 cá nhân:" in body
    appendix = doc.tables[-1]
    total = [c.text for c in appendix.rows[-1].cells]
    assert total[1:6] == ["Tổng cộng", "9", "9", "5", "55,6%"] and total[-1] == "1/3"
    assert sum(int(r.cells[2].text) for r in appendix.rows[1:-1]) == 9
    assert [r.cells[-1].text for r in appendix.rows[1:-1]] == ["25/11/2026", "Chưa gửi", "Chưa gửi", ""]
    signature = [p.text for p in doc.tables[-2].cell(0, 1).paragraphs if p.text]
    assert signature == ["VỤ TRƯỞNG"]

    book = openpyxl.load_workbook(io.BytesIO(render_consolidated_xlsx(rep)))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo đơn vị",
        "Tiêu chuẩn tập thể",
        "Chưa gửi báo cáo",
        "Đề nghị khen thưởng",
    ]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=4, values_only=True)}
    assert summary["Số người tham gia"] == 9 and summary["Lượt đã tự đánh giá"] == done
    assert summary["Số đơn vị chưa gửi báo cáo"] == 2
    units = book["Theo đơn vị"]
    rows = list(units.iter_rows(min_row=2, values_only=True))
    assert rows[-1][2] == "Tổng cộng" and rows[-1][3] == 9 and rows[-1][5] == 5 and rows[-1][7] == 5 / 9
    assert sum(r[3] for r in rows[:-1]) == 9 and units["H2"].number_format == "0.0%"
    assert int(units.page_setup.paperSize) == 9 and units.print_title_rows == "$1:$1"
    noms_sheet = list(book["Đề nghị khen thưởng"].iter_rows(values_only=True))
    assert noms_sheet[0][:4] == ("STT", "Họ tên, tên tập thể", "Chức vụ, đơn vị", "Hình thức khen thưởng đề nghị")
    assert noms_sheet[1][:3] == (1, "Người Số 6104", "Chuyên viên, Đơn vị SO-B")
    # Issue 13.6: the spreadsheet is labelled in the reader's language, the figures the same.
    with use_locale("en"):
        english = openpyxl.load_workbook(io.BytesIO(render_consolidated_xlsx(rep)))
    assert english.sheetnames == ["Summary", "By unit", "Collective criteria", "Not submitted", "Nominations"]
    summary_en = {row[0]: row[1] for row in english["Summary"].iter_rows(min_row=4, values_only=True)}
    assert summary_en["People taking part"] == 9 and summary_en["Self-assessments done"] == done
    assert list(english["Nominations"].iter_rows(values_only=True))[0][:4] == (
        "No.",
        "Name of the person or collective",
        "Position, unit",
        "Proposed commendation",
    )
    audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report.consolidated"))).one()
    assert audit.detail == "year=2026 units=4"

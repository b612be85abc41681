"""The annual report draft (plan §VI.1) as a Decree 30/2020/NĐ-CP document: opened with
python-docx and checked part by part; the figures come from the database."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from sqlmodel import select

from bot.campaign.loader import load_campaign
from bot.render.report_docx import render_annual_report
from bot.services.errors import AccessDenied, InvalidInput
from bot.services.examples import ExampleService
from bot.services.nominations import NominationService
from bot.services.reports import ReportService
from storage.awards import NomineeKind
from storage.examples import ExampleCategory, ExampleSubject
from storage.models import AuditEntry, Role
from tests.services.seed import person, unit
from tests.services.test_figures import check_in

CAMPAIGN = load_campaign()
MINISTRY = "Bộ Nông nghiệp và Môi trường"
AGENCY = "Vụ Thi đua, Khen thưởng và Tuyên truyền"
STORY = "Đồng chí Lan hướng dẫn tận tình người dân làm thủ tục đất đai trực tuyến, giảm nửa thời gian chờ."
ACHIEVEMENT = "Tổ một cửa số hóa toàn bộ hồ sơ, không để trễ hạn hồ sơ nào trong năm 2026."


def service(session, clock) -> ReportService:  # noqa: ANN001
    return ReportService(session, clock, CAMPAIGN, timezone="Asia/Ho_Chi_Minh", ministry_name=MINISTRY, standing_agency=AGENCY)


def all_text(document) -> str:  # noqa: ANN001
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def has_bottom_rule(paragraph) -> bool:  # noqa: ANN001
    ppr = paragraph._p.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    return border is not None and border.find(qn("w:bottom")) is not None


@pytest.fixture
async def filled(session, clock):  # noqa: ANN001, ANN201
    """Sở TN-MT Hà Tĩnh under the ministry, a division; 3 people checked in; an approved
    example and a nomination in an admin's round."""
    await unit(session, clock, "STNMT-HT")
    await unit(session, clock, "STNMT-HT-VP", "STNMT-HT")
    leader = await person(session, clock, 8001, "STNMT-HT", Role.leader, name="Hoàng Văn Giám")
    staff = [await person(session, clock, 8100 + n, "STNMT-HT-VP", name=f"Nhân Viên {n}") for n in range(3)]
    for member in staff:
        await check_in(session, clock, member)
    comms = await person(session, clock, 8002, "TT", Role.comms)
    admin = await person(session, clock, 8003, None, Role.admin)
    ex_svc = ExampleService(session, clock)
    ex = await ex_svc.start(staff[0])
    await ex_svc.choose_category(staff[0], ex.id, ExampleCategory.initiative)
    await ex_svc.choose_subject(staff[0], ex.id, ExampleSubject.myself)
    await ex_svc.tell_story(staff[0], ex.id, STORY)
    await ex_svc.photos_done(staff[0], ex.id)
    await ex_svc.set_consent(staff[0], ex.id, True)
    await ex_svc.submit(staff[0], ex.id)
    await ex_svc.approve(comms, ex.id)
    nominations = NominationService(session, clock, CAMPAIGN)
    r = await nominations.add_round(admin, "Khen thưởng năm 2026", date(2026, 12, 10))
    await nominations.nominate(leader, r.key, NomineeKind.collective, "Văn phòng Sở", ACHIEVEMENT)
    return leader


async def test_the_report_has_every_part_of_a_decree_30_document(session, clock, filled) -> None:  # noqa: ANN001
    report = await service(session, clock).annual(filled, 2026)
    assert report.governing_body == MINISTRY and report.figures.tally.done == 3 and report.figures.shares is not None
    document = docx.Document(io.BytesIO(render_annual_report(report)))

    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)  # A4
    assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and {r.font.name for r in runs if r.text.strip()} == {"Times New Roman"}
    body_sizes = {r.font.size.pt for p in document.paragraphs for r in p.runs if r.text.strip()}
    assert body_sizes <= {13.0, 14.0}

    header = document.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in left.paragraphs][:2] == [MINISTRY.upper(), "ĐƠN VỊ STNMT-HT"]
    assert left.paragraphs[1].runs[0].bold  # the issuing body is bold
    assert any(has_bottom_rule(p) for p in left.paragraphs[2:])  # the short rule under it
    assert right.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right.paragraphs[0].runs[0].bold
    motto = right.paragraphs[1]
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold and has_bottom_rule(motto)
    assert header.cell(1, 0).paragraphs[0].text == "Số: …/BC-STNMT-HT"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "…, ngày … tháng … năm 2026" and date_line.runs[0].italic

    texts = [p.text for p in document.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == ("Kết quả thực hiện Phong trào thi đua “Cán bộ, công chức, viên chức ngành tài nguyên "
                                "và môi trường thi đua thực hiện văn hóa công sở” năm 2026")
    body = all_text(document)
    assert "Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019" in body
    assert "có 4 cán bộ, công chức, viên chức tham gia" in body  # the leader and the division's three
    assert "số lượt tự đánh giá đã hoàn thành là 3/4 lượt, đạt 75,0%" in body
    shares = document.tables[1]
    assert [c.text for c in shares.rows[0].cells] == ["TT", "Nhóm tiêu chuẩn (mục IV.1.2)", "Tốt", "Đạt", "Chưa đạt"]
    assert [c.text for c in shares.rows[1].cells][1:] == ["a) Kỷ cương, kỷ luật hành chính", "100,0%", "0,0%", "0,0%"]
    assert len(shares.rows) == 1 + len(CAMPAIGN.individual_criteria)
    assert "Sáng kiến, giải pháp: Nhân Viên 0. " + STORY in body
    assert "1. Tập thể: Văn phòng Sở (Khen thưởng năm 2026)" in body and "Thành tích: " + ACHIEVEMENT in body
    assert f"gửi {MINISTRY} (qua {AGENCY})" in body

    footer = document.tables[-1]
    recipients = [p.text for p in footer.cell(0, 0).paragraphs]
    assert recipients == ["Nơi nhận:", f"- {AGENCY};", "- Lưu: VT."]
    assert footer.cell(0, 0).paragraphs[0].runs[0].bold and footer.cell(0, 0).paragraphs[0].runs[0].italic
    signature = [p.text for p in footer.cell(0, 1).paragraphs if p.text]
    assert signature[0] == "THỦ TRƯỞNG ĐƠN VỊ" and footer.cell(0, 1).paragraphs[0].runs[0].bold
    audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report.annual"))).one()
    assert audit.detail == "unit=STNMT-HT year=2026"


async def test_small_units_get_no_criteria_figures_and_others_are_refused(session, clock) -> None:  # noqa: ANN001
    leader = await person(session, clock, 8201, "VP", Role.leader)
    two = [await person(session, clock, 8202 + n, "VP") for n in range(2)]
    for member in two:
        await check_in(session, clock, member)
    report = await service(session, clock).annual(leader, 2026)
    assert report.figures.shares is None and report.figures.respondents == 2
    body = all_text(docx.Document(io.BytesIO(render_annual_report(report))))
    assert "không được nêu do có dưới 3 người tự đánh giá" in body and "Chưa đạt" not in body
    assert "chưa có đề nghị khen thưởng" in body and "chưa có gương điển hình" in body
    with pytest.raises(InvalidInput):
        await service(session, clock).annual(leader, 2018)
    with pytest.raises(AccessDenied):
        await service(session, clock).annual(two[0], 2026)
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).one()
    assert refused.action == "report" and refused.actor_telegram_id == 8202

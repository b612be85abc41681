"""The unit's annual report (plan §VI.1) in the Decree 30/2020 layout, ready to sign: opened
with python-docx and checked as a ministry official reads it; its figures come from the
database and the text agrees with the appendix."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import col, func, select

from bot.campaign.loader import load_campaign
from bot.render.report_docx import render_annual_report
from bot.services.errors import AccessDenied, InvalidInput
from bot.services.examples import ExampleService
from bot.services.nominations import NominationService
from bot.services.reports import ReportService
from bot.services.self_assessment import SelfAssessmentService
from storage.awards import NomineeKind
from storage.examples import ExampleCategory, ExampleSubject
from storage.models import AuditEntry, CheckIn, CheckInStatus, Role, Unit, User
from tests.render.docx_checks import all_text, check_decree30, look, open_docx
from tests.services.seed import person, unit
from tests.services.test_figures import check_in

CAMPAIGN = load_campaign()
MINISTRY = "Bộ Nông nghiệp và Môi trường"
AGENCY = "Vụ Thi đua, Khen thưởng và Tuyên truyền"
STORY = "Đồng chí Lan hướng dẫn tận tình người dân làm thủ tục đất đai trực tuyến, giảm nửa thời gian chờ."
ACHIEVEMENT = "Tổ một cửa số hóa toàn bộ hồ sơ, không để trễ hạn hồ sơ nào trong năm 2026."


def service(session, clock) -> ReportService:  # noqa: ANN001
    return ReportService(
        session, clock, CAMPAIGN, timezone="Asia/Ho_Chi_Minh", ministry_name=MINISTRY, standing_agency=AGENCY
    )


async def self_assess(session, clock, user: User, level: str, account: str | None = None) -> None:  # noqa: ANN001
    s = SelfAssessmentService(session, clock, CAMPAIGN)
    aid = (await s.mine(user, 2026)).assessment_id
    for g in CAMPAIGN.collective_criteria:
        await s.set_level(user, aid, g.code, None, level)
        if account:
            await s.set_account(user, aid, g.code, f"{account} ({g.code})")
    return aid


@pytest.fixture
async def filled(session, clock):  # noqa: ANN001, ANN201
    """Sở TN-MT Hà Tĩnh under the ministry (code STNMT, place Hà Tĩnh) with two divisions;
    its director and deputy; 4 people checked in; both the Sở and one division assessed
    themselves on §IV.1.1; an approved example; a nomination in an admin's round."""
    await unit(session, clock, "STNMT-HT")
    await unit(session, clock, "STNMT-HT-VP", "STNMT-HT")
    await unit(session, clock, "STNMT-HT-TN", "STNMT-HT")
    sở = (await session.exec(select(Unit).where(Unit.code == "STNMT-HT"))).one()
    sở.name, sở.doc_code, sở.place = "Sở Tài nguyên và Môi trường tỉnh Hà Tĩnh", "STNMT", "Hà Tĩnh"
    session.add(sở)
    await session.commit()
    director = await person(session, clock, 8001, "STNMT-HT", Role.leader, name="Hoàng Văn Giám")
    director.position = "Giám đốc"
    deputy = await person(session, clock, 8004, "STNMT-HT", Role.leader, name="Lê Thị Phó")
    deputy.position = "Phó Giám đốc"
    division_head = await person(session, clock, 8005, "STNMT-HT-VP", Role.leader, name="Trần Chánh")
    division_head.position = "Chánh Văn phòng"
    session.add_all([director, deputy, division_head])
    await session.commit()
    staff = [await person(session, clock, 8100 + n, "STNMT-HT-VP", name=f"Nhân Viên {n}") for n in range(3)]
    staff.append(await person(session, clock, 8200, "STNMT-HT-TN", name="Nhân Viên TN"))
    for member in staff:
        await check_in(session, clock, member)
    await self_assess(session, clock, director, "good", "Ban hành quy chế văn hóa công sở")
    s = SelfAssessmentService(session, clock, CAMPAIGN)
    aid = (await s.mine(director, 2026)).assessment_id
    await s.set_level(director, aid, "c", None, "met")
    await s.set_figure(director, aid, "c", "on-time-share", "98,5")
    await self_assess(session, clock, division_head, "met")
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
    await nominations.nominate(director, r.key, NomineeKind.collective, "Văn phòng Sở", ACHIEVEMENT)
    return {"director": director, "deputy": deputy}


async def test_the_report_is_a_decree_30_document_ready_to_sign(session, clock, filled) -> None:  # noqa: ANN001
    report = await service(session, clock).annual(filled["director"], 2026)
    data = render_annual_report(report)
    look(data, "annual-report")
    document = check_decree30(data)  # A4, margins, fonts, heading on one line, page numbers

    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs]
    assert left[0] == "BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG"  # broken where an official breaks it
    assert left[1].replace("\n", " ") == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HÀ TĨNH"
    assert header.cell(0, 0).paragraphs[1].runs[0].bold
    assert header.cell(1, 0).paragraphs[0].text == "Số: …/BC-STNMT"
    date_line = header.cell(1, 1).paragraphs[0]
    assert date_line.text == "Hà Tĩnh, ngày 25 tháng 11 năm 2026" and date_line.runs[0].italic

    texts = [p.text for p in document.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == (
        "Kết quả thực hiện Phong trào thi đua “Cán bộ, công chức, viên chức ngành tài nguyên "
        "và môi trường thi đua thực hiện văn hóa công sở” năm 2026"
    )
    assert f"Kính gửi: {MINISTRY} (qua {AGENCY})." in texts
    parts = [t for t in texts if re.match(r"^(I|II|III|IV|V|VI)\. ", t)]
    assert [p.split(".")[0] for p in parts] == ["I", "II", "III", "IV", "V", "VI"]
    body = all_text(document)
    # II.1: every collective criterion of §IV.1.1, with the level the unit gave itself.
    for g in CAMPAIGN.collective_criteria:
        level = "Đạt" if g.code == "c" else "Tốt"
        assert f"{g.code}) {g.title.vi.rstrip(':;. ')}: {level}." in texts, g.code
        assert f"Ban hành quy chế văn hóa công sở ({g.code})." in texts
    assert "- Tỷ lệ thủ tục hành chính được giải quyết đúng hạn (%, chỉ tiêu 100%): 98,5%." in texts
    assert "Các đơn vị trực thuộc tự đánh giá tiêu chuẩn này: 0 Tốt, 1 Đạt, 0 Chưa đạt, 1 chưa đánh giá." in texts
    # II.2: participation over dates, not ISO weeks.
    assert "Từ ngày 29/12/2025 đến ngày 25/11/2026 (48 tuần)" in body and "tuần 4" not in body
    assert "Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019" in body
    assert "Sáng kiến, giải pháp: Nhân Viên 0. " + STORY in body
    assert "a) Tập thể: Văn phòng Sở (Khen thưởng năm 2026)" in body
    assert (
        "đơn vị tự đánh giá đạt mức Tốt ở các tiêu chuẩn tại các điểm a, b, d, đ và e" in body
        and "Thành tích: " + ACHIEVEMENT in body
    )

    # The numbers of the text are the appendix's total row, and the database's.
    m = re.search(
        r"có (\d+) cán bộ, công chức, viên chức tham gia .* đã hoàn thành là (\d+)/(\d+) lượt, "
        r"đạt ([\d,]+%); (\d+) lượt vắng có lý do",
        body,
    )
    assert m is not None
    members, done, expected, rate, skipped = m.groups()
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells][:3] == ["TT", "Đơn vị", "Số người"]
    total = [c.text for c in appendix.rows[-1].cells]
    assert total[1] == "Tổng cộng" and total[2:7] == [members, expected, done, skipped, rate]
    lines = appendix.rows[1:-1]
    for col_no in (2, 3, 4, 5):
        assert sum(int(r.cells[col_no].text) for r in lines) == int(total[col_no])
    assert [r.cells[1].text for r in lines] == [
        "Sở Tài nguyên và Môi trường tỉnh Hà Tĩnh (lãnh đạo và bộ phận trực thuộc trực tiếp)",
        "Đơn vị STNMT-HT-VP",
        "Đơn vị STNMT-HT-TN",
    ]  # the tree's order
    assert [r.cells[7].text for r in lines] == ["Đạt", "Đạt", "—"]
    ids = (await session.exec(select(Unit.id).where(col(Unit.code).startswith("STNMT-HT")))).all()
    in_db = (
        await session.exec(
            select(func.count())
            .select_from(CheckIn)
            .where(col(CheckIn.unit_id).in_(ids), CheckIn.status == CheckInStatus.done)
        )
    ).one()
    registered = (
        await session.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.unit_id).in_(ids), col(User.onboarded_at).is_not(None))
        )
    ).one()
    assert int(done) == in_db == 4 and int(members) == registered == 7 and rate == "57,1%"

    closing = document.tables[-2]
    recipients = [p.text for p in closing.cell(0, 0).paragraphs]
    assert recipients == ["Nơi nhận:", f"- {MINISTRY} (qua {AGENCY});", "- Lưu: VT, STNMT."]
    signature = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert signature == ["GIÁM ĐỐC", "Hoàng Văn Giám"]
    assert all(r.bold for p in closing.cell(0, 1).paragraphs for r in p.runs if r.text)
    audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report.annual"))).one()
    assert audit.detail == "unit=STNMT-HT year=2026"


async def test_a_deputy_signs_for_the_head(session, clock, filled) -> None:  # noqa: ANN001
    document = open_docx(render_annual_report(await service(session, clock).annual(filled["deputy"], 2026)))
    signature = [p.text for p in document.tables[-2].cell(0, 1).paragraphs if p.text]
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Phó"]


async def test_small_units_get_no_criteria_figures_and_others_are_refused(session, clock) -> None:  # noqa: ANN001
    leader = await person(session, clock, 8201, "VP", Role.leader)
    two = [await person(session, clock, 8202 + n, "VP") for n in range(2)]
    for member in two:
        await check_in(session, clock, member)
    report = await service(session, clock).annual(leader, 2026)
    assert report.shares is None and report.respondents == 2
    document = check_decree30(render_annual_report(report))
    body = all_text(document)
    assert "không được nêu do có dưới 3 người tự đánh giá" in body
    assert "chưa có đề nghị khen thưởng" in body and "chưa có gương điển hình" in body
    assert "Đơn vị chưa tự đánh giá theo các tiêu chuẩn đối với tập thể trên hệ thống." in body
    signature = [p.text for p in document.tables[-2].cell(0, 1).paragraphs if p.text]
    assert signature == ["THỦ TRƯỞNG ĐƠN VỊ"]  # nobody with a head's title: the name is left to fill
    with pytest.raises(InvalidInput):
        await service(session, clock).annual(leader, 2018)
    with pytest.raises(AccessDenied):
        await service(session, clock).annual(two[0], 2026)
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).one()
    assert refused.action == "report" and refused.actor_telegram_id == 8202


async def test_the_report_builds_under_a_draft_campaign_whose_decision_has_no_date_yet(session, clock, filled) -> None:  # noqa: ANN001
    """A ministry that loads the 2026–2030 draft (no decision date yet) still gets its report:
    the plan is named as a draft awaiting the Minister's decision (no "…/QĐ-…" number, no
    "…/…/…" date), never a crash."""
    from dataclasses import replace
    from pathlib import Path

    import bot.campaign

    draft = load_campaign(Path(bot.campaign.__file__).parent / "data" / "van-hoa-cong-so-2026-2030.yaml")
    assert draft.status == "draft" and draft.issued is None
    report = await service(session, clock).annual(filled["director"], 2026)
    document = open_docx(render_annual_report(replace(report, campaign=draft)))
    opening = next(p.text for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch"))
    assert opening.startswith("Thực hiện Kế hoạch (dự thảo, chờ Quyết định ban hành của Bộ trưởng) tổ chức thực hiện")
    assert "…/QĐ" not in opening and "…/…/…" not in opening

"""Nomination dossiers (Decree 98/2023) and eligibility (Art. 4), on SQLite and PostgreSQL:
the achievement reports of a collective (Mẫu 02) and an individual (Mẫu 03), the list and
the cover submission, all in the Decree 30 layout; refusals for a flagged nominee and a
withdrawn nomination, audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.campaign.loader import load_campaign
from bot.render.dossier_docx import render_achievement, render_cover, render_list
from bot.services.dossiers import DossierService
from bot.services.errors import AccessDenied
from bot.services.nominations import NominationRefused, NominationService
from storage.awards import NomineeKind
from storage.models import AuditEntry, Role, Unit
from tests.render.docx_checks import all_text, check_decree30, look
from tests.services.seed import person, unit
from tests.services.test_figures import check_in
from tests.services.test_reports import self_assess

CAMPAIGN = load_campaign()
MINISTRY = "Bộ Nông nghiệp và Môi trường"
AGENCY = "Vụ Thi đua, Khen thưởng và Tuyên truyền"
ACHIEVEMENT = "Số hóa toàn bộ hồ sơ một cửa, không để trễ hạn hồ sơ nào trong năm 2026; hướng dẫn tận tình người dân."


async def fresh(session, world) -> None:  # noqa: ANN001
    for key in ("chief", "admin", "lan"):
        await session.refresh(world[key])


def dossiers(session, clock) -> DossierService:  # noqa: ANN001
    return DossierService(
        session, clock, CAMPAIGN, timezone="Asia/Ho_Chi_Minh", ministry_name=MINISTRY, standing_agency=AGENCY
    )


@pytest.fixture
async def world(session, clock):  # noqa: ANN001, ANN201
    await unit(session, clock, "VP")
    await unit(session, clock, "VP-TH", "VP")
    for code, name in (("VP", "Văn phòng Bộ"), ("VP-TH", "Phòng Tổng hợp")):
        u = (await session.exec(select(Unit).where(Unit.code == code))).one()
        u.name, u.doc_code, u.place = name, "VP", "Hà Nội"
        session.add(u)
    await session.commit()
    chief = await person(session, clock, 9001, "VP", Role.leader, name="Nguyễn Văn Chánh")
    chief.position = "Chánh Văn phòng"
    session.add(chief)
    await session.commit()
    lan = await person(session, clock, 9100, "VP-TH", name="Nguyễn Thị Lan")
    lan.position = "Chuyên viên chính"
    session.add(lan)
    await session.commit()
    others = [await person(session, clock, 9101 + n, "VP-TH") for n in range(2)]
    for p in (lan, *others):
        await check_in(session, clock, p)
    th_leader = await person(session, clock, 9002, "VP-TH", Role.leader, name="Trưởng Phòng")
    await self_assess(session, clock, th_leader, "good", "Xây dựng quy chế")
    admin = await person(session, clock, 9003, None, Role.admin)
    noms = NominationService(session, clock, CAMPAIGN)
    r = await noms.add_round(admin, "Khen thưởng năm 2026", date(2026, 12, 10))
    collective = await noms.nominate(chief, r.key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    individual = await noms.nominate(
        chief, r.key, NomineeKind.individual, "Nguyễn Thị Lan, Chuyên viên chính", ACHIEVEMENT
    )
    return {
        "chief": chief,
        "lan": lan,
        "admin": admin,
        "round": r,
        "collective": collective,
        "individual": individual,
        "th_leader": th_leader,
    }


async def test_a_collective_and_an_individual_get_their_forms(session, clock, world) -> None:  # noqa: ANN001
    svc = dossiers(session, clock)
    a02 = await svc.achievement(world["chief"], world["collective"].id)
    assert a02.form == "02" and a02.collective is not None and a02.collective.code == "VP-TH"
    data = render_achievement(a02)
    look(data, "dossier-mau-02")
    doc = check_decree30(data)
    texts = [p.text for p in doc.paragraphs]
    assert "Mẫu số 02, Phụ lục I, Nghị định số 98/2023/NĐ-CP" in texts
    assert texts[texts.index("BÁO CÁO THÀNH TÍCH") + 1] == f"Đề nghị tặng {CAMPAIGN.awards.award.vi}"
    assert "Tên tập thể đề nghị: Phòng Tổng hợp" in texts and ACHIEVEMENT in texts
    for g in CAMPAIGN.collective_criteria:  # the collective's own self-assessment
        assert f"- Tiêu chuẩn {g.code}): Tốt. Xây dựng quy chế ({g.code})." in texts
    assert any(
        t.startswith("- Tự đánh giá hằng tuần của cán bộ, công chức, viên chức năm 2026: 3/4 lượt") for t in texts
    )
    assert "THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN TRỰC TIẾP XÁC NHẬN, ĐỀ NGHỊ" in all_text(doc)

    a03 = await svc.achievement(world["admin"], world["individual"].id)  # admins see every unit's
    assert a03.form == "03" and a03.person is not None and a03.person.id == world["lan"].id
    data = render_achievement(a03)
    look(data, "dossier-mau-03")
    doc = check_decree30(data)
    texts = [p.text for p in doc.paragraphs]
    assert "Mẫu số 03, Phụ lục I, Nghị định số 98/2023/NĐ-CP" in texts
    assert "- Họ và tên: Nguyễn Thị Lan." in texts and "- Đơn vị công tác: Phòng Tổng hợp." in texts
    assert "- Chức vụ (Đảng, chính quyền, đoàn thể): Chuyên viên chính." in texts
    assert any(t.startswith("- Tham gia tự đánh giá hằng tuần") and "1/1 tuần, đạt 100,0%" in t for t in texts)
    assert "NGƯỜI BÁO CÁO THÀNH TÍCH" in all_text(doc)

    rd = await svc.round_dossier(world["chief"], world["round"].key)
    listing = render_list(rd)
    look(listing, "dossier-list")
    doc = check_decree30(listing)
    assert doc.tables[0].cell(1, 0).paragraphs[0].text == "Số: …/DS-VP"
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Chức vụ, đơn vị",
        "Hình thức khen thưởng đề nghị",
        "Tóm tắt thành tích",
    ]
    assert [[c.text for c in row.cells][:4] for row in table.rows[1:]] == [
        ["1", "Phòng Tổng hợp", "Văn phòng Bộ", CAMPAIGN.awards.award.vi],
        ["2", "Nguyễn Thị Lan", "Chuyên viên chính, Phòng Tổng hợp", CAMPAIGN.awards.award.vi],
    ]
    cover = render_cover(rd)
    look(cover, "dossier-cover")
    doc = check_decree30(cover)
    body = all_text(doc)
    assert "TỜ TRÌNH" in body and f"Kính gửi: Bộ trưởng {MINISTRY}." in body
    assert "01 tập thể và 01 cá nhân (có danh sách kèm theo)" in body
    assert "Nơi nhận:" in body and "- Lưu: VT, VP." in body and "Nguyễn Văn Chánh" in body


async def test_not_eligible_and_withdrawn_are_refused_with_the_reason(session, clock, world) -> None:  # noqa: ANN001
    noms = NominationService(session, clock, CAMPAIGN)
    individual_id, collective_id = world["individual"].id, world["collective"].id
    flag = await noms.flag(world["admin"], reason="Đang bị xem xét kỷ luật", user_id=world["lan"].id)
    with pytest.raises(NominationRefused) as refused:
        await dossiers(session, clock).achievement(world["chief"], individual_id)
    await fresh(session, world)  # a refusal rolls back its update: read the people again
    assert refused.value.code == "not_eligible" and refused.value.params["reason"] == "Đang bị xem xét kỷ luật"
    # Replacing a slot with the flagged person, or nominating the flagged unit, is refused too.
    await noms.withdraw(world["chief"], individual_id)
    with pytest.raises(NominationRefused) as again:
        await noms.nominate(world["chief"], world["round"].key, NomineeKind.individual, "nguyễn thị lan", ACHIEVEMENT)
    await fresh(session, world)  # a refusal rolls back its update: read the people again
    assert again.value.code == "not_eligible"
    await noms.flag(world["admin"], reason="Tập thể đang bị thanh tra", unit_code="VP-TH")
    with pytest.raises(NominationRefused):
        await noms.replace(world["chief"], collective_id, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    await fresh(session, world)  # a refusal rolls back its update: read the people again
    with pytest.raises(NominationRefused) as gone:
        await dossiers(session, clock).achievement(world["chief"], individual_id)
    await fresh(session, world)  # a refusal rolls back its update: read the people again
    assert gone.value.code == "dossier_withdrawn" and gone.value.params["date"] == "25/11/2026"
    await noms.lift(world["admin"], flag.id)
    again_ok = await noms.nominate(
        world["chief"], world["round"].key, NomineeKind.individual, "Nguyễn Thị Lan, Chuyên viên chính", ACHIEVEMENT
    )
    assert again_ok.withdrawn_at is None
    # Another unit's leader is refused the dossier.
    other = await person(session, clock, 9500, "SO-B", Role.leader)
    with pytest.raises(AccessDenied):
        await dossiers(session, clock).achievement(other, again_ok.id)
    await fresh(session, world)  # a refusal rolls back its update: read the people again
    refused_rows = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [a.action for a in refused_rows] == [
        "dossier.not_eligible",
        "nomination.not_eligible",
        "nomination.not_eligible",
        "dossier.withdrawn",
        "dossier",
    ]

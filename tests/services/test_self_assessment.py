"""Self-assessment on §IV.1.1 and signed report submissions (§VI.1), on SQLite and
PostgreSQL: saved as given, the reports' read, roles, bad input, the audit trail."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import col, select

from bot.campaign.loader import load_campaign
from bot.services.errors import AccessDenied, InvalidInput
from bot.services.self_assessment import ACCOUNT_MAX, SelfAssessmentService, UnitSelfAssessment
from bot.services.submissions import AlreadySubmitted, ReportSubmissionService
from storage.delivery import DeadlineDone
from storage.models import AuditEntry, Role, User
from storage.yearly import AssessmentItem, ReportSubmission
from tests.services.seed import person, unit

CAMPAIGN = load_campaign()
YEAR = 2026


def docx_bytes(text: str = "Báo cáo") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buf.getvalue()


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
async def leader(session, clock) -> User:  # noqa: ANN001
    return await person(session, clock, 9101, "VP", Role.leader)


def sa(session, clock) -> SelfAssessmentService:  # noqa: ANN001
    return SelfAssessmentService(session, clock, CAMPAIGN)


async def test_answers_are_saved_as_given_and_read_by_the_report(session, clock, leader) -> None:  # noqa: ANN001
    s = sa(session, clock)
    mine = await s.mine(leader, YEAR)
    assert mine.status == "draft" and mine.answered == 0
    aid = mine.assessment_id
    await s.set_level(leader, aid, "b", None, "good")
    await s.set_level(leader, aid, "b", "b2", "not_met")
    await s.set_account(leader, aid, "c", "Giải quyết  đúng hạn   toàn bộ hồ sơ.")
    assert await s.set_figure(leader, aid, "c", "on-time-share", "97.5%") == "97,5"
    assert await s.set_figure(leader, aid, "e", "plastic-at-meetings", "không") == "no"
    report = await s.for_report(leader.unit_id, YEAR)
    assert isinstance(report, UnitSelfAssessment) and report.status == "draft"
    assert [i.criterion for i in report.items if i.item is None] == [g.code for g in CAMPAIGN.collective_criteria]
    assert report.group("b").level == "good"
    assert next(i for i in report.sub_items("b") if i.item == "b2").level == "not_met"
    assert report.group("c").account == "Giải quyết đúng hạn toàn bộ hồ sơ."
    assert report.group("c").figures == {"on-time-share": "97,5"}
    assert report.group("e").figures == {"plastic-at-meetings": "no"}
    # A fresh session (a restart) reads the same.
    rows = (await session.exec(select(AssessmentItem))).all()
    assert len(rows) == 4


async def test_an_account_over_the_limit_is_refused_and_the_old_one_kept(session, clock, leader) -> None:  # noqa: ANN001
    s = sa(session, clock)
    aid = (await s.mine(leader, YEAR)).assessment_id
    await s.set_account(leader, aid, "a", "Đã ban hành quy chế văn hóa công sở.")
    with pytest.raises(InvalidInput) as refused:
        await s.set_account(leader, aid, "a", "x" * (ACCOUNT_MAX + 1))
    assert refused.value.code == "account_too_long" and refused.value.params["max"] == ACCOUNT_MAX
    assert (await s.for_report(leader.unit_id, YEAR)).group("a").account == "Đã ban hành quy chế văn hóa công sở."


async def test_roles_employee_refused_and_audited_other_leader_refused(session, clock, leader) -> None:  # noqa: ANN001
    s = sa(session, clock)
    worker = await person(session, clock, 9201, "VP", Role.employee)
    other = await person(session, clock, 9301, "TC", Role.leader)
    with pytest.raises(AccessDenied):
        await s.mine(worker, YEAR)
    aid = (await s.mine(leader, YEAR)).assessment_id
    with pytest.raises(AccessDenied):
        await s.set_level(other, aid, "a", None, "good")
    with pytest.raises(AccessDenied):
        await s.view(other, leader.unit_id, YEAR)
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert len(refused) == 3
    # The leader appoints the worker as the unit's emulation officer: now they may assess.
    await s.appoint_officer(leader, worker.id)
    await s.set_level(worker, aid, "a", None, "met")
    assert (await s.for_report(leader.unit_id, YEAR)).group("a").level == "met"


async def test_rollup_reads_the_sub_units(session, clock, leader) -> None:  # noqa: ANN001
    await unit(session, clock, "VP-1", "VP")
    sub_leader = await person(session, clock, 9401, "VP-1", Role.leader)
    s = sa(session, clock)
    aid = (await s.mine(sub_leader, YEAR)).assessment_id
    await s.set_level(sub_leader, aid, "đ", None, "good")
    rollup = await s.for_report_rollup(leader.unit_id, YEAR)
    assert list(rollup) == [leader.unit_id, sub_leader.unit_id]
    assert rollup[leader.unit_id].status == "none"
    assert rollup[sub_leader.unit_id].group("đ").level == "good"
    # The parent's leader may view the sub-unit; the sub-unit's leader may not view the parent.
    assert (await s.view(leader, sub_leader.unit_id, YEAR)).group("đ").level == "good"
    with pytest.raises(AccessDenied):
        await s.view(sub_leader, leader.unit_id, YEAR)


async def test_submission_marks_the_deadline_done_and_a_second_replaces_after_confirmation(
    session, clock, leader
) -> None:  # noqa: ANN001
    s = ReportSubmissionService(session, clock, CAMPAIGN)
    first = await s.submit(leader, YEAR, file_name="bao-cao.pdf", data=PDF)
    assert first.mime == "application/pdf"
    done = (await session.exec(select(DeadlineDone.deadline_key).where(DeadlineDone.unit_id == leader.unit_id))).all()
    assert done == ["annual-report@2026-12-15"]
    with pytest.raises(AlreadySubmitted):
        await s.submit(leader, YEAR, file_name="bao-cao-2.docx", data=docx_bytes())
    second = await s.replace(leader, YEAR, file_name="bao-cao-2.docx", data=docx_bytes())
    rows = (await session.exec(select(ReportSubmission).order_by(col(ReportSubmission.id)))).all()
    assert [(r.file_name, r.superseded_at is not None) for r in rows] == [
        ("bao-cao.pdf", True),
        ("bao-cao-2.docx", False),
    ]
    board = await s.board(YEAR)
    assert [(b.unit_code, b.file_name, b.replaced) for b in board] == [("VP", "bao-cao-2.docx", 1)]
    assert second.id == board[0].submission_id


@pytest.mark.parametrize(
    "name,data",
    [
        ("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100),  # a picture named .pdf
        ("bang.docx", b"PK\x03\x04" + b"0" * 100),  # not a Word document inside
        ("to.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)),  # over 20 MB
    ],
)
async def test_bad_files_are_refused_audited_and_nothing_kept(session, clock, leader, name, data) -> None:  # noqa: ANN001
    s = ReportSubmissionService(session, clock, CAMPAIGN)
    with pytest.raises(InvalidInput) as refused:
        await s.submit(leader, YEAR, file_name=name, data=data)
    assert refused.value.code in ("report_file_type", "file_too_big")
    assert (await session.exec(select(ReportSubmission))).all() == []
    audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report.submit"))).all()
    assert [a.outcome for a in audit] == ["refused"]


async def test_only_the_unit_and_admins_get_a_submitted_file_and_the_officer_may_submit(session, clock, leader) -> None:  # noqa: ANN001
    s = ReportSubmissionService(session, clock, CAMPAIGN)
    clerk = await person(session, clock, 9202, "VP", Role.employee)
    with pytest.raises(AccessDenied):
        await s.submit(clerk, YEAR, file_name="bc.pdf", data=PDF)  # not appointed yet
    await sa(session, clock).appoint_officer(leader, clerk.id)
    row = await s.submit(clerk, YEAR, file_name="bc.pdf", data=PDF)
    admin = await person(session, clock, 9001, None, Role.admin)
    other = await person(session, clock, 9301, "TC", Role.leader)
    assert (await s.file(admin, row.id)).data == PDF
    assert (await s.file(leader, row.id)).file_name == "bc.pdf"
    with pytest.raises(AccessDenied):
        await s.file(other, row.id)
    assessment = await sa(session, clock).for_report(leader.unit_id, YEAR)
    assert assessment.status == "none"  # nothing begun: nothing to close
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [(a.actor_telegram_id, a.action) for a in refused] == [(9202, "report"), (9301, "sector")]


async def test_submitting_closes_the_draft_self_assessment(session, clock, leader) -> None:  # noqa: ANN001
    s = sa(session, clock)
    aid = (await s.mine(leader, YEAR)).assessment_id
    await s.set_level(leader, aid, "a", None, "good")
    await ReportSubmissionService(session, clock, CAMPAIGN).submit(leader, YEAR, file_name="bc.docx", data=docx_bytes())
    closed = await s.for_report(leader.unit_id, YEAR)
    assert closed.status == "submitted" and closed.submitted_at is not None
    with pytest.raises(InvalidInput) as refused:
        await s.set_level(leader, aid, "a", None, "met")
    assert refused.value.code == "assessment_submitted"
    assert (await s.for_report(leader.unit_id, YEAR)).group("a").level == "good"


async def test_leader_and_officer_answering_the_same_new_item_at_once(sessionmaker, clock) -> None:  # noqa: ANN001
    import asyncio

    async with sessionmaker() as s:
        leader = await person(s, clock, 9101, "VP", Role.leader)
        clerk = await person(s, clock, 9202, "VP", Role.employee)
        await sa(s, clock).appoint_officer(leader, clerk.id)
        aid = (await sa(s, clock).mine(leader, YEAR)).assessment_id

    async def answer(telegram_id: int, level: str) -> None:
        async with sessionmaker() as s:
            me = (await s.exec(select(User).where(User.telegram_id == telegram_id))).one()
            await sa(s, clock).set_level(me, aid, "d", None, level)

    await asyncio.gather(answer(9101, "good"), answer(9202, "met"))
    async with sessionmaker() as s:
        rows = (await s.exec(select(AssessmentItem).where(AssessmentItem.criterion == "d"))).all()
    assert len(rows) == 1 and rows[0].level in ("good", "met")

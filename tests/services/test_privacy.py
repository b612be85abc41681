"""/mydata and /forget (Law 91/2025/QH15, Decree 356/2025/NĐ-CP), on SQLite and PostgreSQL:
after erasure no table holds the person's Telegram id, name or row id, and their unit's
figures for the week are what they were."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import SQLModel, col, select

import storage.awards  # noqa: F401 - every table module, so the scan covers them all
import storage.delivery  # noqa: F401
import storage.examples  # noqa: F401
from bot.campaign.loader import load_campaign
from bot.services.checkin import CheckinService, week_key
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import AccessDenied
from bot.services.examples import ExampleService
from bot.services.figures import FiguresService
from bot.services.nominations import NominationService
from bot.services.privacy import PrivacyService
from bot.services.stats import StatsService
from storage.awards import Nomination, NomineeKind
from storage.delivery import OutboxMessage
from storage.examples import ExampleCategory, ExamplePhoto, ExampleSubject, GoodExample
from storage.models import AuditEntry, ConsentRecord, FsmRecord, Level, Role, User
from tests.example_images import jpeg
from tests.services.seed import person
from tests.services.test_figures import check_in

CAMPAIGN = load_campaign()
NAME = "Đặng Thị Riêng Tư"
TID = 4444001
WEEK = week_key(date(2026, 11, 25))
ACHIEVEMENT = "Tổ một cửa số hóa toàn bộ hồ sơ, không để trễ hạn hồ sơ nào trong năm 2026."


async def scan(session, *, telegram_id: int, name: str, user_id: int) -> list[str]:  # noqa: ANN001
    """Every value of every table that still points at the person."""
    found = []
    conn = await session.connection()
    for table in SQLModel.metadata.sorted_tables:
        user_fks = {
            fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "users" and fk.column.name == "id"
        }
        for row in (await conn.execute(table.select())).mappings().all():
            for column, value in row.items():
                where = f"{table.name}.{column}={value!r:.60}"
                if (
                    (column in user_fks and value == user_id)
                    or (table.name == "users" and column == "id" and value == user_id)
                    or (isinstance(value, int) and not isinstance(value, bool) and value == telegram_id)
                    or (isinstance(value, str) and (name in value or str(telegram_id) in value))
                    or (isinstance(value, bytes) and (name.encode() in value or str(telegram_id).encode() in value))
                ):
                    found.append(where)
    return found


@pytest.fixture
async def world(session, clock):  # noqa: ANN001, ANN201
    """The person leads VP, checked in (with a note on an unmet item), shared an approved
    example naming herself, keeps a draft with a photo, nominated, was refused once; a
    digest for another leader lists her name; three colleagues checked in too."""
    me = await person(session, clock, TID, "VP", Role.leader, name=NAME)
    colleagues = [await person(session, clock, 4444100 + n, "VP") for n in range(3)]
    other_leader = await person(session, clock, 4444200, "VP", Role.leader)
    comms = await person(session, clock, 4444300, "TT", Role.comms)
    admin = await person(session, clock, 4444400, None, Role.admin)
    checkins = CheckinService(session, clock, CAMPAIGN)
    for n, g in enumerate(CAMPAIGN.individual_criteria):
        await checkins.answer(me, WEEK, g.code, Level.not_met if n == 0 else Level.good)
        if n == 0:
            await checkins.toggle_sub_item(me, WEEK, g.code, g.items[0].code)
            await checkins.set_note(me, WEEK, g.code, f"{NAME} đến muộn vì con ốm")
    await checkins.set_reflection(me, WEEK, "Tuần này tôi cần cố gắng hơn.")
    await checkins.finish(me, WEEK)
    for c in colleagues:
        await check_in(session, clock, c)
    ex_svc = ExampleService(session, clock)
    ex = await ex_svc.start(me)
    await ex_svc.choose_category(me, ex.id, ExampleCategory.good_deed)
    await ex_svc.choose_subject(me, ex.id, ExampleSubject.myself)
    await ex_svc.tell_story(me, ex.id, f"Tôi, {NAME}, đã giúp một cụ già nộp hồ sơ trực tuyến tại bộ phận một cửa.")
    await ex_svc.photos_done(me, ex.id)
    await ex_svc.set_consent(me, ex.id, True)
    await ex_svc.submit(me, ex.id)
    await ex_svc.approve(comms, ex.id)
    draft = await ex_svc.start(me)
    await ex_svc.choose_category(me, draft.id, ExampleCategory.initiative)
    await ex_svc.choose_subject(me, draft.id, ExampleSubject.myself)
    await ex_svc.tell_story(me, draft.id, "Một sáng kiến nhỏ về lưu trữ hồ sơ điện tử của đơn vị.")
    await ex_svc.add_photo(me, draft.id, jpeg(), "photo-1")
    nominations = NominationService(session, clock, CAMPAIGN)
    r = await nominations.add_round(admin, "Khen thưởng năm 2026", date(2026, 12, 10))
    await nominations.nominate(me, r.key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    with pytest.raises(AccessDenied):
        await FiguresService(session, clock).overview(me, (await person(session, clock, 4444500, "SO-X")).unit_id)
    session.add(
        FsmRecord(
            key=f"fsm:123456:{TID}:{TID}:default", state="ShareStates:drafting", data="{}", updated_at=clock.now()
        )
    )
    await session.commit()
    await DeliveryService(session, clock).enqueue(
        [
            Outgoing(
                f"digest:{me.id}:{WEEK}", "digest", TID, {"method": "sendMessage", "text": "Bản tổng hợp tuần"}, me.id
            ),
            Outgoing(
                f"digest:{other_leader.id}:{WEEK}",
                "digest",
                other_leader.telegram_id,
                {"method": "sendMessage", "text": f"Chưa tự đánh giá (1): {NAME}"},
                other_leader.id,
            ),
        ]
    )
    return me


async def figures(session, unit_id: int):  # noqa: ANN001, ANN201
    stats = StatsService(session)
    p = await stats.participation([unit_id], WEEK)
    return (p.expected, p.done, p.skipped), await stats.shares([unit_id], WEEK)


async def test_mydata_has_everything_about_the_person(session, clock, world) -> None:  # noqa: ANN001
    data = await PrivacyService(session, clock).export(world)
    json.dumps(data, ensure_ascii=False)  # plain data
    assert data["profile"]["telegram_id"] == TID and data["profile"]["full_name"] == NAME
    assert data["profile"]["unit"] == {"code": "VP", "name": "Đơn vị VP"} and data["profile"]["role"] == "leader"
    assert [c["notice_version"] for c in data["consents"]] == ["test"]
    [week] = data["checkins"]
    assert (
        week["week"] == "2026-W48"
        and week["status"] == "done"
        and week["reflection"] == "Tuần này tôi cần cố gắng hơn."
    )
    assert week["answers"][0]["level"] == "not_met" and week["answers"][0]["note"] == f"{NAME} đến muộn vì con ốm"
    assert week["answers"][0]["unmet_items"] == [CAMPAIGN.individual_criteria[0].items[0].code]
    assert len(week["answers"]) == len(CAMPAIGN.individual_criteria)
    assert [(e["status"], e["photos"]) for e in data["good_examples"]] == [("approved", 0), ("draft", 1)]
    assert [n["nominee"] for n in data["nominations_entered"]] == ["Phòng Tổng hợp"]
    assert "refused" in {a["outcome"] for a in data["actions_logged"]}
    entry = (await session.exec(select(AuditEntry).where(AuditEntry.action == "privacy.export"))).one()
    assert entry.actor_telegram_id is None and NAME not in entry.detail and str(TID) not in entry.detail


@pytest.mark.parametrize("keep", [True, False])
async def test_forget_leaves_no_personal_data_and_the_same_unit_figures(session, clock, world, keep) -> None:  # noqa: ANN001
    user_id, unit_id = world.id, world.unit_id
    before = await figures(session, unit_id)
    assert before[0] == (5, 4, 0) and before[1] is not None  # 4 done of 5 (the other leader has not)
    assert await scan(session, telegram_id=TID, name=NAME, user_id=user_id)  # the scan finds what is there

    result = await PrivacyService(session, clock).forget(world, keep_examples=keep)
    assert result.checkins == 1 and result.messages_removed == 1
    assert (result.examples_kept, result.examples_removed) == ((1, 1) if keep else (0, 2))

    assert await scan(session, telegram_id=TID, name=NAME, user_id=user_id) == []
    assert await figures(session, unit_id) == before  # the unit's week reads the same
    assert (await session.exec(select(User).where(User.id == user_id))).first() is None
    assert (await session.exec(select(ConsentRecord))).all() != []  # the others' consents stay
    assert (await session.exec(select(ExamplePhoto))).all() == []  # the draft's photo went with it
    examples = (await session.exec(select(GoodExample))).all()
    if keep:
        [kept] = examples
        assert kept.submitter_id is None and kept.status == "approved" and "***" in (kept.story or "")
    else:
        assert examples == []
    [nomination] = (await session.exec(select(Nomination))).all()
    assert nomination.nominated_by is None and nomination.withdrawn_at is None  # the unit's proposal stays
    [other] = (await session.exec(select(OutboxMessage))).all()
    assert "***" in other.payload  # the other leader's digest no longer names her
    entry = (await session.exec(select(AuditEntry).where(AuditEntry.action == "privacy.forget"))).one()
    assert entry.actor_telegram_id is None and entry.detail.startswith("checkins=1 ")
    assert (await session.exec(select(FsmRecord).where(col(FsmRecord.key).contains(str(TID))))).all() == []


async def test_the_readable_export_has_the_same_data_as_the_json(session, clock, world) -> None:  # noqa: ANN001
    """Issue 13, item 3: the DOCX beside the JSON, built from the same export: weeks by their
    dates, points not met by their labels, the examples and the nominations entered."""
    from bot.i18n import use_locale
    from bot.render.mydata_docx import build_mydata_docx
    from tests.render.docx_checks import all_text, check_fonts, check_page, look, open_docx

    data = await PrivacyService(session, clock).export(world)
    with use_locale("vi"):
        word = build_mydata_docx(data, CAMPAIGN, "Asia/Ho_Chi_Minh")
    document = open_docx(word)
    check_page(document)
    check_fonts(document)
    text = all_text(document)
    first = CAMPAIGN.individual_criteria[0]
    assert f"Họ và tên: {NAME}" in text and "Vai trò: lãnh đạo đơn vị" in text
    assert "Tuần 23/11/2026 – 29/11/2026" in text and "2026-W48" not in text
    assert f"{first.items[0].label.vi}. Ghi chú: {NAME} đến muộn vì con ốm" in text
    assert "Tự nhận xét trong tuần: Tuần này tôi cần cố gắng hơn." in text
    assert "VI. ĐỀ CỬ DO ĐỒNG CHÍ NHẬP" in text and "Phòng Tổng hợp" in text and ACHIEVEMENT in text
    assert "1. Gương người tốt, việc tốt" in text and "giúp một cụ già nộp hồ sơ" in text
    assert "Ảnh: 1" in text  # the draft's photo, counted
    look(word, "mydata_full_vi")

"""Nominations (plan §IV.2: at most 2 collectives or individuals per unit and round), on
SQLite and PostgreSQL: the quota holds in the database, also when two leaders race."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.campaign.loader import load_campaign
from bot.render.admin_exports import nominations_csv, nominations_xlsx
from bot.services.errors import AccessDenied, InvalidInput, NotFound
from bot.services.nominations import NominationRefused, NominationService, parse_round_args
from storage.awards import Nomination, NomineeKind
from storage.models import AuditEntry, Role, User
from tests.services.seed import person, unit

CAMPAIGN = load_campaign()
ACHIEVEMENT = "Năm 2026, Phòng Tổng hợp số hóa toàn bộ hồ sơ một cửa và không để trễ hạn hồ sơ nào."


def svc(session, clock) -> NominationService:  # noqa: ANN001
    return NominationService(session, clock, CAMPAIGN)


@pytest.fixture
async def admin(session, clock) -> User:  # noqa: ANN001
    return await person(session, clock, 9001, None, Role.admin)


@pytest.fixture
async def lead_a(session, clock) -> User:  # noqa: ANN001
    return await person(session, clock, 9101, "VP", Role.leader)


@pytest.fixture
async def round_key(session, clock, admin) -> str:  # noqa: ANN001
    r = await svc(session, clock).add_round(admin, "Khen thưởng năm 2026", date(2026, 12, 10))
    return r.key


async def live(session, key: str, unit_id: int) -> list[Nomination]:  # noqa: ANN001
    res = await session.exec(
        select(Nomination)
        .where(Nomination.round_key == key, Nomination.unit_id == unit_id, col(Nomination.withdrawn_at).is_(None))
        .order_by(col(Nomination.slot))
    )
    return list(res.all())


async def test_the_campaign_files_once_rounds_close_with_its_period_the_annual_one_goes_on(
    session, clock, lead_a
) -> None:  # noqa: ANN001
    s = svc(session, clock)
    keys = [r.key for r in s.campaign_rounds()]
    assert "annual@2019" in keys and "annual@2025" in keys and "midterm-2022@2022" in keys and "final-2025@2025" in keys
    # The campaign ended on 31/12/2025; §IV.2.1's annual round goes on year by year (to today's year).
    assert "annual@2026" in keys and "annual@2027" not in keys
    assert [(r.key, r.closes_on) for r in await s.open_rounds()] == [("annual@2026", date(2026, 12, 31))]
    with pytest.raises(NominationRefused) as refused:
        await s.nominate(lead_a, "final-2025@2025", NomineeKind.collective, "Văn phòng Bộ", ACHIEVEMENT)
    assert refused.value.code == "round_closed"
    final = await s.round("final-2025@2025")
    assert final.quota == 2 and final.ref == "§IV.2.2" and final.closes_on == date(2025, 12, 31)
    assert final.is_open(date(2025, 6, 1)) and not final.is_open(date(2026, 1, 1))
    with pytest.raises(NotFound):
        await s.round("annual@2031")


async def test_a_third_nomination_is_refused(session, clock, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    assert [r.key for r in await s.open_rounds()] == ["annual@2026", round_key]
    first = await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    second = await s.nominate(
        lead_a, round_key, NomineeKind.individual, "Nguyễn Thị Lan, Chuyên viên chính", ACHIEVEMENT
    )
    assert (first.slot, second.slot) == (1, 2)
    with pytest.raises(NominationRefused) as refused:
        await s.nominate(lead_a, round_key, NomineeKind.individual, "Trần Văn Bình", ACHIEVEMENT)
    assert refused.value.code == "quota_full" and refused.value.params == {"quota": 2}
    assert [n.nominee for n in await live(session, round_key, lead_a.unit_id)] == [
        "Phòng Tổng hợp",
        "Nguyễn Thị Lan, Chuyên viên chính",
    ]
    # Another unit has its own quota.
    lead_b = await person(session, clock, 9102, "SO-B", Role.leader)
    assert (await s.nominate(lead_b, round_key, NomineeKind.collective, "Sở B", ACHIEVEMENT)).slot == 1
    actions = [a.action for a in (await session.exec(select(AuditEntry))).all()]
    assert actions.count("nomination.add") == 3


async def test_the_database_itself_refuses_a_second_live_nomination_in_a_slot(
    session, clock, lead_a, round_key
) -> None:  # noqa: ANN001
    first = await svc(session, clock).nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    unit_id, slot = first.unit_id, first.slot  # a rollback below expires the objects
    session.add(
        Nomination(
            round_key=round_key,
            unit_id=unit_id,
            slot=slot,
            kind=NomineeKind.individual,
            nominee="Chen ngang",
            achievement=ACHIEVEMENT,
            created_at=clock.now(),
        )
    )
    with pytest.raises(IntegrityError):
        await session.commit()
    await session.rollback()
    session.add(
        Nomination(
            round_key=round_key,
            unit_id=unit_id,
            slot=0,
            kind=NomineeKind.individual,
            nominee="Ô số 0",
            achievement=ACHIEVEMENT,
            created_at=clock.now(),
        )
    )
    with pytest.raises(IntegrityError):  # slots start at 1
        await session.commit()


@pytest.mark.parametrize("already", [0, 1])
async def test_racing_leaders_never_exceed_the_quota(sessionmaker, session, clock, admin, already) -> None:  # noqa: ANN001
    """Two (or three) leaders of one unit tap at the same moment, each in their own
    session, as two bot processes would: the quota still holds."""
    leaders = [await person(session, clock, 9200 + n, "TCCB", Role.leader) for n in range(3)]
    key = (await svc(session, clock).add_round(admin, "Khen thưởng đột xuất", date(2026, 12, 31))).key
    for n in range(already):
        await svc(session, clock).nominate(leaders[0], key, NomineeKind.collective, f"Tập thể có sẵn {n}", ACHIEVEMENT)
    racers = leaders[: 3 - already]

    async def attempt(leader: User, n: int) -> str:
        async with sessionmaker() as own:
            me = await own.get(User, leader.id)
            try:
                await svc(own, clock).nominate(me, key, NomineeKind.individual, f"Cá nhân đề nghị {n}", ACHIEVEMENT)
            except NominationRefused as exc:
                return exc.code
            return "ok"

    outcomes = await asyncio.gather(*(attempt(leader, n) for n, leader in enumerate(racers)))
    assert sorted(outcomes) == sorted(["ok"] * (2 - already) + ["quota_full"])
    async with sessionmaker() as check:
        rows = await live(check, key, leaders[0].unit_id)
    assert sorted(r.slot for r in rows) == [1, 2]


async def test_withdraw_then_replace(session, clock, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    one = await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    two = await s.nominate(lead_a, round_key, NomineeKind.individual, "Nguyễn Thị Lan", ACHIEVEMENT)
    gone = await s.withdraw(lead_a, one.id)
    assert gone.withdrawn_at is not None and gone.withdrawn_by == lead_a.id
    with pytest.raises(NominationRefused) as twice:
        await s.withdraw(lead_a, one.id)
    assert twice.value.code == "nomination_gone"
    three = await s.nominate(lead_a, round_key, NomineeKind.individual, "Lê Minh Châu", ACHIEVEMENT)
    assert three.slot == one.slot == 1  # the freed slot
    four = await s.replace(lead_a, two.id, NomineeKind.collective, "Phòng Pháp chế", ACHIEVEMENT)
    assert four.slot == two.slot == 2
    assert [n.nominee for n in await live(session, round_key, lead_a.unit_id)] == ["Lê Minh Châu", "Phòng Pháp chế"]
    everything = (await session.exec(select(Nomination).where(Nomination.round_key == round_key))).all()
    assert len(everything) == 4  # withdrawn ones stay as the round's record
    un = await s.for_unit(lead_a, round_key)
    assert un.left == 0 and [n.id for n in un.live] == [three.id, four.id]


async def test_a_leader_acts_on_their_own_unit_only(session, clock, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    theirs = (await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)).id
    lead_b = await person(session, clock, 9103, "SO-B", Role.leader)
    employee = await person(session, clock, 9104, "VP")
    with pytest.raises(AccessDenied):
        await s.withdraw(lead_b, theirs)
    with pytest.raises(AccessDenied):
        await s.replace(lead_b, theirs, NomineeKind.collective, "Sở B", ACHIEVEMENT)
    with pytest.raises(AccessDenied):
        await s.nominate(employee, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    refused = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [(a.actor_telegram_id, a.action) for a in refused] == [
        (9103, "nominate"),
        (9103, "nominate"),
        (9104, "nominate"),
    ]
    assert (await session.get(Nomination, theirs)).withdrawn_at is None


async def test_input_is_checked_and_closed_rounds_are_final(session, clock, admin, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    with pytest.raises(InvalidInput) as short:
        await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng", "ngắn quá")
    assert short.value.code == "achievement"
    with pytest.raises(InvalidInput):
        await s.nominate(lead_a, round_key, NomineeKind.collective, "X", ACHIEVEMENT)
    one = await s.nominate(lead_a, round_key, NomineeKind.collective, "  Phòng   Tổng hợp ", ACHIEVEMENT)
    assert one.nominee == "Phòng Tổng hợp"
    await s.close_round(admin, int(round_key.split("-")[1]))
    with pytest.raises(NominationRefused) as closed:
        await s.withdraw(lead_a, one.id)
    assert closed.value.code == "round_closed"
    with pytest.raises(InvalidInput):
        await s.add_round(admin, "Quá hạn", date(2026, 1, 1))
    assert parse_round_args(["10/12/2026", "2026", "Khen", "thưởng"], date(2026, 11, 25)) == (
        date(2026, 12, 10),
        2026,
        "Khen thưởng",
    )
    assert parse_round_args(["10/12/2026", "Khen", "thưởng"], date(2026, 11, 25)) == (
        date(2026, 12, 10),
        None,
        "Khen thưởng",
    )


async def test_admins_see_every_unit_and_export(session, clock, admin, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    lead_b = await person(session, clock, 9105, "SO-B", Role.leader, name="Phạm Văn Dũng")
    await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    await s.nominate(lead_b, round_key, NomineeKind.individual, '=HYPERLINK("x")', ACHIEVEMENT)
    withdrawn = await s.nominate(lead_b, round_key, NomineeKind.individual, "Rút lại", ACHIEVEMENT)
    await s.withdraw(lead_b, withdrawn.id)
    r, rows = await s.listing(round_key)
    assert [(x.unit_code, x.slot, x.nominee) for x in rows] == [
        ("VP", 1, "Phòng Tổng hợp"),
        ("SO-B", 1, '=HYPERLINK("x")'),
    ]
    assert rows[1].nominated_by == "Phạm Văn Dũng"
    [summary] = [x for x in await s.summaries() if x.round.key == round_key]
    assert (summary.nominations, summary.units) == (2, 2)

    book = openpyxl.load_workbook(io.BytesIO(nominations_xlsx(r, rows, "Đề nghị khen thưởng", "Asia/Ho_Chi_Minh")))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert values[0][:4] == [1, "Phòng Tổng hợp", "Đơn vị VP", "Tập thể"] and values[0][6] == "VP"
    assert values[1][1] == '\'=HYPERLINK("x")'  # not a formula
    text = nominations_csv(rows, "Asia/Ho_Chi_Minh").decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][0] == "Mã đơn vị" and parsed[2][4] == '\'=HYPERLINK("x")' and len(parsed) == 3
    await s.note_export(admin, round_key, "xlsx", len(rows))
    assert (
        await session.exec(select(AuditEntry).where(AuditEntry.action == "nomination.export.xlsx"))
    ).one().actor_telegram_id == 9001


async def test_the_years_nominations_feed_the_report(session, clock, admin, lead_a, round_key) -> None:  # noqa: ANN001
    s = svc(session, clock)
    await s.nominate(lead_a, round_key, NomineeKind.collective, "Phòng Tổng hợp", ACHIEVEMENT)
    await unit(session, clock, "VP-TH", "VP")
    found = await s.of_year(lead_a.unit_id, 2026)
    assert [(r.key, n.nominee) for r, n in found] == [(round_key, "Phòng Tổng hợp")]
    assert await s.of_year(lead_a.unit_id, 2025) == []

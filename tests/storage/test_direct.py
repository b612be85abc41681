"""The direct SQLite path (storage/direct.py) reads and writes what the ORM reads and writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import inspect
from sqlmodel import col, func, select

from bot.campaign.loader import load_campaign
from bot.services.checkin import CheckinService
from bot.services.onboarding import OnboardingService
from bot.services.profile import ProfileService
from bot.services.units import UnitService
from storage.db import make_engine, make_sessionmaker
from storage.direct import AnswerWrite, SqliteDirect
from storage.models import AuditEntry, CheckIn, CheckInAnswer, Level, User
from storage.repositories import UnitRepo

CAMPAIGN = load_campaign()


@pytest.fixture
async def direct(sqlite_url: str) -> AsyncIterator[SqliteDirect]:
    d = SqliteDirect.for_url(sqlite_url)
    assert d is not None
    yield d
    await d.close()


@pytest.fixture
async def sm(sqlite_url: str):  # noqa: ANN201
    engine = make_engine(sqlite_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def register(sm, clock, telegram_id: int = 77) -> User:  # noqa: ANN001
    async with sm() as s:
        if await UnitRepo(s).by_code("VP") is None:
            await UnitService(s, clock).add("VP", "Văn phòng Bộ")
        svc = OnboardingService(s, clock, admin_ids=frozenset({telegram_id}))
        user = await svc.accept(telegram_id, None, locale="en", notice_version="v1")
        user.full_name, user.position = "Nguyễn Văn <b>A</b>", "Chuyên viên"
        user.unit_id = (await UnitRepo(s).by_code("VP")).id  # type: ignore[union-attr]
        user.paused_from, user.paused_until = date(2026, 12, 1), date(2026, 12, 8)
        return await svc.finish(user)


def test_only_a_sqlite_file_gets_a_direct_path() -> None:
    assert SqliteDirect.for_url("postgresql+asyncpg://postgres@127.0.0.1/test") is None
    assert SqliteDirect.for_url("sqlite+aiosqlite:///:memory:") is None
    assert SqliteDirect.for_url("sqlite+aiosqlite://") is None
    d = SqliteDirect.for_url("sqlite+aiosqlite:////tmp/x/bot.db")
    assert d is not None and d.path == "/tmp/x/bot.db"


async def test_the_person_is_read_as_the_orm_reads_them(sm, clock, direct) -> None:  # noqa: ANN001
    await register(sm, clock)
    async with sm() as s:
        orm = (await s.exec(select(User).where(User.telegram_id == 77))).one()
        expected = {c: getattr(orm, c) for c in User.__table__.columns.keys()}  # type: ignore[attr-defined]  # noqa: SIM118 - a ColumnCollection iterates columns, keys() names them
    fast = await direct.user_by_telegram_id(77)
    assert fast is not None
    got = {c: getattr(fast, c) for c in expected}
    assert got == expected
    assert {c: type(v) for c, v in got.items()} == {c: type(v) for c, v in expected.items()}
    assert inspect(fast).detached and inspect(fast).key == (User, (orm.id,), None)
    assert await direct.user_by_telegram_id(78) is None


async def test_the_person_found_directly_is_changed_through_a_session(sm, clock, direct) -> None:  # noqa: ANN001
    registered = await register(sm, clock)
    user = await direct.user_by_telegram_id(77)
    assert user is not None
    async with sm() as s:
        s.add(user)  # as UserMiddleware does
        assert await s.get(User, registered.id) is user  # one instance per row in the session
        await ProfileService(s).set_locale(user, "vi")
    async with sm() as s:
        again = await s.get(User, registered.id)
        assert again is not None and again.locale == "vi" and again.full_name == "Nguyễn Văn <b>A</b>"


async def test_a_tap_that_changes_nothing_leaves_nothing(sm, clock, direct) -> None:  # noqa: ANN001
    user = await register(sm, clock)
    async with sm() as s:
        svc = CheckinService(s, clock, CAMPAIGN, direct)
        week = svc.current_week(user)
        res = await svc.answer(user, week, "c", Level.good)  # not the current question
        assert not res.changed
        assert (await s.exec(select(func.count()).select_from(CheckIn))).one() == 0


async def test_a_failing_plan_rolls_back(sm, clock, direct) -> None:  # noqa: ANN001
    user = await register(sm, clock)

    def plan(row, answers):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await direct.record_answer(user.id, user.unit_id, 202648, clock.now(), plan)
    async with sm() as s:
        assert (await s.exec(select(func.count()).select_from(CheckIn))).one() == 0
    # The thread and its connection go on working after the error.
    ok = await direct.record_answer(
        user.id,
        user.unit_id,
        202648,
        clock.now(),
        lambda row, answers: ("ok", AnswerWrite(row.id, None, "a", Level.good.value, "", None, clock.now())),
    )
    assert ok == "ok"
    async with sm() as s:
        stored = (await s.exec(select(CheckInAnswer))).one()
        assert stored.criterion == "a" and stored.level == Level.good and stored.answered_at == clock.now()
        row = (await s.exec(select(CheckIn))).one()
        assert row.started_at == row.updated_at == clock.now() and row.unit_id == user.unit_id


async def test_direct_writes_beside_session_writes(sm, clock, direct) -> None:  # noqa: ANN001
    """Many people tapping (direct path) while other updates write through sessions: every
    answer and every other row is kept (SQLite serialises the writers; none fails)."""
    people = [await register(sm, clock, telegram_id=1000 + n) for n in range(12)]

    async def tapper(user: User) -> None:
        async with sm() as s:
            svc = CheckinService(s, clock, CAMPAIGN, direct)
            week = svc.current_week(user)
            for code in ("a", "b", "c", "d", "đ", "e", "f"):
                assert (await svc.answer(user, week, code, Level.ok)).changed

    async def writer(n: int) -> None:
        for k in range(10):
            async with sm() as s:
                s.add(AuditEntry(actor_telegram_id=n, action=f"test.{k}", outcome="ok", at=clock.now()))
                await s.commit()

    await asyncio.gather(*(tapper(u) for u in people), *(writer(n) for n in range(4)))
    async with sm() as s:
        assert (await s.exec(select(func.count()).select_from(CheckInAnswer))).one() == 12 * 7
        audited = select(func.count()).select_from(AuditEntry).where(col(AuditEntry.action).startswith("test."))
        assert (await s.exec(audited)).one() == 40


async def test_a_locked_database_never_blocks_the_loop(sm, clock, direct) -> None:  # noqa: ANN001
    """Another connection holds the write lock (a session in the middle of its transaction):
    the tap waits in the direct path's thread, the event loop goes on, and the answer is
    written once the lock is released."""
    user = await register(sm, clock)
    async with sm() as s:
        s.add(AuditEntry(actor_telegram_id=1, action="test.lock", outcome="ok", at=clock.now()))
        await s.flush()  # the session now holds SQLite's write lock, until it commits
        svc = CheckinService(s, clock, CAMPAIGN, direct)
        tap = asyncio.create_task(svc.answer(user, svc.current_week(user), "a", Level.good))
        ticks = 0
        for _ in range(20):  # the loop keeps running while the tap waits
            await asyncio.sleep(0.01)
            ticks += 1
        assert not tap.done() and ticks == 20
        assert direct.deferred == 1
        await s.commit()
        res = await asyncio.wait_for(tap, 10)
        assert res.changed
    async with sm() as s:
        assert (await s.exec(select(func.count()).select_from(CheckInAnswer))).one() == 1
    # Free again: the next tap runs on the loop's thread.
    async with sm() as s:
        svc = CheckinService(s, clock, CAMPAIGN, direct)
        assert (await svc.answer(user, svc.current_week(user), "b", Level.good)).changed
    assert direct.deferred == 1

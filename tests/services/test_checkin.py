"""Check-in rules (§IV.1.2), without Telegram, on SQLite (through the session, and with the
direct path the bot uses for taps: storage/direct.py) and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from bot.campaign.loader import load_campaign
from bot.services.checkin import CheckinClosed, CheckinService, week_key
from bot.services.errors import InvalidInput
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from storage.checkins import CheckinStores
from storage.direct import SqliteDirect
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level
from storage.pg import PG_CHECKINS
from tests.conftest import fresh_database

CAMPAIGN = load_campaign()
ORDER = ("a", "b", "c", "d", "đ", "e", "f")


@pytest.fixture(
    params=[
        "sqlite",
        "sqlite-direct",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("postgres-direct", marks=pytest.mark.postgres),
    ]
)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    return await fresh_database(request.param.removesuffix("-direct"), tmp_path, sqlite_template)


@pytest.fixture
async def direct(request: pytest.FixtureRequest, db_url: str) -> AsyncIterator[CheckinStores | None]:
    """The direct path on "sqlite-direct" (storage/direct.py) and "postgres-direct" (the
    session's asyncpg connection, storage/pg.py), else None (everything through the session)."""
    param = request.node.callspec.params["db_url"]
    if not param.endswith("-direct"):
        yield None
        return
    if param.startswith("postgres"):
        yield PG_CHECKINS
        return
    d = SqliteDirect.for_url(db_url)
    assert d is not None
    yield d
    await d.close()


@pytest.fixture
async def user(session, clock):  # noqa: ANN001, ANN201
    await UnitService(session, clock).add("VP", "Văn phòng Bộ")
    svc = OnboardingService(session, clock, admin_ids=frozenset({9}))
    u = await svc.accept(9, None, locale="vi", notice_version="v1")
    u.unit_id = (await UnitService(session, clock).get_by_code("VP")).id
    session.add(u)
    await session.commit()
    return u


async def all_good(svc: CheckinService, user, week: int) -> None:  # noqa: ANN001
    for code in ORDER:
        await svc.answer(user, week, code, Level.good)


def test_week_keys_follow_iso_weeks() -> None:
    assert week_key(datetime(2026, 11, 25).date()) == 202648
    assert week_key(datetime(2027, 1, 1).date()) == 202653  # ISO 2026 has 53 weeks
    assert week_key(datetime(2027, 1, 4).date()) == 202701


async def test_one_checkin_per_week_is_a_database_rule(session, clock, user, direct) -> None:  # noqa: ANN001
    now = clock.now()
    session.add(CheckIn(user_id=user.id, week=202648, started_at=now, updated_at=now))
    await session.commit()
    session.add(CheckIn(user_id=user.id, week=202648, started_at=now, updated_at=now))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_answers_are_saved_in_order_and_repeats_change_nothing(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    week = svc.current_week(user)
    assert (await svc.view(user)).status is None
    res = await svc.answer(user, week, "a", Level.good)
    assert res.changed and res.view.answered == 1 and res.view.next_criterion == "b"
    again = await svc.answer(user, week, "a", Level.ok)  # a second, late tap on group a
    assert not again.changed and again.view.answers["a"].level == Level.good
    skipped_ahead = await svc.answer(user, week, "c", Level.good)  # not the current question
    assert not skipped_ahead.changed
    assert (await session.exec(select(func.count()).select_from(CheckInAnswer))).one() == 1


async def test_not_met_takes_sub_items_and_a_note(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    week = svc.current_week(user)
    await svc.answer(user, week, "a", Level.good)
    res = await svc.answer(user, week, "b", Level.not_met)
    assert res.needs_detail
    await svc.toggle_sub_item(user, week, "b", "b3")
    await svc.toggle_sub_item(user, week, "b", "b1")
    await svc.toggle_sub_item(user, week, "b", "b3")
    view = await svc.toggle_sub_item(user, week, "b", "b2")
    assert view.answers["b"].sub_items == ("b1", "b2")
    with pytest.raises(InvalidInput):
        await svc.toggle_sub_item(user, week, "b", "z9")
    with pytest.raises(InvalidInput):
        await svc.set_note(user, week, "b", "x" * 501)
    view = await svc.set_note(user, week, "b", "  Chưa chủ động   phối hợp  ")
    assert view.answers["b"].note == "Chưa chủ động phối hợp"
    with pytest.raises(CheckinClosed):  # group a is not "Chưa đạt"
        await svc.toggle_sub_item(user, week, "a", "a1")


async def test_changing_an_answer_keeps_or_clears_its_details(session, clock, user, direct) -> None:  # noqa: ANN001
    """ "Chưa đạt" again keeps the marked sub-items and the note; another level clears both."""
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    week = svc.current_week(user)
    await svc.answer(user, week, "a", Level.not_met)
    await svc.toggle_sub_item(user, week, "a", "a2")
    await svc.set_note(user, week, "a", "Đi muộn hai buổi")
    again = await svc.answer(user, week, "a", Level.not_met, editing=True)
    assert again.changed and again.needs_detail
    assert again.view.answers["a"].sub_items == ("a2",) and again.view.answers["a"].note == "Đi muộn hai buổi"
    assert (await svc.view(user)).answers["a"] == again.view.answers["a"]
    better = await svc.answer(user, week, "a", Level.ok, editing=True)
    assert better.changed and not better.needs_detail
    assert better.view.answers["a"].sub_items == () and better.view.answers["a"].note is None
    stored = (await session.exec(select(CheckInAnswer))).one()
    assert (stored.level, stored.sub_items, stored.note) == (Level.ok, "", None)
    assert not (await svc.answer(user, week, "a", Level.ok, editing=True)).changed  # the same again


async def test_finish_summary_compares_with_last_week(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    last = svc.current_week(user)
    for code in ORDER:
        await svc.answer(user, last, code, Level.not_met if code in "ab" else Level.ok)
    await svc.finish(user, last)
    clock.advance(days=7)
    week = svc.current_week(user)
    assert week != last
    with pytest.raises(CheckinClosed):
        await svc.finish(user, week)  # nothing answered yet
    await all_good(svc, user, week)
    summary = await svc.finish(user, week)
    assert summary.view.status == CheckInStatus.done and summary.view.count(Level.good) == 7
    assert summary.previous is not None and summary.previous.count(Level.not_met) == 2
    # Editing within the week: allowed, and only with editing=True once finished.
    assert not (await svc.answer(user, week, "c", Level.ok)).changed
    edited = await svc.answer(user, week, "c", Level.ok, editing=True)
    assert edited.changed and edited.view.answers["c"].level == Level.ok
    # The week closes: last week's buttons change nothing.
    with pytest.raises(CheckinClosed):
        await svc.answer(user, last, "c", Level.good, editing=True)


async def test_week_boundary_is_monday_midnight_in_ho_chi_minh(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    clock.set(datetime(2026, 11, 29, 16, 59, 59, tzinfo=UTC))  # Sunday 23:59:59 in Hà Nội
    sunday_week = svc.current_week(user)
    assert sunday_week == 202648
    await svc.answer(user, sunday_week, "a", Level.good)
    clock.set(datetime(2026, 11, 29, 17, 0, 0, tzinfo=UTC))  # Monday 00:00 in Hà Nội
    assert svc.current_week(user) == 202649
    with pytest.raises(CheckinClosed):
        await svc.answer(user, sunday_week, "b", Level.good)
    assert (await svc.view(user)).status is None  # the new week starts empty
    assert (await svc.view(user, sunday_week)).answered == 1  # the old one is kept


async def test_skip_is_recorded_apart_and_can_be_undone(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    week = svc.current_week(user)
    with pytest.raises(InvalidInput):
        await svc.skip(user, week, "holiday-in-space")
    view = await svc.skip(user, week, "business_trip")
    assert view.status == CheckInStatus.skipped and view.skip_reason == "business_trip"
    with pytest.raises(CheckinClosed):
        await svc.answer(user, week, "a", Level.good)
    view = await svc.unskip(user, week)
    assert view.status == CheckInStatus.in_progress
    await all_good(svc, user, week)
    await svc.finish(user, week)
    with pytest.raises(CheckinClosed):
        await svc.skip(user, week, "leave")


async def test_history_and_streak(session, clock, user, direct) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN, direct)
    plan = ["done", "missed", "done", "skipped", "done", "open"]
    for step in plan:
        week = svc.current_week(user)
        if step == "done":
            await all_good(svc, user, week)
            await svc.finish(user, week)
        elif step == "skipped":
            await svc.skip(user, week, "leave")
        if step != "open":
            clock.advance(days=7)
    history = await svc.history(user, weeks=8)
    assert len(history.rows) == 8
    statuses = [r.status for r in history.rows[-6:]]
    assert statuses == [CheckInStatus.done, None, CheckInStatus.done, CheckInStatus.skipped, CheckInStatus.done, None]
    assert history.rows[-2].levels == {c: Level.good for c in ORDER}
    assert history.streak == 2  # done, (skipped), done — the missed week breaks it

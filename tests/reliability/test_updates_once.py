"""Each update once (issue 14.5, SPEC §6): Telegram delivers an update again when a webhook
answered slowly or failed, or to a polling bot that did not confirm it; it is handled once,
with one reply and one side effect, whether the record is in Redis or in the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from emulator import TelegramEmulator
from storage.delivery import ProcessedUpdate
from storage.models import CheckInAnswer
from storage.updates import RedisLedger, SqlLedger
from tests.e2e.conftest import Harness, emu, start_bot, stop_bot  # noqa: F401 - fixtures


@pytest.fixture(params=["database", "redis"])
async def hb(
    request: pytest.FixtureRequest, emu: TelegramEmulator, sqlite_url: str, clock: FixedClock
) -> AsyncIterator[Harness]:  # noqa: F811
    """The bot polling the fake Bot API, its record of updates in the database or in Redis."""
    extra: dict[str, object] = {}
    if request.param == "redis":
        from redis.asyncio import Redis

        redis_url = request.getfixturevalue("redis_url")
        r = Redis.from_url(redis_url)
        await r.flushdb()
        await r.aclose()
        extra["redis_url"] = redis_url
    rt, task = await start_bot(emu, sqlite_url, clock, **extra)
    yield Harness(emu, rt, clock)
    await stop_bot(rt, task)
    assert not emu.internal_errors, emu.internal_errors
    emu.assert_all_callbacks_answered()


def lose_next_confirmation(emu: TelegramEmulator) -> list[int]:
    """The bot's next getUpdates confirms nothing, as when it dies before asking again:
    the updates it had are delivered once more. Returns the offsets not taken."""
    confirm = emu._confirm
    lost: list[int] = []

    def once(offset: int | None) -> None:
        if offset is not None and not lost and any(u.update_id < offset for u in emu._queue):
            lost.append(offset)
            return
        confirm(offset)

    emu._confirm = once  # type: ignore[method-assign]
    return lost


async def test_a_message_delivered_twice_is_answered_once(hb: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    await hb.register(1001, "Nguyễn Thị Lan")
    lan = hb.emu.user(1001, "Lan", language_code="vi")
    lost = lose_next_confirmation(hb.emu)
    await lan.send("/help")
    assert lost  # the bot got the update a second time
    assert len(lan.messages) == 1 and "/settings" in lan.last.text
    assert any("delivered again: already handled" in r.getMessage() for r in caplog.records)


async def test_a_tap_delivered_twice_is_taken_once(hb: Harness) -> None:
    """Ticking a sub-item is a toggle: taken twice, the tick would be undone."""
    await hb.register(1001, "Nguyễn Thị Lan")
    lan = hb.emu.user(1001, "Lan", language_code="vi")
    await lan.send("/checkin")
    await lan.press("🔴 Chưa đạt")
    assert "☐ Kỷ luật, sử dụng giờ làm việc" in lan.last.button_texts
    lost = lose_next_confirmation(hb.emu)
    await lan.press("☐ Kỷ luật, sử dụng giờ làm việc")
    assert lost  # the bot got the tap a second time
    assert "☑ Kỷ luật, sử dụng giờ làm việc" in lan.last.button_texts, lan.last.button_texts
    await lan.press("Tiếp tục ➡")
    await lan.press("Bỏ qua ➡")
    assert "Câu 2/7" in lan.last.text
    [answer] = await hb.rows(CheckInAnswer)
    assert (answer.criterion, answer.level, answer.sub_items) == ("a", "not_met", "a2")


# -- the record itself -------------------------------------------------------------------


async def test_the_database_record_takes_each_update_once(sessionmaker, clock) -> None:  # noqa: ANN001
    from storage.direct import SqliteDirect

    url = str(sessionmaker.kw["bind"].url)
    direct = SqliteDirect.for_url(url)
    for ledger in (SqlLedger(sessionmaker, clock), *([SqlLedger(sessionmaker, clock, direct)] if direct else [])):
        base = 1000 if ledger.direct is None else 2000
        assert await ledger.first_time(base + 1, 1764000000) is True
        assert await ledger.first_time(base + 1, 1764000000) is False  # delivered again
        assert await ledger.first_time(base + 2, 1764000000) is True
        assert await ledger.first_time(base + 1, 1764999999) is True  # the same id, another update
        assert await ledger.first_time(base + 1, 1764999999) is False
    if direct is not None:
        await direct.close()
    clock.advance(hours=25)
    ledger = SqlLedger(sessionmaker, clock)
    assert await ledger.prune() == (4 if direct else 2)
    assert await ledger.first_time(3001) is True
    async with sessionmaker() as s:
        from sqlmodel import select

        assert [r.update_id for r in (await s.exec(select(ProcessedUpdate))).all()] == [3001]


async def test_the_redis_record_takes_each_update_once(redis_url: str) -> None:
    from redis.asyncio import Redis

    r = Redis.from_url(redis_url)
    await r.flushdb()
    try:
        one, other = RedisLedger(r, 123456), RedisLedger(r, 123456)  # two workers
        assert await one.first_time(7, 1764000000) is True
        assert await other.first_time(7, 1764000000) is False
        assert await other.first_time(7, 1764000001) is True
        assert await RedisLedger(r, 654321).first_time(7, 1764000000) is True  # another bot
        ttl = await r.ttl("vanhoa:update:123456:7:1764000000")
        assert timedelta(hours=23) < timedelta(seconds=ttl) <= timedelta(hours=24)
    finally:
        await r.flushdb()
        await r.aclose()

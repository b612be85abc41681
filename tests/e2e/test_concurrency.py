"""Many people at once on PostgreSQL: an update's own session holds a pooled connection
while its conversation state is read and written, so the state must not wait for the same
pool (bench P1 on PostgreSQL found /checkin stalling 30 s and failing with "QueuePool limit
… reached" once more than 20 updates were in flight)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from bot.app import build_runtime
from bot.clock import FixedClock
from bot.config import load_settings
from emulator import TelegramEmulator
from tests.conftest import fresh_database
from tests.e2e.conftest import ADMIN_ID, TOKEN, Harness

PEOPLE = 40  # twice the pool (10 + 10 overflow)


@pytest.mark.postgres
async def test_forty_people_opening_their_check_in_at_once_are_all_answered(
    emu: TelegramEmulator, tmp_path: Path, sqlite_template: Path, clock: FixedClock
) -> None:
    url = await fresh_database("postgres", tmp_path, sqlite_template)
    cfg = load_settings(bot_token=TOKEN, telegram_api_url=emu.url, database_url=url, admin_ids=str(ADMIN_ID))
    rt = await build_runtime(cfg, clock=clock, scheduler=False)
    assert rt.dp is not None and rt.bot is not None
    polled = asyncio.Event()
    rt.dp.startup.register(lambda: polled.set())
    # As in production: each update is its own task, so they are in flight together.
    task = asyncio.create_task(
        rt.dp.start_polling(rt.bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    try:
        await asyncio.wait_for(polled.wait(), 10)
        h = Harness(emu, rt, clock)
        people = []
        for i in range(PEOPLE):
            await h.register(61000 + i, f"Người thứ {i}")
            people.append(emu.user(61000 + i, f"N{i}"))
        await asyncio.gather(*(p.send("/checkin") for p in people))

        def answered() -> list[int]:
            return [61000 + i for i in range(PEOPLE) if any("1/7" in (m.text or "") for m in emu.messages(61000 + i))]

        for _ in range(200):  # the pool's own timeout is 30 s: a stall shows as people left unanswered
            if len(answered()) == PEOPLE:
                break
            await asyncio.sleep(0.1)
        assert len(answered()) == PEOPLE, f"{len(answered())} of {PEOPLE} answered within 20 s"
    finally:
        with contextlib.suppress(RuntimeError):
            await rt.dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
            await asyncio.wait_for(task, 10)
        await rt.close()

"""One lifecycle for every entry point: the dispatcher's startup starts the scheduler (jobs
and the outbox sender, under the leader lock), its shutdown stops it (bot/app.py)."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import Bot

from bot.app import build_runtime
from bot.clock import FixedClock
from bot.config import load_settings
from emulator import TelegramEmulator
from scheduler.runner import LeaderLock, Scheduler
from tests.e2e.conftest import TOKEN, emu  # noqa: F401 - fixture


async def polling(rt) -> asyncio.Task:  # noqa: ANN001
    polled = asyncio.Event()
    rt.dp.startup.register(lambda: polled.set())
    task = asyncio.create_task(
        rt.dp.start_polling(
            rt.bot, handle_as_tasks=False, handle_signals=False, close_bot_session=False, polling_timeout=1
        )
    )
    await asyncio.wait_for(polled.wait(), 10)
    return task


async def stop(rt, task: asyncio.Task | None) -> None:  # noqa: ANN001
    if task is None or task.done():
        return
    with contextlib.suppress(RuntimeError):
        await rt.dp.stop_polling()
    await asyncio.wait_for(task, 10)


async def test_polling_starts_the_leader_scheduler_and_stopping_releases_it(
    emu: TelegramEmulator,
    sqlite_url: str,
    clock: FixedClock,  # noqa: F811
) -> None:
    """As `python -m bot` runs: once polling has started, this process holds the lock (a
    `jobs run --send` beside it leaves the sending to it); once polling stops, it does not."""
    cfg = load_settings(bot_token=TOKEN, telegram_api_url=emu.url, database_url=sqlite_url)
    rt = await build_runtime(cfg, clock=clock)
    assert isinstance(rt.scheduler, Scheduler) and rt.scheduler.sender is None
    other = LeaderLock(rt.engine, None)  # another process on the same database file
    task = None
    try:
        task = await polling(rt)
        for _ in range(200):
            if rt.scheduler.sender is not None:  # the lock taken, missed runs caught up, the sender running
                break
            await asyncio.sleep(0.05)
        assert rt.scheduler.leader and rt.scheduler.sender is not None
        assert not await other.acquire()
        await stop(rt, task)
        assert not rt.scheduler.leader and rt.scheduler.sender is None
        assert await other.acquire()
    finally:
        await stop(rt, task)
        await other.release()
        await rt.close()


class Recorder:
    """A Scheduling that notes what the dispatcher asks of it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def start(self, bot: Bot) -> None:
        self.calls.append(("start", bot))

    async def stop(self) -> None:
        self.calls.append(("stop", None))


async def test_the_dispatcher_starts_a_given_scheduler_once_and_none_when_asked(
    emu: TelegramEmulator,
    sqlite_url: str,
    clock: FixedClock,  # noqa: F811
) -> None:
    cfg = load_settings(bot_token=TOKEN, telegram_api_url=emu.url, database_url=sqlite_url)
    recorder = Recorder()
    rt = await build_runtime(cfg, clock=clock, scheduler=recorder)
    task = None
    try:
        task = await polling(rt)
        assert recorder.calls == [("start", rt.bot)]
        assert emu.calls_of("setMyCommands")  # the menus were set first
        await stop(rt, task)
        assert recorder.calls == [("start", rt.bot), ("stop", None)]
    finally:
        await stop(rt, task)
        await rt.close()
    none = await build_runtime(cfg, clock=clock, scheduler=False)
    try:
        assert none.scheduler is None and none.dp is not None
        hooks = [h.callback for h in [*none.dp.startup.handlers, *none.dp.shutdown.handlers]]
        assert not [c for c in hooks if isinstance(getattr(c, "__self__", None), (Scheduler, Recorder))]
        assert [h.callback.__name__ for h in none.dp.startup.handlers] == [
            "set_commands",
            "log_campaign_in_force",
        ]  # no scheduler
    finally:
        await none.close()

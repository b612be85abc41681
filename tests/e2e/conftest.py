"""End to end: the real bot, with its real aiohttp session, talks over loopback HTTP to the
project's fake Bot API server; tests act as people (send text, press buttons)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import Runtime, build_runtime
from bot.clock import FixedClock
from bot.config import load_settings
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from emulator import TelegramEmulator
from storage.models import Role, User
from storage.repositories import UnitRepo

TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
BOT_USERNAME = "vanhoa_test_bot"
ADMIN_ID = 90001


@dataclass
class Harness:
    emu: TelegramEmulator
    rt: Runtime
    clock: FixedClock

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.rt.sessionmaker

    async def count(self, model: type) -> int:
        async with self.sessionmaker() as s:
            return int((await s.exec(select(func.count()).select_from(model))).one())

    async def rows(self, model: type) -> list:
        async with self.sessionmaker() as s:
            return list((await s.exec(select(model))).all())

    async def add_unit(self, code: str, name: str, parent: str | None = None) -> None:
        async with self.sessionmaker() as s:
            await UnitService(s, self.clock).add(code, name, parent)

    async def register(
        self,
        telegram_id: int,
        full_name: str,
        *,
        unit: str | None = "VP",
        role: Role = Role.employee,
        locale: str = "vi",
    ) -> User:
        """A person who has already onboarded (onboarding itself is tested through the UI)."""
        async with self.sessionmaker() as s:
            if unit and await UnitRepo(s).by_code(unit) is None:
                await UnitService(s, self.clock).add(unit, f"Đơn vị {unit}")
            token = None
            if role != Role.admin:
                token = (await InviteService(s, self.clock).create(unit, role)).token
            svc = OnboardingService(
                s, self.clock, admin_ids=frozenset({telegram_id}) if role == Role.admin else frozenset()
            )
            user = await svc.accept(telegram_id, token, locale=locale, notice_version="test")
            user.full_name, user.position = full_name, "Chuyên viên"
            return await svc.finish(user)

    async def invite(self, unit: str | None, role: Role = Role.employee, **kw: object) -> str:
        async with self.sessionmaker() as s:
            inv = await InviteService(s, self.clock).create(unit, role, **kw)  # type: ignore[arg-type]
            return inv.token


async def start_bot(
    emu: TelegramEmulator, db_url: str, clock: FixedClock, **settings: object
) -> tuple[Runtime, asyncio.Task]:
    cfg = load_settings(
        bot_token=TOKEN, telegram_api_url=emu.url, database_url=db_url, admin_ids=str(ADMIN_ID), **settings
    )
    # No scheduler beside the dispatcher: the tests run the jobs and the sender themselves.
    rt = await build_runtime(cfg, clock=clock, scheduler=False)
    assert rt.dp is not None and rt.bot is not None
    polled = asyncio.Event()
    rt.dp.startup.register(lambda: polled.set())
    task = asyncio.create_task(
        rt.dp.start_polling(
            rt.bot, handle_as_tasks=False, handle_signals=False, close_bot_session=False, polling_timeout=1
        )
    )
    await asyncio.wait_for(polled.wait(), 10)
    return rt, task


async def stop_bot(rt: Runtime, task: asyncio.Task) -> None:
    assert rt.dp is not None
    with contextlib.suppress(RuntimeError):
        await rt.dp.stop_polling()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    await rt.close()


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def h(emu: TelegramEmulator, sqlite_url: str, clock: FixedClock) -> AsyncIterator[Harness]:
    rt, task = await start_bot(emu, sqlite_url, clock)
    harness = Harness(emu, rt, clock)
    yield harness
    await stop_bot(rt, task)
    assert not emu.internal_errors, emu.internal_errors
    emu.assert_all_callbacks_answered()

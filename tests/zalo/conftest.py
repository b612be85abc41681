"""Zalo conversations driven directly (no HTTP): a recording sender stands for the client."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.loader import load_campaign
from bot.channels.zalo.conversation import ZaloConversations
from bot.channels.zalo.types import Incoming
from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from storage.db import make_engine, make_sessionmaker
from storage.models import Role, User
from storage.repositories import UnitRepo

_ids = itertools.count(1)


@dataclass
class Recorder:
    """Stands for the Zalo client: what the bot sent, per chat."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)  # (chat, "text"|photo url, text|caption)

    async def send_message(self, chat_id: str, text: str) -> str:
        assert len(text) <= 2000
        self.sent.append((chat_id, "text", text))
        return str(next(_ids))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> str:
        self.sent.append((chat_id, photo_url, caption))
        return str(next(_ids))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        return None


@dataclass
class Zalo:
    """The bot's Zalo side over one database; `restart()` builds it again (a new process)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: FixedClock
    settings: Settings
    sender: Recorder = field(default_factory=Recorder)
    conv: ZaloConversations | None = None

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        campaign = load_campaign(self.settings.campaign_file)
        self.conv = ZaloConversations(self.sender, self.sessionmaker, self.clock, campaign, self.settings)

    def person(self, zalo_id: str = "zl-1001", name: str = "Lan") -> Person:
        return Person(self, zalo_id, name)

    async def register(self, zalo_id: str, full_name: str, *, unit: str = "VP", role: Role = Role.employee) -> User:
        async with self.sessionmaker() as s:
            if await UnitRepo(s).by_code(unit) is None:
                await UnitService(s, self.clock).add(unit, f"Đơn vị {unit}")
            token = (await InviteService(s, self.clock).create(unit, role)).token
            svc = OnboardingService(s, self.clock)
            user = await svc.accept_zalo(zalo_id, token, locale="vi", notice_version="test")
            user.full_name, user.position = full_name, "Chuyên viên"
            return await svc.finish(user)

    async def invite(self, unit: str = "VP", role: Role = Role.employee) -> str:
        async with self.sessionmaker() as s:
            if await UnitRepo(s).by_code(unit) is None:
                await UnitService(s, self.clock).add(unit, f"Đơn vị {unit}")
            inv = await InviteService(s, self.clock).create(unit, role)
            assert inv.code
            return inv.code


@dataclass
class Person:
    zalo: Zalo
    zalo_id: str
    name: str

    async def _feed(self, **kw: object) -> list[str]:
        before = len(self.zalo.sender.sent)
        assert self.zalo.conv is not None
        await self.zalo.conv.feed(
            Incoming(
                chat_id=self.zalo_id,
                user_id=self.zalo_id,
                name=self.name,
                message_id=str(next(_ids)),
                date_ms=int(self.zalo.clock.now().timestamp() * 1000),
                **kw,  # type: ignore[arg-type]
            )
        )
        return [text for chat, kind, text in self.zalo.sender.sent[before:] if chat == self.zalo_id]

    async def says(self, text: str) -> str:
        """What the bot answered, all its messages joined."""
        return "\n".join(await self._feed(kind="text", text=text))

    async def sends_sticker(self) -> str:
        return "\n".join(await self._feed(kind="sticker", sticker="abc"))

    async def sends_image(self) -> str:
        return "\n".join(await self._feed(kind="image", photo_url="https://zalo.example/p.jpg", caption=""))


@pytest.fixture
async def zalo(db_url: str, clock: FixedClock) -> AsyncIterator[Zalo]:
    engine = make_engine(db_url)
    settings = load_settings(bot_token="1:x", database_url=db_url)
    yield Zalo(make_sessionmaker(engine), clock, settings)
    await engine.dispose()

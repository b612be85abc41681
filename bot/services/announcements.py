"""Announcements from the standing agency (SPEC §3.8) to a role and/or a unit (with its
sub-units), sent through the outbox as one broadcast: durable, within Telegram's rate
limits, and reported back to the administrator who sent it when done.

Keys "announce:<announcement>:<user>" make a repeated confirmation queue nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.services.audit import AuditService
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import InvalidInput
from storage.delivery import Broadcast
from storage.models import Role, Unit, User

TEXT_MAX = 3500  # room for the header within Telegram's 4096 characters
KIND = "announce"


class AnnouncementService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    @staticmethod
    def check_text(plain: str) -> None:
        if not plain.strip() or len(plain) > TEXT_MAX:
            raise InvalidInput("announce_text", max=TEXT_MAX, length=len(plain))

    async def audience(self, role: Role | None, unit: Unit | None) -> list[User]:
        """Registered, reachable people with `role` (None: every role) in `unit` and its
        sub-units (None: everywhere)."""
        q = select(User).where(
            col(User.onboarded_at).is_not(None), col(User.active).is_(True), col(User.telegram_id).is_not(None)
        )
        if role is not None:
            q = q.where(User.role == role)
        if unit is not None:
            q = q.join(Unit, col(Unit.id) == col(User.unit_id)).where(col(Unit.path).startswith(unit.path))
        return list((await self.session.exec(q.order_by(col(User.id)))).all())

    async def send(
        self,
        admin: User,
        role: Role | None,
        unit: Unit | None,
        token: str,
        render: Callable[[User], Awaitable[dict[str, Any]]],
    ) -> tuple[Broadcast, int]:
        """Queue the announcement for everyone in the audience; `render(person)` builds
        their message (in their language). Returns the broadcast and how many were queued."""
        people = await self.audience(role, unit)
        if not people:
            raise InvalidInput("announce_nobody")
        messages = [
            Outgoing(f"{KIND}:{token}:{p.id}", KIND, p.telegram_id, await render(p), p.id)  # type: ignore[arg-type]
            for p in people
        ]
        actor = admin.telegram_id
        AuditService(self.session, self.clock).note(
            actor,
            "announce",
            detail=f"role={role.value if role else 'all'} unit={unit.code if unit else 'all'} "
            f"recipients={len(people)} key={token}",
        )
        return await DeliveryService(self.session, self.clock).start_broadcast(KIND, actor, messages)

"""Announcements from the standing agency (SPEC §3.8) to a role and/or a unit (with its
sub-units), sent through the outbox as one broadcast: durable, within Telegram's rate
limits, and reported back to the administrator who sent it when done.

Keys "announce:<announcement>:<user>" make a repeated confirmation queue nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.services.audit import AuditService
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import InvalidInput, NotFound
from storage.delivery import Broadcast
from storage.models import Role, Unit, User
from storage.repositories import UnitRepo

TEXT_MAX = 3500  # room for the header within Telegram's 4096 characters
KIND = "announce"
#: Whom an announcement can address, by index (the buttons and the typed words name them).
AUDIENCE_ROLES: tuple[Role | None, ...] = (None, Role.employee, Role.leader, Role.comms)


@dataclass(frozen=True)
class Audience:
    """Who an announcement reaches: a role (an index in AUDIENCE_ROLES) in a unit and its
    sub-units (None: all units), and how many registered people that is."""

    role: int
    unit: Unit | None
    people: int = 0


class AnnouncementService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    @staticmethod
    def check_text(plain: str) -> None:
        if not plain.strip() or len(plain) > TEXT_MAX:
            raise InvalidInput("announce_text", max=TEXT_MAX, length=len(plain))

    async def unit_by_code(self, code: str) -> Unit:
        unit = await UnitRepo(self.session).by_code(code.strip())
        if unit is None:
            raise NotFound("unit", value=code.strip())
        return unit

    async def _unit(self, unit_id: int) -> Unit | None:
        return await self.session.get(Unit, unit_id) if unit_id else None

    @staticmethod
    def _role(role: int) -> Role | None:
        if not 0 <= role < len(AUDIENCE_ROLES):
            raise InvalidInput("criterion")
        return AUDIENCE_ROLES[role]

    async def preview(self, role: int, unit_id: int) -> Audience:
        """The audience of a role (an index in AUDIENCE_ROLES) and a unit (an id; 0: all)."""
        unit = await self._unit(unit_id)
        return Audience(role, unit, len(await self.audience(self._role(role), unit)))

    async def send_to(
        self,
        admin: Person,
        role: int,
        unit_id: int,
        token: str,
        render: Callable[[User], Awaitable[dict[str, Any]]],
    ) -> Audience:
        """`send` for a role index and a unit id (as a conversation keeps them): the
        audience, with how many were queued."""
        unit = await self._unit(unit_id)
        _broadcast, queued = await self.send(admin, self._role(role), unit, token, render)
        return Audience(role, unit, queued)

    async def audience(self, role: Role | None, unit: Unit | None) -> list[User]:
        """Registered, reachable people with `role` (None: every role) in `unit` and its
        sub-units (None: everywhere)."""
        q = select(User).where(
            col(User.onboarded_at).is_not(None),
            col(User.active).is_(True),
            or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
        )
        if role is not None:
            q = q.where(User.role == role)
        if unit is not None:
            q = q.join(Unit, col(Unit.id) == col(User.unit_id)).where(col(Unit.path).startswith(unit.path))
        return list((await self.session.exec(q.order_by(col(User.id)))).all())

    async def send(
        self,
        admin: Person,
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
            Outgoing(f"{KIND}:{token}:{p.id}", KIND, p.telegram_id or 0, await render(p), p.id)  # audience: with a chat
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

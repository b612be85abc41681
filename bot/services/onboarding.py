"""Onboarding (SPEC §3.1): invitation → consent → language, name, position, schedule.

Nothing is stored before consent: the invitation is only read until the person agrees,
and the consent record keeps the notice's version and the time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.i18n import normalize
from bot.services.audit import AuditService
from bot.services.errors import AlreadyRegistered, InviteRefused
from bot.services.invites import InviteService
from storage.models import ConsentRecord, Invitation, Role, Unit, User
from storage.repositories import UnitRepo, UserRepo


@dataclass(frozen=True)
class InvitePreview:
    """What the person is invited to, shown beside the notice. Nothing stored."""

    token: str | None
    role: Role
    unit: Unit | None
    bootstrap_admin: bool = False


class OnboardingService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        *,
        admin_ids: frozenset[int] = frozenset(),
        timezone: str = "Asia/Ho_Chi_Minh",
    ) -> None:
        self.session = session
        self.clock = clock
        self.admin_ids = admin_ids
        self.timezone = timezone
        self.users = UserRepo(session)
        self.units = UnitRepo(session)
        self.invites = InviteService(session, clock)
        self.audit = AuditService(session, clock)

    async def preview(self, telegram_id: int, token: str | None) -> InvitePreview:
        """Check who may start. Raises AlreadyRegistered or InviteRefused; writes nothing."""
        existing = await self.users.by_telegram_id(telegram_id)
        if existing is not None and existing.onboarded_at is not None:
            raise AlreadyRegistered()
        if not token and telegram_id in self.admin_ids:
            return InvitePreview(token=None, role=Role.admin, unit=None, bootstrap_admin=True)
        inv = await self.invites.check(token)
        unit = await self.units.get(inv.unit_id) if inv.unit_id else None
        return InvitePreview(token=inv.token, role=Role(inv.role), unit=unit)

    async def accept(
        self, telegram_id: int, token: str | None, *, locale: str, notice_version: str
    ) -> User:
        """Consent given: create the user and the consent record, take one invitation use."""
        existing = await self.users.by_telegram_id(telegram_id)
        if existing is not None:
            return existing  # a second tap on "I agree": nothing new
        now = self.clock.now()
        inv: Invitation | None = None
        if token or telegram_id not in self.admin_ids:
            inv = await self.invites.check(token)
            assert inv.id is not None
            if not await self.invites.repo.take_one_use(inv.id, now):
                await self.session.rollback()
                raise InviteRefused("invite_used_up")
        role = Role.admin if telegram_id in self.admin_ids else Role(inv.role if inv else "admin")
        user = User(
            telegram_id=telegram_id,
            unit_id=inv.unit_id if inv else None,
            role=role,
            locale=normalize(locale),
            timezone=self.timezone,
            invitation_id=inv.id if inv else None,
            created_at=now,
        )
        self.session.add(user)
        try:
            await self.session.flush()
        except IntegrityError:
            # Two taps raced; the other one created the user.
            await self.session.rollback()
            again = await self.users.by_telegram_id(telegram_id)
            if again is None:
                raise
            return again
        assert user.id is not None
        self.session.add(
            ConsentRecord(
                user_id=user.id,
                notice_version=notice_version,
                locale=user.locale,
                accepted_at=now,
            )
        )
        self.audit.note(
            telegram_id, "user.register", detail=f"role={role.value} invitation={user.invitation_id}"
        )
        await self.session.commit()
        return user

    async def finish(self, user: User) -> User:
        if user.onboarded_at is None:
            user.onboarded_at = self.clock.now()
            self.session.add(user)
            await self.session.commit()
        return user

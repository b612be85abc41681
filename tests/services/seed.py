"""People and units for the leader and admin tools' service tests."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from storage.models import Role, User


async def unit(session: AsyncSession, clock: Clock, code: str, parent: str | None = None) -> None:
    units = UnitService(session, clock)
    if await units.repo.by_code(code) is None:
        await units.add(code, f"Đơn vị {code}", parent, "division" if parent else "ministry_unit")


async def person(
    session: AsyncSession,
    clock: Clock,
    telegram_id: int,
    unit_code: str | None,
    role: Role = Role.employee,
    name: str | None = None,
) -> User:
    """A registered, onboarded person (admins without an invitation, as configured)."""
    if unit_code:
        await unit(session, clock, unit_code)
    token = None if role == Role.admin else (await InviteService(session, clock).create(unit_code, role)).token
    svc = OnboardingService(session, clock, admin_ids=frozenset({telegram_id}) if role == Role.admin else frozenset())
    user = await svc.accept(telegram_id, token, locale="vi", notice_version="test")
    user.full_name = name or f"Người Số {telegram_id}"
    user.position = "Chuyên viên"
    return await svc.finish(user)

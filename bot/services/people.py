"""Registered people and their roles (SPEC §2, §3.8): administrators make a registered
person a unit's leader (thủ trưởng or emulation officer) or communications staff, or an
employee again. Administrators themselves come from configuration (ADMIN_IDS) and are
neither made nor unmade here.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from storage.models import Role, Unit, User
from storage.repositories import UnitRepo

ASSIGNABLE = (Role.employee, Role.leader, Role.comms)


class PeopleService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.audit = AuditService(session, clock)

    async def unit_members(self, unit_code: str) -> tuple[Unit, list[User]]:
        """A unit (not its sub-units) and the people registered in it, by name."""
        unit = await UnitRepo(self.session).by_code(unit_code)
        if unit is None:
            raise NotFound("unit", value=unit_code)
        res = await self.session.exec(
            select(User)
            .where(User.unit_id == unit.id, col(User.onboarded_at).is_not(None))
            .order_by(col(User.full_name))
        )
        return unit, list(res.all())

    async def person(self, user_id: int) -> User:
        person = await self.session.get(User, user_id)
        if person is None or person.onboarded_at is None:
            raise NotFound("person", value=str(user_id))
        return person

    async def change_role(self, admin: Person, user_id: int, role: Role | str) -> tuple[User, Role]:
        """Returns the person and their previous role. Audited."""
        try:
            new = Role(role)
        except ValueError:
            raise InvalidInput("role", value=str(role)) from None
        if new not in ASSIGNABLE:
            raise InvalidInput("role_admin")
        person = await self.person(user_id)
        old = Role(person.role)
        if old == Role.admin:
            raise InvalidInput("role_of_admin")
        if new == Role.leader and person.unit_id is None:
            raise InvalidInput("role_needs_unit")
        if old != new:
            person.role = new
            self.session.add(person)
            self.audit.note(admin.telegram_id, "role.change", detail=f"user={person.id} {old.value}->{new.value}")
            await self.session.commit()
        return person, old

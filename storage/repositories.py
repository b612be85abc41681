"""Queries, grouped by table. Repositories never commit: the service owns the unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, ConsentRecord, Invitation, Role, Unit, User


class UnitRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, unit_id: int) -> Unit | None:
        return await self.s.get(Unit, unit_id)

    async def by_code(self, code: str) -> Unit | None:
        res = await self.s.exec(select(Unit).where(func.lower(Unit.code) == code.lower()))
        return res.first()

    async def all(self) -> Sequence[Unit]:
        res = await self.s.exec(select(Unit).order_by(col(Unit.path)))
        return res.all()

    async def subtree(self, unit: Unit) -> Sequence[Unit]:
        res = await self.s.exec(select(Unit).where(col(Unit.path).startswith(unit.path)).order_by(col(Unit.path)))
        return res.all()

    async def subtree_by_path(self, path: str) -> Sequence[Unit]:
        res = await self.s.exec(select(Unit).where(col(Unit.path).startswith(path)))
        return res.all()

    async def count(self) -> int:
        res = await self.s.exec(select(func.count()).select_from(Unit))
        return int(res.one())


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, user_id: int) -> User | None:
        return await self.s.get(User, user_id)

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        res = await self.s.exec(select(User).where(User.telegram_id == telegram_id))
        return res.first()

    async def by_zalo_id(self, zalo_id: str) -> User | None:
        res = await self.s.exec(select(User).where(User.zalo_id == zalo_id))
        return res.first()

    async def in_units(self, unit_ids: Sequence[int]) -> Sequence[User]:
        res = await self.s.exec(select(User).where(col(User.unit_id).in_(unit_ids)).order_by(col(User.full_name)))
        return res.all()

    async def with_role(self, role: Role) -> Sequence[User]:
        res = await self.s.exec(select(User).where(User.role == role))
        return res.all()


class UserLookup(Protocol):
    """How each update finds the person who sent it: chosen once at start (bot/app.py),
    the session's query here, or one plain statement on a SQLite file (storage/direct.py
    `SqliteUsers`). Either way the person is known to the update's session."""

    async def by_telegram_id(self, session: AsyncSession, telegram_id: int) -> User | None: ...


class SessionUsers:
    """`UserLookup` through the update's session (any database)."""

    async def by_telegram_id(self, session: AsyncSession, telegram_id: int) -> User | None:
        return await UserRepo(session).by_telegram_id(telegram_id)


class InvitationRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def by_token(self, token: str) -> Invitation | None:
        res = await self.s.exec(select(Invitation).where(Invitation.token == token))
        return res.first()

    async def by_code(self, code: str) -> Invitation | None:
        res = await self.s.exec(select(Invitation).where(Invitation.code == code))
        return res.first()

    async def list(self, unit_id: int | None = None) -> Sequence[Invitation]:
        q = select(Invitation).order_by(col(Invitation.created_at).desc())
        if unit_id is not None:
            q = q.where(Invitation.unit_id == unit_id)
        res = await self.s.exec(q)
        return res.all()

    async def take_one_use(self, invitation_id: int, now: datetime) -> bool:
        """Count one use atomically; False if it ran out or was revoked meanwhile."""
        inv = Invitation
        stmt = (
            update(inv)
            .where(col(inv.id) == invitation_id)
            .where(col(inv.revoked_at).is_(None))
            .where((col(inv.max_uses).is_(None)) | (col(inv.uses) < col(inv.max_uses)))
            .where((col(inv.expires_at).is_(None)) | (col(inv.expires_at) > now))
            .values(uses=inv.uses + 1)
        )
        res = await self.s.exec(stmt)
        return bool(res.rowcount)


class ConsentRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def for_user(self, user_id: int) -> Sequence[ConsentRecord]:
        res = await self.s.exec(
            select(ConsentRecord).where(ConsentRecord.user_id == user_id).order_by(col(ConsentRecord.accepted_at))
        )
        return res.all()


class AuditRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, entry: AuditEntry) -> None:
        self.s.add(entry)

    async def recent(self, limit: int = 50) -> Sequence[AuditEntry]:
        res = await self.s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit))
        return res.all()

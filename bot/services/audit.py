"""The audit log of role-sensitive actions and refusals (SPEC §2)."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.models import AuditEntry
from storage.repositories import AuditRepo

log = logging.getLogger("audit")


class AuditService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.repo = AuditRepo(session)
        self.session = session
        self.clock = clock

    def note(self, actor: int | None, action: str, outcome: str = "ok", detail: str = "") -> None:
        """Add an entry to the current unit of work (the caller commits)."""
        log.info("%s %s by %s %s", outcome, action, actor, detail)
        self.repo.add(
            AuditEntry(
                at=self.clock.now(),
                actor_telegram_id=actor,
                action=action[:64],
                outcome=outcome[:16],
                detail=detail[:1024],
            )
        )

    async def refused(self, actor: int | None, action: str, detail: str = "") -> None:
        """Record a refusal on its own: whatever the update had begun is rolled back."""
        await self.session.rollback()
        self.note(actor, action, "refused", detail)
        await self.session.commit()

    async def recent(self, limit: int = 30, *, refused_only: bool = False) -> list[AuditEntry]:
        """The newest entries first (an administrator's /audit)."""
        from sqlmodel import col, select

        q = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        if refused_only:
            q = q.where(AuditEntry.outcome == "refused")
        return list((await self.session.exec(q)).all())

"""The audit log of role-sensitive actions and refusals (SPEC §2), and how people are
named in the process log.

The process log never holds a Telegram id, a name or a message text: a person is written
as `person_ref(telegram_id)`, a keyed hash (HMAC-SHA256 under a secret derived from the
settings), so lines about one account can be matched with each other but not with the
account, also for people who never consented or who used /forget (Law 91/2025/QH15).
The audit table keeps the actor's id for registered people, for the administrators' /audit.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.models import AuditEntry
from storage.repositories import AuditRepo

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("audit")

# Until the settings are known (the bot's startup sets it), a key of this process only:
# a reference is then never the id, merely not comparable across processes.
_log_key: bytes = secrets.token_bytes(32)


def log_key(settings: Settings) -> bytes:
    """The key of person_ref, derived from the bot's secrets: the same in every worker and
    after a restart, unknown to whoever reads only the log."""
    secret = settings.bot_token.get_secret_value() if settings.bot_token else ""
    if settings.webhook_secret is not None:
        secret += "\0" + settings.webhook_secret.get_secret_value()
    if not secret:
        return _log_key
    return hmac.new(b"vanhoa-congso/log-pseudonym/v1", secret.encode(), hashlib.sha256).digest()


def configure_log_key(settings: Settings) -> None:
    global _log_key  # noqa: PLW0603 - one value per process, set from the settings at start
    _log_key = log_key(settings)


def person_ref(telegram_id: int | str | None) -> str:
    """How a person appears in the log: "p:" and 12 hex digits of a keyed hash, never the id
    (a Telegram number, or a Zalo id, which is a string)."""
    if telegram_id is None:
        return "-"
    key = f"zalo:{telegram_id}" if isinstance(telegram_id, str) else str(int(telegram_id))
    digest = hmac.new(_log_key, key.encode(), hashlib.sha256).hexdigest()
    return "p:" + digest[:12]


class AuditService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.repo = AuditRepo(session)
        self.session = session
        self.clock = clock

    def _entry(self, actor: int | None, action: str, outcome: str, detail: str) -> AuditEntry:
        log.info("%s %s by %s %s", outcome, action, person_ref(actor), detail)
        return AuditEntry(
            at=self.clock.now(),
            actor_telegram_id=actor,
            action=action[:64],
            outcome=outcome[:16],
            detail=detail[:1024],
        )

    def note(self, actor: int | None, action: str, outcome: str = "ok", detail: str = "") -> None:
        """Add an entry to the current unit of work (the caller commits)."""
        self.repo.add(self._entry(actor, action, outcome, detail))

    async def refused(self, actor: int | None, action: str, detail: str = "") -> None:
        """Record a refusal in a short transaction of its own, on its own connection: the
        entry stays whatever becomes of the update's unit of work (the refusal that follows
        ends it, and its session rolls back what it had begun when it closes). The
        update's session and what it has loaded are left as they are."""
        entry = self._entry(actor, action, "refused", detail)
        async with AsyncSession(self.session.bind, expire_on_commit=False) as own:
            AuditRepo(own).add(entry)
            await own.commit()

    async def recent(self, limit: int = 30, *, refused_only: bool = False) -> list[AuditEntry]:
        """The newest entries first (an administrator's /audit)."""
        q = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        if refused_only:
            q = q.where(AuditEntry.outcome == "refused")
        return list((await self.session.exec(q)).all())

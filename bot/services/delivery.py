"""The outbox: what to send, once. No Telegram here: payloads are plain Bot API fields.

Idempotency: every row has a key (kind:recipient:period); queuing the same key twice
inserts nothing. Claiming: PostgreSQL hands rows out with FOR UPDATE SKIP LOCKED, so
several senders never take the same row; SQLite has a single sender. A row left in
"sending" by a crash is reclaimed after CLAIM_TIMEOUT, so a kill -9 loses nothing and
duplicates at most what was in flight.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.db import dialect_insert
from storage.delivery import Broadcast, JobRun, OutboxMessage, OutboxStatus
from storage.models import User

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(seconds=60)
MAX_ATTEMPTS = 6


TELEGRAM, ZALO = "telegram", "zalo"  # the outbox's channels (OutboxMessage.channel)


@dataclass(frozen=True)
class Outgoing:
    """A message to queue. payload: {"method": "sendMessage", "text": ..., "reply_markup": {...}}
    (and "screen" when it was drawn from a screen: a Zalo recipient gets that, rendered as
    text). The row goes to the recipient's channel: `enqueue` looks up the person `user_id`
    (Telegram: their chat, `chat_id`; Zalo: their Zalo id); a message without `user_id` goes
    to `chat_id` on Telegram, or to `zalo_chat_id` on Zalo."""

    key: str
    kind: str
    chat_id: int | None
    payload: dict[str, Any]
    user_id: int | None = None
    blob: bytes | None = None
    zalo_chat_id: str | None = None


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    pending: int

    @property
    def done(self) -> bool:
        return self.pending == 0


def backoff(attempts: int) -> timedelta:
    """2, 4, 8, 16, 32 seconds… between retries of a 5xx or a network error."""
    return timedelta(seconds=min(2**attempts, 300))


class DeliveryService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _insert(self, table: Any) -> Any:
        return dialect_insert(self.session)(table)

    async def enqueue(
        self, messages: Sequence[Outgoing], *, broadcast_id: int | None = None, not_before: datetime | None = None
    ) -> int:
        """Queue messages; those whose key is already queued are skipped. Returns how many
        were new. Commits."""
        if not messages:
            return 0
        now = self.clock.now()
        addresses = await self._addresses(messages)
        rows = [
            {
                "key": m.key[:200],
                "kind": m.kind,
                "channel": channel,
                "chat_id": chat_id,
                "zalo_chat_id": zalo_chat_id,
                "user_id": m.user_id,
                "payload": json.dumps(m.payload, ensure_ascii=False),
                "blob": m.blob,
                "status": OutboxStatus.pending.value,
                "attempts": 0,
                "not_before": not_before or now,
                "broadcast_id": broadcast_id,
                "created_at": now,
            }
            for m, (channel, chat_id, zalo_chat_id) in zip(messages, addresses, strict=True)
            if channel
        ]
        if not rows:
            return 0
        new = 0
        for start in range(0, len(rows), 500):
            stmt = self._insert(OutboxMessage).values(rows[start : start + 500])
            stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
            res = await self.session.exec(stmt)
            new += res.rowcount or 0
        await self.session.commit()
        return new

    async def _addresses(self, messages: Sequence[Outgoing]) -> list[tuple[str, int | None, str | None]]:
        """Each message's (channel, Telegram chat, Zalo chat): the recipient's own channel (a
        person has one, Telegram or Zalo); ("", None, None) for one who has neither (not queued)."""
        user_ids = sorted({m.user_id for m in messages if m.user_id is not None})
        people: dict[int, tuple[int | None, str | None]] = {}
        for start in range(0, len(user_ids), 500):  # a bounded IN list (SQLite's variables)
            res = await self.session.exec(
                select(User.id, User.telegram_id, User.zalo_id).where(col(User.id).in_(user_ids[start : start + 500]))
            )
            people.update({uid: (tg, zalo) for uid, tg, zalo in res.all() if uid is not None})
        out: list[tuple[str, int | None, str | None]] = []
        for m in messages:
            telegram_id, zalo_id = people.get(m.user_id, (None, None)) if m.user_id is not None else (None, None)
            if zalo_id or (m.zalo_chat_id and m.chat_id is None and telegram_id is None):
                out.append((ZALO, None, zalo_id or m.zalo_chat_id))
            elif m.chat_id is not None or telegram_id is not None:
                out.append((TELEGRAM, m.chat_id if m.chat_id is not None else telegram_id, None))
            else:
                log.warning("outbox %s: the recipient has neither a Telegram nor a Zalo chat; not queued", m.key)
                out.append(("", None, None))
        return out

    async def start_broadcast(
        self, kind: str, started_by: int | None, messages: Sequence[Outgoing]
    ) -> tuple[Broadcast, int]:
        b = Broadcast(kind=kind, started_by=started_by, created_at=self.clock.now())
        self.session.add(b)
        await self.session.flush()
        new = await self.enqueue(messages, broadcast_id=b.id)
        b.total = new
        self.session.add(b)
        await self.session.commit()
        return b, new

    async def claim(
        self, limit: int, claim_timeout: timedelta = CLAIM_TIMEOUT, *, channels: Sequence[str] | None = None
    ) -> list[OutboxMessage]:
        """Take up to `limit` due rows for sending (including ones a crash left behind); only
        the rows of `channels` when given (a sender without a Zalo client leaves Zalo's rows)."""
        now = self.clock.now()
        due = or_(
            and_(col(OutboxMessage.status) == OutboxStatus.pending, col(OutboxMessage.not_before) <= now),
            and_(
                col(OutboxMessage.status) == OutboxStatus.sending, col(OutboxMessage.claimed_at) < now - claim_timeout
            ),
        )
        q = select(OutboxMessage).where(due).order_by(col(OutboxMessage.id)).limit(limit)
        if channels is not None:
            q = q.where(col(OutboxMessage.channel).in_(list(channels)))
        if self._dialect == "postgresql":
            q = q.with_for_update(skip_locked=True)
        rows = list((await self.session.exec(q)).all())
        for row in rows:
            row.status, row.claimed_at = OutboxStatus.sending, now
            self.session.add(row)
        await self.session.commit()
        return rows

    async def mark_sent(self, *row_ids: int) -> None:
        """Several at once: the sender notes what it sent in groups (one write, not one each)."""
        if row_ids:
            await self.session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(row_ids))
                .values(status=OutboxStatus.sent, sent_at=self.clock.now(), last_error=None)
            )
            await self.session.commit()

    async def mark_retry(self, row: OutboxMessage, error: str, *, delay: timedelta | None = None) -> None:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self._set(row.id, status=OutboxStatus.failed, attempts=attempts, last_error=error[:500])
            log.warning("outbox %s (%s) failed after %s attempts: %s", row.id, row.key, attempts, error)
            return
        await self._set(
            row.id,
            status=OutboxStatus.pending,
            attempts=attempts,
            not_before=self.clock.now() + (delay or backoff(attempts)),
            last_error=error[:500],
        )

    async def release(self, row_id: int, not_before: datetime, *, payload: dict[str, Any] | None = None) -> None:
        """Give a claimed row back untouched (a 429 paused all sending); `payload`: what is
        left of it to send (a Zalo row whose first messages went out before the 429)."""
        values: dict[str, Any] = {"status": OutboxStatus.pending, "not_before": not_before}
        if payload is not None:
            values["payload"] = json.dumps(payload, ensure_ascii=False)
        await self._set(row_id, **values)

    async def keep_remaining(self, row_id: int, payload: dict[str, Any]) -> None:
        """What is left of a row to send, once part of it went out (retries send only that)."""
        await self._set(row_id, payload=json.dumps(payload, ensure_ascii=False))

    async def mark_failed(self, row_id: int, error: str) -> None:
        await self._set(row_id, status=OutboxStatus.failed, last_error=error[:500])

    async def recipient_blocked(self, chat_id: int, error: str) -> int:
        """403: the person blocked the bot. Mark them inactive; drop what waits for them."""
        await self.session.exec(update(User).where(col(User.telegram_id) == chat_id).values(active=False))
        res = await self.session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.chat_id) == chat_id)
            .where(col(OutboxMessage.status).in_([OutboxStatus.pending, OutboxStatus.sending]))
            .values(status=OutboxStatus.dropped, last_error=error[:500])
        )
        await self.session.commit()
        return res.rowcount or 0

    async def zalo_recipient_blocked(self, zalo_chat_id: str, error: str) -> int:
        """403 from Zalo: as `recipient_blocked`, for the person with this Zalo id."""
        await self.session.exec(update(User).where(col(User.zalo_id) == zalo_chat_id).values(active=False))
        res = await self.session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.zalo_chat_id) == zalo_chat_id)
            .where(col(OutboxMessage.status).in_([OutboxStatus.pending, OutboxStatus.sending]))
            .values(status=OutboxStatus.dropped, last_error=error[:500])
        )
        await self.session.commit()
        return res.rowcount or 0

    async def _set(self, row_id: int | None, **values: Any) -> None:
        await self.session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values))
        await self.session.commit()

    async def progress(self, broadcast_id: int) -> Progress:
        res = await self.session.exec(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .group_by(OutboxMessage.status)
        )
        counts = {OutboxStatus(s): n for s, n in res.all()}
        sent = counts.get(OutboxStatus.sent, 0)
        failed = counts.get(OutboxStatus.failed, 0) + counts.get(OutboxStatus.dropped, 0)
        pending = counts.get(OutboxStatus.pending, 0) + counts.get(OutboxStatus.sending, 0)
        return Progress(total=sent + failed + pending, sent=sent, failed=failed, pending=pending)

    async def unreported_broadcasts(self) -> Sequence[Broadcast]:
        res = await self.session.exec(select(Broadcast).where(col(Broadcast.reported).is_(False)))
        return res.all()

    async def mark_reported(self, broadcast: Broadcast) -> None:
        broadcast.reported = True
        self.session.add(broadcast)
        await self.session.commit()

    async def pending_count(self, channels: Sequence[str] | None = None) -> int:
        q = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status).in_([OutboxStatus.pending, OutboxStatus.sending]))
        )
        if channels is not None:
            q = q.where(col(OutboxMessage.channel).in_(list(channels)))
        res = await self.session.exec(q)
        return int(res.one())

    # -- job bookkeeping ------------------------------------------------------------------

    async def record_run(self, job: str, period: str, queued: int) -> bool:
        """Note that `job` ran for `period`; False if it had already run for it."""
        stmt = self._insert(JobRun).values(job=job, period=period, ran_at=self.clock.now(), queued=queued)
        stmt = stmt.on_conflict_do_nothing(index_elements=["job", "period"])
        res = await self.session.exec(stmt)
        await self.session.commit()
        return bool(res.rowcount)

    async def has_run(self, job: str, period: str) -> bool:
        res = await self.session.exec(select(JobRun.id).where(JobRun.job == job, JobRun.period == period))
        return res.first() is not None

    async def last_run(self, job: str) -> datetime | None:
        res = await self.session.exec(select(func.max(JobRun.ran_at)).where(JobRun.job == job))
        return res.one()

"""Each incoming update once: a short-lived record per update id, shared by every worker.

Telegram delivers an update again when a webhook answered slowly or failed, and a polling
bot that restarted before confirming an update gets it again. Before an update is
handled, its id is recorded in one cheap atomic statement, and an id already recorded is
not handled again:

- Redis (REDIS_URL): one `SET key 1 NX EX 86400`;
- else the database: one `INSERT … ON CONFLICT` into processed_updates (on a SQLite file
  through storage/direct.py, on the event loop's thread, like a tap's own statements),
  rows older than a day pruned now and then;
- on PostgreSQL without Redis (`SessionLedger`), that INSERT is the first statement of
  the update's own transaction, committed with the update's first commit (or after the
  update, on its own, when nothing committed): no connection, BEGIN and COMMIT of its
  own. Until then the row is locked: the same update arriving at another worker waits
  for it and is then skipped.

Telegram keeps an undelivered update for 24 hours, so a record lives as long. A record is
the update's id and its event's date: a repeated delivery is the same update, both equal;
the same id with another date is another update (the sandbox's fake Bot API numbers its
updates from 1 again at each start; Telegram picks a new random id after a silent week).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.db import dialect_insert
from storage.delivery import ProcessedUpdate
from storage.direct import SqliteDirect, Statement

log = logging.getLogger(__name__)
KEEP = timedelta(hours=24)
PRUNE_EVERY = 600.0  # seconds between two prunings of the table, per process

TABLE: Table = ProcessedUpdate.__table__  # type: ignore[attr-defined]


def _record(insert: Any) -> Any:
    """INSERT the update; an older record of the same id with another event date is another
    update's: take its place. Exactly one row is written when the update is new."""
    stmt = insert(TABLE).values(
        update_id=bindparam("update_id"), event_date=bindparam("event_date"), seen_at=bindparam("seen_at")
    )
    return stmt.on_conflict_do_update(
        index_elements=["update_id"],
        set_={"event_date": stmt.excluded.event_date, "seen_at": stmt.excluded.seen_at},
        where=TABLE.c.event_date != stmt.excluded.event_date,
    )


RECORD = Statement(_record(sqlite_insert), TABLE)  # the SQLite path (storage/direct.py)


class UpdateLedger(Protocol):
    """Chosen once at start (bot/app.py); handlers/middlewares.py UpdateOnce asks it."""

    async def claim(self, session: AsyncSession, update_id: int, event_date: int = 0) -> bool:
        """Record the update before it is handled (`session`: the update's own);
        False when it was recorded before (a repeated delivery)."""
        ...

    async def settle(self, session: AsyncSession) -> None:
        """After the update (handled or failed): the record is kept for good."""
        ...


class OwnTransaction:
    """A ledger whose record is kept at once, in a transaction of its own."""

    async def first_time(self, update_id: int, event_date: int = 0) -> bool:
        raise NotImplementedError

    async def claim(self, session: AsyncSession, update_id: int, event_date: int = 0) -> bool:
        return await self.first_time(update_id, event_date)

    async def settle(self, session: AsyncSession) -> None:
        return None


class RedisLedger(OwnTransaction):
    def __init__(self, redis: Any, bot_id: int | str, keep: timedelta = KEEP) -> None:
        self.redis = redis
        self.prefix = f"vanhoa:update:{bot_id}:"
        self.keep = int(keep.total_seconds())

    async def first_time(self, update_id: int, event_date: int = 0) -> bool:
        return bool(await self.redis.set(f"{self.prefix}{update_id}:{event_date}", 1, nx=True, ex=self.keep))


class SqlLedger(OwnTransaction):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        direct: SqliteDirect | None = None,
        keep: timedelta = KEEP,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.direct = direct
        self.keep = keep
        self._pruned = time.monotonic()
        self._pruning: asyncio.Task[int] | None = None

    async def first_time(self, update_id: int, event_date: int = 0) -> bool:
        now = self.clock.now()
        values = {"update_id": update_id, "event_date": event_date, "seen_at": now}
        if self.direct is not None:

            def tx(conn: sqlite3.Connection) -> bool:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    new = RECORD.run(conn, **values).rowcount == 1
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                return new

            new = await self.direct.run(tx, writes=True)
        else:
            async with self.sessionmaker() as session:
                res = await session.exec(_record(dialect_insert(session)), params=values)
                await session.commit()
                new = res.rowcount == 1
        if time.monotonic() - self._pruned > PRUNE_EVERY and (self._pruning is None or self._pruning.done()):
            self._pruned = time.monotonic()
            self._pruning = asyncio.create_task(self.prune())
        return new

    async def prune(self) -> int:
        """Forget the updates older than `keep` (Telegram would not send them again)."""
        try:
            async with self.sessionmaker() as session:
                res = await session.exec(
                    delete(ProcessedUpdate).where(col(ProcessedUpdate.seen_at) < self.clock.now() - self.keep)
                )
                await session.commit()
                return int(res.rowcount or 0)
        except Exception:  # noqa: BLE001 - pruning again later is as good
            log.warning("could not prune processed_updates", exc_info=True)
            return 0


class SessionLedger(SqlLedger):
    """PostgreSQL: the record is the first statement of the update's own transaction."""

    async def claim(self, session: AsyncSession, update_id: int, event_date: int = 0) -> bool:
        values = {"update_id": update_id, "event_date": event_date, "seen_at": self.clock.now()}
        session.info["update_record"] = values
        res = await session.exec(_record(dialect_insert(session)), params=values)
        return bool(res.rowcount == 1)

    async def settle(self, session: AsyncSession) -> None:
        """A transaction still open holds what the update did not commit, the record too
        when nothing committed it: rolled back, and the record kept on its own (again, if
        a commit took it already: the INSERT then changes nothing)."""
        values = session.info.pop("update_record", None)
        if values is None or not session.in_transaction():
            return
        await session.rollback()
        await session.exec(_record(dialect_insert(session)), params=values)
        await session.commit()

"""FSM storage in the project's database, so a conversation survives a restart.

Used when no REDIS_URL is set (aiogram's RedisStorage is used otherwise). Each call
runs in its own short transaction, apart from the update's unit of work.

With `cache=True` (one process owns the database: SQLite) reads are served from a
write-through copy in memory and a write that changes nothing is skipped, so a button
press costs no FSM query at all. Several processes must not use the cache.

Without the cache (PostgreSQL), a read made while an update's session is open
(`update_session`, set by handlers/middlewares.py DbSessionMiddleware) is one SELECT in
that session's transaction: no connection, BEGIN and COMMIT of its own (bench P1). Writes
keep their own short transaction, so a state written survives whatever becomes of the
update's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.models import FsmRecord

#: The session of the update being handled, if any: reads of the state go through it.
update_session: ContextVar[AsyncSession | None] = ContextVar("update_session", default=None)


class SqlStorage(BaseStorage):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        key_builder: KeyBuilder | None = None,
        *,
        cache: bool = False,
        read: Callable[[AsyncSession, str], Awaitable[tuple[str | None, str]]] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        # How a state is read in a session: by default through the ORM; on PostgreSQL
        # bot/app.py hands storage/pg.py's read on the session's asyncpg connection.
        self._read = read or self._orm_read
        self.clock = clock
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.cache = cache
        self._copy: dict[str, tuple[str | None, str]] = {}  # key -> (state, data json)

    async def _load(self, key: StorageKey) -> tuple[str | None, str]:
        k = self.key_builder.build(key)
        if self.cache and k in self._copy:
            return self._copy[k]
        session = update_session.get()
        if session is not None:
            value = await self._read(session, k)
        else:
            async with self.sessionmaker() as s:
                value = await self._read(s, k)
        if self.cache:
            self._copy[k] = value
        return value

    @staticmethod
    async def _orm_read(session: AsyncSession, key: str) -> tuple[str | None, str]:
        """The state and data as stored now (never an object the session held before)."""
        res = await session.exec(select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key))
        row = res.first()
        return (row[0], row[1] or "{}") if row is not None else (None, "{}")

    async def _store(self, key: StorageKey, **fields: Any) -> None:
        k = self.key_builder.build(key)
        if self.cache:
            state, data = await self._load(key)
            wanted = (fields.get("state", state), fields.get("data", data))
            if wanted == (state, data):
                return  # nothing changes: no write
            self._copy[k] = wanted
        async with self.sessionmaker() as s:
            rec = await s.get(FsmRecord, k)
            new = rec is None
            if rec is None:
                rec = FsmRecord(key=k, updated_at=self.clock.now())
            for name, value in fields.items():
                setattr(rec, name, value)
            if rec.state is None and rec.data in ("{}", ""):
                if not new:
                    await s.delete(rec)  # an ended conversation leaves no row
            else:
                rec.updated_at = self.clock.now()
                s.add(rec)
            await s.commit()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._store(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._store(key, data=json.dumps(dict(data), ensure_ascii=False, default=str, sort_keys=True))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return json.loads((await self._load(key))[1] or "{}")

    async def close(self) -> None:
        return None

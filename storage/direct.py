"""The hot path on SQLite: the two statements of every tap, through the stdlib sqlite3 module.

Through SQLAlchemy's asyncio layer and aiosqlite, every statement crosses threads several
times (cursor, execute, fetch, close, commit) and goes through the ORM: about 3 ms of CPU for
a check-in tap, a hundred times what SQLite itself needs (bench/RESULTS.md, P1). Here a
whole short transaction is one plain call: on the event loop's thread when the database is
free (tens of microseconds, never waiting), else in a thread that waits for the lock.

Only the two operations every tap runs go this way: finding the person who pressed (every
update: `SqliteUsers`, storage/repositories.py's `UserLookup`) and recording a check-in
answer (`SqliteCheckinStore`, storage/checkins.py's `CheckinStore`; the rest of that store
is the session's). bot/app.py chooses these implementations once, at start, for a SQLite
file; the service and the middleware never ask which they have. The
statements are compiled once by SQLAlchemy from the models, and values are converted with
the models' own column types, so the rows read and written here are the ones the ORM reads
and writes (tests/storage/test_direct.py compares them). PostgreSQL's counterpart is
storage/pg.py (the same statements on the session's own asyncpg connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import class_mapper, make_transient_to_detached
from sqlalchemy.sql import ClauseElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.checkins import (
    ANSWERS,
    CHECKINS,
    WEEK_WITH_ANSWERS,
    AnswerRecord,
    AnswerWrite,
    CheckinRecord,
    CheckinStore,
    Plan,
    SqlCheckinStore,
    week_rows,
)
from storage.models import CheckInStatus, User

__all__ = ["AnswerRecord", "AnswerWrite", "CheckinRecord", "SqliteCheckinStore", "SqliteDirect", "SqliteUsers"]

T = TypeVar("T")
DIALECT = sqlite_dialect.dialect()


class Statement:
    """A SQLAlchemy Core statement compiled once for SQLite, run with named values."""

    def __init__(self, stmt: ClauseElement, table: Table) -> None:
        compiled = stmt.compile(dialect=DIALECT)
        self.sql = str(compiled)
        self.names: tuple[str, ...] = tuple(getattr(compiled, "positiontup", None) or ())
        # Bind values through the columns' own types (datetimes as SQLAlchemy stores them).
        processors = {}
        for name in self.names:
            column = table.c.get(name)
            proc = column.type.dialect_impl(DIALECT).bind_processor(DIALECT) if column is not None else None
            if proc is not None:
                processors[name] = proc
        self.processors = processors

    def params(self, values: dict[str, Any]) -> list[Any]:
        out = []
        for name in self.names:
            value = values[name]
            proc = self.processors.get(name)
            out.append(proc(value) if proc is not None and value is not None else value)
        return out

    def run(self, conn: sqlite3.Connection, **values: Any) -> sqlite3.Cursor:
        return conn.execute(self.sql, self.params(values))


class Reader:
    """Rows of some columns of a table, converted as the ORM converts them."""

    def __init__(self, table: Table, columns: list[str]) -> None:
        self.columns = columns
        self.processors = [table.c[name].type.dialect_impl(DIALECT).result_processor(DIALECT, None) for name in columns]

    def convert(self, raw: tuple[Any, ...]) -> dict[str, Any]:
        return {
            name: (proc(value) if proc is not None else value)
            for name, proc, value in zip(self.columns, self.processors, raw, strict=False)
        }


USERS: Table = User.__table__  # type: ignore[attr-defined]
USER_CLASS = class_mapper(User).class_manager
USER_COLUMNS = [c.name for c in USERS.columns]
USER_READER = Reader(USERS, USER_COLUMNS)
USER_BY_TELEGRAM_ID = Statement(select(*USERS.columns).where(USERS.c.telegram_id == bindparam("telegram_id")), USERS)
CHECKIN_AND_ANSWERS = Statement(
    WEEK_WITH_ANSWERS.where(CHECKINS.c.user_id == bindparam("user_id"), CHECKINS.c.week == bindparam("week")),
    CHECKINS,
)


def inserting(table: Table, *columns: str) -> Statement:
    """INSERT INTO table (columns) VALUES (:column, …)."""
    return Statement(insert(table).values({c: bindparam(c) for c in columns}), table)


def updating(table: Table, *columns: str) -> Statement:
    """UPDATE table SET column = :column, … WHERE id = :id."""
    return Statement(
        update(table).where(table.c.id == bindparam("id")).values({c: bindparam(c) for c in columns}), table
    )


INSERT_CHECKIN = inserting(CHECKINS, "user_id", "unit_id", "week", "status", "started_at", "updated_at")
TOUCH_CHECKIN = updating(CHECKINS, "updated_at")
INSERT_ANSWER = inserting(ANSWERS, "checkin_id", "criterion", "level", "sub_items", "note", "answered_at")
UPDATE_ANSWER = updating(ANSWERS, "level", "sub_items", "note", "answered_at")


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


# Loop-side commits between two checkpoints of the write-ahead log (SQLite's own default is
# about 1,000 pages; a tap writes two or three).
CHECKPOINT_EVERY = 300


class SqliteDirect:
    """Short transactions on a SQLite file with the stdlib sqlite3 module.

    A call runs first on the event loop's own thread, on a connection that never waits for a
    lock: SQLite in WAL mode reads without waiting, and a write transaction here lasts
    microseconds (no fsync at commit with synchronous=NORMAL, no checkpoint). When another
    connection holds the write lock (a session in the middle of its transaction), the call
    goes instead to a thread with its own connection, which waits for the lock there, so
    the loop is never blocked.
    """

    def __init__(self, path: str, *, timeout: float = 30) -> None:
        self.path = path
        self.timeout = timeout
        self._jobs: queue.SimpleQueue[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._thread_connection: sqlite3.Connection | None = None
        self._loop_connections = threading.local()
        self._commits = 0
        self._checkpoints: set[asyncio.Task[None]] = set()
        self.deferred = 0  # calls that found the database locked and went to the thread

    @classmethod
    def for_url(cls, url: str) -> SqliteDirect | None:
        """The direct path for a SQLite file URL; None for PostgreSQL or an in-memory database."""
        if not url.startswith("sqlite"):
            return None
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        return cls(path)

    def _connect(self, timeout: float) -> sqlite3.Connection:
        # isolation_level=None: this module says BEGIN and COMMIT itself.
        conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _loop_connection(self) -> sqlite3.Connection:
        conn = getattr(self._loop_connections, "conn", None)
        if conn is None:
            conn = self._connect(timeout=0)  # never wait for a lock on the loop's thread
            # Checkpoints (copying the log into the database, with an fsync) run in the thread.
            conn.execute("PRAGMA wal_autocheckpoint=0")
            self._loop_connections.conn = conn
        return conn

    def _work(self) -> None:
        """The thread: owns its connection, runs one job at a time, hands results back."""
        while (job := self._jobs.get()) is not None:
            fn, future = job
            try:
                if self._thread_connection is None:
                    self._thread_connection = self._connect(timeout=self.timeout)
                result, error = fn(self._thread_connection), None
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                future.get_loop().call_soon_threadsafe(_settle, future, result, error)
        if self._thread_connection is not None:
            self._thread_connection.close()
            self._thread_connection = None

    async def _in_thread(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="sqlite-direct", daemon=True)
            self._thread.start()
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put((fn, future))
        return await future

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, writes: bool = False) -> T:
        """`fn(connection)`, on the loop's thread when the database is free, else in the
        thread. `fn` must start its transaction with BEGIN IMMEDIATE before anything else
        (so that a locked database stops it before it has done anything) and may run twice."""
        try:
            result = fn(self._loop_connection())
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            self.deferred += 1
            return await self._in_thread(fn)
        if writes:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0:
                self._checkpoint_soon()
        return result

    def _checkpoint_soon(self) -> None:
        """Copy the write-ahead log into the database, in the thread (fire and forget)."""

        def checkpoint(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

        task = asyncio.get_running_loop().create_task(self._in_thread(checkpoint))
        self._checkpoints.add(task)
        task.add_done_callback(self._checkpoints.discard)

    async def close(self) -> None:
        if self._checkpoints:
            await asyncio.gather(*self._checkpoints, return_exceptions=True)
        conn = getattr(self._loop_connections, "conn", None)
        if conn is not None:
            conn.close()
            self._loop_connections.conn = None
        if self._thread is not None:
            self._jobs.put(None)
            await asyncio.to_thread(self._thread.join)
            self._thread = None

    def checkins(self, session: AsyncSession) -> CheckinStore:
        """The check-in store of a unit of work (storage/checkins.py `CheckinStores`)."""
        return SqliteCheckinStore(session, self)

    # -- the person who pressed ------------------------------------------------------

    async def user_by_telegram_id(self, telegram_id: int) -> User | None:
        """The registered person, as a detached instance equal to what the ORM loads
        (add it to a session to change it there)."""
        raw = await self.run(lambda conn: USER_BY_TELEGRAM_ID.run(conn, telegram_id=telegram_id).fetchone())
        if raw is None:
            return None
        # As the ORM's loading does: a new instance, its state filled in, then known by its key.
        user = USER_CLASS.new_instance()
        user.__dict__.update(USER_READER.convert(raw))
        make_transient_to_detached(user)
        return user

    # -- a check-in answer -----------------------------------------------------------

    async def record_answer(self, user_id: int, unit_id: int | None, week: int, now: datetime, plan: Plan[T]) -> T:
        """In one transaction: the week's check-in (created when missing) and its answers
        are read, `plan` decides (a pure function: it may run twice, see `run`), and its
        write, if any, is committed; without one nothing is kept."""

        def tx(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            committed = False
            try:
                row, answers = week_rows(CHECKIN_AND_ANSWERS.run(conn, user_id=user_id, week=week))
                if row is None:
                    cur = INSERT_CHECKIN.run(
                        conn,
                        user_id=user_id,
                        unit_id=unit_id,
                        week=week,
                        status=CheckInStatus.in_progress.value,
                        started_at=now,
                        updated_at=now,
                    )
                    row = CheckinRecord(int(cur.lastrowid or 0), CheckInStatus.in_progress.value, week=week)
                result, write = plan(row, answers)
                if write is not None:
                    values = dict(level=write.level, sub_items=write.sub_items, note=write.note, answered_at=write.at)
                    if write.answer_id is None:
                        INSERT_ANSWER.run(conn, checkin_id=write.checkin_id, criterion=write.criterion, **values)
                    else:
                        UPDATE_ANSWER.run(conn, id=write.answer_id, **values)
                    TOUCH_CHECKIN.run(conn, id=write.checkin_id, updated_at=write.at)
                    conn.execute("COMMIT")
                    committed = True
                return result
            finally:
                if not committed:
                    conn.execute("ROLLBACK")

        return await self.run(tx, writes=True)


class SqliteCheckinStore(SqlCheckinStore):
    """`CheckinStore` on a SQLite file: the tap through the direct path, the rest (rarer:
    notes, sub-items, finishing, history) on the session like any database."""

    def __init__(self, session: AsyncSession, direct: SqliteDirect) -> None:
        super().__init__(session)
        self.direct = direct

    async def record_answer(self, user_id: int, unit_id: int | None, week: int, now: datetime, plan: Plan[T]) -> T:
        return await self.direct.record_answer(user_id, unit_id, week, now, plan)


class SqliteUsers:
    """The person who pressed, found with one plain sqlite3 statement (storage/repositories.py
    `UserLookup`); the update's session then knows them as if it had loaded them."""

    def __init__(self, direct: SqliteDirect) -> None:
        self.direct = direct

    async def by_telegram_id(self, session: AsyncSession, telegram_id: int) -> User | None:
        user = await self.direct.user_by_telegram_id(telegram_id)
        if user is not None:
            session.add(user)
        return user

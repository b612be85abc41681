"""The hot path on PostgreSQL: a tap's few statements on the raw asyncpg connection of the
update's session.

Through SQLAlchemy's execution layer every statement costs a few hundred microseconds of
CPU in the bot's process (compiling or finding the compiled form, the adapter's cursor,
result objects, and for the person an ORM load), several times what asyncpg itself needs:
on PostgreSQL a check-in tap cost about 6.6 ms of CPU against 1.9 ms on SQLite (bench P1).
Here the statements every update runs — the updates ledger's record, the person who
pressed, and a check-in answer — go straight to the asyncpg connection the session holds,
inside the session's own transaction (so the session's commit or rollback is theirs too),
through asyncpg's prepared-statement cache.

As storage/direct.py does for SQLite, the statements are compiled once by SQLAlchemy from
the models and values go through the models' own column types, so the rows read and
written here are the ones the ORM reads and writes. bot/app.py chooses these
implementations once, at start, for PostgreSQL; the services and middlewares never ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import class_mapper, make_transient_to_detached
from sqlalchemy.sql import ClauseElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.checkins import (
    ANSWERS,
    CHECKINS,
    WEEK_WITH_ANSWERS,
    CheckinRecord,
    CheckinStore,
    Plan,
    SqlCheckinStore,
    week_rows,
)
from storage.models import CheckInStatus, FsmRecord, User
from storage.updates import TABLE as UPDATES
from storage.updates import SessionLedger, _record

__all__ = ["PG_CHECKINS", "fsm_state", "PG_USERS", "PgCheckinStore", "PgCheckinStores", "PgSessionLedger", "PgUsers"]

T = TypeVar("T")
DIALECT = asyncpg_dialect.dialect()


class PgStatement:
    """A SQLAlchemy Core statement compiled once for asyncpg ($1, $2 …), run with named
    values converted by the columns' own types (`columns`: a bound name → its column)."""

    def __init__(self, stmt: ClauseElement, columns: dict[str, Column[Any]]) -> None:
        compiled = stmt.compile(dialect=DIALECT)
        self.sql = str(compiled)
        self.names: tuple[str, ...] = tuple(getattr(compiled, "positiontup", None) or ())
        processors = {}
        for name in self.names:
            column = columns.get(name)
            proc = column.type.dialect_impl(DIALECT).bind_processor(DIALECT) if column is not None else None
            if proc is not None:
                processors[name] = proc
        self.processors = processors

    def args(self, values: dict[str, Any]) -> list[Any]:
        out = []
        for name in self.names:
            value = values[name]
            proc = self.processors.get(name)
            out.append(proc(value) if proc is not None and value is not None else value)
        return out


def table_columns(table: Table) -> dict[str, Column[Any]]:
    return {c.name: c for c in table.columns}


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection of the session's transaction (begun if it was not)."""
    conn = await session.connection()
    raw: Any = (await conn.get_raw_connection()).driver_connection
    if not raw.is_in_transaction():
        # The pool's checkout ping (storage/db.py) begins it; in case it did not, the
        # adapter's own way, so that the session's commit or rollback ends it.
        await conn.exec_driver_sql(";")
    return raw


# -- the updates ledger --------------------------------------------------------------

RECORD = PgStatement(_record(postgresql_insert), table_columns(UPDATES))


class PgSessionLedger(SessionLedger):
    """storage/updates.py `SessionLedger`, its record on the session's asyncpg connection."""

    async def claim(self, session: AsyncSession, update_id: int, event_date: int = 0) -> bool:
        values = {"update_id": update_id, "event_date": event_date, "seen_at": self.clock.now()}
        session.info["update_record"] = values
        raw = await driver_connection(session)
        status = await raw.execute(RECORD.sql, *RECORD.args(values))
        return bool(status.endswith(" 1"))  # "INSERT 0 1": recorded now; "INSERT 0 0": seen before


# -- the conversation state ---------------------------------------------------------------

FSM: Table = FsmRecord.__table__  # type: ignore[attr-defined]
FSM_STATE = PgStatement(select(FSM.c.state, FSM.c.data).where(FSM.c.key == bindparam("key")), table_columns(FSM))


async def fsm_state(session: AsyncSession, key: str) -> tuple[str | None, str]:
    """bot/fsm_storage.py's read of a conversation's state and data, in the update's transaction."""
    raw = await driver_connection(session)
    row = await raw.fetchrow(FSM_STATE.sql, *FSM_STATE.args({"key": key}))
    return (row[0], row[1] or "{}") if row is not None else (None, "{}")


# -- the person who pressed ------------------------------------------------------------

USERS: Table = User.__table__  # type: ignore[attr-defined]
USER_CLASS = class_mapper(User).class_manager
USER_COLUMNS = [c.name for c in USERS.columns]
USER_RESULTS = [USERS.c[name].type.dialect_impl(DIALECT).result_processor(DIALECT, None) for name in USER_COLUMNS]
USER_BY_TELEGRAM_ID = PgStatement(
    select(*USERS.columns).where(USERS.c.telegram_id == bindparam("telegram_id")), table_columns(USERS)
)


class PgUsers:
    """The person who pressed, read with one asyncpg statement in the update's transaction
    (storage/repositories.py `UserLookup`); the session then knows them as if it had
    loaded them."""

    async def by_telegram_id(self, session: AsyncSession, telegram_id: int) -> User | None:
        raw = await driver_connection(session)
        row = await raw.fetchrow(USER_BY_TELEGRAM_ID.sql, *USER_BY_TELEGRAM_ID.args({"telegram_id": telegram_id}))
        if row is None:
            return None
        # As the ORM's loading does: a new instance, its state filled in, known by its key.
        user = USER_CLASS.new_instance()
        user.__dict__.update(
            {
                name: (proc(value) if proc is not None else value)
                for name, proc, value in zip(USER_COLUMNS, USER_RESULTS, row, strict=True)
            }
        )
        make_transient_to_detached(user)
        session.add(user)
        return user


PG_USERS = PgUsers()


# -- a check-in answer -------------------------------------------------------------------

_CHECKIN_COLUMNS = table_columns(CHECKINS)
_ANSWER_COLUMNS = table_columns(ANSWERS)
CHECKIN_AND_ANSWERS = PgStatement(
    WEEK_WITH_ANSWERS.where(CHECKINS.c.user_id == bindparam("user_id"), CHECKINS.c.week == bindparam("week")),
    _CHECKIN_COLUMNS,
)
# The unique (user, week): a check-in another request created first is taken as it is.
_new_checkin = postgresql_insert(CHECKINS).values(
    {c: bindparam(c) for c in ("user_id", "unit_id", "week", "status", "started_at", "updated_at")}
)
CREATE_CHECKIN = PgStatement(
    _new_checkin.on_conflict_do_nothing(index_elements=["user_id", "week"]).returning(CHECKINS.c.id),
    _CHECKIN_COLUMNS,
)
_WRITE_COLUMNS = {
    **{name: _ANSWER_COLUMNS[name] for name in ("checkin_id", "criterion", "level", "sub_items", "note")},
    "answer_id": _ANSWER_COLUMNS["id"],
    "at": _ANSWER_COLUMNS["answered_at"],
}
_answer_values: dict[str, Any] = {
    "level": bindparam("level"),
    "sub_items": bindparam("sub_items"),
    "note": bindparam("note"),
    "answered_at": bindparam("at"),
}
_touch = update(CHECKINS).where(CHECKINS.c.id == bindparam("checkin_id")).values(updated_at=bindparam("at"))
# One statement, one round trip: the answer's write as a data-modifying CTE of the check-in's UPDATE.
INSERT_ANSWER = PgStatement(
    _touch.add_cte(
        insert(ANSWERS)
        .values(checkin_id=bindparam("checkin_id"), criterion=bindparam("criterion"), **_answer_values)
        .cte("answer")
    ),
    _WRITE_COLUMNS,
)
UPDATE_ANSWER = PgStatement(
    _touch.add_cte(
        update(ANSWERS).where(ANSWERS.c.id == bindparam("answer_id")).values(**_answer_values).cte("answer")
    ),
    _WRITE_COLUMNS,
)


class PgCheckinStore(SqlCheckinStore):
    """`CheckinStore` on PostgreSQL: the tap on the session's asyncpg connection, in its
    transaction; the rest (rarer: notes, sub-items, finishing, history) through the
    session like any database."""

    async def _week(self, raw: Any, user_id: int, week: int) -> tuple[CheckinRecord | None, Any]:
        rows: Sequence[Any] = await raw.fetch(
            CHECKIN_AND_ANSWERS.sql, *CHECKIN_AND_ANSWERS.args({"user_id": user_id, "week": week})
        )
        return week_rows(rows)

    async def record_answer(self, user_id: int, unit_id: int | None, week: int, now: datetime, plan: Plan[T]) -> T:
        # Without a write nothing is committed: a check-in created here goes with the
        # session's transaction when it closes, as on any database (SqlCheckinStore).
        raw = await driver_connection(self.session)
        row, answers = await self._week(raw, user_id, week)
        if row is None:
            values = {
                "user_id": user_id,
                "unit_id": unit_id,
                "week": week,
                "status": CheckInStatus.in_progress.value,
                "started_at": now,
                "updated_at": now,
            }
            new_id = await raw.fetchval(CREATE_CHECKIN.sql, *CREATE_CHECKIN.args(values))
            if new_id is not None:
                row = CheckinRecord(int(new_id), CheckInStatus.in_progress.value, week=week)
            else:
                row, answers = await self._week(raw, user_id, week)
                assert row is not None, "a check-in that conflicted on (user, week) exists"
        result, write = plan(row, answers)
        if write is None:
            return result
        values = {
            "checkin_id": write.checkin_id,
            "answer_id": write.answer_id,
            "criterion": write.criterion,
            "level": write.level,
            "sub_items": write.sub_items,
            "note": write.note,
            "at": write.at,
        }
        stmt = INSERT_ANSWER if write.answer_id is None else UPDATE_ANSWER
        await raw.execute(stmt.sql, *stmt.args(values))
        await self.session.commit()
        return result


class PgCheckinStores:
    """Every unit of work on PostgreSQL: its tap on the session's asyncpg connection."""

    def checkins(self, session: AsyncSession) -> CheckinStore:
        return PgCheckinStore(session)


PG_CHECKINS = PgCheckinStores()

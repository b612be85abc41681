"""The check-in's tables behind one interface: `CheckinStore`, what the check-in service
(bot/services/checkin.py) reads and writes, and nothing else.

Three implementations, one chosen at start (bot/app.py) and handed to every unit of work:
- `SqlCheckinStore`: SQLAlchemy Core statements on the update's session, for any database
  (PostgreSQL, SQLite in memory, the scheduler's jobs);
- storage/direct.py `SqliteCheckinStore`: the same, except the tap (`record_answer`), which
  runs as one plain sqlite3 transaction on a SQLite file (bench/RESULTS.md, P1);
- storage/pg.py `PgCheckinStore`: the same, except the tap, whose statements run on the
  session's own asyncpg connection, in its transaction (PostgreSQL).

Rows come back as plain records, not ORM objects: nothing the session holds can go stale
when a write took the other connection, so no read has to refresh what the session holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Table, insert, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import dialect_insert
from storage.models import CheckIn, CheckInAnswer, CheckInStatus

T = TypeVar("T")

CHECKINS: Table = CheckIn.__table__  # type: ignore[attr-defined]
ANSWERS: Table = CheckInAnswer.__table__  # type: ignore[attr-defined]


@dataclass
class CheckinRecord:
    """A check-in row as the service sees it."""

    id: int
    status: str
    skip_reason: str | None = None
    reflection: str | None = None
    example_note: str | None = None
    week: int = 0


@dataclass
class AnswerRecord:
    id: int | None
    criterion: str
    level: str
    sub_items: str = ""
    note: str | None = None


@dataclass(frozen=True)
class AnswerWrite:
    """What a tap writes: one answer (new when answer_id is None), and the check-in's time."""

    checkin_id: int
    answer_id: int | None
    criterion: str
    level: str
    sub_items: str
    note: str | None
    at: datetime


# The rules of a tap, on what is stored: its result, and the write (None: nothing changes).
# A pure function: an implementation may run it twice.
Plan = Callable[[CheckinRecord, dict[str, AnswerRecord]], tuple[T, AnswerWrite | None]]


class CheckinStore(Protocol):
    """The check-in's storage for one unit of work. Writes other than `record_answer` join
    the session's transaction; the service commits (`commit`)."""

    async def week(self, user_id: int, week: int) -> tuple[CheckinRecord | None, dict[str, AnswerRecord]]:
        """The person's check-in of `week` and its answers by criterion (None: not started)."""
        ...

    async def weeks(
        self, user_id: int, weeks: Sequence[int]
    ) -> tuple[dict[int, CheckinRecord], dict[int, list[AnswerRecord]]]:
        """The check-ins of some weeks (by week) and their answers (by check-in id)."""
        ...

    async def statuses(self, user_id: int) -> dict[int, str]:
        """Every week the person has a check-in for, and its status."""
        ...

    async def get_or_create(self, user_id: int, unit_id: int | None, week: int, now: datetime) -> CheckinRecord:
        """The week's check-in, created (in progress) when missing; two at once make one."""
        ...

    async def update_checkin(self, checkin_id: int, **values: Any) -> None: ...

    async def update_answer(self, answer_id: int, **values: Any) -> None: ...

    async def commit(self) -> None: ...

    async def record_answer(self, user_id: int, unit_id: int | None, week: int, now: datetime, plan: Plan[T]) -> T:
        """A tap, as its own short transaction: the week's check-in (created when missing)
        and its answers are read, `plan` decides, and its write, if any, is committed;
        without one nothing is kept."""
        ...


class CheckinStores(Protocol):
    """Where each unit of work gets its store: chosen once, at start."""

    def checkins(self, session: AsyncSession) -> CheckinStore: ...


CHECKIN_COLUMNS = (
    CHECKINS.c.id,
    CHECKINS.c.status,
    CHECKINS.c.skip_reason,
    CHECKINS.c.reflection,
    CHECKINS.c.example_note,
    CHECKINS.c.week,
)
ANSWER_COLUMNS = (ANSWERS.c.id, ANSWERS.c.criterion, ANSWERS.c.level, ANSWERS.c.sub_items, ANSWERS.c.note)
WEEK_WITH_ANSWERS = select(*CHECKIN_COLUMNS, *ANSWER_COLUMNS).select_from(
    CHECKINS.outerjoin(ANSWERS, ANSWERS.c.checkin_id == CHECKINS.c.id)
)


def checkin_record(r: Sequence[Any]) -> CheckinRecord:
    return CheckinRecord(r[0], str(r[1]), r[2], r[3], r[4], r[5])


def answer_record(r: Sequence[Any]) -> AnswerRecord:
    return AnswerRecord(r[0], r[1], str(r[2]), r[3] or "", r[4])


def week_rows(rows: Iterable[Sequence[Any]]) -> tuple[CheckinRecord | None, dict[str, AnswerRecord]]:
    """The rows of WEEK_WITH_ANSWERS (a check-in's columns, then an answer's) as records."""
    row: CheckinRecord | None = None
    answers: dict[str, AnswerRecord] = {}
    n = len(CHECKIN_COLUMNS)
    for r in rows:
        if row is None:
            row = checkin_record(r[:n])
        if r[n] is not None:
            answers[r[n + 1]] = answer_record(r[n:])
    return row, answers


class SqlCheckinStore:
    """`CheckinStore` through the update's session (SQLAlchemy Core, any database)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _rows(self, stmt: Any) -> Sequence[Any]:
        return (await self.session.exec(stmt)).all()

    async def week(self, user_id: int, week: int) -> tuple[CheckinRecord | None, dict[str, AnswerRecord]]:
        return week_rows(
            await self._rows(WEEK_WITH_ANSWERS.where(CHECKINS.c.user_id == user_id, CHECKINS.c.week == week))
        )

    async def weeks(
        self, user_id: int, weeks: Sequence[int]
    ) -> tuple[dict[int, CheckinRecord], dict[int, list[AnswerRecord]]]:
        n = len(CHECKIN_COLUMNS)
        rows: dict[int, CheckinRecord] = {}
        answers: dict[int, list[AnswerRecord]] = {}
        stmt = WEEK_WITH_ANSWERS.where(CHECKINS.c.user_id == user_id, CHECKINS.c.week.in_(list(weeks)))
        for r in await self._rows(stmt):
            rec = rows.get(r[5]) or rows.setdefault(r[5], checkin_record(r[:n]))
            bucket = answers.setdefault(rec.id, [])
            if r[n] is not None:
                bucket.append(answer_record(r[n:]))
        return rows, answers

    async def statuses(self, user_id: int) -> dict[int, str]:
        stmt = select(CHECKINS.c.week, CHECKINS.c.status).where(CHECKINS.c.user_id == user_id)
        return {week: str(status) for week, status in await self._rows(stmt)}

    async def get_or_create(self, user_id: int, unit_id: int | None, week: int, now: datetime) -> CheckinRecord:
        row, _ = await self.week(user_id, week)
        if row is not None:
            return row
        # The unique (user, week): a check-in another request created first is taken as it is.
        stmt = (
            dialect_insert(self.session)(CHECKINS)
            .values(
                user_id=user_id,
                unit_id=unit_id,
                week=week,
                status=CheckInStatus.in_progress.value,
                started_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "week"])
            .returning(CHECKINS.c.id)
        )
        new_id = (await self._rows(stmt))[:1]
        if new_id:
            return CheckinRecord(int(new_id[0][0]), CheckInStatus.in_progress.value, week=week)
        row, _ = await self.week(user_id, week)
        assert row is not None, "a check-in that conflicted on (user, week) exists"
        return row

    async def update_checkin(self, checkin_id: int, **values: Any) -> None:
        await self.session.exec(update(CHECKINS).where(CHECKINS.c.id == checkin_id).values(**values))

    async def update_answer(self, answer_id: int, **values: Any) -> None:
        await self.session.exec(update(ANSWERS).where(ANSWERS.c.id == answer_id).values(**values))

    async def commit(self) -> None:
        await self.session.commit()

    async def record_answer(self, user_id: int, unit_id: int | None, week: int, now: datetime, plan: Plan[T]) -> T:
        # Without a write nothing is committed: a check-in created here goes with the
        # session's transaction when it closes.
        row, answers = await self.week(user_id, week)
        if row is None:
            row = await self.get_or_create(user_id, unit_id, week, now)
        result, write = plan(row, answers)
        if write is None:
            return result
        values = {"level": write.level, "sub_items": write.sub_items, "note": write.note, "answered_at": write.at}
        if write.answer_id is None:
            answer: Any = insert(ANSWERS).values(checkin_id=write.checkin_id, criterion=write.criterion, **values)
        else:
            answer = update(ANSWERS).where(ANSWERS.c.id == write.answer_id).values(**values)
        touch = update(CHECKINS).where(CHECKINS.c.id == write.checkin_id).values(updated_at=write.at)
        if self.session.get_bind().dialect.name == "postgresql":
            # One statement, one round trip: the answer's write as a data-modifying CTE of
            # the check-in's UPDATE (bench/RESULTS.md, P1 on PostgreSQL).
            await self.session.exec(touch.add_cte(answer.cte("answer")))
        else:  # SQLite has no writes inside WITH
            await self.session.exec(answer)
            await self.session.exec(touch)
        await self.session.commit()
        return result


class SqlCheckinStores:
    """Every unit of work on its session's Core statements."""

    def checkins(self, session: AsyncSession) -> CheckinStore:
        return SqlCheckinStore(session)


SQL_CHECKINS = SqlCheckinStores()

"""Unit figures from check-ins: participation and per-criterion shares.

SPEC §2: leaders see who has checked in and unit aggregates; an aggregate over fewer
than MIN_GROUP people is withheld. Individual answers never leave this module: only counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.checkin import previous_week, week_monday
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level, Role, User

MIN_GROUP = 3


@dataclass(frozen=True)
class Shares:
    good: int
    ok: int
    not_met: int

    @property
    def total(self) -> int:
        return self.good + self.ok + self.not_met

    def pct(self, level: Level) -> float:
        n = {Level.good: self.good, Level.ok: self.ok, Level.not_met: self.not_met}[level]
        return 100.0 * n / self.total if self.total else 0.0


@dataclass(frozen=True)
class Participation:
    week: int
    expected: int  # members not paused for the week
    done: int
    skipped: int  # excused, not counted as missed
    paused: int
    shares: dict[str, Shares] | None = None  # None: withheld (fewer than MIN_GROUP respondents)
    missing: list[User] = field(default_factory=list)  # expected, neither done nor skipped

    @property
    def rate(self) -> float:
        return 100.0 * self.done / self.expected if self.expected else 0.0


def paused_for_week(user: User, week: int) -> bool:
    """Away at the time of that week's prompt: not prompted, not counted as missing."""
    if user.paused_until is None:
        return False
    if user.paused_from is not None and user.paused_from > week_monday(week) + timedelta(days=user.checkin_weekday):
        return False  # the pause began after that week's prompt
    prompt_day = week_monday(week) + timedelta(days=user.checkin_weekday)
    return user.paused_until > prompt_day


def member_filter(unit_ids: Sequence[int]):  # noqa: ANN201 - a SQL expression
    return (
        col(User.unit_id).in_(unit_ids),
        col(User.onboarded_at).is_not(None),
        col(User.telegram_id).is_not(None),
        User.role != Role.admin,
    )


class StatsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def members(self, unit_ids: Sequence[int]) -> list[User]:
        res = await self.session.exec(select(User).where(*member_filter(unit_ids)).order_by(col(User.full_name)))
        return list(res.all())

    async def _statuses(self, unit_ids: Sequence[int], weeks: Sequence[int]) -> tuple[dict[tuple[int, int], str], dict[int, dict[str, int]]]:
        """One indexed query (unit, week) for several weeks: each member's status per week,
        and per week the counts of check-ins detached from a person by /forget."""
        res = await self.session.exec(
            select(CheckIn.user_id, CheckIn.week, CheckIn.status).where(
                col(CheckIn.unit_id).in_(unit_ids), col(CheckIn.week).in_(list(weeks))
            )
        )
        status: dict[tuple[int, int], str] = {}
        detached: dict[int, dict[str, int]] = {}
        for uid, week, st in res.all():
            if uid is None:
                bucket = detached.setdefault(week, {})
                bucket[st] = bucket.get(st, 0) + 1
            else:
                status[(uid, week)] = st
        return status, detached

    @staticmethod
    def _roster(members: list[User]) -> list[tuple[User, int, bool, bool]]:
        """(member, id, active, has a pause): read once for all the weeks a tally covers (a
        unit of a thousand people over eight weeks; ORM attribute reads are not free)."""
        return [(m, m.id or 0, bool(m.active), m.paused_until is not None) for m in members]

    @staticmethod
    def _tally(roster: list[tuple[User, int, bool, bool]], week: int, status: dict[tuple[int, int], str],
               detached: dict[str, int]) -> Participation:
        done = skipped = expected = 0
        missing = []
        for m, member_id, active, has_pause in roster:
            if not active or (has_pause and paused_for_week(m, week)):
                continue
            expected += 1
            st = status.get((member_id, week))
            if st == CheckInStatus.done:
                done += 1
            elif st == CheckInStatus.skipped:
                skipped += 1
            else:
                missing.append(m)
        return Participation(
            week=week,
            expected=expected + sum(detached.values()),
            done=done + detached.get(CheckInStatus.done, 0),
            skipped=skipped + detached.get(CheckInStatus.skipped, 0),
            paused=len(roster) - expected,
            missing=missing,
        )

    async def participation(
        self, unit_ids: Sequence[int], week: int, *, with_shares: bool = True, members: list[User] | None = None
    ) -> Participation:
        members = members if members is not None else await self.members(unit_ids)
        status, detached = await self._statuses(unit_ids, [week])
        figures = self._tally(self._roster(members), week, status, detached.get(week, {}))
        if with_shares:
            figures = replace(figures, shares=await self.shares(unit_ids, week))
        return figures

    async def detached(self, unit_ids: Sequence[int], week: int) -> dict[str, int]:
        """Check-ins of people who erased their data (/forget): no identity, but they were
        expected that week, so the unit's figures for it stay as they were. By status."""
        res = await self.session.exec(
            select(CheckIn.status, func.count())
            .where(col(CheckIn.user_id).is_(None), col(CheckIn.unit_id).in_(unit_ids), CheckIn.week == week)
            .group_by(CheckIn.status)
        )
        return {st: int(n) for st, n in res.all()}

    async def shares(self, unit_ids: Sequence[int], week: int) -> dict[str, Shares] | None:
        """Per criterion group, how many answered Tốt / Đạt / Chưa đạt among finished
        check-ins (also those detached from a person by /forget). None under MIN_GROUP."""
        done = (
            select(CheckIn.id)
            .where(col(CheckIn.unit_id).in_(unit_ids), CheckIn.week == week, CheckIn.status == CheckInStatus.done)
        )
        respondents = (await self.session.exec(select(func.count()).select_from(done.subquery()))).one()
        if respondents < MIN_GROUP:
            return None
        res = await self.session.exec(
            select(CheckInAnswer.criterion, CheckInAnswer.level, func.count())
            .where(col(CheckInAnswer.checkin_id).in_(done))
            .group_by(CheckInAnswer.criterion, CheckInAnswer.level)
        )
        counts: dict[str, dict[str, int]] = {}
        for criterion, level, n in res.all():
            counts.setdefault(criterion, {})[level] = n
        return {
            c: Shares(v.get(Level.good, 0), v.get(Level.ok, 0), v.get(Level.not_met, 0))
            for c, v in counts.items()
        }

    async def trend(self, unit_ids: Sequence[int], week: int, weeks: int = 8, members: list[User] | None = None) -> list[Participation]:
        """Participation (no shares) for `weeks` weeks ending with `week`, oldest first:
        two queries whatever the number of weeks."""
        members = members if members is not None else await self.members(unit_ids)
        keys = [week]
        for _ in range(weeks - 1):
            keys.append(previous_week(keys[-1]))
        keys.reverse()
        status, detached = await self._statuses(unit_ids, keys)
        roster = self._roster(members)
        return [self._tally(roster, k, status, detached.get(k, {})) for k in keys]

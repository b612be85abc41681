"""Unit figures from check-ins: participation and per-criterion shares.

SPEC §2: leaders see who has checked in and unit aggregates; an aggregate over fewer
than MIN_GROUP people is withheld. Individual answers never leave this module: only counts.

Who is expected to self-assess in a week is one rule, here, for every figure the bot
shows (the digest, /unit and its trend, /dashboard, the year's figures of the annual
report): a person counts from the ISO week they joined (in their own time zone), while
active, except for weeks they were away at the prompt (paused). `expected_in_week` says it
for one week; `count_expected` counts the same rule over many weeks at once.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.checkin import NEVER, joined_week, previous_week, week_monday
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level, Role, User

MIN_GROUP = 3
IN_CHUNK = 900  # ids per IN (...) list, well under every database's parameter limit


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
class Tally:
    """Person-weeks: expected, self-assessed (done), absent with a reason (skipped)."""

    expected: int = 0
    done: int = 0
    skipped: int = 0

    @property
    def rate(self) -> float:
        return 100.0 * self.done / self.expected if self.expected else 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.expected + other.expected, self.done + other.done, self.skipped + other.skipped)


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

    @property
    def tally(self) -> Tally:
        return Tally(self.expected, self.done, self.skipped)


class Member(Protocol):
    """What the rule reads of a person: a User, or a row of those columns."""

    active: bool
    onboarded_at: datetime | None
    timezone: str
    checkin_weekday: int
    paused_from: date | None
    paused_until: date | None


def joined_before(since: int) -> datetime:
    """A moment before which whoever registered did so in a week before `since`, wherever
    they live: local dates run at most a day ahead of UTC."""
    return datetime.combine(week_monday(since) - timedelta(days=1), time(), UTC)


def first_week(user: Member, since: int | None = None, cutoff: datetime | None = None) -> int:
    """The first week the person is expected in (NEVER when inactive). With `since`, the
    answer may be `since` for any week up to it: most people joined long before the weeks
    a figure covers, and that is found without a time-zone conversion (`cutoff`:
    joined_before(since), worked out once for many people)."""
    if not user.active or user.onboarded_at is None:
        return NEVER
    if since is not None and user.onboarded_at < (cutoff or joined_before(since)):
        return since
    return joined_week(user)


def paused_for_week(user: Member, week: int) -> bool:
    """Away at the time of that week's prompt: not prompted, not counted as missing."""
    if user.paused_until is None:
        return False
    if user.paused_from is not None and user.paused_from > week_monday(week) + timedelta(days=user.checkin_weekday):
        return False  # the pause began after that week's prompt
    prompt_day = week_monday(week) + timedelta(days=user.checkin_weekday)
    return user.paused_until > prompt_day


def expected_in_week(user: Member, week: int) -> bool:
    """The rule: registered by that week (counted from the week they joined), active, and
    not away at that week's prompt."""
    return week >= first_week(user) and not paused_for_week(user, week)


def count_expected(user: Member, weeks: Sequence[int], cutoff: datetime | None = None) -> int:
    """How many of `weeks` (sorted) the person is expected in, by `expected_in_week`'s
    rule worked out by bisection: joining and a pause each cut the sorted weeks at one
    point, so a year of 100,000 people stays arithmetic, never a loop over weeks per
    person (`cutoff`: joined_before(weeks[0]))."""
    n = len(weeks)
    first = bisect_left(weeks, first_week(user, weeks[0] if weeks else None, cutoff))
    if first >= n:
        return 0
    expected = n - first
    if user.paused_until is not None:
        prompt_days = [week_monday(w) + timedelta(days=user.checkin_weekday) for w in weeks]
        lo = max(first, bisect_left(prompt_days, user.paused_from) if user.paused_from else 0)
        hi = bisect_left(prompt_days, user.paused_until)
        expected -= max(0, hi - lo)
    return expected


def since_first_expected(trend: list[Participation]) -> list[Participation]:
    """A trend from the first week anybody was expected in (the unit's first member
    joined): no run of empty weeks drawn as 0%. The last week stays, even empty."""
    for i, p in enumerate(trend):
        if p.expected:
            return trend[i:]
    return trend[-1:]


def needs_attention(shares: dict[str, Shares] | None, order: Sequence[str]) -> str | None:
    """The criterion group that needs the unit's attention: the largest share of Chưa đạt
    (Not met), then the smallest share of Tốt (Good); None when every answer was Tốt, or
    the figures are withheld. Ties go to the group first in the plan's order."""
    if not shares:
        return None
    best: tuple[float, float] | None = None
    found = None
    for code in order:
        s = shares.get(code)
        if s is None or not s.total:
            continue
        key = (s.pct(Level.not_met), -s.pct(Level.good))
        if best is None or key > best:
            best, found = key, code
    if best is None or best == (0.0, -100.0):
        return None
    return found


# What the rule (and the name order) reads of a member, without building a User.
MEMBER_COLUMNS = (
    User.id,
    User.full_name,
    User.active,
    User.onboarded_at,
    User.timezone,
    User.checkin_weekday,
    User.paused_from,
    User.paused_until,
)


def member_filter(unit_ids: Sequence[int]):  # noqa: ANN201 - a SQL expression
    return (
        col(User.unit_id).in_(unit_ids),
        col(User.onboarded_at).is_not(None),
        or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
        User.role != Role.admin,
    )


class StatsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def members(self, unit_ids: Sequence[int]) -> list[User]:
        res = await self.session.exec(select(User).where(*member_filter(unit_ids)).order_by(col(User.full_name)))
        return list(res.all())

    async def _statuses(
        self, unit_ids: Sequence[int], weeks: Sequence[int]
    ) -> tuple[dict[tuple[int, int], str], dict[int, dict[str, int]]]:
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
    def _roster(members: list[User], since: int) -> list[tuple[User, int, int, bool]]:
        """(member, id, first week expected, has a pause): read once for all the weeks a
        tally covers, `since` the first of them (a unit of a thousand people over eight
        weeks; ORM attribute reads are not free)."""
        cutoff = joined_before(since)
        return [(m, m.id or 0, first_week(m, since, cutoff), m.paused_until is not None) for m in members]

    @staticmethod
    def _tally(
        roster: list[tuple[User, int, int, bool]],
        week: int,
        status: dict[tuple[int, int], str],
        detached: dict[str, int],
    ) -> Participation:
        """One week, by the rule of `expected_in_week` (first week, then the pause)."""
        done = skipped = expected = registered = 0
        missing = []
        for m, member_id, first, has_pause in roster:
            if week < first:
                if first == NEVER:
                    registered += 1  # inactive: registered, not expected (shown as paused)
                continue  # not yet registered that week
            registered += 1
            if has_pause and paused_for_week(m, week):
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
            paused=registered - expected,
            missing=missing,
        )

    async def participation(
        self, unit_ids: Sequence[int], week: int, *, with_shares: bool = True, members: list[User] | None = None
    ) -> Participation:
        members = members if members is not None else await self.members(unit_ids)
        status, detached = await self._statuses(unit_ids, [week])
        figures = self._tally(self._roster(members, week), week, status, detached.get(week, {}))
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
        done = select(CheckIn.id).where(
            col(CheckIn.unit_id).in_(unit_ids), CheckIn.week == week, CheckIn.status == CheckInStatus.done
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
        return {c: Shares(v.get(Level.good, 0), v.get(Level.ok, 0), v.get(Level.not_met, 0)) for c, v in counts.items()}

    async def trend(
        self,
        unit_ids: Sequence[int],
        week: int,
        weeks: int = 8,
        members: list[User] | None = None,
        *,
        missing_last_only: bool = False,
    ) -> list[Participation]:
        """Participation (no shares) for `weeks` weeks ending with `week`, oldest first:
        two queries whatever the number of weeks.

        `missing_last_only` (the digest, which names only the last week's missing): the
        members are read as the columns the rule needs, and only the last week's missing
        are loaded as whole people (the earlier weeks' `missing` are empty). Building a
        User object costs tens of microseconds: for the Monday job over 100,000 people it
        was most of the time (bench/RESULTS.md, P3)."""
        keys = [week]
        for _ in range(weeks - 1):
            keys.append(previous_week(keys[-1]))
        keys.reverse()
        if missing_last_only and members is None:
            # The columns as a tuple: mypy knows select() of up to four typed columns.
            rows: Sequence[Any] = (
                await self.session.exec(
                    select(*MEMBER_COLUMNS)  # type: ignore[call-overload]
                    .where(*member_filter(unit_ids))
                    .order_by(col(User.full_name))
                )
            ).all()
            status, detached = await self._statuses(unit_ids, keys)
            roster = self._roster(list(rows), keys[0])
            out = [self._tally(roster, k, status, detached.get(k, {})) for k in keys]
            out = [replace(p, missing=[]) for p in out[:-1]] + [
                replace(out[-1], missing=await self._people([m.id or 0 for m in out[-1].missing]))
            ]
            return out
        members = members if members is not None else await self.members(unit_ids)
        status, detached = await self._statuses(unit_ids, keys)
        roster = self._roster(members, keys[0])
        return [self._tally(roster, k, status, detached.get(k, {})) for k in keys]

    async def _people(self, ids: list[int]) -> list[User]:
        """The people of `ids`, in that order."""
        found: dict[int | None, User] = {}
        for start in range(0, len(ids), IN_CHUNK):
            res = await self.session.exec(select(User).where(col(User.id).in_(ids[start : start + IN_CHUNK])))
            found.update((u.id, u) for u in res.all())
        return [found[i] for i in ids if i in found]

    async def person_weeks(
        self, weeks: Sequence[int], unit_ids: Sequence[int] | None = None
    ) -> tuple[dict[int, Tally], Counter[int]]:
        """Per unit (its own members, not its sub-units): the person-weeks of `weeks` (a
        year's, or one), by the same rule as the weekly tally, and the members registered now.

        Done and skipped are counted by the database (one GROUP BY); who was expected is
        `count_expected` per person. Check-ins of weeks a person was not expected in (a
        pause) are left out, as the weekly tally leaves them out: the year is the sum of its
        weeks. A year of 100,000 people stays a few seconds and flat in memory.
        """
        weeks = sorted(set(weeks))
        if not weeks:
            return {}, Counter()
        where = [
            col(User.onboarded_at).is_not(None),
            or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
            User.role != Role.admin,
            col(User.unit_id).is_not(None),
        ]
        if unit_ids is not None:
            where.append(col(User.unit_id).in_(unit_ids))
        members: Sequence[Any] = (
            await self.session.exec(
                select(  # type: ignore[call-overload, misc]
                    User.id,
                    User.unit_id,
                    User.active,
                    User.paused_from,
                    User.paused_until,
                    User.checkin_weekday,
                    User.onboarded_at,
                    User.timezone,
                ).where(*where)
            )
        ).all()
        counted = select(CheckIn.user_id, CheckIn.unit_id, CheckIn.status, func.count()).where(
            col(CheckIn.week).in_(weeks), col(CheckIn.status).in_([CheckInStatus.done, CheckInStatus.skipped])
        )
        if unit_ids is not None:
            counted = counted.where(col(CheckIn.unit_id).in_(unit_ids))
        per_user: dict[int, list[int]] = {}
        out: dict[int, Tally] = {}
        for user_id, unit_id, st, n in (
            await self.session.exec(counted.group_by(col(CheckIn.user_id), col(CheckIn.unit_id), col(CheckIn.status)))
        ).all():
            done, skipped = (n, 0) if st == CheckInStatus.done else (0, n)
            if user_id is None:  # detached by /forget: expected that week, still counted
                if unit_id is not None:
                    out[unit_id] = out.get(unit_id, Tally()) + Tally(n, done, skipped)
            else:
                acc = per_user.setdefault(user_id, [0, 0])
                acc[0] += done
                acc[1] += skipped
        # The few with a pause: their check-ins week by week, those of paused weeks left out.
        paused = {m.id: m for m in members if m.paused_until is not None and m.active}
        if paused:
            ids = list(paused)
            for start in range(0, len(ids), IN_CHUNK):
                chunk = ids[start : start + IN_CHUNK]
                for uid in chunk:
                    per_user.pop(uid, None)
                res = await self.session.exec(
                    select(CheckIn.user_id, CheckIn.week, CheckIn.status).where(
                        col(CheckIn.user_id).in_(chunk),
                        col(CheckIn.week).in_(weeks),
                        col(CheckIn.status).in_([CheckInStatus.done, CheckInStatus.skipped]),
                    )
                )
                for uid, week, st in res.all():
                    if uid is not None and expected_in_week(paused[uid], week):
                        acc = per_user.setdefault(uid, [0, 0])
                        acc[0 if st == CheckInStatus.done else 1] += 1
        counts: Counter[int] = Counter()
        cutoff = joined_before(weeks[0])
        for m in members:
            counts[m.unit_id] += 1
            expected = count_expected(m, weeks, cutoff)
            done, skipped = per_user.get(m.id, (0, 0))
            out[m.unit_id] = out.get(m.unit_id, Tally()) + Tally(expected, min(done, expected), min(skipped, expected))
        return out, counts

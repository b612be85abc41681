"""Unit and sector figures: /unit for leaders, /dashboard for administrators, and the
year's figures of the annual report (§VI.1).

SPEC §2: a leader sees their own unit and its sub-units only; an aggregate over fewer
than MIN_GROUP people is withheld (bot.services.stats). Weekly figures come from
StatsService, so /unit and the leader's digest agree; a year adds up its weeks.

Who is expected in a week is one rule (bot.services.stats.expected_in_week): from the
week a person joined, while active, not paused for it. The week's figures here, the
digest's and the year's all count by it, so they agree; check-ins detached from a person
by /forget still count for their unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.checkin import is_week, previous_week, week_key
from bot.services.errors import InvalidInput, NotFound
from bot.services.stats import MIN_GROUP, Participation, Shares, StatsService, Tally, since_first_expected
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level, Role, Unit
from storage.repositories import UnitRepo

__all__ = [
    "Dashboard",
    "FiguresService",
    "SectorFigures",
    "Tally",
    "UnitOverview",
    "UnitTally",
    "YearFigures",
    "weeks_of_year",
]

TREND_WEEKS = 8


@dataclass(frozen=True)
class UnitTally:
    unit: Unit
    depth: int  # 0 for a top-level unit
    members: int  # registered now, in the unit and its sub-units
    tally: Tally  # the unit and its sub-units


@dataclass(frozen=True)
class SectorFigures:
    weeks: list[int]
    total: Tally
    members: int
    units: list[UnitTally]  # every unit with members or check-ins, in the tree's order


@dataclass(frozen=True)
class Dashboard:
    """What /dashboard shows: the sector's figures for one week (`year` 0) or one year
    (`week` 0), and where that period stands today (for the buttons to go on from it)."""

    figures: SectorFigures
    week: int
    year: int
    current_week: int
    this_year: int


@dataclass(frozen=True)
class UnitOverview:
    """What /unit shows a leader: one unit (their own or a sub-unit), one closed week."""

    unit: Unit
    parent: Unit | None  # set when the viewer may go up to it
    week: int  # the week in focus
    current_week: int
    now: Participation  # the focus week, with shares (None: withheld)
    this_week: Participation | None  # the week in progress so far, when the focus is the last closed one
    trend: list[Participation]  # up to TREND_WEEKS weeks, oldest first, ending with `week`
    sub_units: list[tuple[Unit, Participation]] = field(default_factory=list)  # direct children, their subtrees


@dataclass(frozen=True)
class YearFigures:
    year: int
    weeks: list[int]  # ISO weeks of the year up to today
    members: int
    tally: Tally
    respondents: int  # people behind the finished check-ins (a lower bound once some erased their data)
    shares: dict[str, Shares] | None  # per criterion group over the year; None: withheld


def weeks_of_year(year: int, today: date) -> list[int]:
    """The ISO weeks of ISO year `year` that have begun by `today`."""
    out = []
    for n in range(1, 54):
        try:
            monday = date.fromisocalendar(year, n, 1)
        except ValueError:
            break
        if monday > today:
            break
        out.append(year * 100 + n)
    return out


class FiguresService:
    def __init__(self, session: AsyncSession, clock: Clock, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self.session = session
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.stats = StatsService(session)
        self.units = UnitRepo(session)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def current_week(self) -> int:
        return week_key(self.today())

    # -- who sees what -------------------------------------------------------------------

    async def visible_unit(
        self, viewer: Person, unit_id: int | None, action: Action = Action.view_unit
    ) -> tuple[Unit, Unit | None]:
        """The unit `viewer` asks for (default: their own) and the top of what they may see.

        Leaders: their unit and its sub-units only; anything else is refused and audited.
        Administrators: any unit (their top is None)."""
        role = Role(viewer.role)
        if role == Role.admin:
            unit = await self.units.get(unit_id or viewer.unit_id or 0)
            if unit is None:
                raise InvalidInput("unit_needed")
            return unit, None
        if role != Role.leader or viewer.unit_id is None:
            await deny(self.session, self.clock, viewer, action, f"unit={unit_id}")
        own = await self.units.get(viewer.unit_id)
        if own is None:
            await deny(self.session, self.clock, viewer, action, "own unit gone")
        if unit_id is None or unit_id == own.id:
            return own, own
        unit = await self.units.get(unit_id)
        if unit is None or not unit.path.startswith(own.path):
            await deny(self.session, self.clock, viewer, action, f"unit={unit_id} outside own={own.id}")
        return unit, own

    async def _subtree_ids(self, unit: Unit) -> list[int]:
        return [u.id for u in await self.units.subtree(unit) if u.id is not None]

    # -- /unit ----------------------------------------------------------------------------

    async def overview(
        self, viewer: Person, unit_id: int | None = None, week: int | None = None, *, code: str = ""
    ) -> UnitOverview:
        """A unit's week: `unit_id`, or the unit of that `code` (/unit CODE), or the
        viewer's own; the last closed week unless `week` names an earlier one."""
        if code:
            found = await self.units.by_code(code)
            if found is None:
                raise NotFound("unit", value=code)
            unit_id = found.id
        unit, top = await self.visible_unit(viewer, unit_id)
        current = self.current_week()
        last_closed = previous_week(current)
        week = week if week and week <= last_closed and is_week(week) else last_closed
        ids = await self._subtree_ids(unit)
        members = await self.stats.members(ids)
        trend = await self.stats.trend(ids, week, TREND_WEEKS, members=members)
        now = replace(trend[-1], shares=await self.stats.shares(ids, week))
        trend = since_first_expected(trend)
        this_week = (
            await self.stats.participation(ids, current, with_shares=False, members=members)
            if week == last_closed
            else None
        )
        res = await self.session.exec(select(Unit).where(Unit.parent_id == unit.id).order_by(col(Unit.name)))
        subs = []
        for child in res.all():
            child_ids = await self._subtree_ids(child)
            subs.append((child, await self.stats.participation(child_ids, week, with_shares=False)))
        parent = None
        if unit.parent_id is not None and (top is None or unit.id != top.id):
            parent = await self.units.get(unit.parent_id)
        return UnitOverview(
            unit=unit,
            parent=parent,
            week=week,
            current_week=current,
            now=now,
            this_week=this_week,
            trend=trend,
            sub_units=subs,
        )

    # -- weeks and years, many units at once ------------------------------------------------

    async def sector(self, weeks: Sequence[int]) -> SectorFigures:
        """Every unit's figures for `weeks` (one week, or a year's), sub-units included."""
        units = list(await self.units.all())
        own, counts = await self.stats.person_weeks(weeks)
        by_id = {u.id: u for u in units}
        subtree: dict[int, Tally] = {}
        members: Counter[int] = Counter()
        for unit_id, t in own.items():
            unit = by_id.get(unit_id)
            if unit is None:
                continue
            for ancestor in (int(p) for p in unit.path.strip("/").split("/") if p):
                subtree[ancestor] = subtree.get(ancestor, Tally()) + t
        for unit_id, n in counts.items():
            unit = by_id.get(unit_id)
            if unit is None:
                continue
            for ancestor in (int(p) for p in unit.path.strip("/").split("/") if p):
                members[ancestor] += n
        rows = [
            UnitTally(
                unit=u, depth=u.path.count("/") - 2, members=members[u.id or 0], tally=subtree.get(u.id or 0, Tally())
            )
            for u in units
            if members[u.id or 0] or subtree.get(u.id or 0, Tally()).expected
        ]
        total = sum(own.values(), Tally())
        return SectorFigures(weeks=list(weeks), total=total, members=sum(counts.values()), units=rows)

    async def dashboard(self, week: int = 0, year: int = 0) -> Dashboard:
        """/dashboard: a week in the past or this one, or a year from 2000 to this one. No
        week asked for: the last complete week, as the leaders' digest (on a Monday the
        week just begun has nothing to show yet)."""
        current, this_year = self.current_week(), self.today().year
        if year:
            if not 2000 <= year <= this_year:
                raise InvalidInput("dashboard_usage")
            week = 0
        else:
            week = week if 0 < week <= current and is_week(week) else previous_week(current)
        figures = await self.sector(self.week_or_year(week=week or None, year=year or None))
        return Dashboard(figures, week, year, current, this_year)

    async def sector_export(self, admin: Person, week: int = 0, year: int = 0) -> Dashboard:
        """The dashboard's figures for its XLSX file: the download is audited (SPEC §2)."""
        found = await self.dashboard(week, year)
        AuditService(self.session, self.clock).note(
            admin.telegram_id, "sector.export.xlsx", detail=f"year={found.year}" if found.year else f"week={found.week}"
        )
        await self.session.commit()
        return found

    def week_or_year(self, week: int | None = None, year: int | None = None) -> list[int]:
        if year is not None:
            return weeks_of_year(year, self.today())
        return [week or self.current_week()]

    async def year(self, unit: Unit, year: int) -> YearFigures:
        """A unit's year (with its sub-units): participation and the criteria shares over
        every finished check-in, withheld when fewer than MIN_GROUP people answered."""
        ids = await self._subtree_ids(unit)
        weeks = weeks_of_year(year, self.today())
        own, counts = await self.stats.person_weeks(weeks, ids)
        tally = sum(own.values(), Tally())
        done = select(CheckIn.id).where(
            col(CheckIn.unit_id).in_(ids), col(CheckIn.week).in_(weeks), CheckIn.status == CheckInStatus.done
        )
        people = (
            await self.session.exec(
                select(func.count(func.distinct(CheckIn.user_id))).where(
                    col(CheckIn.unit_id).in_(ids), col(CheckIn.week).in_(weeks), CheckIn.status == CheckInStatus.done
                )
            )
        ).one()
        erased = (
            await self.session.exec(
                select(func.count())
                .select_from(CheckIn)
                .where(
                    col(CheckIn.unit_id).in_(ids),
                    col(CheckIn.week).in_(weeks),
                    CheckIn.status == CheckInStatus.done,
                    col(CheckIn.user_id).is_(None),
                )
            )
        ).one()
        respondents = int(people) + (1 if erased else 0)  # the erased are at least one more person
        shares: dict[str, Shares] | None = None
        if weeks and respondents >= MIN_GROUP:
            res = await self.session.exec(
                select(CheckInAnswer.criterion, CheckInAnswer.level, func.count())
                .where(col(CheckInAnswer.checkin_id).in_(done))
                .group_by(CheckInAnswer.criterion, CheckInAnswer.level)
            )
            found: dict[str, dict[str, int]] = {}
            for criterion, level, n in res.all():
                found.setdefault(criterion, {})[level] = int(n)
            shares = {
                c: Shares(v.get(Level.good, 0), v.get(Level.ok, 0), v.get(Level.not_met, 0)) for c, v in found.items()
            }
        return YearFigures(
            year=year, weeks=weeks, members=sum(counts.values()), tally=tally, respondents=respondents, shares=shares
        )

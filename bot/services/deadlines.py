"""The deadline calendar (SPEC §3.7): the campaign file's dates plus those admins add.

§VI.1: the annual report reaches the standing agency before 15 December every year;
§V: sơ kết in 2022, tổng kết in 2025. Leaders are reminded REMIND_DAYS before the last
day to act, in their own language, until their unit marks the occurrence done — or
submits its signed report (bot/services/submissions.py), which marks it done.

When the campaign file's period has ended and no next phase is loaded, its yearly duties
(the annual report) keep recurring (Campaign.deadlines_between), and the admins are told
once, through the same daily reminder run, that the period has ended and how to load the
next phase (:meth:`DeadlineService.campaign_ended_notice`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.domain import Person
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from bot.services.profile import clean_text, parse_date
from storage.db import dialect_insert
from storage.delivery import CustomDeadline, DeadlineDone, OutboxMessage
from storage.models import Role, Unit, User

REMIND_DAYS = (30, 14, 7, 3, 1, 0)
TITLE_MAX = 200
KEY_RE = re.compile(r"^[a-z0-9-]{1,40}@\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Occurrence:
    key: str  # "annual-report@2026-12-15", "custom-7@2026-12-01"
    title_vi: str
    title_en: str
    due: date
    last_day: date  # the day before `due` for "trước ngày …" deadlines
    ref: str | None = None  # § in the plan, for campaign deadlines
    custom_id: int | None = None
    #: Not a duty but a notice to admins: the campaign file's period has ended
    #: (key "campaign-ended@<end date>"; due and last_day are the period's last day).
    notice: bool = False

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_vi

    def days_left(self, today: date) -> int:
        return (self.last_day - today).days


@dataclass(frozen=True)
class UnitStatus:
    occurrence: Occurrence
    done: list[Unit]
    pending: list[Unit]


@dataclass(frozen=True)
class Marked:
    """A leader's "done" tap: the occurrence, whether it was new for the unit, and the
    leader's day."""

    occurrence: Occurrence
    new: bool
    day: date


@dataclass(frozen=True)
class CalendarLine:
    occurrence: Occurrence
    done: int  # units that marked it done


@dataclass(frozen=True)
class Calendar:
    """/deadlines: the next twelve months, each occurrence with its units done."""

    lines: list[CalendarLine]
    units: int  # units that report (with a registered leader)
    ended: date | None  # the campaign file's end, once its period is over


class DeadlineService:
    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.audit = AuditService(session, clock)

    async def occurrences(self, start: date, end: date) -> list[Occurrence]:
        found = [
            Occurrence(
                key=f"{d.code}@{due.isoformat()}",
                title_vi=d.title.vi,
                title_en=d.title.en,
                due=due,
                last_day=d.last_day(due),
                ref=d.ref,
            )
            for due, d in self.campaign.deadlines_between(start, end)
        ]
        res = await self.session.exec(
            select(CustomDeadline).where(
                col(CustomDeadline.removed_at).is_(None), CustomDeadline.due >= start, CustomDeadline.due <= end
            )
        )
        found += [
            Occurrence(
                key=f"custom-{c.id}@{c.due.isoformat()}",
                title_vi=c.title_vi,
                title_en=c.title_en,
                due=c.due,
                last_day=c.due,
                custom_id=c.id,
            )
            for c in res.all()
        ]
        return sorted(found, key=lambda o: (o.last_day, o.key))

    async def upcoming(self, today: date, days: int = 60) -> list[Occurrence]:
        return [o for o in await self.occurrences(today, today + timedelta(days=days + 1)) if o.last_day >= today]

    async def find(self, key: str) -> Occurrence:
        if not KEY_RE.match(key or ""):
            raise NotFound("deadline", value=key)
        due = date.fromisoformat(key.split("@", 1)[1])
        for occ in await self.occurrences(due, due):
            if occ.key == key:
                return occ
        raise NotFound("deadline", value=key)

    def today(self, person: Person) -> date:
        """The person's own day."""
        return self.clock.now().astimezone(ZoneInfo(person.timezone)).date()

    # -- admins ------------------------------------------------------------------------

    async def calendar(self, today: date) -> Calendar:
        units = await self.reporting_units()
        lines = [CalendarLine(occ, len(await self.done_units(occ.key))) for occ in await self.upcoming(today, days=366)]
        return Calendar(lines, len(units), self.campaign.end if self.campaign.has_ended(today) else None)

    async def add_typed(self, admin: Person, day: str, title: str) -> CustomDeadline:
        """/deadlines add dd/mm/yyyy TITLE, as typed."""
        today = self.today(admin)
        return await self.add(parse_date(day, today), title, None, admin.telegram_id, today)

    async def edit_typed(self, admin: Person, deadline_id: int, day: str, title: str | None) -> CustomDeadline:
        """/deadlines edit ID dd/mm/yyyy [TITLE], as typed."""
        today = self.today(admin)
        return await self.edit(deadline_id, due=parse_date(day, today), title=title, by=admin.telegram_id, today=today)

    def _title(self, text: str) -> str:
        title = clean_text(text)
        if len(title) < 3 or len(title) > TITLE_MAX:
            raise InvalidInput("deadline_title", max=TITLE_MAX)
        return title

    async def add(self, due: date, title: str, title_en: str | None, by: int | None, today: date) -> CustomDeadline:
        if due < today:
            raise InvalidInput("deadline_past")
        vi = self._title(title)
        row = CustomDeadline(
            title_vi=vi,
            title_en=self._title(title_en) if title_en else vi,
            due=due,
            created_by=by,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        await self.session.flush()
        self.audit.note(by, "deadline.add", detail=f"id={row.id} due={due.isoformat()}")
        await self.session.commit()
        return row

    async def _custom(self, deadline_id: int) -> CustomDeadline:
        row = await self.session.get(CustomDeadline, deadline_id)
        if row is None or row.removed_at is not None:
            raise NotFound("deadline", value=str(deadline_id))
        return row

    async def edit(
        self, deadline_id: int, *, due: date | None, title: str | None, by: int | None, today: date
    ) -> CustomDeadline:
        row = await self._custom(deadline_id)
        if due is not None:
            if due < today:
                raise InvalidInput("deadline_past")
            row.due = due
        if title:
            row.title_vi = row.title_en = self._title(title)
        self.session.add(row)
        self.audit.note(by, "deadline.edit", detail=f"id={row.id}")
        await self.session.commit()
        return row

    async def remove(self, deadline_id: int, by: int | None) -> CustomDeadline:
        row = await self._custom(deadline_id)
        row.removed_at = self.clock.now()
        self.session.add(row)
        self.audit.note(by, "deadline.remove", detail=f"id={row.id}")
        await self.session.commit()
        return row

    # -- units and leaders ----------------------------------------------------------------

    async def reporting_units(self) -> list[Unit]:
        """Units that have at least one registered, active leader: those who report."""
        res = await self.session.exec(
            select(Unit)
            .where(
                col(Unit.id).in_(
                    select(User.unit_id).where(
                        User.role == Role.leader, col(User.onboarded_at).is_not(None), col(User.active).is_(True)
                    )
                )
            )
            .order_by(col(Unit.path))
        )
        return list(res.all())

    async def leaders(self, unit_id: int) -> list[User]:
        res = await self.session.exec(
            select(User).where(
                User.unit_id == unit_id,
                User.role == Role.leader,
                col(User.onboarded_at).is_not(None),
                col(User.active).is_(True),
                or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
            )
        )
        return list(res.all())

    async def done_units(self, key: str) -> set[int]:
        res = await self.session.exec(select(DeadlineDone.unit_id).where(DeadlineDone.deadline_key == key))
        return set(res.all())

    async def mark_done(self, key: str, leader: Person) -> bool:
        """The leader's unit has done this occurrence; False if it already had."""
        return (await self.done_for_unit(key, leader)).new

    async def done_for_unit(self, key: str, leader: Person) -> Marked:
        """A leader's "done" tap. Two leaders of a unit tapping at once: one row, the
        second tap finds it (INSERT … ON CONFLICT DO NOTHING)."""
        occ = await self.find(key)
        if leader.role != Role.leader or leader.unit_id is None:
            raise InvalidInput("deadline_not_leader")
        new = False
        if leader.unit_id not in await self.done_units(key):
            stmt = (
                dialect_insert(self.session)(DeadlineDone)
                .values(deadline_key=key, unit_id=leader.unit_id, done_by=leader.id, done_at=self.clock.now())
                .on_conflict_do_nothing(index_elements=["deadline_key", "unit_id"])
            )
            new = bool((await self.session.exec(stmt)).rowcount)
        if new:
            self.audit.note(leader.telegram_id, "deadline.done", detail=f"{key} unit={leader.unit_id}")
            await self.session.commit()
        return Marked(occ, new, self.today(leader))

    async def awaiting_done(self, leader: Person) -> list[Occurrence]:
        """The deadlines this leader has been reminded of that their unit has not marked
        done yet, soonest first: what a reply "xong" on Zalo refers to (issue 16.4)."""
        if leader.role != Role.leader or leader.unit_id is None:
            raise InvalidInput("deadline_not_leader")
        today = self.today(leader)
        done_here = set()
        if window := [o for o in await self.upcoming(today, days=max(REMIND_DAYS)) if not o.notice]:
            res = await self.session.exec(
                select(DeadlineDone.deadline_key).where(
                    DeadlineDone.unit_id == leader.unit_id,
                    col(DeadlineDone.deadline_key).in_([o.key for o in window]),
                )
            )
            done_here = set(res.all())
        return [o for o in window if o.key not in done_here and leader.id in await self.reminded_leaders(o.key)]

    async def status(self, key: str) -> UnitStatus:
        occ = await self.find(key)
        units = await self.reporting_units()
        done = await self.done_units(key)
        return UnitStatus(occ, [u for u in units if u.id in done], [u for u in units if u.id not in done])

    def campaign_ended(self) -> Occurrence:
        c = self.campaign
        return Occurrence(
            key=f"campaign-ended@{c.end.isoformat()}",
            title_vi=c.title.vi,
            title_en=c.title.en,
            due=c.end,
            last_day=c.end,
            ref=None if c.is_draft else c.code,
            notice=True,  # a draft has no number
        )

    async def admins(self) -> list[User]:
        res = await self.session.exec(
            select(User)
            .where(
                User.role == Role.admin,
                col(User.onboarded_at).is_not(None),
                col(User.active).is_(True),
                or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
            )
            .order_by(col(User.id))
        )
        return list(res.all())

    async def campaign_ended_notice(self, today: date) -> list[tuple[Occurrence, int, Sequence[User]]]:
        """Once the period is over: the notice for every admin. Its outbox key is the same
        every day ("remind:campaign-ended@2025-12-31:<admin>:0"), so each admin gets it once."""
        if not self.campaign.has_ended(today):
            return []
        admins = await self.admins()
        return [(self.campaign_ended(), 0, admins)] if admins else []

    async def reminded_leaders(self, key: str) -> set[int]:
        """Leaders (users.id) already sent a reminder of this occurrence: the outbox keys
        the reminder job gives them, "remind:<occurrence>:<user id>:<days left>"."""
        prefix = f"remind:{key}:"
        res = await self.session.exec(
            select(OutboxMessage.key).where(col(OutboxMessage.key).startswith(prefix, autoescape=True))
        )
        out: set[int] = set()
        for found in res.all():
            person = found[len(prefix) :].split(":", 1)[0]
            if person.isdigit():
                out.add(int(person))
        return out

    async def reminders_due(self, today: date) -> list[tuple[Occurrence, int, Sequence[User]]]:
        """(occurrence, days left, leaders to remind) for today's reminders, and the admins'
        notice when the campaign's period has ended (an occurrence with ``notice`` set).

        Reminders fall REMIND_DAYS before the last day; a leader who has had none yet for an
        occurrence within the window gets one at once (a catch-up), then the regular ones."""
        out: list[tuple[Occurrence, int, Sequence[User]]] = await self.campaign_ended_notice(today)
        horizon = today + timedelta(days=max(REMIND_DAYS) + 1)
        window = [o for o in await self.occurrences(today, horizon) if 0 <= o.days_left(today) <= max(REMIND_DAYS)]
        if not window:
            return out
        units = await self.reporting_units()
        for occ in window:
            scheduled = occ.days_left(today) in REMIND_DAYS
            reminded = set() if scheduled else await self.reminded_leaders(occ.key)
            done = await self.done_units(occ.key)
            for unit in units:
                if unit.id in done or unit.id is None:
                    continue
                # On a reminder day, every leader; between them, only a leader who has had no
                # reminder of this occurrence yet (a bot deployed, or a leader registered, on
                # 01/12 hears of the report due before 15/12 that day, not on the 7-day mark).
                leaders = [u for u in await self.leaders(unit.id) if u.id not in reminded]
                if leaders:
                    out.append((occ, occ.days_left(today), leaders))
        return out

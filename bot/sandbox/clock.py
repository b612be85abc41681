"""The sandbox's time: the real clock plus an offset that only grows.

The bot, its services, the scheduler jobs and the emulator all read this one clock, so
a jump ("next Monday 08:00") moves everybody's notion of now at once, and the rest of
the day then passes in real time. The offset is kept beside the sandbox database, so a
restart goes on from the sandbox's own date.

Where to jump is computed from the same data the jobs read: a person's check-in day
and time, Monday 08:00 for leader digests (scheduler.jobs), and the first day at 08:30 on
which DeadlineService has a reminder to send.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock, ShiftedClock
from bot.i18n import _
from bot.services.checkin import week_key, week_monday
from bot.services.deadlines import REMIND_DAYS, DeadlineService, Occurrence
from scheduler.jobs import JOBS
from storage.models import CheckIn, CheckInStatus, Role, User

log = logging.getLogger(__name__)

DIGEST_AT = time(8, 0)  # leader_digests: Monday 08:00 (scheduler.jobs)
REMINDER_AT = time(8, 30)  # deadline_reminders: daily 08:30
REMINDER_HORIZON = 400  # days searched for the next reminder


class ClockError(ValueError):
    """A jump the sandbox refuses: time only moves forward."""


class SandboxClock(ShiftedClock):
    """Real time shifted by ``offset``; ``jump_to`` moves it forward and saves it."""

    def __init__(self, offset: timedelta = timedelta(0), state_file: Path | None = None) -> None:
        super().__init__(offset)
        self.state_file = state_file

    @classmethod
    def load(cls, state_file: Path) -> SandboxClock:
        offset = timedelta(0)
        try:
            data = json.loads(state_file.read_text(encoding="utf-8"))
            offset = timedelta(seconds=float(data["offset_seconds"]))
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable sandbox clock %s: %s", state_file, exc)
        return cls(offset, state_file)

    def timestamp(self) -> float:
        """Seconds since the epoch, for the emulator's message dates."""
        return self.now().timestamp()

    def jump_to(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime")
        if at < self.now() - timedelta(seconds=1):
            raise ClockError(_("The sandbox clock only moves forward."))
        self.offset = at.astimezone(UTC) - datetime.now(UTC)
        self.save()
        return self.now()

    def start_at(self, at: datetime) -> None:
        """Set the time outright: only for a fresh sandbox (``--at`` with a new database)."""
        self.offset = at.astimezone(UTC) - datetime.now(UTC)
        self.save()

    def save(self) -> None:
        if self.state_file is None:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps({"offset_seconds": self.offset.total_seconds()}), encoding="utf-8")


# -- where the jumps go ---------------------------------------------------------------------


def next_weekly(now: datetime, zone: ZoneInfo, weekday: int, at: time) -> datetime:
    """The first weekday/time strictly after ``now``, in ``zone``."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, at, zone)
    if candidate <= now:
        candidate = datetime.combine(day + timedelta(days=7), at, zone)
    return candidate


def next_digest(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 08:00 after ``now``: when leader_digests runs (scheduler.jobs)."""
    spec = JOBS["leader_digests"].cron
    assert spec.get("day_of_week") == "mon" and spec.get("hour") == DIGEST_AT.hour
    return next_weekly(now, zone, 0, DIGEST_AT)


def _slot(user: User, day: date) -> datetime:
    hh, mm = (int(x) for x in user.checkin_time.split(":"))
    return datetime.combine(day, time(hh, mm), ZoneInfo(user.timezone))


async def next_prompt_for(session: AsyncSession, user: User, now: datetime) -> datetime:
    """The person's next check-in time after ``now`` in a week they have not answered yet."""
    zone = ZoneInfo(user.timezone)
    local = now.astimezone(zone)
    monday = week_monday(week_key(local.date()))
    res = await session.exec(
        select(CheckIn.week).where(
            CheckIn.user_id == user.id,
            col(CheckIn.status).in_([CheckInStatus.done, CheckInStatus.skipped]),
        )
    )
    answered = set(res.all())
    for n in range(0, 60):
        day = monday + timedelta(days=7 * n + user.checkin_weekday)
        slot = _slot(user, day)
        if slot > now and week_key(day) not in answered:
            return slot
    return _slot(user, monday + timedelta(days=7 * 60 + user.checkin_weekday))


async def next_prompt(session: AsyncSession, now: datetime, user: User | None = None) -> datetime | None:
    """The person's next prompt, or the earliest one among everyone who gets prompts."""
    if user is not None and user.onboarded_at is not None and user.role != Role.admin:
        return await next_prompt_for(session, user, now)
    res = await session.exec(
        select(User).where(
            col(User.onboarded_at).is_not(None),
            col(User.active).is_(True),
            col(User.telegram_id).is_not(None),
            User.role != Role.admin,
        )
    )
    times = [await next_prompt_for(session, u, now) for u in res.all()]
    return min(times) if times else None


async def next_reminder(
    session: AsyncSession, clock: Clock, campaign: Campaign, now: datetime, zone: ZoneInfo
) -> tuple[datetime, Occurrence] | None:
    """The first 08:30 after ``now`` at which some leader gets a deadline reminder."""
    svc = DeadlineService(session, clock, campaign)
    local = now.astimezone(zone)
    first = (
        local.date() if datetime.combine(local.date(), REMINDER_AT, zone) > now else local.date() + timedelta(days=1)
    )
    occurrences = await svc.occurrences(first, first + timedelta(days=REMINDER_HORIZON + max(REMIND_DAYS)))
    days = sorted(
        {o.last_day - timedelta(days=n) for o in occurrences for n in REMIND_DAYS}
        & {first + timedelta(days=k) for k in range(REMINDER_HORIZON)}
    )
    for day in days:
        due = await svc.reminders_due(day)
        if due:
            return datetime.combine(day, REMINDER_AT, zone), due[0][0]
    return None

"""Scheduled jobs, defined in code. What they do derives from the database (each person's
day and time, the deadline calendar), never from pickled job state.

Each job runs "as of" a moment and only queues outbox rows, whose keys make it
idempotent per (job, period): running it twice, or again after a restart, queues
nothing new. `python -m bot jobs run NAME --now ISO` runs one as if at that time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.campaign.schema import Campaign
from bot.channels.telegram.render import payload
from bot.channels.zalo.leaders import digest_on_zalo, reminder_on_zalo
from bot.clock import Clock
from bot.config import Settings
from bot.domain import CheckInStatus, Role
from bot.render.highlights import render_highlights_digest
from bot.services.checkin import current_week, previous_week, week_key, week_monday
from bot.services.delivery import Outgoing
from bot.services.provider import Services
from bot.services.stats import paused_for_week
from bot.views.checkin import current_screen
from bot.views.deadlines import reminder_screen
from bot.views.leader import digest_chart_screen, digest_screen
from bot.views.screen import Screen
from storage.models import CheckIn, User

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    campaign: Campaign
    settings: Settings
    # When what the job queues is due; None: as of the clock. `jobs run --now <a later
    # date>` queues as of that date, but its messages are due at once: the running bot's
    # sender, on the real clock, would otherwise hold them until that date.
    due: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    def services(self, session: AsyncSession) -> Services:
        """The same services the handlers use, on the job's own session."""
        return Services(session, self.clock, self.campaign, self.settings)


@dataclass
class JobResult:
    job: str
    period: str
    queued: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    cron: dict[str, Any]  # APScheduler CronTrigger fields, in the campaign's time zone
    period: Callable[[datetime], str]  # the local fire time -> the period it serves
    run: Callable[[JobContext, datetime, JobResult], Awaitable[None]]


# -- the weekly check-in prompt -----------------------------------------------------------

PROMPT_GRACE = timedelta(hours=12)


def _slot(user: User, week: int, zone: ZoneInfo) -> datetime:
    hh, mm = (int(x) for x in user.checkin_time.split(":"))
    day = week_monday(week) + timedelta(days=user.checkin_weekday)
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone)


PAGE = 2000  # people per query: memory stays flat whatever the number of users


async def _eligible(session: AsyncSession, week: int, *where: Any) -> AsyncIterator[list[User]]:
    """Registered, active people without a finished or skipped check-in this week, page by page."""
    answered = select(CheckIn.user_id).where(
        CheckIn.week == week, col(CheckIn.status).in_([CheckInStatus.done, CheckInStatus.skipped])
    )
    after = 0
    while True:
        res = await session.exec(
            select(User)
            .where(
                col(User.id) > after,
                col(User.onboarded_at).is_not(None),
                col(User.active).is_(True),
                # Reachable on their channel: Telegram or Zalo (issue 16).
                or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
                User.role != Role.admin,
                col(User.id).not_in(answered),
                *where,
            )
            .order_by(col(User.id))
            .limit(PAGE)
        )
        page = list(res.all())
        if not page:
            return
        after = page[-1].id or after
        session.expunge_all()  # the ORM keeps no page in memory once it is done
        yield [u for u in page if not paused_for_week(u, week)]


def _slot_filter(since: datetime, now: datetime) -> tuple[Any, ...]:
    """Narrow the prompt query to the slots in (since, now], as the database sees them in
    the campaign's zone; the exact check per person's own zone follows in Python."""
    if since.date() == now.date():
        return (
            User.checkin_weekday == now.weekday(),
            col(User.checkin_time) > since.strftime("%H:%M"),
            col(User.checkin_time) <= now.strftime("%H:%M"),
        )
    days = {(since + timedelta(days=n)).weekday() for n in range((now.date() - since.date()).days + 1)}
    return (col(User.checkin_weekday).in_(sorted(days)),)


def _prompt_line(user: User, fresh: bool, groups: int) -> str:
    """The prompt's first line; on Zalo, where a question is answered with a number, with the
    one-message week explained on a week not started (bot/channels/zalo/screens.py)."""
    if user.zalo_id is None:
        return i18n.gettext("⏰ Time for this week's self-assessment: one minute, one tap per group.")
    line = i18n.gettext("⏰ Time for this week's self-assessment: one minute, one number per group.")
    if not fresh:
        return line
    from bot.channels.zalo.screens import quick_answer_hint

    return f"{line}\n{quick_answer_hint(groups)}"


async def run_checkin_prompts(ctx: JobContext, now: datetime, result: JobResult) -> None:
    """Everyone whose check-in time fell since the previous run (at most PROMPT_GRACE ago)
    gets this week's prompt, which carries the first question."""
    async with ctx.sessionmaker() as session:
        services = ctx.services(session)
        delivery = services.delivery
        last = await delivery.last_run(JOB_PROMPTS)
        since = max(last, now - PROMPT_GRACE) if last else now - PROMPT_GRACE
        if since.tzinfo is None:
            since = since.replace(tzinfo=ZoneInfo("UTC"))
        local = now.astimezone(ctx.zone)
        week = week_key(local.date())
        svc = services.checkin
        where = _slot_filter(since.astimezone(ctx.zone), local)
        fresh: dict[str, dict[str, Any]] = {}  # locale -> the untouched week's prompt
        async for page in _eligible(session, week, *where):
            started = set(
                (
                    await session.exec(
                        select(CheckIn.user_id).where(
                            CheckIn.week == week, col(CheckIn.user_id).in_([u.id for u in page])
                        )
                    )
                ).all()
            )
            out: list[Outgoing] = []
            for user in page:
                slot = _slot(user, week, ZoneInfo(user.timezone))
                if not since < slot <= now:
                    continue
                kept = f"{user.locale}:{'zalo' if user.zalo_id else 'telegram'}"
                body = fresh.get(kept) if user.id not in started and user.timezone == ctx.settings.timezone else None
                if body is None:
                    with i18n.use_locale(user.locale):
                        screen = current_screen(ctx.campaign, await svc.position(user))  # resumes where they stopped
                        body = payload(
                            screen.above(
                                _prompt_line(user, user.id not in started, len(ctx.campaign.individual_criteria))
                            )
                        )
                    if user.id not in started and user.timezone == ctx.settings.timezone:
                        fresh[kept] = body
                out.append(Outgoing(f"prompt:{user.id}:{week}", "prompt", user.telegram_id, body, user.id))
            result.queued += await delivery.enqueue(out, not_before=ctx.due)
            result.lines += [f"prompt -> {m.chat_id}" for m in out]


# -- Monday nudge to those who missed last week -------------------------------------------


async def run_missed_nudges(ctx: JobContext, now: datetime, result: JobResult) -> None:
    local = now.astimezone(ctx.zone)
    this_week = week_key(local.date())
    last_week = previous_week(this_week)
    async with ctx.sessionmaker() as session:
        services = ctx.services(session)
        svc, delivery = services.checkin, services.delivery
        async for page in _eligible(session, last_week):
            out: list[Outgoing] = []
            for user in page:
                # Only those registered before last week's prompt; paused people are left alone.
                if user.onboarded_at and user.onboarded_at > _slot(user, last_week, ZoneInfo(user.timezone)):
                    continue
                if paused_for_week(user, this_week) or current_week(user, ctx.clock) != this_week:
                    continue
                with i18n.use_locale(user.locale):
                    screen = current_screen(ctx.campaign, await svc.position(user)).above(
                        i18n.gettext(
                            "Last week's self-assessment was not done. This week's is open: it takes a minute."
                        )
                    )
                chat = user.telegram_id or 0  # _eligible: only people with a chat
                out.append(Outgoing(f"nudge:{user.id}:{last_week}", "nudge", chat, payload(screen), user.id))
            result.queued += await delivery.enqueue(out, not_before=ctx.due)
            result.lines += [f"nudge -> {m.chat_id}" for m in out]


# -- leader digests -----------------------------------------------------------------------


async def run_leader_digests(ctx: JobContext, now: datetime, result: JobResult) -> None:
    """Monday: each leader's digest of the week just closed, its card and its chart."""
    local = now.astimezone(ctx.zone)
    week = previous_week(week_key(local.date()))
    async with ctx.sessionmaker() as session:
        services = ctx.services(session)
        out: list[Outgoing] = []
        for leader in await services.digest.leaders():
            digest = await services.digest.for_leader(leader, week, local.date())
            with i18n.use_locale(leader.locale):
                card = digest_screen(digest, ctx.campaign)
                if leader.zalo_id is not None:  # answered with words and numbers on Zalo (issue 16.4)
                    card = digest_on_zalo(card)
                chart = digest_chart_screen(digest, ctx.campaign)
            chat = leader.telegram_id or 0
            out.append(Outgoing(f"digest:{leader.id}:{week}", "digest", chat, payload(card), leader.id))
            out.append(
                Outgoing(
                    f"digest-chart:{leader.id}:{week}",
                    "digest",
                    chat,
                    payload(Screen(chart.text), method="sendPhoto", filename="digest.png"),
                    leader.id,
                    blob=_bytes(chart),
                )
            )
        result.queued = await services.delivery.enqueue(out, not_before=ctx.due)
        result.lines += [f"digest -> {m.chat_id}" for m in out if m.payload["method"] == "sendMessage"]


def _bytes(screen: Screen) -> bytes:
    """A screen's picture, as the outbox keeps it beside the message."""
    data = screen.attachments[0].data
    if not isinstance(data, bytes):
        raise TypeError("the chart is drawn, not a file already sent")
    return data


# -- deadline reminders -------------------------------------------------------------------


async def run_deadline_reminders(ctx: JobContext, now: datetime, result: JobResult) -> None:
    today = now.astimezone(ctx.zone).date()
    async with ctx.sessionmaker() as session:
        services = ctx.services(session)
        out: list[Outgoing] = []
        for occ, days, leaders in await services.deadlines.reminders_due(today):
            for leader in leaders:
                with i18n.use_locale(leader.locale):
                    screen = reminder_screen(occ, days)
                    if leader.zalo_id is not None:  # answered with "xong" on Zalo (issue 16.4)
                        screen = reminder_on_zalo(screen)
                    body = payload(screen)
                out.append(
                    Outgoing(
                        f"remind:{occ.key}:{leader.id}:{days}", "reminder", leader.telegram_id or 0, body, leader.id
                    )
                )
        result.queued = await services.delivery.enqueue(out, not_before=ctx.due)
        result.lines += [f"reminder {m.key.split(':')[1]} ({m.key.rsplit(':', 1)[1]} days) -> {m.chat_id}" for m in out]


# -- the weekly highlights digest for communications staff -------------------------------


async def run_highlights_digest(ctx: JobContext, now: datetime, result: JobResult) -> None:
    """Monday: the good examples approved last week, to communications staff (§VI.5)."""
    week = previous_week(week_key(now.astimezone(ctx.zone).date()))
    async with ctx.sessionmaker() as session:
        services = ctx.services(session)
        digest = await services.examples.weekly_highlights(week)
        out: list[Outgoing] = []
        for person in await services.announcements.audience(Role.comms, None):
            with i18n.use_locale(person.locale):
                body = payload(Screen(render_highlights_digest(digest)))
            out.append(
                Outgoing(f"highlights:{person.id}:{week}", "highlights", person.telegram_id or 0, body, person.id)
            )
        result.queued = await services.delivery.enqueue(out, not_before=ctx.due)
        result.lines += [f"highlights -> {m.chat_id}" for m in out]


JOB_PROMPTS = "checkin_prompts"
JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec(
            JOB_PROMPTS,
            "weekly check-in prompt at each person's day and time",
            {"minute": "*"},
            lambda t: t.strftime("%Y-%m-%dT%H:%M"),
            run_checkin_prompts,
        ),
        JobSpec(
            "missed_nudges",
            "Monday 09:00: one nudge to those who neither checked in nor skipped last week",
            {"day_of_week": "mon", "hour": 9, "minute": 0},
            lambda t: str(previous_week(week_key(t.date()))),
            run_missed_nudges,
        ),
        JobSpec(
            "leader_digests",
            "Monday 08:00: each leader's weekly digest of their unit",
            {"day_of_week": "mon", "hour": 8, "minute": 0},
            lambda t: str(previous_week(week_key(t.date()))),
            run_leader_digests,
        ),
        JobSpec(
            "highlights_digest",
            "Monday 08:15: last week's approved good examples, to communications staff",
            {"day_of_week": "mon", "hour": 8, "minute": 15},
            lambda t: str(previous_week(week_key(t.date()))),
            run_highlights_digest,
        ),
        JobSpec(
            "deadline_reminders",
            "daily 08:30: deadline reminders 30, 14, 7, 3, 1 days ahead and on the day",
            {"hour": 8, "minute": 30},
            lambda t: t.date().isoformat(),
            run_deadline_reminders,
        ),
    )
}


def latest_fire_time(spec: JobSpec, now: datetime, zone: ZoneInfo, lookback: timedelta) -> datetime | None:
    """The job's last scheduled time in (now - lookback, now], or None."""
    trigger = CronTrigger(timezone=zone, **spec.cron)
    start = (now - lookback).astimezone(zone)
    fire = trigger.get_next_fire_time(None, start)
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


async def run_job(ctx: JobContext, name: str, now: datetime) -> JobResult:
    """Run one job as of `now` and note the run (job, period)."""
    spec = JOBS[name]
    period = spec.period(now.astimezone(ctx.zone))
    result = JobResult(name, period)
    await spec.run(ctx, now, result)
    async with ctx.sessionmaker() as session:
        await ctx.services(session).delivery.record_run(name, period, result.queued)
    # The prompt job runs every minute and mostly finds nobody due: that is not news.
    quiet = name == JOB_PROMPTS and not result.queued
    log.log(logging.DEBUG if quiet else logging.INFO, "job %s for %s queued %s", name, period, result.queued)
    return result


async def run_due_jobs(ctx: JobContext, now: datetime) -> list[JobResult]:
    """Every job whose latest fire time is at or before `now` and has not run for its period
    (the sandbox's clock jump, and the catch-up after downtime)."""
    results = []
    for spec in JOBS.values():
        fired = latest_fire_time(spec, now, ctx.zone, lookback=timedelta(days=8))
        if fired is None:
            continue
        async with ctx.sessionmaker() as session:
            if spec.name != JOB_PROMPTS and await ctx.services(session).delivery.has_run(
                spec.name, spec.period(fired.astimezone(ctx.zone))
            ):
                continue
        results.append(await run_job(ctx, spec.name, now if spec.name == JOB_PROMPTS else fired))
    return results

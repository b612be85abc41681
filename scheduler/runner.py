"""One APScheduler (3.11) AsyncIOScheduler in the bot process, in the campaign's zone.

The Dispatcher factory (bot/app.py) starts it in the dispatcher's startup and stops it in
its shutdown, so `python -m bot`, each webhook worker and the sandbox (with its own
clock-driven `Scheduling`) share one lifecycle.

When several bot processes run, exactly one schedules and sends: it holds a PostgreSQL
advisory lock or a Redis lock; the others keep trying to take over. With SQLite there is
one bot process, and a lock file beside the database keeps a second one (or
`jobs run --send`) from sending too. Runs missed during downtime are caught up once,
within GRACE.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import socket
from datetime import timedelta
from typing import Any, Protocol

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from scheduler.jobs import JOB_PROMPTS, JOBS, JobContext, latest_fire_time, run_job
from scheduler.outbox import OutboxSender, ZaloOutbox

log = logging.getLogger(__name__)
GRACE = timedelta(hours=6)
LOCK_ID = 24972019  # pg_advisory_lock key: Decision 2497, 2019
LOCK_TTL_MS = 30_000


class LeaderLock:
    """Who schedules and sends: a PostgreSQL advisory lock, else a Redis lock, else (a SQLite
    file) an exclusive lock on `<database>.leader`; an in-memory database is always us."""

    def __init__(self, engine: AsyncEngine, redis_url: str | None) -> None:
        self.engine = engine
        self.redis_url = redis_url
        self._conn: AsyncConnection | None = None
        self._redis: Any = None  # redis.asyncio.Redis once asked for (its stubs lack aclose)
        self._file: int | None = None  # the lock file's descriptor while we hold it
        self._token = f"{socket.gethostname()}:{os.getpid()}"

    def _lock_path(self) -> str | None:
        database = self.engine.url.database
        if (
            self.engine.dialect.name != "sqlite"
            or not database
            or database == ":memory:"
            or database.startswith("file:")
        ):
            return None
        return f"{database}.leader"

    def _acquire_file(self, path: str) -> bool:
        """flock: released by the system when the process ends, even by kill -9."""
        if self._file is not None:
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._file = fd
        return True

    async def acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            if self._conn is None:
                self._conn = await self.engine.connect()
            got = (await self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_ID})).scalar()
            await self._conn.commit()
            if not got:
                await self._conn.close()
                self._conn = None
            return bool(got)
        if self.redis_url:
            from redis.asyncio import Redis

            if self._redis is None:
                self._redis = Redis.from_url(self.redis_url)
            return bool(await self._redis.set("vanhoa:scheduler-leader", self._token, nx=True, px=LOCK_TTL_MS))
        path = self._lock_path()
        return self._acquire_file(path) if path else True

    async def renew(self) -> bool:
        """Still the leader? (Redis: extend the lease; PostgreSQL: the session holds it.)"""
        if self._redis is not None:
            script = (
                "if redis.call('get', KEYS[1]) == ARGV[1] then "
                "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
            )
            return bool(await self._redis.eval(script, 1, "vanhoa:scheduler-leader", self._token, LOCK_TTL_MS))
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:  # noqa: BLE001 - the connection (and so the lock) is gone
                self._conn = None
                return False
        if self._lock_path() is not None:
            return self._file is not None
        return self.engine.dialect.name != "postgresql"

    async def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            os.close(self._file)
            self._file = None
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_ID})
                await self._conn.close()
            self._conn = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                if (await self._redis.get("vanhoa:scheduler-leader")) == self._token.encode():
                    await self._redis.delete("vanhoa:scheduler-leader")
                await self._redis.aclose()
            self._redis = None


class Scheduling(Protocol):
    """What runs beside the dispatcher, from its startup to its shutdown: the scheduled jobs
    and the outbox sender. `stop` may be called again, or before `start`."""

    async def start(self, bot: Bot | None) -> None: ...

    async def stop(self) -> None: ...


class Scheduler:
    """Schedules the jobs and runs the outbox sender while this process is the leader."""

    def __init__(self, ctx: JobContext, engine: AsyncEngine, *, grace: timedelta = GRACE) -> None:
        self.ctx = ctx
        self.lock = LeaderLock(engine, ctx.settings.redis_url)
        self.grace = grace
        self.bot: Bot | None = None
        self.zalo: ZaloOutbox | None = None  # Zalo's side of the outbox, when the bot serves Zalo
        self.sender: OutboxSender | None = None  # while leading
        self._aps: AsyncIOScheduler | None = None
        self._tasks: list[asyncio.Task] = []
        self._lead_task: asyncio.Task | None = None
        self.leader = False

    async def _fire(self, name: str) -> None:
        try:
            await run_job(self.ctx, name, self.ctx.clock.now())
        except Exception:  # noqa: BLE001 - the next run tries again; nothing is half-queued
            log.exception("job %s failed", name)

    async def catch_up(self) -> None:
        """Run once each job whose last fire time within GRACE has no recorded run."""
        from bot.services.delivery import DeliveryService

        now = self.ctx.clock.now()
        for spec in JOBS.values():
            fired = latest_fire_time(spec, now, self.ctx.zone, self.grace)
            if fired is None or spec.name == JOB_PROMPTS:
                continue  # the prompt job covers its own window on its next minute
            async with self.ctx.sessionmaker() as session:
                done = await DeliveryService(session, self.ctx.clock).has_run(
                    spec.name, spec.period(fired.astimezone(self.ctx.zone))
                )
            if not done:
                log.info("catching up %s missed at %s", spec.name, fired.isoformat())
                await run_job(self.ctx, spec.name, fired)

    def _start_jobs(self) -> None:
        self._aps = AsyncIOScheduler(timezone=self.ctx.zone)
        for spec in JOBS.values():
            self._aps.add_job(
                self._fire,
                CronTrigger(timezone=self.ctx.zone, **spec.cron),
                args=[spec.name],
                id=spec.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.grace.total_seconds()),
            )
        self._aps.start()

    async def _lead(self) -> None:
        assert self.bot is not None or self.zalo is not None
        while True:
            if not self.leader:
                self.leader = await self.lock.acquire()
                if self.leader:
                    log.info("this process is the scheduler leader")
                    await self.catch_up()
                    self._start_jobs()
                    self.sender = OutboxSender(
                        self.bot,
                        self.ctx.sessionmaker,
                        self.ctx.clock,
                        rate=self.ctx.settings.send_rate,
                        zalo=self.zalo,
                    )
                    self._tasks.append(asyncio.create_task(self.sender.run()))
            elif not await self.lock.renew():
                log.warning("lost the scheduler lock; stopping jobs")
                await self._stop_leading()
            await asyncio.sleep(LOCK_TTL_MS / 3000)

    async def _stop_leading(self) -> None:
        self.leader = False
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        if self.sender is not None:
            self.sender.stop()
            self.sender = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    async def start(self, bot: Bot | None) -> None:
        """The dispatcher's startup (or, for a bot on Zalo alone, its runner with None): try
        for the lock now and then every LOCK_TTL/3."""
        if bot is not None:
            self.bot = bot
            if self.sender is not None:
                self.sender.attach_bot(bot)
        # Started once: Zalo may start it before Telegram answers, and the dispatcher's
        # startup then only hands over the bot.
        if self._lead_task is None:
            self._lead_task = asyncio.create_task(self._lead())

    async def stop(self) -> None:
        """The dispatcher's shutdown (and Runtime.close, once more: harmless)."""
        lead, self._lead_task = self._lead_task, None
        if lead is not None:
            lead.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lead
        await self._stop_leading()
        await self.lock.release()

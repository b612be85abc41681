"""`python -m bot sandbox`: the whole bot on one machine, without Telegram.

One aiohttp server on --host:--port holds the Bot API emulator, the chat page (/) and
the page's small API (/_sandbox/). The real bot (build_runtime, the normal dispatcher,
long polling) talks to the emulator with a fake token; the real outbox sender delivers
what the scheduler jobs queue. There is no APScheduler here: the jobs run from
run_due_jobs as of the sandbox clock, every few seconds and on each clock jump, so a
trainer can show a whole week in minutes. That scheduler (SandboxScheduler) is started and
stopped by the dispatcher, as the bot's own is under `python -m bot`.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlmodel import col, select

from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.i18n import _, use_locale
from bot.sandbox.clock import ClockError, SandboxClock, next_digest, next_prompt, next_reminder
from bot.sandbox.errors import SandboxError
from bot.sandbox.seed import ADMIN_ID, NEWCOMER_UNIT, SeedReport, seed, simulate_colleagues
from bot.sandbox.web import add_routes
from bot.services.invites import InviteService, deep_link
from emulator import TelegramEmulator
from emulator.zalo import ZaloEmulator, ZaloMessage, ZaloUser
from scheduler.jobs import JobContext, JobResult, run_due_jobs
from scheduler.outbox import OutboxSender
from storage.models import Role, Unit, User
from storage.repositories import UnitRepo, UserRepo

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

TOKEN = "4242424242:sandbox-local-token-not-for-telegram"
# The fake Zalo server's token: ZALO_BOT_TOKEN in .env is never used by the sandbox.
ZALO_TOKEN = "4242424242:sandbox-local-token-not-for-zalo"
BOT_USERNAME = "vanhoa_sandbox_bot"
BOT_NAME = "Văn hóa công sở"
NEWCOMER_IDS = 890001
# As many Vietnamese write their name in Telegram: all of it, family name first.
NEWCOMER_NAMES = (
    "Nguyễn Văn Minh",
    "Trần Thị An",
    "Lê Đăng Khoa",
    "Phạm Phương Thảo",
    "Hoàng Tiến Dũng",
    "Vũ Thùy Linh",
    "Đỗ Nhật Quang",
    "Bùi Thị Nga",
)
TARGETS = ("checkin", "digest", "deadline")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Where a fresh sandbox's clock starts unless --at says otherwise: Friday 14:00 of the
# current week, when there is something to see (this week's check-ins under way, the
# default Friday 15:00 prompt an hour ahead, the Monday digest one jump away), not the
# real time, which may be 4 a.m. on a Wednesday.
DEMO_WEEKDAY, DEMO_AT = 4, clock_time(14, 0)
REAL_TIME = "now"  # --at now: the real time
Origin = Literal["demo", "at", "now", "kept"]


def demo_moment(now: datetime, zone: ZoneInfo) -> datetime:
    """Friday 14:00 of the week (Monday to Sunday, in ``zone``) that ``now`` falls in."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday + timedelta(days=DEMO_WEEKDAY), DEMO_AT, zone)


@dataclass
class JumpResult:
    target: str
    now: datetime
    jobs: list[JobResult] = field(default_factory=list)
    sent: int = 0


def state_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".clock.json")


class SandboxScheduler:
    """The sandbox's Scheduling (scheduler/runner.py): one process, so no leader lock and no
    APScheduler. Every second it sends what waits in the outbox; every tick_seconds it runs
    the jobs due as of the sandbox clock (and Sandbox.jump runs them at each jump)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.sender: OutboxSender | None = None
        self.zalo: Any = None  # build_runtime sets Zalo's side of the outbox (bot.app.ZaloSending)
        self._task: asyncio.Task[None] | None = None

    async def start(self, bot: Bot | None) -> None:
        ctx = self.sandbox.ctx
        assert ctx is not None and bot is not None, "the sandbox always has its Telegram side"
        self.sender = OutboxSender(
            bot, ctx.sessionmaker, ctx.clock, rate=ctx.settings.send_rate, idle_poll=0.5, zalo=self.zalo
        )
        self._task = asyncio.create_task(self._tick(), name="sandbox-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)

    async def _tick(self) -> None:
        sandbox, sender, ctx = self.sandbox, self.sender, self.sandbox.ctx
        assert sender is not None and ctx is not None
        last_jobs = 0.0
        while True:
            try:
                async with sandbox.lock:
                    if time.monotonic() - last_jobs >= sandbox.tick_seconds:
                        now = sandbox.clock.now()
                        await sandbox.colleagues(now)
                        await run_due_jobs(ctx, now)
                        last_jobs = time.monotonic()
                    while await sender.send_batch():
                        pass
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the next tick tries again
                log.exception("sandbox scheduler tick failed")
            await asyncio.sleep(1.0)


class Sandbox:
    def __init__(
        self,
        base: Settings,
        *,
        db_path: Path,
        host: str = "127.0.0.1",
        port: int = 8080,
        reset: bool = False,
        start_at: datetime | Literal["now"] | None = None,
        tick_seconds: float = 20.0,
    ) -> None:
        self.base = base
        self.db_path = db_path.resolve()
        self.host = host
        self.port = port
        self.reset = reset
        self.start_at = start_at
        self.origin: Origin = "kept"  # how the clock was set at start (the banner says so)
        self.tick_seconds = tick_seconds
        self.clock = SandboxClock(state_file=state_file(self.db_path))
        self.emulator: TelegramEmulator | None = None
        self.zalo: ZaloEmulator | None = None  # the fake Zalo server, for the people on Zalo
        self.zalo_people: dict[str, ZaloUser] = {}
        self.rt: Runtime | None = None
        self.ctx: JobContext | None = None
        self.scheduler = SandboxScheduler(self)
        self.seeded: SeedReport | None = None
        self.lock = asyncio.Lock()  # jobs and sending: one at a time
        self._tasks: list[asyncio.Task[Any]] = []
        self._newcomer_count = 0
        self._simulated_until: datetime | None = None
        self.ready = False  # the page's API answers 503 until the bot is polling

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.emulator is not None
        return self.emulator.url

    @property
    def settings(self) -> Settings:
        assert self.rt is not None
        return self.rt.settings

    @property
    def sender(self) -> OutboxSender | None:
        """The outbox sender, from the dispatcher's startup on."""
        return self.scheduler.sender

    def _prepare_files(self) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        if self.reset:
            for path in (
                self.db_path,
                self.db_path.with_name(self.db_path.name + "-wal"),
                self.db_path.with_name(self.db_path.name + "-shm"),
                state_file(self.db_path),
            ):
                path.unlink(missing_ok=True)
        fresh = not self.db_path.exists()
        self.clock = SandboxClock.load(state_file(self.db_path))
        if self.start_at is None:
            # A fresh sandbox starts at a demo moment; a restart goes on from its own time.
            self.origin = "demo" if fresh else "kept"
            if fresh:
                self.clock.start_at(demo_moment(datetime.now(UTC), self.base.zone))
            return
        real = self.start_at == REAL_TIME
        at = datetime.now(UTC) if real else self.start_at
        assert isinstance(at, datetime)
        self.origin = "now" if real else "at"
        if fresh:
            self.clock.start_at(at)
            return
        try:
            self.clock.jump_to(at)
        except ClockError:
            raise SandboxError(
                _("The sandbox is already past {at}: add --reset to start again from that time.").format(
                    at=REAL_TIME if real else at.isoformat(timespec="minutes")
                )
            ) from None

    async def start(self) -> Sandbox:
        self._prepare_files()
        self.emulator = TelegramEmulator(
            TOKEN,
            bot_username=BOT_USERNAME,
            bot_first_name=BOT_NAME,
            host=self.host,
            port=self.port,
            update_timeout=60.0,
            clock=self.clock.timestamp,
        )
        add_routes(self.emulator.app, self)
        self.zalo = ZaloEmulator(ZALO_TOKEN, bot_name=BOT_NAME, update_timeout=10.0, clock=self.clock.timestamp)
        try:
            await self.zalo.start()
            await self.emulator.start()
        except OSError as exc:
            await self.emulator.stop()
            if exc.errno == errno.EADDRINUSE:
                raise SandboxError(
                    _("Port {port} on {host} is in use: choose another with --port.").format(
                        port=self.port, host=self.host
                    )
                ) from None
            raise SandboxError(f"{self.host}:{self.port}: {exc.strerror or exc}") from None
        try:
            await self._start_bot()
        except BaseException:
            await self.stop()
            raise
        return self

    async def _start_bot(self) -> None:
        assert self.emulator is not None and self.zalo is not None
        settings = self.base.model_copy(
            update={
                "bot_token": SecretStr(TOKEN),
                "telegram_api_url": self.emulator.url,
                "database_url": f"sqlite+aiosqlite:///{self.db_path}",
                "redis_url": None,
                "webhook_url": None,
                "webhook_secret": None,
                "admin_ids": [ADMIN_ID],
                "bot_username": BOT_USERNAME,
                # Zalo's side talks to the fake Zalo server; pictures and files it sends are
                # links to this very server (the page shows them).
                "zalo_bot_token": SecretStr(ZALO_TOKEN),
                "zalo_api_url": self.zalo.url,
                "zalo_webhook_url": None,
                "zalo_webhook_secret": None,
                "public_url": self.emulator.url,
            }
        )
        # The dispatcher starts and stops the sandbox's scheduler, as it does the bot's own.
        self.rt = rt = await build_runtime(settings, clock=self.clock, scheduler=self.scheduler)
        assert rt.bot is not None and rt.dp is not None
        self.ctx = JobContext(rt.sessionmaker, self.clock, rt.campaign, settings)
        self.seeded = await seed(rt.sessionmaker, self.clock, rt.campaign, settings)
        self._simulated_until = self.clock.now()
        await self._register_people()
        assert rt.zalo is not None
        rt.zalo.poll_wait = 10
        rt.zalo.start_polling()
        polled = asyncio.Event()
        rt.dp.startup.register(lambda: polled.set())
        self._tasks.append(
            asyncio.create_task(
                rt.dp.start_polling(
                    rt.bot,
                    handle_as_tasks=False,
                    handle_signals=False,
                    close_bot_session=False,
                    polling_timeout=10,
                    allowed_updates=rt.dp.resolve_used_update_types(),
                ),
                name="sandbox-polling",
            )
        )
        await asyncio.wait_for(polled.wait(), 30)
        self.ready = True

    async def _register_people(self) -> None:
        """The emulators keep no state between runs: everyone in the database who has a
        Telegram id becomes an emulated person who has already opened the bot, everyone who
        has a Zalo id a person in the fake Zalo."""
        assert self.rt is not None and self.emulator is not None and self.zalo is not None
        async with self.rt.sessionmaker() as session:
            res = await session.exec(select(User).where(col(User.telegram_id).is_not(None)))
            for user in res.all():
                assert user.telegram_id is not None
                self.emulator.user(
                    user.telegram_id,
                    user.full_name or _("Newcomer"),
                    language_code=user.locale,
                    started=True,
                )
            res = await session.exec(select(User).where(col(User.zalo_id).is_not(None)))
            for user in res.all():
                assert user.zalo_id is not None
                self.zalo_people[user.zalo_id] = self.zalo.user(user.zalo_id, user.full_name or _("Newcomer"))

    async def stop(self) -> None:
        self.ready = False
        rt, self.rt = self.rt, None
        if rt is not None and rt.dp is not None:
            with contextlib.suppress(RuntimeError):
                await rt.dp.stop_polling()
        for task in reversed(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        self._tasks.clear()
        if rt is not None:
            await rt.close()
        if self.emulator is not None:
            await self.emulator.stop()
        if self.zalo is not None:
            await self.zalo.stop()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- the scheduler, sandbox style (SandboxScheduler) ------------------------------------

    async def colleagues(self, now: datetime) -> None:
        """The demo people nobody acts as do their check-ins when their time comes."""
        assert self.rt is not None and self.emulator is not None
        since, self._simulated_until = self._simulated_until or now, now
        acted = {q.user_id for q in self.emulator.callback_queries.values()}
        acted |= {p.id for p in self.emulator.users if self.emulator.messages(p.id, from_bot=False)}
        done = await simulate_colleagues(self.rt.sessionmaker, self.rt.campaign, since, now, skip=acted)
        if done:
            log.info("sandbox: %s demo colleague(s) did their check-in", done)

    async def target_times(self, user_id: int | None = None, zalo_id: str | None = None) -> dict[str, Any]:
        """When each clock jump would land, for the person the page shows (on Telegram or Zalo)."""
        assert self.rt is not None
        now = self.clock.now()
        zone = self.settings.zone
        async with self.rt.sessionmaker() as session:
            repo = UserRepo(session)
            user = (
                await repo.by_telegram_id(user_id) if user_id else await repo.by_zalo_id(zalo_id) if zalo_id else None
            )
            prompt = await next_prompt(session, now, user)
            reminder = await next_reminder(session, self.clock, self.rt.campaign, now, zone)
        return {
            "checkin": prompt,
            "digest": next_digest(now, zone),
            "deadline": reminder[0] if reminder else None,
            "deadline_title": {"vi": reminder[1].title_vi, "en": reminder[1].title_en} if reminder else None,
        }

    async def jump(self, target: str, user_id: int | None = None, zalo_id: str | None = None) -> JumpResult:
        """Move the sandbox clock to the next `target`, run the jobs due then, deliver."""
        if target not in TARGETS:
            raise SandboxError(_("Unknown clock jump: {target}.").format(target=target))
        sender = self.sender
        assert self.ctx is not None and sender is not None
        async with self.lock:
            at = (await self.target_times(user_id, zalo_id)).get(target)
            if at is None:
                raise SandboxError(_("Nothing of that kind is scheduled ahead."))
            self.clock.jump_to(at)
            now = self.clock.now()
            log.info("sandbox clock jumped to %s (%s)", now.astimezone(self.settings.zone).isoformat(), target)
            sent_before = sender.sent
            await self.colleagues(now)
            jobs = await run_due_jobs(self.ctx, now)
            try:
                await sender.drain(timeout=120)
            except TimeoutError:
                log.warning("sandbox: the outbox did not drain after the jump; the ticker goes on sending")
        return JumpResult(target, now, jobs, sender.sent - sent_before)

    # -- people -----------------------------------------------------------------------------

    async def personas(self) -> list[dict[str, Any]]:
        """Everyone the page can act as: the database's people, then newcomers still at the door."""
        assert self.rt is not None and self.emulator is not None
        out: list[dict[str, Any]] = []
        known: set[int] = set()
        async with self.rt.sessionmaker() as session:
            units = {u.id: u for u in (await session.exec(select(Unit))).all()}
            res = await session.exec(select(User).where(col(User.telegram_id).is_not(None)).order_by(col(User.id)))
            for user in res.all():
                assert user.telegram_id is not None
                known.add(user.telegram_id)
                unit = units.get(user.unit_id) if user.unit_id else None
                out.append(
                    {
                        "id": user.telegram_id,
                        "name": user.full_name or self._emulated_name(user.telegram_id),
                        "role": Role(user.role).value if user.onboarded_at else "newcomer",
                        "position": user.position,
                        "unit": unit.name if unit else None,
                        "onboarded": user.onboarded_at is not None,
                        "active": user.active,
                        "locale": user.locale,
                        "channel": "telegram",
                    }
                )
            res = await session.exec(select(User).where(col(User.zalo_id).is_not(None)).order_by(col(User.id)))
            for user in res.all():
                unit = units.get(user.unit_id) if user.unit_id else None
                out.append(
                    {
                        "id": user.zalo_id,
                        "name": user.full_name or str(user.zalo_id),
                        "role": Role(user.role).value if user.onboarded_at else "newcomer",
                        "position": user.position,
                        "unit": unit.name if unit else None,
                        "onboarded": user.onboarded_at is not None,
                        "active": user.active,
                        "locale": user.locale,
                        "channel": "zalo",
                    }
                )
        for person in self.emulator.users:
            if person.id not in known:
                out.append(
                    {
                        "id": person.id,
                        "name": person.full_name,
                        "role": "newcomer",
                        "position": "",
                        "unit": None,
                        "onboarded": False,
                        "active": True,
                        "locale": person.language_code or "vi",
                        "channel": "telegram",
                    }
                )
        return out

    def _emulated_name(self, telegram_id: int) -> str:
        assert self.emulator is not None
        for person in self.emulator.users:
            if person.id == telegram_id:
                return person.full_name
        return str(telegram_id)

    async def newcomer(self, language: str = "vi", token: str | None = None) -> dict[str, Any]:
        """A fresh emulated person and the invitation link they were sent.

        Without ``token``: a one-use employee invitation to NEWCOMER_UNIT (or the first
        unit there is). With one (a link the admin made in the bot): that invitation.
        """
        assert self.rt is not None and self.emulator is not None
        lang = "en" if language == "en" else "vi"
        async with self.rt.sessionmaker() as session:
            if token:
                invitation = await InviteService(session, self.clock).check(token)
            else:
                unit = await UnitRepo(session).by_code(NEWCOMER_UNIT)
                if unit is None:
                    unit = (await session.exec(select(Unit).order_by(col(Unit.id)))).first()
                if unit is None:
                    raise SandboxError(_("There is no unit to invite a newcomer to."))
                invitation = await InviteService(session, self.clock).create(unit.code, "employee", max_uses=1)
            unit_row = await session.get(Unit, invitation.unit_id) if invitation.unit_id else None
            taken = set((await session.exec(select(User.telegram_id))).all())
        taken |= {person.id for person in self.emulator.users}
        new_id = max([NEWCOMER_IDS - 1, *(t for t in taken if t and t >= NEWCOMER_IDS)]) + 1
        name = NEWCOMER_NAMES[self._newcomer_count % len(NEWCOMER_NAMES)]
        self._newcomer_count += 1
        person = self.emulator.user(new_id, name, language_code=lang)
        return {
            "user": person.info,
            "name": person.full_name,
            "token": invitation.token,
            "link": deep_link(BOT_USERNAME, invitation.token),
            "role": Role(invitation.role).value,
            "unit": unit_row.name if unit_row else None,
        }

    async def set_language(self, telegram_id: int, language: str) -> dict[str, Any]:
        """The page's VI / EN switch, for the person shown: their bot language changes as
        /settings changes it (ProfileService.set_locale), the bot confirms in the chat, and
        their command menu follows. Their emulated Telegram app switches language too, which
        is all there is for a newcomer the bot does not know yet (nothing is stored before
        consent)."""
        from aiogram.exceptions import TelegramAPIError

        from bot.services.profile import ProfileService
        from bot.views.settings import LANGUAGE_NAMES
        from handlers.admin import refresh_menu

        assert self.rt is not None and self.emulator is not None and self.rt.bot is not None
        lang = "en" if language == "en" else "vi"
        person = next((p for p in self.emulator.users if p.id == telegram_id), None)
        if person is None:
            raise SandboxError(_("There is no such person in the sandbox."))
        person.language_code = lang
        async with self.rt.sessionmaker() as session:
            user = await UserRepo(session).by_telegram_id(telegram_id)
            if user is None:
                return {"locale": lang, "registered": False, "changed": False}
            changed = user.locale != lang
            if changed:
                await ProfileService(session).set_locale(user, lang)
                await refresh_menu(self.rt.bot, user)
                with use_locale(user.locale):
                    text = _("Language changed to {language}. /settings changes it again.").format(
                        language=LANGUAGE_NAMES[user.locale]
                    )
                with contextlib.suppress(TelegramAPIError):
                    await self.rt.bot.send_message(telegram_id, text)
        log.info("sandbox: %s now uses the bot in %s", telegram_id, lang)
        return {"locale": lang, "registered": True, "changed": changed}

    # -- people on Zalo -----------------------------------------------------------------------

    def zalo_messages(self, zalo_id: str, after: int = 0) -> list[dict[str, Any]]:
        """The Zalo chat of one person, from the message after ``after`` (its seq) on."""
        assert self.zalo is not None
        return [zalo_message(m) for m in self.zalo.messages(zalo_id) if m.seq > after]

    async def zalo_send(self, zalo_id: str, text: str) -> dict[str, Any]:
        """What the person typed on the page, as Zalo's text event to the bot."""
        assert self.zalo is not None
        person = self.zalo_people.get(zalo_id)
        if person is None:
            raise SandboxError(_("There is no such person in the sandbox."))
        text = text.strip()
        if not text:
            raise SandboxError(_("Type a message first."))
        message = await person.send(text[:2000], wait=False)
        return zalo_message(message)

    def commands(self, telegram_id: int) -> list[dict[str, str]]:
        """The command menu Telegram would show this person."""
        assert self.emulator is not None
        for person in self.emulator.users:
            if person.id == telegram_id:
                return [{"command": c, "description": d} for c, d in person.commands]
        return []


def zalo_message(message: ZaloMessage) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "from_bot": message.from_bot,
        "kind": message.kind,
        "text": message.text,
        "photo_url": message.photo_url,
        "caption": message.caption,
        "date_ms": message.date_ms,
    }


def time_line(sandbox: Sandbox) -> str:
    """Which moment the sandbox's clock shows, and why (in the current locale)."""
    from babel.dates import format_datetime

    from bot.i18n import current_locale

    locale = current_locale()
    when = format_datetime(
        sandbox.clock.now().astimezone(sandbox.base.zone),
        "EEEE dd/MM/yyyy HH:mm",
        locale="vi_VN" if locale == "vi" else "en_GB",
    )
    if sandbox.origin == "demo":
        text = _(
            "Sandbox time: {when}, a demo moment (Friday 14:00 of this week), not the real time; "
            "--at sets another start, --at now the real time."
        )
    elif sandbox.origin == "now":
        text = _("Sandbox time: {when}, the real time (--at now).")
    elif sandbox.origin == "at":
        text = _("Sandbox time: {when} (--at).")
    else:
        text = _("Sandbox time: {when}, where the last run left it; --reset starts afresh.")
    return text.format(when=when)


def banner(sandbox: Sandbox) -> str:
    with use_locale(sandbox.settings.default_locale):
        return (
            _(
                "Local sandbox, not connected to Telegram: open {url} in a browser and chat with the bot "
                "as any role (demo data in {db}). To go live, put BOT_TOKEN=<token from @BotFather> in .env "
                "and run `make run` again. Ctrl+C stops the sandbox."
            ).format(url=sandbox.url, db=sandbox.db_path)
            + "\n"
            + time_line(sandbox)
        )


async def run_sandbox(
    base: Settings,
    *,
    host: str,
    port: int,
    db_path: Path,
    reset: bool,
    start_at: datetime | Literal["now"] | None = None,
) -> int:
    """The CLI entry: start, print the banner, serve until Ctrl+C or SIGTERM."""
    if logging.getLogger().level > logging.DEBUG:
        # The banner and the sandbox's own lines matter here, not every update and audit entry.
        for noisy in ("aiogram", "alembic", "audit", "aiohttp.access", "bot.services", "handlers"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    sandbox = Sandbox(base, db_path=db_path, host=host, port=port, reset=reset, start_at=start_at)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # not on Windows
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    await sandbox.start()
    try:
        print(banner(sandbox), flush=True)
        if host not in LOOPBACK:
            with use_locale(sandbox.settings.default_locale):
                print(
                    _(
                        "Warning: {host} can be reached from other machines, "
                        "and whoever opens the page can act as anyone in the sandbox."
                    ).format(host=host),
                    file=sys.stderr,
                    flush=True,
                )
        await stop.wait()
    finally:
        await sandbox.stop()
    return 0

"""The Dispatcher factory and the bot's runtime, reused by main, tests and the sandbox.

No module-level bot, dispatcher, session or settings: everything is built here and
long-lived clients travel in `dp.workflow_data`, closed by the shutdown hook.

One lifecycle for every entry point (`python -m bot`, each webhook worker, the sandbox):
the dispatcher's startup sets the command menus and then starts the scheduler (the jobs
and the outbox sender, under the leader lock); its shutdown stops it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from aiogram.types import User as BotUser
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.campaign.loader import load_campaign
from bot.campaign.schema import Campaign
from bot.channels.telegram.menus import command_menu
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.files import FileLinks, link_key
from bot.channels.zalo.runner import Feed, ZaloChannel
from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.fsm_storage import SqlStorage
from bot.retry import RetryAfter
from bot.services.access import Action
from bot.services.audit import person_ref
from bot.services.onboarding import InviteAttempts
from handlers import (
    admin,
    announce,
    checkin,
    common,
    deadlines,
    errors,
    history,
    leader,
    membership,
    nominate,
    onboarding,
    privacy,
    report,
    review,
    sector,
    self_assessment,
    share,
    submission,
)
from handlers import settings as settings_handlers
from handlers.middlewares import CallbackErrors, DbSessionMiddleware, Inject, RoleGate, UpdateOnce, UserMiddleware
from storage.checkins import SQL_CHECKINS, CheckinStores
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.direct import SqliteDirect, SqliteUsers
from storage.models import Role
from storage.repositories import SessionUsers, UserLookup, UserRepo
from storage.updates import OwnTransaction, SqlLedger, UpdateLedger

if TYPE_CHECKING:
    from scheduler.runner import Scheduling

log = logging.getLogger(__name__)


def gated(router: Router, action: Action, *, onboarded: bool = True) -> Router:
    """Every handler of this router checks the role (SPEC §2); onboarded=False lets in
    those who consented but have not finished setting up."""
    router.message.middleware(RoleGate(action, onboarded=onboarded))
    router.callback_query.middleware(RoleGate(action, onboarded=onboarded))
    return router


def build_routers() -> list[Router]:
    """All routers, in order; the catch-all comes last. The check-in's buttons come first and
    at the top: a tap passes through no other router (bench/RESULTS.md, P1)."""
    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.edited_message.filter(F.chat.type == ChatType.PRIVATE)
    private.include_routers(
        common.make_router(),  # /cancel works everywhere, before any step's own handlers
        gated(checkin.make_router(), Action.checkin),
        onboarding.make_router(),
        gated(common.make_member(), Action.use_bot),
        gated(settings_handlers.make_router(), Action.use_bot),
        gated(privacy.make_router(), Action.use_bot, onboarded=False),  # data rights start with consent
        gated(admin.make_router(), Action.manage_units),
        gated(admin.make_invites_router(), Action.manage_invites),
        gated(admin.make_roles_router(), Action.manage_roles),
        gated(admin.make_audit_router(), Action.view_audit),
        gated(sector.make_router(), Action.sector),
        gated(announce.make_router(), Action.announce),
        gated(nominate.make_admin_router(), Action.manage_nominations),
        gated(nominate.make_router(), Action.nominate),
        gated(nominate.make_dossier_router(), Action.dossier),
        gated(report.make_router(), Action.report),
        gated(report.make_admin_router(), Action.sector),
        gated(self_assessment.make_router(), Action.use_bot),  # leaders and their officers: the service checks
        gated(submission.make_router(), Action.use_bot),
        gated(submission.make_admin_router(), Action.manage_deadlines),
        gated(deadlines.make_admin_router(), Action.manage_deadlines),
        gated(deadlines.make_leader_router(), Action.deadline_done),
        gated(leader.make_router(), Action.view_unit),
        gated(share.make_router(), Action.share),
        gated(review.make_router(), Action.review),
        gated(history.make_router(), Action.checkin),
        gated(checkin.make_text_router(), Action.checkin),  # it passes on text not its own
        common.make_fallback(),
    )
    return [
        gated(checkin.make_buttons_router(), Action.checkin),
        errors.make_router(),
        membership.make_router(),
        private,
    ]


def create_dispatcher(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    campaign: Campaign,
    scheduler: Scheduling | None,
    storage: BaseStorage | None = None,
    isolation: BaseEventIsolation | None = None,
    direct: SqliteDirect | None = None,
    ledger: UpdateLedger | None = None,
) -> Dispatcher:
    """The dispatcher, its middlewares and routers. `scheduler` is started by the
    dispatcher's startup and stopped by its shutdown; None: no jobs and no sending beside
    it (tests that drive the jobs and the sender themselves, bench)."""
    i18n.set_default_locale(settings.default_locale)
    dp = Dispatcher(
        disable_fsm=True,  # its middleware is registered below, inside the update's session
        # SQLite means one process: the FSM copy in memory is safe there.
        storage=storage or SqlStorage(sessionmaker, clock, cache=settings.is_sqlite),
        # Two fast taps from one person are handled one after the other, never at once.
        events_isolation=isolation or SimpleEventIsolation(),
        settings=settings,
        sessionmaker=sessionmaker,
        clock=clock,
        campaign=campaign,
    )
    # The update's session first: the updates ledger (on PostgreSQL) and the conversation
    # state's read (bot/fsm_storage.py) share its transaction.
    dp.update.outer_middleware(DbSessionMiddleware())
    # Each update once, across workers: Redis when shared, else the database (storage/updates.py).
    dp.update.outer_middleware(UpdateOnce(ledger or SqlLedger(sessionmaker, clock, direct)))
    # Conversation state, and two fast taps from one person handled one after the other.
    dp.update.outer_middleware(dp.fsm)
    # The check-in's store and the person's lookup are chosen here, once: SQLite's direct path
    # on a SQLite file (storage/direct.py), else Core and ORM statements on the update's session.
    # On PostgreSQL, a tap's statements on the session's own asyncpg connection (storage/pg.py).
    users: UserLookup
    checkins: CheckinStores
    if direct is not None:
        users, checkins = SqliteUsers(direct), direct
    elif settings.is_sqlite:
        users, checkins = SessionUsers(), SQL_CHECKINS
    else:
        from storage.pg import PG_CHECKINS, PG_USERS

        users, checkins = PG_USERS, PG_CHECKINS
    dp.update.outer_middleware(UserMiddleware(users))
    dp.callback_query.middleware(CallbackAnswerMiddleware())  # every tap gets an answer
    dp.callback_query.middleware(CallbackErrors())
    # Services reach handlers one way: named as parameters, built per update (bot/services/provider.py).
    # The check-in's store, chosen once; the onboarding service's memory of wrong invitation
    # codes and unanswered notices: one per dispatcher.
    inject = Inject({"checkins": checkins, "invite_attempts": InviteAttempts()})
    for observer in (dp.message, dp.callback_query, dp.edited_message, dp.my_chat_member):
        observer.middleware(inject)
    dp.include_routers(*build_routers())
    dp.startup.register(set_commands)
    dp.startup.register(log_campaign_in_force)
    if scheduler is not None:
        # After the menus: a start that fails there schedules and sends nothing.
        dp.startup.register(scheduler.start)
        dp.shutdown.register(scheduler.stop)
    return dp


def create_bot(settings: Settings, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryAfter())  # a reply that meets a 429 waits retry_after and is sent
    return Bot(
        token=token or settings.token(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


REACH_BACKOFF_MAX = 60.0  # seconds between two tries to reach Telegram at start


async def reach_telegram(bot: Bot, settings: Settings, *, first_delay: float = 1.0) -> BotUser:
    """Ask Telegram who the bot is, until it answers: a rejected token stops the start with
    one line (ConfigError); an unreachable Telegram is one line per try, then a retry with
    back-off (1, 2, 4 … 60 s)."""
    from aiogram.exceptions import (
        TelegramNetworkError,
        TelegramNotFound,
        TelegramServerError,
        TelegramUnauthorizedError,
    )

    delay = first_delay
    while True:
        try:
            return await bot.me()
        except TelegramUnauthorizedError:
            raise ConfigError("Telegram rejected BOT_TOKEN: get a new one from @BotFather.") from None
        except TelegramNotFound:
            raise ConfigError(
                f"{settings.telegram_api_url} does not know this bot (404): check BOT_TOKEN, and "
                "TELEGRAM_API_URL if it is set."
            ) from None
        except (TelegramNetworkError, TelegramServerError, TimeoutError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning(
                "cannot reach Telegram at %s (%s); trying again in %g s. Behind a proxy or firewall? "
                "Set TELEGRAM_API_URL to a Bot API server this machine can reach.",
                settings.telegram_api_url,
                reason,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, REACH_BACKOFF_MAX)


async def log_campaign_in_force(campaign: Campaign, settings: Settings, clock: Clock) -> None:
    """At start, once Telegram has answered (a start that fails says only why): which
    campaign file is in force, its period, and whether it has ended (issue 12.6)."""
    from bot.campaign.in_force import log_in_force

    log_in_force(campaign, settings.campaign_file, clock.now().astimezone(settings.zone).date())


async def set_commands(bot: Bot, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Localized menus: the default scope per language, and each admin's own chat."""
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            lang = None if locale == settings.default_locale else locale
            await bot.set_my_commands(command_menu(None), scope=BotCommandScopeDefault(), language_code=lang)
    async with sessionmaker() as session:
        repo = UserRepo(session)
        for admin_id in settings.admin_ids:
            user = await repo.by_telegram_id(admin_id)
            with i18n.use_locale(user.locale if user else settings.default_locale):
                try:
                    await bot.set_my_commands(command_menu(Role.admin), scope=BotCommandScopeChat(chat_id=admin_id))
                except Exception as exc:  # noqa: BLE001 - an admin who never opened the bot
                    log.info("admin %s has no chat with the bot yet: %s", person_ref(admin_id), exc)
        # Comms staff's menu has /review and /highlights; leaders' has /unit, /nominate, /report.
        for person in [*await repo.with_role(Role.comms), *await repo.with_role(Role.leader)]:
            if person.telegram_id is None or not person.active:
                continue
            with i18n.use_locale(person.locale):
                try:
                    await bot.set_my_commands(
                        command_menu(Role(person.role)), scope=BotCommandScopeChat(chat_id=person.telegram_id)
                    )
                except Exception as exc:  # noqa: BLE001 - blocked, or never opened the bot
                    log.info("%s %s: no menu set: %s", person.role, person_ref(person.telegram_id), exc)


@runtime_checkable
class ZaloSending(Protocol):
    """A scheduler that also sends Zalo's rows of the outbox (scheduler.runner.Scheduler)."""

    zalo: Any


@dataclass
class Runtime:
    """What a running bot holds; closed in one place."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    campaign: Campaign
    clock: Clock
    bot: Bot | None = None
    dp: Dispatcher | None = None
    direct: SqliteDirect | None = None
    scheduler: Scheduling | None = None
    fsm_engine: AsyncEngine | None = None  # conversation state's own pool (PostgreSQL without Redis)
    # Zalo, when ZALO_BOT_TOKEN is set (issue 16): its client, and its events' way in.
    zalo_client: ZaloClient | None = None
    zalo: ZaloChannel | None = None
    zalo_files: FileLinks | None = None  # PUBLIC_URL set: pictures and files as signed links
    redis: Any = None  # the Redis client of a Zalo-only bot's ledger (else aiogram's storage holds it)

    async def close(self) -> None:
        if self.scheduler is not None:
            # Stopped by the dispatcher's shutdown already, unless its startup failed midway.
            await self.scheduler.stop()
        if self.zalo is not None:
            await self.zalo.stop()
        if self.zalo_client is not None:
            await self.zalo_client.close()
        if self.redis is not None:
            await self.redis.aclose()
        if self.bot is not None:
            await self.bot.session.close()
        if self.dp is not None:
            await self.dp.storage.close()
        if self.direct is not None:
            await self.direct.close()
        if self.fsm_engine is not None:
            await self.fsm_engine.dispose()
        await self.engine.dispose()


async def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    token: str | None = None,
    scheduler: Scheduling | bool = True,
    zalo_feed: Feed | None = None,
    zalo_concurrent: bool = True,
) -> Runtime:
    """Load the campaign, migrate the database and build bot and dispatcher.

    `scheduler`: True (the entry points) for the bot's scheduler, which runs the jobs and
    sends the outbox while this process holds the leader lock (scheduler/runner.py); False
    for none (tests that run jobs and the sender themselves, bench); or another
    `Scheduling` (the sandbox's, on its own clock). Either way the dispatcher's startup
    starts it and its shutdown stops it.

    With ZALO_BOT_TOKEN, Zalo is served too (`rt.zalo`: its events go to `zalo_feed`, by
    default the Zalo conversations; its rows of the outbox are sent by the same scheduler);
    without BOT_TOKEN (and no `token`), Zalo alone: `rt.bot` and `rt.dp` stay None.

    Raises CampaignError, DatabaseUnavailable or ConfigError with one-line messages.
    """
    zalo_token = settings.zalo_token() if settings.has_zalo else None  # a malformed one stops here
    telegram = token is not None or settings.has_telegram or zalo_token is None
    campaign = load_campaign(
        settings.campaign_file, ministry=settings.ministry_name, standing_agency=settings.standing_agency
    )
    clock = clock or Clock()
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    except Exception:
        await engine.dispose()
        raise
    sessionmaker = make_sessionmaker(engine)
    rt = Runtime(settings, engine, sessionmaker, campaign, clock, direct=SqliteDirect.for_url(settings.database_url))
    if telegram:
        rt.bot = create_bot(settings, token)
    storage: BaseStorage | None = None
    isolation: BaseEventIsolation | None = None
    ledger: UpdateLedger | None = None
    zalo_ledger: OwnTransaction | None = None  # a Zalo event is recorded in a transaction of its own
    if settings.redis_url:
        # Several processes share conversation state, per-user locks and the updates
        # already handled through Redis.
        from storage.updates import RedisLedger

        if rt.bot is not None:
            from aiogram.fsm.storage.redis import RedisStorage

            redis_storage = RedisStorage.from_url(settings.redis_url)
            storage, isolation = redis_storage, redis_storage.create_isolation()
            ledger = RedisLedger(redis_storage.redis, rt.bot.id)
            redis = redis_storage.redis
        else:
            from redis.asyncio import Redis

            redis = rt.redis = Redis.from_url(settings.redis_url)
        if zalo_token is not None:
            zalo_ledger = RedisLedger(redis, f"zalo{zalo_token.split(':', 1)[0]}")
    elif not settings.is_sqlite:
        # An update's session holds a pooled connection while the update's conversation
        # state is read and written. From the same pool, twenty updates in flight would each
        # wait for a second connection that none gives back (a 30 s stall, then "QueuePool
        # limit reached"): the state has a pool of its own, whose connections wait for nothing.
        rt.fsm_engine = make_engine(settings.database_url)
        # The state's read and the record of each update: statements of the update's own
        # transaction, on its asyncpg connection (storage/pg.py).
        from storage.pg import PgSessionLedger, fsm_state

        storage = SqlStorage(make_sessionmaker(rt.fsm_engine), clock, read=fsm_state)

        ledger = PgSessionLedger(sessionmaker, clock)
    if zalo_token is not None:
        rt.zalo_client = ZaloClient(zalo_token, settings.zalo_api_url)
        if settings.public_base:
            rt.zalo_files = FileLinks(sessionmaker, clock, settings.public_base, link_key(zalo_token))
        publish = rt.zalo_files.publish if rt.zalo_files is not None else None
        if zalo_feed is None:
            from bot.channels.zalo.conversation import ZaloConversations

            zalo_feed = ZaloConversations(rt.zalo_client, sessionmaker, clock, campaign, settings, publish=publish).feed
        rt.zalo = ZaloChannel(
            rt.zalo_client,
            zalo_feed,
            zalo_ledger or SqlLedger(sessionmaker, clock, rt.direct),
            concurrent=zalo_concurrent,
        )
    if scheduler is True:
        from scheduler.jobs import JobContext
        from scheduler.runner import Scheduler

        rt.scheduler = Scheduler(JobContext(sessionmaker, clock, campaign, settings), engine)
    elif scheduler is not False:
        rt.scheduler = scheduler
    if rt.zalo_client is not None and isinstance(rt.scheduler, ZaloSending):
        from scheduler.outbox import ZaloOutbox

        rt.scheduler.zalo = ZaloOutbox(
            rt.zalo_client,
            rate=settings.zalo_send_rate,
            publish=rt.zalo_files.publish if rt.zalo_files is not None else None,
        )
    if rt.bot is None:
        return rt
    rt.dp = create_dispatcher(
        settings,
        sessionmaker=sessionmaker,
        clock=clock,
        campaign=campaign,
        scheduler=rt.scheduler,
        storage=storage,
        isolation=isolation,
        direct=rt.direct,
        ledger=ledger,
    )
    return rt

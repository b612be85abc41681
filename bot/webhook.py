"""Webhook mode: aiohttp serves the updates Telegram posts, checking the secret token.

`python -m bot webhook --workers N` runs N processes on one port (SO_REUSEPORT, so the
kernel spreads Telegram's connections over them). They share PostgreSQL and Redis
(conversation state and per-user locks), and exactly one of them schedules and sends
(scheduler.runner.LeaderLock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from typing import Any
from urllib.parse import urlparse

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError

from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)


class UpdateHandler(SimpleRequestHandler):
    """aiogram's handler, but a body that is no update (not JSON, not an object, fields of
    the wrong type) is answered 400 with one log line, before anything is handled: aiogram
    would answer 500 and log a traceback."""

    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        if not self.verify_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), bot):
            return web.Response(body="Unauthorized", status=401)
        try:
            update = await self._parse(bot, request)
        except ValueError as exc:
            log.warning("webhook: refused a request from %s that is not an update: %s", request.remote, exc)
            return web.Response(text=f"Bad Request: {exc}", status=400)
        if self.handle_in_background:
            task = asyncio.create_task(self._feed(bot, update))
            self._background_feed_update_tasks.add(task)
            task.add_done_callback(self._background_feed_update_tasks.discard)
            return web.json_response({}, dumps=bot.session.json_dumps)
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(bot, update, **self.data)
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    __call__ = handle

    @staticmethod
    async def _parse(bot: Bot, request: web.Request) -> Update:
        try:
            body: Any = await request.json(loads=bot.session.json_loads)
        except ValueError:
            raise ValueError("the body is not JSON") from None
        if not isinstance(body, dict):
            raise ValueError(f"a JSON object was expected, not {type(body).__name__}")
        try:
            return Update.model_validate(body, context={"bot": bot})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "update"
            raise ValueError(f"{exc.error_count()} invalid field(s), first {where}: {first['msg']}") from None

    async def _feed(self, bot: Bot, update: Update) -> None:
        from aiogram.methods import TelegramMethod

        try:
            result = await self.dispatcher.feed_update(bot, update, **self.data)
        except Exception:  # noqa: BLE001 - the errors router has replied; nobody awaits this task
            log.exception("update %s failed", update.update_id)
            return
        if isinstance(result, TelegramMethod):
            await self.dispatcher.silent_call_request(bot=bot, result=result)


def check(settings: Settings, workers: int) -> tuple[str, str]:
    """The webhook URL and secret, or a ConfigError saying what is missing (a bot on Zalo
    alone: Zalo's, see `check_zalo`)."""
    if settings.has_zalo and not settings.has_telegram:
        hook = check_zalo(settings, workers)
        if hook is None:
            raise ConfigError(
                "ZALO_WEBHOOK_URL is not set: the public HTTPS address Zalo posts events to "
                "(or run `python -m bot` to poll Zalo)."
            )
        return hook
    settings.token()
    if not settings.webhook_url:
        raise ConfigError("WEBHOOK_URL is not set: the public HTTPS address Telegram posts updates to.")
    if not urlparse(settings.webhook_url).scheme.startswith("http"):
        raise ConfigError("WEBHOOK_URL must start with https:// (or http:// for a local test server).")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret) or len(secret) > 256:
        raise ConfigError(
            "WEBHOOK_SECRET must be set: 1-256 letters, digits, _ or - (Telegram sends it back in each request)."
        )
    if workers > 1 and (settings.is_sqlite or not settings.redis_url):
        raise ConfigError(
            "several webhook workers need DATABASE_URL on PostgreSQL and REDIS_URL (shared state and locks)."
        )
    return settings.webhook_url, secret


def check_zalo(settings: Settings, workers: int) -> tuple[str, str] | None:
    """Zalo's webhook URL and secret (None: Zalo is polled, or not served), or ConfigError."""
    if not settings.has_zalo:
        return None
    settings.zalo_token()
    hook = settings.zalo_webhook()
    if (
        hook is not None
        and settings.has_telegram
        and settings.webhook_url
        and (urlparse(hook[0]).path or "/") == (urlparse(settings.webhook_url).path or "/")
    ):
        raise ConfigError("ZALO_WEBHOOK_URL and WEBHOOK_URL need different paths (e.g. /zalo and /tg).")
    if workers > 1 and (settings.is_sqlite or not settings.redis_url):
        raise ConfigError(
            "several webhook workers need DATABASE_URL on PostgreSQL and REDIS_URL (shared state and locks)."
        )
    return hook


async def _serve_zalo(rt: Any, settings: Settings, hook: tuple[str, str] | None, *, main: bool) -> None:
    """Zalo's side of a worker: once Zalo answers, the main worker sets Zalo's webhook (or,
    without one, polls Zalo), then the scheduler starts (it may before Telegram answers)."""
    from bot.channels.zalo.runner import reach_zalo

    assert rt.zalo is not None and rt.zalo_client is not None
    await reach_zalo(rt.zalo_client, settings)
    if main and hook is not None:
        await rt.zalo_client.set_webhook(hook[0], hook[1])
        log.info("Zalo posts its events to %s", hook[0])
    if rt.scheduler is not None:
        await rt.scheduler.start(None)
    if main and hook is None:
        await rt.zalo.poll()


async def serve(settings: Settings, host: str, port: int, *, set_webhook: bool, wait: bool) -> None:
    """One worker: the bot's runtime and the web server; the dispatcher's startup starts the
    scheduler (which schedules and sends if this worker wins the lock), its shutdown stops it."""
    from bot.app import build_runtime, reach_telegram
    from bot.boot import freeze_startup_objects

    url, secret = check(settings, 1)
    zalo_hook = check_zalo(settings, 1)
    rt = await build_runtime(settings)
    freeze_startup_objects()
    app = web.Application()
    if rt.zalo_files is not None:
        rt.zalo_files.add_route(app)  # Zalo's pictures and files, by signed link (PUBLIC_URL)
    if rt.zalo is not None and zalo_hook is not None:
        app.router.add_post(urlparse(zalo_hook[0]).path or "/", rt.zalo.webhook_handler(zalo_hook[1], wait=wait))
    zalo_task = (
        asyncio.ensure_future(_serve_zalo(rt, settings, zalo_hook, main=set_webhook)) if rt.zalo is not None else None
    )
    if rt.bot is None or rt.dp is None:  # Zalo alone
        await _serve_zalo_alone(rt, app, host, port, zalo_task)
        return
    # wait=True: answer Telegram only once the update is handled (back-pressure, and exact tests).
    UpdateHandler(dispatcher=rt.dp, bot=rt.bot, secret_token=secret, handle_in_background=not wait).register(
        app, path=urlparse(url).path or "/"
    )
    # What aiogram's setup_application passes to the startup and shutdown hooks; they run
    # once Telegram has answered (below), not when the server starts listening.
    hook_data = {"app": app, "dispatcher": rt.dp, **rt.dp.workflow_data, "bot": rt.bot}
    started = False
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=True)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        # Until Telegram answers (one line per try), or until told to stop meanwhile (or
        # Zalo rejects its token).
        reach = asyncio.ensure_future(reach_telegram(rt.bot, settings))
        if not await _until(stop, zalo_task, reach):
            reach.cancel()
            return
        reach.result()  # a rejected token stops here (ConfigError)
        if set_webhook:
            await rt.bot.set_webhook(
                url, secret_token=secret, allowed_updates=rt.dp.resolve_used_update_types(), drop_pending_updates=False
            )
        started = True
        await rt.dp.emit_startup(**hook_data)  # the menus, then the scheduler (bot/app.py)
        log.info("worker %s serving webhooks on %s:%s", os.getpid(), host, port)
        await _until(stop, zalo_task)
    finally:
        try:
            if zalo_task is not None and not zalo_task.done():
                zalo_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await zalo_task
            if started:
                await rt.dp.emit_shutdown(**hook_data)
        finally:
            await runner.cleanup()
            await rt.close()


async def _until(
    stop: asyncio.Event, zalo: asyncio.Future[None] | None, goal: asyncio.Future[Any] | None = None
) -> bool:
    """Wait for `goal` (True), or for the signal to stop (False). Zalo's side ending with an
    error (a rejected token: ConfigError) raises it here; ending well (its webhook set) is
    nothing to wait for any more."""
    stopping: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
    waiting: set[asyncio.Future[Any]] = {stopping}
    if goal is not None:
        waiting.add(goal)
    if zalo is not None and not zalo.done():
        waiting.add(zalo)
    try:
        while True:
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if zalo is not None and zalo in done:
                waiting.discard(zalo)
                if not zalo.cancelled() and zalo.exception() is not None:
                    zalo.result()
            if goal is not None and goal in done:
                return True
            if stopping in done:
                return False
    finally:
        stopping.cancel()


async def _serve_zalo_alone(rt: Any, app: web.Application, host: str, port: int, zalo_task: Any) -> None:
    """A worker of a bot on Zalo alone: the web server (Zalo's webhook), Zalo's side and the
    scheduler it starts, until a signal."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_port=True).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        log.info("worker %s serving Zalo's webhook on %s:%s", os.getpid(), host, port)
        await _until(stop, zalo_task)
    finally:
        if not zalo_task.done():
            zalo_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await zalo_task
        await runner.cleanup()
        await rt.close()


def run(settings: Settings, host: str, port: int, workers: int, wait: bool) -> int:
    """Start `workers` processes; this one sets the webhook and serves too."""
    check(settings, workers)
    children: list = []
    if workers > 1:
        import subprocess

        args = [
            sys.executable,
            "-m",
            "bot",
            "webhook",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-set-webhook",
        ]
        if wait:
            args.append("--wait")
        children = [subprocess.Popen(args) for _ in range(workers - 1)]
    try:
        asyncio.run(serve(settings, host, port, set_webhook=True, wait=wait))
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(10)
            except Exception:  # noqa: BLE001 - then it is killed
                child.kill()
    return 0


def run_child(settings: Settings, host: str, port: int, wait: bool) -> int:
    asyncio.run(serve(settings, host, port, set_webhook=False, wait=wait))
    return 0

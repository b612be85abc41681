"""Webhook mode: aiohttp serves the updates Telegram posts, checking the secret token.

`python -m bot webhook --workers N` runs N processes on one port (SO_REUSEPORT, so the
kernel spreads Telegram's connections over them). They share PostgreSQL and Redis
(conversation state and per-user locks), and exactly one of them schedules and sends
(scheduler.runner.LeaderLock).
"""

from __future__ import annotations

import asyncio
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
    """The webhook URL and secret, or a ConfigError saying what is missing."""
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


async def serve(settings: Settings, host: str, port: int, *, set_webhook: bool, wait: bool) -> None:
    """One worker: the bot's runtime and the web server; the dispatcher's startup starts the
    scheduler (which schedules and sends if this worker wins the lock), its shutdown stops it."""
    from bot.app import build_runtime, reach_telegram
    from bot.boot import freeze_startup_objects

    url, secret = check(settings, 1)
    rt = await build_runtime(settings)
    assert rt.bot is not None and rt.dp is not None
    freeze_startup_objects()
    app = web.Application()
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
        # Until Telegram answers (one line per try), or until told to stop meanwhile.
        reach = asyncio.ensure_future(reach_telegram(rt.bot, settings))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({reach, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not reach.done():
            reach.cancel()
            return
        stopping.cancel()
        reach.result()  # a rejected token stops here (ConfigError)
        if set_webhook:
            await rt.bot.set_webhook(
                url, secret_token=secret, allowed_updates=rt.dp.resolve_used_update_types(), drop_pending_updates=False
            )
        started = True
        await rt.dp.emit_startup(**hook_data)  # the menus, then the scheduler (bot/app.py)
        log.info("worker %s serving webhooks on %s:%s", os.getpid(), host, port)
        await stop.wait()
    finally:
        try:
            if started:
                await rt.dp.emit_shutdown(**hook_data)
        finally:
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

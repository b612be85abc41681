"""Zalo beside Telegram in the bot's process: receiving events (long polling, or a webhook on
the bot's aiohttp server), each event once, handed to the conversations.

One entry point into the conversations: `feed(incoming)` (ZaloConversations.feed in
bot/channels/zalo/conversation.py). Before it, each event is recorded in the same ledger as
Telegram's updates (storage/updates.py: Redis, or processed_updates), under a negative number
drawn from its message id (`Incoming.ledger_id`) and its date: a webhook delivered again, or
an event handed over twice, is handled once. Only private chats are served (Zalo's groups are
not the bot's place); other events are logged and left.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.channels.zalo.client import (
    SECRET_HEADER,
    ZaloClient,
    ZaloError,
    ZaloNetworkError,
    ZaloServerError,
    ZaloUnauthorized,
    read_update,
)
from bot.channels.zalo.types import Incoming
from bot.config import ConfigError, Settings
from bot.services.audit import person_ref
from storage.updates import OwnTransaction

log = logging.getLogger(__name__)

Feed = Callable[[Incoming], Awaitable[Any]]
REACH_BACKOFF_MAX = 60.0  # seconds between two tries to reach Zalo
POLL_BACKOFF_MAX = 30.0


async def reach_zalo(client: ZaloClient, settings: Settings, *, first_delay: float = 1.0) -> dict[str, Any]:
    """Ask Zalo who the bot is, until it answers: a rejected token stops the start with one
    line (ConfigError); an unreachable Zalo is one line per try, then a retry with back-off."""
    delay = first_delay
    while True:
        try:
            return await client.get_me()
        except ZaloUnauthorized:
            raise ConfigError(
                f"Zalo rejected ZALO_BOT_TOKEN ({settings.zalo_api_url}): copy it again from the Zalo Bot "
                "Creator, and check ZALO_API_URL if it is set."
            ) from None
        except (ZaloNetworkError, ZaloServerError, TimeoutError) as exc:
            log.warning(
                "cannot reach Zalo at %s (%s); trying again in %g s. Behind a proxy or firewall? "
                "Set ZALO_API_URL to a Zalo Bot API address this machine can reach.",
                settings.zalo_api_url,
                str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, REACH_BACKOFF_MAX)


class ZaloChannel:
    """Receives Zalo's events and hands each, once, to `feed`.

    `concurrent`: events are handled as tasks (the conversations keep one chat's events in
    order); False handles one after the other, so the fake server knows when one is done."""

    def __init__(
        self, client: ZaloClient, feed: Feed, ledger: OwnTransaction, *, concurrent: bool = True, poll_wait: int = 30
    ) -> None:
        self.client = client
        self.feed = feed
        self.ledger = ledger
        self.concurrent = concurrent
        self.poll_wait = poll_wait
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None
        self.handled = 0

    async def handle(self, incoming: Incoming) -> bool:
        """Hand the event to the conversations unless it was handled before; True if handed."""
        if not incoming.private:
            log.info("Zalo: a %s event from a group chat left unanswered", incoming.kind)
            return False
        if not await self.ledger.first_time(incoming.ledger_id, incoming.date_ms):
            log.info(
                "Zalo: event %s from %s already handled", incoming.event or incoming.kind, person_ref(incoming.user_id)
            )
            return False
        try:
            await self.feed(incoming)
        except Exception:  # noqa: BLE001 - one event's failure must not stop the others
            log.exception("Zalo: the %s event from %s failed", incoming.kind, person_ref(incoming.user_id))
        self.handled += 1
        return True

    def _spawn(self, incoming: Incoming) -> None:
        task = asyncio.create_task(self._handle_quietly(incoming))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle_quietly(self, incoming: Incoming) -> None:
        try:
            await self.handle(incoming)
        except Exception:  # noqa: BLE001 - the ledger's database restarting: logged, the next goes on
            log.exception("Zalo: event not recorded")

    # -- long polling ------------------------------------------------------------------------

    async def poll(self) -> None:
        """getUpdates until cancelled. A webhook set before (by another run) is deleted first:
        Zalo hands nothing to getUpdates while one is set."""
        delay = 1.0
        checked = False
        while True:
            try:
                if not checked:
                    info = await self.client.get_webhook_info()
                    if info.get("url"):
                        log.info("Zalo: deleting the webhook %s to poll instead", info["url"])
                        await self.client.delete_webhook()
                    checked = True
                updates = await self.client.get_updates(self.poll_wait)
                delay = 1.0
            except ZaloUnauthorized as exc:
                log.error("Zalo refused the token while polling (%s); trying again in %g s", exc, POLL_BACKOFF_MAX)
                await asyncio.sleep(POLL_BACKOFF_MAX)
                continue
            except ZaloError as exc:
                checked = checked and exc.code != 409  # a webhook set meanwhile: look again
                log.warning("Zalo getUpdates failed (%s); trying again in %g s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, POLL_BACKOFF_MAX)
                continue
            for body in updates:
                try:
                    incoming = read_update(body)
                except ValueError as exc:
                    log.warning("Zalo: an update that is not a message left (%s)", exc)
                    continue
                if self.concurrent:
                    self._spawn(incoming)
                else:
                    await self._handle_quietly(incoming)

    def start_polling(self) -> None:
        self._poller = asyncio.create_task(self.poll())

    async def stop(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await poller
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- webhook ---------------------------------------------------------------------------------

    def webhook_handler(self, secret: str, *, wait: bool = False) -> Callable[[web.Request], Awaitable[web.Response]]:
        """The aiohttp handler for Zalo's POSTs: 401 without the right X-Bot-Api-Secret-Token,
        400 (one log line) for a body that is not a message event, 200 otherwise, at once
        (`wait`: only once the event is handled)."""

        async def handle(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(text="Unauthorized", status=401)
            try:
                body = await request.json()
            except ValueError:
                log.warning("Zalo webhook: refused a request from %s whose body is not JSON", request.remote)
                return web.Response(text="Bad Request: the body is not JSON", status=400)
            try:
                incoming = read_update(body)
            except ValueError as exc:
                log.warning("Zalo webhook: refused a request from %s that is not an event: %s", request.remote, exc)
                return web.Response(text=f"Bad Request: {exc}", status=400)
            if wait:
                await self.handle(incoming)
            else:
                self._spawn(incoming)
            return web.json_response({"message": "Success"})

        return handle

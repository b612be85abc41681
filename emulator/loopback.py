"""What both fake Bot APIs (Telegram's, emulator/server.py; Zalo's, emulator/zalo.py) share:
an aiohttp server on loopback, started on a free port when none is given, and a client
session for the webhooks it posts."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Self

import aiohttp
from aiohttp import web


class LoopbackServer:
    host: str
    port: int
    app: web.Application

    def __init__(self) -> None:
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.url = ""

    def _wake_waiters(self) -> None:
        """At stop: whatever waits for updates or changes returns (long polls end)."""

    async def start(self) -> Self:
        self._closing = False
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = f"http://{self.host}:{self.port}"
        self._client = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        self._closing = True
        self._wake_waiters()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._webhook_task
            self._webhook_task = None
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

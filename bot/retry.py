"""Telegram's 429 for the bot's own requests: wait retry_after, then send again.

Telegram answers 429 with retry_after when the bot sends too fast, overall or to one chat
(a command's answer right after another message to the same person). Nothing was done
then, so sending the same request again after the pause is safe. This is a request
middleware on the Bot's session: every reply, edit and callback answer of every handler
goes through it. The outbox sender opts out (`without_retry`): it pauses all its sending
on a 429 instead, and gives the row back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)
ATTEMPTS = 3  # sends of one request in all: the first and two after a 429
MAX_WAIT = 30.0  # seconds; a longer retry_after is not waited for in a conversation

_retry = ContextVar("telegram_retry_after", default=True)


@contextlib.contextmanager
def without_retry() -> Iterator[None]:
    """Requests made inside raise TelegramRetryAfter at once (their caller handles it)."""
    token = _retry.set(False)
    try:
        yield
    finally:
        _retry.reset(token)


class RetryAfter(BaseRequestMiddleware):
    """Honour retry_after: wait, then send the same request again (at most `attempts` sends)."""

    def __init__(self, attempts: int = ATTEMPTS, max_wait: float = MAX_WAIT) -> None:
        self.attempts = attempts
        self.max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                # getUpdates has its own back-off in aiogram's polling.
                if (
                    attempt >= self.attempts
                    or exc.retry_after > self.max_wait
                    or not _retry.get()
                    or isinstance(method, GetUpdates)
                ):
                    raise
                log.warning("429 on %s: sending it again in %s s", method.__api_method__, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
                attempt += 1

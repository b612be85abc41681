"""The sender: drains the outbox within Telegram's limits.

- SEND_RATE messages per second overall, evenly spaced (aiolimiter), and at most one per
  second per chat;
- 429: all sending pauses for retry_after; the row goes back untouched;
- 5xx, timeouts, network errors: the row is retried with back-off;
- 403 (blocked, deactivated): the person is marked inactive and their queue dropped;
- broadcasts report queued / sent / failed to the log and to whoever started them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup
from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.clock import Clock
from bot.services.delivery import CLAIM_TIMEOUT, DeliveryService
from storage.delivery import OutboxMessage
from storage.repositories import UserRepo

log = logging.getLogger(__name__)
PER_CHAT_LIMITERS = 10_000  # remembered chats; older ones are forgotten (they have waited ≥ 1 s)


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        idle_poll: float = 0.5,
        request_timeout: float = 15.0,
        claim_timeout: timedelta = CLAIM_TIMEOUT,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.rate = rate
        # A leaky bucket of two: at most `rate` a second plus one, and the one spare slot
        # absorbs the event loop's wake-up lag, which capacity 1 would add to every gap.
        self.limiter = AsyncLimiter(2, 2.0 / rate)
        self.per_chat_interval = per_chat_interval
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self.idle_poll = idle_poll
        self.request_timeout = request_timeout
        self.claim_timeout = claim_timeout
        self.batch = max(1, int(rate * 2))
        self._paused_until = 0.0  # time.monotonic()
        self._stop = asyncio.Event()
        self.sent = 0
        self.failed = 0
        self._sent_ids: list[int] = []  # sent, to be noted in the next write (see _flush)
        self.retry_after_seen = 0

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._chats[chat_id] = AsyncLimiter(1, self.per_chat_interval)
            while len(self._chats) > PER_CHAT_LIMITERS:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    async def _wait_if_paused(self) -> None:
        while (delay := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(delay)

    async def _call(self, row: OutboxMessage) -> None:
        body = json.loads(row.payload)
        method = body.pop("method", "sendMessage")
        markup = body.pop("reply_markup", None)
        kb = InlineKeyboardMarkup.model_validate(markup) if markup else None
        filename = body.pop("filename", "file")
        if method == "sendMessage":
            await self.bot.send_message(row.chat_id, body["text"], reply_markup=kb, request_timeout=self.request_timeout)
        elif method == "sendPhoto":
            await self.bot.send_photo(row.chat_id, BufferedInputFile(row.blob or b"", filename), caption=body.get("caption"),
                                      reply_markup=kb, request_timeout=self.request_timeout)
        elif method == "sendDocument":
            await self.bot.send_document(row.chat_id, BufferedInputFile(row.blob or b"", filename), caption=body.get("caption"),
                                         reply_markup=kb, request_timeout=self.request_timeout)
        else:
            raise ValueError(f"unknown outbox method {method}")

    async def _send(self, row: OutboxMessage) -> None:
        async with self.sessionmaker() as session:
            delivery = DeliveryService(session, self.clock)
            await self._wait_if_paused()
            async with self._chat_limiter(row.chat_id):
                async with self.limiter:
                    await self._wait_if_paused()  # a 429 seen meanwhile holds everyone back
                    try:
                        await self._call(row)
                    except TelegramRetryAfter as exc:
                        self.retry_after_seen += 1
                        self._paused_until = max(self._paused_until, time.monotonic() + exc.retry_after)
                        log.warning("429: all sending paused for %s s", exc.retry_after)
                        await delivery.release(row.id, self.clock.now() + timedelta(seconds=exc.retry_after))  # type: ignore[arg-type]
                        return
                    except TelegramForbiddenError as exc:
                        dropped = await delivery.recipient_blocked(row.chat_id, str(exc))
                        self.failed += 1
                        log.info("403 for chat %s: marked inactive, %s queued message(s) dropped", row.chat_id, dropped)
                        return
                    except (TelegramServerError, TelegramNetworkError, asyncio.TimeoutError) as exc:
                        await delivery.mark_retry(row, f"{type(exc).__name__}: {exc}")
                        return
                    except TelegramBadRequest as exc:
                        # Sending it again would fail the same way.
                        self.failed += 1
                        await delivery.mark_failed(row.id, str(exc))  # type: ignore[arg-type]
                        log.error("outbox %s (%s) refused by Telegram: %s", row.id, row.key, exc)
                        return
        # Noted in groups: a crash before the note resends at most these, which were in
        # flight anyway (claimed and not yet noted).
        self._sent_ids.append(row.id)  # type: ignore[arg-type]
        self.sent += 1
        if len(self._sent_ids) >= max(20, int(self.rate)):
            await self._flush()

    async def _flush(self) -> None:
        ids, self._sent_ids = self._sent_ids, []
        if ids:
            async with self.sessionmaker() as session:
                await DeliveryService(session, self.clock).mark_sent(*ids)

    async def _send_chat(self, rows: list[OutboxMessage]) -> None:
        for row in rows:  # one chat's messages in order (a digest, then its chart)
            try:
                await self._send(row)
            except Exception:  # noqa: BLE001 - one bad row must not stop the sender
                log.exception("outbox %s: unexpected error", row.id)
                with contextlib.suppress(Exception):
                    async with self.sessionmaker() as session:
                        await DeliveryService(session, self.clock).mark_retry(row, "unexpected error")

    async def send_batch(self) -> int:
        """Claim and send one batch; returns how many rows it took."""
        async with self.sessionmaker() as session:
            rows = await DeliveryService(session, self.clock).claim(self.batch, self.claim_timeout)
        if not rows:
            return 0
        chats: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            chats.setdefault(row.chat_id, []).append(row)
        await asyncio.gather(*(self._send_chat(r) for r in chats.values()))
        await self._flush()
        await self.report_broadcasts()
        return len(rows)

    async def report_broadcasts(self) -> None:
        async with self.sessionmaker() as session:
            delivery = DeliveryService(session, self.clock)
            for b in await delivery.unreported_broadcasts():
                progress = await delivery.progress(b.id)  # type: ignore[arg-type]
                log.info("broadcast %s (%s): %s queued, %s sent, %s failed, %s pending",
                         b.id, b.kind, b.total, progress.sent, progress.failed, progress.pending)
                if not progress.done:
                    continue
                if b.started_by:
                    user = await UserRepo(session).by_telegram_id(b.started_by)
                    with i18n.use_locale(user.locale if user else None):
                        text = i18n.gettext("Broadcast finished: {total} queued, {sent} sent, {failed} not delivered.").format(
                            total=b.total, sent=progress.sent, failed=progress.failed
                        )
                    with contextlib.suppress(Exception):
                        await self.bot.send_message(b.started_by, text)
                await delivery.mark_reported(b)

    async def run(self) -> None:
        log.info("outbox sender started at %s messages per second", self.rate)
        while not self._stop.is_set():
            try:
                taken = await self.send_batch()
            except Exception:  # noqa: BLE001 - e.g. the database restarting: wait and go on
                log.exception("outbox sender: batch failed; retrying shortly")
                taken = 0
            if not taken:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.idle_poll)

    def stop(self) -> None:
        self._stop.set()

    async def drain(self, timeout: float = 30.0) -> None:
        """Send until nothing waits, retries and pauses included (tests, `jobs run`, the sandbox)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.send_batch():
                continue
            async with self.sessionmaker() as session:
                if not await DeliveryService(session, self.clock).pending_count():
                    return
            await asyncio.sleep(0.2)
        raise TimeoutError("the outbox did not drain in time")

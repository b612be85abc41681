"""The sender: drains the outbox within Telegram's limits.

- SEND_RATE messages per second overall, evenly spaced (aiolimiter), and at most one per
  second per chat;
- 429: all sending pauses for retry_after, and resumes at SEND_RATE (no burst); the row goes
  back untouched;
- 5xx, timeouts, network errors: the row is retried with back-off;
- 403 (blocked, deactivated): the person is marked inactive and their queue dropped;
- every delivered row is noted as sent at once (rows delivered while a note is being
  written go in the next one), so a crash resends at most what was in flight;
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
from bot.retry import without_retry
from bot.services.audit import person_ref
from bot.services.delivery import CLAIM_TIMEOUT, DeliveryService
from storage.delivery import OutboxMessage
from storage.repositories import UserRepo

log = logging.getLogger(__name__)
PER_CHAT_REMEMBERED = 10_000  # chats whose last send is remembered; older ones have waited ≥ 1 s


class Pacer:
    """Send slots at `rate` a second (aiolimiter), and a pause (a 429) that holds them all.

    A limiter's bucket cannot be paused: the tasks waiting in it keep taking slots during a
    429's retry_after. Such a slot is void here: its task waits for the pause's end and queues
    for a new one, so sending resumes at `rate`, never in a burst of everyone who waited.
    """

    def __init__(self, rate: float) -> None:
        # A leaky bucket of two: at most `rate` a second plus one, and the one spare slot
        # absorbs the event loop's wake-up lag, which capacity 1 would add to every gap.
        self.limiter = AsyncLimiter(2, 2.0 / rate)
        self.paused_until = 0.0  # time.monotonic()
        self._drop_spare = False

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)
        # The bucket is empty when the pause ends: its spare slot would let two go at once.
        self._drop_spare = True

    async def wait(self) -> None:
        """Until this task's slot (one task, one slot)."""
        while True:
            # A pause can grow while it is slept off (another 429): sleep again until it is over.
            while (delay := self.paused_until - time.monotonic()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
            await self.limiter.acquire()
            if time.monotonic() < self.paused_until:  # a pause began while it waited
                continue
            if self._drop_spare:
                self._drop_spare = False
                continue
            return


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
        request_timeout: int = 15,  # seconds, as aiogram's request_timeout takes them
        claim_timeout: timedelta = CLAIM_TIMEOUT,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.rate = rate
        self.pacer = Pacer(rate)
        self.per_chat_interval = per_chat_interval
        self._chat_free_at: OrderedDict[int, float] = OrderedDict()  # chat -> when it may get the next message
        self.idle_poll = idle_poll
        self.request_timeout = request_timeout
        self.claim_timeout = claim_timeout
        self.batch = max(1, int(rate * 2))
        self._stop = asyncio.Event()
        self.sent = 0
        self.failed = 0
        self._unnoted: list[int] = []  # delivered, not yet noted as sent (see _note_sent)
        self._noter: asyncio.Task[None] | None = None
        self.retry_after_seen = 0

    async def _wait_for_chat(self, chat_id: int) -> None:
        """At most one message a second to one chat, counted from the sends themselves (a
        chat's messages go one after the other, so nothing else moves its time meanwhile)."""
        free_at = self._chat_free_at.get(chat_id, 0.0)
        if (delay := free_at - time.monotonic()) > 0:
            await asyncio.sleep(delay)

    def _chat_sent(self, chat_id: int) -> None:
        self._chat_free_at[chat_id] = time.monotonic() + self.per_chat_interval
        self._chat_free_at.move_to_end(chat_id)
        while len(self._chat_free_at) > PER_CHAT_REMEMBERED:
            self._chat_free_at.popitem(last=False)

    async def _call(self, row: OutboxMessage) -> None:
        body = json.loads(row.payload)
        method = body.pop("method", "sendMessage")
        markup = body.pop("reply_markup", None)
        kb = InlineKeyboardMarkup.model_validate(markup) if markup else None
        filename = body.pop("filename", "file")
        with without_retry():  # a 429 here pauses the whole sender instead (see _send)
            await self._call_method(row, method, body, kb, filename)

    async def _call_method(
        self, row: OutboxMessage, method: str, body: dict, kb: InlineKeyboardMarkup | None, filename: str
    ) -> None:
        if method == "sendMessage":
            await self.bot.send_message(
                row.chat_id, body["text"], reply_markup=kb, request_timeout=self.request_timeout
            )
        elif method == "sendPhoto":
            await self.bot.send_photo(
                row.chat_id,
                BufferedInputFile(row.blob or b"", filename),
                caption=body.get("caption"),
                reply_markup=kb,
                request_timeout=self.request_timeout,
            )
        elif method == "sendDocument":
            await self.bot.send_document(
                row.chat_id,
                BufferedInputFile(row.blob or b"", filename),
                caption=body.get("caption"),
                reply_markup=kb,
                request_timeout=self.request_timeout,
            )
        else:
            raise ValueError(f"unknown outbox method {method}")

    async def _send(self, row: OutboxMessage) -> None:
        async with self.sessionmaker() as session:
            delivery = DeliveryService(session, self.clock)
            await self._wait_for_chat(row.chat_id)
            await self.pacer.wait()
            self._chat_sent(row.chat_id)
            try:
                await self._call(row)
            except TelegramRetryAfter as exc:
                self.retry_after_seen += 1
                self.pacer.pause(exc.retry_after)
                log.warning("429: all sending paused for %s s", exc.retry_after)
                await delivery.release(row.id, self.clock.now() + timedelta(seconds=exc.retry_after))  # type: ignore[arg-type]
                return
            except TelegramForbiddenError as exc:
                dropped = await delivery.recipient_blocked(row.chat_id, str(exc))
                self.failed += 1
                log.info(
                    "403 for chat %s: marked inactive, %s queued message(s) dropped", person_ref(row.chat_id), dropped
                )
                return
            except (TimeoutError, TelegramServerError, TelegramNetworkError) as exc:
                await delivery.mark_retry(row, f"{type(exc).__name__}: {exc}")
                return
            except TelegramBadRequest as exc:
                # Sending it again would fail the same way.
                self.failed += 1
                await delivery.mark_failed(row.id, str(exc))  # type: ignore[arg-type]
                log.error("outbox %s (%s) refused by Telegram: %s", row.id, row.key, exc)
                return
        self.sent += 1
        self._note_sent(row.id)  # type: ignore[arg-type]

    def _note_sent(self, row_id: int) -> None:
        """Note a delivered row as sent at once, without holding up the next send. One write
        at a time: the rows delivered while it runs go together in the next one, so a crash
        resends only what was in flight (sent, or being sent, and not yet noted)."""
        self._unnoted.append(row_id)
        if self._noter is None or self._noter.done():
            self._noter = asyncio.create_task(self._write_notes())

    async def _write_notes(self) -> None:
        while self._unnoted:
            ids, self._unnoted = self._unnoted, []
            try:
                async with self.sessionmaker() as session:
                    await DeliveryService(session, self.clock).mark_sent(*ids)
            except BaseException:
                self._unnoted[:0] = ids  # noted by the next write (a database restarting)
                raise

    async def _flush(self) -> None:
        """Wait until every delivered row is noted (before a report, and at the end)."""
        if self._unnoted and (self._noter is None or self._noter.done()):
            self._noter = asyncio.create_task(self._write_notes())
        if self._noter is not None:
            await self._noter  # a failed write surfaces here, in the batch (its rows wait for the next)

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
                log.info(
                    "broadcast %s (%s): %s queued, %s sent, %s failed, %s pending",
                    b.id,
                    b.kind,
                    b.total,
                    progress.sent,
                    progress.failed,
                    progress.pending,
                )
                if not progress.done:
                    continue
                if b.started_by:
                    user = await UserRepo(session).by_telegram_id(b.started_by)
                    with i18n.use_locale(user.locale if user else None):
                        text = i18n.gettext(
                            "Broadcast finished: {total} queued, {sent} sent, {failed} not delivered."
                        ).format(total=b.total, sent=progress.sent, failed=progress.failed)
                    with contextlib.suppress(Exception):
                        await self.bot.send_message(b.started_by, text)
                await delivery.mark_reported(b)

    async def run(self) -> None:
        log.info("outbox sender started at %s messages per second", self.rate)
        try:
            while not self._stop.is_set():
                try:
                    taken = await self.send_batch()
                except Exception:  # noqa: BLE001 - e.g. the database restarting: wait and go on
                    log.exception("outbox sender: batch failed; retrying shortly")
                    taken = 0
                if not taken:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), self.idle_poll)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._flush())  # what was delivered is noted, also when cancelled

    def stop(self) -> None:
        self._stop.set()

    async def drain(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - fails naming what did not drain
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

"""The sender: drains the outbox within Telegram's limits, and Zalo's (issue 16).

- SEND_RATE messages per second overall, evenly spaced (aiolimiter), and at most one per
  second per chat;
- 429: all sending pauses for retry_after, and resumes at SEND_RATE (no burst); the row goes
  back untouched;
- 5xx, timeouts, network errors: the row is retried with back-off;
- 403 (blocked, deactivated): the person is marked inactive and their queue dropped;
- every delivered row is noted as sent at once (rows delivered while a note is being
  written go in the next one), so a crash resends at most what was in flight;
- broadcasts report queued / sent / failed to the log and to whoever started them.

A row goes to its recipient's channel (OutboxMessage.channel). Zalo's rows (ZaloOutbox) are
drawn from the body's screen by Zalo's renderer (bot/channels/zalo/render.py): plain text
with a numbered menu, at most 2,000 characters a message; a photo or a file goes as a web
address only when the bot publishes files (PUBLIC_URL), otherwise its caption alone, or a line
saying where to find it. Zalo has its own pace (ZALO_SEND_RATE), paused by its own 429s; its
5xx are retried; its 403 marks the person inactive, as Telegram's. When part of a row has gone
out, what is left is kept in the row, so a retry sends only that.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

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
from bot.channels.zalo.client import (
    TextTooLong,
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
)
from bot.channels.zalo.client import without_retry as zalo_without_retry
from bot.clock import Clock
from bot.retry import without_retry
from bot.services.audit import person_ref
from bot.services.delivery import CLAIM_TIMEOUT, TELEGRAM, ZALO, DeliveryService
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


Publish = Callable[[bytes, str], Awaitable[str]]  # bytes, file name → a web address serving them


class ZaloOutbox:
    """The outbox's Zalo side: a row's body as Zalo messages ("parts"), sent at Zalo's pace.

    A part is {"text": …} or {"photo": URL, "caption": …}. `publish` (the bot's own web
    server, when PUBLIC_URL is set) turns a picture's or a file's bytes into a web address."""

    def __init__(
        self, client: ZaloClient, *, rate: float = 5.0, per_chat_interval: float = 1.0, publish: Publish | None = None
    ) -> None:
        self.client = client
        self.rate = rate
        self.pacer = Pacer(rate)
        self.per_chat_interval = per_chat_interval
        self.publish = publish
        self.retry_after_seen = 0

    async def parts(self, body: dict[str, Any], blob: bytes | None) -> list[dict[str, str]]:
        """What the row says on Zalo, in order."""
        from bot.channels.zalo.render import Picture, render
        from bot.views.screen import Document, Photo, Screen

        if body.get("method") == "zalo":  # what was left of a row after a part of it went out
            return list(body.get("parts", []))
        method = body.get("method", "sendMessage")
        screen = Screen.load(body["screen"]) if isinstance(body.get("screen"), dict) else None
        text = screen.text if screen is not None else str(body.get("text") or body.get("caption") or "")
        rows = screen.rows if screen is not None else ()
        filename = str(body.get("filename") or ("photo.png" if method == "sendPhoto" else "file"))
        if method == "sendPhoto" and (self.publish is None or not blob):
            drawn = Screen(text, rows)  # no address to give: the caption alone
        elif method == "sendPhoto":
            drawn = Screen("", rows, attachments=(Photo(blob or b"", filename, caption=text),))
        elif method == "sendDocument":
            drawn = Screen("", rows, attachments=(Document(blob or b"", filename, caption=text),))
        else:
            drawn = Screen(text, rows)
        rendered = await render(drawn, self.publish)
        out: list[dict[str, str]] = []
        for message in rendered.messages:
            if isinstance(message, Picture):
                out.append({"photo": message.url, "caption": message.caption})
            else:
                out.append({"text": message.text})
        return out

    async def send_part(self, chat_id: str, part: dict[str, str]) -> None:
        with zalo_without_retry():  # a 429 pauses all of Zalo's sending instead (OutboxSender)
            if "photo" in part:
                await self.client.send_photo(chat_id, part["photo"], part.get("caption", ""))
            else:
                await self.client.send_message(chat_id, part["text"])


class OutboxSender:
    def __init__(
        self,
        bot: Bot | None,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        idle_poll: float = 0.5,
        request_timeout: int = 15,  # seconds, as aiogram's request_timeout takes them
        claim_timeout: timedelta = CLAIM_TIMEOUT,
        zalo: ZaloOutbox | None = None,
    ) -> None:
        """`bot`: Telegram's (None: a bot on Zalo alone); `zalo`: Zalo's side (None: no Zalo).
        Each sends only its own channel's rows."""
        self.bot = bot
        self.zalo = zalo
        self.channels = [c for c, on in ((TELEGRAM, bot is not None), (ZALO, zalo is not None)) if on]
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.rate = rate
        self.pacer = Pacer(rate)
        self.per_chat_interval = per_chat_interval
        self._chat_free_at: OrderedDict[int | str, float] = OrderedDict()  # chat -> when it may get the next message
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

    def attach_bot(self, bot: Bot) -> None:
        """Telegram answered after the sender started for Zalo: its rows are sent from now on."""
        self.bot = bot
        if TELEGRAM not in self.channels:
            self.channels.insert(0, TELEGRAM)

    async def _wait_for_chat(self, chat_id: int | str) -> None:
        """At most one message a second to one chat, counted from the sends themselves (a
        chat's messages go one after the other, so nothing else moves its time meanwhile)."""
        free_at = self._chat_free_at.get(chat_id, 0.0)
        if (delay := free_at - time.monotonic()) > 0:
            await asyncio.sleep(delay)

    def _chat_sent(self, chat_id: int | str, interval: float | None = None) -> None:
        self._chat_free_at[chat_id] = time.monotonic() + (self.per_chat_interval if interval is None else interval)
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
        assert self.bot is not None and row.chat_id is not None  # claimed for Telegram only with a bot
        if method == "sendMessage":
            await self.bot.send_message(
                row.chat_id, body["text"], reply_markup=kb, request_timeout=int(self.request_timeout)
            )
        elif method == "sendPhoto":
            await self.bot.send_photo(
                row.chat_id,
                BufferedInputFile(row.blob or b"", filename),
                caption=body.get("caption"),
                reply_markup=kb,
                request_timeout=int(self.request_timeout),
            )
        elif method == "sendDocument":
            await self.bot.send_document(
                row.chat_id,
                BufferedInputFile(row.blob or b"", filename),
                caption=body.get("caption"),
                reply_markup=kb,
                request_timeout=int(self.request_timeout),
            )
        else:
            raise ValueError(f"unknown outbox method {method}")

    async def _send_zalo(self, row: OutboxMessage) -> None:
        """A Zalo row: its parts one after the other, each at Zalo's pace; see the module's
        docstring for its faults."""
        assert self.zalo is not None and row.zalo_chat_id is not None
        zalo, chat = self.zalo, row.zalo_chat_id
        key = f"zalo:{chat}"
        async with self.sessionmaker() as session:
            delivery = DeliveryService(session, self.clock)
            try:
                parts = await zalo.parts(json.loads(row.payload), row.blob)
            except Exception as exc:  # noqa: BLE001 - a body that cannot be drawn fails alone
                self.failed += 1
                await delivery.mark_failed(row.id, f"not drawn for Zalo: {exc!r}")  # type: ignore[arg-type]
                log.exception("outbox %s (%s): not drawn for Zalo", row.id, row.key)
                return
            done = 0
            try:
                for part in parts:
                    await self._wait_for_chat(key)
                    await zalo.pacer.wait()
                    self._chat_sent(key, zalo.per_chat_interval)
                    await zalo.send_part(chat, part)
                    done += 1
            except ZaloRetryAfter as exc:
                zalo.retry_after_seen += 1
                zalo.pacer.pause(exc.retry_after)
                log.warning("Zalo 429: Zalo's sending paused for %s s", exc.retry_after)
                rest = {"method": "zalo", "parts": parts[done:]} if done else None
                await delivery.release(row.id, self.clock.now() + timedelta(seconds=exc.retry_after), payload=rest)  # type: ignore[arg-type]
                return
            except ZaloForbidden as exc:
                dropped = await delivery.zalo_recipient_blocked(chat, str(exc))
                self.failed += 1
                log.info("Zalo 403 for %s: marked inactive, %s queued message(s) dropped", person_ref(chat), dropped)
                return
            except (TimeoutError, ZaloServerError, ZaloNetworkError) as exc:
                if done:
                    await delivery.keep_remaining(row.id, {"method": "zalo", "parts": parts[done:]})  # type: ignore[arg-type]
                await delivery.mark_retry(row, f"{type(exc).__name__}: {exc}")
                return
            except (ZaloBadRequest, TextTooLong, ValueError) as exc:
                self.failed += 1
                await delivery.mark_failed(row.id, str(exc))  # type: ignore[arg-type]
                log.error("outbox %s (%s) refused by Zalo: %s", row.id, row.key, exc)
                return
            except ZaloError as exc:  # 401/404: the token; try again later
                await delivery.mark_retry(row, f"{type(exc).__name__}: {exc}")
                log.error("outbox %s (%s): Zalo refused the bot: %s", row.id, row.key, exc)
                return
        self.sent += 1
        self._note_sent(row.id)  # type: ignore[arg-type]

    async def _send(self, row: OutboxMessage) -> None:
        if row.channel == ZALO:
            await self._send_zalo(row)
            return
        assert row.chat_id is not None
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
            rows = await DeliveryService(session, self.clock).claim(
                self.batch, self.claim_timeout, channels=self.channels
            )
        if not rows:
            return 0
        chats: dict[int | str, list[OutboxMessage]] = {}
        for row in rows:
            chats.setdefault(row.chat_id if row.chat_id is not None else f"zalo:{row.zalo_chat_id}", []).append(row)
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
                if b.started_by and self.bot is not None:
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
                if not await DeliveryService(session, self.clock).pending_count(self.channels):
                    return
            await asyncio.sleep(0.2)
        raise TimeoutError("the outbox did not drain in time")

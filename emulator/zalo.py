"""A fake Zalo Bot API server: what the bot's Zalo client talks to in tests and the sandbox.

A plain aiohttp server on 127.0.0.1, like the fake Telegram (emulator/server.py), checking
what the interface documents (https://bot.zaloplatforms.com/docs):

- a call is `POST /bot<TOKEN>/<method>` with a JSON object (or no body where a method has no
  parameters); a wrong token is 401, an unknown method 404, another HTTP method 405;
- ids are strings; sendMessage's text has 1 to 2,000 characters, sendPhoto's photo is a URL
  and its caption at most 2,000; sendChatAction's action is typing or upload_photo;
- getUpdates (long polling, `timeout` seconds) hands over one event as its result, and
  answers `ok: false, error_code: 408` when none came in time; it is refused while a webhook
  is set. setWebhook takes an URL and a secret token of 8 to 256 characters, sent back in
  the `X-Bot-Api-Secret-Token` header of every event it posts (wrapped as
  `{"ok": true, "result": event}`); deleteWebhook and getWebhookInfo answer the URL and
  when it changed, in milliseconds.

Every call is recorded (`calls`, `calls_of`, `sends`); faults are injected on demand
(`inject(method, 429, retry_after=…)`, 5xx, 403) and a person can block the bot (403).

The person (`ZaloUser`): `send(text)`, `send_image(url, caption)`, `send_picture(bytes, caption)`
(the emulator keeps the bytes and sends its own address for them), `send_sticker(id)`,
`send_unsupported()`, `block()`, `unblock()`; what they read: `messages`, `last`, `texts`,
`since_last_action`. Each `send…` returns once the bot has handled the event: in polling
mode when the bot asks getUpdates again after taking it (a poller that handles one event
after the other: bot/channels/zalo/runner.py with `concurrent=False`), with a webhook when
the POST returns; and then once the bot has no call in flight for `settle` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .loopback import LoopbackServer
from .model import ApiError, CallRecord, Fault, max_in_window

log = logging.getLogger(__name__)

TEXT_MAX = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: the user has blocked the bot or has not interacted with it",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request timeout",
    409: "Conflict: webhook is active; use deleteWebhook before getUpdates",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
EVENTS = {
    "text": "message.text.received",
    "image": "message.image.received",
    "sticker": "message.sticker.received",
    "unsupported": "message.unsupported.received",
}


def _error(status: int, description: str | None = None, retry_after: int | None = None) -> ApiError:
    return ApiError(status, description or DESCRIPTIONS.get(status, "Error"), retry_after=retry_after)


def _new_id() -> str:
    return secrets.token_hex(10)  # 20 hex digits, as the platform's ids look


@dataclass
class ZaloMessage:
    """One message in a chat, from the person or from the bot."""

    seq: int
    chat_id: str
    from_bot: bool
    kind: str  # text | photo | sticker (from the bot); text | image | sticker | unsupported (from the person)
    message_id: str
    date_ms: int
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    sticker: str | None = None

    @property
    def shown(self) -> str:
        """What the chat shows as text: the text, or a photo's caption."""
        return self.text if self.text is not None else (self.caption or "")


@dataclass
class PendingEvent:
    body: dict[str, Any]
    description: str
    done: asyncio.Future[None]
    taken_at: float | None = None
    attempts: int = 0


@dataclass
class ZaloUser:
    """A person on Zalo in a private chat with the bot (their chat's id is their own id)."""

    emu: ZaloEmulator
    id: str
    name: str
    blocked: bool = False
    _mark: int = field(default=0, repr=False)

    @property
    def chat_id(self) -> str:
        return self.id

    async def _send(self, kind: str, wait: bool = True, **fields: Any) -> ZaloMessage:
        message = self.emu._add_message(self.chat_id, from_bot=False, kind=kind, **fields)
        self._mark = message.seq
        event = self.emu.event(message, self)
        await self.emu.push(event, f"{kind} from {self.name}", wait=wait)
        return message

    async def send(self, text: str, *, wait: bool = True) -> ZaloMessage:
        return await self._send("text", wait, text=text)

    async def send_image(self, url: str, caption: str | None = None, *, wait: bool = True) -> ZaloMessage:
        return await self._send("image", wait, photo_url=url, caption=caption)

    async def send_picture(
        self, data: bytes, caption: str | None = None, *, filename: str = "photo.jpg", wait: bool = True
    ) -> ZaloMessage:
        """A picture from the phone: the emulator keeps its bytes at an address of its own (as
        Zalo's servers keep what people send), and the event carries that address."""
        return await self.send_image(self.emu.host_photo(data, filename), caption, wait=wait)

    async def send_sticker(self, sticker: str = "a1b2c3d4e5", *, wait: bool = True) -> ZaloMessage:
        return await self._send("sticker", wait, sticker=sticker)

    async def send_unsupported(self, *, wait: bool = True) -> ZaloMessage:
        return await self._send("unsupported", wait)

    def block(self) -> None:
        self.blocked = True

    def unblock(self) -> None:
        self.blocked = False

    @property
    def messages(self) -> list[ZaloMessage]:
        """What the bot sent this person, oldest first."""
        return [m for m in self.emu.messages(self.chat_id) if m.from_bot]

    @property
    def since_last_action(self) -> list[ZaloMessage]:
        return [m for m in self.messages if m.seq > self._mark]

    @property
    def last(self) -> ZaloMessage:
        if not self.messages:
            raise AssertionError(f"the bot has sent {self.name} nothing")
        return self.messages[-1]

    @property
    def texts(self) -> list[str]:
        return [m.shown for m in self.messages]


class ZaloEmulator(LoopbackServer):
    """A fake Zalo Bot API for one bot."""

    def __init__(
        self,
        token: str = "1234567890:zalo-TEST-secret-token",
        *,
        bot_name: str = "Văn hóa công sở",
        host: str = "127.0.0.1",
        port: int = 0,
        update_timeout: float = 10.0,
        settle: float = 0.05,
        flood_global: int | None = None,
        flood_per_chat: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.me = {"id": self.bot_id, "account_name": bot_name, "account_type": "BASIC", "can_join_groups": False}
        self.host = host
        self.port = port
        self.update_timeout = update_timeout
        self.settle = settle
        self.flood_global = flood_global
        self.flood_per_chat = flood_per_chat
        self.clock = clock
        self.url = ""

        self.calls: list[CallRecord] = []
        self.webhook: dict[str, Any] | None = None
        self.webhook_errors: list[str] = []
        self._users: dict[str, ZaloUser] = {}
        self._messages: list[ZaloMessage] = []
        self._faults: list[Fault] = []
        self._queue: deque[PendingEvent] = deque()
        self._taken: list[PendingEvent] = []  # handed to getUpdates, not yet known processed
        self._seq = 0
        self._inflight = 0
        self._last_activity = 0.0
        self._wake = asyncio.Event()
        self._send_times: list[tuple[float, str]] = []

        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }
        self.app = web.Application(client_max_size=1024 * 1024)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.app.router.add_get("/photos/{name}", self._photo)
        self._photos: dict[str, bytes] = {}

    # -- lifecycle ------------------------------------------------------------------------

    def _wake_waiters(self) -> None:
        self._wake.set()

    # -- people and chats -------------------------------------------------------------------

    def user(self, user_id: str | None = None, name: str = "Người dùng Zalo") -> ZaloUser:
        """A person (made once per id); ids are strings, as on the platform."""
        uid = user_id or _new_id()
        if uid not in self._users:
            self._users[uid] = ZaloUser(self, uid, name)
        return self._users[uid]

    def host_photo(self, data: bytes, filename: str = "photo.jpg") -> str:
        """Keep a picture a person sends; its address (served by this emulator)."""
        name = f"{_new_id()}-{filename.rsplit('/', 1)[-1]}"
        self._photos[name] = data
        return f"{self.url}/photos/{name}"

    async def _photo(self, request: web.Request) -> web.Response:
        data = self._photos.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="image/jpeg")

    def messages(self, chat_id: str) -> list[ZaloMessage]:
        return [m for m in self._messages if m.chat_id == chat_id]

    def _add_message(self, chat_id: str, *, from_bot: bool, kind: str, **fields: Any) -> ZaloMessage:
        self._seq += 1
        message = ZaloMessage(
            seq=self._seq,
            chat_id=chat_id,
            from_bot=from_bot,
            kind=kind,
            message_id=_new_id(),
            date_ms=int(self.clock() * 1000),
            **fields,
        )
        self._messages.append(message)
        return message

    def event(self, message: ZaloMessage, user: ZaloUser) -> dict[str, Any]:
        """The update for a person's message, as getUpdates and the webhook carry it."""
        body: dict[str, Any] = {
            "from": {"id": user.id, "display_name": user.name, "is_bot": False},
            "chat": {"id": message.chat_id, "chat_type": "PRIVATE"},
            "message_id": message.message_id,
            "date": message.date_ms,
        }
        if message.kind == "text":
            body["text"] = message.text
        elif message.kind == "image":
            body["photo"] = message.photo_url
            if message.caption:
                body["caption"] = message.caption
        elif message.kind == "sticker":
            body["sticker"] = message.sticker
            body["url"] = f"https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid={message.sticker}"
        return {"event_name": EVENTS[message.kind], "message": body}

    # -- calls --------------------------------------------------------------------------------

    def calls_of(self, method: str, *, ok: bool | None = None, chat_id: str | None = None) -> list[CallRecord]:
        return [
            c
            for c in self.calls
            if c.method == method and (ok is None or c.ok is ok) and (chat_id is None or c.chat_id == chat_id)
        ]

    def sends(self, chat_id: str | None = None, *, include_failed: bool = False) -> list[CallRecord]:
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "sendPhoto", "sendSticker")
            and (include_failed or c.ok)
            and (chat_id is None or c.chat_id == chat_id)
        ]

    def max_sends_per_window(self, chat_id: str | None = None, window: float = 1.0) -> int:
        return max_in_window([c.time for c in self.sends(chat_id)], window)

    # -- faults ---------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: str | None = None,
    ) -> Fault:
        """Fail the next `times` calls of `method` ("*": any), optionally for one chat only."""
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            method=method.lower(),
            status=status,
            description=description or DESCRIPTIONS.get(status, "Error"),
            retry_after=retry_after,
            times=times,
            chat_id=chat_id,
        )
        self._faults.append(fault)
        return fault

    def inject_delay(self, method: str, seconds: float, times: int = 1) -> Fault:
        fault = Fault(method=method.lower(), delay=seconds, times=times)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    # -- events -----------------------------------------------------------------------------

    async def push(self, body: dict[str, Any], description: str = "event", *, wait: bool = True) -> None:
        """Queue an event for the bot (getUpdates or the webhook); with `wait`, return once the
        bot has handled it and has no call in flight."""
        pending = PendingEvent(body, description, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        self._wake.set()
        if self.webhook:
            self._ensure_webhook_worker()
        if wait:
            await self.wait_processed(pending)

    async def wait_processed(self, pending: PendingEvent, within: float | None = None) -> None:
        limit = self.update_timeout if within is None else within
        deadline = time.monotonic() + limit
        while not pending.done.done():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not handle the {pending.description} within {limit} s")
            await asyncio.sleep(0.01)
        pending.done.result()
        await self.wait_idle(max(0.1, deadline - time.monotonic()))

    async def wait_idle(self, within: float | None = None) -> None:
        """Until the bot has no call in flight and has been quiet for `settle` seconds."""
        deadline = time.monotonic() + (self.update_timeout if within is None else within)
        while self._inflight or time.monotonic() - self._last_activity < self.settle:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot kept calling the Zalo Bot API")
            await asyncio.sleep(0.01)

    # -- HTTP -----------------------------------------------------------------------------------

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> web.Response:
        return web.Response(text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._json(_error(401).payload(), 401)
        name = request.match_info["method"]
        func = self._methods.get(name)
        if func is None:
            return self._json(_error(404, "Not Found: method not found").payload(), 404)
        record = CallRecord(method=name, params={}, time=time.monotonic())
        self.calls.append(record)
        tracked = name != "getUpdates"
        if tracked:
            self._inflight += 1
            self._last_activity = time.monotonic()
        try:
            if request.method != "POST":
                raise _error(405, "Method Not Allowed: use POST with a JSON body")
            params = await self._read_body(request)
            record.params = params
            await self._apply_faults(name, record)
            result = func(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as error:
            record.ok, record.status, record.description = False, error.status, error.description
            record.retry_after = error.retry_after
            record.finished = time.monotonic()
            # An empty long poll is ok: false with 408, over HTTP 200 (as the platform answers it).
            return self._json(error.payload(), 200 if error.status == 408 else error.status)
        finally:
            if tracked:
                self._inflight -= 1
                self._last_activity = time.monotonic()
        record.ok, record.status, record.result, record.finished = True, 200, result, time.monotonic()
        return self._json({"ok": True, "result": result})

    async def _read_body(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        if not raw.strip():
            return {}
        if request.content_type != "application/json":
            raise _error(400, "Bad Request: the body must be JSON (Content-Type: application/json)")
        try:
            body = json.loads(raw)
        except ValueError:
            raise _error(400, "Bad Request: can't parse JSON object") from None
        if not isinstance(body, dict):
            raise _error(400, "Bad Request: JSON object expected")
        return body

    async def _apply_faults(self, name: str, record: CallRecord) -> None:
        for fault in self._faults:
            if fault.delay and fault.matches(name, record.params):
                fault.times -= 1
                fault.used += 1
                await asyncio.sleep(fault.delay)
                break
        for fault in self._faults:
            if fault.status is not None and fault.matches(name, record.params):
                fault.times -= 1
                fault.used += 1
                record.injected = True
                self._faults = [f for f in self._faults if f.times > 0]
                raise _error(fault.status, fault.description, fault.retry_after)
        self._faults = [f for f in self._faults if f.times > 0]

    # -- checks ---------------------------------------------------------------------------------

    @staticmethod
    def _string(params: dict[str, Any], name: str, *, required: bool = True) -> str | None:
        value = params.get(name)
        if value is None:
            if required:
                raise _error(400, f"Bad Request: {name} is required")
            return None
        if not isinstance(value, str):
            raise _error(400, f"Bad Request: {name} must be a string")
        return value

    def _chat(self, params: dict[str, Any]) -> str:
        chat_id = self._string(params, "chat_id") or ""
        user = self._users.get(chat_id)
        if user is None:
            raise _error(400, "Bad Request: chat not found")
        if user.blocked:
            raise _error(403)
        self._check_flood(chat_id)
        return chat_id

    def _check_flood(self, chat_id: str) -> None:
        now = time.monotonic()
        recent = [(t, c) for t, c in self._send_times if now - t < 1.0]
        if self.flood_global is not None and len(recent) >= self.flood_global:
            raise _error(429, retry_after=1)
        if self.flood_per_chat is not None and sum(1 for _, c in recent if c == chat_id) >= self.flood_per_chat:
            raise _error(429, retry_after=1)

    def _sent(self, message: ZaloMessage) -> dict[str, Any]:
        self._send_times.append((time.monotonic(), message.chat_id))
        if len(self._send_times) > 10_000:
            del self._send_times[:5_000]
        return {"message_id": message.message_id, "date": message.date_ms}

    @staticmethod
    def _length(text: str, what: str, low: int) -> None:
        if not low <= len(text) <= TEXT_MAX:
            raise _error(400, f"Bad Request: {what} must have {low} to {TEXT_MAX} characters, not {len(text)}")

    # -- methods ----------------------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> Any:
        return dict(self.me)

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        if self.webhook:
            raise _error(409)
        raw = params.get("timeout", 30)
        try:
            timeout = float(raw)
        except (TypeError, ValueError):
            raise _error(400, "Bad Request: timeout must be a number of seconds") from None
        # Asking again means the bot is done with what it took before (it handles in order).
        for pending in self._taken:
            if not pending.done.done():
                pending.done.set_result(None)
        self._taken.clear()
        deadline = time.monotonic() + max(0.0, min(timeout, 60.0))
        while not self._queue:
            if self._closing or time.monotonic() >= deadline:
                raise _error(408)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), deadline - time.monotonic())
            if self.webhook:
                raise _error(409)
        pending = self._queue.popleft()
        pending.taken_at = time.monotonic()
        self._taken.append(pending)
        self._last_activity = time.monotonic()
        return pending.body

    def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = self._string(params, "url") or ""
        secret = self._string(params, "secret_token") or ""
        loopback = url.startswith(("http://127.0.0.1", "http://localhost"))
        if not (url.startswith("https://") or loopback):
            raise _error(400, "Bad Request: the webhook URL must be HTTPS")
        if not 8 <= len(secret) <= 256:
            raise _error(400, "Bad Request: secret_token must have 8 to 256 characters")
        now = int(self.clock() * 1000)
        self.webhook = {"url": url, "secret_token": secret, "updated_at": now}
        self._wake.set()
        self._ensure_webhook_worker()
        return {"url": url, "updated_at": now}

    def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return {"url": "", "updated_at": int(self.clock() * 1000)}

    def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        hook = self.webhook or {}
        return {"url": hook.get("url", ""), "updated_at": hook.get("updated_at", 0)}

    def _send_message(self, params: dict[str, Any]) -> Any:
        text = self._string(params, "text") or ""
        self._length(text, "text", 1)
        chat_id = self._chat(params)
        return self._sent(self._add_message(chat_id, from_bot=True, kind="text", text=text))

    def _send_photo(self, params: dict[str, Any]) -> Any:
        photo = self._string(params, "photo") or ""
        if not photo.startswith(("http://", "https://")):
            raise _error(400, "Bad Request: photo must be the image's URL")
        caption = self._string(params, "caption", required=False)
        if caption is not None:
            self._length(caption, "caption", 1)
        chat_id = self._chat(params)
        return self._sent(self._add_message(chat_id, from_bot=True, kind="photo", photo_url=photo, caption=caption))

    def _send_sticker(self, params: dict[str, Any]) -> Any:
        sticker = self._string(params, "sticker") or ""
        if not sticker:
            raise _error(400, "Bad Request: sticker is required")
        chat_id = self._chat(params)
        return self._sent(self._add_message(chat_id, from_bot=True, kind="sticker", sticker=sticker))

    def _send_chat_action(self, params: dict[str, Any]) -> Any:
        action = self._string(params, "action") or ""
        if action not in CHAT_ACTIONS:
            raise _error(400, f"Bad Request: action must be one of {', '.join(sorted(CHAT_ACTIONS))}")
        chat_id = self._string(params, "chat_id") or ""
        user = self._users.get(chat_id)
        if user is None:
            raise _error(400, "Bad Request: chat not found")
        if user.blocked:
            raise _error(403)
        return None

    # -- webhook delivery -------------------------------------------------------------------------

    def _ensure_webhook_worker(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _webhook_worker(self) -> None:
        """Post queued events to the webhook one at a time, in order, with the secret header;
        an event the webhook did not take (not 2xx, no connection) is tried 3 times."""
        while not self._closing:
            if not self.webhook or not self._queue or self._client is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                continue
            pending = self._queue[0]
            hook = self.webhook
            error: str | None = None
            host = urlsplit(hook["url"]).hostname or ""
            try:
                if host not in LOOPBACK:  # a test server posts to this machine only
                    raise aiohttp.ClientConnectionError(f"the fake server posts to this machine only, not {host}")
                async with self._client.post(
                    hook["url"],
                    json={"ok": True, "result": pending.body},
                    headers={SECRET_HEADER: hook["secret_token"]},
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response:
                    if not 200 <= response.status < 300:
                        error = f"the webhook answered {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"no connection to the webhook: {type(exc).__name__}: {exc}"
            pending.attempts += 1
            if error is not None:
                self.webhook_errors.append(error)
            if error is None or pending.attempts >= 3:
                if self._queue and self._queue[0] is pending:
                    self._queue.popleft()
                if not pending.done.done():
                    if error is None:
                        pending.done.set_result(None)
                    else:
                        pending.done.set_exception(RuntimeError(f"{pending.description} not delivered: {error}"))
            else:
                await asyncio.sleep(0.1)

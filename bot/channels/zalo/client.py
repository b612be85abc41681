"""A thin aiohttp client for the Zalo Bot API, and the reading of its updates.

The interface (https://bot.zaloplatforms.com/docs): `POST {base}/bot{TOKEN}/{method}` with a
JSON body, answered `{"ok": true, "result": …}` or `{"ok": false, "error_code": N,
"description": "…"}`. Ids are strings and dates are milliseconds. The few methods the bot
uses are here; nothing else is wrapped.

Why our own: the package index's python-zalo-bot is a fork of python-telegram-bot (it says
so), which this project must never add, and it would bring a second bot framework beside
aiogram for eight HTTP calls.

Errors are exceptions: 429 → `ZaloRetryAfter` (waited for and sent again, as bot/retry.py
does for Telegram, unless the caller said `without_retry()`: the outbox sender pauses all
its sending instead); 5xx and network errors → `ZaloServerError` / `ZaloNetworkError`,
retried with back-off; 403 (the person blocked the bot) → `ZaloForbidden`; 401 or 404 on
the token → `ZaloUnauthorized`; other refusals → `ZaloBadRequest`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import aiohttp

from bot.channels.zalo.types import TEXT_MAX, EventKind, Incoming

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
ATTEMPTS = 3  # sends of one request in all: the first and two more after a 429, 5xx or network error
MAX_WAIT = 30.0  # seconds; a longer retry_after is not waited for here
BACKOFF = (0.5, 1.0, 2.0)  # seconds before the 2nd, 3rd … send after a 5xx or a network error
POLL_TIMEOUT = 30  # getUpdates' long-polling wait, seconds (the interface's default)

EVENTS: dict[str, EventKind] = {
    "message.text.received": "text",
    "message.image.received": "image",
    "message.sticker.received": "sticker",
}

_retry = ContextVar("zalo_retry", default=True)


@contextlib.contextmanager
def without_retry() -> Iterator[None]:
    """Calls made inside raise ZaloRetryAfter and ZaloServerError at once (the caller, the
    outbox sender, handles them)."""
    token = _retry.set(False)
    try:
        yield
    finally:
        _retry.reset(token)


class ZaloError(Exception):
    """The Zalo Bot API refused a call, or could not be reached."""

    def __init__(self, method: str, code: int, description: str) -> None:
        super().__init__(f"{method}: {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description


class ZaloBadRequest(ZaloError):
    """A call the API refuses as it is (sending it again fails the same way)."""


class ZaloUnauthorized(ZaloError):
    """The token is wrong (401), or the API does not know the bot (404)."""


class ZaloForbidden(ZaloError):
    """403: the person blocked the bot, or may not be written to."""


class ZaloRetryAfter(ZaloError):
    """429: too many requests; nothing was done, the same call may be sent after retry_after."""

    def __init__(self, method: str, description: str, retry_after: float) -> None:
        super().__init__(method, 429, description)
        self.retry_after = retry_after


class ZaloServerError(ZaloError):
    """5xx: the platform failed; the call may be sent again later."""


class ZaloNetworkError(ZaloError):
    """No answer: connection refused, reset, or timed out."""


class FileTooBig(ValueError):
    """A picture larger than the caller takes (ZaloClient.download)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class TextTooLong(ValueError):
    """Refused before sending: a text or caption over Zalo's 2,000 characters, or empty."""


def _check_text(text: str, what: str, *, required: bool) -> None:
    if required and not text:
        raise TextTooLong(f"{what} is empty: Zalo sends 1 to {TEXT_MAX} characters")
    if len(text) > TEXT_MAX:
        raise TextTooLong(f"{what} has {len(text)} characters: Zalo sends at most {TEXT_MAX} (split it first)")


def _retry_after(body: dict[str, Any], headers: Any) -> float:
    params = body.get("parameters")
    for value in (
        params.get("retry_after") if isinstance(params, dict) else None,
        body.get("retry_after"),
        headers.get("Retry-After") if headers is not None else None,
    ):
        try:
            if value is not None:
                return max(0.0, float(value))
        except (TypeError, ValueError):
            continue
    return 1.0


def error_for(method: str, status: int, body: Any, headers: Any = None) -> ZaloError:
    """The exception for a refused call: the body's error_code wins over the HTTP status (the
    platform may answer 200 with ok false)."""
    body = body if isinstance(body, dict) else {}
    code = body.get("error_code")
    code = int(code) if isinstance(code, int | str) and str(code).lstrip("-").isdigit() else status
    if not 400 <= code <= 599:
        code = status if 400 <= status <= 599 else 400
    description = str(body.get("description") or body.get("message") or "")
    if code == 429:
        return ZaloRetryAfter(method, description or "Too Many Requests", _retry_after(body, headers))
    if code >= 500:
        return ZaloServerError(method, code, description)
    if code == 403:
        return ZaloForbidden(method, code, description)
    if code in (401, 404):
        return ZaloUnauthorized(method, code, description)
    return ZaloBadRequest(method, code, description)


class ZaloClient:
    """The bot's calls to the Zalo Bot API over one aiohttp session (made on first use)."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_API_URL,
        *,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 15.0,
        attempts: int = ATTEMPTS,
        max_wait: float = MAX_WAIT,
        backoff: tuple[float, ...] = BACKOFF,
    ) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own_session = session is None
        self.request_timeout = request_timeout
        self.attempts = attempts
        self.max_wait = max_wait
        self.backoff = backoff

    @property
    def bot_id(self) -> str:
        """The number before the colon of the token (the bot's own id on the platform)."""
        return self.token.split(":", 1)[0]

    def _url(self, method: str) -> str:
        return f"{self.base_url}/bot{self.token}/{method}"

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- the call --------------------------------------------------------------------------

    async def _once(self, method: str, body: dict[str, Any], seconds: float) -> Any:
        try:
            async with self._http().post(
                self._url(method), json=body, timeout=aiohttp.ClientTimeout(total=seconds)
            ) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                if response.status == 200 and isinstance(answer, dict) and answer.get("ok") is True:
                    return answer.get("result")
                raise error_for(method, response.status, answer, response.headers)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloNetworkError(method, 0, f"{type(exc).__name__}: {exc}") from exc

    async def call(self, method: str, body: dict[str, Any] | None = None, *, seconds: float | None = None) -> Any:
        """One method; its result. A 429 (retry_after at most `max_wait`), a 5xx or a network
        error is sent again, `attempts` sends in all, unless inside `without_retry()`."""
        body = body or {}
        attempt = 1
        while True:
            try:
                return await self._once(method, body, seconds or self.request_timeout)
            except ZaloRetryAfter as exc:
                if attempt >= self.attempts or exc.retry_after > self.max_wait or not _retry.get():
                    raise
                log.warning("Zalo 429 on %s: sending it again in %s s", method, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except (ZaloServerError, ZaloNetworkError) as exc:
                if attempt >= self.attempts or not _retry.get():
                    raise
                delay = self.backoff[min(attempt - 1, len(self.backoff) - 1)] if self.backoff else 0.0
                log.warning("Zalo %s failed (%s); sending it again in %s s", method, exc, delay)
                await asyncio.sleep(delay)
            attempt += 1

    # -- the methods -------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, wait: int = POLL_TIMEOUT) -> list[dict[str, Any]]:
        """Long polling: the updates that came within `wait` seconds (none is an empty list).
        The interface answers one update as the result; a list is read too. Not retried here:
        the polling loop has its own back-off."""
        with without_retry():
            try:
                result = await self.call("getUpdates", {"timeout": str(wait)}, seconds=wait + 10)
            except ZaloBadRequest as exc:
                if exc.code == 408:  # the wait ended with nothing to hand over
                    return []
                raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        if isinstance(result, dict) and result:
            return [result]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("the webhook's secret token has 8 to 256 characters")
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return result if isinstance(result, dict) else {}

    async def delete_webhook(self) -> dict[str, Any]:
        result = await self.call("deleteWebhook")
        return result if isinstance(result, dict) else {}

    async def get_webhook_info(self) -> dict[str, Any]:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> str:
        """Plain text, 1 to 2,000 characters (longer: TextTooLong, before any call); the
        message's id."""
        _check_text(text, "the text", required=True)
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return _message_id(result)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> str:
        """A photo by its URL (the platform fetches it), with a caption of at most 2,000."""
        _check_text(caption, "the caption", required=False)
        if not photo_url.startswith(("http://", "https://")):
            raise ValueError("Zalo sends a photo from its URL (http:// or https://)")
        body = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            body["caption"] = caption
        return _message_id(await self.call("sendPhoto", body))

    async def send_sticker(self, chat_id: str, sticker: str) -> str:
        return _message_id(await self.call("sendSticker", {"chat_id": chat_id, "sticker": sticker}))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, max_bytes: int) -> bytes:
        """A picture a person sent (message.image.received carries its address), read through
        this client's session: at most `max_bytes` (FileTooBig as soon as it is known to be
        larger, without reading the rest); http(s) only; a failed fetch is ZaloNetworkError."""
        if not url.startswith(("http://", "https://")):
            raise ValueError("a picture's address is http:// or https://")
        try:
            async with self._http().get(url, timeout=aiohttp.ClientTimeout(total=self.request_timeout)) as response:
                if response.status != 200:
                    raise ZaloNetworkError("download", response.status, "the picture could not be fetched")
                if response.content_length is not None and response.content_length > max_bytes:
                    raise FileTooBig(max_bytes)
                data = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        raise FileTooBig(max_bytes)
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ZaloNetworkError("download", 0, f"{type(exc).__name__}: {exc}") from exc


def _message_id(result: Any) -> str:
    return str(result.get("message_id", "")) if isinstance(result, dict) else ""


# -- updates -------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _photo_url(message: dict[str, Any]) -> str | None:
    """The image's URL: `photo` (a URL), or `photo_url`, or a list of sizes (the last, the largest)."""
    for key in ("photo", "photo_url", "url"):
        value = message.get(key)
        if isinstance(value, list) and value:
            value = value[-1]
        if isinstance(value, dict):
            value = value.get("url")
        if isinstance(value, str) and value:
            return value
    return None


def read_update(body: Any) -> Incoming:
    """One update (a getUpdates result item, or a webhook body, bare or wrapped as
    `{"ok": true, "result": …}`) as `Incoming`; ValueError saying what is wrong otherwise."""
    if not isinstance(body, dict):
        raise ValueError(f"a JSON object was expected, not {type(body).__name__}")
    if "message" not in body and isinstance(body.get("result"), dict):
        body = body["result"]
    message = body.get("message")
    if not isinstance(message, dict):
        raise ValueError("no message object")
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict) or not isinstance(chat, dict):
        raise ValueError("message.from and message.chat must be objects")
    ids = {"from.id": sender.get("id"), "chat.id": chat.get("id"), "message_id": message.get("message_id")}
    for where, value in ids.items():
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value):
            raise ValueError(f"message.{where} is missing or not a string")
    date = message.get("date", 0)
    if not isinstance(date, int | float) or isinstance(date, bool):
        raise ValueError("message.date is not a number (milliseconds)")
    event = _text(body.get("event_name")) or ""
    kind: EventKind | None = EVENTS.get(event)
    if kind is None and not event:  # no event name: tell by the fields
        kind = (
            "text"
            if _text(message.get("text")) is not None
            else "image"
            if _photo_url(message)
            else "sticker"
            if message.get("sticker")
            else None
        )
    kind = kind or "unsupported"
    text = _text(message.get("text"))
    if kind == "text" and text is None:
        raise ValueError("a text event without message.text")
    photo = _photo_url(message) if kind == "image" else None
    if kind == "image" and photo is None:
        raise ValueError("an image event without the photo's URL")
    sticker = message.get("sticker")
    name = next((v for k in ("display_name", "name", "first_name") if isinstance(v := sender.get(k), str) and v), "")
    return Incoming(
        kind=kind,
        chat_id=str(chat["id"]),
        user_id=str(sender["id"]),
        name=name,
        message_id=str(message["message_id"]),
        date_ms=int(date),
        text=text if kind == "text" else None,
        photo_url=photo,
        caption=_text(message.get("caption")) if kind == "image" else None,
        private=str(chat.get("chat_type", "PRIVATE")).upper() == "PRIVATE",
        sticker=str(sticker) if kind == "sticker" and sticker else None,
        event=event,
    )


def parse_update(body: Any) -> Incoming | None:
    """As `read_update`, None for a body that is not a message update."""
    try:
        return read_update(body)
    except ValueError as exc:
        log.debug("not a Zalo message update: %s", exc)
        return None

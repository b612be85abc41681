"""The emulator itself: an aiohttp server speaking the Telegram Bot API.

See the package docstring (``emulator``) for the whole picture.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import io
import json
import logging
import math
import mimetypes
import secrets
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from . import rules
from .loopback import LoopbackServer
from .model import (
    DEFAULT_DESCRIPTIONS,
    SEND_METHODS,
    ApiError,
    CallbackQuery,
    CallRecord,
    Chat,
    ChatMessage,
    Fault,
    PendingUpdate,
    StoredFile,
    bad_request,
    count_per_window,
    max_in_window,
)

log = logging.getLogger(__name__)

MAX_UPLOAD = 100 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024
DOWNLOAD_LIMIT = 20 * 1024 * 1024

# Not delivered unless asked for in allowed_updates, as on Telegram.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Parameters that arrive as JSON text in a form body.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "media",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "message_ids",
        "results",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "reply_to_message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "max_connections",
        "user_id",
    }
)

_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

try:  # Pillow reads photo sizes; without it photos are 1×1 and not checked.
    from PIL import Image as _PILImage
except ImportError:  # pragma: no cover - Pillow is a project dependency
    _PILImage = None  # type: ignore[assignment]  # the fallback the checks below test for


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one call, whatever way they came (query, JSON, form, multipart)."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: builtins.str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'invalid parameter "{name}": Number expected') from None

    def bool(self, name: builtins.str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: builtins.str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                what = "reply keyboard markup" if name == "reply_markup" else name
                raise bad_request(f"can't parse {what} JSON object") from None
        return value

    def file(self, value: Any) -> Upload | builtins.str | None:
        """Resolve an InputFile parameter value: "attach://name", a file part, or a file_id/URL."""
        if isinstance(value, str) and value.startswith("attach://"):
            upload = self.files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f'file "{value}" not found in the request')
            return upload
        return value

    def file_param(self, name: builtins.str) -> Upload | builtins.str | None:
        if name in self.files:
            return self.files[name]
        return self.file(self.values.get(name))

    def public(self) -> dict[builtins.str, Any]:
        """The parameters as a test wants to read them: JSON decoded, numbers as numbers."""
        public: dict[builtins.str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, str):
                if key in _JSON_FIELDS:
                    with contextlib.suppress(ValueError):
                        value = json.loads(value)
                elif key in _INT_FIELDS and value.lstrip("-").isdigit():
                    value = int(value)
                elif value in ("true", "false") and key not in ("text", "caption"):
                    value = value == "true"
            public[key] = value
        for key, upload in self.files.items():
            public.setdefault(key, f"<file {upload.filename or key}, {len(upload.data)} bytes>")
        return public


class _Signal:
    """Wake every waiter; each wait starts from the next notification."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0))
        except TimeoutError:
            return False
        return True


class WebhookDeliveryError(RuntimeError):
    """The emulator gave up delivering an update to the bot's webhook."""


def api_method(name: str) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    def mark(func: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        func.__api_name__ = name  # type: ignore[attr-defined]
        return func

    return mark


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an image, or None when Pillow cannot read it."""
    if _PILImage is None:
        return None
    try:
        with _PILImage.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - any unreadable image is just "not an image"
        return None


class TelegramEmulator(LoopbackServer):
    """A fake Telegram Bot API server for one bot, driven in-process or over ``/_emu/``."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_username: str = "test_bot",
        bot_first_name: str = "Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
        flood_global: int | None = None,
        flood_per_chat: int | None = None,
        update_timeout: float = 10.0,
        webhook_settle: float = 0.05,
        webhook_new_connection: bool = False,
        callback_query_ttl: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.me: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.host = host
        self.port = port
        self.strict_html = strict_html
        self.flood_global = flood_global
        self.flood_per_chat = flood_per_chat
        self.update_timeout = update_timeout
        self.webhook_settle = webhook_settle
        # One connection per update, so several workers sharing a port all get some.
        self.webhook_new_connection = webhook_new_connection
        self.callback_query_ttl = callback_query_ttl
        self.clock = clock

        self.calls: list[CallRecord] = []
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.internal_errors: list[str] = []
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "commands"}
        self.descriptions: dict[tuple[str, str], str] = {}  # (kind, language_code) -> text
        self.allowed_updates: list[str] | None = None
        self.webhook: dict[str, Any] | None = None

        self._chats: dict[int, Chat] = {}
        self._users: dict[int, Any] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._faults: list[Fault] = []
        self._queue: list[PendingUpdate] = []
        self._delivering: PendingUpdate | None = None
        self._next_update_id = 1
        self._next_query_id = 1
        self._file_counter = 0
        self._seq = 0
        self._inflight = 0
        self._inflight_methods: list[str] = []
        self._last_activity = 0.0
        self._poll_generation = 0
        self._last_get_updates: tuple[float, int | None] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._flood_global_times: deque[float] = deque()
        self._flood_chat_times: dict[int, deque[float]] = {}
        self._updates_signal = _Signal()
        self._changed_signal = _Signal()
        self.url = ""

        self._methods: dict[str, tuple[str, Callable[[Params], Awaitable[Any]]]] = {}
        for attribute in dir(type(self)):
            func = getattr(type(self), attribute)
            name = getattr(func, "__api_name__", None)
            if name:
                self._methods[name.lower()] = (name, getattr(self, attribute))

        self.app = web.Application(client_max_size=MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        from .control import add_control_routes

        add_control_routes(self.app, self)

    # -- lifecycle ----------------------------------------------------------------------

    def _wake_waiters(self) -> None:
        self._updates_signal.notify()
        self._changed_signal.notify()

    # -- users and chats ----------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        last_name: str | None = None,
        *,
        username: str | None = None,
        language_code: str | None = "vi",
        started: bool = False,
    ) -> Any:
        """The emulated person with this id (created on first use); their private chat id is the same.

        ``started=False``: until they write to the bot, the bot cannot write to them
        (403 "bot can't initiate conversation with a user"), as on Telegram.
        """
        from .users import EmulatedUser

        existing = self._users.get(user_id)
        if existing is not None:
            return existing
        user = EmulatedUser(
            self,
            user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._users[user_id] = user
        self._chats[user_id] = Chat(
            id=user_id,
            type="private",
            first_name=first_name,
            last_name=last_name,
            username=username,
            started=started,
        )
        return user

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as the ``from`` of its messages (getMe's extra fields left out)."""
        return {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")}

    @property
    def users(self) -> list[Any]:
        return list(self._users.values())

    def add_chat(self, chat: dict[str, Any]) -> Chat:
        """Make a chat (a group, a channel...) known to the emulator from its Bot API dict."""
        existing = self._chats.get(int(chat["id"]))
        if existing is not None:
            return existing
        known = Chat(
            id=int(chat["id"]),
            type=chat.get("type", "private"),
            title=chat.get("title"),
            username=chat.get("username"),
            first_name=chat.get("first_name"),
            last_name=chat.get("last_name"),
        )
        self._chats[known.id] = known
        return known

    def chat(self, chat_id: int) -> Chat:
        try:
            return self._chats[int(chat_id)]
        except KeyError:
            raise KeyError(f"the emulator knows no chat {chat_id}") from None

    def messages(self, chat_id: int, *, from_bot: bool | None = True, deleted: bool = False) -> list[ChatMessage]:
        """A chat's messages in order: the bot's by default, deleted ones left out."""
        chat = self.chat(chat_id)
        return [
            m
            for m in sorted(chat.messages.values(), key=lambda m: m.message_id)
            if (from_bot is None or m.from_bot == from_bot) and (deleted or not m.deleted)
        ]

    def file(self, file_id: str) -> StoredFile:
        return self._files[file_id]

    # -- commands as a user sees them ---------------------------------------------------

    def commands_for(
        self, chat_id: int, language_code: str | None = None, user_id: int | None = None
    ) -> list[dict[str, str]]:
        """The command menu Telegram would show in this chat, following its scope order."""
        chat = self.chat(chat_id)
        lang = language_code or ""
        languages = [lang] if lang else []
        if "-" in lang:  # a user's "en-GB" sees the "en" menu
            languages.append(lang.split("-", 1)[0])
        languages.append("")
        if chat.type == "private":
            scopes: list[tuple[Any, ...]] = [("chat", chat.id), ("all_private_chats",), ("default",)]
        else:
            scopes = []
            if user_id is not None:
                scopes.append(("chat_member", chat.id, user_id))
            scopes += [("chat", chat.id), ("all_group_chats",), ("default",)]
        for scope in scopes:
            for language in languages:
                found = self.commands.get((scope, language))
                if found:
                    return found
        return []

    def menu_commands(self, scope: str | dict[str, Any] = "default", language_code: str = "") -> list[tuple[str, str]]:
        """The commands stored for exactly this scope and language, as (command, description)."""
        key = rules.scope_key({"type": scope} if isinstance(scope, str) else scope)
        return [(c["command"], c["description"]) for c in self.commands.get((key, language_code), [])]

    # -- inspection ---------------------------------------------------------------------

    def calls_of(self, method: str, *, ok: bool | None = None, chat_id: Any = None) -> list[CallRecord]:
        return [
            c
            for c in self.calls
            if c.method.lower() == method.lower()
            and (ok is None or c.ok == ok)
            and (chat_id is None or str(c.chat_id) == str(chat_id))
        ]

    def sends(self, chat_id: Any = None, *, include_failed: bool = False) -> list[CallRecord]:
        """Calls that put a message into a chat (sendMessage, sendPhoto, ...), successful by default."""
        return [
            c
            for c in self.calls
            if c.method in SEND_METHODS
            and (include_failed or c.ok)
            and (chat_id is None or str(c.chat_id) == str(chat_id))
        ]

    def send_times(self, chat_id: Any = None, *, include_failed: bool = False) -> list[float]:
        return [c.time for c in self.sends(chat_id, include_failed=include_failed)]

    def sends_per_window(self, chat_id: Any = None, window: float = 1.0) -> list[int]:
        """Successful sends in consecutive windows from the first one: ``[30, 30, 12]``."""
        return count_per_window(self.send_times(chat_id), window)

    def max_sends_per_window(self, chat_id: Any = None, window: float = 1.0) -> int:
        """The most successful sends in any sliding window of ``window`` seconds."""
        return max_in_window(self.send_times(chat_id), window)

    @property
    def unanswered_callback_queries(self) -> list[CallbackQuery]:
        return [q for q in self.callback_queries.values() if not q.answered]

    def assert_all_callbacks_answered(self) -> None:
        missing = self.unanswered_callback_queries
        if missing:
            listed = ", ".join(f"{q.data!r} on message {q.message_id} in chat {q.chat_id}" for q in missing)
            raise AssertionError(f"{len(missing)} button press(es) never answered with answerCallbackQuery: {listed}")

    # -- faults and limits --------------------------------------------------------------

    def inject(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: Any = None,
    ) -> Fault:
        """Fail the next ``times`` calls of ``method`` ("*" for any), optionally only for one chat."""
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        fault = Fault(
            method=method.lower(),
            status=status,
            description=description,
            retry_after=retry_after,
            times=times,
            chat_id=chat_id,
        )
        self._faults.append(fault)
        return fault

    def inject_delay(self, method: str, seconds: float, times: int = 1, chat_id: Any = None) -> Fault:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before carrying them out.

        The call still happens afterwards even if the client gave up, like a slow Telegram.
        """
        fault = Fault(method=method.lower(), delay=seconds, times=times, chat_id=chat_id)
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_flood_limit(self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1) -> None:
        """Answer 429 when sends exceed these counts in any sliding second (None: no limit)."""
        self.flood_global = global_per_second
        self.flood_per_chat = per_chat_per_second

    # -- updates ------------------------------------------------------------------------

    async def send_update(self, update: dict[str, Any], *, wait: bool = True, timeout: float | None = None) -> int:
        """Deliver any raw update (its update_id is assigned here); return the update_id.

        Chats in it become known; messages in it are stored in their chat.
        """
        body = {k: v for k, v in update.items() if k != "update_id"}
        self._learn(body)
        pending = self.enqueue(body, f"raw update {sorted(body)}")
        if wait:
            await self.wait_processed([pending], timeout)
        return pending.update_id

    def enqueue(self, body: dict[str, Any], description: str) -> PendingUpdate:
        """Queue an update for the bot without waiting; see :meth:`wait_processed`."""
        update_id = self._next_update_id
        self._next_update_id += 1
        kind = next(iter(body))
        loop = asyncio.get_running_loop()
        pending = PendingUpdate(
            update_id=update_id,
            payload={"update_id": update_id, **body},
            kind=kind,
            description=description,
            created_at=time.monotonic(),
            done=loop.create_future(),
        )
        pending.done.add_done_callback(lambda f: f.cancelled() or f.exception())
        if not self._allowed(kind):
            pending.dropped = True
            pending.done.set_result(None)
            return pending
        self._queue.append(pending)
        self._updates_signal.notify()
        if self.webhook:
            self._ensure_webhook_worker()
        return pending

    def _allowed(self, kind: str) -> bool:
        allowed = (self.webhook or {}).get("allowed_updates") if self.webhook else self.allowed_updates
        if not allowed:
            return kind not in _OPT_IN_UPDATES
        return kind in allowed

    async def wait_processed(self, updates: Iterable[PendingUpdate], timeout: float | None = None) -> None:
        """Wait until the bot has processed these updates and has no request in flight."""
        limit = self.update_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        for pending in updates:
            try:
                await asyncio.wait_for(asyncio.shield(pending.done), max(deadline - time.monotonic(), 0))
            except TimeoutError:
                raise TimeoutError(self._not_processed(pending, limit)) from None
        await self._settle(deadline, limit)

    async def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until every queued update is processed and the bot has no request in flight."""
        await self.wait_processed(list(self._queue), timeout)

    async def _settle(self, deadline: float, limit: float) -> None:
        settle = self.webhook_settle if self.webhook else 0.0
        while True:
            now = time.monotonic()
            if self._inflight == 0 and now - self._last_activity >= settle:
                return
            if now >= deadline:
                raise TimeoutError(
                    f"The bot still had {self._inflight} Bot API request(s) in flight after {limit:g} s: "
                    f"{', '.join(self._inflight_methods) or '-'}"
                )
            await asyncio.sleep(0.005)

    def _not_processed(self, pending: PendingUpdate, limit: float) -> str:
        text = f"The bot did not process update {pending.update_id} ({pending.description}) within {limit:g} s. "
        if self.webhook:
            text += f"Webhook {self.webhook['url']}"
            if self._webhook_error:
                text += f": last error {self._webhook_error[1]!r}"
            return text + "."
        if self._last_get_updates is None:
            return text + f"Nobody called getUpdates: is the bot polling {self.url or 'this emulator'}?"
        at, offset = self._last_get_updates
        return text + (
            f"Last getUpdates {time.monotonic() - at:.1f} s ago with offset {offset}; the update is "
            "processed when the bot asks for a higher offset (run the dispatcher with handle_as_tasks=False)."
        )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            keep = -offset
            confirmed, self._queue = self._queue[:-keep] if keep < len(self._queue) else [], self._queue[-keep:]
        else:
            confirmed = [u for u in self._queue if u.update_id < offset]
            self._queue = [u for u in self._queue if u.update_id >= offset]
        for pending in confirmed:
            if not pending.done.done():
                pending.done.set_result(None)

    def _drop_pending(self) -> None:
        for pending in self._queue:
            pending.dropped = True
            if not pending.done.done():
                pending.done.set_result(None)
        self._queue.clear()

    # -- message bookkeeping ------------------------------------------------------------

    def _bump(self) -> int:
        self._seq += 1
        self._changed_signal.notify()
        return self._seq

    def _now(self) -> int:
        return int(self.clock())

    def new_message(
        self,
        chat: Chat,
        *,
        from_bot: bool,
        from_user: dict[str, Any] | None,
        message_id: int | None = None,
        date: int | None = None,
        **fields: Any,
    ) -> ChatMessage:
        if message_id is None:
            message_id = chat.allocate_message_id()
        else:
            chat.next_message_id = max(chat.next_message_id, message_id + 1)
        message = ChatMessage(
            message_id=message_id,
            chat=chat,
            date=self._now() if date is None else date,
            from_user=from_user,
            from_bot=from_bot,
            seq=self._bump(),
            sent_at=time.monotonic(),
            **fields,
        )
        chat.messages[message_id] = message
        return message

    def _edit(self, message: ChatMessage, **changes: Any) -> None:
        message.history.append(message.snapshot())
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = self._now()
        message.edited_at = time.monotonic()
        message.seq = self._bump()

    def store_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        size: tuple[int, int] | None = None,
    ) -> StoredFile:
        self._file_counter += 1
        n = self._file_counter
        token = secrets.token_urlsafe(24)
        if kind == "photo":
            file_id, unique = f"AgACAgIAAxkBAAI{n}{token}", f"AQAD{n}{token[:8]}"
            path = f"photos/file_{n}.jpg"
            if size is None:
                size = image_size(data) or (1, 1)
        else:
            file_id, unique = f"BQACAgIAAxkBAAI{n}{token}", f"AgAD{n}{token[:8]}"
            suffix = ""
            if file_name and "." in file_name:
                suffix = "." + file_name.rsplit(".", 1)[1]
            path = f"documents/file_{n}{suffix}"
            if mime_type is None and file_name:
                mime_type = mimetypes.guess_type(file_name)[0]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            data=data,
            kind=kind,
            file_path=path,
            file_name=file_name,
            mime_type=mime_type,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self._files[file_id] = stored
        self._files_by_path[path] = stored
        return stored

    def _learn(self, body: dict[str, Any]) -> None:
        """Remember the chats and messages that a raw update carries."""
        for kind, obj in body.items():
            if not isinstance(obj, dict):
                continue
            chat_dict = obj.get("chat") or (obj.get("message") or {}).get("chat")
            if isinstance(chat_dict, dict) and "id" in chat_dict:
                chat = self.add_chat(chat_dict)
                if kind in ("message", "channel_post", "business_message"):
                    obj.setdefault("date", self._now())
                    message = self.new_message(
                        chat,
                        from_bot=False,
                        from_user=obj.get("from"),
                        message_id=obj.get("message_id"),
                        date=obj["date"],
                        raw_text=obj.get("text"),
                        entities=obj.get("entities") or [],
                        caption=obj.get("caption"),
                        caption_entities=obj.get("caption_entities") or [],
                        extra={
                            k: v
                            for k, v in obj.items()
                            if k
                            not in (
                                "message_id",
                                "from",
                                "chat",
                                "date",
                                "text",
                                "entities",
                                "caption",
                                "caption_entities",
                            )
                        },
                    )
                    obj["message_id"] = message.message_id

    # -- HTTP ---------------------------------------------------------------------------

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> web.Response:
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        entry = self._methods.get(request.match_info["method"].lower())
        if entry is None:
            return self._json(ApiError(404, "Not Found: method not found").payload(), 404)
        name, func = entry
        tracked = name != "getUpdates"
        if tracked:
            self._inflight += 1
            self._inflight_methods.append(name)
            self._last_activity = time.monotonic()
        try:
            try:
                params = await self._read_params(request)
            except ApiError as error:
                record = CallRecord(method=name, params={}, time=time.monotonic())
                self.calls.append(record)
                self._finish(record, error)
                return self._json(error.payload(), error.status)
            status, body = await self.call(name, func, params)
            return self._json(body, status)
        finally:
            if tracked:
                self._inflight -= 1
                self._inflight_methods.remove(name)
                self._last_activity = time.monotonic()

    async def _read_params(self, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method == "POST" and request.body_exists:
            content_type = request.content_type
            try:
                if content_type == "application/json":
                    try:
                        body = await request.json()
                    except ValueError:
                        raise bad_request("can't parse JSON object") from None
                    if not isinstance(body, dict):
                        raise bad_request("JSON object expected")
                    values.update(body)
                elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                    form = await request.post()
                    for key, value in form.items():
                        if isinstance(value, web.FileField):
                            files[key] = Upload(value.filename, value.content_type, value.file.read())
                        else:
                            values[key] = value
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large") from None
        return Params(values, files)

    async def call(
        self, name: str, func: Callable[[Params], Awaitable[Any]], params: Params
    ) -> tuple[int, dict[str, Any]]:
        """Carry out one recorded call; return (HTTP status, Bot API answer)."""
        record = CallRecord(
            method=name,
            params=params.public(),
            time=time.monotonic(),
            files={k: (u.filename, len(u.data)) for k, u in params.files.items()},
        )
        self.calls.append(record)
        try:
            await self._apply_faults(name, record)
            result = await func(params)
        except ApiError as error:
            self._finish(record, error)
            return error.status, error.payload()
        except Exception as error:  # noqa: BLE001 - an emulator bug must not look like Telegram's answer
            log.exception("emulator failed in %s", name)
            self.internal_errors.append(f"{name}: {traceback.format_exc()}")
            failure = ApiError(500, f"Internal Server Error: the emulator failed: {error!r}")
            self._finish(record, failure)
            return failure.status, failure.payload()
        record.ok = True
        record.status = 200
        record.result = result
        record.finished = time.monotonic()
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _finish(record: CallRecord, error: ApiError) -> None:
        record.ok = False
        record.status = error.status
        record.description = error.description
        record.retry_after = error.retry_after
        record.finished = time.monotonic()

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
                raise ApiError(fault.status, fault.description or "Error", retry_after=fault.retry_after)
        self._faults = [f for f in self._faults if f.times > 0]

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._json(ApiError(401, "Unauthorized").payload(), 401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return self._json(ApiError(404, "Not Found").payload(), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # -- shared checks ------------------------------------------------------------------

    def _find_chat(self, raw: Any) -> Chat:
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat in self._chats.values():
                if chat.username and chat.username.lower() == raw[1:].lower():
                    return chat
            raise bad_request("chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        found = self._chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    @staticmethod
    def _check_reachable(chat: Chat) -> None:
        if chat.type != "private":
            return
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")

    def _check_flood(self, chat: Chat) -> None:
        now = time.monotonic()
        checks = []
        if self.flood_global:
            checks.append((self._flood_global_times, self.flood_global))
        if self.flood_per_chat:
            checks.append((self._flood_chat_times.setdefault(chat.id, deque()), self.flood_per_chat))
        for times, limit in checks:
            while times and times[0] <= now - 1.0:
                times.popleft()
            if len(times) >= limit:
                retry_after = max(1, math.ceil(times[0] + 1.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def _note_send(self, chat: Chat) -> None:
        now = time.monotonic()
        self._flood_global_times.append(now)
        self._flood_chat_times.setdefault(chat.id, deque()).append(now)

    def _reply_to(self, params: Params, chat: Chat) -> ChatMessage | None:
        reply = params.json("reply_parameters")
        message_id = params.int("reply_to_message_id")
        allow = params.bool("allow_sending_without_reply")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply", allow))
        if message_id is None:
            return None
        found = chat.messages.get(int(message_id))
        if found is None or found.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return found

    def _message(self, params: Params, *, action: str) -> ChatMessage:
        if params.get("inline_message_id") is not None:
            raise bad_request(f"message to {action} not found")
        chat = self._find_chat(params.get("chat_id"))
        message_id = params.int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request(f"message to {action} not found")
        return message

    def _formatted(self, text: str | None, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
        return rules.formatted(text, parse_mode, entities, strict_html=self.strict_html)

    def _input_file(self, value: Upload | str | None, kind: str) -> StoredFile:
        """A file to send: a fresh upload, or a file_id the emulator already holds."""
        if value is None or value == "":
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                if len(value.data) > PHOTO_LIMIT:
                    raise bad_request("PHOTO_SAVE_FILE_INVALID")
                size = image_size(value.data)
                if size is None and _PILImage is not None:
                    raise bad_request("IMAGE_PROCESS_FAILED")
                if size is not None:
                    width, height = size
                    if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
                        raise bad_request("PHOTO_INVALID_DIMENSIONS")
                return self.store_file(value.data, "photo", size=size or (1, 1))
            if len(value.data) > DOCUMENT_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            mime = value.content_type
            if mime in (None, "application/octet-stream"):
                mime = None
            return self.store_file(value.data, "document", file_name=value.filename, mime_type=mime)
        if not isinstance(value, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = self._files.get(value)
        if stored is None:
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}")
        return stored

    def _apply_keyboard(self, chat: Chat, keyboard: dict[str, Any] | None) -> None:
        if keyboard is None:
            return
        if keyboard.get("remove_keyboard"):
            chat.reply_keyboard = None
        elif "keyboard" in keyboard:
            chat.reply_keyboard = keyboard

    # -- Bot API: the bot ---------------------------------------------------------------

    @api_method("getMe")
    async def _get_me(self, params: Params) -> Any:
        return self.me

    @api_method("logOut")
    async def _log_out(self, params: Params) -> Any:
        return True

    @api_method("close")
    async def _close(self, params: Params) -> Any:
        return True

    # -- Bot API: updates ---------------------------------------------------------------

    @api_method("getUpdates")
    async def _get_updates(self, params: Params) -> Any:
        if self.webhook:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        offset = params.int("offset")
        limit = min(max(params.int("limit", 100) or 100, 1), 100)
        timeout = min(max(params.int("timeout", 0) or 0, 0), 50)
        allowed = params.json("allowed_updates")
        if allowed is not None:
            self.allowed_updates = list(allowed) or None
        self._last_get_updates = (time.monotonic(), offset)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # an older long poll ends with 409, as on Telegram
        deadline = time.monotonic() + timeout
        while True:
            if self._poll_generation != generation:
                raise ApiError(409, _POLL_CONFLICT)
            if self.webhook:
                raise ApiError(409, _WEBHOOK_CONFLICT)
            if self._queue or self._closing:
                return [pending.payload for pending in self._queue[:limit]]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await self._updates_signal.wait(remaining)

    @api_method("setWebhook")
    async def _set_webhook(self, params: Params) -> Any:
        url = params.str("url") or ""
        if not url:
            self.webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.str("secret_token")
        if secret is not None and (
            not 1 <= len(secret) <= 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise bad_request("secret token contains unallowed characters")
        if params.bool("drop_pending_updates"):
            self._drop_pending()
        allowed = params.json("allowed_updates")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": list(allowed) if allowed else None,
            "max_connections": params.int("max_connections", 40),
        }
        self._webhook_error = None
        self._updates_signal.notify()
        self._ensure_webhook_worker()
        return True

    @api_method("deleteWebhook")
    async def _delete_webhook(self, params: Params) -> Any:
        self.webhook = None
        if params.bool("drop_pending_updates"):
            self._drop_pending()
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, params: Params) -> Any:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook:
            info["max_connections"] = self.webhook.get("max_connections") or 40
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
            if self._webhook_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _ensure_webhook_worker(self) -> None:
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _webhook_worker(self) -> None:
        """Deliver queued updates one at a time to the webhook, in order, as Telegram does."""
        while not self._closing:
            if not self.webhook or not self._queue or self._client is None:
                await self._updates_signal.wait(1.0)
                continue
            pending = self._queue[0]
            webhook = self.webhook
            headers = {}
            if webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            if self.webhook_new_connection:
                headers["Connection"] = "close"
            self._delivering = pending
            error: str | None = None
            try:
                async with self._client.post(
                    webhook["url"],
                    json=pending.payload,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response:
                    if 200 <= response.status < 300:
                        await self._webhook_reply(response)
                    else:
                        error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            finally:
                self._delivering = None
            if self._queue and self._queue[0] is pending:
                pending.attempts += 1
                if error is None or pending.attempts >= 3:
                    self._queue.pop(0)
                    if not pending.done.done():
                        if error is None:
                            pending.done.set_result(None)
                        else:
                            pending.done.set_exception(
                                WebhookDeliveryError(
                                    f"update {pending.update_id} not delivered to {webhook['url']}: {error}"
                                )
                            )
            if error is not None:
                self._webhook_error = (self._now(), error)
                await asyncio.sleep(0.1)

    async def _webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """Carry out a method the bot put in its webhook answer, as Telegram does."""
        values: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        if response.content_type == "application/json":
            try:
                body = await response.json()
            except ValueError:
                return
            if isinstance(body, dict):
                values = body
        elif response.content_type == "multipart/form-data":
            reader = aiohttp.MultipartReader(response.headers, response.content)
            while True:
                part = await reader.next()
                if part is None:
                    break
                assert isinstance(part, aiohttp.BodyPartReader)
                data = bytes(await part.read())
                if part.filename is not None:
                    files[part.name or ""] = Upload(part.filename, part.headers.get("Content-Type"), data)
                else:
                    values[part.name or ""] = data.decode("utf-8")
        method = values.pop("method", None)
        if not method:
            return
        entry = self._methods.get(str(method).lower())
        if entry is not None:
            await self.call(entry[0], entry[1], Params(values, files))

    # -- Bot API: messages --------------------------------------------------------------

    @api_method("sendMessage")
    async def _send_message(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        text, entities = self._formatted(params.str("text"), params.str("parse_mode"), params.json("entities"))
        rules.check_text(text)
        inline, keyboard = rules.check_reply_markup(params.json("reply_markup"))
        reply_to = self._reply_to(params, chat)
        self._check_reachable(chat)
        self._check_flood(chat)
        message = self.new_message(
            chat,
            from_bot=True,
            from_user=self.bot_user,
            raw_text=text,
            entities=entities,
            reply_markup=inline,
            keyboard=keyboard,
            reply_to=reply_to,
        )
        self._note_send(chat)
        self._apply_keyboard(chat, keyboard)
        return message.to_api()

    async def _send_media(self, params: Params, kind: str) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        caption, caption_entities = self._formatted(
            params.str("caption"), params.str("parse_mode"), params.json("caption_entities")
        )
        rules.check_caption(caption)
        inline, keyboard = rules.check_reply_markup(params.json("reply_markup"))
        reply_to = self._reply_to(params, chat)
        self._check_reachable(chat)
        stored = self._input_file(params.file_param(kind), kind)
        self._check_flood(chat)
        message = self.new_message(
            chat,
            from_bot=True,
            from_user=self.bot_user,
            caption=caption or None,
            caption_entities=caption_entities if caption else [],
            photo_file=stored if kind == "photo" else None,
            document_file=stored if kind == "document" else None,
            reply_markup=inline,
            keyboard=keyboard,
            reply_to=reply_to,
        )
        self._note_send(chat)
        self._apply_keyboard(chat, keyboard)
        return message.to_api()

    @api_method("sendPhoto")
    async def _send_photo(self, params: Params) -> Any:
        return await self._send_media(params, "photo")

    @api_method("sendDocument")
    async def _send_document(self, params: Params) -> Any:
        return await self._send_media(params, "document")

    @api_method("sendMediaGroup")
    async def _send_media_group(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        media = params.json("media")
        if not isinstance(media, list) or not media:
            raise bad_request('parameter "media" is required')
        if len(media) > 10:
            raise bad_request("too much messages to send as an album")
        if len(media) < 2:
            raise bad_request("an album must contain 2-10 media")
        kinds = set()
        items = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
                raise bad_request("can't parse InputMedia: the emulator supports photo and document albums")
            kind = item["type"]
            kinds.add(kind)
            caption, caption_entities = self._formatted(
                item.get("caption"), item.get("parse_mode"), item.get("caption_entities")
            )
            rules.check_caption(caption)
            items.append((kind, params.file(item.get("media")), caption, caption_entities))
        if len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        reply_to = self._reply_to(params, chat)
        self._check_reachable(chat)
        stored = [self._input_file(value, kind) for kind, value, _, _ in items]
        self._check_flood(chat)
        group_id = str(10**17 + secrets.randbelow(9 * 10**17))
        messages = [
            self.new_message(
                chat,
                from_bot=True,
                from_user=self.bot_user,
                caption=caption or None,
                caption_entities=caption_entities if caption else [],
                photo_file=file if kind == "photo" else None,
                document_file=file if kind == "document" else None,
                media_group_id=group_id,
                reply_to=reply_to,
            )
            for (kind, _, caption, caption_entities), file in zip(items, stored, strict=True)
        ]
        self._note_send(chat)
        return [m.to_api() for m in messages]

    @api_method("copyMessage")
    async def _copy_message(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        source_chat = self._find_chat(params.get("from_chat_id"))
        source = source_chat.messages.get(params.int("message_id") or 0)
        if source is None or source.deleted:
            raise bad_request("message to copy not found")
        fields: dict[str, Any] = {
            "raw_text": source.raw_text,
            "entities": list(source.entities),
            "caption": source.caption,
            "caption_entities": list(source.caption_entities),
            "photo_file": source.photo_file,
            "document_file": source.document_file,
        }
        if params.get("caption") is not None:
            caption, caption_entities = self._formatted(
                params.str("caption"), params.str("parse_mode"), params.json("caption_entities")
            )
            rules.check_caption(caption)
            fields["caption"], fields["caption_entities"] = caption or None, caption_entities
        inline, keyboard = rules.check_reply_markup(params.json("reply_markup"))
        self._check_reachable(chat)
        self._check_flood(chat)
        message = self.new_message(
            chat, from_bot=True, from_user=self.bot_user, reply_markup=inline, keyboard=keyboard, **fields
        )
        self._note_send(chat)
        return {"message_id": message.message_id}

    @api_method("editMessageText")
    async def _edit_message_text(self, params: Params) -> Any:
        message = self._message(params, action="edit")
        text, entities = self._formatted(params.str("text"), params.str("parse_mode"), params.json("entities"))
        rules.check_text(text)
        inline = self._edit_markup(params)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if message.raw_text is None:
            raise bad_request("there is no text in the message to edit")
        if text == message.raw_text and entities == message.entities and inline == message.reply_markup:
            raise bad_request(rules.NOT_MODIFIED)
        self._check_reachable(message.chat)
        self._edit(message, raw_text=text, entities=entities, reply_markup=inline)
        return message.to_api()

    @api_method("editMessageCaption")
    async def _edit_message_caption(self, params: Params) -> Any:
        message = self._message(params, action="edit")
        caption, caption_entities = self._formatted(
            params.str("caption"), params.str("parse_mode"), params.json("caption_entities")
        )
        rules.check_caption(caption)
        inline = self._edit_markup(params)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if message.photo_file is None and message.document_file is None:
            raise bad_request("there is no caption in the message to edit")
        new_caption = caption or None
        new_entities = caption_entities if caption else []
        if (
            new_caption == message.caption
            and new_entities == message.caption_entities
            and inline == message.reply_markup
        ):
            raise bad_request(rules.NOT_MODIFIED)
        self._check_reachable(message.chat)
        self._edit(message, caption=new_caption, caption_entities=new_entities, reply_markup=inline)
        return message.to_api()

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: Params) -> Any:
        message = self._message(params, action="edit")
        inline = self._edit_markup(params)
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if inline == message.reply_markup:
            raise bad_request(rules.NOT_MODIFIED)
        self._check_reachable(message.chat)
        self._edit(message, reply_markup=inline)
        return message.to_api()

    @staticmethod
    def _edit_markup(params: Params) -> dict[str, Any] | None:
        inline, keyboard = rules.check_reply_markup(params.json("reply_markup"))
        if keyboard is not None:
            raise bad_request("inline keyboard expected")
        return inline  # no reply_markup in an edit removes the inline keyboard

    @api_method("deleteMessage")
    async def _delete_message(self, params: Params) -> Any:
        message = self._message(params, action="delete")
        message.deleted = True
        message.deleted_at = time.monotonic()
        message.seq = self._bump()
        return True

    @api_method("deleteMessages")
    async def _delete_messages(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        ids = params.json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request('parameter "message_ids" must be an array of 1-100 identifiers')
        for message_id in ids:
            message = chat.messages.get(int(message_id))
            if message is not None and not message.deleted:
                message.deleted = True
                message.deleted_at = time.monotonic()
                message.seq = self._bump()
        return True

    @api_method("sendChatAction")
    async def _send_chat_action(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        action = params.str("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._check_reachable(chat)
        chat.chat_actions.append((time.monotonic(), action))
        return True

    @api_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: Params) -> Any:
        query = self.callback_queries.get(params.str("callback_query_id") or "")
        if query is None or query.answered:
            raise bad_request(_QUERY_TOO_OLD)
        if self.callback_query_ttl is not None and time.monotonic() - query.sent_at > self.callback_query_ttl:
            raise bad_request(_QUERY_TOO_OLD)
        text = params.str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        query.answered_at = time.monotonic()
        query.text = text
        query.show_alert = params.bool("show_alert")
        query.url = params.str("url")
        query.answered_event.set()
        return True

    # -- Bot API: files -----------------------------------------------------------------

    @api_method("getFile")
    async def _get_file(self, params: Params) -> Any:
        stored = self._files.get(params.str("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return stored.file()

    # -- Bot API: chats -----------------------------------------------------------------

    @api_method("getChat")
    async def _get_chat(self, params: Params) -> Any:
        chat = self._find_chat(params.get("chat_id"))
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    @api_method("setChatMenuButton")
    async def _set_chat_menu_button(self, params: Params) -> Any:
        button = params.json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
            raise bad_request("can't parse menu button JSON object")
        if params.get("chat_id") is not None:
            self._find_chat(params.get("chat_id")).menu_button = button
        else:
            self.default_menu_button = button if button["type"] != "default" else {"type": "commands"}
        return True

    @api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, params: Params) -> Any:
        if params.get("chat_id") is not None:
            chat = self._find_chat(params.get("chat_id"))
            if chat.menu_button and chat.menu_button.get("type") != "default":
                return chat.menu_button
        return self.default_menu_button

    # -- Bot API: commands and profile --------------------------------------------------

    @staticmethod
    def _language(params: Params) -> str:
        language = params.str("language_code") or ""
        if language and not (len(language) == 2 and language.isalpha() and language.islower()):
            raise bad_request("invalid language code specified")
        return language

    @api_method("setMyCommands")
    async def _set_my_commands(self, params: Params) -> Any:
        commands = rules.check_commands(params.json("commands"))
        key = (rules.scope_key(params.json("scope")), self._language(params))
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    @api_method("getMyCommands")
    async def _get_my_commands(self, params: Params) -> Any:
        return self.commands.get((rules.scope_key(params.json("scope")), self._language(params)), [])

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, params: Params) -> Any:
        self.commands.pop((rules.scope_key(params.json("scope")), self._language(params)), None)
        return True

    async def _set_text(self, params: Params, kind: str, limit: int) -> Any:
        text = params.str(kind) or ""
        if len(text) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        key = (kind, self._language(params))
        if text:
            self.descriptions[key] = text
        else:
            self.descriptions.pop(key, None)
        return True

    def _get_text(self, params: Params, kind: str) -> Any:
        language = self._language(params)
        default = self.me["first_name"] if kind == "name" else ""
        return {kind: self.descriptions.get((kind, language), self.descriptions.get((kind, ""), default))}

    @api_method("setMyDescription")
    async def _set_my_description(self, params: Params) -> Any:
        return await self._set_text(params, "description", 512)

    @api_method("getMyDescription")
    async def _get_my_description(self, params: Params) -> Any:
        return self._get_text(params, "description")

    @api_method("setMyShortDescription")
    async def _set_my_short_description(self, params: Params) -> Any:
        return await self._set_text(params, "short_description", 120)

    @api_method("getMyShortDescription")
    async def _get_my_short_description(self, params: Params) -> Any:
        return self._get_text(params, "short_description")

    @api_method("setMyName")
    async def _set_my_name(self, params: Params) -> Any:
        return await self._set_text(params, "name", 64)

    @api_method("getMyName")
    async def _get_my_name(self, params: Params) -> Any:
        return self._get_text(params, "name")

"""What the emulator remembers: chats, messages, files, calls, callback queries, faults."""

from __future__ import annotations

import asyncio
import bisect
import math
from dataclasses import dataclass, field
from typing import Any

from .html_check import to_html

# Methods that put a new message into a chat: what Telegram's flood limits count.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class StoredFile:
    """A file the emulator holds: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    data: bytes
    kind: str  # "photo" or "document"
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 1,
            "height": self.height or 1,
            "file_size": self.size,
        }

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    # Private chats only: the user has written to the bot / has blocked it.
    started: bool = True
    blocked: bool = False
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    next_message_id: int = 1
    chat_actions: list[tuple[float, str]] = field(default_factory=list)
    menu_button: dict[str, Any] | None = None
    reply_keyboard: dict[str, Any] | None = None

    def to_api(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                chat[key] = value
        return chat

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class ChatMessage:
    """A message in a chat, in its current state; ``history`` keeps its earlier versions.

    ``text`` is what a person reads: the text of a text message, the caption of a photo
    or a document. ``buttons`` are the inline keyboard as rows of (text, callback_data or
    url). ``photo`` and ``document`` are :class:`StoredFile` with the bytes in ``.data``.
    """

    message_id: int
    chat: Chat
    date: int
    from_user: dict[str, Any] | None
    from_bot: bool
    seq: int  # the emulator's change counter at the last send/edit/delete
    sent_at: float  # time.monotonic()
    raw_text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    photo_file: StoredFile | None = None
    document_file: StoredFile | None = None
    media_group_id: str | None = None
    reply_markup: dict[str, Any] | None = None  # inline keyboard only, as Telegram returns it
    keyboard: dict[str, Any] | None = None  # a reply keyboard / remove / force_reply sent with it
    reply_to: ChatMessage | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # anything else from a raw update
    edit_date: int | None = None
    edited_at: float | None = None
    deleted: bool = False
    deleted_at: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    # -- what a person sees -------------------------------------------------------------

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def text(self) -> str | None:
        return self.raw_text if self.raw_text is not None else self.caption

    @property
    def html(self) -> str | None:
        """The text (or caption) rendered back to Telegram HTML with its entities."""
        if self.raw_text is not None:
            return to_html(self.raw_text, self.entities)
        if self.caption is not None:
            return to_html(self.caption, self.caption_entities)
        return None

    @property
    def photo(self) -> StoredFile | None:
        return self.photo_file

    @property
    def document(self) -> StoredFile | None:
        return self.document_file

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as (text, callback_data, or url for link buttons)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def edited(self) -> bool:
        return bool(self.history)

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.raw_text,
            "entities": list(self.entities),
            "caption": self.caption,
            "caption_entities": list(self.caption_entities),
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
            "at": self.edited_at if self.edited_at is not None else self.sent_at,
        }

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API ``Message`` object."""
        message: dict[str, Any] = {"message_id": self.message_id}
        if self.from_user is not None:
            message["from"] = self.from_user
        message["chat"] = self.chat.to_api()
        message["date"] = self.date
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.media_group_id:
            message["media_group_id"] = self.media_group_id
        if with_reply and self.reply_to is not None and not self.reply_to.deleted:
            message["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.raw_text is not None:
            message["text"] = self.raw_text
            if self.entities:
                message["entities"] = self.entities
        if self.photo_file is not None:
            message["photo"] = [self.photo_file.photo_size()]
        if self.document_file is not None:
            message["document"] = self.document_file.document()
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        message.update(self.extra)
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else "user"
        state = " deleted" if self.deleted else (" edited" if self.edited else "")
        media = " photo" if self.photo_file else (" document" if self.document_file else "")
        buttons = f" buttons={self.button_texts}" if self.reply_markup else ""
        return f"<ChatMessage {self.chat.id}/{self.message_id} {who}{media}{state} {self.text!r}{buttons}>"


@dataclass
class CallRecord:
    """One Bot API call the bot made, and how it ended."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() when the request arrived
    files: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # field: (name, size)
    finished: float | None = None
    status: int | None = None
    ok: bool | None = None
    result: Any = None
    description: str | None = None
    retry_after: int | None = None
    injected: bool = False

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"<Call {self.method} chat={self.chat_id} {outcome}>"


@dataclass
class CallbackQuery:
    """A button press the emulator sent, and the bot's answer to it."""

    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str | None
    sent_at: float
    answered: bool = False
    answered_at: float | None = None
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    # Resolved when the bot answers (benchmarks wait on it instead of polling).
    answered_event: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)


@dataclass
class Fault:
    """A planned failure (or delay) for the next ``times`` matching calls."""

    method: str  # lower-case method name, or "*"
    status: int | None = None
    description: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    chat_id: Any = None
    used: int = 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.times <= 0:
            return False
        if self.method != "*" and self.method != method.lower():
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass
class PendingUpdate:
    update_id: int
    payload: dict[str, Any]
    kind: str
    description: str
    created_at: float
    done: asyncio.Future[None]
    attempts: int = 0
    dropped: bool = False


DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def count_per_window(times: list[float], window: float = 1.0, start: float | None = None) -> list[int]:
    """Counts of ``times`` in consecutive windows ``[start + k*window, start + (k+1)*window)``.

    ``start`` defaults to the first time. ``[0.0, 0.5, 0.99, 1.0, 2.5]`` gives ``[3, 1, 1]``.
    """
    if not times:
        return []
    ordered = sorted(times)
    origin = ordered[0] if start is None else start
    counts: list[int] = []
    for t in ordered:
        index = int(math.floor((t - origin) / window + 1e-9))
        if index < 0:
            continue
        while len(counts) <= index:
            counts.append(0)
        counts[index] += 1
    return counts


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most ``times`` that fall in any half-open sliding window of ``window`` seconds."""
    ordered = sorted(times)
    best = 0
    for i, t in enumerate(ordered):
        j = bisect.bisect_left(ordered, t + window)
        best = max(best, j - i)
    return best

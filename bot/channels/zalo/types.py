"""What the Zalo client hands the conversations, and what the conversations need of it.

The client (bot/channels/zalo/client.py) turns a getUpdates result or a webhook body into
`Incoming`; the conversations (bot/channels/zalo/conversation.py) answer through a `Sender`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, Protocol

TEXT_MAX = 2000  # Zalo's limit on a text message and on a photo's caption

EventKind = Literal["text", "image", "sticker", "unsupported"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One event from a person: message.text.received → "text", message.image.received →
    "image" (photo_url, caption), message.sticker.received → "sticker", anything else →
    "unsupported"."""

    kind: EventKind
    chat_id: str
    user_id: str
    name: str
    message_id: str
    date_ms: int
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    private: bool = True
    sticker: str | None = None  # the sticker's id, for "sticker"
    event: str = ""  # the update's event_name as it came ("message.text.received")

    @property
    def ledger_id(self) -> int:
        """The event as a number for the ledger of updates handled once (storage/updates.py),
        apart from Telegram's update ids, which are positive: a negative 63-bit digest of the
        message id."""
        digest = hashlib.blake2b(f"zalo:{self.message_id}".encode(), digest_size=8).digest()
        return -(int.from_bytes(digest, "big") >> 1) - 1


class Sender(Protocol):
    """The calls the conversations make (the client implements them; tests may record them)."""

    async def send_message(self, chat_id: str, text: str) -> str: ...

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> str: ...

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None: ...

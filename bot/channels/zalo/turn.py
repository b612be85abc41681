"""One event of a Zalo chat, and where the chat stands: the pieces every part of the Zalo
conversations shares (the self-assessment in conversation.py, onboarding.py, profile.py,
share.py, leader.py), so they import one module and not each other.

- `ChatState`: the step, its data and the last screen shown (its buttons are the numbered
  menu a reply refers to), kept in the database by ZaloConversations;
- reading a text: commands with or without the slash and in Vietnamese words (`command_of`),
  numbers ("2", "2 3", "1111111": `numbers_of`);
- `Turn`: one event, the person, the services, and the screens to send back;
- `Hint`: input that does not fit, said in a short line before the current question again.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.campaign.schema import Campaign
from bot.channels.zalo import leaders
from bot.channels.zalo.types import Incoming
from bot.services.checkin import CheckinService
from bot.services.errors import DomainError
from bot.services.provider import Services
from bot.views import checkin as views
from bot.views.screen import Action, Screen
from storage.models import User

if TYPE_CHECKING:
    from bot.channels.zalo.conversation import ZaloConversations

KEY_PREFIX = "zalo:"  # a chat's state is kept under "zalo:<chat>"

# -- where a chat stands -------------------------------------------------------------------


@dataclass
class ChatState:
    """The step (None: no text expected), its data, and the last screen shown (its
    buttons are the numbered menu)."""

    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, Any] | None = None
    outbox: int = 0  # the newest outbox row to this chat already taken into account

    @property
    def screen(self) -> Screen | None:
        return Screen.load(self.shown) if self.shown else None

    @property
    def menu(self) -> tuple[Action, ...]:
        screen = self.screen
        if screen is None:
            return ()
        return tuple(b.action for b in screen.buttons if b.action is not None)

    def dumps(self) -> str:
        body = {"data": self.data, "shown": self.shown, "outbox": self.outbox}
        return json.dumps(body, ensure_ascii=False, sort_keys=True)

    @staticmethod
    def loads(step: str | None, raw: str) -> ChatState:
        try:
            body = json.loads(raw or "{}")
            return ChatState(step, dict(body.get("data") or {}), body.get("shown"), int(body.get("outbox") or 0))
        except (ValueError, KeyError, TypeError):  # a record from an older layout: start afresh
            return ChatState()


# -- reading what a person sends ------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Tự  Đánh giá" → "tu danh gia"."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


# Each command: its English name and the Vietnamese words that say it (folded: no diacritics).
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "start": ("start", "bat dau"),
    "checkin": ("checkin", "check-in", "tu danh gia", "danh gia"),
    "history": ("history", "lich su"),
    "help": ("help", "tro giup", "giup", "huong dan"),
    "cancel": ("cancel", "huy", "thoi"),  # not "dừng": folded, it is "đúng" (yes)
    "settings": ("settings", "cai dat"),
    "mydata": ("mydata", "du lieu cua toi", "du lieu"),
    "forget": ("forget", "xoa du lieu"),
    "share": ("share", "chia se", "guong dien hinh"),
    "myshares": ("myshares", "guong dien hinh cua toi"),
    **leaders.ALL_WORDS,  # unit leaders (bot/channels/zalo/leaders.py)
}
COMMANDS_BY_WORD = {word: name for name, words in COMMAND_WORDS.items() for word in words}
ALL_GOOD_WORDS = ("tot het", "tat ca tot", "all good")
NUMBERS = re.compile(r"^\d+(?:[\s,;.]+\d+)*$")


def command_of(text: str) -> str | None:
    folded = fold(text)
    if folded.startswith("/"):
        folded = folded[1:].split("@", 1)[0]
    return COMMANDS_BY_WORD.get(folded.strip(" .!"))


def numbers_of(text: str) -> list[int] | None:
    """ "2", "2 3", "2, 3" → their numbers; "1111111" → its digits. None: not numbers."""
    text = text.strip().strip(".")
    if not NUMBERS.match(text):
        return None
    parts = re.split(r"[\s,;.]+", text)
    if len(parts) == 1 and len(text) > 2:
        return [int(ch) for ch in text]  # "1111111": one digit per question
    return [int(p) for p in parts]


# -- one event -------------------------------------------------------------------------------


class Hint(Exception):
    """Input that does not fit: said in a short line, and the current question again."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


Handler = Callable[["Turn", Any], Awaitable[None]]


@dataclass
class Turn:
    """One event from one person: what they sent, who they are, where the chat stands, and
    the screens to send back."""

    conv: ZaloConversations
    incoming: Incoming
    services: Services
    user: User | None
    state: ChatState
    out: list[Screen] = field(default_factory=list)

    @property
    def checkin(self) -> CheckinService:
        return self.services.checkin

    @property
    def campaign(self) -> Campaign:
        return self.services.campaign

    def show(self, screen: Screen, *, above: str = "", step: str | None = None, **data: Any) -> None:
        """Send a screen (with a line `above` it: a confirmation, a hint); the screen becomes
        the chat's question (its menu) and step, asked again as it is after a bad reply."""
        self.out.append(screen.above(above))
        self.state.shown = screen.dump()
        self.state.step = step
        self.state.data = dict(data)

    def say(self, text: str) -> None:
        """A line that changes nothing of where the chat stands."""
        self.out.append(Screen(text))

    def reask(self, hint: str) -> None:
        """The hint, and the current question again (when there is one)."""
        current = self.state.screen
        if current is not None and (current.buttons or self.state.step):
            self.out.append(current.above(hint))
        else:
            self.out.append(Screen(hint))

    async def checkin_position(self) -> Screen:
        assert self.user is not None
        return views.current_screen(self.campaign, await self.checkin.position(self.user))


def person_of(turn: Turn) -> User:
    """The registered person of this event (a step that needs one refuses the unknown)."""
    if turn.user is None:
        raise DomainError("not_registered")
    return turn.user

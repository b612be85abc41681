"""A screen: what the bot shows a person, said apart from any channel.

A view (a module of this package) is a pure function from what a service returned to a
`Screen`: the text, buttons that each name an `Action`, and attachments. A channel's
renderer draws it: Telegram's (bot/channels/telegram/render.py) as HTML with an inline
keyboard, Zalo's as plain text with a short numbered menu.

The text is Telegram's HTML subset (<b>, <i>, <u>, <code>, <a href>, <blockquote>), with
every piece of user text escaped; a channel without markup drops the tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Action(BaseModel):
    """What a tap asks for: a small frozen model (small enum and int fields, no free text).

    Every subclass is known by its class name, so a screen can be stored (the outbox) and
    read back (`Action.load`)."""

    model_config = ConfigDict(frozen=True)
    registry: ClassVar[dict[str, type[Action]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A channel's factory that derives from an action (Telegram's CallbackData) is not
        # an action of its own.
        if not any(issubclass(base, Action) and base is not Action for base in cls.__bases__):
            if Action.registry.get(cls.__name__, cls) is not cls:
                raise TypeError(f"two actions are named {cls.__name__}")
            Action.registry[cls.__name__] = cls

    def dump(self) -> dict[str, Any]:
        return {"t": self.action_type().__name__, **self.model_dump(mode="json")}

    @classmethod
    def action_type(cls) -> type[Action]:
        """The neutral action this class is, or derives from (a channel's factory)."""
        for klass in cls.__mro__:
            if Action.registry.get(klass.__name__) is klass:
                return klass
        raise TypeError(f"{cls.__name__} is not an action")

    @staticmethod
    def load(data: dict[str, Any]) -> Action:
        data = dict(data)
        return Action.registry[data.pop("t")].model_validate(data)


@dataclass(frozen=True, slots=True)
class Button:
    """A button: a label and what it does (an action, or a web address to open)."""

    label: str
    action: Action | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture: bytes with a file name, or a channel's file reference (Telegram's file_id)."""

    data: bytes | str
    filename: str = "photo.png"
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A file to download: bytes with a file name (DOCX, XLSX, CSV, PDF)."""

    data: bytes | str
    filename: str
    caption: str = ""


Attachment = Photo | Document
Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Screen:
    """Text, rows of buttons and attachments. `notice`: a short line for the person who
    tapped (Telegram shows it as the tap's answer; a text channel says it first)."""

    text: str
    rows: Rows = ()
    attachments: tuple[Attachment, ...] = ()
    notice: str = ""
    alert: bool = False  # the notice needs acknowledging (Telegram: a dialog, not a toast)
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def buttons(self) -> list[Button]:
        return [b for row in self.rows for b in row]

    def above(self, text: str) -> Screen:
        """The same screen with a line (a confirmation, a hint) put above its text."""
        return replace(self, text=f"{text}\n\n{self.text}" if text else self.text)

    def with_notice(self, notice: str, *, alert: bool = False) -> Screen:
        return replace(self, notice=notice, alert=alert)

    def dump(self) -> dict[str, Any]:
        """A JSON-ready form (the outbox keeps screens this way). Attachments are not kept."""
        return {
            "text": self.text,
            "rows": [
                [{"label": b.label, "action": b.action.dump() if b.action else None, "url": b.url} for b in row]
                for row in self.rows
            ],
        }

    @staticmethod
    def load(data: dict[str, Any]) -> Screen:
        rows = tuple(
            tuple(Button(b["label"], Action.load(b["action"]) if b.get("action") else None, b.get("url")) for b in row)
            for row in data.get("rows", ())
        )
        return Screen(data["text"], rows)


def rows(buttons: Iterable[Button], *sizes: int) -> Rows:
    """Buttons laid out in rows of the given sizes, the last size repeated (as aiogram's
    InlineKeyboardBuilder.adjust): rows(bs, 3, 1) → three on the first row, then one a row.
    No sizes: one button a row."""
    items = list(buttons)
    widths: Sequence[int] = sizes or (1,)
    out: list[tuple[Button, ...]] = []
    i = 0
    n = 0
    while i < len(items):
        width = widths[min(n, len(widths) - 1)]
        out.append(tuple(items[i : i + width]))
        i += width
        n += 1
    return tuple(out)

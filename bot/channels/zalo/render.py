"""Zalo's renderer: a screen becomes plain-text messages, a short numbered menu and pictures
as web addresses.

Zalo has no markup, no buttons, no edits and no documents (../shared/reference/zalo-bot-api.md):
- the screen's HTML subset becomes plain text (tags dropped, entities read back, a quote
  kept as its own lines);
- its buttons become a numbered menu, "1 Tốt · 2 Đạt · 3 Chưa đạt" on one line when short,
  one a line when long; the actions come back in the menu's order, so the conversation
  maps a reply ("2") to what the button would have done;
- texts longer than Zalo's 2,000 characters are split at line breaks;
- a picture is sent by its address: `publish` puts the bytes on the bot's web server
  (PUBLIC_URL). Without it a picture or a file is named, and said to be on Telegram.

A Telegram edit in place has no Zalo equivalent: the next screen is a new message.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.channels.zalo.types import TEXT_MAX
from bot.i18n import _
from bot.views.screen import Action, Button, Document, Photo, Screen

#: Bytes and a file name → a web address that serves them (the bot's own server, PUBLIC_URL).
Publish = Callable[[bytes, str], Awaitable[str]]

MENU_LINE_MAX = 64  # a menu up to this long stays on one line: it fits a phone's width
MENU_SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Picture:
    url: str
    caption: str = ""


Outgoing = Text | Picture


@dataclass(frozen=True, slots=True)
class Rendered:
    """What to send, in order, and the actions of the numbered menu (reply "1" → menu[0])."""

    messages: tuple[Outgoing, ...]
    menu: tuple[Action, ...] = ()


# -- text ---------------------------------------------------------------------------------


class _Plain(HTMLParser):
    """Telegram's HTML subset read as plain text: tags dropped, a link's address kept after
    its words, each line of a quote kept as a line of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._href: list[str | None] = []
        self._link_start: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._link_start.append(len(self.out))
        elif tag == "blockquote":
            self._break()
        elif tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            href, start = self._href.pop(), self._link_start.pop()
            words = "".join(self.out[start:]).strip()
            if href and href != words and not href.startswith("tg://"):
                self.out.append(f" ({href})")
        elif tag == "blockquote":
            self._break()

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def _break(self) -> None:
        if self.out and not "".join(self.out[-1:]).endswith("\n"):
            self.out.append("\n")

    def text(self) -> str:
        return "".join(self.out)


def plain(text: str) -> str:
    """The screen's HTML as Zalo's plain text."""
    parser = _Plain()
    parser.feed(text)
    parser.close()
    out = parser.text()
    if "&" in out:  # an entity the parser left (a bare "&" stays as it is)
        out = html.unescape(out)
    # No more than one empty line in a row; no spaces at the ends of lines.
    lines = [line.rstrip() for line in out.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _decoration(ch: str) -> bool:
    """An emoji, a symbol or an arrow that decorates a button's label (kept: ☑, the mark)."""
    if ch == "☑":
        return False
    return unicodedata.category(ch) in ("So", "Sk", "Sm", "Mn", "Cf") or ch in "\ufe0f\u200d"


def label(text: str) -> str:
    """A button's label without the pictures at its ends ("🟢 Good" → "Good",
    "Continue ➡" → "Continue"): the number leads the eye instead; a marked box ☑ stays."""
    full = plain(text).strip()
    start, end = 0, len(full)
    text = full
    while start < end and (_decoration(text[start]) or text[start].isspace()):
        start += 1
    while end > start and (_decoration(text[end - 1]) or text[end - 1].isspace()):
        end -= 1
    text = text[start:end].replace("☐", "").strip()
    return text or full


def menu(buttons: list[Button]) -> tuple[str, tuple[Action, ...]]:
    """Numbered lines for the buttons that act, and lines "label: address" for links."""
    acting = [b for b in buttons if b.action is not None]
    links = [b for b in buttons if b.action is None and b.url]
    items = [f"{n} {label(b.label)}" for n, b in enumerate(acting, start=1)]
    one_line = MENU_SEPARATOR.join(items)
    lines: list[str] = []
    if items:
        lines = [one_line] if len(one_line) <= MENU_LINE_MAX else items
    lines += [f"{label(b.label)}: {b.url}" for b in links]
    return "\n".join(lines), tuple(b.action for b in acting if b.action is not None)


def split(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Messages of at most `limit` characters, cut at line breaks (a line longer than the
    limit alone is cut at a space, or hard when it has none)."""
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut].rstrip(), line[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = line
    if current:
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


# -- the whole screen ------------------------------------------------------------------------


def not_here(item: Photo | Document) -> str:
    """A line for a picture or a file that cannot reach Zalo (no PUBLIC_URL)."""
    what = plain(item.caption) if item.caption else item.filename
    if isinstance(item, Photo):
        return _("{what}: the picture is shown on Telegram.").format(what=what)
    return _("{what}: the file can be downloaded on Telegram, or ask an administrator.").format(what=what)


async def render(screen: Screen, publish: Publish | None = None) -> Rendered:
    """The screen as Zalo messages: its notice, its text with the numbered menu below, then
    its pictures (by address when `publish` is given; otherwise a line each)."""
    body = plain(screen.text)
    if screen.notice:
        notice = plain(screen.notice)
        body = f"{notice}\n\n{body}" if body else notice
    numbered, actions = menu(screen.buttons)
    if numbered:
        body = f"{body}\n\n{numbered}" if body else numbered
    pictures: list[Outgoing] = []
    absent: list[str] = []
    for item in screen.attachments:
        if publish is not None and isinstance(item.data, bytes):
            url = await publish(item.data, item.filename)
            if isinstance(item, Photo):
                pictures.append(Picture(url, split(plain(item.caption))[0] if item.caption else ""))
            else:
                what = plain(item.caption) if item.caption else item.filename
                pictures.append(Text(f"{what}: {url}"))
        elif item.caption:  # a nameless picture without an address is left out
            absent.append(not_here(item))
    if absent:
        body = "\n\n".join([body, *absent]) if body else "\n\n".join(absent)
    messages: list[Outgoing] = [Text(part) for part in split(body)]
    messages += pictures
    return Rendered(tuple(messages), actions)

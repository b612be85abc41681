"""Telegram's renderer: a screen becomes HTML text, an inline keyboard and media.

Handlers and scheduler jobs draw with the same views (bot/views); this module is the only
place a screen meets aiogram's types.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import FACTORIES
from bot.views.screen import Action, Attachment, Button, Document, Photo, Screen

CAPTION_MAX = 1024  # Telegram's limit on a photo's or a document's caption
TEXT_MAX = 4096


def callback_data(action: Action) -> str:
    """The action packed by its CallbackData factory (at most 64 bytes, checked by aiogram)."""
    factory = FACTORIES[action.action_type()]
    if isinstance(action, factory):
        return action.pack()
    return factory(**action.model_dump()).pack()


def button(b: Button) -> InlineKeyboardButton:
    if b.url is not None:
        return InlineKeyboardButton(text=b.label, url=b.url)
    if b.action is None:
        raise ValueError(f"button {b.label!r} does nothing")
    return InlineKeyboardButton(text=b.label, callback_data=callback_data(b.action))


def markup(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as an inline keyboard; None when it has none."""
    if not screen.rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[button(b) for b in row] for row in screen.rows if row])


def input_file(item: Attachment) -> InputFile | str:
    if isinstance(item.data, str):  # a file_id Telegram already has
        return item.data
    return BufferedInputFile(item.data, filename=item.filename)


def payload(screen: Screen, *, method: str = "sendMessage", **extra: Any) -> dict[str, Any]:
    """An outbox body: the Bot API request Telegram's sender posts, and under "screen" the
    screen itself, which a channel without Telegram's markup (Zalo) renders its own way."""
    body: dict[str, Any] = {"method": method, **extra, "screen": screen.dump()}
    body["caption" if method in ("sendPhoto", "sendDocument") else "text"] = screen.text
    kb = markup(screen)
    if kb is not None:
        body["reply_markup"] = kb.model_dump(mode="json", exclude_none=True)
    return body


async def _attachments(bot: Bot, chat_id: int, screen: Screen) -> list[Message]:
    """Each attachment; a screen with no text has its buttons under its last attachment."""
    sent = []
    last = len(screen.attachments) - 1
    for i, item in enumerate(screen.attachments):
        caption = item.caption[:CAPTION_MAX] or None
        kb = markup(screen) if i == last and not screen.text else None
        if isinstance(item, Photo):
            sent.append(await bot.send_photo(chat_id, input_file(item), caption=caption, reply_markup=kb))
        elif isinstance(item, Document):
            sent.append(await bot.send_document(chat_id, input_file(item), caption=caption, reply_markup=kb))
    return sent


async def send(bot: Bot, chat_id: int, screen: Screen) -> Message | None:
    """Send a screen as new messages: the text and buttons, then each attachment (a screen
    with no text is its attachments alone). Returns the text's message."""
    message = None
    if screen.text:
        message = await bot.send_message(chat_id, screen.text, reply_markup=markup(screen))
    await _attachments(bot, chat_id, screen)
    return message


async def reply(message: Message, screen: Screen) -> Message | None:
    """Answer a message with a screen (in the same chat)."""
    if message.bot is None:
        raise RuntimeError("a message without its bot")
    return await send(message.bot, message.chat.id, screen)


async def show(query: CallbackQuery, screen: Screen, answer: CallbackAnswer | None = None) -> None:
    """Replace the tapped message's text and buttons with the screen (button-driven steps
    edit in place). A repeated tap that changes nothing (Telegram's "message is not
    modified") is not an error; an inaccessible message is left. The screen's notice
    becomes the tap's answer; its attachments are sent below."""
    if answer is not None and screen.notice and not answer.answered:
        answer.text, answer.show_alert = screen.notice[:200], screen.alert
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(screen.text, reply_markup=markup(screen))
    except TelegramBadRequest as exc:
        if "message is not modified" not in str(exc):
            raise
    if screen.attachments and query.message.bot is not None:
        await _attachments(query.message.bot, query.message.chat.id, screen)


async def edit(message: Message, screen: Screen) -> None:
    """Replace a message the bot sent (a "working on it…" line) with the screen's text and
    buttons; its attachments are sent below."""
    await message.edit_text(screen.text, reply_markup=markup(screen))
    if screen.attachments and message.bot is not None:
        await _attachments(message.bot, message.chat.id, screen)


async def show_buttons(query: CallbackQuery, screen: Screen) -> None:
    """Replace only the tapped message's buttons (its text stays as it was)."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=markup(screen))
    except TelegramBadRequest as exc:
        if "message is not modified" not in str(exc):
            raise

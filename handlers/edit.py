"""Editing the message whose button was tapped, the way every card of the bot is updated."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


async def edit_in_place(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the tapped message's text and buttons. A repeated tap that changes nothing
    (Telegram's "message is not modified") is not an error; an inaccessible message is left."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in str(exc):
            raise


async def edit_markup_in_place(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Replace only the tapped message's buttons (its text stays as it was): the same
    rules as edit_in_place."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_reply_markup(reply_markup=markup)
    except TelegramBadRequest as exc:
        if "message is not modified" not in str(exc):
            raise

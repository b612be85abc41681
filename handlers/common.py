"""/help and /cancel, from anywhere; and the catch-all, which comes last (views:
bot/views/common.py). Also the person's own command menu, which follows their language and role."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.campaign.schema import Campaign
from bot.channels.telegram.render import reply
from bot.config import Settings
from bot.domain import Person
from bot.services.audit import configure_log_key
from bot.views.common import (
    cancelled_screen,
    edited_screen,
    help_screen,
    not_understood_screen,
    stale_button_notice,
    unexpected_in_flow_screen,
)

log = logging.getLogger(__name__)


async def configure_logging(settings: Settings) -> None:
    """At start: the key under which people are named in the log (bot.services.audit)."""
    configure_log_key(settings)


async def show_help(message: Message, user: Person, campaign: Campaign) -> None:
    await reply(message, help_screen(user, campaign))


async def cancel(message: Message, state: FSMContext, raw_state: str | None, user: Person | None) -> None:
    await state.clear()
    await reply(message, cancelled_screen(user, had_step=raw_state is not None))


async def unknown_message(message: Message, user: Person | None) -> None:
    await reply(message, not_understood_screen(user))


async def unexpected_in_flow(message: Message) -> None:
    """Something other than the expected text or tap, in the middle of a step."""
    await reply(message, unexpected_in_flow_screen())


async def edited_message(message: Message, user: Person | None) -> None:
    """An edit of a message already handled: its first version was taken (or refused) and
    the step has moved on, so the edit is not read again; say so rather than stay silent."""
    await reply(message, edited_screen(user))


async def stale_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = stale_button_notice()


def make_router() -> Router:  # open to everyone
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="common")
    router.startup.register(configure_logging)
    router.message.register(cancel, Command("cancel"), StateFilter("*"))
    return router


def make_member() -> Router:  # registered people only (gated in bot.app)
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="member")
    router.message.register(show_help, Command("help"))
    return router


def make_fallback() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="fallback")
    router.message.register(unknown_message, StateFilter(None))
    router.message.register(unexpected_in_flow)
    router.edited_message.register(edited_message, StateFilter("*"))
    router.callback_query.register(stale_button)
    return router

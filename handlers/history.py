"""/history (SPEC §3.3): recent weeks, the streak and a per-criterion chart."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.channels.telegram.render import reply
from bot.domain import Person
from bot.services.checkin import CheckinService
from bot.views.history import history_screen

WEEKS = 10


async def show_history(message: Message, checkin: CheckinService, user: Person) -> None:
    history = await checkin.history(user, weeks=WEEKS)
    # Drawing the chart takes a moment: keep it off the event loop.
    await reply(message, await asyncio.to_thread(history_screen, history, checkin.campaign))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="history")
    router.message.register(show_history, Command("history"))
    return router

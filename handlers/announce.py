"""/announce for administrators (SPEC §3.8): a message to a role and/or a unit (with its
sub-units), through the outbox (bot/services/announcements.py). Routing only: the views
draw each step (bot/views/announce.py).

Steps: the audience (role buttons, then a unit code or "all units"; or both at once:
/announce leader VP), the text (its formatting kept), then a preview with the number of
recipients and a confirmation. Only the confirmation queues anything; the sender reports
back when the broadcast is delivered.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import i18n
from bot.channels.telegram.callbacks import AnnounceAct, AnnounceCB
from bot.channels.telegram.render import payload, reply, show
from bot.config import Settings
from bot.domain import Person
from bot.services.announcements import AUDIENCE_ROLES, TEXT_MAX, AnnouncementService, Audience
from bot.services.errors import InvalidInput
from bot.views.announce import (
    all_units_screen,
    announcement_text,
    ask_text_screen,
    cancelled_screen,
    inactive_notice,
    nobody_screen,
    preview_screen,
    queued_screen,
    roles_screen,
    unit_question_screen,
)
from bot.views.screen import Screen
from handlers.filters import TYPED

ROLE_WORDS = {"all": 0, "employee": 1, "leader": 2, "comms": 3}  # indexes in AUDIENCE_ROLES
HTML_MAX = 3900  # the text with its formatting, below 4096 with the header


class AnnounceStates(StatesGroup):
    unit = State()  # data: role (an index in AUDIENCE_ROLES)
    text = State()  # data: role, unit (an id; 0: all units)
    confirm = State()  # data: role, unit, html, token


async def _ask_text(message: Message, state: FSMContext, audience: Audience) -> None:
    await state.set_state(AnnounceStates.text)
    await state.update_data(role=audience.role, unit=audience.unit.id if audience.unit else 0)
    await reply(message, ask_text_screen(audience))


async def announce_command(
    message: Message, command: CommandObject, state: FSMContext, announcements: AnnouncementService
) -> None:
    await state.clear()
    args = (command.args or "").split()
    if not args:
        await reply(message, roles_screen())
        return
    if args[0].lower() not in ROLE_WORDS:
        raise InvalidInput("announce_usage")
    unit = await announcements.unit_by_code(args[1]) if len(args) > 1 else None
    await _ask_text(message, state, Audience(ROLE_WORDS[args[0].lower()], unit))


async def unit_typed(message: Message, state: FSMContext, announcements: AnnouncementService) -> None:
    data = await state.get_data()
    unit = await announcements.unit_by_code(message.text or "")
    await _ask_text(message, state, Audience(int(data.get("role", 0)), unit))


async def text_typed(
    message: Message, state: FSMContext, announcements: AnnouncementService, settings: Settings
) -> None:
    AnnouncementService.check_text(message.text or "")
    html = message.html_text
    if len(html) > HTML_MAX:
        raise InvalidInput("announce_text", max=TEXT_MAX, length=len(message.text or ""))
    data = await state.get_data()
    audience = await announcements.preview(int(data.get("role", 0)), int(data.get("unit", 0) or 0))
    if not audience.people:
        await state.clear()
        await reply(message, nobody_screen(audience))
        return
    await state.set_state(AnnounceStates.confirm)
    await state.update_data(html=html, token=secrets.token_hex(4))
    await reply(message, preview_screen(audience, settings.standing_agency, html))


async def cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await show(query, cancelled_screen())


async def role(query: CallbackQuery, callback_data: AnnounceCB, state: FSMContext) -> None:
    if not 0 <= callback_data.v < len(AUDIENCE_ROLES):
        raise InvalidInput("criterion")
    await state.set_state(AnnounceStates.unit)
    await state.update_data(role=callback_data.v)
    await show(query, unit_question_screen(callback_data.v))


async def all_units(query: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext) -> None:
    if await state.get_state() != AnnounceStates.unit.state:
        callback_answer.text = inactive_notice()
        return
    data = await state.get_data()
    if isinstance(query.message, Message):
        await show(query, all_units_screen())
        await _ask_text(query.message, state, Audience(int(data.get("role", 0)), None))


async def send(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    announcements: AnnouncementService,
    settings: Settings,
    user: Person,
) -> None:
    if await state.get_state() != AnnounceStates.confirm.state:
        callback_answer.text = inactive_notice()  # sent already, or cancelled
        return
    data = await state.get_data()
    await state.clear()  # a second tap finds nothing to send
    html = str(data.get("html", ""))

    async def body(person: Any) -> dict[str, Any]:
        with i18n.use_locale(person.locale):
            return payload(Screen(announcement_text(settings.standing_agency, html)))

    audience = await announcements.send_to(
        user, int(data.get("role", 0)), int(data.get("unit", 0) or 0), str(data.get("token", "")), body
    )
    await show(query, queued_screen(audience), callback_answer)


def make_router() -> Router:
    """Administrators (Action.announce). A new router each time: every Dispatcher gets its own."""
    router = Router(name="announce")
    router.message.register(announce_command, Command("announce"), StateFilter("*"))
    router.callback_query.register(cancel, AnnounceCB.filter(F.a == AnnounceAct.cancel))
    router.callback_query.register(role, AnnounceCB.filter(F.a == AnnounceAct.role))
    router.callback_query.register(all_units, AnnounceCB.filter(F.a == AnnounceAct.all_units))
    router.callback_query.register(send, AnnounceCB.filter(F.a == AnnounceAct.send))
    router.message.register(unit_typed, AnnounceStates.unit, TYPED)
    router.message.register(text_typed, AnnounceStates.text, F.text, TYPED)
    return router

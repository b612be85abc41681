"""/announce for administrators (SPEC §3.8): a message to a role and/or a unit (with its
sub-units), through the outbox (bot.services.announcements).

Steps: the audience (role buttons, then a unit code or "all units"; or both at once:
/announce leader VP), the text (its formatting kept), then a preview with the number of
recipients and a confirmation. Only the confirmation queues anything; the sender reports
back when the broadcast is delivered.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.channels.telegram.callbacks import AnnounceAct, AnnounceCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import N_, _, ngettext
from bot.services.announcements import TEXT_MAX, AnnouncementService
from bot.services.errors import InvalidInput, NotFound
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.models import Role, Unit, User
from storage.repositories import UnitRepo

AUDIENCE_ROLES: tuple[Role | None, ...] = (None, Role.employee, Role.leader, Role.comms)
AUDIENCE_NAMES = (N_("Everyone"), N_("Civil servants"), N_("Unit leaders"), N_("Communications staff"))
ROLE_WORDS = {"all": 0, "employee": 1, "leader": 2, "comms": 3}
HTML_MAX = 3900  # the text with its formatting, below 4096 with the header


class AnnounceStates(StatesGroup):
    unit = State()  # data: role (an index in AUDIENCE_ROLES)
    text = State()  # data: role, unit (an id; 0: all units)
    confirm = State()  # data: role, unit, html, token


def header(settings: Settings) -> str:
    return _("📣 <b>Announcement from {agency}</b>").format(agency=escape(settings.standing_agency))


def audience_text(role: int, unit: Unit | None) -> str:
    return "{}, {}".format(_(AUDIENCE_NAMES[role]), escape(unit.name) if unit else _("all units"))


def roles_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n, name in enumerate(AUDIENCE_NAMES):
        kb.button(text=_(name), callback_data=AnnounceCB(a=AnnounceAct.role, v=n))
    kb.button(text=_("✖ Cancel"), callback_data=AnnounceCB(a=AnnounceAct.cancel))
    kb.adjust(2, 2, 1)
    return kb.as_markup()


async def ask_text(message: Message, state: FSMContext, role: int, unit: Unit | None) -> None:
    await state.set_state(AnnounceStates.text)
    await state.update_data(role=role, unit=unit.id if unit else 0)
    await message.answer(
        _(
            "To: {audience}.\nNow type the announcement (up to {max} characters; bold and links are kept). "
            "You will see it before it is sent. Or send /cancel."
        ).format(audience=audience_text(role, unit), max=TEXT_MAX)
    )


async def _unit(session: AsyncSession, code: str) -> Unit:
    unit = await UnitRepo(session).by_code(code.strip())
    if unit is None:
        raise NotFound("unit", value=code.strip())
    return unit


async def announce_command(message: Message, command: CommandObject, state: FSMContext, session: AsyncSession) -> None:
    await state.clear()
    args = (command.args or "").split()
    if not args:
        await message.answer(_("<b>Announcement</b>: who should receive it?"), reply_markup=roles_keyboard())
        return
    if args[0].lower() not in ROLE_WORDS:
        raise InvalidInput("announce_usage")
    role = ROLE_WORDS[args[0].lower()]
    unit = await _unit(session, args[1]) if len(args) > 1 else None
    await ask_text(message, state, role, unit)


async def unit_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    data = await state.get_data()
    await ask_text(message, state, int(data.get("role", 0)), await _unit(session, message.text or ""))


async def text_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    AnnouncementService.check_text(message.text or "")
    html = message.html_text
    if len(html) > HTML_MAX:
        raise InvalidInput("announce_text", max=TEXT_MAX, length=len(message.text or ""))
    data = await state.get_data()
    role = int(data.get("role", 0))
    unit = await session.get(Unit, int(data.get("unit", 0))) if data.get("unit") else None
    people = await AnnouncementService(session, clock).audience(AUDIENCE_ROLES[role], unit)
    if not people:
        await state.clear()
        await message.answer(
            _("Nobody registered matches {audience}: nothing to send. Send /announce to choose again.").format(
                audience=audience_text(role, unit)
            )
        )
        return
    await state.set_state(AnnounceStates.confirm)
    await state.update_data(html=html, token=secrets.token_hex(4))
    kb = InlineKeyboardBuilder()
    kb.button(
        text=ngettext("📣 Send to {n} person", "📣 Send to {n} people", len(people)).format(n=len(people)),
        callback_data=AnnounceCB(a=AnnounceAct.send),
    )
    kb.button(text=_("✖ Cancel"), callback_data=AnnounceCB(a=AnnounceAct.cancel))
    kb.adjust(1)
    preview = "\n".join(
        [
            _("<b>Preview</b> — recipients: {n} ({audience}). Each reads the heading in their own language.").format(
                n=len(people), audience=audience_text(role, unit)
            ),
            "",
            header(settings),
            "",
            html,
        ]
    )
    await message.answer(preview, reply_markup=kb.as_markup())


async def _edit(query: CallbackQuery, text: str) -> None:
    await edit_in_place(query, text)


async def on_announce(
    query: CallbackQuery,
    callback_data: AnnounceCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    act = callback_data.a
    if act == AnnounceAct.cancel:
        await state.clear()
        await _edit(query, _("Cancelled. Nothing was sent."))
    elif act == AnnounceAct.role:
        if not 0 <= callback_data.v < len(AUDIENCE_ROLES):
            raise InvalidInput("criterion")
        await state.set_state(AnnounceStates.unit)
        await state.update_data(role=callback_data.v)
        kb = InlineKeyboardBuilder()
        kb.button(text=_("All units"), callback_data=AnnounceCB(a=AnnounceAct.all_units))
        await edit_in_place(
            query,
            _("To: {role}. Which unit? Type its code (its sub-units are included), or tap All units.").format(
                role=_(AUDIENCE_NAMES[callback_data.v])
            ),
            kb.as_markup(),
        )
    elif act == AnnounceAct.all_units:
        if await state.get_state() != AnnounceStates.unit.state:
            callback_answer.text = _("This button is no longer active.")
            return
        data = await state.get_data()
        if isinstance(query.message, Message):
            await _edit(query, _("Unit: all units."))
            await ask_text(query.message, state, int(data.get("role", 0)), None)
    elif act == AnnounceAct.send:
        if await state.get_state() != AnnounceStates.confirm.state:
            callback_answer.text = _("This button is no longer active.")  # sent already, or cancelled
            return
        data = await state.get_data()
        await state.clear()  # a second tap finds nothing to send
        role = int(data.get("role", 0))
        unit = await session.get(Unit, int(data.get("unit", 0))) if data.get("unit") else None
        html = str(data.get("html", ""))

        async def render(person: User) -> dict[str, Any]:
            from scheduler.jobs import payload

            with i18n.use_locale(person.locale):
                return payload(header(settings) + "\n\n" + html)

        _broadcast, queued = await AnnouncementService(session, clock).send(
            user, AUDIENCE_ROLES[role], unit, str(data.get("token", "")), render
        )
        callback_answer.text = _("Queued.")
        await _edit(
            query,
            ngettext(
                "📣 The announcement is queued for {n} person ({audience}). You will get a report once it is delivered.",
                "📣 The announcement is queued for {n} people ({audience}). You will get a report once it is delivered.",
                queued,
            ).format(n=queued, audience=audience_text(role, unit)),
        )


def make_router() -> Router:
    """Administrators (Action.announce). A new router each time: every Dispatcher gets its own."""
    router = Router(name="announce")
    router.message.register(announce_command, Command("announce"), StateFilter("*"))
    router.callback_query.register(on_announce, AnnounceCB.filter())
    router.message.register(unit_typed, AnnounceStates.unit, TYPED)
    router.message.register(text_typed, AnnounceStates.text, F.text, TYPED)
    return router

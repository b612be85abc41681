"""/settings (SPEC §3.9): language, check-in day and time, pause until a date."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram.callbacks import Hour, Lang, Pause, SettingsAction, SettingsMenu, Weekday
from bot.clock import Clock
from bot.i18n import _, use_locale
from bot.services.profile import ProfileService, parse_date
from handlers.common import set_chat_menu
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from handlers.keyboards import (
    LANGUAGE_NAMES,
    back_keyboard,
    hour_keyboard,
    language_keyboard,
    pause_keyboard,
    weekday_keyboard,
)
from bot.views.texts import schedule_text
from storage.models import User

BACK = SettingsMenu(action=SettingsAction.back)  # every submenu's way out, to the settings


class SettingsStates(StatesGroup):
    weekday = State()
    hour = State()
    pause_date = State()


def local_today(user: User, clock: Clock):  # noqa: ANN201 - a date
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo(user.timezone)).date()


def fmt_date(d, locale: str) -> str:  # noqa: ANN001
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if locale == "vi" else "en_GB")


def settings_view(user: User, clock: Clock) -> tuple[str, InlineKeyboardMarkup]:
    today = local_today(user, clock)
    paused = user.paused_until is not None and user.paused_until > today
    lines = [
        _("<b>Your settings</b>"),
        _("Language: {language}").format(language=LANGUAGE_NAMES.get(user.locale, user.locale)),
        _("Check-in: {schedule}").format(schedule=schedule_text(user)),
        _("Check-ins paused until {date}.").format(date=fmt_date(user.paused_until, user.locale))
        if paused
        else _("Check-ins: active."),
    ]
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Language"), callback_data=SettingsMenu(action=SettingsAction.language))
    kb.button(text=_("Check-in day and time"), callback_data=SettingsMenu(action=SettingsAction.schedule))
    if paused:
        kb.button(text=_("Resume check-ins"), callback_data=SettingsMenu(action=SettingsAction.resume))
    else:
        kb.button(text=_("Pause (leave)"), callback_data=SettingsMenu(action=SettingsAction.pause))
    kb.button(text=_("Close"), callback_data=SettingsMenu(action=SettingsAction.close))
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


async def show(message: Message, state: FSMContext, user: User, clock: Clock) -> None:
    await state.clear()
    text, kb = settings_view(user, clock)
    await message.answer(text, reply_markup=kb)


async def _back(query: CallbackQuery, user: User, clock: Clock, note: str | None = None) -> None:
    text, kb = settings_view(user, clock)
    await edit_in_place(query, f"{note}\n\n{text}" if note else text, kb)


async def back(query: CallbackQuery, state: FSMContext, user: User, clock: Clock) -> None:
    """ "Back" in a submenu: nothing more changes, the settings are shown again."""
    await state.clear()
    await _back(query, user, clock)


async def ask_language(query: CallbackQuery) -> None:
    await edit_in_place(query, _("Which language shall I use?"), language_keyboard(back=BACK))


async def set_language(
    query: CallbackQuery, callback_data: Lang, session: AsyncSession, bot: Bot, user: User, clock: Clock
) -> None:
    await ProfileService(session).set_locale(user, callback_data.code)
    with use_locale(user.locale):
        await set_chat_menu(bot, user)  # the command menu follows the language chosen here
        await _back(query, user, clock, _("Language changed."))


async def ask_weekday(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsStates.weekday)
    await edit_in_place(query, _("Which day of the week?"), weekday_keyboard(back=BACK))


async def set_weekday(
    query: CallbackQuery, callback_data: Weekday, state: FSMContext, session: AsyncSession, user: User
) -> None:
    await ProfileService(session).set_schedule(user, weekday=callback_data.day)
    await state.set_state(SettingsStates.hour)
    await edit_in_place(query, _("At what time? Choose one, or type a time such as 16:30."), hour_keyboard(back=BACK))


async def set_hour(
    query: CallbackQuery, callback_data: Hour, state: FSMContext, session: AsyncSession, user: User, clock: Clock
) -> None:
    at = f"{callback_data.minutes // 60:02d}:{callback_data.minutes % 60:02d}"
    await ProfileService(session).set_schedule(user, at=at)
    await state.clear()
    await _back(query, user, clock, _("Check-in time changed."))


async def type_hour(message: Message, state: FSMContext, session: AsyncSession, user: User, clock: Clock) -> None:
    await ProfileService(session).set_schedule(user, at=message.text or "")
    await state.clear()
    text, kb = settings_view(user, clock)
    await message.answer(_("Check-in time changed.") + "\n\n" + text, reply_markup=kb)


async def ask_pause(query: CallbackQuery) -> None:
    await edit_in_place(
        query, _("Pause the weekly check-in (for leave or a long business trip) until when?"), pause_keyboard(back=BACK)
    )


async def pause_for(
    query: CallbackQuery, callback_data: Pause, session: AsyncSession, user: User, clock: Clock
) -> None:
    # The length comes from the button: checked (1 to 366 days) before any date is computed.
    await ProfileService(session).pause_for_days(user, callback_data.days, local_today(user, clock))
    await _back(query, user, clock, _("Check-ins paused."))


async def pause_ask_date(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsStates.pause_date)
    await edit_in_place(
        query, _("Type the date you are back, as dd/mm/yyyy (for example 15/01/2027)."), back_keyboard(BACK)
    )


async def pause_date_typed(
    message: Message, state: FSMContext, session: AsyncSession, user: User, clock: Clock
) -> None:
    today = local_today(user, clock)
    until = parse_date(message.text or "", today)
    await ProfileService(session).pause_until(user, until, today)
    await state.clear()
    text, kb = settings_view(user, clock)
    await message.answer(_("Check-ins paused.") + "\n\n" + text, reply_markup=kb)


async def resume(query: CallbackQuery, session: AsyncSession, user: User, clock: Clock) -> None:
    await ProfileService(session).resume(user, local_today(user, clock))
    await _back(query, user, clock, _("Check-ins resumed."))


async def close(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await edit_in_place(query, _("Settings saved."))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="settings")
    router.message.register(show, Command("settings"))
    router.callback_query.register(ask_language, SettingsMenu.filter(F.action == SettingsAction.language))
    router.callback_query.register(set_language, Lang.filter(F.onboarding.is_(False)))
    router.callback_query.register(ask_weekday, SettingsMenu.filter(F.action == SettingsAction.schedule))
    router.callback_query.register(set_weekday, SettingsStates.weekday, Weekday.filter())
    router.callback_query.register(set_hour, SettingsStates.hour, Hour.filter())
    router.message.register(type_hour, SettingsStates.hour, TYPED)
    router.callback_query.register(ask_pause, SettingsMenu.filter(F.action == SettingsAction.pause))
    router.callback_query.register(pause_for, Pause.filter(F.days > 0))
    router.callback_query.register(pause_ask_date, Pause.filter(F.days == 0))
    router.message.register(pause_date_typed, SettingsStates.pause_date, TYPED)
    router.callback_query.register(resume, SettingsMenu.filter(F.action == SettingsAction.resume))
    router.callback_query.register(close, SettingsMenu.filter(F.action == SettingsAction.close), StateFilter("*"))
    router.callback_query.register(back, SettingsMenu.filter(F.action == SettingsAction.back), StateFilter("*"))
    return router

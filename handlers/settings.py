"""/settings (SPEC §3.9): routing only. The profile service decides (bot/services/profile.py),
the views draw (bot/views/settings.py)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.channels.telegram.callbacks import Hour, Lang, Pause, SettingsAction, SettingsMenu, Weekday
from bot.channels.telegram.menus import set_chat_menu
from bot.channels.telegram.render import reply, show
from bot.domain import Person
from bot.i18n import use_locale
from bot.services.profile import ProfileService
from bot.views import settings as views
from handlers.filters import TYPED


class SettingsStates(StatesGroup):
    weekday = State()
    hour = State()
    pause_date = State()


async def start(message: Message, state: FSMContext, profile: ProfileService, user: Person) -> None:
    await state.clear()
    await reply(message, views.settings_screen(user, profile.today(user)))


async def back(query: CallbackQuery, state: FSMContext, profile: ProfileService, user: Person) -> None:
    """ "Back" in a submenu: nothing more changes, the settings are shown again."""
    await state.clear()
    await show(query, views.settings_screen(user, profile.today(user)))


async def ask_language(query: CallbackQuery) -> None:
    await show(query, views.language_question())


async def set_language(
    query: CallbackQuery, callback_data: Lang, bot: Bot, profile: ProfileService, user: Person
) -> None:
    await profile.set_locale(user, callback_data.code)
    with use_locale(user.locale):
        await set_chat_menu(bot, user)  # the command menu follows the language chosen here
        await show(query, views.language_changed(user, profile.today(user)))


async def ask_weekday(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsStates.weekday)
    await show(query, views.weekday_question())


async def set_weekday(
    query: CallbackQuery, callback_data: Weekday, state: FSMContext, profile: ProfileService, user: Person
) -> None:
    await profile.set_schedule(user, weekday=callback_data.day)
    await state.set_state(SettingsStates.hour)
    await show(query, views.hour_question())


async def set_hour(
    query: CallbackQuery, callback_data: Hour, state: FSMContext, profile: ProfileService, user: Person
) -> None:
    await profile.set_schedule_minutes(user, callback_data.minutes)
    await state.clear()
    await show(query, views.time_changed(user, profile.today(user)))


async def type_hour(message: Message, state: FSMContext, profile: ProfileService, user: Person) -> None:
    await profile.set_schedule(user, at=message.text or "")
    await state.clear()
    await reply(message, views.time_changed(user, profile.today(user)))


async def ask_pause(query: CallbackQuery) -> None:
    await show(query, views.pause_question())


async def pause_for(query: CallbackQuery, callback_data: Pause, profile: ProfileService, user: Person) -> None:
    # The length comes from the button: checked (1 to 366 days) before any date is computed.
    await profile.pause_for_days(user, callback_data.days)
    await show(query, views.paused(user, profile.today(user)))


async def pause_ask_date(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsStates.pause_date)
    await show(query, views.pause_date_question())


async def pause_date_typed(message: Message, state: FSMContext, profile: ProfileService, user: Person) -> None:
    await profile.pause_until_typed(user, message.text or "")
    await state.clear()
    await reply(message, views.paused(user, profile.today(user)))


async def resume(query: CallbackQuery, profile: ProfileService, user: Person) -> None:
    await profile.resume(user, profile.today(user))
    await show(query, views.resumed(user, profile.today(user)))


async def close(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await show(query, views.closed())


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="settings")
    menu = SettingsMenu.filter
    router.message.register(start, Command("settings"))
    router.callback_query.register(ask_language, menu(F.action == SettingsAction.language))
    router.callback_query.register(set_language, Lang.filter(F.onboarding.is_(False)))
    router.callback_query.register(ask_weekday, menu(F.action == SettingsAction.schedule))
    router.callback_query.register(set_weekday, SettingsStates.weekday, Weekday.filter())
    router.callback_query.register(set_hour, SettingsStates.hour, Hour.filter())
    router.message.register(type_hour, SettingsStates.hour, TYPED)
    router.callback_query.register(ask_pause, menu(F.action == SettingsAction.pause))
    router.callback_query.register(pause_for, Pause.filter(F.days > 0))
    router.callback_query.register(pause_ask_date, Pause.filter(F.days == 0))
    router.message.register(pause_date_typed, SettingsStates.pause_date, TYPED)
    router.callback_query.register(resume, menu(F.action == SettingsAction.resume))
    router.callback_query.register(close, menu(F.action == SettingsAction.close), StateFilter("*"))
    router.callback_query.register(back, menu(F.action == SettingsAction.back), StateFilter("*"))
    return router

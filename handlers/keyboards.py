"""Inline keyboards shared by onboarding and settings."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.channels.telegram.callbacks import Hour, Lang, Pause, Schedule, ScheduleStep, Weekday
from bot.i18n import _
from bot.views.texts import WEEKDAYS_SHORT

HOURS = tuple(range(7, 18))  # office hours, 07:00–17:00
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language


def _with_back(kb: InlineKeyboardBuilder, back: CallbackData | None, *rows: int) -> InlineKeyboardMarkup:
    """A submenu's buttons, and "Back" on a row of its own when there is somewhere to go back to."""
    if back is not None:
        kb.button(text=_("↩ Back"), callback_data=back)
        rows = (*rows, 1)
    kb.adjust(*rows)
    return kb.as_markup()


def back_keyboard(back: CallbackData) -> InlineKeyboardMarkup:
    return _with_back(InlineKeyboardBuilder(), back)


def language_keyboard(onboarding: bool = False, back: CallbackData | None = None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, flag in (("vi", "🇻🇳"), ("en", "🇬🇧")):
        kb.button(text=f"{flag} {LANGUAGE_NAMES[code]}", callback_data=Lang(code=code, onboarding=onboarding))
    return _with_back(kb, back, 2)


def schedule_choice_keyboard(current: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Keep {schedule}").format(schedule=current), callback_data=Schedule(step=ScheduleStep.keep))
    kb.button(text=_("Choose another day and time"), callback_data=Schedule(step=ScheduleStep.change))
    kb.adjust(1)
    return kb.as_markup()


def weekday_keyboard(back: CallbackData | None = None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for day, name in enumerate(WEEKDAYS_SHORT):
        kb.button(text=_(name), callback_data=Weekday(day=day))
    return _with_back(kb, back, 4, 3)


def hour_keyboard(back: CallbackData | None = None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for hour in HOURS:
        kb.button(text=f"{hour:02d}:00", callback_data=Hour(minutes=hour * 60))
    return _with_back(kb, back, 4, 4, 3)


def pause_keyboard(back: CallbackData | None = None) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("1 week"), callback_data=Pause(days=7))
    kb.button(text=_("2 weeks"), callback_data=Pause(days=14))
    kb.button(text=_("1 month"), callback_data=Pause(days=30))
    kb.button(text=_("Type a date"), callback_data=Pause(days=0))
    return _with_back(kb, back, 3, 1)

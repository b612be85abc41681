"""Inline keyboards shared by onboarding and settings."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import _
from handlers.callbacks import Hour, Lang, Pause, Schedule, ScheduleStep, Weekday
from handlers.texts import WEEKDAYS_SHORT

HOURS = tuple(range(7, 18))  # office hours, 07:00–17:00
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language


def language_keyboard(onboarding: bool = False) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, flag in (("vi", "🇻🇳"), ("en", "🇬🇧")):
        kb.button(text=f"{flag} {LANGUAGE_NAMES[code]}", callback_data=Lang(code=code, onboarding=onboarding))
    kb.adjust(2)
    return kb.as_markup()


def schedule_choice_keyboard(current: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Keep {schedule}").format(schedule=current), callback_data=Schedule(step=ScheduleStep.keep))
    kb.button(text=_("Choose another day and time"), callback_data=Schedule(step=ScheduleStep.change))
    kb.adjust(1)
    return kb.as_markup()


def weekday_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for day, name in enumerate(WEEKDAYS_SHORT):
        kb.button(text=_(name), callback_data=Weekday(day=day))
    kb.adjust(4, 3)
    return kb.as_markup()


def hour_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for hour in HOURS:
        kb.button(text=f"{hour:02d}:00", callback_data=Hour(minutes=hour * 60))
    kb.adjust(4)
    return kb.as_markup()


def pause_keyboard() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("1 week"), callback_data=Pause(days=7))
    kb.button(text=_("2 weeks"), callback_data=Pause(days=14))
    kb.button(text=_("1 month"), callback_data=Pause(days=30))
    kb.button(text=_("Type a date"), callback_data=Pause(days=0))
    kb.adjust(3, 1)
    return kb.as_markup()

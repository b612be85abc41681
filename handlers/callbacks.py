"""CallbackData factories. Small enum and int fields only: never free text (64-byte limit)."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData


class Consent(CallbackData, prefix="cs"):
    agree: bool
    # The invitation token rides along so nothing is stored before consent (SPEC §3.1).
    # Tokens are ASCII (A-Z a-z 0-9 _ -), at most 43 characters here.
    token: str = ""


class Lang(CallbackData, prefix="lg"):
    code: str  # "vi" | "en"
    onboarding: bool = False


class ScheduleStep(str, enum.Enum):
    keep = "keep"
    change = "change"


class Schedule(CallbackData, prefix="sc"):
    step: ScheduleStep


class Weekday(CallbackData, prefix="wd"):
    day: int  # 0 = Monday


class Hour(CallbackData, prefix="hr"):
    minutes: int  # minutes after midnight


class SettingsAction(str, enum.Enum):
    language = "lang"
    schedule = "sched"
    pause = "pause"
    resume = "resume"
    close = "close"


class SettingsMenu(CallbackData, prefix="st"):
    action: SettingsAction


class Pause(CallbackData, prefix="ps"):
    days: int  # 0 = type a date

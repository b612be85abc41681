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


class LevelCode(str, enum.Enum):
    good = "g"
    ok = "o"
    not_met = "n"


class CheckinAnswerCB(CallbackData, prefix="ca"):
    w: int  # ISO week key, 202648: a tap from a closed week changes nothing
    c: int  # index of the criterion group in the campaign's order
    l: LevelCode  # noqa: E741 - kept short for the 64-byte limit
    e: bool = False  # editing a finished check-in


class CheckinItemCB(CallbackData, prefix="ci"):
    w: int
    c: int
    i: int  # index of the sub-item within its group
    e: bool = False


class CheckinAct(str, enum.Enum):
    items_done = "id"  # sub-items chosen: on to the note
    note_skip = "ns"  # no note: on to the next group
    finish = "fi"
    example = "ex"  # "any good example this week?"
    skip = "sk"  # "skip this week": choose a reason
    skip_reason = "sr"
    skip_back = "sb"
    unskip = "us"
    edit = "ed"  # choose a group to change
    edit_pick = "ep"


class CheckinActCB(CallbackData, prefix="cx"):
    w: int
    a: CheckinAct
    c: int = -1
    r: int = -1
    e: bool = False

"""/settings (SPEC §3.9) and the choices onboarding shares with it: language, check-in day
and time, pause until a date."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.domain import Person
from bot.i18n import _
from bot.views.actions import Hour, Lang, Pause, Schedule, ScheduleStep, SettingsAction, SettingsMenu, Weekday
from bot.views.screen import Action, Button, Rows, Screen, rows
from bot.views.texts import WEEKDAYS_SHORT, schedule_text

HOURS = tuple(range(7, 18))  # office hours, 07:00–17:00
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language
BACK = SettingsMenu(action=SettingsAction.back)  # every submenu's way out, to the settings


def _with_back(buttons: list[Button], back: Action | None, *sizes: int) -> Rows:
    """A submenu's buttons, and "Back" on a row of its own when there is somewhere to go back to."""
    if back is not None:
        buttons = [*buttons, Button(_("↩ Back"), back)]
        sizes = (*sizes, 1)
    return rows(buttons, *sizes)


def language_rows(onboarding: bool = False, back: Action | None = None) -> Rows:
    buttons = [
        Button(f"{flag} {LANGUAGE_NAMES[code]}", Lang(code=code, onboarding=onboarding))
        for code, flag in (("vi", "🇻🇳"), ("en", "🇬🇧"))
    ]
    return _with_back(buttons, back, 2)


def schedule_choice_rows(current: str) -> Rows:
    return rows(
        [
            Button(_("✅ Keep {schedule}").format(schedule=current), Schedule(step=ScheduleStep.keep)),
            Button(_("Choose another day and time"), Schedule(step=ScheduleStep.change)),
        ]
    )


def weekday_rows(back: Action | None = None) -> Rows:
    return _with_back([Button(_(name), Weekday(day=day)) for day, name in enumerate(WEEKDAYS_SHORT)], back, 4, 3)


def hour_rows(back: Action | None = None) -> Rows:
    return _with_back([Button(f"{hour:02d}:00", Hour(minutes=hour * 60)) for hour in HOURS], back, 4, 4, 3)


def pause_rows(back: Action | None = None) -> Rows:
    buttons = [
        Button(_("1 week"), Pause(days=7)),
        Button(_("2 weeks"), Pause(days=14)),
        Button(_("1 month"), Pause(days=30)),
        Button(_("Type a date"), Pause(days=0)),
    ]
    return _with_back(buttons, back, 3, 1)


def fmt_date(d: date, locale: str) -> str:
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if locale == "vi" else "en_GB")


def language_name(locale: str) -> str:
    return LANGUAGE_NAMES.get(locale, locale)


def settings_screen(user: Person, today: date, note: str | None = None) -> Screen:
    """The person's settings and the way to change each; `note` (what just changed) above."""
    paused = user.paused_until is not None and user.paused_until > today
    lines = [
        _("<b>Your settings</b>"),
        _("Language: {language}").format(language=language_name(user.locale)),
        _("Check-in: {schedule}").format(schedule=schedule_text(user)),
        _("Check-ins paused until {date}.").format(date=fmt_date(user.paused_until, user.locale))
        if paused and user.paused_until is not None
        else _("Check-ins: active."),
    ]
    buttons = [
        Button(_("Language"), SettingsMenu(action=SettingsAction.language)),
        Button(_("Check-in day and time"), SettingsMenu(action=SettingsAction.schedule)),
        Button(_("Resume check-ins"), SettingsMenu(action=SettingsAction.resume))
        if paused
        else Button(_("Pause (leave)"), SettingsMenu(action=SettingsAction.pause)),
        Button(_("Close"), SettingsMenu(action=SettingsAction.close)),
    ]
    return Screen("\n".join(lines), rows(buttons)).above(note or "")


def language_question() -> Screen:
    return Screen(_("Which language shall I use?"), language_rows(back=BACK))


def weekday_question(back: Action | None = BACK) -> Screen:
    return Screen(_("Which day of the week?"), weekday_rows(back=back))


def hour_question(back: Action | None = BACK) -> Screen:
    return Screen(_("At what time? Choose one, or type a time such as 16:30."), hour_rows(back=back))


def pause_question() -> Screen:
    return Screen(_("Pause the weekly check-in (for leave or a long business trip) until when?"), pause_rows(back=BACK))


def pause_date_question() -> Screen:
    return Screen(_("Type the date you are back, as dd/mm/yyyy (for example 15/01/2027)."), _with_back([], BACK))


def language_changed(user: Person, today: date) -> Screen:
    return settings_screen(user, today, _("Language changed."))


def time_changed(user: Person, today: date) -> Screen:
    return settings_screen(user, today, _("Check-in time changed."))


def paused(user: Person, today: date) -> Screen:
    return settings_screen(user, today, _("Check-ins paused."))


def resumed(user: Person, today: date) -> Screen:
    return settings_screen(user, today, _("Check-ins resumed."))


def closed() -> Screen:
    return Screen(_("Settings saved."))

"""A person's own settings and data on Zalo (SPEC §3.9): /settings (language, day and time,
a pause), /mydata (a summary, and the files as links when the bot publishes files) and
/forget, with the same services as on Telegram (handlers/settings.py, handlers/privacy.py).

/mydata on Zalo: Zalo sends no documents, so the message summarises what is kept (who the
person is, their consent, how many weeks, examples and nominations); the Word document and
the JSON file follow as download links that expire when the bot has PUBLIC_URL, and
otherwise the summary says where the files are (Telegram, or an administrator).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.domain import CheckInStatus
from bot.i18n import _, ngettext, use_locale
from bot.render.mydata_docx import build_mydata_docx
from bot.services.profile import parse_date
from bot.views.actions import ForgetAct, Hour, Lang, Pause, SettingsAction, SettingsMenu, Weekday
from bot.views.screen import Action, Button, Document, Screen, rows
from bot.views.texts import WEEKDAYS_SHORT, role_name, schedule_text
from storage.models import User

if TYPE_CHECKING:
    from bot.channels.zalo.conversation import Turn

from bot.views.actions import Forget

HOURS = tuple(range(7, 18))
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
BACK = SettingsMenu(action=SettingsAction.back)


def _today(user: User, turn: Turn) -> date:
    return turn.services.clock.now().astimezone(ZoneInfo(user.timezone)).date()


def _date(d: date, locale: str) -> str:
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if locale == "vi" else "en_GB")


def _user(turn: Turn) -> User:
    from bot.channels.zalo.conversation import _person

    return _person(turn)


# -- /settings ------------------------------------------------------------------------------


def settings_screen(user: User, today: date) -> Screen:
    paused = user.paused_until is not None and user.paused_until > today
    lines = [
        _("<b>Your settings</b>"),
        _("Language: {language}").format(language=LANGUAGE_NAMES.get(user.locale, user.locale)),
        _("Check-in: {schedule}").format(schedule=schedule_text(user)),
        _("Check-ins paused until {date}.").format(date=_date(user.paused_until, user.locale))
        if paused and user.paused_until is not None
        else _("Check-ins: active."),
    ]
    kb = [
        Button(_("Language"), SettingsMenu(action=SettingsAction.language)),
        Button(_("Check-in day and time"), SettingsMenu(action=SettingsAction.schedule)),
        Button(_("Resume check-ins"), SettingsMenu(action=SettingsAction.resume))
        if paused
        else Button(_("Pause (leave)"), SettingsMenu(action=SettingsAction.pause)),
        Button(_("Close"), SettingsMenu(action=SettingsAction.close)),
    ]
    return Screen("\n".join(lines), rows(kb))


def _with_back(text: str, buttons: list[Button], *sizes: int) -> Screen:
    return Screen(text, rows([*buttons, Button(_("↩ Back"), BACK)], *sizes))


async def settings(turn: Turn) -> None:
    user = _user(turn)
    turn.show(settings_screen(user, _today(user, turn)))


async def _settings_again(turn: Turn, note: str) -> None:
    user = _user(turn)
    turn.show(settings_screen(user, _today(user, turn)), above=note)


async def settings_menu(turn: Turn, action: SettingsMenu) -> None:
    await MENU[action.action](turn)


async def ask_language(turn: Turn) -> None:
    kb = [Button(LANGUAGE_NAMES[code], Lang(code=code)) for code in ("vi", "en")]
    turn.show(_with_back(_("Which language shall I use?"), kb))


async def set_language(turn: Turn, action: Lang) -> None:
    user = await turn.services.profile.set_locale(_user(turn), action.code)
    with use_locale(user.locale):
        await _settings_again(turn, _("Language changed."))


async def ask_weekday(turn: Turn) -> None:
    kb = [Button(_(name), Weekday(day=day)) for day, name in enumerate(WEEKDAYS_SHORT)]
    turn.show(_with_back(_("Which day of the week?"), kb), step="settings.weekday")


async def set_weekday(turn: Turn, action: Weekday) -> None:
    await turn.services.profile.set_schedule(_user(turn), weekday=action.day)
    kb = [Button(f"{hour:02d}:00", Hour(minutes=hour * 60)) for hour in HOURS]
    turn.show(_with_back(_("At what time? Choose one, or type a time such as 16:30."), kb), step="settings.hour")


async def set_hour(turn: Turn, action: Hour) -> None:
    at = f"{action.minutes // 60:02d}:{action.minutes % 60:02d}"
    await turn.services.profile.set_schedule(_user(turn), at=at)
    await _settings_again(turn, _("Check-in time changed."))


async def hour_typed(turn: Turn, text: str) -> None:
    await turn.services.profile.set_schedule(_user(turn), at=text)
    await _settings_again(turn, _("Check-in time changed."))


async def ask_pause(turn: Turn) -> None:
    kb = [
        Button(_("1 week"), Pause(days=7)),
        Button(_("2 weeks"), Pause(days=14)),
        Button(_("1 month"), Pause(days=30)),
        Button(_("Type a date"), Pause(days=0)),
    ]
    turn.show(_with_back(_("Pause the weekly check-in (for leave or a long business trip) until when?"), kb))


async def pause(turn: Turn, action: Pause) -> None:
    user = _user(turn)
    if action.days == 0:
        text = _("Type the date you are back, as dd/mm/yyyy (for example 15/01/2027).")
        turn.show(_with_back(text, []), step="settings.pause_date")
        return
    await turn.services.profile.pause_for_days(user, action.days, _today(user, turn))
    await _settings_again(turn, _("Check-ins paused."))


async def pause_date_typed(turn: Turn, text: str) -> None:
    user = _user(turn)
    today = _today(user, turn)
    await turn.services.profile.pause_until(user, parse_date(text, today), today)
    await _settings_again(turn, _("Check-ins paused."))


async def resume(turn: Turn) -> None:
    user = _user(turn)
    await turn.services.profile.resume(user, _today(user, turn))
    await _settings_again(turn, _("Check-ins resumed."))


async def close(turn: Turn) -> None:
    turn.show(Screen(_("Settings saved.")))
    turn.state.shown = None


MENU: dict[SettingsAction, Callable[[Turn], Awaitable[None]]] = {
    SettingsAction.language: ask_language,
    SettingsAction.schedule: ask_weekday,
    SettingsAction.pause: ask_pause,
    SettingsAction.resume: resume,
    SettingsAction.close: close,
    SettingsAction.back: settings,
}


# -- /mydata ------------------------------------------------------------------------------------


def mydata_summary(data: dict[str, Any], locale: str) -> str:
    """What is kept, in a few lines: enough to read on a phone; the files hold the rest."""
    p = data["profile"]
    unit = p.get("unit")
    checkins = data.get("checkins", [])
    done = sum(1 for c in checkins if c.get("status") == CheckInStatus.done.value)
    absent = sum(1 for c in checkins if c.get("status") == CheckInStatus.skipped.value)
    lines = [
        _("<b>What the bot keeps about you</b>"),
        _("Full name: {name}").format(name=p.get("full_name") or "—"),
        _("Position: {position}").format(position=p.get("position") or "—"),
        _("Unit: {unit}").format(unit=f"{unit['name']} ({unit['code']})" if unit else "—"),
        _("Role: {role}").format(role=role_name(p["role"]) if p.get("role") else "—"),
        _("Language: {language}").format(language=LANGUAGE_NAMES.get(p.get("language", ""), "—")),
    ]
    for c in data.get("consents", []):
        accepted = (c.get("accepted_at") or "")[:10]
        when = _date(date.fromisoformat(accepted), locale) if accepted else "—"
        lines.append(
            _("Consent: notice version {version}, given on {date}.").format(version=c["notice_version"], date=when)
        )
    lines.append(
        ngettext(
            "Weekly self-assessments: {n} week kept ({done} done, {absent} absent with a reason).",
            "Weekly self-assessments: {n} weeks kept ({done} done, {absent} absent with a reason).",
            len(checkins),
        ).format(n=len(checkins), done=done, absent=absent)
    )
    lines.append(_("Good examples you entered: {n}.").format(n=len(data.get("good_examples", []))))
    if data.get("nominations_entered"):
        lines.append(_("Nominations you entered: {n}.").format(n=len(data["nominations_entered"])))
    lines += ["", _("To erase it all, send “xóa dữ liệu” (/forget).")]
    return "\n".join(lines)


async def mydata(turn: Turn) -> None:
    user = _user(turn)
    data = await turn.services.privacy.export(user)
    files: tuple[Document, ...] = ()
    if turn.conv.publish is not None:  # links that expire (PUBLIC_URL): worth drawing the files
        word = await asyncio.to_thread(build_mydata_docx, data, turn.campaign, user.timezone)
        body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        files = (
            Document(word, _("my-data.docx"), _("Your data as a Word document (the link works for 24 hours)")),
            Document(body, "du-lieu-cua-toi.json", _("The same data as a JSON file (the link works for 24 hours)")),
        )
    else:
        files = (Document(b"", "my-data.docx", _("Your data as a Word document and a JSON file")),)
    turn.out.append(Screen(mydata_summary(data, user.locale), attachments=files))
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None


# -- /forget ---------------------------------------------------------------------------------------


async def forget(turn: Turn) -> None:
    kb = [
        Button(_("🗑 Erase, and remove my good examples"), Forget(a=ForgetAct.remove)),
        Button(_("🗑 Erase, keep my good examples without my name"), Forget(a=ForgetAct.anonymise)),
        Button(_("✖ Cancel"), Forget(a=ForgetAct.cancel)),
    ]
    text = _(
        "<b>Erase your data?</b>\n"
        "Your profile, consent records, conversation state and messages waiting for you are deleted, and you "
        "leave the bot: to come back you will need a new invitation.\n"
        "Your weekly self-assessments stay only as anonymous figures of your unit, without your name or "
        "anything you typed. Drafts and their photos are deleted.\n"
        "Your submitted good examples: remove them, or keep them for the campaign's record without your name?\n\n"
        "This cannot be undone. You can first download your data with /mydata."
    )
    turn.show(Screen(text, rows(kb)))


async def forget_chosen(turn: Turn, action: Forget) -> None:
    if action.a == ForgetAct.cancel:
        turn.show(Screen(_("Cancelled. Nothing was erased.")))
        turn.state.shown = None
        return
    result = await turn.services.privacy.forget(_user(turn), keep_examples=action.a == ForgetAct.anonymise)
    turn.user = None  # gone; the chat's state went with them (PrivacyService.forget)
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None
    turn.say(
        _(
            "✅ Your data has been erased: {checkins} weekly self-assessments now count only in your unit's "
            "anonymous figures; good examples kept without your name: {kept}; removed: {removed}.\n"
            "Thank you for taking part. To come back, ask your unit for a new invitation."
        ).format(checkins=result.checkins, kept=result.examples_kept, removed=result.examples_removed)
    )


ACTIONS: dict[type[Action], Callable[[Turn, Any], Awaitable[None]]] = {
    SettingsMenu: settings_menu,
    Lang: set_language,
    Weekday: set_weekday,
    Hour: set_hour,
    Pause: pause,
    Forget: forget_chosen,
}

TYPED: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "settings.hour": hour_typed,
    "settings.pause_date": pause_date_typed,
}

COMMANDS: dict[str, Callable[[Turn], Awaitable[None]]] = {
    "settings": settings,
    "mydata": mydata,
    "forget": forget,
}

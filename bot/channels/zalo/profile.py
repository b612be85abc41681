"""A person's own settings and data on Zalo (SPEC §3.9): /settings (language, day and time,
a pause), /mydata (a summary, and the files as links when the bot publishes files) and
/forget, with the same services as on Telegram (handlers/settings.py, handlers/privacy.py).

/mydata on Zalo: Zalo sends no documents, so the message summarises what is kept (who the
person is, their consent, how many weeks, examples and nominations); the Word document and
the JSON file follow as download links that expire when the bot has PUBLIC_URL, and
otherwise the summary says where the files are (Telegram, or an administrator).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.zalo.screens import hour_question, typed_time
from bot.channels.zalo.turn import Turn, person_of
from bot.domain import CheckInStatus
from bot.i18n import _, ngettext, use_locale
from bot.services.profile import parse_date
from bot.views import privacy as privacy_views
from bot.views import settings as settings_views
from bot.views.actions import Forget, ForgetAct, Hour, Lang, Pause, SettingsAction, SettingsMenu, Weekday
from bot.views.screen import Action, Document, Screen
from bot.views.texts import role_name
from storage.models import User


def _today(user: User, turn: Turn) -> date:
    return turn.services.clock.now().astimezone(ZoneInfo(user.timezone)).date()


# -- /settings: the same screens as on Telegram (bot/views/settings.py) ---------------------------


async def settings(turn: Turn) -> None:
    user = person_of(turn)
    turn.show(settings_views.settings_screen(user, _today(user, turn)))


async def _settings_again(turn: Turn, note: str) -> None:
    """The settings, with what just changed said above them (not kept with the question)."""
    user = person_of(turn)
    turn.show(settings_views.settings_screen(user, _today(user, turn)), above=note)


async def settings_menu(turn: Turn, action: SettingsMenu) -> None:
    await MENU[action.action](turn)


async def ask_language(turn: Turn) -> None:
    turn.show(settings_views.language_question())


async def set_language(turn: Turn, action: Lang) -> None:
    user = await turn.services.profile.set_locale(person_of(turn), action.code)
    with use_locale(user.locale):
        await _settings_again(turn, _("Language changed."))


async def ask_weekday(turn: Turn) -> None:
    turn.show(settings_views.weekday_question(), step="settings.weekday")


async def set_weekday(turn: Turn, action: Weekday) -> None:
    await turn.services.profile.set_schedule(person_of(turn), weekday=action.day)
    turn.show(hour_question(settings_views.BACK), step="settings.hour")


async def set_hour(turn: Turn, action: Hour) -> None:
    at = f"{action.minutes // 60:02d}:{action.minutes % 60:02d}"
    await turn.services.profile.set_schedule(person_of(turn), at=at)
    await _settings_again(turn, _("Check-in time changed."))


async def hour_typed(turn: Turn, text: str) -> None:
    await turn.services.profile.set_schedule(person_of(turn), at=typed_time(text))
    await _settings_again(turn, _("Check-in time changed."))


async def ask_pause(turn: Turn) -> None:
    turn.show(settings_views.pause_question())


async def pause(turn: Turn, action: Pause) -> None:
    user = person_of(turn)
    if action.days == 0:
        turn.show(settings_views.pause_date_question(), step="settings.pause_date")
        return
    await turn.services.profile.pause_for_days(user, action.days, _today(user, turn))
    await _settings_again(turn, _("Check-ins paused."))


async def pause_date_typed(turn: Turn, text: str) -> None:
    user = person_of(turn)
    today = _today(user, turn)
    await turn.services.profile.pause_until(user, parse_date(text, today), today)
    await _settings_again(turn, _("Check-ins paused."))


async def resume(turn: Turn) -> None:
    user = person_of(turn)
    await turn.services.profile.resume(user, _today(user, turn))
    await _settings_again(turn, _("Check-ins resumed."))


async def close(turn: Turn) -> None:
    turn.show(settings_views.closed())
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
        _("Language: {language}").format(language=settings_views.language_name(p.get("language") or "—")),
    ]
    for c in data.get("consents", []):
        accepted = (c.get("accepted_at") or "")[:10]
        when = settings_views.fmt_date(date.fromisoformat(accepted), locale) if accepted else "—"
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
    user = person_of(turn)
    privacy = turn.services.privacy
    files: tuple[Document, ...]
    if turn.conv.publish is not None:  # links that expire (PUBLIC_URL): worth drawing the files
        both = await privacy.download(user, turn.campaign)
        data = json.loads(both.json)
        files = (
            Document(both.docx, _("my-data.docx"), _("Your data as a Word document (the link works for 24 hours)")),
            Document(
                both.json, "du-lieu-cua-toi.json", _("The same data as a JSON file (the link works for 24 hours)")
            ),
        )
    else:
        data = await privacy.export(user)
        files = (Document(b"", "my-data.docx", _("Your data as a Word document and a JSON file")),)
    turn.out.append(Screen(mydata_summary(data, user.locale), attachments=files))
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None


# -- /forget ---------------------------------------------------------------------------------------


async def forget(turn: Turn) -> None:
    turn.show(privacy_views.forget_question())


async def forget_chosen(turn: Turn, action: Forget) -> None:
    if action.a == ForgetAct.cancel:
        turn.show(privacy_views.forget_cancelled())
        turn.state.shown = None
        return
    result = await turn.services.privacy.forget(person_of(turn), keep_examples=action.a == ForgetAct.anonymise)
    turn.user = None  # gone; the chat's state went with them (PrivacyService.forget)
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None
    turn.out.append(privacy_views.forgotten(result))


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

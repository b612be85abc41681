"""Onboarding on Zalo (SPEC §3.1, issue 16.2): the invitation's short code → the notice and
consent → language → name → position → day and time → welcome, as on Telegram
(handlers/onboarding.py) with the same services.

Zalo's links carry no payload, so the person types the code printed beside the invitation
link. Nothing about them is stored before they agree: until then the invitation only rides
in the chat's menu (the Consent action carries its token, as Telegram's button does).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from bot.campaign.wording import campaign_reference, individual_groups
from bot.channels.zalo.screens import hour_question, how_to_join, typed_time
from bot.channels.zalo.turn import Hint, Turn, command_of, numbers_of
from bot.domain import Person, Role
from bot.i18n import _, use_locale
from bot.services.errors import AlreadyRegistered, DomainError
from bot.services.invites import normalize_code
from bot.services.onboarding import InvitePreview
from bot.views import onboarding as views
from bot.views.actions import Consent, ConsentNotice, Hour, Lang, Schedule, ScheduleStep, Weekday
from bot.views.screen import Action, Screen
from bot.views.texts import error_text, notice_version, schedule_text
from storage.models import Unit, User

# -- screens: Telegram's (bot/views/onboarding.py), but for the few said of a code or a number ----


def notice(turn: Turn, preview: InvitePreview, *, full: bool) -> Screen:
    st = turn.services.settings
    return views.notice_screen(turn.campaign, st.ministry_name, st.standing_agency, preview, full=full)


def welcome_text(user: Person, turn: Turn) -> str:
    """As on Telegram; the commands are said as words a Zalo message can carry."""
    campaign = turn.campaign
    lines = [
        _("<b>Welcome, {name}!</b>").format(name=escape(user.full_name)),
        "",
        _("This bot accompanies this campaign: {campaign}.").format(campaign=escape(campaign_reference(campaign))),
        _(
            "Every {schedule} I will send you a short self-assessment on {groups} (§IV.1.2 of the plan): "
            "one number per group."
        ).format(schedule=schedule_text(user), groups=individual_groups(campaign)),
    ]
    if user.role == Role.leader:
        lines.append(
            _(
                "As a unit leader you will also receive a weekly digest of your unit and reminders "
                "of the campaign's deadlines."
            )
        )
    lines += ["", _("Send “trợ giúp” to see what you can do, and “cài đặt” to change your language or schedule.")]
    return "\n".join(lines)


# -- before consent: nothing is stored ---------------------------------------------------------


async def code_typed(turn: Turn, text: str) -> None:
    """A text from someone unknown: an invitation code, or a word of explanation."""
    if normalize_code(text) is None:
        turn.say(how_to_join())
        return
    try:
        preview = await turn.services.onboarding.preview_zalo(turn.incoming.user_id, text)
    except AlreadyRegistered:
        turn.say(_("You are already registered. Send /help to see what you can do."))
        return
    except DomainError as exc:
        turn.say(code_refused(exc))
        return
    turn.show(notice(turn, preview, full=False), step="consent")


def code_refused(exc: DomainError) -> str:
    """Why a code does not work, said of a code (Telegram's texts speak of a link)."""
    texts = {
        "invite_unknown": _("This invitation code is not valid. Please check it and send it again."),
        "invite_expired": _("This invitation code has expired. Please ask your unit for a new one."),
        "invite_revoked": _("This invitation code has been withdrawn. Please ask your unit for a new one."),
        "invite_used_up": _(
            "This invitation code has been used as many times as allowed. Please ask your unit for a new one."
        ),
    }
    return texts.get(exc.code) or error_text(exc)


async def consent(turn: Turn, action: Consent) -> None:
    if not action.agree:
        if turn.user is not None:
            turn.show(views.declined(consented=True))
            return
        turn.show(
            Screen(
                _(
                    "You have not agreed, so nothing about you has been stored. "
                    "If you change your mind, send the invitation code again."
                )
            )
        )
        return
    if turn.user is not None:
        turn.show(views.language_question(turn.user), step="language")
        return
    st = turn.services.settings
    version = notice_version(turn.campaign, st.ministry_name, st.standing_agency)
    user = await turn.services.onboarding.accept_zalo(
        turn.incoming.user_id, action.token, locale=st.default_locale, notice_version=version
    )
    turn.user = user
    turn.out.append(views.consent_recorded(version))
    turn.show(views.language_question(user), step="language")


async def notice_details(turn: Turn, action: ConsentNotice) -> None:
    if turn.user is not None:
        unit = await turn.services.session.get(Unit, turn.user.unit_id) if turn.user.unit_id else None
        st = turn.services.settings
        turn.out.append(
            views.notice_read_again(turn.campaign, st.ministry_name, st.standing_agency, unit, Role(turn.user.role))
        )
        return
    try:
        preview = await turn.services.onboarding.preview_zalo(turn.incoming.user_id, _code_of(turn, action.token))
    except DomainError as exc:  # withdrawn or expired meanwhile
        turn.show(Screen(code_refused(exc)))
        return
    turn.show(notice(turn, preview, full=action.full), step="consent", code=turn.state.data.get("code"))


def _code_of(turn: Turn, token: str) -> str | None:
    """The code the person sent (kept in the step's data), for the preview's throttled check."""
    return turn.state.data.get("code") if token else None


# -- after consent: the profile ------------------------------------------------------------------


def _registered(turn: Turn) -> User:
    if turn.user is None:
        raise DomainError("not_registered")
    return turn.user


async def language(turn: Turn, action: Lang) -> None:
    user = await turn.services.profile.set_locale(_registered(turn), action.code)
    with use_locale(user.locale):
        turn.out.append(views.language_set(user))
        turn.show(views.name_question(), step="name")


async def name_typed(turn: Turn, text: str) -> None:
    user = await turn.services.profile.set_full_name(_registered(turn), text)
    turn.show(views.position_question(user), step="position")


async def position_typed(turn: Turn, text: str) -> None:
    user = await turn.services.profile.set_position(_registered(turn), text)
    turn.show(views.schedule_question(user), step="schedule")


async def schedule(turn: Turn, action: Schedule) -> None:
    if action.step == ScheduleStep.change:
        turn.show(views.weekday_question(), step="weekday")
        return
    await _finish(turn)


async def weekday(turn: Turn, action: Weekday) -> None:
    await turn.services.profile.set_schedule(_registered(turn), weekday=action.day)
    turn.show(hour_question(), step="hour")


async def hour(turn: Turn, action: Hour) -> None:
    at = f"{action.minutes // 60:02d}:{action.minutes % 60:02d}"
    await turn.services.profile.set_schedule(_registered(turn), at=at)
    await _finish(turn)


async def hour_typed(turn: Turn, text: str) -> None:
    await turn.services.profile.set_schedule(_registered(turn), at=typed_time(text))
    await _finish(turn)


async def _finish(turn: Turn) -> None:
    user = await turn.services.onboarding.finish(_registered(turn))
    turn.out.append(views.schedule_set(user))
    turn.show(Screen(welcome_text(user, turn)))
    turn.state.shown = None


# -- routing ----------------------------------------------------------------------------------------

ACTIONS: dict[type[Action], Callable[[Turn, Any], Awaitable[None]]] = {
    Consent: consent,
    ConsentNotice: notice_details,
    Lang: language,
    Schedule: schedule,
    Weekday: weekday,
    Hour: hour,
}

#: The step each action answers: an older menu's number at another step is not taken.
STEP_OF: dict[type[Action], str] = {
    Consent: "consent",
    ConsentNotice: "consent",
    Lang: "language",
    Schedule: "schedule",
    Weekday: "weekday",
    Hour: "hour",
}

TYPED: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "name": name_typed,
    "position": position_typed,
    "hour": hour_typed,
}


async def route(turn: Turn) -> None:
    """An event from someone not registered, or registered and still setting up."""

    incoming = turn.incoming
    text = (incoming.text or "").strip() if incoming.kind == "text" else ""
    if not text:
        if turn.state.step is None and turn.user is None:
            turn.say(how_to_join())
            return
        raise Hint(_("Stickers, pictures and other messages are not read here. Please answer with text."))
    command = command_of(text)
    if command == "cancel":
        turn.state.step, turn.state.data, turn.state.shown = None, {}, None
        if turn.user is not None:
            turn.say(_("Stopped. Send /start to finish setting up when you are ready."))
        else:
            turn.say(_("Cancelled. Nothing more was changed."))
        return
    step = turn.state.step
    if turn.user is None:
        if step == "consent":
            numbers = numbers_of(text)
            if numbers is not None and len(numbers) == 1:
                await _pick(turn, numbers[0])
                return
            if normalize_code(text) is None:
                raise Hint(
                    _(
                        "Please answer the personal-data notice with its numbers: 1 to agree, 2 not to agree. "
                        "Nothing about you is stored until you agree."
                    )
                )
        await code_typed(turn, text)
        if turn.state.step == "consent":
            turn.state.data = {"code": text}
        return
    # Registered, not yet set up.
    if command is not None or step is None:
        turn.show(views.resume_screen(), step="language")
        return
    numbers = numbers_of(text)
    if numbers is not None and len(numbers) == 1 and turn.state.menu:
        await _pick(turn, numbers[0])
        return
    if step in TYPED:
        await TYPED[step](turn, text)
        return
    menu = turn.state.menu
    raise Hint(
        _("Please reply with a number from 1 to {n}.").format(n=len(menu))
        if menu
        else _("Please answer the question above, or send /cancel to stop.")
    )


async def _pick(turn: Turn, number: int) -> None:

    menu = turn.state.menu
    if not 1 <= number <= len(menu):
        raise Hint(_("Please reply with a number from 1 to {n}.").format(n=len(menu)))
    action = menu[number - 1]
    kind = action.action_type()
    if kind not in ACTIONS or STEP_OF[kind] != turn.state.step:
        raise Hint(_("Please reply with a number from 1 to {n}.").format(n=len(menu)))
    await ACTIONS[kind](turn, action)

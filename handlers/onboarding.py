"""Onboarding (SPEC §3.1): /start <token> → notice (a summary, "Details" for the full
text) and consent → language → name →
position → check-in day and time → welcome. Six interactions when the defaults suit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.campaign.wording import campaign_reference, individual_groups
from bot.channels.telegram.callbacks import Consent, ConsentNotice, Hour, Lang, Schedule, ScheduleStep, Weekday
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, use_locale
from bot.services.audit import person_ref
from bot.services.errors import AlreadyRegistered, DomainError
from bot.services.onboarding import InviteAttempts, OnboardingService
from bot.services.profile import ProfileService
from handlers.common import set_chat_menu
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from handlers.keyboards import (
    LANGUAGE_NAMES,
    hour_keyboard,
    language_keyboard,
    schedule_choice_keyboard,
    weekday_keyboard,
)
from bot.views.texts import (
    error_text,
    how_to_get_invite,
    notice_version,
    privacy_notice,
    privacy_summary,
    role_name,
    schedule_text,
)
from storage.models import Role, Unit, User


class Onboarding(StatesGroup):
    language = State()
    full_name = State()
    position = State()
    schedule = State()
    weekday = State()
    hour = State()


def service(
    session: AsyncSession, clock: Clock, settings: Settings, attempts: InviteAttempts | None = None
) -> OnboardingService:
    return OnboardingService(
        session, clock, admin_ids=frozenset(settings.admin_ids), timezone=settings.timezone, attempts=attempts
    )


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    campaign: Campaign,
    user: User | None,
    invite_attempts: InviteAttempts,
) -> None:
    if user is not None and user.onboarded_at is None:
        # Consent was given earlier but onboarding stopped: pick it up again.
        await state.set_state(Onboarding.language)
        await message.answer(
            _("Welcome back. Let us finish setting up.\n\nPlease choose your language."),
            reply_markup=language_keyboard(onboarding=True),
        )
        return
    try:
        preview = await service(session, clock, settings, invite_attempts).preview(message.chat.id, command.args)
    except AlreadyRegistered:
        await message.answer(
            _("Hello {name}, you are already registered. Send /help to see what you can do.").format(
                name=escape(user.full_name if user else "")
            )
        )
        return
    except DomainError as exc:
        # No valid invitation: explain, store nothing (no state, no row).
        text = how_to_get_invite() if exc.code == "invite_missing" else error_text(exc)
        await message.answer(text)
        return
    await message.answer(
        privacy_summary(campaign, settings.ministry_name, settings.standing_agency, preview.unit, preview.role),
        reply_markup=notice_keyboard(preview.token or "", full=False),
    )
    if user is None:
        invite_attempts.notice_shown(person_ref(message.chat.id), clock.now())


def notice_keyboard(token: str, *, full: bool) -> InlineKeyboardMarkup:
    """Agree, decline, and "Details" under the summary or "Back" under the full text: the
    person who agrees at once taps once, as before."""
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ I agree"), callback_data=Consent(agree=True, token=token))
    kb.button(text=_("I do not agree"), callback_data=Consent(agree=False, token=""))
    if full:
        kb.button(text=_("↩ Back to the summary"), callback_data=ConsentNotice(full=False, token=token))
    else:
        kb.button(text=_("📄 Details"), callback_data=ConsentNotice(full=True, token=token))
    kb.adjust(1)
    return kb.as_markup()


async def notice_details(
    query: CallbackQuery,
    callback_data: ConsentNotice,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    campaign: Campaign,
    user: User | None,
    invite_attempts: InviteAttempts,
) -> None:
    """ "Details" and "Back": the same message shows the full notice or its summary, with the
    same answers under it. Reads the invitation again; stores nothing."""
    if user is not None:  # an old notice, after consenting: the full text, nothing to answer
        unit = await session.get(Unit, user.unit_id) if user.unit_id else None
        await edit_in_place(
            query, privacy_notice(campaign, settings.ministry_name, settings.standing_agency, unit, user.role)
        )
        return
    try:
        preview = await service(session, clock, settings, invite_attempts).preview(
            query.from_user.id, callback_data.token or None
        )
    except DomainError as exc:  # the invitation has expired or been withdrawn meanwhile
        await edit_in_place(query, how_to_get_invite() if exc.code == "invite_missing" else error_text(exc))
        return
    args = (campaign, settings.ministry_name, settings.standing_agency, preview.unit, preview.role)
    text = privacy_notice(*args) if callback_data.full else privacy_summary(*args)
    await edit_in_place(query, text, notice_keyboard(preview.token or "", full=callback_data.full))
    invite_attempts.notice_shown(person_ref(query.from_user.id), clock.now())


async def consent_pending(message: Message, user: User | None, invite_attempts: InviteAttempts, clock: Clock) -> bool:
    """A filter: someone who has just been shown the notice and has not answered it."""
    return (
        user is None
        and message.from_user is not None
        and not (message.text or "").startswith("/")
        and invite_attempts.notice_pending(person_ref(message.from_user.id), clock.now())
    )


async def typed_at_consent(message: Message) -> None:
    """Text (or anything else) sent instead of answering the notice: point to its buttons.
    Nothing is read or kept."""
    await message.answer(
        _(
            "Please answer the personal-data notice above with its buttons: “✅ I agree” or "
            "“I do not agree”. Nothing about you is stored until you agree."
        )
    )


async def decline(query: CallbackQuery, user: User | None, invite_attempts: InviteAttempts) -> None:
    invite_attempts.notice_answered(person_ref(query.from_user.id))
    if user is not None:  # an old notice, after consenting: declining now would withdraw nothing
        await edit_in_place(
            query,
            _("Your consent is already recorded. To withdraw it and erase your data, send /forget."),
        )
        return
    await edit_in_place(
        query,
        _(
            "You have not agreed, so nothing about you has been stored. "
            "If you change your mind, open the invitation link again."
        ),
    )


async def agree(
    query: CallbackQuery,
    callback_data: Consent,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    campaign: Campaign,
    locale: str,
    user: User | None,
    invite_attempts: InviteAttempts,
) -> None:
    invite_attempts.notice_answered(person_ref(query.from_user.id))
    if user is not None:
        # A second tap on "I agree" (taps are handled one after the other): the first one
        # recorded the consent and asked the next question; nothing more to do.
        callback_answer.text = _("Already recorded.")
        return
    # The full notice's version, whether the person read the summary or the details.
    version = notice_version(campaign, settings.ministry_name, settings.standing_agency)
    user = await service(session, clock, settings).accept(
        query.from_user.id,
        callback_data.token or None,
        locale=locale,
        notice_version=version,
    )
    await state.set_state(Onboarding.language)
    await edit_in_place(
        query, _("Thank you: your consent is recorded (notice version {version}).").format(version=version)
    )
    if isinstance(query.message, Message):
        await query.message.answer(
            _("You are registered as {role}. Which language shall I use?").format(role=role_name(user.role)),
            reply_markup=language_keyboard(onboarding=True),
        )


async def language_chosen(
    query: CallbackQuery, callback_data: Lang, state: FSMContext, session: AsyncSession, bot: Bot, user: User | None
) -> None:
    if user is None:
        return
    await ProfileService(session).set_locale(user, callback_data.code)
    await state.set_state(Onboarding.full_name)
    with use_locale(user.locale):
        await set_chat_menu(bot, user)  # the command menu in the language chosen, for the role
        await edit_in_place(query, _("Language: {language}").format(language=LANGUAGE_NAMES[user.locale]))
        if isinstance(query.message, Message):
            await query.message.answer(_("Please type your full name, for example: Nguyễn Thị Lan."))


async def full_name_given(message: Message, state: FSMContext, session: AsyncSession, user: User | None) -> None:
    if user is None:
        return
    await ProfileService(session).set_full_name(user, message.text or "")
    await state.set_state(Onboarding.position)
    await message.answer(
        _("Thank you, {name}. What is your position? For example: Chuyên viên, Trưởng phòng.").format(
            name=escape(user.full_name)
        )
    )


async def position_given(message: Message, state: FSMContext, session: AsyncSession, user: User | None) -> None:
    if user is None:
        return
    await ProfileService(session).set_position(user, message.text or "")
    await state.set_state(Onboarding.schedule)
    await message.answer(
        _(
            "Each week I will ask you a short check-in on the conduct criteria. "
            "When should it come? Most people keep {schedule}."
        ).format(schedule=schedule_text(user)),
        reply_markup=schedule_choice_keyboard(schedule_text(user)),
    )


async def schedule_change(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Onboarding.weekday)
    await edit_in_place(query, _("Which day of the week?"), weekday_keyboard())


async def weekday_chosen(
    query: CallbackQuery, callback_data: Weekday, state: FSMContext, session: AsyncSession, user: User | None
) -> None:
    if user is None:
        return
    await ProfileService(session).set_schedule(user, weekday=callback_data.day)
    await state.set_state(Onboarding.hour)
    await edit_in_place(query, _("At what time? Choose one, or type a time such as 16:30."), hour_keyboard())


async def hour_chosen(
    query: CallbackQuery,
    callback_data: Hour,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    user: User | None,
    campaign: Campaign,
) -> None:
    if user is None or not isinstance(query.message, Message):
        return
    at = f"{callback_data.minutes // 60:02d}:{callback_data.minutes % 60:02d}"
    await ProfileService(session).set_schedule(user, at=at)
    await edit_in_place(query, _("Check-in time: {schedule}.").format(schedule=schedule_text(user)))
    await _finish(query.message, state, session, clock, user, campaign)


async def hour_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, user: User | None, campaign: Campaign
) -> None:
    if user is None:
        return
    await ProfileService(session).set_schedule(user, at=message.text or "")
    await _finish(message, state, session, clock, user, campaign)


async def schedule_kept(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, clock: Clock, user: User | None, campaign: Campaign
) -> None:
    if user is None or not isinstance(query.message, Message):
        return
    await edit_in_place(query, _("Check-in time: {schedule}.").format(schedule=schedule_text(user)))
    await _finish(query.message, state, session, clock, user, campaign)


async def _finish(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, user: User, campaign: Campaign
) -> None:
    await OnboardingService(session, clock).finish(user)
    await state.clear()
    await message.answer(welcome_text(user, campaign))


def welcome_text(user: User, campaign: Campaign) -> str:
    """The campaign's name, decision and number of groups come from its file (SPEC §1)."""
    lines = [
        _("<b>Welcome, {name}!</b>").format(name=escape(user.full_name)),
        "",
        _("This bot accompanies this campaign: {campaign}.").format(campaign=escape(campaign_reference(campaign))),
        _(
            "Every {schedule} I will send you a one-minute check-in on {groups} (§IV.1.2 of the plan): "
            "one tap per group."
        ).format(schedule=schedule_text(user), groups=individual_groups(campaign)),
    ]
    if user.role == Role.leader:
        lines.append(
            _(
                "As a unit leader you will also receive a weekly digest of your unit and reminders of the campaign's deadlines."
            )
        )
    elif user.role == Role.comms:
        lines.append(_("As communications staff you will review the good examples that people submit."))
    elif user.role == Role.admin:
        lines.append(_("As an administrator you manage units, invitations and the deadline calendar."))
    lines += ["", _("Send /help to see the commands, and /settings to change your language or schedule.")]
    return "\n".join(lines)


class _Attempts:
    """Hands the router's InviteAttempts to its handlers and filters (data "invite_attempts")."""

    def __init__(self, attempts: InviteAttempts) -> None:
        self.attempts = attempts

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["invite_attempts"] = self.attempts
        return await handler(event, data)


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own, and with it
    its own memory of failed invitation codes and notices awaiting an answer."""
    router = Router(name="onboarding")
    attempts = _Attempts(InviteAttempts())
    router.message.outer_middleware(attempts)
    router.callback_query.outer_middleware(attempts)
    router.message.register(start, CommandStart())
    router.message.register(typed_at_consent, StateFilter(None), consent_pending)
    router.callback_query.register(decline, Consent.filter(F.agree.is_(False)))
    router.callback_query.register(agree, Consent.filter(F.agree.is_(True)))
    router.callback_query.register(notice_details, ConsentNotice.filter())
    router.callback_query.register(language_chosen, Onboarding.language, Lang.filter(F.onboarding.is_(True)))
    router.message.register(full_name_given, Onboarding.full_name, TYPED)
    router.message.register(position_given, Onboarding.position, TYPED)
    router.callback_query.register(schedule_change, Onboarding.schedule, Schedule.filter(F.step == ScheduleStep.change))
    router.callback_query.register(weekday_chosen, Onboarding.weekday, Weekday.filter())
    router.callback_query.register(hour_chosen, Onboarding.hour, Hour.filter())
    router.message.register(hour_typed, Onboarding.hour, TYPED)
    router.callback_query.register(schedule_kept, Onboarding.schedule, Schedule.filter(F.step == ScheduleStep.keep))
    return router

"""Onboarding (SPEC §3.1): /start <token> → notice (a summary, "Details" for the full
text) and consent → language → name → position → check-in day and time → welcome. Six
interactions when the defaults suit. Routing only: bot/services/onboarding.py decides,
bot/views/onboarding.py draws.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import Consent, ConsentNotice, Hour, Lang, Schedule, ScheduleStep, Weekday
from bot.channels.telegram.menus import set_chat_menu
from bot.channels.telegram.render import reply, show
from bot.config import Settings
from bot.domain import Person
from bot.i18n import use_locale
from bot.services.errors import AlreadyRegistered, DomainError
from bot.services.onboarding import OnboardingService
from bot.services.profile import ProfileService
from bot.views import onboarding as views
from bot.views.texts import notice_version
from handlers.filters import TYPED


class Onboarding(StatesGroup):
    language = State()
    full_name = State()
    position = State()
    schedule = State()
    weekday = State()
    hour = State()


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    settings: Settings,
    campaign: Campaign,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    if user is not None and user.onboarded_at is None:
        # Consent was given earlier but onboarding stopped: pick it up again.
        await state.set_state(Onboarding.language)
        await reply(message, views.resume_screen())
        return
    try:
        preview = await onboarding.open_notice(message.chat.id, command.args)
    except AlreadyRegistered:
        await reply(message, views.already_registered(user))
        return
    except DomainError as exc:  # no valid invitation: explain, store nothing (no state, no row)
        await reply(message, views.refused(exc))
        return
    await reply(
        message, views.notice_screen(campaign, settings.ministry_name, settings.standing_agency, preview, full=False)
    )


async def notice_details(
    query: CallbackQuery,
    callback_data: ConsentNotice,
    settings: Settings,
    campaign: Campaign,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    """ "Details" and "Back": the same message shows the full notice or its summary, with the
    same answers under it. Reads the invitation again; stores nothing."""
    ministry, agency = settings.ministry_name, settings.standing_agency
    if user is not None:  # an old notice, after consenting: the full text, nothing to answer
        unit = await onboarding.unit_of(user)
        await show(query, views.notice_read_again(campaign, ministry, agency, unit, user.role))
        return
    try:
        preview = await onboarding.open_notice(query.from_user.id, callback_data.token or None)
    except DomainError as exc:  # the invitation has expired or been withdrawn meanwhile
        await show(query, views.refused(exc))
        return
    await show(query, views.notice_screen(campaign, ministry, agency, preview, full=callback_data.full))


async def unregistered(message: Message, user: Person | None) -> bool:
    """A filter: someone the bot does not know yet, sending anything but a command."""
    return user is None and message.from_user is not None and not (message.text or "").startswith("/")


async def typed_at_consent(message: Message, onboarding: OnboardingService) -> None:
    """Text (or anything else) sent instead of answering the notice just shown: point to its
    buttons. Nothing is read or kept. Without a notice pending, it goes on to the catch-all."""
    if message.from_user is None or not onboarding.notice_pending(message.from_user.id):
        raise SkipHandler()
    await reply(message, views.answer_the_notice())


async def decline(query: CallbackQuery, onboarding: OnboardingService, user: Person | None) -> None:
    onboarding.notice_answered(query.from_user.id)
    await show(query, views.declined(consented=user is not None))


async def agree(
    query: CallbackQuery,
    callback_data: Consent,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    settings: Settings,
    campaign: Campaign,
    locale: str,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    if user is not None:
        # A second tap on "I agree" (taps are handled one after the other): the first one
        # recorded the consent and asked the next question; nothing more to do.
        onboarding.notice_answered(query.from_user.id)
        callback_answer.text = views.already_recorded()
        return
    # The full notice's version, whether the person read the summary or the details.
    version = notice_version(campaign, settings.ministry_name, settings.standing_agency)
    user = await onboarding.accept(
        query.from_user.id, callback_data.token or None, locale=locale, notice_version=version
    )
    await state.set_state(Onboarding.language)
    await show(query, views.consent_recorded(version))
    if isinstance(query.message, Message):
        await reply(query.message, views.language_question(user))


async def language_chosen(
    query: CallbackQuery,
    callback_data: Lang,
    state: FSMContext,
    bot: Bot,
    profile: ProfileService,
    user: Person | None,
) -> None:
    if user is None:
        return
    await profile.set_locale(user, callback_data.code)
    await state.set_state(Onboarding.full_name)
    with use_locale(user.locale):
        await set_chat_menu(bot, user)  # the command menu in the language chosen, for the role
        await show(query, views.language_set(user))
        if isinstance(query.message, Message):
            await reply(query.message, views.name_question())


async def full_name_given(message: Message, state: FSMContext, profile: ProfileService, user: Person | None) -> None:
    if user is None:
        return
    await profile.set_full_name(user, message.text or "")
    await state.set_state(Onboarding.position)
    await reply(message, views.position_question(user))


async def position_given(message: Message, state: FSMContext, profile: ProfileService, user: Person | None) -> None:
    if user is None:
        return
    await profile.set_position(user, message.text or "")
    await state.set_state(Onboarding.schedule)
    await reply(message, views.schedule_question(user))


async def schedule_change(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Onboarding.weekday)
    await show(query, views.weekday_question())


async def weekday_chosen(
    query: CallbackQuery, callback_data: Weekday, state: FSMContext, profile: ProfileService, user: Person | None
) -> None:
    if user is None:
        return
    await profile.set_schedule(user, weekday=callback_data.day)
    await state.set_state(Onboarding.hour)
    await show(query, views.hour_question())


async def hour_chosen(
    query: CallbackQuery,
    callback_data: Hour,
    state: FSMContext,
    campaign: Campaign,
    profile: ProfileService,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    if user is None or not isinstance(query.message, Message):
        return
    await profile.set_schedule_minutes(user, callback_data.minutes)
    await show(query, views.schedule_set(user))
    await _finish(query.message, state, onboarding, user, campaign)


async def hour_typed(
    message: Message,
    state: FSMContext,
    campaign: Campaign,
    profile: ProfileService,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    if user is None:
        return
    await profile.set_schedule(user, at=message.text or "")
    await _finish(message, state, onboarding, user, campaign)


async def schedule_kept(
    query: CallbackQuery,
    state: FSMContext,
    campaign: Campaign,
    onboarding: OnboardingService,
    user: Person | None,
) -> None:
    if user is None or not isinstance(query.message, Message):
        return
    await show(query, views.schedule_set(user))
    await _finish(query.message, state, onboarding, user, campaign)


async def _finish(
    message: Message, state: FSMContext, onboarding: OnboardingService, user: Person, campaign: Campaign
) -> None:
    await onboarding.finish(user)
    await state.clear()
    await reply(message, views.welcome(user, campaign))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own. Its memory of
    failed invitation codes and notices awaiting an answer (InviteAttempts) is the
    dispatcher's, handed to the onboarding service (bot.app.create_dispatcher)."""
    router = Router(name="onboarding")
    router.message.register(start, CommandStart())
    router.message.register(typed_at_consent, StateFilter(None), unregistered)
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

"""/review and /highlights for communications staff and administrators (SPEC §3.5; plan
§III.2 and §VI.5: the ministry's press finds, praises and spreads good examples): routing
only. The service decides (bot/services/examples.py), the views draw (bot/views/review.py,
bot/views/highlights.py).

/review shows one submitted example at a time, its photos first: approve, reject with a
reason, ask the submitter for more, tag. /highlights lists approved examples by period,
unit and category, opens one to mark it published with its link, and exports the list as
DOCX (photos embedded) or CSV. Submitters hear each decision in their own language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InputMediaPhoto, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import HighlightsAct, HighlightsCB, ReviewAct, ReviewCB
from bot.channels.telegram.render import input_file, reply, send, show, show_buttons
from bot.config import Settings
from bot.domain import Person
from bot.i18n import use_locale
from bot.services.examples import TAGS, Decision, ExampleCard, ExampleService, ExampleStateError, parse_date_range
from bot.views.actions import Highlights
from bot.views.highlights import (
    categories_screen,
    dates_prompt,
    export_kind,
    export_progress,
    export_ready,
    export_screen,
    export_subtitle,
    export_title,
    highlights_screen,
    nothing_to_export,
    resolve,
    typed_range,
    units_screen,
)
from bot.views.review import (
    album,
    approved_outcome,
    asked_screen,
    card_screen,
    closed_card_text,
    decision_screen,
    link_prompt,
    no_other_notice,
    published_screen,
    question_prompt,
    question_screen,
    queue_empty_screen,
    reason_prompt,
    rejected_screen,
    tags_screen,
)
from bot.views.screen import Screen
from handlers.filters import TYPED

log = logging.getLogger(__name__)

PROGRESS_EVERY = 10  # an export edits its progress message every this many examples


class ReviewStates(StatesGroup):
    reason = State()  # why it is rejected; data: example id
    question = State()  # what to ask the submitter
    link = State()  # the published article's link
    dates = State()  # a typed period for /highlights; data: unit and category


# -- telling the submitter ------------------------------------------------------------------


async def notify_person(bot: Bot, person: Person | None, build: Callable[[], Screen]) -> bool:
    """The one place a message leaves for someone other than the update's sender, rendered
    in their own language. Sent directly for now; to move to the durable outbox
    (scheduler/outbox.py), change this function only. False if it could not be sent."""
    if person is None or person.telegram_id is None or not person.active:
        return False
    with use_locale(person.locale):
        screen = build()
    try:
        await send(bot, person.telegram_id, screen)
    except TelegramForbiddenError:
        log.info("user %s has blocked the bot: decision not delivered", person.id)
        return False
    except TelegramAPIError as exc:
        log.warning("could not tell user %s of a decision: %s", person.id, exc)
        return False
    return True


async def tell(bot: Bot, decision: Decision) -> bool:
    ex, question = decision.example, decision.question
    if question is not None:
        return await notify_person(bot, decision.submitter, lambda: question_screen(ex, question))
    return await notify_person(bot, decision.submitter, lambda: decision_screen(ex))


# -- the review card ------------------------------------------------------------------------


async def send_card(bot: Bot, chat_id: int, examples: ExampleService, card: ExampleCard, timezone: str) -> None:
    """The example's photos (an album of 2–5, or one), then its card. Telegram's file_id of
    each uploaded copy is kept, so the bytes go up once."""
    eid = card.example.id or 0
    photos = await examples.photos(eid)
    if photos:
        pictures = album(photos, eid)
        if len(pictures) == 1:
            sent = [await bot.send_photo(chat_id, input_file(pictures[0]))]
        else:
            sent = await bot.send_media_group(chat_id, [InputMediaPhoto(media=input_file(p)) for p in pictures])
        for stored, message in zip(photos, sent, strict=False):
            if message.photo and stored.id is not None:
                await examples.remember_upload(stored.id, message.photo[-1].file_id)
    await send(bot, chat_id, card_screen(card, timezone))


async def send_next(bot: Bot, chat_id: int, examples: ExampleService, reviewer: Person, timezone: str) -> None:
    card = await examples.next_pending(reviewer)
    if card is None:
        await send(bot, chat_id, queue_empty_screen())
        return
    await send_card(bot, chat_id, examples, card, timezone)


def _chat(query: CallbackQuery, user: Person) -> int:
    return query.message.chat.id if query.message else user.telegram_id or 0


async def _close_card(query: CallbackQuery, outcome: str) -> None:
    """The decided card keeps its text, loses its buttons and says what was done."""
    if isinstance(query.message, Message) and query.message.html_text:
        await show(query, Screen(closed_card_text(query.message.html_text, outcome)))


# -- /review: one handler per action ----------------------------------------------------------


async def review_command(
    message: Message, bot: Bot, state: FSMContext, examples: ExampleService, settings: Settings, user: Person
) -> None:
    await state.clear()
    await send_next(bot, message.chat.id, examples, user, settings.timezone)


async def approve(
    query: CallbackQuery,
    callback_data: ReviewCB,
    bot: Bot,
    state: FSMContext,
    examples: ExampleService,
    settings: Settings,
    user: Person,
) -> None:
    decision = await examples.approve(user, callback_data.id)
    await state.clear()
    told = await tell(bot, decision)
    await _close_card(query, approved_outcome(told))
    await send_next(bot, _chat(query, user), examples, user, settings.timezone)


async def _ask_to_type(
    query: CallbackQuery, bot: Bot, state: FSMContext, user: Person, eid: int, target: State, prompt: Screen
) -> None:
    """The reviewer types next (a reason, a question, a link); the card's buttons go then."""
    await state.set_state(target)
    await state.update_data(example=eid, card=query.message.message_id if query.message else None)
    await send(bot, _chat(query, user), prompt)


async def reject(
    query: CallbackQuery, callback_data: ReviewCB, bot: Bot, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await examples.to_decide(user, callback_data.id)
    eid = callback_data.id
    await _ask_to_type(query, bot, state, user, eid, ReviewStates.reason, reason_prompt(eid))


async def ask(
    query: CallbackQuery, callback_data: ReviewCB, bot: Bot, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await examples.to_decide(user, callback_data.id)
    eid = callback_data.id
    await _ask_to_type(query, bot, state, user, eid, ReviewStates.question, question_prompt(eid))


async def publish(
    query: CallbackQuery, callback_data: ReviewCB, bot: Bot, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await examples.to_publish(user, callback_data.id)
    eid = callback_data.id
    await _ask_to_type(query, bot, state, user, eid, ReviewStates.link, link_prompt(eid))


async def tags(
    query: CallbackQuery, callback_data: ReviewCB, examples: ExampleService, settings: Settings, user: Person
) -> None:
    card = await examples.card(user, callback_data.id)
    await show_buttons(query, tags_screen(card, settings.timezone))


async def tag(
    query: CallbackQuery, callback_data: ReviewCB, examples: ExampleService, settings: Settings, user: Person
) -> None:
    if not 0 <= callback_data.v < len(TAGS):
        raise ExampleStateError("example_gone")
    card = await examples.tag(user, callback_data.id, TAGS[callback_data.v])
    await show(query, tags_screen(card, settings.timezone))


async def card(
    query: CallbackQuery, callback_data: ReviewCB, examples: ExampleService, settings: Settings, user: Person
) -> None:
    await show(query, card_screen(await examples.card(user, callback_data.id), settings.timezone))


async def skip(
    query: CallbackQuery,
    callback_data: ReviewCB,
    callback_answer: CallbackAnswer,
    bot: Bot,
    examples: ExampleService,
    settings: Settings,
    user: Person,
) -> None:
    skipped = await examples.skip(user, callback_data.id)
    if skipped.card is None:
        callback_answer.text = no_other_notice()
        return
    await send_card(bot, _chat(query, user), examples, skipped.card, settings.timezone)


async def open_example(
    query: CallbackQuery,
    callback_data: ReviewCB,
    bot: Bot,
    examples: ExampleService,
    settings: Settings,
    user: Person,
) -> None:
    card = await examples.card(user, callback_data.id)
    await send_card(bot, _chat(query, user), examples, card, settings.timezone)


# -- a typed reason, question or link ---------------------------------------------------------


async def _drop_card_buttons(message: Message, bot: Bot, data: dict[str, Any]) -> None:
    """After a typed reason, question or link, the example's card loses its buttons."""
    card = data.get("card")
    if card:
        try:
            await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=int(card), reply_markup=None)
        except TelegramBadRequest as exc:  # gone, or already without buttons
            log.info("card %s of example %s kept its buttons: %s", card, data.get("example"), exc)


async def reason_typed(
    message: Message, bot: Bot, state: FSMContext, examples: ExampleService, settings: Settings, user: Person
) -> None:
    data = await state.get_data()
    eid = int(data.get("example", 0))
    decision = await examples.reject(user, eid, message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    await reply(message, rejected_screen(eid, await tell(bot, decision)))
    await send_next(bot, message.chat.id, examples, user, settings.timezone)


async def question_typed(
    message: Message, bot: Bot, state: FSMContext, examples: ExampleService, settings: Settings, user: Person
) -> None:
    data = await state.get_data()
    eid = int(data.get("example", 0))
    decision = await examples.ask(user, eid, message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    await reply(message, asked_screen(eid, await tell(bot, decision)))
    await send_next(bot, message.chat.id, examples, user, settings.timezone)


async def link_typed(message: Message, bot: Bot, state: FSMContext, examples: ExampleService, user: Person) -> None:
    data = await state.get_data()
    decision = await examples.publish(user, int(data.get("example", 0)), message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    await reply(message, published_screen(decision.example, await tell(bot, decision)))


# -- /highlights: one handler per action ------------------------------------------------------


async def _list(examples: ExampleService, user: Person, action: Highlights) -> Screen:
    flt = resolve(action, examples.today(user.timezone))
    return highlights_screen(await examples.highlights_page(user, flt, timezone=user.timezone), action)


async def highlights_command(message: Message, state: FSMContext, examples: ExampleService, user: Person) -> None:
    await state.clear()
    await reply(message, await _list(examples, user, Highlights(a=HighlightsAct.show)))


async def highlights_show(
    query: CallbackQuery, callback_data: HighlightsCB, examples: ExampleService, user: Person
) -> None:
    await show(query, await _list(examples, user, callback_data))


async def highlights_units(
    query: CallbackQuery, callback_data: HighlightsCB, examples: ExampleService, user: Person
) -> None:
    flt = resolve(callback_data, examples.today(user.timezone))
    units = await examples.highlight_units(user, flt, timezone=user.timezone)
    await show(query, units_screen(units, flt, callback_data))


async def highlights_categories(query: CallbackQuery, callback_data: HighlightsCB) -> None:
    await show(query, categories_screen(callback_data))


async def highlights_dates(query: CallbackQuery, callback_data: HighlightsCB, state: FSMContext) -> None:
    await state.set_state(ReviewStates.dates)
    await state.update_data(u=callback_data.u, c=callback_data.c)
    if isinstance(query.message, Message):
        await reply(query.message, dates_prompt())


async def dates_typed(message: Message, state: FSMContext, examples: ExampleService, user: Person) -> None:
    start, end = parse_date_range(message.text or "")
    data = await state.get_data()
    await state.clear()
    action = typed_range(start, end, int(data.get("u", 0)), int(data.get("c", -1)))
    await reply(message, await _list(examples, user, action))


async def export(
    query: CallbackQuery,
    callback_data: HighlightsCB,
    bot: Bot,
    examples: ExampleService,
    settings: Settings,
    user: Person,
) -> None:
    """Build the period's DOCX or CSV and send it; a long one edits a progress message
    every PROGRESS_EVERY examples. The tap is answered first (the work may take a while)."""
    kind = export_kind(callback_data)
    chat_id = _chat(query, user)
    found = await examples.highlights_page(
        user, resolve(callback_data, examples.today(user.timezone)), timezone=user.timezone
    )
    if not found.rows:
        await send(bot, chat_id, nothing_to_export())
        return
    total, every = len(found.rows), PROGRESS_EVERY
    progress = None
    if total > every:
        progress = await bot.send_message(chat_id, export_progress(kind, 0, total))

    async def advance(done: int) -> None:
        if progress is not None:
            await progress.edit_text(export_progress(kind, done, total))

    built = await examples.export(
        user,
        kind,
        found,
        title=export_title(found.filter),
        subtitle=export_subtitle(found),
        timezone=user.timezone,
        parent_body=settings.ministry_name,
        issuing_body=settings.standing_agency,
        progress=advance,
        every=every,
    )
    await send(bot, chat_id, export_screen(built, found.filter))
    if progress is not None:
        await progress.edit_text(export_ready(kind, total))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="review")
    router.message.register(review_command, Command("review"), StateFilter("*"))
    router.message.register(highlights_command, Command("highlights"), StateFilter("*"))
    act = ReviewCB.filter
    router.callback_query.register(approve, act(F.a == ReviewAct.approve))
    router.callback_query.register(reject, act(F.a == ReviewAct.reject))
    router.callback_query.register(ask, act(F.a == ReviewAct.ask))
    router.callback_query.register(publish, act(F.a == ReviewAct.publish))
    router.callback_query.register(tags, act(F.a == ReviewAct.tags))
    router.callback_query.register(tag, act(F.a == ReviewAct.tag))
    router.callback_query.register(card, act(F.a == ReviewAct.card))
    router.callback_query.register(skip, act(F.a == ReviewAct.skip))
    router.callback_query.register(open_example, act(F.a == ReviewAct.open))
    hl = HighlightsCB.filter
    exports = {"callback_answer": {"pre": True}}
    router.callback_query.register(export, hl(F.a == HighlightsAct.docx), flags=exports)
    router.callback_query.register(export, hl(F.a == HighlightsAct.csv), flags=exports)
    router.callback_query.register(highlights_show, hl(F.a == HighlightsAct.show))
    router.callback_query.register(highlights_units, hl(F.a == HighlightsAct.units))
    router.callback_query.register(highlights_categories, hl(F.a == HighlightsAct.categories))
    router.callback_query.register(highlights_dates, hl(F.a == HighlightsAct.dates))
    router.message.register(reason_typed, ReviewStates.reason, TYPED)
    router.message.register(question_typed, ReviewStates.question, TYPED)
    router.message.register(link_typed, ReviewStates.link, TYPED)
    router.message.register(dates_typed, ReviewStates.dates, TYPED)
    return router

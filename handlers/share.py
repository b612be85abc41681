"""/share and /myshares (SPEC §3.4; plan §III.2, §VI.5): routing only. The service keeps the
draft in the database step by step (bot/services/examples.py: after a restart, /share goes on
where it stopped), the views draw it (bot/views/share.py). The FSM state only routes typed
text and photos to the draft.
"""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.channels.telegram.callbacks import ShareAct, ShareCB
from bot.channels.telegram.render import markup, reply, show
from bot.config import Settings
from bot.domain import DraftStep, Person
from bot.services.errors import InvalidInput
from bot.services.examples import (
    CATEGORIES,
    EDITABLE_STEPS,
    MAX_PHOTO_BYTES,
    SUBJECTS,
    Draft,
    ExampleService,
    ExampleStateError,
)
from bot.views.share import (
    answer_prompt_screen,
    answered_screen,
    discard_screen,
    discarded_screen,
    edit_menu_screen,
    myshares_screen,
    no_draft_screen,
    photo_status_screen,
    photo_too_early_screen,
    resume_screen,
    sent_screen,
    step_screen,
    stray_text_screen,
)
from handlers.filters import TYPED

log = logging.getLogger(__name__)

MYSHARES_LIMIT = 20


class ShareStates(StatesGroup):
    drafting = State()  # typed text and photos go to the draft; its step says where
    answering = State()  # a reply to the reviewers' question; data: example id


# -- entering the flow ----------------------------------------------------------------------


async def begin(
    message: Message, state: FSMContext, examples: ExampleService, user: Person, settings: Settings
) -> None:
    """/share, and the check-in's "Yes, a good example": a new draft, or the unfinished one."""
    await state.clear()
    drafting = await examples.begin(user)
    if drafting.resume:
        await reply(message, resume_screen(drafting.draft, settings.timezone))
        return
    await state.set_state(ShareStates.drafting)
    await reply(message, step_screen(drafting.draft, user.full_name))


async def share_command(
    message: Message, state: FSMContext, examples: ExampleService, settings: Settings, user: Person
) -> None:
    await begin(message, state, examples, user, settings)


async def _step(query: CallbackQuery, state: FSMContext, draft: Draft, user: Person) -> None:
    """The draft's current step, in place of the tapped card; typed text goes to the draft."""
    await state.set_state(ShareStates.drafting)
    await show(query, step_screen(draft, user.full_name))


def _index(value: int, size: int) -> int:
    """A button's index into a fixed list; a forged or stale one changes nothing."""
    if not 0 <= value < size:
        raise ExampleStateError("example_gone")
    return value


# -- button steps: one handler per action ---------------------------------------------------


async def resume(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await _step(query, state, await examples.resume(user, callback_data.d), user)


async def restart(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await _step(query, state, await examples.restart(user, callback_data.d), user)


async def category(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    chosen = CATEGORIES[_index(callback_data.v, len(CATEGORIES))]
    ex = await examples.choose_category(user, callback_data.d, chosen)
    await _step(query, state, await examples.shown(ex), user)


async def subject(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    chosen = SUBJECTS[_index(callback_data.v, len(SUBJECTS))]
    ex = await examples.choose_subject(user, callback_data.d, chosen)
    await _step(query, state, await examples.shown(ex), user)


async def photos_done(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    ex = await examples.photos_done(user, callback_data.d)
    await state.update_data(album=None, album_msg=None)
    await _step(query, state, await examples.shown(ex), user)


async def photos_clear(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    ex = await examples.remove_photos(user, callback_data.d)
    await state.update_data(album=None, album_msg=None)
    await _step(query, state, await examples.shown(ex), user)


async def consent(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    ex = await examples.set_consent(user, callback_data.d, callback_data.v == 1)
    await _step(query, state, await examples.shown(ex), user)


async def edit(query: CallbackQuery, callback_data: ShareCB, examples: ExampleService, user: Person) -> None:
    draft = await examples.resume(user, callback_data.d)
    await show(query, edit_menu_screen(draft.id))


async def edit_field(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    step = EDITABLE_STEPS[_index(callback_data.v, len(EDITABLE_STEPS))]
    ex = await examples.edit(user, callback_data.d, step)
    await _step(query, state, await examples.shown(ex), user)


async def preview(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    ex = await examples.back_to_preview(user, callback_data.d)
    await _step(query, state, await examples.shown(ex), user)


async def discard(query: CallbackQuery, callback_data: ShareCB, examples: ExampleService, user: Person) -> None:
    draft = await examples.resume(user, callback_data.d)
    await show(query, discard_screen(draft.id))


async def discard_yes(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    await examples.discard(user, callback_data.d)
    await state.clear()
    await show(query, discarded_screen())


async def send(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    ex = await examples.submit(user, callback_data.d)
    await state.clear()
    await show(query, sent_screen(ex))


async def answer(
    query: CallbackQuery, callback_data: ShareCB, state: FSMContext, examples: ExampleService, user: Person
) -> None:
    """✍️ Reply: the reviewers' question, and the answer typed next goes to it."""
    question = await examples.open_question(user, callback_data.d)
    await state.set_state(ShareStates.answering)
    await state.update_data(example=callback_data.d)
    if isinstance(query.message, Message):
        await reply(query.message, answer_prompt_screen(question))


# -- typed text and photos --------------------------------------------------------------------


async def typed(message: Message, state: FSMContext, examples: ExampleService, user: Person) -> None:
    result = await examples.type_text(user, message.text or "")
    if result.draft is None:
        await state.clear()
        await reply(message, no_draft_screen())
    elif result.taken:
        await reply(message, step_screen(result.draft, user.full_name))
    else:
        await reply(message, stray_text_screen(result.draft, user.full_name))


def _picture_of(message: Message) -> tuple[str, str, int | None]:
    """(file_id, file_unique_id, size) of the best picture in the message."""
    if message.photo:
        best = message.photo[-1]
        return best.file_id, best.file_unique_id, best.file_size
    doc = message.document
    if doc is None or not (doc.mime_type or "").lower().startswith("image/"):
        raise InvalidInput("photo_not_image")
    return doc.file_id, doc.file_unique_id, doc.file_size


async def _download(bot: Bot, file_id: str) -> bytes:
    try:
        buffer = await bot.download(file_id)
    except TelegramBadRequest:  # "file is too big" and the like
        raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024)) from None
    if buffer is None:
        raise InvalidInput("photo_unreadable")
    return buffer.read()


async def photo(message: Message, bot: Bot, state: FSMContext, examples: ExampleService, user: Person) -> None:
    """A photo or an image file for the draft. An album arrives as several messages with one
    media_group_id, handled one after the other (event isolation): one status message is
    sent for the album and edited as its photos come in."""
    draft = await examples.current(user)
    data = await state.get_data()
    album = message.media_group_id
    same_album = album is not None and data.get("album") == album
    if draft is None or draft.example.step != DraftStep.photos:
        if same_album:
            return  # the album's first photo already got the hint
        await state.update_data(album=album, album_msg=None)
        if draft is None:
            await state.clear()
            await reply(message, no_draft_screen())
            return
        await reply(message, photo_too_early_screen(draft, user.full_name))
        return
    counts = data.get("album_counts") if same_album else None
    refused, unreadable = counts or [0, 0]
    try:
        file_id, unique_id, size = _picture_of(message)
        if size is not None and size > MAX_PHOTO_BYTES:
            raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024))
        result = await examples.add_photo(user, draft.id, await _download(bot, file_id), unique_id)
        count, refused = result.count, refused + (1 if result.full else 0)
    except InvalidInput as exc:
        if album is None:
            raise  # a single file: the errors router says what was wrong
        unreadable += 1
        count = await examples.photo_count(draft.id)
        log.info("album picture refused: %s", exc)
    screen = photo_status_screen(draft.id, count, refused, unreadable)
    album_msg = data.get("album_msg") if same_album else None
    if album_msg:
        try:
            await bot.edit_message_text(
                screen.text, chat_id=message.chat.id, message_id=int(album_msg), reply_markup=markup(screen)
            )
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
    else:
        sent = await reply(message, screen)
        album_msg = sent.message_id if album and sent is not None else None
    await state.update_data(album=album, album_msg=album_msg, album_counts=[refused, unreadable])


async def answer_typed(message: Message, state: FSMContext, examples: ExampleService, user: Person) -> None:
    data = await state.get_data()
    ex = await examples.answer_question(user, int(data.get("example", 0)), message.text or "")
    await state.clear()
    await reply(message, answered_screen(ex))


# -- /myshares --------------------------------------------------------------------------------


async def myshares(message: Message, examples: ExampleService, settings: Settings, user: Person) -> None:
    await reply(message, myshares_screen(await examples.my_shares(user, MYSHARES_LIMIT), settings.timezone))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="share")
    router.message.register(share_command, Command("share"), StateFilter("*"))
    router.message.register(myshares, Command("myshares"), StateFilter("*"))
    act = ShareCB.filter
    router.callback_query.register(resume, act(F.a == ShareAct.resume))
    router.callback_query.register(restart, act(F.a == ShareAct.restart))
    router.callback_query.register(category, act(F.a == ShareAct.category))
    router.callback_query.register(subject, act(F.a == ShareAct.subject))
    router.callback_query.register(photos_done, act(F.a == ShareAct.photos_done))
    router.callback_query.register(photos_clear, act(F.a == ShareAct.photos_clear))
    router.callback_query.register(consent, act(F.a == ShareAct.consent))
    router.callback_query.register(edit, act(F.a == ShareAct.edit))
    router.callback_query.register(edit_field, act(F.a == ShareAct.edit_field))
    router.callback_query.register(preview, act(F.a == ShareAct.preview))
    router.callback_query.register(discard, act(F.a == ShareAct.discard))
    router.callback_query.register(discard_yes, act(F.a == ShareAct.discard_yes))
    router.callback_query.register(send, act(F.a == ShareAct.send))
    router.callback_query.register(answer, act(F.a == ShareAct.answer))
    router.message.register(typed, ShareStates.drafting, TYPED)
    router.message.register(photo, ShareStates.drafting, F.photo | F.document)
    router.message.register(answer_typed, ShareStates.answering, TYPED)
    return router

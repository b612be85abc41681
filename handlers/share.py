"""/share and /myshares (SPEC §3.4; plan §III.2, §VI.5): an employee shares a good example
— its category, about whom, what happened, up to 5 photos, consent to publish names — checks
a preview and sends it to the communications staff; later sees its status.

The draft lives in the database (bot.services.examples), step by step: after a restart,
/share goes on where it stopped. The FSM state only routes typed text and photos to it.
"""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram.callbacks import ShareAct, ShareCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import N_, _, ngettext
from bot.render.example_labels import (
    CATEGORY_ICONS,
    TEXT_LIMIT,
    about,
    category_label,
    category_name,
    local_date,
    snippet,
    status_label,
    subject_name,
    telegram_len,
)
from bot.services.errors import InvalidInput
from bot.services.examples import (
    ANSWER_MAX,
    ANSWER_MIN,
    CATEGORIES,
    EDITABLE_STEPS,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    NAME_MAX,
    NAME_MIN,
    STORY_MAX,
    STORY_MIN,
    SUBJECTS,
    ExampleService,
    ExampleStateError,
)
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.examples import DraftStep, ExampleStatus, ExampleSubject, GoodExample
from storage.models import User

log = logging.getLogger(__name__)

SUBJECT_ICONS = {ExampleSubject.myself: "🙋", ExampleSubject.colleague: "🧑‍🤝‍🧑", ExampleSubject.collective: "🏢"}
STEP_NUMBER = {
    DraftStep.category: 1,
    DraftStep.subject: 2,
    DraftStep.subject_name: 2,
    DraftStep.story: 3,
    DraftStep.photos: 4,
    DraftStep.consent: 5,
    DraftStep.preview: 6,
}
STEPS = 6
EDIT_NAMES = {
    DraftStep.category: N_("Category"),
    DraftStep.subject: N_("About whom"),
    DraftStep.story: N_("What happened"),
    DraftStep.photos: N_("Photos"),
    DraftStep.consent: N_("Names"),
}
MYSHARES_LIMIT = 20


class ShareStates(StatesGroup):
    drafting = State()  # typed text and photos go to the draft; its step says where
    answering = State()  # a reply to the reviewers' question; data: example id


def service(session: AsyncSession, clock: Clock, settings: Settings | None = None) -> ExampleService:
    return ExampleService(session, clock, settings.timezone if settings else "Asia/Ho_Chi_Minh")


# -- cards --------------------------------------------------------------------------------


def _step_header(ex: GoodExample) -> str:
    return _("<b>🌟 Sharing a good example</b> · step {n}/{total}").format(
        n=STEP_NUMBER[DraftStep(ex.step)], total=STEPS
    )


def category_card(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            _step_header(ex),
            _(
                "The campaign asks us to find, praise and spread good examples (§III.2 of the plan). "
                "Communications staff review what you send; you will be told of their decision."
            ),
            "",
            _("<b>What kind of example is it?</b>"),
        ]
    )
    kb = InlineKeyboardBuilder()
    for n, category in enumerate(CATEGORIES):
        kb.button(
            text=f"{CATEGORY_ICONS[category]} {category_name(category)}",
            callback_data=ShareCB(a=ShareAct.category, d=ex.id, v=n),
        )
    kb.adjust(1)
    return text, kb.as_markup()


def subject_card(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            _step_header(ex),
            _("Category: {category}").format(category=category_label(ex.category)),
            "",
            _("<b>About whom?</b>"),
        ]
    )
    kb = InlineKeyboardBuilder()
    for n, subject in enumerate(SUBJECTS):
        kb.button(
            text=f"{SUBJECT_ICONS[subject]} {subject_name(subject)}",
            callback_data=ShareCB(a=ShareAct.subject, d=ex.id, v=n),
        )
    kb.adjust(1)
    return text, kb.as_markup()


def subject_name_card(ex: GoodExample) -> tuple[str, None]:
    if ex.subject == ExampleSubject.colleague:
        ask = _("<b>Type the colleague's full name</b> ({min}–{max} characters), for example: Trần Văn Bình.")
    else:
        ask = _("<b>Type the name of the collective or unit</b> ({min}–{max} characters), for example: Phòng Tổng hợp.")
    return "\n".join([_step_header(ex), ask.format(min=NAME_MIN, max=NAME_MAX)]), None


def story_card(ex: GoodExample) -> tuple[str, None]:
    return "\n".join(
        [
            _step_header(ex),
            _(
                "<b>What happened?</b> Describe it in one message of {min} to {max} characters: who did what, when "
                "and where, and what came of it."
            ).format(min=STORY_MIN, max=STORY_MAX),
        ]
    ), None


def photos_keyboard(ex: GoodExample, count: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if count:
        kb.button(text=_("Continue ➡"), callback_data=ShareCB(a=ShareAct.photos_done, d=ex.id))
        kb.button(text=_("🗑 Remove the photos"), callback_data=ShareCB(a=ShareAct.photos_clear, d=ex.id))
    else:
        kb.button(text=_("Continue without photos ➡"), callback_data=ShareCB(a=ShareAct.photos_done, d=ex.id))
    kb.adjust(1)
    return kb.as_markup()


def photos_card(ex: GoodExample, count: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _step_header(ex),
        _(
            "<b>Photos (optional).</b> Send up to {max} photos, one by one or as an album; pictures sent as "
            "files are accepted too. Location and camera data are removed before anyone else sees them."
        ).format(max=MAX_PHOTOS),
    ]
    if count:
        lines.append(_("Photos so far: {n}/{max}.").format(n=count, max=MAX_PHOTOS))
    lines.append(_("Then tap Continue."))
    return "\n".join(lines), photos_keyboard(ex, count)


def consent_card(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            _step_header(ex),
            _("<b>May the names in this example be published</b> (in the ministry's newspaper, magazine or portal)?"),
            _("If not, communications staff may still tell the story without naming anyone."),
        ]
    )
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Yes, names may be published"), callback_data=ShareCB(a=ShareAct.consent, d=ex.id, v=1))
    kb.button(text=_("🚫 No, without names"), callback_data=ShareCB(a=ShareAct.consent, d=ex.id, v=0))
    kb.adjust(1)
    return text, kb.as_markup()


def example_summary(ex: GoodExample, count: int, submitter: str) -> list[str]:
    """The example's fields as HTML lines (user text escaped)."""
    return [
        _("Category: {category}").format(category=category_label(ex.category)),
        _("About: {who}").format(who=escape(about(ex.subject, ex.subject_name, submitter))),
        _("Photos: {n}").format(n=count),
        _("Names may be published: {answer}").format(answer=_("yes") if ex.consent_names else _("no")),
        "",
        _("<b>What happened:</b>"),
        escape(ex.story or ""),
    ]


def preview_card(ex: GoodExample, count: int, user: User) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _step_header(ex),
        _("<b>Please check it before sending.</b>"),
        "",
        *example_summary(ex, count, user.full_name),
    ]
    kb = InlineKeyboardBuilder()
    kb.button(text=_("📨 Send to the communications staff"), callback_data=ShareCB(a=ShareAct.send, d=ex.id))
    kb.button(text=_("✏️ Edit"), callback_data=ShareCB(a=ShareAct.edit, d=ex.id))
    kb.button(text=_("🗑 Discard"), callback_data=ShareCB(a=ShareAct.discard, d=ex.id))
    kb.adjust(1, 2)
    return "\n".join(lines), kb.as_markup()


def edit_menu_card(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for n, step in enumerate(EDITABLE_STEPS):
        kb.button(text=_(EDIT_NAMES[step]), callback_data=ShareCB(a=ShareAct.edit_field, d=ex.id, v=n))
    kb.button(text=_("↩ Back to the preview"), callback_data=ShareCB(a=ShareAct.preview, d=ex.id))
    kb.adjust(2, 2, 1, 1)
    return _("<b>What do you want to change?</b>"), kb.as_markup()


def discard_card(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🗑 Yes, discard it"), callback_data=ShareCB(a=ShareAct.discard_yes, d=ex.id))
    kb.button(text=_("↩ Back to the preview"), callback_data=ShareCB(a=ShareAct.preview, d=ex.id))
    kb.adjust(1)
    return _("Discard this draft and its photos? This cannot be undone."), kb.as_markup()


def resume_card(ex: GoodExample, settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("➡ Go on with it"), callback_data=ShareCB(a=ShareAct.resume, d=ex.id))
    kb.button(text=_("🆕 Start a new one"), callback_data=ShareCB(a=ShareAct.restart, d=ex.id))
    kb.adjust(1)
    text = _(
        "You have an unfinished good example, last changed on {date} ({category}). Go on with it, or start a new one?"
    ).format(
        date=local_date(ex.updated_at, settings.timezone),
        category=category_label(ex.category),
    )
    return text, kb.as_markup()


async def step_card(svc: ExampleService, ex: GoodExample, user: User) -> tuple[str, InlineKeyboardMarkup | None]:
    step = DraftStep(ex.step)
    if step == DraftStep.category:
        return category_card(ex)
    if step == DraftStep.subject:
        return subject_card(ex)
    if step == DraftStep.subject_name:
        return subject_name_card(ex)
    if step == DraftStep.story:
        return story_card(ex)
    if step == DraftStep.photos:
        return photos_card(ex, await svc.photo_count(ex.id or 0))
    if step == DraftStep.consent:
        return consent_card(ex)
    return preview_card(ex, await svc.photo_count(ex.id or 0), user)


# -- entering the flow ----------------------------------------------------------------------


async def begin(message: Message, state: FSMContext, svc: ExampleService, user: User, settings: Settings) -> None:
    """/share, and the check-in's "Yes, a good example": a new draft, or the unfinished one."""
    await state.clear()
    current = await svc.draft(user)
    if current is not None and current.category is not None:
        text, kb = resume_card(current, settings)
        await message.answer(text, reply_markup=kb)
        return
    ex = current or await svc.start(user)
    await state.set_state(ShareStates.drafting)
    text, kb = await step_card(svc, ex, user)
    await message.answer(text, reply_markup=kb)


async def share_command(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    await begin(message, state, service(session, clock, settings), user, settings)


async def _show(query: CallbackQuery, card: tuple[str, InlineKeyboardMarkup | None]) -> None:
    await edit_in_place(query, *card)


async def _step(query: CallbackQuery, state: FSMContext, svc: ExampleService, ex: GoodExample, user: User) -> None:
    await state.set_state(ShareStates.drafting)
    await _show(query, await step_card(svc, ex, user))


# -- button steps ---------------------------------------------------------------------------


async def on_button(
    query: CallbackQuery,
    callback_data: ShareCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, settings)
    act, d, v = callback_data.a, callback_data.d, callback_data.v
    if act == ShareAct.resume:
        await _step(query, state, svc, await svc.own_draft(user, d), user)
    elif act == ShareAct.restart:
        await svc.own_draft(user, d)  # an old "start a new one" button does nothing
        await _step(query, state, svc, await svc.start(user, fresh=True), user)
    elif act == ShareAct.category:
        if not 0 <= v < len(CATEGORIES):
            raise ExampleStateError("example_gone")
        await _step(query, state, svc, await svc.choose_category(user, d, CATEGORIES[v]), user)
    elif act == ShareAct.subject:
        if not 0 <= v < len(SUBJECTS):
            raise ExampleStateError("example_gone")
        await _step(query, state, svc, await svc.choose_subject(user, d, SUBJECTS[v]), user)
    elif act == ShareAct.photos_done:
        ex = await svc.photos_done(user, d)
        await state.update_data(album=None, album_msg=None)
        await _step(query, state, svc, ex, user)
    elif act == ShareAct.photos_clear:
        ex = await svc.remove_photos(user, d)
        await state.update_data(album=None, album_msg=None)
        await _step(query, state, svc, ex, user)
    elif act == ShareAct.consent:
        await _step(query, state, svc, await svc.set_consent(user, d, v == 1), user)
    elif act == ShareAct.edit:
        await _show(query, edit_menu_card(await svc.own_draft(user, d)))
    elif act == ShareAct.edit_field:
        if not 0 <= v < len(EDITABLE_STEPS):
            raise ExampleStateError("example_gone")
        await _step(query, state, svc, await svc.edit(user, d, EDITABLE_STEPS[v]), user)
    elif act == ShareAct.preview:
        await _step(query, state, svc, await svc.back_to_preview(user, d), user)
    elif act == ShareAct.discard:
        await _show(query, discard_card(await svc.own_draft(user, d)))
    elif act == ShareAct.discard_yes:
        await svc.discard(user, d)
        await state.clear()
        await _show(
            query, (_("The draft has been discarded. Send /share whenever you want to share a good example."), None)
        )
    elif act == ShareAct.send:
        ex = await svc.submit(user, d)
        await state.clear()
        await _show(
            query,
            (
                _(
                    "📨 <b>Sent, thank you!</b> Your good example #{id} is now with the communications staff. "
                    "You will be told of their decision; /myshares shows where it stands."
                ).format(id=ex.id),
                None,
            ),
        )
    elif act == ShareAct.answer:
        question = await svc.open_question(user, d)
        await state.set_state(ShareStates.answering)
        await state.update_data(example=d)
        if isinstance(query.message, Message):
            await query.message.answer(
                _("Type your answer to: <i>{question}</i> ({min}–{max} characters).").format(
                    question=escape(question.text),
                    min=ANSWER_MIN,
                    max=ANSWER_MAX,
                )
            )


# -- typed text and photos --------------------------------------------------------------------


async def typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    svc = service(session, clock, settings)
    ex = await svc.draft(user)
    if ex is None:
        await state.clear()
        await message.answer(_("There is no good example being written. Send /share to start one."))
        return
    step = DraftStep(ex.step)
    if step == DraftStep.subject_name:
        ex = await svc.name_subject(user, ex.id or 0, message.text or "")
    elif step == DraftStep.story:
        ex = await svc.tell_story(user, ex.id or 0, message.text or "")
    else:
        text, kb = await step_card(svc, ex, user)
        hint = (
            _("Please send photos, or tap a button below.")
            if step == DraftStep.photos
            else _("Please answer with the buttons below.")
        )
        await message.answer(hint + "\n\n" + text, reply_markup=kb)
        return
    text, kb = await step_card(svc, ex, user)
    await message.answer(text, reply_markup=kb)


def _picture_of(message: Message) -> tuple[str, str, int | None]:
    """(file_id, file_unique_id, size) of the best picture in the message."""
    if message.photo:
        best = message.photo[-1]
        return best.file_id, best.file_unique_id, best.file_size
    doc = message.document
    if doc is None or not (doc.mime_type or "").lower().startswith("image/"):
        raise InvalidInput("photo_not_image")
    return doc.file_id, doc.file_unique_id, doc.file_size


def _photo_status(count: int, refused: int, unreadable: int) -> str:
    lines = [_("📷 Photos kept: {n}/{max}.").format(n=count, max=MAX_PHOTOS)]
    if refused:
        lines.append(
            _("⚠️ At most {max} photos: {n} more could not be added; the first {max} are kept.").format(
                max=MAX_PHOTOS, n=refused
            )
        )
    if unreadable:
        lines.append(
            ngettext(
                "⚠️ {n} file could not be read as a picture and was left out.",
                "⚠️ {n} files could not be read as pictures and were left out.",
                unreadable,
            ).format(n=unreadable)
        )
    if count < MAX_PHOTOS and not refused:
        lines.append(_("Send more, or tap Continue."))
    else:
        lines.append(_("Tap Continue."))
    return "\n".join(lines)


async def photo(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    """A photo or an image file for the draft. An album arrives as several messages with one
    media_group_id, handled one after the other (event isolation): one status message is
    sent for the album and edited as its photos come in."""
    svc = service(session, clock, settings)
    ex = await svc.draft(user)
    data = await state.get_data()
    album = message.media_group_id
    same_album = album is not None and data.get("album") == album
    if ex is None or ex.step != DraftStep.photos:
        if same_album:
            return  # the album's first photo already got the hint
        await state.update_data(album=album, album_msg=None)
        if ex is None:
            await state.clear()
            await message.answer(_("There is no good example being written. Send /share to start one."))
            return
        text, kb = await step_card(svc, ex, user)
        await message.answer(_("Photos come at step 4, after the description.") + "\n\n" + text, reply_markup=kb)
        return
    counts = data.get("album_counts") if same_album else None
    refused, unreadable = counts or [0, 0]
    try:
        file_id, unique_id, size = _picture_of(message)
        if size is not None and size > MAX_PHOTO_BYTES:
            raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024))
        result = await svc.add_photo(user, ex.id or 0, await _download(bot, file_id), unique_id)
        count, refused = result.count, refused + (1 if result.full else 0)
    except InvalidInput as exc:
        if album is None:
            raise  # a single file: the errors router says what was wrong
        unreadable += 1
        count = await svc.photo_count(ex.id or 0)
        log.info("album picture refused: %s", exc)
    text = _photo_status(count, refused, unreadable)
    kb = photos_keyboard(ex, count)
    album_msg = data.get("album_msg") if same_album else None
    if album_msg:
        try:
            await bot.edit_message_text(text, chat_id=message.chat.id, message_id=int(album_msg), reply_markup=kb)
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
    else:
        sent = await message.answer(text, reply_markup=kb)
        album_msg = sent.message_id if album else None
    await state.update_data(album=album, album_msg=album_msg, album_counts=[refused, unreadable])


async def _download(bot: Bot, file_id: str) -> bytes:
    try:
        buffer = await bot.download(file_id)
    except TelegramBadRequest:  # "file is too big" and the like
        raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024)) from None
    if buffer is None:
        raise InvalidInput("photo_unreadable")
    return buffer.read()


async def answer_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    data = await state.get_data()
    ex = await service(session, clock, settings).answer_question(user, int(data.get("example", 0)), message.text or "")
    await state.clear()
    await message.answer(
        _(
            "Thank you: your answer is attached to good example #{id}, which is back with the communications staff."
        ).format(id=ex.id)
    )


# -- /myshares --------------------------------------------------------------------------------


def myshares_text(
    examples: list[GoodExample], draft: GoodExample | None, settings: Settings
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not examples and draft is None:
        return _("You have not shared a good example yet. Send /share to share one."), None
    lines = [_("<b>Your good examples</b>")]
    kb = InlineKeyboardBuilder()
    tail = ["", _("📝 You also have an unfinished draft: send /share to go on with it.")] if draft is not None else []
    for ex in examples:  # every open question gets its button, even past the text's limit
        if ex.status == ExampleStatus.needs_info:
            kb.button(
                text=_("✍️ Reply about #{id}").format(id=ex.id), callback_data=ShareCB(a=ShareAct.answer, d=ex.id or 0)
            )
    for n, ex in enumerate(examples):
        status = ExampleStatus(ex.status)
        block = [
            "",
            f"#{ex.id} {category_label(ex.category)} · {local_date(ex.submitted_at, settings.timezone)}",
            "<i>{}</i>".format(escape(snippet(ex.story or "", 90))),
            status_label(status),
        ]
        if status == ExampleStatus.rejected and ex.reject_reason:
            block.append(_("Reason: {reason}").format(reason=escape(snippet(ex.reject_reason, 300))))
        if status == ExampleStatus.published and ex.published_url:
            block.append(_("Link: {url}").format(url=escape(ex.published_url)))
        if status == ExampleStatus.needs_info:
            block.append(_("The communications staff asked for more information: tap Reply below."))
        if telegram_len("\n".join(lines + block + tail)) > TEXT_LIMIT - 100:  # one message, at most 4096
            rest = len(examples) - n
            lines += ["", ngettext("…and {n} earlier example.", "…and {n} earlier examples.", rest).format(n=rest)]
            break
        lines += block
    lines += tail
    kb.adjust(1)
    markup = kb.as_markup() if kb.buttons else None
    return "\n".join(lines), markup


async def myshares(message: Message, session: AsyncSession, clock: Clock, settings: Settings, user: User) -> None:
    svc = service(session, clock, settings)
    examples = await svc.mine(user, MYSHARES_LIMIT)
    text, kb = myshares_text(examples, await svc.draft(user), settings)
    await message.answer(text, reply_markup=kb)


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="share")
    router.message.register(share_command, Command("share"), StateFilter("*"))
    router.message.register(myshares, Command("myshares"), StateFilter("*"))
    router.callback_query.register(on_button, ShareCB.filter())
    router.message.register(typed, ShareStates.drafting, TYPED)
    router.message.register(photo, ShareStates.drafting, F.photo | F.document)
    router.message.register(answer_typed, ShareStates.answering, TYPED)
    return router

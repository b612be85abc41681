"""/review and /highlights for communications staff and administrators (SPEC §3.5; plan
§III.2 and §VI.5: the ministry's press finds, praises and spreads good examples).

/review shows one submitted example at a time, its photos first: approve, reject with a
reason, ask the submitter for more, tag. /highlights lists approved examples by period,
unit and category, opens one to mark it published with its link, and exports the list as
DOCX (photos embedded) or CSV. Submitters hear each decision in their own language.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram.callbacks import HighlightsAct, HighlightsCB, Period, ReviewAct, ReviewCB, ShareAct, ShareCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, ngettext, use_locale
from bot.render.example_labels import (
    TAG_NAMES,
    TEXT_LIMIT,
    about,
    category_label,
    category_name,
    local_date,
    snippet,
    status_label,
    tag_names,
    telegram_len,
)
from bot.services.examples import (
    CATEGORIES,
    QUESTION_MAX,
    QUESTION_MIN,
    REASON_MAX,
    REASON_MIN,
    TAGS,
    Decision,
    ExampleCard,
    ExampleRow,
    ExampleService,
    ExampleStateError,
    HighlightFilter,
    parse_date_range,
    parse_tags,
    period_range,
)
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.examples import ExampleNoteKind, ExampleStatus, GoodExample
from storage.models import Unit, User

log = logging.getLogger(__name__)

PAGE = 8  # examples per page of /highlights
PROGRESS_EVERY = 10  # an export edits its progress message every this many examples
UNITS_SHOWN = 30
NOTE_SHOWN = 500  # characters of each question and answer on the card
PERIOD_OF = {Period.week: "week", Period.month: "month", Period.year: "year"}


class ReviewStates(StatesGroup):
    reason = State()  # why it is rejected; data: example id
    question = State()  # what to ask the submitter
    link = State()  # the published article's link
    dates = State()  # a typed period for /highlights; data: unit and category


def service(session: AsyncSession, clock: Clock, settings: Settings) -> ExampleService:
    return ExampleService(session, clock, settings.timezone)


# -- telling the submitter ------------------------------------------------------------------


async def notify_person(
    bot: Bot, person: User | None, build: Callable[[], tuple[str, InlineKeyboardMarkup | None]]
) -> bool:
    """The one place a message leaves for someone other than the update's sender, rendered
    in their own language. Sent directly for now; to move to the durable outbox
    (scheduler/outbox.py), change this function only. False if it could not be sent."""
    if person is None or person.telegram_id is None or not person.active:
        return False
    with use_locale(person.locale):
        text, markup = build()
    try:
        await bot.send_message(person.telegram_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        log.info("user %s has blocked the bot: decision not delivered", person.id)
        return False
    except TelegramAPIError as exc:
        log.warning("could not tell user %s of a decision: %s", person.id, exc)
        return False
    return True


def decision_message(ex: GoodExample) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the submitter reads about their example's new status (current locale)."""
    head = "#{id} {category}: <i>{story}</i>".format(
        id=ex.id, category=category_label(ex.category), story=escape(snippet(ex.story or "", 80))
    )
    status = ExampleStatus(ex.status)
    if status == ExampleStatus.approved:
        text = _("✅ <b>Your good example has been approved</b> by the communications staff. Thank you for sharing it!")
        return text + "\n" + head, None
    if status == ExampleStatus.rejected:
        text = _(
            "Your good example was <b>not accepted</b> this time.\nReason: {reason}\n"
            "Thank you all the same; you are welcome to share another one with /share."
        ).format(reason=escape(ex.reject_reason or ""))
        return text + "\n" + head, None
    if status == ExampleStatus.published:
        text = _("📰 <b>Your good example has been published:</b> {url}\nThank you for helping spread it!").format(
            url=escape(ex.published_url or "")
        )
        return text + "\n" + head, None
    if status == ExampleStatus.needs_info:
        kb = InlineKeyboardBuilder()
        kb.button(text=_("✍️ Reply"), callback_data=ShareCB(a=ShareAct.answer, d=ex.id or 0))
        return _(
            "❓ <b>The communications staff ask for more information</b> about your good example:"
        ) + "\n" + head, kb.as_markup()
    return head, None


def question_message(ex: GoodExample, question: str) -> tuple[str, InlineKeyboardMarkup | None]:
    text, kb = decision_message(ex)
    return text + "\n\n" + _("Their question: {question}").format(question=escape(question)) + "\n" + _(
        "Tap Reply and type your answer."
    ), kb


async def tell(bot: Bot, decision: Decision, question: str | None = None) -> bool:
    ex = decision.example
    if question is not None:
        return await notify_person(bot, decision.submitter, lambda: question_message(ex, question))
    return await notify_person(bot, decision.submitter, lambda: decision_message(ex))


# -- the review card ------------------------------------------------------------------------


def card_text(card: ExampleCard, settings: Settings) -> str:
    """The card in at most 4096 characters: the exchange shrinks first, then the story."""
    for note_chars, notes, story_chars in (
        (NOTE_SHOWN, 4, None),
        (200, 4, None),
        (200, 2, None),
        (120, 1, 1500),
        (80, 1, 800),
    ):
        text = _card_text(card, settings, note_chars, notes, story_chars)
        if telegram_len(text) <= TEXT_LIMIT:
            return text
    return text


def _card_text(card: ExampleCard, settings: Settings, note_chars: int, notes: int, story_chars: int | None) -> str:
    ex = card.example
    status = ExampleStatus(ex.status)
    submitter = card.submitter
    who = escape(submitter.full_name) if submitter else _("(erased at their request)")
    if submitter and submitter.position:
        who += ", " + escape(submitter.position)
    lines = [
        _("<b>Good example #{id}</b> · {status}").format(id=ex.id, status=status_label(status)),
    ]
    if status == ExampleStatus.submitted:
        lines.append(
            ngettext("{n} example waiting for review", "{n} examples waiting for review", card.pending).format(
                n=card.pending
            )
        )
    lines += [
        _("Category: {category}").format(category=category_label(ex.category)),
        _("About: {who}").format(
            who=escape(about(ex.subject, ex.subject_name, submitter.full_name if submitter else None))
        ),
        _("Sent by: {who}").format(who=who) + (" — " + escape(card.unit.name) if card.unit else ""),
        _("Sent on: {date} · photos: {n}").format(
            date=local_date(ex.submitted_at, settings.timezone), n=card.photo_count
        ),
        _("Names may be published: {answer}").format(answer=_("yes") if ex.consent_names else _("no")),
    ]
    tags = tag_names(parse_tags(ex.tags))
    if tags:
        lines.append(_("Tags: {tags}").format(tags=escape(", ".join(tags))))
    if ex.published_url:
        lines.append(_("Published: {url}").format(url=escape(ex.published_url)))
    story = ex.story or ""
    lines += ["", escape(snippet(story, story_chars) if story_chars else story)]
    for note in card.notes[-notes:]:
        label = (
            _("❓ Question ({date}): {text}")
            if note.kind == ExampleNoteKind.question
            else _("💬 Answer ({date}): {text}")
        )
        lines.append("")
        lines.append(
            label.format(date=local_date(note.at, settings.timezone), text=escape(snippet(note.text, note_chars)))
        )
    return "\n".join(lines)


def card_keyboard(card: ExampleCard) -> InlineKeyboardMarkup | None:
    ex = card.example
    status = ExampleStatus(ex.status)
    kb = InlineKeyboardBuilder()
    eid = ex.id or 0
    if status == ExampleStatus.submitted:
        kb.button(text=_("✅ Approve"), callback_data=ReviewCB(a=ReviewAct.approve, id=eid))
        kb.button(text=_("✖️ Reject"), callback_data=ReviewCB(a=ReviewAct.reject, id=eid))
        kb.button(text=_("❓ Ask for more"), callback_data=ReviewCB(a=ReviewAct.ask, id=eid))
        kb.button(text=_("🏷 Tags"), callback_data=ReviewCB(a=ReviewAct.tags, id=eid))
        kb.button(text=_("⏭ Next"), callback_data=ReviewCB(a=ReviewAct.skip, id=eid))
        kb.adjust(2, 2, 1)
    elif status == ExampleStatus.approved:
        kb.button(text=_("📰 Mark published"), callback_data=ReviewCB(a=ReviewAct.publish, id=eid))
        kb.button(text=_("🏷 Tags"), callback_data=ReviewCB(a=ReviewAct.tags, id=eid))
        kb.adjust(1)
    elif status == ExampleStatus.published:
        kb.button(text=_("🏷 Tags"), callback_data=ReviewCB(a=ReviewAct.tags, id=eid))
    else:
        return None
    return kb.as_markup()


def tags_keyboard(ex: GoodExample) -> InlineKeyboardMarkup:
    chosen = set(parse_tags(ex.tags))
    kb = InlineKeyboardBuilder()
    for n, tag in enumerate(TAGS):
        box = "☑" if tag in chosen else "☐"
        kb.button(text=f"{box} {_(TAG_NAMES[tag])}", callback_data=ReviewCB(a=ReviewAct.tag, id=ex.id or 0, v=n))
    kb.button(text=_("✔ Done"), callback_data=ReviewCB(a=ReviewAct.card, id=ex.id or 0))
    kb.adjust(2)
    return kb.as_markup()


async def send_photos(bot: Bot, chat_id: int, svc: ExampleService, example_id: int) -> None:
    """The example's stripped photos (never the files as sent): an album of 2–5, or one."""
    photos = await svc.photos(example_id)
    if not photos:
        return
    media = [
        InputMediaPhoto(
            media=p.sent_file_id or BufferedInputFile(p.data, filename=f"example-{example_id}-{p.position}.jpg")
        )
        for p in photos
    ]
    if len(media) == 1:
        sent = [await bot.send_photo(chat_id, media[0].media)]
    else:
        sent = await bot.send_media_group(chat_id, media)
    for photo, message in zip(photos, sent, strict=False):
        if message.photo and photo.id is not None:
            await svc.remember_upload(photo.id, message.photo[-1].file_id)


async def send_card(bot: Bot, chat_id: int, svc: ExampleService, card: ExampleCard, settings: Settings) -> None:
    await send_photos(bot, chat_id, svc, card.example.id or 0)
    await bot.send_message(chat_id, card_text(card, settings), reply_markup=card_keyboard(card))


async def send_next(
    bot: Bot, chat_id: int, svc: ExampleService, reviewer: User, settings: Settings, after: int | None = None
) -> None:
    card = await svc.next_pending(reviewer, after=after)
    if card is None:
        await bot.send_message(chat_id, _("No good example is waiting for review. 🎉"))
        return
    await send_card(bot, chat_id, svc, card, settings)


async def _close_card(query: CallbackQuery, outcome: str) -> None:
    """The decided card keeps its text, loses its buttons and says what was done."""
    if isinstance(query.message, Message) and query.message.html_text:
        text = query.message.html_text + "\n\n" + outcome
        await edit_in_place(query, text if len(text) <= 4096 else outcome)


# -- /review ----------------------------------------------------------------------------------


async def review_command(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    await state.clear()
    await send_next(bot, message.chat.id, service(session, clock, settings), user, settings)


async def on_review(
    query: CallbackQuery,
    callback_data: ReviewCB,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, settings)
    act, eid = callback_data.a, callback_data.id
    chat_id = query.message.chat.id if query.message else user.telegram_id or 0
    if act == ReviewAct.approve:
        decision = await svc.approve(user, eid)
        await state.clear()
        told = await tell(bot, decision)
        await _close_card(query, _("✅ Approved.") + ("" if told else " " + _("(The submitter could not be told.)")))
        await send_next(bot, chat_id, svc, user, settings)
    elif act in (ReviewAct.reject, ReviewAct.ask, ReviewAct.publish):
        card = await svc.card(user, eid)
        wanted = ExampleStatus.approved if act == ReviewAct.publish else ExampleStatus.submitted
        if card.example.status != wanted:
            raise ExampleStateError("example_not_approved" if act == ReviewAct.publish else "example_not_pending")
        target = {
            ReviewAct.reject: ReviewStates.reason,
            ReviewAct.ask: ReviewStates.question,
            ReviewAct.publish: ReviewStates.link,
        }[act]
        await state.set_state(target)
        await state.update_data(example=eid, card=query.message.message_id if query.message else None)
        prompt = {
            ReviewAct.reject: _(
                "Type the reason why example #{id} is not accepted ({min}–{max} characters). The submitter will read it."
            ),
            ReviewAct.ask: _(
                "Type your question about example #{id} ({min}–{max} characters). The submitter will be asked to reply."
            ),
            ReviewAct.publish: _("Send the link to the article that published example #{id} (starting with https://)."),
        }[act]
        lo, hi = (QUESTION_MIN, QUESTION_MAX) if act == ReviewAct.ask else (REASON_MIN, REASON_MAX)
        await bot.send_message(chat_id, prompt.format(id=eid, min=lo, max=hi) + "\n" + _("Or send /cancel."))
    elif act == ReviewAct.tags:
        card = await svc.card(user, eid)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=tags_keyboard(card.example))
    elif act == ReviewAct.tag:
        if not 0 <= callback_data.v < len(TAGS):
            raise ExampleStateError("example_gone")
        await svc.toggle_tag(user, eid, TAGS[callback_data.v])
        card = await svc.card(user, eid)
        if isinstance(query.message, Message):
            await query.message.edit_text(card_text(card, settings), reply_markup=tags_keyboard(card.example))
    elif act == ReviewAct.card:
        card = await svc.card(user, eid)
        if isinstance(query.message, Message):
            await query.message.edit_text(card_text(card, settings), reply_markup=card_keyboard(card))
    elif act == ReviewAct.skip:
        card = await svc.next_pending(user, after=eid)
        if card is None or card.example.id == eid:
            callback_answer.text = _("No other example is waiting.")
            return
        await send_card(bot, chat_id, svc, card, settings)
    elif act == ReviewAct.open:
        await send_card(bot, chat_id, svc, await svc.card(user, eid), settings)


async def _drop_card_buttons(message: Message, bot: Bot, data: dict) -> None:
    """After a typed reason, question or link, the example's card loses its buttons."""
    card = data.get("card")
    if card:
        try:
            await bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=int(card), reply_markup=None)
        except TelegramBadRequest as exc:  # gone, or already without buttons
            log.info("card %s of example %s kept its buttons: %s", card, data.get("example"), exc)


async def reason_typed(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    svc = service(session, clock, settings)
    data = await state.get_data()
    eid = int(data.get("example", 0))
    decision = await svc.reject(user, eid, message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    told = await tell(bot, decision)
    await message.answer(
        _("✖️ Example #{id} is not accepted; the reason has been sent to the submitter.").format(id=eid)
        if told
        else _("✖️ Example #{id} is not accepted. (The submitter could not be told.)").format(id=eid)
    )
    await send_next(bot, message.chat.id, svc, user, settings)


async def question_typed(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    svc = service(session, clock, settings)
    data = await state.get_data()
    eid = int(data.get("example", 0))
    decision = await svc.ask(user, eid, message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    notes = await svc.notes(eid)
    told = await tell(bot, decision, question=notes[-1].text if notes else "")
    await message.answer(
        _("❓ Your question about example #{id} has been sent. It comes back to the queue once answered.").format(
            id=eid
        )
        if told
        else _("❓ Question saved, but the submitter could not be told.")
    )
    await send_next(bot, message.chat.id, svc, user, settings)


async def link_typed(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    svc = service(session, clock, settings)
    data = await state.get_data()
    eid = int(data.get("example", 0))
    decision = await svc.publish(user, eid, message.text or "")
    await _drop_card_buttons(message, bot, data)
    await state.clear()
    told = await tell(bot, decision)
    text = _("📰 Example #{id} is marked published: {url}").format(
        id=eid, url=escape(decision.example.published_url or "")
    )
    if not told:
        text += "\n" + _("(The submitter could not be told.)")
    await message.answer(text)


# -- /highlights --------------------------------------------------------------------------------


def resolve(cb: HighlightsCB, today: date) -> HighlightFilter:
    if cb.p == Period.range:
        try:
            start, end = date.fromordinal(cb.s), date.fromordinal(cb.e)
        except ValueError:
            raise ExampleStateError("example_gone") from None
    else:
        start, end = period_range(PERIOD_OF[cb.p], today)
    category = CATEGORIES[cb.c] if 0 <= cb.c < len(CATEGORIES) else None
    return HighlightFilter(start, end, unit_id=cb.u or None, category=category)


def _cb(base: HighlightsCB, **changes: object) -> HighlightsCB:
    return base.model_copy(update=changes)


def period_text(flt: HighlightFilter) -> str:
    return "{}–{}".format(flt.start.strftime("%d/%m/%Y"), flt.end.strftime("%d/%m/%Y"))


def highlights_card(
    rows: list[ExampleRow], flt: HighlightFilter, cb: HighlightsCB, unit: Unit | None
) -> tuple[str, InlineKeyboardMarkup]:
    published = sum(1 for r in rows if r.status == ExampleStatus.published)
    pages = max(1, (len(rows) + PAGE - 1) // PAGE)
    page = min(max(cb.pg, 0), pages - 1)
    lines = [
        _("<b>Highlights, {period}</b>").format(period=period_text(flt)),
        _("Unit: {unit} · category: {category}").format(
            unit=escape(unit.name) if unit else _("all"),
            category=category_name(flt.category) if flt.category else _("all"),
        ),
        ngettext(
            "{n} approved example ({published} published)", "{n} approved examples ({published} published)", len(rows)
        ).format(n=len(rows), published=published),
    ]
    kb = InlineKeyboardBuilder()
    shown = rows[page * PAGE : (page + 1) * PAGE]
    for n, row in enumerate(shown, start=page * PAGE + 1):
        mark = " 📰" if row.status == ExampleStatus.published else ""
        lines += [
            "",
            "{n}. {category} — {unit} (#{id}){mark}".format(
                n=n, category=category_label(row.category), unit=escape(row.unit_name or "—"), id=row.id, mark=mark
            ),
            f"<i>{escape(snippet(row.story, 120))}</i>",
        ]
    if not rows:
        lines += ["", _("No approved example in this period.")]
    periods = [(Period.week, _("This week")), (Period.month, _("This month")), (Period.year, _("This year"))]
    for period, label in periods:
        mark = "• " if cb.p == period else ""
        kb.button(text=mark + label, callback_data=_cb(cb, a=HighlightsAct.show, p=period, s=0, e=0, pg=0))
    kb.button(
        text=("• " if cb.p == Period.range else "") + _("📅 Dates…"), callback_data=_cb(cb, a=HighlightsAct.dates, pg=0)
    )
    kb.button(text=_("🏢 Unit"), callback_data=_cb(cb, a=HighlightsAct.units, pg=0))
    kb.button(text=_("🗂 Category"), callback_data=_cb(cb, a=HighlightsAct.categories, pg=0))
    sizes = [4, 2]
    for row in shown:
        kb.button(text=_("Open #{id}").format(id=row.id), callback_data=ReviewCB(a=ReviewAct.open, id=row.id))
    if shown:
        sizes += [4] * ((len(shown) + 3) // 4)
    if pages > 1:
        if page > 0:
            kb.button(text="◀", callback_data=_cb(cb, a=HighlightsAct.show, pg=page - 1))
        kb.button(text=f"{page + 1}/{pages}", callback_data=_cb(cb, a=HighlightsAct.show, pg=page))
        if page < pages - 1:
            kb.button(text="▶", callback_data=_cb(cb, a=HighlightsAct.show, pg=page + 1))
        sizes.append(1 + (page > 0) + (page < pages - 1))
    if rows:
        kb.button(text=_("⬇ DOCX with photos"), callback_data=_cb(cb, a=HighlightsAct.docx))
        kb.button(text=_("⬇ CSV for Excel"), callback_data=_cb(cb, a=HighlightsAct.csv))
        sizes.append(2)
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


async def _highlights(
    svc: ExampleService, session: AsyncSession, user: User, cb: HighlightsCB
) -> tuple[str, InlineKeyboardMarkup]:
    flt = resolve(cb, svc.today(user.timezone))
    rows = await svc.highlights(user, flt, timezone=user.timezone)
    unit = await session.get(Unit, flt.unit_id) if flt.unit_id else None
    return highlights_card(rows, flt, cb, unit)


async def highlights_command(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    await state.clear()
    text, kb = await _highlights(service(session, clock, settings), session, user, HighlightsCB(a=HighlightsAct.show))
    await message.answer(text, reply_markup=kb)


async def on_highlights(
    query: CallbackQuery,
    callback_data: HighlightsCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, settings)
    cb = callback_data
    if not isinstance(query.message, Message):
        return
    if cb.a == HighlightsAct.show:
        text, kb = await _highlights(svc, session, user, cb)
    elif cb.a == HighlightsAct.units:
        flt = resolve(cb, svc.today(user.timezone))
        units = await svc.highlight_units(user, flt, timezone=user.timezone)
        builder = InlineKeyboardBuilder()
        builder.button(text=_("All units"), callback_data=_cb(cb, a=HighlightsAct.show, u=0))
        for unit in units[:UNITS_SHOWN]:
            builder.button(text=unit.name[:60], callback_data=_cb(cb, a=HighlightsAct.show, u=unit.id or 0))
        builder.adjust(1)
        text, kb = (
            _("Which unit (with its sub-units)? Units with approved examples in {period}:").format(
                period=period_text(flt)
            ),
            builder.as_markup(),
        )
    elif cb.a == HighlightsAct.categories:
        builder = InlineKeyboardBuilder()
        builder.button(text=_("All categories"), callback_data=_cb(cb, a=HighlightsAct.show, c=-1))
        for n, category in enumerate(CATEGORIES):
            builder.button(text=category_label(category), callback_data=_cb(cb, a=HighlightsAct.show, c=n))
        builder.adjust(1)
        text, kb = _("Which category?"), builder.as_markup()
    elif cb.a == HighlightsAct.dates:
        await state.set_state(ReviewStates.dates)
        await state.update_data(u=cb.u, c=cb.c)
        await query.message.answer(
            _("Type the period as dd/mm/yyyy–dd/mm/yyyy, for example 01/11/2026–30/11/2026. Or send /cancel.")
        )
        return
    else:
        return
    await edit_in_place(query, text, kb)


async def dates_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, settings: Settings, user: User
) -> None:
    start, end = parse_date_range(message.text or "")
    data = await state.get_data()
    await state.clear()
    cb = HighlightsCB(
        a=HighlightsAct.show,
        p=Period.range,
        s=start.toordinal(),
        e=end.toordinal(),
        u=int(data.get("u", 0)),
        c=int(data.get("c", -1)),
    )
    text, kb = await _highlights(service(session, clock, settings), session, user, cb)
    await message.answer(text, reply_markup=kb)


# -- exports --------------------------------------------------------------------------------------


def _filename(kind: str, flt: HighlightFilter) -> str:
    return f"guong-dien-hinh_{flt.start.isoformat()}_{flt.end.isoformat()}.{kind}"


async def export(
    query: CallbackQuery,
    callback_data: HighlightsCB,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    """Build the period's DOCX or CSV and send it; a long one edits a progress message
    every PROGRESS_EVERY examples. The tap is answered first (the work may take a while)."""
    svc = service(session, clock, settings)
    kind = "docx" if callback_data.a == HighlightsAct.docx else "csv"
    flt = resolve(callback_data, svc.today(user.timezone))
    chat_id = query.message.chat.id if query.message else user.telegram_id or 0
    rows = await svc.highlights(user, flt, timezone=user.timezone)
    if not rows:
        await bot.send_message(chat_id, _("No approved example in this period: nothing to export."))
        return
    total = len(rows)
    progress = None
    if total > PROGRESS_EVERY:
        progress = await bot.send_message(
            chat_id, _("Preparing the {kind} file: {done}/{total}…").format(kind=kind.upper(), done=0, total=total)
        )
    unit = await session.get(Unit, flt.unit_id) if flt.unit_id else None
    subtitle = _("Period {period} · unit: {unit} · category: {category}").format(
        period=period_text(flt),
        unit=unit.name if unit else _("all"),
        category=category_name(flt.category) if flt.category else _("all"),
    )
    # python-docx and Pillow load on the first export, not at the bot's start.
    from bot.render.csv_examples import ExamplesCsv
    from bot.render.docx_examples import ExamplesDocx, in_order

    builder: ExamplesDocx | ExamplesCsv
    if kind == "docx":
        builder = ExamplesDocx(
            title=_("Good examples, {period}").format(period=period_text(flt)),
            subtitle=subtitle,
            timezone=user.timezone,
            generated=clock.now(),
            parent_body=settings.ministry_name,
            issuing_body=settings.standing_agency,
        )
        rows = [row for row, _photos in in_order((row, ()) for row in rows)]  # as they happened
    else:
        builder = ExamplesCsv(timezone=user.timezone)
    for n, row in enumerate(rows, start=1):
        if isinstance(builder, ExamplesDocx):
            photos = [p.data for p in await svc.photos(row.id)]
            await asyncio.to_thread(builder.add, row, photos)
        else:
            builder.add(row)
        if progress is not None and n % PROGRESS_EVERY == 0 and n < total:
            await progress.edit_text(
                _("Preparing the {kind} file: {done}/{total}…").format(kind=kind.upper(), done=n, total=total)
            )
    data = await asyncio.to_thread(builder.to_bytes)
    await svc.note_export(user, kind, flt, total)
    caption = ngettext("Good examples, {period}: {n} example.", "Good examples, {period}: {n} examples.", total).format(
        period=period_text(flt), n=total
    )
    if isinstance(builder, ExamplesDocx) and builder.photos_left_out:
        caption += "\n" + _(
            "Some photos were not embedded, to keep the file small enough to send: export a shorter period for all of them."
        )
    await bot.send_document(chat_id, BufferedInputFile(data, filename=_filename(kind, flt)), caption=caption)
    if progress is not None:
        await progress.edit_text(
            _("The {kind} file is ready: {total} examples.").format(kind=kind.upper(), total=total)
        )


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="review")
    router.message.register(review_command, Command("review"), StateFilter("*"))
    router.message.register(highlights_command, Command("highlights"), StateFilter("*"))
    router.callback_query.register(on_review, ReviewCB.filter())
    router.callback_query.register(
        export,
        HighlightsCB.filter(F.a.in_({HighlightsAct.docx, HighlightsAct.csv})),
        flags={"callback_answer": {"pre": True}},
    )
    router.callback_query.register(on_highlights, HighlightsCB.filter())
    router.message.register(reason_typed, ReviewStates.reason, TYPED)
    router.message.register(question_typed, ReviewStates.question, TYPED)
    router.message.register(link_typed, ReviewStates.link, TYPED)
    router.message.register(dates_typed, ReviewStates.dates, TYPED)
    return router

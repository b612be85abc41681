"""The weekly check-in (SPEC §3.2): routing only. The service decides (bot/services/checkin.py),
the views draw (bot/views/checkin.py), the renderer edits the card in place."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import CheckinAct, CheckinActCB, CheckinAnswerCB, CheckinItemCB
from bot.channels.telegram.render import reply, show
from bot.config import Settings
from bot.domain import CheckInStatus, Level, Person
from bot.i18n import _
from bot.services.checkin import SKIP_REASONS, CheckinClosed, CheckinService
from bot.services.examples import ExampleService
from bot.views.checkin import (
    LEVEL_OF,
    current_screen,
    edit_menu_card,
    group_title,
    items_card,
    note_card,
    question_card,
    skip_card,
    skipped_card,
    summary_card,
    wrapup_card,
)
from handlers import share
from handlers.filters import TYPED


class CheckinStates(StatesGroup):
    items = State()  # "which points were not met?": text typed here is the group's note
    note = State()
    reflection = State()


def _group(svc: CheckinService, index: int) -> str:
    """The criterion group a button names; a forged or stale index changes nothing."""
    if not 0 <= index < len(svc.order):
        raise CheckinClosed("checkin_closed")
    return svc.order[index]


async def start(message: Message, state: FSMContext, checkin: CheckinService, user: Person) -> None:
    await state.clear()
    await reply(message, current_screen(checkin.campaign, await checkin.position(user)))


async def answer(
    query: CallbackQuery,
    callback_data: CheckinAnswerCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    raw_state: str | None,
    checkin: CheckinService,
    user: Person,
) -> None:
    code = _group(checkin, callback_data.c)
    level = LEVEL_OF[callback_data.l]
    res = await checkin.answer(user, callback_data.w, code, level, editing=callback_data.e)
    if not res.changed and not callback_data.e:
        if res.view.status == CheckInStatus.done:
            # A button of the finished flow: the check-in is closed to it (edits go through ✏️).
            raise CheckinClosed("checkin_done")
        callback_answer.text = _("Already recorded.")
        if raw_state in (None, CheckinStates.items.state):
            # A repeated tap, or the same tap again after Telegram refused (429, 5xx) or
            # timed out the card's edit: show what the first tap should have shown.
            earlier = res.view.answers.get(code)
            if earlier is not None and earlier.level == Level.not_met == level:
                await show(query, items_card(checkin.campaign, res.view, code))
            else:
                await show(query, current_screen(checkin.campaign, await checkin.position(user, res.view)))
        return
    if res.needs_detail:
        # "Which points were not met?": text typed now is this group's note (note_typed_at_items).
        # Only a "Chưa đạt" tap writes this state; the all-good path writes none.
        await state.set_state(CheckinStates.items)
        await state.set_data({"week": callback_data.w, "c": callback_data.c, "e": callback_data.e})
        await show(query, items_card(checkin.campaign, res.view, code, editing=callback_data.e))
    else:
        if raw_state is not None:  # a note or text step left open: the tap moves on from it
            await state.clear()
        await show(query, current_screen(checkin.campaign, await checkin.position(user, res.view)))


async def toggle_item(
    query: CallbackQuery, callback_data: CheckinItemCB, checkin: CheckinService, user: Person
) -> None:
    code = _group(checkin, callback_data.c)
    group = checkin.campaign.criterion(code)
    if not 0 <= callback_data.i < len(group.items):
        raise CheckinClosed("checkin_closed")
    view = await checkin.toggle_sub_item(user, callback_data.w, code, group.items[callback_data.i].code)
    await show(query, items_card(checkin.campaign, view, code, editing=callback_data.e))


async def items_done(
    query: CallbackQuery, callback_data: CheckinActCB, state: FSMContext, checkin: CheckinService, user: Person
) -> None:
    code = _group(checkin, callback_data.c)
    if callback_data.w != checkin.current_week(user):
        raise CheckinClosed("checkin_closed")
    view = await checkin.view(user, callback_data.w)
    if code not in view.answers:
        raise CheckinClosed("checkin_closed")
    if view.answers[code].note:  # typed already at the points step: the note step is done
        await state.clear()
        await show(query, current_screen(checkin.campaign, await checkin.position(user, view)))
        return
    await state.set_state(CheckinStates.note)
    await state.update_data(week=callback_data.w, c=callback_data.c, e=callback_data.e)
    await show(query, note_card(checkin.campaign, view, code, editing=callback_data.e))


async def note_skip(query: CallbackQuery, state: FSMContext, checkin: CheckinService, user: Person) -> None:
    await state.clear()
    await show(query, current_screen(checkin.campaign, await checkin.position(user)))


async def note_typed(message: Message, state: FSMContext, checkin: CheckinService, user: Person) -> None:
    data = await state.get_data()
    await checkin.set_note(user, int(data["week"]), _group(checkin, int(data["c"])), message.text or "")
    await state.clear()
    screen = current_screen(checkin.campaign, await checkin.position(user))
    await reply(message, screen.above(_("Note saved.")))


async def note_typed_at_items(message: Message, state: FSMContext, checkin: CheckinService, user: Person) -> None:
    """Text typed while the points of a "Chưa đạt" are asked: it is kept as the group's note,
    said so, and the points step is shown again (below, where the person is looking)."""
    data = await state.get_data()
    code = _group(checkin, int(data["c"]))
    view = await checkin.set_note(user, int(data["week"]), code, message.text or "")
    saved = _(
        "Your text is kept as the note on {group}. Mark the points not met if you wish, then tap Continue."
    ).format(group=group_title(checkin.campaign, code))
    await reply(message, items_card(checkin.campaign, view, code, editing=bool(data.get("e"))).above(saved))


async def finish(
    query: CallbackQuery, callback_data: CheckinActCB, state: FSMContext, checkin: CheckinService, user: Person
) -> None:
    summary = await checkin.finish(user, callback_data.w)
    await state.clear()
    await show(query, summary_card(checkin.campaign, summary, await checkin.streak(user)))


async def example(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    state: FSMContext,
    checkin: CheckinService,
    examples: ExampleService,
    settings: Settings,
    user: Person,
) -> None:
    """ "Yes, a good example": the check-in is finished, and /share's flow starts (SPEC §3.2 → §3.4)."""
    summary = await checkin.finish(user, callback_data.w)
    await show(query, summary_card(checkin.campaign, summary, await checkin.streak(user)))
    if isinstance(query.message, Message):
        await share.begin(query.message, state, examples, user, settings)


async def reflection_or_stray_text(message: Message, checkin: CheckinService, user: Person) -> None:
    """Text while this week's check-in is open: the reflection at the wrap-up, otherwise a
    hint and the question again. Other text goes on to the catch-all."""
    view = await checkin.view(user)
    if view.status != CheckInStatus.in_progress:
        raise SkipHandler()
    if view.complete:
        view = await checkin.set_reflection(user, view.week, message.text or "")
        await reply(message, wrapup_card(view, saved=_("Reflection saved.")))
        return
    screen = current_screen(checkin.campaign, await checkin.position(user, view))
    await reply(message, screen.above(_("Please answer with the buttons below.")))


async def skip(query: CallbackQuery, callback_data: CheckinActCB, checkin: CheckinService, user: Person) -> None:
    if callback_data.w != checkin.current_week(user):  # a closed week's button, or a forged one
        raise CheckinClosed("checkin_closed")
    await show(query, skip_card(await checkin.view(user, callback_data.w)))


async def back(query: CallbackQuery, checkin: CheckinService, user: Person) -> None:
    await show(query, current_screen(checkin.campaign, await checkin.position(user)))


async def skip_reason(
    query: CallbackQuery, callback_data: CheckinActCB, state: FSMContext, checkin: CheckinService, user: Person
) -> None:
    if not 0 <= callback_data.r < len(SKIP_REASONS):
        raise CheckinClosed("checkin_closed")
    view = await checkin.skip(user, callback_data.w, SKIP_REASONS[callback_data.r])
    await state.clear()
    await show(query, skipped_card(view))


async def unskip(query: CallbackQuery, callback_data: CheckinActCB, checkin: CheckinService, user: Person) -> None:
    await checkin.unskip(user, callback_data.w)
    await show(query, current_screen(checkin.campaign, await checkin.position(user)))


async def edit(query: CallbackQuery, callback_data: CheckinActCB, checkin: CheckinService, user: Person) -> None:
    view = await checkin.view(user, callback_data.w)
    if view.week != checkin.current_week(user) or view.status != CheckInStatus.done:
        raise CheckinClosed("checkin_closed")
    await show(query, edit_menu_card(checkin.campaign, view))


async def edit_pick(query: CallbackQuery, callback_data: CheckinActCB, checkin: CheckinService, user: Person) -> None:
    view = await checkin.view(user, callback_data.w)
    if view.week != checkin.current_week(user):
        raise CheckinClosed("checkin_closed")
    await show(query, question_card(checkin.campaign, view, _group(checkin, callback_data.c), editing=True))


def make_router() -> Router:
    """/checkin and the note typed at its step (private chats). A new router each time:
    every Dispatcher (tests, workers) gets its own."""
    router = Router(name="checkin")
    router.message.register(start, Command("checkin"), StateFilter("*"))
    router.message.register(note_typed, CheckinStates.note, TYPED)
    router.message.register(note_typed_at_items, CheckinStates.items, TYPED)
    return router


def make_buttons_router() -> Router:
    """The check-in's buttons, one handler per action: the busiest updates of all, so
    bot.app puts this router first, at the top of the tree (each level a tap passes
    through costs time)."""
    router = Router(name="checkin-buttons")
    act = CheckinActCB.filter
    router.callback_query.register(answer, CheckinAnswerCB.filter())
    router.callback_query.register(toggle_item, CheckinItemCB.filter())
    router.callback_query.register(items_done, act(F.a == CheckinAct.items_done))
    router.callback_query.register(note_skip, act(F.a == CheckinAct.note_skip))
    router.callback_query.register(finish, act(F.a == CheckinAct.finish))
    router.callback_query.register(example, act(F.a == CheckinAct.example))
    router.callback_query.register(skip, act(F.a == CheckinAct.skip))
    router.callback_query.register(back, act(F.a.in_({CheckinAct.skip_back, CheckinAct.back})))
    router.callback_query.register(skip_reason, act(F.a == CheckinAct.skip_reason))
    router.callback_query.register(unskip, act(F.a == CheckinAct.unskip))
    router.callback_query.register(edit, act(F.a == CheckinAct.edit))
    router.callback_query.register(edit_pick, act(F.a == CheckinAct.edit_pick))
    return router


def make_text_router() -> Router:
    """Free text while a check-in is open; it comes late, after every other feature's."""
    router = Router(name="checkin-text")
    router.message.register(reflection_or_stray_text, StateFilter(None), TYPED)
    return router

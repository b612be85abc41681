"""The weekly check-in (SPEC §3.2): one message, edited in place, one tap per criterion group.

All-good path: 7 taps (one per group, the prompt carries the first) + "Finish" = 8 taps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from html import escape

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import N_, _, current_locale
from bot.services.checkin import (
    NOTE_MAX,
    REFLECTION_MAX,
    SKIP_REASONS,
    CheckinClosed,
    CheckinService,
    CheckinView,
    Summary,
    week_monday,
)
from bot.services.examples import ExampleService
from handlers import share
from bot.channels.telegram.callbacks import CheckinAct, CheckinActCB, CheckinAnswerCB, CheckinItemCB, LevelCode
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.direct import SqliteDirect
from storage.models import CheckInStatus, Level, User

LEVELS = (Level.good, Level.ok, Level.not_met)
LEVEL_NAMES = {Level.good: N_("Good"), Level.ok: N_("Met"), Level.not_met: N_("Not met")}
LEVEL_ICONS = {Level.good: "🟢", Level.ok: "🟡", Level.not_met: "🔴"}
CODE_OF = {Level.good: LevelCode.good, Level.ok: LevelCode.ok, Level.not_met: LevelCode.not_met}
LEVEL_OF = {v: k for k, v in CODE_OF.items()}
SKIP_NAMES = {
    "leave": N_("On leave"),
    "business_trip": N_("Business trip"),
    "sick": N_("Sick"),
    "other": N_("Other reason"),
}
SCORE = {Level.good: 2, Level.ok: 1, Level.not_met: 0}


class CheckinStates(StatesGroup):
    items = State()  # "which points were not met?": text typed here is the group's note
    note = State()
    reflection = State()


def service(
    session: AsyncSession, clock: Clock, campaign: Campaign, direct: SqliteDirect | None = None
) -> CheckinService:
    return CheckinService(session, clock, campaign, direct)


def level_name(level: Level) -> str:
    return _(LEVEL_NAMES[level])


def week_label(week: int) -> str:
    return _week_label(week, current_locale())


@lru_cache(maxsize=256)
def _week_label(week: int, locale: str) -> str:
    """ "week 48 (23/11–29/11/2026)": on every card, so worked out once per week and language."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    loc = "vi_VN" if locale == "vi" else "en_GB"
    return _("week {number} ({start}–{end})").format(
        number=week % 100,
        start=format_date(monday, format="dd/MM", locale=loc),
        end=format_date(sunday, format="dd/MM/yyyy", locale=loc),
    )


def _header(view: CheckinView) -> str:
    return _("<b>Weekly self-assessment, {week}</b>").format(week=week_label(view.week))


def _group_title(campaign: Campaign, code: str) -> str:
    g = campaign.criterion(code)
    return f"{g.code}) {escape(g.short.get(current_locale()))}"


def _item_label(campaign: Campaign, code: str, item: str) -> str:
    try:
        return escape(campaign.criterion(code).item(item).label_for(current_locale()))
    except KeyError:  # a sub-item of an earlier campaign file
        return escape(item)


# -- cards ------------------------------------------------------------------------------


# Cards that depend only on the week, the language and the step are built once and kept:
# a tap is the hot path.
_CARDS: dict[tuple, tuple[str, InlineKeyboardMarkup]] = {}


def _kept(key: tuple, build: Callable[[], tuple[str, InlineKeyboardMarkup]]) -> tuple[str, InlineKeyboardMarkup]:
    card = _CARDS.get(key)
    if card is None:
        if len(_CARDS) > 5000:
            _CARDS.clear()
        card = _CARDS[key] = build()
    return card


def question_card(
    campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """The card for one criterion group (built once per week, group, language and mode)."""
    key = ("question", id(campaign), current_locale(), view.week, code, editing, view.status == CheckInStatus.done)
    return _kept(key, lambda: _build_question_card(campaign, view, code, editing=editing))


def _build_question_card(
    campaign: Campaign, view: CheckinView, code: str, *, editing: bool
) -> tuple[str, InlineKeyboardMarkup]:
    g = campaign.criterion(code)
    index = view.order.index(code)
    locale = current_locale()
    lines = [
        _header(view),
        _("Question {n}/{total}").format(n=index + 1, total=view.total) if not editing else _("Changing an answer"),
        "",
        f"<b>{_group_title(campaign, code)}</b>",
        f"<i>{escape(g.hint.get(locale))}</i>",
        _("This week, how well did you do? ({ref})").format(ref=escape(g.ref)),
    ]
    kb = InlineKeyboardBuilder()
    for level in LEVELS:
        kb.button(
            text=f"{LEVEL_ICONS[level]} {level_name(level)}",
            callback_data=CheckinAnswerCB(w=view.week, c=index, l=CODE_OF[level], e=editing),
        )
    if not editing and view.status != CheckInStatus.done:
        kb.button(text=_("Skip this week"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.skip))
        kb.adjust(3, 1)
    elif editing:  # back to the list of answers, nothing changed
        kb.button(text=_("↩ Back"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.edit))
        kb.adjust(3, 1)
    else:
        kb.adjust(3)
    return "\n".join(lines), kb.as_markup()


def items_card(
    campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Which points were not met?": one button per sub-item with its short label from the
    campaign file (☑ when marked), the plan's full wording folded below. Built once per
    week, group, language, mode and set of marks; a note typed here is added fresh."""
    marked = frozenset(view.answers[code].sub_items) if code in view.answers else frozenset()
    key = ("items", id(campaign), current_locale(), view.week, code, editing, marked)
    text, kb = _kept(key, lambda: _build_items_card(campaign, view, code, marked, editing=editing))
    note = view.answers[code].note if code in view.answers else None
    if note:
        text += "\n\n" + _("Your note: {note}").format(note=escape(note))
    return text, kb


def _build_items_card(
    campaign: Campaign, view: CheckinView, code: str, marked: frozenset[str], *, editing: bool
) -> tuple[str, InlineKeyboardMarkup]:
    g = campaign.criterion(code)
    index = view.order.index(code)
    locale = current_locale()
    # The plan's wording of each point, under its label, in a quote folded to a few lines:
    # the buttons say enough on a phone, the full text is one tap away.
    wording = "\n".join(f"<b>{escape(item.label_for(locale))}:</b> {escape(item.text.get(locale))}" for item in g.items)
    lines = [
        _header(view),
        f"<b>{_group_title(campaign, code)}</b> — {level_name(Level.not_met)}",
        _("Which points were not met? Tap to mark them (optional), then Continue."),
        f"<blockquote expandable>{wording}</blockquote>",
    ]
    kb = InlineKeyboardBuilder()
    for n, item in enumerate(g.items):
        box = "☑" if item.code in marked else "☐"
        kb.button(
            text=f"{box} {item.label_for(locale)}", callback_data=CheckinItemCB(w=view.week, c=index, i=n, e=editing)
        )
    kb.button(
        text=_("Continue ➡"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.items_done, c=index, e=editing)
    )
    kb.adjust(1)  # one label a row: a phone shows each in full
    return "\n".join(lines), kb.as_markup()


def note_card(
    campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    index = view.order.index(code)
    text = "\n".join(
        [
            _header(view),
            f"<b>{_group_title(campaign, code)}</b> — {level_name(Level.not_met)}",
            _("Add a short note if you wish (at most {max} characters): type it and send. Or tap Skip.").format(
                max=NOTE_MAX
            ),
        ]
    )
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Skip ➡"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.note_skip, c=index, e=editing))
    return text, kb.as_markup()


def wrapup_card(view: CheckinView, saved: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """After the last group: a reflection, a good example, or finish."""
    if saved:
        return _build_wrapup_card(view, saved)
    return _kept(("wrapup", current_locale(), view.week, view.total), lambda: _build_wrapup_card(view, None))


def _build_wrapup_card(view: CheckinView, saved: str | None) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_header(view), _("All {total} groups answered.").format(total=view.total)]
    if saved:
        lines.append(saved)
    lines += [
        "",
        _("If you wish, type one line of reflection on this week (at most {max} characters) and send it.").format(
            max=REFLECTION_MAX
        ),
        _("Did you see a good example this week, from yourself or a colleague?"),
    ]
    kb = InlineKeyboardBuilder()
    kb.button(text=_("🌟 Yes, a good example"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.example))
    kb.button(text=_("✅ Finish"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.finish))
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


def summary_card(campaign: Campaign, summary: Summary, streak: int) -> tuple[str, InlineKeyboardMarkup]:
    view, prev = summary.view, summary.previous
    lines = [_("✅ <b>Self-assessment done, {week}</b>").format(week=week_label(view.week)), ""]
    for code in view.order:
        ans = view.answers.get(code)
        if ans is None:
            continue
        trend = ""
        if prev is not None and code in prev.answers:
            delta = SCORE[ans.level] - SCORE[prev.answers[code].level]
            trend = " ↑" if delta > 0 else " ↓" if delta < 0 else ""
        line = f"{LEVEL_ICONS[ans.level]} {_group_title(campaign, code)} — {level_name(ans.level)}{trend}"
        if ans.sub_items:  # the points not met, by their labels (never bare codes)
            line += " ({})".format("; ".join(_item_label(campaign, code, item) for item in ans.sub_items))
        lines.append(line)
    lines += [
        "",
        _("Good {good} · Met {ok} · Not met {not_met}").format(
            good=view.count(Level.good), ok=view.count(Level.ok), not_met=view.count(Level.not_met)
        ),
    ]
    if prev is not None:
        lines.append(
            _("Last week: Good {good} · Met {ok} · Not met {not_met}").format(
                good=prev.count(Level.good), ok=prev.count(Level.ok), not_met=prev.count(Level.not_met)
            )
        )
    else:
        lines.append(_("No finished check-in last week to compare with."))
    if view.reflection:
        lines.append(_("Your reflection: {text}").format(text=escape(view.reflection)))
    if view.example_note:
        lines.append(_("Good example noted: {text}").format(text=escape(view.example_note)))
    lines.append(_("Weeks in a row: {n}").format(n=streak))
    lines.append(_("You can change your answers until Sunday night."))
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✏️ Change an answer"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.edit))
    return "\n".join(lines), kb.as_markup()


def edit_menu_card(campaign: Campaign, view: CheckinView) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for index, code in enumerate(view.order):
        ans = view.answers.get(code)
        icon = LEVEL_ICONS[ans.level] if ans else "⚪"
        title = campaign.criterion(code).short.get(current_locale())
        kb.button(
            text=f"{icon} {code}) {title}", callback_data=CheckinActCB(w=view.week, a=CheckinAct.edit_pick, c=index)
        )
    kb.button(text=_("↩ Back"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.back))
    kb.adjust(1)
    return "\n".join([_header(view), _("Which answer do you want to change?")]), kb.as_markup()


def skip_card(view: CheckinView) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for n, reason in enumerate(SKIP_REASONS):
        kb.button(text=_(SKIP_NAMES[reason]), callback_data=CheckinActCB(w=view.week, a=CheckinAct.skip_reason, r=n))
    kb.button(text=_("↩ Back"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.skip_back))
    kb.adjust(2, 2, 1)
    text = "\n".join(
        [
            _header(view),
            _("Skip this week's self-assessment. Why?"),
            _("A skipped week is recorded as excused, not as missed."),
        ]
    )
    return text, kb.as_markup()


def skipped_card(view: CheckinView) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("Do the self-assessment after all"), callback_data=CheckinActCB(w=view.week, a=CheckinAct.unskip))
    reason = _(SKIP_NAMES.get(view.skip_reason or "other", SKIP_NAMES["other"]))
    text = "\n".join([_header(view), _("This week is recorded as skipped: {reason}.").format(reason=reason.lower())])
    return text, kb.as_markup()


async def current_card(
    svc: CheckinService, user: User, view: CheckinView | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """Where the person stands this week: the next question, the wrap-up or the summary.
    `view`: this week's, when the caller already has it (saves two queries)."""
    view = view if view is not None and view.week == svc.current_week(user) else await svc.view(user)
    if view.status == CheckInStatus.skipped:
        return skipped_card(view)
    if view.status == CheckInStatus.done:
        return summary_card(svc.campaign, await svc.summary(user, view.week), await svc.streak(user))
    nxt = view.next_criterion
    if nxt is None:
        return wrapup_card(view)
    return question_card(svc.campaign, view, nxt)


# -- handlers ---------------------------------------------------------------------------


async def _show(query: CallbackQuery, card: tuple[str, InlineKeyboardMarkup]) -> None:
    await edit_in_place(query, *card)


def _group(svc: CheckinService, index: int) -> str:
    """The criterion group a button names; a forged or stale index changes nothing."""
    if not 0 <= index < len(svc.order):
        raise CheckinClosed("checkin_closed")
    return svc.order[index]


async def start(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    await state.clear()
    text, kb = await current_card(service(session, clock, campaign), user)
    await message.answer(text, reply_markup=kb)


async def answer(
    query: CallbackQuery,
    callback_data: CheckinAnswerCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    raw_state: str | None,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
    direct: SqliteDirect | None = None,
) -> None:
    svc = service(session, clock, campaign, direct)
    code = _group(svc, callback_data.c)
    res = await svc.answer(user, callback_data.w, code, LEVEL_OF[callback_data.l], editing=callback_data.e)
    if not res.changed and not callback_data.e:
        if res.view.status == CheckInStatus.done:
            # A button of the finished flow: the check-in is closed to it (edits go through ✏️).
            raise CheckinClosed("checkin_done")
        callback_answer.text = _("Already recorded.")
        if raw_state in (None, CheckinStates.items.state):
            # A repeated tap, or the same tap again after Telegram refused (429, 5xx) or
            # timed out the card's edit: show what the first tap should have shown.
            earlier = res.view.answers.get(code)
            if earlier is not None and earlier.level == Level.not_met == LEVEL_OF[callback_data.l]:
                await _show(query, items_card(campaign, res.view, code))
            else:
                await _show(query, await current_card(svc, user, res.view))
        return
    if res.needs_detail:
        # "Which points were not met?": text typed now is this group's note (note_typed_at_items).
        # Only a "Chưa đạt" tap writes this state; the all-good path writes none.
        await state.set_state(CheckinStates.items)
        await state.set_data({"week": callback_data.w, "c": callback_data.c, "e": callback_data.e})
        await _show(query, items_card(campaign, res.view, code, editing=callback_data.e))
    else:
        if raw_state is not None:  # a note or text step left open: the tap moves on from it
            await state.clear()
        await _show(query, await current_card(svc, user, res.view))


async def toggle_item(
    query: CallbackQuery,
    callback_data: CheckinItemCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    code = _group(svc, callback_data.c)
    group = campaign.criterion(code)
    if not 0 <= callback_data.i < len(group.items):
        raise CheckinClosed("checkin_closed")
        return
    view = await svc.toggle_sub_item(user, callback_data.w, code, group.items[callback_data.i].code)
    await _show(query, items_card(campaign, view, code, editing=callback_data.e))


async def items_done(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    code = _group(svc, callback_data.c)
    if callback_data.w != svc.current_week(user):
        raise CheckinClosed("checkin_closed")
    view = await svc.view(user, callback_data.w)
    if code not in view.answers:
        raise CheckinClosed("checkin_closed")
        return
    if view.answers[code].note:  # typed already at the points step: the note step is done
        await state.clear()
        await _show(query, await current_card(svc, user, view))
        return
    await state.set_state(CheckinStates.note)
    await state.update_data(week=callback_data.w, c=callback_data.c, e=callback_data.e)
    await _show(query, note_card(campaign, view, code, editing=callback_data.e))


async def note_skip(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    await state.clear()
    await _show(query, await current_card(service(session, clock, campaign), user))


async def note_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    data = await state.get_data()
    svc = service(session, clock, campaign)
    await svc.set_note(user, int(data["week"]), svc.order[int(data["c"])], message.text or "")
    await state.clear()
    text, kb = await current_card(svc, user)
    await message.answer(_("Note saved.") + "\n\n" + text, reply_markup=kb)


async def note_typed_at_items(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    """Text typed while the points of a "Chưa đạt" are asked: it is kept as the group's note,
    said so, and the points step is shown again (below, where the person is looking)."""
    data = await state.get_data()
    svc = service(session, clock, campaign)
    code = _group(svc, int(data["c"]))
    view = await svc.set_note(user, int(data["week"]), code, message.text or "")
    text, kb = items_card(campaign, view, code, editing=bool(data.get("e")))
    saved = _(
        "Your text is kept as the note on {group}. Mark the points not met if you wish, then tap Continue."
    ).format(group=_group_title(campaign, code))
    await message.answer(saved + "\n\n" + text, reply_markup=kb)


async def finish(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    summary = await svc.finish(user, callback_data.w)
    await state.clear()
    await _show(query, summary_card(campaign, summary, await svc.streak(user)))


async def example(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    """ "Yes, a good example": the check-in is finished, and /share's flow starts (SPEC §3.2 → §3.4)."""
    svc = service(session, clock, campaign)
    summary = await svc.finish(user, callback_data.w)
    await _show(query, summary_card(campaign, summary, await svc.streak(user)))
    if isinstance(query.message, Message):
        await share.begin(query.message, state, ExampleService(session, clock, settings.timezone), user, settings)


async def reflection_or_stray_text(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    """Text while this week's check-in is open: the reflection at the wrap-up, otherwise a
    hint and the question again. Other text goes on to the catch-all."""
    svc = service(session, clock, campaign)
    view = await svc.view(user)
    if view.status != CheckInStatus.in_progress:
        raise SkipHandler()
    if view.complete:
        view = await svc.set_reflection(user, view.week, message.text or "")
        text, kb = wrapup_card(view, saved=_("Reflection saved."))
        await message.answer(text, reply_markup=kb)
        return
    text, kb = await current_card(svc, user)
    await message.answer(_("Please answer with the buttons below.") + "\n\n" + text, reply_markup=kb)


async def skip(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    if callback_data.w != svc.current_week(user):  # a closed week's button, or a forged one
        raise CheckinClosed("checkin_closed")
    view = await svc.view(user, callback_data.w)
    await _show(query, skip_card(view))


async def skip_back(query: CallbackQuery, session: AsyncSession, clock: Clock, campaign: Campaign, user: User) -> None:
    await _show(query, await current_card(service(session, clock, campaign), user))


async def skip_reason(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    if not 0 <= callback_data.r < len(SKIP_REASONS):
        raise CheckinClosed("checkin_closed")
        return
    view = await service(session, clock, campaign).skip(user, callback_data.w, SKIP_REASONS[callback_data.r])
    await state.clear()
    await _show(query, skipped_card(view))


async def unskip(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    await svc.unskip(user, callback_data.w)
    await _show(query, await current_card(svc, user))


async def edit(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    view = await svc.view(user, callback_data.w)
    if view.week != svc.current_week(user) or view.status != CheckInStatus.done:
        raise CheckinClosed("checkin_closed")
        return
    await _show(query, edit_menu_card(campaign, view))


async def edit_pick(
    query: CallbackQuery,
    callback_data: CheckinActCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    view = await svc.view(user, callback_data.w)
    if view.week != svc.current_week(user) or not 0 <= callback_data.c < len(svc.order):
        raise CheckinClosed("checkin_closed")
        return
    await _show(query, question_card(campaign, view, svc.order[callback_data.c], editing=True))


def make_router() -> Router:
    """/checkin and the note typed at its step (private chats). A new router each time:
    every Dispatcher (tests, workers) gets its own."""
    router = Router(name="checkin")
    router.message.register(start, Command("checkin"), StateFilter("*"))
    router.message.register(note_typed, CheckinStates.note, TYPED)
    router.message.register(note_typed_at_items, CheckinStates.items, TYPED)
    return router


def make_buttons_router() -> Router:
    """The check-in's buttons: the busiest updates of all, so bot.app puts this router
    first, at the top of the tree (each level a tap passes through costs time)."""
    router = Router(name="checkin-buttons")
    router.callback_query.register(answer, CheckinAnswerCB.filter())
    router.callback_query.register(toggle_item, CheckinItemCB.filter())
    router.callback_query.register(items_done, CheckinActCB.filter(F.a == CheckinAct.items_done))
    router.callback_query.register(note_skip, CheckinActCB.filter(F.a == CheckinAct.note_skip))
    router.callback_query.register(finish, CheckinActCB.filter(F.a == CheckinAct.finish))
    router.callback_query.register(example, CheckinActCB.filter(F.a == CheckinAct.example))
    router.callback_query.register(skip, CheckinActCB.filter(F.a == CheckinAct.skip))
    router.callback_query.register(skip_back, CheckinActCB.filter(F.a.in_({CheckinAct.skip_back, CheckinAct.back})))
    router.callback_query.register(skip_reason, CheckinActCB.filter(F.a == CheckinAct.skip_reason))
    router.callback_query.register(unskip, CheckinActCB.filter(F.a == CheckinAct.unskip))
    router.callback_query.register(edit, CheckinActCB.filter(F.a == CheckinAct.edit))
    router.callback_query.register(edit_pick, CheckinActCB.filter(F.a == CheckinAct.edit_pick))
    return router


def make_text_router() -> Router:
    """Free text while a check-in is open; it comes late, after every other feature's."""
    router = Router(name="checkin-text")
    router.message.register(reflection_or_stray_text, StateFilter(None), TYPED)
    return router

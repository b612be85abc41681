"""Zalo conversations: each event a person sends (bot/channels/zalo/types.py `Incoming`) is
read against where their chat stands, answered with the same services and views as on
Telegram, and drawn by Zalo's renderer (plain text, a numbered menu).

Where a chat stands is kept in the database (the conversation-state table, under
"zalo:<chat>"), so a restart in the middle of a self-assessment resumes it: the step, its
data, and the last screen shown, whose buttons are the numbered menu a reply refers to.

Commands work with or without the slash and in Vietnamese words ("tự đánh giá", "hủy",
"trợ giúp", …). Anything that does not fit (a sticker, a picture where text is expected, an
unknown word, a number out of range, a text over a limit, an answer to a week that has
closed) gets a short hint in the person's language and the current question again;
nothing stored is lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.channels.zalo import leaders, onboarding, profile, screens, share
from bot.channels.zalo.render import Picture, Publish, Text, render
from bot.channels.zalo.turn import (
    ALL_GOOD_WORDS,
    KEY_PREFIX,
    ChatState,
    Handler,
    Hint,
    Turn,
    command_of,
    fold,
    numbers_of,
    person_of,
)
from bot.channels.zalo.types import Incoming, Sender
from bot.clock import Clock
from bot.config import Settings
from bot.domain import CheckInStatus, Level, OutboxStatus
from bot.i18n import _, use_locale
from bot.services.audit import person_ref
from bot.services.checkin import NOTE_MAX, SKIP_REASONS, CheckinClosed
from bot.services.errors import DomainError
from bot.services.onboarding import InviteAttempts
from bot.services.provider import Services
from bot.views import checkin as views
from bot.views.actions import CheckinAct, CheckinAnswer, CheckinItem, CheckinStep
from bot.views.common import unexpected_error_screen
from bot.views.history import history_screen
from bot.views.screen import Action, Screen
from bot.views.texts import error_text
from storage.delivery import OutboxMessage
from storage.models import FsmRecord, User
from storage.repositories import UserRepo

log = logging.getLogger(__name__)

PENDING_TTL = timedelta(days=1)  # a notice left unanswered this long is forgotten
TEXT_LIMIT = 4000  # longer than anything the bot asks for: said to be too long, never cut


class ChatStates:
    """Zalo chats' states in the conversation-state table (each read and write a short
    transaction of its own, apart from the event's unit of work)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock

    @staticmethod
    def key(chat_id: str) -> str:
        return f"{KEY_PREFIX}{chat_id}"

    async def load(self, chat_id: str) -> ChatState:
        async with self.sessionmaker() as s:
            rec = await s.get(FsmRecord, self.key(chat_id))
            return ChatState.loads(rec.state, rec.data) if rec else ChatState()

    async def save(self, chat_id: str, state: ChatState) -> None:
        async with self.sessionmaker() as s:
            rec = await s.get(FsmRecord, self.key(chat_id))
            if state.step is None and not state.data and not state.shown and not state.outbox:
                if rec is not None:
                    await s.delete(rec)
                    await s.commit()
                return
            if rec is None:
                rec = FsmRecord(key=self.key(chat_id), updated_at=self.clock.now())
            rec.state, rec.data, rec.updated_at = state.step, state.dumps(), self.clock.now()
            s.add(rec)
            await s.commit()

    async def sent_since(self, chat_id: str, state: ChatState) -> ChatState:
        """What the outbox sent this chat since the chat's last event (a prompt, a nudge, a
        digest, a reminder): the newest of it that asks something is what a numbered reply
        answers now."""
        seen = state.outbox
        async with self.sessionmaker() as s:
            res = await s.exec(
                select(OutboxMessage.id, OutboxMessage.payload)
                .where(
                    OutboxMessage.zalo_chat_id == chat_id,
                    col(OutboxMessage.id) > seen,
                    col(OutboxMessage.status).in_([OutboxStatus.sent, OutboxStatus.sending]),
                )
                .order_by(col(OutboxMessage.id).desc())
            )
            rows = res.all()
        if not rows:
            return state
        state.outbox = max(int(row_id or 0) for row_id, _ in rows)
        for _row_id, payload in rows:  # the newest first
            try:
                body = json.loads(payload)
            except ValueError:
                continue
            screen = body.get("screen")
            if isinstance(screen, dict) and screen.get("rows"):  # a picture after its card asks nothing
                state.step, state.data, state.shown = None, {}, screen
                break
        return state

    async def drop(self, chat_id: str) -> None:
        await self.save(chat_id, ChatState())


def items_screen(campaign: Campaign, view: Any, code: str, *, editing: bool) -> Screen:
    """The "which points were not met?" card, asking for numbers instead of taps."""
    card = views.items_card(campaign, view, code, editing=editing)
    count = len(campaign.criterion(code).items)
    tap = _("Which points were not met? Tap to mark them (optional), then Continue.")
    return Screen(card.text.replace(tap, screens.items_instruction(count)), card.rows)


def note_screen(campaign: Campaign, view: Any, code: str, *, editing: bool) -> Screen:
    card = views.note_card(campaign, view, code, editing=editing)
    tap = _("Add a short note if you wish (at most {max} characters): type it and send. Or tap Skip.").format(
        max=NOTE_MAX
    )
    say = _("Add a short note if you wish (at most {max} characters): type it and send. Or reply 1 to skip.").format(
        max=NOTE_MAX
    )
    return Screen(card.text.replace(tap, say), card.rows)


# -- the self-assessment (SPEC §3.2), as handlers/checkin.py does it on Telegram ---------------


def _group(turn: Turn, index: int) -> str:
    if not 0 <= index < len(turn.checkin.order):
        raise CheckinClosed("checkin_closed")
    return turn.checkin.order[index]


async def checkin_start(turn: Turn) -> None:
    screen = await turn.checkin_position()
    view = await turn.checkin.view(person_of(turn))
    if view.status is None:  # the first question of the week: say how to answer it in one message
        screen = Screen(screen.text + "\n\n" + screens.quick_answer_hint(view.total), screen.rows)
    turn.show(screen)


async def checkin_answer(turn: Turn, action: CheckinAnswer) -> None:
    user = person_of(turn)
    code = _group(turn, action.c)
    res = await turn.checkin.answer(user, action.w, code, views.LEVEL_OF[action.l], editing=action.e)
    if not res.changed and not action.e:
        if res.view.status == CheckInStatus.done:
            raise CheckinClosed("checkin_done")
        turn.show(await turn.checkin_position(), above=_("Already recorded."))
        return
    if res.needs_detail:
        turn.show(items_screen(turn.campaign, res.view, code, editing=action.e), step="items", c=action.c, e=action.e)
        return
    await _next(turn, res.view)


async def _next(turn: Turn, view: Any, *, saved: str = "") -> None:
    """After an answer: the answers queued by a one-message reply, else where the person stands."""
    queue: list[int] = list(turn.state.data.get("queue") or [])
    if queue or turn.state.data.get("quick"):
        await _quick(turn, view.week, queue, saved=saved)
        return
    await _stand(turn, view, saved=saved)


async def _stand(turn: Turn, view: Any, *, saved: str = "") -> None:
    """Where the person stands this week: the next question, the wrap-up or the summary."""
    screen = views.current_screen(turn.campaign, await turn.checkin.position(person_of(turn), view))
    turn.show(screen, above=saved)


async def _quick(turn: Turn, week: int, levels: list[int], *, saved: str = "") -> None:
    """A one-message week: one digit per group left, in order (1 Good, 2 Met, 3 Not met). A
    "Not met" asks its points and note first, then the rest follow; a week answered this
    way is finished at the end."""
    user = person_of(turn)
    view = await turn.checkin.view(user, week)
    while levels:
        code = view.next_criterion
        if code is None:
            break
        level = views.LEVELS[levels.pop(0) - 1]
        res = await turn.checkin.answer(user, week, code, level)
        view = res.view
        if res.needs_detail:
            screen = items_screen(turn.campaign, view, code, editing=False)
            turn.show(
                screen,
                above=saved,
                step="items",
                c=turn.checkin.order.index(code),
                queue=levels,
                quick=True,
            )
            return
    if view.complete and view.status != CheckInStatus.done:
        summary = await turn.checkin.finish(user, week)
        card = views.summary_card(turn.campaign, summary, await turn.checkin.streak(user))
        turn.show(card, above=saved)
        return
    await _stand(turn, view, saved=saved)


async def checkin_quick(turn: Turn, digits: list[int]) -> None:
    user = person_of(turn)
    view = await turn.checkin.view(user)
    left = view.total - view.answered
    if view.status in (CheckInStatus.done, CheckInStatus.skipped) or left == 0:
        raise Hint(_("Please reply with one number."))
    if len(digits) != left or any(d not in (1, 2, 3) for d in digits):
        raise Hint(
            _("To answer in one message, send {n} digits, one per group left, each 1, 2 or 3.").format(n=left)
            + "\n"
            + screens.levels_hint()
        )
    turn.state.data = {}
    await _quick(turn, view.week, digits)


async def checkin_all_good(turn: Turn) -> None:
    """ "tốt hết": asks to confirm first."""
    view = await turn.checkin.view(person_of(turn))
    if view.status in (CheckInStatus.done, CheckInStatus.skipped) or view.complete:
        turn.show(await turn.checkin_position(), above=_("There is no question left to answer this week."))
        return
    turn.show(screens.all_good_card(view))


async def all_good(turn: Turn, action: screens.AllGood) -> None:
    if not action.yes:
        turn.show(await turn.checkin_position())
        return
    view = await turn.checkin.view(person_of(turn), action.w)
    if action.w != turn.checkin.current_week(person_of(turn)):
        raise CheckinClosed("checkin_closed")
    turn.state.data = {}
    await _quick(turn, action.w, [1] * (view.total - view.answered))


async def items_chosen(turn: Turn, numbers: list[int]) -> None:
    """ "2 3": exactly these points are marked; then the note (or what comes next)."""
    user = person_of(turn)
    data = dict(turn.state.data)
    code = _group(turn, int(data["c"]))
    group = turn.campaign.criterion(code)
    count = len(group.items)
    if numbers == [count + 1] or numbers == [0]:
        wanted: set[str] | None = None if numbers == [count + 1] else set()
    elif all(1 <= n <= count for n in numbers):
        wanted = {group.items[n - 1].code for n in numbers}
    else:
        raise Hint(_("Please reply with numbers from 1 to {n}, or {go_on} to go on.").format(n=count, go_on=count + 1))
    week = turn.checkin.current_week(user)
    view = await turn.checkin.view(user, week)
    if code not in view.answers or view.answers[code].level != Level.not_met:
        raise CheckinClosed("checkin_closed")
    if wanted is not None:
        for item in group.items:
            if (item.code in wanted) != (item.code in view.answers[code].sub_items):
                view = await turn.checkin.toggle_sub_item(user, week, code, item.code)
    await _items_done(turn, view, code, data)


async def _items_done(turn: Turn, view: Any, code: str, data: dict[str, Any]) -> None:
    if view.answers[code].note:  # typed already at the points step
        turn.state.data = data
        await _next(turn, view)
        return
    turn.show(note_screen(turn.campaign, view, code, editing=bool(data.get("e"))), step="note", **data)


async def note_typed(turn: Turn, text: str) -> None:
    data = dict(turn.state.data)
    view = await turn.checkin.set_note(
        person_of(turn), turn.checkin.current_week(person_of(turn)), _group(turn, int(data["c"])), text
    )
    turn.state.data = data
    await _next(turn, view, saved=_("Note saved."))


async def note_typed_at_items(turn: Turn, text: str) -> None:
    data = dict(turn.state.data)
    code = _group(turn, int(data["c"]))
    view = await turn.checkin.set_note(person_of(turn), turn.checkin.current_week(person_of(turn)), code, text)
    saved = _("Your text is kept as the note on {group}.").format(group=views.group_title(turn.campaign, code))
    turn.show(items_screen(turn.campaign, view, code, editing=bool(data.get("e"))), above=saved, step="items", **data)


async def checkin_step(turn: Turn, action: CheckinStep) -> None:
    await STEPS[action.a](turn, action)


async def items_done(turn: Turn, action: CheckinStep) -> None:
    await items_chosen(turn, [len(turn.campaign.criterion(_group(turn, action.c)).items) + 1])


async def note_skip(turn: Turn, action: CheckinStep) -> None:
    await _next(turn, await turn.checkin.view(person_of(turn)))


async def finish(turn: Turn, action: CheckinStep) -> None:
    user = person_of(turn)
    summary = await turn.checkin.finish(user, action.w)
    turn.show(views.summary_card(turn.campaign, summary, await turn.checkin.streak(user)))


async def skip(turn: Turn, action: CheckinStep) -> None:
    if action.w != turn.checkin.current_week(person_of(turn)):
        raise CheckinClosed("checkin_closed")
    turn.show(views.skip_card(await turn.checkin.view(person_of(turn), action.w)))


async def back(turn: Turn, action: CheckinStep) -> None:
    turn.show(await turn.checkin_position())


async def skip_reason(turn: Turn, action: CheckinStep) -> None:
    if not 0 <= action.r < len(SKIP_REASONS):
        raise CheckinClosed("checkin_closed")
    turn.show(views.skipped_card(await turn.checkin.skip(person_of(turn), action.w, SKIP_REASONS[action.r])))


async def unskip(turn: Turn, action: CheckinStep) -> None:
    await turn.checkin.unskip(person_of(turn), action.w)
    turn.show(await turn.checkin_position())


async def edit(turn: Turn, action: CheckinStep) -> None:
    view = await turn.checkin.view(person_of(turn), action.w)
    if view.week != turn.checkin.current_week(person_of(turn)) or view.status != CheckInStatus.done:
        raise CheckinClosed("checkin_closed")
    turn.show(views.edit_menu_card(turn.campaign, view))


async def edit_pick(turn: Turn, action: CheckinStep) -> None:
    view = await turn.checkin.view(person_of(turn), action.w)
    if view.week != turn.checkin.current_week(person_of(turn)):
        raise CheckinClosed("checkin_closed")
    turn.show(views.question_card(turn.campaign, view, _group(turn, action.c), editing=True))


async def example(turn: Turn, action: CheckinStep) -> None:
    """ "Yes, a good example": the self-assessment is finished, and /share begins (SPEC §3.2 → §3.4)."""
    await finish(turn, action)
    await share.begin(turn)


STEPS: dict[CheckinAct, Callable[[Turn, CheckinStep], Awaitable[None]]] = {
    CheckinAct.items_done: items_done,
    CheckinAct.note_skip: note_skip,
    CheckinAct.finish: finish,
    CheckinAct.example: example,
    CheckinAct.skip: skip,
    CheckinAct.skip_reason: skip_reason,
    CheckinAct.skip_back: back,
    CheckinAct.back: back,
    CheckinAct.unskip: unskip,
    CheckinAct.edit: edit,
    CheckinAct.edit_pick: edit_pick,
}


async def checkin_item(turn: Turn, action: CheckinItem) -> None:
    """One point's number from the menu (the points step reads numbers itself; this is an
    older menu's): marks just that point, as "2" would at the points step."""
    turn.state.step, turn.state.data = "items", {**turn.state.data, "c": action.c, "e": action.e}
    await items_chosen(turn, [action.i + 1])


async def checkin_text(turn: Turn, text: str) -> None:
    """Text with no step waiting for it, while this week's self-assessment is open: the
    reflection at the wrap-up, otherwise a hint and the question again."""
    user = person_of(turn)
    view = await turn.checkin.view(user)
    if view.status != CheckInStatus.in_progress:
        raise Hint(_("I did not understand that. Send “trợ giúp” to see what I can do."))
    if view.complete:
        view = await turn.checkin.set_reflection(user, view.week, text)
        turn.show(views.wrapup_card(view, saved=_("Reflection saved.")))
        return
    turn.show(
        await turn.checkin_position(),
        above=_("Please reply with a number: {levels}.").format(levels=screens.levels_hint()),
    )


async def history(turn: Turn) -> None:
    user = person_of(turn)
    hist = await turn.checkin.history(user, weeks=10)
    screen = await asyncio.to_thread(history_screen, hist, turn.campaign)
    turn.out.append(screen)
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None


# -- routing ------------------------------------------------------------------------------------

ACTIONS: dict[type[Action], Handler] = {
    CheckinAnswer: checkin_answer,
    CheckinItem: checkin_item,
    CheckinStep: checkin_step,
    screens.AllGood: all_good,
    **profile.ACTIONS,
    **share.ACTIONS,
    **leaders.ACTIONS,
}

#: Text a step expects: the step's name → what to do with it.
TYPED: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    "items": note_typed_at_items,
    "note": note_typed,
    **profile.TYPED,
    **share.TYPED,
}

#: Steps that read a time, where a bare number is an hour.
TIME_STEPS = frozenset({"settings.hour"})

#: Several numbers in one reply, where a step reads them.
SEVERAL: dict[str, Callable[[Turn, list[int]], Awaitable[None]]] = {
    "items": items_chosen,
}


async def cancel(turn: Turn) -> None:
    had = turn.state.step is not None or bool(turn.state.data)
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None
    if turn.user is not None and turn.user.onboarded_at is None:
        turn.say(_("Stopped. Send /start to finish setting up when you are ready."))
    elif had:
        turn.say(_("Cancelled. Nothing more was changed."))
    else:
        turn.say(_("There is nothing to cancel."))


async def help_(turn: Turn) -> None:
    turn.out.append(Screen(screens.help_text(person_of(turn), turn.campaign)))


async def start(turn: Turn) -> None:
    turn.say(
        _("Hello {name}, you are already registered. Send /help to see what you can do.").format(
            name=person_of(turn).full_name
        )
    )


MEMBER_COMMANDS: dict[str, Callable[[Turn], Awaitable[None]]] = {
    "checkin": checkin_start,
    "history": history,
    "help": help_,
    "cancel": cancel,
    "start": start,
    **profile.COMMANDS,
    **share.COMMANDS,
    **leaders.COMMANDS,
}


async def member(turn: Turn) -> None:
    """An event from a registered person who has finished setting up."""
    incoming = turn.incoming
    if incoming.kind == "image" and turn.state.step == "share":
        await share.picture(turn)
        return
    if incoming.kind != "text" or not (incoming.text or "").strip():
        raise Hint(_("Stickers, pictures and other messages are not read here. Please answer with text."))
    text = (incoming.text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise Hint(_("That message is too long to read. Please send a shorter text."))
    command = command_of(text)
    if command is not None:
        await MEMBER_COMMANDS[command](turn)
        return
    if fold(text) in ALL_GOOD_WORDS:
        await checkin_all_good(turn)
        return
    numbers = numbers_of(text)
    step = turn.state.step
    menu_size = len(turn.state.menu)
    if numbers is not None and step in TIME_STEPS and not (len(numbers) == 1 and 1 <= numbers[0] <= menu_size):
        numbers = None  # "8" at "what time?" is 08:00, not a menu's eighth
    if numbers is not None and not (step in TYPED and not turn.state.menu):
        if step in SEVERAL:
            await SEVERAL[step](turn, numbers)
            return
        menu = turn.state.menu
        if len(numbers) == 1 and 1 <= numbers[0] <= len(menu):
            action = menu[numbers[0] - 1]
            handler = ACTIONS.get(action.action_type())
            if handler is None:  # a tool of Telegram's (a leader's digest, a review) in a message sent to all
                raise Hint(_("That is done on Telegram for now."))
            await handler(turn, action)
            return
        if len(numbers) > 1 and menu and isinstance(menu[0], CheckinAnswer) and not menu[0].e:
            await checkin_quick(turn, numbers)
            return
        if menu:
            raise Hint(_("Please reply with a number from 1 to {n}.").format(n=len(menu)))
        raise Hint(_("There is no numbered question open. Send “trợ giúp” to see what I can do."))
    if step in TYPED:
        await TYPED[step](turn, text)
        return
    await checkin_text(turn, text)


# -- the conversations ---------------------------------------------------------------------------


class ZaloConversations:
    """Everyone's Zalo chats: `feed` handles one event; events of one chat one at a time."""

    def __init__(
        self,
        sender: Sender,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        campaign: Campaign,
        settings: Settings,
        *,
        publish: Publish | None = None,
        download: share.Download | None = None,
        extras: dict[str, Any] | None = None,
    ) -> None:
        self.sender = sender
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.campaign = campaign
        self.settings = settings
        self.publish = publish
        # Reads a picture a person sent (its address): the Zalo client's `download`.
        self.download: share.Download | None = download or getattr(sender, "download", None)
        # Wrong invitation codes are counted per account, in memory (as on Telegram).
        self.extras = {"invite_attempts": InviteAttempts(), **(extras or {})}
        self.states = ChatStates(sessionmaker, clock)
        self._locks: dict[str, asyncio.Lock] = {}
        self._pending: dict[str, tuple[datetime, ChatState]] = {}  # before consent: memory only

    def _lock(self, chat_id: str) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            if len(self._locks) > 10_000:  # forget the idle ones
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    async def person(self, session: AsyncSession, zalo_id: str) -> User | None:
        return await UserRepo(session).by_zalo_id(zalo_id)

    async def _load(self, chat_id: str, user: User | None) -> ChatState:
        """Before consent, a chat's state is kept in this process's memory only (nothing
        about a person is stored before they agree); after, in the database."""
        if user is None:
            kept = self._pending.get(chat_id)
            if kept is not None and self.clock.now() - kept[0] < PENDING_TTL:
                return ChatState(kept[1].step, dict(kept[1].data), kept[1].shown)
            self._pending.pop(chat_id, None)
            return ChatState()
        return await self.states.sent_since(chat_id, await self.states.load(chat_id))

    async def _save(self, chat_id: str, user: User | None, state: ChatState) -> None:
        if user is None:
            if state.step is None:
                self._pending.pop(chat_id, None)
            else:
                if len(self._pending) > 10_000:
                    self._pending.pop(next(iter(self._pending)))
                self._pending[chat_id] = (self.clock.now(), state)
            return
        self._pending.pop(chat_id, None)
        await self.states.save(chat_id, state)

    async def feed(self, incoming: Incoming) -> None:
        if not incoming.private:
            log.info("zalo: an event from a group chat, not handled")
            return
        async with self._lock(incoming.chat_id):
            locale, out = await self._handle(incoming)
            with use_locale(locale):  # the renderer's own lines (a picture not sent) too
                await self._send(incoming.chat_id, out)

    async def _handle(self, incoming: Incoming) -> tuple[str, list[Screen]]:
        async with self.sessionmaker() as session:
            services = Services(session, self.clock, self.campaign, self.settings, self.extras)
            user = await self.person(session, incoming.user_id)
            locale = user.locale if user else self.settings.default_locale
            with use_locale(locale):
                state = await self._load(incoming.chat_id, user)
                turn = Turn(self, incoming, services, user, state)
                before = ChatState(state.step, dict(state.data), state.shown, state.outbox)
                try:
                    await self._route(turn)
                except Hint as hint:
                    turn.state = before
                    turn.reask(hint.text)
                except DomainError as exc:
                    # Services refuse before they write (and own their commits): nothing to undo.
                    turn.state = before
                    await self._refused(turn, exc)
                except Exception:
                    # As Telegram's errors router: logged with its context, and the person told
                    # in their language; the chat stays where it was.
                    log.exception("zalo: the %s event from %s failed", incoming.kind, person_ref(incoming.user_id))
                    return locale, [unexpected_error_screen()]
                await self._save(incoming.chat_id, turn.user, turn.state)
                return (turn.user.locale if turn.user else locale), turn.out

    async def _route(self, turn: Turn) -> None:
        if turn.user is None or turn.user.onboarded_at is None:
            await onboarding.route(turn)
            return
        await member(turn)

    async def _refused(self, turn: Turn, exc: DomainError) -> None:
        """A closed week, a text over its limit, …: why, and the current question again. A
        closed week's question is replaced by this week's."""
        log.info("zalo: refused: %s", exc)
        text = error_text(exc)
        if isinstance(exc, CheckinClosed) and turn.user is not None and turn.user.onboarded_at is not None:
            turn.out = []
            turn.show(await turn.checkin_position(), above=text)
            return
        turn.out = []
        turn.reask(text)

    async def _send(self, chat_id: str, screens_: list[Screen]) -> None:
        for screen in screens_:
            rendered = await render(screen, self.publish)
            for message in rendered.messages:
                if isinstance(message, Text):
                    await self.sender.send_message(chat_id, message.text)
                elif isinstance(message, Picture):
                    await self.sender.send_photo(chat_id, message.url, message.caption)

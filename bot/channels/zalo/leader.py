"""Unit leaders on Zalo (SPEC §3.6, issue 16.4), as handlers/leader.py and handlers/deadlines.py
do it on Telegram with the same services and views: the Monday digest's nudges (reply with
a nudge's number, or "nhắc" for everyone not done), a deadline reminder answered "xong" (or
its number) to mark the unit done, and /unit ("đơn vị") with its chart.

The digest and the reminders come from the outbox; the chat takes the newest one's menu
(ZaloConversations), so its numbers, "nhắc" and "xong" refer to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot import i18n
from bot.channels.telegram.render import payload
from bot.channels.zalo.turn import Hint, Turn, person_of
from bot.i18n import _
from bot.services.access import Action as Permission
from bot.services.access import allowed
from bot.services.checkin import Position
from bot.views.actions import DeadlineDone, Nudge, Unit
from bot.views.deadlines import marked_screen
from bot.views.leader import marked_nudges, nudge_screen, unit_chart_screen, unit_screen
from bot.views.screen import Action, Screen
from bot.views.texts import access_denied_text


async def _leader(turn: Turn, permission: Permission) -> Any:
    """The person, if their role may do this; otherwise refused (audited, as RoleGate does on
    Telegram) and said so."""

    user = person_of(turn)
    if not allowed(user.role, permission):
        turn.services.audit.note(None, permission.value, "refused", detail=f"role={user.role} channel=zalo")
        await turn.services.session.commit()
        raise Hint(access_denied_text())
    return user


def _menu_action(turn: Turn, kind: type[Action], **fields: Any) -> Action | None:
    """The first action of `kind` (with these fields) in the menu the chat shows."""
    for action in turn.state.menu:
        if isinstance(action, kind) and all(getattr(action, k) == v for k, v in fields.items()):
            return action
    return None


# -- the digest's nudges ------------------------------------------------------------------------


async def nudge(turn: Turn, action: Nudge) -> None:
    user = await _leader(turn, Permission.view_unit)
    campaign = turn.campaign

    def body(member: Any, position: Position) -> dict[str, Any]:
        with i18n.use_locale(member.locale):
            return payload(nudge_screen(campaign, position))

    res = await turn.services.nudges.nudge(user, action.m or None, action.w, body)
    current = turn.state.screen
    marked = marked_nudges(current.rows if current is not None else (), res, everyone=not action.m)
    # The digest's text is not repeated: the answer, then the nudges left to send.
    text = current.text if current is not None else ""
    screen = Screen(text, marked.rows)
    turn.out.append(Screen(marked.notice))
    turn.state.shown = screen.dump()
    turn.state.step, turn.state.data = None, {}


async def nudge_everyone(turn: Turn) -> None:
    """ "nhắc": the digest's "remind everyone not done"."""

    await _leader(turn, Permission.view_unit)
    action = _menu_action(turn, Nudge, m=0)
    if action is None:
        raise Hint(_("Reminders are sent from the Monday digest: reply “nhắc” to it, or the number of a person."))
    await nudge(turn, action)  # type: ignore[arg-type]


# -- deadlines ------------------------------------------------------------------------------------


async def deadline_done(turn: Turn, action: DeadlineDone) -> None:
    user = await _leader(turn, Permission.deadline_done)
    marked = await turn.services.deadlines.done_for_unit(action.k, user)
    screen = marked_screen(marked)
    turn.show(Screen(screen.text), above=screen.notice)
    turn.state.shown = None


async def done_word(turn: Turn) -> None:
    """ "xong": the reminder's "done for our unit"."""

    await _leader(turn, Permission.deadline_done)
    action = _menu_action(turn, DeadlineDone)
    if action is None:
        raise Hint(_("“xong” answers a deadline reminder: there is none open in this chat."))
    await deadline_done(turn, action)  # type: ignore[arg-type]


# -- /unit ----------------------------------------------------------------------------------------


async def unit(turn: Turn) -> None:
    user = await _leader(turn, Permission.view_unit)
    ov = await turn.services.figures.overview(user)
    turn.show(unit_screen(ov, turn.campaign))


async def unit_view(turn: Turn, action: Unit) -> None:
    user = await _leader(turn, Permission.view_unit)
    ov = await turn.services.figures.overview(user, action.u, action.w)
    if action.c:
        chart = await asyncio.to_thread(unit_chart_screen, ov, turn.campaign)  # drawing takes a moment
        turn.out.append(chart)
        return
    turn.show(unit_screen(ov, turn.campaign))


COMMANDS: dict[str, Callable[[Turn], Awaitable[None]]] = {"unit": unit, "nudge": nudge_everyone, "done": done_word}
ACTIONS: dict[type[Action], Callable[[Turn, Any], Awaitable[None]]] = {
    Nudge: nudge,
    DeadlineDone: deadline_done,
    Unit: unit_view,
}

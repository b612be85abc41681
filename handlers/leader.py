"""Leaders (SPEC §3.6): the one-tap nudge on the weekly digest, and /unit (the unit's
figures on demand, as text and a chart). Routing only: the services decide
(bot/services/digest.py, figures.py), the views draw (bot/views/leader.py). A leader sees
their own unit and its sub-units only; administrators see any unit (/unit CODE)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import i18n
from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import FACTORIES, NudgeCB, UnitCB
from bot.channels.telegram.render import payload, reply, show, show_buttons
from bot.domain import Person
from bot.services.checkin import Position
from bot.services.digest import NudgeService
from bot.services.figures import FiguresService
from bot.views.leader import marked_nudges, nudge_screen, unit_chart_screen, unit_screen
from bot.views.screen import Action, Button, Rows


def _tapped_rows(query: CallbackQuery) -> Rows:
    """The tapped card's buttons, read back as neutral actions (the digest's card was sent
    by the Monday job: its buttons are all there is of it)."""
    if not isinstance(query.message, Message) or query.message.reply_markup is None:
        return ()
    out = []
    for row in query.message.reply_markup.inline_keyboard:
        buttons = []
        for b in row:
            action: Action | None = None
            for factory in FACTORIES.values():
                try:
                    found = factory.unpack(b.callback_data or "")
                except (TypeError, ValueError):
                    continue
                action = found if isinstance(found, Action) else None
                break
            buttons.append(Button(b.text, action, b.url))
        out.append(tuple(buttons))
    return tuple(out)


async def nudge(
    query: CallbackQuery,
    callback_data: NudgeCB,
    callback_answer: CallbackAnswer,
    nudges: NudgeService,
    campaign: Campaign,
    user: Person,
) -> None:
    def body(member: Any, position: Position) -> dict[str, Any]:
        with i18n.use_locale(member.locale):
            return payload(nudge_screen(campaign, position))

    res = await nudges.nudge(user, callback_data.m or None, callback_data.w, body)
    screen = marked_nudges(_tapped_rows(query), res, everyone=not callback_data.m)
    callback_answer.text, callback_answer.show_alert = screen.notice, screen.alert
    await show_buttons(query, screen)


async def unit_command(
    message: Message, command: CommandObject, figures: FiguresService, campaign: Campaign, user: Person
) -> None:
    ov = await figures.overview(user, code=(command.args or "").strip())
    await reply(message, unit_screen(ov, campaign))
    await reply(message, await asyncio.to_thread(unit_chart_screen, ov, campaign))  # drawing takes a moment


async def unit_view(
    query: CallbackQuery, callback_data: UnitCB, figures: FiguresService, campaign: Campaign, user: Person
) -> None:
    ov = await figures.overview(user, callback_data.u, callback_data.w)
    await show(query, unit_screen(ov, campaign))


async def unit_chart(
    query: CallbackQuery, callback_data: UnitCB, figures: FiguresService, campaign: Campaign, user: Person
) -> None:
    ov = await figures.overview(user, callback_data.u, callback_data.w)
    if isinstance(query.message, Message):
        await reply(query.message, await asyncio.to_thread(unit_chart_screen, ov, campaign))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="leader")
    router.callback_query.register(nudge, NudgeCB.filter())
    router.message.register(unit_command, Command("unit"))
    router.callback_query.register(unit_view, UnitCB.filter(~F.c))
    router.callback_query.register(unit_chart, UnitCB.filter(F.c))
    return router

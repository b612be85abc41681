"""/dashboard for administrators (SPEC §3.8, plan §VI.2): routing only. The service
gathers the sector's figures (bot/services/figures.py), the views draw the card, the
chart and the XLSX file (bot/views/sector.py)."""

from __future__ import annotations

import asyncio
import re

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import CallbackQuery, Message

from bot.channels.telegram.callbacks import DashboardAct, DashboardCB
from bot.channels.telegram.render import reply, show
from bot.domain import Person
from bot.services.errors import InvalidInput
from bot.services.figures import FiguresService
from bot.views.sector import chart_screen, dashboard_screen, xlsx_screen


async def dashboard_command(message: Message, command: CommandObject, figures: FiguresService) -> None:
    arg = (command.args or "").strip()
    if arg and not re.fullmatch(r"\d{4}", arg):
        raise InvalidInput("dashboard_usage")
    found = await figures.dashboard(year=int(arg) if arg else 0)
    await reply(message, dashboard_screen(found))
    await reply(message, await asyncio.to_thread(chart_screen, found))  # drawing takes a moment


async def show_dashboard(query: CallbackQuery, callback_data: DashboardCB, figures: FiguresService) -> None:
    await show(query, dashboard_screen(await figures.dashboard(callback_data.w, callback_data.y)))


async def send_chart(query: CallbackQuery, callback_data: DashboardCB, figures: FiguresService) -> None:
    found = await figures.dashboard(callback_data.w, callback_data.y)
    if isinstance(query.message, Message):
        await reply(query.message, await asyncio.to_thread(chart_screen, found))


async def send_xlsx(query: CallbackQuery, callback_data: DashboardCB, figures: FiguresService, user: Person) -> None:
    if not isinstance(query.message, Message):
        return
    found = await figures.sector_export(user, callback_data.w, callback_data.y)
    await reply(query.message, await asyncio.to_thread(xlsx_screen, found))


def make_router() -> Router:
    """Administrators (Action.sector). A new router each time: every Dispatcher gets its own."""
    router = Router(name="sector")
    router.message.register(dashboard_command, Command("dashboard"), StateFilter("*"))
    router.callback_query.register(show_dashboard, DashboardCB.filter(F.a == DashboardAct.show))
    router.callback_query.register(send_chart, DashboardCB.filter(F.a == DashboardAct.chart))
    router.callback_query.register(send_xlsx, DashboardCB.filter(F.a == DashboardAct.xlsx))
    return router

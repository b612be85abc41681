"""/report for unit leaders (plan §VI.1): the draft of the unit's annual report on carrying
out the campaign, due at the standing agency before 15 December, as a Word document in the
layout of Decree 30/2020/NĐ-CP (bot.render.report_docx), filled with the year's figures,
approved good examples and the unit's nominations, ready to edit and sign. /consolidated
for administrators (§VI.2). Routing only: bot.services.reports and .consolidated decide,
bot.views.report draws."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import CallbackQuery, Message

from bot.channels.telegram.callbacks import ReportCB
from bot.channels.telegram.render import edit, reply
from bot.domain import Person
from bot.services.consolidated import ConsolidatedService
from bot.services.reports import ReportService
from bot.views.report import annual_report_screen, consolidated_screen, gathering_screen


async def _send_report(message: Message, reports: ReportService, user: Person, year: int) -> None:
    rep = await reports.annual(user, year)
    # python-docx takes a moment: keep it off the event loop.
    await reply(message, await asyncio.to_thread(annual_report_screen, rep, reports.years()))


async def report_command(message: Message, command: CommandObject, reports: ReportService, user: Person) -> None:
    await _send_report(message, reports, user, reports.year_asked(command.args))


async def report_year(query: CallbackQuery, callback_data: ReportCB, reports: ReportService, user: Person) -> None:
    if isinstance(query.message, Message):
        await _send_report(query.message, reports, user, callback_data.y)


async def consolidated_command(
    message: Message, command: CommandObject, consolidated: ConsolidatedService, user: Person
) -> None:
    """/consolidated [YEAR] (administrators, plan §VI.2): every unit's report and
    self-assessment gathered, as a DOCX for the council and an XLSX of the same figures."""
    year = consolidated.year_asked(command.args)
    progress = await reply(message, gathering_screen(year))
    rep = await consolidated.build(year, admin=user)
    screen = await asyncio.to_thread(consolidated_screen, rep)
    if progress is not None:
        await edit(progress, screen)


def make_admin_router() -> Router:
    """Administrators (Action.sector): the consolidated report."""
    router = Router(name="report-admin")
    router.message.register(consolidated_command, Command("consolidated"), StateFilter("*"))
    return router


def make_router() -> Router:
    """Leaders (Action.report). A new router each time: every Dispatcher gets its own."""
    router = Router(name="report")
    router.message.register(report_command, Command("report"), StateFilter("*"))
    router.callback_query.register(report_year, ReportCB.filter())
    return router

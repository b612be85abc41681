"""/report for unit leaders (plan §VI.1): the draft of the unit's annual report on carrying
out the campaign, due at the standing agency before 15 December, as a Word document in the
layout of Decree 30/2020/NĐ-CP (bot.render.report_docx), filled with the year's figures,
approved good examples and the unit's nominations, ready to edit and sign."""

from __future__ import annotations

import asyncio
import re
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.campaign.wording import annual_report_due
from bot.channels.telegram.callbacks import ReportCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, ngettext
from bot.render.example_labels import snippet
from bot.services.errors import InvalidInput
from bot.services.reports import AnnualReport, ReportService
from storage.models import User

YEARS_OFFERED = 3


def service(session: AsyncSession, clock: Clock, campaign: Campaign, settings: Settings) -> ReportService:
    return ReportService(
        session,
        clock,
        campaign,
        timezone=settings.timezone,
        ministry_name=settings.ministry_name,
        standing_agency=settings.standing_agency,
    )


def summary(rep: AnnualReport) -> str:
    t = rep.figures.tally
    lines = [
        _("<b>Annual report {year}, {unit}</b> — a draft to edit and sign.").format(
            year=rep.year, unit=escape(snippet(rep.unit.name, 120))
        ),
        (
            _("Plan §VI.1: it reaches {ministry} (through {agency}) before {day}.").format(
                ministry=escape(rep.ministry_name), agency=escape(rep.standing_agency), day=due
            )
            if (due := annual_report_due(rep.campaign))
            else _("Plan §VI.1: it reaches {ministry} (through {agency}).").format(
                ministry=escape(rep.ministry_name), agency=escape(rep.standing_agency)
            )
        ),
        _("Self-assessments done: {done}/{expected} person-weeks ({pct}).").format(
            done=t.done, expected=t.expected, pct=f"{t.rate:.0f}%"
        ),
        _("Figures per criterion: included.")
        if rep.figures.shares is not None
        else _("Figures per criterion: withheld (fewer than {n} people answered).").format(n=rep.min_group),
        _("Self-assessment on the collective criteria (§IV.1.1): {n}/{total} criteria assessed.").format(
            n=sum(1 for c in rep.criteria if c.level), total=len(rep.criteria)
        ),
        ngettext("{n} approved good example", "{n} approved good examples", len(rep.examples)).format(
            n=len(rep.examples)
        ),
        ngettext("{n} nomination", "{n} nominations", len(rep.nominations)).format(n=len(rep.nominations)),
    ]
    return "\n".join(lines)


def caption(text: str, limit: int = 1000) -> str:
    """HTML cut to a caption's length at a line break: never inside an entity or a tag."""
    return text if len(text) <= limit else text[: limit - 2].rsplit("\n", 1)[0] + "\n…"


def years_keyboard(svc: ReportService, year: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for y in svc.years()[-YEARS_OFFERED:]:
        if y != year:
            kb.button(text=_("Report {year}").format(year=y), callback_data=ReportCB(y=y))
    kb.adjust(YEARS_OFFERED)
    return kb.as_markup()


async def send_report(message: Message, svc: ReportService, user: User, year: int) -> None:
    from bot.render.report_docx import render_annual_report  # python-docx loads on first use

    rep = await svc.annual(user, year)
    data = await asyncio.to_thread(render_annual_report, rep)  # python-docx takes a moment
    code = re.sub(r"[^A-Za-z0-9_-]", "", rep.unit.code) or "don-vi"
    await message.answer_document(
        BufferedInputFile(data, filename=f"bao-cao-van-hoa-cong-so_{code}_{year}.docx"),
        caption=caption(summary(rep)),
        reply_markup=years_keyboard(svc, year),
    )


async def report_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, campaign, settings)
    arg = (command.args or "").strip()
    if arg and not re.fullmatch(r"\d{4}", arg):
        raise InvalidInput("report_year", first=svc.years()[0], last=svc.years()[-1])
    await send_report(message, svc, user, int(arg) if arg else svc.years()[-1])


async def report_year(
    query: CallbackQuery,
    callback_data: ReportCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    if isinstance(query.message, Message):
        await send_report(query.message, service(session, clock, campaign, settings), user, callback_data.y)


async def consolidated_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    """/consolidated [YEAR] (administrators, plan §VI.2): every unit's report and
    self-assessment gathered, as a DOCX for the council and an XLSX of the same figures."""
    from bot.render.consolidated import render_consolidated_docx, render_consolidated_xlsx
    from bot.services.consolidated import ConsolidatedService

    svc = ConsolidatedService(
        session,
        clock,
        campaign,
        timezone=settings.timezone,
        ministry_name=settings.ministry_name,
        standing_agency=settings.standing_agency,
    )
    arg = (command.args or "").strip()
    first, last = campaign.start.year, svc.today().year
    if arg and not re.fullmatch(r"\d{4}", arg):
        raise InvalidInput("report_year", first=first, last=last)
    year = int(arg) if arg else last
    progress = await message.answer(_("Gathering every unit's figures for {year}…").format(year=year))
    rep = await svc.build(year, admin=user)
    docx_data = await asyncio.to_thread(render_consolidated_docx, rep)
    xlsx_data = await asyncio.to_thread(render_consolidated_xlsx, rep)
    t = rep.tally
    text = "\n".join(
        [
            _("<b>Consolidated report {year}</b> (plan §VI.2)").format(year=year),
            _("Units that submitted their report: {done}/{total}.").format(
                done=rep.submitted, total=len(rep.reporting)
            ),
            _("Self-assessments done across the sector: {done}/{expected} person-weeks ({pct}).").format(
                done=t.done, expected=t.expected, pct=f"{t.rate:.0f}%"
            ),
            ngettext("{n} nomination", "{n} nominations", len(rep.nominations)).format(n=len(rep.nominations)),
        ]
    )
    await progress.edit_text(text)
    await message.answer_document(BufferedInputFile(docx_data, filename=f"bao-cao-tong-hop_{year}.docx"))
    await message.answer_document(BufferedInputFile(xlsx_data, filename=f"bao-cao-tong-hop_{year}.xlsx"))


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

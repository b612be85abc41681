"""/dashboard for administrators (SPEC §3.8; the standing agency follows the campaign
across the sector, plan §VI.2): self-assessment participation by unit for a week or a
year, as text and a chart, and the sector's figures as an XLSX file."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram.callbacks import DashboardAct, DashboardCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _
from bot.render.admin_exports import sector_xlsx
from bot.render.charts import sector_participation
from bot.services.audit import AuditService
from bot.services.checkin import is_week, previous_week, week_key, week_monday
from bot.services.errors import InvalidInput
from bot.services.figures import FiguresService, SectorFigures
from bot.views.checkin import week_label
from handlers.edit import edit_in_place
from storage.models import User

TEXT_LIMIT = 3800
CHART_UNITS = 8  # the bars a phone shows readable in one image (bot/render/charts.py)


def _pct(n: int, d: int) -> str:
    return f"{(100 * n / d):.0f}%" if d else "—"


def period_label(cb: DashboardCB, current: int = 0) -> str:
    if cb.y:
        return _("year {year}").format(year=cb.y)
    if cb.w == current:
        return _("{week}, in progress").format(week=week_label(cb.w))
    return week_label(cb.w)


def resolve(cb: DashboardCB, svc: FiguresService) -> DashboardCB:
    """A week in the past or this one, or a year from the campaign's first to this one.
    No week asked for: the last complete week, as the leaders' digest (on a Monday the
    week just begun has nothing to show yet)."""
    current = svc.current_week()
    if cb.y:
        if not 2000 <= cb.y <= svc.today().year:
            raise InvalidInput("dashboard_usage")
        return cb
    return cb.model_copy(update={"w": cb.w if 0 < cb.w <= current and is_week(cb.w) else previous_week(current)})


def dashboard_card(fig: SectorFigures, cb: DashboardCB, svc: FiguresService) -> tuple[str, InlineKeyboardMarkup]:
    t = fig.total
    lines = [
        _("<b>Self-assessment across the sector, {period}</b>").format(period=period_label(cb, svc.current_week())),
        (
            _("All units: {done}/{expected} ({pct}) · absent with a reason: {skipped} · members: {members}")
            if t.skipped
            else _("All units: {done}/{expected} ({pct}) · members: {members}")
        ).format(
            done=t.done, expected=t.expected, pct=_pct(t.done, t.expected), skipped=t.skipped, members=fig.members
        ),
    ]
    if cb.y:
        lines.append(_("Person-weeks over {n} weeks; a unit's figures include its sub-units.").format(n=len(fig.weeks)))
    else:
        lines.append(_("A unit's figures include its sub-units."))
    lines.append("")
    shown = 0
    for row in fig.units:
        line = "{indent}• <code>{code}</code> {name}: {done}/{expected} ({pct})".format(
            indent="    " * row.depth,
            code=escape(row.unit.code),
            name=escape(row.unit.name),
            done=row.tally.done,
            expected=row.tally.expected,
            pct=_pct(row.tally.done, row.tally.expected),
        )
        if sum(len(x) + 1 for x in lines) + len(line) > TEXT_LIMIT:
            break
        lines.append(line)
        shown += 1
    if not fig.units:
        lines.append(_("No registered members yet."))
    elif shown < len(fig.units):
        lines.append(_("… and {count} more units: see the XLSX file.").format(count=len(fig.units) - shown))
    kb = InlineKeyboardBuilder()
    if cb.y:
        kb.button(text=f"◀ {cb.y - 1}", callback_data=DashboardCB(y=cb.y - 1))
        if cb.y < svc.today().year:
            kb.button(text=f"{cb.y + 1} ▶", callback_data=DashboardCB(y=cb.y + 1))
        kb.button(text=_("Last week"), callback_data=DashboardCB(w=previous_week(svc.current_week())))
    else:
        kb.button(text=_("◀ Week before"), callback_data=DashboardCB(w=previous_week(cb.w)))
        following = week_key(week_monday(cb.w) + timedelta(days=7))
        if following <= svc.current_week():
            kb.button(text=_("Week after ▶"), callback_data=DashboardCB(w=following))
        kb.button(text=_("Year {year}").format(year=cb.w // 100), callback_data=DashboardCB(y=cb.w // 100))
    kb.button(text=_("📊 Chart"), callback_data=cb.model_copy(update={"a": DashboardAct.chart}))
    kb.button(text=_("⬇ Excel (XLSX)"), callback_data=cb.model_copy(update={"a": DashboardAct.xlsx}))
    kb.adjust(3, 2)
    return "\n".join(lines), kb.as_markup()


def chart(fig: SectorFigures, cb: DashboardCB, current: int = 0) -> bytes:
    """One bar per unit at the first level of the tree that has more than one unit."""
    depth = 0
    while depth < 3 and sum(1 for r in fig.units if r.depth == depth) < 2:
        depth += 1
    rows = [r for r in fig.units if r.depth == depth] or fig.units
    period = period_label(cb, current)
    title = _("Self-assessment by unit, {period}").format(period=period)
    if len(rows) > CHART_UNITS:  # those to follow up: the lowest rates, the lowest first
        title = _("Self-assessment, the {n} lowest of {total} units, {period}").format(
            n=CHART_UNITS, total=len(rows), period=period
        )
        rows = sorted(rows, key=lambda r: r.tally.rate)[:CHART_UNITS]
    return sector_participation(
        title=title,
        units=[r.unit.name for r in rows],
        rates=[r.tally.rate for r in rows],
        rate_label=_("Self-assessed, % of expected"),
        empty=_("No registered members yet."),
        headline=f"{fig.total.rate:.0f}%" if fig.total.expected else "—",
        headline_note=_("whole sector, {done}/{expected}").format(done=fig.total.done, expected=fig.total.expected),
    )


async def _figures(
    session: AsyncSession, clock: Clock, settings: Settings, cb: DashboardCB
) -> tuple[FiguresService, DashboardCB, SectorFigures]:
    svc = FiguresService(session, clock, settings.timezone)
    cb = resolve(cb, svc)
    fig = await svc.sector(svc.week_or_year(week=cb.w or None, year=cb.y or None))
    return svc, cb, fig


async def send_chart(message: Message, fig: SectorFigures, cb: DashboardCB, current: int = 0) -> None:
    png = await asyncio.to_thread(chart, fig, cb, current)
    await message.answer_photo(
        BufferedInputFile(png, filename="dashboard.png"),
        caption=_("Self-assessment by unit, {period}").format(period=period_label(cb, current))[:1000],
    )


async def dashboard_command(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    arg = (command.args or "").strip()
    if arg and not re.fullmatch(r"\d{4}", arg):
        raise InvalidInput("dashboard_usage")
    cb = DashboardCB(y=int(arg)) if arg else DashboardCB()
    svc, cb, fig = await _figures(session, clock, settings, cb)
    text, kb = dashboard_card(fig, cb, svc)
    await message.answer(text, reply_markup=kb)
    await send_chart(message, fig, cb, svc.current_week())


async def on_dashboard(
    query: CallbackQuery,
    callback_data: DashboardCB,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    user: User,
) -> None:
    if not isinstance(query.message, Message):
        return
    svc, cb, fig = await _figures(session, clock, settings, callback_data)
    if cb.a == DashboardAct.chart:
        await send_chart(query.message, fig, cb, svc.current_week())
    elif cb.a == DashboardAct.xlsx:
        data = await asyncio.to_thread(sector_xlsx, fig, period_label(cb, svc.current_week()))
        AuditService(session, clock).note(
            user.telegram_id, "sector.export.xlsx", detail=f"year={cb.y}" if cb.y else f"week={cb.w}"
        )
        await session.commit()
        name = (
            f"tham-gia-tu-danh-gia_{cb.y}.xlsx"
            if cb.y
            else f"tham-gia-tu-danh-gia_{cb.w // 100}-W{cb.w % 100:02d}.xlsx"
        )
        await query.message.answer_document(
            BufferedInputFile(data, filename=name),
            caption=_("Self-assessment by unit, {period}").format(period=period_label(cb, svc.current_week()))[:1000],
        )
    else:
        await edit_in_place(query, *dashboard_card(fig, cb, svc))


def make_router() -> Router:
    """Administrators (Action.sector). A new router each time: every Dispatcher gets its own."""
    router = Router(name="sector")
    router.message.register(dashboard_command, Command("dashboard"), StateFilter("*"))
    router.callback_query.register(on_dashboard, DashboardCB.filter())
    return router

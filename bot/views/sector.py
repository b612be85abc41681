"""/dashboard for administrators (SPEC §3.8; the standing agency follows the campaign
across the sector, plan §VI.2): self-assessment participation by unit for a week or a
year, as text and a chart, and the sector's figures as an XLSX file."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from bot.i18n import _
from bot.render.admin_exports import sector_xlsx
from bot.render.charts import sector_participation
from bot.services.checkin import previous_week, week_key, week_monday
from bot.services.figures import Dashboard, SectorFigures
from bot.views.actions import Dashboard as DashboardAction
from bot.views.actions import DashboardAct
from bot.views.checkin import week_label
from bot.views.screen import Button, Document, Photo, Screen, rows

TEXT_LIMIT = 3800
CHART_UNITS = 8  # the bars a phone shows readable in one image (bot/render/charts.py)


def _pct(n: int, d: int) -> str:
    return f"{(100 * n / d):.0f}%" if d else "—"


def period_label(period: DashboardAction, current: int = 0) -> str:
    """ "year 2026", "week 48 (…)", or "week 49 (…), in progress"."""
    if period.y:
        return _("year {year}").format(year=period.y)
    if period.w == current:
        return _("{week}, in progress").format(week=week_label(period.w))
    return week_label(period.w)


def _period(d: Dashboard, act: DashboardAct = DashboardAct.show) -> DashboardAction:
    return DashboardAction(a=act, w=d.week, y=d.year)


def dashboard_screen(d: Dashboard) -> Screen:
    fig, period = d.figures, _period(d)
    t = fig.total
    lines = [
        _("<b>Self-assessment across the sector, {period}</b>").format(period=period_label(period, d.current_week)),
        (
            _("All units: {done}/{expected} ({pct}) · absent with a reason: {skipped} · members: {members}")
            if t.skipped
            else _("All units: {done}/{expected} ({pct}) · members: {members}")
        ).format(
            done=t.done, expected=t.expected, pct=_pct(t.done, t.expected), skipped=t.skipped, members=fig.members
        ),
    ]
    if d.year:
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
    kb: list[Button] = []
    if d.year:
        kb.append(Button(f"◀ {d.year - 1}", DashboardAction(y=d.year - 1)))
        if d.year < d.this_year:
            kb.append(Button(f"{d.year + 1} ▶", DashboardAction(y=d.year + 1)))
        kb.append(Button(_("Last week"), DashboardAction(w=previous_week(d.current_week))))
    else:
        kb.append(Button(_("◀ Week before"), DashboardAction(w=previous_week(d.week))))
        following = week_key(week_monday(d.week) + timedelta(days=7))
        if following <= d.current_week:
            kb.append(Button(_("Week after ▶"), DashboardAction(w=following)))
        kb.append(Button(_("Year {year}").format(year=d.week // 100), DashboardAction(y=d.week // 100)))
    kb.append(Button(_("📊 Chart"), _period(d, DashboardAct.chart)))
    kb.append(Button(_("⬇ Excel (XLSX)"), _period(d, DashboardAct.xlsx)))
    return Screen("\n".join(lines), rows(kb, 3, 2))


def chart(fig: SectorFigures, period: DashboardAction, current: int = 0) -> bytes:
    """One bar per unit at the first level of the tree that has more than one unit."""
    depth = 0
    while depth < 3 and sum(1 for r in fig.units if r.depth == depth) < 2:
        depth += 1
    units = [r for r in fig.units if r.depth == depth] or fig.units
    label = period_label(period, current)
    title = _("Self-assessment by unit, {period}").format(period=label)
    if len(units) > CHART_UNITS:  # those to follow up: the lowest rates, the lowest first
        title = _("Self-assessment, the {n} lowest of {total} units, {period}").format(
            n=CHART_UNITS, total=len(units), period=label
        )
        units = sorted(units, key=lambda r: r.tally.rate)[:CHART_UNITS]
    return sector_participation(
        title=title,
        units=[r.unit.name for r in units],
        rates=[r.tally.rate for r in units],
        rate_label=_("Self-assessed, % of expected"),
        empty=_("No registered members yet."),
        headline=f"{fig.total.rate:.0f}%" if fig.total.expected else "—",
        headline_note=_("whole sector, {done}/{expected}").format(done=fig.total.done, expected=fig.total.expected),
    )


def _caption(d: Dashboard) -> str:
    return _("Self-assessment by unit, {period}").format(period=period_label(_period(d), d.current_week))[:1000]


def chart_screen(d: Dashboard) -> Screen:
    """The chart alone (drawing takes a moment: callers on the event loop run this in a thread)."""
    return Screen("", attachments=(Photo(chart(d.figures, _period(d), d.current_week), "dashboard.png", _caption(d)),))


def xlsx_screen(d: Dashboard) -> Screen:
    """The sector's figures as an XLSX file (built in a thread by callers on the event loop)."""
    data = sector_xlsx(d.figures, period_label(_period(d), d.current_week))
    name = (
        f"tham-gia-tu-danh-gia_{d.year}.xlsx"
        if d.year
        else f"tham-gia-tu-danh-gia_{d.week // 100}-W{d.week % 100:02d}.xlsx"
    )
    return Screen("", attachments=(Document(data, name, _caption(d)),))

"""/history (SPEC §3.3): recent weeks, the streak and a per-criterion chart."""

from __future__ import annotations

from bot.campaign.schema import Campaign
from bot.domain import CheckInStatus, Level
from bot.i18n import _, current_locale, ngettext
from bot.render.charts import criteria_heatmap
from bot.services.checkin import History, week_monday
from bot.views.checkin import LEVEL_ICONS, SKIP_NAMES, week_label
from bot.views.screen import Photo, Screen

CELL = {Level.not_met: 2, Level.ok: 3, Level.good: 4}


def history_text(history: History) -> str:
    """One line per week, newest first. No column header above the icons: emoji and
    letters never keep one width across phones, so the order of the groups is said in words."""
    n = len(history.rows)
    if history.since_joined:
        title = ngettext(
            "<b>Your self-assessments since you joined: {n} week</b>",
            "<b>Your self-assessments since you joined: {n} weeks</b>",
            n,
        ).format(n=n)
    else:
        title = _("<b>Your self-assessments, last {n} weeks</b>").format(n=n)
    lines = [title]
    for row in reversed(history.rows):
        label = week_label(row.week)
        if row.status == CheckInStatus.done:
            icons = "".join(LEVEL_ICONS[row.levels[c]] if c in row.levels else "⚪" for c in history.order)
            lines.append(f"{icons}  {label}")
        elif row.status == CheckInStatus.skipped:
            reason = _(SKIP_NAMES.get(row.skip_reason or "other", SKIP_NAMES["other"]))
            lines.append(_("⏸ skipped ({reason})  {week}").format(reason=reason.lower(), week=label))
        elif row.status == CheckInStatus.in_progress:
            lines.append(_("✏️ in progress  {week}").format(week=label))
        elif row.week == history.current:
            lines.append(_("… not yet, open until Sunday  {week}").format(week=label))
        else:
            lines.append(_("— not done  {week}").format(week=label))
    lines.append("")
    if any(row.status == CheckInStatus.done for row in history.rows):
        lines.append(_("Each row shows groups {order} from left to right.").format(order=", ".join(history.order)))
    lines.append(
        ngettext("Streak: {n} week in a row", "Streak: {n} weeks in a row", history.streak).format(n=history.streak)
    )
    lines.append(_("🟢 Good · 🟡 Met · 🔴 Not met"))
    return "\n".join(lines)


def history_chart(history: History, campaign: Campaign) -> bytes:
    locale = current_locale()
    cells = []
    for code in history.order:
        row_cells = []
        for row in history.rows:
            if row.status == CheckInStatus.skipped:
                row_cells.append(1)
            else:
                level = row.levels.get(code)
                row_cells.append(CELL[level] if level else 0)
        cells.append(row_cells)
    return criteria_heatmap(
        title=_("Self-assessment by criterion group, week by week"),
        row_labels=[f"{c}) {campaign.criterion(c).short.get(locale)}" for c in history.order],
        col_labels=[week_monday(r.week).strftime("%d/%m") for r in history.rows],
        cells=cells,
        legend=[_("Not self-assessed"), _("Absent with a reason"), _("Not met"), _("Met"), _("Good")],
        headline=f"{sum(r.status == CheckInStatus.done for r in history.rows)}/{len(history.rows)}",
        headline_note=_("weeks self-assessed"),
    )


def history_screen(history: History, campaign: Campaign) -> Screen:
    """The weeks as text, and the chart below once there is anything to draw (drawing takes
    a moment: callers on the event loop run this in a thread)."""
    if not any(r.status is not None for r in history.rows):
        return Screen(history_text(history))
    chart = Photo(history_chart(history, campaign), "history.png", _("Your trend per criterion group"))
    return Screen(history_text(history), attachments=(chart,))

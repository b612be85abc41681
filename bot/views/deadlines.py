"""Deadlines (SPEC §3.7): the reminder leaders get (with its "done" button) and what the
tap says, the admins' notice that the campaign's period has ended, /deadlines (the
calendar with units done, add, edit, remove, status) and /campaign.

The daily reminder job (scheduler/jobs.py), the report board's one-tap reminder and the
handlers (handlers/deadlines.py) draw with these same functions."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from babel.dates import format_date

from bot.campaign.in_force import NEXT_PHASE_FILE, campaign_file, shown_path
from bot.campaign.schema import Campaign
from bot.campaign.wording import annual_report_due
from bot.i18n import _, current_locale, ngettext
from bot.services.deadlines import Calendar, Marked, Occurrence, UnitStatus
from bot.services.submissions import ANNUAL_REPORT
from bot.views.actions import DeadlineDone
from bot.views.screen import Button, Screen, rows

MAX_UNITS_LISTED = 40

USAGE = (
    "/deadlines — list\n"
    "/deadlines add dd/mm/yyyy TITLE\n"
    "/deadlines edit ID dd/mm/yyyy [TITLE]\n"
    "/deadlines remove ID\n"
    "/deadlines status KEY"
)


def fmt(d: date) -> str:
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def when_text(days: int) -> str:
    if days == 0:
        return _("today is the last day")
    return ngettext("{n} day left", "{n} days left", days).format(n=days)


def campaign_ended_text(occ: Occurrence) -> str:
    """The admins' one notice that the campaign file's period is over (SPEC §3.7)."""
    return "\n".join(
        [
            _("📌 <b>The campaign's period has ended</b>"),
            (
                _(
                    "The campaign file in force, {code} ({title}), ran until {date}. "
                    "No file for the next phase is loaded."
                ).format(code=escape(occ.ref), title=escape(occ.title(current_locale())), date=fmt(occ.last_day))
                if occ.ref
                else _(
                    "The campaign file in force, {title} (a draft), ran until {date}. "
                    "No file for the next phase is loaded."
                ).format(title=escape(occ.title(current_locale())), date=fmt(occ.last_day))
            ),
            _(
                "The yearly duties go on as before, year by year: leaders are still reminded of the annual "
                "report (§VI.1), and the annual nomination round (§IV.2.1) stays open."
            ),
            _(
                "To load the next phase: set CAMPAIGN_FILE to its file (the bot ships a draft of the next "
                "phase: {file}), check it with <code>python -m bot campaign check FILE</code>, and restart "
                "the bot. /campaign shows the campaign in force."
            ).format(file=f"<code>{escape(shown_path(NEXT_PHASE_FILE))}</code>"),
        ]
    )


def reminder_screen(occ: Occurrence, days: int) -> Screen:
    """A leader's reminder of a deadline, `days` before its last day, with the button that
    stops them for the unit; for the admins' notice (occ.notice), the notice alone."""
    if occ.notice:
        return Screen(campaign_ended_text(occ))
    lines = [
        _("📅 <b>Deadline reminder</b>: {when}").format(when=when_text(days)),
        escape(occ.title(current_locale())),
        _("Last day: {date}").format(date=fmt(occ.last_day))
        + (_(" (to arrive before {due})").format(due=fmt(occ.due)) if occ.last_day != occ.due else ""),
    ]
    if occ.ref:
        lines.append(_("Plan reference: {ref}").format(ref=escape(occ.ref)))
    if occ.key.startswith(f"{ANNUAL_REPORT}@"):
        lines.append(
            _(
                "Your unit's self-assessment on the collective criteria: /selfassess. Send the signed report "
                "(PDF or DOCX) with /submit: reminders then stop for the unit."
            )
        )
    lines.append(_("When your unit has done it, tap the button: reminders stop for the unit."))
    return Screen("\n".join(lines), rows([Button(_("✅ Done for our unit"), DeadlineDone(k=occ.key))]))


def marked_screen(marked: Marked) -> Screen:
    """The reminder after its "done" tap: the buttons gone, the tap answered."""
    text = _("✅ {title}: done for your unit ({date}).").format(
        title=escape(marked.occurrence.title(current_locale())), date=fmt(marked.day)
    )
    notice = (
        _("Noted: done for your unit. No more reminders for it.")
        if marked.new
        else _("Already marked done for your unit.")
    )
    return Screen(text, notice=notice)


# -- /deadlines (administrators) ------------------------------------------------------------


def added_screen(row_id: int | None, due: date, title: str) -> Screen:
    return Screen(
        _("Deadline added (no. {id}): {date}, {title}.").format(id=row_id, date=fmt(due), title=escape(title))
    )


def edited_screen(row_id: int | None, due: date, title: str) -> Screen:
    return Screen(
        _("Deadline no. {id} changed: {date}, {title}.").format(id=row_id, date=fmt(due), title=escape(title))
    )


def removed_screen(row_id: int | None) -> Screen:
    return Screen(_("Deadline no. {id} removed.").format(id=row_id))


def status_screen(st: UnitStatus) -> Screen:
    lines = [
        _("<b>{title}</b>, last day {date}").format(
            title=escape(st.occurrence.title(current_locale())), date=fmt(st.occurrence.last_day)
        ),
        _("Done ({n}): {units}").format(
            n=len(st.done), units=", ".join(escape(u.code) for u in st.done[:MAX_UNITS_LISTED]) or "—"
        ),
        _("Pending ({n}): {units}").format(
            n=len(st.pending), units=", ".join(escape(u.code) for u in st.pending[:MAX_UNITS_LISTED]) or "—"
        ),
    ]
    return Screen("\n".join(lines))


def calendar_screen(cal: Calendar) -> Screen:
    locale = current_locale()
    lines = [_("<b>Deadlines, next 12 months</b>")]
    for line in cal.lines:
        occ = line.occurrence
        number = _(" (no. {id})").format(id=occ.custom_id) if occ.custom_id else ""
        lines.append(
            _("• {date}{number}: {title} — done {done}/{total}\n  <code>{key}</code>").format(
                date=fmt(occ.last_day),
                number=number,
                title=escape(occ.title(locale)),
                done=line.done,
                total=cal.units,
                key=occ.key,
            )
        )
    if not cal.lines:
        lines.append(_("No deadlines ahead."))
    if cal.ended is not None:
        lines.append(
            _(
                "The campaign file's period ended on {date}: its yearly duties (the annual report) go on year "
                "by year until the next phase's file is loaded with CAMPAIGN_FILE (see /campaign)."
            ).format(date=fmt(cal.ended))
        )
    lines += ["", escape(USAGE)]
    return Screen("\n".join(lines))


# -- /campaign ---------------------------------------------------------------------------------


def campaign_screen(campaign: Campaign, campaign_file_setting: str | Path | None, today: date) -> Screen:
    """/campaign: the campaign file in force, its period, and what happens after it."""
    locale = current_locale()
    lines = [
        _("<b>Campaign in force</b>"),
        escape(campaign.title.get(locale)),
        (
            _("Decision: not yet issued (draft)")
            if campaign.is_draft
            else _("Decision: {code}").format(code=escape(campaign.code))
            + (_(" of {date}").format(date=fmt(campaign.issued)) if campaign.issued else "")
        ),
        _("Period: {start} – {end}").format(start=fmt(campaign.start), end=fmt(campaign.end)),
        _("File: {file}").format(file=f"<code>{escape(shown_path(campaign_file(campaign_file_setting)))}</code>"),
    ]
    if campaign.is_draft:
        lines.append(
            _(
                "⚠️ This is a draft, to be confirmed by the ministry's decision. Once it is issued, put its "
                "number and date in the file (status: issued)."
            )
        )
    if campaign.has_ended(today):
        due = annual_report_due(campaign)
        lines += [
            "",
            (
                _(
                    "The period ended on {date} and no next phase is loaded. The yearly duties go on year by "
                    "year: the annual report due before {day} (§VI.1) and the annual nomination round (§IV.2.1)."
                ).format(date=fmt(campaign.end), day=due)
                if due
                else _(
                    "The period ended on {date} and no next phase is loaded. The yearly duties go on year by "
                    "year: the annual report (§VI.1) and the annual nomination round (§IV.2.1)."
                ).format(date=fmt(campaign.end))
            ),
            _(
                "To load the next phase: set CAMPAIGN_FILE to its file (the bot ships a draft of the next "
                "phase: {file}), check it with <code>python -m bot campaign check FILE</code>, and restart "
                "the bot."
            ).format(file=f"<code>{escape(shown_path(NEXT_PHASE_FILE))}</code>"),
        ]
    elif campaign.is_active(today):
        lines.append(_("In force today."))
    else:
        lines.append(_("Its period has not begun yet."))
    return Screen("\n".join(lines))

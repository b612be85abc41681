"""Screens of /submit (a unit sends its signed annual report, §VI.1) and /submissions (the
standing agency's board of who has submitted, §VI.2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from babel.dates import format_datetime, get_timezone

from bot.i18n import _, current_locale, ngettext
from bot.services.errors import InvalidInput
from bot.views.actions import Submission, SubmissionAct
from bot.views.screen import Button, Document, Screen, rows
from bot.views.self_assessment import error_text
from bot.views.texts import TEXT_BUDGET, fit

if TYPE_CHECKING:
    from bot.services.submissions import AlreadySubmitted, Reminded, SubmitOpening, SubmittedFile, UnitSubmission
    from storage.yearly import ReportSubmission

FILE_BUTTONS = 30


def fmt_time(d: datetime, timezone: str) -> str:
    return format_datetime(
        d,
        format="HH:mm dd/MM/yyyy",
        tzinfo=get_timezone(timezone),
        locale="vi_VN" if current_locale() == "vi" else "en_GB",
    )


# -- leaders ----------------------------------------------------------------------------------


def submit_screen(opening: SubmitOpening, max_mb: int, timezone: str) -> Screen:
    """/submit: what to send, and the file in force if there is one."""
    lines = [
        _("<b>Annual report {year} (§VI.1)</b>").format(year=opening.year),
        _(
            "Send the report signed by the head of the unit as a PDF or Word (DOCX) file, at most {mb} MB. "
            "Reminders for this deadline then stop for your unit."
        ).format(mb=max_mb),
    ]
    if opening.current is not None:
        lines.append(
            _(
                "Already submitted: “{name}” on {date}. A new file replaces it after you confirm; "
                "the earlier one is kept on record."
            ).format(name=escape(opening.current.file_name), date=fmt_time(opening.current.submitted_at, timezone))
        )
    lines.append(_("The draft to sign: /report. The self-assessment: /selfassess."))
    return Screen("\n".join(lines))


def replace_screen(exc: AlreadySubmitted, name: str) -> Screen:
    """A second file: replace the one in force with it?"""
    buttons = (
        (Button(_("🔁 Replace it with “{name}”").format(name=name[:40]), Submission(a=SubmissionAct.replace_yes)),),
        (Button(_("✖ Keep the earlier file"), Submission(a=SubmissionAct.replace_no)),),
    )
    text = error_text(exc) + "\n" + _("Replace it with the file you have just sent? The earlier file stays on record.")
    return Screen(text, buttons)


def refused_screen(exc: InvalidInput) -> Screen:
    return Screen(error_text(exc))


def not_a_file_screen(what: str) -> Screen:
    return Screen(error_text(InvalidInput("report_file_type", name=what)))


def received_screen(row: ReportSubmission) -> Screen:
    return Screen(
        _(
            "✅ Received: “{name}” ({kb} KB), the unit's signed report for {year}. "
            "Reminders for this deadline have stopped for your unit."
        ).format(name=escape(row.file_name), kb=max(1, row.size // 1024), year=row.year)
    )


def replaced_screen(row: ReportSubmission) -> Screen:
    return Screen(
        _(
            "🔁 Replaced: the unit's signed report for {year} is now “{name}”. The earlier file is kept on record."
        ).format(year=row.year, name=escape(row.file_name)),
        notice=_("Replaced."),
    )


def kept_screen() -> Screen:
    return Screen(
        _("The earlier file stays as the unit's submission. Nothing was changed."), notice=_("Kept the earlier file.")
    )


def out_of_date_notice() -> str:
    return _("That button is out of date. Send /submit again.")


# -- administrators ---------------------------------------------------------------------------


def board_screen(year: int, entries: Sequence[UnitSubmission], timezone: str) -> Screen:
    done = [e for e in entries if e.submitted_at is not None]
    pending = [e for e in entries if e.submitted_at is None]
    lines = [
        _("<b>Annual report {year} (§VI.1): {done}/{total} units have submitted</b>").format(
            year=year, done=len(done), total=len(entries)
        )
    ]
    if pending:  # those to chase first, in full when they fit
        lines = fit(
            lines + ["", _("⏳ Not yet submitted ({n}):").format(n=len(pending))],
            [f"• <b>{escape(e.unit_code)}</b> {escape(e.unit_name)}" for e in pending],
            limit=TEXT_BUDGET // 2,
        )
    if done:
        lines = fit(
            lines + ["", _("✅ Submitted ({n}):").format(n=len(done))],
            [
                _("✅ <b>{code}</b> {name}: “{file}”, {when}{by}").format(
                    code=escape(e.unit_code),
                    name=escape(e.unit_name),
                    file=escape((e.file_name or "")[:60]),
                    when=fmt_time(e.submitted_at, timezone) if e.submitted_at else "",
                    by=_(", by {name}").format(name=escape(e.submitted_by)) if e.submitted_by else "",
                )
                for e in done
            ],
        )
    if not entries:
        lines.append(_("No unit has a registered leader yet."))
    files = [
        Button("📥 " + e.unit_code[:30], Submission(a=SubmissionAct.file, id=e.submission_id or 0))
        for e in done[:FILE_BUTTONS]
    ]
    sizes = [3] * ((len(files) + 2) // 3)  # the files three a row, the reminder after them
    if pending:
        label = _("🔔 Remind the {n} units not yet submitted").format(n=len(pending))
        files.append(Button(label, Submission(a=SubmissionAct.remind, y=year)))
    return Screen("\n".join(lines), rows(files, *sizes, 1))


def file_screen(shown: SubmittedFile, timezone: str) -> Screen:
    """A submitted file (Telegram's file_id once it has been sent), with what it is."""
    row = shown.row
    caption = _("Signed annual report {year} of {unit}, received {when}.").format(
        year=row.year, unit=escape(shown.unit_name), when=fmt_time(row.submitted_at, timezone)
    )
    return Screen("", attachments=(Document(row.sent_file_id or row.data, row.file_name, caption),), notice=_("Sent."))


def reminded_notice(done: Reminded) -> str:
    if done.queued:
        return ngettext("Reminder queued for {n} leader.", "Reminder queued for {n} leaders.", done.queued).format(
            n=done.queued
        )
    if done.leaders:
        return _("They have already been reminded today.")
    return _("Every unit has submitted.")

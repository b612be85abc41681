"""/help, /cancel, the catch-all and the apology for an unexpected error."""

from __future__ import annotations

from html import escape

from bot.campaign.schema import Campaign
from bot.campaign.wording import annual_report_due, max_nominations
from bot.domain import Person
from bot.i18n import _, current_locale
from bot.services.access import Action, allowed
from bot.views.screen import Screen
from bot.views.texts import finish_setup_text, not_registered_text, role_name


def help_text(user: Person, campaign: Campaign) -> str:
    """The award, the quota and the report's due day come from the campaign file (SPEC §1)."""
    lines = [
        _("<b>What I can do</b> — you are registered as {role}.").format(role=role_name(user.role)),
        "",
        _("/checkin — this week's self-assessment (one minute)"),
        _("/history — your recent weeks, streak and trend chart"),
        _("/share — share a good example: a colleague's, your unit's or your own"),
        _("/myshares — your good examples and what became of them"),
        _("/settings — language, check-in day and time, pause during leave"),
        _("/cancel — stop what you are doing"),
        _("/help — this list"),
    ]
    if allowed(user.role, Action.view_unit):
        lines += [
            "",
            _("<b>Your unit</b>"),
            _("/unit — participation week by week, criteria and sub-units, with a chart"),
        ]
    if allowed(user.role, Action.nominate):
        lines += [
            _("/nominate — nominations for the {award}: {quota}").format(
                award=escape(campaign.awards.award.get(current_locale())), quota=max_nominations(campaign)
            ),
            (
                _("/report — the draft of the annual report (due before {day}), as a Word file").format(day=due)
                if (due := annual_report_due(campaign))
                else _("/report — the draft of the annual report, as a Word file")
            ),
            _("/selfassess — the unit's self-assessment on the collective criteria (§IV.1.1)"),
            _("/submit — submit the signed annual report (PDF or DOCX)"),
        ]
    if allowed(user.role, Action.review):
        lines += [
            "",
            _("<b>Good examples</b>"),
            _("/review — review submitted good examples, one at a time"),
            _("/highlights — approved examples by period, unit and category; DOCX and CSV exports"),
        ]
    if allowed(user.role, Action.manage_units):
        lines += [
            "",
            _("<b>Administration</b>"),
            _("/units — the unit tree"),
            _("/invite <code>UNIT</code> [role] [days] [uses] — create an invitation link"),
            _("/revoke <code>TOKEN</code> — withdraw an invitation"),
            _("/deadlines — the deadline calendar: units done and pending; add, edit, remove"),
            _("/submissions — who has submitted the annual report; the files; remind the rest"),
            _("/campaign — the campaign in force and its period"),
            _("/units add, import, show — add units, import a CSV file, see a unit's people; /role — change a role"),
            _("/invites — invitations that work; withdraw them"),
            _("/dashboard — participation by unit for a week or a year; XLSX"),
            _("/nominations — nomination rounds: open one, see and export every unit's"),
            _("/announce — an announcement to a role or a unit"),
            _("/audit — the audit log"),
        ]
    lines += [
        "",
        _("<b>Your data</b>"),
        _("/mydata — download everything kept about you"),
        _("/forget — erase your data"),
    ]
    return "\n".join(lines)


def help_screen(user: Person, campaign: Campaign) -> Screen:
    return Screen(help_text(user, campaign))


def cancelled_screen(user: Person | None, had_step: bool) -> Screen:
    """/cancel: what it stopped, if anything."""
    if user is not None and user.onboarded_at is None:
        return Screen(_("Stopped. Send /start to finish setting up when you are ready."))
    if not had_step:
        return Screen(_("There is nothing to cancel."))
    return Screen(_("Cancelled. Nothing more was changed."))


def not_understood_screen(user: Person | None) -> Screen:
    """The catch-all: a message no step or command took."""
    if user is None:
        return Screen(not_registered_text())
    if user.onboarded_at is None:
        return Screen(finish_setup_text())
    return Screen(_("I did not understand that. Send /help to see what I can do."))


def unexpected_in_flow_screen() -> Screen:
    return Screen(_("Please answer the question above (use the buttons if there are any), or send /cancel to stop."))


def edited_screen(user: Person | None) -> Screen:
    if user is None:
        return Screen(not_registered_text())
    return Screen(_("Edits are not read. Please send the correction as a new message."))


def stale_button_notice() -> str:
    return _("This button is no longer active.")


def unexpected_error_screen() -> Screen:
    return Screen(
        _("Sorry, something went wrong on our side. What you entered before is kept; please try again in a moment.")
    )

"""/announce for administrators (SPEC §3.8): choosing the audience, the preview with the
number of recipients, the confirmation, and the announcement each recipient reads (in
their own language; the scheduler's outbox sends it)."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, _, ngettext
from bot.services.announcements import TEXT_MAX, Audience
from bot.views.actions import Announce, AnnounceAct
from bot.views.screen import Button, Screen, rows

#: The names of bot.services.announcements.AUDIENCE_ROLES, in its order.
AUDIENCE_NAMES = (N_("Everyone"), N_("Civil servants"), N_("Unit leaders"), N_("Communications staff"))


def header(agency: str) -> str:
    return _("📣 <b>Announcement from {agency}</b>").format(agency=escape(agency))


def audience_text(audience: Audience) -> str:
    unit = audience.unit
    return "{}, {}".format(_(AUDIENCE_NAMES[audience.role]), escape(unit.name) if unit else _("all units"))


def _cancel() -> Button:
    return Button(_("✖ Cancel"), Announce(a=AnnounceAct.cancel))


def roles_screen() -> Screen:
    """/announce: who should receive it?"""
    buttons = [Button(_(name), Announce(a=AnnounceAct.role, v=n)) for n, name in enumerate(AUDIENCE_NAMES)]
    return Screen(_("<b>Announcement</b>: who should receive it?"), rows([*buttons, _cancel()], 2, 2, 1))


def unit_question_screen(role: int) -> Screen:
    """After the role: which unit (typed), or all units."""
    return Screen(
        _("To: {role}. Which unit? Type its code (its sub-units are included), or tap All units.").format(
            role=_(AUDIENCE_NAMES[role])
        ),
        rows([Button(_("All units"), Announce(a=AnnounceAct.all_units))]),
    )


def all_units_screen() -> Screen:
    return Screen(_("Unit: all units."))


def ask_text_screen(audience: Audience) -> Screen:
    return Screen(
        _(
            "To: {audience}.\nNow type the announcement (up to {max} characters; bold and links are kept). "
            "You will see it before it is sent. Or send /cancel."
        ).format(audience=audience_text(audience), max=TEXT_MAX)
    )


def nobody_screen(audience: Audience) -> Screen:
    return Screen(
        _("Nobody registered matches {audience}: nothing to send. Send /announce to choose again.").format(
            audience=audience_text(audience)
        )
    )


def announcement_text(agency: str, html: str) -> str:
    """What a recipient reads: the heading in their language, then the text as typed."""
    return header(agency) + "\n\n" + html


def preview_screen(audience: Audience, agency: str, html: str) -> Screen:
    n = audience.people
    text = "\n".join(
        [
            _("<b>Preview</b> — recipients: {n} ({audience}). Each reads the heading in their own language.").format(
                n=n, audience=audience_text(audience)
            ),
            "",
            announcement_text(agency, html),
        ]
    )
    send = Button(
        ngettext("📣 Send to {n} person", "📣 Send to {n} people", n).format(n=n), Announce(a=AnnounceAct.send)
    )
    return Screen(text, rows([send, _cancel()]))


def cancelled_screen() -> Screen:
    return Screen(_("Cancelled. Nothing was sent."))


def queued_screen(audience: Audience) -> Screen:
    return Screen(
        ngettext(
            "📣 The announcement is queued for {n} person ({audience}). You will get a report once it is delivered.",
            "📣 The announcement is queued for {n} people ({audience}). You will get a report once it is delivered.",
            audience.people,
        ).format(n=audience.people, audience=audience_text(audience)),
        notice=_("Queued."),
    )


def inactive_notice() -> str:
    """A button of a step already left (sent, cancelled, or another step begun)."""
    return _("This button is no longer active.")

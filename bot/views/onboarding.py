"""Onboarding (SPEC §3.1): the notice (a summary, "Details" for the full text) and consent,
then language, name, position, check-in day and time, and the welcome."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.campaign.schema import Campaign
from bot.campaign.wording import campaign_reference, individual_groups
from bot.domain import Person, Role
from bot.i18n import _
from bot.services.errors import DomainError
from bot.views.actions import Consent, ConsentNotice
from bot.views.screen import Button, Screen, rows
from bot.views.settings import hour_rows, language_name, language_rows, schedule_choice_rows, weekday_rows
from bot.views.texts import (
    error_text,
    how_to_get_invite,
    privacy_notice,
    privacy_summary,
    role_name,
    schedule_text,
)

if TYPE_CHECKING:
    from bot.services.onboarding import InvitePreview
    from storage.models import Unit


def resume_screen() -> Screen:
    """Consent was given earlier but onboarding stopped: it picks up again at the language."""
    return Screen(
        _("Welcome back. Let us finish setting up.\n\nPlease choose your language."), language_rows(onboarding=True)
    )


def already_registered(user: Person | None) -> Screen:
    return Screen(
        _("Hello {name}, you are already registered. Send /help to see what you can do.").format(
            name=escape(user.full_name if user else "")
        )
    )


def refused(exc: DomainError) -> Screen:
    """No valid invitation: why, and how to get one."""
    return Screen(how_to_get_invite() if exc.code == "invite_missing" else error_text(exc))


def notice_screen(campaign: Campaign, ministry: str, agency: str, preview: InvitePreview, *, full: bool) -> Screen:
    """The notice's summary (or its full text) and its answers: agree, decline, and
    "Details" under the summary or "Back" under the full text; the person who agrees at
    once taps once."""
    args = (campaign, ministry, agency, preview.unit, preview.role)
    token = preview.token or ""
    buttons = [
        Button(_("✅ I agree"), Consent(agree=True, token=token)),
        Button(_("I do not agree"), Consent(agree=False, token="")),
        Button(_("↩ Back to the summary"), ConsentNotice(full=False, token=token))
        if full
        else Button(_("📄 Details"), ConsentNotice(full=True, token=token)),
    ]
    return Screen(privacy_notice(*args) if full else privacy_summary(*args), rows(buttons))


def notice_read_again(campaign: Campaign, ministry: str, agency: str, unit: Unit | None, role: Role) -> Screen:
    """An old notice's "Details" after consenting: the full text, nothing to answer."""
    return Screen(privacy_notice(campaign, ministry, agency, unit, role))


def answer_the_notice() -> Screen:
    """Text (or anything else) sent instead of answering the notice: a pointer to its buttons."""
    return Screen(
        _(
            "Please answer the personal-data notice above with its buttons: “✅ I agree” or "
            "“I do not agree”. Nothing about you is stored until you agree."
        )
    )


def declined(*, consented: bool) -> Screen:
    if consented:  # an old notice, after consenting: declining now would withdraw nothing
        return Screen(_("Your consent is already recorded. To withdraw it and erase your data, send /forget."))
    return Screen(
        _(
            "You have not agreed, so nothing about you has been stored. "
            "If you change your mind, open the invitation link again."
        )
    )


def already_recorded() -> str:
    return _("Already recorded.")


def consent_recorded(version: str) -> Screen:
    return Screen(_("Thank you: your consent is recorded (notice version {version}).").format(version=version))


def language_question(user: Person) -> Screen:
    return Screen(
        _("You are registered as {role}. Which language shall I use?").format(role=role_name(user.role)),
        language_rows(onboarding=True),
    )


def language_set(user: Person) -> Screen:
    return Screen(_("Language: {language}").format(language=language_name(user.locale)))


def name_question() -> Screen:
    return Screen(_("Please type your full name, for example: Nguyễn Thị Lan."))


def position_question(user: Person) -> Screen:
    return Screen(
        _("Thank you, {name}. What is your position? For example: Chuyên viên, Trưởng phòng.").format(
            name=escape(user.full_name)
        )
    )


def schedule_question(user: Person) -> Screen:
    return Screen(
        _(
            "Each week I will ask you a short check-in on the conduct criteria. "
            "When should it come? Most people keep {schedule}."
        ).format(schedule=schedule_text(user)),
        schedule_choice_rows(schedule_text(user)),
    )


def weekday_question() -> Screen:
    return Screen(_("Which day of the week?"), weekday_rows())


def hour_question() -> Screen:
    return Screen(_("At what time? Choose one, or type a time such as 16:30."), hour_rows())


def schedule_set(user: Person) -> Screen:
    return Screen(_("Check-in time: {schedule}.").format(schedule=schedule_text(user)))


def welcome_text(user: Person, campaign: Campaign) -> str:
    """The campaign's name, decision and number of groups come from its file (SPEC §1)."""
    lines = [
        _("<b>Welcome, {name}!</b>").format(name=escape(user.full_name)),
        "",
        _("This bot accompanies this campaign: {campaign}.").format(campaign=escape(campaign_reference(campaign))),
        _(
            "Every {schedule} I will send you a one-minute check-in on {groups} (§IV.1.2 of the plan): "
            "one tap per group."
        ).format(schedule=schedule_text(user), groups=individual_groups(campaign)),
    ]
    if user.role == Role.leader:
        lines.append(
            _(
                "As a unit leader you will also receive a weekly digest of your unit and reminders of "
                "the campaign's deadlines."
            )
        )
    elif user.role == Role.comms:
        lines.append(_("As communications staff you will review the good examples that people submit."))
    elif user.role == Role.admin:
        lines.append(_("As an administrator you manage units, invitations and the deadline calendar."))
    lines += ["", _("Send /help to see the commands, and /settings to change your language or schedule.")]
    return "\n".join(lines)


def welcome(user: Person, campaign: Campaign) -> Screen:
    return Screen(welcome_text(user, campaign))

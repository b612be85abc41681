"""User-facing texts shared by several routers. Every string goes through Babel.

Translate first, then .format(); user text is escaped with html.escape before it goes in.
"""

from __future__ import annotations

import hashlib
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.campaign.schema import Campaign
from bot.domain import Person, Role
from bot.i18n import N_, _, current_locale, ngettext
from bot.services.errors import (
    AccessDenied,
    AlreadyRegistered,
    DomainError,
    NotFound,
    NotRegistered,
)

if TYPE_CHECKING:
    from storage.models import Unit

# Bump when the notice's wording changes: consent records keep the version they agreed to,
# with a fingerprint of the campaign file and organisation names (notice_version()).
NOTICE_VERSION = "2026-12-v2"

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
WEEKDAYS_SHORT = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))

ROLE_NAMES = {
    Role.employee: N_("civil servant"),
    Role.leader: N_("unit leader"),
    Role.comms: N_("communications staff"),
    Role.admin: N_("administrator"),
}


def weekday_name(day: int) -> str:
    return _(WEEKDAYS[day])


def role_name(role: Role | str) -> str:
    return _(ROLE_NAMES[Role(role)])


def schedule_text(user: Person) -> str:
    return _("{weekday} at {time}").format(weekday=weekday_name(user.checkin_weekday), time=user.checkin_time)


def notice_campaign(campaign: Campaign, *, dated: bool = False) -> str:
    """The campaign as the notice names it, from the campaign file: its title and its
    decision ("… (Quyết định số 2497/QĐ-BTNMT)"), or, for a plan awaiting its decision,
    "Kế hoạch tổ chức thực hiện … (dự thảo)", never a decision number left blank."""
    locale = current_locale()
    title = campaign.title.get(locale)
    if locale == "en" and title[:1].isupper() and title[1:2].islower():
        title = title[0].lower() + title[1:]  # "the emulation movement “…”" inside a sentence
    title = escape(title)
    if campaign.is_draft:
        return _("the plan for the {title} (draft)").format(title=title)
    if dated and campaign.issued is not None:
        return _("the {title} (Decision No. {code} of {date})").format(
            title=title, code=escape(campaign.code), date=campaign.issued.strftime("%d/%m/%Y")
        )
    return _("the {title} (Decision No. {code})").format(title=title, code=escape(campaign.code))


def notice_version(campaign: Campaign, ministry: str, agency: str) -> str:
    """The version a consent record keeps: the notice's wording (NOTICE_VERSION) and a
    short fingerprint of what fills it in (the campaign file, the ministry and the standing
    agency), so a new campaign file or a renamed ministry is a new notice. At most 32
    characters (consents.notice_version)."""
    facts = "\n".join((campaign.id, campaign.version, campaign.code, campaign.status, ministry, agency))
    return f"{NOTICE_VERSION}.{hashlib.sha256(facts.encode()).hexdigest()[:6]}"


def _notice_where(ministry: str, unit: Unit | None) -> str:
    return escape(unit.name) if unit else escape(ministry)


def privacy_summary(campaign: Campaign, ministry: str, agency: str, unit: Unit | None, role: Role) -> str:
    """The notice as a person reads it on a phone: who, what, why, their rights, and that
    nothing is stored without their agreement, in a few lines; "Details" shows the full text
    (:func:`privacy_notice`), whose version the consent keeps."""
    return _(
        "<b>Personal data notice</b>\n"
        "Invited by {where}; your role: {role}.\n"
        "{ministry}, through {agency}, processes your personal data to run {campaign}.\n"
        "<b>What:</b> your name, position, unit, weekly self-assessments and the good examples you "
        "share; your answers are seen by you alone.\n"
        "<b>Your rights:</b> see and download your data (/mydata), correct it (/settings), "
        "withdraw consent and erase it (/forget), at any time. Nothing about you is stored unless "
        "you agree; the full notice: tap “Details”."
    ).format(
        ministry=escape(ministry),
        agency=escape(agency),
        campaign=notice_campaign(campaign),
        where=_notice_where(ministry, unit),
        role=role_name(role),
    )


def privacy_notice(campaign: Campaign, ministry: str, agency: str, unit: Unit | None, role: Role) -> str:
    """The full notice (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the campaign's name and
    decision from the campaign file, the ministry and its standing agency from settings."""
    return _(
        "<b>Personal data notice (full text)</b>\n"
        "{where} invites you to the campaign's bot, as {role}.\n\n"
        "<b>Who processes your data:</b> {ministry}, through {agency}, the campaign's "
        "standing agency.\n"
        "<b>What is kept:</b> your Telegram account number, full name, position, unit, "
        "language and check-in schedule; your weekly self-assessments; the good examples "
        "and photos you choose to share.\n"
        "<b>Why:</b> to run {campaign}: weekly reminders, your own history, unit figures and "
        "the annual report.\n"
        "<b>Who sees it:</b> your answers are seen by you alone. Your unit's leader sees "
        "whether you have checked in and figures for groups of at least 3 people. "
        "Communications staff see only the good examples you submit.\n"
        "<b>How long:</b> for the campaign period, or until you erase your data.\n"
        "<b>Your rights:</b> see and download your data (/mydata), correct it (/settings), "
        "withdraw consent and erase it (/forget), at any time.\n\n"
        "This notice follows the Law on Personal Data Protection (No. 91/2025/QH15) and "
        "Decree 356/2025/NĐ-CP. Nothing about you is stored unless you agree. "
        "Notice version {version}."
    ).format(
        where=_notice_where(ministry, unit),
        role=role_name(role),
        ministry=escape(ministry),
        agency=escape(agency),
        campaign=notice_campaign(campaign, dated=True),
        version=notice_version(campaign, ministry, agency),
    )


def how_to_get_invite() -> str:
    return _(
        "This bot serves civil servants taking part in their sector's emulation campaign, "
        "and it works by invitation only.\n\n"
        "To join, ask your unit's leader or emulation officer for your unit's invitation "
        "link, then open it: it looks like <code>https://t.me/…?start=…</code>.\n"
        "Nothing about you has been stored."
    )


def not_registered_text() -> str:
    return _(
        "You are not registered yet. Please open the invitation link your unit sent you. "
        "If you have none, ask your unit's leader or emulation officer for one."
    )


def finish_setup_text() -> str:
    """For someone who consented but has not finished setting up (SPEC §3.1)."""
    return _("Please finish setting up first: answer the question above, or send /start to go on.")


def access_denied_text() -> str:
    return _("Sorry, this is not available for your role. The attempt has been noted.")


INVITE_REFUSALS = {
    "invite_missing": N_("This link carries no invitation."),
    "invite_unknown": N_("This invitation link is not valid. Please check that you opened the whole link."),
    "invite_expired": N_("This invitation link has expired. Please ask your unit for a new one."),
    "invite_revoked": N_("This invitation link has been withdrawn. Please ask your unit for a new one."),
    "invite_used_up": N_(
        "This invitation link has been used as many times as allowed. Please ask your unit for a new one."
    ),
}

INVALID_INPUT = {
    "full_name": N_("Please type your full name with letters, 2 to {max} characters, for example: Nguyễn Thị Lan."),
    "position": N_("Please type your position, 2 to {max} characters, for example: Chuyên viên."),
    "time": N_("Please type a time as HH:MM, for example 15:00."),
    "date": N_("Please type a date as dd/mm/yyyy, for example 31/12/2026."),
    "pause_date": N_("The pause must end on a date after today and within {max} days."),
    "weekday": N_("Please choose a day of the week."),
    "locale": N_("Please choose Vietnamese or English."),
    "unit_code": N_("A unit code is 1 to 32 letters, digits, dots, dashes or underscores: “{value}” is not."),
    "unit_name": N_("A unit name must not be empty and is at most 255 characters."),
    "unit_kind": N_("Unknown unit kind “{value}”: use ministry_unit, province_dept or division."),
    "doc_code": N_(
        "A document code is 1 to 20 capital letters, digits, dots or dashes, for example STNMT: “{value}” is not."
    ),
    "doc_place": N_("A place name is 1 to {max} characters, for example Hà Nội."),
    "unit_exists": N_("A unit with the code “{value}” already exists."),
    "role": N_("Unknown role “{value}”: use employee, leader, comms or admin."),
    "valid_days": N_("An invitation lasts from 1 to 366 days."),
    "max_uses": N_("The use limit is a whole number from 1 to 100000."),
    "invite_needs_unit": N_("Only an administrator invitation may have no unit."),
    "invite_usage": N_("Usage: /invite UNIT_CODE [employee|leader|comms|admin] [days valid] [number of uses]"),
    "revoke_usage": N_("Usage: /revoke TOKEN (the part of the link after start=)"),
    "note": N_("A note is at most {max} characters."),
    "reflection": N_("A reflection is at most {max} characters."),
    "example_note": N_("Please describe the example in at most {max} characters."),
    "skip_reason": N_("Please choose a reason with the buttons."),
    "criterion": N_("This button is no longer active."),
    "deadline_title": N_("A deadline's title is 3 to {max} characters."),
    "deadline_past": N_("The date has already passed."),
    "deadline_not_leader": N_("Only a unit's leader marks its deadlines done."),
    "deadline_usage": N_("Usage:\n{usage}"),
    "csv_header": N_("The CSV file needs the columns: {columns}."),
    "csv_row": N_("Line {line} of the CSV file is not valid ({problem}). Nothing was imported."),
}

CHECKIN_CLOSED = {
    "checkin_closed": N_(
        "This check-in is closed: its week has ended or the step is done. Send /checkin for this week's."
    ),
    "checkin_skipped": N_("This week is recorded as skipped. Send /checkin to do the self-assessment after all."),
    "checkin_incomplete": N_("Please answer every group first."),
    "checkin_done": N_("This week's self-assessment is already finished; you can still change an answer."),
}

NOT_FOUND = {
    "unit": N_("There is no unit with the code “{value}”."),
    "invitation": N_("There is no such invitation."),
    "deadline": N_("There is no such deadline: “{value}”."),
}

# Good examples (bot/services/examples.py): input refused, or a status that does not allow it.
EXAMPLES = {
    "example_story": N_(
        "Please describe what happened in {min} to {max} characters; this text has {length}. "
        "Nothing was saved: send it again."
    ),
    "example_name": N_("Please type a name of {min} to {max} characters."),
    "example_reason": N_("Please type a reason of {min} to {max} characters."),
    "example_question": N_("Please type a question of {min} to {max} characters."),
    "example_answer": N_("Please type an answer of {min} to {max} characters."),
    "example_url": N_(
        "Please send the full link of the article, starting with https:// or http://, "
        "for example https://monre.gov.vn/tin-tuc/bai-viet."
    ),
    "example_tag": N_("This button is no longer active."),
    "example_step": N_("This button is no longer active."),
    "photo_unreadable": N_("This file could not be read as a picture. Please send a photo (JPEG or PNG)."),
    "photo_too_big": N_("This file is too large: at most {max} MB per picture."),
    "photo_not_image": N_("Only pictures can be added (photos, or image files such as JPEG and PNG)."),
    "date_range": N_("Please type the period as dd/mm/yyyy–dd/mm/yyyy, for example 01/11/2026–30/11/2026."),
    "date_range_order": N_("The period must start before it ends and last at most {max} days."),
    "example_gone": N_("This draft has already been sent or discarded. Send /share to start a new one."),
    "example_not_yours": N_(
        "This good example is someone else's: you may not change it or act on it. The attempt has been noted."
    ),
    "example_not_pending": N_(
        "This example has already been dealt with, perhaps by a colleague. Send /review for the next one."
    ),
    "example_not_approved": N_("Only an approved example can be marked as published."),
    "example_no_question": N_("There is no open question about this example any more."),
    "example_incomplete": N_("Some steps are not done yet. Send /share to go on with the draft."),
}


# Leader and admin tools: unit figures, nominations (§IV.2), reports, announcements, roles.
LEADER_ADMIN = {
    "round_closed": N_(
        "This nomination round is closed: nothing can be nominated, withdrawn or replaced in it any more."
    ),
    "quota_full": N_(
        "Your unit has already nominated {quota} in this round, the most the plan allows (§IV.2). "
        "Withdraw or replace one first."
    ),
    "not_eligible": N_(
        "{nominee} cannot be nominated: the standing agency has marked them as not eligible for commendation "
        "({reason}; Decree 98/2023/NĐ-CP, Art. 4). Nothing was saved; you may nominate someone else."
    ),
    "dossier_withdrawn": N_(
        "This nomination was withdrawn on {date}: it has no dossier. Send /nominate to see the current ones."
    ),
    "eligibility_reason": N_(
        "Please give the reason in {min} to {max} characters, for example: under discipline until 31/12/2026."
    ),
    "eligibility_usage": N_(
        "Usage:\n/eligibility — who is not eligible now\n/eligibility person PERSON_NO REASON\n"
        "/eligibility unit UNIT_CODE REASON\n/eligibility lift ID"
    ),
    "nomination_gone": N_(
        "This nomination has already been withdrawn or replaced, perhaps by a colleague. "
        "Send /nominate to see the current ones."
    ),
    "nominee": N_("Please type a name of {min} to {max} characters."),
    "achievement": N_(
        "Please describe the achievements in {min} to {max} characters; this text has {length}. "
        "Nothing was saved: send it again."
    ),
    "round_title": N_("A round's title is {min} to {max} characters."),
    "round_year": N_("The round's year must be from {first} to {last}."),
    "round_usage": N_("Usage:\n/nominations add dd/mm/yyyy [YEAR] TITLE\n/nominations close ID"),
    "unit_needed": N_("Please name the unit: /unit UNIT_CODE."),
    "report_year": N_("Please give a year from {first} to {last}, for example /report {last}."),
    "dashboard_usage": N_("Usage: /dashboard for this week, or /dashboard YEAR, for example /dashboard 2026."),
    "announce_text": N_("An announcement is 1 to {max} characters; this one has {length}."),
    "announce_nobody": N_("Nobody registered matches this audience: nothing was sent."),
    "announce_usage": N_(
        "Usage: /announce [all|employee|leader|comms] [UNIT_CODE], or /announce alone to choose with buttons."
    ),
    "units_usage": N_("Usage:\n{usage}"),
    "role_usage": N_("Usage: /role PERSON_NO employee|leader|comms (the numbers are in /units show UNIT_CODE)."),
    "role_admin": N_(
        "Administrators are set in the configuration (ADMIN_IDS), not here. Choose employee, leader or comms."
    ),
    "role_of_admin": N_(
        "This person is an administrator from the configuration (ADMIN_IDS); their role is not changed here."
    ),
    "role_needs_unit": N_("This person has no unit, so they cannot lead one."),
    "csv_file": N_("Please send a CSV file (UTF-8) of at most {max} KB."),
}
NOT_FOUND_LEADER_ADMIN = {
    "round": N_("There is no such nomination round."),
    "person": N_("There is no registered person no. {value}."),
    "eligibility": N_("There is no flag no. {value} in force."),
    "nomination": N_("There is no nomination no. {value}."),
}


def error_text(exc: DomainError) -> str:
    """The user's-language message for a domain error; parameters are escaped."""
    params = {k: escape(str(v)) for k, v in exc.params.items()}
    if exc.code == "invite_throttled":
        minutes = int(exc.params.get("minutes", 15))
        return ngettext(
            "Too many invitation links that are not valid were opened from this account. "
            "Please wait {n} minute, then open the link your unit sent you, the whole of it.",
            "Too many invitation links that are not valid were opened from this account. "
            "Please wait {n} minutes, then open the link your unit sent you, the whole of it.",
            minutes,
        ).format(n=minutes)
    if exc.code in INVITE_REFUSALS:
        return _(INVITE_REFUSALS[exc.code])
    if exc.code in CHECKIN_CLOSED:
        return _(CHECKIN_CLOSED[exc.code])
    if exc.code in EXAMPLES:
        try:
            return _(EXAMPLES[exc.code]).format(**params)
        except (KeyError, IndexError):
            return _(EXAMPLES[exc.code])
    if isinstance(exc, AccessDenied):
        return access_denied_text()
    if isinstance(exc, NotRegistered):
        return not_registered_text()
    if isinstance(exc, AlreadyRegistered):
        return _("You are already registered. Send /help to see what you can do.")
    extra = NOT_FOUND_LEADER_ADMIN if isinstance(exc, NotFound) else LEADER_ADMIN
    if exc.code in extra:
        try:
            return _(extra[exc.code]).format(**params)
        except (KeyError, IndexError):
            return _(extra[exc.code])
    messages = NOT_FOUND if isinstance(exc, NotFound) else INVALID_INPUT
    if exc.code in messages:
        try:
            return _(messages[exc.code]).format(**params)
        except (KeyError, IndexError):
            return _(messages[exc.code])
    return _("That could not be done. Please check and try again.")


def date_text(d: date) -> str:
    """A date as the documents write it: dd/mm/yyyy."""
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


TEXT_BUDGET = 3900  # characters of a card, below Telegram's 4096


def fit(lines: list[str], more: list[str], limit: int = TEXT_BUDGET) -> list[str]:
    """``lines`` and as many of ``more`` as fit in one message (4096 characters, with room
    for the closing line); the rest is counted."""
    size = sum(len(line) + 1 for line in lines)
    for i, line in enumerate(more):
        if size + len(line) + 1 > limit:
            return lines + more[:i] + [_("… and {n} more.").format(n=len(more) - i)]
        size += len(line) + 1
    return lines + more

"""Deadlines (SPEC §3.7): reminders with a "done" button for leaders, and /deadlines for
admins (list with units done and pending, add, edit, remove)."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.in_force import NEXT_PHASE_FILE, campaign_file, shown_path
from bot.campaign.schema import Campaign
from bot.campaign.wording import annual_report_due
from bot.channels.telegram.callbacks import DeadlineDoneCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, current_locale, ngettext
from bot.services.checkin import local_now
from bot.services.deadlines import DeadlineService, Occurrence
from bot.services.errors import InvalidInput
from bot.services.profile import parse_date
from bot.services.submissions import ANNUAL_REPORT
from storage.models import User

MAX_UNITS_LISTED = 40


def fmt(d) -> str:  # noqa: ANN001
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
                    "The campaign file in force, {code} ({title}), ran until {date}. No file for the next phase is loaded."
                ).format(code=escape(occ.ref), title=escape(occ.title(current_locale())), date=fmt(occ.last_day))
                if occ.ref
                else _(
                    "The campaign file in force, {title} (a draft), ran until {date}. No file for the next phase is loaded."
                ).format(title=escape(occ.title(current_locale())), date=fmt(occ.last_day))
            ),
            _(
                "The yearly duties go on as before, year by year: leaders are still reminded of the annual report (§VI.1), and the annual nomination round (§IV.2.1) stays open."
            ),
            _(
                "To load the next phase: set CAMPAIGN_FILE to its file (the bot ships a draft of the next phase: {file}), check it with <code>python -m bot campaign check FILE</code>, and restart the bot. /campaign shows the campaign in force."
            ).format(file=f"<code>{escape(shown_path(NEXT_PHASE_FILE))}</code>"),
        ]
    )


def reminder_card(occ: Occurrence, days: int) -> tuple[str, InlineKeyboardMarkup | None]:
    if occ.notice:
        return campaign_ended_text(occ), None
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
                "Your unit's self-assessment on the collective criteria: /selfassess. Send the signed report (PDF or DOCX) with /submit: reminders then stop for the unit."
            )
        )
    lines.append(_("When your unit has done it, tap the button: reminders stop for the unit."))
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Done for our unit"), callback_data=DeadlineDoneCB(k=occ.key))
    return "\n".join(lines), kb.as_markup()


async def mark_done(
    query: CallbackQuery,
    callback_data: DeadlineDoneCB,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = DeadlineService(session, clock, campaign)
    new = await svc.mark_done(callback_data.k, user)
    occ = await svc.find(callback_data.k)
    callback_answer.text = (
        _("Noted: done for your unit. No more reminders for it.") if new else _("Already marked done for your unit.")
    )
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _("✅ {title}: done for your unit ({date}).").format(
                title=escape(occ.title(current_locale())), date=fmt(local_now(user, clock).date())
            ),
            reply_markup=None,
        )


USAGE = (
    "/deadlines — list\n"
    "/deadlines add dd/mm/yyyy TITLE\n"
    "/deadlines edit ID dd/mm/yyyy [TITLE]\n"
    "/deadlines remove ID\n"
    "/deadlines status KEY"
)


async def deadlines(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    svc = DeadlineService(session, clock, campaign)
    today = local_now(user, clock).date()
    args = (command.args or "").split(maxsplit=2)
    action = args[0].lower() if args else "list"
    if action == "add":
        if len(args) < 3:
            raise InvalidInput("deadline_usage", usage=USAGE)
        row = await svc.add(parse_date(args[1], today), args[2], None, user.telegram_id, today)
        await message.answer(
            _("Deadline added (no. {id}): {date}, {title}.").format(
                id=row.id, date=fmt(row.due), title=escape(row.title_vi)
            )
        )
    elif action == "edit":
        parts = (command.args or "").split(maxsplit=3)
        if len(parts) < 3 or not parts[1].isdigit():
            raise InvalidInput("deadline_usage", usage=USAGE)
        row = await svc.edit(
            int(parts[1]),
            due=parse_date(parts[2], today),
            title=parts[3] if len(parts) > 3 else None,
            by=user.telegram_id,
            today=today,
        )
        await message.answer(
            _("Deadline no. {id} changed: {date}, {title}.").format(
                id=row.id, date=fmt(row.due), title=escape(row.title_vi)
            )
        )
    elif action == "remove":
        if len(args) < 2 or not args[1].isdigit():
            raise InvalidInput("deadline_usage", usage=USAGE)
        row = await svc.remove(int(args[1]), user.telegram_id)
        await message.answer(_("Deadline no. {id} removed.").format(id=row.id))
    elif action == "status":
        if len(args) < 2:
            raise InvalidInput("deadline_usage", usage=USAGE)
        st = await svc.status(args[1])
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
        await message.answer("\n".join(lines))
    elif action == "list":
        await message.answer(await deadline_list(svc, today))
    else:
        raise InvalidInput("deadline_usage", usage=USAGE)


async def deadline_list(svc: DeadlineService, today) -> str:  # noqa: ANN001
    locale = current_locale()
    lines = [_("<b>Deadlines, next 12 months</b>")]
    occurrences = await svc.upcoming(today, days=366)
    units = await svc.reporting_units()
    for occ in occurrences:
        done = len(await svc.done_units(occ.key))
        number = _(" (no. {id})").format(id=occ.custom_id) if occ.custom_id else ""
        lines.append(
            _("• {date}{number}: {title} — done {done}/{total}\n  <code>{key}</code>").format(
                date=fmt(occ.last_day),
                number=number,
                title=escape(occ.title(locale)),
                done=done,
                total=len(units),
                key=occ.key,
            )
        )
    if not occurrences:
        lines.append(_("No deadlines ahead."))
    if svc.campaign.has_ended(today):
        lines.append(
            _(
                "The campaign file's period ended on {date}: its yearly duties (the annual report) go on year by year until the next phase's file is loaded with CAMPAIGN_FILE (see /campaign)."
            ).format(date=fmt(svc.campaign.end))
        )
    lines += ["", escape(USAGE)]
    return "\n".join(lines)


def campaign_card(campaign: Campaign, settings: Settings, today) -> str:  # noqa: ANN001
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
        _("File: {file}").format(file=f"<code>{escape(shown_path(campaign_file(settings.campaign_file)))}</code>"),
    ]
    if campaign.is_draft:
        lines.append(
            _(
                "⚠️ This is a draft, to be confirmed by the ministry's decision. Once it is issued, put its number and date in the file (status: issued)."
            )
        )
    if campaign.has_ended(today):
        due = annual_report_due(campaign)
        lines += [
            "",
            (
                _(
                    "The period ended on {date} and no next phase is loaded. The yearly duties go on year by year: the annual report due before {day} (§VI.1) and the annual nomination round (§IV.2.1)."
                ).format(date=fmt(campaign.end), day=due)
                if due
                else _(
                    "The period ended on {date} and no next phase is loaded. The yearly duties go on year by year: the annual report (§VI.1) and the annual nomination round (§IV.2.1)."
                ).format(date=fmt(campaign.end))
            ),
            _(
                "To load the next phase: set CAMPAIGN_FILE to its file (the bot ships a draft of the next phase: {file}), check it with <code>python -m bot campaign check FILE</code>, and restart the bot."
            ).format(file=f"<code>{escape(shown_path(NEXT_PHASE_FILE))}</code>"),
        ]
    elif campaign.is_active(today):
        lines.append(_("In force today."))
    else:
        lines.append(_("Its period has not begun yet."))
    return "\n".join(lines)


async def show_campaign(message: Message, campaign: Campaign, settings: Settings, clock: Clock, user: User) -> None:
    await message.answer(campaign_card(campaign, settings, local_now(user, clock).date()))


def make_leader_router() -> Router:
    """Leaders mark a deadline done for their unit."""
    router = Router(name="deadline-done")
    router.callback_query.register(mark_done, DeadlineDoneCB.filter())
    return router


def make_admin_router() -> Router:
    router = Router(name="deadlines-admin")
    router.message.register(deadlines, Command("deadlines"))
    router.message.register(show_campaign, Command("campaign"))
    return router

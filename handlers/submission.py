"""/submit: a unit's leader (or emulation officer) sends the signed annual report (§VI.1);
/submissions: the standing agency's board (§VI.2) of who has submitted, with the files and
a one-tap reminder to the rest (through the outbox)."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date, format_datetime
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import SubmissionAct, SubmissionCB
from bot.channels.telegram.render import payload
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, current_locale, ngettext
from bot.services.checkin import local_now
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import InvalidInput
from bot.services.submissions import AlreadySubmitted, ReportSubmissionService, UnitSubmission
from bot.views.deadlines import reminder_screen
from handlers.edit import edit_in_place
from handlers.self_assessment import download, error_text
from storage.models import Unit, User
from storage.yearly import FILE_MAX_BYTES

TEXT_BUDGET = 3900  # characters of a card, below Telegram's 4096
FILE_BUTTONS = 30


class SubmitStates(StatesGroup):
    file = State()  # waiting for the signed file
    confirm = State()  # data: file_id, unique, name — a second file, waiting for "replace"


def fmt(d) -> str:  # noqa: ANN001
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def fmt_time(d, user: User) -> str:  # noqa: ANN001
    return format_datetime(
        d, format="HH:mm dd/MM/yyyy", tzinfo=user.timezone, locale="vi_VN" if current_locale() == "vi" else "en_GB"
    )


def service(session: AsyncSession, clock: Clock, campaign: Campaign) -> ReportSubmissionService:
    return ReportSubmissionService(session, clock, campaign)


def year_of(user: User, clock: Clock) -> int:
    return local_now(user, clock).year


# -- leaders --------------------------------------------------------------------------------


async def submit_command(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    svc = service(session, clock, campaign)
    await svc._may_submit(user)  # refused (and audited) for everyone but the unit's leader or officer
    year = year_of(user, clock)
    current = await svc.current(user.unit_id or 0, year)
    lines = [
        _("<b>Annual report {year} (§VI.1)</b>").format(year=year),
        _(
            "Send the report signed by the head of the unit as a PDF or Word (DOCX) file, at most {mb} MB. Reminders for this deadline then stop for your unit."
        ).format(mb=FILE_MAX_BYTES // (1024 * 1024)),
    ]
    if current is not None:
        lines.append(
            _(
                "Already submitted: “{name}” on {date}. A new file replaces it after you confirm; the earlier one is kept on record."
            ).format(name=escape(current.file_name), date=fmt_time(current.submitted_at, user))
        )
    lines.append(_("The draft to sign: /report. The self-assessment: /selfassess."))
    await state.set_state(SubmitStates.file)
    await message.answer("\n".join(lines))


async def _file_of(message: Message) -> tuple[str, str, str, int | None]:
    doc = message.document
    if doc is None:
        raise InvalidInput("report_file_type", name=_("a photo") if message.photo else "")
    return doc.file_id, doc.file_unique_id, doc.file_name or "", doc.file_size


async def signed_file(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    """The signed report. Checked before anything is kept: its size (from Telegram, before
    the download) and its content (a PDF or a Word document, whatever its name)."""
    svc = service(session, clock, campaign)
    size: int | None = None
    try:
        file_id, unique_id, name, size = await _file_of(message)
        if size is not None and size > FILE_MAX_BYTES:
            raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024))
        data = await download(bot, file_id)
        row = await svc.submit(user, year_of(user, clock), file_name=name, data=data, source_id=unique_id)
    except AlreadySubmitted as exc:
        await state.set_state(SubmitStates.confirm)
        await state.update_data(file_id=file_id, unique=unique_id, name=name)
        kb = InlineKeyboardBuilder()
        kb.button(
            text=_("🔁 Replace it with “{name}”").format(name=name[:40]),
            callback_data=SubmissionCB(a=SubmissionAct.replace_yes),
        )
        kb.button(text=_("✖ Keep the earlier file"), callback_data=SubmissionCB(a=SubmissionAct.replace_no))
        kb.adjust(1)
        await message.answer(
            error_text(exc)
            + "\n"
            + _("Replace it with the file you have just sent? The earlier file stays on record."),
            reply_markup=kb.as_markup(),
        )
        return
    except InvalidInput as exc:
        if exc.code not in ("report_file_type", "file_too_big"):
            raise
        # Audited by the service when it saw the bytes; a size refused before the download here.
        if exc.code == "file_too_big" and size is not None and size > FILE_MAX_BYTES:
            svc.audit.note(user.telegram_id, "report.submit", "refused", detail=f"file_too_big size={size}")
            await session.commit()
        await message.answer(error_text(exc))  # the step waits for a good file
        return
    await state.clear()
    await message.answer(
        _(
            "✅ Received: “{name}” ({kb} KB), the unit's signed report for {year}. Reminders for this deadline have stopped for your unit."
        ).format(name=escape(row.file_name), kb=max(1, row.size // 1024), year=row.year)
    )


async def not_a_file(message: Message) -> None:
    await message.answer(
        error_text(InvalidInput("report_file_type", name=_("a photo") if message.photo else (message.text or "")[:40]))
    )


async def replace_yes(
    query: CallbackQuery,
    bot: Bot,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    data = await state.get_data()
    if await state.get_state() != SubmitStates.confirm.state or not data.get("file_id"):
        callback_answer.text, callback_answer.show_alert = _("That button is out of date. Send /submit again."), True
        return
    svc = service(session, clock, campaign)
    try:
        row = await svc.replace(
            user,
            year_of(user, clock),
            file_name=data.get("name", ""),
            data=await download(bot, data["file_id"]),
            source_id=data.get("unique", ""),
        )
    except InvalidInput as exc:
        callback_answer.text, callback_answer.show_alert = error_text(exc)[:200], True
        return
    await state.clear()
    callback_answer.text = _("Replaced.")
    await edit_in_place(
        query,
        _(
            "🔁 Replaced: the unit's signed report for {year} is now “{name}”. The earlier file is kept on record."
        ).format(year=row.year, name=escape(row.file_name)),
    )


async def replace_no(query: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext) -> None:
    await state.clear()
    callback_answer.text = _("Kept the earlier file.")
    await edit_in_place(query, _("The earlier file stays as the unit's submission. Nothing was changed."))


# -- admins ---------------------------------------------------------------------------------


def fit(lines: list[str], more: list[str], limit: int = TEXT_BUDGET) -> list[str]:
    """``lines`` and as many of ``more`` as fit in one message (4096 characters, with room
    for the closing line); the rest is counted."""
    size = sum(len(line) + 1 for line in lines)
    for i, line in enumerate(more):
        if size + len(line) + 1 > limit:
            return lines + more[:i] + [_("… and {n} more.").format(n=len(more) - i)]
        size += len(line) + 1
    return lines + more


def board_card(year: int, entries: list[UnitSubmission], user: User) -> tuple[str, InlineKeyboardMarkup]:
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
                    when=fmt_time(e.submitted_at, user),
                    by=_(", by {name}").format(name=escape(e.submitted_by)) if e.submitted_by else "",
                )
                for e in done
            ],
        )
    if not entries:
        lines.append(_("No unit has a registered leader yet."))
    kb = InlineKeyboardBuilder()
    for e in done[:FILE_BUTTONS]:
        kb.button(
            text="📥 " + e.unit_code[:30], callback_data=SubmissionCB(a=SubmissionAct.file, id=e.submission_id or 0)
        )
    if pending:
        kb.button(
            text=_("🔔 Remind the {n} units not yet submitted").format(n=len(pending)),
            callback_data=SubmissionCB(a=SubmissionAct.remind, y=year),
        )
    kb.adjust(*([3] * ((min(len(done), FILE_BUTTONS) + 2) // 3)), 1)
    return "\n".join(lines), kb.as_markup()


async def submissions(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    arg = (command.args or "").strip()
    year = int(arg) if arg.isdigit() and len(arg) == 4 else year_of(user, clock)
    text, kb = board_card(year, await service(session, clock, campaign).board(year), user)
    await message.answer(text, reply_markup=kb)


async def send_file(
    query: CallbackQuery,
    callback_data: SubmissionCB,
    bot: Bot,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    svc = service(session, clock, campaign)
    row = await svc.file(user, callback_data.id)
    unit = await session.get(Unit, row.unit_id)
    caption = _("Signed annual report {year} of {unit}, received {when}.").format(
        year=row.year, unit=escape(unit.name if unit else str(row.unit_id)), when=fmt_time(row.submitted_at, user)
    )
    document = row.sent_file_id or BufferedInputFile(row.data, filename=row.file_name)
    sent = await bot.send_document(user.telegram_id or query.from_user.id, document, caption=caption)
    if sent.document is not None and not row.sent_file_id:
        await svc.remember_upload(row.id or 0, sent.document.file_id)
    callback_answer.text = _("Sent.")


async def remind(
    query: CallbackQuery,
    callback_data: SubmissionCB,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    """One tap: the deadline's reminder card to every leader of a unit that has not
    submitted, through the outbox (rate limits, retries); at most once a day per leader."""
    svc = service(session, clock, campaign)
    year = callback_data.y
    occ = await DeadlineService(session, clock, campaign).find(svc.deadline_key(year))
    today = clock.now().astimezone(settings.zone).date()
    leaders = await svc.pending_leaders(year)
    out: list[Outgoing] = []
    for leader in leaders:
        with i18n.use_locale(leader.locale):
            body = payload(reminder_screen(occ, max(0, occ.days_left(today))))
        out.append(
            Outgoing(
                f"remind-now:{occ.key}:{leader.id}:{today.isoformat()}",
                "reminder",
                leader.telegram_id,  # type: ignore[arg-type]
                body,
                leader.id,
            )
        )
    queued = await DeliveryService(session, clock).enqueue(out)
    svc.audit.note(user.telegram_id, "report.remind", detail=f"year={year} leaders={len(leaders)} queued={queued}")
    await session.commit()
    if queued:
        callback_answer.text = ngettext(
            "Reminder queued for {n} leader.", "Reminder queued for {n} leaders.", queued
        ).format(n=queued)
    elif leaders:
        callback_answer.text = _("They have already been reminded today.")
    else:
        callback_answer.text = _("Every unit has submitted.")
    callback_answer.show_alert = True


def make_router() -> Router:
    """Leaders and unit emulation officers: the service checks who may submit (refusals audited)."""
    router = Router(name="report-submission")
    router.message.register(submit_command, Command("submit"))
    router.message.register(signed_file, StateFilter(SubmitStates.file, SubmitStates.confirm), F.document)
    router.message.register(not_a_file, StateFilter(SubmitStates.file), F.photo | (F.text & ~F.text.startswith("/")))
    router.callback_query.register(replace_yes, SubmissionCB.filter(F.a == SubmissionAct.replace_yes))
    router.callback_query.register(replace_no, SubmissionCB.filter(F.a == SubmissionAct.replace_no))
    router.callback_query.register(send_file, SubmissionCB.filter(F.a == SubmissionAct.file))
    return router


def make_admin_router() -> Router:
    router = Router(name="report-submissions-admin")
    router.message.register(submissions, Command("submissions"))
    router.callback_query.register(remind, SubmissionCB.filter(F.a == SubmissionAct.remind))
    return router

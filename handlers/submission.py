"""/submit: a unit's leader (or emulation officer) sends the signed annual report (§VI.1);
/submissions: the standing agency's board (§VI.2) of who has submitted, with the files and
a one-tap reminder to the rest (through the outbox). Routing only: bot.services.submissions
decides, bot.views.submission draws."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import i18n
from bot.channels.telegram.callbacks import SubmissionAct, SubmissionCB
from bot.channels.telegram.render import input_file, payload, reply, show
from bot.domain import Person
from bot.i18n import _
from bot.services.deadlines import Occurrence
from bot.services.errors import InvalidInput
from bot.services.submissions import FILE_MAX_BYTES, AlreadySubmitted, ReportSubmissionService
from bot.views import submission as views
from bot.views.deadlines import reminder_screen
from handlers.self_assessment import download

MAX_MB = FILE_MAX_BYTES // (1024 * 1024)


class SubmitStates(StatesGroup):
    file = State()  # waiting for the signed file
    confirm = State()  # data: file_id, unique, name — a second file, waiting for "replace"


# -- leaders --------------------------------------------------------------------------------


async def submit_command(
    message: Message, state: FSMContext, submissions: ReportSubmissionService, user: Person
) -> None:
    opening = await submissions.opening(user)  # refused (and audited) for all but the leader or officer
    await state.set_state(SubmitStates.file)
    await reply(message, views.submit_screen(opening, MAX_MB, user.timezone))


async def signed_file(
    message: Message, bot: Bot, state: FSMContext, submissions: ReportSubmissionService, user: Person
) -> None:
    """The signed report. Checked before anything is kept: its size (from Telegram, before
    the download) and its content (a PDF or a Word document, whatever its name)."""
    doc = message.document
    if doc is None:  # the filter lets documents only; kept for the type checker
        return
    name = doc.file_name or ""
    try:
        await submissions.check_size(user, doc.file_size)
        data = await download(bot, doc.file_id)
        row = await submissions.submit(
            user, submissions.year_of(user), file_name=name, data=data, source_id=doc.file_unique_id
        )
    except AlreadySubmitted as exc:
        await state.set_state(SubmitStates.confirm)
        await state.update_data(file_id=doc.file_id, unique=doc.file_unique_id, name=name)
        await reply(message, views.replace_screen(exc, name))
        return
    except InvalidInput as exc:
        if exc.code not in ("report_file_type", "file_too_big"):
            raise
        await reply(message, views.refused_screen(exc))  # the step waits for a good file
        return
    await state.clear()
    await reply(message, views.received_screen(row))


async def not_a_file(message: Message) -> None:
    await reply(message, views.not_a_file_screen(_("a photo") if message.photo else (message.text or "")[:40]))


async def replace_yes(
    query: CallbackQuery,
    bot: Bot,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    submissions: ReportSubmissionService,
    user: Person,
) -> None:
    data = await state.get_data()
    if await state.get_state() != SubmitStates.confirm.state or not data.get("file_id"):
        callback_answer.text, callback_answer.show_alert = views.out_of_date_notice(), True
        return
    try:
        row = await submissions.replace(
            user,
            submissions.year_of(user),
            file_name=data.get("name", ""),
            data=await download(bot, data["file_id"]),
            source_id=data.get("unique", ""),
        )
    except InvalidInput as exc:
        callback_answer.text, callback_answer.show_alert = views.refused_screen(exc).text[:200], True
        return
    await state.clear()
    await show(query, views.replaced_screen(row), callback_answer)


async def replace_no(query: CallbackQuery, callback_answer: CallbackAnswer, state: FSMContext) -> None:
    await state.clear()
    await show(query, views.kept_screen(), callback_answer)


# -- admins ---------------------------------------------------------------------------------


async def submissions_command(
    message: Message, command: CommandObject, submissions: ReportSubmissionService, user: Person
) -> None:
    arg = (command.args or "").strip()
    year = int(arg) if arg.isdigit() and len(arg) == 4 else submissions.year_of(user)
    await reply(message, views.board_screen(year, await submissions.board(year), user.timezone))


async def send_file(
    query: CallbackQuery,
    callback_data: SubmissionCB,
    bot: Bot,
    callback_answer: CallbackAnswer,
    submissions: ReportSubmissionService,
    user: Person,
) -> None:
    """The file to the person who tapped, in their private chat; Telegram's file_id is kept
    the first time, so the bytes are uploaded once."""
    shown = await submissions.file_shown(user, callback_data.id)
    screen = views.file_screen(shown, user.timezone)
    document = screen.attachments[0]
    sent = await bot.send_document(
        user.telegram_id or query.from_user.id, input_file(document), caption=document.caption
    )
    if sent.document is not None and not shown.row.sent_file_id:
        await submissions.remember_upload(shown.row.id or 0, sent.document.file_id)
    callback_answer.text = screen.notice


def _reminder(leader: Any, occ: Occurrence, days: int) -> dict[str, Any]:
    """The deadline's reminder card in the leader's language, as an outbox body."""
    with i18n.use_locale(leader.locale):
        return payload(reminder_screen(occ, days))


async def remind(
    query: CallbackQuery,
    callback_data: SubmissionCB,
    callback_answer: CallbackAnswer,
    submissions: ReportSubmissionService,
    user: Person,
) -> None:
    """One tap: the deadline's reminder card to every leader of a unit that has not
    submitted, through the outbox (rate limits, retries); at most once a day per leader."""
    done = await submissions.remind(user, callback_data.y, _reminder)
    callback_answer.text, callback_answer.show_alert = views.reminded_notice(done), True


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
    router.message.register(submissions_command, Command("submissions"))
    router.callback_query.register(remind, SubmissionCB.filter(F.a == SubmissionAct.remind))
    return router

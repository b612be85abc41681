"""/selfassess (plan §IV.1.1): the unit's self-assessment on the collective criteria, with
its account, figures and evidence; the sub-units' roll-up; the unit emulation officer.
Routing only, one handler per button: bot.services.self_assessment decides,
bot.views.self_assessment draws. A refusal of a tap (a stale button, a submitted
assessment) becomes the tap's alert in the person's language; what was stored stays."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import SelfAssessAct, SelfAssessCB
from bot.channels.telegram.render import reply, show
from bot.domain import Person, Role
from bot.i18n import _
from bot.services.errors import InvalidInput
from bot.services.self_assessment import ACCOUNT_MAX, FILE_MAX_BYTES, MAX_EVIDENCE, SelfAssessmentService
from bot.views import self_assessment as views
from bot.views.self_assessment import error_text
from handlers.filters import TYPED

MAX_MB = FILE_MAX_BYTES // (1024 * 1024)


class SelfAssessStates(StatesGroup):
    account = State()  # data: aid, c (criterion index)
    figure = State()  # data: aid, c, i (figure index)
    evidence = State()  # data: aid, c


@asynccontextmanager
async def alert_on_refusal(answer: CallbackAnswer) -> AsyncIterator[None]:
    """A tap refused (InvalidInput): its alert, in the person's language; the card stays."""
    try:
        yield
    except InvalidInput as exc:
        answer.text, answer.show_alert = error_text(exc)[:200], True


async def selfassess(
    message: Message, command: CommandObject, state: FSMContext, self_assessment: SelfAssessmentService, user: Person
) -> None:
    """/selfassess: one's own unit's; /selfassess CODE: a unit's, read only (admins: any
    unit; a leader: a sub-unit)."""
    svc, campaign = self_assessment, self_assessment.campaign
    code = (command.args or "").strip()
    if code:
        await reply(message, views.overview_screen(campaign, await svc.overview_by_code(user, code)))
        return
    if user.role == Role.admin and user.unit_id is None:
        await reply(message, views.admin_hint_screen())
        return
    await state.set_state(None)
    await reply(message, views.overview_screen(campaign, await svc.overview(user)))


# -- the buttons, one handler each ----------------------------------------------------------


async def overview(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    """The card: one's own, or a sub-unit's read only (the parent unit's leader, admins)."""
    async with alert_on_refusal(callback_answer):
        if callback_data.u:
            ov = await self_assessment.unit_overview(user, callback_data.u)
        else:
            await state.set_state(None)
            ov = await self_assessment.overview(user)
        await show(query, views.overview_screen(self_assessment.campaign, ov), callback_answer)


async def criterion(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        if not cb.u:
            await state.set_state(None)
        ov = await self_assessment.criterion_shown(user, cb.c, cb.u)
        screen = views.criterion_screen(self_assessment.campaign, ov.sa, cb.c, editable=ov.editable)
        await show(query, screen, callback_answer)


async def level(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        sa = await self_assessment.level_at(user, cb.c, None, cb.v)
        screen = views.criterion_screen(self_assessment.campaign, sa, cb.c, editable=True)
        await show(query, screen.with_notice(_("Saved.")), callback_answer)


async def sub_items(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    async with alert_on_refusal(callback_answer):
        self_assessment.group_at(callback_data.c)
        sa = await self_assessment.own(user)
        await show(query, views.sub_items_screen(self_assessment.campaign, sa, callback_data.c), callback_answer)


async def sub_level(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        sa = await self_assessment.level_at(user, cb.c, cb.i, cb.v)
        screen = views.sub_items_screen(self_assessment.campaign, sa, cb.c)
        await show(query, screen.with_notice(_("Saved.")), callback_answer)


async def account(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        group = self_assessment.group_at(cb.c)
        sa = await self_assessment.draft_of(user)
        await state.set_state(SelfAssessStates.account)
        await state.update_data(aid=sa.assessment_id, c=cb.c)
        await show(query, views.account_prompt(group, cb.c, sa, ACCOUNT_MAX), callback_answer)


async def figure(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        self_assessment.figure_at(cb.c, cb.i)
        sa = await self_assessment.draft_of(user)
        await state.set_state(SelfAssessStates.figure)
        await state.update_data(aid=sa.assessment_id, c=cb.c, i=cb.i)
        await show(query, views.figure_prompt(self_assessment.campaign, cb.c, cb.i), callback_answer)


async def figure_yes_no(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        sa = await self_assessment.yes_no_at(user, cb.c, cb.i, cb.v == 1)
        screen = views.criterion_screen(self_assessment.campaign, sa, cb.c, editable=True)
        await show(query, screen.with_notice(_("Saved.")), callback_answer)


async def evidence_ask(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        group = self_assessment.group_at(cb.c)
        sa = await self_assessment.draft_of(user)
        await state.set_state(SelfAssessStates.evidence)
        await state.update_data(aid=sa.assessment_id, c=cb.c)
        await show(query, views.evidence_prompt(group, cb.c, MAX_EVIDENCE, MAX_MB), callback_answer)


async def evidence_clear(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    cb = callback_data
    async with alert_on_refusal(callback_answer):
        sa = await self_assessment.clear_evidence_at(user, cb.c)
        screen = views.criterion_screen(self_assessment.campaign, sa, cb.c, editable=True)
        await show(query, screen.with_notice(_("Evidence removed.")), callback_answer)


async def submit(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    """Asks first: every criterion must be assessed."""
    async with alert_on_refusal(callback_answer):
        await show(query, views.submit_confirm_screen(await self_assessment.ready_to_submit(user)), callback_answer)


async def submit_yes(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    async with alert_on_refusal(callback_answer):
        ov = await self_assessment.submit_own(user)
        screen = views.overview_screen(self_assessment.campaign, ov)
        await show(query, screen.with_notice(_("Self-assessment submitted.")), callback_answer)


async def sub_units(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    async with alert_on_refusal(callback_answer):
        year, rollup = await self_assessment.sub_units(user)
        await show(query, views.sub_units_screen(self_assessment.campaign, year, rollup), callback_answer)


async def officer(
    query: CallbackQuery, callback_answer: CallbackAnswer, self_assessment: SelfAssessmentService, user: Person
) -> None:
    async with alert_on_refusal(callback_answer):
        await show(query, views.officer_screen(await self_assessment.officer_card(user)), callback_answer)


async def appoint(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    async with alert_on_refusal(callback_answer):
        card = await self_assessment.appoint_shown(user, callback_data.i)
        await show(query, views.officer_screen(card).with_notice(_("Appointed.")), callback_answer)


async def revoke(
    query: CallbackQuery, callback_answer: CallbackAnswer, self_assessment: SelfAssessmentService, user: Person
) -> None:
    async with alert_on_refusal(callback_answer):
        card = await self_assessment.revoke_shown(user)
        await show(query, views.officer_screen(card).with_notice(_("Appointment withdrawn.")), callback_answer)


async def evidence_get(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    bot: Bot,
    self_assessment: SelfAssessmentService,
    user: Person,
) -> None:
    """The criterion's photos and files, sent to whoever may read the self-assessment (the
    unit, its parent unit's leader, admins). Telegram's file_id is kept the first time."""
    try:
        group = self_assessment.group_at(callback_data.c)
        found = await self_assessment.evidence_at(user, callback_data.c, callback_data.u)
    except InvalidInput as exc:
        callback_answer.text, callback_answer.show_alert = error_text(exc)[:200], True
        return
    chat = user.telegram_id or query.from_user.id
    for row in found:
        caption = views.evidence_caption(group, row.name)
        media = row.sent_file_id or BufferedInputFile(row.data, filename=row.name)
        if row.kind == "photo":
            sent = await bot.send_photo(chat, media, caption=caption)
            file_id = sent.photo[-1].file_id if sent.photo else None
        else:
            sent = await bot.send_document(chat, media, caption=caption)
            file_id = sent.document.file_id if sent.document else None
        if file_id and not row.sent_file_id:
            await self_assessment.remember_evidence_upload(row.id or 0, file_id)
    callback_answer.text = views.files_sent_notice(len(found))


# -- typed text, photos and files -----------------------------------------------------------


async def typed_account(
    message: Message, state: FSMContext, self_assessment: SelfAssessmentService, user: Person
) -> None:
    data = await state.get_data()
    index = int(data.get("c", -1))
    try:
        sa = await self_assessment.account_typed(user, int(data["aid"]), index, message.text or "")
    except InvalidInput as exc:
        if exc.code == "assessment_stale":
            raise
        await reply(message, views.refusal_screen(exc))  # the step waits; what was stored stays
        return
    await state.set_state(None)
    screen = views.criterion_screen(self_assessment.campaign, sa, index, editable=sa.status == "draft")
    await reply(message, screen.above(_("Saved.")))


async def typed_figure(
    message: Message, state: FSMContext, self_assessment: SelfAssessmentService, user: Person
) -> None:
    data = await state.get_data()
    index = int(data.get("c", -1))
    self_assessment.figure_at(index, int(data.get("i", -1)))  # a stale step is refused as before
    try:
        sa = await self_assessment.figure_typed(user, int(data["aid"]), index, int(data["i"]), message.text or "")
    except InvalidInput as exc:
        await reply(message, views.refusal_screen(exc))
        return
    await state.set_state(None)
    screen = views.criterion_screen(self_assessment.campaign, sa, index, editable=sa.status == "draft")
    await reply(message, screen.above(_("Saved.")))


async def evidence(
    message: Message, bot: Bot, state: FSMContext, self_assessment: SelfAssessmentService, user: Person
) -> None:
    data = await state.get_data()
    index = int(data.get("c", -1))
    group = self_assessment.group_at(index)
    if message.photo:
        best = message.photo[-1]
        file_id, unique_id, size, name, mime, kind = (
            best.file_id,
            best.file_unique_id,
            best.file_size,
            "",
            "image/jpeg",
            "photo",
        )
    elif message.document is not None:
        doc = message.document
        file_id, unique_id, size, name, mime, kind = (
            doc.file_id,
            doc.file_unique_id,
            doc.file_size,
            doc.file_name or "",
            doc.mime_type or "",
            "file",
        )
    else:
        await reply(message, views.not_evidence_screen())
        return
    try:
        if size is not None and size > FILE_MAX_BYTES:
            raise InvalidInput("file_too_big", max=MAX_MB)
        payload = await download(bot, file_id)
        result = await self_assessment.evidence_sent(
            user, int(data["aid"]), index, kind=kind, name=name, mime=mime, data=payload, source_id=unique_id
        )
    except InvalidInput as exc:
        await reply(message, views.refusal_screen(exc))
        return
    await reply(message, views.evidence_kept_screen(group, index, result, MAX_EVIDENCE))


async def download(bot: Bot, file_id: str) -> bytes:
    """A file a person sent, from Telegram (the evidence here, the signed report in /submit)."""
    try:
        buffer = await bot.download(file_id)
    except TelegramBadRequest:  # "file is too big" and the like
        raise InvalidInput("file_too_big", max=MAX_MB) from None
    if buffer is None:
        raise InvalidInput("file_unreadable")
    return buffer.read()


def make_router() -> Router:
    router = Router(name="self-assessment")
    act = SelfAssessCB.filter
    router.message.register(selfassess, Command("selfassess"))
    router.callback_query.register(overview, act(F.a.in_({SelfAssessAct.overview, SelfAssessAct.view_unit})))
    router.callback_query.register(criterion, act(F.a == SelfAssessAct.criterion))
    router.callback_query.register(level, act(F.a == SelfAssessAct.level))
    router.callback_query.register(sub_items, act(F.a == SelfAssessAct.sub_items))
    router.callback_query.register(sub_level, act(F.a == SelfAssessAct.sub_level))
    router.callback_query.register(account, act(F.a == SelfAssessAct.account))
    router.callback_query.register(figure, act(F.a == SelfAssessAct.figure))
    router.callback_query.register(figure_yes_no, act(F.a == SelfAssessAct.figure_yes_no))
    router.callback_query.register(evidence_ask, act(F.a == SelfAssessAct.evidence))
    router.callback_query.register(evidence_clear, act(F.a == SelfAssessAct.evidence_clear))
    router.callback_query.register(evidence_get, act(F.a == SelfAssessAct.evidence_get))
    router.callback_query.register(submit, act(F.a == SelfAssessAct.submit))
    router.callback_query.register(submit_yes, act(F.a == SelfAssessAct.submit_yes))
    router.callback_query.register(sub_units, act(F.a == SelfAssessAct.sub_units))
    router.callback_query.register(officer, act(F.a == SelfAssessAct.officer))
    router.callback_query.register(appoint, act(F.a == SelfAssessAct.appoint))
    router.callback_query.register(revoke, act(F.a == SelfAssessAct.revoke))
    router.message.register(typed_account, StateFilter(SelfAssessStates.account), TYPED)
    router.message.register(typed_figure, StateFilter(SelfAssessStates.figure), TYPED)
    router.message.register(evidence, StateFilter(SelfAssessStates.evidence), F.photo | F.document)
    return router

"""/selfassess: the unit's self-assessment on the collective criteria (§IV.1.1 a–e).

A card for the unit (each criterion group, its level, and what is still missing), and a card
per criterion group: level (Tốt / Đạt / Chưa đạt), sub-items, a short account, the figures
the campaign file asks for, evidence (photos or files). Every answer is stored as it comes,
so the work resumes where it stood, also after a restart. The leader appoints the unit's
emulation officer here; a leader also sees the sub-units' self-assessments (roll-up).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign, CriterionGroup
from bot.channels.telegram.callbacks import SelfAssessAct, SelfAssessCB
from bot.clock import Clock
from bot.i18n import N_, _, current_locale, ngettext
from bot.services.checkin import local_now
from bot.services.errors import InvalidInput
from bot.services.self_assessment import (
    LEVELS,
    MAX_EVIDENCE,
    SelfAssessmentService,
    UnitSelfAssessment,
    assessed_items,
)
from bot.views.self_assessment import error_text
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.models import Role, Unit, User
from storage.yearly import ACCOUNT_MAX, FILE_MAX_BYTES

log = logging.getLogger(__name__)

LEVEL_NAMES = {"good": N_("Good"), "met": N_("Met"), "not_met": N_("Not met")}
LEVEL_MARKS = {"good": "🟢", "met": "🔵", "not_met": "🟠", None: "⚪"}
SUB_UNITS_SHOWN = 30
ACCOUNT_SHOWN = 600


class SelfAssessStates(StatesGroup):
    account = State()  # data: aid, c (criterion index)
    figure = State()  # data: aid, c, i (figure index)
    evidence = State()  # data: aid, c


def fmt(d) -> str:  # noqa: ANN001
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def level_name(level: str | None) -> str:
    return _(LEVEL_NAMES[level]) if level else _("not assessed yet")


def service(session: AsyncSession, clock: Clock, campaign: Campaign) -> SelfAssessmentService:
    return SelfAssessmentService(session, clock, campaign)


def year_of(user: User, clock: Clock) -> int:
    """§VI.1: the report covers the calendar year it is due in (before 15 December)."""
    return local_now(user, clock).year


def group_label(group: CriterionGroup) -> str:
    return f"{group.code}) {group.short.get(current_locale())}"


def figure_value(kind: str, value: str | None) -> str:
    if value is None:
        return "—"
    if kind == "yes_no":
        return _("yes") if value == "yes" else _("no")
    return value + ("%" if kind == "percent" else "")


# -- cards ----------------------------------------------------------------------------------


def overview_card(
    campaign: Campaign, sa: UnitSelfAssessment, *, editable: bool, is_leader: bool, has_sub_units: bool
) -> tuple[str, InlineKeyboardMarkup]:
    total = len(campaign.collective_criteria)
    lines = [
        _("<b>Self-assessment of {unit}, year {year}</b>").format(unit=escape(sa.unit_name), year=sa.year),
        _("On the collective criteria of the plan (§IV.1.1): {n}/{total} criteria assessed.").format(
            n=sa.answered, total=total
        ),
    ]
    if sa.status == "submitted" and sa.submitted_at is not None:
        lines.append(_("✅ Submitted on {date}: read only.").format(date=fmt(sa.submitted_at)))
    elif editable:
        lines.append(_("Draft: saved as you go, editable until the unit submits it."))
    lines.append("")
    for group in campaign.collective_criteria:
        answer = sa.group(group.code)
        level = answer.level if answer else None
        extras = []
        if answer and answer.account:
            extras.append(_("account"))
        if answer and answer.figures:
            extras.append(ngettext("{n} figure", "{n} figures", len(answer.figures)).format(n=len(answer.figures)))
        if answer and answer.evidence:
            extras.append(
                ngettext("{n} piece of evidence", "{n} pieces of evidence", len(answer.evidence)).format(
                    n=len(answer.evidence)
                )
            )
        lines.append(
            "{mark} <b>{label}</b>: {level}{extras}".format(
                mark=LEVEL_MARKS[level],
                label=escape(group_label(group)),
                level=level_name(level),
                extras=(" · " + ", ".join(extras)) if extras else "",
            )
        )
    kb = InlineKeyboardBuilder()
    if sa.assessment_id is not None:
        for index, group in enumerate(campaign.collective_criteria):
            kb.button(
                text=group_label(group)[:40],
                callback_data=SelfAssessCB(a=SelfAssessAct.criterion, c=index, u=sa.unit_id if not editable else 0),
            )
    sizes = [1] * len(campaign.collective_criteria)
    if editable:
        kb.button(text=_("✅ Submit the self-assessment"), callback_data=SelfAssessCB(a=SelfAssessAct.submit))
        sizes.append(1)
    if has_sub_units:
        kb.button(text=_("🏢 Sub-units' self-assessments"), callback_data=SelfAssessCB(a=SelfAssessAct.sub_units))
        sizes.append(1)
    if is_leader:
        kb.button(text=_("👤 Unit emulation officer"), callback_data=SelfAssessCB(a=SelfAssessAct.officer))
        sizes.append(1)
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


def criterion_card(
    campaign: Campaign, sa: UnitSelfAssessment, index: int, *, editable: bool
) -> tuple[str, InlineKeyboardMarkup]:
    locale = current_locale()
    group = campaign.collective_criteria[index]
    answer = sa.group(group.code)
    lines = [
        f"<b>{escape(group_label(group))}</b> ({escape(group.ref)})",
        f"<i>{escape(group.title.get(locale))}</i>",
        "",
        _("Level: {level}").format(
            level=f"{LEVEL_MARKS[answer.level if answer else None]} {level_name(answer.level if answer else None)}"
        ),
    ]
    subs = sa.sub_items(group.code)
    if subs:
        lines.append(_("Sub-items:"))
        for sub in subs:
            lines.append(
                "  {mark} {code}: {level}".format(
                    mark=LEVEL_MARKS[sub.level], code=escape(sub.item or ""), level=level_name(sub.level)
                )
            )
    account = answer.account if answer else ""
    lines.append(
        _("What the unit did: {text}").format(
            text=escape(account[:ACCOUNT_SHOWN] + ("…" if len(account) > ACCOUNT_SHOWN else ""))
            if account
            else _("not written yet")
        )
    )
    for figure in group.figures:
        value = (answer.figures if answer else {}).get(figure.code)
        lines.append(f"• {escape(figure.label.get(locale))}: <b>{escape(figure_value(figure.kind, value))}</b>")
    evidence = answer.evidence if answer else []
    lines.append(
        _("Evidence: {n}").format(n=len(evidence))
        + (
            " (" + escape(", ".join(e.name for e in evidence[:5])) + ("…" if len(evidence) > 5 else "") + ")"
            if evidence
            else ""
        )
    )
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    if editable:
        for v, level in enumerate(LEVELS):
            mark = "✓ " if answer and answer.level == level else ""
            kb.button(
                text=mark + _(LEVEL_NAMES[level]), callback_data=SelfAssessCB(a=SelfAssessAct.level, c=index, v=v)
            )
        sizes.append(len(LEVELS))
        if subs:
            kb.button(text=_("📋 Sub-items"), callback_data=SelfAssessCB(a=SelfAssessAct.sub_items, c=index))
            sizes.append(1)
        kb.button(text=_("✍️ What the unit did"), callback_data=SelfAssessCB(a=SelfAssessAct.account, c=index))
        sizes.append(1)
        single_yes_no = sum(1 for f in group.figures if f.kind == "yes_no") == 1
        for i, figure in enumerate(group.figures):
            if figure.kind == "yes_no" and single_yes_no:
                kb.button(text=_("Yes"), callback_data=SelfAssessCB(a=SelfAssessAct.figure_yes_no, c=index, i=i, v=1))
                kb.button(text=_("No"), callback_data=SelfAssessCB(a=SelfAssessAct.figure_yes_no, c=index, i=i, v=0))
                sizes.append(2)
            else:
                kb.button(
                    text="🔢 " + figure.label.get(locale)[:50],
                    callback_data=SelfAssessCB(a=SelfAssessAct.figure, c=index, i=i),
                )
                sizes.append(1)
        kb.button(text=_("📎 Add evidence"), callback_data=SelfAssessCB(a=SelfAssessAct.evidence, c=index))
        sizes.append(1)
        if evidence:
            kb.button(
                text=_("🗑 Remove the evidence"), callback_data=SelfAssessCB(a=SelfAssessAct.evidence_clear, c=index)
            )
            sizes.append(1)
    if evidence:
        kb.button(
            text=_("📥 See the evidence"),
            callback_data=SelfAssessCB(a=SelfAssessAct.evidence_get, c=index, u=0 if editable else sa.unit_id),
        )
        sizes.append(1)
    if editable and sum(1 for f in group.figures if f.kind == "yes_no") == 1:
        lines.append(
            _("Yes/No buttons answer: {labels}.").format(
                labels="; ".join(escape(f.label.get(locale)) for f in group.figures if f.kind == "yes_no")
            )
        )
    kb.button(
        text=_("⬅ All criteria"), callback_data=SelfAssessCB(a=SelfAssessAct.overview, u=0 if editable else sa.unit_id)
    )
    sizes.append(1)
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


def sub_items_card(campaign: Campaign, sa: UnitSelfAssessment, index: int) -> tuple[str, InlineKeyboardMarkup]:
    locale = current_locale()
    group = campaign.collective_criteria[index]
    subs = {s.item: s for s in sa.sub_items(group.code)}
    lines = ["<b>{label}</b>: {what}".format(label=escape(group_label(group)), what=_("sub-items")), ""]
    kb = InlineKeyboardBuilder()
    for i, item in enumerate(group.items):
        current = subs.get(item.code)
        lines.append(
            f"{LEVEL_MARKS[current.level if current else None]} <b>{escape(item.code)}</b> {escape(item.text.get(locale))}"
        )
        for v, level in enumerate(LEVELS):
            mark = "✓" if current and current.level == level else ""
            kb.button(
                text=f"{mark}{item.code}: {_(LEVEL_NAMES[level])}",
                callback_data=SelfAssessCB(a=SelfAssessAct.sub_level, c=index, i=i, v=v),
            )
    kb.button(text=_("⬅ Back"), callback_data=SelfAssessCB(a=SelfAssessAct.criterion, c=index))
    kb.adjust(*([len(LEVELS)] * len(group.items)), 1)
    return "\n".join(lines), kb.as_markup()


# -- handlers -------------------------------------------------------------------------------


async def _own(svc: SelfAssessmentService, user: User, clock: Clock) -> UnitSelfAssessment:
    return await svc.mine(user, year_of(user, clock))


async def _has_sub_units(session: AsyncSession, unit_id: int) -> bool:
    from sqlmodel import col, select

    unit = await session.get(Unit, unit_id)
    if unit is None:
        return False
    res = await session.exec(select(Unit.id).where(col(Unit.path).startswith(unit.path), Unit.id != unit_id).limit(1))
    return res.first() is not None


async def _overview(
    svc: SelfAssessmentService, session: AsyncSession, user: User, clock: Clock, campaign: Campaign
) -> tuple[str, InlineKeyboardMarkup]:
    sa = await _own(svc, user, clock)
    return overview_card(
        campaign,
        sa,
        editable=sa.status == "draft",
        is_leader=user.role == Role.leader,
        has_sub_units=user.role == Role.leader and await _has_sub_units(session, sa.unit_id),
    )


async def selfassess(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    """/selfassess: one's own unit's; /selfassess CODE: a unit's, read only (admins: any
    unit; a leader: a sub-unit)."""
    svc = service(session, clock, campaign)
    code = (command.args or "").strip()
    if code:
        from bot.services.units import UnitService

        unit = await UnitService(session, clock).get_by_code(code)
        sa = await svc.view(user, unit.id or 0, year_of(user, clock))
        text, kb = overview_card(campaign, sa, editable=False, is_leader=False, has_sub_units=False)
        await message.answer(text, reply_markup=kb)
        return
    if user.role == Role.admin and user.unit_id is None:
        await message.answer(
            _(
                "Units assess themselves here. As an administrator, read a unit's with /selfassess UNIT_CODE, and see who has submitted with /submissions."
            )
        )
        return
    await state.set_state(None)
    text, kb = await _overview(svc, session, user, clock, campaign)
    await message.answer(text, reply_markup=kb)


def _group_index(campaign: Campaign, index: int) -> CriterionGroup:
    if not 0 <= index < len(campaign.collective_criteria):
        raise InvalidInput("assessment_stale")
    return campaign.collective_criteria[index]


@dataclass
class Tap:
    """What one button's handler works with."""

    query: CallbackQuery
    cb: SelfAssessCB
    answer: CallbackAnswer
    state: FSMContext
    svc: SelfAssessmentService
    session: AsyncSession
    clock: Clock
    campaign: Campaign
    user: User

    async def own(self) -> UnitSelfAssessment:
        return await _own(self.svc, self.user, self.clock)

    async def draft(self) -> UnitSelfAssessment:
        sa = await self.own()
        if sa.status != "draft":
            raise InvalidInput("assessment_submitted")
        return sa

    def group(self) -> CriterionGroup:
        return _group_index(self.campaign, self.cb.c)


Card = tuple[str, InlineKeyboardMarkup]


def action(fn: Callable[[Tap], Awaitable[Card]]) -> Callable[..., Awaitable[None]]:
    """One button, one handler: the service call in ``fn``, then the card edited in place.
    A refusal becomes the tap's alert in the person's language; what was stored stays."""

    async def handler(
        query: CallbackQuery,
        callback_data: SelfAssessCB,
        callback_answer: CallbackAnswer,
        state: FSMContext,
        session: AsyncSession,
        clock: Clock,
        campaign: Campaign,
        user: User,
    ) -> None:
        tap = Tap(
            query,
            callback_data,
            callback_answer,
            state,
            service(session, clock, campaign),
            session,
            clock,
            campaign,
            user,
        )
        try:
            text, kb = await fn(tap)
        except InvalidInput as exc:
            callback_answer.text, callback_answer.show_alert = error_text(exc)[:200], True
            return
        await edit_in_place(query, text, kb)

    handler.__name__ = handler.__qualname__ = fn.__name__
    return handler


async def show_overview(t: Tap) -> Card:
    if t.cb.u:  # a sub-unit's, read only (the parent unit's leader, admins)
        sa = await t.svc.view(t.user, t.cb.u, year_of(t.user, t.clock))
        return overview_card(t.campaign, sa, editable=False, is_leader=False, has_sub_units=False)
    await t.state.set_state(None)
    return await _overview(t.svc, t.session, t.user, t.clock, t.campaign)


async def show_criterion(t: Tap) -> Card:
    t.group()
    if t.cb.u:
        sa = await t.svc.view(t.user, t.cb.u, year_of(t.user, t.clock))
        return criterion_card(t.campaign, sa, t.cb.c, editable=False)
    await t.state.set_state(None)
    sa = await t.own()
    return criterion_card(t.campaign, sa, t.cb.c, editable=sa.status == "draft")


async def set_level(t: Tap) -> Card:
    group = t.group()
    if not 0 <= t.cb.v < len(LEVELS):
        raise InvalidInput("assessment_stale")
    await t.svc.set_level(t.user, (await t.own()).assessment_id or 0, group.code, None, LEVELS[t.cb.v])
    t.answer.text = _("Saved.")
    return criterion_card(t.campaign, await t.own(), t.cb.c, editable=True)


async def show_sub_items(t: Tap) -> Card:
    t.group()
    return sub_items_card(t.campaign, await t.own(), t.cb.c)


async def set_sub_level(t: Tap) -> Card:
    group = t.group()
    keys = [k for k in assessed_items(group) if k is not None]
    if not 0 <= t.cb.i < len(keys) or not 0 <= t.cb.v < len(LEVELS):
        raise InvalidInput("assessment_stale")
    await t.svc.set_level(t.user, (await t.own()).assessment_id or 0, group.code, keys[t.cb.i], LEVELS[t.cb.v])
    t.answer.text = _("Saved.")
    return sub_items_card(t.campaign, await t.own(), t.cb.c)


async def ask_account(t: Tap) -> Card:
    group = t.group()
    sa = await t.draft()
    await t.state.set_state(SelfAssessStates.account)
    await t.state.update_data(aid=sa.assessment_id, c=t.cb.c)
    text = _(
        "<b>{label}</b>: type in one message what the unit did (at most {max} characters). It replaces what was written before."
    ).format(label=escape(group_label(group)), max=ACCOUNT_MAX)
    current = sa.group(group.code)
    if current and current.account:
        text += "\n\n" + _("Now: {text}").format(text=escape(current.account[:ACCOUNT_SHOWN]))
    return text, _back_kb(t.cb.c)


async def ask_figure(t: Tap) -> Card:
    group = t.group()
    if not 0 <= t.cb.i < len(group.figures):
        raise InvalidInput("assessment_stale")
    figure = group.figures[t.cb.i]
    sa = await t.draft()
    await t.state.set_state(SelfAssessStates.figure)
    await t.state.update_data(aid=sa.assessment_id, c=t.cb.c, i=t.cb.i)
    hint = {
        "percent": _("a percentage from 0 to 100, e.g. 98,5"),
        "count": _("a whole number, e.g. 12"),
        "yes_no": _("yes or no"),
    }[figure.kind]
    return _("<b>{label}</b> ({ref}): type {hint}.").format(
        label=escape(figure.label.get(current_locale())), ref=escape(figure.ref), hint=hint
    ), _back_kb(t.cb.c)


async def set_yes_no(t: Tap) -> Card:
    group = t.group()
    if not 0 <= t.cb.i < len(group.figures):
        raise InvalidInput("assessment_stale")
    await t.svc.set_figure(
        t.user,
        (await t.own()).assessment_id or 0,
        group.code,
        group.figures[t.cb.i].code,
        "yes" if t.cb.v == 1 else "no",
    )
    t.answer.text = _("Saved.")
    return criterion_card(t.campaign, await t.own(), t.cb.c, editable=True)


async def ask_evidence(t: Tap) -> Card:
    group = t.group()
    sa = await t.draft()
    await t.state.set_state(SelfAssessStates.evidence)
    await t.state.update_data(aid=sa.assessment_id, c=t.cb.c)
    return _(
        "<b>{label}</b>: send photos or files (PDF, Word, Excel…) as evidence, one by one or together: at most {max} per criterion, {mb} MB each. Tap Done when finished."
    ).format(label=escape(group_label(group)), max=MAX_EVIDENCE, mb=FILE_MAX_BYTES // (1024 * 1024)), _back_kb(
        t.cb.c, done=True
    )


async def clear_evidence(t: Tap) -> Card:
    group = t.group()
    await t.svc.remove_evidence(t.user, (await t.own()).assessment_id or 0, group.code)
    t.answer.text = _("Evidence removed.")
    return criterion_card(t.campaign, await t.own(), t.cb.c, editable=True)


async def ask_submit(t: Tap) -> Card:
    sa = await t.draft()
    missing = await t.svc.missing(sa.assessment_id or 0)
    if missing:
        raise InvalidInput("assessment_incomplete", missing=", ".join(f"{m})" for m in missing))
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Yes, submit"), callback_data=SelfAssessCB(a=SelfAssessAct.submit_yes))
    kb.button(text=_("⬅ Not yet"), callback_data=SelfAssessCB(a=SelfAssessAct.overview))
    kb.adjust(1)
    return _("Submit the unit's self-assessment for {year}? After that it can no longer be changed.").format(
        year=sa.year
    ), kb.as_markup()


async def submit(t: Tap) -> Card:
    await t.svc.submit(t.user, (await t.draft()).assessment_id or 0)
    t.answer.text = _("Self-assessment submitted.")
    return await _overview(t.svc, t.session, t.user, t.clock, t.campaign)


async def show_sub_units(t: Tap) -> Card:
    return await _sub_units_card(t.svc, t.user, t.clock, t.campaign)


async def show_officer(t: Tap) -> Card:
    return await _officer_card(t.svc, t.user)


async def appoint(t: Tap) -> Card:
    await t.svc.appoint_officer(t.user, t.cb.i)
    t.answer.text = _("Appointed.")
    return await _officer_card(t.svc, t.user)


async def revoke(t: Tap) -> Card:
    await t.svc.revoke_officer(t.user)
    t.answer.text = _("Appointment withdrawn.")
    return await _officer_card(t.svc, t.user)


ACTIONS: dict[SelfAssessAct, Callable[[Tap], Awaitable[Card]]] = {
    SelfAssessAct.overview: show_overview,
    SelfAssessAct.view_unit: show_overview,
    SelfAssessAct.criterion: show_criterion,
    SelfAssessAct.level: set_level,
    SelfAssessAct.sub_items: show_sub_items,
    SelfAssessAct.sub_level: set_sub_level,
    SelfAssessAct.account: ask_account,
    SelfAssessAct.figure: ask_figure,
    SelfAssessAct.figure_yes_no: set_yes_no,
    SelfAssessAct.evidence: ask_evidence,
    SelfAssessAct.evidence_clear: clear_evidence,
    SelfAssessAct.submit: ask_submit,
    SelfAssessAct.submit_yes: submit,
    SelfAssessAct.sub_units: show_sub_units,
    SelfAssessAct.officer: show_officer,
    SelfAssessAct.appoint: appoint,
    SelfAssessAct.revoke: revoke,
}


def _back_kb(c: int, *, done: bool = False) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=_("✅ Done") if done else _("⬅ Back"), callback_data=SelfAssessCB(a=SelfAssessAct.criterion, c=c))
    return kb.as_markup()


async def _sub_units_card(
    svc: SelfAssessmentService, user: User, clock: Clock, campaign: Campaign
) -> tuple[str, InlineKeyboardMarkup]:
    if user.unit_id is None:
        raise InvalidInput("assessment_stale")
    rollup = await svc.rollup(user, user.unit_id, year_of(user, clock))
    total = len(campaign.collective_criteria)
    status_names = {"none": _("not begun"), "draft": _("draft"), "submitted": _("submitted")}
    from bot.views.submission import fit

    lines = [_("<b>Sub-units' self-assessments, year {year}</b>").format(year=year_of(user, clock)), ""]
    kb = InlineKeyboardBuilder()
    rows, buttons = [], 0
    for unit_id, sa in list(rollup.items())[1:]:
        counts = {lv: sum(1 for i in sa.items if i.item is None and i.level == lv) for lv in LEVELS}
        rows.append(
            _("• <b>{unit}</b>: {status}, {n}/{total} assessed (Good {good} · Met {met} · Not met {not_met})").format(
                unit=escape(sa.unit_name),
                status=status_names[sa.status],
                n=sa.answered,
                total=total,
                good=counts["good"],
                met=counts["met"],
                not_met=counts["not_met"],
            )
        )
        if sa.status != "none" and buttons < SUB_UNITS_SHOWN:
            kb.button(text=sa.unit_code[:30], callback_data=SelfAssessCB(a=SelfAssessAct.view_unit, u=unit_id))
            buttons += 1
    lines = fit(lines, rows)
    if len(rollup) <= 1:
        lines.append(_("Your unit has no sub-units."))
    kb.button(text=_("⬅ All criteria"), callback_data=SelfAssessCB(a=SelfAssessAct.overview))
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


async def _officer_card(svc: SelfAssessmentService, user: User) -> tuple[str, InlineKeyboardMarkup]:
    if user.role != Role.leader or user.unit_id is None:
        from bot.services.access import Action, deny

        await deny(svc.session, svc.clock, user, Action.report, "officer card")
    officer = await svc.officer(user.unit_id)  # type: ignore[arg-type]
    lines = [
        _("<b>Unit emulation officer</b>"),
        _("The officer may fill in the unit's self-assessment and submit its signed report on your behalf."),
    ]
    lines.append(_("Now: {name}").format(name=escape(officer.full_name) if officer else _("none")))
    kb = InlineKeyboardBuilder()
    members = await svc.unit_members(user)
    for person in members[:20]:
        if officer is not None and person.id == officer.id:
            continue
        kb.button(
            text=_("Appoint {name}").format(name=person.full_name[:40]),
            callback_data=SelfAssessCB(a=SelfAssessAct.appoint, i=person.id or 0),
        )
    if officer is not None:
        kb.button(text=_("↩ Withdraw the appointment"), callback_data=SelfAssessCB(a=SelfAssessAct.revoke))
    if not members:
        lines.append(_("Nobody of your unit has registered yet: invite them first."))
    kb.button(text=_("⬅ All criteria"), callback_data=SelfAssessCB(a=SelfAssessAct.overview))
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


async def send_evidence(
    query: CallbackQuery,
    callback_data: SelfAssessCB,
    callback_answer: CallbackAnswer,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    """The criterion's photos and files, sent to whoever may read the self-assessment (the
    unit, its parent unit's leader, admins)."""
    svc = service(session, clock, campaign)
    try:
        group = _group_index(campaign, callback_data.c)
        year = year_of(user, clock)
        sa = await svc.view(user, callback_data.u, year) if callback_data.u else await _own(svc, user, clock)
        rows = await svc.evidence(user, sa.assessment_id or 0, group.code)
    except InvalidInput as exc:
        callback_answer.text, callback_answer.show_alert = error_text(exc)[:200], True
        return
    chat = user.telegram_id or query.from_user.id
    for row in rows:
        caption = f"{group_label(group)}: {row.name}"[:1024]
        if row.sent_file_id:
            media = row.sent_file_id
        else:
            media = BufferedInputFile(row.data, filename=row.name)
        if row.kind == "photo":
            sent = await bot.send_photo(chat, media, caption=escape(caption))
            file_id = sent.photo[-1].file_id if sent.photo else None
        else:
            sent = await bot.send_document(chat, media, caption=escape(caption))
            file_id = sent.document.file_id if sent.document else None
        if file_id and not row.sent_file_id:
            await svc.remember_evidence_upload(row.id or 0, file_id)
    callback_answer.text = ngettext("{n} file sent.", "{n} files sent.", len(rows)).format(n=len(rows))


# -- typed text, photos and files -----------------------------------------------------------


async def typed_account(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    data = await state.get_data()
    group = _group_index(campaign, int(data.get("c", -1)))
    svc = service(session, clock, campaign)
    try:
        await svc.set_account(user, int(data["aid"]), group.code, message.text or "")
    except InvalidInput as exc:
        await message.answer(error_text(exc))  # the step waits; what was stored stays
        return
    await state.set_state(None)
    sa = await svc.for_assessment(int(data["aid"]))
    text, kb = criterion_card(campaign, sa, int(data["c"]), editable=sa.status == "draft")
    await message.answer(_("Saved.") + "\n\n" + text, reply_markup=kb)


async def typed_figure(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    data = await state.get_data()
    group = _group_index(campaign, int(data.get("c", -1)))
    index = int(data.get("i", -1))
    if not 0 <= index < len(group.figures):
        raise InvalidInput("assessment_stale")
    svc = service(session, clock, campaign)
    try:
        await svc.set_figure(user, int(data["aid"]), group.code, group.figures[index].code, message.text or "")
    except InvalidInput as exc:
        await message.answer(error_text(exc))
        return
    await state.set_state(None)
    sa = await svc.for_assessment(int(data["aid"]))
    text, kb = criterion_card(campaign, sa, int(data["c"]), editable=sa.status == "draft")
    await message.answer(_("Saved.") + "\n\n" + text, reply_markup=kb)


async def evidence(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, clock: Clock, campaign: Campaign, user: User
) -> None:
    data = await state.get_data()
    group = _group_index(campaign, int(data.get("c", -1)))
    svc = service(session, clock, campaign)
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
        await message.answer(_("Please send a photo or a file, or tap Done."))
        return
    try:
        if size is not None and size > FILE_MAX_BYTES:
            raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024))
        payload = await download(bot, file_id)
        result = await svc.add_evidence(
            user, int(data["aid"]), group.code, kind=kind, name=name, mime=mime, data=payload, source_id=unique_id
        )
    except InvalidInput as exc:
        await message.answer(error_text(exc))
        return
    if result.full:
        text = _("⚠️ At most {max} pieces of evidence per criterion: this one was not added.").format(max=MAX_EVIDENCE)
    else:
        text = _("📎 Evidence kept for {label}: {n}/{max}. Send more, or tap Done.").format(
            label=escape(group_label(group)), n=result.count, max=MAX_EVIDENCE
        )
    await message.answer(text, reply_markup=_back_kb(int(data["c"]), done=True))


async def download(bot: Bot, file_id: str) -> bytes:
    try:
        buffer = await bot.download(file_id)
    except TelegramBadRequest:  # "file is too big" and the like
        raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024)) from None
    if buffer is None:
        raise InvalidInput("file_unreadable")
    return buffer.read()


def make_router() -> Router:
    """Leaders and unit emulation officers (the service checks who; the rest are refused
    and audited), and the parent unit's leader or an admin reading a sub-unit's."""
    router = Router(name="self-assessment")
    router.message.register(selfassess, Command("selfassess"))
    for act, fn in ACTIONS.items():
        router.callback_query.register(action(fn), SelfAssessCB.filter(F.a == act))
    router.callback_query.register(send_evidence, SelfAssessCB.filter(F.a == SelfAssessAct.evidence_get))
    router.message.register(typed_account, StateFilter(SelfAssessStates.account), TYPED)
    router.message.register(typed_figure, StateFilter(SelfAssessStates.figure), TYPED)
    router.message.register(evidence, StateFilter(SelfAssessStates.evidence), F.photo | F.document)
    return router

"""/nominate for unit leaders and /nominations for administrators (plan §IV.2: each unit
proposes at most 02 collectives or individuals per round for the Minister's Certificate
of Merit; the rules live in bot.services.nominations).

Leaders see the open rounds; in a round, their unit's nominations with the slots left;
they nominate a collective or an individual (name, then achievements), withdraw one, or
replace it. When no round is open they are told so, and who can open one; after the campaign's
period its once rounds (sơ kết, tổng kết) are closed and its annual round goes on year by year. Administrators list the rounds with their counts,
open a round's nominations unit by unit, export them (XLSX, CSV), and add or close rounds.
"""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.campaign.wording import award_rounds
from bot.channels.telegram.callbacks import DossierCB, NominateAct, NominateCB, NominationsAct, NominationsCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, current_locale, ngettext
from bot.render.admin_exports import kind_name, nominations_csv, nominations_xlsx
from bot.render.example_labels import snippet
from bot.services.errors import InvalidInput
from bot.services.nominations import (
    ACHIEVEMENT_MAX,
    ACHIEVEMENT_MIN,
    NominationRefused,
    NominationService,
    Round,
    UnitNominations,
    parse_round_args,
)
from bot.views.deadlines import fmt
from handlers.edit import edit_in_place
from handlers.filters import TYPED
from storage.awards import NomineeKind
from storage.models import User

KINDS = (NomineeKind.collective, NomineeKind.individual)
ACHIEVEMENT_SHOWN = 200
LISTING_LIMIT = 3900


class NominateStates(StatesGroup):
    nominee = State()  # data: round, kind, replace (a nomination id, or 0)
    achievement = State()  # data: the above and nominee


def service(session: AsyncSession, clock: Clock, campaign: Campaign, settings: Settings) -> NominationService:
    return NominationService(session, clock, campaign, settings.timezone)


def round_title(r: Round) -> str:
    return escape(r.title(current_locale())) + (f" ({escape(r.ref)})" if r.ref else "")


# -- leaders --------------------------------------------------------------------------------


def no_round_text(svc: NominationService) -> str:
    lines = [_("<b>No nomination round is open now.</b>")]
    campaign = svc.campaign
    if svc.today() > campaign.end:
        lines.append(
            _(
                "The campaign file's rounds ({rounds}, §IV.2) were open during the campaign period, "
                "which ended on {date}."
            ).format(rounds=escape(award_rounds(campaign)), date=fmt(campaign.end))
        )
    lines.append(
        _(
            "A round is opened by an administrator of the standing agency; you will be able to nominate "
            "here as soon as one is open. Please ask them if your unit expects one."
        )
    )
    return "\n".join(lines)


def rounds_keyboard(rounds: list[Round]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for r in rounds:
        kb.button(text=r.title(current_locale())[:60], callback_data=NominateCB(a=NominateAct.round, r=r.key))
    kb.adjust(1)
    return kb.as_markup()


def unit_card(un: UnitNominations, today, *, several_rounds: bool = False) -> tuple[str, InlineKeyboardMarkup]:  # noqa: ANN001
    r = un.round
    lines = [
        _("<b>Nominations: {round}</b>").format(round=round_title(r)),
        _("Unit: {unit}").format(unit=escape(un.unit.name)),
        _("Open until {date}.").format(date=fmt(r.closes_on)) if r.is_open(today) else _("This round is closed."),
        _(
            "Each unit nominates at most {quota} collectives or individuals per round (§IV.2): {used}/{quota} used."
        ).format(quota=r.quota, used=len(un.live)),
    ]
    for n in un.live:
        lines += [
            "",
            f"{n.slot}. {kind_name(n.kind)}: <b>{escape(n.nominee)}</b>",
            f"<i>{escape(snippet(n.achievement, ACHIEVEMENT_SHOWN))}</i>",
        ]
    if not un.live:
        lines += ["", _("Your unit has no nomination in this round yet.")]
    kb = InlineKeyboardBuilder()
    sizes = []
    if r.is_open(today):
        if un.left:
            kb.button(text=_("➕ Nominate a collective"), callback_data=NominateCB(a=NominateAct.add, r=r.key, v=0))
            kb.button(text=_("➕ Nominate an individual"), callback_data=NominateCB(a=NominateAct.add, r=r.key, v=1))
            sizes.append(1)
            sizes.append(1)
        for n in un.live:
            kb.button(
                text=_("↩ Withdraw {slot}").format(slot=n.slot),
                callback_data=NominateCB(a=NominateAct.withdraw, r=r.key, id=n.id or 0),
            )
            kb.button(
                text=_("🔁 Replace {slot}").format(slot=n.slot),
                callback_data=NominateCB(a=NominateAct.replace, r=r.key, id=n.id or 0),
            )
            sizes.append(2)
    if un.live:
        kb.button(text=_("📄 Dossier (Decree 98/2023)"), callback_data=DossierCB(r=r.key))
        sizes.append(1)
    if several_rounds:
        kb.button(text=_("◀ Rounds"), callback_data=NominateCB(a=NominateAct.rounds))
        sizes.append(1)
    if sizes:
        kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


async def _edit(query: CallbackQuery, text: str, kb: InlineKeyboardMarkup | None) -> None:
    await edit_in_place(query, text, kb)


async def nominate_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    await state.clear()
    svc = service(session, clock, campaign, settings)
    rounds = await svc.open_rounds()
    if not rounds:
        await svc.leader_unit(user)  # someone without a unit is refused (and audited) here too
        await message.answer(no_round_text(svc))
        return
    if len(rounds) == 1:
        text, kb = unit_card(await svc.for_unit(user, rounds[0].key), svc.today())
        await message.answer(text, reply_markup=kb)
        return
    await message.answer(
        _("<b>Nomination rounds open now</b> (§IV.2). Choose one:"), reply_markup=rounds_keyboard(rounds)
    )


async def on_nominate(
    query: CallbackQuery,
    callback_data: NominateCB,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, campaign, settings)
    cb = callback_data
    today = svc.today()
    several = len(await svc.open_rounds()) > 1
    if cb.a == NominateAct.rounds:
        rounds = await svc.open_rounds()
        if not rounds:
            await _edit(query, no_round_text(svc), None)
        else:
            await _edit(query, _("<b>Nomination rounds open now</b> (§IV.2). Choose one:"), rounds_keyboard(rounds))
    elif cb.a == NominateAct.round:
        text, kb = unit_card(await svc.for_unit(user, cb.r), today, several_rounds=several)
        await _edit(query, text, kb)
    elif cb.a in (NominateAct.add, NominateAct.replace):
        un = await svc.for_unit(user, cb.r)
        if not un.round.is_open(today):
            raise NominationRefused("round_closed")
        if cb.a == NominateAct.add and not un.left:
            raise NominationRefused("quota_full", quota=un.round.quota)
        if cb.a == NominateAct.replace and cb.v not in (0, 1):
            target = next((n for n in un.live if n.id == cb.id), None)
            if target is None:
                raise NominationRefused("nomination_gone")
            kb = InlineKeyboardBuilder()
            kb.button(text=_("A collective"), callback_data=NominateCB(a=NominateAct.replace, r=cb.r, id=cb.id, v=0))
            kb.button(text=_("An individual"), callback_data=NominateCB(a=NominateAct.replace, r=cb.r, id=cb.id, v=1))
            kb.button(text=_("◀ Back"), callback_data=NominateCB(a=NominateAct.round, r=cb.r))
            kb.adjust(2, 1)
            await _edit(
                query,
                _("Replace nomination {slot} ({nominee}) with a collective or an individual?").format(
                    slot=target.slot, nominee=escape(target.nominee)
                ),
                kb.as_markup(),
            )
            return
        if cb.v not in (0, 1):
            raise InvalidInput("criterion")
        kind = KINDS[cb.v]
        await state.set_state(NominateStates.nominee)
        await state.update_data(round=cb.r, kind=kind.value, replace=cb.id if cb.a == NominateAct.replace else 0)
        prompt = (
            _("Type the name of the collective, for example: Phòng Tổng hợp, Văn phòng Bộ.")
            if kind == NomineeKind.collective
            else _("Type the person's full name and position, for example: Nguyễn Thị Lan, Chuyên viên chính.")
        )
        if isinstance(query.message, Message):
            await query.message.answer(prompt + "\n" + _("Or send /cancel."))
    elif cb.a == NominateAct.withdraw:
        un = await svc.for_unit(user, cb.r)
        target = next((n for n in un.live if n.id == cb.id), None)
        if target is None:
            raise NominationRefused("nomination_gone")
        kb = InlineKeyboardBuilder()
        kb.button(text=_("↩ Yes, withdraw it"), callback_data=NominateCB(a=NominateAct.withdraw_yes, r=cb.r, id=cb.id))
        kb.button(text=_("◀ Back"), callback_data=NominateCB(a=NominateAct.round, r=cb.r))
        kb.adjust(1)
        await _edit(
            query,
            _("Withdraw nomination {slot}: {kind}, {nominee}? Its slot becomes free for another.").format(
                slot=target.slot, kind=kind_name(target.kind), nominee=escape(target.nominee)
            ),
            kb.as_markup(),
        )
    elif cb.a == NominateAct.withdraw_yes:
        await svc.withdraw(user, cb.id)
        callback_answer.text = _("Withdrawn.")
        text, kb = unit_card(await svc.for_unit(user, cb.r), today, several_rounds=several)
        await _edit(query, text, kb)


async def nominee_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    data = await state.get_data()
    kind = NomineeKind(data.get("kind", NomineeKind.individual.value))
    # A flagged nominee (Decree 98/2023, Art. 4) is refused here, before the achievements are typed.
    nominee = await service(session, clock, campaign, settings).precheck(user, kind, message.text or "")
    await state.update_data(nominee=nominee)
    await state.set_state(NominateStates.achievement)
    await message.answer(
        _(
            "Now type the achievements of {nominee} in carrying out office culture "
            "({min}–{max} characters). Or send /cancel."
        ).format(nominee=escape(nominee), min=ACHIEVEMENT_MIN, max=ACHIEVEMENT_MAX)
    )


async def achievement_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    data = await state.get_data()
    svc = service(session, clock, campaign, settings)
    kind = NomineeKind(data.get("kind", NomineeKind.individual.value))
    key, replace = str(data.get("round", "")), int(data.get("replace", 0))
    try:
        if replace:
            await svc.replace(user, replace, kind, str(data.get("nominee", "")), message.text or "")
        else:
            await svc.nominate(user, key, kind, str(data.get("nominee", "")), message.text or "")
    except NominationRefused:
        await state.clear()  # a closed round or a full quota: typing again would not help
        raise
    await state.clear()
    await message.answer(_("✅ Replaced.") if replace else _("✅ Nomination saved."))
    several = len(await svc.open_rounds()) > 1
    text, kb = unit_card(await svc.for_unit(user, key), svc.today(), several_rounds=several)
    await message.answer(text, reply_markup=kb)


def make_router() -> Router:
    """Leaders (Action.nominate). A new router each time: every Dispatcher gets its own."""
    router = Router(name="nominate")
    router.message.register(nominate_command, Command("nominate"), StateFilter("*"))
    router.callback_query.register(on_nominate, NominateCB.filter())
    router.message.register(nominee_typed, NominateStates.nominee, TYPED)
    router.message.register(achievement_typed, NominateStates.achievement, TYPED)
    return router


# -- administrators ---------------------------------------------------------------------------


def rounds_usage() -> str:
    return _(
        "/nominations — rounds and their nominations\n"
        "/nominations add dd/mm/yyyy [YEAR] TITLE — open a round until that day\n"
        "/nominations close ID — close a round you opened"
    )


async def rounds_text(svc: NominationService) -> tuple[str, InlineKeyboardMarkup]:
    today = svc.today()
    summaries = await svc.summaries()
    lines = [
        _("<b>Nomination rounds</b> (§IV.2: at most {quota} per unit and round)").format(
            quota=svc.campaign.awards.max_per_unit
        )
    ]
    kb = InlineKeyboardBuilder()
    for s in summaries:
        r = s.round
        state = _("open until {date}").format(date=fmt(r.closes_on)) if r.is_open(today) else _("closed")
        number = _(" (no. {id})").format(id=r.custom_id) if r.custom_id else ""
        lines.append(
            _("• {round}{number}: {state}; {n} nominations from {units} units").format(
                round=round_title(r), number=number, state=state, n=s.nominations, units=s.units
            )
        )
        kb.button(text=r.title(current_locale())[:60], callback_data=NominationsCB(a=NominationsAct.open, r=r.key))
    if not any(s.round.is_open(today) for s in summaries):
        lines += ["", _("No round is open: leaders cannot nominate until you open one.")]
        if today > svc.campaign.end:
            lines.append(
                _(
                    "The campaign's period ended on {date}: its annual round opens again each year, its other rounds are closed."
                ).format(date=fmt(svc.campaign.end))
            )
    lines += ["", escape(rounds_usage())]
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup()


async def nominations_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, campaign, settings)
    args = (command.args or "").split()
    action = args[0].lower() if args else "list"
    if action == "add":
        closes, year, title = parse_round_args(args[1:], svc.today())
        r = await svc.add_round(user, title, closes, year)
        await message.answer(
            _("Round no. {id} opened: {title}, year {year}, until {date}. Leaders can nominate now.").format(
                id=r.custom_id, title=escape(r.title_vi), year=r.year, date=fmt(r.closes_on)
            )
        )
    elif action == "close":
        if len(args) < 2 or not args[1].isdigit():
            raise InvalidInput("round_usage")
        r = await svc.close_round(user, int(args[1]))
        await message.answer(_("Round no. {id} is closed.").format(id=r.custom_id))
    elif action == "list":
        text, kb = await rounds_text(svc)
        await message.answer(text, reply_markup=kb)
    else:
        raise InvalidInput("round_usage")


def listing_text(r: Round, rows) -> str:  # noqa: ANN001
    lines = [
        f"<b>{round_title(r)}</b>",
        ngettext("{n} nomination", "{n} nominations", len(rows)).format(n=len(rows)),
    ]
    unit = None
    for row in rows:
        if row.unit_code != unit:
            unit = row.unit_code
            lines += ["", f"<b>{escape(row.unit_code)}</b> — {escape(row.unit_name)}"]
        lines.append(
            "{slot}. {kind}: {nominee} ({number})".format(
                slot=row.slot,
                kind=kind_name(row.kind),
                nominee=escape(row.nominee),
                number=_("dossier: /dossier {id}").format(id=row.id),
            )
        )
        lines.append(f"<i>{escape(snippet(row.achievement, 120))}</i>")
    if not rows:
        lines += ["", _("No unit has nominated anyone in this round.")]
    else:
        lines += ["", _("A unit's list and cover submission: /dossier {round} UNIT_CODE").format(round=escape(r.key))]
    text = "\n".join(lines)
    if len(text) > LISTING_LIMIT:
        text = text[:LISTING_LIMIT].rsplit("\n", 1)[0]
        if text.count("<i>") > text.count("</i>"):
            text += "</i>"
        text += "\n\n" + _("… the rest is in the export.")
    return text


async def on_nominations(
    query: CallbackQuery,
    callback_data: NominationsCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    svc = service(session, clock, campaign, settings)
    r, rows = await svc.listing(callback_data.r)
    if not isinstance(query.message, Message):
        return
    if callback_data.a == NominationsAct.open:
        kb = InlineKeyboardBuilder()
        if rows:
            kb.button(text=_("⬇ Excel (XLSX)"), callback_data=NominationsCB(a=NominationsAct.xlsx, r=r.key))
            kb.button(text=_("⬇ CSV file"), callback_data=NominationsCB(a=NominationsAct.csv, r=r.key))
        await query.message.answer(listing_text(r, rows), reply_markup=kb.as_markup() if rows else None)
        return
    kind = "xlsx" if callback_data.a == NominationsAct.xlsx else "csv"
    title = _("Nominations: {round}").format(round=r.title(current_locale()))
    award = campaign.awards.award.get(current_locale())
    data = (
        nominations_xlsx(r, rows, title, settings.timezone, award)
        if kind == "xlsx"
        else nominations_csv(rows, settings.timezone)
    )
    await svc.note_export(user, r.key, kind, len(rows))
    name = "de-nghi-khen-thuong_{}.{}".format(r.key.replace("@", "-"), kind)
    await query.message.answer_document(
        BufferedInputFile(data, filename=name),
        caption=ngettext("{n} nomination", "{n} nominations", len(rows)).format(n=len(rows)),
    )


async def eligibility_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    """/eligibility: who may not be commended now and why (Decree 98/2023, Art. 4)."""
    svc = service(session, clock, campaign, settings)
    args = (command.args or "").split(maxsplit=2)
    action = args[0].lower() if args else "list"
    if action in ("person", "unit"):
        if len(args) < 3 or (action == "person" and not args[1].isdigit()):
            raise InvalidInput("eligibility_usage")
        flag = await (
            svc.flag(user, reason=args[2], user_id=int(args[1]))
            if action == "person"
            else svc.flag(user, reason=args[2], unit_code=args[1])
        )
        await message.answer(
            _(
                "Marked as not eligible for commendation (no. {id}): {subject}. Reason: {reason}. "
                "Their nominations are refused until you lift it: /eligibility lift {id}"
            ).format(id=flag.id, subject=escape(flag.subject), reason=escape(flag.reason))
        )
    elif action == "lift":
        if len(args) < 2 or not args[1].isdigit():
            raise InvalidInput("eligibility_usage")
        await svc.lift(user, int(args[1]))
        await message.answer(_("Flag no. {id} lifted.").format(id=int(args[1])))
    elif action == "list":
        flags = await svc.flags()
        lines = [_("<b>Not eligible for commendation</b> (Decree 98/2023/NĐ-CP, Art. 4)")]
        for f in flags:
            lines.append(
                _("No. {id}: {kind} {subject} ({unit}) — {reason}").format(
                    id=f.id,
                    kind=kind_name(f.kind),
                    subject=escape(f.subject),
                    unit=escape(f.unit_name),
                    reason=escape(f.reason),
                )
            )
        if not flags:
            lines.append(_("Nobody is marked."))
        lines += ["", escape(error_usage())]
        await message.answer("\n".join(lines))
    else:
        raise InvalidInput("eligibility_usage")


def error_usage() -> str:
    return _(
        "/eligibility person PERSON_NO REASON — a person may not be commended\n"
        "/eligibility unit UNIT_CODE REASON — a unit may not be commended\n"
        "/eligibility lift ID — lift a flag"
    )


def make_admin_router() -> Router:
    """Administrators (Action.manage_nominations)."""
    router = Router(name="nominations-admin")
    router.message.register(nominations_command, Command("nominations"), StateFilter("*"))
    router.message.register(eligibility_command, Command("eligibility"), StateFilter("*"))
    router.callback_query.register(on_nominations, NominationsCB.filter())
    return router


# -- dossiers (Decree 98/2023): leaders for their own unit, administrators for any ------------


def dossier_service(session: AsyncSession, clock: Clock, campaign: Campaign, settings: Settings):  # noqa: ANN201
    from bot.services.dossiers import DossierService

    return DossierService(
        session,
        clock,
        campaign,
        timezone=settings.timezone,
        ministry_name=settings.ministry_name,
        standing_agency=settings.standing_agency,
    )


def dossier_usage() -> str:
    return _(
        "/dossier — your unit's nominations and their dossiers\n"
        "/dossier N — the achievement report of nomination no. N (Decree 98/2023: form 02 or 03)\n"
        "/dossier ROUND [UNIT_CODE] — a unit's list of nominees and its cover submission"
    )


async def send_achievement(
    message: Message,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
    nomination_id: int,
) -> None:
    import asyncio

    from bot.render.dossier_docx import render_achievement

    a = await dossier_service(session, clock, campaign, settings).achievement(user, nomination_id)
    data = await asyncio.to_thread(render_achievement, a)
    await message.answer_document(
        BufferedInputFile(data, filename=f"bao-cao-thanh-tich_mau-{a.form}_{a.nomination.id}.docx"),
        caption=_(
            "Achievement report (form {form}, Decree 98/2023): {nominee}. A draft: fill in the parts marked, "
            "then have it signed."
        ).format(form=a.form, nominee=escape(snippet(a.nomination.nominee, 200))),
    )


async def send_round_papers(
    message: Message,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
    round_key: str,
    unit_code: str | None,
) -> None:
    import asyncio

    from bot.render.dossier_docx import render_cover, render_list

    svc = dossier_service(session, clock, campaign, settings)
    rd = await svc.round_dossier(user, round_key, unit_code)
    code = "".join(ch for ch in rd.unit.code if ch.isalnum() or ch in "-_") or "don-vi"
    key = rd.round.key.replace("@", "-")
    cover = await asyncio.to_thread(render_cover, rd)
    listing = await asyncio.to_thread(render_list, rd)
    await message.answer_document(
        BufferedInputFile(cover, filename=f"to-trinh_{code}_{key}.docx"),
        caption=_("Cover submission (tờ trình): {unit}, {round}.").format(
            unit=escape(rd.unit.name), round=escape(rd.round.title_vi)
        ),
    )
    await message.answer_document(
        BufferedInputFile(listing, filename=f"danh-sach_{code}_{key}.docx"),
        caption=ngettext("List of nominees: {n} nominee.", "List of nominees: {n} nominees.", len(rd.nominees)).format(
            n=len(rd.nominees)
        ),
    )


async def dossier_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    args = (command.args or "").split()
    if len(args) == 1 and args[0].isdigit():
        await send_achievement(message, session, clock, campaign, settings, user, int(args[0]))
    elif args:
        await send_round_papers(
            message, session, clock, campaign, settings, user, args[0], args[1] if len(args) > 1 else None
        )
    else:
        live = await dossier_service(session, clock, campaign, settings).live_of_unit(user)
        if not live:
            await message.answer(_("Your unit has no nomination in force.") + "\n\n" + escape(dossier_usage()))
            return
        kb = InlineKeyboardBuilder()
        lines = [_("<b>Nomination dossiers</b> (Decree 98/2023/NĐ-CP)")]
        rounds: dict[str, Round] = {}
        for r, n in live:
            rounds.setdefault(r.key, r)
            lines.append(
                _("No. {id}: {kind}, {nominee} — {round}").format(
                    id=n.id, kind=kind_name(n.kind), nominee=escape(n.nominee), round=escape(r.title(current_locale()))
                )
            )
            kb.button(text=_("📄 Achievement report no. {id}").format(id=n.id), callback_data=DossierCB(id=n.id or 0))
        for r in rounds.values():
            kb.button(
                text=_("📄 List and cover submission: {round}").format(round=r.title(current_locale()))[:60],
                callback_data=DossierCB(r=r.key),
            )
        kb.adjust(1)
        await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def on_dossier(
    query: CallbackQuery,
    callback_data: DossierCB,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    settings: Settings,
    user: User,
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.id:
        await send_achievement(query.message, session, clock, campaign, settings, user, callback_data.id)
        return
    await send_round_papers(query.message, session, clock, campaign, settings, user, callback_data.r, None)
    # The leader's button sends the whole dossier: every nomination's achievement report too.
    live = await dossier_service(session, clock, campaign, settings).live_of_unit(user)
    for _r, n in sorted(live, key=lambda pair: pair[1].slot):
        if n.round_key == callback_data.r and n.id is not None:
            await send_achievement(query.message, session, clock, campaign, settings, user, n.id)


def make_dossier_router() -> Router:
    """Leaders (their own unit) and administrators (Action.dossier)."""
    router = Router(name="dossier")
    router.message.register(dossier_command, Command("dossier"), StateFilter("*"))
    router.callback_query.register(on_dossier, DossierCB.filter(), flags={"callback_answer": {"pre": True}})
    return router

"""/nominate for unit leaders, /nominations and /eligibility for administrators, /dossier
for both (plan §IV.2: each unit proposes at most 02 collectives or individuals per round for
the Minister's Certificate of Merit; Decree 98/2023 for the dossiers): routing only. The
rules live in bot.services.nominations and bot.services.dossiers, the screens in
bot.views.nominate.

Leaders see the open rounds; in a round, their unit's nominations with the slots left;
they nominate a collective or an individual (name, then achievements), withdraw one, or
replace it. Administrators list the rounds with their counts, open a round's nominations,
export them (XLSX, CSV), add or close rounds, and mark who may not be commended.
"""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import DossierCB, NominateAct, NominateCB, NominationsAct, NominationsCB
from bot.channels.telegram.render import reply, show
from bot.config import Settings
from bot.domain import NomineeKind, Person
from bot.i18n import _
from bot.services.dossiers import DossierService
from bot.services.errors import InvalidInput
from bot.services.nominations import (
    ACHIEVEMENT_MAX,
    ACHIEVEMENT_MIN,
    NominationRefused,
    NominationService,
    parse_round_args,
)
from bot.views import nominate as views
from handlers.filters import TYPED


class NominateStates(StatesGroup):
    nominee = State()  # data: round, kind, replace (a nomination id, or 0)
    achievement = State()  # data: the above and nominee


# -- leaders --------------------------------------------------------------------------------


async def nominate_command(message: Message, state: FSMContext, nominations: NominationService, user: Person) -> None:
    await state.clear()
    await reply(message, views.opening_screen(nominations.campaign, await nominations.opening(user)))


async def rounds(query: CallbackQuery, nominations: NominationService, user: Person) -> None:
    opening = await nominations.opening(user)
    if opening.rounds:
        await show(query, views.rounds_screen(opening.rounds))
    else:
        await show(query, views.no_round_screen(nominations.campaign, opening.today))


async def round_card(
    query: CallbackQuery, callback_data: NominateCB, nominations: NominationService, user: Person
) -> None:
    await show(query, views.unit_screen(await nominations.card(user, callback_data.r)))


async def _ask_nominee(query: CallbackQuery, state: FSMContext, key: str, kind_index: int, replacing: int) -> None:
    if kind_index not in (0, 1):
        raise InvalidInput("criterion")
    kind = views.KINDS[kind_index]
    await state.set_state(NominateStates.nominee)
    await state.update_data(round=key, kind=kind.value, replace=replacing)
    if isinstance(query.message, Message):
        await reply(query.message, views.nominee_prompt(kind))


async def add(
    query: CallbackQuery, callback_data: NominateCB, state: FSMContext, nominations: NominationService, user: Person
) -> None:
    await nominations.may_add(user, callback_data.r)
    await _ask_nominee(query, state, callback_data.r, callback_data.v, 0)


async def replace(
    query: CallbackQuery, callback_data: NominateCB, state: FSMContext, nominations: NominationService, user: Person
) -> None:
    """Replace a nomination: first a collective or an individual, then as /nominate's add."""
    cb = callback_data
    if cb.v not in (0, 1):
        target = await nominations.live_one(user, cb.r, cb.id, open_round=True)
        await show(query, views.replace_kind_screen(cb.r, target))
        return
    await nominations.open_for(user, cb.r)
    await _ask_nominee(query, state, cb.r, cb.v, cb.id)


async def withdraw(
    query: CallbackQuery, callback_data: NominateCB, nominations: NominationService, user: Person
) -> None:
    target = await nominations.live_one(user, callback_data.r, callback_data.id)
    await show(query, views.withdraw_screen(callback_data.r, target))


async def withdraw_yes(
    query: CallbackQuery,
    callback_data: NominateCB,
    callback_answer: CallbackAnswer,
    nominations: NominationService,
    user: Person,
) -> None:
    card = await nominations.withdraw_shown(user, callback_data.r, callback_data.id)
    await show(query, views.unit_screen(card).with_notice(_("Withdrawn.")), callback_answer)


async def nominee_typed(message: Message, state: FSMContext, nominations: NominationService, user: Person) -> None:
    data = await state.get_data()
    kind = NomineeKind(data.get("kind", NomineeKind.individual.value))
    # A flagged nominee (Decree 98/2023, Art. 4) is refused here, before the achievements are typed.
    nominee = await nominations.precheck(user, kind, message.text or "")
    await state.update_data(nominee=nominee)
    await state.set_state(NominateStates.achievement)
    await reply(message, views.achievement_prompt(nominee, ACHIEVEMENT_MIN, ACHIEVEMENT_MAX))


async def achievement_typed(message: Message, state: FSMContext, nominations: NominationService, user: Person) -> None:
    data = await state.get_data()
    kind = NomineeKind(data.get("kind", NomineeKind.individual.value))
    replacing = int(data.get("replace", 0))
    try:
        card = await nominations.save(
            user,
            str(data.get("round", "")),
            kind,
            str(data.get("nominee", "")),
            message.text or "",
            replacing=replacing,
        )
    except NominationRefused:
        await state.clear()  # a closed round or a full quota: typing again would not help
        raise
    await state.clear()
    await reply(message, views.saved_screen(replaced=bool(replacing)))
    await reply(message, views.unit_screen(card))


def make_router() -> Router:
    """Leaders (Action.nominate). A new router each time: every Dispatcher gets its own.
    One handler per button."""
    router = Router(name="nominate")
    act = NominateCB.filter
    router.message.register(nominate_command, Command("nominate"), StateFilter("*"))
    router.callback_query.register(rounds, act(F.a == NominateAct.rounds))
    router.callback_query.register(round_card, act(F.a == NominateAct.round))
    router.callback_query.register(add, act(F.a == NominateAct.add))
    router.callback_query.register(replace, act(F.a == NominateAct.replace_one))
    router.callback_query.register(withdraw, act(F.a == NominateAct.withdraw))
    router.callback_query.register(withdraw_yes, act(F.a == NominateAct.withdraw_yes))
    router.message.register(nominee_typed, NominateStates.nominee, TYPED)
    router.message.register(achievement_typed, NominateStates.achievement, TYPED)
    return router


# -- administrators ---------------------------------------------------------------------------


async def nominations_command(
    message: Message, command: CommandObject, nominations: NominationService, user: Person
) -> None:
    args = (command.args or "").split()
    action = args[0].lower() if args else "list"
    if action == "add":
        closes, year, title = parse_round_args(args[1:], nominations.today())
        await reply(message, views.round_added_screen(await nominations.add_round(user, title, closes, year)))
    elif action == "close":
        if len(args) < 2 or not args[1].isdigit():
            raise InvalidInput("round_usage")
        await reply(message, views.round_closed_screen(await nominations.close_round(user, int(args[1]))))
    elif action == "list":
        await reply(message, views.board_screen(await nominations.board()))
    else:
        raise InvalidInput("round_usage")


async def open_round(query: CallbackQuery, callback_data: NominationsCB, nominations: NominationService) -> None:
    r, found = await nominations.listing(callback_data.r)
    if isinstance(query.message, Message):
        await reply(query.message, views.listing_screen(r, found))


async def export(
    query: CallbackQuery,
    callback_data: NominationsCB,
    nominations: NominationService,
    settings: Settings,
    user: Person,
) -> None:
    if not isinstance(query.message, Message):
        return
    kind = "xlsx" if callback_data.a == NominationsAct.xlsx else "csv"
    r, found = await nominations.export(user, callback_data.r, kind)
    screen = await asyncio.to_thread(views.export_screen, r, found, kind, settings.timezone, nominations.campaign)
    await reply(query.message, screen)


async def eligibility_command(
    message: Message, command: CommandObject, nominations: NominationService, user: Person
) -> None:
    """/eligibility: who may not be commended now and why (Decree 98/2023, Art. 4)."""
    args = (command.args or "").split(maxsplit=2)
    action = args[0].lower() if args else "list"
    if action in ("person", "unit"):
        if len(args) < 3 or (action == "person" and not args[1].isdigit()):
            raise InvalidInput("eligibility_usage")
        flag = await (
            nominations.flag(user, reason=args[2], user_id=int(args[1]))
            if action == "person"
            else nominations.flag(user, reason=args[2], unit_code=args[1])
        )
        await reply(message, views.flagged_screen(flag))
    elif action == "lift":
        if len(args) < 2 or not args[1].isdigit():
            raise InvalidInput("eligibility_usage")
        await nominations.lift(user, int(args[1]))
        await reply(message, views.lifted_screen(int(args[1])))
    elif action == "list":
        await reply(message, views.flags_screen(await nominations.flags()))
    else:
        raise InvalidInput("eligibility_usage")


def make_admin_router() -> Router:
    """Administrators (Action.manage_nominations)."""
    router = Router(name="nominations-admin")
    act = NominationsCB.filter
    router.message.register(nominations_command, Command("nominations"), StateFilter("*"))
    router.message.register(eligibility_command, Command("eligibility"), StateFilter("*"))
    router.callback_query.register(open_round, act(F.a == NominationsAct.open))
    router.callback_query.register(export, act(F.a.in_({NominationsAct.xlsx, NominationsAct.csv})))
    return router


# -- dossiers (Decree 98/2023): leaders for their own unit, administrators for any ------------


async def dossier_command(message: Message, command: CommandObject, dossiers: DossierService, user: Person) -> None:
    args = (command.args or "").split()
    if len(args) == 1 and args[0].isdigit():
        a = await dossiers.achievement(user, int(args[0]))
        screen = await asyncio.to_thread(views.achievement_screen, a)
    elif args:
        rd, _reports = await dossiers.whole_round(user, args[0], args[1] if len(args) > 1 else None)
        screen = await asyncio.to_thread(views.round_papers_screen, rd)
    else:
        screen = views.dossier_menu_screen(await dossiers.live_of_unit(user))
    await reply(message, screen)


async def dossier_achievement(
    query: CallbackQuery, callback_data: DossierCB, dossiers: DossierService, user: Person
) -> None:
    if isinstance(query.message, Message):
        a = await dossiers.achievement(user, callback_data.id)
        await reply(query.message, await asyncio.to_thread(views.achievement_screen, a))


async def dossier_round(query: CallbackQuery, callback_data: DossierCB, dossiers: DossierService, user: Person) -> None:
    """The leader's button sends the whole dossier: the list, the cover submission and every
    nomination's achievement report."""
    if isinstance(query.message, Message):
        rd, reports = await dossiers.whole_round(user, callback_data.r, with_reports=True)
        await reply(query.message, await asyncio.to_thread(views.round_papers_screen, rd, reports))


def make_dossier_router() -> Router:
    """Leaders (their own unit) and administrators (Action.dossier)."""
    router = Router(name="dossier")
    router.message.register(dossier_command, Command("dossier"), StateFilter("*"))
    pre = {"callback_answer": {"pre": True}}
    router.callback_query.register(dossier_achievement, DossierCB.filter(F.id > 0), flags=pre)
    router.callback_query.register(dossier_round, DossierCB.filter(F.id == 0), flags=pre)
    return router

"""Admin commands (SPEC §3.8): the unit tree (add a unit, import a CSV file, see a unit's
people), roles (make a registered person a leader or communications staff), invitations
(create, list, withdraw) and the audit log. Routing only: the services decide
(bot/services/units.py, people.py, invites.py, audit.py), bot/views/admin.py draws."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.channels.telegram.callbacks import InviteCB, RoleCB
from bot.channels.telegram.menus import set_chat_menu
from bot.channels.telegram.render import reply, send, show
from bot.config import Settings
from bot.domain import Person, Role, UnitKind
from bot.i18n import use_locale
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput
from bot.services.invites import InviteService
from bot.services.people import ASSIGNABLE, PeopleService
from bot.services.units import CSV_MAX_BYTES, UnitService
from bot.views import admin as views
from bot.views.screen import Screen

log = logging.getLogger(__name__)
AUDIT_SHOWN = 30


class AdminStates(StatesGroup):
    units_csv = State()  # waiting for the CSV file of units


def usage_error() -> InvalidInput:
    return InvalidInput("units_usage", usage=views.units_usage())


def subcommand(*names: str) -> Callable[[Message, CommandObject], Awaitable[dict[str, Any] | bool]]:
    """A filter after Command("units"): the first word of its arguments is one of `names`
    ("" for none); the rest of them goes to the handler as `rest`."""

    async def check(message: Message, command: CommandObject) -> dict[str, Any] | bool:
        words = (command.args or "").split(maxsplit=1)
        if (words[0].lower() if words else "") not in names:
            return False
        return {"rest": words[1] if len(words) > 1 else ""}

    return check


# -- the unit tree ------------------------------------------------------------------------


async def units_tree(message: Message, units: UnitService) -> None:
    await reply(message, views.tree_screen(await units.tree()))


async def units_unknown(message: Message) -> None:
    raise usage_error()


async def units_add(message: Message, rest: str, units: UnitService, user: Person) -> None:
    """CODE PARENT|- [KIND] NAME…"""
    parts = rest.split()
    if len(parts) < 3:
        raise usage_error()
    code, parent = parts[0], (None if parts[1] == "-" else parts[1])
    words = parts[2:]
    kind = UnitKind.ministry_unit.value if parent is None else UnitKind.division.value
    if words[0] in {k.value for k in UnitKind} and len(words) > 1:
        kind = words.pop(0)
    unit = await units.add(code, " ".join(words), parent, kind, by=user.telegram_id)
    await reply(message, views.unit_added(unit))


async def units_import(message: Message, state: FSMContext, bot: Bot, units: UnitService, user: Person) -> None:
    """/units import: the file now (sent with the command as its caption) or next."""
    if message.document is not None:
        await csv_received(message, state, bot, units, user)
        return
    await state.set_state(AdminStates.units_csv)
    await reply(message, views.csv_prompt())


async def csv_received(message: Message, state: FSMContext, bot: Bot, units: UnitService, user: Person) -> None:
    doc = message.document
    if doc is None or (doc.file_size or 0) > CSV_MAX_BYTES:
        raise InvalidInput("csv_file", max=CSV_MAX_BYTES // 1024)
    buf = await bot.download(doc)
    result = await units.import_file(buf.read() if buf is not None else b"", by=user.telegram_id)
    await state.clear()
    await reply(message, views.units_imported(result))


async def units_show(message: Message, rest: str, people: PeopleService) -> None:
    if not rest.strip():
        raise usage_error()
    unit, members = await people.unit_members(rest.strip())
    await reply(message, views.unit_people(unit, members))


async def units_doc(message: Message, rest: str, units: UnitService, user: Person) -> None:
    parts = rest.split(maxsplit=2)
    if len(parts) < 2:
        raise usage_error()
    unit = await units.set_document(parts[0], parts[1], parts[2] if len(parts) > 2 else None, by=user.telegram_id)
    await reply(message, views.unit_documents(unit))


# -- roles -----------------------------------------------------------------------------------


async def refresh_menu(bot: Bot, person: Person) -> None:
    """The person's command menu follows their new role, in their own language (every role
    has its chat's menu: an employee who chose English keeps an English one)."""

    with use_locale(person.locale):
        await set_chat_menu(bot, person)


async def tell_role(bot: Bot, person: Person) -> None:
    if person.telegram_id is None or not person.active:
        return
    with use_locale(person.locale):
        screen = views.role_told(person)
    try:
        await send(bot, person.telegram_id, screen)
    except TelegramAPIError as exc:
        log.info("person %s not told of their new role: %s", person.id, exc)


async def _set_role(bot: Bot, people: PeopleService, admin: Person, person_id: int, role: Role | str) -> Screen:
    person, old = await people.change_role(admin, person_id, role)
    if old != Role(person.role):
        await refresh_menu(bot, person)
        await tell_role(bot, person)
    return views.role_changed(person, old)


async def role_command(message: Message, command: CommandObject, bot: Bot, people: PeopleService, user: Person) -> None:
    parts = (command.args or "").split()
    if len(parts) != 2 or not parts[0].lstrip("#").isdigit():
        raise InvalidInput("role_usage")
    await reply(message, await _set_role(bot, people, user, int(parts[0].lstrip("#")), parts[1].lower()))


async def role_choices(query: CallbackQuery, callback_data: RoleCB, people: PeopleService) -> None:
    """A person's button in /units show: the roles to choose from, in a new message."""
    if not isinstance(query.message, Message):
        return
    await reply(query.message, views.role_choices(await people.person(callback_data.id)))


async def role_chosen(
    query: CallbackQuery, callback_data: RoleCB, bot: Bot, people: PeopleService, user: Person
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.r >= len(ASSIGNABLE):
        raise InvalidInput("role", value=str(callback_data.r))
    await show(query, await _set_role(bot, people, user, callback_data.id, ASSIGNABLE[callback_data.r]))


# -- invitations -----------------------------------------------------------------------------


def _parse_invite_args(args: str | None) -> tuple[str, Role, int, int | None]:
    parts = (args or "").split()
    if not parts:
        raise InvalidInput("invite_usage")
    unit_code = parts[0]
    try:
        role = Role(parts[1]) if len(parts) > 1 else Role.employee
    except ValueError:
        raise InvalidInput("role", value=parts[1]) from None
    try:
        days = int(parts[2]) if len(parts) > 2 else 14
        uses = int(parts[3]) if len(parts) > 3 else None
    except ValueError:
        raise InvalidInput("invite_usage") from None
    return unit_code, role, days, uses


async def invite(message: Message, command: CommandObject, bot: Bot, invites: InviteService, user: Person) -> None:
    unit_code, role, days, uses = _parse_invite_args(command.args)
    inv = await invites.create(unit_code, role, valid_days=days, max_uses=uses, created_by=user.telegram_id)
    me = await bot.me()
    await reply(message, views.invite_created(inv, unit_code, days, uses, me.username or ""))


async def revoke(message: Message, command: CommandObject, invites: InviteService, user: Person) -> None:
    token = (command.args or "").strip()
    if not token:
        raise InvalidInput("revoke_usage")
    await invites.revoke(token, by=user.telegram_id)
    await reply(message, views.invite_revoked())


async def invite_list(
    message: Message, command: CommandObject, bot: Bot, settings: Settings, invites: InviteService
) -> None:
    """Invitations that still work, newest first, with their links and a withdraw button."""
    listing = await invites.working_list((command.args or "").strip() or None)
    me = await bot.me()
    await reply(message, views.invitations(listing, me.username or "", settings.zone))


async def withdraw(
    query: CallbackQuery,
    callback_data: InviteCB,
    callback_answer: CallbackAnswer,
    invites: InviteService,
    user: Person,
) -> None:
    await invites.revoke_by_id(callback_data.id, by=user.telegram_id)
    callback_answer.text = views.invite_withdrawn_notice(callback_data.id)


# -- the audit log ----------------------------------------------------------------------------


async def audit_log(message: Message, command: CommandObject, settings: Settings, audit: AuditService) -> None:
    refused_only = (command.args or "").strip().lower() in ("refused", "từ chối")
    entries = await audit.recent(AUDIT_SHOWN, refused_only=refused_only)
    await reply(message, views.audit_log(entries, refused_only, settings.zone))


def make_router() -> Router:
    """The unit tree (Action.manage_units). A new router each time: every Dispatcher gets its own."""
    router = Router(name="admin")
    units = Command("units")
    router.message.register(units_tree, units, subcommand("", "tree"), StateFilter("*"))
    router.message.register(units_add, units, subcommand("add"), StateFilter("*"))
    router.message.register(units_import, units, subcommand("import"), StateFilter("*"))
    router.message.register(units_show, units, subcommand("show"), StateFilter("*"))
    router.message.register(units_doc, units, subcommand("doc"), StateFilter("*"))
    router.message.register(units_unknown, units, StateFilter("*"))
    router.message.register(csv_received, AdminStates.units_csv, F.document)
    return router


def make_invites_router() -> Router:
    """Invitations (Action.manage_invites)."""
    router = Router(name="invites")
    router.message.register(invite, Command("invite"))
    router.message.register(revoke, Command("revoke"))
    router.message.register(invite_list, Command("invites"))
    router.callback_query.register(withdraw, InviteCB.filter())
    return router


def make_roles_router() -> Router:
    """Roles (Action.manage_roles)."""
    router = Router(name="roles")
    router.message.register(role_command, Command("role"))
    router.callback_query.register(role_choices, RoleCB.filter(F.r < 0))
    router.callback_query.register(role_chosen, RoleCB.filter(F.r >= 0))
    return router


def make_audit_router() -> Router:
    """The audit log (Action.view_audit)."""
    router = Router(name="audit")
    router.message.register(audit_log, Command("audit"))
    return router

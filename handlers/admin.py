"""Admin commands (SPEC §3.8): the unit tree (add a unit, import a CSV file, see a unit's
people), roles (make a registered person a leader or communications staff), invitations
(create, list, withdraw) and the audit log."""

from __future__ import annotations

import logging
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram.callbacks import InviteCB, RoleCB
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, use_locale
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from bot.services.invites import InviteService, deep_link
from bot.services.people import ASSIGNABLE, PeopleService
from bot.services.units import CSV_COLUMNS, UnitService
from handlers.edit import edit_in_place
from bot.views.texts import role_name
from storage.models import Invitation, Role, UnitKind, User

log = logging.getLogger(__name__)
MAX_TREE_LINES = 120
MAX_MEMBERS_SHOWN = 60
MAX_ROLE_BUTTONS = 20
MAX_INVITES = 20
AUDIT_SHOWN = 30
CSV_MAX_BYTES = 1024 * 1024


def units_usage() -> str:
    return _(
        "/units — the tree\n"
        "/units add CODE PARENT_CODE|- [ministry_unit|province_dept|division] NAME — add a unit (- for a top-level one)\n"
        "/units import — then send a CSV file (code,name,parent_code,kind)\n"
        "/units show CODE — the unit's people and their roles\n"
        "/units doc CODE DOC_CODE [PLACE] — its documents' code and place (Số: …/BC-DOC_CODE; PLACE, ngày …)\n"
        "/role PERSON_NO employee|leader|comms — change a person's role"
    )


class AdminStates(StatesGroup):
    units_csv = State()  # waiting for the CSV file of units


# -- the unit tree ------------------------------------------------------------------------


async def units(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    bot: Bot,
    session: AsyncSession,
    clock: Clock,
    user: User,
) -> None:
    args = (command.args or "").split(maxsplit=1)
    action = args[0].lower() if args else "tree"
    if action == "add":
        await add_unit(message, args[1] if len(args) > 1 else "", session, clock, user)
    elif action == "import":
        if message.document is not None:
            await import_units(message, state, bot, session, clock, user)
        else:
            await state.set_state(AdminStates.units_csv)
            await message.answer(
                _(
                    "Send the CSV file now, as a document, with the columns {columns} "
                    "(parent_code and kind may be empty). Or send /cancel."
                ).format(columns=", ".join(CSV_COLUMNS))
            )
    elif action == "show":
        if len(args) < 2:
            raise InvalidInput("units_usage", usage=units_usage())
        text, kb = await unit_people(session, clock, args[1].strip())
        await message.answer(text, reply_markup=kb)
    elif action == "doc":
        parts = (args[1] if len(args) > 1 else "").split(maxsplit=2)
        if len(parts) < 2:
            raise InvalidInput("units_usage", usage=units_usage())
        unit = await UnitService(session, clock).set_document(parts[0], parts[1], parts[2] if len(parts) > 2 else None)
        AuditService(session, clock).note(user.telegram_id, "unit.doc", detail=f"code={unit.code} doc={unit.doc_code}")
        await session.commit()
        await message.answer(
            _("Documents of {name}: “Số: …/BC-{doc_code}”, “{place}, ngày … tháng … năm …”.").format(
                name=escape(unit.name), doc_code=escape(unit.doc_code or ""), place=escape(unit.place or "…")
            )
        )
    elif action == "tree":
        await message.answer(await tree_text(session, clock))
    else:
        raise InvalidInput("units_usage", usage=units_usage())


async def tree_text(session: AsyncSession, clock: Clock) -> str:
    rows = await UnitService(session, clock).tree()
    if not rows:
        return (
            _("There are no units yet. Add one with /units add, or send a CSV file with /units import.")
            + "\n\n"
            + escape(units_usage())
        )
    lines = [_("<b>Units</b> ({count})").format(count=len(rows))]
    for row in rows[:MAX_TREE_LINES]:
        lines.append("{}• <code>{}</code> {}".format("    " * row.depth, escape(row.unit.code), escape(row.unit.name)))
    if len(rows) > MAX_TREE_LINES:
        lines.append(_("… and {count} more.").format(count=len(rows) - MAX_TREE_LINES))
    lines += ["", escape(units_usage())]
    return "\n".join(lines)


async def add_unit(message: Message, args: str, session: AsyncSession, clock: Clock, user: User) -> None:
    """CODE PARENT|- [KIND] NAME…"""
    parts = args.split()
    if len(parts) < 3:
        raise InvalidInput("units_usage", usage=units_usage())
    code, parent = parts[0], (None if parts[1] == "-" else parts[1])
    rest = parts[2:]
    kind = UnitKind.ministry_unit.value if parent is None else UnitKind.division.value
    if rest[0] in {k.value for k in UnitKind} and len(rest) > 1:
        kind = rest.pop(0)
    unit = await UnitService(session, clock).add(code, " ".join(rest), parent, kind)
    AuditService(session, clock).note(user.telegram_id, "unit.add", detail=f"code={unit.code} parent={parent}")
    await session.commit()
    await message.answer(
        _("Unit added: <code>{code}</code> {name}.").format(code=escape(unit.code), name=escape(unit.name))
    )


async def import_units(
    message: Message, state: FSMContext, bot: Bot, session: AsyncSession, clock: Clock, user: User
) -> None:
    doc = message.document
    if doc is None or (doc.file_size or 0) > CSV_MAX_BYTES:
        raise InvalidInput("csv_file", max=CSV_MAX_BYTES // 1024)
    buf = await bot.download(doc)
    raw = buf.read() if buf is not None else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("csv_file", max=CSV_MAX_BYTES // 1024) from None
    result = await UnitService(session, clock).import_csv(text)
    await state.clear()
    AuditService(session, clock).note(
        user.telegram_id, "unit.import", detail=f"created={result.created} updated={result.updated}"
    )
    await session.commit()
    await message.answer(
        _("Units imported: {created} added, {updated} updated.").format(created=result.created, updated=result.updated)
    )


async def unit_people(session: AsyncSession, clock: Clock, code: str) -> tuple[str, InlineKeyboardMarkup | None]:
    unit, people = await PeopleService(session, clock).unit_members(code)
    lines = [
        _("<b>{name}</b> (<code>{code}</code>): {n} registered").format(
            name=escape(unit.name), code=escape(unit.code), n=len(people)
        )
    ]
    for p in people[:MAX_MEMBERS_SHOWN]:
        lines.append(
            _("• no. {id} {name}, {position} — {role}").format(
                id=p.id, name=escape(p.full_name or "?"), position=escape(p.position or "—"), role=role_name(p.role)
            )
        )
    if len(people) > MAX_MEMBERS_SHOWN:
        lines.append(_("… and {count} more.").format(count=len(people) - MAX_MEMBERS_SHOWN))
    if people:
        lines += ["", _("Tap a person to change their role, or send /role NO ROLE.")]
    kb = InlineKeyboardBuilder()
    for p in [p for p in people if Role(p.role) != Role.admin][:MAX_ROLE_BUTTONS]:
        kb.button(
            text="{} · {}".format((p.full_name or "?")[:30], role_name(p.role)), callback_data=RoleCB(id=p.id or 0)
        )
    kb.adjust(1)
    return "\n".join(lines), kb.as_markup() if people else None


async def csv_received(
    message: Message, state: FSMContext, bot: Bot, session: AsyncSession, clock: Clock, user: User
) -> None:
    await import_units(message, state, bot, session, clock, user)


# -- roles -----------------------------------------------------------------------------------


async def refresh_menu(bot: Bot, person: User) -> None:
    """The person's command menu follows their new role, in their own language (every role
    has its chat's menu: an employee who chose English keeps an English one)."""
    from handlers.common import set_chat_menu

    with use_locale(person.locale):
        await set_chat_menu(bot, person)


async def tell_role(bot: Bot, person: User) -> None:
    if person.telegram_id is None or not person.active:
        return
    with use_locale(person.locale):
        text = _("An administrator has made you {role}. Send /help to see what you can do now.").format(
            role=role_name(person.role)
        )
    try:
        await bot.send_message(person.telegram_id, text)
    except TelegramAPIError as exc:
        log.info("person %s not told of their new role: %s", person.id, exc)


async def set_role(bot: Bot, session: AsyncSession, clock: Clock, admin: User, person_id: int, role: Role | str) -> str:
    person, old = await PeopleService(session, clock).change_role(admin, person_id, role)
    if old == Role(person.role):
        return _("{name} is already {role}.").format(name=escape(person.full_name), role=role_name(person.role))
    await refresh_menu(bot, person)
    await tell_role(bot, person)
    return _("{name} is now {role} (was {old}).").format(
        name=escape(person.full_name), role=role_name(person.role), old=role_name(old)
    )


async def role_command(
    message: Message, command: CommandObject, bot: Bot, session: AsyncSession, clock: Clock, user: User
) -> None:
    parts = (command.args or "").split()
    if len(parts) != 2 or not parts[0].lstrip("#").isdigit():
        raise InvalidInput("role_usage")
    await message.answer(await set_role(bot, session, clock, user, int(parts[0].lstrip("#")), parts[1].lower()))


async def on_role(
    query: CallbackQuery, callback_data: RoleCB, bot: Bot, session: AsyncSession, clock: Clock, user: User
) -> None:
    if not isinstance(query.message, Message):
        return
    if callback_data.r < 0:
        person = await PeopleService(session, clock).person(callback_data.id)
        kb = InlineKeyboardBuilder()
        for n, role in enumerate(ASSIGNABLE):
            mark = "• " if Role(person.role) == role else ""
            kb.button(text=mark + role_name(role), callback_data=RoleCB(id=callback_data.id, r=n))
        kb.adjust(1)
        await query.message.answer(
            _("Role of {name} (now {role}):").format(name=escape(person.full_name), role=role_name(person.role)),
            reply_markup=kb.as_markup(),
        )
        return
    if callback_data.r >= len(ASSIGNABLE):
        raise InvalidInput("role", value=str(callback_data.r))
    text = await set_role(bot, session, clock, user, callback_data.id, ASSIGNABLE[callback_data.r])
    await edit_in_place(query, text)


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


async def invite(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, bot: Bot, user: User
) -> None:
    unit_code, role, days, uses = _parse_invite_args(command.args)
    inv = await InviteService(session, clock).create(
        unit_code, role, valid_days=days, max_uses=uses, created_by=user.telegram_id
    )
    me = await bot.me()
    uses_text = _("unlimited") if uses is None else str(uses)
    await message.answer(
        _(
            "Invitation for <b>{unit}</b> as {role}, valid {days} days, uses: {uses}.\n{link}\n\n"
            "Withdraw it with /revoke {token}"
        ).format(
            unit=escape(unit_code),
            role=role_name(role),
            days=days,
            uses=uses_text,
            link=escape(deep_link(me.username or "", inv.token))
            + "\n"
            + _("Zalo code: {code} (on Zalo, the person sends it to the bot)").format(code=f"<code>{inv.code}</code>"),
            token=inv.token,
        )
    )


async def revoke(message: Message, command: CommandObject, session: AsyncSession, clock: Clock, user: User) -> None:
    token = (command.args or "").strip()
    if not token:
        raise InvalidInput("revoke_usage")
    await InviteService(session, clock).revoke(token, by=user.telegram_id)
    await message.answer(_("The invitation has been withdrawn. Its link no longer works."))


def invitation_state(inv: Invitation, now) -> str | None:  # noqa: ANN001
    """None while the link works; otherwise why not."""
    if inv.revoked_at is not None:
        return _("withdrawn")
    if inv.expires_at is not None and inv.expires_at <= now:
        return _("expired")
    if inv.max_uses is not None and inv.uses >= inv.max_uses:
        return _("used up")
    return None


async def invites(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, bot: Bot, settings: Settings
) -> None:
    """Invitations that still work, newest first, with their links and a withdraw button."""
    code = (command.args or "").strip() or None
    rows = await InviteService(session, clock).list(code)
    now = clock.now()
    working = sorted(
        (inv for inv in rows if invitation_state(inv, now) is None),
        key=lambda inv: (inv.created_at, inv.id or 0),
        reverse=True,
    )
    units = {u.id: u for u in await UnitService(session, clock).all()}
    me = await bot.me()
    lines = [
        _("<b>Invitations that work</b> ({n}); withdrawn, expired or used up: {others}").format(
            n=len(working), others=len(rows) - len(working)
        )
    ]
    kb = InlineKeyboardBuilder()
    zone = ZoneInfo(settings.timezone)
    for inv in working[:MAX_INVITES]:
        unit = units.get(inv.unit_id) if inv.unit_id else None
        lines.append(
            _("• no. {id}: {unit}, {role}; until {date}; used {uses}/{limit}\n  {link}").format(
                id=inv.id,
                unit=escape(unit.code if unit else "—"),
                role=role_name(inv.role),
                date=inv.expires_at.astimezone(zone).strftime("%d/%m/%Y") if inv.expires_at else "—",
                uses=inv.uses,
                limit=inv.max_uses if inv.max_uses is not None else "∞",
                link=escape(deep_link(me.username or "", inv.token)),
            )
        )
        kb.button(text=_("Withdraw no. {id}").format(id=inv.id), callback_data=InviteCB(id=inv.id or 0))
    if len(working) > MAX_INVITES:
        lines.append(_("… and {count} more.").format(count=len(working) - MAX_INVITES))
    if not working:
        lines.append(_("None. Create one with /invite UNIT_CODE [role] [days] [uses]."))
    kb.adjust(2)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup() if working else None)


async def on_invite(
    query: CallbackQuery,
    callback_data: InviteCB,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    clock: Clock,
    user: User,
) -> None:
    inv = await session.get(Invitation, callback_data.id)
    if inv is None:
        raise NotFound("invitation")
    await InviteService(session, clock).revoke(inv.token, by=user.telegram_id)
    callback_answer.text = _("Invitation no. {id} withdrawn: its link no longer works.").format(id=callback_data.id)


# -- the audit log ----------------------------------------------------------------------------


async def audit(
    message: Message, command: CommandObject, session: AsyncSession, clock: Clock, settings: Settings
) -> None:
    refused_only = (command.args or "").strip().lower() in ("refused", "từ chối")
    entries = await AuditService(session, clock).recent(AUDIT_SHOWN, refused_only=refused_only)
    zone = ZoneInfo(settings.timezone)
    lines = [
        _("<b>Audit log</b>, newest first ({n}){only}").format(
            n=len(entries), only=_(", refusals only") if refused_only else ""
        )
    ]
    footer = ["", _("/audit refused — refusals only")]
    for e in entries:
        line = "{at} · <b>{action}</b> · {outcome} · {actor}{detail}".format(
            at=e.at.astimezone(zone).strftime("%d/%m %H:%M"),
            action=escape(e.action),
            outcome=escape(e.outcome),
            actor=e.actor_telegram_id if e.actor_telegram_id is not None else "—",
            detail=" · " + escape(e.detail[:120]) if e.detail else "",
        )
        if sum(len(x) + 1 for x in lines + footer) + len(line) > 4000:
            break
        lines.append(line)
    if not entries:
        lines.append(_("No entries."))
    await message.answer("\n".join(lines + footer))


def make_router() -> Router:
    """The unit tree (Action.manage_units). A new router each time: every Dispatcher gets its own."""
    router = Router(name="admin")
    router.message.register(units, Command("units"), StateFilter("*"))
    router.message.register(csv_received, AdminStates.units_csv, F.document)
    return router


def make_invites_router() -> Router:
    """Invitations (Action.manage_invites)."""
    router = Router(name="invites")
    router.message.register(invite, Command("invite"))
    router.message.register(revoke, Command("revoke"))
    router.message.register(invites, Command("invites"))
    router.callback_query.register(on_invite, InviteCB.filter())
    return router


def make_roles_router() -> Router:
    """Roles (Action.manage_roles)."""
    router = Router(name="roles")
    router.message.register(role_command, Command("role"))
    router.callback_query.register(on_role, RoleCB.filter())
    return router


def make_audit_router() -> Router:
    """The audit log (Action.view_audit)."""
    router = Router(name="audit")
    router.message.register(audit, Command("audit"))
    return router

"""Admin commands (SPEC §3.8) that the foundation needs: the unit tree and invitations."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.i18n import _
from bot.services.errors import InvalidInput
from bot.services.invites import InviteService, deep_link
from bot.services.units import UnitService
from handlers.texts import role_name
from storage.models import Role, User

MAX_TREE_LINES = 120


async def units(message: Message, session: AsyncSession, clock: Clock) -> None:
    rows = await UnitService(session, clock).tree()
    if not rows:
        await message.answer(_("There are no units yet. Add them with <code>python -m bot unit add</code> or <code>unit import</code>."))
        return
    lines = [_("<b>Units</b> ({count})").format(count=len(rows))]
    for row in rows[:MAX_TREE_LINES]:
        lines.append("{}• <code>{}</code> {}".format("    " * row.depth, escape(row.unit.code), escape(row.unit.name)))
    if len(rows) > MAX_TREE_LINES:
        lines.append(_("… and {count} more.").format(count=len(rows) - MAX_TREE_LINES))
    await message.answer("\n".join(lines))


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


async def invite(message: Message, command: CommandObject, session: AsyncSession, clock: Clock, bot: Bot, user: User) -> None:
    unit_code, role, days, uses = _parse_invite_args(command.args)
    inv = await InviteService(session, clock).create(
        unit_code, role, valid_days=days, max_uses=uses, created_by=user.telegram_id
    )
    me = await bot.me()
    uses_text = _("unlimited") if uses is None else str(uses)
    await message.answer(
        _("Invitation for <b>{unit}</b> as {role}, valid {days} days, uses: {uses}.\n{link}\n\n"
          "Withdraw it with /revoke {token}").format(
            unit=escape(unit_code), role=role_name(role), days=days, uses=uses_text,
            link=escape(deep_link(me.username or "", inv.token)), token=inv.token,
        )
    )


async def revoke(message: Message, command: CommandObject, session: AsyncSession, clock: Clock, user: User) -> None:
    token = (command.args or "").strip()
    if not token:
        raise InvalidInput("revoke_usage")
    await InviteService(session, clock).revoke(token, by=user.telegram_id)
    await message.answer(_("The invitation has been withdrawn. Its link no longer works."))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="admin")
    router.message.register(units, Command("units"))
    router.message.register(invite, Command("invite"))
    router.message.register(revoke, Command("revoke"))
    return router

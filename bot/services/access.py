"""Who may do what (SPEC §2). One table, read by handlers through a role filter."""

from __future__ import annotations

import enum
from typing import NoReturn

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.services.audit import AuditService
from bot.services.errors import AccessDenied
from storage.models import Role


class Action(str, enum.Enum):
    use_bot = "use_bot"  # help, settings, cancel, own data
    checkin = "checkin"
    share = "share"
    view_unit = "view_unit"  # leader: own unit and sub-units only
    nominate = "nominate"
    report = "report"
    review = "review"  # comms: good examples only
    manage_units = "manage_units"
    manage_invites = "manage_invites"
    announce = "announce"
    deadline_done = "deadline_done"  # leaders mark a deadline done for their unit
    manage_deadlines = "manage_deadlines"
    sector = "sector"
    manage_roles = "manage_roles"  # admin: make a registered person a leader or comms staff
    manage_nominations = "manage_nominations"  # admin: add rounds, see and export every unit's
    view_audit = "view_audit"
    dossier = "dossier"  # nomination dossiers (Decree 98/2023): a leader's own unit, admins all


_ALL = frozenset(Role)
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.use_bot: _ALL,
    Action.checkin: _ALL,
    Action.share: _ALL,
    Action.view_unit: frozenset({Role.leader, Role.admin}),
    Action.nominate: frozenset({Role.leader}),
    Action.report: frozenset({Role.leader}),
    Action.review: frozenset({Role.comms, Role.admin}),
    Action.manage_units: frozenset({Role.admin}),
    Action.manage_invites: frozenset({Role.admin}),
    Action.announce: frozenset({Role.admin}),
    Action.deadline_done: frozenset({Role.leader}),
    Action.manage_deadlines: frozenset({Role.admin}),
    Action.sector: frozenset({Role.admin}),
    Action.manage_roles: frozenset({Role.admin}),
    Action.manage_nominations: frozenset({Role.admin}),
    Action.view_audit: frozenset({Role.admin}),
    Action.dossier: frozenset({Role.leader, Role.admin}),
}


def allowed(role: Role | str | None, action: Action) -> bool:
    if role is None:
        return False
    return Role(role) in PERMISSIONS[action]


async def deny(
    session: AsyncSession,
    clock: Clock,
    user: Person | None,
    action: Action,
    detail: str = "",
    *,
    code: str | None = None,
) -> NoReturn:
    """Refuse an action the role allows in general but not on this object (a leader
    acting on another unit): an audit entry, then AccessDenied for the user's reply
    (`code` names the reason the person is told; by default "not for your role")."""
    await AuditService(session, clock).refused(
        user.telegram_id if user else None,
        action.value,
        detail=f"role={Role(user.role).value if user else None} {detail}".strip(),
    )
    raise AccessDenied(code)

"""Who may do what (SPEC §2). One table, read by handlers through a role filter."""

from __future__ import annotations

import enum

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
}


def allowed(role: Role | str | None, action: Action) -> bool:
    if role is None:
        return False
    return Role(role) in PERMISSIONS[action]

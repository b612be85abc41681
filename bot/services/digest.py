"""The leader's weekly digest (SPEC §3.6): the unit and its sub-units, the week just closed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.checkin import CheckinService, Position, week_monday
from bot.services.deadlines import DeadlineService, Occurrence
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.examples import ExampleRow, ExampleService
from bot.services.stats import Participation, StatsService, needs_attention, since_first_expected
from storage.delivery import OutboxMessage, OutboxStatus
from storage.models import CheckInStatus, Role, Unit, User
from storage.repositories import UnitRepo

#: What a nudged member is sent: `render(member, position)` -> an outbox body, in the
#: member's language (the caller draws it with the views and its channel's renderer).
NudgeRender = Callable[[User, Position], dict[str, Any]]

TREND_WEEKS = 8


@dataclass(frozen=True)
class LeaderDigest:
    unit: Unit
    sub_units: int
    week: int
    now: Participation  # with shares (None when withheld) and the missing members
    before: Participation  # the week before, for the change (expected 0: nobody had joined yet)
    trend: list[Participation]  # oldest first, ending with `week`, from the first week anybody was expected
    deadlines: list[Occurrence]
    leader_id: int | None = None
    examples: list[ExampleRow] = field(default_factory=list)  # approved in the week, unit and sub-units
    attention: str | None = None  # the criterion group that needs attention (stats.needs_attention)

    @property
    def to_remind(self) -> list[User]:
        """Those the leader can nudge: the missing, the leader aside."""
        return [m for m in self.now.missing if m.id != self.leader_id]


class DigestService:
    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.stats = StatsService(session)

    async def unit_ids(self, leader: Person) -> tuple[Unit, list[int]]:
        """A leader sees their own unit and its sub-units only (SPEC §2)."""
        if leader.role not in (Role.leader, Role.admin) or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.view_unit, "no unit to lead")
        repo = UnitRepo(self.session)
        unit = await repo.get(leader.unit_id)
        if unit is None:
            await deny(self.session, self.clock, leader, Action.view_unit, "own unit gone")
        return unit, [u.id for u in await repo.subtree(unit) if u.id is not None]

    async def leaders(self) -> list[User]:
        """Who gets a digest on Monday: registered, active leaders with a unit, reachable."""
        res = await self.session.exec(
            select(User)
            .where(
                User.role == Role.leader,
                col(User.onboarded_at).is_not(None),
                col(User.active).is_(True),
                or_(col(User.telegram_id).is_not(None), col(User.zalo_id).is_not(None)),
                col(User.unit_id).is_not(None),
            )
            .order_by(col(User.id))
        )
        return list(res.all())

    async def for_leader(self, leader: User, week: int, today: date) -> LeaderDigest:
        unit, ids = await self.unit_ids(leader)
        trend = await self.stats.trend(ids, week, TREND_WEEKS, missing_last_only=True)
        now = replace(trend[-1], shares=await self.stats.shares(ids, week))
        before = trend[-2]
        trend = since_first_expected(trend[:-1] + [now])
        deadlines = await DeadlineService(self.session, self.clock, self.campaign).upcoming(today, days=45)
        monday = week_monday(week)
        examples = await ExampleService(self.session, self.clock, leader.timezone).approved_in(
            unit, monday, monday + timedelta(days=6)
        )
        return LeaderDigest(
            unit=unit,
            sub_units=len(ids) - 1,
            week=week,
            now=now,
            before=before,
            trend=trend,
            deadlines=deadlines,
            leader_id=leader.id,
            examples=examples,
            attention=needs_attention(now.shares, [g.code for g in self.campaign.individual_criteria]),
        )


@dataclass(frozen=True)
class NudgeResult:
    """What a tap on a nudge button did, person by person."""

    scheduled: list[User] = field(default_factory=list)  # a reminder queued now (the outbox sends it shortly)
    already: list[User] = field(default_factory=list)  # reminded today already (each member at most once a day)
    not_needed: list[User] = field(default_factory=list)  # done or absent with a reason this week
    delivered: frozenset[int] = frozenset()  # of `already`, those whose reminder has gone out

    @property
    def queued(self) -> int:
        return len(self.scheduled)

    @property
    def done(self) -> int:
        return len(self.not_needed)

    @property
    def reminded(self) -> list[User]:
        """Reminded today, now or before: their buttons show it."""
        return self.scheduled + self.already


class NudgeService:
    """A leader's one-tap nudge to members who have not checked in (SPEC §3.6)."""

    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign

    async def targets(self, leader: Person, member_id: int | None, week: int) -> list[User]:
        """The members the leader may nudge: in their unit or sub-units only. Everyone:
        those the digest of `week` lists as not done."""
        unit, ids = await DigestService(self.session, self.clock, self.campaign).unit_ids(leader)
        stats = StatsService(self.session)
        if member_id is None:
            missing = (await stats.participation(ids, week, with_shares=False)).missing
            return [m for m in missing if m.id != leader.id]
        found = [m for m in await stats.members(ids) if m.id == member_id]
        if not found:  # another unit's member (a forged button), or no such person: refused and audited
            await deny(
                self.session, self.clock, leader, Action.view_unit, f"nudge member={member_id} outside unit={unit.id}"
            )
        return found

    def _key(self, member: User) -> str:
        """One reminder per member and day (the member's day): the outbox's key."""
        today = self.clock.now().astimezone(ZoneInfo(member.timezone)).date()
        return f"leader-nudge:{member.id}:{today.isoformat()}"

    async def nudge(self, leader: Person, member_id: int | None, week: int, render: NudgeRender) -> NudgeResult:
        """Queue a reminder to one member (`member_id`) or everyone the digest of `week`
        lists as not done; `render(member, position)` draws each one's message."""
        svc = CheckinService(self.session, self.clock, self.campaign)
        to_send: dict[int, tuple[User, Any]] = {}
        not_needed: list[User] = []
        for member in await self.targets(leader, member_id, week):
            view = await svc.view(member)
            if view.status in (CheckInStatus.done, CheckInStatus.skipped):
                not_needed.append(member)
            else:
                to_send[id(member)] = (member, view)
        keys = {self._key(m): m for m, _view in to_send.values()}
        found: dict[str, str] = {}
        if keys:
            res = await self.session.exec(
                select(OutboxMessage.key, OutboxMessage.status).where(col(OutboxMessage.key).in_(list(keys)))
            )
            found = {k: st for k, st in res.all()}
        out = [
            # Members are people with a chat (stats.member_filter).
            Outgoing(key, "nudge", m.telegram_id or 0, render(m, await svc.position(m, to_send[id(m)][1])), m.id)
            for key, m in keys.items()
            if key not in found
        ]
        await DeliveryService(self.session, self.clock).enqueue(out)
        return NudgeResult(
            scheduled=[m for k, m in keys.items() if k not in found],
            already=[m for k, m in keys.items() if k in found],
            not_needed=not_needed,
            delivered=frozenset(m.id or 0 for k, m in keys.items() if found.get(k) == OutboxStatus.sent),
        )

"""The leader's weekly digest (SPEC §3.6): the unit and its sub-units, the week just closed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.services.checkin import week_monday
from bot.services.deadlines import DeadlineService, Occurrence
from bot.services.access import Action, deny
from bot.services.examples import ExampleRow, ExampleService
from bot.services.stats import Participation, StatsService
from storage.models import Role, Unit, User
from storage.repositories import UnitRepo

TREND_WEEKS = 8


@dataclass(frozen=True)
class LeaderDigest:
    unit: Unit
    sub_units: int
    week: int
    now: Participation  # with shares (None when withheld) and the missing members
    before: Participation  # the week before, for the change
    trend: list[Participation]  # oldest first, ending with `week`
    deadlines: list[Occurrence]
    leader_id: int | None = None
    examples: list[ExampleRow] = field(default_factory=list)  # approved in the week, unit and sub-units

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

    async def unit_ids(self, leader: User) -> tuple[Unit, list[int]]:
        """A leader sees their own unit and its sub-units only (SPEC §2)."""
        if leader.role not in (Role.leader, Role.admin) or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.view_unit, "no unit to lead")
        repo = UnitRepo(self.session)
        unit = await repo.get(leader.unit_id)
        if unit is None:
            await deny(self.session, self.clock, leader, Action.view_unit, "own unit gone")
        return unit, [u.id for u in await repo.subtree(unit) if u.id is not None]

    async def for_leader(self, leader: User, week: int, today: date) -> LeaderDigest:
        unit, ids = await self.unit_ids(leader)
        trend = await self.stats.trend(ids, week, TREND_WEEKS)
        now = replace(trend[-1], shares=await self.stats.shares(ids, week))
        before = trend[-2]
        deadlines = await DeadlineService(self.session, self.clock, self.campaign).upcoming(today, days=45)
        monday = week_monday(week)
        examples = await ExampleService(self.session, self.clock, leader.timezone).approved_in(
            unit, monday, monday + timedelta(days=6))
        return LeaderDigest(
            unit=unit, sub_units=len(ids) - 1, week=week, now=now, before=before, trend=trend, deadlines=deadlines,
            leader_id=leader.id, examples=examples,
        )


@dataclass(frozen=True)
class NudgeResult:
    queued: int
    already: int  # nudged today already (each member at most once a day)
    done: int  # has done or skipped this week's check-in: no nudge needed


class NudgeService:
    """A leader's one-tap nudge to members who have not checked in (SPEC §3.6)."""

    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign

    async def targets(self, leader: User, member_id: int | None, week: int) -> list[User]:
        """The members the leader may nudge: in their unit or sub-units only. Everyone:
        those the digest of `week` lists as not done."""
        unit, ids = await DigestService(self.session, self.clock, self.campaign).unit_ids(leader)
        stats = StatsService(self.session)
        if member_id is None:
            missing = (await stats.participation(ids, week, with_shares=False)).missing
            return [m for m in missing if m.id != leader.id]
        found = [m for m in await stats.members(ids) if m.id == member_id]
        if not found:  # another unit's member (a forged button), or no such person: refused and audited
            await deny(self.session, self.clock, leader, Action.view_unit, f"nudge member={member_id} outside unit={unit.id}")
        return found

    async def nudge(self, leader: User, member_id: int | None, week: int, render) -> NudgeResult:  # noqa: ANN001
        """`render(member) -> payload dict`, in the member's language."""
        from bot.services.checkin import CheckinService
        from bot.services.delivery import DeliveryService, Outgoing
        from storage.models import CheckInStatus

        svc = CheckinService(self.session, self.clock, self.campaign)
        out, done = [], 0
        for member in await self.targets(leader, member_id, week):
            view = await svc.view(member)
            if view.status in (CheckInStatus.done, CheckInStatus.skipped):
                done += 1
                continue
            today = self.clock.now().astimezone(ZoneInfo(member.timezone)).date()
            out.append(Outgoing(f"leader-nudge:{member.id}:{today.isoformat()}", "nudge", member.telegram_id,  # type: ignore[arg-type]
                                await render(member, svc), member.id))
        queued = await DeliveryService(self.session, self.clock).enqueue(out)
        return NudgeResult(queued=queued, already=len(out) - queued, done=done)

"""What a leader's "xong" on Zalo refers to (DeadlineService.awaiting_done, issue 16.4): the
deadlines they were reminded of that their unit has not marked done, soonest first. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.campaign.loader import load_campaign
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import InvalidInput
from storage.models import Role
from tests.services.seed import person

CAMPAIGN = load_campaign()


async def test_the_deadlines_reminded_and_not_done(session, clock) -> None:  # noqa: ANN001
    leader = await person(session, clock, 9101, "VP", Role.leader)
    other = await person(session, clock, 9102, "KH", Role.leader)
    svc = DeadlineService(session, clock, CAMPAIGN)
    custom = await svc.add(date(2026, 12, 10), "Báo cáo sơ kết", None, None, date(2026, 11, 25))
    sokết, annual = f"custom-{custom.id}@2026-12-10", "annual-report@2026-12-15"
    assert await svc.awaiting_done(leader) == []  # not reminded of anything yet
    await DeliveryService(session, clock).enqueue(
        [
            Outgoing(f"remind:{annual}:{leader.id}:19", "reminder", 9101, {"text": "x"}, leader.id),
            Outgoing(f"remind:{sokết}:{leader.id}:14", "reminder", 9101, {"text": "x"}, leader.id),
            Outgoing(f"remind:{sokết}:{other.id}:14", "reminder", 9102, {"text": "x"}, other.id),
        ]
    )
    assert [o.key for o in await svc.awaiting_done(leader)] == [sokết, annual]  # soonest first
    await svc.done_for_unit(sokết, other)  # another unit's "done" is theirs alone
    assert [o.key for o in await svc.awaiting_done(leader)] == [sokết, annual]
    assert (await svc.done_for_unit(sokết, leader)).new
    assert [o.key for o in await svc.awaiting_done(leader)] == [annual]
    assert [o.key for o in await svc.awaiting_done(other)] == []


async def test_only_a_units_leader_is_asked(session, clock) -> None:  # noqa: ANN001
    employee = await person(session, clock, 9201, "VP", Role.employee)
    with pytest.raises(InvalidInput):
        await DeadlineService(session, clock, CAMPAIGN).awaiting_done(employee)

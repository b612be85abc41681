"""Administrators' tools without Telegram, on SQLite and PostgreSQL: roles, announcements
through the outbox, the audit log."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.services.announcements import AnnouncementService
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from bot.services.people import PeopleService
from storage.delivery import Broadcast, OutboxMessage
from storage.models import AuditEntry, Role
from storage.repositories import UnitRepo
from tests.services.seed import person, unit


async def test_roles_change_and_are_audited(session, clock) -> None:  # noqa: ANN001
    admin = await person(session, clock, 6001, None, Role.admin)
    lan = await person(session, clock, 6002, "VP", name="Nguyễn Thị Lan")
    people = PeopleService(session, clock)
    unit_, members = await people.unit_members("vp")
    assert unit_.code == "VP" and [m.full_name for m in members] == ["Nguyễn Thị Lan"]
    changed, old = await people.change_role(admin, lan.id, "leader")
    assert (changed.role, old) == (Role.leader, Role.employee)
    entry = (await session.exec(select(AuditEntry).where(AuditEntry.action == "role.change"))).one()
    assert (entry.actor_telegram_id, entry.detail) == (6001, f"user={lan.id} employee->leader")
    with pytest.raises(InvalidInput) as no_admins:
        await people.change_role(admin, lan.id, Role.admin)
    assert no_admins.value.code == "role_admin"
    with pytest.raises(InvalidInput) as of_admin:
        await people.change_role(admin, admin.id, Role.comms)
    assert of_admin.value.code == "role_of_admin"
    with pytest.raises(NotFound):
        await people.change_role(admin, 99999, Role.comms)
    await people.change_role(admin, lan.id, Role.leader)  # no change: no second entry
    assert len((await session.exec(select(AuditEntry).where(AuditEntry.action == "role.change"))).all()) == 1
    recent = await AuditService(session, clock).recent(5)
    assert recent[0].action == "role.change"


async def test_an_announcement_goes_through_the_outbox_once(session, clock) -> None:  # noqa: ANN001
    admin = await person(session, clock, 6101, None, Role.admin)
    await unit(session, clock, "VP")
    await unit(session, clock, "VP-TH", "VP")
    leaders = [
        await person(session, clock, 6102, "VP", Role.leader),
        await person(session, clock, 6103, "VP-TH", Role.leader),
    ]
    await person(session, clock, 6104, "VP-TH")
    await person(session, clock, 6105, "SO-B", Role.leader)
    svc = AnnouncementService(session, clock)
    vp = await UnitRepo(session).by_code("VP")
    audience = await svc.audience(Role.leader, vp)
    assert sorted(p.telegram_id for p in audience) == [6102, 6103]  # sub-units included, SO-B not
    assert len(await svc.audience(None, None)) == 5  # everyone registered, the admin included

    async def render(p):  # noqa: ANN001, ANN202
        return {"method": "sendMessage", "text": f"Thông báo cho {p.locale}"}

    broadcast, queued = await svc.send(admin, Role.leader, vp, "ab12cd34", render)
    assert queued == 2 and broadcast.started_by == 6101 and broadcast.total == 2
    rows = (await session.exec(select(OutboxMessage))).all()
    assert sorted(r.key for r in rows) == sorted(f"announce:ab12cd34:{p.id}" for p in leaders)
    assert {r.broadcast_id for r in rows} == {broadcast.id}
    _again, queued_again = await svc.send(admin, Role.leader, vp, "ab12cd34", render)
    assert queued_again == 0 and len((await session.exec(select(OutboxMessage))).all()) == 2
    assert len((await session.exec(select(Broadcast))).all()) == 2
    with pytest.raises(InvalidInput):
        await svc.send(admin, Role.comms, vp, "ffff0000", render)
    with pytest.raises(InvalidInput):
        AnnouncementService.check_text("x" * 3501)
    entry = (await session.exec(select(AuditEntry).where(AuditEntry.action == "announce"))).first()
    assert entry.detail.startswith("role=leader unit=VP recipients=2")

"""Units, invitations and onboarding rules, tested without Telegram, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from bot.services.errors import AlreadyRegistered, InvalidInput, InviteRefused, NotFound
from bot.services.invites import InviteService, deep_link
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from storage.models import ConsentRecord, Invitation, Role, Unit, User

CSV = """code,name,parent_code,kind
VP-DIV1,Phòng Tổng hợp,VP,division
VP,Văn phòng Bộ,,ministry_unit
STNMT-HN,Sở Nông nghiệp và Môi trường Hà Nội,,province_dept
HN-P1,Phòng Quản lý đất đai,STNMT-HN,division
"""


async def count(session, model) -> int:  # noqa: ANN001
    return (await session.exec(select(func.count()).select_from(model))).one()


async def test_unit_tree_and_subtree(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    ministry = await svc.add("VP", "Văn phòng Bộ")
    div = await svc.add("VP-1", "Phòng Hành chính", parent_code="VP", kind="division")
    await svc.add("SO-HN", "Sở Hà Nội", kind="province_dept")
    rows = await svc.tree()
    assert [(r.unit.code, r.depth) for r in rows] == [("VP", 0), ("VP-1", 1), ("SO-HN", 0)]
    assert set(await svc.subtree_ids(ministry.id)) == {ministry.id, div.id}
    assert await svc.subtree_ids(div.id) == [div.id]


async def test_unit_add_refuses_bad_input_and_keeps_data(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    await svc.add("VP", "Văn phòng Bộ")
    with pytest.raises(InvalidInput) as e:
        await svc.add("VP", "Trùng mã")
    assert e.value.code == "unit_exists"
    with pytest.raises(InvalidInput):
        await svc.add("bad code!", "Tên")
    with pytest.raises(NotFound):
        await svc.add("X1", "Tên", parent_code="NOPE")
    assert await count(session, Unit) == 1


async def test_csv_import_any_order_then_update(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    res = await svc.import_csv(CSV)
    assert (res.created, res.updated) == (4, 0)
    rows = {r.unit.code: r.depth for r in await svc.tree()}
    assert rows == {"VP": 0, "VP-DIV1": 1, "STNMT-HN": 0, "HN-P1": 1}
    again = await svc.import_csv(CSV.replace("Phòng Tổng hợp", "Phòng Tổng hợp - Thi đua"))
    assert (again.created, again.updated) == (0, 4)
    unit = await svc.get_by_code("VP-DIV1")
    assert unit.name == "Phòng Tổng hợp - Thi đua"


async def test_csv_import_is_all_or_nothing(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    bad = CSV + "ORPHAN,Đơn vị mồ côi,NOWHERE,division\n"
    with pytest.raises(InvalidInput) as e:
        await svc.import_csv(bad)
    assert e.value.params["line"] == 6
    assert await count(session, Unit) == 0
    with pytest.raises(InvalidInput):
        await svc.import_csv("a,b\n1,2\n")


async def test_moving_a_unit_moves_its_subtree(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    await svc.import_csv(CSV)
    await svc.import_csv("code,name,parent_code\nVP,Văn phòng Bộ,STNMT-HN\n")
    rows = {r.unit.code: r.depth for r in await svc.tree()}
    assert rows["VP"] == 1 and rows["VP-DIV1"] == 2


async def test_invite_lifecycle(session, clock) -> None:  # noqa: ANN001
    await UnitService(session, clock).add("VP", "Văn phòng Bộ")
    svc = InviteService(session, clock)
    inv = await svc.create("VP", Role.leader, valid_days=7, max_uses=2)
    assert deep_link("@vh_bot", inv.token) == f"https://t.me/vh_bot?start={inv.token}"
    assert (await svc.check(inv.token)).id == inv.id
    clock.advance(days=8)
    with pytest.raises(InviteRefused) as e:
        await svc.check(inv.token)
    assert e.value.code == "invite_expired"
    clock.advance(days=-8)
    await svc.revoke(inv.token)
    with pytest.raises(InviteRefused) as e:
        await svc.check(inv.token)
    assert e.value.code == "invite_revoked"
    for token in (None, "", "short", "x" * 65, "không-hợp-lệ-token", "A" * 22):
        with pytest.raises(InviteRefused):
            await svc.check(token)


async def test_invite_needs_a_known_unit_and_sane_limits(session, clock) -> None:  # noqa: ANN001
    svc = InviteService(session, clock)
    with pytest.raises(NotFound):
        await svc.create("NOPE")
    with pytest.raises(InvalidInput):
        await svc.create(None, Role.employee)
    await UnitService(session, clock).add("VP", "Văn phòng Bộ")
    with pytest.raises(InvalidInput):
        await svc.create("VP", valid_days=0)
    with pytest.raises(InvalidInput):
        await svc.create("VP", max_uses=0)
    with pytest.raises(InvalidInput):
        await svc.create("VP", role="chief")
    assert await count(session, Invitation) == 0


async def test_onboarding_stores_nothing_before_consent(session, clock) -> None:  # noqa: ANN001
    await UnitService(session, clock).add("VP", "Văn phòng Bộ")
    inv = await InviteService(session, clock).create("VP", max_uses=1)
    svc = OnboardingService(session, clock)
    preview = await svc.preview(5001, inv.token)
    assert preview.unit is not None and preview.unit.code == "VP"
    assert await count(session, User) == 0 and await count(session, ConsentRecord) == 0

    user = await svc.accept(5001, inv.token, locale="en-US", notice_version="v9")
    assert user.role == Role.employee and user.locale == "en"
    consents = (await session.exec(select(ConsentRecord))).all()
    assert [(c.user_id, c.notice_version) for c in consents] == [(user.id, "v9")]
    assert consents[0].accepted_at is not None
    # A second tap on "I agree" changes nothing and takes no second use.
    again = await svc.accept(5001, inv.token, locale="vi", notice_version="v9")
    assert again.id == user.id
    await session.refresh(inv)
    assert inv.uses == 1
    # The invitation is used up now: another person is refused.
    with pytest.raises(InviteRefused) as e:
        await svc.preview(5002, inv.token)
    assert e.value.code == "invite_used_up"
    with pytest.raises(InviteRefused):
        await svc.accept(5002, inv.token, locale="vi", notice_version="v9")
    assert await count(session, User) == 1
    await svc.finish(user)
    with pytest.raises(AlreadyRegistered):
        await svc.preview(5001, None)


async def test_admins_are_bootstrapped_from_configuration(session, clock) -> None:  # noqa: ANN001
    svc = OnboardingService(session, clock, admin_ids=frozenset({42}))
    preview = await svc.preview(42, None)
    assert preview.bootstrap_admin and preview.role == Role.admin
    with pytest.raises(InviteRefused):
        await svc.preview(43, None)
    user = await svc.accept(42, None, locale="vi", notice_version="v1")
    assert user.role == Role.admin and user.unit_id is None
    assert await count(session, ConsentRecord) == 1


async def test_expired_invite_cannot_be_accepted_later(session, clock) -> None:  # noqa: ANN001
    await UnitService(session, clock).add("VP", "Văn phòng Bộ")
    inv = await InviteService(session, clock).create("VP", valid_days=1)
    svc = OnboardingService(session, clock)
    await svc.preview(7, inv.token)
    clock.advance(days=1, seconds=1)  # the notice was left open past the expiry
    with pytest.raises(InviteRefused):
        await svc.accept(7, inv.token, locale="vi", notice_version="v1")
    assert await count(session, User) == 0


async def test_racing_registration_reads_the_other_row_and_keeps_the_session(sessionmaker, clock) -> None:  # noqa: ANN001
    """Two taps on "I agree" in two workers: the one that loses the race is undone by a
    savepoint (not a rollback of its update), returns the row the other created, takes no
    use of the invitation, and its session goes on working."""
    async with sessionmaker() as s:
        await UnitService(s, clock).add("VP", "Văn phòng Bộ")
        token = (await InviteService(s, clock).create("VP", Role.employee, max_uses=5)).token
    async with sessionmaker() as s:
        winner = await OnboardingService(s, clock).accept(7001, token, locale="vi", notice_version="t")
    async with sessionmaker() as s:
        svc = OnboardingService(s, clock)
        looked = []
        real = svc.users.by_telegram_id

        async def not_yet(telegram_id: int):  # noqa: ANN202 - the loser read before the winner wrote
            looked.append(telegram_id)
            return None if len(looked) == 1 else await real(telegram_id)

        svc.users.by_telegram_id = not_yet  # type: ignore[method-assign]
        loser = await svc.accept(7001, token, locale="vi", notice_version="t")
        assert loser.id == winner.id
        await s.commit()  # the session is still usable; nothing of the loser's is kept
    async with sessionmaker() as s:
        assert await count(s, User) == 1
        assert await count(s, ConsentRecord) == 1
        inv = (await s.exec(select(Invitation).where(Invitation.token == token))).one()
        assert inv.uses == 1


async def test_bad_csv_row_undoes_the_whole_import_and_keeps_the_session(session, clock) -> None:  # noqa: ANN001
    svc = UnitService(session, clock)
    await svc.add("VP", "Văn phòng Bộ")
    with pytest.raises(InvalidInput):
        await svc.import_csv("code,name,parent_code\nA1,Một,VP\nA2,Hai,NOPE\n")
    await svc.add("VP-2", "Phòng Hai", parent_code="VP", kind="division")  # the session goes on
    assert [r.unit.code for r in await svc.tree()] == ["VP", "VP-2"]

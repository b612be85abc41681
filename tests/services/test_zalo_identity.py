"""A person on Zalo (issue 16.2): the invitation's short code instead of a deep link, nothing
stored before consent, wrong codes throttled per Zalo account, one identity with one channel.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.audit import person_ref
from bot.services.errors import AlreadyRegistered, InviteRefused
from bot.services.invites import InviteService
from bot.services.onboarding import InviteAttempts, OnboardingService
from storage.models import AuditEntry, ConsentRecord, Invitation, Role, Unit, User

ZALO_ID = "e4ea2cd5189df1c3a88c"


async def invitation(session: AsyncSession, clock, **kw: object) -> Invitation:  # noqa: ANN001
    session.add(Unit(code="STNMT", name="Sở Tài nguyên và Môi trường", created_at=clock.now()))
    await session.commit()
    return await InviteService(session, clock).create("STNMT", Role.leader, **kw)  # type: ignore[arg-type]


async def count(session: AsyncSession, model: type) -> int:
    return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_the_code_previews_the_invitation_and_nothing_is_stored_before_consent(session, clock) -> None:  # noqa: ANN001
    inv = await invitation(session, clock, max_uses=1)
    assert inv.code is not None
    svc = OnboardingService(session, clock, attempts=InviteAttempts())
    preview = await svc.preview_zalo(ZALO_ID, inv.code.lower())
    assert preview.role == Role.leader and preview.unit is not None and preview.unit.code == "STNMT"
    assert preview.token == inv.token
    assert await count(session, User) == 0 and await count(session, ConsentRecord) == 0

    user = await svc.accept_zalo(ZALO_ID, preview.token or "", locale="vi", notice_version="2025-1")
    assert (user.zalo_id, user.telegram_id, user.role, user.unit_id) == (ZALO_ID, None, Role.leader, inv.unit_id)
    again = await svc.accept_zalo(ZALO_ID, preview.token or "", locale="vi", notice_version="2025-1")
    assert again.id == user.id  # a second "agree": nothing new
    await session.refresh(inv)
    assert inv.uses == 1 and await count(session, User) == 1 and await count(session, ConsentRecord) == 1
    # The invitation was for one person: someone else's code is used up now.
    with pytest.raises(InviteRefused) as used:
        await svc.accept_zalo("another-zalo-id", inv.token, locale="vi", notice_version="2025-1")
    assert used.value.code == "invite_used_up"
    await svc.finish(user)
    with pytest.raises(AlreadyRegistered):
        await svc.preview_zalo(ZALO_ID, inv.code)


async def test_wrong_codes_are_throttled_per_zalo_account_and_audited_once(session, clock) -> None:  # noqa: ANN001
    inv = await invitation(session, clock)
    assert inv.code is not None
    svc = OnboardingService(session, clock, attempts=InviteAttempts())
    wrong = "ZZZZZZZZ" if inv.code != "ZZZZZZZZ" else "YYYYYYYY"
    codes = []
    for _ in range(5):
        with pytest.raises(InviteRefused) as refused:
            await svc.preview_zalo(ZALO_ID, wrong)
        codes.append(refused.value.code)
    assert codes == ["invite_unknown"] * 4 + ["invite_throttled"]
    with pytest.raises(InviteRefused) as paused:
        await svc.preview_zalo(ZALO_ID, inv.code)  # even the right code waits out the pause
    assert paused.value.code == "invite_throttled"
    assert (await svc.preview_zalo("someone-else", inv.code)).token == inv.token  # per account
    entries = (await session.exec(select(AuditEntry).where(AuditEntry.action == "invite.throttle"))).all()
    assert len(entries) == 1 and person_ref(ZALO_ID) in entries[0].detail and ZALO_ID not in entries[0].detail
    assert person_ref(ZALO_ID) != person_ref(1) and person_ref(ZALO_ID).startswith("p:")

"""Issue 14's rules without Telegram: failed invitation codes per account (item 17), a
pause length checked before any date is computed (item 15), another person's example
refused with its reason and audited (item 16). Storage rules run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.services.audit import person_ref
from bot.services.errors import AccessDenied, InvalidInput, InviteRefused
from bot.services.examples import ExampleService
from bot.services.onboarding import InviteAttempts, OnboardingService
from bot.services.profile import MAX_PAUSE_DAYS, ProfileService
from storage.examples import ExampleCategory, GoodExample
from storage.models import AuditEntry, User
from tests.services.test_examples import person

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_five_wrong_codes_in_ten_minutes_pause_the_account_for_fifteen() -> None:
    attempts = InviteAttempts()
    ref, other = person_ref(1), person_ref(2)
    assert [attempts.failed(ref, NOW + timedelta(minutes=n)) for n in range(5)] == [False] * 4 + [True]
    assert attempts.retry_after(ref, NOW + timedelta(minutes=4)) == timedelta(minutes=15)
    assert attempts.retry_after(other, NOW) is None  # per account
    assert attempts.retry_after(ref, NOW + timedelta(minutes=19)) is None  # the pause is over


def test_wrong_codes_spread_over_more_than_the_window_do_not_pause() -> None:
    attempts = InviteAttempts()
    ref = person_ref(1)
    assert not any(attempts.failed(ref, NOW + timedelta(minutes=3 * n)) for n in range(20))
    assert attempts.retry_after(ref, NOW + timedelta(hours=1)) is None


def test_the_memory_is_bounded() -> None:
    attempts = InviteAttempts(max_entries=50)
    for n in range(500):
        attempts.failed(person_ref(n), NOW)
        attempts.notice_shown(person_ref(10_000 + n), NOW)
    assert len(attempts._failures) + len(attempts._blocked) + len(attempts._notices) <= 50


async def test_a_burst_of_wrong_codes_is_audited_once_under_a_keyed_hash(session, clock) -> None:  # noqa: ANN001
    attempts = InviteAttempts()
    svc = OnboardingService(session, clock, attempts=attempts)
    codes = []
    for n in range(8):
        with pytest.raises(InviteRefused) as exc:
            await svc.preview(7007, f"no-such-code-{n}")
        codes.append(exc.value.code)
    assert codes == ["invite_unknown"] * 4 + ["invite_throttled"] * 4
    entries = (await session.exec(select(AuditEntry))).all()
    assert [(e.action, e.outcome, e.actor_telegram_id) for e in entries] == [("invite.throttle", "refused", None)]
    assert person_ref(7007) in entries[0].detail and "7007" not in entries[0].detail
    assert (await session.exec(select(User))).first() is None


async def test_a_pause_length_is_checked_before_any_date_is_computed(session, clock) -> None:  # noqa: ANN001
    user = await person(session, clock, 601, "VP")
    today = date(2026, 11, 25)
    for days in (0, -3, MAX_PAUSE_DAYS + 1, 10**9, 2**62):
        with pytest.raises(InvalidInput) as exc:
            await ProfileService(session).pause_for_days(user, days, today)
        assert exc.value.code == "pause_date"
    await ProfileService(session).pause_for_days(user, 14, today)
    assert (user.paused_from, user.paused_until) == (today, date(2026, 12, 9))


async def test_another_persons_example_is_refused_with_the_reason_and_audited(session, clock) -> None:  # noqa: ANN001
    owner = await person(session, clock, 701, "VP")
    other = await person(session, clock, 702, "VP")
    svc = ExampleService(session, clock)
    draft = await svc.start(owner)
    assert draft.id is not None
    with pytest.raises(AccessDenied) as exc:
        await svc.choose_category(other, draft.id, list(ExampleCategory)[0])
    assert exc.value.code == "example_not_yours"
    with pytest.raises(AccessDenied):
        await svc.open_question(other, draft.id)
    refusals = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert [(e.actor_telegram_id, e.action) for e in refusals] == [(702, "share"), (702, "share")]
    assert all(f"example={draft.id}" in e.detail and "reason=not_own_example" in e.detail for e in refusals)
    kept = await session.get(GoodExample, draft.id)
    assert kept is not None and kept.category is None  # nothing changed
    assert other.telegram_id == 702  # the refusal's rollback left the person readable

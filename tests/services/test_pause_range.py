"""A pause excuses the weeks it covers, not the weeks before it (§3.9: pause until a date)."""

from __future__ import annotations

from datetime import date

from bot.services.checkin import week_key
from bot.services.onboarding import OnboardingService
from bot.services.profile import ProfileService
from bot.services.stats import paused_for_week


async def test_pause_covers_its_own_weeks_only(session, clock) -> None:  # noqa: ANN001
    user = await OnboardingService(session, clock, admin_ids=frozenset({1})).accept(
        1, None, locale="vi", notice_version="v1"
    )
    svc = ProfileService(session)
    today = date(2026, 11, 25)  # Wednesday of week 48; prompts on Fridays
    await svc.pause_until(user, date(2026, 12, 14), today)
    assert not paused_for_week(user, week_key(date(2026, 11, 18)))  # week 47: before the pause
    assert paused_for_week(user, week_key(date(2026, 11, 27)))  # week 48: away on Friday
    assert paused_for_week(user, week_key(date(2026, 12, 4)))  # week 49
    assert not paused_for_week(user, week_key(date(2026, 12, 18)))  # back by week 51's prompt
    # Coming back early: the weeks already away stay excused, the rest do not.
    await svc.resume(user, date(2026, 12, 2))
    assert paused_for_week(user, week_key(date(2026, 11, 27)))
    assert not paused_for_week(user, week_key(date(2026, 12, 4)))
    assert user.paused_until == date(2026, 12, 2)

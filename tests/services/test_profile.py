from __future__ import annotations

from datetime import date

import pytest

from bot.services.errors import InvalidInput
from bot.services.onboarding import OnboardingService
from bot.services.profile import ProfileService, clean_text, parse_date, parse_time


def test_parse_time_accepts_common_forms() -> None:
    assert parse_time("15:00") == "15:00"
    assert parse_time(" 9:05 ") == "09:05"
    assert parse_time("16h30") == "16:30"
    for bad in ("25:00", "12:60", "noon", "", "1500"):
        with pytest.raises(InvalidInput):
            parse_time(bad)


def test_parse_date_vietnamese_order() -> None:
    today = date(2026, 11, 24)
    assert parse_date("15/01/2027", today) == date(2027, 1, 15)
    assert parse_date("15/1/27", today) == date(2027, 1, 15)
    assert parse_date("1/12", today) == date(2026, 12, 1)
    assert parse_date("1/11", today) == date(2027, 11, 1)  # already past this year
    for bad in ("31/02/2027", "2027-01-15x", "hôm nay", ""):
        with pytest.raises(InvalidInput):
            parse_date(bad, today)


def test_clean_text_drops_invisible_characters() -> None:
    assert clean_text("  Nguyễn\u200b  Thị\u202e Lan \n") == "Nguyễn Thị Lan"


async def test_profile_rules_keep_stored_values_on_bad_input(session, clock) -> None:  # noqa: ANN001
    user = await OnboardingService(session, clock, admin_ids=frozenset({1})).accept(
        1, None, locale="vi", notice_version="v1"
    )
    svc = ProfileService(session)
    await svc.set_full_name(user, "Nguyễn Thị Lan")
    for bad in ("", "A", "/start", "12345", "x" * 101):
        with pytest.raises(InvalidInput):
            await svc.set_full_name(user, bad)
    await session.refresh(user)
    assert user.full_name == "Nguyễn Thị Lan"
    await svc.set_schedule(user, weekday=0, at="8:30")
    assert (user.checkin_weekday, user.checkin_time) == (0, "08:30")
    with pytest.raises(InvalidInput):
        await svc.set_schedule(user, weekday=7)
    today = date(2026, 11, 25)
    with pytest.raises(InvalidInput):
        await svc.pause_until(user, today, today)
    with pytest.raises(InvalidInput):
        await svc.pause_until(user, date(2028, 1, 1), today)
    await svc.pause_until(user, date(2026, 12, 10), today)
    await session.refresh(user)
    assert user.paused_until == date(2026, 12, 10)
    await svc.resume(user)
    assert user.paused_until is None
    with pytest.raises(InvalidInput):
        await svc.set_locale(user, "fr")

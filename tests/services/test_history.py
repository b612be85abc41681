"""A person's /history (SPEC §3.3) starts at the week they joined (issue 14, item 13), on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.campaign.loader import load_campaign
from bot.services.checkin import CheckinService
from storage.models import CheckInStatus, Level
from tests.services.seed import person

CAMPAIGN = load_campaign()


async def test_a_newcomers_history_starts_at_their_first_week(session, clock) -> None:  # noqa: ANN001
    clock.set(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))  # Tuesday of week 49
    newcomer = await person(session, clock, 5100, "VP")
    svc = CheckinService(session, clock, CAMPAIGN)
    history = await svc.history(newcomer, weeks=10)
    assert [r.week for r in history.rows] == [202649] and history.since_joined and history.current == 202649
    clock.set(datetime(2026, 12, 16, 3, 0, tzinfo=UTC))  # week 51
    for code in history.order:
        await svc.answer(newcomer, 202651, code, Level.good)
    await svc.finish(newcomer, 202651)
    history = await svc.history(newcomer, weeks=10)
    assert [(r.week, r.status) for r in history.rows] == [(202649, None), (202650, None), (202651, CheckInStatus.done)]
    # Ten weeks on, the window is full: the last ten weeks, as before.
    clock.set(datetime(2027, 3, 3, 3, 0, tzinfo=UTC))
    history = await svc.history(newcomer, weeks=10)
    assert (
        len(history.rows) == 10 and not history.since_joined and history.rows[0].week == 202653
    )  # 2026 has 53 ISO weeks

"""The yearly duties after the campaign's period (SPEC §3.7), on SQLite and PostgreSQL: on
01/12/2026, with the 2019–2025 file, the report due before 15/12/2026 is reminded; the
admins' notice; a submitted report stops the reminders for its unit."""

from __future__ import annotations

import logging
from datetime import date

from bot.campaign.in_force import in_force_line, log_in_force
from bot.campaign.loader import DEFAULT_CAMPAIGN_FILE, load_campaign
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService, Outgoing
from bot.services.submissions import ReportSubmissionService
from storage.models import Role
from tests.services.seed import person

CAMPAIGN = load_campaign()
PDF = b"%PDF-1.4\n%%EOF\n"


async def test_on_1_december_2026_the_report_due_before_15_december_is_reminded(session, clock) -> None:  # noqa: ANN001
    leader = await person(session, clock, 9101, "VP", Role.leader)
    admin = await person(session, clock, 9001, None, Role.admin)
    svc = DeadlineService(session, clock, CAMPAIGN)
    due = await svc.reminders_due(date(2026, 12, 1))
    notice, report = due
    assert notice[0].notice and notice[0].key == "campaign-ended@2025-12-31" and [u.id for u in notice[2]] == [admin.id]
    assert (report[0].key, report[0].last_day, report[1], [u.id for u in report[2]]) == (
        "annual-report@2026-12-15",
        date(2026, 12, 14),
        13,
        [leader.id],
    )
    # Once the reminder is in the outbox, no catch-up the next day; the 7-day mark still comes.
    await DeliveryService(session, clock).enqueue(
        [Outgoing(f"remind:{report[0].key}:{leader.id}:13", "reminder", 9101, {"text": "x"})]
    )
    assert [o.key for o, _d, _l in await svc.reminders_due(date(2026, 12, 2)) if not o.notice] == []
    assert [d for o, d, _l in await svc.reminders_due(date(2026, 12, 7)) if not o.notice] == [7]
    # The unit submits its signed report: no more reminders for it.
    await ReportSubmissionService(session, clock, CAMPAIGN).submit(leader, 2026, file_name="bc.pdf", data=PDF)
    assert [o.key for o, _d, _l in await svc.reminders_due(date(2026, 12, 11)) if not o.notice] == []


async def test_no_notice_while_the_campaign_is_in_force(session, clock) -> None:  # noqa: ANN001
    await person(session, clock, 9001, None, Role.admin)
    svc = DeadlineService(session, clock, CAMPAIGN)
    assert [o for o, _d, _l in await svc.reminders_due(date(2025, 12, 1)) if o.notice] == []


def test_the_start_up_log_names_the_file_and_the_period(caplog) -> None:  # noqa: ANN001
    line = in_force_line(CAMPAIGN, None, date(2026, 12, 1))
    assert line.startswith("campaign in force: 2497/QĐ-BTNMT 2019–2025 (")
    assert DEFAULT_CAMPAIGN_FILE.name in line and "ended on 2025-12-31" in line and "CAMPAIGN_FILE" in line
    with caplog.at_level(logging.INFO, logger="bot.campaign"):
        log_in_force(CAMPAIGN, None, date(2025, 6, 1))
    assert caplog.records[-1].levelno == logging.INFO and "ended" not in caplog.records[-1].getMessage()

"""Which campaign is in force (SPEC §1, §3.7): said at start-up in the log and to admins in
the bot (/campaign). When the period has ended and no next phase is loaded, the yearly
duties carry on (Campaign.deadlines_between, Campaign.annual_years) and the admins are told."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from bot.campaign.loader import DEFAULT_CAMPAIGN_FILE
from bot.campaign.schema import Campaign

log = logging.getLogger("bot.campaign")

#: The next phase shipped with the bot (a draft until the ministry's decision).
NEXT_PHASE_FILE = DEFAULT_CAMPAIGN_FILE.parent / "van-hoa-cong-so-2026-2030.yaml"


def campaign_file(path: str | Path | None) -> Path:
    """The file in force: CAMPAIGN_FILE, or the default."""
    return Path(path) if path is not None else DEFAULT_CAMPAIGN_FILE


def shown_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def in_force_line(campaign: Campaign, path: str | Path | None, today: date) -> str:
    """One line for the log, e.g. "campaign in force: 2497/QĐ-BTNMT 2019–2025 (…yaml);
    its period ended on 2025-12-31: the yearly duties go on …"."""
    file = campaign_file(path)
    line = f"campaign in force: {campaign.code} {campaign.period} ({shown_path(file)})"
    if campaign.is_draft:
        line += ", a DRAFT to be confirmed by the ministry's decision"
    if campaign.has_ended(today):
        line += (
            f"; its period ended on {campaign.end.isoformat()}: the yearly duties (annual report, annual "
            f"nomination round) go on year by year until the next phase is loaded "
            f"(set CAMPAIGN_FILE, e.g. {shown_path(NEXT_PHASE_FILE)}, "
            "check it with `python -m bot campaign check FILE`, restart)"
        )
    return line


def log_in_force(campaign: Campaign, path: str | Path | None, today: date) -> None:
    if campaign.has_ended(today):
        log.warning(in_force_line(campaign, path, today))
    else:
        log.info(in_force_line(campaign, path, today))

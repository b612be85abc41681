"""The common ground of the services that draft the campaign's documents: the annual report
(bot.services.reports), the nomination dossiers (bot.services.dossiers) and the
consolidated report (bot.services.consolidated). Each is built on the same unit of work
and the same three settings the documents print: the time zone of their dates, the
ministry's name and the standing agency's."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.services.errors import InvalidInput


class DocumentService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        campaign: Campaign,
        *,
        timezone: str,
        ministry_name: str,
        standing_agency: str,
    ) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.timezone = timezone
        self.ministry_name = ministry_name
        self.standing_agency = standing_agency

    def today(self) -> date:
        return self.clock.now().astimezone(ZoneInfo(self.timezone)).date()

    def years(self) -> list[int]:
        """The years a document can be drawn up for: from the campaign's start to this year."""
        return list(range(self.campaign.start.year, self.today().year + 1))

    def year_asked(self, text: str | None) -> int:
        """The year a command names ("/report 2025"); none named: this year."""
        arg = (text or "").strip()
        years = self.years()
        if arg and not re.fullmatch(r"\d{4}", arg):
            raise InvalidInput("report_year", first=years[0], last=years[-1])
        return int(arg) if arg else years[-1]

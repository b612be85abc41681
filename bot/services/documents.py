"""The common ground of the services that draft the campaign's documents: the annual report
(bot.services.reports), the nomination dossiers (bot.services.dossiers) and the
consolidated report (bot.services.consolidated). Each is built on the same unit of work
and the same three settings the documents print: the time zone of their dates, the
ministry's name and the standing agency's."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock


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

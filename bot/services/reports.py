"""The annual report draft (plan §VI.1): each unit reports on carrying out the campaign to
the ministry, through the standing agency, before 15 December every year.

The service gathers the year's figures for the leader's unit and its sub-units —
participation, the criteria shares (withheld under MIN_GROUP respondents), approved good
examples and the unit's live nominations — and bot.render.report_docx lays them out as
a Decree 30/2020/NĐ-CP report, ready to edit and sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput
from bot.services.examples import ExampleRow, ExampleService
from bot.services.figures import FiguresService, YearFigures
from bot.services.nominations import NominationService, Round
from bot.services.stats import MIN_GROUP
from storage.awards import Nomination
from storage.models import Role, Unit, User


@dataclass(frozen=True)
class AnnualReport:
    """Everything the draft says; no Telegram, no Word."""

    year: int
    prepared_on: date
    unit: Unit
    governing_body: str  # "cơ quan chủ quản": the parent unit, or the ministry
    ministry_name: str
    standing_agency: str
    campaign: Campaign
    sub_units: list[Unit]
    figures: YearFigures
    examples: list[ExampleRow]
    nominations: list[tuple[Round, Nomination]]
    min_group: int = MIN_GROUP


class ReportService:
    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign, *, timezone: str,
                 ministry_name: str, standing_agency: str) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.timezone = timezone
        self.ministry_name = ministry_name
        self.standing_agency = standing_agency
        self.figures = FiguresService(session, clock, timezone)

    def years(self) -> list[int]:
        """The years a report can be drafted for: from the campaign's start to this year."""
        today = self.figures.today()
        return list(range(self.campaign.start.year, today.year + 1))

    async def annual(self, leader: User, year: int) -> AnnualReport:
        """The leader's own unit (and its sub-units), one year."""
        if Role(leader.role) != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.report, "not a unit's leader")
        if year not in self.years():
            raise InvalidInput("report_year", first=self.years()[0], last=self.years()[-1])
        unit, _top = await self.figures.visible_unit(leader, None, Action.report)
        parent = await self.session.get(Unit, unit.parent_id) if unit.parent_id else None
        subs = (await self.session.exec(
            select(Unit).where(col(Unit.path).startswith(unit.path), Unit.id != unit.id).order_by(col(Unit.path))
        )).all()
        figures = await self.figures.year(unit, year)
        examples = await ExampleService(self.session, self.clock, self.timezone).approved_in(
            unit, date(year, 1, 1), date(year, 12, 31))
        nominations = await NominationService(self.session, self.clock, self.campaign, self.timezone).of_year(unit.id or 0, year)
        AuditService(self.session, self.clock).note(
            leader.telegram_id, "report.annual", detail=f"unit={unit.code} year={year}")
        await self.session.commit()
        return AnnualReport(
            year=year, prepared_on=self.figures.today(), unit=unit,
            governing_body=parent.name if parent else self.ministry_name,
            ministry_name=self.ministry_name, standing_agency=self.standing_agency, campaign=self.campaign,
            sub_units=list(subs), figures=figures, examples=examples, nominations=nominations,
        )

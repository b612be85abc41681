"""The standing agency's consolidated report (plan §VI.2): every unit's annual report
(§VI.1) and self-assessment (§IV.1.1) gathered for the emulation council, one year.

It holds the sector's totals (people, weekly self-assessment done, excused, the rate), one
line per reporting unit (its figures with its sub-units, its level on each collective
criterion, whether and when it submitted its signed report), the count of units at each
level per collective criterion, the units that have not submitted, and the year's
nominations. bot.render.consolidated lays it out as a Decree 30 DOCX and as an XLSX of
the same figures; the totals are sums of the unit lines, so the two cannot disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.campaign.schema import Campaign
from bot.domain import Person
from bot.services.audit import AuditService
from bot.services.checkin import week_monday
from bot.services.documents import DocumentService
from bot.services.errors import InvalidInput
from bot.services.figures import FiguresService, Tally, weeks_of_year
from bot.services.nominations import NominationRow, NominationService, Round
from bot.services.reports import criterion_level

LEVELS = ("good", "met", "not_met", "none")
OTHERS = "Các đơn vị chưa có lãnh đạo trên hệ thống"  # people of units under no reporting unit


@dataclass(frozen=True)
class UnitLine:
    unit_id: int
    code: str
    name: str
    members: int
    tally: Tally
    levels: dict[str, str | None]  # criterion code → good/met/not_met/None
    assessment: str  # none | draft | submitted
    submitted_at: datetime | None
    file_name: str | None
    nominations: int

    @property
    def overall(self) -> str | None:
        return criterion_level(list(self.levels.values())) if any(self.levels.values()) else None


@dataclass(frozen=True)
class ConsolidatedReport:
    year: int
    prepared_on: date
    period: tuple[date, date]
    weeks: int
    ministry_name: str
    standing_agency: str
    campaign: Campaign
    lines: list[UnitLine]
    members: int  # = the sum of the lines
    tally: Tally  # = the sum of the lines
    by_criterion: dict[str, Counter[str]]  # criterion → level → units
    rounds: list[tuple[Round, list[NominationRow]]]
    timezone: str = "Asia/Ho_Chi_Minh"

    @property
    def reporting(self) -> list[UnitLine]:
        """The units that report (have a leader), without the line of the others."""
        return [line for line in self.lines if line.unit_id]

    @property
    def not_submitted(self) -> list[UnitLine]:
        return [line for line in self.reporting if line.submitted_at is None]

    @property
    def submitted(self) -> int:
        return sum(1 for line in self.reporting if line.submitted_at is not None)

    @property
    def nominations(self) -> list[NominationRow]:
        return [row for _r, rows in self.rounds for row in rows]

    @property
    def doc_code(self) -> str:
        return agency_code(self.standing_agency)


def agency_code(name: str) -> str:
    """ "Vụ Thi đua, Khen thưởng và Tuyên truyền" → "TĐKTTT", as the plan writes "Vụ TĐKTTT":
    the initials of the name after its kind (Vụ, Cục, Ban, Văn phòng), without "và"."""
    words = re.findall(r"[^\W\d_]+", name)
    if words and words[0].casefold() in ("vụ", "cục", "ban", "viện", "sở", "phòng"):
        words = words[1:]
    elif len(words) > 1 and " ".join(words[:2]).casefold() == "văn phòng":
        return "VP"
    return "".join(w[0].upper() for w in words if w.casefold() not in ("và", "của")) or "CQTT"


def agency_head(name: str) -> str:
    """The signer's title: "Vụ trưởng" for a Vụ, "Cục trưởng" for a Cục…"""
    first = (name.split() or [""])[0]
    if first.casefold() in ("vụ", "cục", "ban", "viện"):
        return f"{first} trưởng"
    return "Thủ trưởng cơ quan thường trực"


class ConsolidatedService(DocumentService):
    """Every unit's report and self-assessment gathered (plan §VI.2)."""

    async def build(self, year: int, admin: Person | None = None) -> ConsolidatedReport:
        from bot.services.self_assessment import SelfAssessmentService
        from bot.services.submissions import ReportSubmissionService

        today = self.today()
        if not self.campaign.start.year <= year <= today.year:
            raise InvalidInput("report_year", first=self.campaign.start.year, last=today.year)
        weeks = weeks_of_year(year, today)
        board = await ReportSubmissionService(self.session, self.clock, self.campaign).board(year)
        # Each unit's own people count once, in the line of its nearest reporting unit (itself,
        # or the closest ancestor with a leader): lines never overlap, and their sum is the
        # sector's. People of units under no reporting unit make one line of their own.
        fig_svc = FiguresService(self.session, self.clock, self.timezone)
        own, counts = await fig_svc.stats.person_weeks(weeks) if weeks else ({}, Counter())
        units = {u.id: u for u in await fig_svc.units.all()}
        reporting = {entry.unit_id for entry in board}
        scope_tally: dict[int, Tally] = {}
        scope_members: Counter[int] = Counter()
        for unit_id in set(own) | set(counts):
            unit = units.get(unit_id)
            if unit is None:
                continue
            chain = [int(p) for p in unit.path.strip("/").split("/") if p]
            owner = next((a for a in reversed(chain) if a in reporting), 0)
            scope_tally[owner] = scope_tally.get(owner, Tally()) + own.get(unit_id, Tally())
            scope_members[owner] += counts.get(unit_id, 0)
        assess = SelfAssessmentService(self.session, self.clock, self.campaign)
        noms = NominationService(self.session, self.clock, self.campaign, self.timezone)
        rounds = []
        per_unit: Counter[str] = Counter()
        for r in await noms.rounds():
            if r.year != year:
                continue
            _r, rows = await noms.listing(r.key)
            if rows:
                rounds.append((r, rows))
                per_unit.update(row.unit_code for row in rows)
        rounds.sort(key=lambda pair: pair[0].closes_on)
        lines = []
        by_criterion: dict[str, Counter[str]] = {g.code: Counter() for g in self.campaign.collective_criteria}
        for entry in board:
            sa = await assess.for_report(entry.unit_id, year)
            levels = {}
            for g in self.campaign.collective_criteria:
                answer = sa.group(g.code) if sa.status != "none" else None
                levels[g.code] = answer.level if answer is not None else None
                by_criterion[g.code][levels[g.code] or "none"] += 1
            lines.append(
                UnitLine(
                    unit_id=entry.unit_id,
                    code=entry.unit_code,
                    name=entry.unit_name,
                    members=scope_members.get(entry.unit_id, 0),
                    tally=scope_tally.get(entry.unit_id, Tally()),
                    levels=levels,
                    assessment=sa.status,
                    submitted_at=entry.submitted_at,
                    file_name=entry.file_name,
                    nominations=per_unit.get(entry.unit_code, 0),
                )
            )
        if scope_members.get(0) or scope_tally.get(0, Tally()).expected:
            lines.append(
                UnitLine(
                    unit_id=0,
                    code="",
                    name=OTHERS,
                    members=scope_members.get(0, 0),
                    tally=scope_tally.get(0, Tally()),
                    levels={g.code: None for g in self.campaign.collective_criteria},
                    assessment="none",
                    submitted_at=None,
                    file_name=None,
                    nominations=0,
                )
            )
        first = week_monday(weeks[0]) if weeks else date(year, 1, 1)
        last = min(today, week_monday(weeks[-1]) + timedelta(days=6)) if weeks else date(year, 12, 31)
        if admin is not None:
            AuditService(self.session, self.clock).note(
                admin.telegram_id, "report.consolidated", detail=f"year={year} units={len(lines)}"
            )
            await self.session.commit()
        return ConsolidatedReport(
            year=year,
            prepared_on=today,
            period=(first, last),
            weeks=len(weeks),
            ministry_name=self.ministry_name,
            standing_agency=self.standing_agency,
            campaign=self.campaign,
            lines=lines,
            members=sum(line.members for line in lines),
            tally=sum((line.tally for line in lines), Tally()),
            by_criterion=by_criterion,
            rounds=rounds,
            timezone=self.timezone,
        )


__all__ = ["ConsolidatedReport", "ConsolidatedService", "UnitLine", "agency_code", "agency_head"]

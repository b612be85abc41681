"""The unit's annual report (plan §VI.1): each unit reports on carrying out the campaign to
the ministry, through the standing agency, before 15 December every year.

The service gathers everything the report says for the leader's unit and its sub-units,
for one year: participation in the weekly self-assessment and the criteria shares (§IV.1.2,
withheld under MIN_GROUP respondents), the unit's own self-assessment on the collective
criteria (§IV.1.1, bot.services.self_assessment) and its sub-units', approved good
examples, the year's nominations, and a table by sub-unit. Every figure of the text is
taken from that table's totals, so the text and the appendix cannot disagree.
bot.render.report_docx lays it out as a Decree 30/2020/NĐ-CP report, ready to sign.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from sqlmodel import col, func, select

from bot.campaign.schema import Campaign, CriterionGroup
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.checkin import week_monday
from bot.services.documents import DocumentService
from bot.services.errors import InvalidInput
from bot.services.examples import ExampleRow, ExampleService
from bot.services.figures import FiguresService, Tally, weeks_of_year
from bot.services.nominations import NominationService, Round
from bot.services.stats import MIN_GROUP, Shares
from storage.awards import Nomination
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level, Role, Unit, User

_DEPUTY = re.compile(r"^\s*phó\b", re.IGNORECASE)
_HEAD = re.compile(r"(trưởng|giám đốc|chủ tịch|chánh|tổng biên tập|thủ trưởng)", re.IGNORECASE)


@dataclass(frozen=True)
class Signer:
    """Who signs: the authority line (KT. when a deputy signs for the head), title, name."""

    title: str
    name: str
    authority: str | None = None


@dataclass(frozen=True)
class AppendixRow:
    """One line of the appendix: a sub-unit (with its own sub-units), or the unit's own
    staff when it has people of its own beside its sub-units."""

    unit: Unit
    label: str
    members: int
    tally: Tally
    self_assessment: str | None = None  # "Tốt", "Đạt", "Chưa đạt" over its items; None: none given


@dataclass(frozen=True)
class CriterionResult:
    """§IV.1.1: one collective criterion as the unit assessed itself (the group's level,
    account, figures and evidence; its sub-items' levels), and the levels its sub-units
    gave themselves."""

    code: str
    level: str | None  # good | met | not_met; None: not assessed
    account: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value as written)
    evidence: int = 0
    items: list[tuple[str, str | None]] = field(default_factory=list)  # (sub-item text, level)
    sub_levels: Counter[str] = field(default_factory=Counter)  # good/met/not_met/none → sub-units


@dataclass(frozen=True)
class AnnualReport:
    """Everything the report says; no Telegram, no Word."""

    year: int
    prepared_on: date
    unit: Unit
    governing_body: str  # "cơ quan chủ quản": the parent unit, or the ministry
    ministry_name: str
    standing_agency: str
    campaign: Campaign
    sub_units: list[Unit]
    period: tuple[date, date]  # the first and last day counted
    weeks: int
    members: int
    tally: Tally  # = the appendix's total row
    respondents: int
    shares: dict[str, Shares] | None  # per individual criterion over the year; None: withheld
    appendix: list[AppendixRow]
    criteria: list[CriterionResult]
    self_assessment_status: str | None  # draft | submitted | None (none started)
    sub_units_assessed: int
    examples: list[ExampleRow]
    nominations: list[tuple[Round, Nomination]]
    signer: Signer
    doc_code: str
    place: str | None
    min_group: int = MIN_GROUP

    @property
    def figures(self) -> Any:  # noqa: ANN401 - the older callers' view: .tally, .shares
        return self


def criterion_level(levels: list[str | None]) -> str | None:
    """A criterion's level from its sub-items': not met if any is, good if all are, else met."""
    given = [lv for lv in levels if lv]
    if not given:
        return None
    if "not_met" in given:
        return "not_met"
    if all(lv == "good" for lv in given) and len(given) == len(levels):
        return "good"
    return "met"


def signer_for(requester: Person, leaders: list[User]) -> Signer:
    """The head signs; a deputy signs "KT." for the head; an emulation officer drafts for the
    head. Titles and names are what the people gave the bot."""

    def is_head(u: Person) -> bool:
        return bool(u.position) and not _DEPUTY.match(u.position) and bool(_HEAD.search(u.position))

    head = next((u for u in leaders if is_head(u)), None)
    if requester.position and _DEPUTY.match(requester.position):
        head_title = head.position if head else _DEPUTY.sub("", requester.position).strip()
        return Signer(title=requester.position, name=requester.full_name, authority=f"KT. {head_title}")
    if is_head(requester):
        return Signer(title=requester.position, name=requester.full_name)
    if head is not None:
        return Signer(title=head.position, name=head.full_name)
    return Signer(title="Thủ trưởng đơn vị", name="")


class ReportService(DocumentService):
    @cached_property
    def figures(self) -> FiguresService:
        return FiguresService(self.session, self.clock, self.timezone)

    async def _self_assessments(self, unit_id: int, year: int) -> dict[int, Any]:
        """The unit's and its sub-units' self-assessments (F's rollup), by unit id."""
        try:
            from bot.services.self_assessment import SelfAssessmentService
        except ImportError:  # pragma: no cover - the self-assessment ships with the yearly cycle
            return {}
        svc = SelfAssessmentService(self.session, self.clock, self.campaign)
        return dict(await svc.for_report_rollup(unit_id, year))

    async def annual(self, leader: Person, year: int) -> AnnualReport:
        """The leader's own unit (and its sub-units), one year."""
        if Role(leader.role) != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.report, "not a unit's leader")
        if year not in self.years():
            raise InvalidInput("report_year", first=self.years()[0], last=self.years()[-1])
        unit, _top = await self.figures.visible_unit(leader, None, Action.report)
        report = await self.build(unit, year, requester=leader)
        AuditService(self.session, self.clock).note(
            leader.telegram_id, "report.annual", detail=f"unit={unit.code} year={year}"
        )
        await self.session.commit()
        return report

    async def build(self, unit: Unit, year: int, *, requester: Person | None = None) -> AnnualReport:
        today = self.figures.today()
        parent = await self.session.get(Unit, unit.parent_id) if unit.parent_id else None
        subtree = list(
            (
                await self.session.exec(
                    select(Unit).where(col(Unit.path).startswith(unit.path)).order_by(col(Unit.path))
                )
            ).all()
        )
        ids = [u.id for u in subtree if u.id is not None]
        subs = [u for u in subtree if u.id != unit.id]
        weeks = weeks_of_year(year, today)
        own, counts = await self.figures.stats.person_weeks(weeks, ids) if weeks else ({}, Counter())

        # The appendix: the unit's own people, then each direct sub-unit with its subtree.
        children = [u for u in subs if u.parent_id == unit.id]
        assessments = await self._self_assessments(unit.id or 0, year)
        rows: list[AppendixRow] = []

        def level_of(unit_id: int | None) -> str | None:
            """A unit's overall level over the collective criteria it assessed."""
            sa = assessments.get(unit_id or 0)
            if sa is None or getattr(sa, "status", "none") == "none":
                return None
            return criterion_level([i.level for i in sa.items if i.item is None])

        if counts.get(unit.id or 0) or own.get(unit.id or 0, Tally()).expected or not children:
            rows.append(
                AppendixRow(
                    unit=unit,
                    label=f"{unit.name} (lãnh đạo và bộ phận trực thuộc trực tiếp)" if children else unit.name,
                    members=counts.get(unit.id or 0, 0),
                    tally=own.get(unit.id or 0, Tally()),
                    self_assessment=level_of(unit.id),
                )
            )
        for child in children:
            members, tally = 0, Tally()
            for u in subs:
                if u.path.startswith(child.path):
                    members += counts.get(u.id or 0, 0)
                    tally = tally + own.get(u.id or 0, Tally())
            rows.append(
                AppendixRow(
                    unit=child, label=child.name, members=members, tally=tally, self_assessment=level_of(child.id)
                )
            )
        total = sum((r.tally for r in rows), Tally())
        members = sum(r.members for r in rows)

        respondents, shares = await self._shares(ids, weeks)

        # §IV.1.1: the unit's own self-assessment, criterion by criterion; its sub-units' levels.
        mine = assessments.get(unit.id or 0)
        begun = {uid: sa for uid, sa in assessments.items() if getattr(sa, "status", "none") != "none"}
        criteria = [
            self._criterion(group, begun.get(unit.id or 0), [assessments[s.id] for s in subs if s.id in assessments])
            for group in self.campaign.collective_criteria
        ]
        examples = await ExampleService(self.session, self.clock, self.timezone).approved_in(
            unit, date(year, 1, 1), date(year, 12, 31)
        )
        nominations = await NominationService(self.session, self.clock, self.campaign, self.timezone).of_year(
            unit.id or 0, year
        )
        leaders = list(
            (
                await self.session.exec(
                    select(User)
                    .where(User.unit_id == unit.id, User.role == Role.leader, col(User.telegram_id).is_not(None))
                    .order_by(col(User.id))
                )
            ).all()
        )
        signer = (
            signer_for(requester, leaders)
            if requester is not None
            else signer_for(leaders[0], leaders)
            if leaders
            else Signer(title="Thủ trưởng đơn vị", name="")
        )
        first = week_monday(weeks[0]) if weeks else date(year, 1, 1)
        last = min(today, week_monday(weeks[-1]) + timedelta(days=6)) if weeks else date(year, 12, 31)
        return AnnualReport(
            year=year,
            prepared_on=today,
            unit=unit,
            governing_body=parent.name if parent else self.ministry_name,
            ministry_name=self.ministry_name,
            standing_agency=self.standing_agency,
            campaign=self.campaign,
            sub_units=subs,
            period=(first, last),
            weeks=len(weeks),
            members=members,
            tally=total,
            respondents=respondents,
            shares=shares,
            appendix=rows,
            criteria=criteria,
            self_assessment_status=mine.status if mine is not None and mine.status != "none" else None,
            sub_units_assessed=sum(1 for s in subs if s.id in begun),
            examples=examples,
            nominations=nominations,
            signer=signer,
            doc_code=unit.doc_code or unit.code,
            place=unit.place,
        )

    @staticmethod
    def _criterion(group: CriterionGroup, mine: Any, subs: list[Any]) -> CriterionResult:  # noqa: ANN401
        """One §IV.1.1 group from the unit's self-assessment (UnitSelfAssessment) and its
        sub-units'."""
        sub_levels: Counter[str] = Counter()
        for sa in subs:
            answer = sa.group(group.code)
            sub_levels[(answer.level if answer is not None else None) or "none"] += 1
        if mine is None:
            return CriterionResult(code=group.code, level=None, sub_levels=sub_levels)
        answer = mine.group(group.code)
        items = []
        for sub in mine.sub_items(group.code):
            try:
                text = group.item(sub.item).text.vi.rstrip(" ;.")
            except KeyError:
                text = sub.item or ""
            items.append((text, sub.level))
        level = answer.level if answer is not None and answer.level else criterion_level([lv for _t, lv in items])
        figures = []
        for code, value in answer.figures.items() if answer is not None else ():
            try:
                figure = group.figure(code)
            except KeyError:
                continue
            shown = {"yes": "Có", "no": "Không"}.get(value, value)
            if figure.kind == "percent":
                shown = f"{value}%"
            figures.append((figure.label.vi, shown))
        return CriterionResult(
            code=group.code,
            level=level,
            account=(answer.account if answer is not None else "") or "",
            figures=figures,
            evidence=len(answer.evidence) if answer is not None else 0,
            items=items,
            sub_levels=sub_levels,
        )

    async def _shares(self, ids: list[int], weeks: list[int]) -> tuple[int, dict[str, Shares] | None]:
        """Respondents and the criteria shares over the year's finished check-ins (SPEC §2:
        withheld under MIN_GROUP people)."""
        if not weeks:
            return 0, None
        where = (col(CheckIn.unit_id).in_(ids), col(CheckIn.week).in_(weeks), CheckIn.status == CheckInStatus.done)
        people = (await self.session.exec(select(func.count(func.distinct(CheckIn.user_id))).where(*where))).one()
        erased = (
            await self.session.exec(
                select(func.count()).select_from(CheckIn).where(*where, col(CheckIn.user_id).is_(None))
            )
        ).one()
        respondents = int(people) + (1 if erased else 0)  # the erased are at least one more person
        if respondents < MIN_GROUP:
            return respondents, None
        res = await self.session.exec(
            select(CheckInAnswer.criterion, CheckInAnswer.level, func.count())
            .where(col(CheckInAnswer.checkin_id).in_(select(CheckIn.id).where(*where)))
            .group_by(CheckInAnswer.criterion, CheckInAnswer.level)
        )
        found: dict[str, dict[str, int]] = {}
        for criterion, level, n in res.all():
            found.setdefault(criterion, {})[level] = int(n)
        return respondents, {
            c: Shares(v.get(Level.good, 0), v.get(Level.ok, 0), v.get(Level.not_met, 0)) for c, v in found.items()
        }

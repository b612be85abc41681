"""Nomination dossiers (Decree 98/2023/NĐ-CP guiding the Law on Emulation and Commendation
06/2022/QH15): for each nomination a draft achievement report in the Decree's form (Mẫu 02
for a collective, Mẫu 03 for an individual), and for a unit's nominations in a round the
list of nominees and the cover submission (tờ trình).

The drafts are filled with what the bot knows: the unit and its parent, the person's
position, the year's participation in the weekly self-assessment (counts only: a person's
answers are seen by them alone, SPEC §2), approved good examples about the nominee, the
unit's self-assessment on the collective criteria (§IV.1.1) for a collective, and the
achievements the leader typed. What the bot cannot know (date of birth, titles already
received, the council's minutes) is left marked for the unit to fill in.

Rules: a leader gets the dossiers of their own unit's nominations only, administrators any;
a withdrawn nomination has no dossier; a nominee an administrator flagged as not eligible
(Decree 98, Art. 4) gets none either. Every refusal is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.campaign.schema import Campaign
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.checkin import week_monday
from bot.services.documents import DocumentService
from bot.services.errors import InvalidInput, NotFound
from bot.services.examples import ExampleRow, ExampleService
from bot.services.figures import FiguresService, Tally, weeks_of_year
from bot.services.nominations import NominationRefused, NominationService, Round, nominee_name
from bot.services.reports import CriterionResult, ReportService, Signer, criterion_level, signer_for
from storage.awards import Nomination, NomineeKind
from storage.models import CheckIn, CheckInStatus, Role, Unit, User

SUMMARY_CHARS = 300


@dataclass(frozen=True)
class AchievementReport:
    """Mẫu 02 (collective) or Mẫu 03 (individual), as the bot can fill it."""

    nomination: Nomination
    round: Round
    kind: NomineeKind
    unit: Unit  # the nominating unit
    governing_body: str
    award: str
    prepared_on: date
    person: User | None  # an individual the bot knows by name, in the unit's tree
    person_unit: Unit | None
    collective: Unit | None  # a collective the bot knows by name or code
    tally: Tally | None  # the year's weekly self-assessment: the person's, or the collective's
    members: int
    criteria: list[CriterionResult] = field(default_factory=list)  # §IV.1.1, a collective's self-assessment
    examples: list[ExampleRow] = field(default_factory=list)
    place: str | None = None
    doc_code: str = ""
    campaign_title: str = ""  # the campaign file's name, in Vietnamese (issue 13.1)

    @property
    def form(self) -> str:
        return "02" if self.kind == NomineeKind.collective else "03"


@dataclass(frozen=True)
class ListedNominee:
    number: int
    name: str
    position_or_unit: str
    award: str
    summary: str
    kind: NomineeKind


@dataclass(frozen=True)
class RoundDossier:
    """A unit's nominations in one round: the list and the cover submission."""

    round: Round
    unit: Unit
    governing_body: str
    ministry_name: str
    standing_agency: str
    campaign: Campaign
    award: str
    prepared_on: date
    nominees: list[ListedNominee]
    signer: Any  # bot.services.reports.Signer
    place: str | None
    doc_code: str

    @property
    def collectives(self) -> int:
        return sum(1 for n in self.nominees if n.kind == NomineeKind.collective)

    @property
    def individuals(self) -> int:
        return sum(1 for n in self.nominees if n.kind == NomineeKind.individual)


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    return (cut[: cut.rindex(" ")] if " " in cut[limit // 2 :] else cut).rstrip(" ,.;:") + "…"


class DossierService(DocumentService):
    @cached_property
    def nominations(self) -> NominationService:
        return NominationService(self.session, self.clock, self.campaign, self.timezone)

    @cached_property
    def figures(self) -> FiguresService:
        return FiguresService(self.session, self.clock, self.timezone)

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self.session, self.clock)

    async def _viewer_unit(self, viewer: Person, unit: Unit, what: str) -> None:
        """Leaders: their own unit only; administrators: any; nobody else."""
        role = Role(viewer.role)
        if role == Role.admin:
            return
        if role != Role.leader or viewer.unit_id is None or viewer.unit_id != unit.id:
            await deny(self.session, self.clock, viewer, Action.dossier, f"{what} of unit={unit.id}")

    async def _governing(self, unit: Unit) -> str:
        parent = await self.session.get(Unit, unit.parent_id) if unit.parent_id else None
        return parent.name if parent else self.ministry_name

    async def achievement(self, viewer: Person, nomination_id: int) -> AchievementReport:
        """The draft achievement report of one nomination (Mẫu 02 / Mẫu 03)."""
        row = await self.session.get(Nomination, nomination_id)
        if row is None:
            raise NotFound("nomination", value=str(nomination_id))
        unit = await self.session.get(Unit, row.unit_id)
        assert unit is not None
        await self._viewer_unit(viewer, unit, f"dossier nomination={nomination_id}")
        if row.withdrawn_at is not None:
            when = row.withdrawn_at.astimezone(ZoneInfo(self.timezone)).strftime("%d/%m/%Y")
            await self.audit.refused(viewer.telegram_id, "dossier.withdrawn", detail=f"nomination={nomination_id}")
            raise NominationRefused("dossier_withdrawn", date=when)
        kind = NomineeKind(row.kind)
        match = await self.nominations.nominee_match(unit, kind, row.nominee)
        flag = await self.nominations.flag_for(match)
        if flag is not None:
            who, reason, flag_id = nominee_name(row.nominee), flag.reason, flag.id
            await self.audit.refused(
                viewer.telegram_id, "dossier.not_eligible", detail=f"nomination={nomination_id} flag={flag_id}"
            )
            raise NominationRefused("not_eligible", nominee=who, reason=reason)
        r = await self.nominations.round(row.round_key)
        year = r.year
        weeks = weeks_of_year(year, self.today())
        person = match if isinstance(match, User) else None
        collective = match if isinstance(match, Unit) else None
        tally: Tally | None = None
        members = 0
        criteria: list[CriterionResult] = []
        examples: list[ExampleRow] = []
        ex_svc = ExampleService(self.session, self.clock, self.timezone)
        if person is not None and weeks:
            tally = await self._tally_of(person, weeks)
            members = 1
            approved = await ex_svc.approved_in(unit, date(year, 1, 1), date(year, 12, 31))
            name = nominee_name(row.nominee).casefold()
            examples = [
                e
                for e in approved
                if e.consent_names
                and (
                    (e.subject_name or "").casefold().startswith(name)
                    or (
                        e.subject is not None
                        and e.subject.value == "myself"
                        and (e.submitter_name or "").casefold() == name
                    )
                )
            ]
        if collective is not None:
            report = await ReportService(
                self.session,
                self.clock,
                self.campaign,
                timezone=self.timezone,
                ministry_name=self.ministry_name,
                standing_agency=self.standing_agency,
            ).build(collective, year)
            tally, members, criteria, examples = report.tally, report.members, report.criteria, report.examples
        self.audit.note(
            viewer.telegram_id, "dossier.achievement", detail=f"nomination={nomination_id} form={kind.value}"
        )
        await self.session.commit()
        person_unit = await self.session.get(Unit, person.unit_id) if person is not None and person.unit_id else None
        return AchievementReport(
            nomination=row,
            round=r,
            kind=kind,
            unit=unit,
            governing_body=await self._governing(unit),
            award=self.campaign.awards.award.vi,
            prepared_on=self.today(),
            person=person,
            person_unit=person_unit,
            collective=collective,
            tally=tally,
            members=members,
            criteria=criteria,
            examples=examples,
            place=unit.place,
            doc_code=unit.doc_code or unit.code,
            campaign_title=self.campaign.title.vi,
        )

    async def _tally_of(self, person: User, weeks: list[int]) -> Tally:
        """One person's year: the weeks expected (from joining), self-assessed and excused;
        counts only, never the answers."""
        res = await self.session.exec(
            select(CheckIn.status).where(CheckIn.user_id == person.id, col(CheckIn.week).in_(weeks))
        )
        statuses = list(res.all())
        done = sum(1 for s in statuses if s == CheckInStatus.done)
        skipped = sum(1 for s in statuses if s == CheckInStatus.skipped)
        joined = person.onboarded_at.astimezone(ZoneInfo(person.timezone)).date() if person.onboarded_at else None
        expected = sum(1 for w in weeks if joined is None or week_monday(w) + timedelta(days=6) >= joined)
        return Tally(expected, min(done, expected), min(skipped, expected))

    async def round_dossier(self, viewer: Person, round_key: str, unit_code: str | None = None) -> RoundDossier:
        """A unit's list of nominees and its cover submission for one round."""
        r = await self.nominations.round(round_key)
        if unit_code:
            unit = (await self.session.exec(select(Unit).where(Unit.code == unit_code))).first()
            if unit is None:
                raise NotFound("unit", value=unit_code)
        elif viewer.unit_id is not None:
            unit = await self.session.get(Unit, viewer.unit_id)
        else:
            raise InvalidInput("dossier_usage")
        assert unit is not None
        await self._viewer_unit(viewer, unit, f"dossier round={r.key}")
        live = list(
            (
                await self.session.exec(
                    select(Nomination)
                    .where(
                        Nomination.round_key == r.key,
                        Nomination.unit_id == unit.id,
                        col(Nomination.withdrawn_at).is_(None),
                    )
                    .order_by(col(Nomination.slot))
                )
            ).all()
        )
        nominees = []
        for n, row in enumerate(live, start=1):
            kind = NomineeKind(row.kind)
            match = await self.nominations.nominee_match(unit, kind, row.nominee)
            flag = await self.nominations.flag_for(match)
            if flag is not None:
                who, reason, detail = nominee_name(row.nominee), flag.reason, f"nomination={row.id} flag={flag.id}"
                await self.audit.refused(viewer.telegram_id, "dossier.not_eligible", detail=detail)
                raise NominationRefused("not_eligible", nominee=who, reason=reason)
            if isinstance(match, User):
                where = await self.session.get(Unit, match.unit_id) if match.unit_id else unit
                position = ", ".join(p for p in (match.position, where.name if where else unit.name) if p)
                name = match.full_name
            elif isinstance(match, Unit):
                parent = await self.session.get(Unit, match.parent_id) if match.parent_id else None
                position = parent.name if parent and match.id != unit.id else await self._governing(unit)
                name = match.name
            else:
                parts = row.nominee.split(",", 1)
                name = parts[0].strip()
                position = parts[1].strip() if len(parts) > 1 else unit.name
            nominees.append(
                ListedNominee(n, name, position, self.campaign.awards.award.vi, summary(row.achievement), kind)
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
        requester = viewer if Role(viewer.role) == Role.leader else (leaders[0] if leaders else None)
        signer = signer_for(requester, leaders) if requester is not None else Signer(title="Thủ trưởng đơn vị", name="")
        self.audit.note(viewer.telegram_id, "dossier.round", detail=f"round={r.key} unit={unit.code} n={len(nominees)}")
        await self.session.commit()
        return RoundDossier(
            round=r,
            unit=unit,
            governing_body=await self._governing(unit),
            ministry_name=self.ministry_name,
            standing_agency=self.standing_agency,
            campaign=self.campaign,
            award=self.campaign.awards.award.vi,
            prepared_on=self.today(),
            nominees=nominees,
            signer=signer,
            place=unit.place,
            doc_code=unit.doc_code or unit.code,
        )

    async def whole_round(
        self, viewer: Person, round_key: str, unit_code: str | None = None, *, with_reports: bool = False
    ) -> tuple[RoundDossier, list[AchievementReport]]:
        """A unit's list and cover submission for a round; ``with_reports``: the leader's
        whole dossier, every live nomination's achievement report of the round too."""
        rd = await self.round_dossier(viewer, round_key, unit_code)
        reports = []
        if with_reports:
            for _r, n in sorted(await self.live_of_unit(viewer), key=lambda pair: pair[1].slot):
                if n.round_key == round_key and n.id is not None:
                    reports.append(await self.achievement(viewer, n.id))
        return rd, reports

    async def live_of_unit(self, viewer: Person) -> list[tuple[Round, Nomination]]:
        """The leader's unit's live nominations, newest round first (the /dossier menu)."""
        if viewer.unit_id is None:
            return []
        rows = list(
            (
                await self.session.exec(
                    select(Nomination)
                    .where(Nomination.unit_id == viewer.unit_id, col(Nomination.withdrawn_at).is_(None))
                    .order_by(col(Nomination.id).desc())
                )
            ).all()
        )
        out = []
        for row in rows:
            try:
                out.append((await self.nominations.round(row.round_key), row))
            except NotFound:
                continue
        return out


__all__ = ["AchievementReport", "DossierService", "ListedNominee", "RoundDossier", "criterion_level"]

"""A unit's self-assessment on the collective criteria (tự đánh giá, plan §IV.1.1 a–e).

Each year the unit states, for every collective criterion group and its sub-items, a level
(Tốt / Đạt / Chưa đạt), a short account of what it did, the figures the campaign file asks
for (§IV.1.1.c: on-time procedures, apologies, online public services; §IV.1.1.e: single-use
plastic at meetings …) and evidence (photos, files). Every answer is saved as it is given,
so an interrupted assessment resumes where it stood, also after a restart; it stays
editable until the unit submits it (§VI.1: the report goes up before 15 December).

Who: the unit's leader, or the unit emulation officer the leader appoints; a leader also
sees (read only) the self-assessments of the unit's sub-units, rolled up; admins (the
standing agency, §VI.2) see every unit's. Employees see none of it. Every refusal is
audited.

:meth:`SelfAssessmentService.for_report` and :meth:`for_report_rollup` are what the annual
report and the consolidated report read (frozen dataclasses, no table rows).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign, CriterionGroup, Figure
from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from storage.models import Role, Unit, User
from storage.yearly import (
    ACCOUNT_MAX,
    FIGURE_MAX,
    FILE_MAX_BYTES,
    AssessmentEvidence,
    AssessmentItem,
    AssessmentLevel,
    AssessmentStatus,
    EvidenceKind,
    UnitAssessment,
    UnitEmulationOfficer,
)

__all__ = [
    "ACCOUNT_MAX",
    "MAX_EVIDENCE",
    "EvidenceRef",
    "ItemAssessment",
    "SelfAssessmentService",
    "UnitSelfAssessment",
]

#: Evidence kept per criterion group (photos and files together).
MAX_EVIDENCE = 10
#: Status of a unit that has not begun its self-assessment for the year.
STATUS_NONE = "none"
LEVELS = tuple(level.value for level in AssessmentLevel)
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


# -- what the reports read -----------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRef:
    name: str  # the file's name, or "photo-1.jpg"
    kind: str  # "photo" | "file"


@dataclass(frozen=True)
class ItemAssessment:
    """The unit's answer on a criterion group (``item`` None) or one of its sub-items."""

    criterion: str  # "a" … "e"
    item: str | None  # "a2", or None for the group as a whole
    level: str | None  # "good" | "met" | "not_met" | None (not answered)
    account: str  # what the unit did, at most ACCOUNT_MAX characters ("" if none)
    figures: dict[str, str]  # figure code (campaign file) -> the value given
    evidence: list[EvidenceRef]


@dataclass(frozen=True)
class UnitSelfAssessment:
    unit_id: int
    year: int
    status: str  # "none" (not begun) | "draft" | "submitted"
    items: list[ItemAssessment]  # campaign order: each group, then its sub-items
    updated_at: datetime | None
    submitted_at: datetime | None
    unit_code: str = ""
    unit_name: str = ""
    assessment_id: int | None = None
    evidence_count: int = 0

    def group(self, criterion: str) -> ItemAssessment | None:
        """The answer on the criterion group as a whole."""
        return next((i for i in self.items if i.criterion == criterion and i.item is None), None)

    def sub_items(self, criterion: str) -> list[ItemAssessment]:
        return [i for i in self.items if i.criterion == criterion and i.item is not None]

    @property
    def answered(self) -> int:
        """Criterion groups with a level."""
        return sum(1 for i in self.items if i.item is None and i.level is not None)


@dataclass
class EvidenceAdded:
    count: int  # evidence now kept for the group
    added: bool
    full: bool = False


# -- the service --------------------------------------------------------------------------


def assessed_items(group: CriterionGroup) -> list[str | None]:
    """The keys a group is assessed on: the group itself, and its sub-items when it has
    more than one (a group the plan gives without bullets is its own single sub-item)."""
    return [None] + ([i.code for i in group.items] if len(group.items) > 1 else [])


def clean_figure(figure: Figure, value: str) -> str:
    """A figure as stored: "97,5" for a percent, "12" for a count, "yes"/"no"."""
    raw = " ".join((value or "").split()).strip().rstrip("%").strip().lower()
    if figure.kind == "yes_no":
        if raw in ("yes", "y", "có", "co", "1", "true"):
            return "yes"
        if raw in ("no", "n", "không", "khong", "0", "false"):
            return "no"
        raise InvalidInput("figure_yes_no", figure=figure.code)
    if figure.kind == "count":
        if not raw.isdigit() or len(raw) > 9:
            raise InvalidInput("figure_count", figure=figure.code)
        return str(int(raw))
    if not _NUMBER.match(raw) or len(raw) > FIGURE_MAX:
        raise InvalidInput("figure_percent", figure=figure.code)
    number = float(raw.replace(",", "."))
    if not 0 <= number <= 100:
        raise InvalidInput("figure_percent", figure=figure.code)
    return raw.replace(".", ",")


@dataclass(frozen=True)
class Overview:
    """The /selfassess card: the assessment, and what the person may do with it."""

    sa: UnitSelfAssessment
    editable: bool
    is_leader: bool = False
    has_sub_units: bool = False


@dataclass(frozen=True)
class OfficerCard:
    officer: User | None
    members: list[User]


class SelfAssessmentService:
    def __init__(self, session: AsyncSession, clock: Clock, campaign: Campaign) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.audit = AuditService(session, clock)

    # -- the unit emulation officer -------------------------------------------------------

    async def officer(self, unit_id: int) -> User | None:
        """The unit's appointed emulation officer, if any."""
        res = await self.session.exec(
            select(User)
            .join(UnitEmulationOfficer, col(UnitEmulationOfficer.user_id) == col(User.id))
            .where(UnitEmulationOfficer.unit_id == unit_id, col(UnitEmulationOfficer.revoked_at).is_(None))
        )
        return res.first()

    async def is_officer(self, user: Person) -> bool:
        if user.id is None or user.unit_id is None:
            return False
        res = await self.session.exec(
            select(UnitEmulationOfficer.id).where(
                UnitEmulationOfficer.unit_id == user.unit_id,
                UnitEmulationOfficer.user_id == user.id,
                col(UnitEmulationOfficer.revoked_at).is_(None),
            )
        )
        return res.first() is not None

    async def unit_members(self, leader: Person) -> list[User]:
        """Registered members of the leader's unit who could be appointed."""
        if leader.unit_id is None:
            return []
        res = await self.session.exec(
            select(User)
            .where(
                User.unit_id == leader.unit_id,
                col(User.id) != leader.id,
                User.role == Role.employee,
                col(User.onboarded_at).is_not(None),
                col(User.active).is_(True),
            )
            .order_by(col(User.full_name), col(User.id))
        )
        return list(res.all())

    async def appoint_officer(self, leader: Person, user_id: int) -> User:
        """§VI.1 paperwork on the leader's behalf: the leader appoints one member of the unit
        (replacing an earlier appointment)."""
        if leader.role != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.report, "appoint officer: not a leader")
        person = await self.session.get(User, user_id)
        if person is None or person.unit_id != leader.unit_id or person.onboarded_at is None or not person.active:
            await deny(
                self.session,
                self.clock,
                leader,
                Action.report,
                f"appoint officer: user={user_id} not in unit={leader.unit_id}",
            )
        assert person is not None and leader.unit_id is not None
        now = self.clock.now()
        res = await self.session.exec(
            select(UnitEmulationOfficer).where(
                UnitEmulationOfficer.unit_id == leader.unit_id, col(UnitEmulationOfficer.revoked_at).is_(None)
            )
        )
        for old in res.all():
            if old.user_id == person.id:
                return person
            old.revoked_at = now
            self.session.add(old)
        await self.session.flush()
        self.session.add(
            UnitEmulationOfficer(unit_id=leader.unit_id, user_id=person.id, appointed_by=leader.id, appointed_at=now)
        )
        self.audit.note(leader.telegram_id, "officer.appoint", detail=f"unit={leader.unit_id} user={person.id}")
        await self.session.commit()
        return person

    async def revoke_officer(self, leader: Person) -> bool:
        if leader.role != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.report, "revoke officer: not a leader")
        res = await self.session.exec(
            select(UnitEmulationOfficer).where(
                UnitEmulationOfficer.unit_id == leader.unit_id, col(UnitEmulationOfficer.revoked_at).is_(None)
            )
        )
        rows = list(res.all())
        for row in rows:
            row.revoked_at = self.clock.now()
            self.session.add(row)
        if rows:
            self.audit.note(leader.telegram_id, "officer.revoke", detail=f"unit={leader.unit_id}")
            await self.session.commit()
        return bool(rows)

    # -- access ---------------------------------------------------------------------------

    async def may_assess(self, user: Person) -> bool:
        """The unit's leader or its appointed emulation officer."""
        if user.unit_id is None:
            return False
        return user.role == Role.leader or await self.is_officer(user)

    async def _editable_unit(self, user: Person, unit_id: int | None = None) -> Unit:
        """The unit ``user`` may assess: their own, as its leader or emulation officer."""
        target = unit_id if unit_id is not None else user.unit_id
        if not await self.may_assess(user) or target != user.unit_id:
            await deny(self.session, self.clock, user, Action.report, f"self-assessment edit unit={target}")
        unit = await self.session.get(Unit, target)
        if unit is None:
            raise NotFound("unit", value=str(target))
        return unit

    async def _viewable_unit(self, user: Person, unit_id: int) -> Unit:
        """Admins see every unit; a leader their own unit and its sub-units; the officer
        their own unit. Everyone else is refused (and audited)."""
        unit = await self.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("unit", value=str(unit_id))
        if user.role == Role.admin:
            return unit
        if user.unit_id is not None:
            own = await self.session.get(Unit, user.unit_id)
            if user.role == Role.leader and own is not None and unit.path.startswith(own.path):
                return unit
            if unit.id == user.unit_id and await self.is_officer(user):
                return unit
        await deny(self.session, self.clock, user, Action.view_unit, f"self-assessment view unit={unit_id}")

    # -- editing --------------------------------------------------------------------------

    async def _assessment(self, unit_id: int, year: int) -> UnitAssessment | None:
        res = await self.session.exec(
            select(UnitAssessment).where(UnitAssessment.unit_id == unit_id, UnitAssessment.year == year)
        )
        return res.first()

    async def start(self, user: Person, year: int) -> UnitAssessment:
        """The user's unit's assessment for ``year``, begun if it was not."""
        unit = await self._editable_unit(user)
        row = await self._assessment(unit.id, year)  # type: ignore[arg-type]
        if row is not None:
            return row
        now = self.clock.now()
        row = UnitAssessment(unit_id=unit.id, year=year, created_by=user.id, created_at=now, updated_at=now)  # type: ignore[arg-type]
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:  # a second tap at the same moment began it
            again = await self._assessment(unit.id, year)  # type: ignore[arg-type]
            assert again is not None
            await self.session.commit()
            return again
        self.audit.note(user.telegram_id, "selfassess.start", detail=f"unit={unit.id} year={year}")
        await self.session.commit()
        return row

    async def _draft(self, user: Person, assessment_id: int) -> UnitAssessment:
        row = await self.session.get(UnitAssessment, assessment_id)
        if row is None:
            raise NotFound("assessment", value=str(assessment_id))
        await self._editable_unit(user, row.unit_id)
        if row.status != AssessmentStatus.draft:
            raise InvalidInput("assessment_submitted")
        return row

    def _group(self, criterion: str) -> CriterionGroup:
        try:
            return self.campaign.collective_criterion(criterion)
        except KeyError:
            raise NotFound("criterion", value=criterion) from None

    def _check_key(self, criterion: str, item: str | None) -> CriterionGroup:
        group = self._group(criterion)
        if item not in assessed_items(group):
            raise NotFound("criterion", value=f"{criterion}/{item}")
        return group

    async def _item_row(self, assessment: UnitAssessment, criterion: str, item: str | None) -> AssessmentItem:
        res = await self.session.exec(
            select(AssessmentItem).where(
                AssessmentItem.assessment_id == assessment.id,
                AssessmentItem.criterion == criterion,
                AssessmentItem.item == (item or ""),
            )
        )
        row = res.first()
        if row is None:
            row = AssessmentItem(
                assessment_id=assessment.id or 0,
                criterion=criterion,
                item=item or "",
                figures={},
                updated_at=self.clock.now(),
            )
        return row

    async def _change(
        self,
        user: Person,
        assessment_id: int,
        criterion: str,
        item: str | None,
        what: str,
        apply: Callable[[AssessmentItem], None],
    ) -> None:
        """Apply one answer to its row (created on first use) and commit. The leader and the
        officer answering the same new item at the same moment: one insert wins, the other
        is applied again to the row it made."""
        for attempt in (1, 2):
            assessment = await self._draft(user, assessment_id)
            row = await self._item_row(assessment, criterion, item)
            apply(row)
            now = self.clock.now()
            row.updated_at, row.updated_by, assessment.updated_at = now, user.id, now
            try:
                async with self.session.begin_nested():
                    self.session.add(row)
                    self.session.add(assessment)
            except IntegrityError:
                if attempt == 2:
                    raise
                continue
            self.audit.note(
                user.telegram_id,
                f"selfassess.{what}",
                detail=f"unit={assessment.unit_id} year={assessment.year} {criterion}/{item or '-'}",
            )
            await self.session.commit()
            return

    async def set_level(self, user: Person, assessment_id: int, criterion: str, item: str | None, level: str) -> None:
        if level not in LEVELS:
            raise InvalidInput("assessment_level")
        self._check_key(criterion, item)

        def apply(row: AssessmentItem) -> None:
            row.level = AssessmentLevel(level)

        await self._change(user, assessment_id, criterion, item, "level", apply)

    async def set_account(self, user: Person, assessment_id: int, criterion: str, text: str) -> str:
        """The group's account as given (spaces folded). Over ACCOUNT_MAX characters it is
        refused whole, and the account stored before stays as it was."""
        account = "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines()).strip()
        if not account:
            raise InvalidInput("account_empty")
        if len(account) > ACCOUNT_MAX:
            raise InvalidInput("account_too_long", max=ACCOUNT_MAX, length=len(account))
        self._check_key(criterion, None)

        def apply(row: AssessmentItem) -> None:
            row.account = account

        await self._change(user, assessment_id, criterion, None, "account", apply)
        return account

    async def set_figure(self, user: Person, assessment_id: int, criterion: str, code: str, value: str) -> str:
        group = self._group(criterion)
        try:
            figure = group.figure(code)
        except KeyError:
            raise NotFound("figure", value=code) from None
        clean = clean_figure(figure, value)

        def apply(row: AssessmentItem) -> None:
            row.figures = {**(row.figures or {}), code: clean}  # a new dict: JSON columns see reassignment only

        await self._change(user, assessment_id, criterion, None, "figure", apply)
        return clean

    async def evidence_count(self, assessment_id: int, criterion: str) -> int:
        res = await self.session.exec(
            select(func.count())
            .select_from(AssessmentEvidence)
            .where(AssessmentEvidence.assessment_id == assessment_id, AssessmentEvidence.criterion == criterion)
        )
        return int(res.one())

    async def add_evidence(
        self,
        user: Person,
        assessment_id: int,
        criterion: str,
        *,
        kind: str,
        name: str,
        mime: str,
        data: bytes,
        source_id: str,
    ) -> EvidenceAdded:
        """Keep a photo (re-encoded without metadata, as good examples' photos are) or a file
        (as sent, at most 20 MB)."""
        assessment = await self._draft(user, assessment_id)
        self._check_key(criterion, None)
        count = await self.evidence_count(assessment_id, criterion)
        source_id = (source_id or "")[:128]
        repeated = await self.session.exec(
            select(AssessmentEvidence.id).where(
                AssessmentEvidence.assessment_id == assessment_id, AssessmentEvidence.source_id == source_id
            )
        )
        if repeated.first() is not None:  # the same file delivered again
            return EvidenceAdded(count, added=False)
        if count >= MAX_EVIDENCE:
            return EvidenceAdded(count, added=False, full=True)
        if len(data) > FILE_MAX_BYTES:
            raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024))
        if kind == EvidenceKind.photo.value:
            from bot.services.images import strip_image

            clean = await asyncio.to_thread(strip_image, data)
            data, mime, name = clean.data, "image/jpeg", f"photo-{count + 1}.jpg"
        else:
            name = " ".join((name or "").split())[:255] or f"file-{count + 1}"
            mime = (mime or "application/octet-stream")[:100]
        evidence = AssessmentEvidence(
            assessment_id=assessment_id,
            criterion=criterion,
            item="",
            kind=EvidenceKind(kind),
            name=name,
            mime=mime,
            size=len(data),
            data=data,
            source_id=source_id,
            added_by=user.id,
            created_at=self.clock.now(),
        )
        assessment.updated_at = self.clock.now()
        try:
            async with self.session.begin_nested():
                self.session.add(evidence)
                self.session.add(assessment)
        except IntegrityError:  # delivered twice at the same moment
            await self.session.commit()
            return EvidenceAdded(await self.evidence_count(assessment_id, criterion), added=False)
        self.audit.note(
            user.telegram_id, "selfassess.evidence", detail=f"unit={assessment.unit_id} {criterion} {kind} {len(data)}B"
        )
        await self.session.commit()
        return EvidenceAdded(count + 1, added=True)

    async def remove_evidence(self, user: Person, assessment_id: int, criterion: str) -> None:
        assessment = await self._draft(user, assessment_id)
        await self.session.exec(
            delete(AssessmentEvidence).where(
                col(AssessmentEvidence.assessment_id) == assessment_id, col(AssessmentEvidence.criterion) == criterion
            )
        )
        assessment.updated_at = self.clock.now()
        self.session.add(assessment)
        self.audit.note(user.telegram_id, "selfassess.evidence_clear", detail=f"unit={assessment.unit_id} {criterion}")
        await self.session.commit()

    async def evidence(self, user: Person, assessment_id: int, criterion: str) -> list[AssessmentEvidence]:
        row = await self.session.get(UnitAssessment, assessment_id)
        if row is None:
            raise NotFound("assessment", value=str(assessment_id))
        await self._viewable_unit(user, row.unit_id)
        res = await self.session.exec(
            select(AssessmentEvidence)
            .where(AssessmentEvidence.assessment_id == assessment_id, AssessmentEvidence.criterion == criterion)
            .order_by(col(AssessmentEvidence.id))
        )
        return list(res.all())

    async def remember_evidence_upload(self, evidence_id: int, file_id: str) -> None:
        """The file_id Telegram gave our copy: sent again without re-uploading."""
        row = await self.session.get(AssessmentEvidence, evidence_id)
        if row is not None and row.sent_file_id != file_id:
            row.sent_file_id = file_id[:255]
            self.session.add(row)
            await self.session.commit()

    async def missing(self, assessment_id: int) -> list[str]:
        """Criterion groups still without a level (submission needs every one)."""
        answered = await self.for_assessment(assessment_id)
        return [g.code for g in self.campaign.collective_criteria if (answered.group(g.code) or _EMPTY).level is None]

    async def submit(self, user: Person, assessment_id: int) -> UnitAssessment:
        """Close the self-assessment: every criterion group needs a level. After this it is
        read only."""
        assessment = await self._draft(user, assessment_id)
        missing = await self.missing(assessment_id)
        if missing:
            raise InvalidInput("assessment_incomplete", missing=", ".join(missing))
        now = self.clock.now()
        assessment.status = AssessmentStatus.submitted
        assessment.submitted_at = now
        assessment.submitted_by = user.id
        assessment.updated_at = now
        self.session.add(assessment)
        self.audit.note(
            user.telegram_id, "selfassess.submit", detail=f"unit={assessment.unit_id} year={assessment.year}"
        )
        await self.session.commit()
        return assessment

    async def close_if_draft(self, unit_id: int, year: int, by: Person) -> None:
        """The unit has submitted its signed report: its self-assessment is final too (the
        caller commits)."""
        row = await self._assessment(unit_id, year)
        if row is not None and row.status == AssessmentStatus.draft:
            now = self.clock.now()
            row.status, row.submitted_at, row.submitted_by, row.updated_at = AssessmentStatus.submitted, now, by.id, now
            self.session.add(row)

    # -- what /selfassess shows (one call per tap) ------------------------------------------

    def year_of(self, user: Person) -> int:
        """§VI.1: the report covers the calendar year it is due in (before 15 December)."""
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).year

    def group_at(self, index: int) -> CriterionGroup:
        """The collective criterion a button names; a stale or forged index is refused."""
        if not 0 <= index < len(self.campaign.collective_criteria):
            raise InvalidInput("assessment_stale")
        return self.campaign.collective_criteria[index]

    async def _has_sub_units(self, unit_id: int) -> bool:
        unit = await self.session.get(Unit, unit_id)
        if unit is None:
            return False
        res = await self.session.exec(
            select(Unit.id).where(col(Unit.path).startswith(unit.path), Unit.id != unit_id).limit(1)
        )
        return res.first() is not None

    async def own(self, user: Person) -> UnitSelfAssessment:
        return await self.mine(user, self.year_of(user))

    async def draft_of(self, user: Person) -> UnitSelfAssessment:
        sa = await self.own(user)
        if sa.status != AssessmentStatus.draft.value:
            raise InvalidInput("assessment_submitted")
        return sa

    async def overview(self, user: Person) -> Overview:
        """One's own unit's card (begun if it was not)."""
        sa = await self.own(user)
        leader = user.role == Role.leader
        return Overview(
            sa,
            editable=sa.status == AssessmentStatus.draft.value,
            is_leader=leader,
            has_sub_units=leader and await self._has_sub_units(sa.unit_id),
        )

    async def unit_overview(self, user: Person, unit_id: int) -> Overview:
        """A sub-unit's (the parent unit's leader) or any unit's (admins), read only."""
        return Overview(await self.view(user, unit_id, self.year_of(user)), editable=False)

    async def overview_by_code(self, user: Person, code: str) -> Overview:
        from bot.services.units import UnitService

        unit = await UnitService(self.session, self.clock).get_by_code(code)
        return await self.unit_overview(user, unit.id or 0)

    async def criterion_shown(self, user: Person, index: int, unit_id: int = 0) -> Overview:
        """A criterion's card: one's own (editable while a draft) or a unit's, read only."""
        self.group_at(index)
        if unit_id:
            return await self.unit_overview(user, unit_id)
        sa = await self.own(user)
        return Overview(sa, editable=sa.status == AssessmentStatus.draft.value)

    async def level_at(self, user: Person, index: int, item: int | None, level: int) -> UnitSelfAssessment:
        """A level tapped for a criterion (item None) or one of its sub-items (by index)."""
        group = self.group_at(index)
        key: str | None = None
        if item is not None:
            keys = [k for k in assessed_items(group) if k is not None]
            if not 0 <= item < len(keys):
                raise InvalidInput("assessment_stale")
            key = keys[item]
        if not 0 <= level < len(LEVELS):
            raise InvalidInput("assessment_stale")
        await self.set_level(user, (await self.own(user)).assessment_id or 0, group.code, key, LEVELS[level])
        return await self.own(user)

    def figure_at(self, index: int, figure: int) -> tuple[CriterionGroup, Figure]:
        group = self.group_at(index)
        if not 0 <= figure < len(group.figures):
            raise InvalidInput("assessment_stale")
        return group, group.figures[figure]

    async def yes_no_at(self, user: Person, index: int, figure: int, yes: bool) -> UnitSelfAssessment:
        group, fig = self.figure_at(index, figure)
        await self.set_figure(
            user, (await self.own(user)).assessment_id or 0, group.code, fig.code, "yes" if yes else "no"
        )
        return await self.own(user)

    async def clear_evidence_at(self, user: Person, index: int) -> UnitSelfAssessment:
        group = self.group_at(index)
        await self.remove_evidence(user, (await self.own(user)).assessment_id or 0, group.code)
        return await self.own(user)

    async def ready_to_submit(self, user: Person) -> UnitSelfAssessment:
        """Every criterion assessed: the unit's draft, to confirm."""
        sa = await self.draft_of(user)
        missing = await self.missing(sa.assessment_id or 0)
        if missing:
            raise InvalidInput("assessment_incomplete", missing=", ".join(f"{m})" for m in missing))
        return sa

    async def submit_own(self, user: Person) -> Overview:
        await self.submit(user, (await self.draft_of(user)).assessment_id or 0)
        return await self.overview(user)

    async def sub_units(self, user: Person) -> tuple[int, dict[int, UnitSelfAssessment]]:
        """The year and the unit's roll-up: itself first, then its sub-units."""
        if user.unit_id is None:
            raise InvalidInput("assessment_stale")
        year = self.year_of(user)
        return year, await self.rollup(user, user.unit_id, year)

    async def officer_card(self, leader: Person) -> OfficerCard:
        """The unit's emulation officer and who could be appointed (the unit's leader only)."""
        if leader.role != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, Action.report, "officer card")
        return OfficerCard(await self.officer(leader.unit_id or 0), await self.unit_members(leader))

    async def appoint_shown(self, leader: Person, user_id: int) -> OfficerCard:
        await self.appoint_officer(leader, user_id)
        return await self.officer_card(leader)

    async def revoke_shown(self, leader: Person) -> OfficerCard:
        await self.revoke_officer(leader)
        return await self.officer_card(leader)

    async def evidence_at(self, user: Person, index: int, unit_id: int = 0) -> list[AssessmentEvidence]:
        """A criterion's evidence, for whoever may read the self-assessment."""
        group = self.group_at(index)
        sa = await self.view(user, unit_id, self.year_of(user)) if unit_id else await self.own(user)
        return await self.evidence(user, sa.assessment_id or 0, group.code)

    async def account_typed(self, user: Person, assessment_id: int, index: int, text: str) -> UnitSelfAssessment:
        await self.set_account(user, assessment_id, self.group_at(index).code, text)
        return await self.for_assessment(assessment_id)

    async def figure_typed(
        self, user: Person, assessment_id: int, index: int, figure: int, text: str
    ) -> UnitSelfAssessment:
        group, fig = self.figure_at(index, figure)
        await self.set_figure(user, assessment_id, group.code, fig.code, text)
        return await self.for_assessment(assessment_id)

    async def evidence_sent(
        self,
        user: Person,
        assessment_id: int,
        index: int,
        *,
        kind: str,
        name: str,
        mime: str,
        data: bytes,
        source_id: str,
    ) -> EvidenceAdded:
        group = self.group_at(index)
        return await self.add_evidence(
            user, assessment_id, group.code, kind=kind, name=name, mime=mime, data=data, source_id=source_id
        )

    # -- reading --------------------------------------------------------------------------

    async def mine(self, user: Person, year: int) -> UnitSelfAssessment:
        """The user's own unit's assessment (begun if it was not), for the /selfassess card."""
        row = await self.start(user, year)
        return await self.for_assessment(row.id)  # type: ignore[arg-type]

    async def view(self, user: Person, unit_id: int, year: int) -> UnitSelfAssessment:
        await self._viewable_unit(user, unit_id)
        return await self.for_report(unit_id, year)

    async def rollup(self, user: Person, unit_id: int, year: int) -> dict[int, UnitSelfAssessment]:
        await self._viewable_unit(user, unit_id)
        return await self.for_report_rollup(unit_id, year)

    async def for_assessment(self, assessment_id: int) -> UnitSelfAssessment:
        row = await self.session.get(UnitAssessment, assessment_id)
        if row is None:
            raise NotFound("assessment", value=str(assessment_id))
        return (await self._build([row.unit_id], row.year))[row.unit_id]

    async def for_report(self, unit_id: int, year: int) -> UnitSelfAssessment:
        """The unit's self-assessment for ``year`` as the reports read it: every collective
        criterion group of the campaign and its sub-items, in the campaign's order, answered
        or not. A unit that has not begun has status "none"."""
        return (await self._build([unit_id], year))[unit_id]

    async def for_report_rollup(self, unit_id: int, year: int) -> dict[int, UnitSelfAssessment]:
        """The unit and every unit below it (its sub-units, at any depth), by unit id, in
        the tree's order: the parent's report reads its sub-units' self-assessments."""
        unit = await self.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("unit", value=str(unit_id))
        res = await self.session.exec(
            select(Unit.id).where(col(Unit.path).startswith(unit.path)).order_by(col(Unit.path))
        )
        return await self._build([i for i in res.all() if i is not None], year)

    async def _build(self, unit_ids: list[int], year: int) -> dict[int, UnitSelfAssessment]:
        if not unit_ids:
            return {}
        units = {u.id: u for u in (await self.session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))).all()}
        missing = [i for i in unit_ids if i not in units]
        if missing:
            raise NotFound("unit", value=str(missing[0]))
        assessments = {
            a.unit_id: a
            for a in (
                await self.session.exec(
                    select(UnitAssessment).where(col(UnitAssessment.unit_id).in_(unit_ids), UnitAssessment.year == year)
                )
            ).all()
        }
        ids = [a.id for a in assessments.values() if a.id is not None]
        answers: dict[tuple[int, str, str], AssessmentItem] = {}
        evidence: dict[tuple[int, str], list[EvidenceRef]] = {}
        if ids:
            for item in (
                await self.session.exec(select(AssessmentItem).where(col(AssessmentItem.assessment_id).in_(ids)))
            ).all():
                answers[(item.assessment_id, item.criterion, item.item)] = item
            res = await self.session.exec(
                select(
                    AssessmentEvidence.assessment_id,
                    AssessmentEvidence.criterion,
                    AssessmentEvidence.name,
                    AssessmentEvidence.kind,
                )
                .where(col(AssessmentEvidence.assessment_id).in_(ids))
                .order_by(col(AssessmentEvidence.id))
            )
            for owner, criterion, name, kind in res.all():
                evidence.setdefault((owner, criterion), []).append(
                    EvidenceRef(name=name, kind=EvidenceKind(kind).value)
                )
        out: dict[int, UnitSelfAssessment] = {}
        for unit_id in unit_ids:
            unit = units[unit_id]
            assessment = assessments.get(unit_id)
            aid = assessment.id if assessment is not None else None
            items: list[ItemAssessment] = []
            for group in self.campaign.collective_criteria:
                for key in assessed_items(group):
                    answer = answers.get((aid, group.code, key or "")) if aid is not None else None
                    items.append(
                        ItemAssessment(
                            criterion=group.code,
                            item=key,
                            level=AssessmentLevel(answer.level).value if answer is not None and answer.level else None,
                            account=answer.account if answer is not None else "",
                            figures=dict(answer.figures or {}) if answer is not None else {},
                            evidence=list(evidence.get((aid, group.code), []))
                            if key is None and aid is not None
                            else [],
                        )
                    )
            out[unit_id] = UnitSelfAssessment(
                unit_id=unit_id,
                year=year,
                status=AssessmentStatus(assessment.status).value if assessment is not None else STATUS_NONE,
                items=items,
                updated_at=assessment.updated_at if assessment is not None else None,
                submitted_at=assessment.submitted_at if assessment is not None else None,
                unit_code=unit.code,
                unit_name=unit.name,
                assessment_id=aid,
                evidence_count=sum(len(v) for (a, _c), v in evidence.items() if a == aid),
            )
        return out


_EMPTY = ItemAssessment(criterion="", item=None, level=None, account="", figures={}, evidence=[])

"""Signed annual reports (plan §VI.1) and the standing agency's board of who has submitted
(§VI.2: Vụ Thi đua, Khen thưởng và Tuyên truyền "theo dõi, đôn đốc").

A unit's leader (or its emulation officer) uploads the signed report: a PDF or a DOCX of
at most 20 MB, checked by its content, not its name. That marks the year's report
deadline done for the unit, so its reminders stop. A second upload replaces the first
only when asked to (the caller confirms first); the earlier file stays in the table,
superseded, as the audit trail (Law 06/2022 Art. 13: keep the record of a dossier).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign, Deadline
from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from storage.delivery import DeadlineDone
from storage.models import Role, Unit, User
from storage.yearly import FILE_MAX_BYTES, ReportSubmission

if TYPE_CHECKING:
    from bot.services.deadlines import Occurrence

__all__ = [
    "FILE_MAX_BYTES",
    "PDF",
    "DOCX",
    "AlreadySubmitted",
    "ReportSubmissionService",
    "UnitSubmission",
    "annual_report_deadline",
    "sniff_report_file",
]

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The campaign file's §VI.1 deadline code.
ANNUAL_REPORT = "annual-report"


class AlreadySubmitted(InvalidInput):
    """The unit has a live submission for the year: replacing it needs a confirmation."""

    code = "report_already_submitted"


@dataclass(frozen=True)
class UnitSubmission:
    unit_id: int
    unit_code: str
    unit_name: str
    submitted_at: datetime | None
    file_name: str | None
    submitted_by: str | None  # the person's full name ("" once they used /forget)
    submission_id: int | None = None
    size: int | None = None
    replaced: int = 0  # earlier submissions for the year, kept superseded


def annual_report_deadline(campaign: Campaign) -> Deadline | None:
    """The §VI.1 annual report deadline of the campaign file (15 December every year)."""
    try:
        return campaign.deadline(ANNUAL_REPORT)
    except KeyError:
        return next((d for d in campaign.deadlines if d.kind == "annual" and d.ref.startswith("§VI.1")), None)


def sniff_report_file(name: str, data: bytes) -> str:
    """The file's MIME type, from its content: a PDF ("%PDF-") or a Word document (a ZIP
    holding word/document.xml). Anything else — a renamed picture, an old .doc, a
    spreadsheet — raises InvalidInput("report_file_type"); over 20 MB "file_too_big"."""
    if len(data) > FILE_MAX_BYTES:
        raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024))
    if data[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return PDF
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            names = set()
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
    raise InvalidInput("report_file_type", name=name or "")


@dataclass(frozen=True)
class SubmitOpening:
    """/submit's first answer: the year, and the unit's file in force if it has one."""

    year: int
    current: ReportSubmission | None


@dataclass(frozen=True)
class SubmittedFile:
    """A submitted file to send (an administrator's or the unit's own download)."""

    row: ReportSubmission
    unit_name: str


@dataclass(frozen=True)
class Reminded:
    """What the one-tap reminder did: messages queued, and the leaders it was for."""

    queued: int
    leaders: int


#: Draws the deadline's reminder for one leader: (leader, occurrence, days left) → an outbox body.
ReminderDraw = Callable[[User, "Occurrence", int], dict[str, Any]]


class ReportSubmissionService:
    def __init__(
        self, session: AsyncSession, clock: Clock, campaign: Campaign, timezone: str = "Asia/Ho_Chi_Minh"
    ) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.tz = ZoneInfo(timezone)
        self.audit = AuditService(session, clock)

    def year_of(self, user: Person) -> int:
        """The year in the person's own time zone (the report they are busy with)."""
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).year

    async def opening(self, user: Person) -> SubmitOpening:
        """/submit: refused (and audited) for everyone but the unit's leader or officer."""
        unit = await self._may_submit(user)
        year = self.year_of(user)
        return SubmitOpening(year, await self.current(unit.id or 0, year))

    async def check_size(self, user: Person, size: int | None) -> None:
        """A file too big is refused (and audited) from the size Telegram gives, before the download."""
        if size is not None and size > FILE_MAX_BYTES:
            self.audit.note(user.telegram_id, "report.submit", "refused", detail=f"file_too_big size={size}")
            await self.session.commit()
            raise InvalidInput("file_too_big", max=FILE_MAX_BYTES // (1024 * 1024))

    async def file_shown(self, user: Person, submission_id: int) -> SubmittedFile:
        row = await self.file(user, submission_id)
        unit = await self.session.get(Unit, row.unit_id)
        return SubmittedFile(row, unit.name if unit else str(row.unit_id))

    async def remind(self, admin: Person, year: int, draw: ReminderDraw) -> Reminded:
        """One tap: the deadline's reminder to every leader of a unit that has not submitted,
        through the outbox (rate limits, retries); at most once a day per leader."""
        from bot.services.deadlines import DeadlineService
        from bot.services.delivery import DeliveryService, Outgoing

        occ = await DeadlineService(self.session, self.clock, self.campaign).find(self.deadline_key(year))
        today = self.clock.now().astimezone(self.tz).date()
        leaders = await self.pending_leaders(year)
        out = [
            Outgoing(
                f"remind-now:{occ.key}:{leader.id}:{today.isoformat()}",
                "reminder",
                leader.telegram_id,  # type: ignore[arg-type]
                draw(leader, occ, max(0, occ.days_left(today))),
                leader.id,
            )
            for leader in leaders
        ]
        queued = await DeliveryService(self.session, self.clock).enqueue(out)
        self.audit.note(
            admin.telegram_id, "report.remind", detail=f"year={year} leaders={len(leaders)} queued={queued}"
        )
        await self.session.commit()
        return Reminded(queued, len(leaders))

    def deadline_key(self, year: int) -> str:
        """ "annual-report@2026-12-15": the deadline occurrence a submission marks done. The
        §VI.1 duty recurs every year, also after the campaign file's period (SPEC §3.7)."""
        deadline = annual_report_deadline(self.campaign)
        due = deadline.due_in(year) if deadline is not None else None
        code = deadline.code if deadline is not None else ANNUAL_REPORT
        return f"{code}@{(due or date(year, 12, 15)).isoformat()}"

    async def _may_submit(self, user: Person) -> Unit:
        from bot.services.self_assessment import SelfAssessmentService

        if user.unit_id is None or not await SelfAssessmentService(self.session, self.clock, self.campaign).may_assess(
            user
        ):
            await deny(self.session, self.clock, user, Action.report, "report submission")
        unit = await self.session.get(Unit, user.unit_id)
        if unit is None:
            raise NotFound("unit", value=str(user.unit_id))
        return unit

    async def current(self, unit_id: int, year: int) -> ReportSubmission | None:
        res = await self.session.exec(
            select(ReportSubmission).where(
                ReportSubmission.unit_id == unit_id,
                ReportSubmission.year == year,
                col(ReportSubmission.superseded_at).is_(None),
            )
        )
        return res.first()

    async def history(self, unit_id: int, year: int) -> list[ReportSubmission]:
        """Every submission of the unit for the year, newest first (superseded ones too)."""
        res = await self.session.exec(
            select(ReportSubmission)
            .where(ReportSubmission.unit_id == unit_id, ReportSubmission.year == year)
            .order_by(col(ReportSubmission.id).desc())
        )
        return list(res.all())

    async def check_upload(self, user: Person, name: str, data: bytes) -> str:
        """Refuse a file that is not a PDF/DOCX or is over 20 MB (audited); its MIME type."""
        try:
            return sniff_report_file(name, data)
        except InvalidInput as exc:
            self.audit.note(
                user.telegram_id, "report.submit", "refused", detail=f"{exc.code} name={name[:80]!r} size={len(data)}"
            )
            await self.session.commit()
            raise

    async def submit(
        self, user: Person, year: int, *, file_name: str, data: bytes, source_id: str = "", replace: bool = False
    ) -> ReportSubmission:
        """Keep the signed report for the user's unit and mark the year's report deadline
        done for it. A unit that has submitted already gets AlreadySubmitted unless
        ``replace``; then the earlier file is kept, superseded."""
        unit = await self._may_submit(user)
        mime = await self.check_upload(user, file_name, data)
        previous = await self.current(unit.id, year)  # type: ignore[arg-type]
        if previous is not None and not replace:
            raise AlreadySubmitted(name=previous.file_name)
        now = self.clock.now()
        key = self.deadline_key(year)
        row = ReportSubmission(
            unit_id=unit.id or 0,
            year=year,
            deadline_key=key,
            file_name=(" ".join(file_name.split()) or "report")[:255],
            mime=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            source_id=(source_id or "")[:128],
            submitted_by=user.id,
            submitted_at=now,
        )
        try:
            async with self.session.begin_nested():
                if previous is not None:
                    previous.superseded_at = now
                    previous.superseded_by = user.id
                    self.session.add(previous)
                    await self.session.flush()
                self.session.add(row)
        except IntegrityError:  # another upload for the unit landed at the same moment
            current = await self.current(unit.id, year)  # type: ignore[arg-type]
            await self.session.commit()  # nothing was written; ends the transaction
            raise AlreadySubmitted(name=current.file_name if current else "") from None
        done = await self.session.exec(
            select(DeadlineDone.id).where(DeadlineDone.deadline_key == key, DeadlineDone.unit_id == unit.id)
        )
        if done.first() is None:
            self.session.add(DeadlineDone(deadline_key=key, unit_id=unit.id, done_by=user.id, done_at=now))  # type: ignore[arg-type]
        from bot.services.self_assessment import SelfAssessmentService

        await SelfAssessmentService(self.session, self.clock, self.campaign).close_if_draft(unit.id, year, user)  # type: ignore[arg-type]
        self.audit.note(
            user.telegram_id,
            "report.replace" if previous is not None else "report.submit",
            detail=f"unit={unit.id} year={year} {mime} {len(data)}B sha256={row.sha256[:16]}"
            + (f" supersedes={previous.id}" if previous is not None else ""),
        )
        await self.session.commit()
        return row

    async def replace(
        self, user: Person, year: int, *, file_name: str, data: bytes, source_id: str = ""
    ) -> ReportSubmission:
        """A second submission, confirmed: replaces the first, which stays superseded."""
        return await self.submit(user, year, file_name=file_name, data=data, source_id=source_id, replace=True)

    async def file(self, user: Person, submission_id: int) -> ReportSubmission:
        """A submitted file, for an admin (any unit) or the unit's own leader or officer."""
        row = await self.session.get(ReportSubmission, submission_id)
        if row is None:
            raise NotFound("submission", value=str(submission_id))
        if user.role == Role.admin:
            return row
        from bot.services.self_assessment import SelfAssessmentService

        if user.unit_id == row.unit_id and await SelfAssessmentService(
            self.session, self.clock, self.campaign
        ).may_assess(user):
            return row
        await deny(self.session, self.clock, user, Action.sector, f"report file id={submission_id}")

    async def remember_upload(self, submission_id: int, file_id: str) -> None:
        row = await self.session.get(ReportSubmission, submission_id)
        if row is not None and row.sent_file_id != file_id:
            row.sent_file_id = file_id[:255]
            self.session.add(row)
            await self.session.commit()

    async def reporting_units(self) -> list[Unit]:
        from bot.services.deadlines import DeadlineService

        return await DeadlineService(self.session, self.clock, self.campaign).reporting_units()

    async def board(self, year: int) -> list[UnitSubmission]:
        """Every reporting unit (one with a registered leader), in the tree's order, with its
        live submission for ``year`` or None fields if it has not submitted."""
        units = await self.reporting_units()
        res = await self.session.exec(
            select(ReportSubmission, User.full_name)
            .join(User, col(User.id) == col(ReportSubmission.submitted_by), isouter=True)
            .where(ReportSubmission.year == year)
        )
        live: dict[int, tuple[ReportSubmission, str | None]] = {}
        replaced: dict[int, int] = {}
        for sub, who in res.all():
            if sub.superseded_at is None:
                live[sub.unit_id] = (sub, who)
            else:
                replaced[sub.unit_id] = replaced.get(sub.unit_id, 0) + 1
        out = []
        for unit in units:
            found = live.get(unit.id or 0)
            row, name = found if found is not None else (None, None)
            out.append(
                UnitSubmission(
                    unit_id=unit.id or 0,
                    unit_code=unit.code,
                    unit_name=unit.name,
                    submitted_at=row.submitted_at if row else None,
                    file_name=row.file_name if row else None,
                    submitted_by=(name or "") if row else None,
                    submission_id=row.id if row else None,
                    size=row.size if row else None,
                    replaced=replaced.get(unit.id or 0, 0),
                )
            )
        return out

    async def pending_leaders(self, year: int) -> list[User]:
        """The leaders of the units that have not submitted for ``year`` (one-tap reminder)."""
        from bot.services.deadlines import DeadlineService

        deadlines = DeadlineService(self.session, self.clock, self.campaign)
        out: list[User] = []
        for entry in await self.board(year):
            if entry.submitted_at is None:
                out += await deadlines.leaders(entry.unit_id)
        return out

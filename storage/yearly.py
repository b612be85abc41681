"""The campaign's yearly cycle (plan §IV.1.1, §VI.1): a unit's self-assessment on the
collective criteria, its evidence, the signed annual reports units submit, and the unit
emulation officer a leader appoints to do the paperwork.

- :class:`UnitAssessment`: one per (unit, year) (tự đánh giá), draft until the unit submits.
- :class:`AssessmentItem`: one per (assessment, criterion group, sub-item or none): a level
  (Tốt / Đạt / Chưa đạt), a short account (at most :data:`ACCOUNT_MAX` characters) and the
  figures the campaign file asks for (JSON: figure code -> the text given).
- :class:`AssessmentEvidence`: a photo or a file. The bytes are kept in the database, as
  good examples' photos are (storage/examples.py): one transaction holds the answer and its
  evidence, and several bot processes see the same bytes. Photos are stored re-encoded
  without metadata; files as sent.
- :class:`ReportSubmission`: the signed report a unit submits for a year (§VI.1). A second
  submission supersedes the first; the first row stays (superseded_at set) as the audit
  trail, and the database holds "one live submission per unit and year" itself.
- :class:`UnitEmulationOfficer`: the person a leader appoints to assess the unit and submit
  its report on the leader's behalf (cán bộ phụ trách thi đua của đơn vị).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.domain import ACCOUNT_MAX, FIGURE_MAX, FILE_MAX_BYTES, AssessmentLevel, AssessmentStatus, EvidenceKind  # noqa: F401 - re-exported


class UnitAssessment(SQLModel, table=True):
    """A unit's self-assessment (tự đánh giá) on §IV.1.1 for one year."""

    __tablename__ = "unit_assessments"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_unit_assessments_unit_year"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="units.id", index=True)
    year: int
    status: AssessmentStatus = Field(default=AssessmentStatus.draft, sa_type=String(16))
    # Cleared by /forget: the unit's assessment stays, who typed it does not.
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    submitted_by: int | None = Field(default=None, foreign_key="users.id")


class AssessmentItem(SQLModel, table=True):
    """The unit's answer on one criterion group (item == "") or one of its sub-items."""

    __tablename__ = "assessment_items"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion", "item", name="uq_assessment_items_key"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="unit_assessments.id", index=True)
    criterion: str = Field(max_length=4)  # the group's code: a, b, c, d, đ, e
    item: str = Field(default="", max_length=8)  # the sub-item's code ("b2"), "" for the group
    level: AssessmentLevel | None = Field(default=None, sa_type=String(8))
    account: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    figures: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="users.id")
    updated_at: datetime


class AssessmentEvidence(SQLModel, table=True):
    """A photo or a file in support of one criterion (or sub-item) of a self-assessment."""

    __tablename__ = "assessment_evidence"
    __table_args__ = (
        # The same Telegram file delivered twice (a retried update) is kept once.
        UniqueConstraint("assessment_id", "source_id", name="uq_assessment_evidence_source"),
        Index("ix_assessment_evidence_key", "assessment_id", "criterion", "item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="unit_assessments.id")
    criterion: str = Field(max_length=4)
    item: str = Field(default="", max_length=8)
    kind: EvidenceKind = Field(sa_type=String(8))
    name: str = Field(max_length=255)  # the file's name, or "photo-3.jpg"
    mime: str = Field(max_length=100)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    source_id: str = Field(max_length=128)  # Telegram's file_unique_id of what was sent
    sent_file_id: str | None = Field(default=None, max_length=255)
    added_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime


class ReportSubmission(SQLModel, table=True):
    """A unit's signed annual report (§VI.1) for ``year``: PDF or DOCX, at most 20 MB."""

    __tablename__ = "report_submissions"
    __table_args__ = (
        # One live submission per unit and year; superseded ones stay as the record.
        Index(
            "uq_report_submissions_live",
            "unit_id",
            "year",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
        Index("ix_report_submissions_year", "year"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="units.id")
    year: int
    deadline_key: str = Field(max_length=64)  # "annual-report@2026-12-15"
    file_name: str = Field(max_length=255)
    mime: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    source_id: str = Field(default="", max_length=128)
    sent_file_id: str | None = Field(default=None, max_length=255)
    # Cleared by /forget: the submission stays, who uploaded it does not.
    submitted_by: int | None = Field(default=None, foreign_key="users.id")
    submitted_at: datetime
    superseded_at: datetime | None = None
    superseded_by: int | None = Field(default=None, foreign_key="users.id")


class UnitEmulationOfficer(SQLModel, table=True):
    """The unit's emulation officer, appointed by its leader: may assess the unit and
    submit its report. One live appointment per unit; a revoked one stays as the record."""

    __tablename__ = "unit_emulation_officers"
    __table_args__ = (
        Index(
            "uq_unit_emulation_officers_live",
            "unit_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="units.id")
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    appointed_by: int | None = Field(default=None, foreign_key="users.id")
    appointed_at: datetime
    revoked_at: datetime | None = None


__all__ = [
    "ACCOUNT_MAX",
    "FIGURE_MAX",
    "FILE_MAX_BYTES",
    "AssessmentEvidence",
    "AssessmentItem",
    "AssessmentLevel",
    "AssessmentStatus",
    "EvidenceKind",
    "ReportSubmission",
    "UnitAssessment",
    "UnitEmulationOfficer",
]

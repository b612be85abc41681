"""Good examples (SPEC §3.4–3.5; plan §III.2 and §VI.5: find, praise and spread "mô hình
hay, cách làm mới, các điển hình tiên tiến"): what employees submit and comms staff review.

A draft is a GoodExample with status "draft", saved step by step, so an interrupted
submission survives a restart. Photos are kept in the database, already stripped of
their metadata (EXIF, GPS): one transaction holds an example and its photos, backups and
erasure need no second store, and several bot processes see the same bytes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain import DraftStep, ExampleCategory, ExampleNoteKind, ExampleStatus, ExampleSubject  # noqa: F401 - re-exported


class GoodExample(SQLModel, table=True):
    __tablename__ = "good_examples"
    __table_args__ = (
        Index("ix_good_examples_status_submitted", "status", "submitted_at"),
        Index("ix_good_examples_status_decided", "status", "decided_at"),
        # Ids are never reused (SQLite would reuse a deleted draft's): a button of a
        # discarded draft must not act on the next one.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    # Cleared by /forget: the example, its unit and its text stay for the campaign's record.
    submitter_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    status: ExampleStatus = Field(default=ExampleStatus.draft, sa_type=String(16))
    step: DraftStep = Field(default=DraftStep.category, sa_type=String(16))
    previewed: bool = False  # the draft has reached its preview once: edits return to it
    category: ExampleCategory | None = Field(default=None, sa_type=String(16))
    subject: ExampleSubject | None = Field(default=None, sa_type=String(16))
    subject_name: str | None = Field(default=None, max_length=255)
    story: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    consent_names: bool | None = None  # may the names be published?
    tags: str = Field(default="", max_length=255)  # tag codes, "digital,green"
    reviewer_id: int | None = Field(default=None, foreign_key="users.id")
    reject_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published_url: str | None = Field(default=None, max_length=1024)
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None  # approved or rejected
    published_at: datetime | None = None


class ExamplePhoto(SQLModel, table=True):
    """A photo of an example, re-encoded as JPEG without metadata."""

    __tablename__ = "example_photos"
    __table_args__ = (
        # The same Telegram file delivered twice (a retried update) is kept once.
        UniqueConstraint("example_id", "source_id", name="uq_example_photos_source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    example_id: int = Field(foreign_key="good_examples.id", index=True)
    position: int  # 1..5, in the order received
    source_id: str = Field(max_length=128)  # Telegram's file_unique_id of what was sent
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    width: int
    height: int
    # file_id of the stripped copy once the bot has uploaded it: reused, never the original.
    sent_file_id: str | None = Field(default=None, max_length=255)
    created_at: datetime


class ExampleNote(SQLModel, table=True):
    """The exchange between the reviewer and the submitter about one example."""

    __tablename__ = "example_notes"

    id: int | None = Field(default=None, primary_key=True)
    example_id: int = Field(foreign_key="good_examples.id", index=True)
    kind: ExampleNoteKind = Field(sa_type=String(16))
    author_id: int | None = Field(default=None, foreign_key="users.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime


__all__ = [
    "DraftStep",
    "ExampleCategory",
    "ExampleNote",
    "ExampleNoteKind",
    "ExamplePhoto",
    "ExampleStatus",
    "ExampleSubject",
    "GoodExample",
]

"""Award nominations (plan §IV.2): rounds that administrators add beside the campaign
file's, and the units' nominations.

§IV.2: "mỗi đơn vị đề nghị tối đa 02 tập thể hoặc cá nhân" — each unit proposes at most
two collectives or individuals per round. The database holds that line itself: a
nomination takes a numbered slot, 1..quota, and one (round, unit, slot) can be held by
one live nomination only (a unique index over the rows not withdrawn). Two leaders of a
unit tapping at the same moment cannot both take the last slot, whatever the service's
own check saw: one insert waits for the other and then finds the slot taken.

A withdrawn nomination keeps its row (withdrawn_at set) as the round's record and frees
its slot for a replacement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from bot.domain import NomineeKind  # noqa: F401 - re-exported


class NominationRound(SQLModel, table=True):
    """A round added by an administrator (the standing agency, §VI.2), for example once
    the campaign file's own rounds have closed with its period."""

    __tablename__ = "nomination_rounds"

    id: int | None = Field(default=None, primary_key=True)
    title_vi: str = Field(max_length=255)
    title_en: str = Field(max_length=255)
    year: int  # the year whose results it rewards (the annual report's year)
    closes_on: date  # last day to nominate, in the campaign's time zone
    max_per_unit: int = Field(default=2)  # the campaign's §IV.2 quota when it was added
    closed_at: datetime | None = None  # closed early by an administrator
    # Cleared by /forget: the round stays, its author's identity does not.
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime


class Nomination(SQLModel, table=True):
    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint("slot >= 1", name="ck_nominations_slot"),
        # The §IV.2 quota, held by the database: one live nomination per slot.
        Index(
            "uq_nominations_live_slot",
            "round_key",
            "unit_id",
            "slot",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_nominations_round_unit", "round_key", "unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # "annual@2025", "midterm-2022@2022" (the campaign file's rounds) or "custom-7".
    round_key: str = Field(max_length=64)
    unit_id: int = Field(foreign_key="units.id")
    slot: int
    kind: NomineeKind = Field(sa_type=String(16))
    nominee: str = Field(max_length=255)  # the collective's or the person's name
    achievement: str = Field(sa_column=Column(Text, nullable=False))
    # Cleared by /forget: the unit's proposal stays, who typed it in does not.
    nominated_by: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = Field(default=None, foreign_key="users.id")


class Ineligibility(SQLModel, table=True):
    """A person or a unit an administrator has marked as not eligible for commendation,
    with the reason (Decree 98/2023/NĐ-CP, Art. 4: not while under discipline or
    investigation). Lifting it keeps the row (lifted_at) as the record."""

    __tablename__ = "ineligibilities"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (unit_id IS NULL)", name="ck_ineligibilities_one_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    reason: str = Field(max_length=500)
    set_by: int | None = Field(default=None, foreign_key="users.id")
    set_at: datetime
    lifted_at: datetime | None = None
    lifted_by: int | None = Field(default=None, foreign_key="users.id")


__all__ = ["Ineligibility", "Nomination", "NominationRound", "NomineeKind"]

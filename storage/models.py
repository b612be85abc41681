"""Tables. No Telegram here: a telegram_id is just a number to this layer.

Datetimes are aware and stored in UTC (SQLModel's UTCDateTime); local dates are computed
by services from the user's time zone. Enums are stored as short strings, so adding a
value needs no database type change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain import CheckInStatus, Level, Role, UnitKind  # noqa: F401 - re-exported


class Unit(SQLModel, table=True):
    __tablename__ = "units"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=255)
    kind: UnitKind = Field(default=UnitKind.ministry_unit, sa_type=String(20))
    parent_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    # Materialised path "/1/5/12/" so a subtree is one LIKE query.
    path: str = Field(default="/", max_length=512, index=True)
    created_at: datetime
    # Decree 30/2020: the code after the kind of document in "Số: …/BC-STNMT" and the place
    # in "Hà Nội, ngày … tháng … năm …"; set by administrators (/units doc, `unit doc`).
    doc_code: str | None = Field(default=None, max_length=20)
    place: str | None = Field(default=None, max_length=64)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, unique=True, index=True, nullable=True))
    # A person's one channel: Telegram (telegram_id) or Zalo (zalo_id, the Zalo Bot API's
    # string id of the person, which is also their private chat's id). Never both.
    zalo_id: str | None = Field(default=None, sa_column=Column(String(64), unique=True, index=True, nullable=True))
    full_name: str = Field(default="", max_length=128)
    position: str = Field(default="", max_length=128)
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    role: Role = Field(default=Role.employee, sa_type=String(16))
    locale: str = Field(default="vi", max_length=8)
    timezone: str = Field(default="Asia/Ho_Chi_Minh", max_length=64)
    checkin_weekday: int = Field(default=4)  # 0 = Monday … 4 = Friday
    checkin_time: str = Field(default="15:00", max_length=5)  # HH:MM local
    paused_until: date | None = None  # back on this day; a resumed pause ends "today"
    paused_from: date | None = None  # the pause covers prompts in [paused_from, paused_until)
    active: bool = Field(default=True)  # False once the user blocked the bot
    invitation_id: int | None = Field(default=None, foreign_key="invitations.id")
    onboarded_at: datetime | None = None
    created_at: datetime


class Invitation(SQLModel, table=True):
    """A per-unit deep link `t.me/<bot>?start=<token>` (SPEC §2), and its short code for
    Zalo, whose links carry no payload: the person sends the code to the bot (issue 16.2)."""

    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True, index=True)
    code: str | None = Field(default=None, sa_column=Column(String(16), unique=True, index=True, nullable=True))
    unit_id: int | None = Field(default=None, foreign_key="units.id", index=True)
    role: Role = Field(default=Role.employee, sa_type=String(16))
    expires_at: datetime | None = None
    max_uses: int | None = None  # None: unlimited
    uses: int = 0
    revoked_at: datetime | None = None
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime


class ConsentRecord(SQLModel, table=True):
    """Consent to the personal-data notice, kept with the notice's version and time."""

    __tablename__ = "consents"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    notice_version: str = Field(max_length=32)
    locale: str = Field(max_length=8)
    accepted_at: datetime
    withdrawn_at: datetime | None = None


class FsmRecord(SQLModel, table=True):
    """Conversation state, persisted so a flow survives a restart."""

    __tablename__ = "fsm_states"

    key: str = Field(primary_key=True, max_length=255)
    state: str | None = Field(default=None, max_length=255)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    updated_at: datetime


class AuditEntry(SQLModel, table=True):
    """Role-sensitive actions and refusals (SPEC §2)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor_telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    action: str = Field(max_length=64)
    outcome: str = Field(max_length=16)  # ok | refused
    detail: str = Field(default="", max_length=1024)


__all__ = [
    "AuditEntry",
    "CheckIn",
    "CheckInAnswer",
    "CheckInStatus",
    "Level",
    "ConsentRecord",
    "FsmRecord",
    "Invitation",
    "Role",
    "Unit",
    "UnitKind",
    "User",
]


class CheckIn(SQLModel, table=True):
    """One person's weekly self-assessment against §IV.1.2; one per ISO week.

    After /forget, user_id is cleared and the row stays, with its unit, so unit
    aggregates keep their figures without an identity.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("user_id", "week", name="uq_checkins_user_week"),
        Index("ix_checkins_unit_week", "unit_id", "week"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="units.id")
    week: int  # ISO year * 100 + ISO week, in the person's time zone: 202648
    status: CheckInStatus = Field(default=CheckInStatus.in_progress, sa_type=String(16))
    skip_reason: str | None = Field(default=None, max_length=16)
    reflection: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    example_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    started_at: datetime
    completed_at: datetime | None = None
    updated_at: datetime


class CheckInAnswer(SQLModel, table=True):
    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("checkin_id", "criterion", name="uq_answers_checkin_criterion"),)

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="checkins.id", index=True)
    criterion: str = Field(max_length=4)  # the group's code: a, b, c, d, đ, e, f
    level: Level = Field(sa_type=String(8))
    sub_items: str = Field(default="", max_length=255)  # codes of unmet sub-items, "a1,a3"
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime

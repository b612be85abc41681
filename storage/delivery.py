"""Delivery tables: the outbox, job runs, the deadline calendar and who has done what.

Every message the scheduler or a broadcast sends is first an outbox row with an
idempotency key (recipient, kind, period): queuing it twice is a no-op.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain import OutboxStatus  # noqa: F401 - re-exported


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "not_before"),
        Index("ix_outbox_broadcast", "broadcast_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # kind:recipient:period
    kind: str = Field(max_length=32)
    # The recipient's channel (issue 16): "telegram" sends to chat_id, "zalo" to zalo_chat_id
    # (Zalo's ids are strings); DeliveryService.enqueue picks it from the recipient's identity.
    channel: str = Field(default="telegram", sa_column=Column(String(8), nullable=False, server_default="telegram"))
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True, index=True))
    zalo_chat_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True))
    user_id: int | None = Field(default=None, foreign_key="users.id")
    # {"method": "sendMessage"|"sendPhoto"|"sendDocument", "text"/"caption", "reply_markup", "filename"}
    payload: str = Field(sa_column=Column(Text, nullable=False))
    blob: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: OutboxStatus = Field(default=OutboxStatus.pending, sa_type=String(10))
    attempts: int = 0
    not_before: datetime  # retry back-off and scheduled sends
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    broadcast_id: int | None = Field(default=None, foreign_key="broadcasts.id")
    created_at: datetime


class Broadcast(SQLModel, table=True):
    """A batch of messages whose progress is reported (queued / sent / failed)."""

    __tablename__ = "broadcasts"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    started_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    total: int = 0
    reported: bool = False
    created_at: datetime


class JobRun(SQLModel, table=True):
    """One run of a job for one period: a second run of the same period queues nothing."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    period: str = Field(max_length=64)
    ran_at: datetime
    queued: int = 0


class CustomDeadline(SQLModel, table=True):
    """A deadline added by an admin, beside the campaign file's (SPEC §3.7)."""

    __tablename__ = "deadlines"

    id: int | None = Field(default=None, primary_key=True)
    title_vi: str = Field(max_length=255)
    title_en: str = Field(max_length=255)
    due: date
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime
    removed_at: datetime | None = None


class DeadlineDone(SQLModel, table=True):
    """A unit marked a deadline's occurrence done: its leaders are reminded no more."""

    __tablename__ = "deadline_done"
    __table_args__ = (UniqueConstraint("deadline_key", "unit_id", name="uq_deadline_done_unit"),)

    id: int | None = Field(default=None, primary_key=True)
    deadline_key: str = Field(max_length=64)  # "annual-report@2026-12-15" or "custom-12@2026-12-01"
    unit_id: int = Field(foreign_key="units.id")
    done_by: int | None = Field(default=None, foreign_key="users.id")
    done_at: datetime


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update taken for handling: Telegram delivers one again when a webhook
    answered slowly or failed, or when polling restarted before confirming it, and each is
    handled once (SPEC §6). Kept a day (Telegram keeps an update no longer), then pruned.
    Without Redis only: with REDIS_URL the record is a Redis key with that lifetime."""

    __tablename__ = "processed_updates"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    # When the event itself happened (its `date`, Unix seconds): the same id with another
    # date is another update (a fake Bot API restarted, or Telegram's ids after a silent week).
    event_date: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    seen_at: datetime


class PublishedFile(SQLModel, table=True):
    """A picture or a file given to a Zalo person as a link (Zalo sends pictures by address
    and no documents): served by the bot's web server under a signed address until it
    expires (24 hours), then pruned (issue 16.4)."""

    __tablename__ = "published_files"

    id: str = Field(primary_key=True, max_length=32)  # random; the link's signature guards it too
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime
    expires_at: datetime = Field(index=True)

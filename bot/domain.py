"""The domain's shared types: what storage keeps, services decide on and views draw.

Enums and limits live here, apart from the tables (storage/), so that handlers and views
use them without importing storage; `Person` is what a handler knows of the person in an
update (storage's `User` row is one).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Protocol


class Role(str, enum.Enum):
    """Who a person is to the campaign (SPEC §2)."""

    employee = "employee"  # cán bộ, công chức, viên chức
    leader = "leader"  # thủ trưởng đơn vị or the unit's emulation officer
    comms = "comms"  # Báo, Tạp chí, Cổng TTĐT, Trung tâm Truyền thông (§III.2, §VI.5)
    admin = "admin"  # Vụ Thi đua, Khen thưởng và Tuyên truyền (§VI.2)


class UnitKind(str, enum.Enum):
    ministry_unit = "ministry_unit"  # đơn vị trực thuộc Bộ (§II.1.1)
    province_dept = "province_dept"  # Sở ... các tỉnh, thành phố (§II.1.1)
    division = "division"  # phòng, ban, chi cục


class CheckInStatus(str, enum.Enum):
    in_progress = "in_progress"
    done = "done"
    skipped = "skipped"  # excused (leave, business trip, sick): not counted as missed


class Level(str, enum.Enum):
    """The three answers to a criterion group: Tốt / Đạt / Chưa đạt."""

    good = "good"
    ok = "ok"
    not_met = "not_met"


class NomineeKind(str, enum.Enum):
    """§IV.2: "tập thể hoặc cá nhân"."""

    collective = "collective"
    individual = "individual"


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sending = "sending"  # claimed by a sender; reclaimed if it stays so too long (a crash)
    sent = "sent"
    failed = "failed"  # gave up after retries
    dropped = "dropped"  # the recipient blocked the bot


class ExampleCategory(str, enum.Enum):
    """The plan's own words (§II.2.3, §III.2, §VI.5)."""

    advanced = "advanced"  # điển hình tiên tiến
    good_deed = "good_deed"  # gương người tốt, việc tốt
    initiative = "initiative"  # sáng kiến, giải pháp
    new_model = "new_model"  # mô hình hay, cách làm mới


class ExampleSubject(str, enum.Enum):
    """About whom the example is."""

    myself = "self"
    colleague = "colleague"
    collective = "collective"  # tập thể, đơn vị


class ExampleStatus(str, enum.Enum):
    """draft → submitted → (needs_info → submitted) → approved | rejected; approved → published."""

    draft = "draft"
    submitted = "submitted"
    needs_info = "needs_info"
    approved = "approved"
    rejected = "rejected"
    published = "published"


class DraftStep(str, enum.Enum):
    """Where a draft stands: the next thing to ask."""

    category = "category"
    subject = "subject"
    subject_name = "subject_name"
    story = "story"
    photos = "photos"
    consent = "consent"
    preview = "preview"


class ExampleNoteKind(str, enum.Enum):
    question = "question"  # comms ask for more information
    answer = "answer"  # the submitter's reply, attached to the example


class AssessmentStatus(str, enum.Enum):
    draft = "draft"  # editable by the unit
    submitted = "submitted"  # closed: the unit has submitted it


class AssessmentLevel(str, enum.Enum):
    """Tốt / Đạt / Chưa đạt for a collective criterion."""

    good = "good"
    met = "met"
    not_met = "not_met"


class EvidenceKind(str, enum.Enum):
    photo = "photo"
    file = "file"


# -- limits ---------------------------------------------------------------------------
ACCOUNT_MAX = 1000  # a self-assessment account, characters
FIGURE_MAX = 40  # a figure's typed value, characters
FILE_MAX_BYTES = 20 * 1024 * 1024  # evidence and submitted reports (the Bot API's download limit)


class Person(Protocol):
    """The person an update comes from, as handlers and services see them (storage's
    `User` row is one)."""

    id: int | None
    telegram_id: int | None
    zalo_id: str | None  # a person on Zalo has this instead of a telegram_id
    full_name: str
    position: str
    unit_id: int | None
    role: Role
    locale: str
    timezone: str
    checkin_weekday: int
    checkin_time: str
    paused_until: date | None
    paused_from: date | None
    active: bool
    invitation_id: int | None
    onboarded_at: datetime | None
    created_at: datetime

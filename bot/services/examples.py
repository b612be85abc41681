"""Good examples (SPEC §3.4–3.5): employees share them, communications staff review them and
harvest highlights. Plan §III.2 and §VI.5: the ministry's press "phát hiện, biểu dương và
nhân rộng những mô hình hay, cách làm mới, các điển hình tiên tiến".

Rules:
- one draft per person, saved field by field (it survives a restart);
- what happened: {STORY_MIN}–{STORY_MAX} characters; at most {MAX_PHOTOS} photos, each
  re-encoded without metadata before it is stored (bot.services.images);
- statuses move draft → submitted → (needs_info → submitted) → approved | rejected, and
  approved → published; a move from any other status is refused, atomically, so two
  reviewers cannot both decide the same example;
- only communications staff and administrators review (Action.review); every decision and
  every export leaves an audit entry.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, allowed, deny
from bot.services.audit import AuditService
from bot.services.checkin import week_key, week_monday
from bot.services.errors import AccessDenied, DomainError, InvalidInput
from bot.services.images import strip_image
from storage.db import dialect_insert
from storage.examples import (
    DraftStep,
    ExampleCategory,
    ExampleNote,
    ExampleNoteKind,
    ExamplePhoto,
    ExampleStatus,
    ExampleSubject,
    GoodExample,
)
from storage.models import Unit, User

STORY_MIN, STORY_MAX = 20, 2000
NAME_MIN, NAME_MAX = 2, 128
REASON_MIN, REASON_MAX = 5, 500
QUESTION_MIN, QUESTION_MAX = 5, 500
ANSWER_MIN, ANSWER_MAX = 2, 1000
URL_MAX = 1024
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # what we download at all; Telegram's own limit is 20 MB
RANGE_MAX_DAYS = 1096  # three years

# A small fixed set of topics, for comms to group what they harvest (labels in handlers).
TAGS = ("discipline", "conduct", "reform", "digital", "green", "thrift", "community", "story")

CATEGORIES = tuple(ExampleCategory)
SUBJECTS = tuple(ExampleSubject)
HIGHLIGHT_STATUSES = (ExampleStatus.approved, ExampleStatus.published)
EDITABLE_STEPS = (DraftStep.category, DraftStep.subject, DraftStep.story, DraftStep.photos, DraftStep.consent)
_FLOW = (
    DraftStep.category,
    DraftStep.subject,
    DraftStep.subject_name,
    DraftStep.story,
    DraftStep.photos,
    DraftStep.consent,
    DraftStep.preview,
)
# Which statuses each status may move to.
TRANSITIONS: dict[ExampleStatus, frozenset[ExampleStatus]] = {
    ExampleStatus.draft: frozenset({ExampleStatus.submitted}),
    ExampleStatus.submitted: frozenset({ExampleStatus.approved, ExampleStatus.rejected, ExampleStatus.needs_info}),
    ExampleStatus.needs_info: frozenset({ExampleStatus.submitted}),
    ExampleStatus.approved: frozenset({ExampleStatus.published}),
    ExampleStatus.rejected: frozenset(),
    ExampleStatus.published: frozenset(),
}


class ExampleStateError(DomainError):
    """The example is not (or no longer) in a status that allows this.

    Codes: example_gone (no such draft: sent or discarded), example_not_pending (decided
    already, perhaps by another reviewer), example_not_approved, example_no_question,
    example_incomplete.
    """

    code = "example_gone"


# -- pure helpers ---------------------------------------------------------------------------


def clean_multiline(text: str) -> str:
    """NFC (some Vietnamese keyboards send decomposed letters), no control or invisible
    format characters, spaces folded within lines, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"))
    lines: list[str] = []
    for raw in kept.split("\n"):
        line = " ".join(raw.split())
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip()


def clean_line(text: str) -> str:
    return " ".join(clean_multiline(text).split())


def _bounded(text: str, low: int, high: int, code: str, *, multiline: bool = True) -> str:
    value = clean_multiline(text) if multiline else clean_line(text)
    if not low <= len(value) <= high:
        raise InvalidInput(code, min=low, max=high, length=len(value))
    return value


def validate_url(text: str) -> str:
    """An http(s) link with a host, no spaces, at most URL_MAX characters."""
    url = (text or "").strip()
    if not url or len(url) > URL_MAX or any(ch.isspace() for ch in url):
        raise InvalidInput("example_url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InvalidInput("example_url") from None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host.strip("."):
        raise InvalidInput("example_url")
    return url


def period_range(period: str, today: date) -> tuple[date, date]:
    """This week (Monday–Sunday), this month or this year, as inclusive local dates."""
    if period == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = today.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise InvalidInput("period", value=period)


_RANGE_RE = re.compile(
    r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*(?:-|–|—|\.\.|to|đến)\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$",
    re.IGNORECASE,
)


def parse_date_range(text: str) -> tuple[date, date]:
    """ "01/11/2026–30/11/2026" (also with - or "đến"), inclusive; start ≤ end."""
    m = _RANGE_RE.match(text or "")
    if not m:
        raise InvalidInput("date_range")
    d1, m1, y1, d2, m2, y2 = (int(g) for g in m.groups())
    try:
        start, end = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        raise InvalidInput("date_range") from None
    if end < start or (end - start).days > RANGE_MAX_DAYS:
        raise InvalidInput("date_range_order", max=RANGE_MAX_DAYS)
    return start, end


def parse_tags(value: str) -> tuple[str, ...]:
    return tuple(t for t in (value or "").split(",") if t in TAGS)


# -- what the service returns ---------------------------------------------------------------


@dataclass(frozen=True)
class PhotoAdded:
    example: GoodExample
    count: int  # photos now kept
    added: bool  # False: refused because the draft is full, or the same file again
    full: bool  # refused: MAX_PHOTOS already


@dataclass(frozen=True)
class Draft:
    """A draft as its screen shows it: the row, its id (always set once stored) and how
    many photos it holds."""

    example: GoodExample
    id: int
    photos: int


@dataclass(frozen=True)
class Drafting:
    """What /share finds: the unfinished draft to resume (`resume`), or the step to show."""

    draft: Draft
    resume: bool


@dataclass(frozen=True)
class Typed:
    """Text typed while drafting: `taken` when it filled the step (the name, the story);
    `draft` None when there is no draft any more."""

    draft: Draft | None
    taken: bool


@dataclass(frozen=True)
class MyShares:
    """/myshares: the person's sent examples, newest first, and their unfinished draft."""

    examples: list[GoodExample]
    draft: GoodExample | None


@dataclass(frozen=True)
class Skipped:
    """⏭ Next: the next example waiting, or None when only the current one waits."""

    card: ExampleCard | None


@dataclass(frozen=True)
class ExampleCard:
    """One example as a reviewer sees it."""

    example: GoodExample
    submitter: User | None
    unit: Unit | None
    photo_count: int
    notes: Sequence[ExampleNote]
    pending: int  # examples waiting in the queue, this one included if it waits


@dataclass(frozen=True)
class Decision:
    example: GoodExample
    submitter: User | None  # to be told, in their own language
    question: str | None = None  # what the reviewer asked (ask)


@dataclass(frozen=True)
class ExampleRow:
    """A reviewed example, flattened for lists, digests and exports."""

    id: int
    status: ExampleStatus
    category: ExampleCategory
    subject: ExampleSubject
    subject_name: str | None
    story: str
    consent_names: bool
    tags: tuple[str, ...]
    unit_id: int | None
    unit_name: str | None
    submitter_name: str | None
    submitted_at: datetime | None
    decided_at: datetime | None
    published_at: datetime | None
    published_url: str | None
    photo_count: int


@dataclass(frozen=True)
class HighlightFilter:
    start: date  # inclusive, local dates
    end: date
    unit_id: int | None = None  # the unit and its sub-units
    category: ExampleCategory | None = None


@dataclass(frozen=True)
class Highlights:
    """/highlights: the approved examples of a filter, and the unit it names (if any)."""

    filter: HighlightFilter
    rows: list[ExampleRow]
    unit: Unit | None


@dataclass(frozen=True)
class Export:
    """A built DOCX or CSV of highlights."""

    kind: str  # "docx" | "csv"
    data: bytes
    count: int
    photos_left_out: bool


@dataclass(frozen=True)
class WeeklyHighlights:
    """What comms staff get each week: the examples approved in that ISO week."""

    week: int  # ISO year * 100 + week: 202648
    start: date  # Monday
    end: date  # Sunday
    items: list[ExampleRow]
    by_category: dict[ExampleCategory, int] = field(default_factory=dict)
    submitted: int = 0  # examples submitted during the week
    pending: int = 0  # waiting for review now


# -- the service ----------------------------------------------------------------------------


class ExampleService:
    def __init__(self, session: AsyncSession, clock: Clock, timezone: str = "Asia/Ho_Chi_Minh") -> None:
        self.session = session
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.audit = AuditService(session, clock)

    # -- drafting (the submitter) --------------------------------------------------------

    async def draft(self, user: Person) -> GoodExample | None:
        res = await self.session.exec(
            select(GoodExample)
            .where(GoodExample.submitter_id == user.id, GoodExample.status == ExampleStatus.draft)
            .order_by(col(GoodExample.id).desc())
        )
        return res.first()

    async def start(self, user: Person, *, fresh: bool = False) -> GoodExample:
        """The person's draft, or a new one; fresh=True discards the old draft first."""
        current = await self.draft(user)
        if current is not None and not fresh:
            return current
        if current is not None:
            await self._delete_draft(current)
        now = self.clock.now()
        ex = GoodExample(submitter_id=user.id, unit_id=user.unit_id, created_at=now, updated_at=now)
        self.session.add(ex)
        await self.session.commit()
        return ex

    async def _not_yours(self, user: Person, example_id: int, action: str) -> NoReturn:
        """Someone else's example through a forged or passed-on button: refused, audited with
        that reason, and the person is told it is not theirs (not that it is gone)."""
        await deny(
            self.session,
            self.clock,
            cast("User", user),  # deny reads only the role and the Telegram id, as Person has them
            Action.share,
            detail=f"{action} example={example_id} reason=not_own_example",
            code="example_not_yours",
        )

    async def own_draft(self, user: Person, example_id: int) -> GoodExample:
        ex = await self.session.get(GoodExample, example_id)
        if ex is not None and ex.submitter_id != user.id:
            await self._not_yours(user, example_id, "example.draft")
        if ex is None or ex.status != ExampleStatus.draft:
            raise ExampleStateError("example_gone", id=example_id)
        return ex

    async def shown(self, ex: GoodExample) -> Draft:
        """A stored draft as its screen shows it (with its photo count)."""
        if ex.id is None:
            raise ExampleStateError("example_gone")
        return Draft(ex, ex.id, await self.photo_count(ex.id))

    async def begin(self, user: Person) -> Drafting:
        """/share and the check-in's "Yes, a good example": the unfinished draft (to resume,
        once it has a category), or a new draft at its first step."""
        current = await self.draft(user)
        if current is not None and current.category is not None:
            return Drafting(await self.shown(current), resume=True)
        return Drafting(await self.shown(current or await self.start(user)), resume=False)

    async def current(self, user: Person) -> Draft | None:
        """The draft being written, if any."""
        ex = await self.draft(user)
        return await self.shown(ex) if ex is not None else None

    async def resume(self, user: Person, example_id: int) -> Draft:
        return await self.shown(await self.own_draft(user, example_id))

    async def restart(self, user: Person, example_id: int) -> Draft:
        """ "Start a new one": the draft the button names is discarded (an old button of a
        draft since sent or discarded does nothing)."""
        await self.own_draft(user, example_id)
        return await self.shown(await self.start(user, fresh=True))

    async def type_text(self, user: Person, text: str) -> Typed:
        """Text typed while drafting: the name or the story when the draft asks for it;
        otherwise nothing changes (the person is shown the step again)."""
        ex = await self.draft(user)
        if ex is None:
            return Typed(None, taken=False)
        step = DraftStep(ex.step)
        if step == DraftStep.subject_name:
            ex = await self.name_subject(user, ex.id or 0, text)
        elif step == DraftStep.story:
            ex = await self.tell_story(user, ex.id or 0, text)
        else:
            return Typed(await self.shown(ex), taken=False)
        return Typed(await self.shown(ex), taken=True)

    def _first_missing(self, ex: GoodExample) -> DraftStep | None:
        if ex.category is None:
            return DraftStep.category
        if ex.subject is None:
            return DraftStep.subject
        if ex.subject != ExampleSubject.myself and not ex.subject_name:
            return DraftStep.subject_name
        if not ex.story:
            return DraftStep.story
        if ex.consent_names is None:
            return DraftStep.consent
        return None

    def _advance(self, ex: GoodExample, done: DraftStep) -> None:
        """After `done`: the next step of the flow, or back to the preview once seen."""
        if ex.previewed:
            ex.step = self._first_missing(ex) or DraftStep.preview
        else:
            steps = _FLOW[_FLOW.index(done) + 1 :]
            ex.step = next(
                s for s in steps if not (s == DraftStep.subject_name and ex.subject == ExampleSubject.myself)
            )
        if ex.step == DraftStep.preview:
            ex.previewed = True

    async def _save(self, ex: GoodExample) -> GoodExample:
        ex.updated_at = self.clock.now()
        self.session.add(ex)
        await self.session.commit()
        return ex

    async def choose_category(self, user: Person, example_id: int, category: ExampleCategory) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        ex.category = ExampleCategory(category)
        self._advance(ex, DraftStep.category)
        return await self._save(ex)

    async def choose_subject(self, user: Person, example_id: int, subject: ExampleSubject) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        subject = ExampleSubject(subject)
        if subject != ex.subject:
            ex.subject_name = None
        ex.subject = subject
        if subject == ExampleSubject.myself:
            self._advance(ex, DraftStep.subject_name)
        else:
            ex.step = DraftStep.subject_name  # always ask (again) for the name
        return await self._save(ex)

    async def name_subject(self, user: Person, example_id: int, text: str) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        if ex.subject in (None, ExampleSubject.myself):
            raise ExampleStateError("example_gone", id=example_id)
        ex.subject_name = _bounded(text, NAME_MIN, NAME_MAX, "example_name", multiline=False)
        self._advance(ex, DraftStep.subject_name)
        return await self._save(ex)

    async def tell_story(self, user: Person, example_id: int, text: str) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        ex.story = _bounded(text, STORY_MIN, STORY_MAX, "example_story")
        self._advance(ex, DraftStep.story)
        return await self._save(ex)

    async def photo_count(self, example_id: int) -> int:
        res = await self.session.exec(
            select(func.count()).select_from(ExamplePhoto).where(ExamplePhoto.example_id == example_id)
        )
        return int(res.one())

    async def add_photo(self, user: Person, example_id: int, data: bytes, source_id: str) -> PhotoAdded:
        """Keep a stripped copy of one photo; the sixth and later are refused, the first
        five kept. Raises InvalidInput("photo_unreadable") for what is not an image."""
        ex = await self.own_draft(user, example_id)
        count = await self.photo_count(example_id)
        source_id = source_id[:128]
        repeated = await self.session.exec(
            select(ExamplePhoto.id).where(ExamplePhoto.example_id == example_id, ExamplePhoto.source_id == source_id)
        )
        if repeated.first() is not None:  # the same file delivered again (a retried update)
            return PhotoAdded(ex, count, added=False, full=False)
        if count >= MAX_PHOTOS:
            return PhotoAdded(ex, count, added=False, full=True)
        if len(data) > MAX_PHOTO_BYTES:
            raise InvalidInput("photo_too_big", max=MAX_PHOTO_BYTES // (1024 * 1024))
        # Decoding takes a moment: off the event loop.
        clean = await asyncio.to_thread(strip_image, data)
        # The same file delivered twice at the same moment: the unique index decides, and
        # INSERT … ON CONFLICT DO NOTHING leaves the update's other work as it was.
        stmt = (
            dialect_insert(self.session)(ExamplePhoto)
            .values(
                example_id=example_id,
                position=count + 1,
                source_id=source_id,
                data=clean.data,
                width=clean.width,
                height=clean.height,
                created_at=self.clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["example_id", "source_id"])
            .returning(col(ExamplePhoto.id))
        )
        new_id = (await self.session.exec(stmt)).scalar_one_or_none()
        if new_id is None:
            return PhotoAdded(ex, await self.photo_count(example_id), added=False, full=False)
        ex.updated_at = self.clock.now()
        self.session.add(ex)
        await self.session.commit()
        return PhotoAdded(ex, count + 1, added=True, full=False)

    async def remove_photos(self, user: Person, example_id: int) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        await self.session.exec(delete(ExamplePhoto).where(col(ExamplePhoto.example_id) == example_id))
        return await self._save(ex)

    async def photos_done(self, user: Person, example_id: int) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        if ex.step == DraftStep.photos:
            self._advance(ex, DraftStep.photos)
            return await self._save(ex)
        return ex  # a second tap on an old Continue button: nothing to do

    async def set_consent(self, user: Person, example_id: int, publish_names: bool) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        ex.consent_names = bool(publish_names)
        self._advance(ex, DraftStep.consent)
        return await self._save(ex)

    async def edit(self, user: Person, example_id: int, step: DraftStep) -> GoodExample:
        """From the preview, go back to one field; after it, the preview again."""
        ex = await self.own_draft(user, example_id)
        if step not in EDITABLE_STEPS:
            raise InvalidInput("example_step", value=step)
        ex.step = DraftStep(step)
        return await self._save(ex)

    async def back_to_preview(self, user: Person, example_id: int) -> GoodExample:
        """Leave a field being edited as it was: the preview, or the first missing field."""
        ex = await self.own_draft(user, example_id)
        if ex.previewed:
            ex.step = self._first_missing(ex) or DraftStep.preview
            return await self._save(ex)
        return ex

    async def submit(self, user: Person, example_id: int) -> GoodExample:
        ex = await self.own_draft(user, example_id)
        if self._first_missing(ex) is not None or ex.step != DraftStep.preview:
            raise ExampleStateError("example_incomplete", id=example_id)
        now = self.clock.now()
        ex.status = ExampleStatus.submitted
        ex.submitted_at = ex.updated_at = now
        ex.unit_id = user.unit_id
        self.session.add(ex)
        self.audit.note(user.telegram_id, "example.submit", detail=f"example={ex.id}")
        await self.session.commit()
        return ex

    async def discard(self, user: Person, example_id: int) -> None:
        ex = await self.own_draft(user, example_id)
        await self._delete_draft(ex)

    async def _delete_draft(self, ex: GoodExample) -> None:
        await self.session.exec(delete(ExamplePhoto).where(col(ExamplePhoto.example_id) == ex.id))
        await self.session.delete(ex)
        await self.session.commit()

    # -- the submitter's own examples ----------------------------------------------------

    async def mine(self, user: Person, limit: int = 20) -> list[GoodExample]:
        res = await self.session.exec(
            select(GoodExample)
            .where(GoodExample.submitter_id == user.id, GoodExample.status != ExampleStatus.draft)
            .order_by(col(GoodExample.submitted_at).desc(), col(GoodExample.id).desc())
            .limit(limit)
        )
        return list(res.all())

    async def open_question(self, user: Person, example_id: int) -> ExampleNote:
        """The question the submitter is to answer; refused once answered or decided."""
        ex = await self.session.get(GoodExample, example_id)
        if ex is not None and ex.submitter_id != user.id:
            await self._not_yours(user, example_id, "example.answer")
        if ex is None or ex.status != ExampleStatus.needs_info:
            raise ExampleStateError("example_no_question", id=example_id)
        notes = await self.notes(example_id)
        questions = [n for n in notes if n.kind == ExampleNoteKind.question]
        if not questions:
            raise ExampleStateError("example_no_question", id=example_id)
        return questions[-1]

    async def answer_question(self, user: Person, example_id: int, text: str) -> GoodExample:
        """The submitter's reply attaches to the example, which goes back to the queue."""
        await self.open_question(user, example_id)
        value = _bounded(text, ANSWER_MIN, ANSWER_MAX, "example_answer")
        ex = await self._move(example_id, ExampleStatus.needs_info, ExampleStatus.submitted, "example_no_question")
        self.session.add(
            ExampleNote(
                example_id=example_id, kind=ExampleNoteKind.answer, author_id=user.id, text=value, at=self.clock.now()
            )
        )
        self.audit.note(user.telegram_id, "example.answer", detail=f"example={example_id}")
        await self.session.commit()
        return ex

    async def my_shares(self, user: Person, limit: int = 20) -> MyShares:
        return MyShares(await self.mine(user, limit), await self.draft(user))

    # -- review (communications staff) ----------------------------------------------------

    def _require_reviewer(self, user: Person) -> None:
        if not allowed(user.role, Action.review):
            raise AccessDenied("access_denied", action="review")

    async def _move(
        self, example_id: int, before: ExampleStatus, after: ExampleStatus, refusal: str, **values: Any
    ) -> GoodExample:
        """Change the status only if it still is `before` (one UPDATE: two reviewers
        pressing at once cannot both win). The caller commits."""
        if after not in TRANSITIONS[before]:
            raise ExampleStateError(refusal, id=example_id)
        stmt = (
            update(GoodExample)
            .where(col(GoodExample.id) == example_id, col(GoodExample.status) == before)
            .values(status=after, updated_at=self.clock.now(), **values)
        )
        res = await self.session.exec(stmt)
        if not res.rowcount:  # nothing was written: the caller's session stays usable
            raise ExampleStateError(refusal, id=example_id)
        ex = await self.session.get(GoodExample, example_id, populate_existing=True)
        assert ex is not None
        return ex

    async def queue_size(self) -> int:
        res = await self.session.exec(
            select(func.count()).select_from(GoodExample).where(GoodExample.status == ExampleStatus.submitted)
        )
        return int(res.one())

    async def notes(self, example_id: int) -> list[ExampleNote]:
        res = await self.session.exec(
            select(ExampleNote).where(ExampleNote.example_id == example_id).order_by(col(ExampleNote.id))
        )
        return list(res.all())

    async def card(self, reviewer: Person, example_id: int) -> ExampleCard:
        self._require_reviewer(reviewer)
        ex = await self.session.get(GoodExample, example_id)
        if ex is None or ex.status == ExampleStatus.draft:
            raise ExampleStateError("example_gone", id=example_id)
        submitter = await self.session.get(User, ex.submitter_id) if ex.submitter_id else None
        unit = await self.session.get(Unit, ex.unit_id) if ex.unit_id else None
        return ExampleCard(
            ex,
            submitter,
            unit,
            await self.photo_count(example_id),
            await self.notes(example_id),
            await self.queue_size(),
        )

    async def next_pending(self, reviewer: Person, after: int | None = None) -> ExampleCard | None:
        """The oldest submitted example (an answered question keeps its place), or the
        next one after `after`, wrapping round to the first."""
        self._require_reviewer(reviewer)
        base = select(GoodExample.id).where(GoodExample.status == ExampleStatus.submitted)
        order = (col(GoodExample.submitted_at), col(GoodExample.id))
        found = None
        if after is not None:
            current = await self.session.get(GoodExample, after)
            if current is not None and current.submitted_at is not None:
                later = base.where(
                    (col(GoodExample.submitted_at) > current.submitted_at)
                    | ((col(GoodExample.submitted_at) == current.submitted_at) & (col(GoodExample.id) > after))
                )
                found = (await self.session.exec(later.order_by(*order))).first()
        if found is None:
            found = (await self.session.exec(base.order_by(*order))).first()
        return await self.card(reviewer, found) if found is not None else None

    async def skip(self, reviewer: Person, example_id: int) -> Skipped:
        """⏭ Next: the example after this one in the queue (None when no other waits)."""
        card = await self.next_pending(reviewer, after=example_id)
        return Skipped(None if card is None or card.example.id == example_id else card)

    async def to_decide(self, reviewer: Person, example_id: int) -> ExampleCard:
        """The card of an example waiting for a decision (before its reason or question is typed)."""
        card = await self.card(reviewer, example_id)
        if card.example.status != ExampleStatus.submitted:
            raise ExampleStateError("example_not_pending", id=example_id)
        return card

    async def to_publish(self, reviewer: Person, example_id: int) -> ExampleCard:
        """The card of an approved example (before its link is typed)."""
        card = await self.card(reviewer, example_id)
        if card.example.status != ExampleStatus.approved:
            raise ExampleStateError("example_not_approved", id=example_id)
        return card

    async def tag(self, reviewer: Person, example_id: int, tag: str) -> ExampleCard:
        """Toggle a tag; the card as it now reads."""
        await self.toggle_tag(reviewer, example_id, tag)
        return await self.card(reviewer, example_id)

    async def approve(self, reviewer: Person, example_id: int) -> Decision:
        self._require_reviewer(reviewer)
        ex = await self._move(
            example_id,
            ExampleStatus.submitted,
            ExampleStatus.approved,
            "example_not_pending",
            reviewer_id=reviewer.id,
            decided_at=self.clock.now(),
        )
        self.audit.note(reviewer.telegram_id, "example.approve", detail=f"example={example_id}")
        await self.session.commit()
        return await self._decision(ex)

    async def reject(self, reviewer: Person, example_id: int, reason: str) -> Decision:
        self._require_reviewer(reviewer)
        value = _bounded(reason, REASON_MIN, REASON_MAX, "example_reason")
        ex = await self._move(
            example_id,
            ExampleStatus.submitted,
            ExampleStatus.rejected,
            "example_not_pending",
            reviewer_id=reviewer.id,
            decided_at=self.clock.now(),
            reject_reason=value,
        )
        self.audit.note(reviewer.telegram_id, "example.reject", detail=f"example={example_id}")
        await self.session.commit()
        return await self._decision(ex)

    async def ask(self, reviewer: Person, example_id: int, question: str) -> Decision:
        self._require_reviewer(reviewer)
        value = _bounded(question, QUESTION_MIN, QUESTION_MAX, "example_question")
        ex = await self._move(
            example_id,
            ExampleStatus.submitted,
            ExampleStatus.needs_info,
            "example_not_pending",
            reviewer_id=reviewer.id,
        )
        self.session.add(
            ExampleNote(
                example_id=example_id,
                kind=ExampleNoteKind.question,
                author_id=reviewer.id,
                text=value,
                at=self.clock.now(),
            )
        )
        self.audit.note(reviewer.telegram_id, "example.ask", detail=f"example={example_id}")
        await self.session.commit()
        return await self._decision(ex, question=value)

    async def toggle_tag(self, reviewer: Person, example_id: int, tag: str) -> GoodExample:
        self._require_reviewer(reviewer)
        if tag not in TAGS:
            raise InvalidInput("example_tag", value=tag)
        ex = await self.session.get(GoodExample, example_id)
        if ex is None or ex.status in (ExampleStatus.draft, ExampleStatus.rejected):
            raise ExampleStateError("example_gone", id=example_id)
        tags = set(parse_tags(ex.tags)) ^ {tag}
        ex.tags = ",".join(t for t in TAGS if t in tags)  # the fixed order, whatever the taps
        return await self._save(ex)

    async def publish(self, reviewer: Person, example_id: int, url: str) -> Decision:
        """Mark an approved example published, with the link to the article."""
        self._require_reviewer(reviewer)
        link = validate_url(url)
        ex = await self._move(
            example_id,
            ExampleStatus.approved,
            ExampleStatus.published,
            "example_not_approved",
            published_url=link,
            published_at=self.clock.now(),
        )
        self.audit.note(reviewer.telegram_id, "example.publish", detail=f"example={example_id} url={link}")
        await self.session.commit()
        return await self._decision(ex)

    async def _decision(self, ex: GoodExample, question: str | None = None) -> Decision:
        submitter = await self.session.get(User, ex.submitter_id) if ex.submitter_id else None
        return Decision(ex, submitter, question)

    # -- highlights, exports, the weekly digest ---------------------------------------------

    def _utc_bounds(self, start: date, end: date, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        zone = tz or self.tz
        lo = datetime.combine(start, time.min, zone).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time.min, zone).astimezone(UTC)
        return lo, hi

    def today(self, timezone: str | None = None) -> date:
        return self.clock.now().astimezone(ZoneInfo(timezone) if timezone else self.tz).date()

    async def _rows(self, examples: Sequence[GoodExample]) -> list[ExampleRow]:
        ids = [e.id for e in examples if e.id is not None]
        counts: dict[int, int] = {}
        if ids:
            res = await self.session.exec(
                select(ExamplePhoto.example_id, func.count())
                .where(col(ExamplePhoto.example_id).in_(ids))
                .group_by(col(ExamplePhoto.example_id))
            )
            counts = {eid: int(n) for eid, n in res.all()}
        user_ids = {e.submitter_id for e in examples if e.submitter_id}
        unit_ids = {e.unit_id for e in examples if e.unit_id}
        users = (
            {u.id: u for u in (await self.session.exec(select(User).where(col(User.id).in_(user_ids)))).all()}
            if user_ids
            else {}
        )
        units = (
            {u.id: u for u in (await self.session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))).all()}
            if unit_ids
            else {}
        )
        rows = []
        for e in examples:
            submitter = users.get(e.submitter_id) if e.submitter_id else None
            unit = units.get(e.unit_id) if e.unit_id else None
            rows.append(
                ExampleRow(
                    id=e.id or 0,
                    status=ExampleStatus(e.status),
                    category=ExampleCategory(e.category) if e.category else ExampleCategory.good_deed,
                    subject=ExampleSubject(e.subject) if e.subject else ExampleSubject.myself,
                    subject_name=e.subject_name,
                    story=e.story or "",
                    consent_names=bool(e.consent_names),
                    tags=parse_tags(e.tags),
                    unit_id=e.unit_id,
                    unit_name=unit.name if unit else None,
                    submitter_name=submitter.full_name if submitter else None,
                    submitted_at=e.submitted_at,
                    decided_at=e.decided_at,
                    published_at=e.published_at,
                    published_url=e.published_url,
                    photo_count=counts.get(e.id or 0, 0),
                )
            )
        return rows

    async def highlights(
        self, reviewer: Person, flt: HighlightFilter, *, timezone: str | None = None
    ) -> list[ExampleRow]:
        """Approved (and published) examples decided within the period, newest first."""
        self._require_reviewer(reviewer)
        lo, hi = self._utc_bounds(flt.start, flt.end, ZoneInfo(timezone) if timezone else None)
        q = select(GoodExample).where(
            col(GoodExample.status).in_(HIGHLIGHT_STATUSES),
            col(GoodExample.decided_at) >= lo,
            col(GoodExample.decided_at) < hi,
        )
        if flt.category is not None:
            q = q.where(GoodExample.category == flt.category)
        if flt.unit_id is not None:
            unit = await self.session.get(Unit, flt.unit_id)
            if unit is None:
                return []
            q = q.join(Unit, col(Unit.id) == col(GoodExample.unit_id)).where(col(Unit.path).startswith(unit.path))
        res = await self.session.exec(q.order_by(col(GoodExample.decided_at).desc(), col(GoodExample.id).desc()))
        return await self._rows(res.all())

    async def highlights_page(
        self, reviewer: Person, flt: HighlightFilter, *, timezone: str | None = None
    ) -> Highlights:
        """/highlights: the filter's examples and the unit it names."""
        rows = await self.highlights(reviewer, flt, timezone=timezone)
        unit = await self.session.get(Unit, flt.unit_id) if flt.unit_id else None
        return Highlights(flt, rows, unit)

    async def export(
        self,
        reviewer: Person,
        kind: str,
        found: Highlights,
        *,
        title: str,
        subtitle: str,
        timezone: str,
        parent_body: str,
        issuing_body: str,
        progress: Callable[[int], Awaitable[None]] | None = None,
        every: int = 10,
    ) -> Export:
        """The highlights as a DOCX (photos embedded, oldest first) or a CSV; `progress` is
        awaited with the count done every `every` examples. Audited."""
        self._require_reviewer(reviewer)
        # python-docx and Pillow load on the first export, not at the bot's start.
        from bot.render.csv_examples import ExamplesCsv
        from bot.render.docx_examples import ExamplesDocx, in_order

        rows = found.rows
        builder: ExamplesDocx | ExamplesCsv
        if kind == "docx":
            builder = ExamplesDocx(
                title=title,
                subtitle=subtitle,
                timezone=timezone,
                generated=self.clock.now(),
                parent_body=parent_body,
                issuing_body=issuing_body,
            )
            rows = [row for row, _photos in in_order((row, ()) for row in rows)]  # as they happened
        else:
            builder = ExamplesCsv(timezone=timezone)
        total = len(rows)
        for n, row in enumerate(rows, start=1):
            if isinstance(builder, ExamplesDocx):
                photos = [p.data for p in await self.photos(row.id)]
                await asyncio.to_thread(builder.add, row, photos)
            else:
                builder.add(row)
            if progress is not None and n % every == 0 and n < total:
                await progress(n)
        data = await asyncio.to_thread(builder.to_bytes)
        await self.note_export(reviewer, kind, found.filter, total)
        left_out = isinstance(builder, ExamplesDocx) and bool(builder.photos_left_out)
        return Export(kind, data, total, left_out)

    async def approved_in(self, unit: Unit, start: date, end: date) -> list[ExampleRow]:
        """Approved (and published) examples of a unit and its sub-units decided within
        [start, end], oldest first: for the unit's annual report. The caller has checked
        that the reader may see the unit."""
        lo, hi = self._utc_bounds(start, end)
        res = await self.session.exec(
            select(GoodExample)
            .join(Unit, col(Unit.id) == col(GoodExample.unit_id))
            .where(
                col(GoodExample.status).in_(HIGHLIGHT_STATUSES),
                col(Unit.path).startswith(unit.path),
                col(GoodExample.decided_at) >= lo,
                col(GoodExample.decided_at) < hi,
            )
            .order_by(col(GoodExample.decided_at), col(GoodExample.id))
        )
        return await self._rows(res.all())

    async def highlight_units(
        self, reviewer: Person, flt: HighlightFilter, *, timezone: str | None = None
    ) -> list[Unit]:
        """Units with highlights in the period (for the unit filter's buttons)."""
        self._require_reviewer(reviewer)
        rows = await self.highlights(
            reviewer, HighlightFilter(flt.start, flt.end, None, flt.category), timezone=timezone
        )
        ids = {r.unit_id for r in rows if r.unit_id}
        if not ids:
            return []
        res = await self.session.exec(select(Unit).where(col(Unit.id).in_(ids)).order_by(col(Unit.path)))
        return list(res.all())

    async def photos(self, example_id: int) -> list[ExamplePhoto]:
        res = await self.session.exec(
            select(ExamplePhoto).where(ExamplePhoto.example_id == example_id).order_by(col(ExamplePhoto.position))
        )
        return list(res.all())

    async def remember_upload(self, photo_id: int, file_id: str) -> None:
        """The file_id Telegram gave our stripped copy: sent again without re-uploading."""
        photo = await self.session.get(ExamplePhoto, photo_id)
        if photo is not None and photo.sent_file_id != file_id:
            photo.sent_file_id = file_id[:255]
            self.session.add(photo)
            await self.session.commit()

    async def note_export(self, reviewer: Person, kind: str, flt: HighlightFilter, count: int) -> None:
        self._require_reviewer(reviewer)
        self.audit.note(
            reviewer.telegram_id,
            f"example.export.{kind}",
            detail=f"{flt.start.isoformat()}..{flt.end.isoformat()} unit={flt.unit_id} "
            f"category={flt.category.value if flt.category else None} items={count}",
        )
        await self.session.commit()

    async def weekly_highlights(self, week: int) -> WeeklyHighlights:
        """Examples approved during ISO week `week` (202648) in the campaign's time zone,
        oldest first, with counts per category, the week's submissions and the queue.

        For the scheduler's weekly job to comms staff; render with
        bot.render.highlights.render_highlights_digest.
        """
        start = week_monday(week)
        end = start + timedelta(days=6)
        lo, hi = self._utc_bounds(start, end)
        res = await self.session.exec(
            select(GoodExample)
            .where(
                col(GoodExample.status).in_(HIGHLIGHT_STATUSES),
                col(GoodExample.decided_at) >= lo,
                col(GoodExample.decided_at) < hi,
            )
            .order_by(col(GoodExample.decided_at), col(GoodExample.id))
        )
        items = await self._rows(res.all())
        submitted = (
            await self.session.exec(
                select(func.count())
                .select_from(GoodExample)
                .where(col(GoodExample.submitted_at) >= lo, col(GoodExample.submitted_at) < hi)
            )
        ).one()
        counts = Counter(r.category for r in items)
        return WeeklyHighlights(
            week=week,
            start=start,
            end=end,
            items=items,
            by_category={c: counts[c] for c in CATEGORIES if counts[c]},
            submitted=int(submitted),
            pending=await self.queue_size(),
        )

    def last_week(self) -> int:
        """The ISO week before the current one, in the campaign's time zone."""
        return week_key(self.today() - timedelta(days=7))

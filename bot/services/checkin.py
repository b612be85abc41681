"""The weekly conduct check-in against the individual criteria (§IV.1.2 a, b, c, d, đ, e, f).

Rules:
- one check-in per ISO week in the person's time zone (a unique constraint in the database);
- answers are saved as they are given, so an interrupted check-in resumes where it stopped;
- answers stay editable until the week closes (Monday 00:00 local time);
- "skip this week" with a reason (leave, business trip, sick, other) is recorded apart from
  "missed";
- a tap on a button of a closed week, or a repeated tap, changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign, CriterionGroup
from bot.clock import Clock
from bot.domain import CheckInStatus, Level, Person
from bot.services.errors import DomainError, InvalidInput
from bot.services.profile import clean_text
from storage.checkins import SQL_CHECKINS, AnswerRecord, AnswerWrite, CheckinRecord, CheckinStores

SKIP_REASONS = ("leave", "business_trip", "sick", "other")
NOTE_MAX = 500
REFLECTION_MAX = 1000
EXAMPLE_MAX = 2000


class CheckinClosed(DomainError):
    """A button of a week that has closed (or of a finished step) was pressed."""

    code = "checkin_closed"


def week_key(d: date) -> int:
    iso = d.isocalendar()
    return iso.year * 100 + iso.week


def week_monday(key: int) -> date:
    return date.fromisocalendar(key // 100, key % 100, 1)


def is_week(key: int) -> bool:
    """Whether `key` names an ISO week (202648 does, 202600 and 1 do not)."""
    try:
        week_monday(key)
    except ValueError:
        return False
    return True


def previous_week(key: int) -> int:
    return week_key(week_monday(key) - timedelta(days=7))


def local_now(user: Person, clock: Clock) -> datetime:
    return clock.now().astimezone(ZoneInfo(user.timezone))


NEVER = 999_999  # a week key after every week: never expected


class Registered(Protocol):
    onboarded_at: datetime | None
    timezone: str


def joined_week(user: Registered) -> int:
    """The ISO week, in the person's own time zone, in which they finished registering."""
    if user.onboarded_at is None:
        return NEVER
    return week_key(user.onboarded_at.astimezone(ZoneInfo(user.timezone)).date())


def current_week(user: Person, clock: Clock) -> int:
    return week_key(local_now(user, clock).date())


@dataclass(frozen=True)
class Answer:
    criterion: str
    level: Level
    sub_items: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class CheckinView:
    """What the person's check-in of one week looks like now."""

    week: int
    status: CheckInStatus | None  # None: not started
    answers: dict[str, Answer] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    skip_reason: str | None = None
    reflection: str | None = None
    example_note: str | None = None

    @property
    def next_criterion(self) -> str | None:
        for code in self.order:
            if code not in self.answers:
                return code
        return None

    @property
    def answered(self) -> int:
        return sum(1 for c in self.order if c in self.answers)

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def complete(self) -> bool:
        return self.next_criterion is None

    def count(self, level: Level) -> int:
        return sum(1 for a in self.answers.values() if a.level == level)


@dataclass(frozen=True)
class AnswerResult:
    view: CheckinView
    changed: bool  # False for a repeated or stale tap: nothing was written
    needs_detail: bool  # "Chưa đạt": ask which sub-items, and a note


@dataclass(frozen=True)
class Summary:
    view: CheckinView
    previous: CheckinView | None


@dataclass(frozen=True)
class Position:
    """Where a person stands this week: the week's answers and, once done, the summary
    with last week's and the streak."""

    view: CheckinView
    summary: Summary | None = None
    streak: int = 0


@dataclass(frozen=True)
class HistoryRow:
    week: int
    status: CheckInStatus | None  # None: missed (or before the person joined)
    levels: dict[str, Level]
    skip_reason: str | None = None


@dataclass(frozen=True)
class History:
    rows: list[HistoryRow]  # oldest first, from the week the person joined at the earliest
    streak: int  # consecutive weeks done, up to the last closed or the current one
    order: tuple[str, ...]
    current: int = 0  # this week, still open
    since_joined: bool = False  # the rows begin with the week the person joined


class CheckinService:
    def __init__(
        self, session: AsyncSession, clock: Clock, campaign: Campaign, stores: CheckinStores | None = None
    ) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        # The one repository this service talks to (storage/checkins.py), from the stores
        # chosen at start (bot/app.py): SQLite's direct path, or Core statements on the session.
        self.store = (stores or SQL_CHECKINS).checkins(session)
        self.order = tuple(g.code for g in campaign.individual_criteria)

    # -- reading -----------------------------------------------------------------------

    def group(self, code: str) -> CriterionGroup:
        try:
            return self.campaign.criterion(code)
        except KeyError:
            raise InvalidInput("criterion", value=code) from None

    def current_week(self, user: Person) -> int:
        return current_week(user, self.clock)

    @staticmethod
    def _id(user: Person) -> int:
        assert user.id is not None, "a registered person has an id"
        return user.id

    async def _row(self, user: Person, week: int) -> CheckinRecord | None:
        return (await self.store.week(self._id(user), week))[0]

    def _view(self, week: int, row: CheckinRecord | None, answers: Mapping[str, AnswerRecord]) -> CheckinView:
        if row is None:
            return CheckinView(week=week, status=None, order=self.order)
        return CheckinView(
            week=week,
            status=CheckInStatus(row.status),
            answers={
                code: Answer(
                    criterion=code,
                    level=Level(a.level),
                    sub_items=tuple(s for s in a.sub_items.split(",") if s),
                    note=a.note,
                )
                for code, a in answers.items()
                if code in self.order
            },
            order=self.order,
            skip_reason=row.skip_reason,
            reflection=row.reflection,
            example_note=row.example_note,
        )

    async def view(self, user: Person, week: int | None = None) -> CheckinView:
        week = week or self.current_week(user)
        row, answers = await self.store.week(self._id(user), week)
        return self._view(week, row, answers)

    # -- writing -----------------------------------------------------------------------

    def _open_week(self, user: Person, week: int) -> None:
        if week != self.current_week(user):
            raise CheckinClosed("checkin_closed", week=week)

    async def _get_or_create(self, user: Person, week: int) -> CheckinRecord:
        return await self.store.get_or_create(self._id(user), user.unit_id, week, self.clock.now())

    async def answer(
        self, user: Person, week: int, criterion: str, level: Level, *, editing: bool = False
    ) -> AnswerResult:
        self._open_week(user, week)
        self.group(criterion)
        now = self.clock.now()

        def plan(row: CheckinRecord, answers: Mapping[str, AnswerRecord]) -> tuple[AnswerResult, AnswerWrite | None]:
            return self._plan_answer(week, row, answers, criterion, level, editing, now)

        # Read, decide and write in one short transaction of the store's own.
        return await self.store.record_answer(self._id(user), user.unit_id, week, now, plan)

    def _plan_answer(
        self,
        week: int,
        row: CheckinRecord,
        answers: Mapping[str, AnswerRecord],
        criterion: str,
        level: Level,
        editing: bool,
        now: datetime,
    ) -> tuple[AnswerResult, AnswerWrite | None]:
        """The rules of a tap, on what is stored: the result, and the write (None: nothing changes)."""
        view = self._view(week, row, answers)
        if row.status == CheckInStatus.skipped:
            raise CheckinClosed("checkin_skipped", week=week)
        unchanged = AnswerResult(view, changed=False, needs_detail=False)
        if not editing:
            if row.status == CheckInStatus.done or criterion != view.next_criterion:
                # A double tap, or a button of a step already answered: nothing to do.
                return unchanged, None
        elif criterion not in answers and criterion != view.next_criterion:
            return unchanged, None
        earlier = answers.get(criterion)
        if earlier is not None and earlier.level == level and level != Level.not_met:
            return unchanged, None
        # "Chưa đạt" again keeps the marked sub-items and the note; any other level clears them.
        keep = earlier is not None and level == Level.not_met
        assert row.id is not None
        write = AnswerWrite(
            checkin_id=row.id,
            answer_id=earlier.id if earlier is not None else None,
            criterion=criterion,
            level=level.value,
            sub_items=earlier.sub_items if keep and earlier is not None else "",
            note=earlier.note if keep and earlier is not None else None,
            at=now,
        )
        after = {
            **view.answers,
            criterion: Answer(criterion, level, tuple(s for s in write.sub_items.split(",") if s), write.note),
        }
        new_view = replace(view, answers={code: after[code] for code in self.order if code in after})
        return AnswerResult(new_view, changed=True, needs_detail=level == Level.not_met), write

    async def _unmet_answer(self, user: Person, week: int, criterion: str) -> AnswerRecord:
        self._open_week(user, week)
        row, answers = await self.store.week(self._id(user), week)
        ans = answers.get(criterion)
        if row is None or ans is None or ans.id is None or ans.level != Level.not_met:
            raise CheckinClosed("checkin_closed", week=week)
        return ans

    async def toggle_sub_item(self, user: Person, week: int, criterion: str, item: str) -> CheckinView:
        group = self.group(criterion)
        if item not in {i.code for i in group.items}:
            raise InvalidInput("criterion", value=item)
        ans = await self._unmet_answer(user, week, criterion)
        assert ans.id is not None
        marked = [s for s in ans.sub_items.split(",") if s]
        marked = [s for s in marked if s != item] if item in marked else [*marked, item]
        # Keep the plan's order whatever the order of the taps.
        await self.store.update_answer(ans.id, sub_items=",".join(i.code for i in group.items if i.code in marked))
        await self.store.commit()
        return await self.view(user, week)

    async def set_note(self, user: Person, week: int, criterion: str, text: str) -> CheckinView:
        note = clean_text(text)
        if not note or len(note) > NOTE_MAX:
            raise InvalidInput("note", max=NOTE_MAX)
        ans = await self._unmet_answer(user, week, criterion)
        assert ans.id is not None
        await self.store.update_answer(ans.id, note=note)
        await self.store.commit()
        return await self.view(user, week)

    async def _set_text(self, user: Person, week: int, attr: str, text: str, limit: int, code: str) -> CheckinView:
        self._open_week(user, week)
        value = clean_text(text)
        if not value or len(value) > limit:
            raise InvalidInput(code, max=limit)
        row = await self._row(user, week)
        if row is None or row.status == CheckInStatus.skipped:
            raise CheckinClosed("checkin_closed", week=week)
        await self.store.update_checkin(row.id, **{attr: value, "updated_at": self.clock.now()})
        await self.store.commit()
        return await self.view(user, week)

    async def set_reflection(self, user: Person, week: int, text: str) -> CheckinView:
        return await self._set_text(user, week, "reflection", text, REFLECTION_MAX, "reflection")

    async def set_example_note(self, user: Person, week: int, text: str) -> CheckinView:
        return await self._set_text(user, week, "example_note", text, EXAMPLE_MAX, "example_note")

    async def finish(self, user: Person, week: int) -> Summary:
        self._open_week(user, week)
        row, answers = await self.store.week(self._id(user), week)
        if row is None:
            raise CheckinClosed("checkin_closed", week=week)
        view = self._view(week, row, answers)
        if not view.complete or row.status == CheckInStatus.skipped:
            raise CheckinClosed("checkin_incomplete", week=week)
        if row.status != CheckInStatus.done:
            now = self.clock.now()
            await self.store.update_checkin(row.id, status=CheckInStatus.done.value, completed_at=now, updated_at=now)
            await self.store.commit()
        return await self.summary(user, week)

    async def skip(self, user: Person, week: int, reason: str) -> CheckinView:
        self._open_week(user, week)
        if reason not in SKIP_REASONS:
            raise InvalidInput("skip_reason", value=reason)
        row = await self._get_or_create(user, week)
        if row.status == CheckInStatus.done:
            raise CheckinClosed("checkin_done", week=week)
        await self.store.update_checkin(
            row.id, status=CheckInStatus.skipped.value, skip_reason=reason, updated_at=self.clock.now()
        )
        await self.store.commit()
        return await self.view(user, week)

    async def unskip(self, user: Person, week: int) -> CheckinView:
        self._open_week(user, week)
        row = await self._row(user, week)
        if row is not None and row.status == CheckInStatus.skipped:
            await self.store.update_checkin(
                row.id, status=CheckInStatus.in_progress.value, skip_reason=None, updated_at=self.clock.now()
            )
            await self.store.commit()
        return await self.view(user, week)

    # -- summaries and history -----------------------------------------------------------

    async def position(self, user: Person, view: CheckinView | None = None) -> Position:
        """This week's position. `view`: this week's, when the caller already has it (saves
        two queries)."""
        if view is None or view.week != self.current_week(user):
            view = await self.view(user)
        if view.status == CheckInStatus.done:
            return Position(view, await self.summary(user, view.week), await self.streak(user))
        return Position(view)

    async def summary(self, user: Person, week: int) -> Summary:
        this = await self.view(user, week)
        before = await self.view(user, previous_week(week))
        return Summary(this, before if before.status == CheckInStatus.done else None)

    async def history(self, user: Person, weeks: int = 12) -> History:
        """Up to `weeks` weeks ending with this one; a person's history starts at the week
        they joined (no "not done" weeks from before they were registered)."""
        current = self.current_week(user)
        first = min(joined_week(user), current) if user.onboarded_at is not None else 0
        keys = [current]
        while len(keys) < weeks and previous_week(keys[-1]) >= first:
            keys.append(previous_week(keys[-1]))
        keys.reverse()
        rows, answers = await self.store.weeks(self._id(user), keys)
        levels = {cid: {a.criterion: Level(a.level) for a in found} for cid, found in answers.items()}
        out = [
            HistoryRow(
                week=k,
                status=CheckInStatus(rows[k].status) if k in rows else None,
                levels=levels.get(rows[k].id, {}) if k in rows else {},
                skip_reason=rows[k].skip_reason if k in rows else None,
            )
            for k in keys
        ]
        return History(
            rows=out, streak=await self.streak(user), order=self.order, current=current, since_joined=len(keys) < weeks
        )

    async def streak(self, user: Person) -> int:
        """Weeks done in a row, counted back from now. Skipped (excused) weeks neither break
        nor add to it; the current week, still open, does not break it either."""
        status = {week: CheckInStatus(st) for week, st in (await self.store.statuses(self._id(user))).items()}
        if not status:
            return 0
        oldest = min(status)
        week, streak, first = self.current_week(user), 0, True
        while week >= oldest:
            st = status.get(week)
            if st == CheckInStatus.done:
                streak += 1
            elif st != CheckInStatus.skipped and not first:
                break
            week, first = previous_week(week), False
        return streak

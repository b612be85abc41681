"""Nominations for the Minister's Certificate of Merit (plan §IV.2).

§IV.2.1: every year each unit proposes at most 02 collectives or individuals; §IV.2.2: the
same at the sơ kết (2022) and the tổng kết (2025). The campaign file lists these rounds
(awards.rounds) and the quota (awards.max_per_unit); administrators add rounds of their
own, for example once the file's period has ended.

Rules:
- a round is open from its first to its last day (campaign rounds: their calendar year,
  within the campaign period; added rounds: until the day the administrator set, unless
  closed early); nothing is nominated, withdrawn or replaced in a closed round;
- a unit holds at most `quota` live nominations per round, together collectives and
  individuals. The database enforces it (storage.awards: a slot 1..quota, unique per
  live round, unit and slot); the insert never overwrites, so two leaders racing for the
  last slot get one nomination and one refusal;
- a leader nominates for their own unit only; a withdrawn nomination frees its slot and
  a replacement takes it in the same transaction;
- administrators see every unit's nominations per round and export them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.domain import Person
from bot.services.access import Action, deny
from bot.services.audit import AuditService
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.examples import clean_line, clean_multiline
from storage.awards import Ineligibility, Nomination, NominationRound, NomineeKind
from storage.db import dialect_insert
from storage.models import Role, Unit, User

NOMINEE_MIN, NOMINEE_MAX = 2, 255
ACHIEVEMENT_MIN, ACHIEVEMENT_MAX = 20, 3000
ROUND_TITLE_MIN, ROUND_TITLE_MAX = 3, 200
REASON_MIN, REASON_MAX = 5, 500
KEY_RE = re.compile(r"^(?:[a-z0-9][a-z0-9-]{0,40}@\d{4}|custom-\d{1,9})$")


class NominationRefused(DomainError):
    """Codes: round_closed, quota_full (§IV.2), nomination_gone (withdrawn or replaced
    meanwhile), not_a_leader (only a unit's leader nominates), not_eligible (an
    administrator flagged the nominee: Decree 98/2023, Art. 4), dossier_withdrawn."""

    code = "quota_full"


@dataclass(frozen=True)
class Round:
    """A nomination round: one of the campaign file's in one year, or one an admin added."""

    key: str
    title_vi: str
    title_en: str
    year: int
    opens_on: date
    closes_on: date
    quota: int
    ref: str | None = None
    custom_id: int | None = None
    closed_early: bool = False

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_vi

    def is_open(self, today: date) -> bool:
        return not self.closed_early and self.opens_on <= today <= self.closes_on


@dataclass(frozen=True)
class UnitNominations:
    round: Round
    unit: Unit
    live: list[Nomination]  # by slot

    @property
    def left(self) -> int:
        return max(0, self.round.quota - len(self.live))


@dataclass(frozen=True)
class UnitCard:
    """What /nominate shows a leader for one round: the unit's nominations, today, and
    whether other rounds are open too (a way back to the list)."""

    nominations: UnitNominations
    today: date
    several_rounds: bool = False


@dataclass(frozen=True)
class OpenRounds:
    """/nominate's first answer: the rounds open now, and the card when only one is."""

    rounds: list[Round]
    today: date
    campaign_end: date
    card: UnitCard | None = None


@dataclass(frozen=True)
class RoundsBoard:
    """The administrators' /nominations: every round with its counts."""

    summaries: list[RoundSummary]
    today: date
    quota: int
    campaign_end: date


@dataclass(frozen=True)
class NominationRow:
    """One live nomination, flattened for the administrators' list and exports."""

    round_key: str
    unit_code: str
    unit_name: str
    slot: int
    kind: NomineeKind
    nominee: str
    achievement: str
    nominated_at: datetime
    nominated_by: str | None  # the leader's name; None once erased (/forget)
    id: int = 0  # the nomination's number (/dossier N)


@dataclass(frozen=True)
class Flag:
    """A person or unit not eligible for commendation, and why (Decree 98/2023, Art. 4)."""

    id: int
    subject: str  # the person's or the unit's name
    unit_name: str  # the person's unit, or the unit itself
    kind: NomineeKind
    reason: str
    set_at: datetime


def nominee_name(nominee: str) -> str:
    """ "Nguyễn Thị Lan, Chuyên viên chính" → "Nguyễn Thị Lan": the name before the position."""
    return " ".join(nominee.split(",", 1)[0].split())


@dataclass(frozen=True)
class RoundSummary:
    round: Round
    nominations: int
    units: int


def _insert(session: AsyncSession):  # noqa: ANN202 - the dialect's INSERT construct
    return dialect_insert(session)


class NominationService:
    def __init__(
        self, session: AsyncSession, clock: Clock, campaign: Campaign, timezone: str = "Asia/Ho_Chi_Minh"
    ) -> None:
        self.session = session
        self.clock = clock
        self.campaign = campaign
        self.tz = ZoneInfo(timezone)
        self.audit = AuditService(session, clock)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # -- rounds -------------------------------------------------------------------------

    def campaign_rounds(self) -> list[Round]:
        """The campaign file's rounds, one per year they are held in (annual: every year of
        the period, and after it year by year until the next phase is loaded, §IV.2.1),
        each open during its calendar year within the period."""
        c, quota = self.campaign, self.campaign.awards.max_per_unit
        out = []
        for r in c.awards.rounds:
            years = c.annual_years(self.today()) if r.kind == "annual" else [r.year or c.end.year]
            for year in years:
                out.append(
                    Round(
                        key=f"{r.code}@{year}",
                        title_vi=r.title_for(year, "vi"),
                        title_en=r.title_for(year, "en"),
                        year=year,
                        opens_on=max(date(year, 1, 1), c.start),
                        closes_on=date(year, 12, 31) if year > c.end.year else min(date(year, 12, 31), c.end),
                        quota=quota,
                        ref=r.ref,
                    )
                )
        return out

    @staticmethod
    def _custom(row: NominationRound) -> Round:
        return Round(
            key=f"custom-{row.id}",
            title_vi=row.title_vi,
            title_en=row.title_en,
            year=row.year,
            opens_on=row.created_at.date(),
            closes_on=row.closes_on,
            quota=row.max_per_unit,
            custom_id=row.id,
            closed_early=row.closed_at is not None,
        )

    async def added_rounds(self) -> list[Round]:
        res = await self.session.exec(select(NominationRound).order_by(col(NominationRound.id)))
        return [self._custom(r) for r in res.all()]

    async def rounds(self) -> list[Round]:
        """Every round, the latest closing first."""
        found = self.campaign_rounds() + await self.added_rounds()
        return sorted(found, key=lambda r: (r.closes_on, r.key), reverse=True)

    async def open_rounds(self) -> list[Round]:
        today = self.today()
        return [r for r in await self.rounds() if r.is_open(today)]

    async def round(self, key: str) -> Round:
        if not KEY_RE.match(key or ""):
            raise NotFound("round", value=key)
        if key.startswith("custom-"):
            row = await self.session.get(NominationRound, int(key.split("-", 1)[1]))
            if row is None:
                raise NotFound("round", value=key)
            return self._custom(row)
        for r in self.campaign_rounds():
            if r.key == key:
                return r
        raise NotFound("round", value=key)

    async def _open(self, key: str) -> Round:
        r = await self.round(key)
        if not r.is_open(self.today()):
            raise NominationRefused("round_closed", round=r.title_vi)
        return r

    # -- a leader's unit ------------------------------------------------------------------

    async def leader_unit(self, leader: Person, action: Action = Action.nominate) -> Unit:
        if Role(leader.role) != Role.leader or leader.unit_id is None:
            await deny(self.session, self.clock, leader, action, "not a unit's leader")
        unit = await self.session.get(Unit, leader.unit_id)
        if unit is None:
            await deny(self.session, self.clock, leader, action, "no unit")
        return unit

    async def _live(self, key: str, unit_id: int) -> list[Nomination]:
        res = await self.session.exec(
            select(Nomination)
            .where(Nomination.round_key == key, Nomination.unit_id == unit_id, col(Nomination.withdrawn_at).is_(None))
            .order_by(col(Nomination.slot))
        )
        return list(res.all())

    async def for_unit(self, leader: Person, key: str) -> UnitNominations:
        unit = await self.leader_unit(leader)
        r = await self.round(key)
        return UnitNominations(r, unit, await self._live(r.key, unit.id or 0))

    @staticmethod
    def check_nominee(text: str) -> str:
        value = clean_line(text)
        if not NOMINEE_MIN <= len(value) <= NOMINEE_MAX:
            raise InvalidInput("nominee", min=NOMINEE_MIN, max=NOMINEE_MAX)
        return value

    @staticmethod
    def check_achievement(text: str) -> str:
        value = clean_multiline(text)
        if not ACHIEVEMENT_MIN <= len(value) <= ACHIEVEMENT_MAX:
            raise InvalidInput("achievement", min=ACHIEVEMENT_MIN, max=ACHIEVEMENT_MAX, length=len(value))
        return value

    async def _take_slot(self, r: Round, unit_id: int, values: dict, prefer: int | None = None) -> int | None:
        """Insert into the first free slot; the unique index decides between racers.

        INSERT … ON CONFLICT DO NOTHING waits for a concurrent insert of the same slot
        and then inserts nothing: the loop looks again and takes the next free slot, or
        finds none. Returns the new row's id, or None when the quota is used up."""
        for _ in range(r.quota + 1):
            taken = {n.slot for n in await self._live(r.key, unit_id)}
            free = [s for s in range(1, r.quota + 1) if s not in taken]
            if not free:
                return None
            slot = prefer if prefer in free else free[0]
            stmt = (
                _insert(self.session)(Nomination)
                .values(round_key=r.key, unit_id=unit_id, slot=slot, **values)
                .on_conflict_do_nothing()
                .returning(col(Nomination.id))
            )
            new_id = (await self.session.exec(stmt)).scalar_one_or_none()
            if new_id is not None:
                return int(new_id)
            prefer = None
        return None

    # -- what /nominate shows ---------------------------------------------------------------

    async def opening(self, leader: Person) -> OpenRounds:
        """The rounds open now; the unit's card when only one is. Someone without a unit is
        refused (and audited) even when no round is open."""
        rounds = await self.open_rounds()
        today = self.today()
        if not rounds:
            await self.leader_unit(leader)
            return OpenRounds(rounds, today, self.campaign.end)
        card = UnitCard(await self.for_unit(leader, rounds[0].key), today) if len(rounds) == 1 else None
        return OpenRounds(rounds, today, self.campaign.end, card)

    async def card(self, leader: Person, key: str) -> UnitCard:
        several = len(await self.open_rounds()) > 1
        return UnitCard(await self.for_unit(leader, key), self.today(), several)

    async def open_for(self, leader: Person, key: str) -> UnitNominations:
        """The unit's nominations in a round that is open (to add or replace one)."""
        un = await self.for_unit(leader, key)
        if not un.round.is_open(self.today()):
            raise NominationRefused("round_closed")
        return un

    async def may_add(self, leader: Person, key: str) -> UnitNominations:
        """A new nomination may be typed: the round is open and a slot is free."""
        un = await self.open_for(leader, key)
        if not un.left:
            raise NominationRefused("quota_full", quota=un.round.quota)
        return un

    async def live_one(self, leader: Person, key: str, nomination_id: int, *, open_round: bool = False) -> Nomination:
        """One of the unit's live nominations in the round (to withdraw or replace)."""
        un = await self.for_unit(leader, key)
        if open_round and not un.round.is_open(self.today()):
            raise NominationRefused("round_closed")
        target = next((n for n in un.live if n.id == nomination_id), None)
        if target is None:
            raise NominationRefused("nomination_gone")
        return target

    async def withdraw_shown(self, leader: Person, key: str, nomination_id: int) -> UnitCard:
        """Withdraw, and the round's card as it is now."""
        await self.withdraw(leader, nomination_id)
        return await self.card(leader, key)

    async def save(
        self, leader: Person, key: str, kind: NomineeKind, nominee: str, achievement: str, *, replacing: int = 0
    ) -> UnitCard:
        """The last step of /nominate: a new nomination, or one in place of ``replacing``;
        the round's card as it is then."""
        if replacing:
            await self.replace(leader, replacing, kind, nominee, achievement)
        else:
            await self.nominate(leader, key, kind, nominee, achievement)
        return await self.card(leader, key)

    async def board(self) -> RoundsBoard:
        return RoundsBoard(await self.summaries(), self.today(), self.campaign.awards.max_per_unit, self.campaign.end)

    async def export(self, admin: Person, key: str, kind: str) -> tuple[Round, list[NominationRow]]:
        """A round's nominations for an export (XLSX or CSV), noted in the audit log."""
        r, rows = await self.listing(key)
        await self.note_export(admin, r.key, kind, len(rows))
        return r, rows

    # -- eligibility (Decree 98/2023, Art. 4) ---------------------------------------------------

    async def nominee_match(self, unit: Unit, kind: NomineeKind, nominee: str) -> User | Unit | None:
        """The person or unit the bot knows by this nominee's name, within the nominating
        unit's tree: a person by full name (before the first comma), a collective by its
        name or code; the unit itself when it names itself."""
        name = nominee_name(nominee).casefold()
        if not name:
            return None
        if NomineeKind(kind) == NomineeKind.individual:
            res = await self.session.exec(
                select(User)
                .join(Unit, col(Unit.id) == col(User.unit_id))
                .where(col(Unit.path).startswith(unit.path), col(User.telegram_id).is_not(None))
                .order_by(col(User.id))
            )
            return next((u for u in res.all() if " ".join(u.full_name.split()).casefold() == name), None)
        tree = await self.session.exec(
            select(Unit).where(col(Unit.path).startswith(unit.path)).order_by(col(Unit.path))
        )
        whole = " ".join(nominee.split()).casefold()
        return next((u for u in tree.all() if u.name.casefold() in (name, whole) or u.code.casefold() == name), None)

    async def flag_for(self, subject: User | Unit | None) -> Ineligibility | None:
        if subject is None or subject.id is None:
            return None
        column = Ineligibility.user_id if isinstance(subject, User) else Ineligibility.unit_id
        res = await self.session.exec(
            select(Ineligibility)
            .where(column == subject.id, col(Ineligibility.lifted_at).is_(None))
            .order_by(col(Ineligibility.id))
        )
        return res.first()

    async def check_eligible(self, leader: Person, unit: Unit, kind: NomineeKind, nominee: str) -> None:
        """Refuse (and audit) a nominee an administrator flagged as not eligible."""
        flag = await self.flag_for(await self.nominee_match(unit, kind, nominee))
        if flag is not None:
            reason, detail = flag.reason, f"unit={unit.code} flag={flag.id}"  # read before the rollback expires them
            await self.audit.refused(leader.telegram_id, "nomination.not_eligible", detail=detail)
            raise NominationRefused("not_eligible", nominee=nominee_name(nominee), reason=reason)

    async def precheck(self, leader: Person, kind: NomineeKind, nominee: str) -> str:
        """The name step of /nominate: a well-formed name that is not flagged."""
        value = self.check_nominee(nominee)
        unit = await self.leader_unit(leader)
        await self.check_eligible(leader, unit, kind, value)
        return value

    async def flag(
        self, admin: Person, *, reason: str, user_id: int | None = None, unit_code: str | None = None
    ) -> Flag:
        """An administrator marks a person (by number) or a unit (by code) as not eligible."""
        value = clean_line(reason)
        if not REASON_MIN <= len(value) <= REASON_MAX:
            raise InvalidInput("eligibility_reason", min=REASON_MIN, max=REASON_MAX)
        row = Ineligibility(reason=value, set_by=admin.id, set_at=self.clock.now())
        if user_id is not None:
            person = await self.session.get(User, user_id)
            if person is None or person.telegram_id is None:
                raise NotFound("person", value=str(user_id))
            row.user_id = person.id
        else:
            target = (
                await self.session.exec(select(Unit).where(func.lower(Unit.code) == (unit_code or "").lower()))
            ).first()
            if target is None:
                raise NotFound("unit", value=unit_code or "")
            row.unit_id = target.id
        self.session.add(row)
        await self.session.flush()
        self.audit.note(
            admin.telegram_id, "eligibility.flag", detail=f"id={row.id} user={row.user_id} unit={row.unit_id}"
        )
        await self.session.commit()
        return (await self.flags([row.id or 0]))[0]

    async def lift(self, admin: Person, flag_id: int) -> None:
        row = await self.session.get(Ineligibility, flag_id)
        if row is None or row.lifted_at is not None:
            raise NotFound("eligibility", value=str(flag_id))
        row.lifted_at, row.lifted_by = self.clock.now(), admin.id
        self.session.add(row)
        self.audit.note(admin.telegram_id, "eligibility.lift", detail=f"id={flag_id}")
        await self.session.commit()

    async def flags(self, ids: Sequence[int] | None = None) -> list[Flag]:
        """The flags in force (or these ones), oldest first."""
        q = select(Ineligibility).order_by(col(Ineligibility.id))
        q = (
            q.where(col(Ineligibility.id).in_(list(ids)))
            if ids is not None
            else q.where(col(Ineligibility.lifted_at).is_(None))
        )
        out = []
        for row in (await self.session.exec(q)).all():
            if row.user_id is not None:
                person = await self.session.get(User, row.user_id)
                unit = await self.session.get(Unit, person.unit_id) if person and person.unit_id else None
                out.append(
                    Flag(
                        row.id or 0,
                        person.full_name if person else "—",
                        unit.name if unit else "—",
                        NomineeKind.individual,
                        row.reason,
                        row.set_at,
                    )
                )
            else:
                unit = await self.session.get(Unit, row.unit_id)
                out.append(
                    Flag(
                        row.id or 0,
                        unit.name if unit else "—",
                        unit.name if unit else "—",
                        NomineeKind.collective,
                        row.reason,
                        row.set_at,
                    )
                )
        return out

    async def nominate(self, leader: Person, key: str, kind: NomineeKind, nominee: str, achievement: str) -> Nomination:
        """§IV.2: a live nomination of the leader's unit in an open round, if a slot is free
        and the nominee is eligible (Decree 98/2023, Art. 4)."""
        unit = await self.leader_unit(leader)
        r = await self._open(key)
        values = self._values(leader, kind, nominee, achievement)
        await self.check_eligible(leader, unit, kind, str(values["nominee"]))
        actor = leader.telegram_id
        new_id = await self._take_slot(r, unit.id or 0, values)
        if new_id is None:  # nothing was written: the refusal alone is kept
            self.audit.note(actor, "nomination.quota_full", "refused", detail=f"round={r.key} unit={unit.code}")
            await self.session.commit()
            raise NominationRefused("quota_full", quota=r.quota)
        self.audit.note(actor, "nomination.add", detail=f"round={r.key} unit={unit.code} id={new_id}")
        await self.session.commit()
        row = await self.session.get(Nomination, new_id)
        assert row is not None
        return row

    async def _own(self, leader: Person, nomination_id: int) -> tuple[Unit, Nomination, Round]:
        unit = await self.leader_unit(leader)
        row = await self.session.get(Nomination, nomination_id)
        if row is None:
            raise NominationRefused("nomination_gone")
        if row.unit_id != unit.id:
            await deny(
                self.session, self.clock, leader, Action.nominate, f"nomination={nomination_id} of unit={row.unit_id}"
            )
        if row.withdrawn_at is not None:
            raise NominationRefused("nomination_gone")
        return unit, row, await self._open(row.round_key)

    async def _withdraw(self, leader: Person, row: Nomination) -> None:
        """Mark the nomination withdrawn; NominationRefused when someone else withdrew it a
        moment ago (nothing is written then)."""
        res = await self.session.exec(
            update(Nomination)
            .where(col(Nomination.id) == row.id, col(Nomination.withdrawn_at).is_(None))
            .values(withdrawn_at=self.clock.now(), withdrawn_by=leader.id)
        )
        if not res.rowcount:
            raise NominationRefused("nomination_gone")

    async def withdraw(self, leader: Person, nomination_id: int) -> Nomination:
        unit, row, r = await self._own(leader, nomination_id)
        actor = leader.telegram_id
        try:
            await self._withdraw(leader, row)
        except NominationRefused:
            await self.session.commit()  # nothing was written; ends the transaction (SQLite's lock)
            raise
        self.audit.note(actor, "nomination.withdraw", detail=f"round={r.key} unit={unit.code} id={nomination_id}")
        await self.session.commit()
        await self.session.refresh(row)
        return row

    def _values(self, leader: Person, kind: NomineeKind, nominee: str, achievement: str) -> dict[str, object]:
        """A nomination's checked content, for a new row or a replacement."""
        return {
            "kind": NomineeKind(kind).value,
            "nominee": self.check_nominee(nominee),
            "achievement": self.check_achievement(achievement),
            "nominated_by": leader.id,
            "created_at": self.clock.now(),
        }

    async def replace(
        self, leader: Person, nomination_id: int, kind: NomineeKind, nominee: str, achievement: str
    ) -> Nomination:
        """Withdraw one nomination and put another in its slot, in one transaction."""
        values = self._values(leader, kind, nominee, achievement)
        unit, row, r = await self._own(leader, nomination_id)
        await self.check_eligible(leader, unit, kind, str(values["nominee"]))
        actor = leader.telegram_id
        try:
            # The withdrawal and the new row stand or fall together.
            async with self.session.begin_nested():
                await self._withdraw(leader, row)
                new_id = await self._take_slot(r, unit.id or 0, values, prefer=row.slot)
                if new_id is None:
                    raise NominationRefused("quota_full", quota=r.quota)
        except NominationRefused as exc:
            # The savepoint undid both; the refusal alone is kept.
            detail = f"round={r.key} unit={unit.code} id={nomination_id}"
            self.audit.note(actor, f"nomination.{exc.code}", "refused", detail=detail)
            await self.session.commit()
            raise
        self.audit.note(
            actor, "nomination.replace", detail=f"round={r.key} unit={unit.code} id={nomination_id} by={new_id}"
        )
        await self.session.commit()
        new = await self.session.get(Nomination, new_id)
        assert new is not None
        return new

    # -- administrators ---------------------------------------------------------------------

    async def add_round(self, admin: Person, title: str, closes_on: date, year: int | None = None) -> Round:
        today = self.today()
        value = clean_line(title)
        if not ROUND_TITLE_MIN <= len(value) <= ROUND_TITLE_MAX:
            raise InvalidInput("round_title", min=ROUND_TITLE_MIN, max=ROUND_TITLE_MAX)
        if closes_on < today:
            raise InvalidInput("deadline_past")
        year = year or today.year
        if not self.campaign.start.year <= year <= today.year + 1:
            raise InvalidInput("round_year", first=self.campaign.start.year, last=today.year + 1)
        row = NominationRound(
            title_vi=value,
            title_en=value,
            year=year,
            closes_on=closes_on,
            max_per_unit=self.campaign.awards.max_per_unit,
            created_by=admin.id,
            created_at=self.clock.now(),
        )
        self.session.add(row)
        await self.session.flush()
        self.audit.note(
            admin.telegram_id, "round.add", detail=f"id={row.id} year={year} closes={closes_on.isoformat()}"
        )
        await self.session.commit()
        return self._custom(row)

    async def close_round(self, admin: Person, round_id: int) -> Round:
        row = await self.session.get(NominationRound, round_id)
        if row is None:
            raise NotFound("round", value=f"custom-{round_id}")
        if row.closed_at is None:
            row.closed_at = self.clock.now()
            self.session.add(row)
            self.audit.note(admin.telegram_id, "round.close", detail=f"id={round_id}")
            await self.session.commit()
        return self._custom(row)

    async def summaries(self) -> list[RoundSummary]:
        """Every round that is open or has nominations, with its counts."""
        res = await self.session.exec(
            select(Nomination.round_key, func.count(), func.count(func.distinct(Nomination.unit_id)))
            .where(col(Nomination.withdrawn_at).is_(None))
            .group_by(col(Nomination.round_key))
        )
        counts = {key: (int(n), int(u)) for key, n, u in res.all()}
        today = self.today()
        out = []
        for r in await self.rounds():
            n, u = counts.get(r.key, (0, 0))
            if n or r.is_open(today) or r.custom_id is not None:
                out.append(RoundSummary(r, n, u))
        return out

    async def listing(self, key: str) -> tuple[Round, list[NominationRow]]:
        """A round's live nominations, unit by unit (the tree's order), slot by slot."""
        r = await self.round(key)
        res = await self.session.exec(
            select(Nomination, Unit)
            .join(Unit, col(Unit.id) == col(Nomination.unit_id))
            .where(Nomination.round_key == r.key, col(Nomination.withdrawn_at).is_(None))
            .order_by(col(Unit.path), col(Nomination.slot))
        )
        pairs = list(res.all())
        ids = {n.nominated_by for n, _ in pairs if n.nominated_by}
        names = {}
        if ids:
            users = await self.session.exec(select(User.id, User.full_name).where(col(User.id).in_(ids)))
            names = {uid: name for uid, name in users.all()}
        rows = [
            NominationRow(
                round_key=r.key,
                unit_code=u.code,
                unit_name=u.name,
                slot=n.slot,
                kind=NomineeKind(n.kind),
                nominee=n.nominee,
                achievement=n.achievement,
                nominated_at=n.created_at,
                nominated_by=names.get(n.nominated_by) if n.nominated_by else None,
                id=n.id or 0,
            )
            for n, u in pairs
        ]
        return r, rows

    async def note_export(self, admin: Person, key: str, kind: str, count: int) -> None:
        self.audit.note(admin.telegram_id, f"nomination.export.{kind}", detail=f"round={key} rows={count}")
        await self.session.commit()

    # -- the annual report ---------------------------------------------------------------------

    async def of_year(self, unit_id: int, year: int) -> list[tuple[Round, Nomination]]:
        """The unit's live nominations in the rounds of `year` (for its annual report)."""
        rounds = {r.key: r for r in await self.rounds() if r.year == year}
        if not rounds:
            return []
        res = await self.session.exec(
            select(Nomination)
            .where(
                col(Nomination.round_key).in_(list(rounds)),
                Nomination.unit_id == unit_id,
                col(Nomination.withdrawn_at).is_(None),
            )
            .order_by(col(Nomination.round_key), col(Nomination.slot))
        )
        return [(rounds[n.round_key], n) for n in res.all()]


def parse_round_args(args: Sequence[str], today: date) -> tuple[date, int | None, str]:
    """ "/nominations add dd/mm/yyyy [YEAR] TITLE…" → (closes_on, year, title)."""
    from bot.services.profile import parse_date

    if len(args) < 2:
        raise InvalidInput("round_usage")
    closes = parse_date(args[0], today)
    rest = list(args[1:])
    year = None
    if rest and re.fullmatch(r"\d{4}", rest[0]) and len(rest) > 1:
        year = int(rest.pop(0))
    return closes, year, " ".join(rest)


__all__ = [
    "ACHIEVEMENT_MAX",
    "ACHIEVEMENT_MIN",
    "NOMINEE_MAX",
    "NOMINEE_MIN",
    "Flag",
    "NominationRefused",
    "NominationRow",
    "NominationService",
    "Round",
    "RoundSummary",
    "UnitNominations",
    "parse_round_args",
]

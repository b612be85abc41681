"""Onboarding (SPEC §3.1): invitation → consent → language, name, position, schedule.

Nothing is stored before consent: the invitation is only read until the person agrees,
and the consent record keeps the notice's version and the time.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.i18n import normalize
from bot.services.audit import AuditService, person_ref
from bot.services.errors import AlreadyRegistered, InviteRefused
from bot.services.invites import InviteService
from storage.models import ConsentRecord, Invitation, Role, Unit, User
from storage.repositories import UnitRepo, UserRepo


@dataclass(frozen=True)
class InvitePreview:
    """What the person is invited to, shown beside the notice. Nothing stored."""

    token: str | None
    role: Role
    unit: Unit | None
    bootstrap_admin: bool = False


@dataclass
class InviteAttempts:
    """What the bot remembers of people who have not consented, in this process's memory
    and under a keyed hash (bot.services.audit.person_ref), never their account number:

    - failed invitation codes: after `limit` wrong codes within `window`, the account is
      answered "wait" for `pause`, and the burst goes to the audit log once (no one may try
      codes without limit);
    - a personal-data notice shown and not yet answered, so text typed meanwhile is
      answered with a pointer to its buttons.

    Entries expire; the whole is bounded. Several worker processes each keep their own.
    """

    limit: int = 5
    window: timedelta = timedelta(minutes=10)
    pause: timedelta = timedelta(minutes=15)
    notice_ttl: timedelta = timedelta(days=1)
    max_entries: int = 10_000
    _failures: dict[str, list[datetime]] = field(default_factory=dict)
    _blocked: dict[str, datetime] = field(default_factory=dict)
    _notices: dict[str, datetime] = field(default_factory=dict)

    def retry_after(self, ref: str, now: datetime) -> timedelta | None:
        until = self._blocked.get(ref)
        if until is None:
            return None
        if until <= now:
            del self._blocked[ref]
            return None
        return until - now

    def failed(self, ref: str, now: datetime) -> bool:
        """One more wrong code; True when it starts a pause (a burst, to be audited)."""
        self._prune(now)
        recent = [t for t in self._failures.get(ref, []) if now - t < self.window]
        recent.append(now)
        if len(recent) >= self.limit:
            self._failures.pop(ref, None)
            self._blocked[ref] = now + self.pause
            return True
        self._failures[ref] = recent
        return False

    def notice_shown(self, ref: str, now: datetime) -> None:
        self._prune(now)
        self._notices[ref] = now

    def notice_pending(self, ref: str, now: datetime) -> bool:
        shown = self._notices.get(ref)
        return shown is not None and now - shown < self.notice_ttl

    def notice_answered(self, ref: str) -> None:
        self._notices.pop(ref, None)

    def _prune(self, now: datetime) -> None:
        if len(self._failures) + len(self._blocked) + len(self._notices) < self.max_entries:
            return
        self._failures = {k: v for k, v in self._failures.items() if now - v[-1] < self.window}
        self._blocked = {k: v for k, v in self._blocked.items() if v > now}
        self._notices = {k: v for k, v in self._notices.items() if now - v < self.notice_ttl}
        while len(self._failures) + len(self._blocked) + len(self._notices) >= self.max_entries:
            for table in (self._notices, self._failures, self._blocked):
                if table:
                    table.pop(next(iter(table)))  # the oldest first (insertion order)
                    break


class OnboardingService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        *,
        admin_ids: frozenset[int] = frozenset(),
        timezone: str = "Asia/Ho_Chi_Minh",
        attempts: InviteAttempts | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.admin_ids = admin_ids
        self.timezone = timezone
        self.attempts = attempts
        self.users = UserRepo(session)
        self.units = UnitRepo(session)
        self.invites = InviteService(session, clock)
        self.audit = AuditService(session, clock)

    async def preview(self, telegram_id: int, token: str | None) -> InvitePreview:
        """Check who may start. Raises AlreadyRegistered or InviteRefused; writes nothing
        about the person (a burst of wrong codes is audited under a keyed hash)."""
        existing = await self.users.by_telegram_id(telegram_id)
        if existing is not None and existing.onboarded_at is not None:
            raise AlreadyRegistered()
        if not token and telegram_id in self.admin_ids:
            return InvitePreview(token=None, role=Role.admin, unit=None, bootstrap_admin=True)
        inv = await self._check(telegram_id, token)
        unit = await self.units.get(inv.unit_id) if inv.unit_id else None
        return InvitePreview(token=inv.token, role=Role(inv.role), unit=unit)

    async def open_notice(self, telegram_id: int, token: str | None) -> InvitePreview:
        """The preview, and the notice it goes with remembered as shown (text typed before
        it is answered gets a pointer to its buttons). Writes nothing about the person."""
        preview = await self.preview(telegram_id, token)
        if self.attempts is not None:
            self.attempts.notice_shown(person_ref(telegram_id), self.clock.now())
        return preview

    def notice_pending(self, telegram_id: int) -> bool:
        """Someone was just shown the notice and has not answered it."""
        return self.attempts is not None and self.attempts.notice_pending(person_ref(telegram_id), self.clock.now())

    def notice_answered(self, telegram_id: int) -> None:
        if self.attempts is not None:
            self.attempts.notice_answered(person_ref(telegram_id))

    async def unit_of(self, user: Person) -> Unit | None:
        return await self.units.get(user.unit_id) if user.unit_id else None

    async def _check(self, telegram_id: int, token: str | None) -> Invitation:
        """The invitation, with failed codes counted per account (see InviteAttempts)."""
        return await self._throttled(person_ref(telegram_id), token, self.invites.check, "")

    async def _throttled(
        self, ref: str, given: str | None, check: Callable[[str | None], Awaitable[Invitation]], where: str
    ) -> Invitation:
        """`check(given)`, with wrong codes counted per account: after too many, a pause
        (InviteAttempts), audited once per burst."""
        if self.attempts is None or not given:
            return await check(given)
        now = self.clock.now()
        wait = self.attempts.retry_after(ref, now)
        if wait is not None:
            raise InviteRefused("invite_throttled", minutes=max(1, math.ceil(wait.total_seconds() / 60)))
        try:
            return await check(given)
        except InviteRefused as exc:
            if exc.code == "invite_unknown" and self.attempts.failed(ref, now):
                self.audit.note(
                    None,
                    "invite.throttle",
                    "refused",
                    detail=f"account={ref}{where} wrong_codes={self.attempts.limit} "
                    f"within={int(self.attempts.window.total_seconds())}s",
                )
                await self.session.commit()
                raise InviteRefused(
                    "invite_throttled", minutes=max(1, math.ceil(self.attempts.pause.total_seconds() / 60))
                ) from None
            raise

    async def accept(self, telegram_id: int, token: str | None, *, locale: str, notice_version: str) -> User:
        """Consent given: create the user and the consent record, take one invitation use."""
        self.notice_answered(telegram_id)
        existing = await self.users.by_telegram_id(telegram_id)
        if existing is not None:
            return existing  # a second tap on "I agree": nothing new
        now = self.clock.now()
        inv: Invitation | None = None
        if token or telegram_id not in self.admin_ids:
            inv = await self.invites.check(token)
        role = Role.admin if telegram_id in self.admin_ids else Role(inv.role if inv else "admin")
        user = User(
            telegram_id=telegram_id,
            unit_id=inv.unit_id if inv else None,
            role=role,
            locale=normalize(locale),
            timezone=self.timezone,
            invitation_id=inv.id if inv else None,
            created_at=now,
        )
        created = await self._create(user, inv, notice_version, lambda: self.users.by_telegram_id(telegram_id))
        if created is user:
            self.audit.note(telegram_id, "user.register", detail=f"role={role.value} invitation={user.invitation_id}")
            await self.session.commit()
        return created

    async def _create(
        self,
        user: User,
        inv: Invitation | None,
        notice_version: str,
        lookup: Callable[[], Awaitable[User | None]],
    ) -> User:
        """The new person and their consent record, with one use of the invitation: a
        savepoint makes the use and the row go together, or neither. Two taps that raced (two
        workers): only this one's savepoint is undone and the other's row is returned."""
        now = user.created_at
        try:
            async with self.session.begin_nested():
                if inv is not None:
                    assert inv.id is not None
                    if not await self.invites.repo.take_one_use(inv.id, now):
                        raise InviteRefused("invite_used_up")
                self.session.add(user)
        except IntegrityError:
            again = await lookup()
            if again is None:
                raise
            return again
        assert user.id is not None
        self.session.add(
            ConsentRecord(user_id=user.id, notice_version=notice_version, locale=user.locale, accepted_at=now)
        )
        return user

    # -- Zalo (issue 16.2): the person types the invitation's short code ---------------------

    async def preview_zalo(self, zalo_id: str, code: str | None) -> InvitePreview:
        """As `preview`, for a person on Zalo who sent `code`: raises AlreadyRegistered or
        InviteRefused (wrong codes are throttled per account); writes nothing about them."""
        existing = await self.users.by_zalo_id(zalo_id)
        if existing is not None and existing.onboarded_at is not None:
            raise AlreadyRegistered()
        inv = await self._check_code(zalo_id, code)
        unit = await self.units.get(inv.unit_id) if inv.unit_id else None
        return InvitePreview(token=inv.token, role=Role(inv.role), unit=unit)

    async def _check_code(self, zalo_id: str, code: str | None) -> Invitation:
        return await self._throttled(person_ref(zalo_id), code, self.invites.check_code, " channel=zalo")

    async def accept_zalo(self, zalo_id: str, token: str, *, locale: str, notice_version: str) -> User:
        """Consent given on Zalo: create the person (their channel is Zalo), the consent record,
        and take one use of the invitation (`token`: InvitePreview.token from `preview_zalo`)."""
        existing = await self.users.by_zalo_id(zalo_id)
        if existing is not None:
            return existing  # a second "agree": nothing new
        now = self.clock.now()
        inv = await self.invites.check(token)
        user = User(
            zalo_id=zalo_id,
            unit_id=inv.unit_id,
            role=Role(inv.role),
            locale=normalize(locale),
            timezone=self.timezone,
            invitation_id=inv.id,
            created_at=now,
        )
        created = await self._create(user, inv, notice_version, lambda: self.users.by_zalo_id(zalo_id))
        if created is user:
            self.audit.note(
                None,
                "user.register",
                detail=f"person={person_ref(zalo_id)} channel=zalo role={user.role.value} invitation={inv.id}",
            )
            await self.session.commit()
        return created

    async def finish(self, user: Person) -> Person:
        if user.onboarded_at is None:
            user.onboarded_at = self.clock.now()
            self.session.add(user)
            await self.session.commit()
        return user

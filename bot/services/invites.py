"""Invitations: nobody gets in without one (SPEC §2)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, InviteRefused, NotFound
from storage.models import Invitation, Role, Unit
from storage.repositories import InvitationRepo, UnitRepo

# Telegram deep-link payloads: up to 64 characters of A-Z, a-z, 0-9, _ and -.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
DEFAULT_VALID_DAYS = 14
# Zalo's links carry no payload: the person types the invitation's short code instead
# (issue 16.2). Eight characters of an alphabet without look-alikes (no 0/O, 1/I/L): about
# 40 bits, against which wrong codes are throttled per account (InviteAttempts).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_CODE_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_token() -> str:
    """22 URL-safe characters (128 bits), never starting with "-": a command line would read
    such a token as an option (`invite --revoke -x…`)."""
    while (token := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return token


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str | None:
    """What a person typed, as a stored code: upper case, spaces and dashes dropped ("abcd-
    efgh" → "ABCDEFGH"); None when it cannot be a code."""
    if not text:
        return None
    code = _CODE_SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def working(inv: Invitation, now: datetime) -> bool:
    """Whether the invitation's link still lets someone in (not withdrawn, expired or used up)."""
    return (
        inv.revoked_at is None
        and (inv.expires_at is None or inv.expires_at > now)
        and (inv.max_uses is None or inv.uses < inv.max_uses)
    )


@dataclass(frozen=True)
class InviteList:
    """/invites: the invitations that work, newest first; how many others there are; the
    units they lead into."""

    working: list[Invitation]
    others: int
    units: dict[int | None, Unit]


class InviteService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.repo = InvitationRepo(session)
        self.units = UnitRepo(session)
        self.clock = clock
        self.audit = AuditService(session, clock)

    async def create(
        self,
        unit_code: str | None,
        role: Role | str = Role.employee,
        *,
        valid_days: int | None = DEFAULT_VALID_DAYS,
        max_uses: int | None = None,
        created_by: int | None = None,
    ) -> Invitation:
        try:
            role = Role(role)
        except ValueError:
            raise InvalidInput("role", value=str(role)) from None
        if valid_days is not None and not 1 <= valid_days <= 366:
            raise InvalidInput("valid_days", value=str(valid_days))
        if max_uses is not None and not 1 <= max_uses <= 100_000:
            raise InvalidInput("max_uses", value=str(max_uses))
        unit_id = None
        if unit_code:
            unit = await self.units.by_code(unit_code)
            if unit is None:
                raise NotFound("unit", value=unit_code)
            unit_id = unit.id
        elif role is not Role.admin:
            raise InvalidInput("invite_needs_unit")
        now = self.clock.now()
        inv = Invitation(
            token=new_token(),
            code=await self._unused_code(),
            unit_id=unit_id,
            role=role,
            expires_at=now + timedelta(days=valid_days) if valid_days else None,
            max_uses=max_uses,
            created_by=created_by,
            created_at=now,
        )
        self.session.add(inv)
        self.audit.note(created_by, "invite.create", detail=f"unit={unit_code} role={role.value} uses={max_uses}")
        await self.session.commit()
        return inv

    async def check(self, token: str | None) -> Invitation:
        """The invitation behind a token, or InviteRefused saying why. Writes nothing."""
        if not token:
            raise InviteRefused("invite_missing")
        if not TOKEN_RE.match(token):
            raise InviteRefused("invite_unknown")
        inv = await self.repo.by_token(token)
        if inv is None:
            raise InviteRefused("invite_unknown")
        if inv.revoked_at is not None:
            raise InviteRefused("invite_revoked")
        if inv.expires_at is not None and inv.expires_at <= self.clock.now():
            raise InviteRefused("invite_expired")
        if inv.max_uses is not None and inv.uses >= inv.max_uses:
            raise InviteRefused("invite_used_up")
        return inv

    async def check_code(self, text: str | None) -> Invitation:
        """The invitation behind a short code as a person typed it on Zalo, or InviteRefused
        saying why (as `check`). Writes nothing."""
        code = normalize_code(text)
        if code is None:
            raise InviteRefused("invite_unknown" if text else "invite_missing")
        inv = await self.repo.by_code(code)
        if inv is None:
            raise InviteRefused("invite_unknown")
        return await self.check(inv.token)

    async def _unused_code(self) -> str:
        # 31**8 codes: a clash is rare; the unique index is the guarantee.
        while await self.repo.by_code(code := new_code()) is not None:
            pass
        return code

    async def revoke(self, token: str, by: int | None = None) -> Invitation:
        inv = await self.repo.by_token(token)
        if inv is None:
            raise NotFound("invitation", value=token)
        if inv.revoked_at is None:
            inv.revoked_at = self.clock.now()
            self.audit.note(by, "invite.revoke", detail=f"id={inv.id}")
            await self.session.commit()
        return inv

    async def revoke_by_id(self, invitation_id: int, by: int | None = None) -> Invitation:
        """A withdraw button's invitation (by its number)."""
        inv = await self.session.get(Invitation, invitation_id)
        if inv is None:
            raise NotFound("invitation")
        return await self.revoke(inv.token, by=by)

    async def working_list(self, unit_code: str | None = None) -> InviteList:
        """The invitations (of a unit, or all) whose links still work, newest first."""
        rows = await self.list(unit_code)
        now = self.clock.now()
        live = sorted(
            (inv for inv in rows if working(inv, now)), key=lambda inv: (inv.created_at, inv.id or 0), reverse=True
        )
        units = {u.id: u for u in await self.units.all()}
        return InviteList(working=live, others=len(rows) - len(live), units=units)

    async def list(self, unit_code: str | None = None) -> Sequence[Invitation]:
        unit_id = None
        if unit_code:
            unit = await self.units.by_code(unit_code)
            if unit is None:
                raise NotFound("unit", value=unit_code)
            unit_id = unit.id
        return await self.repo.list(unit_id)

"""Domain errors. Each carries a code that the errors router turns into a message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "error"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        if code:
            self.code = code
        self.params = params
        # What reaches the log: the code and numbers (ids, limits), never a text the person
        # typed or a name (a parameter that is a string stays out).
        shown = {k: v for k, v in params.items() if isinstance(v, int | float)}
        super().__init__(f"{self.code} {shown}" if shown else self.code)


class InvalidInput(DomainError):
    """The user typed something we cannot take; nothing was stored."""

    code = "invalid"


class NotFound(DomainError):
    code = "not_found"


class AccessDenied(DomainError):
    """The user's role does not allow the action (SPEC §2)."""

    code = "access_denied"


class InviteRefused(DomainError):
    """Codes: invite_missing, invite_unknown, invite_expired, invite_revoked, invite_used_up."""

    code = "invite_unknown"


class AlreadyRegistered(DomainError):
    code = "already_registered"


class NotRegistered(DomainError):
    code = "not_registered"

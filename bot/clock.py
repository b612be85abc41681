"""Time is injected: rules ask a Clock, never datetime.now() directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The real clock: aware UTC datetimes."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock for tests and for `jobs run --now`: it stands still until moved."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


class ShiftedClock(Clock):
    """Real time moved by a fixed offset: it runs, from wherever it was set."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    @classmethod
    def starting_at(cls, at: datetime) -> ShiftedClock:
        if at.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        return cls(at.astimezone(UTC) - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

"""A person's own settings: language, name, position, check-in day and time, pause (§3.9)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain import Person
from bot.i18n import LOCALES
from bot.services.errors import InvalidInput
from storage.models import User

TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:hH.]\s*([0-5]\d)\s*$")
DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2}|\d{4}))?\s*$")
MAX_PAUSE_DAYS = 366
NAME_MAX = 100


def clean_text(text: str) -> str:
    """Drop control and invisible format characters (zero-width, bidi marks), fold spaces."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n")
    return " ".join(kept.split())


def parse_time(text: str) -> str:
    m = TIME_RE.match(text or "")
    if not m:
        raise InvalidInput("time", value=text)
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_date(text: str, today: date) -> date:
    """dd/mm/yyyy, dd/mm/yy or dd/mm (the next such day), as Vietnamese write dates."""
    m = DATE_RE.match(text or "")
    if not m:
        raise InvalidInput("date", value=text)
    day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    try:
        if year:
            y = int(year) + (2000 if len(year) == 2 else 0)
            return date(y, month, day)
        d = date(today.year, month, day)
        return d if d >= today else date(today.year + 1, month, day)
    except ValueError:
        raise InvalidInput("date", value=text) from None


class ProfileService:
    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        self.session = session
        self.clock = clock

    def today(self, user: Person) -> date:
        """The person's own date now (their time zone)."""
        if self.clock is None:
            raise RuntimeError("ProfileService needs a clock to know today's date")
        return self.clock.now().astimezone(ZoneInfo(user.timezone)).date()

    async def _save(self, user: Person) -> Person:
        self.session.add(user)
        await self.session.commit()
        return user

    async def set_locale(self, user: Person, locale: str) -> Person:
        if locale not in LOCALES:
            raise InvalidInput("locale", value=locale)
        user.locale = locale
        return await self._save(user)

    @staticmethod
    def _label(text: str, field: str) -> str:
        """A name or a position: 2 to NAME_MAX characters with letters, not a command."""
        value = clean_text(text or "")
        if not 2 <= len(value) <= NAME_MAX or value.startswith("/") or not any(ch.isalpha() for ch in value):
            raise InvalidInput(field, max=NAME_MAX)
        return value

    async def set_full_name(self, user: Person, text: str) -> Person:
        user.full_name = self._label(text, "full_name")
        return await self._save(user)

    async def set_position(self, user: Person, text: str) -> Person:
        user.position = self._label(text, "position")
        return await self._save(user)

    async def set_schedule(self, user: Person, weekday: int | None = None, at: str | None = None) -> Person:
        if weekday is not None:
            if not 0 <= weekday <= 6:
                raise InvalidInput("weekday", value=str(weekday))
            user.checkin_weekday = weekday
        if at is not None:
            user.checkin_time = parse_time(at)
        return await self._save(user)

    async def set_schedule_minutes(self, user: Person, minutes: int) -> Person:
        """A time button's value: minutes after midnight (checked as a typed time is)."""
        return await self.set_schedule(user, at=f"{minutes // 60:02d}:{minutes % 60:02d}")

    async def pause_until(self, user: Person, until: date, today: date) -> Person:
        if until <= today or until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise InvalidInput("pause_date", max=MAX_PAUSE_DAYS)
        user.paused_from, user.paused_until = today, until
        return await self._save(user)

    async def pause_until_typed(self, user: Person, text: str) -> Person:
        """A typed date (dd/mm/yyyy, dd/mm/yy or dd/mm), from the person's today."""
        today = self.today(user)
        return await self.pause_until(user, parse_date(text, today), today)

    async def pause_for_days(self, user: Person, days: int, today: date | None = None) -> Person:
        """A pause of so many days from today (a button's value, so checked before use)."""
        if not 1 <= days <= MAX_PAUSE_DAYS:
            raise InvalidInput("pause_date", max=MAX_PAUSE_DAYS)
        today = today or self.today(user)
        return await self.pause_until(user, today + timedelta(days=days), today)

    async def resume(self, user: Person, today: date | None = None) -> Person:
        """The pause ends now; the weeks it covered stay excused (a pause is kept as a range)."""
        if today is None or user.paused_from is None or today <= user.paused_from:
            user.paused_from = user.paused_until = None
        else:
            user.paused_until = today
        return await self._save(user)

    async def set_reachable(self, telegram_id: int, reachable: bool) -> bool:
        """A my_chat_member update: the person blocked (or unblocked) the bot. Commits."""
        res = await self.session.exec(update(User).where(col(User.telegram_id) == telegram_id).values(active=reachable))
        await self.session.commit()
        return bool(res.rowcount)

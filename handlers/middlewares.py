"""Middlewares: each update once, one DB session per update, the user and their language,
role gates."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TgUser
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.callback_answer import CallbackAnswer

from bot.domain import Person
from bot.fsm_storage import update_session
from bot.i18n import _, normalize, use_locale
from bot.services.access import Action, allowed
from bot.services.audit import AuditService, person_ref
from bot.services.errors import DomainError
from bot.services.provider import PROVIDED, Services
from bot.views.texts import access_denied_text, error_text, finish_setup_text, not_registered_text

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


# What the middlewares need of storage, said here; storage's implementations (storage/updates.py,
# storage/repositories.py, storage/direct.py), chosen once at start by bot/app.py, fit them.
class UpdateLedger(Protocol):
    async def claim(self, session: Any, update_id: int, event_date: int = 0) -> bool: ...

    async def settle(self, session: Any) -> None: ...


class UserLookup(Protocol):
    async def by_telegram_id(self, session: Any, telegram_id: int) -> Any: ...


class UpdateOnce(BaseMiddleware):
    """Just inside the session: an update whose id was already taken, by this worker or
    another, is not handled again (Telegram delivers one again after a slow or failed
    webhook answer, or to a polling bot that restarted before confirming it; SPEC §6)."""

    def __init__(self, ledger: UpdateLedger) -> None:
        self.ledger = ledger

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session = data["session"]
        if not await self.ledger.claim(session, event.update_id, event_date(event)):
            log.info("update %s was delivered again: already handled, skipped", event.update_id)
            return UNHANDLED
        try:
            return await handler(event, data)
        finally:
            await self.ledger.settle(session)


def event_date(update: Update) -> int:
    """When the update's event happened (Unix seconds; 0 if it has no date): a message's
    date; for a tap, the date of the message tapped."""
    try:
        inner: object = update.event
    except UpdateTypeLookupError:  # a kind this aiogram does not know: aiogram skips it anyway
        return 0
    if isinstance(inner, CallbackQuery):
        inner = inner.message
    date = getattr(inner, "date", None)
    return int(date.timestamp()) if date is not None else 0


class DbSessionMiddleware(BaseMiddleware):
    """Outermost: opens the update's session; services commit their own unit of work. The
    conversation state is read through it (bot/fsm_storage.py `update_session`)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with data["sessionmaker"]() as session:
            data["session"] = session
            token = update_session.set(session)
            try:
                return await handler(event, data)
            finally:
                update_session.reset(token)


class Inject(BaseMiddleware):
    """The one way services reach handlers: after a handler matched, each parameter it
    names that is a service (bot/services/provider.py) is handed over, built on first use
    from the update's session, clock, campaign and settings. A handler asks for only what
    it uses, so a tap builds one service, not twenty."""

    def __init__(self, extras: dict[str, Any] | None = None) -> None:
        self.extras = extras or {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        wanted = data["handler"].params & PROVIDED
        if wanted:
            services = data.get("services")
            if services is None:
                services = data["services"] = Services(
                    data["session"], data["clock"], data["campaign"], data["settings"], self.extras
                )
            for name in wanted:
                if name not in data:
                    data[name] = getattr(services, name)
        return await handler(event, data)


class UserMiddleware(BaseMiddleware):
    """Loads the registered user (or None) and sets the language for the update. `users`:
    how, chosen once at start (storage/repositories.py `UserLookup`)."""

    def __init__(self, users: UserLookup) -> None:
        self.users = users

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        user: Person | None = None
        if tg_user is not None:
            user = await self.users.by_telegram_id(data["session"], tg_user.id)
        data["user"] = user
        locale = user.locale if user else normalize(tg_user.language_code if tg_user else None)
        data["locale"] = locale
        with use_locale(locale):
            return await handler(event, data)


class RoleGate(BaseMiddleware):
    """Runs after a handler matched: refuses unregistered users and roles without the right.

    A refusal gets a clear reply in the user's language and an audit entry (SPEC §2).
    """

    def __init__(self, action: Action, *, onboarded: bool = True) -> None:
        self.action = action
        # False: someone who consented but has not finished setting up passes too (their
        # data rights, /mydata and /forget, start with the consent).
        self.onboarded = onboarded

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: Person | None = data.get("user")
        if (
            user is not None
            and (user.onboarded_at is not None or not self.onboarded)
            and allowed(user.role, self.action)
        ):
            return await handler(event, data)
        tg_user: TgUser | None = data.get("event_from_user")
        actor = tg_user.id if tg_user else None
        registered = user is not None and user.onboarded_at is not None
        if registered:
            text = access_denied_text()
        else:  # halfway through setting up, they have the link already: /start goes on
            text = finish_setup_text() if user is not None else not_registered_text()
        if registered:
            await AuditService(data["session"], data["clock"]).refused(
                actor, self.action.value, detail=f"role={user.role if user else None}"
            )
        else:
            log.info("refused %s for unregistered %s", self.action.value, person_ref(actor))
        if isinstance(event, CallbackQuery):
            answer: CallbackAnswer = data["callback_answer"]
            if not answer.answered:
                answer.text, answer.show_alert = text[:200], True
            elif isinstance(event.message, Message):  # a handler answered first (flag "pre")
                await event.message.answer(text)
        elif isinstance(event, Message):
            await event.answer(text)
        return None


class CallbackErrors(BaseMiddleware):
    """Inside the callback answerer: a refused tap becomes the answer's alert, in the
    user's language, so the person sees why (the query can be answered only once)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        answer: CallbackAnswer | None = data.get("callback_answer")
        try:
            return await handler(event, data)
        except DomainError as exc:
            log.info("refused tap: %s", exc)
            if answer is not None and not answer.answered:
                answer.text, answer.show_alert = error_text(exc)[:200], True
            return None
        except Exception:
            if answer is not None and not answer.answered:
                answer.text = _(
                    "Sorry, something went wrong on our side. What you entered before is kept; "
                    "please try again in a moment."
                )[:200]
                answer.show_alert = True
            raise

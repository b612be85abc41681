"""One errors router: domain errors get a clear reply in the user's language; the rest are
logged with context and get an apology. Nothing already stored is lost either way."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.channels.telegram.render import reply
from bot.i18n import use_locale
from bot.services.errors import DomainError
from bot.views.common import unexpected_error_screen
from bot.views.screen import Screen
from bot.views.texts import error_text

log = logging.getLogger(__name__)


async def _reply(event: ErrorEvent, screen: Screen) -> None:
    update = event.update
    try:
        if update.message is not None:
            await reply(update.message, screen)
        # A callback query was already answered with the alert (CallbackErrors).
    except Exception:  # noqa: BLE001 - the reply itself may fail (blocked user, network)
        log.warning("could not deliver the error reply for update %s", update.update_id)


async def domain_error(event: ErrorEvent, locale: str | None = None) -> None:
    exc = event.exception
    assert isinstance(exc, DomainError)
    log.info("update %s: %s", event.update.update_id, exc)
    with use_locale(locale):
        await _reply(event, Screen(error_text(exc)))


async def unexpected_error(event: ErrorEvent, locale: str | None = None) -> None:
    log.error("update %s failed: %r", event.update.update_id, event.exception, exc_info=event.exception)
    with use_locale(locale):
        await _reply(event, unexpected_error_screen())


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="errors")
    router.errors.register(domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(unexpected_error)
    return router

"""Translations through Babel, without aiogram, so services and scheduler jobs can use them.

Handlers, jobs and renderers call `_()`/`ngettext()`; the locale comes from a context
variable set per update (middleware) or per recipient (`use_locale`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import LazyProxy, NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"

_current: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def set_default_locale(locale: str) -> None:
    global DEFAULT_LOCALE
    DEFAULT_LOCALE = normalize(locale)
    _current.set(DEFAULT_LOCALE)


def normalize(locale: str | None) -> str:
    """Map a Telegram language_code ('en-US', 'vi') to one we support, else the default."""
    if not locale:
        return DEFAULT_LOCALE
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


@cache
def translations(locale: str) -> NullTranslations:
    mo = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.exists():
        raise RuntimeError(f"catalog {mo} is not compiled: run `pybabel compile -d locales` (make test does)")
    return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)


def current_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    token = _current.set(normalize(locale))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def lazy_gettext(message: str) -> LazyProxy:
    return LazyProxy(gettext, message, enable_cache=False)


def N_(message: str) -> str:
    """Mark for extraction only; translate later with _()."""
    return message


_ = gettext
__ = lazy_gettext

"""Typed settings, read once from the environment or `.env` (SPEC §4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
SUPPORTED_LOCALES = ("vi", "en")
# What is checked, and said when it fails: the bot's number, a colon, then its secret.
_TOKEN_RE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
TOKEN_SHAPE = "<the bot's number, 3 or more digits>:<20 or more letters, digits, - or _>"
# A Zalo bot's token, as the Zalo Bot Creator gives it: its number, a colon, its secret.
_ZALO_TOKEN_RE = re.compile(r"^\d{3,}:[!-~]{8,}$")
ZALO_TOKEN_SHAPE = "<the bot's number>:<its secret, 8 or more characters without spaces>"
ZALO_API_URL = "https://bot-api.zaloplatforms.com"


class ConfigError(Exception):
    """Bad configuration: the message is one line, fit for the console."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DB_URL
    redis_url: str | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    campaign_file: Path | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    send_rate: float = 25.0
    bot_username: str | None = None
    # Organisation names are configuration: the ministry has been reorganised since 2019.
    ministry_name: str = "Bộ Nông nghiệp và Môi trường"
    standing_agency: str = "Vụ Thi đua, Khen thưởng và Tuyên truyền"
    log_level: str = "INFO"
    # Zalo, the second channel (issue 16): served beside Telegram when its token is set.
    zalo_bot_token: SecretStr | None = None
    zalo_api_url: str = ZALO_API_URL
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    # Zalo publishes no rate limits for bots: the outbox keeps well below what a person could
    # be sent, overall and (as on Telegram) one a second per chat.
    zalo_send_rate: float = 5.0
    # The bot's public address (https://bot.example.gov.vn), when its web server is reachable:
    # Zalo is sent pictures and files as links to it.
    public_url: str | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            for p in parts:
                if not p.lstrip("-").isdigit():
                    raise ValueError(f"'{p}' is not a Telegram user id (a whole number)")
            return [int(p) for p in parts]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("send_rate")
    @classmethod
    def _rate(cls, value: float) -> float:
        if not 0 < value <= 30:
            raise ValueError("must be above 0 and at most 30 messages per second")
        return value

    @field_validator("zalo_send_rate")
    @classmethod
    def _zalo_rate(cls, value: float) -> float:
        if not 0 < value <= 30:
            raise ValueError("must be above 0 and at most 30 messages per second")
        return value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if not 8 <= len(secret) <= 256 or not all("!" <= c <= "~" for c in secret):
            raise ValueError("must have 8 to 256 characters, letters, digits or punctuation without spaces")
        return value

    @field_validator("zalo_webhook_url", "public_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://") and not value.startswith("sqlite+aiosqlite://"):
            value = "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def token(self) -> str:
        """The bot token, checked: raises ConfigError with a one-line reason."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(
                "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then put "
                "BOT_TOKEN=<token> in .env or the environment; to try the bot without Telegram, "
                "run `python -m bot sandbox`."
            )
        value = self.bot_token.get_secret_value().strip()
        if not _TOKEN_RE.match(value):
            raise ConfigError(
                f"BOT_TOKEN is malformed: expected {TOKEN_SHAPE}, as @BotFather gives it (e.g. 123456789:AAH…)."
            )
        return value

    @property
    def public_base(self) -> str | None:
        """PUBLIC_URL without a trailing slash (links are made by appending a path)."""
        return self.public_url.rstrip("/") if self.public_url else None

    @property
    def has_telegram(self) -> bool:
        return self.bot_token is not None and bool(self.bot_token.get_secret_value().strip())

    @property
    def has_zalo(self) -> bool:
        return self.zalo_bot_token is not None and bool(self.zalo_bot_token.get_secret_value().strip())

    def zalo_token(self) -> str:
        """The Zalo bot's token, checked: raises ConfigError with a one-line reason."""
        if not self.has_zalo:
            raise ConfigError(
                "ZALO_BOT_TOKEN is not set. Create a bot with the Zalo Bot Creator "
                "(https://zalo.me/s/botcreator/), then put ZALO_BOT_TOKEN=<token> in .env or the environment."
            )
        assert self.zalo_bot_token is not None
        value = self.zalo_bot_token.get_secret_value().strip()
        if not _ZALO_TOKEN_RE.match(value):
            raise ConfigError(
                f"ZALO_BOT_TOKEN is malformed: expected {ZALO_TOKEN_SHAPE}, as the Zalo Bot Creator gives it."
            )
        return value

    def zalo_webhook(self) -> tuple[str, str] | None:
        """Zalo's webhook URL and secret when Zalo posts its events to the bot (None: the bot
        polls Zalo); ConfigError when the URL is set without its secret."""
        if not self.zalo_webhook_url:
            return None
        if self.zalo_webhook_secret is None:
            raise ConfigError(
                "ZALO_WEBHOOK_SECRET is not set: 8 to 256 characters Zalo sends back with each event "
                "(X-Bot-Api-Secret-Token), required with ZALO_WEBHOOK_URL."
            )
        return self.zalo_webhook_url, self.zalo_webhook_secret.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings once; a bad value becomes a one-line ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {msg}") from None

"""Shared fixtures: databases (SQLite always; PostgreSQL and Redis on loopback), a clock.

Under CI=true, PostgreSQL and Redis must be reachable: their tests fail instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.clock import FixedClock
from storage.db import make_engine, make_sessionmaker, upgrade

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} at {host}:{port} is unreachable"
    if IN_CI:
        pytest.fail(message + " (CI=true requires it)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _default_locale() -> None:
    i18n.set_default_locale("vi")


@pytest.fixture
def clock() -> FixedClock:
    # A Wednesday morning in Hà Nội.
    return FixedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test copies the file (fast, and every test starts clean)."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "template.db"

    async def _make() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(_make())
    return path


async def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    db = tmp_path / "bot.db"
    shutil.copy(sqlite_template, db)
    return f"sqlite+aiosqlite:///{db}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: the test runs once on SQLite and once on PostgreSQL."""
    return await fresh_database(request.param, tmp_path, sqlite_template)


async def fresh_database(kind: str, tmp_path: Path, sqlite_template: Path) -> str:
    """The URL of a migrated, empty database: "sqlite" (a file) or "postgres"."""
    if kind == "sqlite":
        db = tmp_path / "bot.db"
        shutil.copy(sqlite_template, db)
        return f"sqlite+aiosqlite:///{db}"
    require_service("PostgreSQL", "127.0.0.1", 5432)
    await _reset_postgres(PG_URL)
    engine = make_engine(PG_URL)
    await upgrade(engine)
    await engine.dispose()
    return PG_URL


@pytest.fixture
async def sessionmaker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as s:
        yield s


@pytest.fixture
def redis_url() -> str:
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL

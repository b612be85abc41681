"""Engine, session factory and schema migrations (Alembic)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_only
from sqlmodel.ext.asyncio.session import AsyncSession

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message is one line."""


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    engine = create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, connect_args={"timeout": 10})

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _ping(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        """A pooled connection is tried before use, as `pool_pre_ping` does, in one round
        trip: the ping opens the transaction the session then uses. pool_pre_ping pings
        in a transaction of its own (BEGIN, ping, ROLLBACK) and the session then sends
        its own BEGIN: four round trips per checkout, a third of a check-in tap's
        (bench/RESULTS.md, P1 on PostgreSQL). On asyncpg the ping is the BEGIN itself.
        A dead connection is replaced, as before."""
        try:
            if (
                getattr(dbapi_conn, "_transaction", True) is None
                and hasattr(dbapi_conn, "_start_transaction")  # the adapter as of SQLAlchemy 2.0
                and dbapi_conn.isolation_level != "autocommit"
            ):
                # The asyncpg adapter's own BEGIN is the ping: one round trip, and the
                # transaction it opens is the one the session (and storage/pg.py) then uses.
                await_only(dbapi_conn._start_transaction())
            else:
                cursor = dbapi_conn.cursor()
                try:
                    cursor.execute(";")
                finally:
                    cursor.close()
        except Exception as exc:  # noqa: BLE001 - the pool tries a new connection
            raise DisconnectionError() from exc

    return engine


def dialect_insert(session: AsyncSession) -> Any:
    """The INSERT construct of the session's database (with ON CONFLICT). Only that
    dialect's module is loaded: PostgreSQL's costs a tenth of a second at start on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def alembic_config(url: str | None = None):  # noqa: ANN201 - alembic.config.Config
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def script_heads() -> set[str]:
    """The newest revisions, read from the migration files themselves (no Alembic import:
    it costs 12 MB and a few tenths of a second at every start)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision: str = ['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision: [^=]+= (.+)$", source, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def _current(conn: Connection) -> set[str]:
    try:
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 - no table yet: a new database
        conn.rollback()
        return set()


def _upgrade(conn: Connection) -> None:
    # Alembic names each of its plugins at INFO as it loads ("setup plugin …"): noise in
    # the bot's log. Its "Running upgrade …" lines stay.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from alembic import command

    if conn.dialect.name == "postgresql":
        # Several workers may start at once: one migrates, the others wait for it.
        conn.execute(text("SELECT pg_advisory_xact_lock(24972020)"))
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "heads")  # features may add parallel branches


async def ping(engine: AsyncEngine) -> None:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any driver error means "unreachable"
        raise DatabaseUnavailable(
            f"database {engine.url.render_as_string(hide_password=True)} is unreachable: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from None


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration (run at start and by `migrate`)."""
    await ping(engine)
    async with engine.connect() as conn:
        if await conn.run_sync(_current) == script_heads():
            return  # already at the newest schema: Alembic is not even loaded
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)

"""Migrations and the persistent FSM storage, on SQLite and PostgreSQL (and Redis)."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import inspect

from bot.fsm_storage import SqlStorage
from storage.db import make_engine, upgrade
from storage.models import FsmRecord

TABLES = {"units", "users", "invitations", "consents", "fsm_states", "audit_log", "alembic_version"}


async def test_migrations_create_every_table_and_are_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    await upgrade(engine)  # a second upgrade at start is a no-op
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        user_cols = await conn.run_sync(lambda c: {x["name"] for x in inspect(c).get_columns("users")})
    await engine.dispose()
    assert names >= TABLES
    assert {"telegram_id", "unit_id", "role", "locale", "checkin_weekday", "paused_until"} <= user_cols


async def test_fsm_state_survives_a_new_storage_object(sessionmaker, clock) -> None:  # noqa: ANN001
    key = StorageKey(bot_id=1, chat_id=10, user_id=10)
    first = SqlStorage(sessionmaker, clock)
    await first.set_state(key, "Checkin:question")
    await first.update_data(key, {"step": 3, "note": "Tốt"})
    second = SqlStorage(sessionmaker, clock)  # as after a restart
    assert await second.get_state(key) == "Checkin:question"
    assert await second.get_data(key) == {"step": 3, "note": "Tốt"}
    await second.set_state(key, None)
    await second.set_data(key, {})
    async with sessionmaker() as s:
        assert await s.get(FsmRecord, first.key_builder.build(key)) is None
    assert await second.get_state(key) is None


async def test_redis_fsm_storage_round_trip(redis_url: str) -> None:
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(redis_url)
    key = StorageKey(bot_id=1, chat_id=11, user_id=11)
    try:
        await storage.set_state(key, "Onboarding:full_name")
        await storage.set_data(key, {"a": 1})
        assert await storage.get_state(key) == "Onboarding:full_name"
        assert await storage.get_data(key) == {"a": 1}
        await storage.set_state(key, None)
        await storage.set_data(key, {})
    finally:
        await storage.close()

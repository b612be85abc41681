"""Migration 0008_zalo on SQLite and PostgreSQL (issue 16): a person's Zalo id (one identity,
one channel), invitations' short codes (given to the invitations made before it too), and the
outbox's channel per row; the tables match their models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.delivery import DeliveryService, Outgoing
from bot.services.errors import InviteRefused
from bot.services.invites import CODE_ALPHABET, CODE_LENGTH, InviteService, normalize_code
from storage.db import alembic_config, make_engine
from storage.delivery import OutboxMessage
from storage.models import Role, Unit, User
from tests.conftest import PG_URL, _reset_postgres, require_service
from tests.storage.schema_drift import drift_and_index

MINE = {"users", "invitations", "outbox", "published_files"}


async def test_the_tables_match_their_models(db_url: str) -> None:
    diffs, found = await drift_and_index(db_url, MINE, "ix_users_zalo_id")
    assert diffs == []
    assert "UNIQUE" in found.upper() and "zalo_id" in found


async def test_a_zalo_id_belongs_to_one_person(session: AsyncSession, clock) -> None:  # noqa: ANN001
    session.add(User(zalo_id="e4ea2cd5189df1c3a88c", full_name="Lan", created_at=clock.now()))
    await session.commit()
    session.add(User(zalo_id="e4ea2cd5189df1c3a88c", full_name="Lan again", created_at=clock.now()))
    with pytest.raises(IntegrityError):
        await session.commit()


async def test_invitations_get_a_short_code_that_finds_them(session: AsyncSession, clock) -> None:  # noqa: ANN001
    session.add(Unit(code="VP", name="Văn phòng", created_at=clock.now()))
    await session.commit()
    service = InviteService(session, clock)
    inv = await service.create("VP", Role.employee, valid_days=3)
    assert inv.code is not None and len(inv.code) == CODE_LENGTH
    assert set(inv.code) <= set(CODE_ALPHABET) and not set(inv.code) & set("0O1IL")
    # As a person types it: lower case, a space or a dash in the middle.
    typed = f" {inv.code[:4].lower()}-{inv.code[4:]} "
    assert normalize_code(typed) == inv.code
    assert (await service.check_code(typed)).id == inv.id
    with pytest.raises(InviteRefused) as unknown:
        await service.check_code("ABCDEFGH" if inv.code != "ABCDEFGH" else "HGFEDCBA")
    assert unknown.value.code == "invite_unknown"
    with pytest.raises(InviteRefused) as malformed:
        await service.check_code("0000")
    assert malformed.value.code == "invite_unknown"
    await service.revoke(inv.token)
    with pytest.raises(InviteRefused) as revoked:
        await service.check_code(inv.code)
    assert revoked.value.code == "invite_revoked"


async def test_outbox_rows_go_to_the_recipients_channel(session: AsyncSession, clock) -> None:  # noqa: ANN001
    tg = User(telegram_id=1001, full_name="Telegram", created_at=clock.now())
    zl = User(zalo_id="zalo-lan", full_name="Zalo", created_at=clock.now())
    session.add_all([tg, zl])
    await session.commit()
    body = {"method": "sendMessage", "text": "Xin chào"}
    queued = await DeliveryService(session, clock).enqueue(
        [
            Outgoing("a:tg", "a", tg.telegram_id, body, tg.id),
            Outgoing("a:zl", "a", zl.telegram_id, body, zl.id),  # no Telegram id: their channel is Zalo
        ]
    )
    assert queued == 2
    rows = {
        r.key: r for r in (await session.exec(text("SELECT key, channel, chat_id, zalo_chat_id FROM outbox"))).all()
    }  # type: ignore[call-overload]
    assert tuple(rows["a:tg"])[1:] == ("telegram", 1001, None)
    assert tuple(rows["a:zl"])[1:] == ("zalo", None, "zalo-lan")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_invitations_made_before_the_migration_get_codes(kind: str, tmp_path: Path) -> None:
    from alembic import command

    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        require_service("PostgreSQL", "127.0.0.1", 5432)
        await _reset_postgres(PG_URL)
        url = PG_URL
    engine = make_engine(url)

    def to(revision: str):  # noqa: ANN202
        def run(conn) -> None:  # noqa: ANN001
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

        return run

    async with engine.begin() as conn:
        await conn.run_sync(to("0007_one_head"))
        now = datetime(2026, 11, 30, tzinfo=UTC)
        for n in range(3):
            await conn.execute(
                text(
                    "INSERT INTO invitations (token, role, uses, created_at, expires_at) "
                    "VALUES (:t, 'employee', 0, :now, :exp)"
                ),
                {"t": f"old-token-{n}-xxxxxxxx", "now": now, "exp": now + timedelta(days=5)},
            )
    async with engine.begin() as conn:
        await conn.run_sync(to("heads"))
        codes = [row[0] for row in await conn.execute(text("SELECT code FROM invitations ORDER BY id"))]
    await engine.dispose()
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(normalize_code(c) == c for c in codes)


async def test_outbox_model_accepts_a_zalo_row(sessionmaker: async_sessionmaker[AsyncSession], clock) -> None:  # noqa: ANN001
    async with sessionmaker() as session:
        session.add(
            OutboxMessage(
                key="k",
                kind="x",
                channel="zalo",
                zalo_chat_id="abc",
                payload="{}",
                not_before=clock.now(),
                created_at=clock.now(),
            )
        )
        await session.commit()
        row = (await session.exec(text("SELECT channel, chat_id FROM outbox"))).one()  # type: ignore[call-overload]
        assert tuple(row) == ("zalo", None)

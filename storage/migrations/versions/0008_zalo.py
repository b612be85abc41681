"""Zalo, the second channel (issue 16): a person's Zalo id, invitations' short codes, the
outbox's channel per row

Revision ID: 0008_zalo
Revises: 0007_one_head
Create Date: 2026-12-02 01:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_zalo"
down_revision: str | tuple[str, ...] | None = "0007_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As bot.services.invites.CODE_ALPHABET (a migration keeps its own copy): no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zalo_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_zalo_id"), ["zalo_id"], unique=True)

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_invitations_code"), ["code"], unique=True)

    # The invitations made before this migration get a code too, so they work on Zalo.
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM invitations WHERE code IS NULL"))]
    used: set[str] = set()
    for inv_id in ids:
        while (code := "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))) in used:
            pass
        used.add(code)
        conn.execute(sa.text("UPDATE invitations SET code = :code WHERE id = :id"), {"code": code, "id": inv_id})

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), server_default="telegram", nullable=False))
        batch_op.add_column(sa.Column("zalo_chat_id", sa.String(length=64), nullable=True))
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=True)
        batch_op.create_index(batch_op.f("ix_outbox_zalo_chat_id"), ["zalo_chat_id"], unique=False)


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM outbox WHERE chat_id IS NULL"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_zalo_chat_id"))
        batch_op.alter_column("chat_id", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("zalo_chat_id")
        batch_op.drop_column("channel")

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_code"))
        batch_op.drop_column("code")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_zalo_id"))
        batch_op.drop_column("zalo_id")

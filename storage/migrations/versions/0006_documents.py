"""documents: a unit's document code and place (Decree 30/2020), and who is not eligible
for commendation, with the reason (Decree 98/2023, Art. 4)

Revision ID: 0006_documents
Revises: 0005_pause_range
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_documents"
down_revision: str | tuple[str, ...] | None = "0005_pause_range"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doc_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_table(
        "ineligibilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("lifted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("(user_id IS NULL) <> (unit_id IS NULL)", name="ck_ineligibilities_one_subject"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.ForeignKeyConstraint(["set_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["lifted_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ineligibilities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ineligibilities_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ineligibilities_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ineligibilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ineligibilities_unit_id"))
        batch_op.drop_index(batch_op.f("ix_ineligibilities_user_id"))
    op.drop_table("ineligibilities")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("place")
        batch_op.drop_column("doc_code")

"""award rounds and nominations (plan §IV.2: at most 2 per unit per round, held by a
unique index over the live nominations' slots)

Revision ID: 0004_awards
Revises: 0002
Create Date: 2026-11-24 07:11:38.156283
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004_awards'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('nomination_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_vi', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('max_per_unit', sa.Integer(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('nominee', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('achievement', sa.Text(), nullable=False),
    sa.Column('nominated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('withdrawn_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('slot >= 1', name='ck_nominations_slot'),
    sa.ForeignKeyConstraint(['nominated_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['withdrawn_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominations_nominated_by'), ['nominated_by'], unique=False)
        batch_op.create_index('ix_nominations_round_unit', ['round_key', 'unit_id'], unique=False)
        batch_op.create_index('uq_nominations_live_slot', ['round_key', 'unit_id', 'slot'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('nominations', schema=None) as batch_op:
        batch_op.drop_index('uq_nominations_live_slot', sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index('ix_nominations_round_unit')
        batch_op.drop_index(batch_op.f('ix_nominations_nominated_by'))

    op.drop_table('nominations')
    op.drop_table('nomination_rounds')

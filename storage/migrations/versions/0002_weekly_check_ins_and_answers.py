"""weekly check-ins and answers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 06:28:41.712443
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('skip_reason', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('reflection', sa.Text(), nullable=True),
    sa.Column('example_note', sa.Text(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'week', name='uq_checkins_user_week')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_unit_week', ['unit_id', 'week'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_user_id'), ['user_id'], unique=False)

    op.create_table('checkin_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('sub_items', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('checkin_id', 'criterion', name='uq_answers_checkin_criterion')
    )
    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_answers_checkin_id'), ['checkin_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_answers_checkin_id'))

    op.drop_table('checkin_answers')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_user_id'))
        batch_op.drop_index('ix_checkins_unit_week')

    op.drop_table('checkins')
    

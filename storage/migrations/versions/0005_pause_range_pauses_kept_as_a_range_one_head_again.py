"""pauses kept as a range; one head again

Revision ID: 0005_pause_range
Revises: 0004_awards
Create Date: 2026-11-24 07:47:37.346237
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005_pause_range'
down_revision: str | tuple[str, ...] | None = ('0003_examples', '0003_delivery', '0004_awards')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_from', sa.Date(), nullable=True))

    


def downgrade() -> None:
    
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('paused_from')

    

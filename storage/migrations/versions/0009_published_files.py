"""published files: pictures and files given to Zalo people as signed links (issue 16.4)

Revision ID: 0009_published_files
Revises: 0008_zalo
Create Date: 2026-12-02 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009_published_files'
down_revision: str | tuple[str, ...] | None = '0008_zalo'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'published_files',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('published_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_files_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('published_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_files_expires_at'))
    op.drop_table('published_files')

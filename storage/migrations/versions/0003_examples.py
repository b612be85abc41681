"""good examples, their photos and notes

Revision ID: 0003_examples
Revises: 0002
Create Date: 2026-11-24 06:40:39.034618
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003_examples'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('good_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submitter_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('previewed', sa.Boolean(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('subject', sa.String(length=16), nullable=True),
    sa.Column('subject_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('story', sa.Text(), nullable=True),
    sa.Column('consent_names', sa.Boolean(), nullable=True),
    sa.Column('tags', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('published_url', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['submitter_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('good_examples', schema=None) as batch_op:
        batch_op.create_index('ix_good_examples_status_decided', ['status', 'decided_at'], unique=False)
        batch_op.create_index('ix_good_examples_status_submitted', ['status', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_good_examples_submitter_id'), ['submitter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_good_examples_unit_id'), ['unit_id'], unique=False)

    op.create_table('example_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['example_id'], ['good_examples.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('example_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_example_notes_example_id'), ['example_id'], unique=False)

    op.create_table('example_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sent_file_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['good_examples.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('example_id', 'source_id', name='uq_example_photos_source')
    )
    with op.batch_alter_table('example_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_example_photos_example_id'), ['example_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('example_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_example_photos_example_id'))

    op.drop_table('example_photos')
    with op.batch_alter_table('example_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_example_notes_example_id'))

    op.drop_table('example_notes')
    with op.batch_alter_table('good_examples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_good_examples_unit_id'))
        batch_op.drop_index(batch_op.f('ix_good_examples_submitter_id'))
        batch_op.drop_index('ix_good_examples_status_submitted')
        batch_op.drop_index('ix_good_examples_status_decided')

    op.drop_table('good_examples')

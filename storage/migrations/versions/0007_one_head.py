"""one head again: processed updates, documents and eligibility, the yearly cycle

Revision ID: 0007_one_head
Revises: 0006_processed_updates, 0006_documents, 0006_yearly_cycle
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

revision: str = '0007_one_head'
down_revision: str | tuple[str, ...] | None = ('0006_processed_updates', '0006_documents', '0006_yearly_cycle')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

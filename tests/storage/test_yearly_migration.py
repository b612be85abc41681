"""Migration 0006_yearly_cycle on SQLite and PostgreSQL: the tables match the models, and
"one live report submission per unit and year" is held by a partial unique index."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.awards  # noqa: F401
import storage.delivery  # noqa: F401
import storage.examples  # noqa: F401
import storage.models  # noqa: F401
import storage.yearly  # noqa: F401
from storage.db import make_engine

MINE = {"unit_assessments", "assessment_items", "assessment_evidence", "report_submissions", "unit_emulation_officers"}


def _touches_mine(diff: object) -> bool:
    """compare_metadata's items: ("add_table", Table), ("remove_index", Index), or for a
    column a list of ("modify_type", schema, table name, column name, ...)."""
    for op in diff if isinstance(diff, list) else [diff]:
        for item in op:
            if item in MINE or getattr(item, "name", None) in MINE or getattr(getattr(item, "table", None), "name", None) in MINE:
                return True
    return False


async def test_the_yearly_tables_match_their_models(db_url: str) -> None:
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        diffs = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata))
        if conn.dialect.name == "postgresql":
            found = (await conn.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_report_submissions_live'"))).scalar_one()
        else:
            found = (await conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE name = 'uq_report_submissions_live'"))).scalar_one()
    await engine.dispose()
    assert [d for d in diffs if _touches_mine(d)] == []
    assert "UNIQUE" in found.upper() and "unit_id" in found and "year" in found
    assert "superseded_at IS NULL" in found.replace("(", "").replace(")", "")

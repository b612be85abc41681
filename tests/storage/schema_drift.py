"""What a migration test asks of a migrated database: do some tables differ from their models
(Alembic's compare_metadata), and how is one index defined."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.awards  # noqa: F401  (every table in SQLModel.metadata)
import storage.delivery  # noqa: F401
import storage.examples  # noqa: F401
import storage.models  # noqa: F401
import storage.yearly  # noqa: F401
from storage.db import make_engine


def _touches(diff: object, tables: set[str]) -> bool:
    """compare_metadata's items: ("add_table", Table), ("remove_index", Index), or for a
    column a list of ("modify_type", schema, table name, column name, ...)."""
    for op in diff if isinstance(diff, list) else [diff]:
        for item in op:
            if (
                item in tables
                or getattr(item, "name", None) in tables
                or getattr(getattr(item, "table", None), "name", None) in tables
            ):
                return True
    return False


async def drift_and_index(db_url: str, tables: set[str], index: str) -> tuple[list[object], str]:
    """The differences between `tables` and their models, and the SQL that defines `index`."""
    engine = make_engine(db_url)
    async with engine.connect() as conn:
        diffs = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), SQLModel.metadata)
        )
        if conn.dialect.name == "postgresql":
            query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        else:
            query = "SELECT sql FROM sqlite_master WHERE name = :name"
        found = (await conn.execute(text(query), {"name": index})).scalar_one()
    await engine.dispose()
    return [d for d in diffs if _touches(d, tables)], found

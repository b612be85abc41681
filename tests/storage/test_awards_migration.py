"""Migration 0004_awards on SQLite and PostgreSQL: the tables match the models, and the
§IV.2 quota's unique index covers only the live (not withdrawn) nominations."""

from __future__ import annotations

from tests.storage.schema_drift import drift_and_index

MINE = {"nominations", "nomination_rounds"}


async def test_the_awards_tables_match_their_models(db_url: str) -> None:
    diffs, found = await drift_and_index(db_url, MINE, "uq_nominations_live_slot")
    assert diffs == []
    assert "UNIQUE" in found.upper() and "round_key" in found and "slot" in found
    assert "withdrawn_at IS NULL" in found.replace("(", "").replace(")", "")

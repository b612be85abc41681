"""Migration 0006_yearly_cycle on SQLite and PostgreSQL: the tables match the models, and
"one live report submission per unit and year" is held by a partial unique index."""

from __future__ import annotations

from tests.storage.schema_drift import drift_and_index

MINE = {"unit_assessments", "assessment_items", "assessment_evidence", "report_submissions", "unit_emulation_officers"}


async def test_the_yearly_tables_match_their_models(db_url: str) -> None:
    diffs, found = await drift_and_index(db_url, MINE, "uq_report_submissions_live")
    assert diffs == []
    assert "UNIQUE" in found.upper() and "unit_id" in found and "year" in found
    assert "superseded_at IS NULL" in found.replace("(", "").replace(")", "")

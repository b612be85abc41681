"""A pooled PostgreSQL connection the server has dropped (a restart, an idle timeout) is
replaced before use: the update goes on as if nothing happened (storage/db.py's ping)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import make_engine, make_sessionmaker
from tests.conftest import PG_URL


@pytest.mark.postgres
async def test_a_dropped_pooled_connection_is_replaced_before_use() -> None:
    engine = make_engine(PG_URL)
    sm = make_sessionmaker(engine)
    try:
        async with sm() as s:
            pid = (await s.exec(text("SELECT pg_backend_pid()"))).scalar_one()  # type: ignore[call-overload]
        async with make_engine(PG_URL).connect() as other:  # the server drops the pooled one
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        async with sm() as s:
            res = await s.exec(text("SELECT pg_backend_pid(), 1"))  # type: ignore[call-overload]
            new_pid, one = res.one()
        assert one == 1 and new_pid != pid
    finally:
        await engine.dispose()

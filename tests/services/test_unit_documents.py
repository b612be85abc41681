"""A unit's document code and place (Decree 30/2020): set by an administrator or the CLI,
checked, and used in its reports' number and date lines."""

from __future__ import annotations

import pytest

from bot.services.errors import InvalidInput, NotFound
from bot.services.units import UnitService
from tests.services.seed import unit


async def test_document_code_and_place(session, clock) -> None:  # noqa: ANN001
    await unit(session, clock, "STNMT-HN")
    svc = UnitService(session, clock)
    u = await svc.set_document("stnmt-hn", "stnmt", "  Hà   Nội ")
    assert (u.doc_code, u.place) == ("STNMT", "Hà Nội")
    u = await svc.set_document("STNMT-HN", "SNNMT")  # the place is kept when not given
    assert (u.doc_code, u.place) == ("SNNMT", "Hà Nội")
    for bad in ("BC/STNMT", "", "X" * 21, "ST NMT"):
        with pytest.raises(InvalidInput) as err:
            await svc.set_document("STNMT-HN", bad)
        assert err.value.code == "doc_code"
    with pytest.raises(InvalidInput):
        await svc.set_document("STNMT-HN", "STNMT", "x" * 65)
    with pytest.raises(NotFound):
        await svc.set_document("NONE", "STNMT")
    again = await svc.get_by_code("STNMT-HN")
    assert (again.doc_code, again.place) == ("SNNMT", "Hà Nội")  # nothing stored by the refusals

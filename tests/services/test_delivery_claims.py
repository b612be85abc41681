"""The outbox hands each row to one sender (FOR UPDATE SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import asyncio

from bot.services.delivery import DeliveryService, Outgoing


async def test_concurrent_claims_never_share_a_row(sessionmaker, clock, db_url) -> None:  # noqa: ANN001
    async with sessionmaker() as s:
        new = await DeliveryService(s, clock).enqueue(
            [Outgoing(f"t:{n}", "t", 1000 + n, {"method": "sendMessage", "text": "x"}) for n in range(60)]
        )
        again = await DeliveryService(s, clock).enqueue(
            [Outgoing("t:0", "t", 1000, {"method": "sendMessage", "text": "y"})]
        )
    assert (new, again) == (60, 0)  # the same key twice is one row

    async def claim() -> list[int]:
        taken: list[int] = []
        async with sessionmaker() as s:
            svc = DeliveryService(s, clock)
            while rows := await svc.claim(7):
                taken += [r.id for r in rows]
                await asyncio.sleep(0)
        return taken

    if db_url.startswith("sqlite"):
        # SQLite has one sender (the scheduler's leader); claims there are sequential.
        results = [await claim()]
    else:
        results = await asyncio.gather(claim(), claim(), claim())
    every = [i for r in results for i in r]
    assert len(every) == 60 and len(set(every)) == 60

"""P1: check-in button presses through the whole bot, beside a bare aiogram bot.

Both bots run in their own process against the same fake Bot API server (in this
process, on loopback); the full bot runs once on a SQLite file database and once on
PostgreSQL (asyncpg, the same driver, one bot process), each beside the same bare bot. Each press is a real
callback query; it counts as handled when the bot has answered it (the full bot answers
after its edit, through CallbackAnswerMiddleware; the bare bot edits and answers).

- throughput: CONCURRENCY people press their seven "Tốt" one after the other, as fast
  as the bot answers (closed loop); updates per second;
- latency: presses arrive at RATE per second (open loop), spread over many people;
  p50 and p99 of press → answer.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import TOKEN, percentile, spawn, stop
from emulator import TelegramEmulator

GROUPS = 7
CONCURRENCY = 32
RATE = 200
OPEN_BATCH = 16
LATENCY_SECONDS = 10  # the open loop lasts about this long


@dataclass
class P1Run:
    mode: str
    throughput: float  # updates per second
    p50_ms: float
    p99_ms: float
    presses: int
    rate: float = RATE  # of the open loop (p50, p99)


def current_week() -> int:
    from zoneinfo import ZoneInfo

    iso = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isocalendar()
    return iso.year * 100 + iso.week


async def seed(url: str, users: list[int]) -> None:
    """A migrated database at `url` (a SQLite file, or PostgreSQL emptied first) with the people."""
    from bot.clock import Clock
    from storage.db import make_engine, make_sessionmaker, upgrade
    from storage.models import Role, Unit, User

    if url.startswith("postgresql"):
        from tests.conftest import _reset_postgres

        await _reset_postgres(url)
    engine = make_engine(url)
    await upgrade(engine)
    now = Clock().now()
    async with make_sessionmaker(engine)() as s:
        unit = Unit(code="BENCH", name="Đơn vị thử tải", created_at=now)
        s.add(unit)
        await s.flush()
        unit.path = f"/{unit.id}/"
        s.add_all(
            User(
                telegram_id=u,
                full_name=f"Cán bộ {u}",
                position="Chuyên viên",
                unit_id=unit.id,
                role=Role.employee,
                locale="vi",
                onboarded_at=now,
                created_at=now,
            )
            for u in users
        )
        await s.commit()
    await engine.dispose()


async def wait_polling(emu: TelegramEmulator, timeout: float = 120) -> None:  # noqa: ASYNC109 - a deadline, not a cancel
    deadline = time.monotonic() + timeout
    while not emu.calls_of("getUpdates"):
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not start polling")
        await asyncio.sleep(0.05)


async def open_cards(emu: TelegramEmulator, users: list[int]) -> dict[int, object]:
    """Each person sends /checkin and gets the card whose buttons they will press."""
    people = {u: emu.user(u, f"Cán bộ {u}", started=True) for u in users}
    listed = list(people.values())
    # OPEN_BATCH at a time (not measured): 600 /checkin at once would hold every pooled
    # PostgreSQL connection while each asks for a second one (see RESULTS.md, P1).
    for start in range(0, len(listed), OPEN_BATCH):
        batch = listed[start : start + OPEN_BATCH]
        for person in batch:
            person.send_nowait("/checkin")
        deadline = time.monotonic() + 60
        while any(not p.messages for p in batch):
            if time.monotonic() > deadline:
                raise TimeoutError("cards did not arrive")
            await asyncio.sleep(0.02)
    return {u: p.messages[-1] for u, p in people.items()}


async def one_run(mode: str, template: Path, n_through: int, n_latency: int, postgres_url: str | None = None) -> P1Run:
    """`mode`: bare, full (SQLite, a copy of `template`) or full-pg (PostgreSQL at `postgres_url`, seeded afresh)."""
    emu = TelegramEmulator(token=TOKEN, bot_username="bench_bot")
    await emu.start()
    tmp = Path(tempfile.mkdtemp(prefix="p1-"))
    db = tmp / "bot.db"
    shutil.copy(template, db)
    url = f"sqlite+aiosqlite:///{db}"
    if mode == "full-pg":
        assert postgres_url
        url = postgres_url
        await seed(url, people_ids(n_through, n_latency))
    log = tmp / "bot.log"
    proc = await spawn("bench/bot_process.py", "bare" if mode == "bare" else "full", emu.url, url, log=log)
    try:
        await wait_polling(emu)
        week = current_week()
        base = 700000
        through = list(range(base, base + n_through))
        lat = list(range(base + n_through, base + n_through + n_latency))
        cards = await open_cards(emu, through + lat)
        people = {u: emu.user(u) for u in cards}

        async def person(u: int) -> None:
            for c in range(GROUPS):
                q = people[u].press_nowait(f"ca:{week}:{c}:g:0", cards[u])  # type: ignore[arg-type]
                await asyncio.wait_for(q.answered_event.wait(), 30)

        queue = list(through)

        async def worker() -> None:
            while queue:
                await person(queue.pop())

        # The driver's own garbage collector is paused while it measures: its full passes
        # (the fake server keeps every call) would stop the clock for ~100 ms and count
        # against whichever bot is being measured.
        gc.collect()
        gc.disable()
        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.monotonic() - started
        throughput = n_through * GROUPS / elapsed

        # Open loop at RATE presses per second; a person's next press comes len(lat)/RATE s later.
        # A bot that cannot answer half of RATE in the closed loop is measured at half its own
        # throughput instead (else its queue, not its latency, is measured), for about
        # LATENCY_SECONDS with as many people as that takes.
        rate = min(RATE, throughput / 2)
        lat = lat[: max(1, min(len(lat), round(LATENCY_SECONDS * rate / GROUPS)))]
        queries = []
        t0 = time.monotonic() + 0.2
        for k in range(GROUPS):
            for i, u in enumerate(lat):
                at = t0 + (k * len(lat) + i) / rate
                delay = at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                queries.append(people[u].press_nowait(f"ca:{week}:{k}:g:0", cards[u]))  # type: ignore[arg-type]
        # A bot slower than RATE falls behind and answers late: waited for, and shown in p50/p99.
        await asyncio.wait_for(
            asyncio.gather(*(q.answered_event.wait() for q in queries)), 60 + 2 * len(queries) / throughput
        )
        gc.enable()
        latencies = [(q.answered_at - q.sent_at) * 1000 for q in queries]  # type: ignore[operator]
        errors = [c for c in emu.calls if c.status and c.status >= 400]
        if errors:
            raise RuntimeError(
                f"{mode}: {len(errors)} Bot API errors, first: {errors[0].method} {errors[0].description}"
            )
        return P1Run(
            mode,
            throughput,
            percentile(latencies, 0.5),
            percentile(latencies, 0.99),
            len(queries) + n_through * GROUPS,
            rate,
        )
    except Exception:
        print(log.read_text(errors="replace")[-3000:])
        raise
    finally:
        gc.enable()
        await stop(proc)
        await emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def people_ids(n_through: int, n_latency: int) -> list[int]:
    base = 700000
    return list(range(base, base + n_through + n_latency))


async def main(
    repeats: int = 3, n_through: int = 300, n_latency: int = 300, postgres_url: str | None = None
) -> dict[str, list[P1Run]]:
    """Runs per mode: bare, full (SQLite) and, with `postgres_url`, full-pg; alternating,
    so that each full run has a bare run beside it."""
    template = Path(tempfile.mkdtemp(prefix="p1-template-")) / "template.db"
    await seed(f"sqlite+aiosqlite:///{template}", people_ids(n_through, n_latency))
    modes = ("bare", "full", "full-pg") if postgres_url else ("bare", "full")
    runs: dict[str, list[P1Run]] = {m: [] for m in modes}
    for _ in range(repeats):
        for mode in modes:  # side by side, alternating
            run = await one_run(mode, template, n_through, n_latency, postgres_url)
            runs[mode].append(run)
            print(
                f"P1 {mode}: {run.throughput:.0f} updates/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms "
                f"at {run.rate:.0f}/s",
                flush=True,
            )
    shutil.rmtree(template.parent, ignore_errors=True)
    return runs


if __name__ == "__main__":
    asyncio.run(main())

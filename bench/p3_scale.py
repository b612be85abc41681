"""P3: a generated sector — 100,000 people in 90 units, 52 weeks of check-ins — and the
time of the queries leaders and admins wait for, on SQLite and on PostgreSQL:

- one unit's weekly digest (DigestService.for_leader: participation with the change,
  per-criterion shares, the people not done, 8 weeks of trend, deadlines);
- every unit's digest (the Monday job's reading, without rendering), beside one plain SQL
  pass over the same engine that reads the rows those digests read: the members, the
  eight weeks' check-ins, and the week's answers counted per unit, criterion and level
  (goal: the digests within 3 × the plain pass, measured in the same run);
- the sector's annual figures (participation by unit, week by week, for a year).

Data: every person has a check-in row in about 3 weeks out of 4 (done, a few skipped,
some left in progress); the answers (7 per finished check-in) are generated for the last
8 weeks, the window the digests read (older answers would only add rows no measured
query touches).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import median

USERS = 100_000
UNITS = 90
WEEKS = 52
ANSWER_WEEKS = 8
GROUPS = ("a", "b", "c", "d", "đ", "e", "f")
TODAY = date(2026, 11, 30)  # a Monday: the digest covers week 48


def week_keys() -> list[int]:
    keys = []
    d = TODAY - timedelta(days=7)
    for _ in range(WEEKS):
        iso = d.isocalendar()
        keys.append(iso.year * 100 + iso.week)
        d -= timedelta(days=7)
    return list(reversed(keys))


def rows():  # noqa: ANN201 - generators of tuples
    rnd = random.Random(2497)
    now = datetime(2025, 11, 1, tzinfo=UTC)
    units = [(1, "BO", "Bộ (gốc)", "ministry_unit", None, "/1/", now)]
    for i in range(2, UNITS + 1):
        units.append((i, f"U{i:03d}", f"Đơn vị {i}", "province_dept" if i % 3 else "ministry_unit", 1, f"/1/{i}/", now))
    users = []
    for n in range(USERS):
        unit = 2 + n % (UNITS - 1)
        role = "leader" if n < UNITS - 1 else "employee"
        users.append(
            (
                n + 1,
                20_000_000 + n,
                f"Cán bộ số {n}",
                "Chuyên viên",
                unit,
                role,
                "vi",
                "Asia/Ho_Chi_Minh",
                4,
                "15:00",
                True,
                now,
                now,
            )
        )
    keys = week_keys()
    checkins, answers = [], []
    cid = 0
    for uid in range(1, USERS + 1):
        habit = rnd.random()
        for k, week in enumerate(keys):
            r = rnd.random()
            if r > 0.25 + habit * 0.7:
                continue
            cid += 1
            status = "done" if r < 0.85 else ("skipped" if r < 0.92 else "in_progress")
            unit = 2 + (uid - 1) % (UNITS - 1)
            checkins.append(
                (
                    cid,
                    uid,
                    unit,
                    week,
                    status,
                    "leave" if status == "skipped" else None,
                    now,
                    now,
                    now if status == "done" else None,
                )
            )
            if status == "done" and k >= WEEKS - ANSWER_WEEKS:
                for g in GROUPS:
                    x = rnd.random()
                    answers.append((cid, g, "good" if x < 0.7 else ("ok" if x < 0.95 else "not_met"), "", now))
    return units, users, checkins, answers


USER_COLS = (
    "id",
    "telegram_id",
    "full_name",
    "position",
    "unit_id",
    "role",
    "locale",
    "timezone",
    "checkin_weekday",
    "checkin_time",
    "active",
    "onboarded_at",
    "created_at",
)
UNIT_COLS = ("id", "code", "name", "kind", "parent_id", "path", "created_at")
CHECKIN_COLS = ("id", "user_id", "unit_id", "week", "status", "skip_reason", "started_at", "updated_at", "completed_at")
ANSWER_COLS = ("checkin_id", "criterion", "level", "sub_items", "answered_at")


async def migrate(url: str) -> None:
    from storage.db import make_engine, upgrade

    engine = make_engine(url)
    await upgrade(engine)
    await engine.dispose()


async def load_sqlite(path: Path, data) -> None:  # noqa: ANN001
    await migrate(f"sqlite+aiosqlite:///{path}")
    units, users, checkins, answers = data
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")

    def ins(table: str, cols: tuple[str, ...], values) -> None:  # noqa: ANN001
        iso = [tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row) for row in values]
        con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", iso)

    ins("units", UNIT_COLS, units)
    ins("users", USER_COLS, users)
    for start in range(0, len(checkins), 500_000):
        ins("checkins", CHECKIN_COLS, checkins[start : start + 500_000])
    for start in range(0, len(answers), 500_000):
        ins("checkin_answers", ANSWER_COLS, answers[start : start + 500_000])
    con.commit()
    con.execute("ANALYZE")
    con.close()


async def load_postgres(url: str, data) -> None:  # noqa: ANN001
    import asyncpg

    from tests.conftest import _reset_postgres

    await _reset_postgres(url)
    await migrate(url)
    units, users, checkins, answers = data
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.copy_records_to_table("units", records=units, columns=UNIT_COLS)
        await conn.copy_records_to_table("users", records=users, columns=USER_COLS)
        await conn.copy_records_to_table("checkins", records=checkins, columns=CHECKIN_COLS)
        await conn.copy_records_to_table("checkin_answers", records=answers, columns=ANSWER_COLS)
        for table in ("units", "users", "checkins", "checkin_answers"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


@dataclass
class P3Run:
    backend: str
    one_digest_ms: float
    all_digests_s: float
    annual_s: float
    plain_s: float = float("nan")  # the plain SQL pass over the rows the digests read

    @property
    def ratio(self) -> float:
        return self.all_digests_s / self.plain_s


PLAIN_MEMBERS = """
SELECT * FROM users
WHERE unit_id IS NOT NULL AND onboarded_at IS NOT NULL AND telegram_id IS NOT NULL AND role != 'admin'
"""
PLAIN_CHECKINS = "SELECT user_id, unit_id, week, status FROM checkins WHERE week BETWEEN :first AND :last"
PLAIN_ANSWERS = """
SELECT c.unit_id, a.criterion, a.level, COUNT(*)
FROM checkin_answers a JOIN checkins c ON c.id = a.checkin_id
WHERE c.week = :week AND c.status = 'done'
GROUP BY c.unit_id, a.criterion, a.level
"""


async def plain_pass(sm, weeks: list[int]) -> tuple[int, int, int]:  # noqa: ANN001
    """One pass over what every unit's digest reads, every row fetched into Python: the
    members (whole rows, as the digest lists the missing by name), the check-ins of the
    trend's weeks, and the week's answers counted per unit, criterion and level."""
    from sqlalchemy import text

    async with sm() as s:
        members = (await s.exec(text(PLAIN_MEMBERS))).all()
        checkins = (await s.exec(text(PLAIN_CHECKINS).bindparams(first=weeks[0], last=weeks[-1]))).all()
        answers = (await s.exec(text(PLAIN_ANSWERS).bindparams(week=weeks[-1]))).all()
    return len(members), len(checkins), len(answers)


async def measure(url: str, backend: str) -> P3Run:
    from sqlmodel import select

    from bot.campaign.loader import load_campaign
    from bot.clock import FixedClock
    from bot.services.digest import DigestService
    from bot.services.figures import FiguresService
    from storage.db import make_engine, make_sessionmaker
    from storage.models import Role, User

    engine = make_engine(url)
    sm = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    campaign = load_campaign()
    week = week_keys()[-1]
    async with sm() as s:
        leaders = list((await s.exec(select(User).where(User.role == Role.leader).order_by(User.id))).all())
    # One unit's digest: the median of 15 (a warm-up first).
    times = []
    async with sm() as s:
        svc = DigestService(s, clock, campaign)
        await svc.for_leader(leaders[0], week, TODAY)
        for leader in leaders[:15]:
            t = time.perf_counter()
            d = await svc.for_leader(leader, week, TODAY)
            times.append((time.perf_counter() - t) * 1000)
            assert d.now.expected > USERS // UNITS // 2 and d.now.shares is not None, (d.now.expected, d.now.shares)
    one = median(times)
    trend_weeks = week_keys()[-8:]
    t = time.perf_counter()
    counts = await plain_pass(sm, trend_weeks)
    plain = time.perf_counter() - t
    assert counts[0] >= USERS - 1 and counts[1] > USERS * 4, counts
    t = time.perf_counter()
    async with sm() as s:
        svc = DigestService(s, clock, campaign)
        for leader in leaders:
            await svc.for_leader(leader, week, TODAY)
    all_digests = time.perf_counter() - t
    t = time.perf_counter()
    async with sm() as s:
        figures = await FiguresService(s, clock).sector([k for k in week_keys() if k // 100 == 2026])
    annual = time.perf_counter() - t
    assert len(figures.units) >= UNITS - 1
    await engine.dispose()
    return P3Run(backend, one, all_digests, annual, plain)


async def main(repeats: int = 3, postgres_url: str | None = None) -> dict[str, list[P3Run]]:
    started = time.monotonic()
    data = rows()
    print(
        f"P3 data: {len(data[1])} people, {len(data[0])} units, {len(data[2])} check-ins, {len(data[3])} answers "
        f"[{time.monotonic() - started:.0f} s]",
        flush=True,
    )
    runs: dict[str, list[P3Run]] = {"sqlite": [], "postgresql": []}
    tmp = Path(tempfile.mkdtemp(prefix="p3-"))
    db = tmp / "p3.db"
    t = time.monotonic()
    await load_sqlite(db, data)
    print(f"P3 SQLite loaded [{time.monotonic() - t:.0f} s]", flush=True)
    targets = [("sqlite", f"sqlite+aiosqlite:///{db}")]
    if postgres_url:
        t = time.monotonic()
        await load_postgres(postgres_url, data)
        print(f"P3 PostgreSQL loaded [{time.monotonic() - t:.0f} s]", flush=True)
        targets.append(("postgresql", postgres_url))
    del data
    for _ in range(repeats):
        for backend, url in targets:
            run = await measure(url, backend)
            runs[backend].append(run)
            print(
                f"P3 {backend}: one digest {run.one_digest_ms:.1f} ms, "
                f"all {UNITS - 1} digests {run.all_digests_s:.2f} s, "
                f"annual figures {run.annual_s:.2f} s, plain pass {run.plain_s:.2f} s, all ÷ plain {run.ratio:.2f}",
                flush=True,
            )
    db.unlink(missing_ok=True)
    return runs


if __name__ == "__main__":
    asyncio.run(main())

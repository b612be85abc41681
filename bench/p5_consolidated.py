"""P5: the standing agency's consolidated report (plan §VI.2) for the sector P3 generates —
100,000 people in 90 units, a year of weekly check-ins — against one plain SQL pass over
the same rows, measured in the same run on the same database.

- the report: ConsolidatedService.build (every unit's figures for the year, self-assessment,
  submission and nominations) and both files, the Decree 30 DOCX and the XLSX;
- the plain pass: one GROUP BY statement counting, per unit, the people and their done and
  excused check-ins of the year (what any consolidation must at least read).

Goal: the report within 5 × the plain pass. Every unit has a leader (P3's data), so each
is a reporting unit with a line in the report.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import p3_scale

PLAIN = """
SELECT u.unit_id,
       COUNT(DISTINCT u.id),
       SUM(CASE WHEN c.status = 'done' THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.status = 'skipped' THEN 1 ELSE 0 END)
FROM users u LEFT JOIN checkins c ON c.user_id = u.id AND c.week BETWEEN :first AND :last
WHERE u.onboarded_at IS NOT NULL AND u.role != 'admin'
GROUP BY u.unit_id
"""


@dataclass
class P5Run:
    backend: str
    report_s: float  # build + DOCX + XLSX
    build_s: float
    plain_s: float

    @property
    def ratio(self) -> float:
        return self.report_s / self.plain_s


async def measure(url: str, backend: str) -> P5Run:
    from sqlalchemy import text

    from bot.campaign.loader import load_campaign
    from bot.clock import FixedClock
    from bot.render.consolidated import render_consolidated_docx, render_consolidated_xlsx
    from bot.services.consolidated import ConsolidatedService
    from storage.db import make_engine, make_sessionmaker

    engine = make_engine(url)
    sm = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    campaign = load_campaign()
    keys = [k for k in p3_scale.week_keys() if k // 100 == 2026]
    t = time.perf_counter()
    async with sm() as s:
        res = (await s.exec(text(PLAIN).bindparams(first=keys[0], last=keys[-1]))).all()  # type: ignore[call-overload]
    plain = time.perf_counter() - t
    plain_done = sum(int(r[2] or 0) for r in res)
    t = time.perf_counter()
    async with sm() as s:
        svc = ConsolidatedService(
            s,
            clock,
            campaign,
            timezone="Asia/Ho_Chi_Minh",
            ministry_name="Bộ Nông nghiệp và Môi trường",
            standing_agency="Vụ Thi đua, Khen thưởng và Tuyên truyền",
        )
        rep = await svc.build(2026)
    build = time.perf_counter() - t
    docx_data = render_consolidated_docx(rep)
    xlsx_data = render_consolidated_xlsx(rep)
    report = time.perf_counter() - t
    assert rep.tally.done == plain_done, (rep.tally.done, plain_done)  # the same rows, the same count
    assert len(rep.reporting) == p3_scale.UNITS - 1 and docx_data[:2] == b"PK" and xlsx_data[:2] == b"PK"
    await engine.dispose()
    return P5Run(backend, report, build, plain)


async def main(repeats: int = 3, postgres_url: str | None = None) -> dict[str, list[P5Run]]:
    started = time.monotonic()
    data = p3_scale.rows()
    print(
        f"P5 data: {len(data[1])} people, {len(data[0])} units, {len(data[2])} check-ins "
        f"[{time.monotonic() - started:.0f} s]",
        flush=True,
    )
    runs: dict[str, list[P5Run]] = {"sqlite": [], "postgresql": []}
    tmp = Path(tempfile.mkdtemp(prefix="p5-"))
    db = tmp / "p5.db"
    await p3_scale.load_sqlite(db, data)
    targets = [("sqlite", f"sqlite+aiosqlite:///{db}")]
    if postgres_url:
        await p3_scale.load_postgres(postgres_url, data)
        targets.append(("postgresql", postgres_url))
    del data
    for _ in range(repeats):
        for backend, url in targets:
            run = await measure(url, backend)
            runs[backend].append(run)
            print(
                f"P5 {backend}: report {run.report_s:.2f} s (build {run.build_s:.2f} s), "
                f"plain SQL {run.plain_s:.2f} s, "
                f"ratio {run.ratio:.2f}",
                flush=True,
            )
    db.unlink(missing_ok=True)
    return runs


if __name__ == "__main__":
    asyncio.run(main(repeats=1))

"""Run every benchmark and write bench/RESULTS.md.

    .venv/bin/python -m bench.run            # all, 3 runs each (about 15 minutes)
    .venv/bin/python -m bench.run p1 p2      # some

The machines are noisy: each figure is the median of the runs, and comparisons (P1's
full bot against a bare aiogram bot) are measured side by side in the same run.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

from bench import p1_checkin, p2_broadcast, p3_scale, p4_memory_start, p5_consolidated
from bench.common import machine, median, now_text

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NOTE_P1 = (
    "- Where a tap goes: the Telegram calls (parsing the update, editMessageText, answerCallbackQuery over HTTP) "
    "are the same in both bots; on top of them this bot reads the person and records the answer on SQLite "
    "(storage/direct.py, the SQLite implementation of the check-in's store, storage/checkins.py: sqlite3 on the "
    "event loop's thread, a few tens of microseconds; a thread only when another connection holds the write "
    "lock), passes its middlewares (session, updates ledger, conversation state, person and language, role, "
    "callback answer) and builds the next card (kept per week and language). The check-in's buttons sit at "
    "the top of the router tree, and objects built at start are frozen out of the garbage collector "
    "(bot/boot.py). The driver pauses its own garbage collector while it measures."
)
NOTE_P1_PG = (
    "- On PostgreSQL a tap is one transaction on one pooled connection, and its cost is round trips to the "
    "server and the bot's CPU per statement. The pool's liveness check is the transaction's BEGIN (storage/db.py); "
    "the updates ledger's INSERT … ON CONFLICT (committed with the update), the conversation state's SELECT, the "
    "person, the week's check-in with its answers, and the answer's write with the check-in's UPDATE (one "
    "statement) run on the session's own asyncpg connection, compiled once from the models, in its transaction "
    "(storage/pg.py: SQLAlchemy's execution layer and the ORM's load cost several times what asyncpg needs); then "
    "COMMIT: 7 round trips, where there were about 19 in three transactions, each with its own checkout, BEGIN "
    "and COMMIT or ROLLBACK (`BENCH_COUNT_SQL=/tmp/counts.json` makes the bot process count the statements that "
    "go through SQLAlchemy). On a loaded two-core machine each round trip waits for a core for the server's "
    "process, so this ratio falls with the load far more than SQLite's (one in-process call per tap)."
)
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def stamp(out: list[str], name: str, t0: float) -> None:
    """Close a section with when it was measured and how long that took."""
    out += [f"Measured {now_text()} in {time.monotonic() - t0:.0f} s (`.venv/bin/python -m bench.run {name}`).", ""]


def ok(value: float, goal: float, higher_is_better: bool) -> str:
    met = value >= goal if higher_is_better else value <= goal
    return "met" if met else "**not met**"


def zero(count: int) -> str:
    """A count whose goal is 0."""
    return f"{count} ({'met' if count == 0 else '**not met**'})"


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


async def run(which: list[str]) -> str:
    out = [
        "# Benchmark results",
        "",
        f"- Last run: {now_text()} (each section says when it was measured)",
        f"- Machine: {machine()}",
        "- Command: `.venv/bin/python -m bench.run` (each figure is the median of 3 runs)",
        "",
    ]
    if "p1" in which:
        t0 = time.monotonic()
        load = os.getloadavg()[0]
        runs = await p1_checkin.main(repeats=3, postgres_url=PG_URL if postgres_reachable() else None)
        bare = median([r.throughput for r in runs["bare"]])

        def ratios(mode: str, base: str = "bare") -> list[float]:
            """Each full run over the bare run beside it (the same repeat)."""
            return [f.throughput / b.throughput for f, b in zip(runs[mode], runs[base], strict=False)]

        out += [
            "## P1 — check-in button presses through the whole bot",
            "",
            f"Fake Bot API on loopback (in the driver's process), each bot in its own process; this bot on a SQLite "
            f"file database, and again on PostgreSQL (asyncpg, one process), each run beside a run of the bare bot. "
            f"{p1_checkin.CONCURRENCY} people pressing their seven “Tốt” as fast as the bot answers, then presses "
            f"arriving at {p1_checkin.RATE}/s spread over many people (or, for a bot slower than twice that, "
            "at half its "
            f"own throughput) for about {p1_checkin.LATENCY_SECONDS} s. A press counts when the bot has answered the "
            "callback query (after its edit).",
            "",
            "| | updates/s | open-loop rate | p50 | p99 | ÷ bare (median of the runs' ratios) | goal |",
            "|---|---|---|---|---|---|---|",
            f"| bare aiogram (answerCallbackQuery + editMessageText) | {bare:.0f} "
            f"| {median([r.rate for r in runs['bare']]):.0f}/s "
            f"| {median([r.p50_ms for r in runs['bare']]):.1f} ms "
            f"| {median([r.p99_ms for r in runs['bare']]):.1f} ms | 1 | |",
        ]
        goals = {"full": ("this bot, SQLite", 0.6, 0.8), "full-pg": ("this bot, PostgreSQL", 0.5, None)}
        for mode, (label, goal, aim) in goals.items():
            if not runs.get(mode):
                continue
            r = median(ratios(mode))
            aim_text = f"; aim ≥ {aim}: {ok(r, aim, True)}" if aim else ""
            out.append(
                f"| {label} | {median([x.throughput for x in runs[mode]]):.0f} "
                f"| {median([x.rate for x in runs[mode]]):.0f}/s | "
                f"{median([x.p50_ms for x in runs[mode]]):.1f} ms | {median([x.p99_ms for x in runs[mode]]):.1f} ms | "
                f"**{r:.2f}** | ≥ {goal}: {ok(r, goal, True)}{aim_text} |"
            )
        if runs.get("bare-pg") and runs.get("full-pg"):
            same_driver = median(ratios("full-pg", "bare-pg"))
            bare_pg = median(ratios("bare-pg"))
            out += [
                f"| bare aiogram keeping each press in PostgreSQL (asyncpg, one upsert a press) "
                f"| {median([x.throughput for x in runs['bare-pg']]):.0f} "
                f"| {median([x.rate for x in runs['bare-pg']]):.0f}/s "
                f"| {median([x.p50_ms for x in runs['bare-pg']]):.1f} ms "
                f"| {median([x.p99_ms for x in runs['bare-pg']]):.1f} ms | {bare_pg:.2f} | |",
                "",
                f"- For comparison, this bot on PostgreSQL ÷ the bare bot on the same driver (asyncpg, one upsert "
                f"a press), median of the runs' ratios: **{same_driver:.2f}**. The goal (≥ 0.5) is read against the "
                "bare bot with no database, the table's figure above.",
            ]
        p99 = median([x.p99_ms for x in runs["full"]])
        out += [
            "",
            f"- p99 of this bot on SQLite at {median([x.rate for x in runs['full']]):.0f} updates/s: **{p99:.1f} ms** "
            f"(goal ≤ 50 ms at 200/s: {ok(p99, 50, False)}).",
            "- Runs: "
            + "; ".join(
                f"{r.mode} {r.throughput:.0f}/s p99 {r.p99_ms:.1f} ms at {r.rate:.0f}/s"
                for m in runs.values()
                for r in m
            ),
            f"- Load average (1 min) at the start: {load:.2f} "
            "(a shared machine: the ratios, measured side by side, are what counts).",
            NOTE_P1,
            NOTE_P1_PG,
            "",
        ]
        stamp(out, "p1", t0)
    if "p2" in which:
        t0 = time.monotonic()
        runs2 = await p2_broadcast.main(repeats=3)
        out += [
            "## P2 — outbox broadcast",
            "",
            "The sender in its own process drains the outbox; the fake server answers 429 above its cap overall "
            "or above 1 message per second to one chat. The server's process pauses its garbage collector while "
            "it counts (a pause would bunch arrivals and charge them to the sender). Windows over the cap, the "
            "worst second and the 429s are the worst of the runs.",
            "",
            "| run | messages | configured | server cap | achieved | achieved ÷ configured "
            "| 1-s windows over cap | worst second | 429s |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, rs in runs2.items():
            ratio = median([r.ratio for r in rs])
            out.append(
                f"| {name} | {rs[0].messages} | {rs[0].configured:g}/s | {rs[0].cap}/s | "
                f"{median([r.achieved for r in rs]):.1f}/s | **{ratio:.3f}** ({ok(ratio, 0.95, True)}) | "
                f"{zero(max(r.windows_over_cap for r in rs))} | {max(r.worst_second for r in rs)} | "
                f"{zero(max(r.too_many_requests for r in rs))} |"
            )
        out += [
            "",
            "“scaled” is Telegram's shape (25 configured under a cap of 30) times ten, so that 10,000 messages "
            "take under a minute; “default” is the real default rate.",
            "",
        ]
        stamp(out, "p2", t0)
    if "p3" in which:
        t0 = time.monotonic()
        load = os.getloadavg()[0]
        runs3 = await p3_scale.main(repeats=3, postgres_url=PG_URL if postgres_reachable() else None)
        out += [
            "## P3 — 100,000 people, 90 units, 52 weeks",
            "",
            p3_scale.__doc__.split("\n\n", 1)[1].strip(),
            "",
            "| database | one unit's digest | all units' digests | one plain SQL pass (the same rows) "
            "| all digests ÷ plain "
            "| sector's annual figures |",
            "|---|---|---|---|---|---|",
        ]
        for backend, rs in runs3.items():
            if not rs:
                continue
            one, alld, annual, plain = (
                median([getattr(r, f) for r in rs]) for f in ("one_digest_ms", "all_digests_s", "annual_s", "plain_s")
            )
            ratio = median([r.ratio for r in rs])
            out.append(
                f"| {backend} | {one:.1f} ms ({ok(one, 50, False)}) | {alld:.2f} s ({ok(alld, 10, False)}) | "
                f"{plain:.2f} s | **{ratio:.2f}** ({ok(ratio, 3, False)}) | {annual:.2f} s ({ok(annual, 5, False)}) |"
            )
        out += [
            "",
            "Goals: one digest ≤ 50 ms, all digests ≤ 10 s and within 3 × the plain pass (the ratio of each "
            "run, median of 3), annual figures ≤ 5 s.",
            "- Runs: "
            + "; ".join(
                f"{r.backend} all {r.all_digests_s:.2f} s ÷ plain {r.plain_s:.2f} s = {r.ratio:.2f}"
                for rs in runs3.values()
                for r in rs
            ),
            f"- Load average (1 min) at the start: {load:.2f}.",
            "- The digest reads a unit's members as the columns the rule needs and builds people (User objects, "
            "tens of microseconds each) only for the week's missing, whom it names (bot/services/stats.py, "
            "`trend(missing_last_only=True)`); the rest is one query per unit for the eight weeks' check-ins and "
            "one for the week's answers, as the plain pass reads them.",
            "",
        ]
        stamp(out, "p3", t0)
    if "p4" in which:
        t0 = time.monotonic()
        runs4 = await p4_memory_start.main(repeats=3)
        cold = median([r.cold_start_s for r in runs4])
        idle = median([r.rss_idle_mb for r in runs4])
        peak = median([r.rss_after_prompts_mb for r in runs4])
        out += [
            "## P4 — memory and cold start",
            "",
            "| | median | goal |",
            "|---|---|---|",
            f"| cold start (process start → first getUpdates) | {cold:.2f} s | ≤ 2 s: {ok(cold, 2, False)} |",
            f"| RSS of the running bot, 100,000 registered users | {idle:.0f} MB | ≤ 200 MB: {ok(idle, 200, False)} |",
            f"| peak RSS of the weekly prompt job over all 100,000 | {peak:.0f} MB "
            f"| ≤ 200 MB: {ok(peak, 200, False)} |",
            "",
        ]
        runs_imp = p4_memory_start.imports(repeats=3)
        o_s, o_mb, p_s, p_mb = (
            median([getattr(r, f) for r in runs_imp]) for f in ("ordered_s", "ordered_mb", "plain_s", "plain_mb")
        )
        out += [
            "The bot is started as operators start it, `python -m bot` (polling and the scheduler). Most of "
            "the start is `import aiogram`: pydantic builds a validator for each of its ~450 Telegram types. "
            "bot/boot.py builds them in dependency order, so that nested types are built once "
            "(tests/test_boot.py: the same schemas). Side by side, new processes, alternating:",
            "",
            "| `import aiogram` | seconds | RSS |",
            "|---|---|---|",
            f"| aiogram's own order (AIOGRAM_PLAIN_IMPORT=1) | {p_s:.2f} s | {p_mb:.0f} MB |",
            f"| dependency order (bot/boot.py) | {o_s:.2f} s | {o_mb:.0f} MB |",
            f"| ratio | {o_s / p_s:.2f} | {o_mb / p_mb:.2f} |",
            "",
        ]
        stamp(out, "p4", t0)
    if "p5" in which:
        t0 = time.monotonic()
        runs5 = await p5_consolidated.main(repeats=3, postgres_url=PG_URL if postgres_reachable() else None)
        out += [
            "## P5 — the consolidated report, 100,000 people and 90 units",
            "",
            p5_consolidated.__doc__.split("\n\n", 1)[1].strip(),
            "",
            "| database | report (build, DOCX, XLSX) | of which build | one plain SQL pass | report ÷ plain |",
            "|---|---|---|---|---|",
        ]
        for backend, rs in runs5.items():
            if not rs:
                continue
            rep, build, plain = (median([getattr(r, f) for r in rs]) for f in ("report_s", "build_s", "plain_s"))
            ratio = median([r.ratio for r in rs])
            out.append(
                f"| {backend} | {rep:.2f} s | {build:.2f} s | {plain:.2f} s | **{ratio:.2f}** ({ok(ratio, 5, False)}) |"
            )
        out += ["", "Goal: the report within 5 × the plain pass (the ratio of each run, median of 3).", ""]
        stamp(out, "p5", t0)
    return "\n".join(out) + "\n"


def merge(old: str, new: str) -> str:
    """Keep the sections of benchmarks not run this time (`python -m bench.run p4`)."""

    def sections(text: str) -> dict[str, str]:
        parts = text.split("\n## ")
        return {p.split(" ", 1)[0]: "## " + p for p in parts[1:]}

    kept, fresh = sections(old), sections(new)
    head = new.split("\n## ")[0]
    body = [fresh.get(k, kept.get(k, "")) for k in sorted(set(kept) | set(fresh))]
    return head + "\n" + "\n".join(b.rstrip() + "\n" for b in body if b)


def main() -> None:
    which = [a.lower() for a in sys.argv[1:]] or ["p1", "p2", "p3", "p4", "p5"]
    text = asyncio.run(run(which))
    if len(which) < 5 and RESULTS.exists():
        text = merge(RESULTS.read_text(encoding="utf-8"), text)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

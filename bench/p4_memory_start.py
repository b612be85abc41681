"""P4: resident memory of the bot process with 100,000 registered users, and cold start
(process start → first getUpdates) against the fake Bot API.

The RSS is read from /proc after start, and again after the busiest thing the process
does with everyone: the weekly prompt job over all 100,000 users (run in the bot's
own process through its scheduler's code path: `jobs run checkin_prompts`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import PY, ROOT, TOKEN, spawn, stop
from emulator import TelegramEmulator
from storage.db import make_engine, upgrade

USERS = 100_000


@dataclass
class P4Run:
    cold_start_s: float
    rss_idle_mb: float
    rss_after_prompts_mb: float
    prompts_queued: int


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def make_db(path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()
    now = datetime(2026, 1, 5, tzinfo=UTC).isoformat(sep=" ")
    con = sqlite3.connect(path)
    units = [(i, f"U{i:03d}", f"Đơn vị {i}", "province_dept", f"/{i}/", now) for i in range(1, 91)]
    con.executemany("INSERT INTO units (id, code, name, kind, path, created_at) VALUES (?,?,?,?,?,?)", units)
    con.executemany(
        "INSERT INTO users (telegram_id, full_name, position, unit_id, role, locale, timezone, "
        "checkin_weekday, checkin_time,"
        " active, onboarded_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                10_000_000 + n,
                f"Cán bộ số {n}",
                "Chuyên viên",
                1 + n % 90,
                "employee",
                "vi",
                "Asia/Ho_Chi_Minh",
                4,
                "15:00",
                1,
                now,
                now,
            )
            for n in range(USERS)
        ),
    )
    con.commit()
    con.close()


async def one_run(template: Path) -> P4Run:
    tmp = Path(tempfile.mkdtemp(prefix="p4-"))
    db_path = tmp / "bot.db"
    shutil.copy(template, db_path)
    db = f"sqlite+aiosqlite:///{db_path}"
    emu = TelegramEmulator(token=TOKEN, bot_username="bench_bot")
    await emu.start()
    started = time.monotonic()
    # The real command (`python -m bot`: polling and the scheduler), as an operator starts it.
    env = {"DATABASE_URL": db, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.url, "LOG_LEVEL": "WARNING"}
    proc = await spawn("-m", "bot", env=env, log=tmp / "bot.log")
    try:
        while not emu.calls_of("getUpdates"):
            if time.monotonic() - started > 60:
                raise TimeoutError((tmp / "bot.log").read_text()[-2000:])
            await asyncio.sleep(0.005)
        cold = emu.calls_of("getUpdates")[0].time - started
        await asyncio.sleep(2)
        idle = rss_mb(proc.pid)  # type: ignore[arg-type]
        # The prompt job over everyone, in a process like the bot's (same imports, same code).
        env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        job = await asyncio.create_subprocess_exec(
            PY,
            "-c",
            "import sys\n"
            "from bot.__main__ import main\n"
            "code = main(['jobs', 'run', 'checkin_prompts', '--now', '2026-11-27T15:00'])\n"
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forked parent.
            "print('MAXRSS', [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
            "sys.exit(code)\n",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await job.communicate()
        text = out.decode()
        if job.returncode != 0:
            raise RuntimeError(err.decode()[-2000:])
        import re

        queued = int(re.search(r"checkin_prompts for \S+: (\d+) message", text).group(1))  # type: ignore[union-attr]
        peak = int(text.split("MAXRSS")[1].split()[0]) / 1024
        return P4Run(cold, idle, peak, queued)
    finally:
        await stop(proc)
        await emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class ImportRun:
    ordered_s: float
    ordered_mb: float
    plain_s: float
    plain_mb: float


IMPORT_PROBE = (
    "import time\n"
    "t = time.perf_counter()\n"
    "import bot.boot\n"
    # as the entry point does: aiogram's types in dependency order, unless AIOGRAM_PLAIN_IMPORT=1
    "bot.boot.install()\n"
    "import aiogram\n"
    "rss = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS')][0]\n"
    "print(time.perf_counter() - t, int(rss) / 1024)\n"
)


def import_cost(plain: bool) -> tuple[float, float]:
    """Seconds and MB of RSS for `import aiogram` in a new process, in dependency order or plain."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AIOGRAM_PLAIN_IMPORT", None)
    if plain:
        env["AIOGRAM_PLAIN_IMPORT"] = "1"
    out = subprocess.run([PY, "-c", IMPORT_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    seconds, mb = out.split()
    return float(seconds), float(mb)


def imports(repeats: int = 3) -> list[ImportRun]:
    """`import aiogram` as the bot does it (bot/boot.py) beside aiogram's own order, alternating."""
    runs = []
    for _ in range(repeats):
        (o_s, o_mb), (p_s, p_mb) = import_cost(plain=False), import_cost(plain=True)
        runs.append(ImportRun(o_s, o_mb, p_s, p_mb))
        print(
            f"P4: import aiogram {o_s:.2f} s, {o_mb:.0f} MB in dependency order; {p_s:.2f} s, {p_mb:.0f} MB plain",
            flush=True,
        )
    return runs


async def main(repeats: int = 3) -> list[P4Run]:
    template = Path(tempfile.mkdtemp(prefix="p4-template-")) / "users.db"
    await make_db(template)
    runs = []
    for _ in range(repeats):
        run = await one_run(template)
        runs.append(run)
        print(
            f"P4: cold start {run.cold_start_s:.2f} s, RSS idle {run.rss_idle_mb:.0f} MB, "
            "peak RSS of the prompt job over "
            f"{USERS} users {run.rss_after_prompts_mb:.0f} MB ({run.prompts_queued} queued)",
            flush=True,
        )
    shutil.rmtree(template.parent, ignore_errors=True)
    return runs


if __name__ == "__main__":
    asyncio.run(main())

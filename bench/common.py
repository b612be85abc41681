"""Shared pieces of the benchmarks: the emulator, bot processes, statistics."""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-for-the-fake-bot-api-000"
PY = sys.executable


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


async def spawn(*args: str, env: dict[str, str] | None = None, log: Path | None = None) -> asyncio.subprocess.Process:
    """Start a Python process of this project; its stderr goes to `log` (never an unread pipe)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    err = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115, ASYNC230 - the child keeps it; opening is instant
    return await asyncio.create_subprocess_exec(
        PY, *args, cwd=ROOT, env=full, stdout=asyncio.subprocess.DEVNULL, stderr=err
    )


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(
                proc.wait(), 120 if os.environ.get("BENCH_PYINSTRUMENT") or os.environ.get("BENCH_PROFILE") else 10
            )
        except TimeoutError:
            proc.kill()
            await proc.wait()


def run_sync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, *args], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )

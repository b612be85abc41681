"""P2: an outbox broadcast, drained by the sender in its own process, against the fake
Bot API enforcing a Telegram-like flood limit (429 above the cap overall, or above one
message per second to one chat).

Reported: achieved ÷ configured rate (over the span from the first send to the last),
the 1-second windows over the cap (consecutive windows, and the worst sliding second)
and the 429s received.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import TOKEN, spawn
from bot.clock import Clock
from bot.services.delivery import DeliveryService, Outgoing
from emulator import TelegramEmulator
from storage.db import make_engine, make_sessionmaker, upgrade

TEXT = (
    "📣 <b>Thông báo</b>: Bộ phát động đợt thi đua thực hiện văn hóa công sở. Đồng chí vui lòng xem chi tiết tại /help."
)


@dataclass
class P2Run:
    messages: int
    configured: float
    cap: int
    achieved: float
    windows_over_cap: int
    worst_second: int
    too_many_requests: int

    @property
    def ratio(self) -> float:
        return self.achieved / self.configured


async def one_run(messages: int, rate: float, cap: int) -> P2Run:
    tmp = Path(tempfile.mkdtemp(prefix="p2-"))
    db = f"sqlite+aiosqlite:///{tmp / 'bot.db'}"
    engine = make_engine(db)
    await upgrade(engine)
    emu = TelegramEmulator(token=TOKEN, bot_username="bench_bot", flood_global=cap, flood_per_chat=1)
    await emu.start()
    try:
        chats = list(range(800000, 800000 + messages))
        for c in chats:
            emu.user(c, "Người nhận", started=True)
        async with make_sessionmaker(engine)() as s:
            await DeliveryService(s, Clock()).enqueue(
                [Outgoing(f"p2:{c}", "announce", c, {"method": "sendMessage", "text": TEXT}) for c in chats]
            )
        await engine.dispose()
        # The fake server's process pauses its own garbage collector while it counts: a full
        # pass (it keeps every call) would hold back requests and then take them in a bunch,
        # an excess of its own making that it would charge to the sender.
        gc.collect()
        gc.disable()
        proc = await spawn("tests/reliability/send_outbox.py", emu.url, TOKEN, db, str(rate), log=tmp / "sender.log")
        await asyncio.wait_for(proc.wait(), messages / rate * 3 + 60)
        gc.enable()
        if proc.returncode != 0:
            raise RuntimeError((tmp / "sender.log").read_text()[-2000:])
        times = emu.send_times()
        if len(times) != messages:
            raise RuntimeError(f"{len(times)} of {messages} delivered")
        span = max(times) - min(times)
        achieved = (messages - 1) / span if span > 0 else float("inf")
        windows = emu.sends_per_window()
        refused = sum(1 for c in emu.calls_of("sendMessage") if c.status == 429)
        return P2Run(
            messages, rate, cap, achieved, sum(1 for n in windows if n > cap), emu.max_sends_per_window(), refused
        )
    finally:
        gc.enable()
        await emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


async def main(repeats: int = 3) -> dict[str, list[P2Run]]:
    runs: dict[str, list[P2Run]] = {"scaled": [], "default": []}
    for _ in range(repeats):
        # Telegram's shape (25 configured under a cap of 30) scaled ten times, so that
        # 10,000 messages take under a minute; and a short run at the real default.
        for name, (n, rate, cap) in (("scaled", (10_000, 250.0, 300)), ("default", (500, 25.0, 30))):
            started = time.monotonic()
            run = await one_run(n, rate, cap)
            runs[name].append(run)
            print(
                f"P2 {name}: {n} messages at {rate:g}/s (cap {cap}): achieved {run.achieved:.1f}/s "
                f"(×{run.ratio:.3f}), windows over cap {run.windows_over_cap}, worst second {run.worst_second}, "
                f"429s {run.too_many_requests} [{time.monotonic() - started:.0f} s]",
                flush=True,
            )
    return runs


if __name__ == "__main__":
    asyncio.run(main())

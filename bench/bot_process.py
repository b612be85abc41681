"""A bot process for the benchmarks: `full` is this project's bot; `bare` is a bare aiogram
bot making the same Telegram calls per button press (answerCallbackQuery + editMessageText)
with no logic and no database; `bare-pg` is that bare bot keeping each press in PostgreSQL
with the same driver as the full bot (asyncpg): one upsert per press on a pooled connection,
the least a bot that remembers a tap does.

    python bench/bot_process.py full|bare|bare-pg API_URL DATABASE_URL
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bench.common import TOKEN

CARD = (
    "<b>Tự đánh giá hằng tuần, tuần 48 (23/11–29/11/2026)</b>\nCâu {n}/7\n\n"
    "<b>a) Kỷ cương, kỷ luật hành chính</b>\n<i>Chấp hành nội quy, đeo thẻ, sử dụng giờ làm việc, "
    "nhận lỗi và sửa chữa, đoàn kết nội bộ</i>\nTuần này đồng chí thực hiện thế nào? (§IV.1.2.a)"
)


def keyboard(data: str) -> InlineKeyboardMarkup:
    week = data.split(":")[1] if data.count(":") >= 2 else "0"
    row = [
        InlineKeyboardButton(text=t, callback_data=f"ca:{week}:0:{c}:0")
        for t, c in (("🟢 Tốt", "g"), ("🟡 Đạt", "o"), ("🔴 Chưa đạt", "n"))
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[row, [InlineKeyboardButton(text="Bỏ qua tuần này", callback_data=f"cx:{week}:sk:-1:-1:0")]]
    )


async def bare(api: str, record: Callable[[CallbackQuery], Awaitable[None]] | None = None) -> None:
    """The bare bot; `record`: what it does with a press before answering (bare-pg)."""
    bot = Bot(
        TOKEN,
        session=AiohttpSession(api=TelegramAPIServer.from_base(api)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    dp = Dispatcher()
    counter = {"n": 0}

    @dp.message(F.text)
    async def on_text(message: Message) -> None:
        await message.answer(CARD.format(n=1), reply_markup=keyboard("ca:0:0"))

    @dp.callback_query()
    async def on_press(query: CallbackQuery) -> None:
        counter["n"] += 1
        if record is not None:
            await record(query)
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(CARD.format(n=counter["n"]), reply_markup=keyboard(query.data or ""))

    await dp.start_polling(bot, handle_signals=True)


PRESS_TABLE = """CREATE TABLE IF NOT EXISTS bench_presses (
    user_id BIGINT, week INTEGER, criterion INTEGER, level TEXT, at TIMESTAMPTZ,
    PRIMARY KEY (user_id, week, criterion))"""
PRESS = """INSERT INTO bench_presses (user_id, week, criterion, level, at) VALUES ($1, $2, $3, $4, now())
    ON CONFLICT (user_id, week, criterion) DO UPDATE SET level = excluded.level, at = excluded.at"""


async def bare_pg(api: str, db: str) -> None:
    import asyncpg

    pool = await asyncpg.create_pool(db.replace("postgresql+asyncpg://", "postgresql://"), min_size=10, max_size=10)
    async with pool.acquire() as conn:
        await conn.execute(PRESS_TABLE)
        await conn.execute("TRUNCATE bench_presses")

    async def record(query: CallbackQuery) -> None:
        _, week, criterion, level, _ = (query.data or "ca:0:0:g:0").split(":")
        await pool.execute(PRESS, query.from_user.id, int(week), int(criterion), level)

    try:
        await bare(api, record)
    finally:
        await pool.close()


async def full(api: str, db: str) -> None:
    from bot.app import build_runtime
    from bot.boot import freeze_startup_objects
    from bot.config import load_settings

    settings = load_settings(bot_token=TOKEN, telegram_api_url=api, database_url=db, log_level="WARNING")
    rt = await build_runtime(settings, scheduler=False)  # the taps alone: no jobs, no outbox polling
    assert rt.dp is not None and rt.bot is not None
    if os.environ.get("BENCH_COUNT_SQL"):  # how many round trips a press costs (statements, checkouts)
        count_sql(rt.engine, os.environ["BENCH_COUNT_SQL"])
    freeze_startup_objects()  # as `python -m bot` does before it polls
    try:
        await rt.dp.start_polling(rt.bot, handle_signals=True)
    finally:
        await rt.close()


def count_sql(engine, path: str) -> None:  # noqa: ANN001
    """Count the statements (by their first words) and the pool's checkouts; written to
    `path` at exit."""
    import atexit
    import json
    from collections import Counter

    from sqlalchemy import event

    counts: Counter[str] = Counter()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _stmt(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        counts[" ".join(statement.split()[:3])[:60]] += 1

    @event.listens_for(engine.sync_engine, "checkout")
    def _out(*_) -> None:  # noqa: ANN002
        counts["(pool checkout)"] += 1

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(*_) -> None:  # noqa: ANN002
        counts["(BEGIN)"] += 1

    @event.listens_for(engine.sync_engine, "commit")
    def _commit(*_) -> None:  # noqa: ANN002
        counts["(COMMIT)"] += 1

    @event.listens_for(engine.sync_engine, "rollback")
    def _rollback(*_) -> None:  # noqa: ANN002
        counts["(ROLLBACK)"] += 1

    def _write_counts() -> None:
        with open(path, "w") as out:
            out.write(json.dumps(counts.most_common(), ensure_ascii=False, indent=0))

    atexit.register(_write_counts)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    mode, api = sys.argv[1], sys.argv[2]
    if mode == "bare":
        asyncio.run(bare(api))
    elif mode == "bare-pg":
        asyncio.run(bare_pg(api, sys.argv[3]))
    else:
        asyncio.run(full(api, sys.argv[3]))


if __name__ == "__main__":
    if os.environ.get("BENCH_PYINSTRUMENT"):
        import signal

        from pyinstrument import Profiler

        prof = Profiler(async_mode="disabled", interval=0.0005)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        prof.start()
        try:
            main()
        except KeyboardInterrupt:
            pass
        finally:
            prof.stop()
            with open(os.environ["BENCH_PYINSTRUMENT"], "w") as fh:
                fh.write(prof.output_text(unicode=False, show_all=False))
    elif os.environ.get("BENCH_PROFILE"):  # where does a press spend its time?
        import cProfile
        import signal

        profiler = cProfile.Profile()
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        profiler.enable()
        try:
            main()
        except KeyboardInterrupt:
            pass
        finally:
            profiler.disable()
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
    else:
        main()

"""Drain the outbox in its own process (the kill -9 test runs this and kills it midway)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.clock import Clock
from scheduler.outbox import OutboxSender
from storage.db import make_engine, make_sessionmaker


async def main(api: str, token: str, db: str, rate: float) -> None:
    engine = make_engine(db)
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    sender = OutboxSender(bot, make_sessionmaker(engine), Clock(), rate=rate, claim_timeout=timedelta(seconds=1))
    try:
        await sender.drain(timeout=120)
        print(f"sent {sender.sent}", flush=True)
    finally:
        await bot.session.close()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))

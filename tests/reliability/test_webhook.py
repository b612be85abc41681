"""Webhook mode: the secret token is checked, and several workers share the load."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.clock import Clock, FixedClock
from emulator import TelegramEmulator
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Role, Unit, User
from tests.conftest import PG_URL, require_service

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token-for-the-fake-bot-api-0000"
SECRET = "s3cret-Token_for-tests"


async def own_database(name: str) -> str:
    """A fresh database of its own on the test server (other suites reset `test`)."""
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_workers(
    emu: TelegramEmulator, db: str, port: int, log: Path, workers: int = 1, redis: str | None = None, wait: bool = True
) -> asyncio.subprocess.Process:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "ADMIN_"))
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emu.url,
        DATABASE_URL=db,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
        WEBHOOK_SECRET=SECRET,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="INFO",
    )
    if redis:
        env["REDIS_URL"] = redis
    proc = await asyncio.create_subprocess_exec(
        os.sys.executable,
        "-m",
        "bot",
        "webhook",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *(["--wait"] if wait else []),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while not emu.webhook:
        if proc.returncode is not None or time.monotonic() > deadline:
            raise AssertionError("the webhook worker did not start:\n" + log.read_text()[-2000:])
        await asyncio.sleep(0.1)
    while len(set(re.findall(r"worker (\d+) serving webhooks", log.read_text()))) < workers:
        if proc.returncode is not None or time.monotonic() > deadline:
            raise AssertionError("not every worker started:\n" + log.read_text()[-2000:])
        await asyncio.sleep(0.1)
    return proc


async def stop_workers(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()


async def seed(db: str, people: list[int], leader: int | None = None) -> None:
    engine = make_engine(db)
    await upgrade(engine)
    now = datetime(2026, 11, 2, tzinfo=UTC)
    async with make_sessionmaker(engine)() as s:
        unit = Unit(code="VP", name="Văn phòng Bộ", created_at=now)
        s.add(unit)
        await s.flush()
        unit.path = f"/{unit.id}/"
        for p in people:
            s.add(
                User(
                    telegram_id=p,
                    full_name=f"Cán bộ {p}",
                    unit_id=unit.id,
                    onboarded_at=now,
                    created_at=now,
                    role=Role.leader if p == leader else Role.employee,
                )
            )
        await s.commit()
    await engine.dispose()


async def test_a_missing_or_wrong_secret_gets_401_and_nothing_is_handled(tmp_path: Path) -> None:
    emu = TelegramEmulator(token=TOKEN, bot_username="vanhoa_test_bot")
    await emu.start()
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await seed(db, [5001])
    port = free_port()
    proc = await start_workers(emu, db, port, tmp_path / "worker.log")
    try:
        update = {
            "update_id": 99,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 5001, "type": "private"},
                "from": {"id": 5001, "is_bot": False, "first_name": "A"},
                "text": "/help",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(f"http://127.0.0.1:{port}/tg", json=update, headers=headers) as resp:
                    assert resp.status == 401
        assert (
            await post(port, {"update_id": 9, "a_kind_from_a_later_bot_api": {}}) == 200
        )  # an update, of a kind not handled
        assert emu.calls_of("sendMessage") == []
        person = emu.user(5001, "A")
        await person.send("/help")  # the emulator sends the right secret
        assert "/settings" in person.last.text
        assert emu.webhook and emu.webhook["secret_token"] == SECRET
    finally:
        await stop_workers(proc)
        await emu.stop()


def help_update(update_id: int, chat: int, message_id: int = 1) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": 1764900000,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"},
            "text": "/help",
        },
    }


async def post(port: int, body: object, *, raw: bytes | None = None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Connection": "close"}
    async with aiohttp.ClientSession() as http:
        if raw is not None:
            resp = await http.post(
                f"http://127.0.0.1:{port}/tg", data=raw, headers={**headers, "Content-Type": "application/json"}
            )
        else:
            resp = await http.post(f"http://127.0.0.1:{port}/tg", json=body, headers=headers)
        async with resp:
            return resp.status


async def settle(emu: TelegramEmulator, chat: int, count: int, timeout: float = 10) -> None:
    """Until the chat has `count` messages from the bot (and a moment more for any extra)."""
    deadline = time.monotonic() + timeout
    while len(emu.messages(chat)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)


@pytest.mark.parametrize("wait", [True, False], ids=["wait", "background"])
async def test_a_malformed_update_with_the_right_secret_gets_400_and_one_log_line(tmp_path: Path, wait: bool) -> None:
    """Issue 14.6: not JSON, a JSON array, fields of the wrong type: 400, one line in the
    log each, no traceback; a real update is handled as before."""
    emu = TelegramEmulator(token=TOKEN, bot_username="vanhoa_test_bot")
    await emu.start()
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await seed(db, [5001])
    port = free_port()
    log = tmp_path / "worker.log"
    proc = await start_workers(emu, db, port, log, wait=wait)
    try:
        assert await post(port, None, raw=b"this is not json") == 400
        assert await post(port, [1, 2, 3]) == 400
        assert await post(port, {"update_id": "abc"}) == 400
        assert await post(port, {"update_id": 7, "message": "hello"}) == 400
        assert await post(port, {"update_id": 8, "message": {"message_id": "x", "chat": 5}}) == 400
        assert (
            await post(port, {"update_id": 9, "a_kind_from_a_later_bot_api": {}}) == 200
        )  # an update, of a kind not handled
        assert emu.calls_of("sendMessage") == []
        person = emu.user(5001, "A")
        await person.send("/help")
        await settle(emu, 5001, 1)  # in the background mode the answer follows the webhook's 200
        assert "/settings" in person.last.text
        text = log.read_text()
        assert "Traceback" not in text and " ERROR " not in text
        refused = [line for line in text.splitlines() if "not an update" in line]
        assert len(refused) == 5, refused
        assert "not JSON" in refused[0] and "not list" in refused[1] and "update_id" in refused[2]
    finally:
        await stop_workers(proc)
        await emu.stop()


async def test_an_update_delivered_twice_to_a_webhook_is_handled_once(tmp_path: Path) -> None:
    """Issue 14.5 in webhook mode (one worker, SQLite: the record is in the database)."""
    emu = TelegramEmulator(token=TOKEN, bot_username="vanhoa_test_bot")
    await emu.start()
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await seed(db, [5001])
    port = free_port()
    proc = await start_workers(emu, db, port, tmp_path / "worker.log")
    try:
        emu.user(5001, "A", started=True)
        assert await post(port, help_update(4242, 5001)) == 200
        assert await post(port, help_update(4242, 5001)) == 200  # Telegram sends it again
        await settle(emu, 5001, 1)
        assert len(emu.messages(5001)) == 1
        assert await post(port, help_update(4243, 5001, message_id=2)) == 200  # the next one is answered
        await settle(emu, 5001, 2)
        assert len(emu.messages(5001)) == 2
    finally:
        await stop_workers(proc)
        await emu.stop()


@pytest.mark.postgres
async def test_two_workers_handle_every_update_once_and_send_each_digest_once(tmp_path: Path, redis_url: str) -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    try:
        await _two_workers(tmp_path, redis_url)
    finally:
        await drop_database(f"vanhoa_webhook_{os.getpid()}")


async def drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _two_workers(tmp_path: Path, redis_url: str) -> None:
    from redis.asyncio import Redis

    r = Redis.from_url(redis_url)
    await r.flushdb()
    await r.aclose()
    # A name of this run's own: runs beside each other (other checkouts) never share it.
    db = await own_database(f"vanhoa_webhook_{os.getpid()}")
    people = list(range(6001, 6031))
    await seed(db, people, leader=6001)
    emu = TelegramEmulator(token=TOKEN, bot_username="vanhoa_test_bot", webhook_new_connection=True)
    await emu.start()
    port = free_port()
    log = tmp_path / "workers.log"
    proc = await start_workers(emu, db, port, log, workers=2, redis=redis_url)
    try:
        users = [emu.user(p, f"CB {p}", started=True) for p in people]
        for u in users:
            await u.send("/help")
        for u in users:
            assert len(u.messages) == 1 and "/settings" in u.messages[0].text
        handled = re.findall(r"\[(\d+)\] aiogram.event: Update id=(\d+) is handled", log.read_text())
        by_update: dict[str, set[str]] = {}
        for pid, update_id in handled:
            by_update.setdefault(update_id, set()).add(pid)
        assert len(by_update) == len(people) and all(len(p) == 1 for p in by_update.values())
        assert len({pid for pid, _ in handled}) == 2, "both workers took updates"

        # The same update delivered again and again, at once, to both workers: one answer.
        statuses = await asyncio.gather(*(post(port, help_update(90001, 6002, message_id=99)) for _ in range(8)))
        assert statuses == [200] * 8
        await settle(emu, 6002, 2)
        assert len(emu.messages(6002)) == 2
        again = re.findall(r"\[(\d+)\] handlers.middlewares: update 90001 was delivered again", log.read_text())
        assert len(again) == 7

        # The digest: queued as of Monday 08:00; one worker's sender sends it, once.
        from bot.campaign.loader import load_campaign
        from bot.config import load_settings
        from scheduler.jobs import JobContext, run_job

        monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
        engine = make_engine(db)
        ctx = JobContext(make_sessionmaker(engine), FixedClock(monday), load_campaign(), load_settings(database_url=db))
        # As of the test's real time the rows are due (FixedClock only names the period).
        ctx.clock = FixedClock(min(monday, Clock().now()))
        res = await run_job(ctx, "leader_digests", monday)
        await engine.dispose()
        assert res.queued == 2
        deadline = time.monotonic() + 30
        while len(emu.messages(6001)) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # a second sender would have sent its copy by now
        digest = [m for m in emu.messages(6001) if "Bản tổng hợp tuần" in m.text]
        charts = [m for m in emu.messages(6001) if m.photo is not None]
        assert len(digest) == 1 and len(charts) == 1
        leaders = re.findall(r"\[(\d+)\] scheduler.runner: this process is the scheduler leader", log.read_text())
        assert len(leaders) == 1
    finally:
        await stop_workers(proc)
        await emu.stop()

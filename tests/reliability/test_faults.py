"""Faults during a check-in (issue 7, "Prove it"): Telegram answers 429 with retry_after,
5xx, nothing at all (a timeout), 403 for someone who blocked the bot; PostgreSQL drops
every connection; the bot's process is killed with SIGKILL mid-check-in.

In every case the answers already given stay stored, and the person goes on where they
stopped as soon as the fault has passed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.clock import Clock, FixedClock
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from emulator import EmulatedUser, TelegramEmulator
from scheduler.outbox import OutboxSender
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.delivery import OutboxMessage, OutboxStatus
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Role, User
from tests.conftest import PG_URL, require_service
from tests.e2e.conftest import TOKEN, Harness, emu, h, start_bot, stop_bot  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("a", "b", "c", "d", "đ", "e", "f")
SORRY = "Xin lỗi, hệ thống đang gặp sự cố. Thông tin đồng chí đã nhập trước đó vẫn được giữ nguyên"


async def answers(h: Harness) -> dict[str, str]:
    return {a.criterion: a.level for a in await h.rows(CheckInAnswer)}


async def checkin(h: Harness, answered: int, tid: int = 1001) -> EmulatedUser:
    await h.register(tid, "Nguyễn Thị Lan")
    lan = h.emu.user(tid, "Lan", language_code="vi")
    await lan.send("/checkin")
    for _ in range(answered):
        await lan.press("🟢 Tốt")
    assert f"Câu {answered + 1}/7" in lan.last.text
    return lan


async def finish_all_good(lan: EmulatedUser, h: Harness) -> None:
    """Go on from wherever the card stands to the summary."""
    while "Câu " in (lan.last.text or ""):
        await lan.press("🟢 Tốt")
    await lan.press("✅ Hoàn tất")
    assert "Đã hoàn tất tự đánh giá" in lan.last.text
    [row] = await h.rows(CheckIn)
    assert row.status == CheckInStatus.done
    assert await answers(h) == {g: "good" for g in GROUPS}


def failed_calls(h: Harness, method: str) -> list:
    return [c for c in h.emu.calls_of(method) if c.status is not None and c.status >= 400]


# -- Telegram's errors -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502])
async def test_an_edit_refused_by_telegram_loses_no_answer(h: Harness, status: int) -> None:
    lan = await checkin(h, 2)
    card = lan.last
    h.emu.inject("editMessageText", status)
    await lan.press("🟢 Tốt")
    assert lan.last_answer.show_alert and lan.last_answer.text.startswith(SORRY)
    assert "Câu 3/7" in lan.last.text  # the card could not be edited...
    assert await answers(h) == {"a": "good", "b": "good", "c": "good"}  # ...but the answer is stored
    assert [c.status for c in failed_calls(h, "editMessageText")] == [status]
    await lan.press("🟢 Tốt", message=card)  # the same button again: the card catches up
    assert "Câu 4/7" in lan.last.text and lan.last.message_id == card.message_id
    assert await answers(h) == {"a": "good", "b": "good", "c": "good"}  # not answered twice
    await finish_all_good(lan, h)


async def test_a_reply_refused_by_telegram_loses_no_note(h: Harness) -> None:
    lan = await checkin(h, 0)
    await lan.press("🔴 Chưa đạt")
    await lan.press("Tiếp tục ➡")
    h.emu.inject("sendMessage", 503)
    await lan.send("Họp muộn hai lần")
    assert lan.last.text.startswith(SORRY)  # the apology got through after the refused reply
    [ans] = await h.rows(CheckInAnswer)
    assert (ans.criterion, ans.level, ans.note) == ("a", "not_met", "Họp muộn hai lần")
    await lan.send("/checkin")
    assert "Câu 2/7" in lan.last.text  # where it stopped
    await lan.press("🟢 Tốt")
    assert "Câu 3/7" in lan.last.text


# -- 429: Telegram says "too fast, retry after N s" (issue 14.3) --------------------------------


async def test_a_command_answered_right_after_another_reply_waits_and_is_sent(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram allows about one message a second to one chat: the answer to /checkin sent
    right after the answer to /help meets a 429. It waits retry_after and is sent; the
    person sees both answers, and no apology."""
    caplog.set_level(logging.INFO)
    await h.register(1001, "Nguyễn Thị Lan")
    lan = h.emu.user(1001, "Lan", language_code="vi")
    h.emu.set_flood_limit(None, 1)  # one message a second to one chat, as Telegram
    await lan.send("/help")
    await lan.send("/checkin")
    assert [c.status for c in h.emu.calls_of("sendMessage")] == [200, 429, 200]
    assert "/settings" in lan.messages[-2].text and "Câu 1/7" in lan.last.text
    assert not any(SORRY in (m.text or "") for m in lan.messages)
    assert not any("could not deliver" in r.getMessage() for r in caplog.records)
    h.emu.set_flood_limit(None, None)
    await finish_all_good(lan, h)


async def test_an_edit_and_a_callback_answer_refused_with_429_are_sent_after_retry_after(h: Harness) -> None:
    """A tap whose card edit, then whose callback answer, meet a 429: both wait retry_after
    and go through; the answer is stored once and the card moves on."""
    lan = await checkin(h, 2)
    card = lan.last
    h.emu.inject("editMessageText", 429, retry_after=1)
    h.emu.inject("answerCallbackQuery", 429, retry_after=1)
    await lan.press("🟢 Tốt")
    assert "Câu 4/7" in lan.last.text and lan.last.message_id == card.message_id
    assert not lan.last_answer.show_alert
    assert [c.status for c in h.emu.calls_of("editMessageText")][-2:] == [429, 200]
    assert [c.status for c in h.emu.calls_of("answerCallbackQuery")][-2:] == [429, 200]
    assert await answers(h) == {"a": "good", "b": "good", "c": "good"}
    await finish_all_good(lan, h)


async def test_a_long_retry_after_is_not_waited_for_in_a_conversation(h: Harness) -> None:
    """Beyond 30 s the reply is given up (the person would have moved on): the check-in
    command's answer fails once, and /checkin later works, where it stood."""
    await h.register(1001, "Nguyễn Thị Lan")
    lan = h.emu.user(1001, "Lan", language_code="vi")
    h.emu.inject("sendMessage", 429, retry_after=60)
    await lan.send("/checkin")
    assert lan.last.text.startswith(SORRY) and await h.count(CheckIn) == 0
    await lan.send("/checkin")
    assert "Câu 1/7" in lan.last.text


async def test_a_timeout_loses_no_answer(h: Harness) -> None:
    """Telegram does not answer within the bot's request timeout (1 s here): the bot gives
    up on the edit, which Telegram carries out later; the answer was stored before."""
    lan = await checkin(h, 3)
    assert h.rt.bot is not None
    h.rt.bot.session.timeout = 1
    h.emu.inject_delay("editMessageText", 2.5)
    started = time.monotonic()
    await lan.press("🟢 Tốt")
    assert lan.last_answer.show_alert and lan.last_answer.text.startswith(SORRY)
    assert time.monotonic() - started < 8
    assert await answers(h) == {g: "good" for g in GROUPS[:4]}
    await h.emu.wait_idle()
    assert "Câu 5/7" in lan.last.text  # the slow edit arrived in the end
    await finish_all_good(lan, h)


async def test_a_person_who_blocked_the_bot_keeps_their_answers(h: Harness) -> None:
    """403: the person blocked the bot halfway (and the bot missed the update saying so).
    A leader's nudge to them meets 403: they are marked inactive and the nudge dropped.
    When they come back, the check-in resumes where it stopped."""
    from bot.services.delivery import DeliveryService, Outgoing

    lan = await checkin(h, 2)
    lan.chat.blocked = True
    [me] = await h.rows(User)
    async with h.sessionmaker() as s:
        await DeliveryService(s, h.clock).enqueue(
            [
                Outgoing(
                    f"leader-nudge:{me.id}:2026-11-25",
                    "nudge",
                    1001,
                    {"method": "sendMessage", "text": "Nhắc tự đánh giá"},
                    me.id,
                )
            ]
        )
    assert h.rt.bot is not None
    await OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=20).drain(timeout=10)
    [row] = await h.rows(OutboxMessage)
    assert row.status == OutboxStatus.dropped
    assert [c.status for c in h.emu.calls_of("sendMessage") if c.params.get("text") == "Nhắc tự đánh giá"] == [403]
    [me] = await h.rows(User)
    assert me.active is False
    assert await answers(h) == {"a": "good", "b": "good"}
    await lan.unblock()
    [me] = await h.rows(User)
    assert me.active is True
    await lan.send("/checkin")
    assert "Câu 3/7" in lan.last.text
    await finish_all_good(lan, h)


async def test_an_interactive_reply_to_a_blocked_chat_is_logged_not_lost(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot's reply meets 403 (blocked a moment before): the note is stored, and the
    failed apology is only a warning."""
    caplog.set_level(logging.INFO)
    lan = await checkin(h, 0)
    await lan.press("🔴 Chưa đạt")
    await lan.press("Tiếp tục ➡")
    h.emu.inject("sendMessage", 403, "Forbidden: bot was blocked by the user", times=2)
    await lan.send("Ghi chú trước khi chặn")
    [ans] = await h.rows(CheckInAnswer)
    assert ans.note == "Ghi chú trước khi chặn"
    assert any("could not deliver the error reply" in r.getMessage() for r in caplog.records)
    await lan.send("/checkin")
    assert "Câu 2/7" in lan.last.text


# -- PostgreSQL drops every connection --------------------------------------------------------------


async def own_database(name: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


async def terminate_connections(name: str) -> int:
    """What a server restart does to the bot: every connection to its database is cut."""
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await conn.close()
    return len(rows)


async def drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="test")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_postgresql_drops_every_connection_mid_checkin(emu: TelegramEmulator, clock: FixedClock) -> None:  # noqa: F811
    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = "vanhoa_faults_test"
    url = await own_database(name)
    engine = make_engine(url)
    await upgrade(engine)
    await engine.dispose()
    rt, task = await start_bot(emu, url, clock)
    h = Harness(emu, rt, clock)  # noqa: F811
    try:
        lan = await checkin(h, 3)
        assert await terminate_connections(name) >= 1  # the bot's pooled connections
        await lan.press("🟢 Tốt")  # pool_pre_ping finds the dead connection and opens a new one
        assert "Câu 5/7" in lan.last.text and not lan.last_answer.text
        assert await answers(h) == {g: "good" for g in GROUPS[:4]}
        await terminate_connections(name)
        await lan.send("/checkin")
        assert "Câu 5/7" in lan.last.text
        await finish_all_good(lan, h)
        assert not emu.internal_errors
    finally:
        await stop_bot(rt, task)
        await drop_database(name)


# -- the process is killed mid-check-in ------------------------------------------------------------


async def seed(db: str) -> int:
    """A registered person, as onboarding leaves them, with the real clock the process uses."""
    engine = make_engine(db)
    await upgrade(engine)
    clock = Clock()
    async with make_sessionmaker(engine)() as s:
        await UnitService(s, clock).add("VP", "Văn phòng Bộ")
        token = (await InviteService(s, clock).create("VP", Role.employee)).token
        svc = OnboardingService(s, clock)
        user = await svc.accept(7001, token, locale="vi", notice_version="test")
        user.full_name, user.position = "Nguyễn Thị Lan", "Chuyên viên"
        # No weekly prompt while the test runs: the person's day is another one.
        user.checkin_weekday = (datetime.now(UTC).weekday() + 3) % 7
        await svc.finish(user)
    await engine.dispose()
    return 7001


async def start_process(emu: TelegramEmulator, db: str, log: Path) -> asyncio.subprocess.Process:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "WEBHOOK_", "ADMIN_"))
    }
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.url, DATABASE_URL=db, LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    polls = len(emu.calls_of("getUpdates"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=open(log, "ab"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while len(emu.calls_of("getUpdates")) <= polls:
        if proc.returncode is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the bot did not start polling:\n" + log.read_text()[-2000:])
        await asyncio.sleep(0.05)
    return proc


async def card_shows(user: EmulatedUser, text: str, after: int = 0, timeout: float = 10) -> None:
    """Polling with handle_as_tasks: the reply comes after the update is taken; wait until
    the newest message (newer than message `after`) shows `text`."""
    deadline = time.monotonic() + timeout
    while not (user.messages and user.last.message_id > after and text in (user.last.text or "")):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never arrived:\n{user.transcript()[-1500:]}")
        await asyncio.sleep(0.02)


async def test_a_checkin_survives_kill_9(emu: TelegramEmulator, tmp_path: Path) -> None:  # noqa: F811
    db = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    tid = await seed(db)
    log = tmp_path / "bot.log"
    proc = await start_process(emu, db, log)
    try:
        lan = emu.user(tid, "Lan", language_code="vi")
        await lan.send("/checkin")
        await card_shows(lan, "Câu 1/7")
        card = lan.last
        for n in range(2, 5):
            await lan.press("🟢 Tốt", message=card)
            await card_shows(lan, f"Câu {n}/7")
        proc.kill()  # SIGKILL: no shutdown hook runs
        await asyncio.wait_for(proc.wait(), 10)
        proc = await start_process(emu, db, log)
        await lan.send("/checkin")
        await card_shows(lan, "Câu 4/7", after=card.message_id)  # a new card, resumed
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    engine = make_engine(db)
    async with make_sessionmaker(engine)() as s:
        rows = (await s.exec(select(CheckInAnswer).order_by(col(CheckInAnswer.id)))).all()
        [checkin] = (await s.exec(select(CheckIn))).all()
    await engine.dispose()
    assert [(a.criterion, a.level) for a in rows] == [("a", "good"), ("b", "good"), ("c", "good")]
    assert checkin.status == CheckInStatus.in_progress
    assert "Traceback" not in log.read_text()


async def test_not_met_whose_sub_items_could_not_be_shown(h: Harness) -> None:
    """The same "Not met" tapped again after a failed edit opens its sub-items, as the
    first tap should have; the answer is stored once."""
    lan = await checkin(h, 1)
    card = lan.last
    h.emu.inject("editMessageText", 500)
    await lan.press("🔴 Chưa đạt")
    assert lan.last_answer.text.startswith(SORRY) and await answers(h) == {"a": "good", "b": "not_met"}
    await lan.press("🔴 Chưa đạt", message=card)
    assert "Những nội dung nào chưa đạt" in lan.last.text and "b) Chuyên môn" in lan.last.text
    await lan.press("☐ Chủ động phối hợp")
    await lan.press("Tiếp tục ➡")
    await lan.press("Bỏ qua ➡")
    assert "Câu 3/7" in lan.last.text
    [b] = [a for a in await h.rows(CheckInAnswer) if a.criterion == "b"]
    assert b.sub_items == "b2"

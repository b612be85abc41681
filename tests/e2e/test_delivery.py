"""Scheduled delivery over the fake Bot API: the outbox sender's limits and faults, the
jobs (prompts, nudges, reminders, digests) as people receive them."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.clock import Clock
from bot.services.checkin import CheckinService
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService, Outgoing
from scheduler.jobs import JobContext, run_due_jobs, run_job
from scheduler.outbox import OutboxSender
from storage.delivery import DeadlineDone, JobRun, OutboxMessage, OutboxStatus
from storage.models import Level, Role, User
from tests.e2e.conftest import TOKEN, Harness

ROOT = Path(__file__).resolve().parents[2]


def ctx(h: Harness) -> JobContext:
    return JobContext(h.sessionmaker, h.clock, h.rt.campaign, h.rt.settings)


async def queue_texts(h: Harness, chat_ids: list[int], kind: str = "test") -> int:
    async with h.sessionmaker() as s:
        return await DeliveryService(s, Clock()).enqueue(
            [Outgoing(f"{kind}:{c}", kind, c, {"method": "sendMessage", "text": f"Xin chào {c}"}) for c in chat_ids]
        )


def sender(h: Harness, rate: float = 20, *, real_time: bool = False) -> OutboxSender:
    """Jobs queue as of the test's clock; fault tests need real time to pass for back-off."""
    assert h.rt.bot is not None
    return OutboxSender(h.rt.bot, h.sessionmaker, Clock() if real_time else h.clock, rate=rate)


async def test_no_one_second_window_exceeds_the_cap(h: Harness) -> None:
    h.emu.set_flood_limit(25, 1)  # a Telegram-like server: 429 above 25/s overall or 1/s per chat
    chats = list(range(20001, 20061))
    for c in chats:
        h.emu.user(c, "Người nhận", started=True)
    await queue_texts(h, chats)
    await queue_texts(h, chats[:5], kind="second")  # five people get two messages
    out = sender(h, rate=20, real_time=True)
    started = time.monotonic()
    await out.drain(timeout=60)
    elapsed = time.monotonic() - started
    assert out.sent == 65 and out.retry_after_seen == 0
    assert h.emu.max_sends_per_window() <= 25  # the cap, with the sender pacing at 20
    for c in chats[:5]:
        times = h.emu.send_times(c)
        assert len(times) == 2 and times[1] - times[0] >= 0.95  # at most 1 per second per chat
    assert 65 / elapsed <= 25


async def test_a_429_pauses_all_sending_then_completes(h: Harness) -> None:
    chats = list(range(21001, 21011))
    for c in chats:
        h.emu.user(c, "Người nhận", started=True)
    await queue_texts(h, chats)
    h.emu.inject("sendMessage", status=429, retry_after=2, times=1)
    out = sender(h, rate=50, real_time=True)
    await out.drain(timeout=60)
    assert out.retry_after_seen == 1 and out.sent == 10
    [refused] = [c for c in h.emu.calls_of("sendMessage") if c.status == 429]
    assert refused.finished is not None
    # At most one send already in flight beside the refused one (the bucket holds two);
    # after that, nothing until retry_after has passed.
    sends = sorted(c.time for c in h.emu.calls_of("sendMessage") if c.status == 200 and c.time > refused.time)
    in_flight = [t for t in sends if t - refused.time < 0.05]
    later = [t for t in sends if t - refused.time >= 0.05]
    assert len(in_flight) <= 1 and later and later[0] - refused.time >= 1.9
    async with h.sessionmaker() as s:
        rows = (await s.exec(select(OutboxMessage))).all()
    assert {r.status for r in rows} == {OutboxStatus.sent}


async def test_after_a_429_sending_resumes_at_the_configured_rate(h: Harness) -> None:
    """Issue 14.2: a 429 with retry_after in the middle of a broadcast, under Telegram's
    30 a second: nothing is sent during the pause, and after it the sender goes on at its
    25 a second, not in a burst that meets more 429s."""
    from emulator.model import max_in_window

    h.emu.set_flood_limit(30, 1)
    chats = list(range(21101, 21251))
    for c in chats:
        h.emu.user(c, "Người nhận", started=True)
    await queue_texts(h, chats)
    out = sender(h, rate=25, real_time=True)
    draining = asyncio.create_task(out.drain(timeout=60))
    while len(h.emu.sends()) < 30 and not draining.done():
        await asyncio.sleep(0.01)
    h.emu.inject("sendMessage", status=429, retry_after=2, times=1)
    await draining
    refused = [c for c in h.emu.calls_of("sendMessage") if c.status == 429]
    assert len(refused) == 1 and out.retry_after_seen == 1  # the one injected, no more
    assert out.sent == 150 and len(h.emu.sends()) == 150
    pause_end = refused[0].finished + 2  # type: ignore[operator]
    started = [c.time for c in h.emu.sends()]
    during = [t for t in started if refused[0].time + 0.05 < t < pause_end - 0.05]
    assert during == []  # what was already under way, and then nothing until retry_after has passed
    after = [t for t in started if t >= pause_end - 0.05]
    # At the configured rate: aiolimiter's bucket of two lets one send catch up a wake-up's
    # lag, so any second holds at most 25 + 2 and any three seconds at most 75 + 2 — never the
    # burst of everyone who waited (that would be 50+ at once, and more 429s above).
    assert len(after) > 50 and max_in_window(after, 1.0) <= 25 + 2 and max_in_window(after, 3.0) <= 75 + 2


async def test_5xx_is_retried_with_backoff(h: Harness) -> None:
    h.emu.user(22001, "Người nhận", started=True)
    await queue_texts(h, [22001])
    h.emu.inject("sendMessage", status=502, times=1)
    out = sender(h, real_time=True)
    await out.send_batch()
    async with h.sessionmaker() as s:
        [row] = (await s.exec(select(OutboxMessage))).all()
    assert (
        row.status == OutboxStatus.pending
        and row.attempts == 1
        and "502" in (row.last_error or "")
        or "Bad Gateway" in (row.last_error or "")
    )
    await asyncio.sleep(2.1)
    await out.drain(timeout=10)
    assert len(h.emu.messages(22001)) == 1


async def test_403_marks_the_person_inactive_and_drops_their_queue(h: Harness) -> None:
    await h.register(23001, "Lê Văn Chặn")
    person = h.emu.user(23001, "Chặn", started=True)
    await person.block()
    async with h.sessionmaker() as s:
        [user] = (await s.exec(select(User))).all()
        assert user.active is False  # my_chat_member already told us
        user.active = True  # as if that update had been lost: the 403 must do it too
        s.add(user)
        await s.commit()
    await queue_texts(h, [23001])
    await queue_texts(h, [23001], kind="later")
    out = sender(h, real_time=True)
    await out.drain(timeout=10)
    async with h.sessionmaker() as s:
        [user] = (await s.exec(select(User))).all()
        statuses = sorted(r.status for r in (await s.exec(select(OutboxMessage))).all())
    assert user.active is False and statuses == [OutboxStatus.dropped, OutboxStatus.dropped]
    await person.unblock()
    async with h.sessionmaker() as s:
        assert (await s.exec(select(User))).one().active is True


async def test_kill_9_mid_broadcast_resends_only_what_was_in_flight(h: Harness, tmp_path: Path) -> None:
    """Issue 14.1: an announcement to 320 people, the sender killed with SIGKILL after about
    100 were delivered. The restart delivers everything; only the sends in flight at the
    crash reach their person twice (each delivered message is noted at once, not in groups
    of 25), and the report counts what was really sent."""
    from tests.e2e.conftest import ADMIN_ID

    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    admin = h.emu.user(ADMIN_ID, "QT", started=True)
    chats = list(range(24001, 24321))
    for c in chats:
        h.emu.user(c, "Người nhận", started=True)
    async with h.sessionmaker() as s:
        _, queued = await DeliveryService(s, Clock()).start_broadcast(
            "announce",
            ADMIN_ID,
            [
                Outgoing(f"announce-test:{c}", "announce", c, {"method": "sendMessage", "text": f"Thông báo {c}"})
                for c in chats
            ],
        )
    assert queued == 320
    db = h.rt.settings.database_url
    cmd = [
        sys.executable,
        str(ROOT / "tests/reliability/send_outbox.py"),
        h.emu.url,
        TOKEN,
        db,
        "25",
    ]  # SEND_RATE's default
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )

    def delivered() -> list:
        return [c for c in h.emu.calls_of("sendMessage") if c.status == 200]

    def hanging() -> list:
        return [c for c in h.emu.calls_of("sendMessage") if c.finished is None]

    async def noted() -> int:
        async with h.sessionmaker() as s:
            return len((await s.exec(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.sent))).all())

    deadline = time.monotonic() + 30
    while len(delivered()) < 110 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    # From here Telegram is slow: the sends under way hang (and are carried out later, as
    # Telegram does with a request whose sender has gone). What was delivered before has
    # the time to be noted; then the process is killed.
    h.emu.inject_delay("sendMessage", 5, times=len(chats))
    settle = time.monotonic() + 2
    while time.monotonic() < settle and (await noted() < len(delivered()) or not hanging()):
        await asyncio.sleep(0.05)
    calls_at_kill = len(h.emu.calls)
    hung = hanging()
    proc.send_signal(signal.SIGKILL)
    await asyncio.wait_for(proc.wait(), 10)
    h.emu.clear_faults()
    sent_before = len(delivered())
    assert 110 <= sent_before < len(chats) and hung
    await asyncio.sleep(1.1)  # past the claim timeout of the killed sender's rows
    # In flight at the crash: the hung sends, and those still on their way (read by the
    # server after the kill).
    in_flight = len(hung) + len([c for c in h.emu.calls[calls_at_kill:] if c.method == "sendMessage"])
    # The emulator lives in this event loop: wait for the restarted sender without blocking it.
    again = await asyncio.create_subprocess_exec(
        *cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(again.communicate(), 120)
    assert again.returncode == 0, err.decode()
    await h.emu.wait_idle(timeout=10)  # the hung sends have been carried out too
    received = {c: len(h.emu.messages(c)) for c in chats}
    assert all(n >= 1 for n in received.values()), [c for c, n in received.items() if n == 0]
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= in_flight, (duplicates, in_flight)
    async with h.sessionmaker() as s:
        statuses = {r.status for r in (await s.exec(select(OutboxMessage))).all()}
    assert statuses == {OutboxStatus.sent}
    assert admin.last.text == "Đã gửi xong thông báo: tổng số 320 tin, đã gửi 320 tin, không gửi được 0 tin."


async def test_weekly_prompt_carries_the_first_question_and_runs_once(h: Harness) -> None:
    friday = await h.register(25001, "Trần Thu Hà")
    paused = await h.register(25002, "Nguyễn Nghỉ")
    early = await h.register(25003, "Phạm Sớm")
    async with h.sessionmaker() as s:
        paused.paused_until = date(2026, 12, 10)
        early.checkin_weekday, early.checkin_time = 4, "09:00"
        s.add(paused)
        s.add(early)
        await s.commit()
        # Phạm Sớm already finished this week.
        svc = CheckinService(s, h.clock, h.rt.campaign)
        for g in h.rt.campaign.individual_criteria:
            await svc.answer(early, svc.current_week(early), g.code, Level.good)
        await svc.finish(early, svc.current_week(early))
    ha = h.emu.user(25001, "Hà", started=True)
    h.emu.user(25002, "Nghỉ", started=True)
    h.emu.user(25003, "Sớm", started=True)
    at = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 15:00 in Hà Nội
    h.clock.set(at)
    first = await run_job(ctx(h), "checkin_prompts", at)
    assert first.queued == 1 and first.lines == [f"prompt -> {friday.telegram_id}"]
    again = await run_job(ctx(h), "checkin_prompts", at + timedelta(minutes=1))
    assert again.queued == 0
    await sender(h).drain()
    prompt = ha.last
    assert "Đã đến giờ tự đánh giá" in prompt.text and "Câu 1/7" in prompt.text
    await ha.press("🟢 Tốt")
    assert "Câu 2/7" in ha.last.text and ha.last.message_id == prompt.message_id
    assert h.emu.messages(25002) == [] and h.emu.messages(25003) == []


async def test_monday_nudge_goes_to_those_who_missed_last_week(h: Harness) -> None:
    missed = await h.register(26001, "Đỗ Quên")
    skipped = await h.register(26002, "Lý Công Tác")
    h.emu.user(26001, "Quên", started=True)
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        await svc.skip(skipped, svc.current_week(skipped), "business_trip")
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
    h.clock.set(monday)
    res = await run_job(ctx(h), "missed_nudges", monday)
    assert res.lines == [f"nudge -> {missed.telegram_id}"]
    assert (await run_job(ctx(h), "missed_nudges", monday)).queued == 0
    await sender(h).drain()
    assert "Tuần trước" in h.emu.user(26001).last.text


async def test_deadline_reminder_sequence_and_done_button(h: Harness) -> None:
    leader_a = await h.register(27001, "Lãnh Đạo A", unit="SO-A", role=Role.leader)
    await h.register(27002, "Lãnh Đạo B", unit="SO-B", role=Role.leader)
    async with h.sessionmaker() as s:
        occ = await DeadlineService(s, h.clock, h.rt.campaign).add(
            date(2026, 12, 31), "Báo cáo sơ kết công tác văn hóa công sở năm 2026", None, 1, date(2026, 11, 25)
        )
    key = f"custom-{occ.id}@2026-12-31"
    days_sent: dict[int, list[int]] = {27001: [], 27002: []}
    a = h.emu.user(27001, "A", started=True)
    h.emu.user(27002, "B", started=True)
    day = date(2026, 11, 30)
    while day <= date(2027, 1, 2):
        at = datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
        h.clock.set(at)
        res = await run_job(ctx(h), "deadline_reminders", at)
        for line in res.lines:
            if key not in line:
                continue  # the annual report (§VI.1, before 15/12/2026) is reminded too
            chat = int(line.rsplit(" ", 1)[1])
            days_sent[chat].append((date(2026, 12, 31) - day).days)
        await sender(h).drain()
        if day == date(2026, 12, 24):  # after the 7-day reminder, A's unit is done
            await a.press("✅ Đơn vị đã hoàn thành", message=[m for m in a.messages if "Báo cáo sơ kết" in m.text][-1])
            assert "không nhắc nội dung này nữa" in a.last_answer.text
        day += timedelta(days=1)
    assert days_sent[27002] == [30, 14, 7, 3, 1, 0]
    assert days_sent[27001] == [30, 14, 7]
    first = next(m for m in a.messages if "Báo cáo sơ kết" in m.text)
    assert "Nhắc hạn" in first.text and "còn 30 ngày" in first.text
    async with h.sessionmaker() as s:
        [done] = (await s.exec(select(DeadlineDone).where(DeadlineDone.deadline_key == key))).all()
        st = await DeadlineService(s, h.clock, h.rt.campaign).status(key)
    assert done.unit_id == leader_a.unit_id
    assert [u.code for u in st.done] == ["SO-A"] and [u.code for u in st.pending] == ["SO-B"]


async def test_leader_digest_content_threshold_and_one_tap_nudge(h: Harness) -> None:
    leader = await h.register(28001, "Hoàng Trưởng", unit="VP", role=Role.leader)
    members = [await h.register(28010 + n, f"Cán Bộ {n}", unit="VP") for n in range(5)]
    week_start = h.clock.now()
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        for n, m in enumerate(members[:2]):  # only two answered: shares withheld
            for g in h.rt.campaign.individual_criteria:
                await svc.answer(
                    m, svc.current_week(m), g.code, Level.not_met if (n, g.code) == (0, "b") else Level.good
                )
            await svc.finish(m, svc.current_week(m))
    lead = h.emu.user(28001, "Trưởng", started=True)
    for m in members:
        h.emu.user(m.telegram_id, "CB", started=True)  # type: ignore[arg-type]
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00
    h.clock.set(monday)
    res = await run_job(ctx(h), "leader_digests", monday)
    assert res.queued == 2  # the card and its chart
    await sender(h).drain()
    card, chart = h.emu.messages(28001)
    text = card.text
    assert "Bản tổng hợp tuần, tuần 48" in text and "2/6 (33%)" in text
    assert "ẩn vì có dưới 3 người" in text
    assert "Chưa tự đánh giá (4)" in text and "Cán Bộ 2" in text and "Cán Bộ 0" not in text.split("Chưa tự đánh giá")[1]
    assert chart.photo is not None and chart.photo.data.startswith(b"\x89PNG")
    # The one-tap nudge: this week's prompt to each one not done, once a day.
    await lead.press("🔔 Nhắc tất cả người chưa tự đánh giá (3)", message=card)  # the leader aside
    assert "Đã xếp lịch gửi 3 lời nhắc" in lead.last_answer.text
    await lead.press("✓ Đã xếp lịch nhắc: Cán Bộ 2", message=card)  # the card marks the used buttons
    assert "đã được nhắc hôm nay" in lead.last_answer.text
    await sender(h).drain()
    assert "Lãnh đạo đơn vị nhắc" in h.emu.user(members[3].telegram_id).last.text  # type: ignore[arg-type]
    assert h.emu.messages(members[0].telegram_id) == []  # type: ignore[arg-type]
    # With three respondents the figures appear.
    h.clock.set(week_start + timedelta(days=7))
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        for m in members[:3]:
            for g in h.rt.campaign.individual_criteria:
                await svc.answer(m, svc.current_week(m), g.code, Level.good)
            await svc.finish(m, svc.current_week(m))
    monday2 = monday + timedelta(days=7)
    h.clock.set(monday2)
    await run_job(ctx(h), "leader_digests", monday2)
    await sender(h).drain()
    text = [m for m in h.emu.messages(28001) if m.text.startswith("Bản tổng hợp")][-1].text
    assert "3/6 (50%)" in text and "tuần trước 2/6 (33%) ↑" in text and "100% / 0% / 0%" in text
    del leader


async def test_catch_up_runs_a_missed_job_once(h: Harness) -> None:
    await h.register(29001, "Lãnh Đạo", unit="VP", role=Role.leader)
    h.emu.user(29001, "LĐ", started=True)
    h.clock.set(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Monday 10:00: the 08:00 digest was missed
    results = await run_due_jobs(ctx(h), h.clock.now())
    names = [r.job for r in results]
    assert "leader_digests" in names and "missed_nudges" in names
    again = await run_due_jobs(ctx(h), h.clock.now())
    assert "leader_digests" not in [r.job for r in again]
    async with h.sessionmaker() as s:
        runs = (await s.exec(select(JobRun).where(JobRun.job == "leader_digests"))).all()
    assert [r.period for r in runs] == ["202648"]


@pytest.mark.parametrize("backend", ["postgres", "redis", "sqlite-file"])
async def test_only_one_process_leads_the_scheduler(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from scheduler.runner import LeaderLock
    from storage.db import make_engine
    from tests.conftest import PG_URL, require_service

    if backend == "postgres":
        require_service("PostgreSQL", "127.0.0.1", 5432)
        engines = [make_engine(PG_URL), make_engine(PG_URL)]
        locks = [LeaderLock(e, None) for e in engines]
    elif backend == "sqlite-file":  # two bot processes on one file: the lock file decides
        engines = [make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}") for _ in range(2)]
        locks = [LeaderLock(e, None) for e in engines]
    else:
        redis_url = request.getfixturevalue("redis_url")
        engines = [make_engine("sqlite+aiosqlite:///:memory:"), make_engine("sqlite+aiosqlite:///:memory:")]
        locks = [LeaderLock(e, redis_url) for e in engines]
    try:
        assert await locks[0].acquire() is True
        assert await locks[1].acquire() is False
        assert await locks[0].renew() is True
        await locks[0].release()
        assert await locks[1].acquire() is True
    finally:
        for lock in locks:
            await lock.release()
        for e in engines:
            await e.dispose()


async def test_weekly_highlights_digest_reaches_comms_staff_once(h: Harness) -> None:
    await h.register(30001, "Trần Truyền Thông", role=Role.comms)
    await h.register(30002, "Người Lao Động")
    h.emu.user(30001, "TT", started=True)
    h.emu.user(30002, "NLĐ", started=True)
    monday = datetime(2026, 11, 30, 1, 15, tzinfo=UTC)  # Monday 08:15 in Hà Nội
    h.clock.set(monday)
    res = await run_job(ctx(h), "highlights_digest", monday)
    assert res.lines == ["highlights -> 30001"]
    assert (await run_job(ctx(h), "highlights_digest", monday)).queued == 0
    await sender(h).drain()
    assert "tuần 48" in h.emu.user(30001).last.text or "48" in h.emu.user(30001).last.text
    assert h.emu.messages(30002) == []


async def test_the_digest_lists_the_units_new_good_examples(h: Harness) -> None:
    from bot.services.examples import ExampleService
    from storage.examples import ExampleCategory, ExampleSubject

    leader = await h.register(31001, "Lãnh Đạo", unit="VP", role=Role.leader)
    author = await h.register(31002, "Người Viết", unit="VP")
    comms = await h.register(31003, "Truyền Thông", unit="VP", role=Role.comms)
    h.emu.user(31001, "LĐ", started=True)
    async with h.sessionmaker() as s:
        svc = ExampleService(s, h.clock)
        ex = await svc.start(author)
        await svc.choose_category(author, ex.id, ExampleCategory.initiative)
        await svc.choose_subject(author, ex.id, ExampleSubject.myself)
        await svc.tell_story(author, ex.id, "Số hóa hồ sơ một cửa, rút ngắn thời gian giải quyết còn một ngày <nhanh>")
        await svc.photos_done(author, ex.id)
        await svc.set_consent(author, ex.id, True)
        await svc.submit(author, ex.id)
        await svc.approve(comms, ex.id)
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    h.clock.set(monday)
    await run_job(ctx(h), "leader_digests", monday)
    await sender(h).drain()
    card = h.emu.messages(31001)[0].text
    assert "Gương điển hình mới (1)" in card and "Số hóa hồ sơ một cửa" in card and "<nhanh>" in card
    del leader


async def test_admins_keep_the_deadline_calendar(h: Harness) -> None:
    from tests.e2e.conftest import ADMIN_ID

    await h.register(ADMIN_ID, "Quản Trị", unit=None, role=Role.admin)
    await h.register(32001, "Lãnh Đạo A", unit="SO-A", role=Role.leader)
    await h.register(32002, "Lãnh Đạo B", unit="SO-B", role=Role.leader)
    admin = h.emu.user(ADMIN_ID, "QT", language_code="vi")
    await admin.send("/deadlines add 20/12/2026 Báo cáo kết quả Phong trào thi đua năm 2026")
    assert "Đã thêm mốc thời hạn (số 1)" in admin.last.text and "20/12/2026" in admin.last.text
    await admin.send("/deadlines add 01/01/2020 Quá hạn")
    assert "Ngày này đã qua" in admin.last.text
    await admin.send("/deadlines edit 1 18/12/2026 Báo cáo năm 2026 (sửa)")
    assert "Đã sửa mốc thời hạn số 1" in admin.last.text and "18/12/2026" in admin.last.text
    await admin.send("/deadlines")
    listing = admin.last.text
    assert "18/12/2026" in listing and "Báo cáo năm 2026 (sửa)" in listing and "đã xong 0/2" in listing
    # The 2019–2025 plan's period is over; its yearly report (§VI.1) goes on.
    assert "hết thời hạn ngày 31/12/2025" in listing and "14/12/2026: Báo cáo tình hình tổ chức thực hiện" in listing
    leader = h.emu.user(32001, "A", started=True)
    h.clock.set(datetime(2026, 12, 11, 1, 30, tzinfo=UTC))  # 7 days before, 08:30
    await run_job(ctx(h), "deadline_reminders", h.clock.now())
    await sender(h).drain()
    await leader.press(
        "✅ Đơn vị đã hoàn thành", message=[m for m in leader.messages if "Báo cáo năm 2026 (sửa)" in m.text][-1]
    )
    await admin.send("/deadlines status custom-1@2026-12-18")
    assert "Đã xong (1): SO-A" in admin.last.text and "Chưa xong (1): SO-B" in admin.last.text
    await admin.send("/deadlines remove 1")
    assert "Đã xóa mốc thời hạn số 1" in admin.last.text
    await admin.send("/deadlines remove 1")
    assert "Không có mốc thời hạn" in admin.last.text
    await admin.send("/deadlines frobnicate")
    assert "Cách dùng" in admin.last.text
    await leader.send("/deadlines")
    assert "không dành cho vai trò" in leader.last.text


async def run_cli(env: dict[str, str], *args: str) -> str:
    """`python -m bot ARGS` as an operator runs it; its standard output (it must succeed)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def test_jobs_from_the_command_line_with_now(h: Harness) -> None:
    """`jobs run NAME --now` queues as of that time, once; `jobs list` names them all."""
    await h.register(33001, "Lãnh Đạo", unit="VP", role=Role.leader)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": h.rt.settings.database_url, "LOG_LEVEL": "WARNING"}
    env.pop("BOT_TOKEN", None)

    def cli(*args: str) -> Awaitable[str]:
        return run_cli(env, *args)

    listing = await cli("jobs", "list")
    for name in ("checkin_prompts", "missed_nudges", "leader_digests", "highlights_digest", "deadline_reminders"):
        assert name in listing
    first = await cli("jobs", "run", "leader_digests", "--now", "2026-11-30T08:00")
    assert "leader_digests for 202648: 2 message(s) queued" in first and "digest -> 33001" in first
    again = await cli("jobs", "run", "leader_digests", "--now", "2026-11-30T08:00")
    assert "0 message(s) queued" in again


async def test_jobs_run_send_leaves_sending_to_the_running_bot(h: Harness) -> None:
    """On SQLite the running bot's scheduler holds the lock file: `jobs run --send` queues
    and leaves the sending to it (no message twice); with no bot running it sends."""
    from scheduler.runner import LeaderLock

    await h.register(33002, "Lãnh Đạo", unit="VP", role=Role.leader)
    h.emu.user(33002, "LĐ", started=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": h.rt.settings.database_url,
        "LOG_LEVEL": "WARNING",
        "BOT_TOKEN": h.rt.settings.token(),
        "TELEGRAM_API_URL": h.emu.url,
    }

    def cli(*args: str) -> Awaitable[str]:
        return run_cli(env, *args)

    running_bot = LeaderLock(h.rt.engine, None)
    assert await running_bot.acquire()
    try:
        out = await cli("jobs", "run", "leader_digests", "--now", "2026-11-30T08:00", "--send")
        queued = int(re.search(r"(\d+) message\(s\) queued", out).group(1))  # type: ignore[union-attr]
        assert queued >= 1 and "not sent from here" in out
        assert h.emu.messages(33002) == []
    finally:
        await running_bot.release()
    out = await cli("jobs", "run", "leader_digests", "--now", "2026-11-30T08:00", "--send")
    assert "0 message(s) queued" in out and f"sent {queued}, failed 0" in out
    assert len(h.emu.messages(33002)) == queued


async def test_jobs_run_with_a_later_now_beside_a_running_bot_is_sent_now(h: Harness) -> None:
    """Issue 14.20: `jobs run NAME --now <a later date> --send` beside a running bot queues
    messages the running bot sends at once (they used to wait in the outbox until that
    real date, silently), and the command says so."""
    from scheduler.runner import LeaderLock

    await h.register(33003, "Lãnh Đạo", unit="VP", role=Role.leader)
    h.emu.user(33003, "LĐ", started=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": h.rt.settings.database_url,
        "LOG_LEVEL": "WARNING",
        "BOT_TOKEN": h.rt.settings.token(),
        "TELEGRAM_API_URL": h.emu.url,
    }
    running_bot = LeaderLock(h.rt.engine, None)  # the running bot: it holds the lock and sends, on the real clock
    assert await running_bot.acquire()
    out = sender(h, real_time=True)
    out.idle_poll = 0.1
    sending = asyncio.create_task(out.run())
    try:
        later = (Clock().now() + timedelta(days=60)).astimezone(h.rt.settings.zone)
        monday = (later - timedelta(days=later.weekday())).replace(hour=8, minute=0, second=0, microsecond=0)
        printed = await run_cli(
            env, "jobs", "run", "leader_digests", "--now", monday.strftime("%Y-%m-%dT%H:%M"), "--send"
        )
        assert "2 message(s) queued" in printed and "not sent from here" in printed
        assert "the messages are due now" in printed
        deadline = time.monotonic() + 15
        while len(h.emu.messages(33003)) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert len(h.emu.messages(33003)) == 2  # the digest and its chart, now
    finally:
        out.stop()
        await sending
        await running_bot.release()


async def test_the_minute_prompt_job_finding_nobody_logs_nothing_at_info(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 14.22: the prompt job runs every minute; when it queues nothing it says so
    only at DEBUG. A job that queued something, or another job, is still logged."""
    import logging

    caplog.set_level(logging.INFO, logger="scheduler.jobs")
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    await run_job(ctx(h), "checkin_prompts", at)
    assert [r for r in caplog.records if r.name == "scheduler.jobs"] == []
    await h.register(34001, "Lãnh Đạo", unit="VP", role=Role.leader)
    await run_job(ctx(h), "leader_digests", datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    assert [r.getMessage() for r in caplog.records if r.name == "scheduler.jobs"] == [
        "job leader_digests for 202648 queued 2"
    ]

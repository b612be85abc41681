"""Unit leaders on Zalo, end to end over the fake Zalo server (issue 16.4): the Monday digest
(counting Telegram and Zalo people alike, its chart as a photo by its signed link), "nhắc"
and the digest's numbers (each member reminded at most once a day), a deadline reminder
answered "xong" (the unit marked done, the reminders stop), /unit, and the annual report
downloaded by its link (refused when altered, gone after 24 hours). On SQLite and
PostgreSQL (CI=true)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.domain import Level, Role
from bot.services.checkin import CheckinService
from bot.services.deadlines import DeadlineService
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from emulator.zalo import ZaloEmulator, ZaloUser
from scheduler.jobs import JobContext, run_job
from scheduler.outbox import OutboxSender, ZaloOutbox
from storage.delivery import DeadlineDone, OutboxMessage
from storage.models import User
from storage.repositories import UnitRepo
from tests.e2e.test_zalo_conversations import ZTOKEN, ZaloHarness, says

pytestmark = pytest.mark.timeout(180)

MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00 in Hà Nội, week 49
WEDNESDAY = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@dataclass
class Leaders:
    zh: ZaloHarness
    base: str  # the bot's web server (PUBLIC_URL)
    http: aiohttp.ClientSession

    async def person(self, full_name: str, *, zalo: str | None = None, telegram: int | None = None, role=Role.employee):  # noqa: ANN001, ANN201
        """Someone of unit VP who has finished setting up, on Zalo or on Telegram."""
        async with self.zh.sessionmaker() as s:
            if await UnitRepo(s).by_code("VP") is None:
                await UnitService(s, self.zh.clock).add("VP", "Văn phòng Bộ")
            token = (await InviteService(s, self.zh.clock).create("VP", role)).token
            svc = OnboardingService(s, self.zh.clock)
            if zalo is not None:
                user = await svc.accept_zalo(zalo, token, locale="vi", notice_version="test")
            else:
                assert telegram is not None
                user = await svc.accept(telegram, token, locale="vi", notice_version="test")
            user.full_name, user.position = full_name, "Chuyên viên"
            return await svc.finish(user)

    async def checked_in(self, user: User) -> None:
        async with self.zh.sessionmaker() as s:
            svc = CheckinService(s, self.zh.clock, self.ctx.campaign)
            me = await s.get(User, user.id)
            assert me is not None
            week = svc.current_week(me)
            for g in self.ctx.campaign.individual_criteria:
                await svc.answer(me, week, g.code, Level.good)
            await svc.finish(me, week)

    @property
    def ctx(self) -> JobContext:
        assert self.zh.rt is not None
        return JobContext(self.zh.sessionmaker, self.zh.clock, self.zh.rt.campaign, self.zh.rt.settings)

    async def job(self, name: str, at: datetime) -> int:
        self.zh.clock.set(at)
        queued = (await run_job(self.ctx, name, at)).queued
        await self.send_outbox()
        return queued

    async def send_outbox(self) -> None:
        """The outbox's Zalo side as the runtime has it with PUBLIC_URL: pictures by their links."""
        rt = self.zh.rt
        assert rt is not None and rt.zalo_client is not None and rt.zalo_files is not None
        zalo = ZaloOutbox(rt.zalo_client, rate=20, per_chat_interval=0, publish=rt.zalo_files.publish)
        await OutboxSender(None, self.zh.sessionmaker, self.zh.clock, zalo=zalo).drain(timeout=20)

    async def nudges(self) -> list[OutboxMessage]:
        async with self.zh.sessionmaker() as s:
            res = await s.exec(select(OutboxMessage).where(col(OutboxMessage.key).startswith("leader-nudge:")))
            return list(res.all())

    async def user(self, zalo_id: str) -> User:
        async with self.zh.sessionmaker() as s:
            return (await s.exec(select(User).where(User.zalo_id == zalo_id))).one()

    async def get(self, url: str) -> tuple[int, bytes]:
        async with self.http.get(url) as response:
            return response.status, await response.read()


@pytest.fixture
async def lz(db_url: str, clock: FixedClock) -> AsyncIterator[Leaders]:
    """The bot on Zalo with PUBLIC_URL: its own web server serves the signed links."""
    harness: ZaloHarness | None = None

    async def serve(request: web.Request) -> web.Response:
        assert harness is not None and harness.rt is not None and harness.rt.zalo_files is not None
        return await harness.rt.zalo_files.handler(request)

    app = web.Application()
    app.router.add_get("/f/{id}/{name}", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with ZaloEmulator(ZTOKEN) as emu, aiohttp.ClientSession() as http:
            harness = ZaloHarness(emu, db_url, clock, public_url=base)
            await harness.start()
            try:
                yield Leaders(harness, base, http)
            finally:
                assert harness.rt is not None
                await harness.rt.close()
    finally:
        await runner.cleanup()


def link_in(text: str, base: str) -> str:
    [url] = [line.rsplit(": ", 1)[1] for line in text.splitlines() if f"{base}/f/" in line]
    return url


async def test_the_digest_counts_both_channels_and_nudges_once_a_day(lz: Leaders) -> None:
    emu = lz.zh.emu
    await lz.person("Hoàng Văn Trưởng", zalo="zl-truong", role=Role.leader)
    await lz.person("Nguyễn Văn An", zalo="zl-an")
    await lz.person("Trần Thu Bình", zalo="zl-binh")
    tg_done = await lz.person("Phạm Telegram Cường", telegram=7001)
    tg_missing = await lz.person("Lê Telegram Dung", telegram=7002)
    truong, an_chat, binh = emu.user("zl-truong", "Trưởng"), emu.user("zl-an", "An"), emu.user("zl-binh", "Bình")
    # Week 48: An on Zalo and Cường on Telegram self-assess; Bình (Zalo) and Dung (Telegram) do not.
    await says(an_chat, "tự đánh giá")
    await says(an_chat, "1111111")
    await lz.checked_in(tg_done)

    assert await lz.job("leader_digests", MONDAY) == 2  # the card and its chart, to the leader on Zalo
    card, chart = truong.since_last_action[-2:]
    assert "Bản tổng hợp tuần" in card.shown and "Đơn vị: Văn phòng Bộ" in card.shown
    assert "Đã tự đánh giá: 2/5 (40%)" in card.shown  # An (Zalo) and Cường (Telegram) of five, the leader too
    assert "Trần Thu Bình" in card.shown and "Lê Telegram Dung" in card.shown
    assert "Nguyễn Văn An" not in card.shown and "Phạm Telegram Cường" not in card.shown
    assert "\n\nĐồng chí trả lời bằng số bên dưới, hoặc “nhắc” để nhắc tất cả người chưa tự đánh giá.\n\n" in card.shown
    assert "1 Nhắc tất cả người chưa tự đánh giá (2)" in card.shown
    assert chart.kind == "photo" and chart.photo_url.startswith(f"{lz.base}/f/")
    status, body = await lz.get(chart.photo_url)
    assert status == 200 and body.startswith(b"\x89PNG")

    # "1" on the digest: everyone it lists as not done is reminded, on their own channel.
    answer = await says(truong, "1")
    assert answer == "Đã xếp lịch gửi 2 lời nhắc; lời nhắc sẽ được gửi trong ít phút."
    rows = {m.user_id: m for m in await lz.nudges()}
    assert set(rows) == {tg_missing.id, (await lz.user("zl-binh")).id}
    assert rows[tg_missing.id].channel == "telegram"
    await lz.send_outbox()
    assert "Lãnh đạo đơn vị nhắc đồng chí" in binh.last.shown and binh.last.shown.endswith(
        "1 Tốt · 2 Đạt · 3 Chưa đạt · 4 Vắng tuần này"
    )
    assert "Câu 2/7" in await says(binh, "1")  # the reminder's own question, answered by its number

    # Wednesday, week 49: An and Cường have done it; "nhắc" reminds Bình and Dung, once a day each.
    lz.zh.clock.set(WEDNESDAY)
    await says(an_chat, "tự đánh giá")
    await says(an_chat, "1111111")
    await lz.checked_in(tg_done)
    assert await says(truong, "nhắc") == "Đã xếp lịch gửi 2 lời nhắc; lời nhắc sẽ được gửi trong ít phút."
    again = await says(truong, "nhắc")
    assert again == "Không có lời nhắc mới. 2 người đã được nhắc hôm nay."
    assert len(await lz.nudges()) == 4  # two on Monday, two today: never twice a day
    await lz.send_outbox()
    assert "Lãnh đạo đơn vị nhắc đồng chí" in binh.last.shown
    assert not any("Lãnh đạo đơn vị nhắc" in m.shown for m in an_chat.messages)  # done: never reminded
    lz.zh.clock.set(WEDNESDAY + timedelta(days=1))
    assert await says(truong, "Nhắc") == "Đã xếp lịch gửi 2 lời nhắc; lời nhắc sẽ được gửi trong ít phút."


async def test_a_deadline_reminder_answered_xong(lz: Leaders) -> None:
    leader = await lz.person("Hoàng Văn Trưởng", zalo="zl-truong", role=Role.leader)
    truong = lz.zh.emu.user("zl-truong", "Trưởng")
    async with lz.zh.sessionmaker() as s:
        await DeadlineService(s, lz.zh.clock, lz.ctx.campaign).add(
            date(2026, 12, 10), "Báo cáo sơ kết văn hóa công sở", None, None, date(2026, 11, 25)
        )
    # Thursday 26/11: 14 days before the sơ kết report, and the annual report's first reminder.
    assert await lz.job("deadline_reminders", datetime(2026, 11, 26, 1, 0, tzinfo=UTC)) == 2
    [sokết, annual] = truong.messages
    assert sokết.shown.startswith("📅 Nhắc hạn: còn 14 ngày\nBáo cáo sơ kết văn hóa công sở\nHạn cuối: 10/12/2026")
    assert "đồng chí trả lời “xong” (hoặc số bên dưới) để dừng nhắc" in sokết.shown
    assert "bấm nút" not in sokết.shown and sokết.shown.endswith("\n\n1 Đơn vị đã hoàn thành")
    assert "§VI.1" in annual.shown and annual.shown.endswith("1 Đơn vị đã hoàn thành")

    # "1" answers the newest reminder (the annual report's): done for the unit.
    done = await says(truong, "1")
    assert done.startswith("Đã ghi nhận đơn vị hoàn thành. Bot sẽ không nhắc nội dung này nữa.\n\n✅ Báo cáo tình hình")
    # "xong": the one reminder left, marked at once.
    assert await says(truong, "xong") == (
        "Đã ghi nhận đơn vị hoàn thành. Bot sẽ không nhắc nội dung này nữa.\n\n"
        "✅ Báo cáo sơ kết văn hóa công sở: đơn vị đã hoàn thành (26/11/2026)."
    )
    assert await says(truong, "Xong") == "Không có nhắc hạn nào đang chờ đơn vị của đồng chí."
    async with lz.zh.sessionmaker() as s:
        rows = (await s.exec(select(DeadlineDone))).all()
    assert {(r.deadline_key.split("@")[0], r.unit_id, r.done_by) for r in rows} == {
        ("custom-1", leader.unit_id, leader.id),
        ("annual-report", leader.unit_id, leader.id),
    }
    # The reminders stop: seven days before, nothing for this unit.
    assert await lz.job("deadline_reminders", datetime(2026, 12, 3, 1, 0, tzinfo=UTC)) == 0
    assert truong.last.shown == "Không có nhắc hạn nào đang chờ đơn vị của đồng chí."


async def test_xong_when_several_deadlines_wait(lz: Leaders) -> None:
    await lz.person("Hoàng Văn Trưởng", zalo="zl-truong", role=Role.leader)
    truong = lz.zh.emu.user("zl-truong", "Trưởng")
    async with lz.zh.sessionmaker() as s:
        await DeadlineService(s, lz.zh.clock, lz.ctx.campaign).add(
            date(2026, 12, 10), "Báo cáo sơ kết văn hóa công sở", None, None, date(2026, 11, 25)
        )
    await lz.job("deadline_reminders", datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    await says(truong, "đơn vị")  # another menu in between: "xong" still knows what waits
    listed = await says(truong, "xong")
    assert listed.startswith("Có nhiều hạn đang chờ đơn vị của đồng chí. Đồng chí chọn hạn đã hoàn thành:")
    assert "\n1 10/12/2026: Báo cáo sơ kết văn hóa công sở\n2 14/12/2026: Báo cáo tình hình" in listed
    assert "Báo cáo sơ kết văn hóa công sở: đơn vị đã hoàn thành" in await says(truong, "1")
    assert "Đồng chí trả lời bằng một số từ 1 đến" not in await says(truong, "xong")  # the other one, at once
    assert await says(truong, "xong") == "Không có nhắc hạn nào đang chờ đơn vị của đồng chí."


async def test_unit_and_the_annual_report_by_its_link(lz: Leaders) -> None:
    await lz.person("Hoàng Văn Trưởng", zalo="zl-truong", role=Role.leader)
    for n in range(3):
        await lz.checked_in(await lz.person(f"Cán Bộ {n}", zalo=f"zl-{n}"))
    truong = lz.zh.emu.user("zl-truong", "Trưởng")
    lz.zh.clock.set(WEDNESDAY)
    await truong.send("đơn vị")
    card, chart = truong.since_last_action
    assert card.shown.startswith("Văn phòng Bộ — ") and "Đã tự đánh giá: 3/4 (75%)" in card.shown
    assert "Từ đầu tuần đến nay: 0/4 (0%)" in card.shown and card.shown.endswith("\n\n1 Tuần trước · 2 Biểu đồ")
    assert chart.kind == "photo" and (await lz.get(chart.photo_url))[1].startswith(b"\x89PNG")
    earlier = await says(truong, "1")  # the week before, by its number
    assert earlier.startswith("Văn phòng Bộ — tuần 47 (16/11–22/11/2026)\nĐã tự đánh giá: 0/0 (—)")
    assert earlier.endswith("\n\n1 Tuần trước · 2 Tuần sau · 3 Biểu đồ")
    assert "Đã tự đánh giá: 3/4 (75%)" in await says(truong, "2")  # the week after: back to week 48
    assert "Văn phòng Bộ — " in await says(truong, "/unit")

    text = await says(truong, "báo cáo")
    assert text.startswith("Báo cáo năm 2026, Văn phòng Bộ — dự thảo để đồng chí chỉnh sửa và ký ban hành.")
    assert "\nSố lượt tự đánh giá đã hoàn thành: 3/8 (38%).\n\n1 Báo cáo năm 2024 · 2 Báo cáo năm 2025\n" in text
    url = link_in(text, lz.base)
    assert "/bao-cao-van-hoa-cong-so_VP_2026.docx?e=" in url
    status, body = await lz.get(url)
    assert status == 200 and body.startswith(b"PK")
    assert (await lz.get(url.replace("_VP_", "_XX_")))[0] == 403  # another name: the signature fails
    assert (await lz.get(url[:-1] + ("0" if url[-1] != "0" else "1")))[0] == 403  # the signature altered
    older = link_in(await says(truong, "1"), lz.base)  # another year, by its number
    assert "/bao-cao-van-hoa-cong-so_VP_2024.docx?e=" in older and (await lz.get(older))[0] == 200
    lz.zh.clock.set(WEDNESDAY + timedelta(hours=23, minutes=59))
    assert (await lz.get(url))[0] == 200  # still within the day
    lz.zh.clock.set(WEDNESDAY + timedelta(hours=24, minutes=1))
    assert (await lz.get(url))[0] == 410  # a day later: gone


async def test_without_public_url_documents_are_on_telegram_and_tools_stay_there(
    db_url: str, clock: FixedClock
) -> None:
    async with ZaloEmulator(ZTOKEN) as emu:
        zh = ZaloHarness(emu, db_url, clock)
        await zh.start()
        lz = Leaders(zh, "", None)  # type: ignore[arg-type]
        try:
            await lz.person("Hoàng Văn Trưởng", zalo="zl-truong", role=Role.leader)
            await lz.person("Đỗ Truyền Thông", zalo="zl-comms", role=Role.comms)
            await lz.person("Nguyễn Văn An", zalo="zl-an")
            truong, comms, an = emu.user("zl-truong", "T"), emu.user("zl-comms", "C"), emu.user("zl-an", "A")
            text = await says(truong, "Báo cáo")
            assert "tệp tải về được trên Telegram, hoặc đề nghị quản trị viên gửi" in text and "http" not in text
            assert "“nhắc”" in await says(truong, "trợ giúp")
            assert await says(truong, "/nominate") == (
                "Chức năng /nominate hiện thực hiện trên Telegram. Trên Zalo, lãnh đạo đơn vị nhận bản tổng hợp "
                "hằng tuần và dùng các lệnh “nhắc”, “xong”, “đơn vị”, “báo cáo”."
            )
            said = await says(comms, "duyệt")
            assert said.startswith("Chức năng /review hiện thực hiện trên Telegram")
            assert "“nhắc”" not in await says(comms, "trợ giúp")
            assert (
                await says(an, "nhắc")
                == "Xin lỗi, chức năng này không dành cho vai trò của đồng chí. Thao tác đã được ghi nhận."
            )
            assert await says(an, "/review") == (
                "Chức năng này không thuộc phạm vi của đồng chí. Đồng chí gửi “trợ giúp” để xem các chức năng."
            )
        finally:
            assert zh.rt is not None
            await zh.rt.close()

"""Zalo end to end: the bot's runtime polls the fake Zalo server (emulator/zalo.py) and the
conversations answer over its HTTP interface, as a person has them on their phone:
onboarding by invitation code, a self-assessment with a Chưa đạt and its points, the
one-message week, a restart in the middle, bad input, and the scheduler's prompt and nudge
through the outbox. On SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.app import Runtime, build_runtime
from bot.clock import FixedClock
from bot.config import load_settings
from bot.domain import CheckInStatus, Level
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from emulator.zalo import ZaloEmulator, ZaloUser
from scheduler.jobs import JobContext, run_job
from scheduler.outbox import OutboxSender, ZaloOutbox
from storage.models import CheckIn, CheckInAnswer, ConsentRecord, User
from storage.repositories import UnitRepo

pytestmark = pytest.mark.timeout(120)

ZTOKEN = "1234567890:zalo-TEST-secret-token"
MENU = "1 Tốt · 2 Đạt · 3 Chưa đạt · 4 Vắng tuần này"


@dataclass
class ZaloHarness:
    emu: ZaloEmulator
    db_url: str
    clock: FixedClock
    rt: Runtime | None = None
    public_url: str | None = None  # the bot's web server (PUBLIC_URL): files as signed links

    async def start(self) -> None:
        cfg = load_settings(
            database_url=self.db_url,
            bot_token=None,
            zalo_bot_token=ZTOKEN,
            zalo_api_url=self.emu.url,
            public_url=self.public_url,
        )
        self.rt = await build_runtime(cfg, clock=self.clock, scheduler=False, zalo_concurrent=False)
        assert self.rt.zalo is not None
        self.rt.zalo.poll_wait = 1
        self.rt.zalo.start_polling()

    async def restart(self) -> None:
        """The process stops and starts again: nothing is kept in memory."""
        assert self.rt is not None
        await self.rt.close()
        # The stopped process's last getUpdates is still open on the fake server until its
        # 1 s long-poll timeout: an event sent before then would go to the closed connection.
        await asyncio.sleep(1.2)
        await self.start()

    @property
    def sessionmaker(self):  # noqa: ANN201
        assert self.rt is not None
        return self.rt.sessionmaker

    async def register(self, zalo_id: str, full_name: str, *, unit: str = "VP") -> User:
        async with self.sessionmaker() as s:
            if await UnitRepo(s).by_code(unit) is None:
                await UnitService(s, self.clock).add(unit, f"Đơn vị {unit}")
            token = (await InviteService(s, self.clock).create(unit)).token
            svc = OnboardingService(s, self.clock)
            user = await svc.accept_zalo(zalo_id, token, locale="vi", notice_version="test")
            user.full_name, user.position = full_name, "Chuyên viên"
            return await svc.finish(user)

    async def answers(self) -> dict[str, CheckInAnswer]:
        async with self.sessionmaker() as s:
            return {a.criterion: a for a in (await s.exec(select(CheckInAnswer))).all()}

    async def checkin(self) -> CheckIn | None:
        async with self.sessionmaker() as s:
            return (await s.exec(select(CheckIn))).first()

    async def send_outbox(self) -> None:
        assert self.rt is not None and self.rt.zalo_client is not None
        zalo = ZaloOutbox(self.rt.zalo_client, rate=20, per_chat_interval=0)
        await OutboxSender(None, self.sessionmaker, self.clock, zalo=zalo).drain(timeout=20)


async def says(person: ZaloUser, text: str) -> str:
    """What the bot answered, its messages joined."""
    await person.send(text)
    return "\n".join(m.shown for m in person.since_last_action)


@pytest.fixture
async def zh(db_url: str, clock: FixedClock) -> AsyncIterator[ZaloHarness]:
    async with ZaloEmulator(ZTOKEN) as emu:
        harness = ZaloHarness(emu, db_url, clock)
        await harness.start()
        yield harness
        assert harness.rt is not None
        await harness.rt.close()


async def test_onboarding_by_invitation_code(zh: ZaloHarness) -> None:
    async with zh.sessionmaker() as s:
        await UnitService(s, zh.clock).add("SO-TN", "Sở Tài nguyên và Môi trường")
        code = (await InviteService(s, zh.clock).create("SO-TN")).code
    assert code is not None
    an = zh.emu.user("zl-an", "An")
    assert "mã mời" in await says(an, "Chào bot")
    assert "Mã mời không hợp lệ" in await says(an, "ABCD-EFGH")
    notice = await says(an, f"{code[:4].lower()} {code[4:].lower()}")
    assert "Sở Tài nguyên và Môi trường" in notice and "1 Tôi đồng ý · 2 Tôi không đồng ý" in notice
    async with zh.sessionmaker() as s:  # nothing stored before consent
        assert (await s.exec(select(User))).first() is None
    assert "1 Tiếng Việt · 2 English" in await says(an, "1")
    assert "họ và tên" in await says(an, "1")
    assert "Chức vụ" in await says(an, "Nguyễn Văn An")
    assert "1 Giữ Thứ Sáu lúc 15:00 · 2 Chọn ngày giờ khác" in await says(an, "Chuyên viên")
    welcome = await says(an, "1")
    assert "Chào mừng đồng chí Nguyễn Văn An!" in welcome and "mỗi nhóm trả lời một số" in welcome
    assert all("<" not in m.shown for m in an.messages)  # plain text throughout
    async with zh.sessionmaker() as s:
        user = (await s.exec(select(User))).one()
        assert (user.zalo_id, user.telegram_id, user.full_name, user.position) == (
            "zl-an",
            None,
            "Nguyễn Văn An",
            "Chuyên viên",
        )
        assert user.onboarded_at is not None and user.unit_id is not None
        assert (await s.exec(select(ConsentRecord))).one().user_id == user.id


async def test_a_full_week_with_a_not_met_and_its_points(zh: ZaloHarness) -> None:
    await zh.register("zl-lan", "Nguyễn Thị Lan")
    lan = zh.emu.user("zl-lan", "Lan")
    first = await says(lan, "Tự đánh giá")
    assert "Câu 1/7" in first and first.endswith(MENU)
    await says(lan, "1")
    points = await says(lan, "3")  # b) Chưa đạt
    assert "b) Chuyên môn, nghiệp vụ — Chưa đạt" in points
    assert "1 Học tập nâng cao trình độ\n2 Chủ động phối hợp\n3 Báo cáo trung thực, khách quan\n4 Tiếp tục" in points
    assert "1 Bỏ qua" in await says(lan, "2 3")
    assert "Đã lưu ghi chú." in await says(lan, "Chưa chủ động phối hợp với phòng bạn.")
    for _ in range(4):  # c, d, đ, e
        await says(lan, "1")
    wrapup = await says(lan, "2")  # f) Đạt: the wrap-up
    assert "Đã trả lời đủ 7 nhóm" in wrapup and wrapup.endswith("1 Có gương điển hình · 2 Hoàn tất")
    assert "Đã lưu cảm nhận." in await says(lan, "Một tuần làm việc tốt.")
    summary = await says(lan, "2")
    assert "Tốt 5 · Đạt 1 · Chưa đạt 1" in summary
    assert "Chưa đạt (Chủ động phối hợp; Báo cáo trung thực, khách quan)" in summary
    answers = await zh.answers()
    assert answers["b"].level == Level.not_met and answers["b"].sub_items == "b2,b3"
    assert answers["b"].note == "Chưa chủ động phối hợp với phòng bạn."
    assert answers["f"].level == Level.ok
    row = await zh.checkin()
    assert row is not None and row.status == CheckInStatus.done and row.reflection == "Một tuần làm việc tốt."
    assert all(len(m.shown) <= 2000 for m in lan.messages)


async def test_the_one_message_week(zh: ZaloHarness) -> None:
    await zh.register("zl-hoa", "Lê Thị Hoa")
    hoa = zh.emu.user("zl-hoa", "Hoa")
    assert "“1111111”" in await says(hoa, "/checkin")
    summary = await says(hoa, "1111111")
    assert "Tốt 7 · Đạt 0 · Chưa đạt 0" in summary
    row = await zh.checkin()
    assert row is not None and row.status == CheckInStatus.done
    assert {a.level for a in (await zh.answers()).values()} == {Level.good}
    # "tốt hết" on a finished week: nothing left to answer, the summary again.
    assert "không còn câu hỏi" in await says(hoa, "tốt hết")


async def test_all_good_in_words_after_a_confirmation(zh: ZaloHarness) -> None:
    await zh.register("zl-minh", "Phạm Minh")
    minh = zh.emu.user("zl-minh", "Minh")
    ask = await says(minh, "tốt hết")
    assert "cả 7 nhóm tiêu chuẩn còn lại đều đạt mức Tốt?" in ask
    assert ask.endswith("1 Đúng, tất cả đều Tốt · 2 Không, trả lời từng câu")
    assert await zh.checkin() is None
    assert "Câu 1/7" in await says(minh, "2")  # no: one by one
    await says(minh, "tốt hết")
    assert "Tốt 7 · Đạt 0 · Chưa đạt 0" in await says(minh, "1")


async def test_restart_in_the_middle_resumes(zh: ZaloHarness) -> None:
    await zh.register("zl-nam", "Vũ Nam")
    nam = zh.emu.user("zl-nam", "Nam")
    await says(nam, "tự đánh giá")
    await says(nam, "1")
    await says(nam, "3")  # b) Chưa đạt: the points step
    await zh.restart()
    assert "1 Bỏ qua" in await says(nam, "1")  # b1, read against the menu shown before the restart
    assert "Câu 3/7" in await says(nam, "1")  # no note
    await zh.restart()
    summary = await says(nam, "11111")
    assert "Tốt 6 · Đạt 0 · Chưa đạt 1" in summary
    assert (await zh.answers())["b"].sub_items == "b1"


async def test_bad_input_gets_a_hint_and_the_question_again(zh: ZaloHarness) -> None:
    await zh.register("zl-yen", "Hoàng Yến")
    yen = zh.emu.user("zl-yen", "Yến")
    await says(yen, "tự đánh giá")
    await says(yen, "1")
    await yen.send_sticker()
    sticker = "\n".join(m.shown for m in yen.since_last_action)
    assert "nhãn dán" in sticker and "Câu 2/7" in sticker and sticker.endswith(MENU)
    await yen.send_image("https://photo.zalo.me/abc.jpg", "ảnh")
    assert "Câu 2/7" in "\n".join(m.shown for m in yen.since_last_action)
    out_of_range = await says(yen, "7")
    assert "từ 1 đến 4" in out_of_range and "Câu 2/7" in out_of_range
    unknown = await says(yen, "hôm nay thế nào")
    assert "1 Tốt · 2 Đạt · 3 Chưa đạt" in unknown and "Câu 2/7" in unknown
    wrong_count = await says(yen, "1234")
    assert "6 chữ số" in wrong_count
    await says(yen, "3")
    await says(yen, "0")  # no points: the note
    too_long = await says(yen, "Ghi chú " + "x" * 600)
    assert "500 ký tự" in too_long and too_long.endswith("1 Bỏ qua")
    answers = await zh.answers()
    assert answers["a"].level == Level.good and answers["b"].level == Level.not_met and answers["b"].note is None
    assert "Câu 3/7" in await says(yen, "Ghi chú ngắn.")
    # A reply to last week's question, once that week has closed: this week's question instead.
    zh.clock.advance(days=7)
    closed = await says(yen, "1")
    assert "Phiếu tự đánh giá này đã đóng" in closed
    assert "Câu 1/7" in closed and "tuần 49" in closed
    assert (await zh.answers())["a"].level == Level.good  # last week's answers kept


async def test_the_prompt_and_the_nudge_reach_a_zalo_person(zh: ZaloHarness) -> None:
    await zh.register("zl-ha", "Trần Thu Hà")
    ha = zh.emu.user("zl-ha", "Hà")
    assert zh.rt is not None
    ctx = JobContext(zh.sessionmaker, zh.clock, zh.rt.campaign, zh.rt.settings)
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday 15:00 in Hà Nội
    zh.clock.set(friday)
    assert (await run_job(ctx, "checkin_prompts", friday)).queued == 1
    await zh.send_outbox()
    prompt = ha.last.shown
    assert "Đã đến giờ tự đánh giá tuần này: một phút, mỗi nhóm trả lời một số." in prompt
    assert "Câu 1/7" in prompt and prompt.endswith(MENU)
    assert "Câu 2/7" in await says(ha, "1")  # the prompt's own question, answered by its number
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00: last week not finished
    zh.clock.set(monday)
    assert (await run_job(ctx, "missed_nudges", monday)).queued == 1
    await zh.send_outbox()
    nudge = ha.last.shown
    assert "Tuần trước" in nudge and "Câu 1/7" in nudge and "tuần 49" in nudge
    assert "Câu 2/7" in await says(ha, "2")
    async with zh.sessionmaker() as s:
        weeks = {c.week: c for c in (await s.exec(select(CheckIn))).all()}
    assert set(weeks) == {202648, 202649}


@pytest.fixture
async def pictures() -> AsyncIterator[str]:
    """Where Zalo keeps the pictures people send: a local server (two photos, one too large,
    one that is not a picture)."""
    from aiohttp import web

    from bot.services.examples import MAX_PHOTO_BYTES
    from tests.example_images import jpeg

    files = {
        "a.jpg": jpeg((200, 60, 40), gps=True),
        "b.jpg": jpeg((40, 160, 60)),
        "big.jpg": b"\xff" * (MAX_PHOTO_BYTES + 1),
        "text.jpg": b"not a picture at all",
    }

    async def serve(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in files:
            return web.Response(status=404)
        return web.Response(body=files[name], content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/p/{name}", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/p"
    await runner.cleanup()


async def test_share_with_two_photos(zh: ZaloHarness, pictures: str) -> None:
    from bot.domain import ExampleStatus
    from storage.examples import ExamplePhoto, GoodExample
    from tests.example_images import gps_of

    await zh.register("zl-thao", "Lý Thảo")
    thao = zh.emu.user("zl-thao", "Thảo")
    start = await says(thao, "chia sẻ")
    assert "bước 1/6" in start and "\n1 " in start
    assert "bước 2/6" in await says(thao, "1")
    assert "họ và tên" in (await says(thao, "2")).lower()  # a colleague: their name
    assert "bước 3/6" in await says(thao, "Trần Văn Bình")
    await thao.send_image(f"{pictures}/a.jpg")
    assert "bước 4" in "\n".join(m.shown for m in thao.since_last_action)  # photos come after the story
    photos = await says(
        thao, "Đồng chí Bình ở lại đến 20 giờ để hoàn thành hồ sơ cấp giấy chứng nhận cho người dân đúng hẹn."
    )
    assert "bước 4/6" in photos and "gửi 1 để tiếp tục" in photos
    await thao.send_image(f"{pictures}/a.jpg", "ảnh 1")
    assert "1/5" in "\n".join(m.shown for m in thao.since_last_action)
    await thao.send_image(f"{pictures}/big.jpg")
    assert "10 MB" in "\n".join(m.shown for m in thao.since_last_action)  # too large: refused, said so
    await thao.send_image(f"{pictures}/text.jpg")
    unreadable = "\n".join(m.shown for m in thao.since_last_action)
    assert "Không đọc được tệp này dưới dạng hình ảnh" in unreadable and "1/5" in unreadable
    await thao.send_image(f"{pictures}/b.jpg")
    assert "2/5" in "\n".join(m.shown for m in thao.since_last_action)
    assert "bước 5/6" in await says(thao, "1")  # continue
    preview = await says(thao, "1")  # names may be published
    assert "bước 6/6" in preview and "Trần Văn Bình" in preview and "Ảnh: 2" in preview
    sent = await says(thao, "1")
    assert "#" in sent and "/myshares" in sent
    async with zh.sessionmaker() as s:
        ex = (await s.exec(select(GoodExample))).one()
        assert ex.status == ExampleStatus.submitted and ex.subject_name == "Trần Văn Bình" and ex.consent_names
        photos_kept = (await s.exec(select(ExamplePhoto))).all()
        assert len(photos_kept) == 2 and all(not gps_of(p.data) for p in photos_kept)  # stripped
    mine = await says(thao, "gương điển hình của tôi")
    assert "#1" in mine and "Đồng chí Bình ở lại đến 20 giờ" in mine and "đang chờ xem xét" in mine


async def test_with_public_url_the_chart_is_a_photo_and_mydata_gives_links(db_url: str, clock: FixedClock) -> None:
    """PUBLIC_URL set: /history's chart goes as a photo by its signed address, and /mydata's
    Word and JSON files as links that work (the bot's own web server serves them)."""
    import json

    import aiohttp
    from aiohttp import web

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
                await harness.register("zl-lan", "Nguyễn Thị Lan")
                lan = emu.user("zl-lan", "Lan")
                await says(lan, "tự đánh giá")
                await says(lan, "1111111")
                await lan.send("lịch sử")
                [text, photo] = lan.since_last_action
                assert "Số tuần liên tiếp: 1" in text.shown and photo.kind == "photo"
                assert photo.photo_url.startswith(f"{base}/f/") and "Xu hướng" in (photo.caption or "")
                async with http.get(photo.photo_url) as response:
                    assert response.status == 200 and (await response.read()).startswith(b"\x89PNG")
                summary = await says(lan, "dữ liệu của tôi")
                assert "Họ và tên: Nguyễn Thị Lan" in summary and "1 tuần được lưu (1 tuần đã hoàn thành" in summary
                links = [line.rsplit(": ", 1)[1] for line in summary.splitlines() if f"{base}/f/" in line]
                assert len(links) == 2
                async with http.get(links[0]) as response:
                    assert response.status == 200 and (await response.read()).startswith(b"PK")  # DOCX
                async with http.get(links[1]) as response:
                    data = json.loads(await response.read())
                    assert data["profile"]["zalo_id"] == "zl-lan" and data["checkins"][0]["status"] == "done"
                async with http.get(links[1].replace("e=", "e=1")) as response:
                    assert response.status == 403  # altered
            finally:
                assert harness.rt is not None
                await harness.rt.close()
    finally:
        await runner.cleanup()


async def test_a_leader_on_zalo_digest_nudges_deadline_and_unit(zh: ZaloHarness) -> None:
    """A leader with only Zalo: the Monday digest counts Zalo and Telegram people alike;
    "nhắc" reminds those not done, on their own channels, once a day; a deadline reminder
    answered "xong" marks the unit done; "đơn vị" shows the unit's figures."""
    from bot.domain import Role
    from bot.services.checkin import CheckinService
    from storage.delivery import DeadlineDone, OutboxMessage

    lead = await zh.register("zl-lead", "Hoàng Trưởng", unit="SO")
    async with zh.sessionmaker() as s:  # made a leader, as an administrator's invitation would
        lead.role = Role.leader
        s.add(lead)
        await s.commit()
    m1 = await zh.register("zl-m1", "Zalo Một", unit="SO")
    await zh.register("zl-m2", "Zalo Hai", unit="SO")
    async with zh.sessionmaker() as s:  # two colleagues on Telegram
        tg = []
        for tid, name in ((40001, "Telegram Một"), (40002, "Telegram Hai")):
            token = (await InviteService(s, zh.clock).create("SO")).token
            svc = OnboardingService(s, zh.clock)
            person = await svc.accept(tid, token, locale="vi", notice_version="test")
            person.full_name = name
            tg.append(await svc.finish(person))
        checkin = CheckinService(s, zh.clock, zh.rt.campaign if zh.rt else None)  # type: ignore[arg-type]
        for person in (lead, m1, tg[0]):  # three of five self-assess in week 48
            week = checkin.current_week(person)
            for g in checkin.campaign.individual_criteria:
                await checkin.answer(person, week, g.code, Level.good)
            await checkin.finish(person, week)
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội
    zh.clock.set(monday)
    assert zh.rt is not None
    boss, hai = zh.emu.user("zl-lead", "Trưởng"), zh.emu.user("zl-m2", "Hai")  # their chats with the bot
    ctx = JobContext(zh.sessionmaker, zh.clock, zh.rt.campaign, zh.rt.settings)
    assert (await run_job(ctx, "leader_digests", monday)).queued == 2  # the card and its chart
    await zh.send_outbox()
    digest = "\n".join(m.shown for m in boss.messages)
    assert "Bản tổng hợp tuần, tuần 48" in digest and "3/5" in digest  # Zalo and Telegram people alike
    assert "Zalo Hai" in digest and "Telegram Hai" in digest
    reply = await says(boss, "nhắc")
    assert "2 lời nhắc" in reply
    async with zh.sessionmaker() as s:
        nudges = (await s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge"))).all()
    assert sorted((n.channel, n.zalo_chat_id or str(n.chat_id)) for n in nudges) == [
        ("telegram", "40002"),
        ("zalo", "zl-m2"),
    ]
    assert "đã được nhắc hôm nay" in await says(boss, "nhắc")  # once a day each
    await zh.send_outbox()
    assert "Lãnh đạo đơn vị nhắc" in hai.last.shown and "Câu 1/7" in hai.last.shown
    assert "Câu 2/7" in await says(hai, "1")  # the nudge's question, answered by number

    # The annual report (§VI.1, due 15/12): 14 days ahead, a reminder.
    assert (await run_job(ctx, "deadline_reminders", monday)).queued == 1
    await zh.send_outbox()
    reminder = boss.last.shown
    assert reminder.startswith("📅 Nhắc hạn: còn 14 ngày") and reminder.endswith("1 Đơn vị đã hoàn thành")
    done = await says(boss, "xong")
    assert done.startswith("Đã ghi nhận đơn vị hoàn thành.") and "đơn vị đã hoàn thành (30/11/2026)" in done
    async with zh.sessionmaker() as s:
        [row] = (await s.exec(select(DeadlineDone))).all()
        assert row.deadline_key == "annual-report@2026-12-15" and row.unit_id == lead.unit_id
    assert (await run_job(ctx, "deadline_reminders", monday + timedelta(days=7))).queued == 0  # no more

    unit = await says(boss, "đơn vị")
    assert "Đơn vị SO" in unit and "3/5" in unit
    assert "không dành cho vai trò" in await says(hai, "đơn vị")  # not a leader: refused

"""Zalo's transport in the bot's process, over the fake Zalo server: settings, the runtime
beside Telegram or alone, events by long polling and by webhook (secret checked, malformed
bodies 400), each event once, and the outbox sending to each person's own channel at Zalo's
pace (429 pauses, 5xx retried, a blocked person marked inactive). On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import Runtime, build_runtime
from bot.channels.telegram.render import payload
from bot.channels.zalo.client import SECRET_HEADER, ZaloClient
from bot.channels.zalo.types import Incoming
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.services.delivery import DeliveryService, Outgoing
from bot.views.actions import CheckinAct, CheckinStep
from bot.views.screen import Button, Screen, rows
from emulator import TelegramEmulator
from emulator.zalo import ZaloEmulator
from scheduler.outbox import OutboxSender, ZaloOutbox
from storage.db import make_engine, make_sessionmaker
from storage.delivery import OutboxMessage, OutboxStatus, PublishedFile
from storage.models import User

pytestmark = pytest.mark.timeout(60)

ZTOKEN = "1234567890:zalo-TEST-secret-token"
TTOKEN = "123456:TEST-token-of-the-bot-0000000"


@pytest.fixture
async def zemu() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(ZTOKEN) as server:
        yield server


class Recorder:
    """Stands for the conversations (their one entry point: feed)."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []

    async def feed(self, incoming: Incoming) -> None:
        self.seen.append(incoming)


async def runtime(db_url: str, clock: FixedClock, feed: Any, **env: Any) -> Runtime:
    cfg = load_settings(database_url=db_url, bot_token=None, **env)
    return await build_runtime(cfg, clock=clock, scheduler=False, zalo_feed=feed, zalo_concurrent=False)


# -- settings ------------------------------------------------------------------------------------


def test_bad_zalo_settings_are_one_line_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^ZALO_WEBHOOK_SECRET: must have 8 to 256"):
        load_settings(zalo_webhook_secret="short")
    with pytest.raises(ConfigError, match=r"^ZALO_WEBHOOK_URL: must start with https://"):
        load_settings(zalo_webhook_url="bot.example.gov.vn/zalo")
    with pytest.raises(ConfigError, match=r"^ZALO_SEND_RATE"):
        load_settings(zalo_send_rate=0)
    with pytest.raises(ConfigError, match="ZALO_BOT_TOKEN is malformed"):
        load_settings(zalo_bot_token="not a token").zalo_token()
    with pytest.raises(ConfigError, match="ZALO_WEBHOOK_SECRET is not set"):
        load_settings(zalo_bot_token=ZTOKEN, zalo_webhook_url="https://bot.example.gov.vn/zalo").zalo_webhook()
    cfg = load_settings(zalo_bot_token=ZTOKEN)
    assert cfg.zalo_api_url == "https://bot-api.zaloplatforms.com" and cfg.zalo_token() == ZTOKEN
    assert cfg.has_zalo and cfg.zalo_webhook() is None


# -- receiving -------------------------------------------------------------------------------------


async def test_zalo_alone_polls_and_hands_each_event_once(db_url: str, clock: FixedClock, zemu: ZaloEmulator) -> None:
    rec = Recorder()
    rt = await runtime(db_url, clock, rec.feed, zalo_bot_token=ZTOKEN, zalo_api_url=zemu.url)
    assert rt.bot is None and rt.dp is None and rt.zalo is not None  # no Telegram token: Zalo alone
    rt.zalo.poll_wait = 1
    rt.zalo.start_polling()
    try:
        lan = zemu.user("u-lan", "Lan")
        await lan.send("xin chào")
        await lan.send_image("https://photo.zalo/1.jpg", "ảnh")
        assert [(i.kind, i.text, i.photo_url) for i in rec.seen] == [
            ("text", "xin chào", None),
            ("image", None, "https://photo.zalo/1.jpg"),
        ]
        # The same event again (a delivery repeated): not handed over twice.
        again = zemu.event(zemu.messages("u-lan")[0], lan)
        await zemu.push(again, "the first text again")
        assert len(rec.seen) == 2
    finally:
        await rt.close()


async def test_zalo_alone_with_redis_keeps_its_record_of_events_there(
    sqlite_url: str, clock: FixedClock, zemu: ZaloEmulator, redis_url: str
) -> None:
    from redis.asyncio import Redis

    probe = Redis.from_url(redis_url)
    await probe.flushdb()
    rec = Recorder()
    rt = await runtime(sqlite_url, clock, rec.feed, zalo_bot_token=ZTOKEN, zalo_api_url=zemu.url, redis_url=redis_url)
    assert rt.zalo is not None and rt.redis is not None
    rt.zalo.poll_wait = 1
    rt.zalo.start_polling()
    try:
        lan = zemu.user("u-lan", "Lan")
        await lan.send("một")
        await zemu.push(zemu.event(zemu.messages("u-lan")[0], lan), "the same event again")
        assert [i.text for i in rec.seen] == ["một"]
        keys = [k.decode() for k in await probe.keys("vanhoa:update:zalo1234567890:*")]
        assert len(keys) == 1 and keys[0].endswith(f":{rec.seen[0].ledger_id}:{rec.seen[0].date_ms}")
    finally:
        await rt.close()
        await probe.flushdb()
        await probe.aclose()


async def test_a_webhook_set_before_is_deleted_to_poll(db_url: str, clock: FixedClock, zemu: ZaloEmulator) -> None:
    async with ZaloClient(ZTOKEN, zemu.url) as other:
        await other.set_webhook("https://old.example.gov.vn/zalo", "an-old-secret")
    rec = Recorder()
    rt = await runtime(db_url, clock, rec.feed, zalo_bot_token=ZTOKEN, zalo_api_url=zemu.url)
    assert rt.zalo is not None
    rt.zalo.poll_wait = 1
    rt.zalo.start_polling()
    try:
        await zemu.user("u1").send("1")
        assert zemu.webhook is None and [i.text for i in rec.seen] == ["1"]
    finally:
        await rt.close()


async def test_a_webhook_set_while_polling_is_deleted_again(db_url: str, clock: FixedClock, zemu: ZaloEmulator) -> None:
    rec = Recorder()
    rt = await runtime(db_url, clock, rec.feed, zalo_bot_token=ZTOKEN, zalo_api_url=zemu.url)
    assert rt.zalo is not None
    rt.zalo.poll_wait = 1
    rt.zalo.start_polling()
    try:
        await zemu.user("u1").send("1")
        async with ZaloClient(ZTOKEN, zemu.url) as other:
            await other.set_webhook("https://other.example.gov.vn/zalo", "an-other-secret")
        for _ in range(100):  # getUpdates meets a 409, and polling deletes that webhook
            if zemu.webhook is None:
                break
            await asyncio.sleep(0.05)
        await zemu.user("u1").send("2")
        assert zemu.webhook is None and [i.text for i in rec.seen] == ["1", "2"]
        assert any(c.status == 409 for c in zemu.calls_of("getUpdates"))
    finally:
        await rt.close()


async def test_webhook_checks_the_secret_and_refuses_what_is_not_an_event(
    db_url: str, clock: FixedClock, zemu: ZaloEmulator
) -> None:
    rec = Recorder()
    rt = await runtime(db_url, clock, rec.feed, zalo_bot_token=ZTOKEN, zalo_api_url=zemu.url)
    assert rt.zalo is not None and rt.zalo_client is not None
    app = web.Application()
    app.router.add_post("/zalo", rt.zalo.webhook_handler("the-right-secret", wait=True))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo"
    try:
        await rt.zalo_client.set_webhook(url, "the-right-secret")
        lan = zemu.user("u-lan", "Lan")
        await lan.send("tốt hết")
        assert [i.text for i in rec.seen] == ["tốt hết"]
        body = {"ok": True, "result": zemu.event(zemu.messages("u-lan")[0], lan)}
        async with aiohttp.ClientSession() as http:
            for headers, data, status in [
                ({}, json.dumps(body), 401),
                ({SECRET_HEADER: "wrong-secret"}, json.dumps(body), 401),
                ({SECRET_HEADER: "the-right-secret"}, "{not json", 400),
                ({SECRET_HEADER: "the-right-secret"}, json.dumps({"event_name": "x"}), 400),
                ({SECRET_HEADER: "the-right-secret"}, json.dumps([1]), 400),
                ({SECRET_HEADER: "the-right-secret"}, json.dumps(body), 200),  # a repeat: answered, not handled
            ]:
                async with http.post(url, data=data, headers={"Content-Type": "application/json", **headers}) as r:
                    assert r.status == status, (headers, data)
        assert len(rec.seen) == 1
    finally:
        await runner.cleanup()
        await rt.close()


async def test_zalo_beside_telegram_in_one_runtime(db_url: str, clock: FixedClock, zemu: ZaloEmulator) -> None:
    async with TelegramEmulator(token=TTOKEN) as temu:
        rec = Recorder()
        cfg = load_settings(
            database_url=db_url,
            bot_token=TTOKEN,
            telegram_api_url=temu.url,
            zalo_bot_token=ZTOKEN,
            zalo_api_url=zemu.url,
        )
        rt = await build_runtime(cfg, clock=clock, scheduler=True, zalo_feed=rec.feed, zalo_concurrent=False)
        try:
            assert rt.bot is not None and rt.dp is not None and rt.zalo is not None
            from scheduler.runner import Scheduler

            assert isinstance(rt.scheduler, Scheduler) and isinstance(rt.scheduler.zalo, ZaloOutbox)
        finally:
            await rt.close()


# -- the outbox per channel --------------------------------------------------------------------------


async def people(sm: async_sessionmaker[AsyncSession], clock: FixedClock) -> tuple[User, User]:
    async with sm() as s:
        tg = User(telegram_id=5001, full_name="Minh", created_at=clock.now())
        zl = User(zalo_id="u-lan", full_name="Lan", created_at=clock.now())
        s.add_all([tg, zl])
        await s.commit()
        await s.refresh(tg)
        await s.refresh(zl)
        return tg, zl


def prompt_screen() -> Screen:
    buttons = [
        Button("🟢 Tốt", CheckinStep(w=202649, a=CheckinAct.finish)),
        Button("Để sau", CheckinStep(w=202649, a=CheckinAct.skip)),
    ]
    return Screen("<b>Tự đánh giá tuần này</b>\nĐề nghị đồng chí trả lời.", rows(buttons, 2))


@pytest.fixture
async def sm(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def test_rows_go_to_each_persons_channel_and_zalo_gets_text_with_a_menu(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock, zemu: ZaloEmulator
) -> None:
    tg, zl = await people(sm, clock)
    lan = zemu.user("u-lan", "Lan")
    long = "\n".join(f"Dòng {n}: " + "x" * 90 for n in range(40))  # about 4,000 characters
    async with sm() as s:
        await DeliveryService(s, clock).enqueue(
            [
                Outgoing("p:tg", "prompt", tg.telegram_id, payload(prompt_screen()), tg.id),
                Outgoing("p:zl", "prompt", zl.telegram_id, payload(prompt_screen()), zl.id),
                Outgoing("long:zl", "announce", None, payload(Screen(long)), zl.id),
            ]
        )
    async with ZaloClient(ZTOKEN, zemu.url) as client:
        sender = OutboxSender(None, sm, clock, zalo=ZaloOutbox(client, rate=20, per_chat_interval=0))
        await sender.drain(timeout=20)
    assert sender.sent == 2
    first = lan.messages[0].text or ""
    assert "<b>" not in first and first.startswith("Tự đánh giá tuần này")
    assert "1 Tốt · 2 Để sau" in first
    assert all(len(m.shown) <= 2000 for m in lan.messages) and len(lan.messages) == 3
    assert "\n".join(m.shown for m in lan.messages[1:]) == long
    async with sm() as s:
        rows_ = {r.key: r for r in (await s.exec(select(OutboxMessage))).all()}
    # Telegram's row waits for a sender with a Telegram bot; Zalo's are sent.
    assert rows_["p:tg"].status == OutboxStatus.pending and rows_["p:zl"].status == OutboxStatus.sent


async def test_photos_go_as_links_only_when_the_bot_publishes_files(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock, zemu: ZaloEmulator
) -> None:
    _, zl = await people(sm, clock)
    lan = zemu.user("u-lan", "Lan")
    chart = payload(Screen("Biểu đồ tuần 49"), method="sendPhoto", filename="chart.png")
    published: list[tuple[int, str]] = []

    async def publish(data: bytes, filename: str) -> str:
        published.append((len(data), filename))
        return f"https://bot.example.gov.vn/f/{filename}?sig=abc"

    async with sm() as s:
        await DeliveryService(s, clock).enqueue(
            [
                Outgoing("c1", "digest", None, chart, zl.id, blob=b"\x89PNG-1"),
                Outgoing("c2", "digest", None, chart, zl.id, blob=b"\x89PNG-22"),
            ]
        )
    async with ZaloClient(ZTOKEN, zemu.url) as client:
        zalo = ZaloOutbox(client, rate=20, per_chat_interval=0)
        sender = OutboxSender(None, sm, clock, zalo=zalo)
        # Without PUBLIC_URL: the caption alone.
        async with sm() as s:
            await s.exec(  # type: ignore[call-overload]
                OutboxMessage.__table__.update().where(OutboxMessage.key == "c2").values(status="failed")  # type: ignore[attr-defined]
            )
            await s.commit()
        await sender.drain(timeout=20)
        assert [(m.kind, m.shown) for m in lan.messages] == [("text", "Biểu đồ tuần 49")]
        zalo.publish = publish
        async with sm() as s:
            await s.exec(  # type: ignore[call-overload]
                OutboxMessage.__table__.update().where(OutboxMessage.key == "c2").values(status="pending")  # type: ignore[attr-defined]
            )
            await s.commit()
        await sender.drain(timeout=20)
    assert published == [(len(b"\x89PNG-22"), "chart.png")]
    assert (lan.last.kind, lan.last.photo_url, lan.last.caption) == (
        "photo",
        "https://bot.example.gov.vn/f/chart.png?sig=abc",
        "Biểu đồ tuần 49",
    )


async def test_zalo_429_pauses_zalo_and_sending_resumes_without_repeating(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock, zemu: ZaloEmulator
) -> None:
    _, zl = await people(sm, clock)
    lan = zemu.user("u-lan", "Lan")
    long = "\n".join("y" * 99 for _ in range(30))  # two Zalo messages
    async with sm() as s:
        await DeliveryService(s, clock).enqueue([Outgoing("long", "announce", None, payload(Screen(long)), zl.id)])
    async with ZaloClient(ZTOKEN, zemu.url) as client:
        zalo = ZaloOutbox(client, rate=20, per_chat_interval=0)
        sender = OutboxSender(None, sm, clock, zalo=zalo)
        original = zalo.send_part
        parts = 0

        async def send_part(chat_id: str, part: dict[str, str]) -> None:
            nonlocal parts
            parts += 1
            if parts == 2:  # the first part went out; the second meets a 429
                zemu.inject("sendMessage", 429, retry_after=1)
            await original(chat_id, part)

        zalo.send_part = send_part  # type: ignore[method-assign]
        await sender.send_batch()
        assert zalo.retry_after_seen == 1 and len(lan.messages) == 1
        assert zalo.pacer.paused_until > 0  # Zalo's sending holds for retry_after
        async with sm() as s:
            row = (await s.exec(select(OutboxMessage))).one()
        assert row.status == OutboxStatus.pending and json.loads(row.payload)["method"] == "zalo"
        assert row.not_before.replace(tzinfo=None) == (clock.now() + timedelta(seconds=1)).replace(tzinfo=None)
        clock.advance(seconds=1)
        await sender.drain(timeout=20)
    # Only what was left was sent again: nothing twice, nothing lost.
    assert len(lan.messages) == 2 and "\n".join(m.shown for m in lan.messages) == long
    failed = zemu.calls_of("sendMessage", ok=False)
    ok = zemu.calls_of("sendMessage", ok=True)
    assert len(failed) == 1 and ok[-1].time - failed[0].time >= 0.95


async def test_zalo_5xx_is_retried_and_403_marks_the_person_inactive(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock, zemu: ZaloEmulator
) -> None:
    _, zl = await people(sm, clock)
    lan = zemu.user("u-lan", "Lan")
    async with sm() as s:
        await DeliveryService(s, clock).enqueue([Outgoing("a", "announce", None, payload(Screen("Một")), zl.id)])
    zemu.inject("sendMessage", 502)
    async with ZaloClient(ZTOKEN, zemu.url) as client:
        sender = OutboxSender(None, sm, clock, zalo=ZaloOutbox(client, rate=20, per_chat_interval=0))
        await sender.send_batch()
        async with sm() as s:
            row = (await s.exec(select(OutboxMessage))).one()
        assert row.status == OutboxStatus.pending and row.attempts == 1 and "502" in (row.last_error or "")
        assert lan.messages == []
        lan.block()
        async with sm() as s:
            await DeliveryService(s, clock).enqueue(
                [Outgoing("b", "announce", None, payload(Screen("Hai")), zl.id)], not_before=clock.now()
            )
            await s.exec(  # type: ignore[call-overload]
                OutboxMessage.__table__.update().values(not_before=clock.now())  # type: ignore[attr-defined]
            )
            await s.commit()
        await sender.send_batch()
    async with sm() as s:
        statuses = {r.key: r.status for r in (await s.exec(select(OutboxMessage))).all()}
        person = await s.get(User, zl.id)
    assert statuses == {"a": OutboxStatus.dropped, "b": OutboxStatus.dropped}
    assert person is not None and person.active is False


# -- pictures and files as signed links (PUBLIC_URL) -------------------------------------------------


async def test_file_links_work_for_a_day_and_refuse_altered_addresses(
    sm: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from bot.channels.zalo.files import FileLinks, link_key

    links = FileLinks(sm, clock, "https://bot.example.gov.vn/", link_key(ZTOKEN))
    app = web.Application()
    links.add_route(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        url = await links.publish(b"%PDF-1.7 the report", "Báo cáo năm 2026.pdf")
        parts = urlsplit(url)
        assert url.startswith("https://bot.example.gov.vn/f/") and parts.path.endswith(
            "/B%C3%A1o_c%C3%A1o_n%C4%83m_2026.pdf"
        )
        local = f"{base}{parts.path}?{parts.query}"
        query = parse_qs(parts.query)
        async with aiohttp.ClientSession() as http:

            async def get(address: str) -> tuple[int, bytes, str]:
                async with http.get(address) as r:
                    return r.status, await r.read(), r.headers.get("Content-Type", "")

            status, body, kind = await get(local)
            assert (status, body, kind) == (200, b"%PDF-1.7 the report", "application/pdf")
            later = int(query["e"][0]) + 3600
            assert (await get(local.replace(f"e={query['e'][0]}", f"e={later}")))[0] == 403  # expiry moved
            assert (await get(local.replace(query["s"][0], "0" * 32)))[0] == 403  # signature altered
            other = await links.publish(b"another", "b.csv")
            other_id = urlsplit(other).path.split("/")[2]
            swapped = local.replace(parts.path.split("/")[2], other_id)
            assert (await get(swapped))[0] == 403  # another file's id under this signature
            clock.advance(hours=24)
            assert (await get(local))[0] == 410  # expired
            await links.publish(b"new", "c.png")  # prunes what expired
            async with sm() as s:
                left = {row.filename for row in (await s.exec(select(PublishedFile))).all()}
            assert left == {"c.png"}
    finally:
        await runner.cleanup()

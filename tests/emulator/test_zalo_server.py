"""The fake Zalo Bot API (emulator/zalo.py), spoken to by the bot's own Zalo client
(bot/channels/zalo/client.py) and by plain HTTP: what the interface documents is checked, calls
are recorded, faults come on demand, and a person sends and reads as on their phone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.channels.zalo.client import (
    SECRET_HEADER,
    TextTooLong,
    ZaloBadRequest,
    ZaloClient,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
    ZaloUnauthorized,
    parse_update,
    read_update,
    without_retry,
)
from bot.channels.zalo.types import Incoming
from emulator.zalo import ZaloEmulator

pytestmark = pytest.mark.timeout(30)

TOKEN = "1234567890:zalo-TEST-secret-token"


@pytest.fixture
async def emu() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(TOKEN) as server:
        yield server


@pytest.fixture
async def client(emu: ZaloEmulator) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(TOKEN, emu.url, backoff=(0.01,)) as c:
        yield c


async def raw(emu: ZaloEmulator, method: str, body: Any = None, *, token: str = TOKEN, http: str = "POST") -> tuple:
    async with aiohttp.ClientSession() as s:
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs["data" if isinstance(body, str | bytes) else "json"] = body
            if isinstance(body, str | bytes):
                kwargs["headers"] = {"Content-Type": "application/json"}
        async with s.request(http, f"{emu.url}/bot{token}/{method}", **kwargs) as r:
            return r.status, await r.json()


# -- the interface's rules -----------------------------------------------------------------


async def test_get_me_answers_the_bot_with_a_string_id(client: ZaloClient) -> None:
    me = await client.get_me()
    assert me["id"] == "1234567890" and isinstance(me["id"], str)
    assert me["account_name"]


async def test_a_wrong_token_is_401_and_an_unknown_method_404(emu: ZaloEmulator) -> None:
    assert (await raw(emu, "getMe", token="1:wrong"))[0] == 401
    status, body = await raw(emu, "sendVideo", {})
    assert status == 404 and body["ok"] is False and body["error_code"] == 404
    async with ZaloClient("1:wrong", emu.url) as bad:
        with pytest.raises(ZaloUnauthorized):
            await bad.get_me()


async def test_only_post_with_a_json_object(emu: ZaloEmulator) -> None:
    emu.user("u1")
    assert (await raw(emu, "getMe", http="GET"))[0] == 405
    status, body = await raw(emu, "sendMessage", "{not json")
    assert status == 400 and "JSON" in body["description"]
    status, body = await raw(emu, "sendMessage", "[1, 2]")
    assert status == 400 and "object" in body["description"]


async def test_text_has_1_to_2000_characters_and_ids_are_strings(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan", "Lan")
    assert (await raw(emu, "sendMessage", {"chat_id": "u-lan", "text": "x" * 2000}))[0] == 200
    status, body = await raw(emu, "sendMessage", {"chat_id": "u-lan", "text": "x" * 2001})
    assert status == 400 and "2000" in body["description"]
    assert (await raw(emu, "sendMessage", {"chat_id": "u-lan", "text": ""}))[0] == 400
    status, body = await raw(emu, "sendMessage", {"chat_id": 42, "text": "hi"})
    assert status == 400 and "string" in body["description"]
    assert (await raw(emu, "sendMessage", {"chat_id": "nobody", "text": "hi"}))[0] == 400
    # The client refuses before sending: nothing reaches the server.
    calls = len(emu.calls)
    with pytest.raises(TextTooLong):
        await client.send_message("u-lan", "y" * 2001)
    with pytest.raises(TextTooLong):
        await client.send_message("u-lan", "")
    assert len(emu.calls) == calls
    assert lan.texts == ["x" * 2000]


async def test_a_photo_is_a_url_with_a_caption_of_at_most_2000(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan", "Lan")
    mid = await client.send_photo("u-lan", "https://example.gov.vn/chart.png", "Biểu đồ tuần")
    assert mid and lan.last.kind == "photo"
    assert lan.last.photo_url == "https://example.gov.vn/chart.png" and lan.last.shown == "Biểu đồ tuần"
    status, body = await raw(emu, "sendPhoto", {"chat_id": "u-lan", "photo": "chart.png"})
    assert status == 400 and "URL" in body["description"]
    status, _ = await raw(emu, "sendPhoto", {"chat_id": "u-lan", "photo": "https://a.b/c.png", "caption": "c" * 2001})
    assert status == 400
    with pytest.raises(TextTooLong):
        await client.send_photo("u-lan", "https://a.b/c.png", "c" * 2001)


async def test_sticker_and_chat_action(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan", "Lan")
    await client.send_sticker("u-lan", "0e078a2fb66a5f34067b")
    assert lan.last.kind == "sticker" and lan.last.sticker == "0e078a2fb66a5f34067b"
    await client.send_chat_action("u-lan", "typing")
    with pytest.raises(ZaloBadRequest):
        await client.send_chat_action("u-lan", "record_video")
    assert [c.ok for c in emu.calls_of("sendChatAction")] == [True, False]


# -- updates: long polling and webhooks ---------------------------------------------------------


async def test_get_updates_hands_over_one_event_and_408_when_none(emu: ZaloEmulator, client: ZaloClient) -> None:
    assert await client.get_updates(wait=0) == []
    record = emu.calls_of("getUpdates")[-1]
    assert record.ok is False and record.status == 408
    lan = emu.user("u-lan", "Lan")
    await lan.send("Xin chào", wait=False)
    await lan.send_image("https://photo.zalo/1.jpg", "Ảnh", wait=False)
    first = await client.get_updates(wait=1)
    second = await client.get_updates(wait=1)
    assert len(first) == 1 and len(second) == 1
    text, image = read_update(first[0]), read_update(second[0])
    assert (text.kind, text.text, text.user_id, text.chat_id, text.name) == (
        "text",
        "Xin chào",
        "u-lan",
        "u-lan",
        "Lan",
    )
    assert text.date_ms > 10**12  # milliseconds
    assert (image.kind, image.photo_url, image.caption) == ("image", "https://photo.zalo/1.jpg", "Ảnh")


async def test_a_picture_from_the_phone_is_served_at_the_address_its_event_carries(
    emu: ZaloEmulator, client: ZaloClient
) -> None:
    lan = emu.user("u-lan", "Lan")
    await lan.send_picture(b"\xff\xd8 a jpeg", "Ảnh hội nghị", wait=False)
    image = read_update((await client.get_updates(wait=1))[0])
    assert image.kind == "image" and image.caption == "Ảnh hội nghị"
    assert image.photo_url is not None and image.photo_url.startswith(emu.url)
    async with aiohttp.ClientSession() as http:
        async with http.get(image.photo_url) as r:
            assert r.status == 200 and await r.read() == b"\xff\xd8 a jpeg"
        async with http.get(f"{emu.url}/photos/nothing.jpg") as r:
            assert r.status == 404


async def test_a_long_poll_returns_as_soon_as_an_event_comes(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan", "Lan")
    poll = asyncio.create_task(client.get_updates(wait=20))
    await asyncio.sleep(0.1)
    await lan.send_sticker("abc", wait=False)
    updates = await asyncio.wait_for(poll, 5)
    assert read_update(updates[0]).kind == "sticker"


async def test_webhook_set_info_delete_and_getupdates_refused_meanwhile(emu: ZaloEmulator, client: ZaloClient) -> None:
    with pytest.raises(ValueError):
        await client.set_webhook("https://bot.example.gov.vn/zalo", "short")
    status, _ = await raw(emu, "setWebhook", {"url": "https://bot.example.gov.vn/zalo", "secret_token": "short"})
    assert status == 400
    status, _ = await raw(emu, "setWebhook", {"url": "http://bot.example.gov.vn/zalo", "secret_token": "x" * 16})
    assert status == 400  # HTTPS only (plain HTTP on loopback for tests)
    result = await client.set_webhook("https://bot.example.gov.vn/zalo", "s" * 16)
    assert result["url"] == "https://bot.example.gov.vn/zalo" and result["updated_at"] > 10**12
    assert (await client.get_webhook_info())["url"] == "https://bot.example.gov.vn/zalo"
    with pytest.raises(ZaloBadRequest) as conflict:
        await client.get_updates(wait=0)
    assert conflict.value.code == 409
    assert (await client.delete_webhook())["url"] == ""
    assert (await client.get_webhook_info())["url"] == ""


async def test_the_webhook_gets_events_with_the_secret_header(emu: ZaloEmulator, client: ZaloClient) -> None:
    received: list[tuple[str | None, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.json_response({"message": "Success"})

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await client.set_webhook(f"http://127.0.0.1:{port}/zalo", "secret-of-sixteen")
        lan = emu.user("u-lan", "Lan")
        await lan.send("Tốt hết")
        assert len(received) == 1
        secret, body = received[0]
        assert secret == "secret-of-sixteen"
        incoming = read_update(body)
        assert (incoming.kind, incoming.text, incoming.event) == ("text", "Tốt hết", "message.text.received")
    finally:
        await runner.cleanup()


async def test_an_event_the_webhook_refuses_is_tried_three_times(emu: ZaloEmulator, client: ZaloClient) -> None:
    seen = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal seen
        seen += 1
        return web.Response(status=500)

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await client.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/zalo", "secret-of-sixteen")
        with pytest.raises(RuntimeError, match="not delivered"):
            await emu.user("u-lan").send("1")
        assert seen == 3 and len(emu.webhook_errors) == 3
    finally:
        await runner.cleanup()


# -- faults and the client's retries -----------------------------------------------------------


async def test_429_is_waited_for_and_sent_again(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan")
    emu.inject("sendMessage", 429, retry_after=1)
    await client.send_message("u-lan", "một")
    assert [c.status for c in emu.calls_of("sendMessage")] == [429, 200]
    gap = emu.calls_of("sendMessage")[1].time - emu.calls_of("sendMessage")[0].time
    assert gap >= 0.95
    assert lan.texts == ["một"]


async def test_without_retry_a_429_is_raised_with_retry_after(emu: ZaloEmulator, client: ZaloClient) -> None:
    emu.user("u-lan")
    emu.inject("sendMessage", 429, retry_after=7)
    with without_retry(), pytest.raises(ZaloRetryAfter) as exc:
        await client.send_message("u-lan", "một")
    assert exc.value.retry_after == 7
    assert len(emu.calls_of("sendMessage")) == 1


async def test_5xx_is_retried_with_back_off_then_raised(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan")
    emu.inject("sendMessage", 502)
    await client.send_message("u-lan", "hai")
    assert [c.status for c in emu.calls_of("sendMessage")] == [502, 200] and lan.texts == ["hai"]
    emu.inject("sendMessage", 503, times=3)
    with pytest.raises(ZaloServerError):
        await client.send_message("u-lan", "ba")
    assert len(emu.calls_of("sendMessage")) == 5  # 2 before, then 3 sends in all


async def test_a_person_who_blocked_the_bot_is_403(emu: ZaloEmulator, client: ZaloClient) -> None:
    lan = emu.user("u-lan")
    lan.block()
    with pytest.raises(ZaloForbidden):
        await client.send_message("u-lan", "Xin chào")
    assert len(emu.calls_of("sendMessage")) == 1  # never retried
    lan.unblock()
    await client.send_message("u-lan", "Xin chào")
    emu.inject("sendMessage", 403, chat_id="u-lan")
    with pytest.raises(ZaloForbidden):
        await client.send_message("u-lan", "lần nữa")


async def test_no_server_is_a_network_error(emu: ZaloEmulator) -> None:
    async with ZaloClient(TOKEN, "http://127.0.0.1:9", attempts=2, backoff=(0.01,)) as c:
        with pytest.raises(ZaloNetworkError):
            await c.get_me()


async def test_an_error_in_a_200_answer_is_read_from_its_body() -> None:
    from bot.channels.zalo.client import error_for

    assert isinstance(error_for("sendMessage", 200, {"ok": False, "error_code": 429}), ZaloRetryAfter)
    assert isinstance(error_for("sendMessage", 200, {"ok": False, "error_code": 403}), ZaloForbidden)
    assert isinstance(error_for("sendMessage", 502, None), ZaloServerError)
    retry = error_for("x", 429, {"ok": False, "parameters": {"retry_after": 3}})
    assert isinstance(retry, ZaloRetryAfter) and retry.retry_after == 3


# -- reading updates ------------------------------------------------------------------------


def event(**message: Any) -> dict[str, Any]:
    base = {
        "from": {"id": "e4ea2cd5189df1c3a88c", "display_name": "Nguyễn Văn A"},
        "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
        "message_id": "16f6366b3f02645a3d15",
        "date": 1766619597466,
    }
    return {**base, **message}


def test_the_documented_shapes_are_read() -> None:
    bare = {"event_name": "message.text.received", "message": event(text="Xin chào")}
    wrapped = {"ok": True, "result": bare}
    for body in (bare, wrapped, json.loads(json.dumps(bare))):
        got = parse_update(body)
        assert got == Incoming(
            kind="text",
            chat_id="e4ea2cd5189df1c3a88c",
            user_id="e4ea2cd5189df1c3a88c",
            name="Nguyễn Văn A",
            message_id="16f6366b3f02645a3d15",
            date_ms=1766619597466,
            text="Xin chào",
            event="message.text.received",
        )
    # The public sample has no event name and names the person first_name.
    sample = {"message": {**event(text="hi"), "from": {"id": "a1", "first_name": "Nguyen Van A"}}}
    got = parse_update(sample)
    assert got is not None and got.kind == "text" and got.name == "Nguyen Van A"
    sticker = parse_update({"event_name": "message.sticker.received", "message": event(sticker="st1")})
    assert sticker is not None and (sticker.kind, sticker.sticker, sticker.text) == ("sticker", "st1", None)
    other = parse_update({"event_name": "message.unsupported.received", "message": event()})
    assert other is not None and other.kind == "unsupported"
    group = parse_update(
        {
            "event_name": "message.text.received",
            "message": {**event(text="x"), "chat": {"id": "g", "chat_type": "GROUP"}},
        }
    )
    assert group is not None and group.private is False


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {},
        {"event_name": "message.text.received"},
        {"message": "hello"},
        {"event_name": "message.text.received", "message": {**event(), "from": "me"}},
        {"event_name": "message.text.received", "message": {**event(text="x"), "message_id": None}},
        {"event_name": "message.text.received", "message": event()},  # text event without text
        {"event_name": "message.image.received", "message": event(caption="c")},  # no photo
        {"event_name": "message.text.received", "message": {**event(text="x"), "date": "yesterday"}},
    ],
)
def test_what_is_not_an_update_is_refused_with_a_reason(body: Any) -> None:
    assert parse_update(body) is None
    with pytest.raises(ValueError):
        read_update(body)


def test_ledger_ids_are_negative_and_stable_per_message() -> None:
    a = read_update({"message": event(text="x")})
    b = read_update({"message": event(text="y")})
    c = read_update({"message": {**event(text="x"), "message_id": "other"}})
    assert a.ledger_id == b.ledger_id < 0
    assert a.ledger_id != c.ledger_id
    assert a.ledger_id >= -(2**63)


async def test_the_fake_server_posts_webhooks_to_this_machine_only(emu: ZaloEmulator, client: ZaloClient) -> None:
    await client.set_webhook("https://bot.example.gov.vn/zalo", "secret-of-sixteen")
    with pytest.raises(RuntimeError, match="this machine only"):
        await emu.user("u-lan").send("1")
    assert len(emu.webhook_errors) == 3

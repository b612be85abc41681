"""The process log names nobody (issue 14, item 18; Law 91/2025/QH15): people the bot has no
consent for — who never agreed, or who used /forget — appear as a keyed hash
(bot.services.audit.person_ref), and no name or message text is written.

Two whole scenarios run over the fake Bot API with every log record captured; the log is
then scanned for the raw account numbers, the names and the texts typed."""

from __future__ import annotations

import logging

import pytest

from bot.services.audit import log_key, person_ref
from storage.models import User
from tests.e2e.conftest import Harness, emu, h  # noqa: F401 - fixtures

OUTSIDER, LEAVER = 880000131, 880000132
SECRETS = (
    str(OUTSIDER),
    str(LEAVER),
    "Khách Vãng Lai",
    "Phạm Thị Riêng",
    "Phạm",  # names (the Telegram profile and the one typed)
    "tin nhắn riêng tư",
    "ghi chú riêng tư",
    "suy nghĩ riêng tư",
    "sau khi xóa",  # texts typed
)


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every line the bot's process wrote (the fake Telegram server's own lines aside)."""
    lines = []
    for record in caplog.records:
        if record.name.startswith("emulator"):
            continue
        lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")
    return lines


async def test_an_outsider_and_a_person_who_used_forget_leave_no_id_name_or_text_in_the_log(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # The level the bot runs at (LOG_LEVEL, INFO by default); DEBUG is for developers, where
    # the database drivers print their queries' parameters.
    caplog.set_level(logging.INFO)
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=1)

    # Someone who never consents: no link, a wrong one, text, commands, a photo, a forged tap.
    outsider = h.emu.user(OUTSIDER, "Khách", "Vãng Lai", language_code="vi")
    await outsider.send("/start")
    for n in range(6):
        await outsider.send(f"/start sai-ma-{n:03d}")  # a burst: throttled and audited
    await outsider.send("tin nhắn riêng tư của khách")
    for command in ("/checkin", "/history", "/settings", "/units", "/forget"):
        await outsider.send(command)
    await outsider.send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 64, caption="tin nhắn riêng tư kèm ảnh")
    await outsider.press_data("ca:202648:0:g:0", message=outsider.last)

    # Someone who consents, checks in, then erases everything and comes back.
    leaver = h.emu.user(LEAVER, "Riêng", "Phạm", language_code="vi")
    await leaver.send(f"/start {token}")
    await leaver.send("tin nhắn riêng tư trước khi đồng ý")
    await leaver.press("✅ Tôi đồng ý")
    await leaver.press("🇻🇳 Tiếng Việt")
    await leaver.send("Phạm Thị Riêng")
    await leaver.send("Chuyên viên")
    await leaver.press("✅ Giữ Thứ Sáu lúc 15:00")
    await leaver.send("/checkin")
    await leaver.press("🔴 Chưa đạt")
    await leaver.send("ghi chú riêng tư của người dùng")
    await leaver.send("x" * 1000)  # a note too long: refused, logged as a domain error
    await leaver.send("/forget")
    await leaver.press(leaver.last.button_texts[0])
    assert "Đã xóa dữ liệu" in leaver.last.text
    assert await h.count(User) == 0
    await leaver.send("/checkin")
    await leaver.send("suy nghĩ riêng tư sau khi xóa")
    await leaver.send(f"/start {token}")  # the link is used up now
    await leaver.press_data("ca:202648:1:g:0", message=leaver.messages[-1])

    lines = logged(caplog)
    leaks = [(secret, line) for line in lines for secret in SECRETS if secret in line]
    assert not leaks, leaks
    # The refusals are in the log all the same, under the keyed hash, the same each time.
    assert sum(f"unregistered {person_ref(OUTSIDER)}" in line for line in lines) >= 5
    assert any(f"unregistered {person_ref(LEAVER)}" in line for line in lines)
    assert any("invite.throttle" in line and person_ref(OUTSIDER) in line for line in lines)


def test_the_key_comes_from_the_settings_and_the_reference_is_not_the_id() -> None:
    from bot.config import load_settings

    one = load_settings(bot_token="123456:" + "a" * 35)
    other = load_settings(bot_token="123456:" + "b" * 35)
    assert log_key(one) == log_key(load_settings(bot_token="123456:" + "a" * 35)) != log_key(other)
    ref = person_ref(OUTSIDER)
    assert ref.startswith("p:") and len(ref) == 14 and str(OUTSIDER) not in ref and ref == person_ref(OUTSIDER)
    assert person_ref(OUTSIDER) != person_ref(LEAVER)

"""Starting the bot with Zalo, as an operator does (issue 16): bad Zalo settings are one line
and exit 2; with ZALO_BOT_TOKEN alone the bot serves Zalo without Telegram, polling or by
webhook on its own web server; a person who writes gets an answer."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import pytest

from emulator.zalo import ZaloEmulator
from tests.test_cli import ROOT, _env, run

pytestmark = pytest.mark.timeout(120)

ZTOKEN = "1234567890:zalo-TEST-secret-token"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "BOT_TOKEN": ""}


def test_bad_zalo_settings_are_one_line(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.chdir(ROOT)  # no .env there

    def start(args: list[str], **extra: str) -> tuple[int, str]:
        for key, value in {**env, **extra}.items():
            monkeypatch.setenv(key, value)
        code = main(args)
        for key in extra:
            monkeypatch.delenv(key)
        return code, capsys.readouterr().err

    code, err = start([], ZALO_BOT_TOKEN="not a token")
    assert code == 2 and err.count("\n") == 1
    assert "ZALO_BOT_TOKEN is malformed" in err and "Traceback" not in err
    code, err = start([], ZALO_BOT_TOKEN=ZTOKEN, ZALO_WEBHOOK_SECRET="short")
    assert code == 2 and err.startswith("error: ZALO_WEBHOOK_SECRET") and err.count("\n") == 1
    code, err = start([], ZALO_BOT_TOKEN=ZTOKEN, ZALO_WEBHOOK_URL="https://bot.example.gov.vn/zalo")
    assert code == 2 and err.count("\n") == 1 and "ZALO_WEBHOOK_SECRET is not set" in err
    code, err = start(
        [],
        ZALO_BOT_TOKEN=ZTOKEN,
        ZALO_WEBHOOK_URL="https://bot.example.gov.vn/zalo",
        ZALO_WEBHOOK_SECRET="a-long-enough-secret",
    )
    assert code == 2 and err.count("\n") == 1 and "python -m bot webhook" in err
    code, err = start(["webhook"], ZALO_BOT_TOKEN=ZTOKEN)
    assert code == 2 and err.count("\n") == 1 and "ZALO_WEBHOOK_URL is not set" in err


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )


async def test_a_token_zalo_rejects_stops_with_one_line(env: dict[str, str]) -> None:
    assert run(["migrate"], env).returncode == 0
    async with ZaloEmulator("1234567890:the-real-secret") as zemu:
        proc = await start({**env, "ZALO_BOT_TOKEN": ZTOKEN, "ZALO_API_URL": zemu.url})
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    text = err.decode()
    assert text.count("\n") == 1 and text.startswith("error: Zalo rejected ZALO_BOT_TOKEN"), text


async def answered(user, within: float = 30.0) -> str:  # noqa: ANN001 - emulator.zalo.ZaloUser
    for _ in range(int(within / 0.1)):
        if user.messages:
            return user.last.shown
        await asyncio.sleep(0.1)
    raise AssertionError(f"the bot did not answer {user.name}")


async def test_zalo_alone_polls_and_answers_a_person(env: dict[str, str]) -> None:
    assert run(["migrate"], env).returncode == 0
    async with ZaloEmulator(ZTOKEN) as zemu:
        proc = await start({**env, "ZALO_BOT_TOKEN": ZTOKEN, "ZALO_API_URL": zemu.url, "LOG_LEVEL": "INFO"})
        try:
            lan = zemu.user("u-lan", "Lan")
            await lan.send("xin chào", wait=False)
            reply = await answered(lan)
            assert reply  # a newcomer is asked for an invitation's code (the conversations' wording)
            assert zemu.calls_of("getUpdates") and not zemu.calls_of("setWebhook")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "Zalo bot" in err.decode() and "is polling" in err.decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_zalo_alone_by_webhook_on_the_bots_web_server(env: dict[str, str]) -> None:
    assert run(["migrate"], env).returncode == 0
    port = free_port()
    async with ZaloEmulator(ZTOKEN) as zemu:
        proc = await start(
            {
                **env,
                "ZALO_BOT_TOKEN": ZTOKEN,
                "ZALO_API_URL": zemu.url,
                "ZALO_WEBHOOK_URL": f"http://127.0.0.1:{port}/zalo",
                "ZALO_WEBHOOK_SECRET": "the-webhook-secret",
            },
            "webhook",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        )
        try:
            for _ in range(300):
                if zemu.webhook is not None:
                    break
                await asyncio.sleep(0.1)
            assert zemu.webhook is not None and zemu.webhook["secret_token"] == "the-webhook-secret"
            lan = zemu.user("u-lan", "Lan")
            await lan.send("xin chào")  # returns once the bot's server has taken the POST
            assert await answered(lan)
            assert not zemu.webhook_errors
        finally:
            proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]


async def test_telegram_and_zalo_in_one_process_and_telegram_unreachable_holds_nothing_up(
    env: dict[str, str],
) -> None:
    """Both tokens: Zalo answers while Telegram cannot be reached yet (as when it is blocked),
    and Telegram is served once it answers."""
    from emulator import TelegramEmulator

    assert run(["migrate"], env).returncode == 0
    ttoken = "123456:TEST-token-of-the-bot-0000000"
    temu = TelegramEmulator(token=ttoken)
    await temu.start()
    telegram_url = temu.url
    await temu.stop()  # not there yet: the bot tries again with back-off
    async with ZaloEmulator(ZTOKEN) as zemu:
        proc = await start(
            {
                **env,
                "BOT_TOKEN": ttoken,
                "TELEGRAM_API_URL": telegram_url,
                "ZALO_BOT_TOKEN": ZTOKEN,
                "ZALO_API_URL": zemu.url,
            }
        )
        try:
            lan = zemu.user("u-lan", "Lan")
            await lan.send("xin chào", wait=False)
            assert await answered(lan)
            temu.port = int(telegram_url.rsplit(":", 1)[1])
            await temu.start()  # Telegram reachable now, on the same address
            try:
                minh = temu.user(7001, "Minh")
                for _ in range(300):
                    if temu.calls_of("getUpdates"):
                        break
                    await asyncio.sleep(0.1)
                await minh.send("/start")
                for _ in range(300):  # the bot handles updates as tasks: wait for its reply
                    if minh.messages:
                        break
                    await asyncio.sleep(0.1)
                replied = bool(minh.messages)
            finally:
                proc.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(proc.communicate(), 60)
                await temu.stop()
            assert replied, err.decode()[-3000:]
        finally:
            if proc.returncode is None:
                proc.kill()
    assert proc.returncode == 0, err.decode()[-2000:]
    log = err.decode()
    assert "cannot reach Telegram" in log and "Zalo bot" in log and "is polling" in log

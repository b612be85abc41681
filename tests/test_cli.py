"""The command line as an operator meets it: one-line errors and exit codes, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env(env: dict[str, str]) -> dict[str, str]:
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "ADMIN_", "TELEGRAM_", "LOG_"))
    }
    full.update(env)
    return full


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # cwd holds no .env: point the database at a temporary file.
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "BOT_TOKEN": ""}


def test_help_lists_the_subcommands(env: dict[str, str]) -> None:
    res = run(["--help"], env)
    assert res.returncode == 0
    for cmd in ("run", "webhook", "migrate", "unit", "invite", "jobs", "campaign", "sandbox", "admin"):
        assert cmd in res.stdout


def test_missing_token_is_one_line_and_non_zero(env: dict[str, str]) -> None:
    res = run([], env)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "BOT_TOKEN" in res.stderr and "@BotFather" in res.stderr
    assert "python -m bot sandbox" in res.stderr  # the way to try it without a token
    assert "Traceback" not in res.stderr


def test_malformed_token_is_refused_saying_what_is_checked(env: dict[str, str]) -> None:
    """Issue 14.19: the message states the rule the check applies (3+ digits, a colon, 20+
    letters, digits, - or _), not a length it does not check."""
    for token in ("not-a-token", "12:" + "A" * 35, "123456:" + "A" * 19, "123456:" + "A" * 30 + "!"):
        res = run([], {**env, "BOT_TOKEN": token})
        assert res.returncode == 2 and "malformed" in res.stderr and res.stderr.count("\n") == 1, token
    assert "3 or more digits" in res.stderr and "20 or more letters, digits, - or _" in res.stderr
    assert "35" not in res.stderr


def test_bad_settings_name_the_variable(env: dict[str, str]) -> None:
    res = run(["migrate"], {**env, "TIMEZONE": "Mars/Base"})
    assert res.returncode == 2 and res.stderr.startswith("error: TIMEZONE") and res.stderr.count("\n") == 1
    res = run(["migrate"], {**env, "ADMIN_IDS": "12,abc"})
    assert res.returncode == 2 and "ADMIN_IDS" in res.stderr


def test_unreachable_database_is_one_line(env: dict[str, str]) -> None:
    res = run(["migrate"], {**env, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
    assert res.returncode == 2 and "unreachable" in res.stderr and res.stderr.count("\n") == 1
    res = run(
        [], {**env, "BOT_TOKEN": "123456:" + "A" * 35, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    )
    assert res.returncode == 2 and "unreachable" in res.stderr and "Traceback" not in res.stderr


def test_bad_campaign_file_is_refused_at_start(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    res = run([], {**env, "BOT_TOKEN": "123456:" + "A" * 35, "CAMPAIGN_FILE": str(bad)})
    assert res.returncode == 2 and "campaign file" in res.stderr and res.stderr.count("\n") == 1
    res = run(["campaign", "check", str(bad)], env)
    assert res.returncode == 2 and "campaign file" in res.stderr
    good = run(["campaign", "check", "bot/campaign/data/2497-QD-BTNMT-2019.yaml"], env)
    assert good.returncode == 0 and "7 individual criterion groups" in good.stdout


def test_units_and_invites_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    assert run(["migrate"], env).returncode == 0
    res = run(["unit", "add", "VP", "Văn phòng Bộ"], env)
    assert res.returncode == 0, res.stderr
    csv = tmp_path / "units.csv"
    csv.write_text("code,name,parent_code,kind\nVP-1,Phòng Tổng hợp,VP,division\n", encoding="utf-8")
    assert run(["unit", "import", str(csv)], env).returncode == 0
    listing = run(["unit", "list"], env).stdout
    assert "VP\tVăn phòng Bộ" in listing and "  VP-1\tPhòng Tổng hợp" in listing
    dup = run(["unit", "add", "VP", "Khác"], env)
    assert dup.returncode == 2 and "already exists" in dup.stderr
    doc = run(["unit", "doc", "VP", "VP", "--place", "Hà Nội"], env)
    assert doc.returncode == 0 and "VP: Số: …/BC-VP; Hà Nội, ngày … tháng … năm …" in doc.stdout, doc.stderr
    bad = run(["unit", "doc", "VP", "BC/VP"], env)
    assert bad.returncode == 2 and "BC/VP" in bad.stderr

    inv = run(["invite", "VP-1", "--role", "leader", "--days", "7", "--uses", "3", "--bot-username", "vh_bot"], env)
    assert inv.returncode == 0, inv.stderr
    link = inv.stdout.strip()
    assert link.startswith("https://t.me/vh_bot?start=") and "uses 3" in inv.stderr
    token = link.split("start=")[1]
    listed = run(["invite", "--list"], env).stdout
    assert token in listed and "uses=0/3" in listed and "active" in listed
    assert run(["invite", "--revoke", token], env).returncode == 0
    assert "revoked" in run(["invite", "--list"], env).stdout
    missing = run(["invite", "NOPE", "--bot-username", "vh_bot"], env)
    assert missing.returncode == 2 and "NOPE" in missing.stderr
    no_name = run(["invite", "VP"], env)
    assert no_name.returncode == 2 and "--bot-username" in no_name.stderr


def test_admin_tasks_from_the_console(env: dict[str, str]) -> None:
    import asyncio
    from datetime import UTC, datetime

    from storage.db import make_engine, make_sessionmaker, upgrade
    from storage.models import Unit, User

    async def seed() -> None:
        engine = make_engine(env["DATABASE_URL"])
        await upgrade(engine)
        now = datetime(2026, 11, 2, tzinfo=UTC)
        async with make_sessionmaker(engine)() as s:
            unit = Unit(code="VP", name="Văn phòng Bộ", created_at=now)
            s.add(unit)
            await s.flush()
            unit.path = f"/{unit.id}/"
            s.add(
                User(
                    telegram_id=777,
                    full_name="Nguyễn Văn An",
                    position="Chuyên viên",
                    unit_id=unit.id,
                    onboarded_at=now,
                    created_at=now,
                )
            )
            await s.commit()
        await engine.dispose()

    asyncio.run(seed())
    people = run(["admin", "people", "VP"], env)
    assert people.returncode == 0 and "1\temployee\tNguyễn Văn An" in people.stdout
    changed = run(["admin", "role", "1", "leader"], env)
    assert changed.returncode == 0 and "employee -> leader" in changed.stdout
    audit = run(["admin", "audit"], env)
    assert "role.change" in audit.stdout and "employee->leader" in audit.stdout
    missing = run(["admin", "role", "99", "comms"], env)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


# -- starting against Telegram (issue 14.7) -----------------------------------------------------


async def test_a_token_telegram_rejects_stops_with_one_line(env: dict[str, str]) -> None:
    """Telegram answers 401 to getMe: one line, exit 2, no traceback. The token has the
    shape the malformed-token message states (3 digits, 20 characters), so it reaches
    Telegram. On a migrated database the start logs nothing else (no Alembic lines)."""
    import asyncio

    from emulator import TelegramEmulator

    migrated = run(["migrate"], env)
    assert migrated.returncode == 0 and "Running upgrade" in migrated.stderr
    assert "setup plugin" not in migrated.stderr  # issue 14.22: Alembic's plugin lines
    emu = TelegramEmulator(token="123456:the-real-token-of-this-bot-000000000")
    await emu.start()
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=_env({**env, "BOT_TOKEN": "123:" + "b" * 20, "TELEGRAM_API_URL": emu.url}),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.DEVNULL,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        await emu.stop()
    assert proc.returncode == 2
    assert err.decode() == "error: Telegram rejected BOT_TOKEN: get a new one from @BotFather.\n"


async def test_an_unreachable_telegram_is_one_line_per_try_then_the_bot_starts(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Nothing listens at TELEGRAM_API_URL: one line per try saying what failed, that it
    tries again, and what to check (a proxy, TELEGRAM_API_URL); the tries back off. When
    the server comes up, the bot polls it. No traceback anywhere."""
    import asyncio
    import signal
    import socket
    import time

    from emulator import TelegramEmulator

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "123456:the-real-token-of-this-bot-000000000"
    log = tmp_path / "bot.log"
    with open(log, "wb") as log_file:  # the bot writes its log here; the test reads it by name
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=_env({**env, "BOT_TOKEN": token, "TELEGRAM_API_URL": f"http://127.0.0.1:{port}"}),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log_file,
            stdin=asyncio.subprocess.DEVNULL,
        )
        emu = TelegramEmulator(token=token, port=port)
        try:
            deadline = time.monotonic() + 30
            while log.read_text().count("cannot reach Telegram") < 2:
                assert proc.returncode is None and time.monotonic() < deadline, log.read_text()
                await asyncio.sleep(0.1)
            first, second = [line for line in log.read_text().splitlines() if "cannot reach Telegram" in line][:2]
            assert (
                f"http://127.0.0.1:{port}" in first and "trying again in 1 s" in first and "TELEGRAM_API_URL" in first
            )
            assert "proxy" in first and "trying again in 2 s" in second
            await emu.start()
            while not emu.calls_of("getUpdates"):
                assert proc.returncode is None and time.monotonic() < deadline + 30, log.read_text()
                await asyncio.sleep(0.1)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 20)
            await emu.stop()
    text = log.read_text()
    assert "Traceback" not in text and "is polling" in text
    assert all(line.count("\n") == 0 for line in text.splitlines())


# -- invitations (issue 14.21) ---------------------------------------------------------------


def test_any_invitation_token_can_be_revoked_and_roles_print_plainly(env: dict[str, str]) -> None:
    """A token starting with "-" (made before tokens were kept from starting so) is taken
    by `invite --revoke`; `invite` names the role as the operator typed it."""
    import asyncio

    from sqlmodel import select

    from storage.db import make_engine, make_sessionmaker
    from storage.models import Invitation

    assert run(["migrate"], env).returncode == 0
    assert run(["unit", "add", "VP", "Văn phòng Bộ"], env).returncode == 0
    made = run(["invite", "VP", "--bot-username", "vh_bot"], env)
    assert made.returncode == 0 and "role employee," in made.stderr and "Role." not in made.stderr
    token = made.stdout.strip().split("start=")[1]
    old = "-" + token[1:]

    async def make_it_old() -> None:
        engine = make_engine(env["DATABASE_URL"])
        async with make_sessionmaker(engine)() as s:
            inv = (await s.exec(select(Invitation))).one()
            inv.token = old
            s.add(inv)
            await s.commit()
        await engine.dispose()

    asyncio.run(make_it_old())
    listed = run(["invite", "--list"], env)
    assert f"{old}\temployee\t" in listed.stdout and "active" in listed.stdout
    revoked = run(["invite", "--revoke", old], env)
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout.strip() == f"revoked {old}"
    assert "revoked" in run(["invite", "--list"], env).stdout
    assert run(["invite", f"--revoke={old}"], env).returncode == 0  # the other spelling, still fine


def test_new_invitation_tokens_never_start_with_a_dash() -> None:
    from bot.services.invites import TOKEN_RE, new_token

    tokens = [new_token() for _ in range(5000)]  # about 150 would start with "-" otherwise
    assert not [t for t in tokens if t.startswith("-")]
    assert all(TOKEN_RE.match(t) for t in tokens) and len(set(tokens)) == len(tokens)

"""The command line as an operator meets it: one-line errors and exit codes, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "ADMIN_"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=full, capture_output=True, text=True,
        timeout=timeout, stdin=subprocess.DEVNULL,
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
    assert "Traceback" not in res.stderr


def test_malformed_token_is_refused(env: dict[str, str]) -> None:
    res = run([], {**env, "BOT_TOKEN": "not-a-token"})
    assert res.returncode == 2 and "malformed" in res.stderr and res.stderr.count("\n") == 1


def test_bad_settings_name_the_variable(env: dict[str, str]) -> None:
    res = run(["migrate"], {**env, "TIMEZONE": "Mars/Base"})
    assert res.returncode == 2 and res.stderr.startswith("error: TIMEZONE") and res.stderr.count("\n") == 1
    res = run(["migrate"], {**env, "ADMIN_IDS": "12,abc"})
    assert res.returncode == 2 and "ADMIN_IDS" in res.stderr


def test_unreachable_database_is_one_line(env: dict[str, str]) -> None:
    res = run(["migrate"], {**env, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
    assert res.returncode == 2 and "unreachable" in res.stderr and res.stderr.count("\n") == 1
    res = run([], {**env, "BOT_TOKEN": "123456:" + "A" * 35, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
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
            s.add(User(telegram_id=777, full_name="Nguyễn Văn An", position="Chuyên viên", unit_id=unit.id,
                       onboarded_at=now, created_at=now))
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

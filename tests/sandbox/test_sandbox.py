"""The sandbox without a browser: demo data, the clock jumps, the page's API, the CLI.

The sandbox runs in-process on a free port with a temporary database, its clock started
on a Wednesday morning in Hà Nội (25/11/2026 10:00).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.config import load_settings
from bot.sandbox.clock import ClockError, SandboxClock, next_digest, next_weekly
from bot.sandbox.runner import ZALO_TOKEN, Sandbox, SandboxError, state_file
from bot.sandbox.seed import HISTORY_WEEKS, PEOPLE, ZALO_PEOPLE
from bot.services.checkin import current_week
from bot.services.delivery import DeliveryService
from bot.services.invites import InviteService
from storage.delivery import CustomDeadline, JobRun
from storage.examples import ExamplePhoto, ExampleStatus, GoodExample
from storage.models import CheckIn, CheckInAnswer, CheckInStatus, Level, Role, Unit, UnitKind, User

ROOT = Path(__file__).resolve().parents[2]
HN = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 11, 25, 10, 0, tzinfo=HN)  # Wednesday, ISO week 48


def settings():  # noqa: ANN201
    return load_settings(default_locale="vi", timezone="Asia/Ho_Chi_Minh", log_level="WARNING")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed once (a few seconds); each test starts a sandbox on its own copy."""
    path = tmp_path_factory.mktemp("seeded") / "sandbox.db"
    clock = SandboxClock(state_file=state_file(path))
    clock.start_at(START)

    async def make() -> None:
        from bot.campaign.loader import load_campaign
        from bot.sandbox.seed import seed
        from storage.db import make_engine, make_sessionmaker, upgrade

        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        cfg = settings()
        await seed(make_sessionmaker(engine), clock, load_campaign(cfg.campaign_file), cfg)
        await engine.dispose()

    asyncio.run(make())
    return path


def copy_of(seeded: Path, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for source in seeded.parent.iterdir():
        shutil.copy(source, where / source.name)
    return where / seeded.name


@pytest.fixture
async def sandbox(seeded: Path, tmp_path: Path) -> AsyncIterator[Sandbox]:
    box = Sandbox(settings(), db_path=copy_of(seeded, tmp_path / "box"), port=0)
    await box.start()
    yield box
    await box.stop()
    assert not box.emulator.internal_errors, box.emulator.internal_errors  # type: ignore[union-attr]
    box.emulator.assert_all_callbacks_answered()  # type: ignore[union-attr]


async def rows(box: Sandbox, query):  # noqa: ANN001, ANN201
    async with box.rt.sessionmaker() as s:  # type: ignore[union-attr]
        return list((await s.exec(query)).all())


def local(dt: datetime) -> datetime:
    return dt.astimezone(HN)


async def test_seed_has_every_role_a_unit_tree_and_eight_weeks_of_history(sandbox: Sandbox) -> None:
    users = await rows(sandbox, select(User))
    roles = Counter(Role(u.role).value for u in users if u.telegram_id)
    assert roles == {"employee": 13, "leader": 2, "comms": 2, "admin": 1}
    on_zalo = Counter(Role(u.role).value for u in users if u.zalo_id)
    assert on_zalo == {"employee": 1, "leader": 1} and len(users) == 20  # and two on Zalo (issue 16)
    assert all(u.onboarded_at is not None and u.full_name and u.position for u in users)

    units = {u.code: u for u in await rows(sandbox, select(Unit))}
    assert units["BO"].name == sandbox.settings.ministry_name  # organisation names are configuration
    assert units["BO-VTDKT"].name == sandbox.settings.standing_agency
    for dept in ("SO-HN", "SO-DN"):
        divisions = [u for u in units.values() if u.parent_id == units[dept].id]
        assert len(divisions) == 3 and all(UnitKind(d.kind) == UnitKind.division for d in divisions)
    code_of = {u.id: code for code, u in units.items()}
    assert sorted(code_of[u.unit_id] for u in users if u.role == Role.leader) == ["SO-DN", "SO-HN", "SO-HN-MT"]

    checkins = await rows(sandbox, select(CheckIn))
    weeks = sorted({c.week for c in checkins})
    closed = [w for w in weeks if w < 202648]
    assert len(closed) == HISTORY_WEEKS and closed[0] == 202640
    per_week = Counter(c.week for c in checkins if c.status == CheckInStatus.done)
    assert all(per_week[w] >= 10 for w in closed), per_week  # most of 17 people, every week
    statuses = Counter(CheckInStatus(c.status) for c in checkins)
    assert statuses[CheckInStatus.skipped] >= 1 and statuses[CheckInStatus.in_progress] >= 1
    done_by_user = Counter(c.user_id for c in checkins if c.status == CheckInStatus.done)
    employees = [u for u in users if u.role == Role.employee]
    assert all(done_by_user[u.id] >= 3 for u in employees)
    assert sum(done_by_user[u.id] for u in employees) / len(employees) >= 5
    answers = await rows(sandbox, select(CheckInAnswer))
    levels = Counter(Level(a.level) for a in answers)
    assert levels[Level.good] > levels[Level.ok] > levels[Level.not_met] > 0  # varied, mostly good
    assert any(a.sub_items and a.note for a in answers if a.level == Level.not_met)
    # The admin does no check-ins; nobody answered a week that had not come yet.
    admin = next(u for u in users if u.role == Role.admin)
    assert all(c.user_id != admin.id for c in checkins)
    assert max(c.completed_at for c in checkins if c.completed_at) <= START  # type: ignore[type-var]

    deadlines = await rows(sandbox, select(CustomDeadline))
    assert len(deadlines) == 3 and min(d.due for d in deadlines) <= START.date() + timedelta(days=7)
    examples = await rows(sandbox, select(GoodExample))
    assert Counter(ExampleStatus(e.status).value for e in examples) == {"submitted": 2, "approved": 1, "published": 1}
    photos = await rows(sandbox, select(ExamplePhoto))
    assert len(photos) == 6 and all(p.data[:2] == b"\xff\xd8" for p in photos)  # JPEG

    # A quiet start: the periods already past count as run, nothing waits in the outbox.
    assert {r.job for r in await rows(sandbox, select(JobRun))} >= {"leader_digests", "deadline_reminders"}
    async with sandbox.rt.sessionmaker() as s:  # type: ignore[union-attr]
        assert await DeliveryService(s, sandbox.clock).pending_count() == 0
    # Everyone can be acted as at once: an emulated person who has opened the bot.
    for p in PEOPLE:
        assert sandbox.emulator.chat(p.telegram_id).started  # type: ignore[union-attr]


async def test_a_restart_keeps_the_data_and_the_sandbox_time(seeded: Path, tmp_path: Path) -> None:
    db = copy_of(seeded, tmp_path / "box")
    async with Sandbox(settings(), db_path=db, port=0) as box:
        assert box.seeded is None  # seeded once, not again
        result = await box.jump("digest")
        count = len(await rows(box, select(CheckIn)))
    assert "offset_seconds" in json.loads(state_file(db).read_text())
    async with Sandbox(settings(), db_path=db, port=0) as again:
        assert len(await rows(again, select(CheckIn))) == count
        assert again.clock.now() >= result.now  # the sandbox's own date goes on
        assert local(again.clock.now()).date() == local(result.now).date()
        # The emulator keeps nothing: everyone is an emulated person again.
        assert again.emulator.chat(880021).started  # type: ignore[union-attr]

    with pytest.raises(SandboxError, match="--reset"):
        Sandbox(settings(), db_path=db, port=0, start_at=START)._prepare_files()
    fresh = Sandbox(settings(), db_path=db, port=0, reset=True, start_at=START)
    fresh._prepare_files()  # what --reset does before anything starts
    assert not db.exists() and abs(fresh.clock.now() - START) < timedelta(minutes=1)


async def test_the_monday_digest_jump_runs_the_job_and_drains_the_outbox(sandbox: Sandbox) -> None:
    assert sandbox.rt.clock is sandbox.clock  # type: ignore[union-attr] - the bot's own now moves too
    lan = next(u for u in await rows(sandbox, select(User)) if u.telegram_id == 880101)
    assert current_week(lan, sandbox.rt.clock) == 202648  # type: ignore[union-attr]

    result = await sandbox.jump("digest")
    assert local(result.now).replace(second=0, microsecond=0) == datetime(2026, 11, 30, 8, 0, tzinfo=HN)
    digests = [j for j in result.jobs if j.job == "leader_digests"]
    # Text + chart for each of three leaders: two on Telegram, one on Zalo.
    assert digests and digests[0].period == "202648" and digests[0].queued == 6
    assert result.sent >= 6
    async with sandbox.rt.sessionmaker() as s:  # type: ignore[union-attr]
        assert await DeliveryService(s, sandbox.clock).pending_count() == 0
    zalo_leader = next(p.zalo_id for p in ZALO_PEOPLE if p.role == Role.leader)
    assert zalo_leader is not None and sandbox.zalo is not None
    assert any("Chi cục Bảo vệ môi trường" in m.shown for m in sandbox.zalo.messages(zalo_leader))
    assert current_week(lan, sandbox.rt.clock) == 202649  # type: ignore[union-attr]

    hung = sandbox.emulator.user(880021)  # type: ignore[union-attr]
    [text] = [m for m in hung.messages if m.text and "Bản tổng hợp tuần" in m.text]
    assert "tuần 48" in text.text and "Sở Nông nghiệp và Môi trường Hà Nội" in text.text
    assert any(m.photo for m in hung.messages)
    # The demo colleagues did their own check-ins during the week that was jumped over.
    done = await rows(sandbox, select(CheckIn).where(CheckIn.week == 202648, CheckIn.status == CheckInStatus.done))
    assert len(done) >= 8

    assert (await sandbox.target_times())["digest"] == datetime(
        2026, 12, 7, 8, 0, tzinfo=HN
    )  # never the same Monday twice


async def test_the_check_in_jump_lands_on_the_persons_own_time(sandbox: Sandbox) -> None:
    times = await sandbox.target_times(880101)  # Nguyễn Thị Lan, Friday 15:00
    assert times["checkin"] == datetime(2026, 11, 27, 15, 0, tzinfo=HN)
    result = await sandbox.jump("checkin", 880101)
    prompts = [j for j in result.jobs if j.job == "checkin_prompts"]
    assert prompts and "prompt -> 880101" in prompts[0].lines
    lan = sandbox.emulator.user(880101)  # type: ignore[union-attr]
    assert "⏰" in lan.last.text and "Câu 1/7" in lan.last.text
    assert lan.last.button_texts[:3] == ["🟢 Tốt", "🟡 Đạt", "🔴 Chưa đạt"]
    await lan.press("🟢 Tốt")  # the prompt is a live check-in card
    assert "Câu 2/7" in lan.last.text
    assert (await sandbox.target_times(880101))["checkin"] == datetime(2026, 12, 4, 15, 0, tzinfo=HN)


async def test_the_deadline_jump_reminds_the_leaders(sandbox: Sandbox) -> None:
    times = await sandbox.target_times()
    assert times["deadline"] is not None and times["deadline"].time().isoformat() == "08:30:00"
    result = await sandbox.jump("deadline")
    reminders = [j for j in result.jobs if j.job == "deadline_reminders"]
    assert reminders and reminders[0].queued >= 2
    for leader in (880021, 880022):
        assert "Nhắc hạn" in sandbox.emulator.user(leader).last.text  # type: ignore[union-attr]


async def test_the_page_and_its_api_over_http(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession(sandbox.url) as http:
        async with http.get("/") as r:
            page = await r.text()
            assert r.status == 200 and "/static/app.js" in page
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        for asset in ("app.js", "style.css"):
            async with http.get(f"/static/{asset}") as r:
                assert r.status == 200 and len(await r.read()) > 1000
        async with http.get("/static/..%2Fweb.py") as r:
            assert r.status == 404
        async with http.get("/_sandbox/state", params={"user_id": "880101"}) as r:
            state = await r.json()
        assert state["now"].startswith("2026-11-25T10:0") and state["timezone"] == "Asia/Ho_Chi_Minh"
        assert {p["role"] for p in state["personas"]} == {"employee", "leader", "comms", "admin"}
        assert state["next"]["checkin"].startswith("2026-11-27T15:00")
        assert state["next"]["digest"].startswith("2026-11-30T08:00")

        async with http.post("/_sandbox/newcomer", json={"lang": "en"}) as r:
            newcomer = await r.json()
        assert newcomer["link"].startswith("https://t.me/") and newcomer["unit"] == "Phòng Quản lý đất đai"
        user_id = newcomer["user"]["id"]
        async with http.post(f"/_emu/users/{user_id}/messages", json={"text": f"/start {newcomer['token']}"}) as r:
            replies = (await r.json())["messages"]
        assert "Personal data notice" in replies[-1]["text"]  # the newcomer's Telegram speaks English
        async with http.get("/_sandbox/state") as r:
            assert any(p["id"] == user_id and p["role"] == "newcomer" for p in (await r.json())["personas"])
        async with http.get(f"/_sandbox/users/{user_id}/commands") as r:
            assert any(c["command"] == "help" for c in (await r.json())["commands"])

        async with http.post("/_sandbox/newcomer", json={"token": "no-such-invitation"}) as r:
            assert r.status == 400 and (await r.json())["error"]
        # A link an admin made in the bot opens as a new person with that invitation.
        async with sandbox.rt.sessionmaker() as s:  # type: ignore[union-attr]
            token = (await InviteService(s, sandbox.clock).create("SO-DN", Role.leader, max_uses=1)).token
        async with http.post("/_sandbox/newcomer", json={"token": token}) as r:
            invited = await r.json()
        assert invited["token"] == token and invited["role"] == "leader" and invited["user"]["id"] != user_id
        async with http.post(f"/_emu/users/{invited['user']['id']}/messages", json={"text": f"/start {token}"}) as r:
            assert "lãnh đạo đơn vị" in (await r.json())["messages"][-1]["text"]
        async with http.post("/_sandbox/jump", json={"target": "tomorrow"}) as r:
            assert r.status == 400 and "tomorrow" in (await r.json())["error"]
        async with http.post("/_sandbox/jump", json={"target": "digest", "lang": "en"}) as r:
            body = await r.json()
        assert body["now"].startswith("2026-11-30T08:00") and any(j["job"] == "leader_digests" for j in body["jobs"])


def test_the_clock_only_moves_forward_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.clock.json"
    clock = SandboxClock.load(path)
    assert abs(clock.offset) == timedelta(0)
    target = clock.now() + timedelta(days=3)
    clock.jump_to(target)
    assert abs(SandboxClock.load(path).now() - target) < timedelta(seconds=5)
    with pytest.raises(ClockError):
        clock.jump_to(clock.now() - timedelta(hours=1))
    path.write_text("not json")
    assert SandboxClock.load(path).offset == timedelta(0)  # unreadable: real time, not a crash
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=HN)
    assert next_digest(wednesday, HN) == datetime(2026, 11, 30, 8, 0, tzinfo=HN)
    assert next_digest(datetime(2026, 11, 30, 8, 0, tzinfo=HN), HN) == datetime(2026, 12, 7, 8, 0, tzinfo=HN)
    assert next_weekly(wednesday, HN, 2, wednesday.time()) == wednesday + timedelta(days=7)


async def test_a_busy_port_is_one_clear_error(sandbox: Sandbox, tmp_path: Path) -> None:
    port = int(sandbox.url.rsplit(":", 1)[1])
    other = Sandbox(settings(), db_path=tmp_path / "other.db", port=port)
    with pytest.raises(SandboxError, match=str(port)):
        await other.start()


def test_the_cli_offers_the_sandbox(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "ADMIN_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    usage = run("sandbox", "--help").stdout
    for option in ("--port", "--host", "--db", "--reset", "--at"):
        assert option in usage
    res = run("sandbox", "--at", "someday")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "--at" in res.stderr
    # `python -m bot` itself still stops with its one line when there is no token (tests/test_cli.py).


def _make_run(
    tmp_path: Path, *make_args: str, env: dict[str, str] | None = None, dotenv: str = "", target: str = "run"
) -> str:
    """What `make run …` would start, as make itself expands it (`make -n`, PY=echo), run in
    a directory with the given .env."""
    clean = {"PATH": os.environ["PATH"], **(env or {})}
    dry = subprocess.run(
        ["make", "-s", "-n", "-C", str(ROOT), target, "PY=echo", *make_args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    script = [line for line in dry.splitlines() if "-m bot" in line][-1]
    (tmp_path / ".env").write_text(dotenv)
    return subprocess.run(
        ["sh", "-c", script], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=10
    ).stdout.strip()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_starts_the_sandbox_without_a_token_on_the_port_given(tmp_path: Path) -> None:
    assert _make_run(tmp_path) == "-m bot sandbox"
    assert _make_run(tmp_path, env={"BOT_TOKEN": "123:abc"}) == "-m bot"
    assert _make_run(tmp_path, dotenv="BOT_TOKEN=123:abc\n") == "-m bot"
    assert _make_run(tmp_path, dotenv="BOT_TOKEN=\n") == "-m bot sandbox"
    # A bot on Zalo alone (issue 16) is a live bot too, not the sandbox.
    assert _make_run(tmp_path, env={"ZALO_BOT_TOKEN": "123:zalo"}) == "-m bot"
    assert _make_run(tmp_path, dotenv="ZALO_BOT_TOKEN=123:zalo\n") == "-m bot"
    # Issue 14, item 26: the port, and any other option, as the README says.
    assert _make_run(tmp_path, "PORT=9000") == "-m bot sandbox --port 9000"
    assert (
        _make_run(tmp_path, "PORT=9001", "SANDBOX_ARGS=--reset --at now")
        == "-m bot sandbox --port 9001 --reset --at now"
    )
    assert _make_run(tmp_path, env={"PORT": "9002"}) == "-m bot sandbox --port 9002"
    assert _make_run(tmp_path, "PORT=9000", dotenv="BOT_TOKEN=123:abc\n") == "-m bot"  # live: no port
    assert _make_run(tmp_path, "PORT=9003", target="sandbox") == "-m bot sandbox --port 9003"


def test_the_readme_says_how_to_change_the_port_and_lists_the_real_defaults() -> None:
    from bot.__main__ import _parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it without Telegram", 1)[1].split("\n## ", 1)[0]
    assert "make run PORT=9000" in section and 'SANDBOX_ARGS="' in section
    sandbox_parser = next(
        a
        for a in _parser()._subparsers._group_actions
        if a.dest == "cmd"  # type: ignore[union-attr]
    ).choices["sandbox"]
    rows = {
        line.split("|")[1].strip().strip("`").split()[0]: line.split("|")[2]
        for line in section.splitlines()
        if line.startswith("| `--")
    }
    options = [a for a in sandbox_parser._actions if a.option_strings and a.dest != "help"]
    assert sorted(rows) == sorted(a.option_strings[0] for a in options)
    for action in options:
        row = rows[action.option_strings[0]]
        if action.default not in (None, False):
            assert f"`{action.default}`" in row, (action.option_strings, row)
    assert "Friday 14:00 of the current week" in rows["--at"]
    # No example line that reads as if --reset and --at were defaults.
    assert not any("# the same" in line and "--at 20" in line for line in section.splitlines())


# -- issue 14, item 24: a fresh sandbox starts at a demo moment, and says so ------------------


async def test_without_at_a_fresh_sandbox_starts_on_friday_14_of_this_week_and_says_so(tmp_path: Path) -> None:
    from bot.i18n import use_locale
    from bot.sandbox.runner import banner, demo_moment

    real = datetime.now(HN)
    friday = real.date() - timedelta(days=real.weekday()) + timedelta(days=4)
    assert demo_moment(real, HN) == datetime.combine(friday, datetime.min.time(), HN).replace(hour=14)
    # Any day of a week lands on that week's Friday: Monday 04:00 and Sunday 23:59 alike.
    assert demo_moment(datetime(2026, 11, 23, 4, 0, tzinfo=HN), HN) == datetime(2026, 11, 27, 14, 0, tzinfo=HN)
    assert demo_moment(datetime(2026, 11, 29, 23, 59, tzinfo=HN), HN) == datetime(2026, 11, 27, 14, 0, tzinfo=HN)

    db = tmp_path / "fresh" / "sandbox.db"
    async with Sandbox(settings(), db_path=db, port=0) as box:
        now = local(box.clock.now())
        assert now.date() == friday and (now.hour, now.minute) == (14, 0), now
        text = banner(box)
        assert box.url in text and "BOT_TOKEN" in text
        assert "14:00" in text and f"{friday:%d/%m/%Y}" in text and "thời điểm mẫu" in text and "--at now" in text
        with use_locale("en"):
            from bot.sandbox.runner import time_line

            assert "Friday" in time_line(box) and "demo moment" in time_line(box)
        # Something to see: Nguyễn Thị Lan's Friday 15:00 prompt is an hour away.
        assert (await box.target_times(880101))["checkin"] == datetime.combine(friday, datetime.min.time(), HN).replace(
            hour=15
        )
    # A restart goes on from the sandbox's own time, and says so.
    async with Sandbox(settings(), db_path=db, port=0) as again:
        assert again.origin == "kept" and local(again.clock.now()).date() == friday
        assert "lần chạy trước" in banner(again)
    # --at now: the real time.
    real_box = Sandbox(settings(), db_path=tmp_path / "real" / "sandbox.db", port=0, start_at="now")
    real_box._prepare_files()
    assert real_box.origin == "now" and abs(real_box.clock.now() - datetime.now(HN)) < timedelta(seconds=5)


def test_the_cli_takes_at_now(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "ADMIN_"))}
    usage = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    flat = " ".join(usage.split())
    assert "`now`" in flat and "Friday 14:00 of the current week" in flat


# -- issue 14, item 25: the page's VI / EN switch sets the person's bot language ----------------


async def test_the_language_switch_changes_the_persons_bot_language_as_settings_does(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession(sandbox.url) as http:
        async with http.post("/_sandbox/users/880022/language", json={"lang": "en"}) as r:  # Lê Thị Mai, leader
            body = await r.json()
        assert r.status == 200 and body == {"ok": True, "locale": "en", "registered": True, "changed": True}
        [mai] = [u for u in await rows(sandbox, select(User)) if u.telegram_id == 880022]
        assert mai.locale == "en"  # stored, as /settings stores it
        person = sandbox.emulator.user(880022)  # type: ignore[union-attr]
        assert person.last.text == "Language changed to English. /settings changes it again."
        assert ("unit", "Your unit's figures") in person.commands  # her own menu, now in English
        async with http.get("/_sandbox/state") as r:
            assert next(p for p in (await r.json())["personas"] if p["id"] == 880022)["locale"] == "en"
        await person.send("/help")
        assert "/checkin" in person.last.text and "tự đánh giá" not in person.last.text

        # An employee: the shared menu in her language.
        async with http.post("/_sandbox/users/880105/language", json={"lang": "en"}) as r:
            assert (await r.json())["changed"] is True
        assert ("checkin", "This week's self-assessment") in sandbox.emulator.user(880105).commands  # type: ignore[union-attr]

        # Already so: nothing to say. Back to Vietnamese: said in Vietnamese.
        count = len(person.messages)
        async with http.post("/_sandbox/users/880022/language", json={"lang": "en"}) as r:
            assert (await r.json())["changed"] is False
        assert len(person.messages) == count
        async with http.post("/_sandbox/users/880022/language", json={"lang": "vi"}) as r:
            assert (await r.json())["changed"] is True
        assert person.last.text == "Đã chuyển ngôn ngữ sang Tiếng Việt. Đồng chí có thể đổi lại trong /settings."
        assert ("unit", "Số liệu của đơn vị") in person.commands

        # A newcomer the bot does not know yet: only their Telegram app's language; nothing stored.
        async with http.post("/_sandbox/newcomer", json={"lang": "vi"}) as r:
            newcomer = (await r.json())["user"]["id"]
        async with http.post(f"/_sandbox/users/{newcomer}/language", json={"lang": "en"}) as r:
            assert (await r.json()) == {"ok": True, "locale": "en", "registered": False, "changed": False}
        assert sandbox.emulator.user(newcomer).language_code == "en"  # type: ignore[union-attr]
        assert not [u for u in await rows(sandbox, select(User)) if u.telegram_id == newcomer]
        async with http.post("/_sandbox/users/12345/language", json={"lang": "en"}) as r:
            assert r.status == 404


# -- people on Zalo (issue 16, item 5) --------------------------------------------------------


async def test_people_on_zalo_are_seeded_and_chat_through_the_fake_zalo_not_a_real_token(
    seeded: Path, tmp_path: Path
) -> None:
    real = "1234567890:zalo-real-token-from-dotenv"
    base = settings().model_copy(update={"zalo_bot_token": SecretStr(real), "zalo_api_url": "https://example.invalid"})
    async with Sandbox(base, db_path=copy_of(seeded, tmp_path / "box"), port=0) as box:
        assert box.zalo is not None
        # Its own fake token and server: the one in .env is never used.
        assert box.settings.zalo_bot_token is not None
        assert box.settings.zalo_bot_token.get_secret_value() == ZALO_TOKEN != real
        assert box.settings.zalo_api_url == box.zalo.url and box.zalo.token == ZALO_TOKEN

        on_zalo = {p.zalo_id: p for p in ZALO_PEOPLE}
        users = {u.zalo_id: u for u in await rows(box, select(User)) if u.zalo_id}
        assert set(users) == set(on_zalo)
        assert {Role(u.role) for u in users.values()} == {Role.employee, Role.leader}
        assert all(u.telegram_id is None and u.onboarded_at for u in users.values())
        personas = {p["id"]: p for p in await box.personas()}
        assert {personas[z]["channel"] for z in on_zalo} == {"zalo"}
        assert personas[880101]["channel"] == "telegram"
        # Their past weeks are there, as everyone's; this week is theirs to do.
        employee = next(u for u in users.values() if u.role == Role.employee)
        weeks = {c.week for c in await rows(box, select(CheckIn).where(CheckIn.user_id == employee.id))}
        assert len(weeks) >= HISTORY_WEEKS - 2 and 202648 not in weeks

        async with aiohttp.ClientSession() as http:
            zid = employee.zalo_id
            async with http.post(f"{box.url}/_sandbox/zalo/{zid}/send", json={"text": "tự đánh giá"}) as r:
                assert r.status == 200 and (await r.json())["message"]["text"] == "tự đánh giá"
            for _ in range(100):
                async with http.get(f"{box.url}/_sandbox/zalo/{zid}/messages?after=0") as r:
                    messages = (await r.json())["messages"]
                if any(m["from_bot"] and "Câu 1/7" in (m["text"] or "") for m in messages):
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail(f"the bot did not answer on Zalo: {messages}")
            after = messages[-1]["seq"]
            async with http.get(f"{box.url}/_sandbox/zalo/{zid}/messages?after={after}") as r:
                assert (await r.json())["messages"] == []
            async with http.post(f"{box.url}/_sandbox/zalo/{zid}/send", json={"text": "  "}) as r:
                assert r.status == 400 and (await r.json())["error"]
            async with http.post(f"{box.url}/_sandbox/zalo/nobody/send", json={"text": "1"}) as r:
                assert r.status == 400
            async with http.get(f"{box.url}/_sandbox/state?zalo_id={zid}") as r:
                state = await r.json()
            assert state["next"]["checkin"]  # the Friday 14:30 of her own settings
            assert local(datetime.fromisoformat(state["next"]["checkin"])).strftime("%a %H:%M") == "Fri 14:30"

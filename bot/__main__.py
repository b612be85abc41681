"""Command line: `python -m bot` runs the bot; `python -m bot --help` lists the rest.

Exit codes: 0 ok; 2 bad configuration or input (one line on stderr); 1 another failure.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from bot import boot
from bot.campaign.loader import CampaignError, check_campaign
from bot.clock import Clock
from bot.config import ConfigError, Settings, load_settings
from storage.db import DatabaseUnavailable

log = logging.getLogger("bot")


class CliError(Exception):
    """A one-line reason for a non-zero exit."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="Văn hóa công sở: the office-culture campaign bot (the campaign of CAMPAIGN_FILE).",
    )
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    rn = sub.add_parser("run", help="run the bot with long polling (the default)")
    rn.add_argument(
        "--host", default="127.0.0.1", help="with PUBLIC_URL and Zalo: address of the web server for file links"
    )
    rn.add_argument("--port", type=int, default=8080, help="with PUBLIC_URL and Zalo: its port (default 8080)")
    sub.add_parser("migrate", help="upgrade the database schema to the newest migration")
    wh = sub.add_parser(
        "webhook", help="serve webhooks with aiohttp (WEBHOOK_URL, WEBHOOK_SECRET); sets the webhook at start"
    )
    wh.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")
    wh.add_argument("--port", type=int, default=8443, help="port to listen on (default 8443)")
    wh.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (needs PostgreSQL and Redis above 1)"
    )
    wh.add_argument("--wait", action="store_true", help="answer Telegram only after handling each update")
    wh.add_argument("--no-set-webhook", dest="set_webhook", action="store_false", help=argparse.SUPPRESS)

    unit = sub.add_parser("unit", help="units: add, import from CSV, list")
    usub = unit.add_subparsers(dest="unit_cmd", metavar="ACTION", required=True)
    ua = usub.add_parser("add", help="add a unit")
    ua.add_argument("code", help="short unique code, e.g. STNMT-HN")
    ua.add_argument("name", help="the unit's full name")
    ua.add_argument("--parent", help="the parent unit's code")
    ua.add_argument("--kind", default="ministry_unit", choices=["ministry_unit", "province_dept", "division"])
    ui = usub.add_parser("import", help="create or update units from a CSV file (code,name,parent_code,kind)")
    ui.add_argument("file", type=Path)
    usub.add_parser("list", help="print the unit tree")
    ud = usub.add_parser(
        "doc", help="the unit's document code and place (Decree 30/2020: Số: …/BC-CODE; PLACE, ngày …)"
    )
    ud.add_argument("code", help="the unit's code")
    ud.add_argument("doc_code", help="the code in its documents' numbers, e.g. STNMT")
    ud.add_argument("--place", help='the place before the date, e.g. "Hà Nội"')

    inv = sub.add_parser("invite", help="create an invitation and print its deep link")
    inv.add_argument("unit", nargs="?", help="unit code (may be omitted for --role admin)")
    inv.add_argument("--role", default="employee", choices=["employee", "leader", "comms", "admin"])
    inv.add_argument("--days", type=int, default=14, help="days the link stays valid (default 14)")
    inv.add_argument("--uses", type=int, default=None, help="how many people may use it (default unlimited)")
    inv.add_argument("--bot-username", help="the bot's @username (default BOT_USERNAME, else asked from Telegram)")
    inv.add_argument("--list", action="store_true", help="list the invitations (of UNIT if given) instead")
    inv.add_argument("--revoke", metavar="TOKEN", help="withdraw the invitation with this token instead")

    jobs = sub.add_parser("jobs", help="scheduled jobs: list, or run one now")
    jsub = jobs.add_subparsers(dest="jobs_cmd", metavar="ACTION", required=True)
    jsub.add_parser("list", help="the jobs and when they run")
    jr = jsub.add_parser("run", help="run one job once, as if at --now, and print what it queued")
    jr.add_argument("name")
    jr.add_argument("--now", help="ISO date-time, e.g. 2026-12-07T08:00 (campaign time zone unless it has an offset)")
    jr.add_argument(
        "--send",
        action="store_true",
        help="also send the queued messages (needs BOT_TOKEN or ZALO_BOT_TOKEN; left to the running bot if it "
        "holds the scheduler lock)",
    )

    sb = sub.add_parser(
        "sandbox",
        help="the whole bot on this machine without Telegram, with a browser chat page",
        description="Start a fake Telegram Bot API, the bot against it with demo data, and a chat page "
        "where you act as any role and move the clock. No BOT_TOKEN needed.",
    )
    sb.add_argument("--port", type=int, default=8080, help="port of the chat page (default 8080)")
    sb.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    sb.add_argument(
        "--db",
        type=Path,
        default=Path("data/sandbox.db"),
        help="the sandbox's own SQLite file (default data/sandbox.db)",
    )
    sb.add_argument("--reset", action="store_true", help="start again from fresh demo data")
    sb.add_argument(
        "--at",
        metavar="WHEN",
        help="start the sandbox clock at this ISO date-time (campaign time zone), or `now` for the real time "
        "(default: a fresh sandbox starts on Friday 14:00 of the current week, a restart goes on from its own time)",
    )

    adm = sub.add_parser("admin", help="operator tasks: a unit's people, a person's role, the audit log")
    asub = adm.add_subparsers(dest="admin_cmd", metavar="ACTION", required=True)
    ap = asub.add_parser("people", help="the registered people of a unit, with their numbers and roles")
    ap.add_argument("unit")
    ar = asub.add_parser("role", help="change a registered person's role (audited, actor: the console)")
    ar.add_argument("person", type=int, help="the person's number (from `admin people`)")
    ar.add_argument("role", choices=["employee", "leader", "comms"])
    aa = asub.add_parser("audit", help="recent audit entries")
    aa.add_argument("--refused", action="store_true", help="refusals only")
    aa.add_argument("--limit", type=int, default=30)

    camp = sub.add_parser("campaign", help="campaign files")
    csub = camp.add_subparsers(dest="campaign_cmd", metavar="ACTION", required=True)
    cc = csub.add_parser("check", help="validate a campaign file and summarise it")
    cc.add_argument("file", type=Path)
    return p


def _run_async(fn: Callable[[], Coroutine[Any, Any, int]]) -> int:
    return asyncio.run(fn())


def _moment(value: str, flag: str, example: str, settings: Settings) -> datetime:
    """An ISO date-time from the command line, in the campaign's zone unless it has an offset."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag} {value!r} is not an ISO date-time such as {example}") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=settings.zone)


async def _session(settings: Settings):  # noqa: ANN202 - (engine, sessionmaker)
    from storage.db import make_engine, make_sessionmaker, upgrade

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    except Exception:
        await engine.dispose()
        raise
    return engine, make_sessionmaker(engine)


async def cmd_run(settings: Settings, *, host: str = "127.0.0.1", port: int = 8080) -> int:
    from bot.app import build_runtime, reach_telegram

    # Fail fast, before touching the database.
    if settings.has_zalo:
        settings.zalo_token()
        if settings.zalo_webhook() is not None:
            raise ConfigError(
                "ZALO_WEBHOOK_URL is set: Zalo then posts its events to the bot's web server, which "
                "`python -m bot webhook` runs; unset it to poll Zalo with `python -m bot`."
            )
    if settings.has_telegram or not settings.has_zalo:
        settings.token()
    rt = await build_runtime(settings)
    boot.freeze_startup_objects()
    files = None
    try:
        if rt.zalo_files is not None:
            # Polling needs no web server, but Zalo's links to pictures and files do.
            from aiohttp import web

            app = web.Application()
            rt.zalo_files.add_route(app)
            files = web.AppRunner(app, access_log=None)
            await files.setup()
            try:
                await web.TCPSite(files, host, port).start()
            except OSError as exc:
                raise ConfigError(
                    f"cannot listen on {host}:{port} for Zalo's file links (PUBLIC_URL): {exc.strerror}; "
                    "choose another with --port."
                ) from None
            log.info("file links for Zalo served on %s:%s as %s", host, port, settings.public_base)
        served: list[asyncio.Task[None]] = []
        if rt.zalo is not None:
            served.append(asyncio.create_task(_serve_zalo(rt, settings)))
        if rt.bot is not None and rt.dp is not None:
            bot, dp = rt.bot, rt.dp

            async def telegram() -> None:
                me = await reach_telegram(bot, settings)
                log.info(
                    "@%s is polling (database %s)", me.username, rt.engine.url.render_as_string(hide_password=True)
                )
                # The dispatcher's startup starts the scheduler, its shutdown stops it (bot/app.py).
                await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())

            served.append(asyncio.create_task(telegram()))
        else:
            served.append(asyncio.create_task(_until_signalled()))
        # Telegram and Zalo apart: one unreachable does not hold up the other. The first to
        # end (a signal, or a rejected token) ends both.
        done, pending = await asyncio.wait(served, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()
    finally:
        if files is not None:
            await files.cleanup()
        await rt.close()
    return 0


async def _serve_zalo(rt, settings: Settings) -> None:  # noqa: ANN001 - bot.app.Runtime
    """Zalo's side of `run`: once Zalo answers, the scheduler (for a bot on Zalo alone; beside
    Telegram, the first of the two to answer starts it) and the long polling."""
    from bot.channels.zalo.runner import reach_zalo

    assert rt.zalo is not None and rt.zalo_client is not None
    me = await reach_zalo(rt.zalo_client, settings)
    log.info("Zalo bot %s is polling", me.get("account_name") or me.get("id") or "?")
    if rt.scheduler is not None:
        await rt.scheduler.start(None)
    await rt.zalo.poll()


async def _until_signalled() -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def cmd_migrate(settings: Settings) -> int:
    engine, _ = await _session(settings)
    await engine.dispose()
    print(f"database is at the newest schema: {engine.url.render_as_string(hide_password=True)}")
    return 0


async def cmd_unit(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.units import UnitService

    engine, sm = await _session(settings)
    try:
        async with sm() as session:
            svc = UnitService(session, Clock())
            if args.unit_cmd == "add":
                unit = await svc.add(args.code, args.name, args.parent, args.kind)
                print(f"added {unit.code}: {unit.name}")
            elif args.unit_cmd == "import":
                try:
                    text = args.file.read_text(encoding="utf-8-sig")
                except OSError as exc:
                    raise CliError(f"cannot read {args.file}: {exc.strerror}") from None
                res = await svc.import_csv(text)
                print(f"imported {args.file}: {res.created} created, {res.updated} updated")
            elif args.unit_cmd == "doc":
                unit = await svc.set_document(args.code, args.doc_code, args.place)
                print(f"{unit.code}: Số: …/BC-{unit.doc_code}; {unit.place or '…'}, ngày … tháng … năm …")
            else:
                rows = await svc.tree()
                if not rows:
                    print("no units yet")
                for row in rows:
                    print(f"{'  ' * row.depth}{row.unit.code}\t{row.unit.name}\t({row.unit.kind})")
    finally:
        await engine.dispose()
    return 0


async def _bot_username(settings: Settings, given: str | None) -> str:
    if given or settings.bot_username:
        return (given or settings.bot_username or "").lstrip("@")
    from bot.app import create_bot

    try:
        bot = create_bot(settings)
    except ConfigError:
        raise CliError("the bot's username is unknown: pass --bot-username or set BOT_USERNAME") from None
    try:
        me = await bot.me()
    except Exception as exc:  # noqa: BLE001 - network or token errors
        raise CliError(f"could not ask Telegram for the bot's username ({exc}); pass --bot-username") from None
    finally:
        await bot.session.close()
    return me.username or ""


async def cmd_invite(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.invites import InviteService, deep_link
    from storage.models import Role

    engine, sm = await _session(settings)
    try:
        async with sm() as session:
            svc = InviteService(session, Clock())
            if args.revoke:
                await svc.revoke(args.revoke)
                print(f"revoked {args.revoke}")
                return 0
            if args.list:
                for inv in await svc.list(args.unit):
                    state = "revoked" if inv.revoked_at else "active"
                    uses = f"{inv.uses}/{inv.max_uses if inv.max_uses is not None else '∞'}"
                    expires = inv.expires_at.isoformat(timespec="minutes") if inv.expires_at else "never"
                    print(
                        f"{inv.token}\t{Role(inv.role).value}\tunit={inv.unit_id}\tuses={uses}\texpires={expires}\t{state}"
                        f"\tcode={inv.code or '-'}"
                    )
                return 0
            # A bot on Zalo alone has no Telegram link to print: its invitations are their codes.
            zalo_only = (
                settings.has_zalo and not settings.has_telegram and not (args.bot_username or settings.bot_username)
            )
            username = None if zalo_only else await _bot_username(settings, args.bot_username)
            inv = await svc.create(args.unit, args.role, valid_days=args.days, max_uses=args.uses)
            print(deep_link(username, inv.token) if username is not None else inv.code)
            expires = inv.expires_at.isoformat(timespec="minutes") if inv.expires_at else "never"
            uses = args.uses if args.uses is not None else "unlimited"
            print(
                f"role {Role(inv.role).value}, unit {args.unit or '-'}, expires {expires}, uses {uses}", file=sys.stderr
            )
            # Zalo's links carry no payload: there the person sends this code to the bot.
            print(f"Zalo code: {inv.code} (on Zalo, the person sends it to the bot)", file=sys.stderr)
    finally:
        await engine.dispose()
    return 0


async def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from bot.campaign.loader import load_campaign
    from bot.clock import FixedClock, ShiftedClock
    from scheduler.jobs import JOBS, JobContext, run_job

    if args.jobs_cmd == "list":
        for spec in JOBS.values():
            when = " ".join(f"{k}={v}" for k, v in spec.cron.items())
            print(f"{spec.name}\t{when}\t{spec.description}")
        return 0
    if args.name not in JOBS:
        raise CliError(f"no job named {args.name!r}; `python -m bot jobs list` shows them")
    real_now = Clock().now()
    now = _moment(args.now, "--now", "2026-12-07T08:00", settings) if args.now else real_now
    clock = FixedClock(now)
    campaign = load_campaign(
        settings.campaign_file, ministry=settings.ministry_name, standing_agency=settings.standing_agency
    )
    engine, sm = await _session(settings)
    try:
        # Queued as of --now, due at once even when --now is later than now (no message
        # waits for that date in the outbox).
        result = await run_job(JobContext(sm, clock, campaign, settings, due=min(now, real_now)), args.name, now)
        for line in result.lines:
            print(line)
        print(f"{result.job} for {result.period}: {result.queued} message(s) queued")
        if result.queued and now > real_now:
            print(
                "--now is later than the real time: the messages are due now, "
                f"not at {now.isoformat(timespec='minutes')}"
            )
        if args.send:
            from bot.app import create_bot
            from scheduler.outbox import OutboxSender
            from scheduler.runner import LeaderLock

            # Only the scheduler's leader sends: a running bot would send the same rows too.
            lock = LeaderLock(engine, settings.redis_url)
            if not await lock.acquire():
                print(
                    "not sent from here: the running bot holds the scheduler lock and sends the queued messages itself"
                )
                return 0
            # Each channel the bot has a token for (Zalo's rows with ZALO_BOT_TOKEN).
            bot = create_bot(settings) if settings.has_telegram or not settings.has_zalo else None
            zalo_client = None
            zalo = None
            if settings.has_zalo:
                from bot.channels.zalo.client import ZaloClient
                from bot.channels.zalo.files import FileLinks, link_key
                from scheduler.outbox import ZaloOutbox

                zalo_client = ZaloClient(settings.zalo_token(), settings.zalo_api_url)
                files = (
                    FileLinks(sm, Clock(), settings.public_base, link_key(settings.zalo_token()))
                    if settings.public_base
                    else None
                )
                zalo = ZaloOutbox(
                    zalo_client, rate=settings.zalo_send_rate, publish=files.publish if files is not None else None
                )
            try:
                # From --now on, in real time: what was queued "at" --now is due, and retries
                # wait their real seconds.
                sender = OutboxSender(bot, sm, ShiftedClock.starting_at(now), rate=settings.send_rate, zalo=zalo)
                await sender.drain(timeout=3600)
                print(f"sent {sender.sent}, failed {sender.failed}")
            finally:
                if bot is not None:
                    await bot.session.close()
                if zalo_client is not None:
                    await zalo_client.close()
                await lock.release()
    finally:
        await engine.dispose()
    return 0


async def cmd_sandbox(settings: Settings, args: argparse.Namespace) -> int:
    from bot.sandbox.runner import SandboxError, run_sandbox

    # No --at: a demo moment on a fresh sandbox (bot.sandbox.runner.demo_moment).
    start_at: datetime | Literal["now"] | None = None
    if args.at:
        start_at = (
            "now" if args.at.strip().lower() == "now" else _moment(args.at, "--at", "2026-11-27T14:00 or now", settings)
        )
    try:
        return await run_sandbox(
            settings, host=args.host, port=args.port, db_path=args.db, reset=args.reset, start_at=start_at
        )
    except SandboxError as exc:
        raise CliError(str(exc)) from None


async def cmd_admin(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services.audit import AuditService
    from bot.services.people import PeopleService
    from storage.models import Role, User

    engine, sm = await _session(settings)
    try:
        async with sm() as session:
            clock = Clock()
            if args.admin_cmd == "people":
                unit, people = await PeopleService(session, clock).unit_members(args.unit)
                print(f"{unit.code}\t{unit.name}: {len(people)} registered")
                for p in people:
                    print(f"{p.id}\t{p.role}\t{p.full_name}\t{p.position}")
            elif args.admin_cmd == "role":
                console = User(role=Role.admin, created_at=clock.now())  # the operator: audited with no Telegram id
                person, old = await PeopleService(session, clock).change_role(console, args.person, args.role)
                print(f"{person.id} {person.full_name}: {Role(old).value} -> {Role(person.role).value}")
            else:
                for e in await AuditService(session, clock).recent(args.limit, refused_only=args.refused):
                    print(
                        f"{e.at.isoformat(timespec='seconds')}\t{e.outcome}\t{e.action}\t"
                        f"{e.actor_telegram_id or '-'}\t{e.detail}"
                    )
    finally:
        await engine.dispose()
    return 0


# Options whose value may start with "-" (older invitation tokens do): argparse would take
# such a value for an option, so "--revoke -x…" is read as "--revoke=-x…".
VALUE_OPTIONS = ("--revoke",)


def _join_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in VALUE_OPTIONS:
            value = next(args, None)
            out.append(arg if value is None else f"{arg}={value}")
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> int:
    # The entry point's first act: aiogram, whenever a command imports it, builds its types in
    # dependency order (bot/boot.py). Nothing is imported here yet.
    boot.install()
    args = _parser().parse_args(_join_values(sys.argv[1:] if argv is None else argv))
    cmd = args.cmd or "run"
    if cmd == "campaign":
        try:
            print(check_campaign(args.file))
        except CampaignError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
        )
        if cmd == "run":
            host, port = getattr(args, "host", "127.0.0.1"), getattr(args, "port", 8080)
            return _run_async(lambda: cmd_run(settings, host=host, port=port))
        if cmd == "webhook":
            from bot import webhook

            if not args.set_webhook:
                return webhook.run_child(settings, args.host, args.port, args.wait)
            return webhook.run(settings, args.host, args.port, max(1, args.workers), args.wait)
        if cmd == "migrate":
            return _run_async(lambda: cmd_migrate(settings))
        if cmd == "unit":
            return _run_async(lambda: cmd_unit(settings, args))
        if cmd == "invite":
            return _run_async(lambda: cmd_invite(settings, args))
        if cmd == "jobs":
            return _run_async(lambda: cmd_jobs(settings, args))
        if cmd == "admin":
            return _run_async(lambda: cmd_admin(settings, args))
        if cmd == "sandbox":
            return _run_async(lambda: cmd_sandbox(settings, args))
    except (ConfigError, CampaignError, DatabaseUnavailable, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - domain errors from services, one line each
        from bot.services.errors import DomainError

        if isinstance(exc, DomainError):
            from bot.i18n import use_locale
            from bot.views.texts import error_text

            with use_locale("en"):
                print(f"error: {error_text(exc)}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

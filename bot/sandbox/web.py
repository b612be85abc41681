"""The chat page and its small API, served beside the emulator on the same port.

    GET  /                              the page (static/index.html)
    GET  /static/{name}                 app.js, style.css
    GET  /_sandbox/state?user_id=&lang= sandbox time, people to act as, where the jumps land
    POST /_sandbox/newcomer             {"lang", "token"?} -> a new person and their invitation link
    POST /_sandbox/jump                 {"target": "checkin"|"digest"|"deadline", "user_id"?}
    GET  /_sandbox/users/{id}/commands  the command menu this person sees
    POST /_sandbox/users/{id}/language  {"lang"} -> the person's bot language, as /settings sets it
    GET  /_sandbox/zalo/{id}/messages?after=  a Zalo person's chat (the fake Zalo server's record)
    POST /_sandbox/zalo/{id}/send       {"text"} -> what they typed, as Zalo's text event to the bot

Chatting itself goes through the emulator's control API (/_emu/: send, press, the long
poll of a chat's messages), documented in the emulator package.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.zalo.files import ROUTE as FILE_ROUTE
from bot.i18n import _, use_locale
from bot.sandbox.clock import ClockError
from bot.sandbox.errors import SandboxError
from bot.services.errors import DomainError
from bot.views.texts import error_text

if TYPE_CHECKING:
    from bot.sandbox.runner import Sandbox

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"app.js": "text/javascript", "style.css": "text/css"}
# The page builds every node itself: no inline script or style, nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
NO_STORE = {"Cache-Control": "no-store"}
SANDBOX_KEY = web.AppKey("sandbox", object)


@web.middleware
async def _until_ready(request: web.Request, handler: Any) -> web.StreamResponse:
    """The page loads at once; its API waits for the bot (seeding takes a few seconds)."""
    if request.path.startswith("/_sandbox/") and not request.app[SANDBOX_KEY].ready:  # type: ignore[attr-defined]
        return _fail(503, "starting")
    return await handler(request)


def add_routes(app: web.Application, sandbox: Sandbox) -> None:
    app[SANDBOX_KEY] = sandbox
    app.middlewares.append(_until_ready)
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", asset)
    app.router.add_get("/_sandbox/state", state)
    app.router.add_post("/_sandbox/newcomer", newcomer)
    app.router.add_post("/_sandbox/jump", jump)
    app.router.add_get("/_sandbox/users/{user_id}/commands", commands)
    app.router.add_post("/_sandbox/users/{user_id}/language", language)
    app.router.add_get(FILE_ROUTE, zalo_file)
    app.router.add_get("/_sandbox/zalo/{zalo_id}/messages", zalo_messages)
    app.router.add_post("/_sandbox/zalo/{zalo_id}/send", zalo_send)


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]  # type: ignore[return-value]


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False, default=_default),
        status=status,
        content_type="application/json",
        headers=NO_STORE,
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _fail(status: int, error: str) -> web.Response:
    return _json({"ok": False, "error": error}, status)


def _lang(value: Any) -> str:
    return "en" if value == "en" else "vi"


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _user_id(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


async def index(request: web.Request) -> web.Response:
    return web.Response(
        body=(STATIC / "index.html").read_bytes(),
        content_type="text/html",
        charset="utf-8",
        headers={**NO_STORE, "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound()
    return web.Response(
        body=(STATIC / name).read_bytes(),
        content_type=ASSETS[name],
        charset="utf-8",
        headers={**NO_STORE, "X-Content-Type-Options": "nosniff"},
    )


async def state(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    user_id = _user_id(request.query.get("user_id"))
    zalo_id = request.query.get("zalo_id") or None
    now = sandbox.clock.now()
    return _json(
        {
            "ok": True,
            "now": now.astimezone(sandbox.settings.zone),
            "offset_seconds": sandbox.clock.offset.total_seconds(),
            "origin": sandbox.origin,  # demo | at | now | kept: how the clock was set at start
            "timezone": sandbox.settings.timezone,
            "bot": {
                "username": sandbox.emulator.me["username"] if sandbox.emulator else None,
                "name": sandbox.emulator.me["first_name"] if sandbox.emulator else None,
            },
            "personas": await sandbox.personas(),
            "next": await sandbox.target_times(user_id, zalo_id),
        }
    )


async def newcomer(request: web.Request) -> web.Response:
    body = await _body(request)
    lang = _lang(body.get("lang"))
    token = body.get("token")
    with use_locale(lang):
        try:
            person = await _sandbox(request).newcomer(lang, str(token) if token else None)
        except DomainError as exc:
            return _fail(400, error_text(exc))
        except SandboxError as exc:
            return _fail(400, str(exc))
    return _json({"ok": True, **person})


async def jump(request: web.Request) -> web.Response:
    body = await _body(request)
    with use_locale(_lang(body.get("lang"))):
        try:
            zalo_id = str(body["zalo_id"]) if body.get("zalo_id") else None
            result = await _sandbox(request).jump(str(body.get("target")), _user_id(body.get("user_id")), zalo_id)
        except (SandboxError, ClockError) as exc:
            return _fail(400, str(exc) or _("The clock cannot go there."))
    sandbox = _sandbox(request)
    return _json(
        {
            "ok": True,
            "target": result.target,
            "now": result.now.astimezone(sandbox.settings.zone),
            "jobs": [{"job": j.job, "period": j.period, "queued": j.queued} for j in result.jobs],
            "sent": result.sent,
        }
    )


async def commands(request: web.Request) -> web.Response:
    user_id = _user_id(request.match_info["user_id"])
    if user_id is None:
        return _fail(400, "user id must be a number")
    return _json({"ok": True, "commands": _sandbox(request).commands(user_id)})


async def language(request: web.Request) -> web.Response:
    user_id = _user_id(request.match_info["user_id"])
    if user_id is None:
        return _fail(400, "user id must be a number")
    lang = _lang((await _body(request)).get("lang"))
    with use_locale(lang):
        try:
            result = await _sandbox(request).set_language(user_id, lang)
        except SandboxError as exc:
            return _fail(404, str(exc))
        except DomainError as exc:
            return _fail(400, error_text(exc))
    return _json({"ok": True, **result})


async def zalo_messages(request: web.Request) -> web.Response:
    after = _user_id(request.query.get("after")) or 0
    return _json({"ok": True, "messages": _sandbox(request).zalo_messages(request.match_info["zalo_id"], after)})


async def zalo_send(request: web.Request) -> web.Response:
    body = await _body(request)
    with use_locale(_lang(body.get("lang"))):
        try:
            message = await _sandbox(request).zalo_send(request.match_info["zalo_id"], str(body.get("text") or ""))
        except SandboxError as exc:
            return _fail(400, str(exc))
    return _json({"ok": True, "message": message})


async def zalo_file(request: web.Request) -> web.Response:
    """A picture or file the bot sent a Zalo person as a link (PUBLIC_URL is this server)."""
    rt = _sandbox(request).rt
    if rt is None or rt.zalo_files is None:
        raise web.HTTPNotFound()
    return await rt.zalo_files.handler(request)

"""The ``/_emu/`` control API: drive the emulator from another process (a browser, a subprocess test).

All answers are JSON ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}`` with a 4xx/5xx
status. They are same-origin only: no CORS headers, and a POST must carry the header
``X-Sandbox`` (or come from a non-browser client, which sends no Origin), so another web page
open in the same browser can neither read them nor drive them.
The routes are listed in the package docstring.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .model import ChatMessage

if TYPE_CHECKING:
    from .server import TelegramEmulator

PREFIX = "/_emu"
MAX_WAIT = 60.0


def message_json(message: ChatMessage) -> dict[str, Any]:
    """A message as the control API shows it: the Bot API object plus what a page needs."""
    data = message.to_api()
    data.update(
        {
            "seq": message.seq,
            "from_bot": message.from_bot,
            "deleted": message.deleted,
            "edited": message.edited,
            "html": message.html,
            "buttons": [
                [{k: v for k, v in button.items() if k in ("text", "callback_data", "url")} for button in row]
                for row in (message.reply_markup or {}).get("inline_keyboard", [])
            ],
        }
    )
    if message.photo:
        data["file_url"] = f"{PREFIX}/files/{message.photo.file_id}"
    elif message.document:
        data["file_url"] = f"{PREFIX}/files/{message.document.file_id}"
    return data


def _ok(**body: Any) -> web.Response:
    return _reply({"ok": True, **body})


def _fail(status: int, error: str) -> web.Response:
    return _reply({"ok": False, "error": error}, status)


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


@web.middleware
async def same_origin_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """A browser POST to a control path must carry X-Sandbox (set by the sandbox page);
    a cross-site form cannot add that header, and clients that are not browsers send no Origin."""
    control_path = request.path.startswith(("/_emu/", "/_sandbox/"))
    if (
        control_path
        and request.method == "POST"
        and request.headers.get("Origin")
        and not request.headers.get("X-Sandbox")
    ):
        return _fail(403, "cross-site request refused: the sandbox answers its own page only")
    return await handler(request)


def add_control_routes(app: web.Application, emulator: TelegramEmulator) -> None:
    app.middlewares.append(same_origin_only)
    control = _Control(emulator)
    router = app.router
    router.add_get(f"{PREFIX}/", control.summary)
    router.add_get(f"{PREFIX}/users", control.list_users)
    router.add_post(f"{PREFIX}/users", control.create_user)
    router.add_post(f"{PREFIX}/users/{{user_id}}/messages", control.send)
    router.add_post(f"{PREFIX}/users/{{user_id}}/press", control.press)
    router.add_post(f"{PREFIX}/users/{{user_id}}/block", control.block)
    router.add_post(f"{PREFIX}/users/{{user_id}}/unblock", control.unblock)
    router.add_get(f"{PREFIX}/chats/{{chat_id}}/messages", control.chat_messages)
    router.add_get(f"{PREFIX}/files/{{file_id}}", control.file)
    router.add_get(f"{PREFIX}/calls", control.calls)


class _Control:
    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator

    def _user(self, request: web.Request) -> Any:
        try:
            user_id = int(request.match_info["user_id"])
        except ValueError:
            raise _BadRequest("user id must be a number") from None
        for user in self.emulator.users:
            if user.id == user_id:
                return user
        raise _NotFound(f"no user {user_id}: create it with POST {PREFIX}/users")

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        try:
            body = await request.json()
        except ValueError:
            raise _BadRequest("JSON body expected") from None
        if not isinstance(body, dict):
            raise _BadRequest("a JSON object expected")
        return body

    @staticmethod
    def _timeout(value: Any) -> float | None:
        return None if value is None else min(float(value), MAX_WAIT)

    async def summary(self, request: web.Request) -> web.Response:
        emulator = self.emulator
        return _ok(
            bot=emulator.me,
            url=emulator.url,
            webhook=(emulator.webhook or {}).get("url"),
            pending_updates=len(emulator._queue),
            calls=len(emulator.calls),
            users=[user.info for user in emulator.users],
        )

    async def list_users(self, request: web.Request) -> web.Response:
        return _ok(users=[user.info for user in self.emulator.users])

    async def create_user(self, request: web.Request) -> web.Response:
        try:
            body = await self._body(request)
        except _Failure as failure:
            return failure.response()
        used = {user.id for user in self.emulator.users}
        user_id = body.get("id")
        if user_id is None:
            user_id = max(used | {1000}) + 1
        user = self.emulator.user(
            int(user_id),
            body.get("first_name") or "User",
            body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "vi"),
        )
        return _ok(user=user.info, chat_id=user.chat_id)

    async def _act(self, request: web.Request, action: Any) -> web.Response:
        try:
            user = self._user(request)
            result = await action(user)
        except _Failure as failure:
            return failure.response()
        except AssertionError as error:
            return _fail(400, str(error))
        except TimeoutError as error:
            return _fail(504, str(error))
        return _ok(**result)

    async def send(self, request: web.Request) -> web.Response:
        """JSON {"text": ...}, or multipart with a "photo" or "document" file and "caption"."""

        async def action(user: Any) -> dict[str, Any]:
            if request.content_type == "multipart/form-data":
                form = await request.post()
                timeout = self._timeout(form.get("timeout"))
                caption = form.get("caption") or None
                for kind in ("photo", "document"):
                    part = form.get(kind)
                    if isinstance(part, web.FileField):
                        data = part.file.read()
                        if kind == "photo":
                            replies = await user.send_photo(data, caption, timeout=timeout)
                        else:
                            replies = await user.send_document(
                                data, part.filename or "document.bin", part.content_type, caption, timeout=timeout
                            )
                        break
                else:
                    text = form.get("text")
                    if not isinstance(text, str) or not text:
                        raise _BadRequest('a "text" field or a "photo"/"document" file is needed')
                    replies = await user.send(text, timeout=timeout)
            else:
                body = await self._body(request)
                text = body.get("text")
                if not isinstance(text, str) or not text:
                    raise _BadRequest('"text" is needed')
                replies = await user.send(text, timeout=self._timeout(body.get("timeout")))
            return {"messages": [message_json(m) for m in replies], "cursor": self.emulator._seq}

        return await self._act(request, action)

    async def press(self, request: web.Request) -> web.Response:
        """JSON {"message_id": N, "callback_data": "..."} (or {"text": "button label"})."""

        async def action(user: Any) -> dict[str, Any]:
            body = await self._body(request)
            timeout = self._timeout(body.get("timeout"))
            message_id = body.get("message_id")
            if body.get("callback_data") is not None:
                replies = await user.press_data(str(body["callback_data"]), message=message_id, timeout=timeout)
            elif body.get("text"):
                replies = await user.press(str(body["text"]), message=message_id, timeout=timeout)
            else:
                raise _BadRequest('"callback_data" (with "message_id") or "text" is needed')
            answer = user.last_answer
            return {
                "messages": [message_json(m) for m in replies],
                "cursor": self.emulator._seq,
                "answer": None
                if answer is None
                else {
                    "answered": answer.answered,
                    "text": answer.text,
                    "show_alert": answer.show_alert,
                    "url": answer.url,
                },
            }

        return await self._act(request, action)

    async def block(self, request: web.Request) -> web.Response:
        async def action(user: Any) -> dict[str, Any]:
            await user.block()
            return {}

        return await self._act(request, action)

    async def unblock(self, request: web.Request) -> web.Response:
        async def action(user: Any) -> dict[str, Any]:
            await user.unblock()
            return {}

        return await self._act(request, action)

    async def chat_messages(self, request: web.Request) -> web.Response:
        """Messages (both sides, deleted ones flagged) changed after ``since``; waits up to ``timeout`` s."""
        emulator = self.emulator
        try:
            chat = emulator.chat(int(request.match_info["chat_id"]))
            since = int(request.query.get("since", "0"))
            timeout = min(float(request.query.get("timeout", "0")), MAX_WAIT)
        except (KeyError, ValueError) as error:
            return _fail(404 if isinstance(error, KeyError) else 400, str(error))
        deadline = time.monotonic() + timeout
        while True:
            changed = sorted((m for m in chat.messages.values() if m.seq > since), key=lambda m: m.message_id)
            remaining = deadline - time.monotonic()
            if changed or remaining <= 0 or emulator._closing:
                return _ok(cursor=emulator._seq, messages=[message_json(m) for m in changed])
            await emulator._changed_signal.wait(remaining)

    async def file(self, request: web.Request) -> web.Response:
        try:
            stored = self.emulator.file(request.match_info["file_id"])
        except KeyError:
            return _fail(404, "no such file")
        headers: dict[str, str] = {}
        if stored.file_name:
            headers["Content-Disposition"] = f'inline; filename="{stored.file_name}"'
        content_type = stored.mime_type or ("image/jpeg" if stored.kind == "photo" else "application/octet-stream")
        if stored.kind == "photo" and stored.data[:8] == b"\x89PNG\r\n\x1a\n":
            content_type = "image/png"
        return web.Response(body=stored.data, content_type=content_type, headers=headers)

    async def calls(self, request: web.Request) -> web.Response:
        try:
            since = int(request.query.get("since", "0"))
        except ValueError:
            return _fail(400, "since must be a number")
        calls = self.emulator.calls[since:]
        return _ok(
            next=since + len(calls),
            calls=[
                {
                    "method": c.method,
                    "params": c.params,
                    "time": c.time,
                    "ok": c.ok,
                    "status": c.status,
                    "description": c.description,
                }
                for c in calls
            ],
        )


class _Failure(Exception):
    status = 400

    def response(self) -> web.Response:
        return _fail(self.status, str(self))


class _BadRequest(_Failure):
    status = 400


class _NotFound(_Failure):
    status = 404

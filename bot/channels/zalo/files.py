"""Pictures and files for Zalo as links: Zalo sends a picture only from its address, and no
documents at all (issue 16.4). With PUBLIC_URL set, `FileLinks.publish` keeps the bytes in the
database (table published_files, shared by every worker) and gives an address on the bot's
own web server, signed and valid 24 hours:

    {PUBLIC_URL}/f/{id}/{file name}?e={expiry, Unix seconds}&s={signature}

The signature is an HMAC over the id, the file name and the expiry with a key drawn from the
Zalo bot's token, so an altered address (another id, name or expiry) is refused (403) and an
expired one is gone (410); expired files are pruned as new ones are published.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import mimetypes
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from storage.delivery import PublishedFile

log = logging.getLogger(__name__)

LINK_TTL = timedelta(hours=24)
ROUTE = "/f/{id}/{name}"


def link_key(zalo_token: str) -> bytes:
    """The links' signing key: drawn from the bot's token, never the token itself."""
    return hmac.new(zalo_token.encode(), b"vanhoa:zalo-file-links", hashlib.sha256).digest()


def _safe_name(filename: str) -> str:
    name = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename.rsplit("/", 1)[-1])
    return name.strip("._")[:100] or "file"


class FileLinks:
    """Publishes bytes as signed, expiring links, and serves them (`handler`)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        public_base: str,
        key: bytes,
        *,
        ttl: timedelta = LINK_TTL,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.public_base = public_base.rstrip("/")
        self.key = key
        self.ttl = ttl

    def sign(self, file_id: str, name: str, expires: int) -> str:
        message = f"{file_id}\n{name}\n{expires}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:32]

    async def publish(self, data: bytes, filename: str) -> str:
        """Keep the bytes; their address, valid `ttl` from now."""
        now = self.clock.now()
        name = _safe_name(filename)
        file_id = secrets.token_hex(16)
        expires_at = now + self.ttl
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        async with self.sessionmaker() as session:
            await session.exec(delete(PublishedFile).where(col(PublishedFile.expires_at) <= now))
            session.add(
                PublishedFile(
                    id=file_id,
                    filename=name,
                    content_type=content_type,
                    data=data,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            await session.commit()
        expires = int(expires_at.timestamp())
        return f"{self.public_base}/f/{file_id}/{quote(name)}?e={expires}&s={self.sign(file_id, name, expires)}"

    async def handler(self, request: web.Request) -> web.Response:
        """GET {ROUTE}: the file, if its address is as it was signed and has not expired."""
        file_id, name = request.match_info["id"], request.match_info["name"]
        try:
            expires = int(request.query.get("e", ""))
        except ValueError:
            return web.Response(status=403, text="This link is not valid.")
        if not hmac.compare_digest(request.query.get("s", ""), self.sign(file_id, name, expires)):
            log.info("file link refused: the signature does not match")
            return web.Response(status=403, text="This link is not valid.")
        now = self.clock.now()
        if datetime.fromtimestamp(expires, UTC) <= now:
            return web.Response(status=410, text="This link has expired.")
        async with self.sessionmaker() as session:
            row = await session.get(PublishedFile, file_id)
        if row is None or row.filename != name or row.expires_at <= now:
            return web.Response(status=410 if row is not None else 404, text="This file is no longer here.")
        return web.Response(
            body=row.data,
            content_type=row.content_type,
            headers={
                "Content-Disposition": f"inline; filename*=UTF-8''{quote(row.filename)}",
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",
            },
        )

    def add_route(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.handler)

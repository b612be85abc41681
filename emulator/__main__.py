"""Run the emulator on its own: ``python -m emulator --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import TelegramEmulator


async def _serve(args: argparse.Namespace) -> None:
    emulator = TelegramEmulator(
        args.token,
        bot_username=args.username,
        host=args.host,
        port=args.port,
        flood_global=args.flood_global,
        flood_per_chat=args.flood_per_chat,
    )
    await emulator.start()
    print(f"Telegram Bot API emulator on {emulator.url} (token {emulator.token}); control API at {emulator.url}/_emu/")
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake Telegram Bot API server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--username", default="test_bot")
    parser.add_argument("--flood-global", type=int, default=None, help="messages per second over all chats")
    parser.add_argument("--flood-per-chat", type=int, default=None, help="messages per second in one chat")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()

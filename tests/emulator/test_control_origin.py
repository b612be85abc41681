"""The control API answers its own page only: another site's page cannot drive it."""

from __future__ import annotations

import aiohttp

from emulator import TelegramEmulator


async def test_cross_site_posts_are_refused_and_same_site_ones_work() -> None:
    emu = TelegramEmulator(token="123456:TEST-token", bot_username="t_bot")
    await emu.start()
    try:
        async with aiohttp.ClientSession() as http:
            url = f"{emu.url}/_emu/users"
            async with http.post(url, json={"first_name": "A"}, headers={"Origin": "https://evil.example"}) as resp:
                assert resp.status == 403 and "Access-Control-Allow-Origin" not in resp.headers
            async with http.post(url, json={"first_name": "A"}, headers={"Origin": emu.url, "X-Sandbox": "1"}) as resp:
                assert resp.status == 200
            async with http.post(url, json={"first_name": "B"}) as resp:  # not a browser: no Origin
                assert resp.status == 200
        assert len(emu._users) == 2
    finally:
        await emu.stop()

"""The charts people get in the chat (/history, /unit, /dashboard) are the phone-width
ones: 800 px wide, one panel; kept in test-artifacts/charts/ as they were sent."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from bot.services.stats import Participation
from handlers.leader import chart_headline
from storage.models import Role
from tests.conftest import ARTIFACTS
from tests.e2e.conftest import Harness
from tests.e2e.test_leader_admin import admin, checked_in


def keep(name: str, data: bytes) -> Image.Image:
    out = ARTIFACTS / "charts"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.png").write_bytes(data)
    return Image.open(io.BytesIO(data))


def participation(done: int, expected: int) -> Participation:
    return Participation(week=202648, expected=expected, done=done, skipped=0, paused=0)


def test_the_headline_is_the_weeks_rate_and_its_change() -> None:
    assert chart_headline(participation(5, 7), participation(6, 7)) == {
        "headline": "71%", "headline_note": "↓15 so với tuần trước"}
    assert chart_headline(participation(7, 7), participation(5, 7))["headline_note"] == "↑29 so với tuần trước"
    assert chart_headline(participation(1, 2), participation(2, 4))["headline_note"] == "→0 so với tuần trước"
    assert chart_headline(participation(1, 2), participation(0, 0))["headline_note"] == "tuần trước chưa có số liệu"
    assert chart_headline(participation(0, 0), None)["headline"] == "—"


async def test_history_unit_and_dashboard_charts_at_phone_width(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("VP-TH", "Phòng Tổng hợp", "VP")
    await h.add_unit("SO-B", "Sở Nông nghiệp và Môi trường Hà Tĩnh")
    await h.register(41001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    people = [await h.register(41100 + n, f"Chuyên Viên {n}", unit="VP-TH") for n in range(3)]
    await h.register(41200, "Người Sở B", unit="SO-B")
    for _week in range(2):
        for p in people[: 3 - _week]:
            await checked_in(h, p)
        h.clock.set(h.clock.now() + timedelta(days=7))

    lan = h.emu.user(41100, "Lan")
    await lan.send("/history")
    _table, chart = lan.since_last_action
    image = keep("e2e-history", chart.photo.data)
    assert image.width == 800 and image.height < 2 * image.width

    lead = h.emu.user(41001, "Lãnh đạo")
    await lead.send("/unit")
    _card, chart = lead.since_last_action
    image = keep("e2e-unit", chart.photo.data)
    assert image.width == 800 and image.height < image.width * 1.5

    boss = await admin(h)
    await boss.send("/dashboard")
    _text, chart = boss.since_last_action
    image = keep("e2e-dashboard", chart.photo.data)
    assert image.width == 800

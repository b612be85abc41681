"""The charts people get in the chat (/history, /unit, /dashboard) are the phone-width
ones: 800 px wide, one panel; kept in test-artifacts/charts/ as they were sent."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from bot.services.stats import Participation
from bot.views.leader import chart_headline
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
        "headline": "71%",
        "headline_note": "↓15 so với tuần trước",
    }
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


def test_dashboard_chart_shows_the_eight_lowest_of_many_units(monkeypatch) -> None:  # noqa: ANN001
    from datetime import UTC, datetime

    from bot.channels.telegram.callbacks import DashboardCB
    from bot.services.figures import SectorFigures, Tally, UnitTally
    from bot.views import sector
    from storage.models import Unit

    when = datetime(2026, 11, 24, tzinfo=UTC)
    units = [
        UnitTally(Unit(id=n, code=f"U{n}", name=f"Đơn vị {n}", created_at=when), 0, 4, Tally(4, n % 5, 0))
        for n in range(12)
    ]
    fig = SectorFigures(weeks=[202648], total=Tally(48, 20, 0), members=48, units=units)
    seen: dict = {}
    monkeypatch.setattr(sector, "sector_participation", lambda **kw: seen.update(kw) or b"")
    sector.chart(fig, DashboardCB(w=202648))
    assert seen["title"].startswith("Tự đánh giá: 8 đơn vị có tỷ lệ thấp nhất trong 12 đơn vị, tuần 48")
    assert seen["rates"] == sorted(seen["rates"]) and len(seen["units"]) == 8 and max(seen["rates"]) <= 50
    assert seen["headline"] == "42%" and seen["headline_note"] == "toàn ngành, 20/48 lượt"

    few = SectorFigures(weeks=[202648], total=Tally(8, 4, 0), members=8, units=units[:2])
    sector.chart(few, DashboardCB(w=202648))
    assert seen["title"].startswith("Tự đánh giá theo đơn vị, tuần 48") and seen["units"] == ["Đơn vị 0", "Đơn vị 1"]


async def test_the_leaders_digest_chart_at_phone_width(h: Harness) -> None:
    from datetime import UTC, datetime

    from bot.services.checkin import CheckinService
    from scheduler.jobs import JobContext, run_job
    from scheduler.outbox import OutboxSender
    from storage.models import Level

    await h.add_unit("VP", "Văn phòng Bộ")
    await h.register(42001, "Hoàng Trưởng", unit="VP", role=Role.leader)
    members = [await h.register(42010 + n, f"Cán Bộ {n}", unit="VP") for n in range(5)]
    async with h.sessionmaker() as s:
        svc = CheckinService(s, h.clock, h.rt.campaign)
        for n, m in enumerate(members[:4]):
            for k, g in enumerate(h.rt.campaign.individual_criteria):
                await svc.answer(m, svc.current_week(m), g.code, (Level.good, Level.ok, Level.not_met)[(n + k) % 3])
            await svc.finish(m, svc.current_week(m))
    h.emu.user(42001, "Trưởng", started=True)
    monday = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00: the digest of week 48
    h.clock.set(monday)
    await run_job(JobContext(h.sessionmaker, h.clock, h.rt.campaign, h.rt.settings), "leader_digests", monday)
    assert h.rt.bot is not None
    await OutboxSender(h.rt.bot, h.sessionmaker, h.clock, rate=20).drain()
    card, chart = h.emu.messages(42001)
    assert "Bản tổng hợp tuần" in card.text
    image = keep("e2e-digest", chart.photo.data)
    assert image.width == 800 and image.height <= 1280
    assert {"#78B159", "#FDCB58", "#DD2E44"} <= {
        "#{:02X}{:02X}{:02X}".format(*rgb) for _n, rgb in image.convert("RGB").getcolors(1 << 20)
    }

"""Unit and sector figures (/unit, /dashboard, the annual report), on SQLite and PostgreSQL:
a leader sees their own unit and sub-units only; aggregates under 3 people are withheld."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.campaign.loader import load_campaign
from bot.render.charts import sector_participation, unit_overview
from bot.services.checkin import CheckinService, previous_week, week_key
from bot.services.digest import DigestService
from bot.services.errors import AccessDenied
from bot.services.figures import FiguresService, Tally, weeks_of_year
from bot.services.stats import Shares, StatsService, count_expected, expected_in_week, needs_attention
from storage.models import AuditEntry, Level, Role, User
from tests.services.seed import person, unit

CAMPAIGN = load_campaign()
WEEK = week_key(date(2026, 11, 25))  # the clock fixture's week


async def check_in(session, clock, user: User, levels=None) -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN)
    week = svc.current_week(user)
    for n, g in enumerate(CAMPAIGN.individual_criteria):
        await svc.answer(user, week, g.code, (levels or {}).get(n, Level.good))
    await svc.finish(user, week)


@pytest.fixture
async def tree(session, clock):  # noqa: ANN001, ANN201
    """VP with two divisions (VP-TH, VP-PC); SO-B elsewhere. Leaders of VP and SO-B."""
    await unit(session, clock, "VP")
    await unit(session, clock, "VP-TH", "VP")
    await unit(session, clock, "VP-PC", "VP")
    await unit(session, clock, "SO-B")
    return {
        "lead_vp": await person(session, clock, 7001, "VP", Role.leader),
        "lead_b": await person(session, clock, 7002, "SO-B", Role.leader),
        "th": [await person(session, clock, 7100 + n, "VP-TH") for n in range(3)],
        "pc": [await person(session, clock, 7200 + n, "VP-PC") for n in range(2)],
        "b": [await person(session, clock, 7300 + n, "SO-B") for n in range(2)],
        "admin": await person(session, clock, 7009, None, Role.admin),
    }


async def test_a_leader_sees_their_unit_and_sub_units_and_is_refused_elsewhere(session, clock, tree) -> None:  # noqa: ANN001
    for member in tree["th"]:
        await check_in(session, clock, member)
    clock.set(clock.now() + timedelta(days=7))  # the week above is now the last closed one
    svc = FiguresService(session, clock)
    ov = await svc.overview(tree["lead_vp"])
    assert ov.unit.code == "VP" and ov.week == WEEK and ov.parent is None
    assert (ov.now.done, ov.now.expected) == (3, 6)  # the leader and 5 members; 3 done
    assert ov.now.shares is not None and ov.now.shares["a"].good == 3
    assert [(u.code, p.done, p.expected) for u, p in ov.sub_units] == [("VP-PC", 0, 2), ("VP-TH", 3, 3)]
    assert ov.this_week is not None and ov.this_week.done == 0
    assert [p.week for p in ov.trend] == [WEEK]  # the trend starts when the first of them registered
    th = (await svc.overview(tree["lead_vp"], ov.sub_units[1][0].id)).unit
    sub = await svc.overview(tree["lead_vp"], th.id)
    assert sub.parent is not None and sub.parent.code == "VP"  # the way back up
    # The leader of SO-B asks for VP-TH: refused, and the refusal is audited.
    lead_b_id = tree["lead_b"].telegram_id
    with pytest.raises(AccessDenied):
        await svc.overview(tree["lead_b"], th.id)
    [refusal] = (await session.exec(select(AuditEntry).where(AuditEntry.outcome == "refused"))).all()
    assert (refusal.actor_telegram_id, refusal.action) == (lead_b_id, "view_unit")
    # An employee is refused too; an administrator sees any unit.
    with pytest.raises(AccessDenied):
        await svc.overview(tree["th"][0])
    assert (await svc.overview(tree["admin"], th.id)).unit.code == "VP-TH"


async def test_criteria_shares_are_withheld_under_three_respondents(session, clock, tree) -> None:  # noqa: ANN001
    for member in tree["pc"]:
        await check_in(session, clock, member)
    clock.set(clock.now() + timedelta(days=7))
    svc = FiguresService(session, clock)
    pc = (await svc.overview(tree["lead_vp"])).sub_units[0][0]
    ov = await svc.overview(tree["lead_vp"], pc.id)
    assert (ov.now.done, ov.now.expected) == (2, 2) and ov.now.shares is None  # 2 < 3: withheld


async def test_the_sector_adds_up_units_for_a_week_and_a_year(session, clock, tree) -> None:  # noqa: ANN001
    for member in tree["th"] + tree["b"][:1]:
        await check_in(session, clock, member)
    svc = FiguresService(session, clock)
    fig = await svc.sector([WEEK])
    rows = {r.unit.code: r for r in fig.units}
    assert (rows["VP"].tally, rows["VP"].members) == (Tally(6, 3, 0), 6)
    assert rows["VP-TH"].tally == Tally(3, 3, 0) and rows["VP-TH"].depth == 1
    assert rows["SO-B"].tally == Tally(3, 1, 0)
    assert fig.total == Tally(9, 4, 0) and fig.members == 9
    # The week's figures agree with the digest's (StatsService).
    stats = StatsService(session)
    vp_ids = [r.unit.id for r in fig.units if r.unit.path.startswith(rows["VP"].unit.path)]
    p = await stats.participation(vp_ids, WEEK, with_shares=False)
    assert (p.expected, p.done) == (6, 3)
    # A year counts each person from the week they joined: everyone joined this week.
    year = await svc.sector(weeks_of_year(2026, svc.today()))
    assert year.total == Tally(9, 4, 0) and len(year.weeks) == 48
    vp = await svc.year(rows["VP"].unit, 2026)
    assert vp.tally == Tally(6, 3, 0) and vp.respondents == 3 and vp.shares is not None
    assert vp.shares["a"].good == 3
    so_b = await svc.year(rows["SO-B"].unit, 2026)
    assert so_b.respondents == 1 and so_b.shares is None  # withheld


def test_weeks_of_a_year() -> None:
    # ISO weeks: 2026-W01 begins on Monday 29/12/2025.
    assert weeks_of_year(2026, date(2025, 12, 28)) == []
    assert weeks_of_year(2026, date(2025, 12, 29)) == [202601]
    assert weeks_of_year(2026, date(2026, 11, 25))[-1] == 202648
    assert len(weeks_of_year(2020, date(2026, 1, 1))) == 53
    assert previous_week(202101) == 202053 and previous_week(202601) == 202552


def test_charts_render_vietnamese_without_missing_glyphs() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = unit_overview(
            title="Văn phòng Bộ: tuần 48 (23/11–29/11/2026)",
            weeks=["05/10", "12/10"],
            rates=[50.0, 75.0],
            rate_label="Tỷ lệ đã tự đánh giá (%)",
            headline="75%",
            headline_note="↑25 so với tuần trước",
        )
        png2 = sector_participation(
            title="Tự đánh giá theo đơn vị, năm 2026",
            units=["Sở Nông nghiệp và Môi trường Hà Tĩnh"],
            rates=[42.0],
            rate_label="Tỷ lệ (%)",
            empty="Chưa có",
        )
    missing = [
        str(w.message) for w in caught if "missing from" in str(w.message).lower() or "glyph" in str(w.message).lower()
    ]
    assert missing == []
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png2[:8] == b"\x89PNG\r\n\x1a\n"


# -- one rule for who is expected (issue 14, item 4) ---------------------------------------


def at(day: date, hour_utc: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)


async def skip(session, clock, user: User, reason: str = "leave") -> None:  # noqa: ANN001
    svc = CheckinService(session, clock, CAMPAIGN)
    await svc.skip(user, svc.current_week(user), reason)


async def test_weekly_and_yearly_figures_agree_for_a_unit_with_a_newcomer(session, clock) -> None:  # noqa: ANN001
    """A leader onboarded on Tuesday 01/12 counts from week 49 on: the digest, /unit and its
    trend, /dashboard and the year's figures all say so, and the year is the sum of its weeks.
    A member away (paused) at week 48's prompt who checked in anyway counts in neither."""
    clock.set(at(date(2026, 11, 11)))  # Wednesday of week 46
    await unit(session, clock, "VP")
    members = [await person(session, clock, 8100 + n, "VP") for n in range(3)]
    away = await person(session, clock, 8200, "VP")
    away.paused_from, away.paused_until = date(2026, 11, 23), date(2026, 11, 30)  # week 48's Friday prompt
    session.add(away)
    await session.commit()
    for monday in (date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)):  # weeks 46, 47, 48
        clock.set(at(monday + timedelta(days=2)))
        for m in [*members, away]:
            await check_in(session, clock, m)
    clock.set(at(date(2026, 12, 1)))  # Tuesday of week 49: the newcomer
    newcomer = await person(session, clock, 8300, "VP", Role.leader, name="Lãnh Đạo Mới")
    await check_in(session, clock, members[0])
    await check_in(session, clock, members[1])
    await skip(session, clock, members[2])
    await check_in(session, clock, away)
    clock.set(at(date(2026, 12, 7), 1))  # Monday 08:00 of week 50: the digest of week 49

    w48, w49 = 202648, 202649
    digest = await DigestService(session, clock, CAMPAIGN).for_leader(newcomer, w49, date(2026, 12, 7))
    assert digest.now.tally == Tally(5, 3, 1)  # 4 members and the newcomer
    assert [m.full_name for m in digest.now.missing] == ["Lãnh Đạo Mới"]
    assert digest.before.week == w48 and digest.before.tally == Tally(3, 3, 0)  # neither the newcomer nor the one away
    assert digest.before.paused == 1
    assert [p.week for p in digest.trend] == [202646, 202647, w48, w49]  # from the unit's first week
    assert [p.expected for p in digest.trend] == [4, 4, 3, 5]

    figures = FiguresService(session, clock)
    ov = await figures.overview(newcomer)
    assert ov.week == w49 and ov.now.tally == digest.now.tally
    assert [(p.week, p.tally) for p in ov.trend] == [(p.week, p.tally) for p in digest.trend]
    before = await figures.overview(newcomer, week=w48)
    assert before.now.tally == Tally(3, 3, 0) and before.now.missing == []

    stats = StatsService(session)
    unit_row = (await figures.sector([w48])).units[0]
    assert unit_row.unit.code == "VP" and unit_row.tally == Tally(3, 3, 0)
    assert (await figures.sector([w49])).units[0].tally == Tally(5, 3, 1)

    # The year (weeks 1 to 50 of 2026) is the sum of its weeks, for the annual report and /dashboard.
    weeks = weeks_of_year(2026, figures.today())
    by_week = sum([(await stats.participation([unit_row.unit.id], w, with_shares=False)).tally for w in weeks], Tally())
    assert by_week == Tally(4 + 4 + 3 + 5 + 5, 4 + 4 + 3 + 3, 1)  # week 50 just begun: 5 expected, none done
    assert (await figures.year(unit_row.unit, 2026)).tally == by_week
    assert (await figures.sector(weeks)).units[0].tally == by_week


def test_the_rule_week_by_week_and_by_bisection_agree() -> None:
    """`expected_in_week` (the weekly tally) and `count_expected` (the year's, by
    bisection) are one rule: checked on many made-up people, time zones, pauses and weeks."""
    import random
    from types import SimpleNamespace

    rnd = random.Random(14)
    weeks = weeks_of_year(2026, date(2026, 12, 31))
    for _ in range(400):
        joined = datetime(2025, 12, 1, tzinfo=UTC) + timedelta(hours=rnd.randrange(0, 24 * 400))
        paused_from = date(2026, 1, 1) + timedelta(days=rnd.randrange(0, 365)) if rnd.random() < 0.5 else None
        person_ = SimpleNamespace(
            active=rnd.random() < 0.9,
            onboarded_at=joined,
            timezone=rnd.choice(["Asia/Ho_Chi_Minh", "Pacific/Kiritimati", "America/Los_Angeles", "UTC"]),
            checkin_weekday=rnd.randrange(7),
            paused_from=paused_from if rnd.random() < 0.8 else None,
            paused_until=(paused_from + timedelta(days=rnd.randrange(1, 60))) if paused_from else None,
        )
        span = sorted(rnd.sample(weeks, rnd.randrange(1, len(weeks))))
        one_by_one = [expected_in_week(person_, w) for w in span]
        assert [count_expected(person_, [w]) for w in span] == [int(e) for e in one_by_one], person_
        assert count_expected(person_, span) == sum(one_by_one), person_
        if person_.active:
            joined_local = joined.astimezone(ZoneInfo(person_.timezone)).date()
            assert all(not e for w, e in zip(span, one_by_one, strict=True) if w < week_key(joined_local))


def test_the_criterion_that_needs_attention() -> None:
    order = ["a", "b", "c", "d"]
    shares = {"a": Shares(5, 0, 0), "b": Shares(3, 1, 1), "c": Shares(2, 3, 0), "d": Shares(4, 0, 1)}
    assert needs_attention(shares, order) == "b"  # 20% Not met; d too, but b has fewer Good
    assert needs_attention({"a": Shares(5, 0, 0), "c": Shares(2, 3, 0)}, order) == "c"  # no Not met: fewest Good
    assert needs_attention({"a": Shares(5, 0, 0)}, order) is None  # all Good: nothing to point at
    assert needs_attention(None, order) is None  # withheld

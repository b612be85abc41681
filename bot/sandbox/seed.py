"""Demo data for a fresh sandbox: units, people in every role, eight weeks of history.

Everything goes through the services the bot itself uses (UnitService, InviteService,
OnboardingService, CheckinService with a clock set to each past week, DeadlineService,
ExampleService), so the data obeys the same rules as real data. The names are made up;
the ministry and the standing agency take their configured names (organisation names
are configuration).
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock, FixedClock
from bot.config import Settings
from bot.domain import Person as Member
from bot.services.checkin import CheckinService, previous_week, week_key, week_monday
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.stats import paused_for_week
from bot.services.units import UnitService
from storage.models import CheckInStatus, Level, Role, Unit, User

log = logging.getLogger(__name__)

HISTORY_WEEKS = 8
NOTICE_VERSION = "sandbox"
ADMIN_ID = 880001
NEWCOMER_UNIT = "SO-HN-DD"

# (code, name, parent code, kind). None as the name: the configured ministry / agency.
UNITS: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("BO", None, None, "ministry_unit"),
    ("BO-VTDKT", None, "BO", "ministry_unit"),
    ("BO-TTTT", "Trung tâm Truyền thông tài nguyên và môi trường", "BO", "ministry_unit"),
    ("SO-HN", "Sở Nông nghiệp và Môi trường Hà Nội", None, "province_dept"),
    ("SO-HN-VP", "Văn phòng Sở", "SO-HN", "division"),
    ("SO-HN-DD", "Phòng Quản lý đất đai", "SO-HN", "division"),
    ("SO-HN-MT", "Chi cục Bảo vệ môi trường", "SO-HN", "division"),
    ("SO-DN", "Sở Nông nghiệp và Môi trường Đà Nẵng", None, "province_dept"),
    ("SO-DN-VP", "Văn phòng Sở", "SO-DN", "division"),
    ("SO-DN-TN", "Phòng Tài nguyên nước", "SO-DN", "division"),
    ("SO-DN-BD", "Chi cục Biển và Hải đảo", "SO-DN", "division"),
)


@dataclass(frozen=True)
class Person:
    telegram_id: int
    full_name: str
    position: str
    unit: str | None
    role: Role
    weekday: int = 4  # Friday
    at: str = "15:00"
    diligence: float = 0.9  # how often the week's check-in gets done
    quality: float = 0.0  # shifts the answers towards Tốt (+) or Chưa đạt (-)
    locale: str = "vi"
    zalo_id: str | None = None  # a person whose channel is Zalo (telegram_id then only keys the seed)


PEOPLE: tuple[Person, ...] = (
    Person(ADMIN_ID, "Phạm Thị Hương", "Chuyên viên chính", None, Role.admin),
    Person(880011, "Đỗ Minh Quân", "Phóng viên", "BO-TTTT", Role.comms, diligence=0.8),
    Person(880012, "Vũ Ngọc Anh", "Biên tập viên", "BO-TTTT", Role.comms, 3, "16:30", 0.85),
    Person(880021, "Trần Văn Hùng", "Giám đốc Sở", "SO-HN", Role.leader, 4, "09:00", 0.95, 0.1),
    Person(880022, "Lê Thị Mai", "Phó Giám đốc Sở", "SO-DN", Role.leader, 0, "09:00", 0.9, 0.05),
    Person(880101, "Nguyễn Thị Lan", "Chuyên viên", "SO-HN-VP", Role.employee, diligence=0.95, quality=0.08),
    Person(880102, "Hoàng Văn Nam", "Chuyên viên", "SO-HN-DD", Role.employee, diligence=0.8),
    Person(880103, "Bùi Thị Thu Trang", "Chuyên viên chính", "SO-HN-DD", Role.employee, 4, "10:00", 0.9, 0.12),
    Person(880104, "Đặng Quốc Bảo", "Kiểm soát viên", "SO-HN-MT", Role.employee, diligence=0.7, quality=-0.1),
    Person(880105, "Ngô Thị Hạnh", "Văn thư", "SO-HN-VP", Role.employee, 3, "16:30", 0.85),
    Person(880106, "Phan Minh Tuấn", "Chuyên viên", "SO-HN-MT", Role.employee, diligence=0.6, quality=-0.05),
    Person(880201, "Trương Thị Hoa", "Chánh Văn phòng", "SO-DN-VP", Role.employee, diligence=0.95, quality=0.1),
    Person(880202, "Lý Văn Sơn", "Chuyên viên", "SO-DN-TN", Role.employee, diligence=0.75),
    Person(880203, "Huỳnh Thị Kim Yến", "Chuyên viên", "SO-DN-TN", Role.employee, 4, "14:00", 0.9, 0.04),
    Person(880204, "Võ Đức Thắng", "Trưởng phòng", "SO-DN-BD", Role.employee, 0, "09:00", 0.85, 0.06),
    Person(880205, "Mai Thị Phương", "Chuyên viên", "SO-DN-BD", Role.employee, diligence=0.65, quality=-0.08),
    Person(880301, "Đinh Văn Long", "Chuyên viên", "BO-VTDKT", Role.employee, diligence=0.9),
    Person(880302, "Cao Thị Bích", "Chuyên viên", "BO-TTTT", Role.employee, 4, "11:00", 0.85, 0.03, "en"),
)

# People whose channel is Zalo (issue 16): no Telegram id, their chat on the page looks like
# Zalo's. Their telegram_id above keys the seed's own tables only; it is never stored.
ZALO_PEOPLE: tuple[Person, ...] = (
    Person(
        880401,
        "Trịnh Thị Thu Hà",
        "Chuyên viên",
        "SO-HN-MT",
        Role.employee,
        4,
        "14:30",
        0.9,
        0.05,
        zalo_id="5a10c0de0000000000a1",
    ),
    Person(
        880402,
        "Lưu Quang Vinh",
        "Chi cục trưởng",
        "SO-HN-MT",
        Role.leader,
        0,
        "09:00",
        0.9,
        0.08,
        zalo_id="5a10c0de0000000000b2",
    ),
)

# (Tốt, Đạt, Chưa đạt) before a person's own tendency; initiatives (c) are harder.
BASE_LEVELS = {"c": (0.35, 0.50, 0.15), "f": (0.55, 0.38, 0.07)}
DEFAULT_LEVELS = (0.68, 0.28, 0.04)
# The sub-item a "Chưa đạt" usually concerns, and what people write about it.
NOT_MET = {
    "a": ("a2", "Có hai buổi đến muộn do tắc đường."),
    "b": ("b2", "Báo cáo tuần nộp chậm một ngày."),
    "c": ("c1", "Tuần này chưa có đề xuất cải tiến nào."),
    "d": ("d3", "Một hồ sơ bị quá hạn vì chờ ý kiến phối hợp."),
    "đ": ("đ1", "Trả lời điện thoại của người dân chưa thật kiên nhẫn."),
    "e": ("e2", "Quên tắt điều hòa phòng họp khi ra về."),
    "f": ("f1", "Chưa tham gia buổi lao động vệ sinh cơ quan."),
}
REFLECTIONS = (
    "Tuần này phối hợp tốt với các phòng trong xử lý hồ sơ.",
    "Cần sắp xếp thời gian hợp lý hơn để không dồn việc cuối tuần.",
    "Đã hướng dẫn tận tình hai đoàn công dân đến làm thủ tục.",
    "Tham gia tập huấn chuyển đổi số, học được nhiều điều bổ ích.",
    "Giữ phòng làm việc gọn gàng, tắt điện khi ra về.",
)
SKIPS = ("leave", "business_trip", "sick")


@dataclass
class SeedReport:
    units: int = 0
    people: Counter[str] = field(default_factory=Counter)
    checkins: Counter[str] = field(default_factory=Counter)  # status -> count
    weeks: int = 0
    deadlines: int = 0
    examples: int = 0


def local_slot(person: Person, week: int, zone: ZoneInfo) -> datetime:
    hh, mm = (int(x) for x in person.at.split(":"))
    day = week_monday(week) + timedelta(days=person.weekday)
    return datetime.combine(day, time(hh, mm), zone)


def pick_level(rng: random.Random, code: str, quality: float) -> Level:
    good, _ok, bad = BASE_LEVELS.get(code, DEFAULT_LEVELS)
    good = min(0.95, max(0.05, good + quality))
    bad = min(0.5, max(0.01, bad - quality / 4))
    r = rng.random()
    if r < good:
        return Level.good
    if r < good + bad:
        return Level.not_met
    return Level.ok


async def is_seeded(session: AsyncSession) -> bool:
    return bool((await session.exec(select(func.count()).select_from(Unit))).one())


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, campaign: Campaign, settings: Settings
) -> SeedReport | None:
    """Fill an empty sandbox database as of ``clock.now()``; None if it has units already."""
    async with sessionmaker() as session:
        if await is_seeded(session):
            return None
    rng = random.Random(2497)
    now = clock.now()
    zone = settings.zone
    today = now.astimezone(zone).date()
    this_week = week_key(today)
    weeks = [this_week]
    for _ in range(HISTORY_WEEKS):
        weeks.insert(0, previous_week(weeks[0]))
    closed, current = weeks[:-1], weeks[-1]
    joined = datetime.combine(week_monday(closed[0]) - timedelta(days=4), time(9, 0), zone)
    past = FixedClock(joined)
    report = SeedReport()

    async with sessionmaker() as session:
        units = UnitService(session, past)
        for code, name, parent, kind in UNITS:
            if name is None:
                name = settings.ministry_name if code == "BO" else settings.standing_agency
            await units.add(code, name, parent, kind)
            report.units += 1

        users: dict[int, Member] = {}
        for p in PEOPLE:
            past.set(joined + timedelta(minutes=len(users) * 7))
            admin = p.role == Role.admin
            token = None if admin else (await InviteService(session, past).create(p.unit, p.role, max_uses=1)).token
            onboarding = OnboardingService(
                session,
                past,
                admin_ids=frozenset({p.telegram_id}) if admin else frozenset(),
                timezone=settings.timezone,
            )
            user = await onboarding.accept(p.telegram_id, token, locale=p.locale, notice_version=NOTICE_VERSION)
            user.full_name, user.position = p.full_name, p.position
            user.checkin_weekday, user.checkin_time = p.weekday, p.at
            users[p.telegram_id] = await onboarding.finish(user)
            report.people[p.role.value] += 1

        for index, week in enumerate(weeks):
            for p in PEOPLE:
                if p.role == Role.admin:
                    continue
                slot = local_slot(p, week, zone)
                if week == current and slot >= now:
                    continue  # this week's time has not come yet
                at = slot + timedelta(minutes=rng.randint(2, 150))
                if week == current and at >= now:
                    at = slot + (now - slot) / 2
                past.set(at)
                status = await _one_week(
                    CheckinService(session, past, campaign),
                    users[p.telegram_id],
                    week,
                    p,
                    rng,
                    quality=p.quality + 0.012 * index,
                )
                if status:
                    report.checkins[status] += 1
        report.weeks = len(closed)

        # The Zalo people after everyone else, with a randomness of their own: the Telegram
        # people's data stays what it was before Zalo came.
        zalo_rng = random.Random(2498)
        for p in ZALO_PEOPLE:
            assert p.zalo_id is not None and p.unit is not None
            past.set(joined + timedelta(minutes=len(users) * 7))
            token = (await InviteService(session, past).create(p.unit, p.role, max_uses=1)).token
            onboarding = OnboardingService(session, past, timezone=settings.timezone)
            user = await onboarding.accept_zalo(p.zalo_id, token, locale=p.locale, notice_version=NOTICE_VERSION)
            user.full_name, user.position = p.full_name, p.position
            user.checkin_weekday, user.checkin_time = p.weekday, p.at
            member = await onboarding.finish(user)
            report.people[p.role.value] += 1
            for index, week in enumerate(weeks):
                slot = local_slot(p, week, zone)
                if week == current:
                    continue  # this week is theirs to do on the page
                past.set(slot + timedelta(minutes=zalo_rng.randint(2, 150)))
                svc = CheckinService(session, past, campaign)
                status = await _one_week(svc, member, week, p, zalo_rng, quality=p.quality + 0.012 * index)
                if status:
                    report.checkins[status] += 1

        deadlines = DeadlineService(session, clock, campaign)
        for days, vi, en in (
            (
                3,
                "Gửi báo cáo sơ kết phong trào văn hóa công sở quý IV",
                "Q4 progress report on the office-culture campaign",
            ),
            (11, "Đăng ký danh sách đề nghị khen thưởng năm", "Register the year's award nominations"),
            (40, "Hội nghị tổng kết phong trào văn hóa công sở", "Office-culture campaign review conference"),
        ):
            await deadlines.add(today + timedelta(days=days), vi, en, ADMIN_ID, today)
            report.deadlines += 1

        try:
            report.examples = await seed_examples(session, users, now, zone)
        except Exception:  # noqa: BLE001 - the examples feature is optional to the sandbox
            log.warning("sandbox: good examples not seeded", exc_info=True)

        await mark_jobs_run(session, clock, settings)
    log.info("sandbox seeded: %s", report)
    return report


async def _one_week(
    svc: CheckinService, user: Member, week: int, p: Person, rng: random.Random, *, quality: float
) -> str | None:
    r = rng.random()
    if r < 0.05:
        await svc.skip(user, week, rng.choice(SKIPS))
        return "skipped"
    if r > p.diligence:
        if rng.random() < 0.3:  # started, then left unfinished
            for code in svc.order[: rng.randint(1, 3)]:
                await svc.answer(user, week, code, pick_level(rng, code, quality))
            return "in_progress"
        return None  # missed
    for code in svc.order:
        level = pick_level(rng, code, quality)
        result = await svc.answer(user, week, code, level)
        if result.needs_detail:
            item, note = NOT_MET[code] if code in NOT_MET else (svc.group(code).items[0].code, None)
            await svc.toggle_sub_item(user, week, code, item)
            if note and rng.random() < 0.6:
                await svc.set_note(user, week, code, note)
    if rng.random() < 0.2:
        await svc.set_reflection(user, week, rng.choice(REFLECTIONS))
    await svc.finish(user, week)
    return "done"


async def mark_jobs_run(session: AsyncSession, clock: Clock, settings: Settings) -> None:
    """A quiet first start: the periods already past count as run, so the first tick
    does not send last Monday's digests; the clock jumps show the jobs instead."""
    from scheduler.jobs import JOB_PROMPTS, JOBS
    from scheduler.runner import latest_fire_time

    now = clock.now()
    delivery = DeliveryService(session, clock)
    for spec in JOBS.values():
        if spec.name == JOB_PROMPTS:
            await delivery.record_run(spec.name, spec.period(now.astimezone(settings.zone)), 0)
            continue
        fired = latest_fire_time(spec, now, settings.zone, lookback=timedelta(days=8))
        if fired is not None:
            await delivery.record_run(spec.name, spec.period(fired.astimezone(settings.zone)), 0)


# -- good examples (the feature is optional to the sandbox) ---------------------------------

EXAMPLES = (
    # submitter, category, subject, subject name, story, photos, outcome
    (
        880101,
        "new_model",
        "collective",
        "Văn phòng Sở Nông nghiệp và Môi trường Hà Nội",
        "Văn phòng Sở áp dụng “Thứ Sáu không giấy”: mọi tờ trình, báo cáo trong ngày được trình ký "
        "và phát hành trên hệ thống quản lý văn bản điện tử. Sau hai tháng, lượng giấy in giảm gần một nửa.",
        2,
        "published",
    ),
    (
        880102,
        "good_deed",
        "colleague",
        "Bùi Thị Thu Trang",
        "Chị Trang ở lại sau giờ làm để hướng dẫn một cụ già hoàn thiện hồ sơ cấp giấy chứng nhận "
        "quyền sử dụng đất, rồi gọi điện nhắc cụ mang đủ giấy tờ vào buổi sáng hôm sau.",
        1,
        "approved",
    ),
    (
        880201,
        "initiative",
        "self",
        None,
        "Tôi đề xuất mẫu phiếu theo dõi hồ sơ bằng mã QR: người dân quét mã là biết hồ sơ đang ở "
        "khâu nào, bộ phận một cửa bớt được nhiều cuộc gọi hỏi tiến độ.",
        1,
        "submitted",
    ),
    (
        880204,
        "advanced",
        "collective",
        "Chi cục Biển và Hải đảo",
        "Chi cục duy trì ngày Chủ nhật xanh mỗi tháng một lần, cùng đoàn viên thanh niên làm sạch "
        "bờ biển Mỹ Khê và phân loại rác nhựa tại nguồn.",
        2,
        "submitted",
    ),
)
PALETTES = (
    ((120, 180, 230), (70, 140, 80), (240, 200, 60)),
    ((250, 190, 140), (110, 150, 90), (250, 240, 200)),
    ((160, 210, 240), (60, 120, 170), (255, 230, 120)),
    ((200, 225, 245), (200, 180, 130), (250, 250, 250)),
)


def demo_photo(seed: int) -> bytes:
    """A small made-up picture (sky, ground, sun, a building, trees) as JPEG."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    sky, ground, sun = PALETTES[seed % len(PALETTES)]
    img = Image.new("RGB", (640, 420), sky)
    draw = ImageDraw.Draw(img)
    for y in range(0, 260, 4):  # a soft gradient towards the horizon
        shade = tuple(min(255, c + y // 6) for c in sky)
        draw.rectangle((0, y, 640, y + 4), fill=shade)
    draw.rectangle((0, 260, 640, 420), fill=ground)
    draw.ellipse((480, 40, 560, 120), fill=sun)
    x = rng.randint(80, 260)
    draw.rectangle((x, 140, x + 180, 300), fill=(235, 230, 220), outline=(120, 110, 100), width=3)
    for row in range(3):
        for column in range(4):
            wx, wy = x + 16 + column * 42, 158 + row * 44
            draw.rectangle((wx, wy, wx + 24, wy + 26), fill=(150, 190, 220))
    draw.polygon(((x - 10, 140), (x + 90, 100), (x + 190, 140)), fill=(180, 70, 60))
    for _ in range(5):
        tx = rng.choice((rng.randint(10, max(11, x - 40)), rng.randint(x + 200, 600)))
        draw.rectangle((tx + 12, 250, tx + 20, 300), fill=(110, 80, 50))
        draw.ellipse((tx, 200, tx + 34, 262), fill=(50, 130, 60))
    out = BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


async def seed_examples(session: AsyncSession, users: dict[int, Member], now: datetime, zone: ZoneInfo) -> int:
    try:
        from bot.services.examples import ExampleService
        from storage.examples import ExampleCategory, ExampleSubject
    except ImportError:
        return 0
    reviewer = users[880011]
    count = 0
    for n, (who, category, subject, name, story, photos, outcome) in enumerate(EXAMPLES):
        clock = FixedClock(now - timedelta(days=12 - 3 * n, hours=2))
        svc = ExampleService(session, clock, str(zone))
        user = users[who]
        ex = await svc.start(user)
        assert ex.id is not None
        await svc.choose_category(user, ex.id, ExampleCategory(category))
        await svc.choose_subject(user, ex.id, ExampleSubject(subject))
        if name:
            await svc.name_subject(user, ex.id, name)
        await svc.tell_story(user, ex.id, story)
        for k in range(photos):
            await svc.add_photo(user, ex.id, demo_photo(n * 10 + k), f"sandbox-{n}-{k}")
        await svc.photos_done(user, ex.id)
        await svc.set_consent(user, ex.id, True)
        await svc.submit(user, ex.id)
        if outcome in ("approved", "published"):
            clock.advance(days=1)
            await svc.approve(reviewer, ex.id)
        if outcome == "published":
            clock.advance(days=1)
            await svc.publish(reviewer, ex.id, "https://example.org/van-hoa-cong-so/thu-sau-khong-giay")
        count += 1
    return count


# -- the demo colleagues go on living --------------------------------------------------------

SIMULATED_WEEKS = 8  # a long jump: only the last weeks before it are filled in


async def simulate_colleagues(
    sessionmaker: async_sessionmaker[AsyncSession],
    campaign: Campaign,
    since: datetime,
    until: datetime,
    *,
    skip: set[int] = frozenset(),  # type: ignore[assignment]
) -> int:
    """The demo people nobody is acting as do their weekly check-in when their own time
    comes in (since, until], as diligent as the seed made them; returns how many.

    So a leader's Monday digest after a clock jump shows a unit at work, not an empty week.
    """
    if until <= since:
        return 0
    from bot.sandbox.clock import _slot

    people = {p.telegram_id: p for p in PEOPLE if p.role != Role.admin and p.telegram_id not in skip}
    done = 0
    async with sessionmaker() as session:
        res = await session.exec(select(User).where(col(User.telegram_id).in_(list(people))))
        for user in res.all():
            if user.onboarded_at is None or not user.active or user.role == Role.admin:
                continue
            p = people[user.telegram_id or 0]
            zone = ZoneInfo(user.timezone)
            week = week_key(max(since, until - timedelta(weeks=SIMULATED_WEEKS)).astimezone(zone).date())
            while week_monday(week) <= until.astimezone(zone).date():
                slot = _slot(user, week_monday(week) + timedelta(days=user.checkin_weekday))
                rng = random.Random(f"{user.telegram_id}:{week}")
                at = slot + timedelta(minutes=rng.randint(2, 90))
                if since < slot and at <= until and not paused_for_week(user, week):
                    svc = CheckinService(session, FixedClock(at), campaign)
                    view = await svc.view(user, week)
                    open_week = view.status is None or view.status == CheckInStatus.in_progress
                    if open_week and await _one_week(svc, user, week, p, rng, quality=p.quality + 0.1) == "done":
                        done += 1
                week = next_week(week)
    return done


def next_week(week: int) -> int:
    return week_key(week_monday(week) + timedelta(days=7))

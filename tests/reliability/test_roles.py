"""Who may do what (SPEC §2), as a matrix: five people try every role-restricted command
and button over the fake Bot API.

The people: someone not registered (an outsider), a civil servant, the leader of unit A
(who also reaches into unit B), communications staff and an administrator. Every action
they may not take is refused with a clear reply in Vietnamese, changes nothing stored,
and leaves one "refused" entry in the audit log — except for the outsider, of whom
nothing at all is stored (no consent): their attempts go to the Python log only. Every
action they may take works.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import SQLModel, col, select

from bot import i18n
from bot.channels.telegram.callbacks import (
    AnnounceAct,
    AnnounceCB,
    DashboardCB,
    DeadlineDoneCB,
    HighlightsAct,
    HighlightsCB,
    InviteCB,
    NominateAct,
    NominateCB,
    NominationsAct,
    NominationsCB,
    NudgeCB,
    ReportCB,
    ReviewAct,
    ReviewCB,
    RoleCB,
    UnitCB,
)
from bot.services.deadlines import DeadlineService
from bot.services.examples import ExampleService
from bot.services.nominations import NominationService
from emulator import EmulatedUser
from storage.delivery import DeadlineDone, OutboxMessage
from storage.examples import ExampleCategory, ExampleStatus, ExampleSubject, GoodExample
from storage.models import AuditEntry, Invitation, Role, Unit, User
from tests.e2e.conftest import ADMIN_ID, Harness, emu, h  # noqa: F401 - fixtures

WEEK = 202648
STORY = "Tổ Một cửa hướng dẫn người dân nộp hồ sơ trực tuyến, giảm một nửa thời gian chờ đợi."
ACTORS = ("outsider", "employee", "leader", "comms", "admin")
IDS = {"outsider": 4040, "employee": 1002, "leader": 5001, "comms": 3001, "admin": ADMIN_ID}


def say(msgid: str) -> str:
    return i18n.translations("vi").gettext(msgid)


def head(msgid: str) -> str:
    """The start of a Vietnamese message, before its first parameter, without markup."""
    return re.sub(r"<[^>]+>", "", say(msgid)).split("{")[0].strip()


NOT_REGISTERED = say(
    "You are not registered yet. Please open the invitation link your unit sent you. "
    "If you have none, ask your unit's leader or emulation officer for one."
)
DENIED = say("Sorry, this is not available for your role. The attempt has been noted.")


@dataclass
class World:
    """Units A (VP) and B (SO-B), their people, and something for every action to act on."""

    h: Harness
    unit_a: int
    unit_b: int
    member_a: int  # users.id of a civil servant of A who has not checked in
    member_b: int
    role_target: int  # users.id of a civil servant whose role the administrator changes
    example: int  # a submitted good example
    round_key: str  # an open nomination round
    deadline_key: str  # an upcoming deadline
    token: str  # an invitation to withdraw with /revoke
    invitation: int  # another, to withdraw with its button

    async def one(self, model: type, *where: object) -> object:
        async with self.h.sessionmaker() as s:
            return (await s.exec(select(model).where(*where))).first()

    async def count(self, model: type, *where: object) -> int:
        async with self.h.sessionmaker() as s:
            return len((await s.exec(select(model).where(*where))).all())


async def world(h: Harness) -> World:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("SO-B", "Sở Nông nghiệp và Môi trường B")
    admin = await h.register(ADMIN_ID, "Quản Trị Viên", unit=None, role=Role.admin)
    await h.register(IDS["leader"], "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    await h.register(5002, "Lãnh Đạo Sở B", unit="SO-B", role=Role.leader)
    await h.register(IDS["employee"], "Nhân Viên Một", unit="VP")
    await h.register(IDS["comms"], "Truyền Thông Một", unit="VP", role=Role.comms)
    member_a = await h.register(1001, "Nguyễn Thị Lan", unit="VP")
    member_b = await h.register(1101, "Trần Văn Bình", unit="SO-B")
    target = await h.register(1003, "Phạm Văn Tâm", unit="VP")
    async with h.sessionmaker() as s:
        svc = ExampleService(s, h.clock)
        me = await s.get(User, member_a.id)
        ex = await svc.start(me)
        await svc.choose_category(me, ex.id, ExampleCategory.new_model)
        await svc.choose_subject(me, ex.id, ExampleSubject.myself)
        await svc.tell_story(me, ex.id, STORY)
        await svc.photos_done(me, ex.id)
        await svc.set_consent(me, ex.id, True)
        example = await svc.submit(me, ex.id)
    async with h.sessionmaker() as s:
        r = await NominationService(s, h.clock, h.rt.campaign).add_round(
            await s.get(User, admin.id), "Khen thưởng năm 2026", date(2026, 12, 10)
        )
    async with h.sessionmaker() as s:
        deadline = await DeadlineService(s, h.clock, h.rt.campaign).add(
            date(2026, 12, 20), "Báo cáo sơ kết thử", None, ADMIN_ID, date(2026, 11, 25)
        )
    token = await h.invite("VP")
    other = await h.invite("SO-B")
    async with h.sessionmaker() as s:
        invitation = (await s.exec(select(Invitation.id).where(Invitation.token == other))).one()
        unit_a = (await s.exec(select(Unit.id).where(Unit.code == "VP"))).one()
        unit_b = (await s.exec(select(Unit.id).where(Unit.code == "SO-B"))).one()
    return World(
        h,
        unit_a,
        unit_b,
        member_a.id,
        member_b.id,
        target.id,
        example.id,
        r.key,
        f"custom-{deadline.id}@2026-12-20",
        token,
        invitation,
    )


# -- actions, and how to tell that one worked ---------------------------------------------------

Do = Callable[[World, EmulatedUser], Awaitable[None]]
Works = Callable[[World, EmulatedUser], Awaitable[bool]]


@dataclass
class Action:
    name: str
    do: Do
    allowed: frozenset[str]
    works: Works


ACTIONS: list[Action] = []
EVERYONE = frozenset({"employee", "leader", "comms", "admin"})


def action(name: str, allowed: set[str] | frozenset[str], works: Works) -> Callable[[Do], Do]:
    def register(do: Do) -> Do:
        ACTIONS.append(Action(name, do, frozenset(allowed), works))
        return do

    return register


def command(
    name: str, allowed: set[str] | frozenset[str], works: Works, text: Callable[[World], str] | None = None
) -> None:
    async def do(w: World, u: EmulatedUser) -> None:
        await u.send(text(w) if text else name)

    ACTIONS.append(Action(name, do, frozenset(allowed), works))


def press(name: str, allowed: set[str] | frozenset[str], works: Works, data: Callable[[World], str]) -> None:
    async def do(w: World, u: EmulatedUser) -> None:
        await u.send("/help")  # a fresh message for the forged button to sit on
        await u.press_data(data(w), message=u.last)

    ACTIONS.append(Action(name, do, frozenset(allowed), works))


def says(*parts: str) -> Works:
    """Worked: a reply (a message, or the tap's answer) contains every part."""

    async def check(w: World, u: EmulatedUser) -> bool:
        texts = [m.text or "" for m in u.since_last_action]
        if u.last_answer is not None and u.last_answer.text:
            texts.append(u.last_answer.text)
        return any(all(p in t for p in parts) for t in texts)

    return check


def document(suffix: str) -> Works:
    async def check(w: World, u: EmulatedUser) -> bool:
        return any(m.document and m.document.file_name.endswith(suffix) for m in u.since_last_action)

    return check


def stored(query: Callable[[World], Awaitable[bool]]) -> Works:
    async def check(w: World, u: EmulatedUser) -> bool:
        return await query(w)

    return check


LEADERS = {"leader"}
COMMS = {"comms", "admin"}
ADMIN = {"admin"}

# Everyone registered.
command("/help", EVERYONE, says(head("<b>What I can do</b> — you are registered as {role}.")))
command("/checkin", EVERYONE, says("Câu 1/7"))
command("/history", EVERYONE, says(head("<b>Your self-assessments, last {n} weeks</b>")))
command("/share", EVERYONE, says("bước 1/6"))
command("/settings", EVERYONE, says(head("<b>Your settings</b>")))
command("/mydata", EVERYONE, document(".json"))
# Unit leaders: their own unit (A), never another (B); administrators see any unit.
command("/unit VP", {"leader", "admin"}, says("Văn phòng Bộ — tuần 47"))
command("/unit SO-B", ADMIN, says("Sở Nông nghiệp và Môi trường B — tuần 47"))
press(
    "unit A's figures button",
    {"leader", "admin"},
    says("Văn phòng Bộ — tuần 47"),
    lambda w: UnitCB(u=w.unit_a, w=WEEK - 1).pack(),
)
press(
    "unit B's figures button",
    ADMIN,
    says("Sở Nông nghiệp và Môi trường B — tuần 47"),
    lambda w: UnitCB(u=w.unit_b, w=WEEK - 1).pack(),
)
press(
    "nudge a member of unit A", LEADERS, stored(lambda w: _one_nudge(w)), lambda w: NudgeCB(m=w.member_a, w=WEEK).pack()
)
press("nudge a member of unit B", set(), says("never"), lambda w: NudgeCB(m=w.member_b, w=WEEK).pack())
press(
    "deadline done",
    LEADERS,
    stored(lambda w: _has(w, DeadlineDone, DeadlineDone.deadline_key == w.deadline_key)),
    lambda w: DeadlineDoneCB(k=w.deadline_key).pack(),
)
command("/nominate", LEADERS, says("Các đợt đề nghị khen thưởng đang mở"))  # the annual round and the added one
press(
    "a nomination round button",
    LEADERS,
    says("Khen thưởng năm 2026", "Văn phòng Bộ"),
    lambda w: NominateCB(a=NominateAct.round, r=w.round_key).pack(),
)
command("/report", LEADERS, document(".docx"))
press("a report year button", LEADERS, document(".docx"), lambda w: ReportCB(y=2025).pack())
# Communications staff (and administrators): good examples only.
command("/review", COMMS, says("Gương điển hình #1"))
press(
    "approve an example",
    COMMS,
    stored(lambda w: _has(w, GoodExample, GoodExample.status == ExampleStatus.approved)),
    lambda w: ReviewCB(a=ReviewAct.approve, id=w.example).pack(),
)
command("/highlights", COMMS, says(head("<b>Highlights, {period}</b>")))
press(
    "a highlights button",
    COMMS,
    says(head("<b>Highlights, {period}</b>")),
    lambda w: HighlightsCB(a=HighlightsAct.show).pack(),
)
# Administrators.
command("/units", ADMIN, says("VP", "SO-B"))
command("/invite VP leader", ADMIN, says("Lời mời vào VP với vai trò lãnh đạo đơn vị", "?start="))
command(
    "/revoke",
    ADMIN,
    stored(lambda w: _has(w, Invitation, Invitation.token == w.token, col(Invitation.revoked_at).is_not(None))),
    text=lambda w: f"/revoke {w.token}",
)
command("/invites", ADMIN, says(head("<b>Invitations that work</b> ({n}); withdrawn, expired or used up: {others}")))
press(
    "withdraw an invitation button",
    ADMIN,
    stored(lambda w: _has(w, Invitation, Invitation.id == w.invitation, col(Invitation.revoked_at).is_not(None))),
    lambda w: InviteCB(id=w.invitation).pack(),
)
command(
    "/role",
    ADMIN,
    stored(lambda w: _has(w, User, User.id == w.role_target, User.role == Role.comms)),
    text=lambda w: f"/role {w.role_target} comms",
)
press("a role button", ADMIN, says("Phạm Văn Tâm"), lambda w: RoleCB(id=w.role_target).pack())
command("/audit", ADMIN, says(head("<b>Audit log</b>, newest first ({n}){only}")))
command("/dashboard", ADMIN, says(head("<b>Self-assessment across the sector, {period}</b>")))
press(
    "a dashboard button",
    ADMIN,
    says(head("<b>Self-assessment across the sector, {period}</b>")),
    lambda w: DashboardCB(y=2026).pack(),
)
command("/announce", ADMIN, says(head("<b>Announcement</b>: who should receive it?")))
press(
    "an announcement audience button",
    ADMIN,
    says(head("To: {role}. Which unit? Type its code (its sub-units are included), or tap All units.")),
    lambda w: AnnounceCB(a=AnnounceAct.role, v=1).pack(),
)
command("/deadlines", ADMIN, says("Báo cáo sơ kết thử"))
command("/nominations", ADMIN, says("Khen thưởng năm 2026"))
press(
    "a nominations round button",
    ADMIN,
    says("Khen thưởng năm 2026"),
    lambda w: NominationsCB(a=NominationsAct.open, r=w.round_key).pack(),
)


async def _has(w: World, model: type, *where: object) -> bool:
    return await w.count(model, *where) > 0


async def _one_nudge(w: World) -> bool:
    return await w.count(OutboxMessage, OutboxMessage.kind == "nudge", OutboxMessage.chat_id == 1001) == 1


# -- the matrix ------------------------------------------------------------------------------------


async def snapshot(h: Harness, *, with_audit: bool = False) -> dict[str, list[tuple]]:
    out = {}
    async with h.sessionmaker() as s:
        for table in SQLModel.metadata.sorted_tables:
            if (
                table.name == "audit_log" and not with_audit or table.name == "processed_updates"
            ):  # update ids: no one's data
                continue
            out[table.name] = sorted((tuple(r) for r in (await s.execute(table.select())).all()), key=repr)
    return out


async def refusals(h: Harness) -> list[AuditEntry]:
    async with h.sessionmaker() as s:
        return list(
            (await s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused").order_by(col(AuditEntry.id)))).all()
        )


def refused_reply(u: EmulatedUser, outsider: bool) -> bool:
    expected = NOT_REGISTERED if outsider else DENIED
    texts = [m.text or "" for m in u.since_last_action]
    if u.last_answer is not None and u.last_answer.text:
        texts.append(u.last_answer.text)
    return any(t.startswith(expected[:150]) for t in texts)


def test_the_matrix_covers_the_restricted_commands_and_buttons() -> None:
    names = {a.name.split()[0] for a in ACTIONS}
    for cmd in (
        "/units",
        "/invite",
        "/revoke",
        "/invites",
        "/role",
        "/audit",
        "/dashboard",
        "/announce",
        "/deadlines",
        "/review",
        "/highlights",
        "/nominate",
        "/report",
        "/unit",
        "/nominations",
    ):
        assert cmd in names, cmd
    assert len(ACTIONS) * len(ACTORS) >= 150


@pytest.mark.parametrize("actor", ACTORS)
async def test_role_matrix(h: Harness, actor: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    w = await world(h)
    u = h.emu.user(IDS[actor], actor.title(), language_code="vi")
    outsider = actor == "outsider"
    problems: list[str] = []
    for act in ACTIONS:
        allowed = actor in act.allowed
        act_text = act.name
        before = await snapshot(h, with_audit=outsider)
        logged = len(await refusals(h))
        await act.do(w, u)
        if allowed:
            if not await act.works(w, u):
                problems.append(
                    f"{actor} may {act_text} but it did not work: {[m.text for m in u.since_last_action]} "
                    f"{u.last_answer.text if u.last_answer else ''}"
                )
        else:
            if not refused_reply(u, outsider):
                problems.append(
                    f"{actor} may not {act_text} but got {[m.text for m in u.since_last_action]} "
                    f"{u.last_answer.text if u.last_answer else ''}"
                )
            if await snapshot(h, with_audit=outsider) != before:
                problems.append(f"{actor}'s refused {act_text} changed what is stored")
            new = (await refusals(h))[logged:]
            if outsider:
                if new:
                    problems.append(f"the outsider's {act_text} was stored in the audit log")
            elif [(e.actor_telegram_id, e.outcome) for e in new] != [(IDS[actor], "refused")]:
                problems.append(f"{actor}'s refused {act_text}: audit {[(e.actor_telegram_id, e.action) for e in new]}")
        await u.send("/cancel")  # leave any step the action began
    assert not problems, "\n".join(problems)
    if outsider:
        from bot.services.audit import person_ref

        ref = person_ref(4040)  # the log names an outsider by a keyed hash, never the account
        logged = [
            r.getMessage()
            for r in caplog.records
            if r.name == "handlers.middlewares" and f"unregistered {ref}" in r.getMessage()
        ]
        assert len(logged) >= len(ACTIONS), logged  # each attempt in the Python log
        assert not [r.getMessage() for r in caplog.records if "4040" in r.getMessage()]
        async with h.sessionmaker() as s:
            assert (await s.exec(select(User).where(User.telegram_id == 4040))).first() is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
        r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
    ]
    assert not [c for c in h.emu.calls if c.status is not None and c.status >= 500]

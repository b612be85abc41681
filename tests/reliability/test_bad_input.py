"""Bad input in every flow, over the fake Bot API (issue 7, "Prove it").

Each case puts a person at a step of a flow, then does what people (and forgers) do:
free text where buttons are expected, stale and forged buttons, texts over 4096
characters, emoji, zero-width and right-to-left characters, stickers, voice, locations,
contacts, albums, edited messages, commands in the middle of a flow, group and channel
chats, people who are not registered, leaders reaching into other units.

For every case: the person gets a clear reply in their own language; no exception
escapes (the emulator answered no 5xx and the errors router logged nothing at ERROR);
and a refused action changes nothing stored (every table is compared before and after;
the audit log may only gain the refusals the case expects).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlmodel import SQLModel, col, select

from bot import i18n
from bot.channels.telegram.callbacks import (
    CheckinAct,
    CheckinActCB,
    CheckinAnswerCB,
    CheckinItemCB,
    Consent,
    DeadlineDoneCB,
    HighlightsAct,
    HighlightsCB,
    Lang,
    LevelCode,
    NominateAct,
    NominateCB,
    NudgeCB,
    Pause,
    Period,
    ReportCB,
    ReviewAct,
    ReviewCB,
    ShareAct,
    ShareCB,
    UnitCB,
)
from emulator import EmulatedUser
from storage.awards import Nomination, NominationRound
from storage.examples import GoodExample
from storage.models import AuditEntry, CheckInAnswer, ConsentRecord, Invitation, Role, Unit, User
from tests.e2e.conftest import BOT_USERNAME, Harness, emu, h  # noqa: F401 - fixtures

STORY = "Đồng chí Bình chủ động hướng dẫn người dân nộp hồ sơ đất đai trực tuyến, giảm một nửa thời gian chờ."
LONG = "Nguyễn " * 586  # 4102 characters: more than one Telegram message holds
WEEK = 202648  # the clock fixture's week (Wednesday 25/11/2026)


# -- what the person reads -------------------------------------------------------------------


def say(msgid: str, locale: str = "vi", **params: Any) -> str:
    """A message as the bot writes it in `locale` (the catalog's translation)."""
    text = i18n.translations(locale).gettext(msgid)
    return text.format(**params) if params else text


NOT_REGISTERED = (
    "You are not registered yet. Please open the invitation link your unit sent you. "
    "If you have none, ask your unit's leader or emulation officer for one."
)
DENIED = "Sorry, this is not available for your role. The attempt has been noted."
STALE = "This button is no longer active."
NOT_UNDERSTOOD = "I did not understand that. Send /help to see what I can do."
IN_FLOW = "Please answer the question above (use the buttons if there are any), or send /cancel to stop."
USE_BUTTONS = "Please answer with the buttons below."
CLOSED = "This check-in is closed: its week has ended or the step is done. Send /checkin for this week's."
GONE = "This draft has already been sent or discarded. Send /share to start a new one."
EDITED = "Edits are not read. Please send the correction as a new message."
FINISH_SETUP = "Please finish setting up first: answer the question above, or send /start to go on."
KEPT_AS_NOTE = "Your text is kept as the note on {group}. Mark the points not met if you wish, then tap Continue."
AT_CONSENT = (
    "Please answer the personal-data notice above with its buttons: “✅ I agree” or “I do not agree”. "
    "Nothing about you is stored until you agree."
)
NOT_YOURS = "This good example is someone else's: you may not change it or act on it. The attempt has been noted."


def replies(user: EmulatedUser) -> list[str]:
    return [m.text or "" for m in user.since_last_action]


def alert(user: EmulatedUser) -> str:
    answer = user.last_answer
    assert answer is not None and answer.answered, "the tap was not answered"
    return answer.text or ""


# -- what is stored ----------------------------------------------------------------------------


async def snapshot(h: Harness, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table (but the audit log, the ids of the updates taken, which say
    nothing of anyone, and `skip`), in a comparable form."""
    out: dict[str, list[tuple]] = {}
    async with h.sessionmaker() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in ("audit_log", "processed_updates", *skip):
                continue
            rows = (await s.execute(table.select())).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


async def audit_rows(h: Harness) -> list[AuditEntry]:
    async with h.sessionmaker() as s:
        return list((await s.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all())


@asynccontextmanager
async def unchanged(h: Harness, *, refusals: int = 0, skip: tuple[str, ...] = ()) -> AsyncIterator[None]:
    """Nothing stored changes inside; the audit log gains exactly `refusals` refusals."""
    before = await snapshot(h, skip)
    logged = len(await audit_rows(h))
    yield
    after = await snapshot(h, skip)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, {name: (before[name], after[name]) for name in changed}
    new = (await audit_rows(h))[logged:]
    assert [(a.outcome, a.action) for a in new] == [("refused", a.action) for a in new] and len(new) == refusals, new


# -- people at a step of a flow ----------------------------------------------------------------


async def person(
    h: Harness,
    tid: int = 1001,
    name: str = "Nguyễn Thị Lan",
    *,
    unit: str | None = "VP",
    role: Role = Role.employee,
    lang: str = "vi",
) -> EmulatedUser:
    await h.register(tid, name, unit=unit, role=role, locale=lang)
    return h.emu.user(tid, name.split()[-1], language_code=lang)


def stranger(h: Harness, tid: int = 4040, lang: str = "vi") -> EmulatedUser:
    return h.emu.user(tid, "Người Lạ", language_code=lang)


async def onboarding_at(h: Harness, step: str, lang: str = "vi") -> EmulatedUser:
    """A newly invited person stopped at `step`: consent, language, name, position, schedule."""
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=5)
    user = h.emu.user(1501, "Lan", "Nguyễn", language_code=lang)
    await user.send(f"/start {token}")
    steps = [
        "consent",
        ("press", "✅"),
        "language",
        ("press", "🇻🇳" if lang == "vi" else "🇬🇧"),
        "name",
        ("send", "Nguyễn Thị Lan"),
        "position",
        ("send", "Chuyên viên"),
        "schedule",
    ]
    for item in steps:
        if item == step:
            return user
        if isinstance(item, tuple):
            await (user.press if item[0] == "press" else user.send)(item[1])
    raise AssertionError(step)


async def checkin_at(h: Harness, answered: int = 0, *, lang: str = "vi", tid: int = 1001) -> EmulatedUser:
    user = await person(h, tid, lang=lang)
    await user.send("/checkin")
    for _ in range(answered):
        await user.press("🟢")
    return user


async def at_note(h: Harness, lang: str = "vi") -> EmulatedUser:
    user = await checkin_at(h, 1, lang=lang)
    await user.press("🔴")
    await user.press("➡")
    assert "Skip" in user.last.button_texts[0] or "Bỏ qua" in user.last.button_texts[0]
    return user


async def share_at(h: Harness, step: str, tid: int = 1001) -> EmulatedUser:
    """Stopped at `step` of /share: category, subject, name, story, photos, consent."""
    user = await person(h, tid)
    await user.send("/share")
    steps = [
        "category",
        ("press", "Mô hình hay, cách làm mới"),
        "subject",
        ("press", "Một đồng nghiệp"),
        "name",
        ("send", "Trần Văn Bình"),
        "story",
        ("send", STORY),
        "photos",
        ("press", "Tiếp tục"),
        "consent",
    ]
    for item in steps:
        if item == step:
            return user
        if isinstance(item, tuple):
            await (user.press if item[0] == "press" else user.send)(item[1])
    raise AssertionError(step)


async def submitted(h: Harness, tid: int = 2001) -> EmulatedUser:
    user = await share_at(h, "consent", tid)
    await user.press("✅")
    await user.press("📨")
    return user


async def reviewer_at_card(h: Harness) -> EmulatedUser:
    await submitted(h)
    comms = await person(h, 3001, "Vũ Thu Hà", unit="TT", role=Role.comms)
    await comms.send("/review")
    assert "Gương điển hình #1" in comms.last.text
    return comms


async def example_id(h: Harness) -> int:
    async with h.sessionmaker() as s:
        return (await s.exec(select(GoodExample.id).order_by(col(GoodExample.id)))).first()


async def unit_id(h: Harness, code: str) -> int:
    async with h.sessionmaker() as s:
        return (await s.exec(select(Unit.id).where(Unit.code == code))).one()


async def user_id(h: Harness, tid: int) -> int:
    async with h.sessionmaker() as s:
        return (await s.exec(select(User.id).where(User.telegram_id == tid))).one()


async def raw_message(h: Harness, user: EmulatedUser, **fields: Any) -> None:
    """A message of any kind (sticker, voice, location...) from `user` in their private chat."""
    user._mark()
    user.chat.started = True
    chat = {"id": user.id, "type": "private", "first_name": user.first_name}
    await h.emu.send_update({"message": {"from": user.info, "chat": chat, **fields}})


STICKER = {
    "sticker": {
        "file_id": "CAACAgIAAxkBAAIB",
        "file_unique_id": "AgADAQAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
}
VOICE = {
    "voice": {"file_id": "AwACAgIAAxkBAAIC", "file_unique_id": "AgADAgAD", "duration": 3, "mime_type": "audio/ogg"}
}
LOCATION = {"location": {"latitude": 21.0285, "longitude": 105.8542}}
CONTACT = {"contact": {"phone_number": "+84901234567", "first_name": "Bình", "user_id": 7777}}


def jpeg() -> bytes:
    from tests.example_images import jpeg as make

    return make((90, 120, 60))


# -- the corpus ----------------------------------------------------------------------------------

Scenario = Callable[[Harness], Awaitable[None]]
CASES: list[Any] = []


def case(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        CASES.append(pytest.param(fn, id=name))
        return fn

    return register


# Free text where buttons are expected.


@case("text at a check-in question")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 2)
    async with unchanged(h):
        await lan.send("tốt cả")
    [reply] = replies(lan)
    assert reply.startswith("Đề nghị đồng chí trả lời bằng các nút bên dưới.") and "Câu 3/7" in reply


@case("text at a check-in question, in English")
async def _(h: Harness) -> None:
    tom = await checkin_at(h, 1, lang="en")
    async with unchanged(h):
        await tom.send("all good")
    [reply] = replies(tom)
    assert reply.startswith("Please answer with the buttons below.") and "Question 2/7" in reply


@case("text at the sub-items of Not met")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 0)
    await lan.press("🔴")
    async with unchanged(h, skip=("checkin_answers", "fsm_states")):
        await lan.send("1 và 3")
    [reply] = replies(lan)  # kept as the note, said so, and the points step shown again
    assert reply.startswith(say(KEPT_AS_NOTE, group="a) Kỷ cương, kỷ luật hành chính"))
    assert "Tiếp tục" in " ".join(lan.last.button_texts)
    [answer] = await h.rows(CheckInAnswer)
    assert (answer.criterion, answer.note) == ("a", "1 và 3")


@case("text at a review card")
async def _(h: Harness) -> None:
    comms = await reviewer_at_card(h)
    async with unchanged(h):
        await comms.send("duyệt")
    assert replies(comms) == [say(NOT_UNDERSTOOD)]


@case("text at the settings menu")
async def _(h: Harness) -> None:
    lan = await person(h)
    await lan.send("/settings")
    async with unchanged(h):
        await lan.send("tiếng Anh")
    assert replies(lan) == [say(NOT_UNDERSTOOD)]


@case("text at the share category step")
async def _(h: Harness) -> None:
    lan = await share_at(h, "category")
    async with unchanged(h):
        await lan.send("gương người tốt")
    [reply] = replies(lan)
    assert reply.startswith(say(USE_BUTTONS)) and "bước 1/6" in reply


@case("text at the share photos step")
async def _(h: Harness) -> None:
    lan = await share_at(h, "photos")
    async with unchanged(h):
        await lan.send("không có ảnh")
    [reply] = replies(lan)
    assert reply.startswith("Đề nghị đồng chí gửi ảnh hoặc bấm một nút bên dưới.")


@case("text at the onboarding language step")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "language")
    async with unchanged(h):
        await lan.send("tiếng Việt")
    assert replies(lan) == [say(IN_FLOW)]


@case("text at the onboarding consent step: nothing stored")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "consent")
    async with unchanged(h):
        await lan.send("đồng ý")
    assert replies(lan) == [say(AT_CONSENT)]  # the buttons above, not "open the invitation link"
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0


# Stale and forged buttons.


@case("garbage callback data")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data("xyz")
    assert alert(lan) == say(STALE) and replies(lan) == []


@case("a known prefix with broken fields")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data("ca:abc:x:q")
    assert alert(lan) == say(STALE)


@case("64 bytes of junk")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    junk = "ca:" + "é" * 30 + "9"
    assert len(junk.encode()) == 64
    async with unchanged(h):
        await lan.press_data(junk)
    assert alert(lan) == say(STALE)


@case("a check-in group index out of range")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data(CheckinAnswerCB(w=WEEK, c=99, l=LevelCode.good).pack())
    assert alert(lan) == say(CLOSED)


@case("a negative check-in group index")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data(CheckinAnswerCB(w=WEEK, c=-1, l=LevelCode.not_met, e=True).pack())
    assert alert(lan) == say(CLOSED)


@case("a sub-item of a group out of range")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 0)
    await lan.press("🔴")
    async with unchanged(h):
        await lan.press_data(CheckinItemCB(w=WEEK, c=42, i=0).pack())
    assert alert(lan) == say(CLOSED)


@case("sub-items done for a group out of range")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 0)
    await lan.press("🔴")
    async with unchanged(h):
        await lan.press_data(CheckinActCB(w=WEEK, a=CheckinAct.items_done, c=7).pack())
    assert alert(lan) == say(CLOSED)


@case("a check-in answer for a week in the past")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data(CheckinAnswerCB(w=WEEK - 3, c=1, l=LevelCode.good).pack())
    assert alert(lan) == say(CLOSED)


@case("a check-in answer for a week in the future, in English")
async def _(h: Harness) -> None:
    tom = await checkin_at(h, 1, lang="en")
    async with unchanged(h):
        await tom.press_data(CheckinAnswerCB(w=WEEK + 2, c=1, l=LevelCode.good).pack())
    assert alert(tom) == say(CLOSED, "en") and alert(tom).startswith("This self-assessment is closed")


@case("skip this week for a week that does not exist")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data(CheckinActCB(w=209999, a=CheckinAct.skip).pack())
    assert alert(lan) == say(CLOSED)


@case("skip this week for a closed week")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await lan.press_data(CheckinActCB(w=WEEK - 1, a=CheckinAct.skip).pack())
    assert alert(lan) == say(CLOSED)


@case("a skip reason out of range")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    await lan.press("Vắng tuần này")
    async with unchanged(h):
        await lan.press_data(CheckinActCB(w=WEEK, a=CheckinAct.skip_reason, r=9).pack())
    assert alert(lan) == say(CLOSED)


@case("a repeated tap while changing an answer")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 7)
    await lan.press("✅ Hoàn tất")
    await lan.press("✏️")
    await lan.press("a)")
    tap = CheckinAnswerCB(w=WEEK, c=0, l=LevelCode.good, e=True).pack()
    await lan.press_data(tap)  # the same answer again: back to the summary
    summary = lan.last.text
    async with unchanged(h):
        await lan.press_data(tap)  # a second tap of the same button, sent before the card changed
    assert lan.last_answer.answered and lan.last.text == summary and "Đã hoàn tất tự đánh giá" in summary


@case("settings: a forged weekday and hour")
async def _(h: Harness) -> None:
    from bot.channels.telegram.callbacks import Hour, SettingsAction, SettingsMenu, Weekday

    lan = await person(h)
    await lan.send("/settings")
    await lan.press_data(SettingsMenu(action=SettingsAction.schedule).pack())
    async with unchanged(h):
        await lan.press_data(Weekday(day=9).pack())
    assert alert(lan) == say("Please choose a day of the week.")
    await lan.press("T2")
    async with unchanged(h):
        await lan.press_data(Hour(minutes=99999).pack())
    assert alert(lan) == say("Please type a time as HH:MM, for example 15:00.")


@case("settings: a forged pause of a billion days, or of 367")
async def _(h: Harness) -> None:
    from bot.channels.telegram.callbacks import Pause, SettingsAction, SettingsMenu

    lan = await person(h)
    await lan.send("/settings")
    await lan.press_data(SettingsMenu(action=SettingsAction.pause).pack())
    for days in (10**9, 2**62, 367):  # 10**9 days overflowed the date and crashed the handler
        async with unchanged(h):
            await lan.press_data(Pause(days=days).pack())
        assert alert(lan) == say("The pause must end on a date after today and within {max} days.", max=366)
    await lan.press_data(Pause(days=366).pack())  # the longest pause allowed still works
    [user] = await h.rows(User)
    assert user.paused_until is not None and (user.paused_until - user.paused_from).days == 366


@case("a leader's figures for a week that does not exist")
async def _(h: Harness) -> None:
    lead = await person(h, 5001, "Lãnh Đạo Một", role=Role.leader)
    await lead.send("/unit")
    card = lead.since_last_action[0]
    async with unchanged(h):
        await lead.press_data(UnitCB(u=await unit_id(h, "VP"), w=1).pack(), message=card)
    # The last closed week instead: the card already shows it, so it stays as it is.
    assert lead.last_answer.answered and replies(lead) == [] and "tuần 47 (16/11–22/11/2026)" in card.text


@case("an administrator's dashboard for a week that does not exist")
async def _(h: Harness) -> None:
    from bot.channels.telegram.callbacks import DashboardCB

    admin = await person(h, 90001, "Quản Trị", unit=None, role=Role.admin)
    await admin.send("/dashboard")
    card = admin.since_last_action[0]
    async with unchanged(h):
        await admin.press_data(DashboardCB(w=202600).pack(), message=card)
    # The last complete week instead: the card already shows it, so it stays as it is.
    assert admin.last_answer.answered and replies(admin) == [] and "tuần 47 (16/11–22/11/2026)" in card.text


@case("an administrator's role button for nobody")
async def _(h: Harness) -> None:
    from bot.channels.telegram.callbacks import InviteCB, RoleCB

    admin = await person(h, 90001, "Quản Trị", unit=None, role=Role.admin)
    await admin.send("/help")
    async with unchanged(h):
        await admin.press_data(RoleCB(id=424242, r=1).pack())
    assert alert(admin) == say("There is no registered person no. {value}.", value=424242)
    async with unchanged(h):
        await admin.press_data(InviteCB(id=424242).pack())
    assert alert(admin) == say("There is no such invitation.")


@case("share: an unknown draft id")
async def _(h: Harness) -> None:
    lan = await share_at(h, "category")
    async with unchanged(h):
        await lan.press_data(ShareCB(a=ShareAct.category, d=99999, v=0).pack())
    assert alert(lan) == say(GONE)


@case("share: someone else's draft")
async def _(h: Harness) -> None:
    await share_at(h, "story", tid=1001)
    other = await person(h, 1002, "Trần Văn Bình")
    mine = await example_id(h)
    await other.send("/myshares")
    async with unchanged(h, refusals=1):
        await other.press_data(ShareCB(a=ShareAct.discard_yes, d=mine).pack())
    assert alert(other) == say(NOT_YOURS)[:200]  # the true reason, not "already sent or discarded"
    [entry] = [a for a in await audit_rows(h) if a.outcome == "refused"]
    assert (
        entry.actor_telegram_id == 1002
        and "reason=not_own_example" in entry.detail
        and f"example={mine}" in entry.detail
    )


@case("share: a category index out of range")
async def _(h: Harness) -> None:
    lan = await share_at(h, "category")
    mine = await example_id(h)
    async with unchanged(h):
        await lan.press_data(ShareCB(a=ShareAct.category, d=mine, v=17).pack())
    assert alert(lan) == say(GONE)


@case("review: an unknown example")
async def _(h: Harness) -> None:
    comms = await reviewer_at_card(h)
    async with unchanged(h):
        await comms.press_data(ReviewCB(a=ReviewAct.reject, id=4242).pack())
    assert alert(comms) == say(GONE)


@case("review: a tag index out of range")
async def _(h: Harness) -> None:
    comms = await reviewer_at_card(h)
    async with unchanged(h):
        await comms.press_data(ReviewCB(a=ReviewAct.tag, id=await example_id(h), v=50).pack())
    assert alert(comms) == say(GONE)


@case("highlights: a date range that is no date")
async def _(h: Harness) -> None:
    comms = await reviewer_at_card(h)
    async with unchanged(h):
        await comms.press_data(HighlightsCB(a=HighlightsAct.show, p=Period.range, s=0, e=10**9).pack())
    assert alert(comms) == say(GONE)


@case("settings: a language that does not exist")
async def _(h: Harness) -> None:
    lan = await person(h)
    await lan.send("/settings")
    async with unchanged(h):
        await lan.press_data(Lang(code="xx").pack())
    assert alert(lan) == say("Please choose Vietnamese or English.")


@case("settings: a pause of a thousand days")
async def _(h: Harness) -> None:
    lan = await person(h)
    await lan.send("/settings")
    async with unchanged(h):
        await lan.press_data(Pause(days=1000).pack())
    assert alert(lan) == say("The pause must end on a date after today and within {max} days.", max=366)


@case("settings: a negative pause")
async def _(h: Harness) -> None:
    lan = await person(h)
    await lan.send("/settings")
    async with unchanged(h):
        await lan.press_data(Pause(days=-7).pack())
    assert alert(lan) == say(STALE)


@case("a consent button with a forged token: nothing stored")
async def _(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.invite("VP")
    someone = stranger(h)
    await someone.send("/start")
    async with unchanged(h):
        await someone.press_data(Consent(agree=True, token="forged-token-0123456789").pack())
    assert alert(someone) == say("This invitation link is not valid. Please check that you opened the whole link.")
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0


@case("a deadline that does not exist")
async def _(h: Harness) -> None:
    lead = await person(h, 5001, "Lãnh Đạo Một", role=Role.leader)
    await lead.send("/help")
    async with unchanged(h):
        await lead.press_data(DeadlineDoneCB(k="nope@2026-12-15").pack())
    assert alert(lead) == say("There is no such deadline: “{value}”.", value="nope@2026-12-15")


@case("a report for a year outside the campaign")
async def _(h: Harness) -> None:
    lead = await person(h, 5001, "Lãnh Đạo Một", role=Role.leader)
    await lead.send("/help")
    async with unchanged(h):
        await lead.press_data(ReportCB(y=1999).pack())
    assert alert(lead) == say(
        "Please give a year from {first} to {last}, for example /report {last}.", first=2019, last=2026
    )


@case("a nomination round that does not exist")
async def _(h: Harness) -> None:
    lead = await person(h, 5001, "Lãnh Đạo Một", role=Role.leader)
    await lead.send("/help")
    async with unchanged(h):
        await lead.press_data(NominateCB(a=NominateAct.round, r="nope").pack())
    assert alert(lead) == say("There is no such nomination round.")


# Texts over 4096 characters.


@case("a 4102-character name")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    async with unchanged(h):
        await lan.send(LONG)
    assert replies(lan) == [
        say("Please type your full name with letters, 2 to {max} characters, for example: Nguyễn Thị Lan.", max=100)
    ]


@case("a 4102-character position, in English")
async def _(h: Harness) -> None:
    tom = await onboarding_at(h, "position", lang="en")
    async with unchanged(h):
        await tom.send(LONG)
    assert replies(tom) == ["Please type your position, 2 to 100 characters, for example: Chuyên viên."]


@case("a 5000-character check-in note")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    async with unchanged(h):
        await lan.send("x" * 5000)
    assert replies(lan) == ["Ghi chú dài không quá 500 ký tự."]


@case("a 4097-character reflection")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 7)
    async with unchanged(h):
        await lan.send("y" * 4097)
    assert replies(lan) == [say("A reflection is at most {max} characters.", max=1000)]


@case("a 4097-character good example")
async def _(h: Harness) -> None:
    lan = await share_at(h, "story")
    async with unchanged(h):
        await lan.send("z" * 4097)
    assert replies(lan) == [
        say(
            "Please describe what happened in {min} to {max} characters; this text has {length}. "
            "Nothing was saved: send it again.",
            min=20,
            max=2000,
            length=4097,
        )
    ]


@case("a 4097-character reason for a rejection")
async def _(h: Harness) -> None:
    comms = await reviewer_at_card(h)
    await comms.press("✖️")
    async with unchanged(h):
        await comms.send("r" * 4097)
    assert replies(comms) == [say("Please type a reason of {min} to {max} characters.", min=5, max=500)]


# Emoji, zero-width and right-to-left characters.


@case("a name with zero-width and right-to-left marks is stored cleaned")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    await lan.send("\u200bNguyễn\u200d Thị\u2060 \u202eLan\u202c\ufeff")
    assert "Nguyễn Thị Lan" in lan.last.text and "\u202e" not in lan.last.text
    [user] = await h.rows(User)
    assert user.full_name == "Nguyễn Thị Lan"


@case("a name of emoji and zero-width characters only")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    async with unchanged(h):
        await lan.send("🌸\u200b🌸\u200d🌸")
    assert replies(lan) == [
        say("Please type your full name with letters, 2 to {max} characters, for example: Nguyễn Thị Lan.", max=100)
    ]


@case("a position with right-to-left text")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "position")
    await lan.send("\u202bChuyên viên \u05e2\u05d1\u05e8\u05d9\u05ea\u202c 🌟")
    [user] = await h.rows(User)
    assert user.position == "Chuyên viên \u05e2\u05d1\u05e8\u05d9\u05ea 🌟"


@case("a note with emoji and zero-width spaces")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    await lan.send("Họp\u200b muộn 😅\u2066 hai\u2069 lần")
    assert "Đã lưu ghi chú" in lan.last.text
    note = {a.criterion: a.note for a in await h.rows(CheckInAnswer)}["b"]
    assert note == "Họp muộn 😅 hai lần"


@case("a note of zero-width characters only")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    async with unchanged(h):
        await lan.send("\u200b\u200c\u200d\ufeff")
    assert replies(lan) == ["Ghi chú dài không quá 500 ký tự."]


# Stickers, voice, locations, contacts.


@case("a sticker at a check-in question")
async def _(h: Harness) -> None:
    lan = await checkin_at(h, 1)
    async with unchanged(h):
        await raw_message(h, lan, **STICKER)
    assert replies(lan) == [say(NOT_UNDERSTOOD)]


@case("a voice message at the onboarding name step")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    async with unchanged(h):
        await raw_message(h, lan, **VOICE)
    assert replies(lan) == [say(IN_FLOW)]


@case("a location at the share story step")
async def _(h: Harness) -> None:
    lan = await share_at(h, "story")
    async with unchanged(h):
        await raw_message(h, lan, **LOCATION)
    assert replies(lan) == [say(IN_FLOW)]


@case("a contact from someone not registered, in English")
async def _(h: Harness) -> None:
    someone = stranger(h, lang="en")
    async with unchanged(h):
        await raw_message(h, someone, **CONTACT)
    assert replies(someone) == [say(NOT_REGISTERED, "en")]
    assert replies(someone)[0].startswith("You are not registered yet.")


@case("a photo at the check-in note step")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    async with unchanged(h):
        await lan.send_photo(jpeg())
    assert replies(lan) == [say(IN_FLOW)]
    await lan.send("Ghi chú sau ảnh")
    assert "Đã lưu ghi chú" in lan.last.text  # the step still waits for the note


@case("a PDF at the share photos step")
async def _(h: Harness) -> None:
    lan = await share_at(h, "photos")
    async with unchanged(h):
        await lan.send_document(b"%PDF-1.4 not a picture", "bao-cao.pdf", "application/pdf")
    assert replies(lan) == [say("Only pictures can be added (photos, or image files such as JPEG and PNG).")]


# Albums where none is expected.


@case("an album at the share story step gets one hint")
async def _(h: Harness) -> None:
    lan = await share_at(h, "story")
    async with unchanged(h, skip=("fsm_states",)):  # the album's id is noted, so it gets one hint
        await lan.send_album([jpeg(), jpeg(), jpeg()])
    [reply] = replies(lan)
    assert reply.startswith("Ảnh được gửi ở bước 4, sau phần mô tả sự việc.") and "bước 3/6" in reply


@case("an album at the onboarding name step")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    async with unchanged(h):
        await lan.send_album([jpeg(), jpeg()])
    assert set(replies(lan)) == {say(IN_FLOW)}


@case("an album from someone not registered")
async def _(h: Harness) -> None:
    someone = stranger(h)
    async with unchanged(h):
        await someone.send_album([jpeg(), jpeg()])
    assert set(replies(someone)) == {say(NOT_REGISTERED)}


# Edited messages.


@case("an edited name during onboarding is not taken")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "name")
    await lan.send("Nguyễn Thị Lam")
    [sent] = [m for m in h.emu.messages(lan.id, from_bot=False) if m.text == "Nguyễn Thị Lam"]
    lan._mark()
    async with unchanged(h):
        await h.emu.send_update(
            {"edited_message": {**sent.to_api(), "text": "Nguyễn Thị Lan", "edit_date": sent.date + 5}}
        )
    assert replies(lan) == [say(EDITED)]
    [user] = await h.rows(User)
    assert user.full_name == "Nguyễn Thị Lam"


@case("an edited check-in note, in English")
async def _(h: Harness) -> None:
    tom = await at_note(h, lang="en")
    await tom.send("Late twice")
    [sent] = [m for m in h.emu.messages(tom.id, from_bot=False) if m.text == "Late twice"]
    tom._mark()
    async with unchanged(h):
        await h.emu.send_update(
            {"edited_message": {**sent.to_api(), "text": "Late three times", "edit_date": sent.date + 5}}
        )
    assert replies(tom) == ["Edits are not read. Please send the correction as a new message."]


@case("an edited message from someone not registered")
async def _(h: Harness) -> None:
    someone = stranger(h)
    await someone.send("xin chào")
    [sent] = h.emu.messages(someone.id, from_bot=False)
    someone._mark()
    async with unchanged(h):
        await h.emu.send_update({"edited_message": {**sent.to_api(), "text": "chào", "edit_date": sent.date + 5}})
    assert replies(someone) == [say(NOT_REGISTERED)]


# Commands in the middle of a flow.


@case("/help during onboarding")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "position")
    async with unchanged(h):
        await lan.send("/help")
    assert replies(lan) == [say(FINISH_SETUP)]
    await lan.send("Chuyên viên")  # the step still waits
    assert "Thứ Sáu lúc 15:00" in lan.last.text


@case("/settings during onboarding, in English")
async def _(h: Harness) -> None:
    tom = await onboarding_at(h, "name", lang="en")
    async with unchanged(h):
        await tom.send("/settings")
    assert replies(tom) == [say(FINISH_SETUP, "en")]


@case("/cancel during onboarding keeps the consent")
async def _(h: Harness) -> None:
    lan = await onboarding_at(h, "position")
    async with unchanged(h, skip=("fsm_states",)):
        await lan.send("/cancel")
    assert replies(lan) == [say("Stopped. Send /start to finish setting up when you are ready.")]
    await lan.send("Chuyên viên")  # no longer a step: not taken as the position
    [user] = await h.rows(User)
    assert user.position == "" and user.onboarded_at is None and await h.count(ConsentRecord) == 1


@case("/help at the check-in note step")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    async with unchanged(h):
        await lan.send("/help")
    assert "/checkin" in replies(lan)[0]
    await lan.send("Ghi chú sau /help")
    assert "Đã lưu ghi chú" in lan.last.text


@case("/cancel at the check-in note step keeps the answers")
async def _(h: Harness) -> None:
    lan = await at_note(h)
    async with unchanged(h, skip=("fsm_states",)):
        await lan.send("/cancel")
    assert replies(lan) == [say("Cancelled. Nothing more was changed.")]
    assert len(await h.rows(CheckInAnswer)) == 2


@case("/settings at the share story step keeps the draft")
async def _(h: Harness) -> None:
    lan = await share_at(h, "story")
    async with unchanged(h, skip=("fsm_states",)):
        await lan.send("/settings")
    assert replies(lan)[0].startswith("Cài đặt của đồng chí")
    await lan.send(STORY)  # the step is left: the text is not the story
    [ex] = await h.rows(GoodExample)
    assert ex.story is None and ex.subject_name == "Trần Văn Bình"


@case("/cancel at the share story step")
async def _(h: Harness) -> None:
    lan = await share_at(h, "story")
    async with unchanged(h, skip=("fsm_states",)):
        await lan.send("/cancel")
    assert replies(lan) == [say("Cancelled. Nothing more was changed.")]


@case("/start with a forged token: nothing stored")
async def _(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    someone = stranger(h)
    async with unchanged(h):
        await someone.send("/start <b>x</b>&" + "A" * 80)
    assert replies(someone) == [say("This invitation link is not valid. Please check that you opened the whole link.")]


@case("/start again when registered")
async def _(h: Harness) -> None:
    lan = await person(h)
    async with unchanged(h):
        await lan.send("/start")
    assert replies(lan) == [
        say("Hello {name}, you are already registered. Send /help to see what you can do.", name="Nguyễn Thị Lan")
    ]


# Groups and channels: the bot works in private chats only.

GROUP = {"id": -100500, "type": "supergroup", "title": "Phòng Tổng hợp"}


@case("a group message from a registered person")
async def _(h: Harness) -> None:
    lan = await person(h)
    async with unchanged(h):
        await h.emu.send_update({"message": {"from": lan.info, "chat": GROUP, "text": "Chào cả phòng"}})
    assert h.emu.messages(GROUP["id"]) == [] and h.emu.sends() == []


@case("a group command from a registered person")
async def _(h: Harness) -> None:
    lan = await person(h)
    text = f"/checkin@{BOT_USERNAME}"
    async with unchanged(h):
        await h.emu.send_update(
            {
                "message": {
                    "from": lan.info,
                    "chat": GROUP,
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
                }
            }
        )
    assert h.emu.messages(GROUP["id"]) == [] and h.emu.sends() == []


@case("an invitation opened in a group stores nothing")
async def _(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=1)
    someone = stranger(h)
    text = f"/start {token}"
    async with unchanged(h):
        await h.emu.send_update(
            {
                "message": {
                    "from": someone.info,
                    "chat": GROUP,
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
    assert h.emu.sends() == []
    [inv] = await h.rows(Invitation)
    assert inv.uses == 0


@case("a channel post")
async def _(h: Harness) -> None:
    await person(h)
    channel = {"id": -100600, "type": "channel", "title": "Bản tin"}
    async with unchanged(h):
        await h.emu.send_update({"channel_post": {"chat": channel, "text": "/checkin"}})
    assert h.emu.sends() == []


@case("the bot added to a group")
async def _(h: Harness) -> None:
    lan = await person(h)
    me = h.emu.bot_user
    async with unchanged(h):
        await h.emu.send_update(
            {
                "my_chat_member": {
                    "chat": GROUP,
                    "from": lan.info,
                    "date": 0,
                    "old_chat_member": {"user": me, "status": "left"},
                    "new_chat_member": {"user": me, "status": "member"},
                }
            }
        )
    assert h.emu.sends() == []


# People who are not registered: one clear reply, nothing stored.


@case("/checkin from someone not registered")
async def _(h: Harness) -> None:
    someone = stranger(h)
    async with unchanged(h):
        await someone.send("/checkin")
    assert replies(someone) == [say(NOT_REGISTERED)]


@case("/review from someone not registered, in English")
async def _(h: Harness) -> None:
    someone = stranger(h, lang="en")
    async with unchanged(h):
        await someone.send("/review")
    assert replies(someone) == [say(NOT_REGISTERED, "en")]


@case("a check-in button pressed by someone not registered")
async def _(h: Harness) -> None:
    await checkin_at(h, 1)
    someone = stranger(h)
    await someone.send("hi")
    async with unchanged(h):
        await someone.press_data(CheckinAnswerCB(w=WEEK, c=1, l=LevelCode.good).pack())
    assert alert(someone) == say(NOT_REGISTERED)[:200] and someone.last_answer.show_alert


@case("a photo from someone not registered")
async def _(h: Harness) -> None:
    someone = stranger(h)
    async with unchanged(h):
        await someone.send_photo(jpeg(), caption="ảnh")
    assert replies(someone) == [say(NOT_REGISTERED)]


# Leaders of other units.


async def two_units(h: Harness) -> tuple[EmulatedUser, EmulatedUser]:
    """The leader of SO-B, and a member of VP who has not checked in."""
    await h.add_unit("VP", "Văn phòng Bộ")
    await h.add_unit("SO-B", "Sở B")
    lead = await person(h, 5002, "Lãnh Đạo Sở B", unit="SO-B", role=Role.leader)
    member = await person(h, 1001, "Nguyễn Thị Lan", unit="VP")
    await lead.send("/help")
    return lead, member


@case("a leader nudges a member of another unit")
async def _(h: Harness) -> None:
    lead, member = await two_units(h)
    async with unchanged(h, refusals=1):
        await lead.press_data(NudgeCB(m=await user_id(h, member.id), w=WEEK).pack())
    assert alert(lead) == say(DENIED) and replies(member) == []
    [entry] = [a for a in await audit_rows(h) if a.outcome == "refused"]
    assert (entry.actor_telegram_id, entry.action) == (5002, "view_unit")


@case("a leader nudges someone who does not exist")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    async with unchanged(h, refusals=1):
        await lead.press_data(NudgeCB(m=987654, w=WEEK).pack())
    assert alert(lead) == say(DENIED)


@case("a leader asks /unit of another unit")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    async with unchanged(h, refusals=1):
        await lead.send("/unit VP")
    assert replies(lead) == [say(DENIED)]


@case("a leader opens another unit's figures by a forged button")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    async with unchanged(h, refusals=1):
        await lead.press_data(UnitCB(u=await unit_id(h, "VP"), w=WEEK - 1).pack())
    assert alert(lead) == say(DENIED)


@case("a leader asks /report for another unit")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    async with unchanged(h):
        await lead.send("/report VP")
    assert replies(lead) == [
        say("Please give a year from {first} to {last}, for example /report {last}.", first=2019, last=2026)
    ]


@case("a leader asks /nominate for another unit")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    async with unchanged(h):
        await lead.send("/nominate VP")
    [reply] = replies(lead)
    # The annual round (§IV.2.1) is open, for the leader's own unit only.
    assert "Khen thưởng năm 2026" in reply and "Văn phòng Bộ" not in reply


@case("a leader withdraws another unit's nomination")
async def _(h: Harness) -> None:
    lead, _member = await two_units(h)
    other = await person(h, 5001, "Lãnh Đạo Văn Phòng", unit="VP", role=Role.leader)
    admin = await person(h, 90001, "Quản Trị", unit=None, role=Role.admin)
    await admin.send("/nominations add 10/12/2026 Khen thưởng năm 2026")
    await other.send("/nominate")
    await other.press("Khen thưởng năm 2026")  # beside the annual round (§IV.2.1)
    await other.press("➕ Đề nghị một tập thể")
    await other.send("Phòng Tổng hợp")
    await other.send("Năm 2026, Phòng Tổng hợp số hóa toàn bộ hồ sơ một cửa, không trễ hạn hồ sơ nào.")
    [nomination] = await h.rows(Nomination)
    async with unchanged(h, refusals=1):
        await lead.press_data(NominateCB(a=NominateAct.withdraw_yes, r=nomination.round_key, id=nomination.id).pack())
    assert alert(lead) == say(DENIED)
    assert [n.withdrawn_at for n in await h.rows(Nomination)] == [None] and await h.count(NominationRound) == 1


# -- the test -------------------------------------------------------------------------------------


def test_the_corpus_is_broad() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("scenario", CASES)
async def test_bad_input(h: Harness, scenario: Scenario, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    await scenario(h)
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, [r.getMessage() for r in failed]
    assert not [c for c in h.emu.calls if c.status is not None and c.status >= 500], "the emulator answered 5xx"
    parse_errors = [c for c in h.emu.calls if c.description and "can't parse entities" in c.description]
    assert not parse_errors, parse_errors

"""Zalo conversations as a person has them (the client replaced by a recorder): the weekly
self-assessment by numbers, the one-message week, a restart in the middle, bad input,
onboarding by invitation code. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain import CheckInStatus, Level
from storage.models import CheckIn, CheckInAnswer, ConsentRecord, FsmRecord, User
from tests.zalo.conftest import Zalo

MENU = "1 Tốt · 2 Đạt · 3 Chưa đạt · 4 Vắng tuần này"


async def _answers(zalo: Zalo) -> dict[str, CheckInAnswer]:
    async with zalo.sessionmaker() as s:
        return {a.criterion: a for a in (await s.exec(select(CheckInAnswer))).all()}


async def _checkin(zalo: Zalo) -> CheckIn:
    async with zalo.sessionmaker() as s:
        return (await s.exec(select(CheckIn))).one()


async def test_a_week_with_a_not_met_and_its_points(zalo: Zalo) -> None:
    await zalo.register("zl-1", "Nguyễn Thị Lan")
    lan = zalo.person("zl-1")
    first = await lan.says("tự đánh giá")
    assert "Câu 1/7" in first and "a) Kỷ cương, kỷ luật hành chính" in first
    assert first.endswith(MENU)
    assert "<b>" not in first  # plain text: the tags are gone
    assert "1111111" in first  # the one-message tip, on the week's first question
    assert "Câu 2/7" in await lan.says("1")
    assert "Câu 3/7" in await lan.says("2")
    points = await lan.says("3")  # c) Chưa đạt: which points?
    assert "c) Giải pháp, sáng kiến" in points and "“1 3”" in points
    assert points.endswith("1 Đề xuất giải pháp, sáng kiến · 2 Tiếp tục")
    note = await lan.says("1")  # c has one point: c1
    assert "ghi chú" in note.lower() and note.endswith("1 Bỏ qua")
    nxt = await lan.says("Chưa đề xuất được sáng kiến trong tuần.")
    assert "Đã lưu ghi chú." in nxt and "Câu 4/7" in nxt
    for n in range(5, 8):
        assert f"Câu {n}/7" in await lan.says("1")
    await lan.says("3")  # f) Chưa đạt, no point marked (0), no note
    assert "Bỏ qua" in await lan.says("0")
    wrapup = await lan.says("1")
    assert "Đã trả lời đủ 7 nhóm tiêu chuẩn." in wrapup
    assert wrapup.endswith("1 Có gương điển hình · 2 Hoàn tất")
    summary = await lan.says("2")
    assert "✅ Đã hoàn tất tự đánh giá, tuần 48" in summary and "Tốt 4 · Đạt 1 · Chưa đạt 2" in summary
    answers = await _answers(zalo)
    assert answers["a"].level == Level.good and answers["b"].level == Level.ok
    assert answers["c"].level == Level.not_met and answers["c"].sub_items == "c1"
    assert answers["c"].note == "Chưa đề xuất được sáng kiến trong tuần."
    assert answers["f"].level == Level.not_met and answers["f"].sub_items == "" and answers["f"].note is None
    assert (await _checkin(zalo)).status == CheckInStatus.done


async def test_points_chosen_by_their_numbers(zalo: Zalo) -> None:
    await zalo.register("zl-2", "Trần Văn Bình")
    binh = zalo.person("zl-2")
    await binh.says("/checkin")
    points = await binh.says("3")  # a) has four points
    assert "5 Tiếp tục" in points
    assert "Bỏ qua" in await binh.says("2 4")
    assert (await _answers(zalo))["a"].sub_items == "a2,a4"


async def test_the_one_message_week(zalo: Zalo) -> None:
    await zalo.register("zl-3", "Lê Hoa")
    hoa = zalo.person("zl-3")
    await hoa.says("checkin")
    summary = await hoa.says("1111111")
    assert "Tốt 7 · Đạt 0 · Chưa đạt 0" in summary
    assert (await _checkin(zalo)).status == CheckInStatus.done
    assert {a.level for a in (await _answers(zalo)).values()} == {Level.good}


async def test_all_good_in_words_asks_to_confirm(zalo: Zalo) -> None:
    await zalo.register("zl-4", "Phạm Minh")
    minh = zalo.person("zl-4")
    ask = await minh.says("Tốt hết")
    assert "cả 7 nhóm tiêu chuẩn còn lại" in ask and ask.endswith("2 Không, trả lời từng câu")
    async with zalo.sessionmaker() as s:
        assert (await s.exec(select(CheckIn))).first() is None  # nothing before the confirmation
    summary = await minh.says("1")
    assert "Tốt 7 · Đạt 0 · Chưa đạt 0" in summary
    assert (await _checkin(zalo)).status == CheckInStatus.done


async def test_one_message_with_a_not_met_asks_its_points_then_finishes(zalo: Zalo) -> None:
    await zalo.register("zl-5", "Đỗ Hà")
    ha = zalo.person("zl-5")
    await ha.says("tự đánh giá")
    points = await ha.says("1 1 3 1 1 1 2")
    assert "c) Giải pháp, sáng kiến" in points
    await ha.says("1")  # c1
    summary = await ha.says("1")  # no note
    assert "Tốt 5 · Đạt 1 · Chưa đạt 1" in summary
    assert (await _checkin(zalo)).status == CheckInStatus.done


async def test_restart_in_the_middle_resumes(zalo: Zalo) -> None:
    await zalo.register("zl-6", "Vũ Nam")
    nam = zalo.person("zl-6")
    await nam.says("tự đánh giá")
    await nam.says("1")
    await nam.says("3")  # b) Chưa đạt: the points step, kept in the database
    async with zalo.sessionmaker() as s:
        assert (await s.get(FsmRecord, "zalo:zl-6")) is not None
    zalo.restart()  # a new process: nothing in memory
    note = await nam.says("1 3")
    assert "Bỏ qua" in note
    assert "Câu 3/7" in await nam.says("1")
    assert (await _answers(zalo))["b"].sub_items == "b1,b3"


async def test_bad_input_gets_a_hint_and_the_question_again(zalo: Zalo) -> None:
    await zalo.register("zl-7", "Hoàng Yến")
    yen = zalo.person("zl-7")
    await yen.says("tự đánh giá")
    await yen.says("1")
    for reply in (await yen.sends_sticker(), await yen.sends_image()):
        assert "chữ" in reply and "Câu 2/7" in reply and reply.endswith(MENU)
    out_of_range = await yen.says("9")
    assert "từ 1 đến 4" in out_of_range and "Câu 2/7" in out_of_range
    words = await yen.says("không biết")
    assert "1 Tốt · 2 Đạt · 3 Chưa đạt" in words and "Câu 2/7" in words
    await yen.says("3")  # b) Chưa đạt
    await yen.says("0")  # no points: the note step
    long_note = await yen.says("x" * 600)
    assert "500" in long_note and long_note.endswith("1 Bỏ qua")
    assert (await _answers(zalo))["a"].level == Level.good  # nothing stored is lost
    assert (await _answers(zalo))["b"].note is None
    assert "Câu 3/7" in await yen.says("Một ghi chú ngắn.")


async def test_a_reply_to_a_closed_week_gets_this_weeks_question(zalo: Zalo) -> None:
    await zalo.register("zl-8", "Ngô Tùng")
    tung = zalo.person("zl-8")
    await tung.says("tự đánh giá")
    zalo.clock.advance(days=7)  # the week closed while the question waited
    reply = await tung.says("1")
    assert "Phiếu tự đánh giá này đã đóng" in reply
    assert "Câu 1/7" in reply
    async with zalo.sessionmaker() as s:
        assert (await s.exec(select(CheckIn))).first() is None


async def test_onboarding_by_invitation_code(zalo: Zalo) -> None:
    code = await zalo.invite("VP")
    an = zalo.person("zl-new", "An")
    assert "mã mời" in (await an.says("Xin chào")).lower()
    assert "không hợp lệ" in await an.says("ZZZZ-ZZZZ")
    notice = await an.says(f"{code[:4].lower()}-{code[4:].lower()}")
    assert "1 Tôi đồng ý" in notice
    async with zalo.sessionmaker() as s:  # nothing stored before consent
        assert (await s.exec(select(User))).first() is None
        assert (await s.exec(select(FsmRecord))).first() is None
    assert "số" in await an.says("tôi đồng ý")  # text instead of a number: the notice's numbers again
    full = await an.says("3")  # the full notice
    assert len(full) > len(notice) and full.endswith("3 Quay lại bản tóm tắt")
    assert (await an.says("3")).endswith("3 Xem chi tiết")  # and back to the summary
    lang = await an.says("1")
    assert "Tiếng Việt" in lang and "English" in lang
    assert "họ và tên" in (await an.says("1")).lower()
    assert "chức vụ" in (await an.says("Nguyễn Văn An")).lower()
    schedule = await an.says("Chuyên viên")
    assert schedule.endswith("1 Giữ Thứ Sáu lúc 15:00 · 2 Chọn ngày giờ khác")
    days = await an.says("2")
    assert "1 T2 · 2 T3" in days
    hours = await an.says("2")  # Tuesday
    assert "ví dụ 8:00 hoặc 16:30" in hours
    welcome = await an.says("16:30")
    assert "Nguyễn Văn An" in welcome and "16:30" in welcome
    async with zalo.sessionmaker() as s:
        user = (await s.exec(select(User))).one()
        assert user.zalo_id == "zl-new" and user.telegram_id is None
        assert (user.full_name, user.position, user.checkin_weekday, user.checkin_time) == (
            "Nguyễn Văn An",
            "Chuyên viên",
            1,
            "16:30",
        )
        assert user.onboarded_at is not None
        assert (await s.exec(select(ConsentRecord))).one().user_id == user.id
    assert "Câu 1/7" in await an.says("tự đánh giá")


async def test_settings_mydata_and_forget(zalo: Zalo) -> None:
    await zalo.register("zl-9", "Đinh Thu")
    thu = zalo.person("zl-9")
    menu = await thu.says("cài đặt")
    assert "Thứ Sáu lúc 15:00" in menu and "1 Ngôn ngữ" in menu
    days = await thu.says("2")
    hours = await thu.says("3")  # Wednesday
    assert "3 T4" in days and hours.endswith("ví dụ 8:00 hoặc 16:30.\n\n1 Quay lại")
    assert "Thứ Tư lúc 08:00" in await thu.says("8")  # a bare hour
    await thu.says("cài đặt")
    await thu.says("2")
    await thu.says("3")
    assert "Thứ Tư lúc 08:30" in await thu.says("8h30")
    english = await thu.says("1")
    assert "English" in english
    assert "Language changed." in await thu.says("2")
    async with zalo.sessionmaker() as s:
        user = (await s.exec(select(User))).one()
        assert (user.locale, user.checkin_weekday, user.checkin_time) == ("en", 2, "08:30")
    await thu.says("tự đánh giá")
    await thu.says("1")
    summary = await thu.says("dữ liệu của tôi")
    assert "What the bot keeps about you" in summary and "Full name: Đinh Thu" in summary
    assert "1 week kept (0 done, 0 absent with a reason)" in summary
    assert "can be downloaded on Telegram" in summary
    ask = await thu.says("/forget")
    assert "Erase your data?" in ask and ask.endswith("3 Cancel")
    assert "Nothing was erased" in await thu.says("3")
    await thu.says("xóa dữ liệu")
    done = await thu.says("1")
    assert "Your data has been erased: 1 weekly self-assessments" in done
    async with zalo.sessionmaker() as s:
        assert (await s.exec(select(User))).first() is None
        assert (await s.exec(select(FsmRecord))).first() is None
        assert (await s.exec(select(CheckIn))).one().user_id is None
    assert "mã mời" in await thu.says("tự đánh giá")  # a stranger again (in the default language)


async def test_change_an_answer_and_absent_this_week(zalo: Zalo) -> None:
    await zalo.register("zl-10", "Mai Anh")
    anh = zalo.person("zl-10")
    await anh.says("tự đánh giá")
    summary = await anh.says("1111111")
    assert summary.endswith("1 Sửa câu trả lời")
    groups = await anh.says("1")
    assert "\n4 d) Thái độ làm việc\n" in groups
    assert "Sửa câu trả lời" in await anh.says("4")  # d)
    assert "Tốt 6 · Đạt 1 · Chưa đạt 0" in await anh.says("2")  # now Đạt
    assert (await _answers(zalo))["d"].level == Level.ok

    await zalo.register("zl-11", "Lò Văn Páo")
    pao = zalo.person("zl-11")
    await pao.says("tự đánh giá")
    reasons = await pao.says("4")  # absent this week: why?
    assert reasons.endswith("1 Nghỉ phép\n2 Đi công tác\n3 Nghỉ ốm\n4 Lý do khác\n5 Quay lại")  # long: a line each
    absent = await pao.says("2")
    assert "đi công tác" in absent and absent.endswith("1 Vẫn thực hiện tự đánh giá")
    async with zalo.sessionmaker() as s:
        row = (await s.exec(select(CheckIn).where(CheckIn.user_id != None))).all()  # noqa: E711
        assert {r.status for r in row} == {CheckInStatus.done, CheckInStatus.skipped}


async def test_a_good_example_at_the_wrap_up_leads_into_share(zalo: Zalo) -> None:
    await zalo.register("zl-12", "Cao Vy")
    vy = zalo.person("zl-12")
    await vy.says("tự đánh giá")
    for _ in range(6):
        await vy.says("1")
    wrapup = await vy.says("1")
    assert wrapup.endswith("1 Có gương điển hình · 2 Hoàn tất")
    both = await vy.says("1")
    assert "✅ Đã hoàn tất tự đánh giá" in both and "bước 1/6" in both  # the summary, then /share
    assert (await _checkin(zalo)).status == CheckInStatus.done
    assert "bước 2/6" in await vy.says("1")  # a category: the draft goes on


async def test_an_unexpected_failure_is_said_and_the_question_kept(zalo: Zalo, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services.checkin import CheckinService

    await zalo.register("zl-13", "Tạ Lâm")
    lam = zalo.person("zl-13")
    await lam.says("tự đánh giá")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CheckinService, "answer", broken)
    sorry = await lam.says("1")
    assert sorry.startswith("Xin lỗi, hệ thống đang gặp sự cố.")
    monkeypatch.undo()
    assert "Câu 2/7" in await lam.says("1")  # the question was kept: answered now

"""The weekly check-in as a person meets it (SPEC §3.2), over the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from storage.models import CheckIn, CheckInAnswer, CheckInStatus, FsmRecord, Level
from tests.e2e.conftest import Harness

GROUPS = ("a", "b", "c", "d", "đ", "e", "f")


async def answers(h: Harness) -> dict[str, CheckInAnswer]:
    return {a.criterion: a for a in await h.rows(CheckInAnswer)}


async def test_all_good_week_takes_eight_taps(h: Harness) -> None:
    await h.register(1001, "Nguyễn Thị Lan")
    lan = h.emu.user(1001, "Lan", language_code="vi")
    await lan.send("/checkin")
    card = lan.last
    assert "Câu 1/7" in card.text and "a) Kỷ cương, kỷ luật hành chính" in card.text
    assert card.button_texts[:3] == ["🟢 Tốt", "🟡 Đạt", "🔴 Chưa đạt"]
    taps = 0
    for n in range(7):
        await lan.press("🟢 Tốt")
        taps += 1
        assert lan.last.message_id == card.message_id  # one message, edited in place
        if n < 6:
            assert f"Câu {n + 2}/7" in lan.last.text
    assert "Đã trả lời đủ 7 nhóm" in lan.last.text
    await lan.press("✅ Hoàn tất")
    taps += 1
    summary = lan.last
    assert taps <= 8 and summary.message_id == card.message_id
    assert "Đã hoàn tất tự đánh giá" in summary.text and "Tốt 7 · Đạt 0 · Chưa đạt 0" in summary.text
    assert "Tuần trước chưa có kết quả" in summary.text
    [row] = await h.rows(CheckIn)
    assert row.status == CheckInStatus.done and row.week == 202648
    assert {c: a.level for c, a in (await answers(h)).items()} == {g: Level.good for g in GROUPS}


async def test_not_met_with_sub_items_and_a_note_then_compare_next_week(h: Harness) -> None:
    await h.register(1002, "Trần Văn Bình")
    binh = h.emu.user(1002, "Bình", language_code="vi")
    await binh.send("/checkin")
    await binh.press("🟢 Tốt")
    await binh.press("🔴 Chưa đạt")
    items = binh.last
    assert "Những nội dung nào chưa đạt" in items.text
    # One button per point, with its short label from the campaign file; the plan's
    # wording folded in a quote below, not numbers to match with paragraphs.
    assert items.button_texts == [
        "☐ Học tập nâng cao trình độ",
        "☐ Chủ động phối hợp",
        "☐ Báo cáo trung thực, khách quan",
        "Tiếp tục ➡",
    ]
    assert "<blockquote expandable><b>Học tập nâng cao trình độ:</b> Thường xuyên học tập" in items.html
    assert all(len(data.encode()) <= 64 for _, data in sum(items.buttons, []))
    await binh.press("☐ Học tập nâng cao trình độ")
    await binh.press("☐ Báo cáo trung thực, khách quan")
    await binh.press("☑ Học tập nâng cao trình độ")  # changed his mind
    assert binh.last.button_texts[:3] == [
        "☐ Học tập nâng cao trình độ",
        "☐ Chủ động phối hợp",
        "☑ Báo cáo trung thực, khách quan",
    ]
    await binh.press("Tiếp tục ➡")
    assert "ghi chú ngắn" in binh.last.text
    await binh.send("Báo cáo tuần <b>chậm</b> hai ngày")
    assert "Đã lưu ghi chú" in binh.last.text and "Câu 3/7" in binh.last.text
    ans = (await answers(h))["b"]
    assert (ans.level, ans.sub_items, ans.note) == (Level.not_met, "b3", "Báo cáo tuần <b>chậm</b> hai ngày")
    for _ in range(5):
        await binh.press("🟡 Đạt")
    await binh.send("Tuần sau cần chủ động hơn")
    assert "Đã lưu cảm nhận" in binh.last.text
    await binh.press("✅ Hoàn tất")
    assert "Chưa đạt 1" in binh.last.text and "— Chưa đạt (Báo cáo trung thực, khách quan)" in binh.last.text

    h.clock.advance(days=7)
    await binh.send("/checkin")
    for _ in range(7):
        await binh.press("🟢 Tốt")
    await binh.press("✅ Hoàn tất")
    text = binh.last.text
    assert "Tuần trước: Tốt 1 · Đạt 5 · Chưa đạt 1" in text and "🟢 b) Chuyên môn" in text and "↑" in text
    assert "Số tuần liên tiếp: 2" in text


async def test_edit_an_answer_within_the_week(h: Harness) -> None:
    await h.register(1003, "Lê Thu")
    thu = h.emu.user(1003, "Thu", language_code="vi")
    await thu.send("/checkin")
    for _ in range(7):
        await thu.press("🟢 Tốt")
    await thu.press("✅ Hoàn tất")
    await thu.press("✏️ Sửa câu trả lời")
    assert "muốn sửa câu trả lời nào" in thu.last.text
    await thu.press("🟢 c) Giải pháp, sáng kiến")
    assert "Sửa câu trả lời" in thu.last.text
    await thu.press("🟡 Đạt")
    assert "Tốt 6 · Đạt 1" in thu.last.text
    assert (await answers(h))["c"].level == Level.ok
    # After the week closes, the summary's button no longer edits anything.
    h.clock.advance(days=7)
    await thu.press("✏️ Sửa câu trả lời")
    assert "đã đóng" in thu.last_answer.text
    assert (await answers(h))["c"].level == Level.ok


async def test_skip_this_week_with_a_reason(h: Harness) -> None:
    await h.register(1004, "Phạm An")
    an = h.emu.user(1004, "An", language_code="vi")
    await an.send("/checkin")
    await an.press("Vắng tuần này")
    assert "không bị tính là tuần chưa tự đánh giá" in an.last.text
    await an.press("Đi công tác")
    assert "vắng có lý do: đi công tác" in an.last.text
    [row] = await h.rows(CheckIn)
    assert (row.status, row.skip_reason) == (CheckInStatus.skipped, "business_trip")
    await an.send("/checkin")
    assert "vắng có lý do: đi công tác" in an.last.text
    await an.press("Vẫn thực hiện tự đánh giá")
    assert "Câu 1/7" in an.last.text
    [row] = await h.rows(CheckIn)
    assert row.status == CheckInStatus.in_progress


async def test_double_tap_records_once_and_skips_nothing(h: Harness) -> None:
    await h.register(1005, "Hoàng Nam")
    nam = h.emu.user(1005, "Nam", language_code="vi")
    await nam.send("/checkin")
    card = nam.last
    good = card.buttons[0][0][1]
    await asyncio.gather(nam.press_data(good, message=card), nam.press_data(good, message=card))
    assert "Câu 2/7" in nam.last.text
    assert list(await answers(h)) == ["a"]
    not_met = nam.last.buttons[0][2][1]  # "🔴 Chưa đạt" for group b
    await asyncio.gather(nam.press_data(not_met, message=card), nam.press_data(not_met, message=card))
    assert "Những nội dung nào chưa đạt" in nam.last.text
    found = await answers(h)
    assert list(found) == ["a", "b"] and found["b"].level == Level.not_met


async def test_stale_buttons_change_nothing(h: Harness) -> None:
    await h.register(1006, "Đinh Hoa")
    hoa = h.emu.user(1006, "Hoa", language_code="vi")
    await hoa.send("/checkin")
    old = hoa.last
    await hoa.send("/checkin")  # a second card for the same week
    for _ in range(7):
        await hoa.press("🟢 Tốt")
    await hoa.press("✅ Hoàn tất")
    await hoa.press("🔴 Chưa đạt", message=old)  # the first card, after finishing
    assert "đã hoàn tất" in hoa.last_answer.text
    assert all(a.level == Level.good for a in (await answers(h)).values())

    h.clock.advance(days=7)
    await hoa.send("/checkin")
    last_week = hoa.last
    h.clock.advance(days=7)
    await hoa.press("🟢 Tốt", message=last_week)
    assert "đã đóng" in hoa.last_answer.text
    assert len(await h.rows(CheckIn)) == 1


async def test_free_text_at_a_button_step_shows_the_question_again(h: Harness) -> None:
    await h.register(1007, "Vũ Mai")
    mai = h.emu.user(1007, "Mai", language_code="vi")
    await mai.send("/checkin")
    await mai.press("🟢 Tốt")
    await mai.send("tốt ạ")
    assert "trả lời bằng các nút" in mai.last.text and "Câu 2/7" in mai.last.text
    await mai.send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    assert "không hiểu" in mai.last.text or "chưa hiểu" in mai.last.text
    assert list(await answers(h)) == ["a"]
    assert await h.count(FsmRecord) == 0


async def test_week_boundary_is_monday_midnight_in_ho_chi_minh(h: Harness) -> None:
    await h.register(1008, "Ngô Quang")
    quang = h.emu.user(1008, "Quang", language_code="vi")
    h.clock.set(datetime(2026, 11, 29, 16, 59, 0, tzinfo=UTC))  # Sunday 23:59 in Hà Nội
    await quang.send("/checkin")
    assert "tuần 48 (23/11–29/11/2026)" in quang.last.text
    await quang.press("🟢 Tốt")
    sunday_card = quang.last
    h.clock.set(datetime(2026, 11, 29, 17, 0, 0, tzinfo=UTC))  # Monday 00:00
    await quang.press("🟢 Tốt", message=sunday_card)
    assert "đã đóng" in quang.last_answer.text
    await quang.send("/checkin")
    assert "tuần 49 (30/11–06/12/2026)" in quang.last.text and "Câu 1/7" in quang.last.text
    rows = {r.week: r for r in await h.rows(CheckIn)}
    assert list(rows) == [202648]  # the new week has no row until the first answer
    assert len(await answers(h)) == 1


async def test_history_shows_weeks_streak_and_a_chart(h: Harness) -> None:
    await h.register(1009, "Bùi Linh", locale="en")
    linh = h.emu.user(1009, "Linh", language_code="en")
    for week in range(3):
        await linh.send("/checkin")
        for n in range(7):
            await linh.press("🔴 Not met" if (week, n) == (1, 4) else "🟢 Good")
            if (week, n) == (1, 4):
                await linh.press("Continue ➡")
                await linh.press("Skip ➡")
        await linh.press("✅ Finish")
        h.clock.advance(days=7)
    await linh.send("/history")
    table, chart = linh.since_last_action
    assert "since you joined: 4 weeks" in table.text and "Weeks in a row: 3" in table.text
    assert table.text.count("🟢🟢🟢🟢🟢🟢🟢") == 2 and "🟢🟢🟢🟢🔴🟢🟢" in table.text
    assert chart.photo is not None and chart.photo.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "trend" in chart.text


async def test_text_typed_at_the_points_step_is_kept_as_the_note(h: Harness) -> None:
    """Issue 14, item 8: the text used to be dropped and the next question shown."""
    await h.register(1010, "Lý Hằng")
    hang = h.emu.user(1010, "Hằng", language_code="vi")
    await hang.send("/checkin")
    await hang.press("🟢 Tốt")
    await hang.press("🔴 Chưa đạt")
    assert "Những nội dung nào chưa đạt" in hang.last.text
    await hang.send("Chưa hoàn thành báo cáo tháng đúng hạn")
    [reply] = hang.since_last_action
    assert "đã được lưu làm ghi chú cho nhóm b)" in reply.text  # said so
    assert "Ghi chú của đồng chí: Chưa hoàn thành báo cáo tháng đúng hạn" in reply.text
    assert "Những nội dung nào chưa đạt" in reply.text and "Câu 3/7" not in reply.text  # the step again
    ans = (await answers(h))["b"]
    assert (ans.level, ans.note) == (Level.not_met, "Chưa hoàn thành báo cáo tháng đúng hạn")
    await hang.press("☐ Chủ động phối hợp")
    await hang.press("Tiếp tục ➡")  # the note is there already: on to the next group
    assert "Câu 3/7" in hang.last.text
    ans = (await answers(h))["b"]
    assert (ans.sub_items, ans.note) == ("b2", "Chưa hoàn thành báo cáo tháng đúng hạn")
    for _ in range(5):
        await hang.press("🟢 Tốt")
    await hang.press("✅ Hoàn tất")
    assert "Chưa đạt 1" in hang.last.text and "(Chủ động phối hợp)" in hang.last.text
    assert await h.count(FsmRecord) == 0


async def test_text_at_the_points_step_while_changing_an_answer_is_kept_too(h: Harness) -> None:
    await h.register(1011, "Tạ Minh", locale="en")
    minh = h.emu.user(1011, "Minh", language_code="en")
    await minh.send("/checkin")
    for _ in range(7):
        await minh.press("🟢 Good")
    await minh.press("✅ Finish")
    await minh.press("✏️ Change an answer")
    await minh.press("🟢 e)")
    await minh.press("🔴 Not met")
    await minh.send("Raised my voice at a meeting")
    assert "kept as the note on e)" in minh.last.text
    assert (await answers(h))["e"].note == "Raised my voice at a meeting"
    await minh.press("Continue ➡")
    assert "Self-assessment done" in minh.last.text and "Not met 1" in minh.last.text


async def test_the_edit_menu_and_a_changed_answer_have_a_way_back(h: Harness) -> None:
    """Issue 14, item 12: /cancel was the only way out of the edit menu."""
    await h.register(1012, "Hà Phương")
    phuong = h.emu.user(1012, "Phương", language_code="vi")
    await phuong.send("/checkin")
    for _ in range(7):
        await phuong.press("🟢 Tốt")
    await phuong.press("✅ Hoàn tất")
    summary = phuong.last.text
    await phuong.press("✏️ Sửa câu trả lời")
    assert "muốn sửa câu trả lời nào" in phuong.last.text and "↩ Quay lại" in phuong.last.button_texts
    await phuong.press("↩ Quay lại")
    assert phuong.last.text == summary
    await phuong.press("✏️ Sửa câu trả lời")
    await phuong.press("🟢 d)")
    assert "Sửa câu trả lời" in phuong.last.text
    await phuong.press("↩ Quay lại")
    assert "muốn sửa câu trả lời nào" in phuong.last.text
    await phuong.press("↩ Quay lại")
    assert phuong.last.text == summary
    assert all(a.level == Level.good for a in (await answers(h)).values())
    assert await h.count(FsmRecord) == 0


async def test_every_not_met_step_shows_the_campaign_files_labels_as_buttons(h: Harness) -> None:
    """Issue 13, item 3: the points not met are short labelled buttons (from the campaign
    file, in the person's language), not numbers matched to paragraphs; every button's data
    fits Telegram's 64 bytes, also when changing an answer."""
    await h.register(1020, "Tom Tran", locale="en")
    tom = h.emu.user(1020, "Tom", language_code="en")
    await tom.send("/checkin")
    for g in h.rt.campaign.individual_criteria:
        await tom.press("🔴 Not met")
        card = tom.last
        labels = [item.label.en for item in g.items]
        assert card.button_texts == [f"☐ {label}" for label in labels] + ["Continue ➡"], g.code
        assert all(len(data.encode()) <= 64 for _, data in sum(card.buttons, []))
        assert len(card.text) <= 4096 and "<blockquote expandable>" in card.html
        assert g.items[-1].text.en.rstrip(";.") in card.text  # the plan's wording, folded
        await tom.press(f"☐ {labels[-1]}")
        assert f"☑ {labels[-1]}" in tom.last.button_texts
        await tom.press("Continue ➡")
        await tom.press("Skip ➡")
    await tom.press("✅ Finish")
    summary = tom.last.text
    # The summary names the points by label ("b3", "f1" mean nothing to a person).
    assert "— Not met (Joining emulation movements)" in summary and "(Honest, objective reporting)" in summary
    assert "(f1)" not in summary and "(b3)" not in summary
    stored = await answers(h)
    assert {c: a.sub_items for c, a in stored.items()} == {
        g.code: g.items[-1].code for g in h.rt.campaign.individual_criteria
    }
    # Changing an answer to Not met shows the same buttons, with the editing flag in the data.
    await tom.press("✏️ Change an answer")
    await tom.press("e) Ethics and lifestyle")
    await tom.press("🔴 Not met")
    assert tom.last.button_texts[0] == "☐ Cultivating ethics, lifestyle"
    assert all(len(data.encode()) <= 64 for _, data in sum(tom.last.buttons, []))

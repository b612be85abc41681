"""Onboarding as a person meets it (SPEC §3.1), in Vietnamese and in English."""

from __future__ import annotations

from datetime import timedelta

from bot.views.texts import NOTICE_VERSION, notice_version
from storage.models import AuditEntry, ConsentRecord, FsmRecord, Invitation, Role, User
from tests.e2e.conftest import ADMIN_ID, Harness


def full_version(h: Harness) -> str:
    s = h.rt.settings
    return notice_version(h.rt.campaign, s.ministry_name, s.standing_agency)


async def onboard_vi(person, start: str, name: str, position: str) -> None:  # noqa: ANN001
    """The Vietnamese path with the default schedule: what most people do."""
    await person.send(start)
    await person.press("✅ Tôi đồng ý")
    await person.press("🇻🇳 Tiếng Việt")
    await person.send(name)
    await person.send(position)
    await person.press("✅ Giữ Thứ Sáu lúc 15:00")


async def test_invited_employee_onboards_in_six_interactions_in_vietnamese(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=5)
    lan = h.emu.user(1001, "Lan", "Nguyễn", language_code="vi")
    steps = 0

    await lan.send(f"/start {token}")
    steps += 1
    notice = lan.last.text
    # A summary a phone shows whole: who, what, why, the rights, nothing stored without consent.
    assert "Thông báo về xử lý dữ liệu cá nhân" in notice and "Bộ Nông nghiệp và Môi trường" in notice
    assert "Lời mời của Văn phòng Bộ; vai trò: cán bộ, công chức, viên chức." in notice
    assert "Quyết định số 2497/QĐ-BTNMT" in notice and "/mydata" in notice and "/forget" in notice
    assert "Không lưu thông tin nào nếu đồng chí không đồng ý" in notice
    assert len(notice.splitlines()) <= 5 and len(notice) < 760
    assert lan.last.button_texts == ["✅ Tôi đồng ý", "Tôi không đồng ý", "📄 Xem chi tiết"]
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0  # nothing before consent

    await lan.press("✅ Tôi đồng ý")
    steps += 1
    assert "Sự đồng ý đã được ghi nhận" in lan.messages[-2].text
    assert "ngôn ngữ nào" in lan.last.text
    await lan.press("🇻🇳 Tiếng Việt")
    steps += 1
    assert "họ và tên" in lan.last.text
    await lan.send("Nguyễn Thị Lan")
    steps += 1
    assert "Chức vụ" in lan.last.text
    await lan.send("Chuyên viên")
    steps += 1
    assert "Thứ Sáu lúc 15:00" in lan.last.text
    await lan.press("✅ Giữ Thứ Sáu lúc 15:00")
    steps += 1
    welcome = lan.last.text
    assert "Chào mừng đồng chí Nguyễn Thị Lan" in welcome and "/help" in welcome
    assert "Thứ Sáu lúc 15:00" in welcome
    assert steps <= 6

    [user] = await h.rows(User)
    assert (user.full_name, user.position, user.locale, user.role) == (
        "Nguyễn Thị Lan",
        "Chuyên viên",
        "vi",
        Role.employee,
    )
    assert (user.checkin_weekday, user.checkin_time) == (4, "15:00") and user.onboarded_at is not None
    [consent] = await h.rows(ConsentRecord)
    assert consent.user_id == user.id and consent.notice_version == full_version(h)
    [inv] = await h.rows(Invitation)
    assert inv.uses == 1
    assert await h.count(FsmRecord) == 0  # the conversation ended cleanly

    await lan.send("/help")
    assert "/settings" in lan.last.text and "/units" not in lan.last.text


async def test_english_speaker_onboards_in_english_with_another_schedule(h: Harness) -> None:
    await h.add_unit("SO-HN", "Sở Nông nghiệp và Môi trường Hà Nội")
    token = await h.invite("SO-HN", Role.leader)
    tom = h.emu.user(1002, "Tom", language_code="en-GB")
    await tom.send(f"/start {token}")
    assert "Personal data notice" in tom.last.text and "your role: unit leader" in tom.last.text
    assert "(Decision No. 2497/QĐ-BTNMT)" in tom.last.text and "📄 Details" in tom.last.button_texts
    await tom.press("✅ I agree")
    await tom.press("🇬🇧 English")
    assert "full name" in tom.last.text
    await tom.send("Trần Văn Tâm")
    await tom.send("Phó Giám đốc")
    await tom.press("Choose another day and time")
    await tom.press("Mon")
    await tom.press("09:00")
    assert "Monday at 09:00" in tom.messages[-2].text
    assert "Welcome, Trần Văn Tâm!" in tom.last.text and "weekly digest" in tom.last.text
    [user] = await h.rows(User)
    assert (user.locale, user.role, user.checkin_weekday, user.checkin_time) == ("en", Role.leader, 0, "09:00")


async def test_without_an_invitation_nothing_is_stored(h: Harness) -> None:
    stranger = h.emu.user(2001, "Khách", language_code="vi")
    await stranger.send("/start")
    assert "chỉ dùng được khi có lời mời" in stranger.last.text
    await stranger.send("/start sai-ma-moi-123")
    assert "không hợp lệ" in stranger.last.text
    for text in ("xin chào", "/help", "/settings", "/units", "/checkin", "/history"):
        await stranger.send(text)
        [reply] = stranger.since_last_action  # one clear reply every time
        assert "chưa đăng ký" in reply.text, (text, reply.text)
    for model in (User, ConsentRecord, FsmRecord, AuditEntry):
        assert await h.count(model) == 0, model


async def test_declining_consent_stores_nothing(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    person = h.emu.user(2002, "Minh", language_code="vi")
    await person.send(f"/start {token}")
    await person.press("Tôi không đồng ý")
    assert "không có thông tin nào được lưu" in person.last.text
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0 and await h.count(FsmRecord) == 0
    [inv] = await h.rows(Invitation)
    assert inv.uses == 0


async def test_expired_revoked_and_used_up_invitations_are_refused(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    expired = await h.invite("VP", valid_days=1)
    revoked = await h.invite("VP")
    used = await h.invite("VP", max_uses=1)
    async with h.sessionmaker() as s:
        from bot.services.invites import InviteService

        await InviteService(s, h.clock).revoke(revoked)
    first = h.emu.user(3001, "An", language_code="vi")
    await first.send(f"/start {used}")
    await first.press("✅ Tôi đồng ý")
    h.clock.advance(days=2)
    cases = {expired: "hết hạn", revoked: "bị thu hồi", used: "hết số lượt"}
    for n, (token, expected) in enumerate(cases.items()):
        person = h.emu.user(3100 + n, "Bình", language_code="vi")
        await person.send(f"/start {token}")
        assert expected in person.last.text, person.last.text
        assert not person.last.buttons
    assert await h.count(User) == 1  # only the first person


async def test_admin_from_configuration_and_role_refusals(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    admin = h.emu.user(ADMIN_ID, "Quản", "Trị", language_code="vi")
    await onboard_vi(admin, "/start", "Lê Quản Trị", "Chuyên viên chính")
    [registered] = await h.rows(User)
    assert registered.role == Role.admin and registered.unit_id is None
    await admin.send("/units")
    assert "VP" in admin.last.text and "Văn phòng Bộ" in admin.last.text
    await admin.send("/invite VP leader 7 2")
    link_text = admin.last.text
    assert "https://t.me/vanhoa_test_bot?start=" in link_text and "lãnh đạo đơn vị" in link_text
    token = link_text.split("start=")[1].split()[0]

    # The link works for a new leader, who then cannot use the admin commands.
    leader = h.emu.user(4001, "Hà", language_code="vi")
    await onboard_vi(leader, f"/start {token}", "Phạm Thu Hà", "Chánh Văn phòng")
    await leader.send("/invite VP admin")
    assert "không dành cho vai trò" in leader.last.text
    refusals = [a for a in await h.rows(AuditEntry) if a.outcome == "refused"]
    assert [(a.actor_telegram_id, a.action) for a in refusals] == [(4001, "manage_invites")]
    assert await h.count(Invitation) == 1

    await admin.send("/revoke " + token)
    assert "Đã thu hồi" in admin.last.text
    late = h.emu.user(4002, "Muộn", language_code="vi")
    await late.send(f"/start {token}")
    assert "bị thu hồi" in late.last.text
    # Bad admin input gets a clear reply and stores nothing.
    await admin.send("/invite NOPE")
    assert "Không có đơn vị mang mã" in admin.last.text
    await admin.send("/invite")
    assert "Cách dùng" in admin.last.text
    assert await h.count(Invitation) == 1


async def test_bad_input_during_onboarding_is_explained_and_resumable(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    p = h.emu.user(5001, "Tú", language_code="vi")
    await p.send(f"/start {token}")
    await p.press("✅ Tôi đồng ý")
    await p.press("🇻🇳 Tiếng Việt")
    await p.send("1")
    assert "họ và tên bằng chữ" in p.last.text
    await p.send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert "trả lời câu hỏi ở trên" in p.last.text
    await p.send("/cancel")
    assert "/start" in p.last.text
    # Coming back later: onboarding resumes, the consent is not asked twice.
    await p.send(f"/start {token}")
    assert "hoàn tất đăng ký" in p.last.text
    await p.press("🇻🇳 Tiếng Việt")
    await p.send("Đỗ Minh Tú")
    await p.send("Kế toán viên")
    await p.press("✅ Giữ Thứ Sáu lúc 15:00")
    assert "Chào mừng đồng chí Đỗ Minh Tú" in p.last.text
    assert await h.count(ConsentRecord) == 1


async def test_settings_language_schedule_and_pause(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    p = h.emu.user(6001, "Nga", language_code="vi")
    await onboard_vi(p, f"/start {token}", "Vũ Thị Nga", "Chuyên viên")

    await p.send("/settings")
    assert "Cài đặt của đồng chí" in p.last.text and "Thứ Sáu lúc 15:00" in p.last.text
    await p.press("Ngày giờ tự đánh giá")
    await p.press("T4")
    await p.send("25:99")
    assert "HH:MM" in p.last.text
    await p.send("16h30")
    assert "Thứ Tư lúc 16:30" in p.last.text
    await p.press("Tạm dừng (nghỉ phép)")
    await p.press("Nhập ngày")
    await p.send("31/02/2027")
    assert "dd/mm/yyyy" in p.last.text
    await p.send("10/12/2026")
    assert "Tạm dừng tự đánh giá đến ngày 10/12/2026" in p.last.text
    await p.press("Tiếp tục tự đánh giá")
    assert "đang thực hiện" in p.last.text
    await p.press("Ngôn ngữ")
    await p.press("🇬🇧 English")
    assert "Language changed." in p.last.text and "Wednesday at 16:30" in p.last.text
    await p.press("Close")
    assert p.last.text == "Settings saved."
    [user] = await h.rows(User)
    assert (user.locale, user.checkin_weekday, user.checkin_time, user.paused_until) == ("en", 2, "16:30", None)
    assert h.clock.now() + timedelta(days=1)


async def test_command_menus_per_language_and_admin_scope(h: Harness) -> None:
    vi = [c for c, _ in h.emu.user(7001, "A", language_code="vi").commands]
    en_menu = h.emu.user(7002, "B", language_code="en").commands
    assert vi[:2] == ["checkin", "history"] and "units" not in vi
    assert ("settings", "Language, self-assessment time, pause") in en_menu
    assert dict(h.emu.user(7001, "A").commands)["help"] == "Các chức năng của bot"


# -- issue 14: what new people met -------------------------------------------------------------


async def test_two_fast_taps_on_i_agree_record_once_and_show_no_error(h: Harness) -> None:
    """Item 9: the second tap's edit hit "message is not modified" and showed a system error."""
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=5)
    lan = h.emu.user(8001, "Lan", language_code="vi")
    await lan.send(f"/start {token}")
    notice = lan.last
    agree_data = notice.buttons[0][0][1]
    first = lan.press_nowait(agree_data, notice)
    second = lan.press_nowait(agree_data, notice)
    await h.emu.wait_idle()
    assert first.answered and second.answered
    assert not first.show_alert and not second.show_alert, (first.text, second.text)
    assert second.text == "Đã ghi nhận."
    asked = [m for m in h.emu.messages(8001) if m.text and "ngôn ngữ nào" in m.text]
    assert len(asked) == 1  # the next question once
    assert "Sự đồng ý đã được ghi nhận" in notice.text
    assert await h.count(User) == 1 and await h.count(ConsentRecord) == 1
    [inv] = await h.rows(Invitation)
    assert inv.uses == 1
    await lan.press("🇻🇳 Tiếng Việt")
    assert "họ và tên" in lan.last.text


async def test_text_typed_at_the_consent_step_points_to_the_buttons(h: Harness) -> None:
    """Item 10: the reply said "you are not registered, open the invitation link"."""
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    tom = h.emu.user(8002, "Tom", language_code="en")
    await tom.send(f"/start {token}")
    await tom.send("ok, fine")
    [reply] = tom.since_last_action
    assert "answer the personal-data notice above with its buttons" in reply.text and "✅ I agree" in reply.text
    assert "not registered" not in reply.text
    await tom.send_photo(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    assert "✅ I agree" in tom.last.text
    assert await h.count(User) == 0 and await h.count(FsmRecord) == 0
    assert [a.action for a in await h.rows(AuditEntry)] == ["invite.create"]  # the link's creation only
    await tom.press("✅ I agree")
    assert "Which language" in tom.last.text
    # Someone who never opened a link still hears how to get one.
    other = h.emu.user(8003, "Other", language_code="en")
    await other.send("hello")
    assert "not registered" in other.last.text


def _menu(person) -> dict[str, str]:  # noqa: ANN001
    return dict(person.commands)


async def test_the_command_menu_follows_the_language_chosen_in_the_bot(h: Harness) -> None:
    """Item 11: a person whose Telegram is in Vietnamese picks English in the bot."""
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP", max_uses=5)
    leader_token = await h.invite("VP", Role.leader)
    an = h.emu.user(8004, "An", language_code="vi")
    assert _menu(an)["help"] == "Các chức năng của bot"
    await an.send(f"/start {token}")
    await an.press("✅ Tôi đồng ý")
    await an.press("🇬🇧 English")
    assert _menu(an)["help"] == "What the bot can do" and "unit" not in _menu(an)
    await an.send("Lê Văn An")
    await an.send("Chuyên viên")
    await an.press("✅ Keep Friday at 15:00")
    await an.send("/settings")
    await an.press("Language")
    await an.press("🇻🇳 Tiếng Việt")
    assert "Đã đổi ngôn ngữ" in an.last.text or "ngôn ngữ" in an.last.text.lower()
    assert _menu(an)["help"] == "Các chức năng của bot"
    # A leader's own menu, in the language chosen, with the leader's commands.
    ha = h.emu.user(8005, "Hà", language_code="vi")
    await ha.send(f"/start {leader_token}")
    await ha.press("✅ Tôi đồng ý")
    await ha.press("🇬🇧 English")
    menu = _menu(ha)
    assert menu["unit"] == "Your unit's figures" and menu["report"].startswith("The annual report, ready to sign")
    # After /forget the person's own menu goes, and the default one is shown again.
    await an.send("/forget")
    await an.press(an.last.button_texts[0])  # erase, and remove my good examples
    assert h.emu.menu_commands({"type": "chat", "chat_id": 8004}) == []
    assert _menu(an)["help"] == "Các chức năng của bot"


async def test_every_settings_submenu_has_a_way_back(h: Harness) -> None:
    """Item 12: language, day, time and pause had no Back; /cancel was the only way out."""
    await h.register(8006, "Vũ Thị Nga")
    nga = h.emu.user(8006, "Nga", language_code="vi")
    await nga.send("/settings")
    menu = nga.last.text
    for entry in ("Ngôn ngữ", "Ngày giờ tự đánh giá", "Tạm dừng (nghỉ phép)"):
        await nga.press(entry)
        assert "↩ Quay lại" in nga.last.button_texts, entry
        await nga.press("↩ Quay lại")
        assert nga.last.text == menu, entry
    await nga.press("Ngày giờ tự đánh giá")
    await nga.press("T4")
    assert "↩ Quay lại" in nga.last.button_texts  # the time step too
    await nga.press("↩ Quay lại")
    assert "Thứ Tư lúc 15:00" in nga.last.text  # the day chosen is kept, the time unchanged
    await nga.press("Tạm dừng (nghỉ phép)")
    await nga.press("Nhập ngày")
    await nga.press("↩ Quay lại")
    assert "đang thực hiện" in nga.last.text
    await nga.send("10/12/2026")  # no longer read as the date of a pause
    [user] = await h.rows(User)
    assert (user.checkin_weekday, user.checkin_time, user.paused_until, user.locale) == (2, "15:00", None, "vi")
    assert await h.count(FsmRecord) == 0


async def test_wrong_invitation_codes_are_throttled_per_account_and_the_burst_audited(h: Harness) -> None:
    """Item 17: 40 wrong codes in 15 s were all answered."""
    from bot.services.audit import person_ref

    await h.add_unit("VP", "Văn phòng Bộ")
    good = await h.invite("VP", max_uses=5)
    guesser = h.emu.user(8007, "Guess", language_code="vi")
    for n in range(4):
        await guesser.send(f"/start sai-ma-{n:04d}")
        assert "không hợp lệ" in guesser.last.text
    await guesser.send("/start sai-ma-0004")  # the fifth wrong code within ten minutes
    assert "chờ 15 phút" in guesser.last.text
    for n in range(35):
        await guesser.send(f"/start sai-ma-{n + 5:04d}")
        assert "chờ" in guesser.last.text and "phút" in guesser.last.text
    await guesser.send(f"/start {good}")  # even a good code waits: guessing gains nothing
    assert "chờ" in guesser.last.text and "Thông báo về xử lý dữ liệu cá nhân" not in guesser.last.text
    [entry] = [a for a in await h.rows(AuditEntry) if a.action != "invite.create"]  # one for the burst, no account
    assert (entry.action, entry.outcome, entry.actor_telegram_id) == ("invite.throttle", "refused", None)
    assert f"account={person_ref(8007)}" in entry.detail and "8007" not in entry.detail
    assert await h.count(User) == 0 and await h.count(FsmRecord) == 0
    # Someone else is not held back; and the guesser's pause ends.
    other = h.emu.user(8008, "Other", language_code="vi")
    await other.send(f"/start {good}")
    assert "Thông báo về xử lý dữ liệu cá nhân" in other.last.text
    h.clock.advance(minutes=16)
    await guesser.send(f"/start {good}")
    assert "Thông báo về xử lý dữ liệu cá nhân" in guesser.last.text


# -- issue 13, item 3: the notice as a summary, its full text behind "Details" -----------------


async def test_the_notice_is_a_summary_with_details_and_back_and_consent_keeps_the_full_version(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    lan = h.emu.user(8101, "Lan", language_code="vi")
    await lan.send(f"/start {token}")
    card = lan.last
    summary = card.text
    await lan.press("📄 Xem chi tiết")
    full = lan.last
    assert full.message_id == card.message_id  # the same message, edited in place
    text = full.text
    assert "Thông báo về xử lý dữ liệu cá nhân (toàn văn)" in text
    assert "Văn phòng Bộ mời đồng chí" in text and "cán bộ, công chức, viên chức" in text  # the unit, the role
    assert "91/2025/QH15" in text and "356/2025/NĐ-CP" in text
    assert full_version(h) in text and full_version(h).startswith(NOTICE_VERSION)
    # The campaign from the campaign file, with its decision and date; the organisation from settings.
    assert (
        "Phong trào thi đua “Cán bộ, công chức, viên chức ngành tài nguyên và môi trường thi đua thực hiện "
        "văn hóa công sở” giai đoạn 2019 - 2025 (Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019)"
    ) in text
    assert "Bộ Nông nghiệp và Môi trường, thông qua Vụ Thi đua, Khen thưởng và Tuyên truyền" in text
    assert len(text) <= 4096
    assert full.button_texts == ["✅ Tôi đồng ý", "Tôi không đồng ý", "↩ Quay lại bản tóm tắt"]
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0 and await h.count(FsmRecord) == 0
    await lan.press("↩ Quay lại bản tóm tắt")
    assert lan.last.message_id == card.message_id and lan.last.text == summary
    await lan.press("📄 Xem chi tiết")
    await lan.press("✅ Tôi đồng ý")  # agreeing from the full text works as well
    assert "Sự đồng ý đã được ghi nhận" in lan.messages[-2].text and full_version(h) in lan.messages[-2].text
    [consent] = await h.rows(ConsentRecord)
    assert (consent.notice_version, consent.locale) == (full_version(h), "vi")
    assert consent.accepted_at is not None
    [inv] = await h.rows(Invitation)
    assert inv.uses == 1


async def test_details_in_english_and_declining_from_the_full_text_stores_nothing(h: Harness) -> None:
    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    tom = h.emu.user(8102, "Tom", language_code="en")
    await tom.send(f"/start {token}")
    await tom.press("📄 Details")
    text = tom.last.text
    assert "Personal data notice (full text)" in text and "No. 91/2025/QH15" in text
    assert "(your role: civil servant)" in text
    assert "the emulation movement “Officials, civil servants and public employees of the natural resources" in text
    assert "(Decision No. 2497/QĐ-BTNMT of 02/10/2019)" in text
    await tom.press("I do not agree")
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0 and await h.count(FsmRecord) == 0


async def test_a_draft_campaign_is_named_as_a_draft_plan_without_a_decision_number(
    emu,
    sqlite_url,
    clock,  # noqa: ANN001
) -> None:
    """The 2026–2030 file has no decision yet: "Kế hoạch … (dự thảo)", never "Quyết định số …"."""
    from bot.campaign.in_force import NEXT_PHASE_FILE
    from tests.e2e.conftest import start_bot, stop_bot

    rt, task = await start_bot(
        emu, sqlite_url, clock, campaign_file=str(NEXT_PHASE_FILE), ministry_name="Bộ Thử Nghiệm"
    )
    h = Harness(emu, rt, clock)
    try:
        await h.add_unit("VP", "Văn phòng Bộ")
        token = await h.invite("VP")
        an = h.emu.user(8103, "An", language_code="vi")
        await an.send(f"/start {token}")
        summary = an.last.text
        await an.press("📄 Xem chi tiết")
        full = an.last.text
        for text in (summary, full):
            assert (
                "Kế hoạch tổ chức thực hiện Phong trào thi đua “Cán bộ, công chức, viên chức thi đua thực hiện "
                "văn hóa công sở” giai đoạn 2026 - 2030 (dự thảo)"
            ) in text
            assert "Quyết định" not in text and "QĐ-BNNMT" not in text and "2497" not in text
            assert "tài nguyên và môi trường" not in text and "Bộ Thử Nghiệm" in text
        await an.press("✅ Tôi đồng ý")
        [consent] = await h.rows(ConsentRecord)
        assert (
            consent.notice_version
            == full_version(h)
            != notice_version(
                __import__("bot.campaign", fromlist=["load_campaign"]).load_campaign(),
                "Bộ Thử Nghiệm",
                rt.settings.standing_agency,
            )
        )
    finally:
        await stop_bot(rt, task)


async def test_details_of_an_invitation_withdrawn_meanwhile_say_so_and_store_nothing(h: Harness) -> None:
    from bot.services.invites import InviteService

    await h.add_unit("VP", "Văn phòng Bộ")
    token = await h.invite("VP")
    binh = h.emu.user(8104, "Bình", language_code="vi")
    await binh.send(f"/start {token}")
    async with h.sessionmaker() as s:
        await InviteService(s, h.clock).revoke(token)
    await binh.press("📄 Xem chi tiết")
    assert "bị thu hồi" in binh.last.text and not binh.last.buttons
    assert await h.count(User) == 0 and await h.count(ConsentRecord) == 0 and await h.count(FsmRecord) == 0

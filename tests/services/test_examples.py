"""Good-example rules (SPEC §3.4–3.5, plan §III.2, §VI.5), without Telegram, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from bot.services.errors import AccessDenied, InvalidInput
from bot.services.examples import (
    MAX_PHOTOS,
    STORY_MAX,
    STORY_MIN,
    ExampleService,
    ExampleStateError,
    HighlightFilter,
    clean_multiline,
    parse_date_range,
    period_range,
    validate_url,
)
from bot.services.invites import InviteService
from bot.services.onboarding import OnboardingService
from bot.services.units import UnitService
from storage.examples import (
    DraftStep,
    ExampleCategory,
    ExampleNote,
    ExampleNoteKind,
    ExamplePhoto,
    ExampleStatus,
    ExampleSubject,
    GoodExample,
)
from storage.models import AuditEntry, Role, User
from tests.example_images import exif_of, gps_of, jpeg, png

STORY = "Đồng chí Lan hướng dẫn tận tình người dân làm thủ tục đất đai trực tuyến."


async def person(session, clock, telegram_id: int, unit: str, role: Role = Role.employee) -> User:  # noqa: ANN001
    units = UnitService(session, clock)
    if await units.repo.by_code(unit) is None:
        await units.add(unit, f"Đơn vị {unit}")
    token = (await InviteService(session, clock).create(unit, role)).token
    svc = OnboardingService(session, clock, admin_ids=frozenset())
    user = await svc.accept(telegram_id, token, locale="vi", notice_version="test")
    user.full_name = f"Người {telegram_id}"
    return await svc.finish(user)


@pytest.fixture
async def lan(session, clock) -> User:  # noqa: ANN001
    return await person(session, clock, 501, "VP")


@pytest.fixture
async def comms(session, clock) -> User:  # noqa: ANN001
    return await person(session, clock, 601, "TT", Role.comms)


async def submitted(
    svc: ExampleService,
    user: User,
    *,
    category: ExampleCategory = ExampleCategory.good_deed,
    story: str = STORY,
    photos: int = 0,
) -> GoodExample:
    ex = await svc.start(user, fresh=True)
    await svc.choose_category(user, ex.id, category)
    await svc.choose_subject(user, ex.id, ExampleSubject.myself)
    await svc.tell_story(user, ex.id, story)
    for n in range(photos):
        await svc.add_photo(user, ex.id, jpeg((n * 40, 100, 100)), f"src{ex.id}-{n}")
    await svc.photos_done(user, ex.id)
    await svc.set_consent(user, ex.id, True)
    return await svc.submit(user, ex.id)


async def test_the_draft_walks_the_steps_and_survives_a_new_session(session, sessionmaker, clock, lan) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await svc.start(lan)
    assert ex.status == ExampleStatus.draft and ex.step == DraftStep.category
    assert (await svc.start(lan)).id == ex.id  # one draft per person
    ex = await svc.choose_category(lan, ex.id, ExampleCategory.new_model)
    assert ex.step == DraftStep.subject
    ex = await svc.choose_subject(lan, ex.id, ExampleSubject.colleague)
    assert ex.step == DraftStep.subject_name
    with pytest.raises(InvalidInput):
        await svc.name_subject(lan, ex.id, "B")
    ex = await svc.name_subject(lan, ex.id, "  Trần   Văn Bình ")
    assert (ex.subject_name, ex.step) == ("Trần Văn Bình", DraftStep.story)

    # A restart: a new session (a new process) finds the draft where it stopped.
    async with sessionmaker() as other:
        again = await ExampleService(other, clock).draft(lan)
        assert again is not None and again.id == ex.id and again.step == DraftStep.story
        assert again.subject_name == "Trần Văn Bình"

    ex = await svc.tell_story(lan, ex.id, STORY)
    assert ex.step == DraftStep.photos
    ex = await svc.photos_done(lan, ex.id)
    assert ex.step == DraftStep.consent
    ex = await svc.set_consent(lan, ex.id, False)
    assert ex.step == DraftStep.preview and ex.previewed and ex.consent_names is False
    ex = await svc.submit(lan, ex.id)
    assert ex.status == ExampleStatus.submitted and ex.submitted_at == clock.now() and ex.unit_id == lan.unit_id
    assert await svc.draft(lan) is None
    with pytest.raises(ExampleStateError):  # an old button of the sent draft
        await svc.tell_story(lan, ex.id, STORY)


async def test_oneself_skips_the_name_and_edits_return_to_the_preview(session, clock, lan) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await svc.start(lan)
    await svc.choose_category(lan, ex.id, ExampleCategory.initiative)
    ex = await svc.choose_subject(lan, ex.id, ExampleSubject.myself)
    assert ex.step == DraftStep.story and ex.subject_name is None
    with pytest.raises(ExampleStateError):
        await svc.submit(lan, ex.id)  # incomplete
    await svc.tell_story(lan, ex.id, STORY)
    await svc.photos_done(lan, ex.id)
    ex = await svc.set_consent(lan, ex.id, True)
    assert ex.step == DraftStep.preview
    ex = await svc.edit(lan, ex.id, DraftStep.category)
    assert ex.step == DraftStep.category
    ex = await svc.choose_category(lan, ex.id, ExampleCategory.advanced)
    assert ex.step == DraftStep.preview and ex.category == ExampleCategory.advanced
    # Changing "who" to a collective asks for its name, then returns to the preview.
    await svc.edit(lan, ex.id, DraftStep.subject)
    ex = await svc.choose_subject(lan, ex.id, ExampleSubject.collective)
    assert ex.step == DraftStep.subject_name
    with pytest.raises(ExampleStateError):
        await svc.submit(lan, ex.id)
    ex = await svc.name_subject(lan, ex.id, "Phòng Tổng hợp")
    assert ex.step == DraftStep.preview
    with pytest.raises(InvalidInput):
        await svc.edit(lan, ex.id, DraftStep.preview)


async def test_story_length_is_bounded_and_cleaned(session, clock, lan) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await svc.start(lan)
    await svc.choose_category(lan, ex.id, ExampleCategory.good_deed)
    await svc.choose_subject(lan, ex.id, ExampleSubject.myself)
    with pytest.raises(InvalidInput) as short:
        await svc.tell_story(lan, ex.id, "quá ngắn")
    assert short.value.code == "example_story" and short.value.params["min"] == STORY_MIN
    with pytest.raises(InvalidInput) as long:
        await svc.tell_story(lan, ex.id, "x" * (STORY_MAX + 1))
    assert long.value.params["length"] == STORY_MAX + 1
    assert (await svc.own_draft(lan, ex.id)).story is None and (await svc.own_draft(lan, ex.id)).step == DraftStep.story
    ex = await svc.tell_story(lan, ex.id, "y" * STORY_MAX)
    assert len(ex.story) == STORY_MAX
    # Decomposed Vietnamese is stored composed; zero-width characters go; lines are kept.
    await svc.edit(lan, ex.id, DraftStep.story)
    ex = await svc.tell_story(lan, ex.id, "Nguye\u0302\u0303n\u200b Văn   A\n\n\n\ngiúp   đỡ đồng nghiệp tận tình")
    assert ex.story == "Nguyễn Văn A\n\ngiúp đỡ đồng nghiệp tận tình"


async def test_at_most_five_photos_stripped_of_metadata(session, clock, lan) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await svc.start(lan)
    original = jpeg(gps=True)
    assert gps_of(original) and exif_of(original)  # the test image does carry a position
    first = await svc.add_photo(lan, ex.id, original, "u1")
    assert first.added and first.count == 1
    again = await svc.add_photo(lan, ex.id, original, "u1")  # the same file redelivered
    assert not again.added and not again.full and again.count == 1
    await svc.add_photo(lan, ex.id, png(), "u2")  # a transparent PNG is flattened to JPEG
    for n in range(3, MAX_PHOTOS + 1):
        res = await svc.add_photo(lan, ex.id, jpeg((n, n, n)), f"u{n}")
        assert res.added and res.count == n
    sixth = await svc.add_photo(lan, ex.id, jpeg((1, 2, 3)), "u6")
    assert sixth.full and not sixth.added and sixth.count == MAX_PHOTOS
    photos = await svc.photos(ex.id)
    assert [p.position for p in photos] == [1, 2, 3, 4, 5] and [p.source_id for p in photos][:2] == ["u1", "u2"]
    for p in photos:
        assert p.data[:2] == b"\xff\xd8"  # JPEG
        assert gps_of(p.data) == {} and exif_of(p.data) == {}
        assert b"Exif" not in p.data and b"secret comment" not in p.data and b"TestCam" not in p.data
    await svc.remove_photos(lan, ex.id)
    assert await svc.photo_count(ex.id) == 0
    with pytest.raises(InvalidInput) as bad:
        await svc.add_photo(lan, ex.id, b"%PDF-1.4 not an image", "u7")
    assert bad.value.code == "photo_unreadable"
    assert await svc.photo_count(ex.id) == 0


async def test_start_over_discards_the_old_draft_and_its_photos(session, clock, lan) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    old = await svc.start(lan)
    await svc.add_photo(lan, old.id, jpeg(), "a")
    new = await svc.start(lan, fresh=True)
    assert new.id != old.id
    assert (await session.exec(select(ExamplePhoto))).all() == []
    assert await session.get(GoodExample, old.id) is None
    with pytest.raises(ExampleStateError):
        await svc.choose_category(lan, old.id, ExampleCategory.advanced)


async def test_someone_elses_draft_cannot_be_touched(session, clock, lan) -> None:  # noqa: ANN001
    other = await person(session, clock, 502, "VP")
    svc = ExampleService(session, clock)
    ex = await svc.start(lan)
    with pytest.raises(AccessDenied, match="example_not_yours"):  # the true reason, audited
        await svc.choose_category(other, ex.id, ExampleCategory.advanced)
    with pytest.raises(AccessDenied, match="example_not_yours"):
        await svc.discard(other, ex.id)


async def test_only_comms_and_admins_review(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await submitted(svc, lan)
    leader = await person(session, clock, 503, "VP", Role.leader)
    for who in (lan, leader):
        with pytest.raises(AccessDenied):
            await svc.approve(who, ex.id)
        with pytest.raises(AccessDenied):
            await svc.next_pending(who)
    assert (await session.get(GoodExample, ex.id)).status == ExampleStatus.submitted
    card = await svc.next_pending(comms)
    assert card is not None and card.example.id == ex.id and card.submitter.id == lan.id and card.pending == 1


async def test_approve_then_publish_with_a_link_and_audit(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await submitted(svc, lan)
    with pytest.raises(ExampleStateError) as early:
        await svc.publish(comms, ex.id, "https://baotainguyenmoitruong.vn/bai-viet")
    assert early.value.code == "example_not_approved"
    decision = await svc.approve(comms, ex.id)
    assert decision.example.status == ExampleStatus.approved and decision.submitter.id == lan.id
    assert decision.example.reviewer_id == comms.id and decision.example.decided_at == clock.now()
    with pytest.raises(ExampleStateError) as twice:
        await svc.approve(comms, ex.id)
    assert twice.value.code == "example_not_pending"
    with pytest.raises(ExampleStateError):
        await svc.reject(comms, ex.id, "Đã duyệt rồi mà")
    with pytest.raises(InvalidInput):
        await svc.publish(comms, ex.id, "javascript:alert(1)")
    done = await svc.publish(comms, ex.id, " https://monre.gov.vn/tin-tuc/guong-sang?id=7 ")
    assert done.example.status == ExampleStatus.published
    assert done.example.published_url == "https://monre.gov.vn/tin-tuc/guong-sang?id=7"
    actions = [
        (a.action, a.actor_telegram_id)
        for a in (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    ]
    assert ("example.submit", 501) in actions
    assert ("example.approve", 601) in actions and ("example.publish", 601) in actions


async def test_reject_needs_a_reason(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await submitted(svc, lan)
    with pytest.raises(InvalidInput) as bad:
        await svc.reject(comms, ex.id, "  ")
    assert bad.value.code == "example_reason"
    assert (await session.get(GoodExample, ex.id)).status == ExampleStatus.submitted
    decision = await svc.reject(comms, ex.id, "Nội dung chưa rõ kết quả cụ thể.")
    assert decision.example.status == ExampleStatus.rejected
    assert decision.example.reject_reason == "Nội dung chưa rõ kết quả cụ thể."
    with pytest.raises(ExampleStateError):
        await svc.toggle_tag(comms, ex.id, "digital")
    assert await svc.next_pending(comms) is None


async def test_ask_for_more_then_the_answer_returns_it_to_the_queue(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    first = await submitted(svc, lan)
    clock.advance(minutes=5)
    second = await submitted(svc, lan, story=STORY + " Lần hai.")
    decision = await svc.ask(comms, first.id, "Việc này diễn ra ở đâu, khi nào?")
    assert decision.example.status == ExampleStatus.needs_info
    assert (await svc.next_pending(comms)).example.id == second.id  # the first waits for its answer
    with pytest.raises(ExampleStateError):
        await svc.approve(comms, first.id)
    other = await person(session, clock, 504, "VP")
    with pytest.raises(AccessDenied, match="example_not_yours"):
        await svc.answer_question(other, first.id, "Không phải của tôi")
    question = await svc.open_question(lan, first.id)
    assert question.text == "Việc này diễn ra ở đâu, khi nào?"
    clock.advance(hours=1)
    ex = await svc.answer_question(lan, first.id, "Tại Bộ phận Một cửa, ngày 20/11/2026.")
    assert ex.status == ExampleStatus.submitted
    with pytest.raises(ExampleStateError) as twice:
        await svc.answer_question(lan, first.id, "Lần nữa")
    assert twice.value.code == "example_no_question"
    notes = (
        await session.exec(select(ExampleNote).where(ExampleNote.example_id == first.id).order_by(col(ExampleNote.id)))
    ).all()
    assert [(n.kind, n.author_id) for n in notes] == [
        (ExampleNoteKind.question, comms.id),
        (ExampleNoteKind.answer, lan.id),
    ]
    # Back in the queue at its old place (the oldest submission comes first).
    card = await svc.next_pending(comms)
    assert card.example.id == first.id and [n.text for n in card.notes][-1].startswith("Tại Bộ phận")
    assert (await svc.next_pending(comms, after=first.id)).example.id == second.id
    assert (await svc.next_pending(comms, after=second.id)).example.id == first.id  # wraps round


async def test_a_stale_reviewer_cannot_decide_twice(sessionmaker, session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await submitted(svc, lan)
    async with sessionmaker() as s1, sessionmaker() as s2:
        a, b = ExampleService(s1, clock), ExampleService(s2, clock)
        await a.card(comms, ex.id)
        await b.card(comms, ex.id)  # both reviewers have the card open
        await a.approve(comms, ex.id)
        with pytest.raises(ExampleStateError):
            await b.reject(comms, ex.id, "Không phù hợp với tiêu chí")
    async with sessionmaker() as s3:
        assert (await s3.get(GoodExample, ex.id)).status == ExampleStatus.approved


async def test_tags_from_a_fixed_set_in_a_fixed_order(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    ex = await submitted(svc, lan)
    await svc.toggle_tag(comms, ex.id, "green")
    await svc.toggle_tag(comms, ex.id, "digital")
    await svc.toggle_tag(comms, ex.id, "story")
    ex = await svc.toggle_tag(comms, ex.id, "green")
    assert ex.tags == "digital,story"
    with pytest.raises(InvalidInput):
        await svc.toggle_tag(comms, ex.id, "<script>")
    with pytest.raises(AccessDenied):
        await svc.toggle_tag(lan, ex.id, "digital")


async def test_highlights_by_period_unit_subtree_and_category(session, clock, lan, comms) -> None:  # noqa: ANN001
    units = UnitService(session, clock)
    await units.add("VP-TH", "Phòng Tổng hợp", "VP", kind="division")
    sub = await person(session, clock, 505, "VP-TH")
    far = await person(session, clock, 506, "TCMT")
    svc = ExampleService(session, clock)
    a = await submitted(svc, lan, category=ExampleCategory.new_model)
    b = await submitted(svc, sub, category=ExampleCategory.good_deed)
    c = await submitted(svc, far, category=ExampleCategory.new_model)
    pending = await submitted(svc, lan)
    for ex in (a, b, c):
        await svc.approve(comms, ex.id)
    # Approved on Sunday 23:30 in Hà Nội: still this week there, Sunday 16:30 in UTC.
    clock.set(datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
    await svc.approve(comms, pending.id)
    week = HighlightFilter(date(2026, 11, 23), date(2026, 11, 29))
    ids = [r.id for r in await svc.highlights(comms, week)]
    assert ids == [pending.id, c.id, b.id, a.id]  # newest decision first
    vp = await units.get_by_code("VP")
    assert {r.id for r in await svc.highlights(comms, HighlightFilter(week.start, week.end, unit_id=vp.id))} == {
        a.id,
        b.id,
        pending.id,
    }
    models = await svc.highlights(comms, HighlightFilter(week.start, week.end, category=ExampleCategory.new_model))
    assert {r.id for r in models} == {a.id, c.id}
    assert models[0].unit_name and models[0].submitter_name and models[0].photo_count == 0
    next_week = HighlightFilter(date(2026, 11, 30), date(2026, 12, 6))
    assert await svc.highlights(comms, next_week) == []
    units_with = await svc.highlight_units(comms, week)
    assert {u.code for u in units_with} == {"VP", "VP-TH", "TCMT"}
    with pytest.raises(AccessDenied):
        await svc.highlights(lan, week)


async def test_weekly_highlights_counts_the_week_approved(session, clock, lan, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    clock.set(datetime(2026, 11, 16, 3, 0, tzinfo=UTC))  # week 47
    old = await submitted(svc, lan)
    await svc.approve(comms, old.id)
    clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # week 48
    a = await submitted(svc, lan, category=ExampleCategory.initiative, photos=2)
    b = await submitted(svc, lan, category=ExampleCategory.initiative)
    c = await submitted(svc, lan, category=ExampleCategory.advanced)
    waiting = await submitted(svc, lan)
    await svc.approve(comms, a.id)
    await svc.approve(comms, b.id)
    await svc.reject(comms, c.id, "Trùng với bài đã gửi")
    await svc.publish(comms, a.id, "https://example.org/a")
    clock.set(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # week 49: the job runs on Monday
    assert svc.last_week() == 202648
    digest = await svc.weekly_highlights(202648)
    assert (digest.start, digest.end) == (date(2026, 11, 23), date(2026, 11, 29))
    assert [r.id for r in digest.items] == [a.id, b.id]
    assert digest.items[0].photo_count == 2 and digest.items[0].status == ExampleStatus.published
    assert digest.by_category == {ExampleCategory.initiative: 2}
    assert digest.submitted == 4 and digest.pending == 1
    assert waiting.id not in [r.id for r in digest.items]
    assert [r.id for r in (await svc.weekly_highlights(202647)).items] == [old.id]


async def test_export_is_audited(session, clock, comms) -> None:  # noqa: ANN001
    svc = ExampleService(session, clock)
    await svc.note_export(comms, "docx", HighlightFilter(date(2026, 11, 1), date(2026, 11, 30)), 7)
    [entry] = (await session.exec(select(AuditEntry).where(AuditEntry.action == "example.export.docx"))).all()
    assert entry.actor_telegram_id == 601 and "items=7" in entry.detail and "2026-11-01" in entry.detail


def test_urls_dates_and_periods() -> None:
    for good in ("https://monre.gov.vn/a", "http://baotainguyenmoitruong.vn/x?y=1#z"):
        assert validate_url(good) == good
    for bad in (
        "javascript:alert(1)",
        "ftp://x.vn/a",
        "https://",
        "monre.gov.vn",
        "https://exa mple.vn",
        "https://localhost/a",
        "data:text/html,<b>",
        "https://x.vn/" + "a" * 1100,
        "",
    ):
        with pytest.raises(InvalidInput):
            validate_url(bad)
    assert parse_date_range("01/11/2026–30/11/2026") == (date(2026, 11, 1), date(2026, 11, 30))
    assert parse_date_range(" 1/1/2026 - 31/3/2026 ") == (date(2026, 1, 1), date(2026, 3, 31))
    assert parse_date_range("1.1.2026 đến 2.1.2026") == (date(2026, 1, 1), date(2026, 1, 2))
    for bad in ("30/11/2026–01/11/2026", "31/02/2026–01/03/2026", "tháng 11", "01/01/2020–01/01/2026"):
        with pytest.raises(InvalidInput):
            parse_date_range(bad)
    today = date(2026, 11, 25)
    assert period_range("week", today) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_range("month", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_range("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_range("year", today) == (date(2026, 1, 1), date(2026, 12, 31))
    assert clean_multiline("  a\u202e  b \r\n\n\n c ") == "a b\n\nc"

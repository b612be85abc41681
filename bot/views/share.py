"""/share and /myshares (SPEC §3.4; plan §III.2, §VI.5): the screens of a good example's
draft, step by step — its category, about whom, what happened, up to 5 photos, consent to
publish names, the preview — and the list of what the person has shared."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.domain import DraftStep, ExampleStatus, ExampleSubject
from bot.i18n import N_, _, ngettext
from bot.render.example_labels import (
    CATEGORY_ICONS,
    TEXT_LIMIT,
    about,
    category_label,
    category_name,
    local_date,
    snippet,
    status_label,
    subject_name,
    telegram_len,
)
from bot.services.examples import (
    ANSWER_MAX,
    ANSWER_MIN,
    CATEGORIES,
    EDITABLE_STEPS,
    MAX_PHOTOS,
    NAME_MAX,
    NAME_MIN,
    STORY_MAX,
    STORY_MIN,
    SUBJECTS,
    Draft,
    MyShares,
)
from bot.views.actions import Share, ShareAct
from bot.views.screen import Button, Screen, rows

if TYPE_CHECKING:
    from storage.examples import ExampleNote, GoodExample

SUBJECT_ICONS = {ExampleSubject.myself: "🙋", ExampleSubject.colleague: "🧑‍🤝‍🧑", ExampleSubject.collective: "🏢"}
STEP_NUMBER = {
    DraftStep.category: 1,
    DraftStep.subject: 2,
    DraftStep.subject_name: 2,
    DraftStep.story: 3,
    DraftStep.photos: 4,
    DraftStep.consent: 5,
    DraftStep.preview: 6,
}
STEPS = 6
EDIT_NAMES = {
    DraftStep.category: N_("Category"),
    DraftStep.subject: N_("About whom"),
    DraftStep.story: N_("What happened"),
    DraftStep.photos: N_("Photos"),
    DraftStep.consent: N_("Names"),
}


def example_id(ex: GoodExample) -> int:
    """The id of a stored example (what a service returns always has one)."""
    if ex.id is None:
        raise ValueError("an example that was never stored")
    return ex.id


def _step_header(draft: Draft) -> str:
    return _("<b>🌟 Sharing a good example</b> · step {n}/{total}").format(
        n=STEP_NUMBER[DraftStep(draft.example.step)], total=STEPS
    )


def category_screen(draft: Draft) -> Screen:
    text = "\n".join(
        [
            _step_header(draft),
            _(
                "The campaign asks us to find, praise and spread good examples (§III.2 of the plan). "
                "Communications staff review what you send; you will be told of their decision."
            ),
            "",
            _("<b>What kind of example is it?</b>"),
        ]
    )
    buttons = [
        Button(f"{CATEGORY_ICONS[category]} {category_name(category)}", Share(a=ShareAct.category, d=draft.id, v=n))
        for n, category in enumerate(CATEGORIES)
    ]
    return Screen(text, rows(buttons))


def subject_screen(draft: Draft) -> Screen:
    text = "\n".join(
        [
            _step_header(draft),
            _("Category: {category}").format(category=category_label(draft.example.category)),
            "",
            _("<b>About whom?</b>"),
        ]
    )
    buttons = [
        Button(f"{SUBJECT_ICONS[subject]} {subject_name(subject)}", Share(a=ShareAct.subject, d=draft.id, v=n))
        for n, subject in enumerate(SUBJECTS)
    ]
    return Screen(text, rows(buttons))


def subject_name_screen(draft: Draft) -> Screen:
    if draft.example.subject == ExampleSubject.colleague:
        ask = _("<b>Type the colleague's full name</b> ({min}–{max} characters), for example: Trần Văn Bình.")
    else:
        ask = _("<b>Type the name of the collective or unit</b> ({min}–{max} characters), for example: Phòng Tổng hợp.")
    return Screen("\n".join([_step_header(draft), ask.format(min=NAME_MIN, max=NAME_MAX)]))


def story_screen(draft: Draft) -> Screen:
    return Screen(
        "\n".join(
            [
                _step_header(draft),
                _(
                    "<b>What happened?</b> Describe it in one message of {min} to {max} characters: who did what, "
                    "when and where, and what came of it."
                ).format(min=STORY_MIN, max=STORY_MAX),
            ]
        )
    )


def photos_buttons(draft_id: int, count: int) -> tuple[tuple[Button, ...], ...]:
    if count:
        buttons = [
            Button(_("Continue ➡"), Share(a=ShareAct.photos_done, d=draft_id)),
            Button(_("🗑 Remove the photos"), Share(a=ShareAct.photos_clear, d=draft_id)),
        ]
    else:
        buttons = [Button(_("Continue without photos ➡"), Share(a=ShareAct.photos_done, d=draft_id))]
    return rows(buttons)


def photos_screen(draft: Draft) -> Screen:
    lines = [
        _step_header(draft),
        _(
            "<b>Photos (optional).</b> Send up to {max} photos, one by one or as an album; pictures sent as "
            "files are accepted too. Location and camera data are removed before anyone else sees them."
        ).format(max=MAX_PHOTOS),
    ]
    if draft.photos:
        lines.append(_("Photos so far: {n}/{max}.").format(n=draft.photos, max=MAX_PHOTOS))
    lines.append(_("Then tap Continue."))
    return Screen("\n".join(lines), photos_buttons(draft.id, draft.photos))


def consent_screen(draft: Draft) -> Screen:
    text = "\n".join(
        [
            _step_header(draft),
            _("<b>May the names in this example be published</b> (in the ministry's newspaper, magazine or portal)?"),
            _("If not, communications staff may still tell the story without naming anyone."),
        ]
    )
    buttons = [
        Button(_("✅ Yes, names may be published"), Share(a=ShareAct.consent, d=draft.id, v=1)),
        Button(_("🚫 No, without names"), Share(a=ShareAct.consent, d=draft.id, v=0)),
    ]
    return Screen(text, rows(buttons))


def example_summary(ex: GoodExample, count: int, submitter: str) -> list[str]:
    """The example's fields as HTML lines (user text escaped)."""
    return [
        _("Category: {category}").format(category=category_label(ex.category)),
        _("About: {who}").format(who=escape(about(ex.subject, ex.subject_name, submitter))),
        _("Photos: {n}").format(n=count),
        _("Names may be published: {answer}").format(answer=_("yes") if ex.consent_names else _("no")),
        "",
        _("<b>What happened:</b>"),
        escape(ex.story or ""),
    ]


def preview_screen(draft: Draft, submitter: str) -> Screen:
    lines = [
        _step_header(draft),
        _("<b>Please check it before sending.</b>"),
        "",
        *example_summary(draft.example, draft.photos, submitter),
    ]
    buttons = [
        Button(_("📨 Send to the communications staff"), Share(a=ShareAct.send, d=draft.id)),
        Button(_("✏️ Edit"), Share(a=ShareAct.edit, d=draft.id)),
        Button(_("🗑 Discard"), Share(a=ShareAct.discard, d=draft.id)),
    ]
    return Screen("\n".join(lines), rows(buttons, 1, 2))


def edit_menu_screen(draft_id: int) -> Screen:
    buttons = [
        Button(_(EDIT_NAMES[step]), Share(a=ShareAct.edit_field, d=draft_id, v=n))
        for n, step in enumerate(EDITABLE_STEPS)
    ]
    buttons.append(Button(_("↩ Back to the preview"), Share(a=ShareAct.preview, d=draft_id)))
    return Screen(_("<b>What do you want to change?</b>"), rows(buttons, 2, 2, 1, 1))


def discard_screen(draft_id: int) -> Screen:
    buttons = [
        Button(_("🗑 Yes, discard it"), Share(a=ShareAct.discard_yes, d=draft_id)),
        Button(_("↩ Back to the preview"), Share(a=ShareAct.preview, d=draft_id)),
    ]
    return Screen(_("Discard this draft and its photos? This cannot be undone."), rows(buttons))


def resume_screen(draft: Draft, timezone: str) -> Screen:
    buttons = [
        Button(_("➡ Go on with it"), Share(a=ShareAct.resume, d=draft.id)),
        Button(_("🆕 Start a new one"), Share(a=ShareAct.restart, d=draft.id)),
    ]
    text = _(
        "You have an unfinished good example, last changed on {date} ({category}). Go on with it, or start a new one?"
    ).format(
        date=local_date(draft.example.updated_at, timezone),
        category=category_label(draft.example.category),
    )
    return Screen(text, rows(buttons))


def step_screen(draft: Draft, submitter: str) -> Screen:
    """The screen of the step the draft stands at."""
    step = DraftStep(draft.example.step)
    if step == DraftStep.category:
        return category_screen(draft)
    if step == DraftStep.subject:
        return subject_screen(draft)
    if step == DraftStep.subject_name:
        return subject_name_screen(draft)
    if step == DraftStep.story:
        return story_screen(draft)
    if step == DraftStep.photos:
        return photos_screen(draft)
    if step == DraftStep.consent:
        return consent_screen(draft)
    return preview_screen(draft, submitter)


def stray_text_screen(draft: Draft, submitter: str) -> Screen:
    """Text typed at a step that takes buttons (or photos): a hint, then the step again."""
    hint = (
        _("Please send photos, or tap a button below.")
        if draft.example.step == DraftStep.photos
        else _("Please answer with the buttons below.")
    )
    return step_screen(draft, submitter).above(hint)


def photo_too_early_screen(draft: Draft, submitter: str) -> Screen:
    return step_screen(draft, submitter).above(_("Photos come at step 4, after the description."))


def no_draft_screen() -> Screen:
    return Screen(_("There is no good example being written. Send /share to start one."))


def discarded_screen() -> Screen:
    return Screen(_("The draft has been discarded. Send /share whenever you want to share a good example."))


def sent_screen(ex: GoodExample) -> Screen:
    return Screen(
        _(
            "📨 <b>Sent, thank you!</b> Your good example #{id} is now with the communications staff. "
            "You will be told of their decision; /myshares shows where it stands."
        ).format(id=ex.id)
    )


def photo_status_screen(draft_id: int, count: int, refused: int, unreadable: int) -> Screen:
    """After a photo (or each photo of an album): how many are kept, and what was left out."""
    lines = [_("📷 Photos kept: {n}/{max}.").format(n=count, max=MAX_PHOTOS)]
    if refused:
        lines.append(
            _("⚠️ At most {max} photos: {n} more could not be added; the first {max} are kept.").format(
                max=MAX_PHOTOS, n=refused
            )
        )
    if unreadable:
        lines.append(
            ngettext(
                "⚠️ {n} file could not be read as a picture and was left out.",
                "⚠️ {n} files could not be read as pictures and were left out.",
                unreadable,
            ).format(n=unreadable)
        )
    if count < MAX_PHOTOS and not refused:
        lines.append(_("Send more, or tap Continue."))
    else:
        lines.append(_("Tap Continue."))
    return Screen("\n".join(lines), photos_buttons(draft_id, count))


def answer_prompt_screen(question: ExampleNote) -> Screen:
    return Screen(
        _("Type your answer to: <i>{question}</i> ({min}–{max} characters).").format(
            question=escape(question.text),
            min=ANSWER_MIN,
            max=ANSWER_MAX,
        )
    )


def answered_screen(ex: GoodExample) -> Screen:
    return Screen(
        _(
            "Thank you: your answer is attached to good example #{id}, which is back with the communications staff."
        ).format(id=ex.id)
    )


def myshares_screen(found: MyShares, timezone: str) -> Screen:
    examples, draft = found.examples, found.draft
    if not examples and draft is None:
        return Screen(_("You have not shared a good example yet. Send /share to share one."))
    lines = [_("<b>Your good examples</b>")]
    tail = ["", _("📝 You also have an unfinished draft: send /share to go on with it.")] if draft is not None else []
    # Every open question gets its button, even past the text's limit.
    buttons = [
        Button(_("✍️ Reply about #{id}").format(id=ex.id), Share(a=ShareAct.answer, d=example_id(ex)))
        for ex in examples
        if ex.status == ExampleStatus.needs_info
    ]
    for n, ex in enumerate(examples):
        status = ExampleStatus(ex.status)
        block = [
            "",
            f"#{ex.id} {category_label(ex.category)} · {local_date(ex.submitted_at, timezone)}",
            "<i>{}</i>".format(escape(snippet(ex.story or "", 90))),
            status_label(status),
        ]
        if status == ExampleStatus.rejected and ex.reject_reason:
            block.append(_("Reason: {reason}").format(reason=escape(snippet(ex.reject_reason, 300))))
        if status == ExampleStatus.published and ex.published_url:
            block.append(_("Link: {url}").format(url=escape(ex.published_url)))
        if status == ExampleStatus.needs_info:
            block.append(_("The communications staff asked for more information: tap Reply below."))
        if telegram_len("\n".join(lines + block + tail)) > TEXT_LIMIT - 100:  # one message, at most 4096
            rest = len(examples) - n
            lines += ["", ngettext("…and {n} earlier example.", "…and {n} earlier examples.", rest).format(n=rest)]
            break
        lines += block
    lines += tail
    return Screen("\n".join(lines), rows(buttons))

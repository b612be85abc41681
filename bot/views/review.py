"""/review for communications staff and administrators (SPEC §3.5; plan §III.2 and §VI.5):
the card of one submitted example, its buttons (approve, reject, ask, tags), the prompts
for a typed reason, question or link, and what the submitter is told of each decision."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.domain import ExampleNoteKind, ExampleStatus
from bot.i18n import _, ngettext
from bot.render.example_labels import (
    TAG_NAMES,
    TEXT_LIMIT,
    about,
    category_label,
    local_date,
    snippet,
    status_label,
    tag_names,
    telegram_len,
)
from bot.services.examples import (
    QUESTION_MAX,
    QUESTION_MIN,
    REASON_MAX,
    REASON_MIN,
    TAGS,
    ExampleCard,
    parse_tags,
)
from bot.views.actions import Review, ReviewAct, Share, ShareAct
from bot.views.screen import Button, Photo, Screen, rows
from bot.views.share import example_id

if TYPE_CHECKING:
    from storage.examples import ExamplePhoto, GoodExample

NOTE_SHOWN = 500  # characters of each question and answer on the card


# -- what the submitter is told -------------------------------------------------------------


def decision_screen(ex: GoodExample) -> Screen:
    """What the submitter reads about their example's new status (current locale)."""
    head = "#{id} {category}: <i>{story}</i>".format(
        id=ex.id, category=category_label(ex.category), story=escape(snippet(ex.story or "", 80))
    )
    status = ExampleStatus(ex.status)
    if status == ExampleStatus.approved:
        text = _("✅ <b>Your good example has been approved</b> by the communications staff. Thank you for sharing it!")
        return Screen(text + "\n" + head)
    if status == ExampleStatus.rejected:
        text = _(
            "Your good example was <b>not accepted</b> this time.\nReason: {reason}\n"
            "Thank you all the same; you are welcome to share another one with /share."
        ).format(reason=escape(ex.reject_reason or ""))
        return Screen(text + "\n" + head)
    if status == ExampleStatus.published:
        text = _("📰 <b>Your good example has been published:</b> {url}\nThank you for helping spread it!").format(
            url=escape(ex.published_url or "")
        )
        return Screen(text + "\n" + head)
    if status == ExampleStatus.needs_info:
        text = _("❓ <b>The communications staff ask for more information</b> about your good example:")
        return Screen(text + "\n" + head, rows([Button(_("✍️ Reply"), Share(a=ShareAct.answer, d=example_id(ex)))]))
    return Screen(head)


def question_screen(ex: GoodExample, question: str) -> Screen:
    screen = decision_screen(ex)
    asked = _("Their question: {question}").format(question=escape(question))
    return Screen(
        screen.text + "\n\n" + asked + "\n" + _("Tap Reply and type your answer."),
        screen.rows,
    )


# -- the review card ------------------------------------------------------------------------


def card_text(card: ExampleCard, timezone: str) -> str:
    """The card in at most 4096 characters: the exchange shrinks first, then the story."""
    for note_chars, notes, story_chars in (
        (NOTE_SHOWN, 4, None),
        (200, 4, None),
        (200, 2, None),
        (120, 1, 1500),
        (80, 1, 800),
    ):
        text = _card_text(card, timezone, note_chars, notes, story_chars)
        if telegram_len(text) <= TEXT_LIMIT:
            return text
    return text


def _card_text(card: ExampleCard, timezone: str, note_chars: int, notes: int, story_chars: int | None) -> str:
    ex = card.example
    status = ExampleStatus(ex.status)
    submitter = card.submitter
    who = escape(submitter.full_name) if submitter else _("(erased at their request)")
    if submitter and submitter.position:
        who += ", " + escape(submitter.position)
    lines = [
        _("<b>Good example #{id}</b> · {status}").format(id=ex.id, status=status_label(status)),
    ]
    if status == ExampleStatus.submitted:
        lines.append(
            ngettext("{n} example waiting for review", "{n} examples waiting for review", card.pending).format(
                n=card.pending
            )
        )
    lines += [
        _("Category: {category}").format(category=category_label(ex.category)),
        _("About: {who}").format(
            who=escape(about(ex.subject, ex.subject_name, submitter.full_name if submitter else None))
        ),
        _("Sent by: {who}").format(who=who) + (" — " + escape(card.unit.name) if card.unit else ""),
        _("Sent on: {date} · photos: {n}").format(date=local_date(ex.submitted_at, timezone), n=card.photo_count),
        _("Names may be published: {answer}").format(answer=_("yes") if ex.consent_names else _("no")),
    ]
    tags = tag_names(parse_tags(ex.tags))
    if tags:
        lines.append(_("Tags: {tags}").format(tags=escape(", ".join(tags))))
    if ex.published_url:
        lines.append(_("Published: {url}").format(url=escape(ex.published_url)))
    story = ex.story or ""
    lines += ["", escape(snippet(story, story_chars) if story_chars else story)]
    for note in card.notes[-notes:]:
        label = (
            _("❓ Question ({date}): {text}")
            if note.kind == ExampleNoteKind.question
            else _("💬 Answer ({date}): {text}")
        )
        lines.append("")
        lines.append(label.format(date=local_date(note.at, timezone), text=escape(snippet(note.text, note_chars))))
    return "\n".join(lines)


def card_buttons(card: ExampleCard) -> tuple[tuple[Button, ...], ...]:
    ex = card.example
    status = ExampleStatus(ex.status)
    eid = example_id(ex)
    tags = Button(_("🏷 Tags"), Review(a=ReviewAct.tags, id=eid))
    if status == ExampleStatus.submitted:
        buttons = [
            Button(_("✅ Approve"), Review(a=ReviewAct.approve, id=eid)),
            Button(_("✖️ Reject"), Review(a=ReviewAct.reject, id=eid)),
            Button(_("❓ Ask for more"), Review(a=ReviewAct.ask, id=eid)),
            tags,
            Button(_("⏭ Next"), Review(a=ReviewAct.skip, id=eid)),
        ]
        return rows(buttons, 2, 2, 1)
    if status == ExampleStatus.approved:
        return rows([Button(_("📰 Mark published"), Review(a=ReviewAct.publish, id=eid)), tags])
    if status == ExampleStatus.published:
        return rows([tags])
    return ()


def card_screen(card: ExampleCard, timezone: str) -> Screen:
    return Screen(card_text(card, timezone), card_buttons(card))


def tag_buttons(ex: GoodExample) -> tuple[tuple[Button, ...], ...]:
    chosen = set(parse_tags(ex.tags))
    eid = example_id(ex)
    buttons = [
        Button(f"{'☑' if tag in chosen else '☐'} {_(TAG_NAMES[tag])}", Review(a=ReviewAct.tag, id=eid, v=n))
        for n, tag in enumerate(TAGS)
    ]
    buttons.append(Button(_("✔ Done"), Review(a=ReviewAct.card, id=eid)))
    return rows(buttons, 2)


def tags_screen(card: ExampleCard, timezone: str) -> Screen:
    """The card with its tag toggles in place of its buttons."""
    return Screen(card_text(card, timezone), tag_buttons(card.example))


def album(photos: list[ExamplePhoto], eid: int) -> tuple[Photo, ...]:
    """The example's stripped photos (never the files as sent), by the file_id Telegram
    gave our copy once it has one."""
    return tuple(Photo(p.sent_file_id or p.data, filename=f"example-{eid}-{p.position}.jpg") for p in photos)


def queue_empty_screen() -> Screen:
    return Screen(_("No good example is waiting for review. 🎉"))


def no_other_notice() -> str:
    return _("No other example is waiting.")


# -- a typed reason, question or link -------------------------------------------------------


def reason_prompt(eid: int) -> Screen:
    text = _(
        "Type the reason why example #{id} is not accepted ({min}–{max} characters). The submitter will read it."
    ).format(id=eid, min=REASON_MIN, max=REASON_MAX)
    return Screen(text + "\n" + _("Or send /cancel."))


def question_prompt(eid: int) -> Screen:
    text = _(
        "Type your question about example #{id} ({min}–{max} characters). The submitter will be asked to reply."
    ).format(id=eid, min=QUESTION_MIN, max=QUESTION_MAX)
    return Screen(text + "\n" + _("Or send /cancel."))


def link_prompt(eid: int) -> Screen:
    text = _("Send the link to the article that published example #{id} (starting with https://).").format(id=eid)
    return Screen(text + "\n" + _("Or send /cancel."))


def approved_outcome(told: bool) -> str:
    """The line the decided card gets below its text."""
    return _("✅ Approved.") + ("" if told else " " + _("(The submitter could not be told.)"))


def closed_card_text(card_html: str, outcome: str) -> str:
    """The decided card keeps its text and says what was done (the outcome alone when
    both would not fit in one message)."""
    text = card_html + "\n\n" + outcome
    return text if len(text) <= TEXT_LIMIT else outcome


def rejected_screen(eid: int, told: bool) -> Screen:
    return Screen(
        _("✖️ Example #{id} is not accepted; the reason has been sent to the submitter.").format(id=eid)
        if told
        else _("✖️ Example #{id} is not accepted. (The submitter could not be told.)").format(id=eid)
    )


def asked_screen(eid: int, told: bool) -> Screen:
    return Screen(
        _("❓ Your question about example #{id} has been sent. It comes back to the queue once answered.").format(
            id=eid
        )
        if told
        else _("❓ Question saved, but the submitter could not be told.")
    )


def published_screen(ex: GoodExample, told: bool) -> Screen:
    text = _("📰 Example #{id} is marked published: {url}").format(id=ex.id, url=escape(ex.published_url or ""))
    if not told:
        text += "\n" + _("(The submitter could not be told.)")
    return Screen(text)

"""Names of the good-example categories, subjects, statuses and tags, in the current
language; shared by the handlers, the digest and the export builders (no aiogram)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import ExampleCategory, ExampleStatus, ExampleSubject
from bot.i18n import N_, _

# The plan's own words (§II.2.3, §III.2, §VI.5): điển hình tiên tiến; gương người tốt,
# việc tốt; sáng kiến, giải pháp; mô hình hay, cách làm mới.
CATEGORY_NAMES = {
    ExampleCategory.advanced: N_("Advanced example"),
    ExampleCategory.good_deed: N_("Good person, good deed"),
    ExampleCategory.initiative: N_("Initiative or solution"),
    ExampleCategory.new_model: N_("Good model, new way of working"),
}
CATEGORY_ICONS = {
    ExampleCategory.advanced: "🏅",
    ExampleCategory.good_deed: "💛",
    ExampleCategory.initiative: "💡",
    ExampleCategory.new_model: "🌱",
}
SUBJECT_NAMES = {
    ExampleSubject.myself: N_("Myself"),
    ExampleSubject.colleague: N_("A colleague"),
    ExampleSubject.collective: N_("A collective or unit"),
}
STATUS_NAMES = {
    ExampleStatus.draft: N_("draft, not sent"),
    ExampleStatus.submitted: N_("waiting for review"),
    ExampleStatus.needs_info: N_("more information requested"),
    ExampleStatus.approved: N_("approved"),
    ExampleStatus.rejected: N_("not accepted"),
    ExampleStatus.published: N_("published"),
}
STATUS_ICONS = {
    ExampleStatus.draft: "📝",
    ExampleStatus.submitted: "⏳",
    ExampleStatus.needs_info: "❓",
    ExampleStatus.approved: "✅",
    ExampleStatus.rejected: "✖️",
    ExampleStatus.published: "📰",
}
TAG_NAMES = {
    "discipline": N_("Discipline"),
    "conduct": N_("Conduct and communication"),
    "reform": N_("Administrative reform"),
    "digital": N_("Digital transformation"),
    "green": N_("Green, clean office"),
    "thrift": N_("Thrift, against waste"),
    "community": N_("Community and charity"),
    "story": N_("Worth an article"),
}


def category_name(category: ExampleCategory | str | None) -> str:
    return _(CATEGORY_NAMES[ExampleCategory(category)]) if category else "—"


def category_label(category: ExampleCategory | str | None) -> str:
    """Icon and name, for messages."""
    if not category:
        return "—"
    return f"{CATEGORY_ICONS[ExampleCategory(category)]} {category_name(category)}"


def subject_name(subject: ExampleSubject | str | None) -> str:
    return _(SUBJECT_NAMES[ExampleSubject(subject)]) if subject else "—"


def status_name(status: ExampleStatus | str) -> str:
    return _(STATUS_NAMES[ExampleStatus(status)])


def status_label(status: ExampleStatus | str) -> str:
    return f"{STATUS_ICONS[ExampleStatus(status)]} {status_name(status)}"


def tag_names(tags: tuple[str, ...] | list[str]) -> list[str]:
    return [_(TAG_NAMES[t]) for t in tags if t in TAG_NAMES]


def about(subject: ExampleSubject | str | None, name: str | None, submitter: str | None = None) -> str:
    """Whom the example is about, plain text (escape it for HTML)."""
    if subject is None:
        return "—"
    subject = ExampleSubject(subject)
    if subject == ExampleSubject.myself:
        return (
            _("The submitter themselves: {name}").format(name=submitter) if submitter else _("The submitter themselves")
        )
    if subject == ExampleSubject.colleague:
        return _("A colleague: {name}").format(name=name or "—")
    return _("A collective or unit: {name}").format(name=name or "—")


def local_date(moment: datetime | None, timezone: str) -> str:
    """dd/mm/yyyy in the given zone (the Vietnamese way, also used in English here)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y")


def snippet(text: str, limit: int) -> str:
    """One line of at most `limit` characters (cut at a word), plain text."""
    line = " ".join((text or "").split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


TEXT_LIMIT = 4096  # Telegram's limit for a message, in UTF-16 units of the text as shown
_TAG = re.compile(r"<[^>]*>")


def telegram_len(text_html: str) -> int:
    """The length Telegram checks: the text as shown (tags gone, entities decoded), in
    UTF-16 code units (an emoji counts 2). Our HTML escapes all user text, so a '<' always
    opens a tag."""
    shown = html.unescape(_TAG.sub("", text_html))
    return len(shown.encode("utf-16-le")) // 2

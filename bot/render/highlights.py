"""The weekly highlights digest for communications staff, as one HTML message (≤ 4096).

Render it in the recipient's language: ``with use_locale(user.locale):
render_highlights_digest(digest)``. User text is escaped here.
"""

from __future__ import annotations

from html import escape

from bot.domain import ExampleStatus
from bot.i18n import _, ngettext
from bot.render.example_labels import about, category_label, snippet
from bot.services.examples import WeeklyHighlights

TEXT_LIMIT = 4096
SHOWN = 10  # items listed; the rest are counted and found with /highlights
SNIPPET = 160


def render_highlights_digest(digest: WeeklyHighlights, *, shown: int = SHOWN) -> str:
    """The examples approved in the digest's week: counts, then the first `shown` items."""
    head = [
        _("<b>🌟 Good examples approved in week {number} ({start}–{end})</b>").format(
            number=digest.week % 100,
            start=digest.start.strftime("%d/%m"),
            end=digest.end.strftime("%d/%m/%Y"),
        ),
        _("Approved: {approved} · submitted this week: {submitted} · waiting for review: {pending}").format(
            approved=len(digest.items),
            submitted=digest.submitted,
            pending=digest.pending,
        ),
    ]
    if digest.by_category:
        head.append(" · ".join(f"{category_label(c)} {n}" for c, n in digest.by_category.items()))
    if not digest.items:
        head += ["", _("No example was approved this week.")]
        if digest.pending:
            head.append(_("Send /review to go through the queue."))
        return "\n".join(head)
    lines = [*head, ""]
    shown_now = 0
    for n, row in enumerate(digest.items[:shown], start=1):
        where = escape(row.unit_name) if row.unit_name else "—"
        mark = " 📰" if row.status == ExampleStatus.published else ""
        photos = f" · 📷 {row.photo_count}" if row.photo_count else ""
        item = [
            f"{n}. {category_label(row.category)} — {where} (#{row.id}){mark}{photos}",
            "   " + escape(about(row.subject, row.subject_name, row.submitter_name)),
            f"   <i>{escape(snippet(row.story, SNIPPET))}</i>",
        ]
        if sum(len(x) + 1 for x in lines + item) > TEXT_LIMIT - 200:
            break
        lines += item
        shown_now = n
    rest = len(digest.items) - shown_now
    if rest > 0:
        lines += [
            "",
            ngettext(
                "…and {n} more example: see /highlights.", "…and {n} more examples: see /highlights.", rest
            ).format(n=rest),
        ]
    else:
        lines += ["", _("Full list, filters and exports: /highlights.")]
    return "\n".join(lines)

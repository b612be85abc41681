"""/highlights for communications staff (SPEC §3.5; plan §VI.5): approved examples by
period, unit and category, a page at a time, each opened by its button, and the list
exported as DOCX (photos embedded) or CSV. The whole filter rides in every button."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.domain import ExampleStatus
from bot.i18n import _, ngettext
from bot.render.example_labels import category_label, category_name, snippet
from bot.services.examples import CATEGORIES, ExampleStateError, Export, HighlightFilter, Highlights, period_range
from bot.views.actions import Highlights as HighlightsAction
from bot.views.actions import HighlightsAct, Period, Review, ReviewAct
from bot.views.screen import Button, Document, Screen, rows

if TYPE_CHECKING:
    from storage.models import Unit

PAGE = 8  # examples per page of /highlights
UNITS_SHOWN = 30
PERIOD_OF = {Period.week: "week", Period.month: "month", Period.year: "year"}


def resolve(action: HighlightsAction, today: date) -> HighlightFilter:
    """The filter a button (or a typed range) names, in the viewer's today."""
    if action.p == Period.range:
        try:
            start, end = date.fromordinal(action.s), date.fromordinal(action.e)
        except ValueError:
            raise ExampleStateError("example_gone") from None
    else:
        start, end = period_range(PERIOD_OF[action.p], today)
    category = CATEGORIES[action.c] if 0 <= action.c < len(CATEGORIES) else None
    return HighlightFilter(start, end, unit_id=action.u or None, category=category)


def typed_range(start: date, end: date, unit: int, category: int) -> HighlightsAction:
    """The list for a typed period, keeping the unit and category chosen before."""
    return HighlightsAction(
        a=HighlightsAct.show, p=Period.range, s=start.toordinal(), e=end.toordinal(), u=unit, c=category
    )


def _with(base: HighlightsAction, **changes: object) -> HighlightsAction:
    return base.model_copy(update=changes)


def period_text(flt: HighlightFilter) -> str:
    return "{}–{}".format(flt.start.strftime("%d/%m/%Y"), flt.end.strftime("%d/%m/%Y"))


def highlights_screen(found: Highlights, action: HighlightsAction) -> Screen:
    rows_, flt, unit = found.rows, found.filter, found.unit
    published = sum(1 for r in rows_ if r.status == ExampleStatus.published)
    pages = max(1, (len(rows_) + PAGE - 1) // PAGE)
    page = min(max(action.pg, 0), pages - 1)
    lines = [
        _("<b>Highlights, {period}</b>").format(period=period_text(flt)),
        _("Unit: {unit} · category: {category}").format(
            unit=escape(unit.name) if unit else _("all"),
            category=category_name(flt.category) if flt.category else _("all"),
        ),
        ngettext(
            "{n} approved example ({published} published)", "{n} approved examples ({published} published)", len(rows_)
        ).format(n=len(rows_), published=published),
    ]
    shown = rows_[page * PAGE : (page + 1) * PAGE]
    for n, row in enumerate(shown, start=page * PAGE + 1):
        mark = " 📰" if row.status == ExampleStatus.published else ""
        lines += [
            "",
            "{n}. {category} — {unit} (#{id}){mark}".format(
                n=n, category=category_label(row.category), unit=escape(row.unit_name or "—"), id=row.id, mark=mark
            ),
            f"<i>{escape(snippet(row.story, 120))}</i>",
        ]
    if not rows_:
        lines += ["", _("No approved example in this period.")]
    buttons = []
    periods = [(Period.week, _("This week")), (Period.month, _("This month")), (Period.year, _("This year"))]
    for period, label in periods:
        mark = "• " if action.p == period else ""
        buttons.append(Button(mark + label, _with(action, a=HighlightsAct.show, p=period, s=0, e=0, pg=0)))
    buttons += [
        Button(("• " if action.p == Period.range else "") + _("📅 Dates…"), _with(action, a=HighlightsAct.dates, pg=0)),
        Button(_("🏢 Unit"), _with(action, a=HighlightsAct.units, pg=0)),
        Button(_("🗂 Category"), _with(action, a=HighlightsAct.categories, pg=0)),
    ]
    sizes = [4, 2]
    buttons += [Button(_("Open #{id}").format(id=row.id), Review(a=ReviewAct.open, id=row.id)) for row in shown]
    if shown:
        sizes += [4] * ((len(shown) + 3) // 4)
    if pages > 1:
        if page > 0:
            buttons.append(Button("◀", _with(action, a=HighlightsAct.show, pg=page - 1)))
        buttons.append(Button(f"{page + 1}/{pages}", _with(action, a=HighlightsAct.show, pg=page)))
        if page < pages - 1:
            buttons.append(Button("▶", _with(action, a=HighlightsAct.show, pg=page + 1)))
        sizes.append(1 + (page > 0) + (page < pages - 1))
    if rows_:
        buttons += [
            Button(_("⬇ DOCX with photos"), _with(action, a=HighlightsAct.docx)),
            Button(_("⬇ CSV for Excel"), _with(action, a=HighlightsAct.csv)),
        ]
        sizes.append(2)
    return Screen("\n".join(lines), rows(buttons, *sizes))


def units_screen(units: list[Unit], flt: HighlightFilter, action: HighlightsAction) -> Screen:
    buttons = [Button(_("All units"), _with(action, a=HighlightsAct.show, u=0))]
    buttons += [
        Button(unit.name[:60], _with(action, a=HighlightsAct.show, u=unit.id or 0)) for unit in units[:UNITS_SHOWN]
    ]
    text = _("Which unit (with its sub-units)? Units with approved examples in {period}:").format(
        period=period_text(flt)
    )
    return Screen(text, rows(buttons))


def categories_screen(action: HighlightsAction) -> Screen:
    buttons = [Button(_("All categories"), _with(action, a=HighlightsAct.show, c=-1))]
    buttons += [
        Button(category_label(category), _with(action, a=HighlightsAct.show, c=n))
        for n, category in enumerate(CATEGORIES)
    ]
    return Screen(_("Which category?"), rows(buttons))


def dates_prompt() -> Screen:
    return Screen(_("Type the period as dd/mm/yyyy–dd/mm/yyyy, for example 01/11/2026–30/11/2026. Or send /cancel."))


# -- exports --------------------------------------------------------------------------------------


def export_kind(action: HighlightsAction) -> str:
    return "docx" if action.a == HighlightsAct.docx else "csv"


def nothing_to_export() -> Screen:
    return Screen(_("No approved example in this period: nothing to export."))


def export_title(flt: HighlightFilter) -> str:
    return _("Good examples, {period}").format(period=period_text(flt))


def export_subtitle(found: Highlights) -> str:
    flt = found.filter
    return _("Period {period} · unit: {unit} · category: {category}").format(
        period=period_text(flt),
        unit=found.unit.name if found.unit else _("all"),
        category=category_name(flt.category) if flt.category else _("all"),
    )


def export_progress(kind: str, done: int, total: int) -> str:
    return _("Preparing the {kind} file: {done}/{total}…").format(kind=kind.upper(), done=done, total=total)


def export_ready(kind: str, total: int) -> str:
    return _("The {kind} file is ready: {total} examples.").format(kind=kind.upper(), total=total)


def export_screen(built: Export, flt: HighlightFilter) -> Screen:
    """The file, with a caption that says what it holds."""
    caption = ngettext(
        "Good examples, {period}: {n} example.", "Good examples, {period}: {n} examples.", built.count
    ).format(period=period_text(flt), n=built.count)
    if built.photos_left_out:
        caption += "\n" + _(
            "Some photos were not embedded, to keep the file small enough to send: "
            "export a shorter period for all of them."
        )
    filename = f"guong-dien-hinh_{flt.start.isoformat()}_{flt.end.isoformat()}.{built.kind}"
    return Screen("", attachments=(Document(built.data, filename, caption),))

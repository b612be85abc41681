"""Good examples of a period as a Word document (python-docx), photos embedded and
captioned, for the ministry's press to work from (plan §VI.5), in the Decree 30/2020 layout."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from PIL import Image

from bot.domain import ExampleSubject
from bot.i18n import _
from bot.render.csv_examples import withheld
from bot.render.decree30 import Decree30Document, Heading, place_and_date
from bot.render.example_labels import category_name, local_date, status_name, subject_name, tag_names

PHOTO_MAX_HEIGHT = Cm(12)  # a photo fills the text width (16.5 cm) unless that makes it taller
PHOTO_SIDE = 1280  # px: about 200 dpi at 16.5 cm, and the file stays small
# Telegram takes documents up to 50 MB from a bot: past this many bytes of photos the
# rest are named, not embedded, and the document says so.
PHOTO_BUDGET = 40 * 1024 * 1024
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

if TYPE_CHECKING:  # the service builds these files from its rows
    from bot.services.examples import ExampleRow


def _text(value: str | None) -> str:
    """Word's XML cannot hold control characters; everything else is kept verbatim."""
    return _NOT_XML.sub("", value or "")


def _shrink(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        if max(img.size) <= PHOTO_SIDE:
            return data
        img.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
        return out.getvalue()


class ExamplesDocx:
    """Add examples one by one (the caller can show progress), then take the bytes.

    The document is in the layout of Decree 30/2020 (bot.render.decree30): A4, Times New
    Roman in black, the ministry and the standing agency in the heading block, page
    numbers from page 2; each example's photos fill the text width (at most 12 cm tall),
    captioned in the document's font. Examples are listed in the order they happened
    (submitted), oldest first: add them in that order (build_examples_docx sorts)."""

    def __init__(
        self,
        *,
        title: str,
        subtitle: str,
        timezone: str,
        generated: datetime,
        parent_body: str = "",
        issuing_body: str = "",
        place: str | None = None,
    ) -> None:
        self.timezone = timezone
        self.writer = Decree30Document(title=title, author=issuing_body)
        self.doc = self.writer.doc
        on = generated.astimezone(ZoneInfo(timezone)).date()
        if issuing_body:
            self.writer.heading(
                Heading(
                    parent_body=parent_body or issuing_body,
                    issuing_body=issuing_body,
                    number=None,
                    place_date=place_and_date(place, on, on.year),
                )
            )
        self.writer.title(_text(title), _text(subtitle))
        self.writer.paragraph(
            _("Prepared on {date} from the office-culture campaign bot.").format(date=local_date(generated, timezone)),
            italic=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            after=12,
        )
        self.count = 0
        self.photo_bytes = 0
        self.photos_left_out = 0

    def _field(self, label: str, value: str) -> None:
        self.writer.rich([(_text(label) + ": ", True), (_text(value), False)], indent=False, after=2)

    def add(self, row: ExampleRow, photos: Sequence[bytes] = ()) -> None:
        self.count += 1
        names_ok = row.consent_names
        self.writer.section(
            _text(f"{self.count}. {category_name(row.category)} (#{row.id})"),
            before=12,
            indent=False,
        )
        self._field(_("Person or collective"), whom(row) if names_ok else f"{subject_name(row.subject)} {withheld()}")
        self._field(_("Unit"), row.unit_name or "—")
        self._field(_("Submitted by"), (row.submitter_name or "—") if names_ok else withheld())
        self._field(_("Submitted on"), local_date(row.submitted_at, self.timezone))
        self._field(_("Approved on"), local_date(row.decided_at, self.timezone))
        self._field(_("Status"), status_name(row.status))
        if row.tags:
            self._field(_("Tags"), ", ".join(tag_names(row.tags)))
        self._field(_("Names may be published"), _("yes") if names_ok else _("no"))
        if row.published_url:
            self._field(_("Published"), f"{local_date(row.published_at, self.timezone)} {row.published_url}")
        self.writer.paragraph(_("What happened") + ":", bold=True, indent=False, after=2, keep_with_next=True)
        for line in (row.story or "").split("\n"):
            if line.strip():
                self.writer.paragraph(_text(line))
        for k, data in enumerate(photos, start=1):
            caption = _("Photo {k} of {total}, example #{id}").format(k=k, total=len(photos), id=row.id)
            picture = _shrink(data)
            if self.photo_bytes + len(picture) > PHOTO_BUDGET:
                self.photos_left_out += 1
                self.writer.caption(
                    _text(
                        caption
                        + " — "
                        + _("not embedded: the document would be too large to send; export a shorter period.")
                    )
                )
                continue
            self.photo_bytes += len(picture)
            self.writer.picture(picture, _text(caption), max_height=PHOTO_MAX_HEIGHT)

    def to_bytes(self) -> bytes:
        return self.writer.to_bytes()


def whom(row: ExampleRow) -> str:
    """The person or collective the example is about, as a value after its label: the
    name alone (the label already says what it is), the submitter marked as such."""
    if row.subject is None:
        return "—"
    if ExampleSubject(row.subject) == ExampleSubject.myself:
        return (
            _("{name} (the submitter)").format(name=row.submitter_name)
            if row.submitter_name
            else _("The submitter themselves")
        )
    return row.subject_name or "—"


def in_order(items: Iterable[tuple[ExampleRow, Sequence[bytes]]]) -> list[tuple[ExampleRow, Sequence[bytes]]]:
    """Oldest first, as they happened (the list comes newest first)."""
    return sorted(items, key=lambda item: (item[0].submitted_at or datetime.min.replace(tzinfo=UTC), item[0].id))


def build_examples_docx(
    items: Iterable[tuple[ExampleRow, Sequence[bytes]]],
    *,
    title: str,
    subtitle: str,
    timezone: str = "Asia/Ho_Chi_Minh",
    generated: datetime,
    parent_body: str = "",
    issuing_body: str = "",
    place: str | None = None,
) -> bytes:
    doc = ExamplesDocx(
        title=title,
        subtitle=subtitle,
        timezone=timezone,
        generated=generated,
        parent_body=parent_body,
        issuing_body=issuing_body,
        place=place,
    )
    for row, photos in in_order(items):
        doc.add(row, photos)
    return doc.to_bytes()

"""Good examples of a period as a Word document (python-docx), photos embedded and
captioned, for the ministry's press to work from (plan §VI.5)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from docx import Document
from docx.shared import Cm, Pt
from PIL import Image

from bot.i18n import _
from bot.render.csv_examples import withheld
from bot.render.example_labels import about, category_name, local_date, status_name, subject_name, tag_names
from bot.services.examples import ExampleRow

PHOTO_WIDTH = Cm(12)
PHOTO_SIDE = 1280  # px: sharp enough at 12 cm, and the file stays small
# Telegram takes documents up to 50 MB from a bot: past this many bytes of photos the
# rest are named, not embedded, and the document says so.
PHOTO_BUDGET = 40 * 1024 * 1024
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    """Add examples one by one (the caller can show progress), then take the bytes."""

    def __init__(self, *, title: str, subtitle: str, timezone: str, generated: datetime) -> None:
        self.timezone = timezone
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = "Times New Roman"  # the administrative documents' typeface
        normal.font.size = Pt(13)
        self.doc.add_heading(_text(title), level=0)
        self.doc.add_paragraph(_text(subtitle))
        self.doc.add_paragraph(
            _("Prepared on {date} from the office-culture campaign bot.").format(
                date=local_date(generated, timezone)
            )
        )
        self.count = 0
        self.photo_bytes = 0
        self.photos_left_out = 0

    def _field(self, label: str, value: str) -> None:
        p = self.doc.add_paragraph()
        p.add_run(_text(label) + ": ").bold = True
        p.add_run(_text(value))

    def add(self, row: ExampleRow, photos: Sequence[bytes] = ()) -> None:
        self.count += 1
        names_ok = row.consent_names
        self.doc.add_heading(
            _text("{n}. {category} (#{id})".format(n=self.count, category=category_name(row.category), id=row.id)),
            level=1,
        )
        who = about(row.subject, row.subject_name, row.submitter_name) if names_ok else (
            "{} {}".format(subject_name(row.subject), withheld())
        )
        self._field(_("About"), who)
        self._field(_("Unit"), row.unit_name or "—")
        self._field(_("Submitted by"), (row.submitter_name or "—") if names_ok else withheld())
        self._field(_("Submitted on"), local_date(row.submitted_at, self.timezone))
        self._field(_("Approved on"), local_date(row.decided_at, self.timezone))
        self._field(_("Status"), status_name(row.status))
        if row.tags:
            self._field(_("Tags"), ", ".join(tag_names(row.tags)))
        self._field(_("Names may be published"), _("yes") if names_ok else _("no"))
        if row.published_url:
            self._field(_("Published"), "{} {}".format(local_date(row.published_at, self.timezone), row.published_url))
        self.doc.add_paragraph().add_run(_("What happened") + ":").bold = True
        for line in (row.story or "").split("\n"):
            if line.strip():
                self.doc.add_paragraph(_text(line))
        for k, data in enumerate(photos, start=1):
            caption = _("Photo {k} of {total}, example #{id}").format(k=k, total=len(photos), id=row.id)
            picture = _shrink(data)
            if self.photo_bytes + len(picture) > PHOTO_BUDGET:
                self.photos_left_out += 1
                self.doc.add_paragraph(
                    _text(caption + " — " + _("not embedded: the document would be too large to send; export a shorter period.")),
                    style="Caption",
                )
                continue
            self.photo_bytes += len(picture)
            self.doc.add_picture(io.BytesIO(picture), width=PHOTO_WIDTH)
            self.doc.add_paragraph(_text(caption), style="Caption")

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def build_examples_docx(
    items: Iterable[tuple[ExampleRow, Sequence[bytes]]],
    *,
    title: str,
    subtitle: str,
    timezone: str = "Asia/Ho_Chi_Minh",
    generated: datetime,
) -> bytes:
    doc = ExamplesDocx(title=title, subtitle=subtitle, timezone=timezone, generated=generated)
    for row, photos in items:
        doc.add(row, photos)
    return doc.to_bytes()

"""Good examples of a period as CSV for Excel: UTF-8 with a BOM (so Excel reads the
Vietnamese), and no cell that a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.render.example_labels import category_name, local_date, status_name, subject_name, tag_names

BOM = "\ufeff"
# A cell starting with one of these is a formula (or a DDE call) to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

if TYPE_CHECKING:  # the service builds these files from its rows
    from bot.services.examples import ExampleRow


def neutralise(value: str) -> str:
    """A leading apostrophe makes a spreadsheet show the cell as text (OWASP's advice)."""
    if value.startswith(FORMULA_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def withheld() -> str:
    return _("(withheld: no consent to publish names)")


class ExamplesCsv:
    """Add rows one by one (the caller can show progress), then take the bytes."""

    def __init__(self, *, timezone: str) -> None:
        self.timezone = timezone
        self._buf = io.StringIO(newline="")
        self._writer = csv.writer(self._buf, dialect="excel")
        self._row(
            [
                _("No."),
                _("Category"),
                _("About"),
                _("Name"),
                _("Unit"),
                _("Submitted by"),
                _("Submitted on"),
                _("Approved on"),
                _("Status"),
                _("Tags"),
                _("Names may be published"),
                _("Photos"),
                _("Published link"),
                _("Published on"),
                _("What happened"),
            ]
        )
        self.count = 0

    def _row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])

    def add(self, row: ExampleRow) -> None:
        names_ok = row.consent_names
        self._row(
            [
                row.id,
                category_name(row.category),
                subject_name(row.subject),
                (row.subject_name or "") if names_ok else (withheld() if row.subject_name else ""),
                row.unit_name or "",
                (row.submitter_name or "") if names_ok else withheld(),
                local_date(row.submitted_at, self.timezone),
                local_date(row.decided_at, self.timezone),
                status_name(row.status),
                ", ".join(tag_names(row.tags)),
                _("yes") if names_ok else _("no"),
                row.photo_count,
                row.published_url or "",
                local_date(row.published_at, self.timezone),
                row.story,
            ]
        )
        self.count += 1

    def to_bytes(self) -> bytes:
        return (BOM + self._buf.getvalue()).encode("utf-8")


def build_examples_csv(rows: Iterable[ExampleRow], *, timezone: str = "Asia/Ho_Chi_Minh") -> bytes:
    out = ExamplesCsv(timezone=timezone)
    for row in rows:
        out.add(row)
    return out.to_bytes()

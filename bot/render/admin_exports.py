"""Administrators' exports: the sector's participation figures (XLSX) and a round's
nominations (XLSX and CSV). Column headings in the reader's language; text cells that a
spreadsheet would run as formulas are neutralised (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from typing import Any

from bot.i18n import _
from bot.render.csv_examples import BOM, neutralise
from bot.services.figures import SectorFigures
from bot.services.nominations import NominationRow, Round
from storage.awards import NomineeKind


def kind_name(kind: NomineeKind | str) -> str:
    return _("Collective") if NomineeKind(kind) == NomineeKind.collective else _("Individual")


def _sheet(wb: Any, title: str, heading: str, columns: Sequence[str], widths: Sequence[int]):  # noqa: ANN202
    ws = wb.active
    ws.title = title[:31]
    ws.append([heading])
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(columns))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A4"
    return ws


def _bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sector_xlsx(figures: SectorFigures, period: str) -> bytes:
    """One row per unit (with its sub-units), in the tree's order, and the sector's total."""
    from openpyxl import Workbook  # on the first export: openpyxl is large
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = _sheet(
        wb, _("Participation"), _("Self-assessment participation by unit, {period}").format(period=period),
        [_("Unit code"), _("Unit"), _("Level in the tree"), _("Members"), _("Expected (person-weeks)"),
         _("Self-assessed"), _("Skipped with a reason"), _("Rate (%)")],
        [14, 50, 10, 10, 14, 14, 14, 10],
    )
    for row in figures.units:
        t = row.tally
        ws.append([neutralise(row.unit.code), neutralise("  " * row.depth + row.unit.name), row.depth + 1, row.members,
                   t.expected, t.done, t.skipped, round(t.rate, 1)])
    t = figures.total
    ws.append([])
    ws.append(["", _("Whole sector"), "", figures.members, t.expected, t.done, t.skipped, round(t.rate, 1)])
    ws[ws.max_row][1].font = Font(bold=True)
    return _bytes(wb)


def _nomination_cells(row: NominationRow, timezone: str) -> list[object]:
    return [
        neutralise(row.unit_code), neutralise(row.unit_name), row.slot, kind_name(row.kind), neutralise(row.nominee),
        neutralise(row.achievement), row.nominated_at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M"),
        neutralise(row.nominated_by or _("(erased)")),
    ]


def _nomination_columns() -> list[str]:
    return [_("Unit code"), _("Unit"), _("Slot"), _("Collective or individual"), _("Nominee"), _("Achievements"),
            _("Nominated on"), _("Nominated by")]


def nominations_xlsx(r: Round, rows: Sequence[NominationRow], title: str, timezone: str) -> bytes:
    from openpyxl import Workbook  # on the first export: openpyxl is large
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = _sheet(wb, _("Nominations"), title, _nomination_columns(), [14, 40, 6, 14, 32, 80, 16, 28])
    for row in rows:
        ws.append(_nomination_cells(row, timezone))
        ws[ws.max_row][5].alignment = Alignment(wrap_text=True, vertical="top")
    return _bytes(wb)


def nominations_csv(rows: Sequence[NominationRow], timezone: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, dialect="excel")
    writer.writerow(_nomination_columns())
    for row in rows:
        writer.writerow(_nomination_cells(row, timezone))
    return (BOM + buf.getvalue()).encode("utf-8")

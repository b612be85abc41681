"""Administrators' exports: the sector's participation figures (XLSX) and a round's
nominations (XLSX and CSV). Column headings in the reader's language; text cells that a
spreadsheet would run as formulas are neutralised (CSV injection). The XLSX files print as
they are (bot.render.xlsx_layout): A4, one page wide, the header row on every page."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import _
from bot.render.csv_examples import BOM, neutralise
from bot.render.xlsx_layout import print_ready
from bot.services.figures import SectorFigures
from bot.services.nominations import NominationRow, Round
from storage.awards import NomineeKind


def kind_name(kind: NomineeKind | str) -> str:
    return _("Collective") if NomineeKind(kind) == NomineeKind.collective else _("Individual")


def _sheet(wb: Any, title: str, heading: str, columns: Sequence[str]):  # noqa: ANN202
    """The heading in row 1, the column headers in row 3 (the data from row 4)."""
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = title[:31]
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(columns))
    return ws


HEADER_ROW = 3


def _bytes(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sector_xlsx(figures: SectorFigures, period: str) -> bytes:
    """One row per unit (with its sub-units), in the tree's order, and the sector's total.
    Printed on A4 portrait, one page wide; the rate a percentage cell (0.712 shows 71.2%)."""
    from openpyxl import Workbook  # on the first export: openpyxl is large
    from openpyxl.styles import Font

    wb = Workbook()
    ws = _sheet(
        wb,
        _("Participation"),
        _("Self-assessment participation by unit, {period}").format(period=period),
        [
            _("Unit code"),
            _("Unit"),
            _("Level in the tree"),
            _("Members"),
            _("Expected (person-weeks)"),
            _("Self-assessed"),
            _("Skipped with a reason"),
            _("Rate"),
        ],
    )
    for row in figures.units:
        t = row.tally
        ws.append(
            [
                neutralise(row.unit.code),
                neutralise("  " * row.depth + row.unit.name),
                row.depth + 1,
                row.members,
                t.expected,
                t.done,
                t.skipped,
                round(t.rate / 100, 4),
            ]
        )
    t = figures.total
    ws.append([])
    ws.append(["", _("Whole sector"), "", figures.members, t.expected, t.done, t.skipped, round(t.rate / 100, 4)])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    print_ready(ws, header_row=HEADER_ROW, percent_columns=[8], widths=[11, 42, 8, 9, 12, 12, 12, 9], wrap_columns=[2])
    return _bytes(wb)


def split_nominee(row: NominationRow) -> tuple[str, str]:
    """(name, position or unit) for the printed list. A person is typed "Full name, position"
    (the bot asks for it so): the name before the first comma, the position after it, then
    the unit; a collective is named as typed, with its unit."""
    if NomineeKind(row.kind) == NomineeKind.individual and "," in row.nominee:
        name, position = (part.strip() for part in row.nominee.split(",", 1))
        if name and position:
            return name, f"{position}, {row.unit_name}"
    return row.nominee, row.unit_name


def nominations_xlsx(r: Round, rows: Sequence[NominationRow], title: str, timezone: str, award: str = "") -> bytes:
    """The round's list as the standing agency prints it: STT, name, position or unit,
    the proposed commendation (`award`, the campaign's §IV.2 certificate), then the
    achievements and who proposed it when. A4 landscape, one page wide."""
    from openpyxl import Workbook  # on the first export: openpyxl is large

    wb = Workbook()
    ws = _sheet(
        wb,
        _("Nominations"),
        title,
        [
            _("No."),
            _("Full name or collective"),
            _("Position or unit"),
            _("Collective or individual"),
            _("Proposed commendation"),
            _("Achievements"),
            _("Unit code"),
            _("Nominated on"),
            _("Nominated by"),
        ],
    )
    for n, row in enumerate(rows, start=1):
        name, where = split_nominee(row)
        ws.append(
            [
                n,
                neutralise(name),
                neutralise(where),
                kind_name(row.kind),
                neutralise(award),
                neutralise(row.achievement),
                neutralise(row.unit_code),
                row.nominated_at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M"),
                neutralise(row.nominated_by or _("(erased)")),
            ]
        )
    print_ready(
        ws,
        header_row=HEADER_ROW,
        landscape=True,
        widths=[6, 24, 28, 11, 24, 50, 9, 15, 18],
        wrap_columns=[2, 3, 5, 6, 9],
    )
    return _bytes(wb)


def _nomination_cells(row: NominationRow, timezone: str) -> list[object]:
    return [
        neutralise(row.unit_code),
        neutralise(row.unit_name),
        row.slot,
        kind_name(row.kind),
        neutralise(row.nominee),
        neutralise(row.achievement),
        row.nominated_at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M"),
        neutralise(row.nominated_by or _("(erased)")),
    ]


def _nomination_columns() -> list[str]:
    return [
        _("Unit code"),
        _("Unit"),
        _("Slot"),
        _("Collective or individual"),
        _("Nominee"),
        _("Achievements"),
        _("Nominated on"),
        _("Nominated by"),
    ]


def nominations_csv(rows: Sequence[NominationRow], timezone: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, dialect="excel")
    writer.writerow(_nomination_columns())
    for row in rows:
        writer.writerow(_nomination_cells(row, timezone))
    return (BOM + buf.getvalue()).encode("utf-8")

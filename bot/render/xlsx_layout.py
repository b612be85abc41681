"""Spreadsheets ready to print: one call makes an openpyxl worksheet print on A4, fitted to
the page's width, with its header row repeated on every page, styled and frozen, and its
percentage columns in a percentage number format.

Percentages are stored as fractions (0.712) and shown by the format (71.2%), so that a
spreadsheet sums, sorts and charts them as numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PERCENT = "0.0%"
"""The number format of a percentage cell (the value a fraction: 0.712 shows 71.2%)."""

HEADER_FILL = "D9D9D9"


def _column_letter(column: int | str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if isinstance(column, int) else column.upper()


def print_ready(
    ws: Any,
    *,
    header_row: int,
    landscape: bool = False,
    percent_columns: Iterable[int | str] = (),
    widths: Iterable[float] | None = None,
    wrap_columns: Iterable[int | str] = (),
) -> Any:
    """Make `ws` print-ready, after its rows are written.

    - A4, portrait or `landscape`, fitted to one page wide (as many pages tall as needed),
      narrow margins, centred horizontally, page numbers "1 / 3" in the footer;
    - row `header_row` (1-based) bold on a grey fill, wrapped, bordered, repeated at the top
      of every printed page and frozen on screen;
    - `percent_columns` (1-based numbers or letters) in the `PERCENT` format below the header;
    - `widths`, if given, the columns' widths in characters from column A;
    - `wrap_columns` wrapped and top-aligned below the header (long texts).

    Returns `ws`.
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.3
    ws.oddFooter.center.text = "&P / &N"
    ws.evenFooter.center.text = "&P / &N"

    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate

    thin = Side(style="thin", color="808080")
    for cell in ws[header_row]:
        if cell.value is None:
            continue
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)

    if widths is not None:
        for n, width in enumerate(widths, start=1):
            ws.column_dimensions[_column_letter(n)].width = width

    first = header_row + 1
    for column in percent_columns:
        for (cell,) in ws[f"{_column_letter(column)}{first}:{_column_letter(column)}{max(ws.max_row, first)}"]:
            cell.number_format = PERCENT
    for column in wrap_columns:
        for (cell,) in ws[f"{_column_letter(column)}{first}:{_column_letter(column)}{max(ws.max_row, first)}"]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return ws

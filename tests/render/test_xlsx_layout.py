"""bot.render.xlsx_layout: a worksheet prints on A4, one page wide, its header on every page."""

from __future__ import annotations

import io

import openpyxl
from openpyxl import Workbook

from bot.render.xlsx_layout import PERCENT, print_ready


def reopen(wb: Workbook) -> openpyxl.worksheet.worksheet.Worksheet:
    out = io.BytesIO()
    wb.save(out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())).active


def assert_print_ready(ws, *, header_row: int, landscape: bool) -> None:  # noqa: ANN001
    """What a person printing the file gets (shared with the exports' tests)."""
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == f"{header_row}:{header_row}"
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert all(c.font.b for c in ws[header_row] if c.value is not None)


def test_print_ready_sets_a4_fit_to_width_repeated_header_and_percent_format() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Tỷ lệ tự đánh giá theo đơn vị"])
    ws.append([])
    ws.append(["Đơn vị", "Số người", "Tỷ lệ"])
    ws.append(["Văn phòng Bộ", 12, 0.712])
    ws.append(["Sở Tài nguyên và Môi trường Hà Nội", 40, 1.0])
    print_ready(ws, header_row=3, landscape=True, percent_columns=["C"], widths=[40, 10, 10], wrap_columns=[1])

    back = reopen(wb)
    assert_print_ready(back, header_row=3, landscape=True)
    assert [c.number_format for c in back["C"][3:]] == [PERCENT, PERCENT]
    assert back["C3"].number_format == "General", "the header is text, not a percentage"
    assert back["B4"].number_format == "General"
    assert back.column_dimensions["A"].width == 40
    assert back["A4"].alignment.wrap_text
    assert back.oddFooter.center.text == "&P / &N"


def test_print_ready_portrait_by_default_and_column_numbers() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tỷ lệ"])
    ws.append([1, 0.5])
    print_ready(ws, header_row=1, percent_columns=[2])
    back = reopen(wb)
    assert_print_ready(back, header_row=1, landscape=False)
    assert back["B2"].number_format == PERCENT

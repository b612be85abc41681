"""Every XLSX the bot sends prints as it is: A4, one page wide, the header row on every
page, percentages as percentages, headers in the reader's language; the nominations list
as the standing agency files it (STT, name, position or unit, proposed commendation)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from bot.i18n import use_locale
from bot.render.admin_exports import nominations_xlsx, sector_xlsx
from bot.render.xlsx_layout import PERCENT
from bot.services.figures import SectorFigures, Tally, UnitTally
from bot.services.nominations import NominationRow, Round
from storage.awards import NomineeKind
from storage.models import Unit
from tests.render.test_xlsx_layout import assert_print_ready

WHEN = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
AWARD = "Bằng khen của Bộ trưởng Bộ Tài nguyên và Môi trường"


def figures() -> SectorFigures:
    vp = Unit(id=1, code="VP", name="Văn phòng Bộ", created_at=WHEN)
    so = Unit(id=2, code="SO-HN", name="Sở Tài nguyên và Môi trường Hà Nội", created_at=WHEN)
    units = [UnitTally(vp, 0, 12, Tally(48, 34, 2)), UnitTally(so, 0, 3, Tally(12, 12, 0))]
    return SectorFigures(weeks=[202645, 202646, 202647, 202648], total=Tally(60, 46, 2), members=15, units=units)


def nomination(slot: int, kind: NomineeKind, nominee: str) -> NominationRow:
    return NominationRow(
        round_key="annual@2026",
        unit_code="VP",
        unit_name="Văn phòng Bộ",
        slot=slot,
        kind=kind,
        nominee=nominee,
        achievement="Hoàn thành xuất sắc nhiệm vụ; số hoá 100% hồ sơ một cửa.",
        nominated_at=WHEN,
        nominated_by="Lãnh Đạo Một",
    )


ROUND = Round(
    key="annual@2026",
    title_vi="Khen thưởng năm 2026",
    title_en="Awards 2026",
    year=2026,
    opens_on=date(2026, 1, 1),
    closes_on=date(2026, 12, 31),
    quota=2,
)


def sheet(data: bytes):  # noqa: ANN201
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize(
    ("locale", "headers"),
    [
        ("vi", ["Mã đơn vị", "Đơn vị", "Số người", "Tỷ lệ"]),
        ("en", ["Unit code", "Unit", "Members", "Rate"]),
    ],
)
def test_sector_xlsx_prints_on_a4_with_rates_as_percentages(locale: str, headers: list[str]) -> None:
    with use_locale(locale):
        ws = sheet(sector_xlsx(figures(), "2026"))
    assert_print_ready(ws, header_row=3, landscape=False)
    header = [c.value for c in ws[3]]
    assert [header[0], header[1], header[3], header[7]] == headers
    assert not any("(%)" in h for h in header), "the format says it is a percentage"
    rates = {
        ws.cell(row=r, column=1).value or ws.cell(row=r, column=2).value: ws.cell(row=r, column=8)
        for r in range(4, ws.max_row + 1)
        if ws.cell(row=r, column=8).value is not None
    }
    assert rates["VP"].value == pytest.approx(34 / 48, abs=1e-4) and rates["VP"].number_format == PERCENT
    assert rates["SO-HN"].value == 1.0
    total = rates["Toàn ngành" if locale == "vi" else "Whole sector"]
    assert total.value == pytest.approx(46 / 60, abs=1e-4) and total.number_format == PERCENT and total.font.b


@pytest.mark.parametrize(
    ("locale", "headers", "kinds"),
    [
        (
            "vi",
            [
                "STT",
                "Họ và tên cá nhân, tên tập thể",
                "Chức vụ, đơn vị công tác",
                "Tập thể hay cá nhân",
                "Hình thức khen thưởng đề nghị",
            ],
            ["Cá nhân", "Tập thể"],
        ),
        (
            "en",
            ["No.", "Full name or collective", "Position or unit", "Collective or individual", "Proposed commendation"],
            ["Individual", "Collective"],
        ),
    ],
)
def test_nominations_xlsx_is_the_list_the_standing_agency_files(
    locale: str, headers: list[str], kinds: list[str]
) -> None:
    rows = [
        nomination(1, NomineeKind.individual, "Nguyễn Thị Lan, Chuyên viên chính"),
        nomination(2, NomineeKind.collective, "Phòng Tổng hợp"),
    ]
    with use_locale(locale):
        ws = sheet(nominations_xlsx(ROUND, rows, "Đề nghị khen thưởng năm 2026", "Asia/Ho_Chi_Minh", AWARD))
    assert_print_ready(ws, header_row=3, landscape=True)
    assert ws["A1"].value == "Đề nghị khen thưởng năm 2026"
    assert [c.value for c in ws[3]][:5] == headers
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [v[:5] for v in values] == [
        [1, "Nguyễn Thị Lan", "Chuyên viên chính, Văn phòng Bộ", kinds[0], AWARD],
        [2, "Phòng Tổng hợp", "Văn phòng Bộ", kinds[1], AWARD],
    ]
    assert values[0][5].startswith("Hoàn thành xuất sắc") and values[0][6:] == [
        "VP",
        "24/11/2026 10:00",
        "Lãnh Đạo Một",
    ]
    assert ws["F4"].alignment.wrap_text, "long achievements wrap inside the page's width"


def test_nominations_xlsx_neutralises_formulas_in_every_typed_cell() -> None:
    rows = [nomination(1, NomineeKind.individual, '=HYPERLINK("x"), =1+1')]
    ws = sheet(nominations_xlsx(ROUND, rows, "t", "Asia/Ho_Chi_Minh", AWARD))
    assert ws["B4"].value == '\'=HYPERLINK("x")' and ws["C4"].value == "'=1+1, Văn phòng Bộ"
    assert ws["B4"].data_type == "s"

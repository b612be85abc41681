"""What a Decree 30/2020 document must be, checked on a python-docx Document: every DOCX
of the bot passes these (the report, the consolidated report, the dossiers, the good
examples)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import ImageFont

from bot.render.decree30 import FONT, MOTTO, NATIONAL_TITLE

# Liberation Serif has the metrics of Times New Roman (the same advance widths, by
# design), so a width measured with it is the width Word gives the text in Times.
_FONTS = Path("/usr/share/fonts/truetype/liberation2")
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(data: bytes):  # noqa: ANN201
    return docx.Document(io.BytesIO(data))


def text_width_twips(text: str, size_pt: float, *, bold: bool) -> float:
    path = _FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf"
    if not path.exists():
        path = Path("/usr/share/fonts/truetype/liberation") / path.name
    font = ImageFont.truetype(str(path), 1000)
    return font.getlength(text) / 1000 * size_pt * 20  # points → twips


def all_text(document) -> str:  # noqa: ANN001
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def check_page(document) -> None:  # noqa: ANN001
    """A4; margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm."""
    s = document.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.5) and abs(s.page_height - Mm(297)) < Mm(0.5)
    assert Mm(20) <= s.top_margin <= Mm(25) and Mm(20) <= s.bottom_margin <= Mm(25)
    assert Mm(30) <= s.left_margin <= Mm(35) and Mm(15) <= s.right_margin <= Mm(20)


def check_fonts(document) -> None:  # noqa: ANN001
    """Times New Roman for every script, in the defaults, every style and every run; no
    theme font or theme colour anywhere; every colour black."""
    parts = [document.styles.element, document.element]
    for section in document.sections:
        parts += [section.header._element, section.first_page_header._element]
    for root in parts:
        for fonts in root.iter(qn("w:rFonts")):
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                assert fonts.get(qn(attr)) is None, f"theme font {attr} left in {fonts.getparent().getparent().tag}"
        for color in root.iter(qn("w:color")):
            assert color.get(qn("w:themeColor")) is None
            assert color.get(qn("w:val")) in ("000000", "auto")
    defaults = document.styles.element.find(qn("w:docDefaults")).find(
        f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert {defaults.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {FONT}
    for style in document.styles:
        rpr = style.element.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None:
            assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {FONT}, style.name
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    named = {r.font.name for r in runs if r.text.strip()}
    assert named == {FONT}
    for r in runs:
        if r.text.strip():
            fonts = r._element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) == FONT and fonts.get(qn("w:cs")) == FONT


def check_heading_on_one_line(document) -> None:  # noqa: ANN001
    """The national heading and the motto fit their cell on one line in Word, LibreOffice
    and WPS: the table's layout is fixed, and its grid, cell widths and table width agree
    (the three places those programs read the width from); the text at its size, measured
    with Times New Roman's metrics, is narrower than the cell less its margins."""
    table = document.tables[0]
    tbl = table._tbl
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    for row in table.rows:
        assert [int(c._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for c in row.cells] == grid
    tblw = tbl.tblPr.find(qn("w:tblW"))
    assert tblw.get(qn("w:type")) == "dxa" and int(tblw.get(qn("w:w"))) == sum(grid)
    text_area = (
        document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    ) / 635  # EMU → twips
    assert sum(grid) <= text_area + 1
    right = table.cell(0, 1)
    usable = grid[1] - 2 * 108  # Word's default cell margins, 0.19 cm each side
    national, motto = right.paragraphs[0], right.paragraphs[1]
    assert national.text == NATIONAL_TITLE and motto.text == MOTTO
    for p in (national, motto):
        run = p.runs[0]
        assert run.bold and Pt(12) <= run.font.size <= Pt(14)
        indent = (p.paragraph_format.left_indent or 0) / 635 + (p.paragraph_format.right_indent or 0) / 635
        assert text_width_twips(p.text, run.font.size.pt, bold=True) < usable - indent, p.text
        assert "\n" not in p.text
    assert national.runs[0].font.size <= Pt(13) and motto.runs[0].font.size >= Pt(13)


def check_page_number(document) -> None:  # noqa: ANN001
    """A PAGE field centred in the header from page 2: the first page's header is empty."""
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header = section.header._element
    instr = "".join(t.text or "" for t in header.iter(qn("w:instrText")))
    assert instr.strip() == "PAGE"
    assert [f.get(qn("w:fldCharType")) for f in header.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
    assert section.header.paragraphs[0].alignment == 1  # centre
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText"))) and not "".join(t.text or "" for t in first.iter(qn("w:t"))).strip()


def check_decree30(data: bytes):  # noqa: ANN201
    document = open_docx(data)
    check_page(document)
    check_fonts(document)
    check_heading_on_one_line(document)
    check_page_number(document)
    return document


def look(data: bytes, name: str) -> list[Path]:
    """The document as a person sees it: PDF by LibreOffice, then PNGs (60 dpi) in
    test-artifacts/docx/, when DOCX_LOOK=1 and LibreOffice is installed (slow: on demand)."""
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "docx"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.docx").write_bytes(data)
    office = "/usr/bin/libreoffice"
    if os.environ.get("DOCX_LOOK") != "1" or not os.path.exists(office) or not os.path.exists("/usr/bin/pdftoppm"):
        return []
    try:
        subprocess.run(
            [office, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(out / f"{name}.docx")],
            check=True,
            capture_output=True,
            timeout=180,
        )
        subprocess.run(
            ["/usr/bin/pdftoppm", "-png", "-r", "60", str(out / f"{name}.pdf"), str(out / name)],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.SubprocessError, OSError):
        return []
    return sorted(out.glob(f"{name}*.png"))

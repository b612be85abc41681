"""One builder for every Word document the bot makes, in the layout of Decree
30/2020/NĐ-CP on administrative documents (Appendix I).

- Paper A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm.
- Times New Roman everywhere, black: the document's defaults, every style python-docx's
  template carries (headings, captions, tables) and every run name the font for Latin,
  East Asian and complex scripts, and the theme's font and colour references are removed,
  so Word, LibreOffice and WPS draw no Calibri/Cambria and no blue.
- The heading block is a two-column table with a fixed layout, whose grid columns, cell
  widths and table width agree: the parent body (upper case) over the issuing body (upper
  case, bold) with a short rule and "Số: …/BC-XXX" on the left; the national heading
  (12 pt bold, one line in a 10 cm column) and the motto (13 pt bold, with a rule of its
  length) and the place and date (italic) on the right.
- The title (kind of document, bold capitals) and its summary line (trích yếu, bold) with
  a short rule under it; "Kính gửi: …" for a report sent upward.
- Body 14 pt, justified, first line indented 1.27 cm, 6 pt after, line spacing 1.15.
- "Nơi nhận:" (12 pt bold italic) with its list (11 pt, "- …;", the last "- Lưu: VT, X.")
  beside the signature block: the authority (TM., KT., TL.) and the title in capitals,
  bold; a space for the signature; the name in bold.
- Page numbers: a PAGE field, centred in the header, 13 pt, from page 2 (the section has
  a different first page, whose header is empty).

The wording of a document is Vietnamese whatever the reader's language (Decree 30,
Article 8), so the modules that fill it keep their text as templates, not in the catalogs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
HEAD_PT = 13  # parent and issuing body, the number line, the motto
NATIONAL_PT = 12  # the national heading: one line in its column at 12 pt (see RIGHT_COL)
PAGE_NO_PT = 13
PAGE_W, PAGE_H = Mm(210), Mm(297)
# Word keeps margins in twips: 15 mm is 850.4 of them, so the right margin is rounded up.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Twips(851)
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 16.5 cm
# The heading table's columns, in twips so grid, cells and table width agree exactly:
# 3742 + 5612 = 9354 twips = 16.5 cm. The right column leaves 5612 - 2 × 108 (Word's
# default cell margins) = 5396 twips = 9.52 cm for the national heading, which is
# 8.77 cm wide at 12 pt bold in Times New Roman (and in its metric twin Liberation
# Serif, which LibreOffice uses when Times is missing): one line, with room to spare.
# The left column's names are broken by hand into balanced lines (LEFT_CHARS).
LEFT_COL, RIGHT_COL = Twips(3742), Twips(5612)
# Capital letters average 0.27 cm at 13 pt (0.29 cm bold): about 21 of them fit the left
# column's 6.22 cm between its cell margins.
LEFT_CHARS = 21
CELL_MARGIN = Twips(108)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FIRST_LINE = Cm(1.27)
LINE_SPACING = 1.15
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THEME_COLOR_ATTRS = ("w:themeColor", "w:themeShade", "w:themeTint")


def clean(value: str | None) -> str:
    """Word's XML cannot hold control characters; everything else is kept verbatim."""
    return _NOT_XML.sub("", value or "")


def vn_date(d: date) -> str:
    """'ngày 05 tháng 12 năm 2026': days under 10 and the months 1 and 2 with a leading 0
    (Decree 30, Appendix I, the place and date)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_and_date(place: str | None, on: date | None, year: int) -> str:
    where = clean(place).strip() or "…"
    return f"{where}, {vn_date(on)}" if on else f"{where}, ngày … tháng … năm {year}"


def number_line(kind_code: str, unit_code: str | None) -> str:
    """'Số: …/BC-STNMT': the number is given by the document system when it is issued."""
    code = re.sub(r"[^0-9A-ZĐ&.-]", "", (unit_code or "").upper()) or "…"
    return f"Số: …/{kind_code}-{code}"


def balanced_lines(text: str, max_chars: int = 21) -> list[str]:
    """A name too long for its column, broken at spaces into the fewest lines of about
    equal length ("BỘ NÔNG NGHIỆP" / "VÀ MÔI TRƯỜNG"), as an official would break it,
    rather than leaving a lone word on the last line."""
    words = text.split()
    if not words or len(text) <= max_chars:
        return [text]
    n = max(2, -(-len(text) // max_chars))
    best: list[str] | None = None
    best_width = 10**9

    def split(rest: list[str], k: int) -> list[list[str]]:
        if k == 1:
            return [[" ".join(rest)]]
        out = []
        for i in range(1, len(rest) - k + 2):
            for tail in split(rest[i:], k - 1):
                out.append([" ".join(rest[:i]), *tail])
        return out

    while best is None and n <= len(words):
        if len(words) > 14:  # a very long name: greedy lines are good enough
            lines, line = [], ""
            for w in words:
                if line and len(line) + 1 + len(w) > max_chars:
                    lines.append(line)
                    line = w
                else:
                    line = f"{line} {w}".strip()
            return [*lines, line]
        for cand in split(words, n):
            width = max(len(c) for c in cand)
            if width < best_width:
                best, best_width = cand, width
        if best_width > max_chars and n < len(words):
            best, best_width = None, 10**9  # a line would still wrap: one line more
        n += 1
    return best or [text]


def pct(n: float, digits: int = 1) -> str:
    """Vietnamese writes a decimal comma: 75,0%."""
    return f"{n:.{digits}f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class Heading:
    """The heading block (Appendix I, items 1–5)."""

    parent_body: str  # cơ quan, tổ chức chủ quản: upper case, not bold
    issuing_body: str  # the issuing body: upper case, bold
    number: str | None  # "Số: …/BC-STNMT"; None for a document without a number
    place_date: str  # "Hà Nội, ngày 05 tháng 12 năm 2026"


@dataclass(frozen=True)
class Signature:
    """The signer: the authority line (TM., KT., TL., TUQ., Q.) when someone signs on the
    head's behalf, the signer's title and name."""

    title: str
    name: str
    authority: str | None = None


def _fonts(rpr) -> None:  # noqa: ANN001 - a w:rPr element
    """Name the font for every script and drop the theme's font and colour references."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for color in rpr.findall(qn("w:color")):
        for attr in _THEME_COLOR_ATTRS:
            color.attrib.pop(qn(attr), None)
        color.set(qn("w:val"), "000000")


def _lang(rpr) -> None:  # noqa: ANN001
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def set_run(run, size: float, *, bold: bool = False, italic: bool = False) -> None:  # noqa: ANN001
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _fonts(run._element.get_or_add_rPr())


def bottom_rule(p: Paragraph) -> None:
    """A single black line under the paragraph (the rules under the motto, the issuing
    body and the summary line)."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _tight(p: Paragraph, *, before: float = 0, after: float = 0, spacing: float = 1.0) -> Paragraph:
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = spacing
    fmt.first_line_indent = Emu(0)
    return p


def fix_table(table: Table, widths: Sequence[int]) -> None:
    """A fixed layout whose grid columns, cell widths and table width agree, in twips: the
    three places Word, LibreOffice and WPS each read the width from."""
    table.autofit = False  # w:tblLayout w:type="fixed"
    tbl = table._tbl
    tblpr = tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(int(sum(Emu(w).twips for w in widths))))
    tblw.set(qn("w:type"), "dxa")
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(int(Emu(width).twips))


def _borders(table: Table, on: bool) -> None:
    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


class Decree30Document:
    """A document in the Decree 30 layout, built part by part, then `to_bytes()`."""

    def __init__(self, *, title: str = "", author: str = "") -> None:
        self.doc = Document()
        self._setup()
        self.doc.core_properties.title = clean(title)
        self.doc.core_properties.author = clean(author)
        self._first = True  # the document's first paragraph is still the template's empty one

    # -- page, styles, page numbers -------------------------------------------------------

    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_W, PAGE_H
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        section.header_distance, section.footer_distance = Mm(10), Mm(10)
        styles = self.doc.styles.element
        # The document defaults (w:docDefaults) and every style: Times New Roman, black.
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                _fonts(rpr)
                _lang(rpr)
        for style in styles.findall(qn("w:style")):
            if style.find(qn("w:rPr")) is None and style.get(qn("w:type")) in ("paragraph", "character"):
                style.append(OxmlElement("w:rPr"))
        for rpr in styles.iter(qn("w:rPr")):  # styles, and the table styles' conditional parts
            _fonts(rpr)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        # The page number: from page 2, top centre (a different first page, its header empty).
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _tight(p)
        self._page_field(p)
        section.first_page_header.is_linked_to_previous = False

    @staticmethod
    def _page_field(p: Paragraph) -> None:
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            run = p.add_run()
            set_run(run, PAGE_NO_PT)
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            elif text:
                run.text = text  # the last computed value, replaced when the viewer lays out

    # -- paragraphs ---------------------------------------------------------------------------

    def _new(self, container=None) -> Paragraph:  # noqa: ANN001
        if container is None and self._first:
            self._first = False
            body = self.doc.paragraphs
            if body:
                return body[0]
        return (container or self.doc).add_paragraph()

    def paragraph(
        self,
        text: str = "",
        *,
        size: float = BODY_PT,
        bold: bool = False,
        italic: bool = False,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
        before: float = 0,
        after: float = 6,
        container=None,
        keep_with_next: bool = False,
    ) -> Paragraph:  # noqa: ANN001
        """A body paragraph: 14 pt, justified, first line indented 1.27 cm, 6 pt after."""
        p = self._new(container)
        if text:
            set_run(p.add_run(clean(text)), size, bold=bold, italic=italic)
        p.alignment = align
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = LINE_SPACING
        fmt.first_line_indent = FIRST_LINE if indent else Emu(0)
        if keep_with_next:
            fmt.keep_with_next = True
        return p

    def rich(
        self, parts: Iterable[tuple[str, bool]], *, size: float = BODY_PT, indent: bool = True, after: float = 6
    ) -> Paragraph:
        """A body paragraph of (text, bold) runs: "Về ai: " in bold, then the value."""
        p = self.paragraph("", size=size, indent=indent, after=after)
        for text, bold in parts:
            if text:
                set_run(p.add_run(clean(text)), size, bold=bold)
        return p

    def section(self, text: str, *, before: float = 6, indent: bool = True) -> Paragraph:
        """A part heading: "I. …" in bold capitals, or "1. …" in bold."""
        return self.paragraph(text, bold=True, before=before, keep_with_next=True, indent=indent)

    def bullets(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.paragraph(f"- {line}")

    def page_break(self) -> None:
        p = self._new()
        _tight(p)
        p.add_run().add_break(WD_BREAK.PAGE)

    # -- the heading block, title, recipients -------------------------------------------------

    def _cell(
        self,
        cell,
        text: str,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,  # noqa: ANN001
        first: bool = False,
        lines: list[str] | None = None,
    ) -> Paragraph:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        for i, line in enumerate(lines or [text]):
            if not line:
                continue
            run = p.add_run(clean(line))
            set_run(run, size, bold=bold, italic=italic)
            if i:
                run._r.insert(1, OxmlElement("w:br"))  # a line break before this line's text
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return _tight(p)

    @staticmethod
    def _narrow(p: Paragraph, cell_width: int, text_width: int) -> None:
        """Indent a centred paragraph so its rule is about `text_width` long."""
        side = max(0, int((cell_width - 2 * CELL_MARGIN - text_width) / 2))
        p.paragraph_format.left_indent = Emu(side)
        p.paragraph_format.right_indent = Emu(side)

    def heading(self, h: Heading) -> Table:
        """The two-column heading block; returns the table (tests read it)."""
        self._first = False
        body = self.doc.paragraphs
        table = self.doc.add_table(rows=2, cols=2)
        if body and not body[0].text and not body[0].runs:  # the template's empty first paragraph
            body[0]._p.getparent().remove(body[0]._p)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        fix_table(table, (LEFT_COL, RIGHT_COL))
        _borders(table, False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        parent, issuing = h.parent_body.upper(), h.issuing_body.upper()
        self._cell(left, parent, HEAD_PT, first=True, lines=balanced_lines(parent, LEFT_CHARS))
        self._cell(left, issuing, HEAD_PT, bold=True, lines=balanced_lines(issuing, LEFT_CHARS - 1))
        # A rule of a third to a half of the line under the issuing body, on a paragraph of
        # its own so the name above keeps the column's full width.
        rule = self._cell(left, "", 2)
        self._narrow(rule, LEFT_COL, Cm(2.2))
        bottom_rule(rule)
        self._cell(right, NATIONAL_TITLE, NATIONAL_PT, bold=True, first=True)
        motto = self._cell(right, MOTTO, HEAD_PT, bold=True)
        self._narrow(motto, RIGHT_COL, Cm(5.7))  # the motto is 5.6 cm wide at 13 pt bold
        bottom_rule(motto)
        number = self._cell(table.cell(1, 0), h.number or "", HEAD_PT, first=True)
        number.paragraph_format.space_before = Pt(6)
        when = self._cell(table.cell(1, 1), h.place_date, BODY_PT, italic=True, first=True)
        when.paragraph_format.space_before = Pt(6)
        return table

    def title(self, kind: str, summary: str | None = None) -> None:
        """ "BÁO CÁO" and its summary line (trích yếu), bold and centred, a short rule under."""
        self.paragraph(
            kind.upper(),
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            indent=False,
            before=18,
            after=0,
            keep_with_next=True,
        )
        if summary:
            p = self.paragraph(
                summary, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0, keep_with_next=True
            )
            p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(1)
        rule = self.paragraph("", size=2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
        _tight(rule, after=12)
        rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(6.25)
        bottom_rule(rule)

    def to_whom(self, recipients: Sequence[str]) -> None:
        """ "Kính gửi: …" centred, one line per recipient when there are several."""
        if len(recipients) == 1:
            self.paragraph(f"Kính gửi: {recipients[0]}.", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
            return
        self.paragraph("Kính gửi:", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
        for i, r in enumerate(recipients):
            end = "." if i == len(recipients) - 1 else ";"
            p = self.paragraph(
                f"- {r}{end}", align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=12 if end == "." else 0
            )
            p.paragraph_format.left_indent = Cm(4.5)

    # -- tables -------------------------------------------------------------------------------

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[int],
        *,
        left: Sequence[int] = (1,),
        size: float = 12,
        bold_last: bool = False,
    ) -> Table:
        """A ruled table: bold centred headers repeated on each page, cells 12 pt;
        `left` columns are left-aligned, the rest centred."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _borders(table, True)
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, text, size, bold=True, first=True)
        trpr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        for n, values in enumerate(rows):
            cells = table.add_row().cells
            last = bold_last and n == len(rows) - 1
            for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
                p = self._cell(cell, str(text), size, bold=last, first=True)
                if i in left:
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fix_table(table, widths)
        self.paragraph("", size=6, after=0, indent=False)
        return table

    # -- a picture ------------------------------------------------------------------------------

    def picture(self, data: bytes, caption: str | None = None, *, max_height: int = Cm(12)) -> None:
        """A photo sized to the page (full text width, or less so it is at most
        `max_height` tall), centred, with its caption in the document's font."""
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
        width = int(TEXT_WIDTH)
        if w and h and width * h / w > max_height:
            width = int(max_height * w / h)
        p = self._new()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _tight(p, before=6)
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(data), width=Emu(width))
        if caption:
            self.caption(caption)

    def caption(self, text: str) -> Paragraph:
        p = self.paragraph(text, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=6)
        return p

    # -- recipients and signature -----------------------------------------------------------------

    def closing(self, recipients: Sequence[str], filing_unit: str, signature: Signature | None) -> Table:
        """ "Nơi nhận:" with its list, and the signature block, side by side."""
        self.paragraph("", after=0, indent=False)
        table = self.doc.add_table(rows=1, cols=2)
        fix_table(table, (Twips(4252), Twips(5102)))  # 7.5 cm + 9 cm = 16.5 cm
        _borders(table, False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        p = left.paragraphs[0]
        set_run(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
        _tight(p)
        lines = [f"- {r};" for r in recipients] + [f"- Lưu: VT, {filing_unit}."]
        for line in lines:
            q = left.add_paragraph()
            set_run(q.add_run(clean(line)), 11)
            _tight(q)
        if signature is not None:
            first = True
            if signature.authority:
                self._cell(right, signature.authority.upper(), BODY_PT, bold=True, first=True)
                first = False
            self._cell(right, signature.title.upper(), BODY_PT, bold=True, first=first)
            for _ in range(4):
                self._cell(right, "", BODY_PT)
            self._cell(right, signature.name or "", BODY_PT, bold=True)
        return table

    # -- out ---------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        # Any run added without set_run (a picture's run) still has no theme font.
        for rpr in self.doc.element.body.iter(qn("w:rPr")):
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                for attr in _THEME_FONT_ATTRS:
                    fonts.attrib.pop(qn(attr), None)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


__all__ = [
    "BODY_PT",
    "FONT",
    "LEFT_COL",
    "MOTTO",
    "NATIONAL_PT",
    "NATIONAL_TITLE",
    "RIGHT_COL",
    "TEXT_WIDTH",
    "Decree30Document",
    "Heading",
    "Signature",
    "clean",
    "number_line",
    "pct",
    "place_and_date",
    "vn_date",
]

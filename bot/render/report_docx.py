"""The annual report draft (plan §VI.1) as a Word document in the layout of Decree
30/2020/NĐ-CP on administrative documents (Appendix I), ready to edit and sign.

The document is in Vietnamese whatever the leader's language: an administrative document
is written in Vietnamese (Decree 30/2020/NĐ-CP, Article 8), so its wording lives here, as
a template, rather than in the interface catalogs.

Layout (Appendix I): A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm;
Times New Roman; the governing body (upper case) over the issuing body (upper case, bold)
with a short rule under it, beside the national title (upper case, bold) and the motto
"Độc lập - Tự do - Hạnh phúc" (bold) with a rule of its length; the number "Số: …/BC-…"
under the issuing body and the place and date (italic) under the motto; the document type
"BÁO CÁO" and its summary, bold and centred; the body at 14 pt, justified, first lines
indented; "Nơi nhận:" (bold italic, 12 pt) with its list (11 pt) on the left and the
signer's title (upper case, bold) on the right.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from bot.render.docx_examples import _text
from bot.services.examples import ExampleRow
from bot.services.reports import AnnualReport
from storage.awards import NomineeKind
from storage.examples import ExampleCategory, ExampleSubject
from storage.models import Level

FONT = "Times New Roman"
BODY_PT = 14
HEAD_PT = 13
PAGE_W, PAGE_H = Mm(210), Mm(297)
# Word keeps margins in twips: 15 mm is 850.4 of them, so the right margin is rounded up.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Twips(851)
LEFT_COL, RIGHT_COL = Cm(6.3), Cm(10.2)  # together the 16.5 cm between the margins
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNER = "THỦ TRƯỞNG ĐƠN VỊ"
STORY_CHARS = 400

CATEGORY_VI = {
    ExampleCategory.advanced: "Điển hình tiên tiến",
    ExampleCategory.good_deed: "Gương người tốt, việc tốt",
    ExampleCategory.initiative: "Sáng kiến, giải pháp",
    ExampleCategory.new_model: "Mô hình hay, cách làm mới",
}
KIND_VI = {NomineeKind.collective: "Tập thể", NomineeKind.individual: "Cá nhân"}


def _pct(n: float) -> str:
    return f"{n:.1f}".replace(".", ",") + "%"  # Vietnamese writes a decimal comma


def _vn_date(d) -> str:  # noqa: ANN001
    return d.strftime("%d/%m/%Y")


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:  # noqa: ANN001
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _para(container, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,  # noqa: ANN001
          align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, before: float = 0,
          after: float = 6) -> Paragraph:
    p = container.add_paragraph()
    if text:
        _font(p.add_run(_text(text)), size, bold=bold, italic=italic)
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Cm(1.0)
    return p


def _rule(p: Paragraph) -> None:
    """A single line under the paragraph (the rules under the motto and the issuing body)."""
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _cell_para(cell, text: str, size: float, *, bold: bool = False, italic: bool = False, first: bool = False) -> Paragraph:  # noqa: ANN001
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    _font(p.add_run(_text(text)), size, bold=bold, italic=italic)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    return p


def _narrow(p: Paragraph, cell_width, text_width) -> None:  # noqa: ANN001
    """Indent a centred paragraph so its rule is about as long as `text_width`."""
    side = max(0, int((cell_width - text_width) / 2))
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side


def _setup(doc) -> None:  # noqa: ANN001
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _header(doc, r: AnnualReport) -> None:  # noqa: ANN001
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = LEFT_COL, RIGHT_COL
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_para(left, r.governing_body.upper(), HEAD_PT, first=True)
    _cell_para(left, r.unit.name.upper(), HEAD_PT, bold=True)
    # Appendix I: a rule of a third to a half of the line under the issuing body, on a
    # paragraph of its own so the name above keeps the column's full width.
    rule = _cell_para(left, "", 4)
    _narrow(rule, LEFT_COL, Cm(2.4))
    _rule(rule)
    _cell_para(right, NATIONAL_TITLE, 12, bold=True, first=True)
    motto = _cell_para(right, MOTTO, HEAD_PT, bold=True)
    _narrow(motto, RIGHT_COL, Cm(6.4))
    _rule(motto)
    code = re.sub(r"[^0-9A-Za-zĐđ.-]", "", r.unit.code.upper()) or "…"
    _cell_para(table.cell(1, 0), f"Số: …/BC-{code}", HEAD_PT, first=True)
    _cell_para(table.cell(1, 1), f"…, ngày … tháng … năm {r.prepared_on.year}", BODY_PT, italic=True, first=True)


def _campaign_name(r: AnnualReport) -> str:
    """The campaign's title without its period ("giai đoạn 2019 - 2025"): the report is one year's."""
    return re.sub(r"\s+giai đoạn\s+\d{4}\s*[-–]\s*\d{4}\s*$", "", r.campaign.title.vi)


def _title(doc, r: AnnualReport) -> None:  # noqa: ANN001
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    summary = _para(doc, f"Kết quả thực hiện {_campaign_name(r)} năm {r.year}", bold=True,
                    align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    summary.paragraph_format.left_indent = summary.paragraph_format.right_indent = Cm(1)
    rule = _para(doc, "", size=4, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(6)
    _rule(rule)


def _about(row: ExampleRow) -> str:
    if not row.consent_names:
        return "(không nêu tên theo đề nghị của người gửi)"
    if row.subject == ExampleSubject.myself:
        return row.submitter_name or "(người gửi đã xóa dữ liệu)"
    return row.subject_name or "—"


def _shares_table(doc, r: AnnualReport) -> None:  # noqa: ANN001
    shares = r.figures.shares or {}
    groups = [g for g in r.campaign.individual_criteria if g.code in shares and shares[g.code].total]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("TT", "Nhóm tiêu chuẩn (mục IV.1.2)", "Tốt", "Đạt", "Chưa đạt"), strict=True):
        _cell_para(cell, text, 12, bold=True, first=True)
    for n, g in enumerate(groups, start=1):
        s = shares[g.code]
        cells = table.add_row().cells
        values = (str(n), f"{g.code}) {g.short.vi}", _pct(s.pct(Level.good)), _pct(s.pct(Level.ok)), _pct(s.pct(Level.not_met)))
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            p = _cell_para(cell, text, 12, first=True)
            if i == 1:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    widths = (Cm(1.0), Cm(8.0), Cm(2.4), Cm(2.4), Cm(2.6))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _bullets(doc, lines: Iterable[str]) -> None:  # noqa: ANN001
    for line in lines:
        _para(doc, f"- {line}", indent=True)


def _body(doc, r: AnnualReport) -> None:  # noqa: ANN001
    f, t = r.figures, r.figures.tally
    unit = r.unit.name
    _para(doc, (
        f"Thực hiện Kế hoạch ban hành kèm theo Quyết định số {r.campaign.code} ngày {_vn_date(r.campaign.issued)} "
        f"tổ chức thực hiện {r.campaign.title.vi}, {unit} báo cáo kết quả thực hiện năm {r.year} như sau:"
    ), indent=True)

    _para(doc, "I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN", bold=True, before=6)
    _para(doc, "1. Công tác phổ biến, quán triệt và triển khai", bold=True)
    _para(doc, "[Đơn vị bổ sung: việc phổ biến, quán triệt Kế hoạch; văn bản chỉ đạo, hướng dẫn đã ban hành; "
               "hình thức tuyên truyền, phát động thi đua trong đơn vị.]", italic=True, indent=True)

    _para(doc, "2. Kết quả tự đánh giá hằng tuần của cán bộ, công chức, viên chức", bold=True)
    scope = unit if not r.sub_units else f"{unit} và {len(r.sub_units)} đơn vị trực thuộc"
    last = f.weeks[-1] if f.weeks else None
    until = f" (tính đến tuần {last % 100:02d}/{last // 100})" if last else ""
    if not f.weeks or not t.expected:
        _para(doc, f"Năm {r.year}{until}, {scope} chưa có số liệu tự đánh giá hằng tuần trên hệ thống.", indent=True)
    else:
        _para(doc, (
            f"Năm {r.year}{until}, {scope} có {f.members} cán bộ, công chức, viên chức tham gia tự đánh giá "
            f"hằng tuần theo các tiêu chuẩn tại điểm 1.2 khoản 1 mục IV của Kế hoạch. Qua {len(f.weeks)} tuần, "
            f"số lượt tự đánh giá đã hoàn thành là {t.done}/{t.expected} lượt, đạt {_pct(t.rate)}; "
            f"{t.skipped} lượt vắng có lý do (nghỉ phép, đi công tác, ốm đau)."
        ), indent=True)
        if f.shares is None:
            _para(doc, (
                f"Số liệu theo từng nhóm tiêu chuẩn không được nêu do có dưới {r.min_group} người tự đánh giá, "
                "nhằm bảo vệ thông tin cá nhân."
            ), indent=True)
        else:
            _para(doc, (
                f"Kết quả tự đánh giá theo từng nhóm tiêu chuẩn ({f.respondents} người, tỷ lệ trên tổng số lượt "
                "tự đánh giá đã hoàn thành):"
            ), indent=True)
            _shares_table(doc, r)

    _para(doc, "3. Gương điển hình, mô hình hay, cách làm mới", bold=True, before=6)
    if r.examples:
        _para(doc, f"Trong năm, {len(r.examples)} gương điển hình của đơn vị đã được bộ phận truyền thông duyệt:", indent=True)
        _bullets(doc, (
            "{category}: {about}. {story}".format(
                category=CATEGORY_VI[e.category], about=_about(e),
                story=(e.story[:STORY_CHARS] + "…") if len(e.story) > STORY_CHARS else e.story)
            + (f" (đã đăng: {e.published_url})" if e.published_url else "")
            for e in r.examples
        ))
    else:
        _para(doc, "Trong năm, đơn vị chưa có gương điển hình được duyệt trên hệ thống. "
                   "[Đơn vị bổ sung nếu có.]", indent=True)

    _para(doc, "II. ĐỀ NGHỊ KHEN THƯỞNG", bold=True, before=6)
    quota = r.campaign.awards.max_per_unit
    if r.nominations:
        _para(doc, (
            f"Căn cứ khoản 2 mục IV của Kế hoạch (mỗi đơn vị đề nghị tối đa {quota:02d} tập thể hoặc cá nhân), "
            f"{unit} đề nghị {r.campaign.awards.award.vi} cho:"
        ), indent=True)
        for n, (rnd, nom) in enumerate(r.nominations, start=1):
            _para(doc, f"{n}. {KIND_VI[NomineeKind(nom.kind)]}: {nom.nominee} ({rnd.title_vi})", bold=True, indent=True)
            _para(doc, f"Thành tích: {nom.achievement}", indent=True)
    else:
        _para(doc, f"Năm {r.year}, đơn vị chưa có đề nghị khen thưởng trên hệ thống. [Đơn vị bổ sung nếu có.]", indent=True)

    _para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True, before=6)
    _para(doc, "1. Ưu điểm: [Đơn vị bổ sung.]", indent=True)
    _para(doc, "2. Tồn tại, hạn chế và nguyên nhân: [Đơn vị bổ sung.]", indent=True)
    _para(doc, f"IV. PHƯƠNG HƯỚNG NĂM {r.year + 1}, KIẾN NGHỊ VÀ ĐỀ XUẤT", bold=True, before=6)
    _para(doc, "[Đơn vị bổ sung.]", italic=True, indent=True)
    _para(doc, (
        f"Trên đây là báo cáo kết quả thực hiện Phong trào thi đua năm {r.year} của {unit}, gửi {r.ministry_name} "
        f"(qua {r.standing_agency}) để tổng hợp, báo cáo Hội đồng Thi đua - Khen thưởng./."
    ), indent=True)


def _footer(doc, r: AnnualReport) -> None:  # noqa: ANN001
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.width, right.width = Cm(8.0), Cm(8.5)
    p = left.paragraphs[0]
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in (f"- {r.standing_agency};", "- Lưu: VT."):
        q = left.add_paragraph()
        _font(q.add_run(_text(line)), 11)
        q.paragraph_format.space_after = Pt(0)
    _cell_para(right, SIGNER, BODY_PT, bold=True, first=True)
    _cell_para(right, "(Chữ ký, dấu)", BODY_PT, italic=True)
    for _ in range(4):
        _cell_para(right, "", BODY_PT)
    _cell_para(right, "Họ và tên", BODY_PT, bold=True)


def render_annual_report(report: AnnualReport) -> bytes:
    doc = Document()
    _setup(doc)
    doc.core_properties.title = f"Báo cáo kết quả thực hiện Phong trào thi đua năm {report.year}"
    doc.core_properties.author = report.unit.name
    _header(doc, report)
    _title(doc, report)
    _body(doc, report)
    _para(doc, "", after=6)
    _footer(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

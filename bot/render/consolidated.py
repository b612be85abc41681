"""The standing agency's consolidated report (plan §VI.2) as a Decree 30 DOCX and as an XLSX
of the same figures (one sheet per table, print-ready). Both are drawn from one
ConsolidatedReport, and every total is the sum of its unit lines."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips

from bot.i18n import _, current_locale
from bot.render.decree30 import Decree30Document, Heading, Signature, number_line, pct, place_and_date
from bot.render.report_docx import KIND_VI, campaign_name, d, plan_basis
from bot.services.consolidated import ConsolidatedReport, UnitLine, agency_head
from storage.awards import NomineeKind

SHORT = {"good": "T", "met": "Đ", "not_met": "C", None: "—"}
FILL = "[Cơ quan thường trực bổ sung.]"


def _submitted(line: UnitLine, tz: str) -> str:
    if line.submitted_at is None:
        return "Chưa gửi" if line.unit_id else ""
    return line.submitted_at.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


def render_consolidated_docx(c: ConsolidatedReport, place: str | None = None) -> bytes:
    doc = Decree30Document(
        title=f"Báo cáo tổng hợp kết quả thực hiện Phong trào thi đua năm {c.year}", author=c.standing_agency
    )
    doc.heading(
        Heading(
            parent_body=c.ministry_name,
            issuing_body=c.standing_agency,
            number=number_line("BC", c.doc_code),
            place_date=place_and_date(place, c.prepared_on, c.year),
        )
    )
    doc.title("Báo cáo", f"Tổng hợp kết quả thực hiện {campaign_name(c.campaign.title.vi)} năm {c.year}")
    doc.to_whom([f"Hội đồng Thi đua - Khen thưởng {c.ministry_name}"])
    doc.paragraph(
        f"Thực hiện khoản 2 mục VI {plan_basis(c.campaign)}, {c.standing_agency} "
        "tổng hợp kết quả thực hiện Phong trào thi đua năm "
        f"{c.year} của các cơ quan, đơn vị như sau:"
    )
    reporting = c.reporting
    doc.section("I. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ")
    rate = pct(100.0 * c.submitted / len(reporting)) if reporting else "—"
    doc.paragraph(
        f"Có {len(reporting)} đơn vị thuộc diện báo cáo; {c.submitted} đơn vị đã gửi báo cáo ({rate}); "
        f"{len(c.not_submitted)} đơn vị chưa gửi báo cáo."
    )
    if c.not_submitted:
        doc.paragraph("Các đơn vị chưa gửi báo cáo: " + "; ".join(line.name for line in c.not_submitted) + ".")

    doc.section("II. KẾT QUẢ TOÀN NGÀNH")
    t = c.tally
    start, end = c.period
    doc.paragraph(
        f"1. Tự đánh giá hằng tuần của cán bộ, công chức, viên chức: từ ngày {d(start)} đến ngày {d(end)} "
        f"({c.weeks} tuần), {c.members} người tham gia; số lượt tự đánh giá đã hoàn thành là "
        f"{t.done}/{t.expected} lượt, đạt {pct(t.rate)}; {t.skipped} lượt vắng có lý do."
    )
    doc.paragraph(
        "2. Tự đánh giá của các đơn vị theo tiêu chuẩn đối với tập thể (điểm 1.1 khoản 1 mục IV của "
        "Kế hoạch), số đơn vị theo từng mức:",
        keep_with_next=True,
    )
    rows = []
    for g in c.campaign.collective_criteria:
        n = c.by_criterion[g.code]
        rows.append([g.code, g.short.vi, str(n["good"]), str(n["met"]), str(n["not_met"]), str(n["none"])])
    doc.table(
        ["Điểm", "Tiêu chuẩn", "Tốt", "Đạt", "Chưa đạt", "Chưa đánh giá"],
        rows,
        (Twips(794), Twips(4224), Twips(1021), Twips(1021), Twips(1134), Twips(1160)),
    )

    doc.section("III. KẾT QUẢ THEO ĐƠN VỊ")
    doc.paragraph(
        "Chi tiết tại Phụ lục kèm theo (số người, lượt tự đánh giá, mức tự đánh giá theo từng tiêu chuẩn "
        "đối với tập thể và ngày gửi báo cáo của từng đơn vị)."
    )

    doc.section("IV. ĐỀ NGHỊ KHEN THƯỞNG")
    noms = c.nominations
    if not noms:
        doc.paragraph(f"Năm {c.year}, chưa có đơn vị đề nghị khen thưởng trên hệ thống.")
    for r, rows_ in c.rounds:
        coll = sum(1 for x in rows_ if x.kind == NomineeKind.collective)
        units = len({x.unit_code for x in rows_})
        kinds = " và ".join(
            part
            for part in (
                f"{coll:02d} tập thể" if coll else "",
                f"{len(rows_) - coll:02d} cá nhân" if len(rows_) - coll else "",
            )
            if part
        )
        doc.paragraph(
            f"{r.title_vi}: {units:02d} đơn vị đề nghị tặng {c.campaign.awards.award.vi} cho {kinds}:",
            keep_with_next=True,
        )
        doc.table(
            ["STT", "Đơn vị đề nghị", "Tên tập thể, cá nhân", "Loại"],
            [[str(i), x.unit_name, x.nominee, KIND_VI[x.kind]] for i, x in enumerate(rows_, start=1)],
            (Twips(680), Twips(3686), Twips(3685), Twips(1303)),
            left=(1, 2),
        )

    doc.section("V. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ")
    doc.paragraph("1. Ưu điểm: " + FILL)
    doc.paragraph("2. Tồn tại, hạn chế: " + FILL)
    doc.paragraph("3. Kiến nghị, đề xuất: " + FILL)
    doc.paragraph(
        f"Trên đây là báo cáo tổng hợp kết quả thực hiện Phong trào thi đua năm {c.year}, {c.standing_agency} "
        f"kính báo cáo Hội đồng Thi đua - Khen thưởng {c.ministry_name}./."
    )
    doc.closing(
        ["Như trên", f"Lãnh đạo {c.ministry_name} (để báo cáo)"],
        c.doc_code,
        Signature(title=agency_head(c.standing_agency), name=""),
    )

    doc.page_break()
    doc.paragraph("PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    doc.paragraph(
        f"KẾT QUẢ THEO ĐƠN VỊ NĂM {c.year}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0
    )
    doc.paragraph(
        f"(Kèm theo Báo cáo {number_line('BC', c.doc_code).removeprefix('Số: ')} của {c.standing_agency})",
        size=13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=12,
    )
    codes = [g.code for g in c.campaign.collective_criteria]
    rows = []
    for i, line in enumerate(c.lines, start=1):
        rows.append(
            [
                str(i) if line.unit_id else "",
                line.name,
                str(line.members),
                str(line.tally.expected),
                str(line.tally.done),
                pct(line.tally.rate) if line.tally.expected else "—",
                *[SHORT[line.levels.get(code)] for code in codes],
                _submitted(line, c.timezone),
            ]
        )
    rows.append(
        [
            "",
            "Tổng cộng",
            str(c.members),
            str(t.expected),
            str(t.done),
            pct(t.rate) if t.expected else "—",
            *["" for _ in codes],
            f"{c.submitted}/{len(reporting)}",
        ]
    )
    # TT, people, expected, done, rate, submitted (a date fits on one line at 10 pt); 16.5 cm in all.
    fixed = (567, 737, 850, 850, 794, 1247)
    crit_w = 454
    name_w = 9354 - sum(fixed) - crit_w * len(codes)
    widths = [
        Twips(fixed[0]),
        Twips(name_w),
        *[Twips(w) for w in fixed[1:5]],
        *[Twips(crit_w)] * len(codes),
        Twips(fixed[5]),
    ]
    doc.table(
        ["TT", "Đơn vị", "Số người", "Lượt phải tự đánh giá", "Lượt đã tự đánh giá", "Tỷ lệ", *codes, "Gửi báo cáo"],
        rows,
        widths,
        size=10,
        bold_last=True,
    )
    doc.paragraph(
        "Mức tự đánh giá theo tiêu chuẩn đối với tập thể: T — Tốt; Đ — Đạt; C — Chưa đạt; — chưa đánh giá. "
        "Số liệu của một đơn vị gồm cả các đơn vị trực thuộc không tự báo cáo.",
        size=12,
        italic=True,
        indent=False,
    )
    return doc.to_bytes()


def render_consolidated_xlsx(c: ConsolidatedReport) -> bytes:
    """The same figures, one sheet per table, print-ready (A4, fit to width, header repeated),
    labelled in the reader's language (issue 13.6); names and texts from the data as stored."""
    from openpyxl import Workbook

    from bot.render.xlsx_layout import print_ready

    lang = current_locale()
    levels = {"good": _("Good"), "met": _("Met"), "not_met": _("Not met")}
    kinds = {NomineeKind.collective: _("Collective"), NomineeKind.individual: _("Individual")}
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    t = c.tally
    ws.append([_("Results of the emulation movement in {year}, all units").format(year=c.year)])
    ws.append(
        [
            _("{agency}, prepared on {date}; figures from {start} to {end}").format(
                agency=c.standing_agency, date=d(c.prepared_on), start=d(c.period[0]), end=d(c.period[1])
            )
        ]
    )
    ws.append([_("Indicator"), _("Value")])
    for label, value in (
        (_("Units due to report"), len(c.reporting)),
        (_("Units that have submitted"), c.submitted),
        (_("Units that have not submitted"), len(c.not_submitted)),
        (_("People taking part"), c.members),
        (_("Self-assessments due"), t.expected),
        (_("Self-assessments done"), t.done),
        (_("Absent with a reason"), t.skipped),
        (_("Completion rate"), t.done / t.expected if t.expected else 0.0),
        (_("Nominations"), len(c.nominations)),
    ):
        ws.append([label, value])
    print_ready(ws, header_row=3, widths=[40, 18])
    ws["B11"].number_format = "0.0%"

    codes = [g.code for g in c.campaign.collective_criteria]
    units = wb.create_sheet(_("By unit"))
    units.append(
        [
            _("No."),
            _("Code"),
            _("Unit"),
            _("People"),
            _("Self-assessments due"),
            _("Self-assessments done"),
            _("Absent with a reason"),
            _("Completion rate"),
            *[_("Criterion {code})").format(code=code) for code in codes],
            _("Report submitted on"),
            _("Report file"),
        ]
    )
    for i, line in enumerate(c.lines, start=1):
        units.append(
            [
                i if line.unit_id else None,
                line.code,
                line.name,
                line.members,
                line.tally.expected,
                line.tally.done,
                line.tally.skipped,
                line.tally.done / line.tally.expected if line.tally.expected else None,
                *[levels.get(line.levels.get(code) or "", "") for code in codes],
                _submitted(line, c.timezone),
                line.file_name or "",
            ]
        )
    units.append(
        [
            None,
            None,
            _("Total"),
            c.members,
            t.expected,
            t.done,
            t.skipped,
            t.done / t.expected if t.expected else None,
            *["" for _code in codes],
            f"{c.submitted}/{len(c.reporting)}",
            "",
        ]
    )
    print_ready(
        units,
        header_row=1,
        landscape=True,
        percent_columns=[8],
        widths=[6, 10, 36, 10, 12, 12, 12, 11, *[11] * len(codes), 14, 24],
        wrap_columns=[3],
    )

    crit = wb.create_sheet(_("Collective criteria"))
    crit.append([_("Point"), _("Criterion"), _("Good"), _("Met"), _("Not met"), _("Not assessed")])
    for g in c.campaign.collective_criteria:
        n = c.by_criterion[g.code]
        crit.append([g.code, g.title.get(lang), n["good"], n["met"], n["not_met"], n["none"]])
    print_ready(crit, header_row=1, widths=[7, 70, 8, 8, 10, 14], wrap_columns=[2])

    late = wb.create_sheet(_("Not submitted"))
    late.append([_("No."), _("Code"), _("Unit")])
    for i, line in enumerate(c.not_submitted, start=1):
        late.append([i, line.code, line.name])
    print_ready(late, header_row=1, widths=[6, 12, 60])

    noms = wb.create_sheet(_("Nominations"))
    noms.append(
        [
            _("No."),
            _("Name of the person or collective"),
            _("Position, unit"),
            _("Proposed commendation"),
            _("Kind"),
            _("Round"),
            _("Achievements"),
        ]
    )
    number = 0
    for r, rows in c.rounds:
        for row in rows:
            number += 1
            name, _comma, position = row.nominee.partition(",")
            noms.append(
                [
                    number,
                    name.strip(),
                    ", ".join(p for p in (position.strip(), row.unit_name) if p),
                    c.campaign.awards.award.get(lang),
                    kinds[row.kind],
                    r.title(lang),
                    row.achievement,
                ]
            )
    print_ready(noms, header_row=1, landscape=True, widths=[6, 28, 34, 30, 10, 24, 60], wrap_columns=[2, 3, 4, 7])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["render_consolidated_docx", "render_consolidated_xlsx"]

"""A nomination dossier's documents (Decree 98/2023/NĐ-CP), in the Decree 30/2020 layout:
the achievement report (Mẫu 02 for a collective, Mẫu 03 for an individual, Appendix I of
Decree 98), the list of nominees and the cover submission (tờ trình). Drafts in Vietnamese,
filled with what the bot knows; what it cannot know is marked "[… bổ sung]"."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips

from bot.render.decree30 import (
    Decree30Document,
    Heading,
    Signature,
    _borders,
    fix_table,
    number_line,
    pct,
    place_and_date,
)
from bot.render.report_docx import CATEGORY_VI, LEVEL_VI, about, campaign_name, d
from bot.services.dossiers import AchievementReport, RoundDossier
from storage.awards import NomineeKind

FILL = "[Đơn vị bổ sung.]"


def _signatures(doc: Decree30Document, left: tuple[str, str], right: tuple[str, str]) -> None:
    """Two signature blocks side by side: who confirms (left) and who reports (right)."""
    doc.paragraph("", after=0, indent=False)
    table = doc.doc.add_table(rows=1, cols=2)
    fix_table(table, (Twips(4677), Twips(4677)))
    _borders(table, False)
    for cell, (title, note) in zip(table.rows[0].cells, (left, right), strict=True):
        doc._cell(cell, title, 13, bold=True, first=True)
        doc._cell(cell, note, 13, italic=True)


def _awards_received(doc: Decree30Document) -> None:
    doc.section("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG")
    doc.paragraph("1. Danh hiệu thi đua:", keep_with_next=True)
    doc.table(
        ["Năm", "Danh hiệu thi đua", "Số, ngày, tháng, năm của quyết định công nhận; cơ quan ban hành"],
        [["", FILL, ""]],
        (Twips(1134), Twips(3969), Twips(4251)),
    )
    doc.paragraph("2. Hình thức khen thưởng:", keep_with_next=True)
    doc.table(
        ["Năm", "Hình thức khen thưởng", "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành"],
        [["", FILL, ""]],
        (Twips(1134), Twips(3969), Twips(4251)),
    )


def render_achievement(a: AchievementReport) -> bytes:
    """Mẫu 02 (tập thể) or Mẫu 03 (cá nhân): the draft achievement report."""
    n = a.nomination
    doc = Decree30Document(title=f"Báo cáo thành tích (Mẫu {a.form}) — {n.nominee}", author=a.unit.name)
    doc.heading(
        Heading(
            parent_body=a.governing_body,
            issuing_body=a.unit.name,
            number=None,
            place_date=place_and_date(a.place, a.prepared_on, a.round.year),
        )
    )
    p = doc.paragraph(
        f"Mẫu số {a.form}, Phụ lục I, Nghị định số 98/2023/NĐ-CP",
        size=12,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
        before=6,
        after=0,
    )
    p.paragraph_format.keep_with_next = True
    doc.title("Báo cáo thành tích", f"Đề nghị tặng {a.award}")
    year = a.round.year
    if a.kind == NomineeKind.collective:
        name = a.collective.name if a.collective else n.nominee
        doc.paragraph(
            f"Tên tập thể đề nghị: {name}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12
        )
        doc.section("I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH")
        doc.paragraph(
            "1. Đặc điểm, tình hình: địa điểm trụ sở chính, điện thoại; quá trình thành lập và phát triển; "
            "cơ cấu tổ chức, tổng số cán bộ, công chức, viên chức. " + FILL
        )
        if a.members:
            doc.paragraph(
                f"Số cán bộ, công chức, viên chức đang tham gia Phong trào thi đua trên hệ thống: {a.members} người."
            )
        doc.paragraph("2. Chức năng, nhiệm vụ được giao: " + FILL)
        doc.section("II. THÀNH TÍCH ĐẠT ĐƯỢC")
        doc.paragraph("1. Kết quả thực hiện nhiệm vụ chính trị được giao: " + FILL)
        doc.paragraph(
            f"2. Kết quả thực hiện {campaign_name(a.campaign_title) or 'Phong trào thi đua'} năm {year}:",
            keep_with_next=True,
        )
        doc.paragraph(n.achievement)
        if a.criteria:
            doc.paragraph(
                "Kết quả tự đánh giá theo các tiêu chuẩn đối với tập thể (điểm 1.1 khoản 1 mục IV của Kế hoạch):",
                keep_with_next=True,
            )
            for c in a.criteria:
                line = f"- Tiêu chuẩn {c.code}): {LEVEL_VI.get(c.level or '', 'chưa đánh giá')}."
                if c.account:
                    line += " " + c.account.strip().rstrip(".") + "."
                for label, value in c.figures:
                    line += f" {label}: {value}."
                doc.paragraph(line)
        if a.tally is not None and a.tally.expected:
            t = a.tally
            doc.paragraph(
                f"- Tự đánh giá hằng tuần của cán bộ, công chức, viên chức năm {year}: {t.done}/{t.expected} "
                f"lượt đã hoàn thành, đạt {pct(t.rate)}; {t.skipped} lượt vắng có lý do."
            )
        doc.paragraph("3. Các biện pháp, giải pháp và nguyên nhân đạt được thành tích: " + FILL)
    else:
        person = a.person
        name = person.full_name if person else n.nominee.split(",", 1)[0].strip()
        doc.section("I. SƠ LƯỢC LÝ LỊCH")
        doc.paragraph(f"- Họ và tên: {name}.", indent=False)
        doc.paragraph("- Giới tính: …; ngày, tháng, năm sinh: …; quê quán: …; trú quán: … " + FILL, indent=False)
        where = a.person_unit.name if a.person_unit else a.unit.name
        doc.paragraph(f"- Đơn vị công tác: {where}.", indent=False)
        position = (
            person.position
            if person and person.position
            else (n.nominee.split(",", 1)[1].strip() if "," in n.nominee else "…")
        )
        doc.paragraph(f"- Chức vụ (Đảng, chính quyền, đoàn thể): {position}.", indent=False)
        doc.paragraph("- Trình độ chuyên môn, nghiệp vụ; lý luận chính trị; học hàm, học vị: … " + FILL, indent=False)
        doc.section("II. THÀNH TÍCH ĐẠT ĐƯỢC")
        doc.paragraph("1. Quyền hạn, nhiệm vụ được giao hoặc đảm nhận: " + FILL)
        doc.paragraph(
            f"2. Thành tích đạt được trong thực hiện {campaign_name(a.campaign_title) or 'Phong trào thi đua'} "
            f"năm {year}:",
            keep_with_next=True,
        )
        doc.paragraph(n.achievement)
        if a.tally is not None and a.tally.expected:
            t = a.tally
            doc.paragraph(
                f"- Tham gia tự đánh giá hằng tuần theo các tiêu chuẩn tại điểm 1.2 khoản 1 mục IV của Kế hoạch: "
                f"{t.done}/{t.expected} tuần, đạt {pct(t.rate)}; {t.skipped} tuần vắng có lý do."
            )
    if a.examples:
        doc.paragraph("- Gương điển hình được bộ phận truyền thông duyệt trong năm:", keep_with_next=True)
        for e in a.examples:
            doc.paragraph(f"+ {CATEGORY_VI[e.category]}: {about(e)}. {e.story}")
    _awards_received(doc)
    if a.kind == NomineeKind.collective:
        _signatures(
            doc,
            ("THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN TRỰC TIẾP XÁC NHẬN, ĐỀ NGHỊ", "(Ký, đóng dấu)"),
            ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, đóng dấu)"),
        )
    else:
        _signatures(
            doc,
            ("THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ", "(Ký, đóng dấu)"),
            ("NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)"),
        )
    return doc.to_bytes()


def _round_heading(doc: Decree30Document, rd: RoundDossier, kind: str) -> None:
    doc.heading(
        Heading(
            parent_body=rd.governing_body,
            issuing_body=rd.unit.name,
            number=number_line(kind, rd.doc_code),
            place_date=place_and_date(rd.place, rd.prepared_on, rd.prepared_on.year),
        )
    )


def render_list(rd: RoundDossier) -> bytes:
    """The list of nominees: STT, name, position or unit, proposed form, summary of achievements."""
    doc = Decree30Document(title=f"Danh sách đề nghị khen thưởng — {rd.round.title_vi}", author=rd.unit.name)
    _round_heading(doc, rd, "DS")
    doc.title("Danh sách", f"Tập thể, cá nhân đề nghị tặng {rd.award} ({rd.round.title_vi})")
    doc.paragraph(
        f"(Kèm theo Tờ trình {number_line('TTr', rd.doc_code).removeprefix('Số: ')} ngày … của {rd.unit.name})",
        size=13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=12,
    )
    rows = [[str(x.number), x.name, x.position_or_unit, x.award, x.summary] for x in rd.nominees]
    if not rows:
        rows = [["", "Đơn vị chưa có đề nghị trong đợt này.", "", "", ""]]
    doc.table(
        ["STT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Hình thức khen thưởng đề nghị", "Tóm tắt thành tích"],
        rows,
        (Twips(737), Twips(1814), Twips(1814), Twips(1701), Twips(3288)),
        left=(1, 2, 4),
    )
    doc.paragraph(
        f"Danh sách có {len(rd.nominees):02d} tập thể, cá nhân ({rd.collectives:02d} tập thể, "
        f"{rd.individuals:02d} cá nhân).",
        indent=False,
    )
    doc.closing([], rd.doc_code, Signature(title=rd.signer.title, name=rd.signer.name, authority=rd.signer.authority))
    return doc.to_bytes()


def render_cover(rd: RoundDossier) -> bytes:
    """The cover submission (tờ trình) proposing the commendation."""
    doc = Decree30Document(title=f"Tờ trình đề nghị khen thưởng — {rd.round.title_vi}", author=rd.unit.name)
    _round_heading(doc, rd, "TTr")
    doc.title("Tờ trình", f"Về việc đề nghị tặng {rd.award}")
    doc.to_whom([f"Bộ trưởng {rd.ministry_name}"])
    c = rd.campaign
    for basis in (
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
        "một số điều của Luật Thi đua, khen thưởng;",
        (
            f"Căn cứ Kế hoạch tổ chức thực hiện {c.title.vi} (dự thảo, chờ Quyết định ban hành của Bộ trưởng);"
            if c.is_draft or c.issued is None
            else f"Căn cứ Quyết định số {c.code} ngày {d(c.issued)} ban hành Kế hoạch tổ chức thực hiện {c.title.vi};"
        ),
        f"Căn cứ biên bản họp Hội đồng Thi đua - Khen thưởng {rd.unit.name} ngày … [Đơn vị bổ sung],",
    ):
        doc.paragraph(basis, italic=True)
    parts = []
    if rd.collectives:
        parts.append(f"{rd.collectives:02d} tập thể")
    if rd.individuals:
        parts.append(f"{rd.individuals:02d} cá nhân")
    who = " và ".join(parts) or "các tập thể, cá nhân"
    doc.paragraph(
        f"{rd.unit.name} kính trình Bộ trưởng {rd.ministry_name} xem xét, tặng {rd.award} cho {who} "
        f"(có danh sách kèm theo) đã có thành tích xuất sắc trong thực hiện Phong trào thi đua, "
        f"{rd.round.title_vi}."
    )
    doc.paragraph(
        f"Hồ sơ gồm: tờ trình; biên bản họp Hội đồng Thi đua - Khen thưởng; báo cáo thành tích của từng tập thể, "
        f"cá nhân; danh sách đề nghị khen thưởng; bản điện tử của hồ sơ gửi qua {rd.standing_agency}."
    )
    doc.paragraph(f"{rd.unit.name} kính trình Bộ trưởng xem xét, quyết định./.")
    doc.closing(
        ["Như trên", rd.standing_agency],
        rd.doc_code,
        Signature(title=rd.signer.title, name=rd.signer.name, authority=rd.signer.authority),
    )
    return doc.to_bytes()


__all__ = ["render_achievement", "render_cover", "render_list"]

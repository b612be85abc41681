"""The unit's annual report (plan §VI.1) as a Word document in the layout of Decree
30/2020/NĐ-CP (bot.render.decree30), ready to sign.

Its parts follow the usual outline of a yearly report on an emulation movement: I. how the
unit directed and rolled out the campaign; II. results by each collective criterion
(§IV.1.1, from the unit's self-assessment) and by the individual criteria (§IV.1.2:
participation and shares, over dates); III. good examples; IV. commendations and
nominations; V. assessment and lessons; VI. direction and recommendations; then an
appendix table by sub-unit. Every number in the text is the appendix's total row.

The document is in Vietnamese whatever the leader's language (Decree 30, Article 8).
"""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips

from bot.campaign.schema import Campaign
from bot.render.decree30 import Decree30Document, Heading, Signature, number_line, pct, place_and_date
from bot.services.examples import ExampleRow
from bot.services.reports import AnnualReport, CriterionResult
from storage.awards import NomineeKind
from storage.examples import ExampleCategory, ExampleSubject
from storage.models import Level

STORY_CHARS = 400
LEVEL_VI = {"good": "Tốt", "met": "Đạt", "not_met": "Chưa đạt"}
CATEGORY_VI = {
    ExampleCategory.advanced: "Điển hình tiên tiến",
    ExampleCategory.good_deed: "Gương người tốt, việc tốt",
    ExampleCategory.initiative: "Sáng kiến, giải pháp",
    ExampleCategory.new_model: "Mô hình hay, cách làm mới",
}
KIND_VI = {NomineeKind.collective: "Tập thể", NomineeKind.individual: "Cá nhân"}
FILL = "[Đơn vị bổ sung.]"


def d(value) -> str:  # noqa: ANN001
    """dd/mm/yyyy; a date not known yet (a draft campaign's decision) is left for the signer: "…/…/…"."""
    return value.strftime("%d/%m/%Y") if value is not None else "…/…/…"


def campaign_name(title: str) -> str:
    """The campaign's title without its period ("giai đoạn 2019 - 2025"): the report is one year's."""
    return re.sub(r"\s+giai đoạn\s+\d{4}\s*[-–]\s*\d{4}\s*$", "", title)


def plan_basis(campaign: Campaign) -> str:
    """ "Kế hoạch ban hành kèm theo Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019"; a draft
    campaign has no decision yet and is named as a draft, never "Quyết định số …/QĐ-…"."""
    if campaign.is_draft or campaign.issued is None:
        return "Kế hoạch (dự thảo, chờ Quyết định ban hành của Bộ trưởng)"
    return f"Kế hoạch ban hành kèm theo Quyết định số {campaign.code} ngày {d(campaign.issued)}"


def about(row: ExampleRow) -> str:
    if not row.consent_names:
        return "(không nêu tên theo đề nghị của người gửi)"
    if row.subject == ExampleSubject.myself:
        return row.submitter_name or "(người gửi đã xóa dữ liệu)"
    return row.subject_name or "—"


def participation_sentence(r: AnnualReport) -> str:
    t = r.tally
    scope = r.unit.name if not r.sub_units else f"{r.unit.name} và {len(r.sub_units):02d} đơn vị trực thuộc"
    start, end = r.period
    return (
        f"Từ ngày {d(start)} đến ngày {d(end)} ({r.weeks} tuần), {scope} có {r.members} cán bộ, công chức, "
        f"viên chức tham gia tự đánh giá hằng tuần theo các tiêu chuẩn tại điểm 1.2 khoản 1 mục IV của Kế hoạch; "
        f"số lượt tự đánh giá đã hoàn thành là {t.done}/{t.expected} lượt, đạt {pct(t.rate)}; "
        f"{t.skipped} lượt vắng có lý do (nghỉ phép, đi công tác, nghỉ ốm)."
    )


def _sub_levels(c: CriterionResult) -> str:
    if not c.sub_levels:
        return "—"
    return " / ".join(str(c.sub_levels.get(k, 0)) for k in ("good", "met", "not_met"))


def _collective(doc: Decree30Document, r: AnnualReport) -> None:
    doc.section("1. Đối với tập thể (điểm 1.1 khoản 1 mục IV của Kế hoạch)")
    status = {"submitted": "đã hoàn thành", "draft": "đang hoàn thiện"}.get(r.self_assessment_status or "")
    if status:
        doc.paragraph(
            f"Đơn vị tự đánh giá theo từng tiêu chuẩn đối với tập thể (bản tự đánh giá {status} "
            f"trên hệ thống); kết quả cụ thể như sau:"
        )
    else:
        doc.paragraph("Đơn vị chưa tự đánh giá theo các tiêu chuẩn đối với tập thể trên hệ thống. " + FILL)
    for c in r.criteria:
        group = next(g for g in r.campaign.collective_criteria if g.code == c.code)
        level = LEVEL_VI.get(c.level or "", "chưa đánh giá")
        p = doc.rich([(f"{c.code}) {group.title.vi.rstrip(':;. ')}", True), (f": {level}.", False)])
        p.paragraph_format.keep_with_next = True
        if c.account:
            doc.paragraph(c.account.strip().rstrip(".") + ".")
        elif c.level is not None or not c.items:
            doc.paragraph(FILL, italic=True)
        for label, value in c.figures:
            doc.paragraph(f"- {label}: {value}.")
        for text, lv in c.items:
            if lv:  # a sub-item the unit rated on its own
                doc.paragraph(f"- {text}: {LEVEL_VI[lv]}.")
        if c.evidence:
            doc.paragraph(f"Minh chứng kèm theo: {c.evidence:02d} tệp (lưu trên hệ thống).", italic=True)
        if c.sub_levels:
            doc.paragraph(
                "Các đơn vị trực thuộc tự đánh giá tiêu chuẩn này: "
                f"{c.sub_levels.get('good', 0)} Tốt, {c.sub_levels.get('met', 0)} Đạt, "
                f"{c.sub_levels.get('not_met', 0)} Chưa đạt"
                + (f", {c.sub_levels['none']} chưa đánh giá." if c.sub_levels.get("none") else ".")
            )
    rows = [
        [
            c.code,
            next(g for g in r.campaign.collective_criteria if g.code == c.code).short.vi,
            LEVEL_VI.get(c.level or "", "—"),
            _sub_levels(c),
        ]
        for c in r.criteria
    ]
    doc.paragraph("Tổng hợp kết quả tự đánh giá theo tiêu chuẩn đối với tập thể:", keep_with_next=True)
    doc.table(
        [
            "Điểm",
            "Tiêu chuẩn (điểm 1.1 khoản 1 mục IV)",
            "Đơn vị tự đánh giá",
            "Đơn vị trực thuộc: Tốt / Đạt / Chưa đạt",
        ],
        rows,
        (Twips(851), Twips(4479), Twips(1814), Twips(2210)),
    )


def _individual(doc: Decree30Document, r: AnnualReport) -> None:
    doc.section("2. Đối với cán bộ, công chức, viên chức (điểm 1.2 khoản 1 mục IV của Kế hoạch)")
    t = r.tally
    if not r.weeks or not t.expected:
        doc.paragraph(f"Năm {r.year}, đơn vị chưa có số liệu tự đánh giá hằng tuần trên hệ thống.")
        return
    doc.paragraph(participation_sentence(r))
    if r.shares is None:
        doc.paragraph(
            f"Số liệu theo từng nhóm tiêu chuẩn không được nêu do có dưới {r.min_group} người tự đánh giá, "
            "nhằm bảo vệ thông tin cá nhân."
        )
        return
    doc.paragraph(
        f"Kết quả tự đánh giá theo từng nhóm tiêu chuẩn ({r.respondents} người; tỷ lệ trên tổng số lượt "
        "tự đánh giá đã hoàn thành):",
        keep_with_next=True,
    )
    rows = []
    for n, g in enumerate(r.campaign.individual_criteria, start=1):
        s = r.shares.get(g.code)
        if s is None or not s.total:
            continue
        rows.append(
            [str(n), f"{g.code}) {g.short.vi}", pct(s.pct(Level.good)), pct(s.pct(Level.ok)), pct(s.pct(Level.not_met))]
        )
    doc.table(
        ["TT", "Nhóm tiêu chuẩn (điểm 1.2 khoản 1 mục IV)", "Tốt", "Đạt", "Chưa đạt"],
        rows,
        (Twips(567), Twips(4535), Twips(1417), Twips(1417), Twips(1418)),
    )


def _points(codes: list[str]) -> str:
    """ "tiêu chuẩn tại điểm a" / "các tiêu chuẩn tại các điểm a, b và đ" (khoản 1.1)."""
    if len(codes) == 1:
        return f"tiêu chuẩn tại điểm {codes[0]}"
    return "các tiêu chuẩn tại các điểm " + ", ".join(codes[:-1]) + f" và {codes[-1]}"


def _assessment(doc: Decree30Document, r: AnnualReport) -> None:
    doc.section("V. ĐÁNH GIÁ CHUNG")
    good = [c.code for c in r.criteria if c.level == "good"]
    weak = [c.code for c in r.criteria if c.level == "not_met"]
    strengths = []
    if r.tally.expected:
        strengths.append(f"tỷ lệ lượt tự đánh giá hằng tuần đã hoàn thành đạt {pct(r.tally.rate)}")
    if good:
        strengths.append("đơn vị tự đánh giá đạt mức Tốt ở " + _points(good))
    if r.examples:
        strengths.append(f"có {len(r.examples)} gương điển hình được phát hiện, biểu dương")
    doc.paragraph("1. Ưu điểm: " + ("; ".join(strengths) + ". " if strengths else "") + FILL)
    limits = []
    if weak:
        limits.append(_points(weak) + " đơn vị tự đánh giá Chưa đạt")
    if r.shares:
        worst = max(r.shares.items(), key=lambda kv: kv[1].pct(Level.not_met))
        if worst[1].not_met:
            limits.append(
                f"nhóm tiêu chuẩn tại điểm {worst[0]} khoản 1.2 có tỷ lệ Chưa đạt cao nhất "
                f"({pct(worst[1].pct(Level.not_met))})"
            )
    doc.paragraph("2. Tồn tại, hạn chế và nguyên nhân: " + ("; ".join(limits) + ". " if limits else "") + FILL)
    doc.paragraph("3. Bài học kinh nghiệm: " + FILL)


def render_annual_report(r: AnnualReport) -> bytes:
    name = campaign_name(r.campaign.title.vi)
    doc = Decree30Document(title=f"Báo cáo kết quả thực hiện Phong trào thi đua năm {r.year}", author=r.unit.name)
    doc.heading(
        Heading(
            parent_body=r.governing_body,
            issuing_body=r.unit.name,
            number=number_line("BC", r.doc_code),
            place_date=place_and_date(r.place, r.prepared_on, r.year),
        )
    )
    doc.title("Báo cáo", f"Kết quả thực hiện {name} năm {r.year}")
    doc.to_whom([f"{r.ministry_name} (qua {r.standing_agency})"])
    doc.paragraph(
        f"Thực hiện {plan_basis(r.campaign)} tổ chức thực hiện {r.campaign.title.vi}, "
        f"{r.unit.name} báo cáo kết quả thực hiện năm {r.year} như sau:"
    )

    doc.section("I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI THỰC HIỆN")
    doc.paragraph(
        "1. Việc ban hành văn bản chỉ đạo, kế hoạch triển khai: [Đơn vị bổ sung: số, ngày, trích yếu "
        "các văn bản đã ban hành.]"
    )
    units = f"tại {len(r.appendix):02d} đơn vị, bộ phận" if len(r.appendix) > 1 else "tại đơn vị"
    doc.paragraph(
        f"2. Công tác tuyên truyền, phát động: đơn vị tổ chức cho {r.members} cán bộ, công chức, viên chức "
        f"{units} tự đánh giá hằng tuần việc thực hiện văn hóa công sở trên hệ thống; "
        "gương điển hình được gửi và duyệt trên hệ thống. [Đơn vị bổ sung: hội nghị quán triệt, "
        "hình thức tuyên truyền khác.]"
    )

    doc.section("II. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHUẨN THI ĐUA")
    _collective(doc, r)
    _individual(doc, r)

    doc.section("III. GƯƠNG ĐIỂN HÌNH, MÔ HÌNH HAY, CÁCH LÀM MỚI")
    if r.examples:
        doc.paragraph(f"Trong năm, {len(r.examples)} gương điển hình của đơn vị đã được bộ phận truyền thông duyệt:")
        doc.bullets(
            f"{CATEGORY_VI[e.category]}: {about(e)}. "
            + ((e.story[:STORY_CHARS] + "…") if len(e.story) > STORY_CHARS else e.story)
            + (f" (đã đăng: {e.published_url})" if e.published_url else "")
            for e in r.examples
        )
    else:
        doc.paragraph("Trong năm, đơn vị chưa có gương điển hình được duyệt trên hệ thống. " + FILL)

    doc.section("IV. CÔNG TÁC KHEN THƯỞNG")
    doc.paragraph("1. Khen thưởng theo thẩm quyền: " + FILL)
    quota = r.campaign.awards.max_per_unit
    if r.nominations:
        doc.paragraph(
            f"2. Đề nghị khen thưởng: căn cứ khoản 2 mục IV của Kế hoạch (mỗi đơn vị đề nghị tối đa {quota:02d} "
            f"tập thể hoặc cá nhân), {r.unit.name} đề nghị {r.campaign.awards.award.vi} cho:"
        )
        for n, (rnd, nom) in enumerate(r.nominations):
            letter = "abcdefghiklmnopq"[n % 16]
            doc.paragraph(f"{letter}) {KIND_VI[NomineeKind(nom.kind)]}: {nom.nominee} ({rnd.title_vi})", bold=True)
            doc.paragraph(f"Thành tích: {nom.achievement}")
    else:
        doc.paragraph(
            f"2. Đề nghị khen thưởng: năm {r.year}, đơn vị chưa có đề nghị khen thưởng trên hệ thống. " + FILL
        )

    _assessment(doc, r)
    doc.section(f"VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {r.year + 1}; KIẾN NGHỊ, ĐỀ XUẤT")
    doc.paragraph("1. Phương hướng, nhiệm vụ: " + FILL)
    doc.paragraph("2. Kiến nghị, đề xuất: " + FILL)
    doc.paragraph(
        f"Trên đây là báo cáo kết quả thực hiện Phong trào thi đua năm {r.year} của {r.unit.name}, kèm theo Phụ lục "
        f"kết quả theo đơn vị, gửi {r.ministry_name} (qua {r.standing_agency}) để tổng hợp, báo cáo "
        "Hội đồng Thi đua - Khen thưởng./."
    )
    doc.closing(
        [f"{r.ministry_name} (qua {r.standing_agency})"],
        r.doc_code,
        Signature(title=r.signer.title, name=r.signer.name, authority=r.signer.authority),
    )

    _appendix(doc, r)
    return doc.to_bytes()


def _appendix(doc: Decree30Document, r: AnnualReport) -> None:
    doc.page_break()
    doc.paragraph("PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    for line in ("KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA", f"NĂM {r.year} THEO ĐƠN VỊ"):
        doc.paragraph(line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    doc.paragraph(
        f"(Kèm theo Báo cáo {number_line('BC', r.doc_code).removeprefix('Số: ')} của {r.unit.name})",
        size=13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        after=12,
    )
    rows = []
    for n, a in enumerate(r.appendix, start=1):
        t = a.tally
        rows.append(
            [
                str(n),
                a.label,
                str(a.members),
                str(t.expected),
                str(t.done),
                str(t.skipped),
                pct(t.rate) if t.expected else "—",
                LEVEL_VI.get(a.self_assessment or "", "—"),
            ]
        )
    t = r.tally
    rows.append(
        [
            "",
            "Tổng cộng",
            str(r.members),
            str(t.expected),
            str(t.done),
            str(t.skipped),
            pct(t.rate) if t.expected else "—",
            "",
        ]
    )
    doc.table(
        [
            "TT",
            "Đơn vị",
            "Số người",
            "Lượt phải tự đánh giá",
            "Lượt đã tự đánh giá",
            "Lượt vắng có lý do",
            "Tỷ lệ hoàn thành",
            "Tự đánh giá tập thể",
        ],
        rows,
        (Twips(510), Twips(2892), Twips(907), Twips(1077), Twips(1077), Twips(1020), Twips(964), Twips(907)),
        size=11,
        bold_last=True,
    )
    start, end = r.period
    doc.paragraph(
        f"Số liệu từ ngày {d(start)} đến ngày {d(end)}; mỗi người một lượt mỗi tuần, không tính tuần "
        "trước khi tham gia và thời gian tạm nghỉ.",
        size=12,
        italic=True,
        indent=False,
    )

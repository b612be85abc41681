"""Screens of /selfassess: the unit's self-assessment on the collective criteria (§IV.1.1),
with its evidence, the sub-units' roll-up and the unit emulation officer; and this
feature's error texts (shared with /submit)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.campaign.schema import Campaign, CriterionGroup
from bot.domain import AssessmentLevel
from bot.i18n import N_, _, current_locale, ngettext
from bot.services.errors import DomainError
from bot.views.actions import SelfAssess, SelfAssessAct
from bot.views.screen import Button, Screen, rows
from bot.views.texts import error_text as common_error_text
from bot.views.texts import fit

if TYPE_CHECKING:
    from bot.services.self_assessment import EvidenceAdded, OfficerCard, Overview, UnitSelfAssessment

LEVELS = tuple(level.value for level in AssessmentLevel)  # the buttons' order, as the service's
LEVEL_NAMES = {"good": N_("Good"), "met": N_("Met"), "not_met": N_("Not met")}
LEVEL_MARKS = {"good": "🟢", "met": "🔵", "not_met": "🟠", None: "⚪"}
SUB_UNITS_SHOWN = 30
ACCOUNT_SHOWN = 600
MEMBERS_SHOWN = 20


def fmt(d: datetime) -> str:
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def level_name(level: str | None) -> str:
    return _(LEVEL_NAMES[level]) if level else _("not assessed yet")


def group_label(group: CriterionGroup) -> str:
    return f"{group.code}) {group.short.get(current_locale())}"


def figure_value(kind: str, value: str | None) -> str:
    if value is None:
        return "—"
    if kind == "yes_no":
        return _("yes") if value == "yes" else _("no")
    return value + ("%" if kind == "percent" else "")


def admin_hint_screen() -> Screen:
    return Screen(
        _(
            "Units assess themselves here. As an administrator, read a unit's with /selfassess UNIT_CODE, "
            "and see who has submitted with /submissions."
        )
    )


def overview_screen(campaign: Campaign, ov: Overview) -> Screen:
    sa, editable = ov.sa, ov.editable
    total = len(campaign.collective_criteria)
    lines = [
        _("<b>Self-assessment of {unit}, year {year}</b>").format(unit=escape(sa.unit_name), year=sa.year),
        _("On the collective criteria of the plan (§IV.1.1): {n}/{total} criteria assessed.").format(
            n=sa.answered, total=total
        ),
    ]
    if sa.status == "submitted" and sa.submitted_at is not None:
        lines.append(_("✅ Submitted on {date}: read only.").format(date=fmt(sa.submitted_at)))
    elif editable:
        lines.append(_("Draft: saved as you go, editable until the unit submits it."))
    lines.append("")
    for group in campaign.collective_criteria:
        answer = sa.group(group.code)
        level = answer.level if answer else None
        extras = []
        if answer and answer.account:
            extras.append(_("account"))
        if answer and answer.figures:
            extras.append(ngettext("{n} figure", "{n} figures", len(answer.figures)).format(n=len(answer.figures)))
        if answer and answer.evidence:
            extras.append(
                ngettext("{n} piece of evidence", "{n} pieces of evidence", len(answer.evidence)).format(
                    n=len(answer.evidence)
                )
            )
        lines.append(
            "{mark} <b>{label}</b>: {level}{extras}".format(
                mark=LEVEL_MARKS[level],
                label=escape(group_label(group)),
                level=level_name(level),
                extras=(" · " + ", ".join(extras)) if extras else "",
            )
        )
    buttons: list[Button] = []
    if sa.assessment_id is not None:
        for index, group in enumerate(campaign.collective_criteria):
            buttons.append(
                Button(
                    group_label(group)[:40],
                    SelfAssess(a=SelfAssessAct.criterion, c=index, u=sa.unit_id if not editable else 0),
                )
            )
    if editable:
        buttons.append(Button(_("✅ Submit the self-assessment"), SelfAssess(a=SelfAssessAct.submit)))
    if ov.has_sub_units:
        buttons.append(Button(_("🏢 Sub-units' self-assessments"), SelfAssess(a=SelfAssessAct.sub_units)))
    if ov.is_leader:
        buttons.append(Button(_("👤 Unit emulation officer"), SelfAssess(a=SelfAssessAct.officer)))
    return Screen("\n".join(lines), rows(buttons))


def criterion_screen(campaign: Campaign, sa: UnitSelfAssessment, index: int, *, editable: bool) -> Screen:
    locale = current_locale()
    group = campaign.collective_criteria[index]
    answer = sa.group(group.code)
    lines = [
        f"<b>{escape(group_label(group))}</b> ({escape(group.ref)})",
        f"<i>{escape(group.title.get(locale))}</i>",
        "",
        _("Level: {level}").format(
            level=f"{LEVEL_MARKS[answer.level if answer else None]} {level_name(answer.level if answer else None)}"
        ),
    ]
    subs = sa.sub_items(group.code)
    if subs:
        lines.append(_("Sub-items:"))
        for sub in subs:
            lines.append(
                "  {mark} {code}: {level}".format(
                    mark=LEVEL_MARKS[sub.level], code=escape(sub.item or ""), level=level_name(sub.level)
                )
            )
    account = answer.account if answer else ""
    lines.append(
        _("What the unit did: {text}").format(
            text=escape(account[:ACCOUNT_SHOWN] + ("…" if len(account) > ACCOUNT_SHOWN else ""))
            if account
            else _("not written yet")
        )
    )
    for figure in group.figures:
        value = (answer.figures if answer else {}).get(figure.code)
        lines.append(f"• {escape(figure.label.get(locale))}: <b>{escape(figure_value(figure.kind, value))}</b>")
    evidence = answer.evidence if answer else []
    lines.append(
        _("Evidence: {n}").format(n=len(evidence))
        + (
            " (" + escape(", ".join(e.name for e in evidence[:5])) + ("…" if len(evidence) > 5 else "") + ")"
            if evidence
            else ""
        )
    )
    out: list[tuple[Button, ...]] = []
    if editable:
        out.append(
            tuple(
                Button(
                    ("✓ " if answer and answer.level == level else "") + _(LEVEL_NAMES[level]),
                    SelfAssess(a=SelfAssessAct.level, c=index, v=v),
                )
                for v, level in enumerate(LEVELS)
            )
        )
        if subs:
            out.append((Button(_("📋 Sub-items"), SelfAssess(a=SelfAssessAct.sub_items, c=index)),))
        out.append((Button(_("✍️ What the unit did"), SelfAssess(a=SelfAssessAct.account, c=index)),))
        single_yes_no = sum(1 for f in group.figures if f.kind == "yes_no") == 1
        for i, figure in enumerate(group.figures):
            if figure.kind == "yes_no" and single_yes_no:
                out.append(
                    (
                        Button(_("Yes"), SelfAssess(a=SelfAssessAct.figure_yes_no, c=index, i=i, v=1)),
                        Button(_("No"), SelfAssess(a=SelfAssessAct.figure_yes_no, c=index, i=i, v=0)),
                    )
                )
            else:
                out.append(
                    (Button("🔢 " + figure.label.get(locale)[:50], SelfAssess(a=SelfAssessAct.figure, c=index, i=i)),)
                )
        out.append((Button(_("📎 Add evidence"), SelfAssess(a=SelfAssessAct.evidence, c=index)),))
        if evidence:
            out.append((Button(_("🗑 Remove the evidence"), SelfAssess(a=SelfAssessAct.evidence_clear, c=index)),))
    if evidence:
        out.append(
            (
                Button(
                    _("📥 See the evidence"),
                    SelfAssess(a=SelfAssessAct.evidence_get, c=index, u=0 if editable else sa.unit_id),
                ),
            )
        )
    if editable and sum(1 for f in group.figures if f.kind == "yes_no") == 1:
        lines.append(
            _("Yes/No buttons answer: {labels}.").format(
                labels="; ".join(escape(f.label.get(locale)) for f in group.figures if f.kind == "yes_no")
            )
        )
    out.append((Button(_("⬅ All criteria"), SelfAssess(a=SelfAssessAct.overview, u=0 if editable else sa.unit_id)),))
    return Screen("\n".join(lines), tuple(out))


def sub_items_screen(campaign: Campaign, sa: UnitSelfAssessment, index: int) -> Screen:
    locale = current_locale()
    group = campaign.collective_criteria[index]
    subs = {s.item: s for s in sa.sub_items(group.code)}
    lines = ["<b>{label}</b>: {what}".format(label=escape(group_label(group)), what=_("sub-items")), ""]
    out: list[tuple[Button, ...]] = []
    for i, item in enumerate(group.items):
        current = subs.get(item.code)
        lines.append(
            f"{LEVEL_MARKS[current.level if current else None]} <b>{escape(item.code)}</b> "
            f"{escape(item.text.get(locale))}"
        )
        out.append(
            tuple(
                Button(
                    f"{'✓' if current and current.level == level else ''}{item.code}: {_(LEVEL_NAMES[level])}",
                    SelfAssess(a=SelfAssessAct.sub_level, c=index, i=i, v=v),
                )
                for v, level in enumerate(LEVELS)
            )
        )
    out.append((Button(_("⬅ Back"), SelfAssess(a=SelfAssessAct.criterion, c=index)),))
    return Screen("\n".join(lines), tuple(out))


def _back(c: int, *, done: bool = False) -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("✅ Done") if done else _("⬅ Back"), SelfAssess(a=SelfAssessAct.criterion, c=c)),),)


def account_prompt(group: CriterionGroup, index: int, sa: UnitSelfAssessment, longest: int) -> Screen:
    text = _(
        "<b>{label}</b>: type in one message what the unit did (at most {max} characters). "
        "It replaces what was written before."
    ).format(label=escape(group_label(group)), max=longest)
    current = sa.group(group.code)
    if current and current.account:
        text += "\n\n" + _("Now: {text}").format(text=escape(current.account[:ACCOUNT_SHOWN]))
    return Screen(text, _back(index))


def figure_prompt(campaign: Campaign, index: int, figure: int) -> Screen:
    f = campaign.collective_criteria[index].figures[figure]
    hint = {
        "percent": _("a percentage from 0 to 100, e.g. 98,5"),
        "count": _("a whole number, e.g. 12"),
        "yes_no": _("yes or no"),
    }[f.kind]
    text = _("<b>{label}</b> ({ref}): type {hint}.").format(
        label=escape(f.label.get(current_locale())), ref=escape(f.ref), hint=hint
    )
    return Screen(text, _back(index))


def evidence_prompt(group: CriterionGroup, index: int, most: int, mb: int) -> Screen:
    text = _(
        "<b>{label}</b>: send photos or files (PDF, Word, Excel…) as evidence, one by one or together: "
        "at most {max} per criterion, {mb} MB each. Tap Done when finished."
    ).format(label=escape(group_label(group)), max=most, mb=mb)
    return Screen(text, _back(index, done=True))


def evidence_kept_screen(group: CriterionGroup, index: int, result: EvidenceAdded, most: int) -> Screen:
    if result.full:
        text = _("⚠️ At most {max} pieces of evidence per criterion: this one was not added.").format(max=most)
    else:
        text = _("📎 Evidence kept for {label}: {n}/{max}. Send more, or tap Done.").format(
            label=escape(group_label(group)), n=result.count, max=most
        )
    return Screen(text, _back(index, done=True))


def refusal_screen(exc: DomainError) -> Screen:
    """A typed answer refused: the step waits, what was stored stays."""
    return Screen(error_text(exc))


def not_evidence_screen() -> Screen:
    return Screen(_("Please send a photo or a file, or tap Done."))


def submit_confirm_screen(sa: UnitSelfAssessment) -> Screen:
    buttons = [
        Button(_("✅ Yes, submit"), SelfAssess(a=SelfAssessAct.submit_yes)),
        Button(_("⬅ Not yet"), SelfAssess(a=SelfAssessAct.overview)),
    ]
    text = _("Submit the unit's self-assessment for {year}? After that it can no longer be changed.").format(
        year=sa.year
    )
    return Screen(text, rows(buttons))


def sub_units_screen(campaign: Campaign, year: int, rollup: dict[int, UnitSelfAssessment]) -> Screen:
    total = len(campaign.collective_criteria)
    status_names = {"none": _("not begun"), "draft": _("draft"), "submitted": _("submitted")}
    lines = [_("<b>Sub-units' self-assessments, year {year}</b>").format(year=year), ""]
    buttons: list[Button] = []
    found = []
    for unit_id, sa in list(rollup.items())[1:]:
        counts = {lv: sum(1 for i in sa.items if i.item is None and i.level == lv) for lv in LEVELS}
        found.append(
            _("• <b>{unit}</b>: {status}, {n}/{total} assessed (Good {good} · Met {met} · Not met {not_met})").format(
                unit=escape(sa.unit_name),
                status=status_names[sa.status],
                n=sa.answered,
                total=total,
                good=counts["good"],
                met=counts["met"],
                not_met=counts["not_met"],
            )
        )
        if sa.status != "none" and len(buttons) < SUB_UNITS_SHOWN:
            buttons.append(Button(sa.unit_code[:30], SelfAssess(a=SelfAssessAct.view_unit, u=unit_id)))
    lines = fit(lines, found)
    if len(rollup) <= 1:
        lines.append(_("Your unit has no sub-units."))
    buttons.append(Button(_("⬅ All criteria"), SelfAssess(a=SelfAssessAct.overview)))
    return Screen("\n".join(lines), rows(buttons))


def officer_screen(card: OfficerCard) -> Screen:
    officer = card.officer
    lines = [
        _("<b>Unit emulation officer</b>"),
        _("The officer may fill in the unit's self-assessment and submit its signed report on your behalf."),
        _("Now: {name}").format(name=escape(officer.full_name) if officer else _("none")),
    ]
    buttons: list[Button] = []
    for person in card.members[:MEMBERS_SHOWN]:
        if officer is not None and person.id == officer.id:
            continue
        buttons.append(
            Button(
                _("Appoint {name}").format(name=person.full_name[:40]),
                SelfAssess(a=SelfAssessAct.appoint, i=person.id or 0),
            )
        )
    if officer is not None:
        buttons.append(Button(_("↩ Withdraw the appointment"), SelfAssess(a=SelfAssessAct.revoke)))
    if not card.members:
        lines.append(_("Nobody of your unit has registered yet: invite them first."))
    buttons.append(Button(_("⬅ All criteria"), SelfAssess(a=SelfAssessAct.overview)))
    return Screen("\n".join(lines), rows(buttons))


def evidence_caption(group: CriterionGroup, name: str) -> str:
    return escape(f"{group_label(group)}: {name}"[:1024])


def files_sent_notice(n: int) -> str:
    return ngettext("{n} file sent.", "{n} files sent.", n).format(n=n)


# -- errors of this feature, in the person's language ----------------------------------------

MESSAGES = {
    "account_too_long": N_(
        "The account is at most {max} characters; this one has {length}. "
        "Please shorten it and send it again: what was saved before is kept."
    ),
    "account_empty": N_("Please type what the unit did, in one message."),
    "assessment_submitted": N_("The unit's self-assessment has been submitted: it can no longer be changed."),
    "assessment_incomplete": N_("Not yet: assess every criterion first (still missing: {missing})."),
    "assessment_stale": N_("That button is out of date. Send /selfassess to see the self-assessment again."),
    "assessment_level": N_("That button is out of date. Send /selfassess to see the self-assessment again."),
    "figure_percent": N_("Please type a percentage from 0 to 100, e.g. 98,5."),
    "figure_count": N_("Please type a whole number, e.g. 12."),
    "figure_yes_no": N_("Please answer yes or no."),
    "file_too_big": N_("That file is over {max} MB: it was not kept. Please send a smaller one."),
    "file_unreadable": N_("That file could not be read. Please send it again."),
    "photo_unreadable": N_("That photo could not be read as a picture. Please send it again, or as a file."),
    "photo_too_big": N_("That photo is too large (over {max} MB). Please send a smaller one."),
    "report_file_type": N_(
        "Only a PDF or a Word (DOCX) file can be submitted; “{name}” is neither. "
        "Please send the signed report as a PDF or DOCX file."
    ),
    "report_already_submitted": N_("Your unit has already submitted “{name}”."),
}


def error_text(exc: DomainError) -> str:
    if exc.code in MESSAGES:
        params = {k: escape(str(v)) for k, v in exc.params.items()}
        try:
            return _(MESSAGES[exc.code]).format(**params)
        except (KeyError, IndexError):
            return _(MESSAGES[exc.code])
    return common_error_text(exc)

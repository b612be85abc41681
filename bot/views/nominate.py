"""Screens of /nominate (leaders), /nominations and /eligibility (administrators) and
/dossier (plan §IV.2; Decree 98/2023): pure functions from what bot.services.nominations
and bot.services.dossiers return. The dossier screens carry their DOCX files: drawing
them takes a moment, so callers run them off the event loop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from bot.campaign.schema import Campaign
from bot.campaign.wording import award_rounds
from bot.domain import NomineeKind
from bot.i18n import _, current_locale, ngettext
from bot.render.admin_exports import kind_name, nominations_csv, nominations_xlsx
from bot.render.example_labels import snippet
from bot.views.actions import Dossier, Nominate, NominateAct, Nominations, NominationsAct
from bot.views.screen import Button, Document, Screen, rows
from bot.views.texts import date_text

if TYPE_CHECKING:
    from bot.services.dossiers import AchievementReport, RoundDossier
    from bot.services.nominations import Flag, NominationRow, OpenRounds, Round, RoundsBoard, UnitCard
    from storage.awards import Nomination

KINDS = (NomineeKind.collective, NomineeKind.individual)
ACHIEVEMENT_SHOWN = 200
LISTING_LIMIT = 3900


def round_title(r: Round) -> str:
    return escape(r.title(current_locale())) + (f" ({escape(r.ref)})" if r.ref else "")


# -- leaders ----------------------------------------------------------------------------------


def no_round_screen(campaign: Campaign, today: date) -> Screen:
    lines = [_("<b>No nomination round is open now.</b>")]
    if today > campaign.end:
        lines.append(
            _(
                "The campaign file's rounds ({rounds}, §IV.2) were open during the campaign period, "
                "which ended on {date}."
            ).format(rounds=escape(award_rounds(campaign)), date=date_text(campaign.end))
        )
    lines.append(
        _(
            "A round is opened by an administrator of the standing agency; you will be able to nominate "
            "here as soon as one is open. Please ask them if your unit expects one."
        )
    )
    return Screen("\n".join(lines))


def rounds_screen(rounds: Sequence[Round]) -> Screen:
    buttons = [Button(r.title(current_locale())[:60], Nominate(a=NominateAct.round, r=r.key)) for r in rounds]
    return Screen(_("<b>Nomination rounds open now</b> (§IV.2). Choose one:"), rows(buttons))


def opening_screen(campaign: Campaign, opening: OpenRounds) -> Screen:
    """/nominate: the only open round's card, the rounds to choose from, or none open."""
    if opening.card is not None:
        return unit_screen(opening.card)
    if not opening.rounds:
        return no_round_screen(campaign, opening.today)
    return rounds_screen(opening.rounds)


def unit_screen(card: UnitCard) -> Screen:
    """A round's card: the unit's nominations, the slots used, and what can be done."""
    un, today = card.nominations, card.today
    r = un.round
    lines = [
        _("<b>Nominations: {round}</b>").format(round=round_title(r)),
        _("Unit: {unit}").format(unit=escape(un.unit.name)),
        _("Open until {date}.").format(date=date_text(r.closes_on)) if r.is_open(today) else _("This round is closed."),
        _(
            "Each unit nominates at most {quota} collectives or individuals per round (§IV.2): {used}/{quota} used."
        ).format(quota=r.quota, used=len(un.live)),
    ]
    for n in un.live:
        lines += [
            "",
            f"{n.slot}. {kind_name(n.kind)}: <b>{escape(n.nominee)}</b>",
            f"<i>{escape(snippet(n.achievement, ACHIEVEMENT_SHOWN))}</i>",
        ]
    if not un.live:
        lines += ["", _("Your unit has no nomination in this round yet.")]
    out: list[tuple[Button, ...]] = []
    if r.is_open(today):
        if un.left:
            out.append((Button(_("➕ Nominate a collective"), Nominate(a=NominateAct.add, r=r.key, v=0)),))
            out.append((Button(_("➕ Nominate an individual"), Nominate(a=NominateAct.add, r=r.key, v=1)),))
        for n in un.live:
            out.append(
                (
                    Button(
                        _("↩ Withdraw {slot}").format(slot=n.slot),
                        Nominate(a=NominateAct.withdraw, r=r.key, id=n.id or 0),
                    ),
                    Button(
                        _("🔁 Replace {slot}").format(slot=n.slot),
                        Nominate(a=NominateAct.replace_one, r=r.key, id=n.id or 0),
                    ),
                )
            )
    if un.live:
        out.append((Button(_("📄 Dossier (Decree 98/2023)"), Dossier(r=r.key)),))
    if card.several_rounds:
        out.append((Button(_("◀ Rounds"), Nominate(a=NominateAct.rounds)),))
    return Screen("\n".join(lines), tuple(out))


def replace_kind_screen(key: str, target: Nomination) -> Screen:
    """Replace a nomination: with a collective or an individual?"""
    buttons = [
        Button(_("A collective"), Nominate(a=NominateAct.replace_one, r=key, id=target.id or 0, v=0)),
        Button(_("An individual"), Nominate(a=NominateAct.replace_one, r=key, id=target.id or 0, v=1)),
        Button(_("◀ Back"), Nominate(a=NominateAct.round, r=key)),
    ]
    text = _("Replace nomination {slot} ({nominee}) with a collective or an individual?").format(
        slot=target.slot, nominee=escape(target.nominee)
    )
    return Screen(text, rows(buttons, 2, 1))


def withdraw_screen(key: str, target: Nomination) -> Screen:
    buttons = [
        Button(_("↩ Yes, withdraw it"), Nominate(a=NominateAct.withdraw_yes, r=key, id=target.id or 0)),
        Button(_("◀ Back"), Nominate(a=NominateAct.round, r=key)),
    ]
    text = _("Withdraw nomination {slot}: {kind}, {nominee}? Its slot becomes free for another.").format(
        slot=target.slot, kind=kind_name(target.kind), nominee=escape(target.nominee)
    )
    return Screen(text, rows(buttons))


def nominee_prompt(kind: NomineeKind) -> Screen:
    prompt = (
        _("Type the name of the collective, for example: Phòng Tổng hợp, Văn phòng Bộ.")
        if kind == NomineeKind.collective
        else _("Type the person's full name and position, for example: Nguyễn Thị Lan, Chuyên viên chính.")
    )
    return Screen(prompt + "\n" + _("Or send /cancel."))


def achievement_prompt(nominee: str, shortest: int, longest: int) -> Screen:
    return Screen(
        _(
            "Now type the achievements of {nominee} in carrying out office culture "
            "({min}–{max} characters). Or send /cancel."
        ).format(nominee=escape(nominee), min=shortest, max=longest)
    )


def saved_screen(*, replaced: bool) -> Screen:
    return Screen(_("✅ Replaced.") if replaced else _("✅ Nomination saved."))


# -- administrators ---------------------------------------------------------------------------


def rounds_usage() -> str:
    return _(
        "/nominations — rounds and their nominations\n"
        "/nominations add dd/mm/yyyy [YEAR] TITLE — open a round until that day\n"
        "/nominations close ID — close a round you opened"
    )


def board_screen(board: RoundsBoard) -> Screen:
    today = board.today
    lines = [_("<b>Nomination rounds</b> (§IV.2: at most {quota} per unit and round)").format(quota=board.quota)]
    buttons: list[Button] = []
    for s in board.summaries:
        r = s.round
        state = _("open until {date}").format(date=date_text(r.closes_on)) if r.is_open(today) else _("closed")
        number = _(" (no. {id})").format(id=r.custom_id) if r.custom_id else ""
        lines.append(
            _("• {round}{number}: {state}; {n} nominations from {units} units").format(
                round=round_title(r), number=number, state=state, n=s.nominations, units=s.units
            )
        )
        buttons.append(Button(r.title(current_locale())[:60], Nominations(a=NominationsAct.open, r=r.key)))
    if not any(s.round.is_open(today) for s in board.summaries):
        lines += ["", _("No round is open: leaders cannot nominate until you open one.")]
        if today > board.campaign_end:
            lines.append(
                _(
                    "The campaign's period ended on {date}: its annual round opens again each year, "
                    "its other rounds are closed."
                ).format(date=date_text(board.campaign_end))
            )
    lines += ["", escape(rounds_usage())]
    return Screen("\n".join(lines), rows(buttons))


def round_added_screen(r: Round) -> Screen:
    return Screen(
        _("Round no. {id} opened: {title}, year {year}, until {date}. Leaders can nominate now.").format(
            id=r.custom_id, title=escape(r.title_vi), year=r.year, date=date_text(r.closes_on)
        )
    )


def round_closed_screen(r: Round) -> Screen:
    return Screen(_("Round no. {id} is closed.").format(id=r.custom_id))


def listing_text(r: Round, found: Sequence[NominationRow]) -> str:
    lines = [
        f"<b>{round_title(r)}</b>",
        ngettext("{n} nomination", "{n} nominations", len(found)).format(n=len(found)),
    ]
    unit = None
    for row in found:
        if row.unit_code != unit:
            unit = row.unit_code
            lines += ["", f"<b>{escape(row.unit_code)}</b> — {escape(row.unit_name)}"]
        lines.append(
            "{slot}. {kind}: {nominee} ({number})".format(
                slot=row.slot,
                kind=kind_name(row.kind),
                nominee=escape(row.nominee),
                number=_("dossier: /dossier {id}").format(id=row.id),
            )
        )
        lines.append(f"<i>{escape(snippet(row.achievement, 120))}</i>")
    if not found:
        lines += ["", _("No unit has nominated anyone in this round.")]
    else:
        lines += ["", _("A unit's list and cover submission: /dossier {round} UNIT_CODE").format(round=escape(r.key))]
    text = "\n".join(lines)
    if len(text) > LISTING_LIMIT:
        text = text[:LISTING_LIMIT].rsplit("\n", 1)[0]
        if text.count("<i>") > text.count("</i>"):
            text += "</i>"
        text += "\n\n" + _("… the rest is in the export.")
    return text


def listing_screen(r: Round, found: Sequence[NominationRow]) -> Screen:
    buttons = (
        (
            Button(_("⬇ Excel (XLSX)"), Nominations(a=NominationsAct.xlsx, r=r.key)),
            Button(_("⬇ CSV file"), Nominations(a=NominationsAct.csv, r=r.key)),
        )
        if found
        else ()
    )
    return Screen(listing_text(r, found), (buttons,) if buttons else ())


def export_screen(r: Round, found: Sequence[NominationRow], kind: str, timezone: str, campaign: Campaign) -> Screen:
    """A round's nominations as a file (kind: "xlsx" or "csv")."""
    if kind == "xlsx":
        title = _("Nominations: {round}").format(round=r.title(current_locale()))
        data = nominations_xlsx(r, list(found), title, timezone, campaign.awards.award.get(current_locale()))
    else:
        data = nominations_csv(list(found), timezone)
    name = "de-nghi-khen-thuong_{}.{}".format(r.key.replace("@", "-"), kind)
    caption = ngettext("{n} nomination", "{n} nominations", len(found)).format(n=len(found))
    return Screen("", attachments=(Document(data, name, caption),))


def eligibility_usage() -> str:
    return _(
        "/eligibility person PERSON_NO REASON — a person may not be commended\n"
        "/eligibility unit UNIT_CODE REASON — a unit may not be commended\n"
        "/eligibility lift ID — lift a flag"
    )


def flagged_screen(flag: Flag) -> Screen:
    return Screen(
        _(
            "Marked as not eligible for commendation (no. {id}): {subject}. Reason: {reason}. "
            "Their nominations are refused until you lift it: /eligibility lift {id}"
        ).format(id=flag.id, subject=escape(flag.subject), reason=escape(flag.reason))
    )


def lifted_screen(flag_id: int) -> Screen:
    return Screen(_("Flag no. {id} lifted.").format(id=flag_id))


def flags_screen(flags: Sequence[Flag]) -> Screen:
    lines = [_("<b>Not eligible for commendation</b> (Decree 98/2023/NĐ-CP, Art. 4)")]
    for f in flags:
        lines.append(
            _("No. {id}: {kind} {subject} ({unit}) — {reason}").format(
                id=f.id,
                kind=kind_name(f.kind),
                subject=escape(f.subject),
                unit=escape(f.unit_name),
                reason=escape(f.reason),
            )
        )
    if not flags:
        lines.append(_("Nobody is marked."))
    lines += ["", escape(eligibility_usage())]
    return Screen("\n".join(lines))


# -- dossiers (Decree 98/2023) ----------------------------------------------------------------


def dossier_usage() -> str:
    return _(
        "/dossier — your unit's nominations and their dossiers\n"
        "/dossier N — the achievement report of nomination no. N (Decree 98/2023: form 02 or 03)\n"
        "/dossier ROUND [UNIT_CODE] — a unit's list of nominees and its cover submission"
    )


def dossier_menu_screen(live: Sequence[tuple[Round, Nomination]]) -> Screen:
    """/dossier: the unit's live nominations, a button for each one's report and each round's list."""
    if not live:
        return Screen(_("Your unit has no nomination in force.") + "\n\n" + escape(dossier_usage()))
    lines = [_("<b>Nomination dossiers</b> (Decree 98/2023/NĐ-CP)")]
    buttons: list[Button] = []
    rounds: dict[str, Round] = {}
    for r, n in live:
        rounds.setdefault(r.key, r)
        lines.append(
            _("No. {id}: {kind}, {nominee} — {round}").format(
                id=n.id, kind=kind_name(n.kind), nominee=escape(n.nominee), round=escape(r.title(current_locale()))
            )
        )
        buttons.append(Button(_("📄 Achievement report no. {id}").format(id=n.id), Dossier(id=n.id or 0)))
    for r in rounds.values():
        label = _("📄 List and cover submission: {round}").format(round=r.title(current_locale()))[:60]
        buttons.append(Button(label, Dossier(r=r.key)))
    return Screen("\n".join(lines), rows(buttons))


def _achievement_document(a: AchievementReport) -> Document:
    from bot.render.dossier_docx import render_achievement  # python-docx loads on first use

    return Document(
        render_achievement(a),
        f"bao-cao-thanh-tich_mau-{a.form}_{a.nomination.id}.docx",
        _(
            "Achievement report (form {form}, Decree 98/2023): {nominee}. A draft: fill in the parts marked, "
            "then have it signed."
        ).format(form=a.form, nominee=escape(snippet(a.nomination.nominee, 200))),
    )


def achievement_screen(a: AchievementReport) -> Screen:
    """One nomination's achievement report (form 02 or 03) as a DOCX."""
    return Screen("", attachments=(_achievement_document(a),))


def round_papers_screen(rd: RoundDossier, reports: Sequence[AchievementReport] = ()) -> Screen:
    """A unit's cover submission and list of nominees for a round (DOCX), then each
    nomination's achievement report when the whole dossier was asked for."""
    from bot.render.dossier_docx import render_cover, render_list

    code = "".join(ch for ch in rd.unit.code if ch.isalnum() or ch in "-_") or "don-vi"
    key = rd.round.key.replace("@", "-")
    cover = Document(
        render_cover(rd),
        f"to-trinh_{code}_{key}.docx",
        _("Cover submission (tờ trình): {unit}, {round}.").format(
            unit=escape(rd.unit.name), round=escape(rd.round.title_vi)
        ),
    )
    listing = Document(
        render_list(rd),
        f"danh-sach_{code}_{key}.docx",
        ngettext("List of nominees: {n} nominee.", "List of nominees: {n} nominees.", len(rd.nominees)).format(
            n=len(rd.nominees)
        ),
    )
    return Screen("", attachments=(cover, listing, *(_achievement_document(a) for a in reports)))

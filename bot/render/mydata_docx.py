"""/mydata as a document a person reads (Law 91/2025/QH15, Decree 356/2025/NĐ-CP: the right
to see one's data): who they are, their consent, their settings, their weekly
self-assessments by week with dates, the good examples and nominations they entered.

Built from the same export as the JSON file beside it (bot.services.privacy), so the two
never disagree. It uses the Decree 30 builder's page and type (A4, its margins, Times New
Roman in black) but is a personal export, not an administrative document: no national
heading, no number, no signature, and its words are in the person's language (headings in
Vietnamese, or in English for an English speaker).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from bot.campaign.schema import Campaign
from bot.i18n import N_, _, current_locale, ngettext
from bot.render.decree30 import TEXT_WIDTH, Decree30Document
from bot.render.example_labels import category_name, status_name, subject_name

LEVEL_NAMES = {"good": N_("Good"), "ok": N_("Met"), "not_met": N_("Not met")}
SKIP_NAMES = {
    "leave": N_("On leave"),
    "business_trip": N_("Business trip"),
    "sick": N_("Sick"),
    "other": N_("Other reason"),
}
ROLE_NAMES = {
    "employee": N_("civil servant"),
    "leader": N_("unit leader"),
    "comms": N_("communications staff"),
    "admin": N_("administrator"),
}
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def _when(value: str | None, zone: ZoneInfo) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def _at(value: str | None, zone: ZoneInfo) -> str:
    """ "15:02 ngày 27/11/2026" / "15:02 on 27/11/2026", in the person's time zone."""
    moment = _when(value, zone)
    if moment is None:
        return "—"
    return _("{time} on {date}").format(time=moment.strftime("%H:%M"), date=moment.strftime("%d/%m/%Y"))


def _day(value: str | None) -> str:
    if not value:
        return "—"
    return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def week_dates(week: str) -> str:
    """ "2026-W48" → "23/11/2026 – 29/11/2026": people know weeks by their dates."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    sunday = monday + timedelta(days=6)
    return f"{monday:%d/%m/%Y} – {sunday:%d/%m/%Y}"


def _group_name(campaign: Campaign, code: str, locale: str) -> str:
    try:
        return f"{code}) {campaign.criterion(code).short.get(locale)}"
    except KeyError:  # a group of an earlier campaign file
        return f"{code})"


def _item_label(campaign: Campaign, group: str, item: str, locale: str) -> str:
    try:
        return campaign.criterion(group).item(item).label_for(locale)
    except KeyError:
        return item


class _Builder:
    def __init__(self, data: dict[str, Any], campaign: Campaign, zone: ZoneInfo) -> None:
        self.data, self.campaign, self.zone = data, campaign, zone
        self.locale = current_locale()
        profile = data["profile"]
        self.doc = Decree30Document(title=_("Your personal data"), author=_("Office-culture campaign bot"))
        self.sections = 0
        name = profile.get("full_name") or _("(name not given yet)")
        self.doc.title(_("Your personal data"), name)
        self.doc.paragraph(
            _(
                "Everything the office-culture campaign bot keeps about you, as of {moment}. The JSON file sent with "
                "this document holds the same data in a form computers read."
            ).format(moment=_at(data["exported_at"], zone)),
            italic=True,
            size=12,
            indent=False,
            after=12,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )

    def section(self, title: str) -> None:
        self.doc.section(f"{ROMAN[self.sections]}. {title.upper()}", indent=False, before=12)
        self.sections += 1

    def line(self, label: str, value: str) -> None:
        self.doc.rich([(f"{label}: ", True), (value or "—", False)], indent=False, after=3)

    # -- the parts ------------------------------------------------------------------------

    def who(self) -> None:
        p = self.data["profile"]
        self.section(_("Who you are"))
        self.line(_("Full name"), p.get("full_name") or "—")
        self.line(_("Position"), p.get("position") or "—")
        unit = p.get("unit")
        self.line(_("Unit"), f"{unit['name']} ({unit['code']})" if unit else "—")
        role = p.get("role")
        self.line(_("Role"), _(ROLE_NAMES[role]) if role in ROLE_NAMES else (role or "—"))
        if p.get("zalo_id"):  # a person on Zalo (issue 16) has no Telegram account
            self.line(_("Zalo account"), str(p["zalo_id"]))
        else:
            self.line(_("Telegram account"), str(p.get("telegram_id") or "—"))
        self.line(_("Registered"), _at(p.get("registered_at"), self.zone))
        self.line(
            _("Setting up finished"), _at(p.get("onboarded_at"), self.zone) if p.get("onboarded_at") else _("not yet")
        )

    def consent(self) -> None:
        self.section(_("Consent to the personal-data notice"))
        consents = self.data["consents"]
        if not consents:
            self.doc.paragraph(_("No consent is recorded."), indent=False)
        for c in consents:
            self.line(_("Notice version"), c["notice_version"])
            self.line(
                _("Agreed"),
                "{} ({})".format(_at(c["accepted_at"], self.zone), LANGUAGES.get(c["language"], c["language"])),
            )
            if c.get("withdrawn_at"):
                self.line(_("Withdrawn"), _at(c["withdrawn_at"], self.zone))

    def settings(self) -> None:
        p = self.data["profile"]
        self.section(_("Your settings"))
        self.line(_("Language"), LANGUAGES.get(p.get("language"), p.get("language") or "—"))
        weekday = p.get("checkin_weekday")
        schedule = _("{weekday} at {time}").format(
            weekday=_(WEEKDAYS[weekday]) if isinstance(weekday, int) and 0 <= weekday < 7 else "—",
            time=p.get("checkin_time") or "—",
        )
        self.line(_("Weekly self-assessment"), schedule)
        paused = p.get("paused_until")
        self.line(_("Paused until"), _day(paused) if paused else _("not paused"))

    def checkins(self) -> None:
        self.section(_("Weekly self-assessments"))
        checkins = sorted(self.data["checkins"], key=lambda c: c["week"], reverse=True)
        if not checkins:
            self.doc.paragraph(_("No self-assessment yet."), indent=False)
            return
        self.doc.paragraph(
            ngettext("{n} week, the newest first.", "{n} weeks, the newest first.", len(checkins)).format(
                n=len(checkins)
            ),
            indent=False,
            size=12,
            italic=True,
        )
        for c in checkins:
            self._week(c)

    def _week(self, c: dict[str, Any]) -> None:
        status = c["status"]
        if status == "skipped":
            state = _("absent with a reason: {reason}").format(
                reason=_(SKIP_NAMES.get(c.get("skip_reason") or "other", SKIP_NAMES["other"])).lower()
            )
        elif status == "done":
            state = _("finished {moment}").format(moment=_at(c.get("completed_at"), self.zone))
        else:
            state = _("not finished")
        self.doc.rich(
            [(_("Week {dates}").format(dates=week_dates(c["week"])), True), (f" — {state}", False)],
            indent=False,
            after=3,
        )
        answers = c.get("answers") or []
        if answers:
            rows = []
            for a in answers:
                detail = "; ".join(_item_label(self.campaign, a["criterion"], i, self.locale) for i in a["unmet_items"])
                if a.get("note"):
                    note = _("Note: {text}").format(text=a["note"])
                    detail = f"{detail}. {note}" if detail else note
                level = a["level"]
                rows.append(
                    [
                        _group_name(self.campaign, a["criterion"], self.locale),
                        _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level,
                        detail,
                    ]
                )
            self.doc.table(
                [_("Criterion group"), _("Level"), _("Points not met, note")],
                rows,
                (Cm(5.5), Cm(3), TEXT_WIDTH - Cm(8.5)),
                left=(0, 2),
                size=11,
            )
        if c.get("reflection"):
            self.line(_("Your comment on the week"), c["reflection"])
        if c.get("example_note"):
            self.line(_("Good example noted"), c["example_note"])

    def examples(self) -> None:
        examples = self.data["good_examples"]
        self.section(_("Good examples you sent"))
        if not examples:
            self.doc.paragraph(_("None."), indent=False)
            return
        for n, e in enumerate(examples, start=1):
            head = "{n}. {category} — {status}".format(
                n=n, category=category_name(e.get("category")), status=status_name(e["status"])
            )
            self.doc.rich(
                [(head, True), (" ({})".format(_day(e.get("submitted_at") or e.get("created_at"))), False)],
                indent=False,
                after=3,
            )
            about = subject_name(e.get("about"))
            if e.get("about_name"):
                about = f"{about}: {e['about_name']}"
            self.line(_("The example is about"), about)
            if e.get("story"):
                self.doc.paragraph(e["story"], size=13)
            if e.get("photos"):
                self.line(_("Photos"), str(e["photos"]))
            if e.get("reject_reason"):
                self.line(_("Reason given"), e["reject_reason"])
            if e.get("published_url"):
                self.line(_("Published at"), e["published_url"])

    def nominations(self) -> None:
        nominations = self.data["nominations_entered"]
        if not nominations:
            return
        self.section(_("Nominations you entered"))
        rows = [[n["nominee"], n["unit"], _day(n.get("entered_at")), n.get("achievement") or ""] for n in nominations]
        self.doc.table(
            [_("Nominee"), _("Unit"), _("Entered"), _("Achievements")],
            rows,
            (Cm(4), Cm(2.5), Cm(2.5), TEXT_WIDTH - Cm(9)),
            left=(0, 3),
            size=11,
        )

    def log(self) -> None:
        n = len(self.data.get("actions_logged") or [])
        self.doc.paragraph(
            ngettext(
                "The bot's log also records {n} action of yours (their times are in the JSON file).",
                "The bot's log also records {n} actions of yours (their times are in the JSON file).",
                n,
            ).format(n=n),
            size=12,
            italic=True,
            indent=False,
            before=12,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )


def build_mydata_docx(data: dict[str, Any], campaign: Campaign, timezone: str) -> bytes:
    """The person's data as a DOCX, in the current language (the person's own)."""
    b = _Builder(data, campaign, ZoneInfo(timezone))
    b.who()
    b.consent()
    b.settings()
    b.checkins()
    b.examples()
    b.nominations()
    b.log()
    return b.doc.to_bytes()


__all__ = ["build_mydata_docx", "week_dates"]

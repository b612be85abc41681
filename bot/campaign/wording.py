"""The campaign's facts as the bot says them (SPEC §1: the campaign is data).

The campaign's name, its decision, how many criterion groups it has, the years of its
reviews and the date of the annual report come from the campaign file, never from a
translated string: another phase or another ministry's plan is another file, and every
message follows it. A draft (status: draft, no decision yet) is named as a draft, never
with a decision number it does not have.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.campaign.schema import Campaign, Deadline
from bot.i18n import _, current_locale, ngettext

#: The §VI.1 deadline's code in every campaign file (bot.services.submissions.ANNUAL_REPORT).
ANNUAL_REPORT_CODE = "annual-report"


def _babel_locale() -> str:
    return "en_GB" if current_locale() == "en" else "vi_VN"


def campaign_name(campaign: Campaign) -> str:
    """The campaign's full name from its file, in the current locale; a draft says it awaits
    the decision."""
    name = campaign.title.get(current_locale())
    if campaign.is_draft:
        name = _("{name} (draft, awaiting the ministry's decision)").format(name=name)
    return name


def campaign_reference(campaign: Campaign) -> str:
    """The name with what it rests on: "… giai đoạn 2019 - 2025 (Kế hoạch ban hành kèm theo
    Quyết định số 2497/QĐ-BTNMT ngày 02/10/2019)"; a draft is named as a draft, with no
    "…/QĐ-…" number it does not have yet."""
    if campaign.is_draft or campaign.issued is None:
        return campaign_name(campaign)
    issued = format_date(campaign.issued, format="dd/MM/yyyy", locale=_babel_locale())
    return _("{name} (plan issued with Decision {code} of {date})").format(
        name=campaign.title.get(current_locale()), code=campaign.code, date=issued
    )


def individual_groups(campaign: Campaign) -> str:
    """ "the 7 groups of individual criteria", counted from the file."""
    n = len(campaign.individual_criteria)
    return ngettext("the {n} group of individual criteria", "the {n} groups of individual criteria", n).format(n=n)


def annual_report(campaign: Campaign) -> Deadline | None:
    """The §VI.1 annual report deadline of the file, if it has one."""
    try:
        return campaign.deadline(ANNUAL_REPORT_CODE)
    except KeyError:
        return None


def day_and_month(d: date) -> str:
    """ "15 December" / "15 tháng 12"."""
    return format_date(d, format="d MMMM", locale=_babel_locale())


def annual_report_due(campaign: Campaign) -> str | None:
    """The day the annual report is due every year, "15 December", from the file; None
    when the file has no annual §VI.1 deadline."""
    deadline = annual_report(campaign)
    if deadline is None or deadline.kind != "annual" or deadline.month is None or deadline.day is None:
        return None
    return day_and_month(date(2000, deadline.month, deadline.day))  # 2000: a leap year


def max_nominations(campaign: Campaign) -> str:
    """ "at most 2 per unit and round", from §IV.2 of the file."""
    n = campaign.awards.max_per_unit
    return ngettext("at most {n} per unit and round", "at most {n} per unit and round", n).format(n=n)


def award_rounds(campaign: Campaign) -> str:
    """The file's award rounds, named with their years: "Khen thưởng hằng năm, Khen thưởng sơ
    kết (2022), Khen thưởng tổng kết (2025)"."""
    names = []
    for r in campaign.awards.rounds:
        title = r.title.get(current_locale())
        names.append(title if r.year is None else _("{title}, {year}").format(title=title, year=r.year))
    return ", ".join(names)

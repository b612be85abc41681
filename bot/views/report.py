"""Screens of /report (a leader's annual report, plan §VI.1) and /consolidated (the
administrators' consolidated report, §VI.2): the documents with a short summary. Drawing
the documents takes a moment, so callers run these views off the event loop."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from bot.campaign.wording import annual_report_due
from bot.i18n import _, ngettext
from bot.render.example_labels import snippet
from bot.views.actions import Report
from bot.views.screen import Button, Document, Screen, rows

if TYPE_CHECKING:
    from bot.services.consolidated import ConsolidatedReport
    from bot.services.reports import AnnualReport

YEARS_OFFERED = 3


def summary(rep: AnnualReport) -> str:
    t = rep.figures.tally
    lines = [
        _("<b>Annual report {year}, {unit}</b> — a draft to edit and sign.").format(
            year=rep.year, unit=escape(snippet(rep.unit.name, 120))
        ),
        (
            _("Plan §VI.1: it reaches {ministry} (through {agency}) before {day}.").format(
                ministry=escape(rep.ministry_name), agency=escape(rep.standing_agency), day=due
            )
            if (due := annual_report_due(rep.campaign))
            else _("Plan §VI.1: it reaches {ministry} (through {agency}).").format(
                ministry=escape(rep.ministry_name), agency=escape(rep.standing_agency)
            )
        ),
        _("Self-assessments done: {done}/{expected} person-weeks ({pct}).").format(
            done=t.done, expected=t.expected, pct=f"{t.rate:.0f}%"
        ),
        _("Figures per criterion: included.")
        if rep.figures.shares is not None
        else _("Figures per criterion: withheld (fewer than {n} people answered).").format(n=rep.min_group),
        _("Self-assessment on the collective criteria (§IV.1.1): {n}/{total} criteria assessed.").format(
            n=sum(1 for c in rep.criteria if c.level), total=len(rep.criteria)
        ),
        ngettext("{n} approved good example", "{n} approved good examples", len(rep.examples)).format(
            n=len(rep.examples)
        ),
        ngettext("{n} nomination", "{n} nominations", len(rep.nominations)).format(n=len(rep.nominations)),
    ]
    return "\n".join(lines)


def caption(text: str, limit: int = 1000) -> str:
    """HTML cut to a caption's length at a line break: never inside an entity or a tag."""
    return text if len(text) <= limit else text[: limit - 2].rsplit("\n", 1)[0] + "\n…"


def annual_report_screen(rep: AnnualReport, years: Sequence[int]) -> Screen:
    """The annual report as a DOCX (Decree 30/2020 layout), its summary as the caption, and
    buttons for the other recent years."""
    from bot.render.report_docx import render_annual_report  # python-docx loads on first use

    code = re.sub(r"[^A-Za-z0-9_-]", "", rep.unit.code) or "don-vi"
    document = Document(
        render_annual_report(rep), f"bao-cao-van-hoa-cong-so_{code}_{rep.year}.docx", caption(summary(rep))
    )
    buttons = [Button(_("Report {year}").format(year=y), Report(y=y)) for y in years[-YEARS_OFFERED:] if y != rep.year]
    return Screen("", rows(buttons, YEARS_OFFERED), attachments=(document,))


def gathering_screen(year: int) -> Screen:
    return Screen(_("Gathering every unit's figures for {year}…").format(year=year))


def consolidated_screen(rep: ConsolidatedReport) -> Screen:
    """The consolidated report's figures, a DOCX for the council and an XLSX of the same figures."""
    from bot.render.consolidated import render_consolidated_docx, render_consolidated_xlsx

    t = rep.tally
    text = "\n".join(
        [
            _("<b>Consolidated report {year}</b> (plan §VI.2)").format(year=rep.year),
            _("Units that submitted their report: {done}/{total}.").format(
                done=rep.submitted, total=len(rep.reporting)
            ),
            _("Self-assessments done across the sector: {done}/{expected} person-weeks ({pct}).").format(
                done=t.done, expected=t.expected, pct=f"{t.rate:.0f}%"
            ),
            ngettext("{n} nomination", "{n} nominations", len(rep.nominations)).format(n=len(rep.nominations)),
        ]
    )
    return Screen(
        text,
        attachments=(
            Document(render_consolidated_docx(rep), f"bao-cao-tong-hop_{rep.year}.docx"),
            Document(render_consolidated_xlsx(rep), f"bao-cao-tong-hop_{rep.year}.xlsx"),
        ),
    )

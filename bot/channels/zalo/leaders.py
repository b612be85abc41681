"""Unit leaders on Zalo (issue 16.4, SPEC §3.6, §3.7, §VI.1): the weekly digest and the
deadline reminders reach them through the outbox (the same jobs and views as on Telegram,
drawn by Zalo's renderer), and their replies do what Telegram's buttons do, with the same
services:

- "nhắc" is the latest digest's "remind everyone": those it lists as not done who have not
  self-assessed this week either (NudgeService: each member at most once a day); a number
  from the digest's menu nudges everyone, or one person;
- "xong" marks done for the unit the reminder the chat shows, or else the deadline the
  leader was reminded of (the same DeadlineService.done_for_unit as the reminder's button;
  when several wait, they are listed by number), and the reminders of it stop;
- "đơn vị" (/unit): the unit's figures, the chart as a photo by its signed link;
- "báo cáo" (/report): the annual report as a download link valid 24 hours (PUBLIC_URL);
  without it, where the document is (Telegram, or an administrator).

Communications staff's review and the administrators' tools stay on Telegram: asking for
them here gets a sentence saying so.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import escape
from typing import TYPE_CHECKING, Any, TypeVar

from bot.campaign.schema import Campaign
from bot.channels.telegram.render import payload
from bot.domain import Role
from bot.i18n import _, use_locale
from bot.render.example_labels import snippet
from bot.services.access import Action as Access
from bot.services.access import allowed, deny
from bot.services.checkin import Position, previous_week
from bot.services.deadlines import Occurrence
from bot.services.errors import DomainError
from bot.services.reports import AnnualReport
from bot.views.actions import DeadlineDone, Nudge, Report, Unit
from bot.views.deadlines import fmt, marked_screen
from bot.views.leader import marked_nudges, nudge_screen, unit_chart_screen, unit_screen
from bot.views.screen import Action, Button, Document, Screen, rows

if TYPE_CHECKING:
    from bot.channels.zalo.conversation import Turn
    from storage.models import User

YEARS_OFFERED = 3
A = TypeVar("A", bound=Action)

# Each command: its English name and the words that say it (folded: no diacritics).
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "don vi"),
    "report": ("report", "bao cao", "bao cao nam"),
    "nudge": ("nudge", "nhac", "nhac nho", "nhac tat ca"),
    "done": ("xong", "da xong", "hoan thanh", "done"),
}

#: Tools that stay on Telegram (issue 16.4), by who may use them: the commands' names.
TELEGRAM_ONLY: dict[str, Access] = {
    **dict.fromkeys(("review", "highlights"), Access.review),
    **dict.fromkeys(("nominate", "dossier"), Access.nominate),
    **dict.fromkeys(("selfassess", "submit"), Access.report),
    **dict.fromkeys(("units", "invite", "invites", "revoke"), Access.manage_units),
    "role": Access.manage_roles,
    **dict.fromkeys(("deadlines", "campaign", "submissions", "consolidated", "eligibility"), Access.manage_units),
    **dict.fromkeys(("dashboard", "nominations", "audit"), Access.sector),
    "announce": Access.announce,
}
TELEGRAM_WORDS: dict[str, tuple[str, ...]] = {
    "review": ("duyet", "duyet bai"),
    "highlights": ("noi bat",),
    "nominate": ("de cu", "de nghi khen thuong"),
    "selfassess": ("tu cham diem",),
    "submit": ("nop bao cao",),
    "dashboard": ("toan nganh",),
    "announce": ("thong bao",),
}


async def _leader(turn: Turn, permission: Access = Access.view_unit) -> User:
    """The person, if their role may do this; otherwise refused and audited (AccessDenied: the
    chat says so, as RoleGate does on Telegram)."""
    user = _person(turn)
    if not allowed(user.role, permission):
        await deny(turn.services.session, turn.services.clock, user, permission, "channel=zalo")
    return user


def _person(turn: Turn) -> User:
    if turn.user is None:
        raise DomainError("not_registered")
    return turn.user


def _in_menu(turn: Turn, kind: type[A], **fields: Any) -> A | None:
    """The first action of `kind` (with these fields) in the menu the chat shows."""
    for action in turn.state.menu:
        if isinstance(action, kind) and all(getattr(action, k) == v for k, v in fields.items()):
            return action
    return None


# -- nudges (SPEC §3.6) -------------------------------------------------------------------------


async def nudge_chosen(turn: Turn, action: Nudge) -> None:
    """A number from the digest's menu: everyone it lists (m=0), or one person. The answer,
    and the digest's menu kept with the used nudges marked (its text is not repeated)."""
    user = await _leader(turn)
    campaign: Campaign = turn.campaign

    def body(member: Any, position: Position) -> dict[str, Any]:
        with use_locale(member.locale):  # the member's language, whatever the leader's
            return payload(nudge_screen(campaign, position))

    res = await turn.services.nudges.nudge(user, action.m or None, action.w, body)
    current = turn.state.screen
    marked = marked_nudges(current.rows if current is not None else (), res, everyone=not action.m)
    turn.say(marked.notice)
    if current is not None and _in_menu(turn, Nudge):
        turn.state.shown = Screen(current.text, marked.rows).dump()


async def nudge_everyone(turn: Turn) -> None:
    """ "nhắc": the latest digest's "remind everyone not yet done" (those it lists who have
    not self-assessed this week either), whether or not the digest is the chat's last message."""
    user = await _leader(turn)
    action = _in_menu(turn, Nudge, m=0) or Nudge(m=0, w=previous_week(turn.checkin.current_week(user)))
    await nudge_chosen(turn, action)


# -- deadlines (SPEC §3.7) --------------------------------------------------------------------------


def digest_on_zalo(card: Screen) -> Screen:
    """The Monday digest as a leader reads it on Zalo: how its reminders are sent by reply."""
    if not card.buttons:
        return card
    line = _("Reply with a number below, or “nhắc” to remind everyone not yet done.")
    return replace(card, text=f"{card.text}\n\n{line}")


def reminder_on_zalo(screen: Screen) -> Screen:
    """A deadline reminder as a leader reads it on Zalo: answered with a word, not a tap."""
    tap = _("When your unit has done it, tap the button: reminders stop for the unit.")
    say = _("When your unit has done it, reply “xong” (or the number below): reminders stop for the unit.")
    return replace(screen, text=screen.text.replace(tap, say))


def awaiting_screen(occurrences: list[Occurrence], locale: str) -> Screen:
    """Several deadlines wait for "xong": which one is done?"""
    lines = [_("Several deadlines are waiting for your unit. Which one is done?")]
    buttons = [
        Button(
            _("{date}: {title}").format(date=fmt(o.last_day), title=snippet(o.title(locale), 50)),
            DeadlineDone(k=o.key),
        )
        for o in occurrences
    ]
    return Screen("\n".join(lines), rows(buttons, 1))


async def done_word(turn: Turn) -> None:
    """ "xong": the reminder the chat shows, or else the deadline the leader was reminded of,
    is done for their unit."""
    user = await _leader(turn, Access.deadline_done)
    shown = _in_menu(turn, DeadlineDone)
    if shown is not None:
        await deadline_done(turn, shown)
        return
    waiting = await turn.services.deadlines.awaiting_done(user)
    if not waiting:
        turn.say(_("No deadline reminder is waiting for your unit."))
        return
    if len(waiting) > 1:
        turn.show(awaiting_screen(waiting, user.locale))
        return
    await deadline_done(turn, DeadlineDone(k=waiting[0].key))


async def deadline_done(turn: Turn, action: DeadlineDone) -> None:
    marked = await turn.services.deadlines.done_for_unit(action.k, await _leader(turn, Access.deadline_done))
    turn.out.append(marked_screen(marked))
    turn.state.step, turn.state.data, turn.state.shown = None, {}, None  # the reminder's menu is used


# -- /unit -------------------------------------------------------------------------------------------


async def unit(turn: Turn) -> None:
    ov = await turn.services.figures.overview(await _leader(turn))
    await _unit_shown(turn, ov, chart=True)


async def _unit_shown(turn: Turn, ov: Any, *, chart: bool) -> None:
    turn.show(unit_screen(ov, turn.campaign))
    if chart:  # drawing takes a moment; the picture goes by its link (or is said to be on Telegram)
        turn.out.append(await asyncio.to_thread(unit_chart_screen, ov, turn.campaign))


async def unit_chosen(turn: Turn, action: Unit) -> None:
    """A number from /unit's menu: another week, a sub-unit, the parent, or the chart."""
    ov = await turn.services.figures.overview(await _leader(turn), action.u, action.w)
    if action.c:
        turn.out.append(await asyncio.to_thread(unit_chart_screen, ov, turn.campaign))
        return
    await _unit_shown(turn, ov, chart=False)


# -- /report (plan §VI.1) ------------------------------------------------------------------------------


def report_screen(rep: AnnualReport, years: list[int], data: bytes | None) -> Screen:
    """The annual report for a text channel: a few lines, the Word file as a link (`data`
    None: not drawn, the file is said to be on Telegram or with an administrator), and the
    other recent years by number."""
    t = rep.figures.tally
    lines = [
        _("<b>Annual report {year}, {unit}</b> — a draft to edit and sign.").format(
            year=rep.year, unit=escape(snippet(rep.unit.name, 120))
        ),
        _("Self-assessments done: {done}/{expected} person-weeks ({pct}).").format(
            done=t.done, expected=t.expected, pct=f"{t.rate:.0f}%"
        ),
    ]
    code = re.sub(r"[^A-Za-z0-9_-]", "", rep.unit.code) or "don-vi"
    name = f"bao-cao-van-hoa-cong-so_{code}_{rep.year}.docx"
    document = (
        Document(data, name, _("The Word file (the link works for 24 hours)"))
        if data is not None
        else Document(b"", name, _("The annual report as a Word file"))
    )
    buttons = [Button(_("Report {year}").format(year=y), Report(y=y)) for y in years[-YEARS_OFFERED:] if y != rep.year]
    return Screen("\n".join(lines), rows(buttons, YEARS_OFFERED), attachments=(document,))


async def _report(turn: Turn, year: int) -> None:
    user = await _leader(turn, Access.report)
    reports = turn.services.reports
    rep = await reports.annual(user, year)
    data: bytes | None = None
    if turn.conv.publish is not None:  # a link that expires (PUBLIC_URL): worth drawing the file
        from bot.render.report_docx import render_annual_report  # python-docx loads on first use

        data = await asyncio.to_thread(render_annual_report, rep)
    turn.show(report_screen(rep, reports.years(), data))


async def report(turn: Turn) -> None:
    await _report(turn, turn.services.reports.years()[-1])


async def report_chosen(turn: Turn, action: Report) -> None:
    await _report(turn, action.y)


# -- what stays on Telegram --------------------------------------------------------------------------


def telegram_only(name: str) -> Callable[[Turn], Awaitable[None]]:
    async def said(turn: Turn) -> None:
        user = _person(turn)
        if not allowed(user.role, TELEGRAM_ONLY[name]):
            turn.say(_("That is not among your tools. Send “trợ giúp” to see what I can do."))
        elif Role(user.role) == Role.leader:
            turn.say(
                _(
                    "/{command} is done on Telegram for now. On Zalo, leaders have the weekly digest, "
                    "“nhắc”, “xong”, “đơn vị” and “báo cáo”."
                ).format(command=name)
            )
        else:
            turn.say(
                _(
                    "/{command} is done on Telegram for now: reviewing good examples and the administrators' "
                    "tools are not on Zalo yet. Please open the bot on Telegram."
                ).format(command=name)
            )

    return said


COMMANDS: dict[str, Callable[[Turn], Awaitable[None]]] = {
    "unit": unit,
    "report": report,
    "nudge": nudge_everyone,
    "done": done_word,
    **{name: telegram_only(name) for name in TELEGRAM_ONLY},
}
ALL_WORDS: dict[str, tuple[str, ...]] = {
    **COMMAND_WORDS,
    **{name: (name, *TELEGRAM_WORDS.get(name, ())) for name in TELEGRAM_ONLY},
}
ACTIONS: dict[type[Action], Callable[[Turn, Any], Awaitable[None]]] = {
    Nudge: nudge_chosen,
    DeadlineDone: deadline_done,
    Unit: unit_chosen,
    Report: report_chosen,
}

"""Leaders (SPEC §3.6): the weekly digest's card and chart, and the one-tap nudge."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.i18n import _, current_locale, ngettext
from bot.render.charts import participation_and_criteria
from bot.services.checkin import CheckinService, week_monday
from bot.services.digest import LeaderDigest, NudgeService
from bot.services.stats import MIN_GROUP
from handlers.callbacks import NudgeCB
from handlers.checkin import current_card, week_label
from storage.models import Level, User

MAX_LISTED = 25
MAX_NUDGE_BUTTONS = 6


def _pct(n: int, d: int) -> str:
    return f"{(100 * n / d):.0f}%" if d else "—"


def _date(d) -> str:  # noqa: ANN001
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def digest_card(d: LeaderDigest, campaign: Campaign) -> tuple[str, InlineKeyboardMarkup | None]:
    now, before = d.now, d.before
    unit = escape(d.unit.name)
    lines = [_("<b>Weekly digest, {week}</b>").format(week=week_label(d.week))]
    lines.append(
        ngettext("Unit: {unit} and {n} sub-unit", "Unit: {unit} and {n} sub-units", d.sub_units).format(unit=unit, n=d.sub_units)
        if d.sub_units else _("Unit: {unit}").format(unit=unit)
    )
    arrow = "↑" if now.rate > before.rate else "↓" if now.rate < before.rate else "→"
    lines.append(_("Self-assessed: {done}/{expected} ({pct}); the week before {bdone}/{bexpected} ({bpct}) {arrow}").format(
        done=now.done, expected=now.expected, pct=_pct(now.done, now.expected),
        bdone=before.done, bexpected=before.expected, bpct=_pct(before.done, before.expected), arrow=arrow,
    ))
    lines.append(_("Skipped with a reason: {skipped} · paused: {paused}").format(skipped=now.skipped, paused=now.paused))
    lines.append("")
    locale = current_locale()
    if now.shares is None:
        lines.append(_("Figures per criterion are withheld: fewer than {n} people answered.").format(n=MIN_GROUP))
    else:
        lines.append(_("<b>By criterion group</b> (Good / Met / Not met)"))
        for g in campaign.individual_criteria:
            s = now.shares.get(g.code)
            if s is None or not s.total:
                continue
            lines.append("{code}) {title}: {good:.0f}% / {ok:.0f}% / {bad:.0f}%".format(
                code=g.code, title=escape(g.short.get(locale)),
                good=s.pct(Level.good), ok=s.pct(Level.ok), bad=s.pct(Level.not_met),
            ))
    lines.append("")
    if now.missing:
        names = [escape(m.full_name or "?") for m in now.missing[:MAX_LISTED]]
        more = len(now.missing) - len(names)
        lines.append(ngettext("<b>Not yet self-assessed ({n})</b>", "<b>Not yet self-assessed ({n})</b>", len(now.missing)).format(n=len(now.missing)))
        lines.append(", ".join(names) + (_(" and {n} more").format(n=more) if more else ""))
    else:
        lines.append(_("Everyone expected has self-assessed. Thank you!"))
    if d.deadlines:
        lines += ["", _("<b>Upcoming deadlines</b>")]
        for occ in d.deadlines[:5]:
            lines.append(_("• {date}: {title}").format(date=_date(occ.last_day), title=escape(occ.title(locale))))
    kb = InlineKeyboardBuilder()
    if d.to_remind:
        kb.button(text=_("🔔 Remind everyone not yet done ({n})").format(n=len(d.to_remind)), callback_data=NudgeCB(m=0, w=d.week))
        for m in d.to_remind[:MAX_NUDGE_BUTTONS]:
            kb.button(text=_("🔔 {name}").format(name=(m.full_name or "?")[:40]), callback_data=NudgeCB(m=m.id or 0, w=d.week))
        kb.adjust(1, 2)
    text = "\n".join(lines)
    if len(text) > 4000:
        text = text[:3990] + "…"
    return text, kb.as_markup() if d.to_remind else None


def digest_chart(d: LeaderDigest, campaign: Campaign) -> bytes:
    locale = current_locale()
    shares = None
    if d.now.shares is not None:
        shares = [
            (s.pct(Level.good), s.pct(Level.ok), s.pct(Level.not_met)) if (s := d.now.shares.get(g.code)) else (0.0, 0.0, 0.0)
            for g in campaign.individual_criteria
        ]
    return participation_and_criteria(
        title=_("{unit}: {week}").format(unit=d.unit.name, week=week_label(d.week)),
        weeks=[week_monday(p.week).strftime("%d/%m") for p in d.trend],
        rates=[p.rate for p in d.trend],
        rate_label=_("Self-assessed, % of members"),
        criteria=[f"{g.code}) {g.short.get(locale)}" for g in campaign.individual_criteria],
        shares=shares,
        share_labels=[_("Good"), _("Met"), _("Not met")],
        withheld_text=_("Figures per criterion withheld:\nfewer than {n} people answered.").format(n=MIN_GROUP),
    )


async def nudge_payload(member: User, svc: CheckinService) -> dict[str, Any]:
    from scheduler.jobs import payload

    with i18n.use_locale(member.locale):
        text, kb = await current_card(svc, member)
        text = _("Your unit's leader reminds you of this week's self-assessment.") + "\n\n" + text
    return payload(text, kb)


async def nudge(query: CallbackQuery, callback_data: NudgeCB, callback_answer: CallbackAnswer,
                session: AsyncSession, clock: Clock, campaign: Campaign, user: User) -> None:
    res = await NudgeService(session, clock, campaign).nudge(user, callback_data.m or None, callback_data.w, nudge_payload)
    parts = [ngettext("{n} reminder queued.", "{n} reminders queued.", res.queued).format(n=res.queued)]
    if res.already:
        parts.append(ngettext("{n} already reminded today.", "{n} already reminded today.", res.already).format(n=res.already))
    if res.done:
        parts.append(ngettext("{n} has done it this week.", "{n} have done it this week.", res.done).format(n=res.done))
    callback_answer.text = " ".join(parts)
    callback_answer.show_alert = True


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="leader")
    router.callback_query.register(nudge, NudgeCB.filter())
    return router

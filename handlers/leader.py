"""Leaders (SPEC §3.6): the weekly digest's card and chart, the one-tap nudge, and /unit:
the unit's figures on demand (participation week by week, per-criterion shares withheld
under MIN_GROUP respondents, sub-units), as text and a chart. A leader sees their own
unit and its sub-units only; administrators see any unit (/unit CODE)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from html import escape
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import i18n
from bot.campaign.schema import Campaign
from bot.channels.telegram.callbacks import NudgeCB, UnitCB
from bot.channels.telegram.render import payload as render_payload
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import _, current_locale, ngettext
from bot.render.charts import participation_and_criteria, unit_overview
from bot.render.example_labels import category_label, snippet
from bot.services.checkin import CheckinService, previous_week, week_key, week_monday
from bot.services.digest import LeaderDigest, NudgeResult, NudgeService
from bot.services.errors import NotFound
from bot.services.figures import FiguresService, UnitOverview
from bot.services.stats import MIN_GROUP, Participation, needs_attention
from bot.views.checkin import current_screen, week_label
from handlers.edit import edit_in_place, edit_markup_in_place
from storage.models import Level, User
from storage.repositories import UnitRepo

MAX_LISTED = 25
NAMES_BUDGET = 2000  # characters of escaped names in the digest, the rest counted
TEXT_BUDGET = 4000  # of HTML, below Telegram's 4096 characters
MAX_NUDGE_BUTTONS = 6
MAX_EXAMPLES = 3


def _pct(n: int, d: int) -> str:
    return f"{(100 * n / d):.0f}%" if d else "—"


def _date(d) -> str:  # noqa: ANN001
    return format_date(d, format="dd/MM/yyyy", locale="vi_VN" if current_locale() == "vi" else "en_GB")


def fit(text: str) -> str:
    """At most TEXT_BUDGET characters of HTML, cut at a line break: each line closes its
    own tags, so the cut never falls inside an entity or a tag."""
    if len(text) <= TEXT_BUDGET:
        return text
    return text[: TEXT_BUDGET - 2].rsplit("\n", 1)[0] + "\n…"


def absence_counts(p: Participation) -> str:
    """ "absent with a reason: 2 · paused: 1", the counts that are not zero ("" if none)."""
    parts = []
    if p.skipped:
        parts.append(_("absent with a reason: {n}").format(n=p.skipped))
    if p.paused:
        parts.append(_("paused: {n}").format(n=p.paused))
    return " · ".join(parts)


def _share_lines(p: Participation, campaign: Campaign, attention: str | None) -> list[str]:
    """The criteria shares, the group that needs attention marked, and named below."""
    locale = current_locale()
    if p.shares is None:
        return [_("Figures per criterion are withheld: fewer than {n} people answered.").format(n=MIN_GROUP)]
    lines = [_("<b>By criterion group</b> (Good / Met / Not met)")]
    for g in campaign.individual_criteria:
        s = p.shares.get(g.code)
        if s is None or not s.total:
            continue
        line = f"{g.code}) {escape(g.short.get(locale))}: {s.pct(Level.good):.0f}% / {s.pct(Level.ok):.0f}% / {s.pct(Level.not_met):.0f}%"
        lines.append(f"<b>{line}</b>" if g.code == attention else line)
    if attention is not None and (s := p.shares.get(attention)) is not None:
        title = escape(campaign.criterion(attention).short.get(locale))
        if s.not_met:
            lines.append(
                _("⚠️ Needs attention: {code}) {title}, the most answers Not met ({pct:.0f}%).").format(
                    code=attention, title=title, pct=s.pct(Level.not_met)
                )
            )
        else:
            lines.append(
                _("⚠️ Needs attention: {code}) {title}, the fewest answers Good ({pct:.0f}%).").format(
                    code=attention, title=title, pct=s.pct(Level.good)
                )
            )
    return lines


def digest_card(d: LeaderDigest, campaign: Campaign) -> tuple[str, InlineKeyboardMarkup | None]:
    now, before = d.now, d.before
    unit = escape(d.unit.name)
    lines = [_("<b>Weekly digest, {week}</b>").format(week=week_label(d.week))]
    lines.append(
        ngettext("Unit: {unit} and {n} sub-unit", "Unit: {unit} and {n} sub-units", d.sub_units).format(
            unit=unit, n=d.sub_units
        )
        if d.sub_units
        else _("Unit: {unit}").format(unit=unit)
    )
    if before.expected:
        arrow = "↑" if now.rate > before.rate else "↓" if now.rate < before.rate else "→"
        lines.append(
            _("Self-assessed: {done}/{expected} ({pct}); the week before {bdone}/{bexpected} ({bpct}) {arrow}").format(
                done=now.done,
                expected=now.expected,
                pct=_pct(now.done, now.expected),
                bdone=before.done,
                bexpected=before.expected,
                bpct=_pct(before.done, before.expected),
                arrow=arrow,
            )
        )
    else:  # nobody had joined yet the week before: nothing to compare with
        lines.append(
            _("Self-assessed: {done}/{expected} ({pct})").format(
                done=now.done, expected=now.expected, pct=_pct(now.done, now.expected)
            )
        )
    if absences := absence_counts(now):
        lines.append(absences[:1].upper() + absences[1:])
    lines.append("")
    locale = current_locale()
    lines += _share_lines(now, campaign, d.attention)
    lines.append("")
    if now.missing:
        names: list[str] = []
        for m in now.missing[:MAX_LISTED]:
            name = escape(m.full_name or "?")
            if names and sum(len(n) + 2 for n in names) + len(name) > NAMES_BUDGET:
                break
            names.append(name)
        more = len(now.missing) - len(names)
        lines.append(
            ngettext(
                "<b>Not yet self-assessed ({n})</b>", "<b>Not yet self-assessed ({n})</b>", len(now.missing)
            ).format(n=len(now.missing))
        )
        lines.append(", ".join(names) + (_(" and {n} more").format(n=more) if more else ""))
    else:
        lines.append(_("Everyone expected has self-assessed. Thank you!"))
    if d.examples:
        lines += [
            "",
            ngettext("<b>New good examples ({n})</b>", "<b>New good examples ({n})</b>", len(d.examples)).format(
                n=len(d.examples)
            ),
        ]
        for ex in d.examples[:MAX_EXAMPLES]:
            lines.append(f"• {category_label(ex.category)}: {escape(snippet(ex.story, 90))}")
    if d.deadlines:
        lines += ["", _("<b>Upcoming deadlines</b>")]
        for occ in d.deadlines[:5]:
            lines.append(_("• {date}: {title}").format(date=_date(occ.last_day), title=escape(occ.title(locale))))
    kb = InlineKeyboardBuilder()
    if d.to_remind:
        kb.button(
            text=_("🔔 Remind everyone not yet done ({n})").format(n=len(d.to_remind)),
            callback_data=NudgeCB(m=0, w=d.week),
        )
        for m in d.to_remind[:MAX_NUDGE_BUTTONS]:
            kb.button(
                text=_("🔔 {name}").format(name=(m.full_name or "?")[:40]), callback_data=NudgeCB(m=m.id or 0, w=d.week)
            )
        kb.adjust(1, 2)
    text = "\n".join(lines)
    text = fit(text)
    return text, kb.as_markup() if d.to_remind else None


def _chart_args(
    unit_name: str, week: int, trend: list[Participation], now: Participation, campaign: Campaign
) -> dict[str, Any]:
    """What the digest's chart and /unit's chart share: the trend and the criteria bars."""
    locale = current_locale()
    shares = None
    if now.shares is not None:
        shares = [
            (s.pct(Level.good), s.pct(Level.ok), s.pct(Level.not_met))
            if (s := now.shares.get(g.code))
            else (0.0, 0.0, 0.0)
            for g in campaign.individual_criteria
        ]
    return {
        "title": _("{unit}: {week}").format(unit=unit_name, week=week_label(week)),
        "weeks": [week_monday(p.week).strftime("%d/%m") for p in trend],
        "rates": [p.rate for p in trend],
        "rate_label": _("Self-assessed, % of members"),
        "criteria": [f"{g.code}) {g.short.get(locale)}" for g in campaign.individual_criteria],
        "shares": shares,
        "share_labels": [_("Good"), _("Met"), _("Not met")],
        "withheld_text": _("Figures per criterion withheld:\nfewer than {n} people answered.").format(n=MIN_GROUP),
    }


def chart_headline(now: Participation, before: Participation | None) -> dict[str, str]:
    """The chart's headline figure: the week's participation, and its change in points."""
    if not now.expected:
        return {"headline": "—", "headline_note": ""}
    rate = round(now.rate)
    if before is None or not before.expected:
        return {"headline": f"{rate}%", "headline_note": _("no figures for the week before")}
    change = rate - round(before.rate)
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return {
        "headline": f"{rate}%",
        "headline_note": _("{arrow}{points} vs the week before").format(arrow=arrow, points=abs(change)),
    }


def digest_chart(d: LeaderDigest, campaign: Campaign) -> bytes:
    return participation_and_criteria(
        **_chart_args(d.unit.name, d.week, d.trend, d.now, campaign), **chart_headline(d.now, d.before)
    )


async def nudge_payload(member: User, svc: CheckinService) -> dict[str, Any]:
    with i18n.use_locale(member.locale):
        screen = current_screen(svc.campaign, await svc.position(member))
        return render_payload(screen.above(_("Your unit's leader reminds you of this week's self-assessment.")))


def _name(member: User) -> str:
    """A name in a button or a tap's answer (plain text; an answer holds 200 characters)."""
    return (member.full_name or "?")[:40]


def nudge_answer(res: NudgeResult, one: bool) -> str:
    """What the leader reads after a tap: reminders are queued (the outbox sends them
    within minutes), so they are said to be scheduled, not sent."""
    if one:
        if res.scheduled:
            return _("A reminder to {name} is scheduled: it will be sent within a few minutes.").format(
                name=_name(res.scheduled[0])
            )
        if res.already:
            m = res.already[0]
            if (m.id or 0) in res.delivered:
                return _("{name} was already reminded today: the reminder has been sent.").format(name=_name(m))
            return _("{name} was already reminded today: the reminder will be sent within a few minutes.").format(
                name=_name(m)
            )
        if res.not_needed:
            return _("{name} has self-assessed or is absent with a reason this week: no reminder is needed.").format(
                name=_name(res.not_needed[0])
            )
    if not (res.scheduled or res.already or res.not_needed):
        return _("Nobody needed a reminder: everyone expected has self-assessed or is absent with a reason.")
    parts = []
    if res.scheduled:
        parts.append(
            ngettext(
                "{n} reminder scheduled: it will be sent within a few minutes.",
                "{n} reminders scheduled: they will be sent within a few minutes.",
                res.queued,
            ).format(n=res.queued)
        )
    else:
        parts.append(_("No new reminder."))
    if res.already:
        parts.append(
            ngettext("{n} already reminded today.", "{n} already reminded today.", len(res.already)).format(
                n=len(res.already)
            )
        )
    if res.not_needed:
        parts.append(ngettext("{n} has done it this week.", "{n} have done it this week.", res.done).format(n=res.done))
    return " ".join(parts)


def marked_nudges(markup: InlineKeyboardMarkup | None, res: NudgeResult, everyone: bool) -> InlineKeyboardMarkup | None:
    """The card's buttons with the used nudges marked: "✓ Reminded …" for those reminded
    today, "✓ … no reminder needed" for those done. A marked button still answers a tap
    (the same nudge, which then says it was already sent today)."""
    if markup is None:
        return None
    reminded = {m.id: m for m in res.reminded}
    done = {m.id: m for m in res.not_needed}
    rows = []
    for row in markup.inline_keyboard:
        new_row = []
        for button in row:
            try:
                cb = NudgeCB.unpack(button.callback_data or "")
            except (TypeError, ValueError):
                new_row.append(button)
                continue
            text = button.text
            if cb.m == 0 and everyone:
                text = _("✓ Reminded everyone not yet done ({n})").format(n=len(res.reminded))
            elif cb.m in reminded:
                text = _("✓ Reminded: {name}").format(name=_name(reminded[cb.m]))
            elif cb.m in done:
                text = _("✓ {name}: no reminder needed").format(name=_name(done[cb.m]))
            new_row.append(button.model_copy(update={"text": text}) if text != button.text else button)
        rows.append(new_row)
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def nudge(
    query: CallbackQuery,
    callback_data: NudgeCB,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    clock: Clock,
    campaign: Campaign,
    user: User,
) -> None:
    res = await NudgeService(session, clock, campaign).nudge(
        user, callback_data.m or None, callback_data.w, nudge_payload
    )
    callback_answer.text = nudge_answer(res, one=bool(callback_data.m))
    callback_answer.show_alert = True
    if isinstance(query.message, Message):
        await edit_markup_in_place(query, marked_nudges(query.message.reply_markup, res, everyone=not callback_data.m))


# -- /unit -------------------------------------------------------------------------------

MAX_SUB_UNITS_LISTED = 30
MAX_SUB_UNIT_BUTTONS = 8


def unit_card(ov: UnitOverview, campaign: Campaign) -> tuple[str, InlineKeyboardMarkup]:
    now = ov.now
    figures = _("Self-assessed: {done}/{expected} ({pct})").format(
        done=now.done, expected=now.expected, pct=_pct(now.done, now.expected)
    )
    if absences := absence_counts(now):
        figures += " · " + absences
    lines = [f"<b>{escape(ov.unit.name)}</b> — {week_label(ov.week)}", figures]
    if ov.this_week is not None:
        lines.append(
            _("This week so far: {done}/{expected} ({pct})").format(
                done=ov.this_week.done,
                expected=ov.this_week.expected,
                pct=_pct(ov.this_week.done, ov.this_week.expected),
            )
        )
    lines.append(
        _("Last {n} weeks: {rates}").format(
            n=len(ov.trend), rates=" · ".join(_pct(p.done, p.expected) for p in ov.trend)
        )
    )
    order = [g.code for g in campaign.individual_criteria]
    lines += [""] + _share_lines(now, campaign, needs_attention(now.shares, order))
    if ov.sub_units:
        lines += [
            "",
            ngettext("<b>Sub-unit</b> ({n})", "<b>Sub-units</b> ({n})", len(ov.sub_units)).format(n=len(ov.sub_units)),
        ]
        for child, p in ov.sub_units[:MAX_SUB_UNITS_LISTED]:
            lines.append(f"• {escape(child.name)}: {p.done}/{p.expected} ({_pct(p.done, p.expected)})")
        if len(ov.sub_units) > MAX_SUB_UNITS_LISTED:
            lines.append(_("… and {count} more.").format(count=len(ov.sub_units) - MAX_SUB_UNITS_LISTED))
    kb = InlineKeyboardBuilder()
    uid = ov.unit.id or 0
    nav = [InlineKeyboardButton(text=_("◀ Week before"), callback_data=UnitCB(u=uid, w=previous_week(ov.week)).pack())]
    following = week_key(week_monday(ov.week) + timedelta(days=7))
    if following < ov.current_week:
        nav.append(InlineKeyboardButton(text=_("Week after ▶"), callback_data=UnitCB(u=uid, w=following).pack()))
    kb.row(*nav)
    for child, _p in ov.sub_units[:MAX_SUB_UNIT_BUTTONS]:
        kb.row(
            InlineKeyboardButton(text="🔎 " + child.name[:40], callback_data=UnitCB(u=child.id or 0, w=ov.week).pack())
        )
    if ov.parent is not None:
        kb.row(
            InlineKeyboardButton(
                text="⬆ " + ov.parent.name[:40], callback_data=UnitCB(u=ov.parent.id or 0, w=ov.week).pack()
            )
        )
    kb.row(InlineKeyboardButton(text=_("📊 Chart"), callback_data=UnitCB(u=uid, w=ov.week, c=True).pack()))
    text = "\n".join(lines)
    text = fit(text)
    return text, kb.as_markup()


def unit_chart(ov: UnitOverview, campaign: Campaign) -> bytes:
    """The week's participation and its change, then week by week (criteria and sub-units
    are in the card's text)."""
    args = _chart_args(ov.unit.name, ov.week, ov.trend, ov.now, campaign)
    return unit_overview(
        title=args["title"],
        weeks=args["weeks"],
        rates=args["rates"],
        rate_label=args["rate_label"],
        **chart_headline(ov.now, ov.trend[-2] if len(ov.trend) > 1 else None),
    )


async def send_unit_chart(message: Message, ov: UnitOverview, campaign: Campaign) -> None:
    png = await asyncio.to_thread(unit_chart, ov, campaign)  # drawing takes a moment
    await message.answer_photo(
        BufferedInputFile(png, filename="unit.png"),
        caption=_("Participation and criteria, {unit}").format(unit=escape(ov.unit.name[:200])),
    )


async def unit_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    campaign: Campaign,
    user: User,
) -> None:
    unit_id = None
    code = (command.args or "").strip()
    if code:
        unit = await UnitRepo(session).by_code(code)
        if unit is None:
            raise NotFound("unit", value=code)
        unit_id = unit.id
    ov = await FiguresService(session, clock, settings.timezone).overview(user, unit_id)
    text, kb = unit_card(ov, campaign)
    await message.answer(text, reply_markup=kb)
    await send_unit_chart(message, ov, campaign)


async def unit_view(
    query: CallbackQuery,
    callback_data: UnitCB,
    session: AsyncSession,
    clock: Clock,
    settings: Settings,
    campaign: Campaign,
    user: User,
) -> None:
    ov = await FiguresService(session, clock, settings.timezone).overview(user, callback_data.u, callback_data.w)
    if not isinstance(query.message, Message):
        return
    if callback_data.c:
        await send_unit_chart(query.message, ov, campaign)
        return
    await edit_in_place(query, *unit_card(ov, campaign))


def make_router() -> Router:
    """A new router each time: every Dispatcher (tests, workers) gets its own."""
    router = Router(name="leader")
    router.callback_query.register(nudge, NudgeCB.filter())
    router.message.register(unit_command, Command("unit"))
    router.callback_query.register(unit_view, UnitCB.filter())
    return router

"""Leaders (SPEC §3.6): the weekly digest's card and chart, the one-tap nudge and what a
tap on it says, and /unit: the unit's figures (participation week by week, per-criterion
shares withheld under MIN_GROUP respondents, sub-units) as text and a chart.

The scheduler's Monday job (scheduler/jobs.py) and the handlers (handlers/leader.py) draw
with these same functions."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

from babel.dates import format_date

from bot.campaign.schema import Campaign
from bot.domain import Level
from bot.i18n import _, current_locale, ngettext
from bot.render.charts import participation_and_criteria, unit_overview
from bot.render.example_labels import category_label, snippet
from bot.services.checkin import Position, previous_week, week_key, week_monday
from bot.services.digest import LeaderDigest, NudgeResult
from bot.services.figures import UnitOverview
from bot.services.stats import MIN_GROUP, Participation, needs_attention
from bot.views.actions import Nudge, Unit
from bot.views.checkin import current_screen, week_label
from bot.views.screen import Button, Photo, Rows, Screen, rows

MAX_LISTED = 25
NAMES_BUDGET = 2000  # characters of escaped names in the digest, the rest counted
TEXT_BUDGET = 4000  # of HTML, below Telegram's 4096 characters
MAX_NUDGE_BUTTONS = 6
MAX_EXAMPLES = 3
MAX_SUB_UNITS_LISTED = 30
MAX_SUB_UNIT_BUTTONS = 8


def _pct(n: int, d: int) -> str:
    return f"{(100 * n / d):.0f}%" if d else "—"


def _date(d: date) -> str:
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
        line = (
            f"{g.code}) {escape(g.short.get(locale))}: "
            f"{s.pct(Level.good):.0f}% / {s.pct(Level.ok):.0f}% / {s.pct(Level.not_met):.0f}%"
        )
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


# -- the weekly digest --------------------------------------------------------------------


def _name(member: Any) -> str:
    """A name in a button or a tap's answer (plain text; an answer holds 200 characters)."""
    return (member.full_name or "?")[:40]


def digest_screen(d: LeaderDigest, campaign: Campaign) -> Screen:
    """The leader's Monday card: the week's participation and its change, the criteria,
    who has not self-assessed (with a nudge button each, and one for everyone), the new
    good examples and the deadlines ahead."""
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
    buttons: list[Button] = []
    if d.to_remind:
        buttons.append(
            Button(_("🔔 Remind everyone not yet done ({n})").format(n=len(d.to_remind)), Nudge(m=0, w=d.week))
        )
        for m in d.to_remind[:MAX_NUDGE_BUTTONS]:
            buttons.append(Button(_("🔔 {name}").format(name=(m.full_name or "?")[:40]), Nudge(m=m.id or 0, w=d.week)))
    return Screen(fit("\n".join(lines)), rows(buttons, 1, 2))


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


def chart_caption(unit_name: str) -> str:
    """The chart's caption, HTML: the unit's name escaped (and cut before, never inside an entity)."""
    return _("Participation and criteria, {unit}").format(unit=escape(unit_name[:200]))


def digest_chart(d: LeaderDigest, campaign: Campaign) -> bytes:
    args = _chart_args(d.unit.name, d.week, d.trend, d.now, campaign) | chart_headline(d.now, d.before)
    return participation_and_criteria(**args)


def digest_chart_screen(d: LeaderDigest, campaign: Campaign) -> Screen:
    """The digest's chart, below its card (drawing takes a moment)."""
    caption = chart_caption(d.unit.name)
    return Screen(caption, attachments=(Photo(digest_chart(d, campaign), "digest.png", caption),))


# -- the one-tap nudge --------------------------------------------------------------------


def nudge_screen(campaign: Campaign, position: Position) -> Screen:
    """What a nudged member gets: this week's self-assessment where they stand, the
    leader's reminder above it (in the member's language: the caller sets it)."""
    return current_screen(campaign, position).above(_("Your unit's leader reminds you of this week's self-assessment."))


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


def marked_nudges(buttons: Rows, res: NudgeResult, everyone: bool) -> Screen:
    """The digest's buttons (as the tapped card has them) with the used nudges marked:
    "✓ Reminded …" for those reminded today, "✓ … no reminder needed" for those done; the
    tap's answer as the notice. A marked button still answers a tap (the same nudge,
    which then says it was already sent today)."""
    reminded = {m.id: m for m in res.reminded}
    done = {m.id: m for m in res.not_needed}
    out = []
    for row in buttons:
        new_row = []
        for b in row:
            label = b.label
            if isinstance(b.action, Nudge):
                if b.action.m == 0 and everyone:
                    label = _("✓ Reminded everyone not yet done ({n})").format(n=len(res.reminded))
                elif b.action.m in reminded:
                    label = _("✓ Reminded: {name}").format(name=_name(reminded[b.action.m]))
                elif b.action.m in done:
                    label = _("✓ {name}: no reminder needed").format(name=_name(done[b.action.m]))
            new_row.append(Button(label, b.action, b.url) if label != b.label else b)
        out.append(tuple(new_row))
    return Screen("", tuple(out), notice=nudge_answer(res, one=not everyone), alert=True)


# -- /unit --------------------------------------------------------------------------------


def unit_screen(ov: UnitOverview, campaign: Campaign) -> Screen:
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
    uid = ov.unit.id or 0
    nav = [Button(_("◀ Week before"), Unit(u=uid, w=previous_week(ov.week)))]
    following = week_key(week_monday(ov.week) + timedelta(days=7))
    if following < ov.current_week:
        nav.append(Button(_("Week after ▶"), Unit(u=uid, w=following)))
    kb: list[tuple[Button, ...]] = [tuple(nav)]
    for child, _p in ov.sub_units[:MAX_SUB_UNIT_BUTTONS]:
        kb.append((Button("🔎 " + child.name[:40], Unit(u=child.id or 0, w=ov.week)),))
    if ov.parent is not None:
        kb.append((Button("⬆ " + ov.parent.name[:40], Unit(u=ov.parent.id or 0, w=ov.week)),))
    kb.append((Button(_("📊 Chart"), Unit(u=uid, w=ov.week, c=True)),))
    return Screen(fit("\n".join(lines)), tuple(kb))


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


def unit_chart_screen(ov: UnitOverview, campaign: Campaign) -> Screen:
    """The chart alone (drawing takes a moment: callers on the event loop run this in a thread)."""
    return Screen("", attachments=(Photo(unit_chart(ov, campaign), "unit.png", chart_caption(ov.unit.name)),))

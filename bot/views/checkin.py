"""The weekly check-in's screens (SPEC §3.2): one message, edited in place, one tap per
criterion group. All-good path: 7 taps (one per group, the prompt carries the first) +
"Finish" = 8 taps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import lru_cache
from html import escape

from babel.dates import format_date

from bot.campaign.schema import Campaign
from bot.domain import CheckInStatus, Level
from bot.i18n import N_, _, current_locale
from bot.services.checkin import NOTE_MAX, REFLECTION_MAX, SKIP_REASONS, CheckinView, Position, Summary, week_monday
from bot.views.actions import CheckinAct, CheckinAnswer, CheckinItem, CheckinStep, LevelCode
from bot.views.screen import Button, Screen, rows

LEVELS = (Level.good, Level.ok, Level.not_met)
LEVEL_NAMES = {Level.good: N_("Good"), Level.ok: N_("Met"), Level.not_met: N_("Not met")}
LEVEL_ICONS = {Level.good: "🟢", Level.ok: "🟡", Level.not_met: "🔴"}
CODE_OF = {Level.good: LevelCode.good, Level.ok: LevelCode.ok, Level.not_met: LevelCode.not_met}
LEVEL_OF = {v: k for k, v in CODE_OF.items()}
SKIP_NAMES = {
    "leave": N_("On leave"),
    "business_trip": N_("Business trip"),
    "sick": N_("Sick"),
    "other": N_("Other reason"),
}
SCORE = {Level.good: 2, Level.ok: 1, Level.not_met: 0}


def level_name(level: Level) -> str:
    return _(LEVEL_NAMES[level])


def week_label(week: int) -> str:
    return _week_label(week, current_locale())


@lru_cache(maxsize=256)
def _week_label(week: int, locale: str) -> str:
    """ "week 48 (23/11–29/11/2026)": on every card, so worked out once per week and language."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    loc = "vi_VN" if locale == "vi" else "en_GB"
    return _("week {number} ({start}–{end})").format(
        number=week % 100,
        start=format_date(monday, format="dd/MM", locale=loc),
        end=format_date(sunday, format="dd/MM/yyyy", locale=loc),
    )


def _header(view: CheckinView) -> str:
    return _("<b>Weekly self-assessment, {week}</b>").format(week=week_label(view.week))


def group_title(campaign: Campaign, code: str) -> str:
    g = campaign.criterion(code)
    return f"{g.code}) {escape(g.short.get(current_locale()))}"


def _item_label(campaign: Campaign, code: str, item: str) -> str:
    try:
        return escape(campaign.criterion(code).item(item).label_for(current_locale()))
    except KeyError:  # a sub-item of an earlier campaign file
        return escape(item)


# -- cards ------------------------------------------------------------------------------


# Cards that depend only on the week, the language and the step are built once and kept:
# a tap is the hot path.
_CARDS: dict[tuple, Screen] = {}


def _kept(key: tuple, build: Callable[[], Screen]) -> Screen:
    card = _CARDS.get(key)
    if card is None:
        if len(_CARDS) > 5000:
            _CARDS.clear()
        card = _CARDS[key] = build()
    return card


def question_card(campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False) -> Screen:
    """The card for one criterion group (built once per week, group, language and mode)."""
    key = ("question", id(campaign), current_locale(), view.week, code, editing, view.status == CheckInStatus.done)
    return _kept(key, lambda: _build_question_card(campaign, view, code, editing=editing))


def _build_question_card(campaign: Campaign, view: CheckinView, code: str, *, editing: bool) -> Screen:
    g = campaign.criterion(code)
    index = view.order.index(code)
    locale = current_locale()
    lines = [
        _header(view),
        _("Question {n}/{total}").format(n=index + 1, total=view.total) if not editing else _("Changing an answer"),
        "",
        f"<b>{group_title(campaign, code)}</b>",
        f"<i>{escape(g.hint.get(locale))}</i>",
        _("This week, how well did you do? ({ref})").format(ref=escape(g.ref)),
    ]
    kb: list[Button] = []
    for level in LEVELS:
        kb.append(
            Button(
                f"{LEVEL_ICONS[level]} {level_name(level)}",
                CheckinAnswer(w=view.week, c=index, l=CODE_OF[level], e=editing),
            )
        )
    if not editing and view.status != CheckInStatus.done:
        kb.append(Button(_("Skip this week"), CheckinStep(w=view.week, a=CheckinAct.skip)))
    elif editing:  # back to the list of answers, nothing changed
        kb.append(Button(_("↩ Back"), CheckinStep(w=view.week, a=CheckinAct.edit)))
    return Screen("\n".join(lines), rows(kb, 3, 1))


def items_card(campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False) -> Screen:
    """ "Which points were not met?": one button per sub-item with its short label from the
    campaign file (☑ when marked), the plan's full wording folded below. Built once per
    week, group, language, mode and set of marks; a note typed here is added fresh."""
    marked = frozenset(view.answers[code].sub_items) if code in view.answers else frozenset()
    key = ("items", id(campaign), current_locale(), view.week, code, editing, marked)
    card = _kept(key, lambda: _build_items_card(campaign, view, code, marked, editing=editing))
    note = view.answers[code].note if code in view.answers else None
    if note:
        return replace(card, text=card.text + "\n\n" + _("Your note: {note}").format(note=escape(note)))
    return card


def _build_items_card(
    campaign: Campaign, view: CheckinView, code: str, marked: frozenset[str], *, editing: bool
) -> Screen:
    g = campaign.criterion(code)
    index = view.order.index(code)
    locale = current_locale()
    # The plan's wording of each point, under its label, in a quote folded to a few lines:
    # the buttons say enough on a phone, the full text is one tap away.
    wording = "\n".join(f"<b>{escape(item.label_for(locale))}:</b> {escape(item.text.get(locale))}" for item in g.items)
    lines = [
        _header(view),
        f"<b>{group_title(campaign, code)}</b> — {level_name(Level.not_met)}",
        _("Which points were not met? Tap to mark them (optional), then Continue."),
        f"<blockquote expandable>{wording}</blockquote>",
    ]
    kb: list[Button] = []
    for n, item in enumerate(g.items):
        box = "☑" if item.code in marked else "☐"
        kb.append(Button(f"{box} {item.label_for(locale)}", CheckinItem(w=view.week, c=index, i=n, e=editing)))
    kb.append(Button(_("Continue ➡"), CheckinStep(w=view.week, a=CheckinAct.items_done, c=index, e=editing)))
    return Screen("\n".join(lines), rows(kb))  # one label a row: a phone shows each in full


def note_card(campaign: Campaign, view: CheckinView, code: str, *, editing: bool = False) -> Screen:
    index = view.order.index(code)
    text = "\n".join(
        [
            _header(view),
            f"<b>{group_title(campaign, code)}</b> — {level_name(Level.not_met)}",
            _("Add a short note if you wish (at most {max} characters): type it and send. Or tap Skip.").format(
                max=NOTE_MAX
            ),
        ]
    )
    kb: list[Button] = []
    kb.append(Button(_("Skip ➡"), CheckinStep(w=view.week, a=CheckinAct.note_skip, c=index, e=editing)))
    return Screen(text, rows(kb))


def wrapup_card(view: CheckinView, saved: str | None = None) -> Screen:
    """After the last group: a reflection, a good example, or finish."""
    if saved:
        return _build_wrapup_card(view, saved)
    return _kept(("wrapup", current_locale(), view.week, view.total), lambda: _build_wrapup_card(view, None))


def _build_wrapup_card(view: CheckinView, saved: str | None) -> Screen:
    lines = [_header(view), _("All {total} groups answered.").format(total=view.total)]
    if saved:
        lines.append(saved)
    lines += [
        "",
        _("If you wish, type one line of reflection on this week (at most {max} characters) and send it.").format(
            max=REFLECTION_MAX
        ),
        _("Did you see a good example this week, from yourself or a colleague?"),
    ]
    kb: list[Button] = []
    kb.append(Button(_("🌟 Yes, a good example"), CheckinStep(w=view.week, a=CheckinAct.example)))
    kb.append(Button(_("✅ Finish"), CheckinStep(w=view.week, a=CheckinAct.finish)))
    return Screen("\n".join(lines), rows(kb))


def summary_card(campaign: Campaign, summary: Summary, streak: int) -> Screen:
    view, prev = summary.view, summary.previous
    lines = [_("✅ <b>Self-assessment done, {week}</b>").format(week=week_label(view.week)), ""]
    for code in view.order:
        ans = view.answers.get(code)
        if ans is None:
            continue
        trend = ""
        if prev is not None and code in prev.answers:
            delta = SCORE[ans.level] - SCORE[prev.answers[code].level]
            trend = " ↑" if delta > 0 else " ↓" if delta < 0 else ""
        line = f"{LEVEL_ICONS[ans.level]} {group_title(campaign, code)} — {level_name(ans.level)}{trend}"
        if ans.sub_items:  # the points not met, by their labels (never bare codes)
            line += " ({})".format("; ".join(_item_label(campaign, code, item) for item in ans.sub_items))
        lines.append(line)
    lines += [
        "",
        _("Good {good} · Met {ok} · Not met {not_met}").format(
            good=view.count(Level.good), ok=view.count(Level.ok), not_met=view.count(Level.not_met)
        ),
    ]
    if prev is not None:
        lines.append(
            _("Last week: Good {good} · Met {ok} · Not met {not_met}").format(
                good=prev.count(Level.good), ok=prev.count(Level.ok), not_met=prev.count(Level.not_met)
            )
        )
    else:
        lines.append(_("No finished check-in last week to compare with."))
    if view.reflection:
        lines.append(_("Your reflection: {text}").format(text=escape(view.reflection)))
    if view.example_note:
        lines.append(_("Good example noted: {text}").format(text=escape(view.example_note)))
    lines.append(_("Weeks in a row: {n}").format(n=streak))
    lines.append(_("You can change your answers until Sunday night."))
    kb: list[Button] = []
    kb.append(Button(_("✏️ Change an answer"), CheckinStep(w=view.week, a=CheckinAct.edit)))
    return Screen("\n".join(lines), rows(kb))


def edit_menu_card(campaign: Campaign, view: CheckinView) -> Screen:
    kb: list[Button] = []
    for index, code in enumerate(view.order):
        ans = view.answers.get(code)
        icon = LEVEL_ICONS[ans.level] if ans else "⚪"
        title = campaign.criterion(code).short.get(current_locale())
        kb.append(Button(f"{icon} {code}) {title}", CheckinStep(w=view.week, a=CheckinAct.edit_pick, c=index)))
    kb.append(Button(_("↩ Back"), CheckinStep(w=view.week, a=CheckinAct.back)))
    return Screen("\n".join([_header(view), _("Which answer do you want to change?")]), rows(kb))


def skip_card(view: CheckinView) -> Screen:
    kb: list[Button] = []
    for n, reason in enumerate(SKIP_REASONS):
        kb.append(Button(_(SKIP_NAMES[reason]), CheckinStep(w=view.week, a=CheckinAct.skip_reason, r=n)))
    kb.append(Button(_("↩ Back"), CheckinStep(w=view.week, a=CheckinAct.skip_back)))
    text = "\n".join(
        [
            _header(view),
            _("Skip this week's self-assessment. Why?"),
            _("A skipped week is recorded as excused, not as missed."),
        ]
    )
    return Screen(text, rows(kb, 2, 2, 1))


def skipped_card(view: CheckinView) -> Screen:
    kb: list[Button] = []
    kb.append(Button(_("Do the self-assessment after all"), CheckinStep(w=view.week, a=CheckinAct.unskip)))
    reason = _(SKIP_NAMES.get(view.skip_reason or "other", SKIP_NAMES["other"]))
    text = "\n".join([_header(view), _("This week is recorded as skipped: {reason}.").format(reason=reason.lower())])
    return Screen(text, rows(kb))


def current_screen(campaign: Campaign, position: Position) -> Screen:
    """Where the person stands this week: the next question, the wrap-up or the summary."""
    view = position.view
    if view.status == CheckInStatus.skipped:
        return skipped_card(view)
    if position.summary is not None:
        return summary_card(campaign, position.summary, position.streak)
    nxt = view.next_criterion
    if nxt is None:
        return wrapup_card(view)
    return question_card(campaign, view, nxt)

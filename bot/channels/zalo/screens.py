"""Screens only Zalo needs: a text channel asks for numbers where Telegram shows buttons, and
offers the one-message week ("1111111", "tốt hết"). Pure functions, as the views are
(bot/views); the actions here exist on Zalo only, so they have no Telegram factory."""

from __future__ import annotations

import re

from bot.campaign.schema import Campaign
from bot.domain import Person
from bot.i18n import _
from bot.services.access import Action as Permission
from bot.services.access import allowed
from bot.services.checkin import CheckinView
from bot.views.checkin import LEVELS, level_name, week_label
from bot.views.screen import Action, Button, Screen, rows


class AllGood(Action):
    """ "tốt hết": every group not answered yet is Good, once the person confirms (yes=True)."""

    w: int
    yes: bool


def levels_hint() -> str:
    """ "1 Tốt · 2 Đạt · 3 Chưa đạt": how a question is answered, said in the hint."""
    return " · ".join(f"{n} {level_name(level)}" for n, level in enumerate(LEVELS, start=1))


def all_good_card(view: CheckinView) -> Screen:
    left = view.total - view.answered
    text = "\n".join(
        [
            _("<b>Weekly self-assessment, {week}</b>").format(week=week_label(view.week)),
            _("Do you confirm that this week every one of the {n} groups left is Good?").format(n=left),
        ]
    )
    kb = [
        Button(_("Yes, all Good"), AllGood(w=view.week, yes=True)),
        Button(_("No, answer one by one"), AllGood(w=view.week, yes=False)),
    ]
    return Screen(text, rows(kb))


def hour_question(back: Action | None = None) -> Screen:
    """The time, typed: on a text channel "16:30" is quicker than a list of eleven numbers
    (and "8" could be read as the eighth of them or as 08:00)."""
    kb = [Button(_("↩ Back"), back)] if back is not None else []
    return Screen(_("At what time? Type it, for example 8:00 or 16:30."), rows(kb))


HOUR_ONLY = re.compile(r"^\s*([01]?\d|2[0-3])\s*(?:h|g|giờ|gio)?\s*$", re.IGNORECASE)


def typed_time(text: str) -> str:
    """ "8", "8h", "8 giờ" → "08:00"; anything else as it is (the service reads "16:30", "16h30")."""
    m = HOUR_ONLY.match(text)
    return f"{int(m.group(1)):02d}:00" if m else text


def items_instruction(count: int) -> str:
    return _(
        "Which points were not met? Reply with their numbers, for example “1 3”, or {go_on} to go on without marking."
    ).format(go_on=count + 1)


def quick_answer_hint(total: int) -> str:
    return _(
        "Tip: you can answer all {n} groups in one message, one digit per group in order, "
        "for example “{example}”; or send “tốt hết” when every group is Good."
    ).format(n=total, example="1" * total)


def help_text(user: Person, campaign: Campaign) -> str:
    """What works on Zalo, with the words to send (a slash is optional)."""
    lines = [
        _("<b>What I can do on Zalo</b>"),
        "",
        _("“tự đánh giá” or /checkin — this week's self-assessment"),
        _("“lịch sử” or /history — your recent weeks and how many in a row"),
        _("“chia sẻ” or /share — share a good example, with up to 5 photos"),
        _("“gương điển hình của tôi” or /myshares — your good examples and what became of them"),
        _("“cài đặt” or /settings — language, self-assessment day and time"),
        _("“hủy” or /cancel — stop what you are doing"),
        _("“trợ giúp” or /help — this list"),
        _("“dữ liệu của tôi” or /mydata — what is kept about you"),
        _("“xóa dữ liệu” or /forget — erase your data"),
    ]
    if allowed(user.role, Permission.view_unit):
        lines += [
            "",
            _("<b>Your unit</b>"),
            _("“đơn vị” or /unit — participation week by week, criteria and sub-units, with a chart"),
            _("“nhắc” — in reply to the Monday digest: remind everyone not yet done"),
            _("“xong” — in reply to a deadline reminder: done for your unit"),
        ]
        if allowed(user.role, Permission.report):
            lines.append(_("“báo cáo” or /report — the annual report, as a download link"))
    lines += [
        "",
        _("When a question lists numbered answers, reply with the number."),
        quick_answer_hint(len(campaign.individual_criteria)),
        _("The other tools (reviewing good examples, administration) are on Telegram."),
    ]
    return "\n".join(lines)


def how_to_join() -> str:
    return _(
        "This bot serves civil servants taking part in their sector's emulation campaign, and it works "
        "by invitation only.\n\nTo join on Zalo, send the invitation code your unit's leader or emulation "
        "officer gave you (it is printed beside the invitation link).\nNothing about you has been stored."
    )

"""What a button does, said apart from any channel: one small model per kind of tap.

Telegram packs each into callback_data through its CallbackData factory
(bot/channels/telegram/callbacks.py), hence small enum and int fields only, never free
text (64 bytes); Zalo keeps the actions of the menu it showed and maps a numbered reply
back to one."""

from __future__ import annotations

import enum

from bot.views.screen import Action


class Consent(Action):
    agree: bool
    # The invitation token rides along so nothing is stored before consent (SPEC §3.1).
    # Tokens are ASCII (A-Z a-z 0-9 _ -), at most 43 characters here.
    token: str = ""


class ConsentNotice(Action):
    """The notice's "Details" (full=True) and the way back to its summary (full=False).
    The token rides along as in Consent: nothing is stored before consent."""

    full: bool
    token: str = ""


class Lang(Action):
    code: str  # "vi" | "en"
    onboarding: bool = False


class ScheduleStep(str, enum.Enum):
    keep = "keep"
    change = "change"


class Schedule(Action):
    step: ScheduleStep


class Weekday(Action):
    day: int  # 0 = Monday


class Hour(Action):
    minutes: int  # minutes after midnight


class SettingsAction(str, enum.Enum):
    language = "lang"
    schedule = "sched"
    pause = "pause"
    resume = "resume"
    close = "close"
    back = "back"  # from a submenu back to the settings


class SettingsMenu(Action):
    action: SettingsAction


class Pause(Action):
    days: int  # 0 = type a date


class LevelCode(str, enum.Enum):
    good = "g"
    ok = "o"
    not_met = "n"


class CheckinAnswer(Action):
    w: int  # ISO week key, 202648: a tap from a closed week changes nothing
    c: int  # index of the criterion group in the campaign's order
    l: LevelCode  # noqa: E741 - kept short for the 64-byte limit
    e: bool = False  # editing a finished check-in


class CheckinItem(Action):
    w: int
    c: int
    i: int  # index of the sub-item within its group
    e: bool = False


class CheckinAct(str, enum.Enum):
    items_done = "id"  # sub-items chosen: on to the note
    note_skip = "ns"  # no note: on to the next group
    finish = "fi"
    example = "ex"  # "any good example this week?"
    skip = "sk"  # "skip this week": choose a reason
    skip_reason = "sr"
    skip_back = "sb"
    unskip = "us"
    edit = "ed"  # choose a group to change
    edit_pick = "ep"
    back = "bk"  # leave a menu: where the person stands this week (the summary once done)


class CheckinStep(Action):
    w: int
    a: CheckinAct
    c: int = -1
    r: int = -1
    e: bool = False


class Nudge(Action):
    m: int  # the member's user id; 0 = everyone the digest lists as not done
    w: int  # the digest's week


class DeadlineDone(Action):
    k: str  # occurrence key, ASCII: "annual-report@2026-12-15" (at most 51 characters)


# -- good examples (handlers/share.py, handlers/review.py) ------------------------------


class ShareAct(str, enum.Enum):
    resume = "rs"  # go on with the unfinished draft
    restart = "rn"  # discard it and start again
    category = "ca"  # v: index in bot.services.examples.CATEGORIES
    subject = "su"  # v: index in SUBJECTS
    photos_done = "pd"
    photos_clear = "pc"
    consent = "co"  # v: 1 yes, 0 no
    send = "ok"
    edit = "ed"  # the menu of fields to change
    edit_field = "ef"  # v: index in EDITABLE_STEPS
    preview = "pv"  # back to the preview
    discard = "dc"  # asks first
    discard_yes = "dy"
    answer = "an"  # answer the reviewers' question about example d


class Share(Action):
    a: ShareAct
    d: int  # the example's id: a button of a sent or discarded draft changes nothing
    v: int = -1


class ReviewAct(str, enum.Enum):
    approve = "ap"
    reject = "rj"  # asks for the reason
    ask = "ak"  # asks for the question
    tags = "tg"  # the tag toggles
    tag = "tt"  # v: index in bot.services.examples.TAGS
    card = "cd"  # the card again (after the tags)
    skip = "sk"  # the next example in the queue
    open = "op"  # an approved example, from /highlights
    publish = "pb"  # asks for the link


class Review(Action):
    a: ReviewAct
    id: int
    v: int = -1


class Period(str, enum.Enum):
    week = "w"
    month = "m"
    year = "y"
    range = "r"  # typed dates, in s and e


class HighlightsAct(str, enum.Enum):
    show = "sh"
    units = "us"  # choose a unit
    categories = "cs"  # choose a category
    dates = "dt"  # type a date range
    docx = "dx"
    csv = "cv"


class Highlights(Action):
    """The whole filter rides in the button, so a list outlives any restart."""

    a: HighlightsAct
    p: Period = Period.month
    s: int = 0  # first day, date.toordinal() (typed ranges)
    e: int = 0  # last day
    u: int = 0  # unit id and its sub-units; 0: all
    c: int = -1  # category index; -1: all
    pg: int = 0  # page


# -- leader and admin tools (handlers/leader.py, nominate.py, report.py, sector.py,
#    announce.py, admin.py, privacy.py) -------------------------------------------------


class Unit(Action):
    u: int  # the unit's id (the viewer's own, or a sub-unit)
    w: int  # ISO week key of the week in focus
    c: bool = False  # send the chart of this view


class NominateAct(str, enum.Enum):
    round = "rd"  # the unit's nominations in round r
    add = "ad"  # v: 0 collective, 1 individual
    withdraw = "wd"  # asks first
    withdraw_yes = "wy"
    replace_one = "rp"  # v: 0 collective, 1 individual
    rounds = "rs"  # back to the list of open rounds


class Nominate(Action):
    a: NominateAct
    r: str = ""  # round key, ASCII: "annual@2026", "custom-12" (at most 20 characters)
    id: int = 0  # a nomination
    v: int = -1


class Dossier(Action):
    """Nomination dossiers (Decree 98/2023): id set → one nomination's achievement report;
    otherwise round r's list and cover submission for unit u (0: the leader's own)."""

    r: str = ""
    id: int = 0
    u: int = 0


class NominationsAct(str, enum.Enum):
    open = "op"
    xlsx = "xl"
    csv = "cv"


class Nominations(Action):
    a: NominationsAct
    r: str  # round key


class Report(Action):
    y: int  # the year


class DashboardAct(str, enum.Enum):
    show = "sh"
    chart = "ch"
    xlsx = "xl"


class Dashboard(Action):
    a: DashboardAct = DashboardAct.show
    w: int = 0  # ISO week key; 0 with y: a whole year
    y: int = 0


class AnnounceAct(str, enum.Enum):
    role = "ro"  # v: index in bot.services.announcements.AUDIENCE_ROLES
    all_units = "au"
    send = "sd"
    cancel = "cc"


class Announce(Action):
    a: AnnounceAct
    v: int = -1


class ForgetAct(str, enum.Enum):
    remove = "rm"  # erase, and remove my good examples
    anonymise = "an"  # erase, and keep my good examples without my name
    cancel = "cc"


class Forget(Action):
    a: ForgetAct


class Invite(Action):
    id: int  # the invitation to withdraw


class Role(Action):
    id: int  # the person (users.id)
    r: int = -1  # index in bot.services.people.ASSIGNABLE; -1: show the choices


# -- the yearly cycle: self-assessment (§IV.1.1) and report submissions (§VI.1) -------------


class SelfAssessAct(str, enum.Enum):
    overview = "ov"  # the unit's card (u: a unit to view, 0: one's own)
    criterion = "cr"  # c: index of the collective criterion group
    level = "lv"  # c, v: index in LEVELS
    sub_items = "si"  # c: the group's sub-items
    sub_level = "sl"  # c, i: sub-item index, v: level index
    account = "ac"  # c: type the account
    figure = "fg"  # c, i: figure index (type the value)
    figure_yes_no = "fy"  # c, i, v: 1 yes / 0 no
    evidence = "ev"  # c: send photos or files
    evidence_clear = "ec"  # c
    evidence_get = "eg"  # c, u: send the criterion's evidence (to read it)
    submit = "sb"  # ask to confirm
    submit_yes = "sy"
    sub_units = "su"  # the sub-units' self-assessments (roll-up)
    view_unit = "vu"  # u: a sub-unit's self-assessment, read only
    officer = "of"  # the unit emulation officer: show and appoint
    appoint = "ap"  # i: users.id
    revoke = "rv"


class SelfAssess(Action):
    a: SelfAssessAct
    c: int = -1
    i: int = -1
    v: int = -1
    u: int = 0


class SubmissionAct(str, enum.Enum):
    replace_yes = "ry"  # replace the unit's earlier submission with the file just sent
    replace_no = "rn"
    file = "fl"  # id: a submission to download (admin, or the unit's own)
    remind = "rm"  # y: remind the units that have not submitted
    board = "bd"  # y: the board again


class Submission(Action):
    a: SubmissionAct
    id: int = 0
    y: int = 0

"""Telegram's CallbackData factories: one per action of bot/views/actions.py, with the
same fields and a short prefix (callback_data is at most 64 bytes: small enum and int
fields only, never free text)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.views import actions
from bot.views.actions import (  # noqa: F401 - the enums, for handlers' filters
    AnnounceAct,
    CheckinAct,
    DashboardAct,
    ForgetAct,
    HighlightsAct,
    LevelCode,
    NominateAct,
    NominationsAct,
    Period,
    ReviewAct,
    ScheduleStep,
    SelfAssessAct,
    SettingsAction,
    ShareAct,
    SubmissionAct,
)


class Consent(actions.Consent, CallbackData, prefix="cs"):
    pass


class ConsentNotice(actions.ConsentNotice, CallbackData, prefix="cn"):
    pass


class Lang(actions.Lang, CallbackData, prefix="lg"):
    pass


class Schedule(actions.Schedule, CallbackData, prefix="sc"):
    pass


class Weekday(actions.Weekday, CallbackData, prefix="wd"):
    pass


class Hour(actions.Hour, CallbackData, prefix="hr"):
    pass


class SettingsMenu(actions.SettingsMenu, CallbackData, prefix="st"):
    pass


class Pause(actions.Pause, CallbackData, prefix="ps"):
    pass


class CheckinAnswerCB(actions.CheckinAnswer, CallbackData, prefix="ca"):
    pass


class CheckinItemCB(actions.CheckinItem, CallbackData, prefix="ci"):
    pass


class CheckinActCB(actions.CheckinStep, CallbackData, prefix="cx"):
    pass


class NudgeCB(actions.Nudge, CallbackData, prefix="nu"):
    pass


class DeadlineDoneCB(actions.DeadlineDone, CallbackData, prefix="dd"):
    pass


class ShareCB(actions.Share, CallbackData, prefix="sh"):
    pass


class ReviewCB(actions.Review, CallbackData, prefix="rv"):
    pass


class HighlightsCB(actions.Highlights, CallbackData, prefix="hl"):
    pass


class UnitCB(actions.Unit, CallbackData, prefix="un"):
    pass


class NominateCB(actions.Nominate, CallbackData, prefix="nm"):
    pass


class DossierCB(actions.Dossier, CallbackData, prefix="ds"):
    pass


class NominationsCB(actions.Nominations, CallbackData, prefix="na"):
    pass


class ReportCB(actions.Report, CallbackData, prefix="rp"):
    pass


class DashboardCB(actions.Dashboard, CallbackData, prefix="db"):
    pass


class AnnounceCB(actions.Announce, CallbackData, prefix="an"):
    pass


class ForgetCB(actions.Forget, CallbackData, prefix="fg"):
    pass


class InviteCB(actions.Invite, CallbackData, prefix="iv"):
    pass


class RoleCB(actions.Role, CallbackData, prefix="rl"):
    pass


class SelfAssessCB(actions.SelfAssess, CallbackData, prefix="sa"):
    pass


class SubmissionCB(actions.Submission, CallbackData, prefix="rs"):
    pass


#: The factory of each action, for the renderer.
FACTORIES: dict[type[actions.Action], type[CallbackData]] = {
    actions.Consent: Consent,
    actions.ConsentNotice: ConsentNotice,
    actions.Lang: Lang,
    actions.Schedule: Schedule,
    actions.Weekday: Weekday,
    actions.Hour: Hour,
    actions.SettingsMenu: SettingsMenu,
    actions.Pause: Pause,
    actions.CheckinAnswer: CheckinAnswerCB,
    actions.CheckinItem: CheckinItemCB,
    actions.CheckinStep: CheckinActCB,
    actions.Nudge: NudgeCB,
    actions.DeadlineDone: DeadlineDoneCB,
    actions.Share: ShareCB,
    actions.Review: ReviewCB,
    actions.Highlights: HighlightsCB,
    actions.Unit: UnitCB,
    actions.Nominate: NominateCB,
    actions.Dossier: DossierCB,
    actions.Nominations: NominationsCB,
    actions.Report: ReportCB,
    actions.Dashboard: DashboardCB,
    actions.Announce: AnnounceCB,
    actions.Forget: ForgetCB,
    actions.Invite: InviteCB,
    actions.Role: RoleCB,
    actions.SelfAssess: SelfAssessCB,
    actions.Submission: SubmissionCB,
}

"""The services of one unit of work, built on first use from its session, clock, campaign
and settings: one place that wires them, used by the handlers (through one middleware,
handlers/middlewares.py `Inject`), the scheduler's jobs and the sandbox.

A handler asks for a service by naming it as a parameter (`checkin: CheckinService`);
the middleware hands it over. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.campaign.schema import Campaign
from bot.clock import Clock
from bot.config import Settings
from bot.services.announcements import AnnouncementService
from bot.services.audit import AuditService
from bot.services.checkin import CheckinService
from bot.services.consolidated import ConsolidatedService
from bot.services.deadlines import DeadlineService
from bot.services.delivery import DeliveryService
from bot.services.digest import DigestService, NudgeService
from bot.services.dossiers import DossierService
from bot.services.examples import ExampleService
from bot.services.figures import FiguresService
from bot.services.invites import InviteService
from bot.services.nominations import NominationService
from bot.services.onboarding import InviteAttempts, OnboardingService
from bot.services.people import PeopleService
from bot.services.privacy import PrivacyService
from bot.services.profile import ProfileService
from bot.services.reports import ReportService
from bot.services.self_assessment import SelfAssessmentService
from bot.services.stats import StatsService
from bot.services.submissions import ReportSubmissionService
from bot.services.units import UnitService


@dataclass
class Services:
    """Each property is one service, made once per unit of work (an update, a job run)."""

    session: AsyncSession
    clock: Clock
    campaign: Campaign
    settings: Settings
    # Long-lived helpers chosen once at start (bot/app.py), handed to every unit of work.
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> frozenset[str]:
        return PROVIDED

    def _documents(self) -> dict[str, Any]:
        s = self.settings
        return {"timezone": s.timezone, "ministry_name": s.ministry_name, "standing_agency": s.standing_agency}

    @cached_property
    def audit(self) -> AuditService:
        return AuditService(self.session, self.clock)

    @cached_property
    def announcements(self) -> AnnouncementService:
        return AnnouncementService(self.session, self.clock)

    @cached_property
    def checkin(self) -> CheckinService:
        return CheckinService(self.session, self.clock, self.campaign, self.extras.get("checkins"))

    @cached_property
    def consolidated(self) -> ConsolidatedService:
        return ConsolidatedService(self.session, self.clock, self.campaign, **self._documents())

    @cached_property
    def deadlines(self) -> DeadlineService:
        return DeadlineService(self.session, self.clock, self.campaign)

    @cached_property
    def delivery(self) -> DeliveryService:
        return DeliveryService(self.session, self.clock)

    @cached_property
    def digest(self) -> DigestService:
        return DigestService(self.session, self.clock, self.campaign)

    @cached_property
    def nudges(self) -> NudgeService:
        return NudgeService(self.session, self.clock, self.campaign)

    @cached_property
    def dossiers(self) -> DossierService:
        return DossierService(self.session, self.clock, self.campaign, **self._documents())

    @cached_property
    def examples(self) -> ExampleService:
        return ExampleService(self.session, self.clock, self.settings.timezone)

    @cached_property
    def figures(self) -> FiguresService:
        return FiguresService(self.session, self.clock, self.settings.timezone)

    @cached_property
    def invites(self) -> InviteService:
        return InviteService(self.session, self.clock)

    @cached_property
    def nominations(self) -> NominationService:
        return NominationService(self.session, self.clock, self.campaign, self.settings.timezone)

    @cached_property
    def onboarding(self) -> OnboardingService:
        attempts: InviteAttempts | None = self.extras.get("invite_attempts")
        return OnboardingService(
            self.session,
            self.clock,
            admin_ids=frozenset(self.settings.admin_ids),
            timezone=self.settings.timezone,
            attempts=attempts,
        )

    @cached_property
    def people(self) -> PeopleService:
        return PeopleService(self.session, self.clock)

    @cached_property
    def privacy(self) -> PrivacyService:
        return PrivacyService(self.session, self.clock)

    @cached_property
    def profile(self) -> ProfileService:
        return ProfileService(self.session, self.clock)

    @cached_property
    def reports(self) -> ReportService:
        return ReportService(self.session, self.clock, self.campaign, **self._documents())

    @cached_property
    def self_assessment(self) -> SelfAssessmentService:
        return SelfAssessmentService(self.session, self.clock, self.campaign)

    @cached_property
    def stats(self) -> StatsService:
        return StatsService(self.session)

    @cached_property
    def submissions(self) -> ReportSubmissionService:
        return ReportSubmissionService(self.session, self.clock, self.campaign, self.settings.timezone)

    @cached_property
    def units(self) -> UnitService:
        return UnitService(self.session, self.clock)


#: The names a handler can ask for.
PROVIDED: frozenset[str] = frozenset(
    name for name, value in vars(Services).items() if isinstance(value, cached_property)
)

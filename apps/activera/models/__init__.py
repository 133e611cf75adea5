"""Participant follow-up for a programme the förbund finances (ACTivera): the programme's rules as
data, referrals, enrolments from introduction to exit, measurements, action plans, activities and
the anonymous violence questionnaire tallies.

One module per part (programme, referrals, enrolments, violence, deliveries); every model and every
set of choices is imported from here, `apps.activera.models`."""

# isort: off - in the order the parts build on each other
from .deliveries import Delivery, DeliveryKind, DeliveryTerms, ForbundRelease, Narrative
from .enrolments import (
    ActionPlanGoal,
    Activity,
    ActivityMode,
    BornIn,
    EducationLevel,
    Enrolment,
    ExitReason,
    IncomeSource,
    LeaderChange,
    Measurement,
    MeasurementAnswer,
    MeasurementKind,
    MeetingDecision,
    MultiPartyMeeting,
    OccupationAfter,
    TimeWithoutWork,
)
from .programme import ActivityType, Indicator, Programme, ProgrammeUnit, Respondent
from .referrals import Gender, PublicSubmission, Referral, ReferralChannel, ReferralStatus, ReferringParty
from .violence import ViolenceAnswer, ViolenceTally

# isort: on

__all__ = [
    "ActionPlanGoal",
    "Activity",
    "ActivityMode",
    "ActivityType",
    "BornIn",
    "Delivery",
    "DeliveryKind",
    "DeliveryTerms",
    "EducationLevel",
    "Enrolment",
    "ExitReason",
    "ForbundRelease",
    "Gender",
    "IncomeSource",
    "Indicator",
    "LeaderChange",
    "Measurement",
    "MeasurementAnswer",
    "MeasurementKind",
    "MeetingDecision",
    "MultiPartyMeeting",
    "Narrative",
    "OccupationAfter",
    "Programme",
    "ProgrammeUnit",
    "PublicSubmission",
    "Referral",
    "ReferralChannel",
    "ReferralStatus",
    "ReferringParty",
    "Respondent",
    "TimeWithoutWork",
    "ViolenceAnswer",
    "ViolenceTally",
]

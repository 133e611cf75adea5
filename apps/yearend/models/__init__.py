"""The nämnd's own follow-up: the styrmodell's settings, the report of a year (årsbokslut or
delårsbokslut) with its texts, goals and key figures, internal control, private providers, and the
economy and staff figures the tables are computed from."""

from .control import ControlFollowUp, ControlPoint, ControlResultTable, ProviderFollowUp
from .figures import (
    InvestmentFigure,
    InvestmentItem,
    LedgerFigure,
    LedgerGroup,
    PrognosisFigure,
    SickLeaveFigure,
    SickLeaveGroup,
    StaffFigure,
    StaffMeasure,
)
from .goals import (
    CouncilGoal,
    GoalAssessment,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    TargetDirection,
)
from .reports import (
    GovernanceSettings,
    Period,
    ReportStatus,
    ReportText,
    ReportTextVersion,
    SignalStep,
    YearReport,
)

__all__ = [
    "ControlFollowUp",
    "ControlPoint",
    "ControlResultTable",
    "CouncilGoal",
    "GoalAssessment",
    "GovernanceSettings",
    "InvestmentFigure",
    "InvestmentItem",
    "KeyFigure",
    "KeyFigureOrigin",
    "KeyFigureTable",
    "KeyFigureValue",
    "LedgerFigure",
    "LedgerGroup",
    "NamndGoal",
    "Period",
    "PrognosisFigure",
    "ProviderFollowUp",
    "ReportStatus",
    "ReportText",
    "ReportTextVersion",
    "SickLeaveFigure",
    "SickLeaveGroup",
    "SignalStep",
    "StaffFigure",
    "StaffMeasure",
    "TargetDirection",
    "YearReport",
]

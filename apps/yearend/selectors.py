"""Permission-aware reads of the nämnd's year-end follow-up: which nämnder and reports a user
reaches (access stops at the nämnd's municipality), the assessment Insyn proposes for a goal, the
history of the texts, and the deadlines the start page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.organisations.models import Organisation, OrganisationKind
from lib.targets import proposed_step

from .document import due_date
from .models import (
    GoalAssessment,
    KeyFigure,
    NamndGoal,
    Period,
    ReportStatus,
    ReportText,
    ReportTextVersion,
    SignalStep,
    YearReport,
)
from .tables.goals import figure_meets_target, values_for


def namnds_for_user(user: User, permission: Permission = Permission.YEAREND_VIEW) -> QuerySet[Organisation]:
    """The social committees in the municipalities where `user` holds `permission`."""
    municipalities = municipalities_with(user, permission)
    return (
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL_COMMITTEE, parent__in=municipalities)
        .select_related("parent")
        .order_by("name")
    )


def year_reports_for_user(user: User, permission: Permission = Permission.YEAREND_VIEW) -> QuerySet[YearReport]:
    municipalities = municipalities_with(user, permission)
    return (
        YearReport.objects.filter(namnd__parent__in=municipalities)
        .select_related("namnd__parent")
        .order_by("namnd__name", "-year", "period")
    )


def get_year_report_for_user(user: User, pk: int, permission: Permission = Permission.YEAREND_VIEW) -> YearReport:
    """The report, if `user` holds `permission` in its nämnd's municipality; 404 for anyone else,
    who learns nothing, not even that it exists."""
    report = year_reports_for_user(user, permission).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def may_on_report(user: User, report: YearReport, permission: Permission) -> bool:
    return report.namnd.parent in municipalities_with(user, permission)


# --- Goals and the proposed assessment ---------------------------------------------------------


def signal_scale(report: YearReport) -> list[SignalStep]:
    """The municipality's signal scale, lowest step first."""
    return list(SignalStep.objects.filter(municipality=report.namnd.parent).order_by("position"))


def report_goals(report: YearReport) -> list[NamndGoal]:
    """The nämnd's goals of the report's year, in the document's order."""
    return list(
        NamndGoal.objects.filter(council_goal__namnd=report.namnd, council_goal__year=report.year)
        .select_related("council_goal")
        .order_by("council_goal__number", "position")
    )


@dataclass(frozen=True)
class Proposal:
    """Insyn's proposal for a goal, with what it rests on: how many of the goal's key figures
    with a target and an outcome for the year meet their target."""

    step: SignalStep | None
    met: int
    counted: int


def goal_proposal_details(
    report: YearReport, goals: list[NamndGoal] | None = None, scale: list[SignalStep] | None = None
) -> dict[int, Proposal]:
    """What Insyn proposes for each goal from its key figures: each figure that has a target and
    an outcome for the report's year counts as met or not, and the share met places the goal on
    the municipality's scale (lib.targets.proposed_step). No step without figures or scale."""
    goals = report_goals(report) if goals is None else goals
    scale = signal_scale(report) if scale is None else scale
    figures = list(KeyFigure.objects.filter(goal__in=goals).order_by("table__position", "position"))
    values = values_for(figures)
    proposals: dict[int, Proposal] = {}
    for goal in goals:
        outcomes = [figure_meets_target(f, report.year, values) for f in figures if f.goal_id == goal.pk]
        results = [r for r in outcomes if r is not None]
        step = proposed_step(results, len(scale))
        proposals[goal.pk] = Proposal(
            step=scale[step] if step is not None else None, met=sum(results), counted=len(results)
        )
    return proposals


def goal_proposals(
    report: YearReport, goals: list[NamndGoal] | None = None, scale: list[SignalStep] | None = None
) -> dict[int, SignalStep | None]:
    return {pk: proposal.step for pk, proposal in goal_proposal_details(report, goals, scale).items()}


def goal_assessments_of(report: YearReport) -> dict[int, GoalAssessment]:
    return {
        a.goal_id: a
        for a in GoalAssessment.objects.filter(report=report).select_related("proposed", "decided", "decided_by")
    }


# --- Texts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextChange:
    """One state a text has had: its body, who wrote it and when (the first is the current)."""

    body: str
    author: str
    at: datetime.datetime | None


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def text_histories(report: YearReport) -> dict[str, list[TextChange]]:
    """Each saved text's history, newest first: the current body, then the earlier ones."""
    texts = list(ReportText.objects.filter(report=report).select_related("updated_by"))
    versions = ReportTextVersion.objects.filter(text__in=texts).select_related("author").order_by("-saved_at", "-pk")
    earlier: dict[int, list[TextChange]] = {}
    for version in versions:
        earlier.setdefault(version.text_id, []).append(
            TextChange(body=version.body, author=_name(version.author), at=version.saved_at)
        )
    return {
        text.key: [
            TextChange(body=text.body, author=_name(text.updated_by), at=text.updated_at),
            *earlier.get(text.pk, []),
        ]
        for text in texts
    }


# --- Deadlines -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    namnd: Organisation
    year: int
    period: str
    due: datetime.date
    report: YearReport | None
    # Past its date and not approved: the start page says it is late.
    overdue: bool = False

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)


def upcoming_deadlines(user: User, today: datetime.date) -> list[Deadline]:
    """For each nämnd the user writes or approves the report of: the next årsbokslut and the next
    delårsbokslut that are due (today or later), with the report where it has been started, and
    before them a started report of the last year whose date has passed without an approval (late)."""
    namnds = {n.pk: n for n in namnds_for_user(user, Permission.YEAREND_EDIT)}
    namnds.update({n.pk: n for n in namnds_for_user(user, Permission.YEAREND_APPROVE)})
    if not namnds:
        return []
    existing = {
        (r.namnd_id, r.year, r.period): r
        for r in YearReport.objects.filter(namnd__in=list(namnds), year__gte=today.year - 1, year__lte=today.year + 1)
    }
    found: list[Deadline] = []
    for namnd in sorted(namnds.values(), key=lambda n: n.name):
        for period, years in (
            (Period.ANNUAL, (today.year - 1, today.year)),
            (Period.INTERIM, (today.year, today.year + 1)),
        ):
            for year in years:
                due = due_date(YearReport(namnd=namnd, year=year, period=period))
                report = existing.get((namnd.pk, year, period))
                if due >= today:
                    found.append(Deadline(namnd, year, period, due, report))
                    break
                if report is not None and report.status != ReportStatus.APPROVED:
                    found.append(Deadline(namnd, year, period, due, report, overdue=True))
    return sorted(found, key=lambda d: (d.due, d.namnd.name))

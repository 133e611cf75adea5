"""What the internal control page shows: the control plan with the follow-up of the report's
period and its inner tables, Bilaga 2, and the municipality's signal scale and due dates, each
with the forms the user may use (control_views.py renders it and handles the writes)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Prefetch, Q
from django.http import HttpRequest

from apps.accounts.access import current_user
from apps.accounts.roles import Permission
from lib.contrast import NON_TEXT_MINIMUM, contrast_ratio, format_ratio
from lib.swedish import MONTHS

from .document import due_date, paragraphs
from .forms_control import (
    ControlFollowUpForm,
    ControlPointForm,
    GovernanceForm,
    ProviderFollowUpForm,
    ResultTableForm,
    SignalScaleForm,
)
from .models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    GoalAssessment,
    GovernanceSettings,
    ProviderFollowUp,
    ReportStatus,
    SignalStep,
    YearReport,
)
from .models.control import ControlAssessment
from .selectors import may_on_report
from .tables.base import Table
from .tables.control import assessment_text, result_table

Forms = dict[str, forms.Form]


@dataclass
class TableBlock:
    table: ControlResultTable
    preview: Table
    form: forms.Form | None
    open: bool = False


@dataclass
class PointBlock:
    point: ControlPoint
    follow_up: ControlFollowUp | None
    form: forms.Form | None
    follow_up_form: forms.Form | None
    new_table_form: forms.Form | None
    tables: list[TableBlock] = field(default_factory=list)
    carried_to: list[ControlPoint] = field(default_factory=list)
    bound: set[str] = field(default_factory=set)

    @property
    def anchor(self) -> str:
        return f"punkt-{self.point.pk}"

    @property
    def assessment(self) -> str:
        return assessment_text(self.follow_up.assessment) if self.follow_up else ""

    @property
    def result_paragraphs(self) -> list[str]:
        return paragraphs(self.follow_up.result) if self.follow_up else []

    @property
    def open_point(self) -> bool:
        return f"point-{self.point.pk}" in self.bound

    @property
    def open_follow_up(self) -> bool:
        return f"follow-{self.point.pk}" in self.bound

    @property
    def open_new_table(self) -> bool:
        return f"table-new-{self.point.pk}" in self.bound

    @property
    def remarked(self) -> bool:
        return self.follow_up is not None and self.follow_up.assessment == ControlAssessment.WITH_REMARK


@dataclass
class StepRow:
    step: SignalStep
    contrast: str
    enough: bool
    in_use: bool


def _form(bound: Forms, key: str, allowed: bool, make: Callable[[], forms.Form]) -> forms.Form | None:
    return bound.get(key) or (make() if allowed else None)


def _point_block(point: ControlPoint, bound: Forms, can_plan: bool, can_follow: bool) -> PointBlock:
    follow_up = next(iter(point.follow_ups.all()), None)
    pk = point.pk
    initial = {"assessment": follow_up.assessment, "result": follow_up.result} if follow_up else {}
    block = PointBlock(
        point=point,
        follow_up=follow_up,
        form=_form(
            bound,
            f"point-{pk}",
            can_plan,
            lambda: ControlPointForm(prefix=f"point-{pk}", initial=ControlPointForm.initial_of(point)),
        ),
        follow_up_form=_form(
            bound, f"follow-{pk}", can_follow, lambda: ControlFollowUpForm(prefix=f"follow-{pk}", initial=initial)
        ),
        new_table_form=_form(
            bound,
            f"table-new-{pk}",
            can_follow and follow_up is not None,
            lambda: ResultTableForm(prefix=f"table-new-{pk}"),
        ),
        carried_to=list(point.carried_to.all()),
        bound=set(bound),
        tables=[_table_block(table, bound, can_follow) for table in (follow_up.tables.all() if follow_up else [])],
    )
    return block


def _table_block(table: ControlResultTable, bound: Forms, can_follow: bool) -> TableBlock:
    key = f"table-{table.pk}"
    return TableBlock(
        table=table,
        preview=result_table(table),
        form=_form(
            bound, key, can_follow, lambda: ResultTableForm(prefix=key, initial=ResultTableForm.initial_of(table))
        ),
        open=key in bound,
    )


def _points(report: YearReport, bound: Forms, can_plan: bool, can_follow: bool) -> list[PointBlock]:
    follow_ups = ControlFollowUp.objects.filter(period=report.period).prefetch_related("tables")
    points = (
        ControlPoint.objects.filter(namnd=report.namnd, year=report.year)
        .select_related("carried_from")
        .prefetch_related(Prefetch("follow_ups", queryset=follow_ups), "carried_to")
    )
    return [_point_block(point, bound, can_plan, can_follow) for point in points]


def _provider_form(provider: ProviderFollowUp, bound: Forms, can_plan: bool) -> forms.Form | None:
    key = f"provider-{provider.pk}"
    return _form(
        bound,
        key,
        can_plan,
        lambda: ProviderFollowUpForm(prefix=key, initial=ProviderFollowUpForm.initial_of(provider)),
    )


def _scale_rows(scale: list[SignalStep]) -> list[StepRow]:
    used: set[int | None] = set()
    for pair in GoalAssessment.objects.filter(Q(proposed__in=scale) | Q(decided__in=scale)).values_list(
        "proposed_id", "decided_id"
    ):
        used.update(pair)
    rows = []
    for step in scale:
        ratio = contrast_ratio(step.colour)
        rows.append(StepRow(step, format_ratio(ratio), ratio >= NON_TEXT_MINIMUM, step.pk in used))
    return rows


def _date_text(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def control_context(request: HttpRequest, report: YearReport, bound: Forms) -> dict[str, Any]:
    user = current_user(request)
    may_edit = may_on_report(user, report, Permission.YEAREND_EDIT)
    approved_years = set(
        YearReport.objects.filter(
            namnd=report.namnd, year__in=[report.year, report.year + 1], status=ReportStatus.APPROVED
        ).values_list("year", flat=True)
    )
    can_follow = may_edit and report.status == ReportStatus.DRAFT
    can_plan = can_follow and report.year not in approved_years
    may_settings = may_on_report(user, report, Permission.YEAREND_APPROVE)
    points = _points(report, bound, can_plan, can_follow)
    providers = list(ProviderFollowUp.objects.filter(namnd=report.namnd, year=report.year))
    provider_forms = {p.pk: _provider_form(p, bound, can_plan) for p in providers}
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent).order_by("position"))
    settings = GovernanceSettings.objects.filter(municipality=report.namnd.parent).first() or GovernanceSettings()
    next_plan = ControlPoint.objects.filter(namnd=report.namnd, year=report.year + 1)
    carried = set(next_plan.exclude(carried_from=None).values_list("carried_from_id", flat=True))
    remarked = list(
        ControlPoint.objects.filter(
            namnd=report.namnd,
            year=report.year,
            follow_ups__period="annual",
            follow_ups__assessment=ControlAssessment.WITH_REMARK,
        ).order_by("position")
    )
    return {
        "report": report,
        "due_text": _date_text(due_date(report)),
        "points": points,
        "providers": [(p, provider_forms[p.pk], f"provider-{p.pk}" in bound) for p in providers],
        "point_form": _form(bound, "point-new", can_plan, lambda: ControlPointForm(prefix="point-new")),
        "provider_form": _form(bound, "provider-new", can_plan, lambda: ProviderFollowUpForm(prefix="provider-new")),
        "to_carry": [p for p in remarked if p.pk not in carried],
        "already_carried": [p for p in remarked if p.pk in carried],
        "next_year": report.year + 1,
        "can_carry": may_edit and report.year + 1 not in approved_years,
        "scale": _scale_rows(scale),
        "scale_form": _form(bound, "scale", may_settings, lambda: SignalScaleForm(prefix="scale", scale=scale)),
        "settings": settings,
        "annual_due": f"{settings.annual_due_day} {MONTHS[settings.annual_due_month - 1]}",
        "interim_due": f"{settings.interim_due_day} {MONTHS[settings.interim_due_month - 1]}",
        "dates_form": _form(
            bound,
            "dates",
            may_settings,
            lambda: GovernanceForm(prefix="dates", initial=GovernanceForm.initial_of(settings)),
        ),
        "may_edit": may_edit,
        "can_follow": can_follow,
        "can_plan": can_plan,
        "may_settings": may_settings,
        "bound": set(bound),
        "bound_errors": [f for f in bound.values() if f.errors],
    }

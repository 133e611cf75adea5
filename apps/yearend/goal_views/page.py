"""The goals page and what it shows: each level of the plan with its forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission

from ..forms_goals import (
    CouncilGoalForm,
    GoalsCopyForm,
    KeyFigureForm,
    KeyFigureOutcomesForm,
    KeyFigureTableForm,
    NamndGoal,
    NamndGoalForm,
)
from ..models import CouncilGoal, KeyFigure, KeyFigureOrigin, KeyFigureTable, KeyFigureValue, ReportStatus, YearReport
from ..selectors import get_year_report_for_user, may_on_report
from ..services import goals as services
from ..tables.goals import key_figure_table, outcome_text, target_text

Bound = dict[str, forms.Form]


# --- What the page shows ---------------------------------------------------------------------------


@dataclass
class Outcome:
    year: int
    text: str
    origin: str
    origin_label: str


@dataclass
class FigureRow:
    figure: KeyFigure
    target: str
    outcomes: list[Outcome]
    form: forms.Form | None
    outcomes_form: forms.Form | None
    open: bool
    form_open: bool

    @property
    def anchor(self) -> str:
        return f"kf-{self.figure.pk}"


@dataclass
class TableBlock:
    table: KeyFigureTable
    columns: list[str]
    figures: list[FigureRow]
    form: forms.Form | None
    figure_form: forms.Form | None
    open: bool
    figure_open: bool

    @property
    def anchor(self) -> str:
        return f"table-{self.table.pk}"


@dataclass
class GoalBlock:
    goal: NamndGoal
    tables: list[TableBlock]
    form: forms.Form | None
    open: bool


@dataclass
class CouncilBlock:
    council_goal: CouncilGoal
    goals: list[GoalBlock] = field(default_factory=list)
    closing: list[TableBlock] = field(default_factory=list)
    form: forms.Form | None = None
    goal_form: forms.Form | None = None
    table_form: forms.Form | None = None
    # The prefixes of the forms that came back with errors, shown open.
    open: set[str] = field(default_factory=set)

    @property
    def open_form(self) -> bool:
        return f"cg-{self.council_goal.pk}" in self.open

    @property
    def open_goal_form(self) -> bool:
        return f"goal-new-{self.council_goal.pk}" in self.open

    @property
    def open_table_form(self) -> bool:
        return f"table-new-{self.council_goal.pk}" in self.open


class _Forms:
    """The page's forms: the one that came back with errors, else a fresh one where the user may
    edit, else none."""

    def __init__(self, bound: Bound, can_edit: bool) -> None:
        self.bound, self.can_edit = bound, can_edit

    def get(self, prefix: str, form_class: type[forms.Form], **kwargs: Any) -> forms.Form | None:
        if prefix in self.bound:
            return self.bound[prefix]
        return form_class(prefix=prefix, **kwargs) if self.can_edit else None


def _figure_row(
    figure: KeyFigure,
    years: tuple[int, ...],
    values: dict[tuple[int, int], KeyFigureValue],
    goals: list[NamndGoal],
    f: _Forms,
) -> FigureRow:
    outcomes = []
    for year in years:
        value = values.get((figure.pk, year))
        outcomes.append(
            Outcome(
                year=year,
                text=outcome_text(value, figure),
                origin=value.origin if value else "",
                origin_label=str(KeyFigureOrigin(value.origin).label) if value else "",
            )
        )
    prefix = f"kf-{figure.pk}"
    initial = {f"year_{y}": services.outcome_text(values.get((figure.pk, y))) for y in years}
    return FigureRow(
        figure=figure,
        target=target_text(figure),
        outcomes=outcomes,
        form=f.get(prefix, KeyFigureForm, goals=goals, initial=KeyFigureForm.initial_of(figure)),
        outcomes_form=f.get(f"out-{figure.pk}", KeyFigureOutcomesForm, years=years, initial=initial),
        open=prefix in f.bound or f"out-{figure.pk}" in f.bound,
        form_open=prefix in f.bound,
    )


def _table_block(
    table: KeyFigureTable, year: int, values: dict[tuple[int, int], KeyFigureValue], goals: list[NamndGoal], f: _Forms
) -> TableBlock:
    years = (year, year - 1, year - 2)
    prefix, new = f"table-{table.pk}", f"kf-new-{table.pk}"
    return TableBlock(
        table=table,
        columns=key_figure_table(table, year, values).columns,
        figures=[_figure_row(figure, years, values, goals, f) for figure in table.key_figures.all()],
        form=f.get(prefix, KeyFigureTableForm, goals=goals, initial=KeyFigureTableForm.initial_of(table)),
        figure_form=f.get(new, KeyFigureForm, goals=goals, initial={"goal": table.after_goal_id or "", "decimals": 1}),
        open=prefix in f.bound,
        figure_open=new in f.bound,
    )


def _plan(report: YearReport, f: _Forms) -> list[CouncilBlock]:
    council_goals = list(
        CouncilGoal.objects.filter(namnd=report.namnd, year=report.year).prefetch_related(
            "goals", "key_figure_tables__key_figures__goal"
        )
    )
    figures = [kf for cg in council_goals for t in cg.key_figure_tables.all() for kf in t.key_figures.all()]
    values = {(v.key_figure_id, v.year): v for v in KeyFigureValue.objects.filter(key_figure__in=figures)}
    blocks = []
    for cg in council_goals:
        goals = list(cg.goals.all())
        tables = list(cg.key_figure_tables.all())
        block = CouncilBlock(
            council_goal=cg,
            form=f.get(f"cg-{cg.pk}", CouncilGoalForm, initial=CouncilGoalForm.initial_of(cg)),
            goal_form=f.get(f"goal-new-{cg.pk}", NamndGoalForm),
            table_form=f.get(f"table-new-{cg.pk}", KeyFigureTableForm, goals=goals),
            open={p for p in (f"cg-{cg.pk}", f"goal-new-{cg.pk}", f"table-new-{cg.pk}") if p in f.bound},
        )
        for goal in goals:
            prefix = f"goal-{goal.pk}"
            block.goals.append(
                GoalBlock(
                    goal=goal,
                    tables=[
                        _table_block(t, report.year, values, goals, f) for t in tables if t.after_goal_id == goal.pk
                    ],
                    form=f.get(prefix, NamndGoalForm, initial=NamndGoalForm.initial_of(goal)),
                    open=prefix in f.bound,
                )
            )
        block.closing = [_table_block(t, report.year, values, goals, f) for t in tables if t.after_goal_id is None]
        blocks.append(block)
    return blocks


def page_context(request: HttpRequest, report: YearReport, bound: Bound) -> dict[str, Any]:
    user = current_user(request)
    can_edit = report.status == ReportStatus.DRAFT and may_on_report(user, report, Permission.YEAREND_EDIT)
    f = _Forms(bound, can_edit)
    plan = _plan(report, f)
    copy_form = None
    if not plan:
        years = sorted(
            set(
                CouncilGoal.objects.filter(namnd=report.namnd).exclude(year=report.year).values_list("year", flat=True)
            ),
            reverse=True,
        )
        if years:
            initial = {"from_year": report.year - 1 if report.year - 1 in years else years[0]}
            copy_form = f.get("copy", GoalsCopyForm, years=years, initial=initial)
    return {
        "report": report,
        "plan": plan,
        "years": (report.year, report.year - 1, report.year - 2),
        "can_edit": can_edit,
        "copy_form": copy_form,
        "council_goal_form": f.get("cg-new", CouncilGoalForm),
        "council_goal_open": "cg-new" in bound,
        "bound_errors": [form for form in bound.values() if form.errors],
        "origins": KeyFigureOrigin.choices,
    }


@page(Permission.YEAREND_VIEW)
def goals_page(request: HttpRequest, year_report_id: int) -> HttpResponse:
    report = get_year_report_for_user(current_user(request), year_report_id)
    return render(request, "yearend/goals.html", page_context(request, report, {}))

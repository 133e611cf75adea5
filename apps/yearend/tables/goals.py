"""Måluppföljning: the council's goals, the nämnd's goals under them with comment and assessment,
and the key figure tables with target, outcomes of three years, source and footnotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from lib.report_numbers import format_number
from lib.targets import meets

from ..models import (
    CouncilGoal,
    GoalAssessment,
    KeyFigure,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    SignalStep,
    TargetDirection,
    YearReport,
)
from .base import DASH, Row, Table


def value_text(value: Decimal, most_decimals: int = 2) -> str:
    """As many decimals as the value has, at most `most_decimals`: 17,4 and 19 in one column."""
    exponent = value.normalize().as_tuple().exponent
    decimals = min(most_decimals, max(0, -exponent)) if isinstance(exponent, int) else 0
    return format_number(value, decimals)


def target_text(figure: KeyFigure) -> str:
    if figure.target_value is None:
        return DASH
    number = value_text(figure.target_value, figure.decimals or 2)
    if not figure.show_direction:
        return number
    return f"{TargetDirection(figure.target_direction).label}{number}"


def outcome_text(value: KeyFigureValue | None, figure: KeyFigure) -> str:
    if value is None:
        return DASH
    if value.value is None:
        return value.text
    return value_text(value.value, figure.decimals or 2)


def figure_meets_target(figure: KeyFigure, year: int, values: dict[tuple[int, int], KeyFigureValue]) -> bool | None:
    value = values.get((figure.pk, year))
    if figure.target_value is None or value is None or value.value is None:
        return None
    return meets(figure.target_direction, figure.target_value, value.value)


def _headings(table: KeyFigureTable, year: int) -> list[str]:
    at = f"{table.measured_at} " if table.measured_at else ""
    return [
        _("Nyckeltal"),
        _("Mål %(year)s") % {"year": f"{at}{year}"},
        *(_("Utfall %(year)s") % {"year": f"{at}{y}"} for y in (year, year - 1, year - 2)),
    ]


def key_figure_table(table: KeyFigureTable, year: int, values: dict[tuple[int, int], KeyFigureValue]) -> Table:
    rows = []
    for figure in table.key_figures.all():
        outcomes = [outcome_text(values.get((figure.pk, y)), figure) for y in (year, year - 1, year - 2)]
        rows.append(Row(figure.name, [target_text(figure), *outcomes]))
        rows.append(Row(_("Källa: %(source)s") % {"source": figure.source}, ["", "", "", ""], kind="note"))
    notes = [line.strip() for line in table.footnote.splitlines() if line.strip()]
    return Table(
        key=f"nyckeltal-{table.council_goal.number}-{table.position}",
        title=_("Nyckeltal"),
        columns=_headings(table, year),
        rows=rows,
        notes=notes,
    )


@dataclass
class GoalView:
    goal: NamndGoal
    analysis: str
    assessment: GoalAssessment | None
    key_figure_tables: list[Table] = field(default_factory=list)

    @property
    def decided(self) -> SignalStep | None:
        return self.assessment.decided if self.assessment else None


@dataclass
class CouncilGoalView:
    council_goal: CouncilGoal
    goals: list[GoalView]
    closing_tables: list[Table]


def values_for(namnd_figures: list[KeyFigure]) -> dict[tuple[int, int], KeyFigureValue]:
    rows = KeyFigureValue.objects.filter(key_figure__in=namnd_figures)
    return {(row.key_figure_id, row.year): row for row in rows}


def goal_follow_up(report: YearReport, texts: dict[str, str]) -> list[CouncilGoalView]:
    council_goals = list(
        CouncilGoal.objects.filter(namnd=report.namnd, year=report.year).prefetch_related(
            "goals", "key_figure_tables__key_figures"
        )
    )
    figures = [f for cg in council_goals for t in cg.key_figure_tables.all() for f in t.key_figures.all()]
    values = values_for(figures)
    assessments = {
        a.goal_id: a for a in GoalAssessment.objects.filter(report=report).select_related("proposed", "decided")
    }
    views = []
    for council_goal in council_goals:
        tables = list(council_goal.key_figure_tables.all())
        goals = [
            GoalView(
                goal=goal,
                analysis=texts.get(f"goal-{goal.pk}", ""),
                assessment=assessments.get(goal.pk),
                key_figure_tables=[
                    key_figure_table(t, report.year, values) for t in tables if t.after_goal_id == goal.pk
                ],
            )
            for goal in council_goal.goals.all()
        ]
        closing = [key_figure_table(t, report.year, values) for t in tables if t.after_goal_id is None]
        views.append(CouncilGoalView(council_goal=council_goal, goals=goals, closing_tables=closing))
    return views

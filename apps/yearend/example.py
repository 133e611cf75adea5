"""Seed 002's årsbokslut 2022 as data (`insyn yearend load-example alingsas-2022`): the figures go
through the same import as a controller's files, the plan (scale, goals, key figures, internal
control, private providers, texts) is read from plan.json. Loading it again replaces it.

The seed does not give 2021's budget nor the kronor behind its tkr; the files hold amounts that
round, cell by cell, to every figure the seed prints (so its 2021 result is 6 194 although the
rounded lines add to 6 195)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation, OrganisationKind
from insyn.errors import ValidationFailed
from lib.swedish import quoted
from lib.targets import proposed_step

from .models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    CouncilGoal,
    GoalAssessment,
    GovernanceSettings,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    ProviderFollowUp,
    ReportStatus,
    ReportText,
    SignalStep,
    YearReport,
)
from .services.common import audit_yearend, require_namnd
from .services.editing import approval_snapshot
from .services.imports import figures_import
from .tables.goals import figure_meets_target, values_for

EXAMPLES = Path(__file__).parent / "data" / "examples"
FIGURE_FILES = [
    ("economy", "economy.csv"),
    ("investments", "investments.csv"),
    ("prognoses", "prognoses.csv"),
    ("staff", "staff.csv"),
    ("sickleave", "sickleave.csv"),
]


def example_names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if (p / "plan.json").exists())


def namnd_of_municipality(slug: str) -> Organisation:
    namnd = Organisation.objects.filter(parent__slug=slug, kind=OrganisationKind.SOCIAL_COMMITTEE).first()
    if namnd is None:
        raise ValidationFailed(
            _("Kommunen %(slug)s har ingen socialnämnd i organisationsstrukturen; läs in organisationen först.")
            % {"slug": quoted(slug)}
        )
    return namnd


def signal_scale(municipality: Organisation, steps: list[dict[str, str]]) -> list[SignalStep]:
    """The municipality's scale with these labels, lowest first; an existing scale keeps its
    colours and symbols, labels it lacks are added at the top."""
    scale = []
    for position, step in enumerate(steps, start=1):
        found = SignalStep.objects.filter(municipality=municipality, label=step["label"]).first()
        if found is None:
            taken = set(SignalStep.objects.filter(municipality=municipality).values_list("position", flat=True))
            free = position if position not in taken else max(taken) + 1
            found = SignalStep.objects.create(
                municipality=municipality,
                position=free,
                label=step["label"],
                colour=step["colour"],
                symbol=step["symbol"],
            )
        scale.append(found)
    return sorted(scale, key=lambda s: s.position)


def _decimal(text: str) -> Decimal:
    return Decimal(text)


def _load_goals(namnd: Organisation, year: int, plan: dict[str, Any]) -> list[tuple[NamndGoal, dict[str, Any]]]:
    CouncilGoal.objects.filter(namnd=namnd, year=year).delete()
    goals: list[tuple[NamndGoal, dict[str, Any]]] = []

    def add_table(
        council_goal: CouncilGoal, position: int, after: NamndGoal | None, spec: dict[str, Any]
    ) -> list[KeyFigure]:
        table = KeyFigureTable.objects.create(
            council_goal=council_goal,
            after_goal=after,
            position=position,
            measured_at=spec["measured_at"],
            footnote=spec["footnote"],
        )
        figures = []
        for index, figure_spec in enumerate(spec["figures"], start=1):
            figure = KeyFigure.objects.create(
                table=table,
                goal=after,
                position=index,
                name=figure_spec["name"],
                source=figure_spec["source"],
                target_direction=figure_spec["direction"],
                target_value=_decimal(figure_spec["target"]),
                show_direction=figure_spec["show_direction"],
                decimals=1,
            )
            for value_year, value in figure_spec["values"].items():
                numeric = value.replace(".", "", 1).isdigit()
                KeyFigureValue.objects.create(
                    key_figure=figure,
                    year=int(value_year),
                    value=_decimal(value) if numeric else None,
                    text="" if numeric else value,
                    origin=KeyFigureOrigin.IMPORTED,
                )
            figures.append(figure)
        return figures

    for council_spec in plan["council_goals"]:
        council_goal = CouncilGoal.objects.create(
            namnd=namnd, year=year, number=council_spec["number"], title=council_spec["title"]
        )
        table_position = 0
        created: list[NamndGoal] = []
        for position, goal_spec in enumerate(council_spec["goals"], start=1):
            goal = NamndGoal.objects.create(
                council_goal=council_goal,
                position=position,
                title=goal_spec["title"],
                indicator=goal_spec["indicator"],
                agenda2030=goal_spec["agenda2030"],
            )
            created.append(goal)
            goals.append((goal, goal_spec))
            for table_spec in goal_spec.get("key_figure_tables", []):
                table_position += 1
                add_table(council_goal, table_position, goal, table_spec)
        for table_spec in council_spec.get("closing_tables", []):
            table_position += 1
            figures = add_table(council_goal, table_position, None, table_spec)
            # A closing table's figures each measure one of the goals above it.
            for goal, goal_spec in goals[-len(created) :]:
                if "figure" in goal_spec:
                    KeyFigure.objects.filter(pk=figures[goal_spec["figure"]].pk).update(goal=goal)
    return goals


def _load_controls(namnd: Organisation, year: int, period: str, plan: dict[str, Any]) -> None:
    ControlPoint.objects.filter(namnd=namnd, year=year).delete()
    for position, spec in enumerate(plan["internal_control"], start=1):
        point = ControlPoint.objects.create(
            namnd=namnd,
            year=year,
            position=position,
            risk=spec["risk"],
            checked=spec["checked"],
            frequency=spec["frequency"],
            method=spec["method"],
        )
        follow_up = ControlFollowUp.objects.create(
            point=point, period=period, assessment=spec["assessment"], result=spec["result"]
        )
        for index, table in enumerate(spec.get("tables", []), start=1):
            ControlResultTable.objects.create(follow_up=follow_up, position=index, **table)
    ProviderFollowUp.objects.filter(namnd=namnd, year=year).delete()
    for position, spec in enumerate(plan["providers"], start=1):
        ProviderFollowUp.objects.create(
            namnd=namnd,
            year=year,
            position=position,
            agreement=spec["agreement"],
            followed_up=spec["followed_up"],
            met_requirements=spec["met"],
            shortcomings=spec["shortcomings"],
            effect=spec["effect"],
            measures=spec["measures"],
        )


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def load_example(name: str, *, actor: User | None = None, context: AuditContext | None = None) -> YearReport:
    if name not in example_names():
        raise ValidationFailed(
            _("Exemplet %(name)s finns inte. Det finns: %(known)s.")
            % {"name": quoted(name), "known": ", ".join(example_names())}
        )
    folder = EXAMPLES / name
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    namnd = namnd_of_municipality(plan["namnd_of"])
    require_namnd(actor, namnd)
    year, head = plan["year"], plan["report"]
    municipality = namnd.parent
    assert municipality is not None
    with transaction.atomic():
        for kind, filename in FIGURE_FILES:
            figures_import(
                actor=actor,
                namnd=namnd,
                kind=kind,
                filename=filename,
                data=(folder / filename).read_bytes(),
                context=context,
            )
        scale = signal_scale(municipality, plan["scale"])
        annual_month, annual_day = (int(part) for part in plan["governance"]["annual_due"].split("-"))
        interim_month, interim_day = (int(part) for part in plan["governance"]["interim_due"].split("-"))
        GovernanceSettings.objects.update_or_create(
            municipality=municipality,
            defaults={
                "annual_due_month": annual_month,
                "annual_due_day": annual_day,
                "interim_due_month": interim_month,
                "interim_due_day": interim_day,
            },
        )
        goals = _load_goals(namnd, year, plan)
        _load_controls(namnd, year, head["period"], plan)
        report, _created = YearReport.objects.update_or_create(
            namnd=namnd,
            year=year,
            period=head["period"],
            defaults={
                "document_type": head["document_type"],
                "decision_body": head["decision_body"],
                "decision_date": _date(head["decision_date"]),
                "diary_number": head["diary_number"],
                "memo_date": _date(head["memo_date"]),
                "officer_name": head["officer_name"],
                "officer_title": head["officer_title"],
                "direct_number": head["direct_number"],
                "manager_name": head["manager_name"],
                "manager_title": head["manager_title"],
                "recipients": head["recipients"],
                # Approved at the end, once everything it shows is in place.
                "status": ReportStatus.DRAFT,
                "approved_content": None,
                "approver_name": head["approver_name"],
                "approved_on": _date(head["approved_on"]),
            },
        )
        ReportText.objects.filter(report=report).delete()
        texts = dict(plan["texts"])
        for goal, spec in goals:
            texts[f"goal-{goal.pk}"] = spec["analysis"]
        now = timezone.now()
        ReportText.objects.bulk_create(
            [ReportText(report=report, key=key, body=body, updated_at=now) for key, body in texts.items()]
        )
        by_label = {step.label: step for step in scale}
        values = values_for(
            list(KeyFigure.objects.filter(table__council_goal__namnd=namnd, table__council_goal__year=year))
        )
        for goal, spec in goals:
            results = [
                met
                for figure in goal.key_figures.all()
                if (met := figure_meets_target(figure, year, values)) is not None
            ]
            step = proposed_step(results, len(scale))
            GoalAssessment.objects.create(
                report=report,
                goal=goal,
                proposed=scale[step] if step is not None else None,
                decided=by_label[spec["decided"]],
                reason=spec["reason"],
                decided_at=now,
            )
        # The seed's report is approved: freeze it as it now stands (services/editing.py).
        report.status = ReportStatus.APPROVED
        report.approved_content = approval_snapshot(report)
        report.save(update_fields=["status", "approved_content"])
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_IMPORT,
            namnd=namnd,
            object_type="year_report",
            object_id=report.pk,
            context=context,
            example=name,
        )
    return report

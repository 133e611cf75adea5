"""The council's goals, the nämnd's goals, the key figure tables, and next year's plan copied from
this year's."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed

from ...computed import computed_values_refresh
from ...models import (
    CouncilGoal,
    KeyFigure,
    KeyFigureTable,
    NamndGoal,
    ReportStatus,
    ReportText,
    YearReport,
)
from ..common import audit_yearend, guard_published_text, require_namnd
from ._shared import (
    NOT_SAVED,
    _approved_decisions,
    _audit,
    _locked_draft,
    _next_position,
    _propose,
    _reorder,
    _report_name,
    _require_council_goal,
    _text,
)

# --- Council goals ---------------------------------------------------------------------------------


def council_goal_save(
    *,
    actor: User | None,
    report: YearReport,
    council_goal: CouncilGoal | None = None,
    number: int | None,
    title: str,
    context: AuditContext | None = None,
) -> CouncilGoal:
    """Add one of the council's goals to the report's year (`council_goal` None) or change its
    number and wording."""
    require_namnd(actor, report.namnd)
    if council_goal is not None:
        _require_council_goal(report, council_goal)
    problems = FieldProblems()
    if number is None:
        problems.add("number", _("Ange målets nummer."))
    elif not 1 <= number <= 99:
        problems.add("number", _("Ange ett nummer från 1 till 99."))
    elif (
        CouncilGoal.objects.filter(namnd=report.namnd, year=report.year, number=number)
        .exclude(pk__in=[council_goal.pk] if council_goal else [])
        .exists()
    ):
        problems.add(
            "number",
            _("Fullmäktiges mål %(number)s finns redan för %(year)s.") % {"number": number, "year": report.year},
        )
    title = _text(problems, "title", title, limit=300, required=_("Skriv målets lydelse."))
    guard_published_text(problems, {"title": title})
    problems.raise_if_any(str(NOT_SAVED))
    assert number is not None
    with transaction.atomic():
        locked = _locked_draft(report)
        created = council_goal is None
        goal = council_goal or CouncilGoal(namnd=locked.namnd, year=locked.year)
        goal.number, goal.title = number, title
        goal.save()
        _audit(actor, locked, context, change="council_goal", council_goal=goal.pk, created=created, number=number)
    return goal


def council_goal_delete(
    *, actor: User | None, report: YearReport, council_goal: CouncilGoal, context: AuditContext | None = None
) -> None:
    """Remove a council goal that has nothing under it."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, council_goal)
    with transaction.atomic():
        locked = _locked_draft(report)
        if council_goal.goals.exists() or council_goal.key_figure_tables.exists():
            raise Conflict(
                _(
                    "Fullmäktiges mål har nämndsmål eller nyckeltalstabeller under sig; ta bort dem först om målet "
                    "ska tas bort."
                )
            )
        number = council_goal.number
        council_goal.delete()
        _audit(actor, locked, context, change="council_goal_deleted", number=number)


# --- The nämnd's goals -----------------------------------------------------------------------------


def namnd_goal_save(
    *,
    actor: User | None,
    report: YearReport,
    council_goal: CouncilGoal,
    goal: NamndGoal | None = None,
    title: str,
    indicator: str,
    agenda2030: str,
    position: int | None = None,
    context: AuditContext | None = None,
) -> NamndGoal:
    """Add a goal of the nämnd under one of the council's goals (`goal` None: last, or at
    `position`) or change its wording, indicator, Agenda 2030 goals and place."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, council_goal)
    if goal is not None and goal.council_goal_id != council_goal.pk:
        raise ValidationFailed(_("Målet hör inte till det fullmäktigemålet."))
    problems = FieldProblems()
    title = _text(problems, "title", title, limit=400, required=_("Skriv nämndens mål."))
    indicator = _text(problems, "indicator", indicator, limit=2000)
    agenda2030 = _text(problems, "agenda2030", agenda2030, limit=4000)
    guard_published_text(problems, {"title": title, "indicator": indicator, "agenda2030": agenda2030})
    if position is not None and position < 1:
        problems.add("position", _("Ange ordningen som ett heltal från 1."))
    problems.raise_if_any(str(NOT_SAVED))
    with transaction.atomic():
        locked = _locked_draft(report)
        siblings = NamndGoal.objects.filter(council_goal=council_goal)
        created = goal is None
        if goal is None:
            goal = NamndGoal(council_goal=council_goal, position=_next_position(siblings))
        goal.title, goal.indicator, goal.agenda2030 = title, indicator, agenda2030
        goal.save()
        _reorder(siblings, goal, position)
        goal.refresh_from_db(fields=["position"])
        _audit(actor, locked, context, change="goal", goal=goal.pk, created=created, council_goal=council_goal.number)
    if created:
        _propose(report.namnd, report.year)
    return goal


def namnd_goal_delete(
    *, actor: User | None, report: YearReport, goal: NamndGoal, context: AuditContext | None = None
) -> None:
    """Remove a goal of the nämnd; refused while an approved report has assessed it, a key figure
    table stands after it, or a report has a comment/analysis for it."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, goal.council_goal)
    with transaction.atomic():
        locked = _locked_draft(report)
        problems: list[str] = []
        for assessment in _approved_decisions([goal.pk]):
            problems.append(
                _("Målet är bedömt i det godkända %(report)s.") % {"report": _report_name(assessment.report)}
            )
        if goal.key_figure_tables.exists():
            problems.append(_("Nyckeltalstabeller står efter målet; flytta eller ta bort dem först."))
        texts = ReportText.objects.filter(report__namnd=locked.namnd, report__year=locked.year, key=f"goal-{goal.pk}")
        for text in texts.select_related("report"):
            if text.body.strip():
                problems.append(
                    _("Målet har en kommentar/analys i %(report)s; töm texten först om målet ska tas bort.")
                    % {"report": _report_name(text.report)}
                )
        if problems:
            raise Conflict(" ".join(problems))
        texts.delete()
        council_goal, title = goal.council_goal, goal.title
        goal.delete()
        siblings = NamndGoal.objects.filter(council_goal=council_goal)
        if (first := siblings.order_by("position").first()) is not None:
            _reorder(siblings, first, 1)
        _audit(actor, locked, context, change="goal_deleted", council_goal=council_goal.number, title=title)
    _propose(report.namnd, report.year)


# --- Key figure tables -------------------------------------------------------------------------------


def key_figure_table_save(
    *,
    actor: User | None,
    report: YearReport,
    council_goal: CouncilGoal,
    table: KeyFigureTable | None = None,
    after_goal: NamndGoal | None,
    measured_at: str,
    footnote: str,
    context: AuditContext | None = None,
) -> KeyFigureTable:
    """Add a key figure table to a council goal's section, after one of its goals or (`after_goal`
    None) at the end of the section, or change where it stands, its time of measurement and its
    footnote."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, council_goal)
    if table is not None and table.council_goal_id != council_goal.pk:
        raise ValidationFailed(_("Tabellen hör inte till det fullmäktigemålet."))
    problems = FieldProblems()
    if after_goal is not None and after_goal.council_goal_id != council_goal.pk:
        problems.add("after_goal", _("Välj ett av nämndens mål under samma fullmäktigemål."))
    measured_at = _text(problems, "measured_at", measured_at, limit=20)
    footnote = _text(problems, "footnote", footnote, limit=4000)
    guard_published_text(problems, {"measured_at": measured_at, "footnote": footnote})
    problems.raise_if_any(str(NOT_SAVED))
    with transaction.atomic():
        locked = _locked_draft(report)
        created = table is None
        if table is None:
            siblings = KeyFigureTable.objects.filter(council_goal=council_goal)
            table = KeyFigureTable(council_goal=council_goal, position=_next_position(siblings))
        table.after_goal, table.measured_at, table.footnote = after_goal, measured_at, footnote
        table.save()
        _audit(actor, locked, context, change="key_figure_table", table=table.pk, created=created)
    return table


def key_figure_table_delete(
    *, actor: User | None, report: YearReport, table: KeyFigureTable, context: AuditContext | None = None
) -> None:
    """Remove an empty key figure table."""
    require_namnd(actor, report.namnd)
    _require_council_goal(report, table.council_goal)
    with transaction.atomic():
        locked = _locked_draft(report)
        if table.key_figures.exists():
            raise Conflict(_("Tabellen har nyckeltal; ta bort dem först om tabellen ska tas bort."))
        pk = table.pk
        table.delete()
        _audit(actor, locked, context, change="key_figure_table_deleted", table=pk)


# --- Next year's plan ------------------------------------------------------------------------------------


def goals_copy_from_year(
    *, actor: User | None, namnd: Organisation, from_year: int, to_year: int, context: AuditContext | None = None
) -> list[CouncilGoal]:
    """Start `to_year`'s plan from `from_year`'s: the council's goals, the nämnd's goals, the key
    figure tables and the key figures with their targets and sources. Outcomes are not copied
    (computed figures get theirs at once; Kolada's come with the next import). Refused when
    `to_year` already has goals or an approved report."""
    require_namnd(actor, namnd)
    if from_year == to_year:
        raise ValidationFailed(
            _("Välj ett annat år att kopiera från."), fields={"from_year": [_("Välj ett annat år.")]}
        )
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=namnd.pk).first()
        reports = list(YearReport.objects.select_for_update().filter(namnd=namnd, year=to_year).order_by("period"))
        if any(r.status == ReportStatus.APPROVED for r in reports):
            raise Conflict(_("En rapport för %(year)s är godkänd; dess mål kan inte ändras.") % {"year": to_year})
        if CouncilGoal.objects.filter(namnd=namnd, year=to_year).exists():
            raise Conflict(
                _("Det finns redan mål för %(year)s; kopieringen görs bara till ett år utan mål.") % {"year": to_year}
            )
        sources = list(
            CouncilGoal.objects.filter(namnd=namnd, year=from_year).prefetch_related(
                "goals", "key_figure_tables__key_figures"
            )
        )
        if not sources:
            message = _("Det finns inga mål för %(year)s att kopiera.") % {"year": from_year}
            raise ValidationFailed(message, fields={"from_year": [message]})
        created: list[CouncilGoal] = []
        for source in sources:
            council_goal = CouncilGoal.objects.create(
                namnd=namnd, year=to_year, number=source.number, title=source.title
            )
            goals = {
                old.pk: NamndGoal.objects.create(
                    council_goal=council_goal,
                    position=old.position,
                    title=old.title,
                    indicator=old.indicator,
                    agenda2030=old.agenda2030,
                )
                for old in source.goals.all()
            }
            for old_table in source.key_figure_tables.all():
                table = KeyFigureTable.objects.create(
                    council_goal=council_goal,
                    after_goal=goals.get(old_table.after_goal_id) if old_table.after_goal_id else None,
                    position=old_table.position,
                    measured_at=old_table.measured_at,
                    footnote=old_table.footnote,
                )
                KeyFigure.objects.bulk_create(
                    [
                        KeyFigure(
                            table=table,
                            goal=goals.get(f.goal_id) if f.goal_id else None,
                            **{
                                name: getattr(f, name)
                                for name in (
                                    "position",
                                    "name",
                                    "source",
                                    "target_direction",
                                    "target_value",
                                    "show_direction",
                                    "decimals",
                                    "kolada_kpi",
                                    "kolada_gender",
                                    "computed_measure",
                                )
                            },
                        )
                        for f in old_table.key_figures.all()
                    ]
                )
            created.append(council_goal)
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_CHANGE,
            namnd=namnd,
            object_type="year_report",
            object_id=reports[0].pk if reports else f"{namnd.slug}:{to_year}",
            context=context,
            change="goals_copied",
            from_year=from_year,
            to_year=to_year,
            council_goals=len(created),
        )
        if KeyFigure.objects.filter(table__council_goal__in=created).exclude(computed_measure="").exists():
            computed_values_refresh(namnd=namnd, year=to_year, actor=actor, context=context)
    _propose(namnd, to_year)
    return created

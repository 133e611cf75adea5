"""The writes of the goals page: access, the service, and POST-redirect-GET."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import apply_domain_error, submit_form
from insyn.errors import Conflict, InsynError

from ..forms_goals import (
    CouncilGoalForm,
    GoalsCopyForm,
    KeyFigureForm,
    KeyFigureOutcomesForm,
    KeyFigureTableForm,
    NamndGoal,
    NamndGoalForm,
)
from ..models import CouncilGoal, KeyFigure, KeyFigureTable, YearReport
from ..selectors import get_year_report_for_user, may_on_report
from ..services import goals as services
from .page import page_context

# --- Writes ---------------------------------------------------------------------------------------------


def _writer(find: Callable[[YearReport, int], Any] | None = None) -> Callable[[Callable[..., HttpResponse]], Any]:
    """A write view: 404 outside the user's municipalities and for an object not of the report's
    year (before anything else), 403 for one who may read the report but not write, 405 for GET.
    The view gets the user, the report and the object of the URL's second id."""

    def decorator(view: Callable[..., HttpResponse]) -> Any:
        @page(Permission.YEAREND_VIEW)
        @wraps(view)
        def wrapped(request: HttpRequest, year_report_id: int, **ids: int) -> HttpResponse:
            user = current_user(request)
            report = get_year_report_for_user(user, year_report_id)
            if not may_on_report(user, report, Permission.YEAREND_EDIT):
                raise PermissionDenied
            found = find(report, *ids.values()) if find is not None and ids else None
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, user, report, found)

        return wrapped

    return decorator


def _back(report: YearReport, anchor: str = "") -> HttpResponse:
    url = reverse("yearend:goals", kwargs={"year_report_id": report.pk})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _save(
    request: HttpRequest,
    report: YearReport,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    *,
    done: str,
    anchor: str | Callable[[Any], str],
) -> HttpResponse:
    """POST-redirect-GET: the service's answer with a message, or the page again with every
    problem on the form; a refusal of the report's state (approved) as a message."""
    refused: list[str] = []

    def on_error(bound: forms.BaseForm, error: InsynError) -> None:
        if isinstance(error, Conflict):
            refused.append(error.message)
        else:
            apply_domain_error(bound, error)

    saved = submit_form(form, lambda: save(form.cleaned_data), on_error=on_error)
    if refused:
        messages.error(request, refused[0])
        return _back(report)
    if saved.saved:
        messages.success(request, done)
        return _back(report, anchor(saved.answer) if callable(anchor) else anchor)
    assert form.prefix is not None
    return render(request, "yearend/goals.html", page_context(request, report, {form.prefix: form}), status=400)


def _delete(
    request: HttpRequest, report: YearReport, remove: Callable[[], None], *, done: str, anchor: str
) -> HttpResponse:
    try:
        remove()
    except InsynError as error:
        messages.error(request, error.message)
        return _back(report, anchor)
    messages.success(request, done)
    return _back(report)


def _council_goal(report: YearReport, pk: int) -> CouncilGoal:
    found = CouncilGoal.objects.filter(pk=pk, namnd=report.namnd, year=report.year).first()
    if found is None:
        raise Http404
    return found


def _goal(report: YearReport, pk: int) -> NamndGoal:
    found = (
        NamndGoal.objects.select_related("council_goal")
        .filter(pk=pk, council_goal__namnd=report.namnd, council_goal__year=report.year)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _table(report: YearReport, pk: int) -> KeyFigureTable:
    found = (
        KeyFigureTable.objects.select_related("council_goal")
        .filter(pk=pk, council_goal__namnd=report.namnd, council_goal__year=report.year)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _figure(report: YearReport, pk: int) -> KeyFigure:
    found = (
        KeyFigure.objects.select_related("table__council_goal")
        .filter(pk=pk, table__council_goal__namnd=report.namnd, table__council_goal__year=report.year)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- The views ------------------------------------------------------------------------------------------


@_writer()
def goals_copy(request: HttpRequest, user: User, report: YearReport, _nothing: None) -> HttpResponse:
    years = set(CouncilGoal.objects.filter(namnd=report.namnd).values_list("year", flat=True)) - {report.year}
    form = GoalsCopyForm(request.POST, prefix="copy", years=sorted(years, reverse=True))
    return _save(
        request,
        report,
        form,
        lambda data: services.goals_copy_from_year(
            actor=user,
            namnd=report.namnd,
            from_year=data["from_year"],
            to_year=report.year,
            context=audit_context(request),
        ),
        done=_("Målen och nyckeltalen är kopierade. Utfallen anges för det nya året."),
        anchor="plan",
    )


@_writer(_council_goal)
def council_goal_save(
    request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal | None
) -> HttpResponse:
    form = CouncilGoalForm(request.POST, prefix=f"cg-{council_goal.pk}" if council_goal else "cg-new")
    return _save(
        request,
        report,
        form,
        lambda data: services.council_goal_save(
            actor=user, report=report, council_goal=council_goal, context=audit_context(request), **data
        ),
        done=_("Fullmäktiges mål är sparat."),
        anchor=lambda saved: f"council-goal-{saved.pk}",
    )


@_writer(_council_goal)
def council_goal_delete(
    request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal
) -> HttpResponse:
    return _delete(
        request,
        report,
        lambda: services.council_goal_delete(
            actor=user, report=report, council_goal=council_goal, context=audit_context(request)
        ),
        done=_("Fullmäktiges mål är borttaget."),
        anchor=f"council-goal-{council_goal.pk}",
    )


def _namnd_goal_save(
    request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal, goal: NamndGoal | None
) -> HttpResponse:
    form = NamndGoalForm(request.POST, prefix=f"goal-{goal.pk}" if goal else f"goal-new-{council_goal.pk}")
    return _save(
        request,
        report,
        form,
        lambda data: services.namnd_goal_save(
            actor=user, report=report, council_goal=council_goal, goal=goal, context=audit_context(request), **data
        ),
        done=_("Nämndens mål är sparat."),
        anchor=lambda saved: f"goal-{saved.pk}",
    )


@_writer(_council_goal)
def namnd_goal_create(request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal) -> HttpResponse:
    return _namnd_goal_save(request, user, report, council_goal, None)


@_writer(_goal)
def namnd_goal_update(request: HttpRequest, user: User, report: YearReport, goal: NamndGoal) -> HttpResponse:
    return _namnd_goal_save(request, user, report, goal.council_goal, goal)


@_writer(_goal)
def namnd_goal_delete(request: HttpRequest, user: User, report: YearReport, goal: NamndGoal) -> HttpResponse:
    return _delete(
        request,
        report,
        lambda: services.namnd_goal_delete(actor=user, report=report, goal=goal, context=audit_context(request)),
        done=_("Nämndens mål är borttaget."),
        anchor=f"goal-{goal.pk}",
    )


def _table_save(
    request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal, table: KeyFigureTable | None
) -> HttpResponse:
    prefix = f"table-{table.pk}" if table else f"table-new-{council_goal.pk}"
    form = KeyFigureTableForm(request.POST, prefix=prefix, goals=list(council_goal.goals.all()))
    return _save(
        request,
        report,
        form,
        lambda data: services.key_figure_table_save(
            actor=user, report=report, council_goal=council_goal, table=table, context=audit_context(request), **data
        ),
        done=_("Nyckeltalstabellen är sparad."),
        anchor=lambda saved: f"table-{saved.pk}",
    )


@_writer(_council_goal)
def table_create(request: HttpRequest, user: User, report: YearReport, council_goal: CouncilGoal) -> HttpResponse:
    return _table_save(request, user, report, council_goal, None)


@_writer(_table)
def table_update(request: HttpRequest, user: User, report: YearReport, table: KeyFigureTable) -> HttpResponse:
    return _table_save(request, user, report, table.council_goal, table)


@_writer(_table)
def table_delete(request: HttpRequest, user: User, report: YearReport, table: KeyFigureTable) -> HttpResponse:
    return _delete(
        request,
        report,
        lambda: services.key_figure_table_delete(
            actor=user, report=report, table=table, context=audit_context(request)
        ),
        done=_("Nyckeltalstabellen är borttagen."),
        anchor=f"table-{table.pk}",
    )


def _key_figure_save(
    request: HttpRequest, user: User, report: YearReport, table: KeyFigureTable, figure: KeyFigure | None
) -> HttpResponse:
    goals = list(NamndGoal.objects.filter(council_goal=table.council_goal_id))
    form = KeyFigureForm(request.POST, prefix=f"kf-{figure.pk}" if figure else f"kf-new-{table.pk}", goals=goals)
    return _save(
        request,
        report,
        form,
        lambda data: services.key_figure_save(
            actor=user, report=report, table=table, key_figure=figure, context=audit_context(request), **data
        ),
        done=_("Nyckeltalet är sparat."),
        anchor=lambda saved: f"kf-{saved.pk}",
    )


@_writer(_table)
def key_figure_create(request: HttpRequest, user: User, report: YearReport, table: KeyFigureTable) -> HttpResponse:
    return _key_figure_save(request, user, report, table, None)


@_writer(_figure)
def key_figure_update(request: HttpRequest, user: User, report: YearReport, figure: KeyFigure) -> HttpResponse:
    return _key_figure_save(request, user, report, figure.table, figure)


@_writer(_figure)
def key_figure_delete(request: HttpRequest, user: User, report: YearReport, figure: KeyFigure) -> HttpResponse:
    return _delete(
        request,
        report,
        lambda: services.key_figure_delete(
            actor=user, report=report, key_figure=figure, context=audit_context(request)
        ),
        done=_("Nyckeltalet är borttaget."),
        anchor=f"kf-{figure.pk}",
    )


@_writer(_figure)
def key_figure_outcomes(request: HttpRequest, user: User, report: YearReport, figure: KeyFigure) -> HttpResponse:
    years = (report.year, report.year - 1, report.year - 2)
    form = KeyFigureOutcomesForm(request.POST, prefix=f"out-{figure.pk}", years=years)
    return _save(
        request,
        report,
        form,
        lambda data: services.key_figure_outcomes_save(
            actor=user, report=report, key_figure=figure, entries=form.entries(), context=audit_context(request)
        ),
        done=_("Utfallen för ”%(name)s” är sparade.") % {"name": figure.name},
        anchor=f"kf-{figure.pk}",
    )

"""The internal control page of a report's year: the control plan with its follow-up at the
report's period and the small tables inside a result, carrying remarked points over to next
year's plan, Bilaga 2 (private providers), and the municipality's signal scale and due dates.
Each write view checks access (404 outside the user's municipalities before anything else, 403 for
one who may read but not do this), calls a service and redirects back (POST-redirect-GET)."""

from __future__ import annotations

from collections.abc import Callable
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
from apps.core.forms import submit_form
from insyn.errors import InsynError

from .control_page import control_context
from .forms_control import (
    ControlFollowUpForm,
    ControlPointForm,
    GovernanceForm,
    ProviderFollowUpForm,
    ResultTableForm,
    SignalScaleForm,
)
from .models import (
    ControlPoint,
    ControlResultTable,
    ProviderFollowUp,
    SignalStep,
    YearReport,
)
from .selectors import get_year_report_for_user, may_on_report
from .services import control as services
from .services.control_styrmodell import governance_settings_save, signal_scale_save


@page(Permission.YEAREND_VIEW)
def control_page(request: HttpRequest, year_report_id: int) -> HttpResponse:
    report = get_year_report_for_user(current_user(request), year_report_id)
    return render(request, "yearend/control.html", control_context(request, report, {}))


# --- Writes ---------------------------------------------------------------------------------------------


def _writable(
    request: HttpRequest, year_report_id: int, permission: Permission = Permission.YEAREND_EDIT
) -> tuple[User, YearReport]:
    """404 outside the user's municipalities (before anything else), 403 for one who may read
    the report but not do this; the object ids below are looked up only after this."""
    user = current_user(request)
    report = get_year_report_for_user(user, year_report_id)
    if not may_on_report(user, report, permission):
        raise PermissionDenied
    return user, report


def _point(report: YearReport, pk: int) -> ControlPoint:
    point = ControlPoint.objects.filter(pk=pk, namnd=report.namnd, year=report.year).first()
    if point is None:
        raise Http404
    return point


def _back(report: YearReport, anchor: str) -> HttpResponse:
    return redirect(reverse("yearend:control", kwargs={"year_report_id": report.pk}) + f"#{anchor}")


def _submit(
    request: HttpRequest,
    report: YearReport,
    key: str,
    form: forms.Form,
    save: Callable[[], Any],
    done: str,
    anchor: Callable[[Any], str],
) -> HttpResponse:
    saved = submit_form(form, save)
    if saved.saved:
        messages.success(request, done)
        return _back(report, anchor(saved.answer))
    return render(request, "yearend/control.html", control_context(request, report, {key: form}), status=400)


def _act(request: HttpRequest, report: YearReport, action: Callable[[], Any], done: str, anchor: str) -> HttpResponse:
    """A write without fields (delete, carry over): its refusal is shown as a message."""
    try:
        action()
    except InsynError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(report, anchor)


def _post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


@page(Permission.YEAREND_VIEW)
def point_save(request: HttpRequest, year_report_id: int, control_point_id: int | None = None) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    point = _point(report, control_point_id) if control_point_id is not None else None
    if refused := _post_only(request):
        return refused
    key = f"point-{point.pk}" if point else "point-new"
    form = ControlPointForm(request.POST, prefix=key)
    return _submit(
        request,
        report,
        key,
        form,
        lambda: services.control_point_save(
            actor=user, report=report, point=point, context=audit_context(request), **form.cleaned_data
        ),
        _("Kontrollpunkten är sparad."),
        lambda saved: f"punkt-{saved.pk}",
    )


@page(Permission.YEAREND_VIEW)
def point_delete(request: HttpRequest, year_report_id: int, control_point_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    point = _point(report, control_point_id)
    if refused := _post_only(request):
        return refused
    return _act(
        request,
        report,
        lambda: services.control_point_delete(actor=user, report=report, point=point, context=audit_context(request)),
        _("Kontrollpunkten är borttagen."),
        "plan",
    )


@page(Permission.YEAREND_VIEW)
def follow_up_save(request: HttpRequest, year_report_id: int, control_point_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    point = _point(report, control_point_id)
    if refused := _post_only(request):
        return refused
    form = ControlFollowUpForm(request.POST, prefix=f"follow-{point.pk}")
    return _submit(
        request,
        report,
        f"follow-{point.pk}",
        form,
        lambda: services.control_follow_up_save(
            actor=user, report=report, point=point, context=audit_context(request), **form.cleaned_data
        ),
        _("Uppföljningen av kontrollpunkten är sparad."),
        lambda saved: f"punkt-{point.pk}",
    )


def _table(report: YearReport, point: ControlPoint, pk: int) -> ControlResultTable:
    table = (
        ControlResultTable.objects.filter(pk=pk, follow_up__point=point, follow_up__period=report.period)
        .select_related("follow_up__point")
        .first()
    )
    if table is None:
        raise Http404
    return table


@page(Permission.YEAREND_VIEW)
def table_save(
    request: HttpRequest, year_report_id: int, control_point_id: int, result_table_id: int | None = None
) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    point = _point(report, control_point_id)
    table = _table(report, point, result_table_id) if result_table_id is not None else None
    if refused := _post_only(request):
        return refused
    key = f"table-{table.pk}" if table else f"table-new-{point.pk}"
    form = ResultTableForm(request.POST, prefix=key)
    return _submit(
        request,
        report,
        key,
        form,
        lambda: services.control_result_table_save(
            actor=user, report=report, point=point, table=table, context=audit_context(request), **form.cleaned_data
        ),
        _("Tabellen är sparad."),
        lambda saved: f"tabell-{saved.pk}",
    )


@page(Permission.YEAREND_VIEW)
def table_delete(
    request: HttpRequest, year_report_id: int, control_point_id: int, result_table_id: int
) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    table = _table(report, _point(report, control_point_id), result_table_id)
    if refused := _post_only(request):
        return refused
    return _act(
        request,
        report,
        lambda: services.control_result_table_delete(
            actor=user, report=report, table=table, context=audit_context(request)
        ),
        _("Tabellen är borttagen."),
        f"punkt-{control_point_id}",
    )


@page(Permission.YEAREND_VIEW)
def carry_over(request: HttpRequest, year_report_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    if refused := _post_only(request):
        return refused
    try:
        added = services.control_plan_carry_over(
            actor=user, namnd=report.namnd, from_year=report.year, context=audit_context(request)
        )
    except InsynError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(n)d punkter med anmärkning är överförda till %(year)d års plan.")
            % {"n": len(added), "year": report.year + 1}
            if added
            else _("Det fanns inga nya punkter med anmärkning att föra över; de är redan överförda."),
        )
    return _back(report, "overforing")


def _provider(report: YearReport, pk: int) -> ProviderFollowUp:
    provider = ProviderFollowUp.objects.filter(pk=pk, namnd=report.namnd, year=report.year).first()
    if provider is None:
        raise Http404
    return provider


@page(Permission.YEAREND_VIEW)
def provider_save(request: HttpRequest, year_report_id: int, provider_id: int | None = None) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    provider = _provider(report, provider_id) if provider_id is not None else None
    if refused := _post_only(request):
        return refused
    key = f"provider-{provider.pk}" if provider else "provider-new"
    form = ProviderFollowUpForm(request.POST, prefix=key)
    return _submit(
        request,
        report,
        key,
        form,
        lambda: services.provider_follow_up_save(
            actor=user, report=report, provider=provider, context=audit_context(request), **form.cleaned_data
        ),
        _("Uppföljningen av den privata utföraren är sparad."),
        lambda saved: f"utforare-{saved.pk}",
    )


@page(Permission.YEAREND_VIEW)
def provider_delete(request: HttpRequest, year_report_id: int, provider_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id)
    provider = _provider(report, provider_id)
    if refused := _post_only(request):
        return refused
    return _act(
        request,
        report,
        lambda: services.provider_follow_up_delete(
            actor=user, report=report, provider=provider, context=audit_context(request)
        ),
        _("Raden i bilaga 2 är borttagen."),
        "bilaga2",
    )


@page(Permission.YEAREND_VIEW)
def scale_save(request: HttpRequest, year_report_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_APPROVE)
    if refused := _post_only(request):
        return refused
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent).order_by("position"))
    form = SignalScaleForm(request.POST, prefix="scale", scale=scale)
    return _submit(
        request,
        report,
        "scale",
        form,
        lambda: signal_scale_save(
            actor=user, namnd=report.namnd, steps=form.step_inputs(), context=audit_context(request)
        ),
        _("Kommunens signalskala är sparad."),
        lambda saved: "signalskala",
    )


@page(Permission.YEAREND_VIEW)
def dates_save(request: HttpRequest, year_report_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_APPROVE)
    if refused := _post_only(request):
        return refused
    form = GovernanceForm(request.POST, prefix="dates")
    return _submit(
        request,
        report,
        "dates",
        form,
        lambda: governance_settings_save(
            actor=user, namnd=report.namnd, context=audit_context(request), **form.cleaned_data
        ),
        _("Styrmodellens datum är sparade."),
        lambda saved: "datum",
    )

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission, municipalities_with
from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.core.forms import submit_form
from apps.core.http import download
from apps.core.xlsx import XLSX_MIME
from apps.jobs.models import JobKind
from apps.jobs.services import job_start
from apps.people.models import Person
from apps.people.selectors import search_people
from insyn.errors import InsynError
from lib.quarters import Quarter

from . import exports
from .forms import (
    DecisionForm,
    DecisionTypeForm,
    EventForm,
    ExportForm,
    ImportForm,
    IvoClosureForm,
    LegalBasisForm,
    OfferForm,
    ReportPrepareForm,
    WaitingForm,
)
from .ivo import closures_to_report, ivo_closure_record
from .minutes import committee_decision_of
from .models import Decision, DecisionType, LegalBasis, QuarterlyReport
from .register_export import EXPORT_HEADER
from .selectors import (
    decision_episodes,
    decisions_for_user,
    get_decision_for_user,
    get_report_for_user,
    reports_for_user,
    sorted_bases,
)
from .services import (
    decision_create,
    decision_event_add,
    decision_list_record,
    decision_offer_add,
    decision_type_save,
    decision_update_waiting,
    decision_view_record,
    legal_basis_save,
    report_access_record,
    report_prepare,
    report_submit,
)

PAGE_SIZE = 50


# --- The register ---------------------------------------------------------------------------


@page(Permission.DECISION_MANAGE)
def decision_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    decisions = decisions_for_user(user).order_by("-decision_date", "reference")
    query = request.GET.get("q", "").strip()
    if query:
        decisions = decisions.filter(reference__icontains=query) | decisions.filter(
            person__in=search_people(user, query)
        )
    page_obj = Paginator(decisions.prefetch_related("events"), PAGE_SIZE).get_page(request.GET.get("sida"))
    shown = list(page_obj.object_list)
    rows = []
    for decision in shown:
        episodes = decision_episodes(decision)
        current = episodes[-1] if episodes else None
        rows.append({"decision": decision, "episode": current})
    decision_list_record(actor=user, decisions=shown, context=audit_context(request), per_municipality=False)
    return render(
        request,
        "decisions/list.html",
        {"rows": rows, "page_obj": page_obj, "query": query, "today": timezone.localdate()},
    )


@page(Permission.DECISION_MANAGE)
def decision_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    municipalities = municipalities_with(user, Permission.DECISION_MANAGE)
    form = DecisionForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        person = _find_person(user, municipality.pk, form.cleaned_data["person"])
        if person is None:
            form.add_error("person", _("Personen finns inte i kommunens personregister. Registrera personen först."))
        else:
            data = form.cleaned_data
            created = submit_form(
                form,
                lambda: decision_create(
                    actor=user,
                    municipality=municipality,
                    reference=data["reference"],
                    person=person,
                    decision_date=data["decision_date"],
                    decision_type=data["decision_type"],
                    legal_basis=data["legal_basis"],
                    caseworker=data["caseworker"],
                    delay_reason=data["delay_reason"],
                    delay_reason_text=data["delay_reason_text"],
                    ivo_area=data["ivo_area"],
                    protected_identity=data["protected_identity"],
                    context=audit_context(request),
                ),
            )
            if created.saved:
                messages.success(request, _("Beslutet är registrerat."))
                return redirect("decisions:detail", decision_id=created.value.pk)
    return render(request, "decisions/create.html", {"form": form})


def _find_person(user: User, municipality_id: int, text: str) -> Person | None:
    return search_people(user, text).filter(municipality_id=municipality_id).first() if text.strip() else None


def _detail_context(request: HttpRequest, decision_id: int, **forms: object) -> dict[str, object]:
    user = current_user(request)
    decision = get_decision_for_user(user, decision_id)
    waiting_initial = {
        "caseworker": decision.caseworker,
        "delay_reason": decision.delay_reason,
        "delay_reason_text": decision.delay_reason_text,
        "consequences": decision.consequences,
        "interim_support": decision.interim_support,
        "ivo_area": decision.ivo_area,
        "protected_identity": decision.protected_identity,
        "expected_version": decision.version,
    }
    return {
        "decision": decision,
        "episodes": decision_episodes(decision),
        "event_form": forms.get("event_form") or EventForm(),
        "offer_form": forms.get("offer_form") or OfferForm(),
        "waiting_form": forms.get("waiting_form") or WaitingForm(initial=waiting_initial),
        "reported": decision.report_rows.filter(report__status="submitted").select_related("report"),
        "closures_due": closures_to_report(decision),
        "closure_form": forms.get("closure_form") or IvoClosureForm(initial={"entered_on": timezone.localdate()}),
        "ivo_entries": decision.ivo_entries.select_related("report", "entered_by"),
    }


@page(Permission.DECISION_MANAGE)
def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    context = _detail_context(request, decision_id)
    decision = context["decision"]
    assert isinstance(decision, Decision)
    decision_view_record(actor=current_user(request), decision=decision, context=audit_context(request))
    return render(request, "decisions/detail.html", context)


# The detail page's forms: the form, its key on the page, the service, and what the user is told.
DECISION_FORMS: dict[str, tuple[type[forms.Form], str, Callable[..., object], StrOrPromise]] = {
    "event": (EventForm, "event_form", decision_event_add, gettext_lazy("Händelsen är registrerad.")),
    "offer": (OfferForm, "offer_form", decision_offer_add, gettext_lazy("Erbjudandet är registrerat.")),
    "waiting": (
        WaitingForm,
        "waiting_form",
        decision_update_waiting,
        gettext_lazy("Uppgifterna om väntetiden är sparade."),
    ),
    # An execution (or end) reported to IVO as soon as it happens, before the quarter's report.
    "ivo_closure": (
        IvoClosureForm,
        "closure_form",
        ivo_closure_record,
        gettext_lazy("Det är registrerat att verkställigheten är rapporterad till IVO."),
    ),
}


@page(Permission.DECISION_MANAGE)
def decision_form_post(request: HttpRequest, decision_id: int, action: str) -> HttpResponse:
    """The detail page's forms: look the decision up first (404 for outsiders), then save
    through the service, or show the page again with the errors and what was typed."""
    decision = get_decision_for_user(current_user(request), decision_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form_class, form_key, service, success = DECISION_FORMS[action]
    form = form_class(request.POST)
    saved = submit_form(
        form,
        lambda: service(
            actor=current_user(request), decision=decision, context=audit_context(request), **form.cleaned_data
        ),
    )
    if saved.saved:
        messages.success(request, str(success))
        return redirect("decisions:detail", decision_id=decision.pk)
    context = _detail_context(request, decision_id, **{form_key: form})
    return render(request, "decisions/detail.html", context, status=400)


@page(Permission.DECISION_MANAGE)
def decision_import_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        municipalities=municipalities_with(user, Permission.DECISION_MANAGE),
    )
    if request.method == "POST":
        started = submit_form(
            form,
            lambda: job_start(
                actor=user,
                kind=JobKind.DECISIONS_IMPORT,
                organisation=form.cleaned_data["municipality"],
                arguments={"filename": form.cleaned_data["file"].name},
                upload=form.cleaned_data["file"].file,
                context=audit_context(request),
            ),
        )
        if started.saved:
            # The import runs as a job; its page shows the progress, the result or every problem.
            return redirect("jobs:detail", job_id=started.value.pk)
    return render(request, "decisions/import.html", {"form": form})


@page(Permission.DECISION_MANAGE)
def decision_export_view(request: HttpRequest) -> HttpResponse:
    """The register as an XLSX file, made by a background job; the job page shows the progress
    and then the file."""
    user = current_user(request)
    form = ExportForm(request.POST or None, municipalities=municipalities_with(user, Permission.DECISION_MANAGE))
    if request.method == "POST" and form.is_valid():
        job = job_start(
            actor=user,
            kind=JobKind.DECISIONS_EXPORT,
            organisation=form.cleaned_data["municipality"],
            context=audit_context(request),
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(
        request,
        "decisions/export.html",
        {"form": form, "columns": EXPORT_HEADER, "file_hours": settings.INSYN_JOB_FILE_HOURS},
    )


# --- Reports -------------------------------------------------------------------------------


@page(Permission.DECISION_REPORT_VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    can_manage = has_permission(user, Permission.DECISION_MANAGE)
    form = None
    if can_manage:
        today = timezone.localdate()
        last_quarter = Quarter.containing(today).previous()
        form = ReportPrepareForm(
            request.POST or None,
            municipalities=municipalities_with(user, Permission.DECISION_MANAGE),
            initial={"quarter": str(last_quarter), "as_of": today},
        )
        if request.method == "POST":
            prepared = submit_form(
                form,
                lambda: report_prepare(
                    actor=user,
                    municipality=form.cleaned_data["municipality"],
                    quarter=Quarter.parse(form.cleaned_data["quarter"]),
                    as_of=form.cleaned_data["as_of"],
                    context=audit_context(request),
                ),
            )
            if prepared.saved:
                return redirect("decisions:report", report_id=prepared.value.pk)
    reports = reports_for_user(user)
    return render(request, "decisions/report_list.html", {"reports": reports, "form": form, "can_manage": can_manage})


@page(Permission.DECISION_REPORT_VIEW)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = current_user(request)
    report = get_report_for_user(user, report_id)
    report_access_record(actor=user, action=AuditAction.REPORT_VIEW, report=report, context=audit_context(request))
    municipality_ids = {m.pk for m in municipalities_with(user, Permission.DECISION_MANAGE)}
    return render(
        request,
        "decisions/report.html",
        {
            "view": exports.report_view(report),
            "can_manage": report.municipality_id in municipality_ids,
            "can_see_individuals": report.municipality_id
            in {m.pk for m in municipalities_with(user, Permission.IVO_INDIVIDUAL_VIEW)},
            "committee_decision": committee_decision_of(report),
        },
    )


def _managed_report(request: HttpRequest, report_id: int) -> QuarterlyReport:
    user = current_user(request)
    report = get_report_for_user(user, report_id)
    if report.municipality not in municipalities_with(user, Permission.DECISION_MANAGE):
        raise Http404
    return report


@page(Permission.DECISION_MANAGE)
def report_recompute(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _managed_report(request, report_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        as_of = (
            datetime.date.fromisoformat(request.POST.get("as_of", "")) if request.POST.get("as_of") else report.as_of
        )
        report_prepare(
            actor=current_user(request),
            municipality=report.municipality,
            quarter=Quarter(report.year, report.quarter),
            as_of=as_of,
            context=audit_context(request),
        )
    except ValueError:
        messages.error(request, _("Ange rapporteringstillfället som ÅÅÅÅ-MM-DD."))
    except InsynError as exc:
        messages.error(request, exc.message + " " + " ".join(m for ms in exc.fields.values() for m in ms))
    else:
        messages.success(request, _("Utkastet är omräknat."))
    return redirect("decisions:report", report_id=report.pk)


@page(Permission.DECISION_MANAGE)
def report_submit_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _managed_report(request, report_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("confirmed") != "ja":
        # Submitting freezes the report: asked twice, and never on a form that skipped the question.
        messages.error(
            request,
            _(
                "Rapporten är inte inlämnad: bekräfta att du vill lämna in den. En inlämnad rapport fryses "
                "och kan inte ändras."
            ),
        )
        return redirect("decisions:report", report_id=report.pk)
    try:
        report_submit(actor=current_user(request), report=report, context=audit_context(request))
    except InsynError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rapporten är inlämnad och kan inte längre ändras."))
    return redirect("decisions:report", report_id=report.pk)


@page(Permission.DECISION_REPORT_VIEW)
def report_download(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    user = current_user(request)
    report = get_report_for_user(user, report_id)
    name = f"ej-verkstallda-beslut-{report.municipality.slug}-{report.year}Q{report.quarter}"
    if fmt == "json":
        content = json.dumps(exports.report_json(report), ensure_ascii=False, indent=2).encode()
        response = download(content, filename=f"{name}.json", content_type="application/json")
    elif fmt == "pdf":
        response = download(exports.report_pdf(report, user), filename=f"{name}.pdf", content_type="application/pdf")
    elif fmt == "xlsx":
        response = download(exports.report_xlsx(report), filename=f"{name}.xlsx", content_type=XLSX_MIME)
    else:
        raise Http404
    report_access_record(
        actor=user,
        action=AuditAction.REPORT_EXPORT,
        report=report,
        context=audit_context(request),
        details={"format": fmt},
    )
    return response


# --- Reference data (system administrators) ------------------------------------------------


@page(Permission.REFERENCE_DATA_MANAGE)
def reference_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "decisions/reference_data.html",
        {
            "bases": sorted_bases(LegalBasis.objects.all()),
            "types": [
                (t, sorted_bases(t.legal_bases.all())) for t in DecisionType.objects.prefetch_related("legal_bases")
            ],
        },
    )


@page(Permission.REFERENCE_DATA_MANAGE)
def legal_basis_edit(request: HttpRequest, basis_id: int | None = None) -> HttpResponse:
    instance = get_object_or_404(LegalBasis, pk=basis_id) if basis_id else None
    form = LegalBasisForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        legal_basis_save(actor=current_user(request), form=form, context=audit_context(request))
        messages.success(request, _("Lagrummet är sparat."))
        return redirect("decisions:reference_data")
    return render(request, "decisions/reference_form.html", {"form": form, "title": _("Lagrum")})


@page(Permission.REFERENCE_DATA_MANAGE)
def decision_type_edit(request: HttpRequest, type_id: int | None = None) -> HttpResponse:
    instance = get_object_or_404(DecisionType, pk=type_id) if type_id else None
    form = DecisionTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        decision_type_save(actor=current_user(request), form=form, context=audit_context(request))
        messages.success(request, _("Beslutstypen är sparad."))
        return redirect("decisions:reference_data")
    return render(request, "decisions/reference_form.html", {"form": form, "title": _("Typ av beslut")})

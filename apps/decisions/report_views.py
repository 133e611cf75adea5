"""The pages around a quarterly report: the tjänsteskrivelse, IVO's individual data and what has
been entered in IVO's e-service, the running quarter's preview, the nämnd's decision with its
protokollsutdrag and dispatch, and the nämnd's own data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.core.forms import submit_form
from apps.core.http import download
from apps.core.xlsx import XLSX_MIME
from apps.organisations.models import Organisation
from insyn.errors import InsynError

from . import exports, ivo, memo, minutes
from .forms import (
    CommitteeDecisionForm,
    CommitteeSettingsForm,
    DispatchForm,
    IvoEntryForm,
    MemoForm,
    ProtocolFormatForm,
)
from .models import CommitteeSettings, QuarterlyReport
from .preview import preview_view
from .selectors import get_report_for_user
from .services import report_access_record, report_preview_view_record

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report_with(request: HttpRequest, report_id: int, permission: Permission) -> QuarterlyReport:
    """The report, if the user holds `permission` in its municipality; 404 for anyone else."""
    user = current_user(request)
    report = get_report_for_user(user, report_id)
    if report.municipality not in municipalities_with(user, permission):
        raise Http404
    return report


def _municipality_of(request: HttpRequest, slug: str | None) -> Organisation:
    """One of the user's municipalities where they register decisions; 404 for any other."""
    mine = municipalities_with(current_user(request), Permission.DECISION_MANAGE)
    if slug is None and mine:
        return mine[0]
    for municipality in mine:
        if municipality.slug == slug:
            return municipality
    raise Http404


# --- Tjänsteskrivelse ---------------------------------------------------------------------------


@page(Permission.DECISION_MANAGE)
def report_memo(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_with(request, report_id, Permission.DECISION_MANAGE)
    settings = exports.committee_settings_of(report.municipality)
    form = MemoForm(
        request.GET or None,
        initial={
            "date": timezone.localdate(),
            "format": "docx",
            "manager_name": settings.manager_name,
            "manager_title": settings.manager_title,
            "approver_name": settings.approver_name,
        },
    )
    if request.GET and form.is_valid():
        data = form.cleaned_data
        fields = memo.MemoFields(
            date=data["date"],
            officer=data["officer"],
            officer_title=data["officer_title"],
            diary_number=data["diary_number"],
            direct_number=data["direct_number"],
            manager_name=data["manager_name"],
            manager_title=data["manager_title"],
            approver_name=data["approver_name"],
            approved_on=data["approved_on"],
        )
        name = f"tjansteskrivelse-{report.municipality.slug}-{report.year}Q{report.quarter}"
        report_access_record(
            actor=current_user(request),
            action=AuditAction.REPORT_EXPORT,
            report=report,
            context=audit_context(request),
            details={"format": f"memo-{data['format']}"},
        )
        if data["format"] == "pdf":
            return download(memo.memo_pdf(report, fields), filename=f"{name}.pdf", content_type="application/pdf")
        return download(memo.memo_docx(report, fields), filename=f"{name}.docx", content_type=DOCX_MIME)
    return render(request, "decisions/memo.html", {"report": report, "form": form, "settings": settings})


# --- IVO's individual data ------------------------------------------------------------------------


@page(Permission.IVO_INDIVIDUAL_VIEW)
def report_individuals(request: HttpRequest, report_id: int, *, entry_form: IvoEntryForm | None = None) -> HttpResponse:
    user = current_user(request)
    report = _report_with(request, report_id, Permission.IVO_INDIVIDUAL_VIEW)
    # Reports computed before IVO's identifiers existed get them now; once given, they are kept.
    people = [row.decision.person for row in report.rows.select_related("decision__person__municipality")]
    ivo.ivo_codes_assign(municipality=report.municipality, people=people)
    reports = ivo.ivo_reports(report)
    codes = sorted({item.row.decision.person.code for item in reports})
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "json"):
        report_access_record(
            actor=user,
            action=AuditAction.IVO_INDIVIDUAL_EXPORT,
            report=report,
            context=audit_context(request),
            details={"codes": codes, "format": fmt},
        )
        name = f"ivo-individrapporter-{report.municipality.slug}-{report.year}Q{report.quarter}"
        if fmt == "json":
            content = json.dumps(ivo.ivo_json(report), ensure_ascii=False, indent=2).encode()
            return download(content, filename=f"{name}.json", content_type="application/json")
        return download(ivo.ivo_xlsx(report), filename=f"{name}.xlsx", content_type=XLSX_MIME)
    report_access_record(
        actor=user,
        action=AuditAction.IVO_INDIVIDUAL_VIEW,
        report=report,
        context=audit_context(request),
        details={"codes": codes},
    )
    can_record = report.municipality in municipalities_with(user, Permission.DECISION_MANAGE)
    return render(
        request,
        "decisions/ivo.html",
        {
            "report": report,
            "reports": reports,
            "can_record": can_record,
            "entry_form": entry_form,
            "today": timezone.localdate(),
        },
        status=400 if entry_form is not None else 200,
    )


@page(Permission.DECISION_MANAGE)
def ivo_entry_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_with(request, report_id, Permission.DECISION_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = IvoEntryForm(request.POST)
    if form.is_valid():
        row = report.rows.filter(pk=form.cleaned_data["row"]).select_related("decision__person").first()
        if row is None:
            form.add_error(None, _("Raden finns inte i rapporten; ladda om sidan."))
        else:
            entered = submit_form(
                form,
                lambda: ivo.ivo_entry_record(
                    actor=current_user(request),
                    report=report,
                    row=row,
                    entered_on=form.cleaned_data["entered_on"],
                    context=audit_context(request),
                ),
            )
            if entered.saved:
                messages.success(
                    request,
                    _("Individrapporten för %(reference)s är markerad som inrapporterad.")
                    % {"reference": row.reference},
                )
                return redirect("decisions:report_ivo", report_id=report.pk)
    return report_individuals(request, report_id=report.pk, entry_form=form)


# --- The running quarter ---------------------------------------------------------------------------


@page(Permission.DECISION_MANAGE, object_in_query=True)
def report_preview(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    municipality = _municipality_of(request, request.GET.get("kommun"))
    today = timezone.localdate()
    view = preview_view(municipality, today)
    report_preview_view_record(
        actor=user,
        municipality=municipality,
        year=view.report.year,
        quarter=view.report.quarter,
        today=today,
        context=audit_context(request),
    )
    return render(
        request,
        "decisions/report_preview.html",
        {"view": view, "municipalities": municipalities_with(user, Permission.DECISION_MANAGE)},
    )


# --- The nämnd's decision ----------------------------------------------------------------------------


@page(Permission.DECISION_MANAGE)
def committee_decision_view(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_with(request, report_id, Permission.DECISION_MANAGE)
    decision = minutes.committee_decision_of(report)
    settings = exports.committee_settings_of(report.municipality)
    initial = (
        {
            "decided_on": decision.decided_on,
            "paragraph": decision.paragraph,
            "working_committee_on": decision.working_committee_on,
            "diary_number": decision.diary_number,
            "decision_text": decision.decision_text,
        }
        if decision
        else {"decision_text": memo.proposal(report, settings.committee_name)}
    )
    form = CommitteeDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        recorded = submit_form(
            form,
            lambda: minutes.committee_decision_record(
                actor=current_user(request), report=report, context=audit_context(request), **form.cleaned_data
            ),
        )
        if recorded.saved:
            messages.success(request, _("Nämndens beslut är registrerat. Protokollsutdraget kan nu skapas."))
            return redirect("decisions:committee_decision", report_id=report.pk)
    elif request.method == "POST":
        # Every problem at once: the service's rules too, for what the form could read.
        if not report.is_submitted:
            form.add_error(None, minutes.NOT_SUBMITTED)
        rules = minutes.committee_decision_date_errors(
            report,
            decided_on=form.cleaned_data.get("decided_on"),
            working_committee_on=form.cleaned_data.get("working_committee_on"),
        )
        for field, field_messages in rules.items():
            if field not in form.errors:
                for message in field_messages:
                    form.add_error(field, message)
    return render(
        request,
        "decisions/committee_decision.html",
        {
            "report": report,
            "form": form,
            "decision": decision,
            "dispatch_form": DispatchForm(initial={"dispatched_on": timezone.localdate()}),
            "format_form": ProtocolFormatForm(initial={"format": "pdf"}),
        },
        status=400 if request.method == "POST" else 200,
    )


@page(Permission.DECISION_MANAGE)
def committee_minutes(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_with(request, report_id, Permission.DECISION_MANAGE)
    decision = minutes.committee_decision_of(report)
    if decision is None:
        raise Http404
    form = ProtocolFormatForm(request.GET or {"format": "pdf"})
    fmt = form.cleaned_data["format"] if form.is_valid() else "pdf"
    report_access_record(
        actor=current_user(request),
        action=AuditAction.REPORT_EXPORT,
        report=report,
        context=audit_context(request),
        details={"format": f"protokollsutdrag-{fmt}"},
    )
    name = f"protokollsutdrag-{report.municipality.slug}-{report.year}Q{report.quarter}"
    if fmt == "docx":
        return download(minutes.minutes_docx(report, decision), filename=f"{name}.docx", content_type=DOCX_MIME)
    return download(minutes.minutes_pdf(report, decision), filename=f"{name}.pdf", content_type="application/pdf")


@page(Permission.DECISION_MANAGE)
def committee_dispatch(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report_with(request, report_id, Permission.DECISION_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DispatchForm(request.POST)
    if form.is_valid():
        try:
            minutes.committee_decision_dispatch(
                actor=current_user(request),
                report=report,
                dispatched_on=form.cleaned_data["dispatched_on"],
                context=audit_context(request),
            )
        except InsynError as exc:
            messages.error(request, " ".join([exc.message, *(m for ms in exc.fields.values() for m in ms)]))
        else:
            messages.success(request, _("Protokollsutdraget är registrerat som expedierat till KF och revisorerna."))
    else:
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("decisions:committee_decision", report_id=report.pk)


# --- The nämnd's own data ----------------------------------------------------------------------------


@page(Permission.DECISION_MANAGE)
def committee_settings_list(request: HttpRequest) -> HttpResponse:
    mine = municipalities_with(current_user(request), Permission.DECISION_MANAGE)
    if len(mine) == 1:
        return redirect("decisions:committee_settings", municipality=mine[0].slug)
    return render(request, "decisions/committee_settings_list.html", {"municipalities": mine})


@page(Permission.DECISION_MANAGE)
def committee_settings_edit(request: HttpRequest, municipality: str) -> HttpResponse:
    organisation = _municipality_of(request, municipality)
    instance = CommitteeSettings.objects.filter(municipality=organisation).first() or CommitteeSettings(
        municipality=organisation
    )
    form = CommitteeSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        saved = submit_form(
            form,
            lambda: minutes.committee_settings_save(
                actor=current_user(request),
                municipality=organisation,
                context=audit_context(request),
                **{name: form.cleaned_data[name] for name in minutes.SETTINGS_FIELDS},
            ),
        )
        if saved.saved:
            messages.success(request, _("Nämndens uppgifter är sparade."))
            return redirect("decisions:committee_settings", municipality=organisation.slug)
    return render(
        request,
        "decisions/committee_settings.html",
        {"form": form, "municipality": organisation, "sentence": memo.scope_sentence(instance)},
    )

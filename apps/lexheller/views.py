"""Lex Heller pages: filing, the report with its questions and history, the administrators'
workflow, BUG meetings with their agenda, and the compilation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import submit_form
from apps.core.http import download
from apps.core.text_guard import apply_text_guard_error
from apps.core.xlsx import XLSX_MIME
from apps.organisations.selectors import forbund_of

from . import services
from .compilation import agenda_pdf, compilation_xlsx, compile_reports
from .forms import AnswerForm, CloseForm, EmptyForm, MeetingForm, PeriodForm, RaiseForm, ReportForm, TextForm
from .models import Report, ReportStatus
from .selectors import (
    admin_forbunds,
    authority_choices,
    get_meeting_for_user,
    get_report_for_user,
    is_admin_of,
    meetings_for_user,
    reporting_organisations,
    reports_for_user,
)


@page(Permission.LEXHELLER_VIEW_PUBLISHED)
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    reports = list(reports_for_user(user))
    admin_ids = {f.pk for f in admin_forbunds(user)}
    return render(
        request,
        "lexheller/list.html",
        {
            "mine": [r for r in reports if r.reporter_id == user.pk],
            "to_handle": [r for r in reports if r.forbund_id in admin_ids and r.status in services.OPEN_STATUSES],
            "published": [r for r in reports if r.status == ReportStatus.PUBLISHED],
            "can_report": bool(reporting_organisations(user)),
            "is_admin": bool(admin_ids),
        },
    )


@page(Permission.LEXHELLER_REPORT)
def report_file(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    organisations = reporting_organisations(user)
    if not organisations:
        raise PermissionDenied
    forbund = forbund_of(organisations[0])
    assert forbund is not None
    form = ReportForm(
        request.POST or None,
        organisations=organisations,
        authorities=authority_choices(forbund),
        initial={"incident_date": timezone.localdate()},
    )
    if request.method == "POST":
        filed = submit_form(
            form,
            lambda: services.report_file(actor=user, context=audit_context(request), **form.cleaned_data),
            on_error=apply_text_guard_error,
        )
        if filed.saved:
            messages.success(request, _("Rapport %(number)s är inlämnad. Tack!") % {"number": filed.value.number})
            return redirect("lexheller:detail", lexheller_id=filed.value.pk)
    return render(request, "lexheller/file.html", {"form": form}, status=400 if form.errors else 200)


ACTIONS: dict[str, tuple[str, Callable[..., Any], StrOrPromise]] = {
    # action: (form key in the page, service, success message)
    "fraga": ("question_form", services.report_ask, gettext_lazy("Frågan är skickad till rapportören.")),
    "svar": ("reply_form", services.report_reply, gettext_lazy("Svaret är sparat.")),
    "utred": ("investigate_form", services.report_investigate, gettext_lazy("Rapporten utreds.")),
    "lyft": ("raise_form", services.report_raise, gettext_lazy("Rapporten är lyft till BUG.")),
    "besvara": ("answer_form", services.report_answer, gettext_lazy("Svaret är registrerat.")),
    "publicera": (
        "publish_form",
        services.report_publish,
        gettext_lazy("Rapporten är publicerad för förbundets användare."),
    ),
    "avsluta": ("close_form", services.report_close, gettext_lazy("Rapporten är avslutad.")),
}


def _forms(report: Report, user: User, data: Any = None, only: str | None = None) -> dict[str, forms.Form]:
    def bound(key: str) -> Any:
        return data if only == key else None

    return {
        "question_form": TextForm(bound("question_form"), prefix="question"),
        "reply_form": TextForm(bound("reply_form"), prefix="reply"),
        "investigate_form": EmptyForm(bound("investigate_form"), prefix="investigate"),
        "raise_form": RaiseForm(
            bound("raise_form"),
            prefix="raise",
            meetings=meetings_for_user(user).filter(forbund=report.forbund, date__gt=timezone.localdate()),
        ),
        "answer_form": AnswerForm(bound("answer_form"), prefix="answer"),
        "publish_form": EmptyForm(bound("publish_form"), prefix="publish"),
        "close_form": CloseForm(bound("close_form"), prefix="close"),
    }


def _detail(request: HttpRequest, report: Report, forms_: dict[str, forms.Form], status: int = 200) -> HttpResponse:
    user = current_user(request)
    admin = is_admin_of(user, report)
    own = report.reporter_id == user.pk
    return render(
        request,
        "lexheller/detail.html",
        {
            "report": report,
            "is_admin": admin,
            "is_reporter": own,
            # The reporter and the questions are for the administrators and the reporter only.
            "show_reporter": admin or own,
            "messages_": report.messages.select_related("author") if admin or own else [],
            "transitions": report.transitions.select_related("by") if admin or own else [],
            "statuses": ReportStatus,
            **forms_,
        },
        status=status,
    )


@page(Permission.LEXHELLER_VIEW_PUBLISHED)
def report_detail(request: HttpRequest, lexheller_id: int) -> HttpResponse:
    user = current_user(request)
    report = get_report_for_user(user, lexheller_id)
    services.report_view_record(actor=user, report=report, context=audit_context(request))
    return _detail(request, report, _forms(report, user))


@page(Permission.LEXHELLER_VIEW_PUBLISHED)
def report_action(request: HttpRequest, lexheller_id: int, action: str) -> HttpResponse:
    user = current_user(request)
    report = get_report_for_user(user, lexheller_id)
    if action not in ACTIONS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form_key, service, success = ACTIONS[action]
    forms_ = _forms(report, user, request.POST, only=form_key)
    form = forms_[form_key]
    done = submit_form(
        form,
        lambda: service(actor=user, report=report, context=audit_context(request), **form.cleaned_data),
        on_error=apply_text_guard_error,
    )
    if done.saved:
        messages.success(request, success)
        return redirect("lexheller:detail", lexheller_id=report.pk)
    report.refresh_from_db()
    return _detail(request, report, forms_, status=400)


@page(Permission.LEXHELLER_ADMINISTER)
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    forbund = admin_forbunds(user)[0]
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        created = submit_form(
            form,
            lambda: services.bug_meeting_create(
                actor=user, forbund=forbund, context=audit_context(request), **form.cleaned_data
            ),
        )
        if created.saved:
            messages.success(
                request, _("BUG-mötet %(date)s är registrerat.") % {"date": created.value.date.isoformat()}
            )
            return redirect("lexheller:meetings")
    return render(
        request,
        "lexheller/meetings.html",
        {"meetings": meetings_for_user(user).prefetch_related("reports"), "form": form},
        status=400 if form.errors else 200,
    )


@page(Permission.LEXHELLER_ADMINISTER)
def meeting_agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, meeting_id)
    if request.GET.get("format") == "pdf":
        return download(agenda_pdf(meeting, user), f"bug-{meeting.date.isoformat()}.pdf", "application/pdf")
    reports = (
        meeting.reports.select_related("reporting_organisation").prefetch_related("authorities").order_by("number")
    )
    return render(request, "lexheller/agenda.html", {"meeting": meeting, "reports": reports})


@page(Permission.LEXHELLER_ADMINISTER)
def compilation(request: HttpRequest) -> HttpResponse:
    forbund = admin_forbunds(current_user(request))[0]
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": datetime.date(today.year, 1, 1), "end": today})
    start, end = datetime.date(today.year, 1, 1), today
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if end < start:
            form.add_error("end", _("Slutdatum kan inte vara före startdatum."))
    data = compile_reports(forbund=forbund, start=start, end=end)
    if request.GET.get("format") == "xlsx" and not form.errors:
        return download(compilation_xlsx(data), f"lexheller-{start}-{end}.xlsx", XLSX_MIME)
    return render(
        request,
        "lexheller/compilation.html",
        {"form": form, "data": data, "statuses": ReportStatus.choices, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )

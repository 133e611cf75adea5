"""The controller's year: the nämnder and their reports, the report page with its texts, goals and
tables, the head and the tjänsteskrivelse, the approval, and the downloads. Each view parses,
checks access (404 outside the user's municipalities, 403 for a reader who tries to write), calls
a service and renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.forms import submit_form
from apps.core.http import download
from apps.core.text_guard import apply_text_guard_error
from insyn.errors import InsynError

from .document import GoalBlock, Section, YearendDocument, document_of, due_date, paragraphs, texts_of
from .forms import GoalAssessmentForm, ReportTextForm, YearReportCreateForm, YearReportHeadForm
from .models import GoalAssessment, NamndGoal, Period, ReportStatus, YearReport
from .sections import MEMO_TEXTS, REPORT_TEXTS, goal_text_key, is_text_key, label_of
from .selectors import (
    Proposal,
    TextChange,
    get_year_report_for_user,
    goal_assessments_of,
    goal_proposal_details,
    may_on_report,
    namnds_for_user,
    report_goals,
    signal_scale,
    text_histories,
    year_reports_for_user,
)
from .services.editing import (
    goal_assessment_decide,
    report_text_save,
    year_report_approve,
    year_report_export_record,
    year_report_head_save,
    year_report_reopen,
    year_report_start,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- The list -------------------------------------------------------------------------------------


@page(Permission.YEAREND_VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    writable = list(namnds_for_user(user, Permission.YEAREND_EDIT))
    initial = {"year": timezone.localdate().year - 1, "period": Period.ANNUAL}
    form = YearReportCreateForm(request.POST or None, namnds=writable, initial=initial) if writable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        created = submit_form(
            form,
            lambda: year_report_start(
                actor=user,
                namnd=form.cleaned_data["namnd"],
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
                context=audit_context(request),
            ),
        )
        if created.saved:
            messages.success(request, _("Rapporten är öppnad."))
            return redirect("yearend:report", year_report_id=created.value.pk)
    reports = list(year_reports_for_user(user))
    namnds = [
        {"namnd": namnd, "reports": [r for r in reports if r.namnd_id == namnd.pk]}
        for namnd in namnds_for_user(user, Permission.YEAREND_VIEW)
    ]
    return render(
        request,
        "yearend/list.html",
        {"namnds": namnds, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- The report page --------------------------------------------------------------------------------


@dataclass
class TextBlock:
    key: str
    label: str
    paragraphs: list[str]
    history: list[TextChange]
    form: forms.Form | None
    # Open the edit form at once (it came back with errors).
    open: bool = False

    @property
    def anchor(self) -> str:
        return f"text-{self.key}"


@dataclass
class GoalRow:
    goal: NamndGoal
    block: GoalBlock | None
    analysis: TextBlock
    proposal: Proposal
    assessment: GoalAssessment | None
    form: forms.Form | None
    open: bool = False

    @property
    def anchor(self) -> str:
        return f"goal-{self.goal.pk}"


@dataclass
class SectionBlock:
    section: Section
    heading: int
    text: TextBlock | None
    text_after_tables: bool
    goals: list[GoalRow] = field(default_factory=list)


def _text_block(
    key: str,
    texts: dict[str, str],
    histories: dict[str, list[TextChange]],
    can_edit: bool,
    bound: dict[str, forms.Form],
    label: str | None = None,
) -> TextBlock:
    label = label or label_of(key)
    form = bound.get(f"text-{key}")
    if form is None and can_edit:
        form = ReportTextForm(prefix=f"text-{key}", initial={"body": texts.get(key, "")})
    if form is not None:
        form.fields["body"].label = _("Text: %(label)s") % {"label": label}
    return TextBlock(
        key=key,
        label=label,
        paragraphs=paragraphs(texts.get(key, "")),
        history=histories.get(key, []),
        form=form,
        open=f"text-{key}" in bound,
    )


def _goal_rows(
    report: YearReport,
    document: YearendDocument,
    texts: dict[str, str],
    histories: dict[str, list[TextChange]],
    can_edit: bool,
    bound: dict[str, forms.Form],
) -> dict[int, list[GoalRow]]:
    """The goals under each council goal (by its number), each with its block of the document."""
    goals = report_goals(report)
    scale = signal_scale(report)
    proposals = goal_proposal_details(report, goals, scale)
    assessments = goal_assessments_of(report)
    blocks = {block.goal_id: block for s in document.sections for block in s.goals}
    rows: dict[int, list[GoalRow]] = {}
    for goal in goals:
        number = goal.council_goal.number
        under = rows.setdefault(number, [])
        block = blocks.get(goal.pk)
        assessment = assessments.get(goal.pk)
        form = bound.get(f"goal-{goal.pk}")
        if form is None and can_edit:
            form = GoalAssessmentForm(
                prefix=f"goal-{goal.pk}",
                scale=scale,
                initial={
                    "step": assessment.decided_id if assessment else None,
                    "reason": assessment.reason if assessment else "",
                },
            )
        under.append(
            GoalRow(
                goal=goal,
                block=block,
                analysis=_text_block(
                    goal_text_key(goal.pk), texts, histories, can_edit, bound, label=_("Kommentar/analys")
                ),
                proposal=proposals[goal.pk],
                assessment=assessment,
                form=form,
                open=f"goal-{goal.pk}" in bound,
            )
        )
    return rows


def _report_context(request: HttpRequest, report: YearReport, bound: dict[str, forms.Form]) -> dict[str, Any]:
    user = current_user(request)
    may_edit = may_on_report(user, report, Permission.YEAREND_EDIT)
    can_edit = may_edit and report.status == ReportStatus.DRAFT
    document = document_of(report)
    texts = texts_of(report)
    histories = text_histories(report)
    goal_rows = _goal_rows(report, document, texts, histories, can_edit, bound)
    placed: set[str] = set()
    blocks = []
    for section in document.sections:
        key = section.text_key
        text = _text_block(key, texts, histories, can_edit, bound) if key else None
        if key:
            placed.add(key)
        goals: list[GoalRow] = []
        if section.key.startswith("council-goal-"):
            number = section.key.removeprefix("council-goal-")
            goals = goal_rows.get(int(number), []) if number.isdigit() else []
        blocks.append(
            SectionBlock(
                section=section,
                heading=min(section.level + 1, 6),
                text=text,
                text_after_tables=bool(section.tables) and key is not None,
                goals=goals,
            )
        )
    others = [_text_block(s.key, texts, histories, can_edit, bound) for s in REPORT_TEXTS if s.key not in placed]
    memo_texts = [_text_block(s.key, texts, histories, can_edit, bound) for s in MEMO_TEXTS]
    head_form = bound.get("head")
    if head_form is None and can_edit:
        head_form = YearReportHeadForm(prefix="head", initial=YearReportHeadForm.initial_of(report))
    return {
        "report": report,
        "document": document,
        "due": due_date(report),
        "blocks": blocks,
        "other_texts": others,
        "memo_texts": memo_texts,
        "head_form": head_form,
        "head_open": "head" in bound,
        "can_edit": can_edit,
        "may_edit": may_edit,
        "can_approve": may_on_report(user, report, Permission.YEAREND_APPROVE),
        "approver_preview": user.get_full_name() or user.get_username(),
        "bound_errors": [form for form in bound.values() if form.errors],
    }


def _filename(report: YearReport, extension: str) -> str:
    kind = "delarsbokslut" if report.period == Period.INTERIM else "arsbokslut"
    return f"{kind}-{report.namnd.slug}-{report.year}.{extension}"


def _download(request: HttpRequest, report: YearReport, fmt: str) -> HttpResponse:
    # The files are the document addressed to the nämnd and the council: Swedish whatever the
    # reader's language (Språklagen 10 §), so its titles and tables are built in Swedish too.
    with translation.override("sv"):
        return _download_in_swedish(request, report, fmt)


def _download_in_swedish(request: HttpRequest, report: YearReport, fmt: str) -> HttpResponse:
    document = document_of(report)
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            document.as_json(), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(report, "json")}"'
    elif fmt == "docx":
        from .documents import yearend_docx

        response = download(yearend_docx(document), _filename(report, "docx"), DOCX_MIME)
    elif fmt == "pdf":
        from .documents import yearend_pdf

        response = download(yearend_pdf(document), _filename(report, "pdf"), "application/pdf")
    else:
        raise Http404
    year_report_export_record(actor=current_user(request), report=report, fmt=fmt, context=audit_context(request))
    return response


@page(Permission.YEAREND_VIEW)
def report_detail(request: HttpRequest, year_report_id: int) -> HttpResponse:
    report = get_year_report_for_user(current_user(request), year_report_id)
    fmt = request.GET.get("format")
    if fmt:
        return _download(request, report, fmt)
    return render(request, "yearend/report.html", _report_context(request, report, {}))


# --- Writes ---------------------------------------------------------------------------------------------


def _writable(request: HttpRequest, year_report_id: int, permission: Permission) -> tuple[User, YearReport]:
    """The report for a write: 404 outside the user's municipalities (before anything else), 403
    for one who may read it but not do this."""
    user = current_user(request)
    report = get_year_report_for_user(user, year_report_id)
    if not may_on_report(user, report, permission):
        raise PermissionDenied
    return user, report


def _again(request: HttpRequest, report: YearReport, key: str, form: forms.Form) -> HttpResponse:
    return render(request, "yearend/report.html", _report_context(request, report, {key: form}), status=400)


def _back(report: YearReport, anchor: str) -> HttpResponse:
    return redirect(reverse("yearend:report", kwargs={"year_report_id": report.pk}) + f"#{anchor}")


@page(Permission.YEAREND_VIEW)
def text_save(request: HttpRequest, year_report_id: int, text_key: str) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_EDIT)
    if not is_text_key(text_key):
        raise Http404
    if text_key.startswith("goal-") and not any(goal_text_key(g.pk) == text_key for g in report_goals(report)):
        # A goal of another nämnd or year is as unknown here as one that does not exist.
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReportTextForm(request.POST, prefix=f"text-{text_key}")
    saved = submit_form(
        form,
        lambda: report_text_save(
            actor=user,
            report=report,
            key=text_key,
            body=form.cleaned_data["body"],
            names_confirmed=form.cleaned_data["names_confirmed"],
            context=audit_context(request),
        ),
        on_error=apply_text_guard_error,
    )
    if saved.saved:
        messages.success(request, _("Texten ”%(label)s” är sparad.") % {"label": label_of(text_key)})
        return _back(report, f"text-{text_key}")
    return _again(request, report, f"text-{text_key}", form)


@page(Permission.YEAREND_VIEW)
def assessment_save(request: HttpRequest, year_report_id: int, goal_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_EDIT)
    goal = next((g for g in report_goals(report) if g.pk == goal_id), None)
    if goal is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GoalAssessmentForm(request.POST, prefix=f"goal-{goal.pk}", scale=signal_scale(report))
    saved = submit_form(
        form,
        lambda: goal_assessment_decide(
            actor=user,
            report=report,
            goal=goal,
            step=form.cleaned_data["step"],
            reason=form.cleaned_data["reason"],
            context=audit_context(request),
        ),
    )
    if saved.saved:
        messages.success(request, _("Bedömningen av målet är sparad."))
        return _back(report, f"goal-{goal.pk}")
    return _again(request, report, f"goal-{goal.pk}", form)


@page(Permission.YEAREND_VIEW)
def head_save(request: HttpRequest, year_report_id: int) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_EDIT)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = YearReportHeadForm(request.POST, prefix="head")
    saved = submit_form(
        form,
        lambda: year_report_head_save(actor=user, report=report, context=audit_context(request), **form.cleaned_data),
    )
    if saved.saved:
        messages.success(request, _("Uppgifterna om dokumentet och tjänsteskrivelsen är sparade."))
        return _back(report, "head")
    return _again(request, report, "head", form)


def _status_change(request: HttpRequest, year_report_id: int, *, approve: bool) -> HttpResponse:
    user, report = _writable(request, year_report_id, Permission.YEAREND_APPROVE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if approve:
            report = year_report_approve(actor=user, report=report, context=audit_context(request))
        else:
            report = year_report_reopen(actor=user, report=report, context=audit_context(request))
    except InsynError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Rapporten är godkänd.")
            if approve
            else _("Rapporten är öppnad igen och kan ändras; den behöver godkännas på nytt."),
        )
    return _back(report, "approval")


@page(Permission.YEAREND_VIEW)
def approve(request: HttpRequest, year_report_id: int) -> HttpResponse:
    return _status_change(request, year_report_id, approve=True)


@page(Permission.YEAREND_VIEW)
def reopen(request: HttpRequest, year_report_id: int) -> HttpResponse:
    return _status_change(request, year_report_id, approve=False)

"""After the tjänsteskrivelse: the nämnd decides, the registrar records the decision (date,
paragraph, the arbetsutskott's date), Insyn makes the protokollsutdrag (§ …, Beslut, Expedieras
till, as seed 002's) and records that it was sent to the council and the auditors. Also the
nämnd's own data that the documents print (scope, signatures)."""

# i18n: swedish-document (addressed to an authority: Swedish by the Language Act 10 §)
from __future__ import annotations

import datetime
import io
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.letterhead import letterhead_for
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed

from .memo import RECIPIENTS, add_appendix, add_case, case_context
from .models import CommitteeDecision, CommitteeSettings, QuarterlyReport
from .services.common import audit_report, local_today, require_municipality


def _require(actor: User | None, municipality: Organisation) -> None:
    require_municipality(actor, municipality, refusal=_("Du får inte registrera nämndens beslut i den kommunen."))


def _audit(actor: User | None, report: QuarterlyReport, context: AuditContext | None, **details: object) -> None:
    # The nämnd's decision and the dispatch are the last steps of submitting the report.
    audit_report(
        actor, AuditAction.REPORT_SUBMIT, report, context, {"quarter": f"{report.year}Q{report.quarter}", **details}
    )


SETTINGS_FIELDS = ("committee_name", "scope", "scope_appendix", "manager_name", "manager_title", "approver_name")


def committee_settings_save(
    *,
    actor: User | None,
    municipality: Organisation,
    committee_name: str,
    scope: str = "",
    scope_appendix: str = "",
    manager_name: str = "",
    manager_title: str = "Förvaltningschef",
    approver_name: str = "",
    context: AuditContext | None = None,
) -> CommitteeSettings:
    """Save what the nämnd's documents say about the nämnd itself (created on first save)."""
    _require(actor, municipality)
    values = {
        "committee_name": committee_name.strip(),
        "scope": scope.strip(),
        "scope_appendix": scope_appendix.strip(),
        "manager_name": manager_name.strip(),
        "manager_title": manager_title.strip(),
        "approver_name": approver_name.strip(),
    }
    errors = FieldProblems()
    if not values["committee_name"]:
        errors["committee_name"] = [_("Ange nämndens namn.")]
    if not values["manager_title"]:
        errors["manager_title"] = [_("Ange förvaltningschefens titel.")]
    errors.raise_if_any(_("Nämndens uppgifter kunde inte sparas."))
    with transaction.atomic():
        settings, _created = CommitteeSettings.objects.update_or_create(municipality=municipality, defaults=values)
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_DATA_CHANGE,
            context=context,
            object_type="committee_settings",
            object_id=str(settings.pk),
            municipality_slug=municipality.slug,
            details={"committee_name": settings.committee_name, "scope": settings.scope},
        )
    return settings


def committee_decision_of(report: QuarterlyReport) -> CommitteeDecision | None:
    return CommitteeDecision.objects.filter(report=report).select_related("recorded_by", "dispatched_by").first()


NOT_SUBMITTED = gettext_lazy(
    "Lämna in rapporten innan nämndens beslut registreras: nämnden beslutar om en fryst rapport."
)


def committee_decision_date_errors(
    report: QuarterlyReport,
    *,
    decided_on: datetime.date | None,
    working_committee_on: datetime.date | None,
    today: datetime.date | None = None,
) -> FieldProblems:
    """The rules for the dates of the nämnd's decision, per field; a date not given is not checked
    (the form says it is missing), so the page can name these together with the form's errors."""
    today = today or local_today()
    errors = FieldProblems()
    if decided_on is not None:
        if decided_on > today:
            errors["decided_on"] = [_("Sammanträdesdatumet kan inte ligga i framtiden.")]
        elif decided_on < report.as_of:
            errors["decided_on"] = [
                _("Nämnden kan inte ha beslutat före rapporteringstillfället %(date)s.")
                % {"date": report.as_of.isoformat()}
            ]
    if working_committee_on is not None:
        if decided_on is not None and working_committee_on > decided_on:
            errors["working_committee_on"] = [
                _("Arbetsutskottet sammanträder före nämnden (nämnden: %(date)s).") % {"date": decided_on.isoformat()}
            ]
        elif working_committee_on < report.as_of:
            errors["working_committee_on"] = [
                _("Arbetsutskottet kan inte ha berett ärendet före rapporteringstillfället %(date)s.")
                % {"date": report.as_of.isoformat()}
            ]
    return errors


def committee_decision_record(
    *,
    actor: User | None,
    report: QuarterlyReport,
    decided_on: datetime.date,
    paragraph: int,
    diary_number: str,
    decision_text: str,
    working_committee_on: datetime.date | None = None,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> CommitteeDecision:
    """Record (or correct, until it is dispatched) the nämnd's decision on a submitted report."""
    _require(actor, report.municipality)
    if not report.is_submitted:
        raise Conflict(str(NOT_SUBMITTED))
    errors = committee_decision_date_errors(
        report, decided_on=decided_on, working_committee_on=working_committee_on, today=today
    )
    if paragraph < 1:
        errors["paragraph"] = [_("Paragrafen är ett heltal från 1.")]
    if not diary_number.strip():
        errors["diary_number"] = [_("Ange diarienummer.")]
    if not decision_text.strip():
        errors["decision_text"] = [_("Skriv nämndens beslut.")]
    errors.raise_if_any(_("Nämndens beslut kunde inte sparas."))
    with transaction.atomic():
        existing = CommitteeDecision.objects.select_for_update().filter(report=report).first()
        if existing is not None and existing.dispatched_on is not None:
            raise Conflict(
                _("Protokollsutdraget expedierades %(date)s; beslutet kan inte ändras.")
                % {"date": existing.dispatched_on.isoformat()}
            )
        values = {
            "decided_on": decided_on,
            "paragraph": paragraph,
            "working_committee_on": working_committee_on,
            "diary_number": diary_number.strip(),
            "decision_text": decision_text.strip(),
            "recorded_by": actor,
        }
        try:
            with transaction.atomic():
                if existing is None:
                    decision = CommitteeDecision.objects.create(report=report, **values)
                else:
                    for name, value in values.items():
                        setattr(existing, name, value)
                    existing.save()
                    decision = existing
        except IntegrityError as exc:
            raise Conflict(_("Nämndens beslut registrerades samtidigt av någon annan; ladda om sidan.")) from exc
        _audit(
            actor,
            report,
            context,
            step="nämndens beslut",
            decided_on=decided_on.isoformat(),
            paragraph=paragraph,
            working_committee_on=working_committee_on.isoformat() if working_committee_on else None,
        )
    return decision


def committee_decision_dispatch(
    *,
    actor: User | None,
    report: QuarterlyReport,
    dispatched_on: datetime.date,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> CommitteeDecision:
    """Record that the protokollsutdrag was sent to the council and the auditors."""
    _require(actor, report.municipality)
    with transaction.atomic():
        decision = CommitteeDecision.objects.select_for_update().filter(report=report).first()
        if decision is None:
            raise Conflict(_("Registrera nämndens beslut först; sedan kan protokollsutdraget expedieras."))
        if decision.dispatched_on is not None:
            raise Conflict(
                _("Protokollsutdraget är redan expedierat %(date)s.") % {"date": decision.dispatched_on.isoformat()}
            )
        if dispatched_on > (today or local_today()):
            raise ValidationFailed(
                _("Fel datum."), fields={"dispatched_on": [_("Datumet kan inte ligga i framtiden.")]}
            )
        if dispatched_on < decision.decided_on:
            raise ValidationFailed(
                _("Fel datum."),
                fields={
                    "dispatched_on": [
                        _("Beslutet kan inte expedieras före sammanträdet %(date)s.")
                        % {"date": decision.decided_on.isoformat()}
                    ]
                },
            )
        decision.dispatched_on = dispatched_on
        decision.dispatched_by = actor
        decision.save(update_fields=["dispatched_on", "dispatched_by"])
        _audit(actor, report, context, step="expedierat", dispatched_on=dispatched_on.isoformat(), to=RECIPIENTS)
    return decision


# --- The protokollsutdrag -------------------------------------------------------------------------


def minutes_context(report: QuarterlyReport, decision: CommitteeDecision) -> dict[str, Any]:
    context = case_context(report)
    committee = context["committee"]
    return {
        **context,
        "decision": decision,
        "paragraph_line": f"§ {decision.paragraph} {decision.diary_number}",
        "prepared_line": (
            f"Ärendet har beretts av {committee.lower()}s arbetsutskott {decision.working_committee_on.isoformat()}."
            if decision.working_committee_on
            else ""
        ),
        "dispatched_line": (
            f"Expedierat {decision.dispatched_on.isoformat()} till kommunfullmäktige och kommunens revisorer."
            if decision.dispatched_on
            else ""
        ),
    }


def minutes_docx(report: QuarterlyReport, decision: CommitteeDecision) -> bytes:
    """The protokollsutdrag as DOCX, in Swedish whatever the user's language (Language Act 10 §)."""
    with translation.override("sv"):
        return _minutes_docx(report, decision)


def _minutes_docx(report: QuarterlyReport, decision: CommitteeDecision) -> bytes:
    from docx import Document

    from apps.core.docx_letterhead import add_letterhead

    ctx = minutes_context(report, decision)
    document = Document()
    add_letterhead(document, letterhead_for(report.municipality, date=decision.decided_on))
    document.add_paragraph(ctx["municipality_name"])
    document.add_paragraph(ctx["committee"])
    document.add_heading("Protokollsutdrag", level=1)
    document.add_paragraph(f"Sammanträdesdatum: {decision.decided_on.isoformat()}")
    document.add_paragraph(ctx["paragraph_line"])
    document.add_heading(ctx["title"], level=1)
    add_case(document, ctx)
    if ctx["prepared_line"]:
        document.add_heading("Beredning", level=2)
        document.add_paragraph(ctx["prepared_line"])
    document.add_heading("Beslut", level=2)
    document.add_paragraph(decision.decision_text)
    document.add_heading("Expedieras till", level=2)
    for recipient in ctx["recipients"]:
        document.add_paragraph(recipient)
    if ctx["dispatched_line"]:
        document.add_paragraph(ctx["dispatched_line"])
    add_appendix(document, ctx)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_pdf(report: QuarterlyReport, decision: CommitteeDecision) -> bytes:
    """The protokollsutdrag as PDF, in Swedish whatever the user's language."""
    with translation.override("sv"):
        return _minutes_pdf(report, decision)


def _minutes_pdf(report: QuarterlyReport, decision: CommitteeDecision) -> bytes:
    from weasyprint import HTML

    html = render_to_string("decisions/minutes_print.html", minutes_context(report, decision))
    return bytes(HTML(string=html).write_pdf())

"""The controller's and the förvaltningschef's writes on a report: its texts with their history,
the assessment of each goal against Insyn's proposal, the document's head and the tjänsteskrivelse,
and the approval. Each write is one transaction with its audit row."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.core.text_guard import guard_outgoing_text
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed

from ..document import build_document
from ..models import GoalAssessment, NamndGoal, ReportStatus, ReportText, ReportTextVersion, SignalStep, YearReport
from ..sections import is_text_key, label_of
from ..selectors import goal_proposals, report_goals, signal_scale
from .common import audit_yearend, guard_published_text, require_namnd
from .reports import year_report_ensure

APPROVED = gettext_lazy("Rapporten är godkänd och kan inte ändras. Den som godkände den kan öppna den igen.")
REASON_NEEDED = gettext_lazy("Ange skälet till att bedömningen avviker från förslaget ({proposal}).")


def _locked_draft(report: YearReport) -> YearReport:
    """The report, locked for the rest of the transaction; an approved report refuses changes."""
    locked = YearReport.objects.select_for_update(of=("self",)).select_related("namnd__parent").get(pk=report.pk)
    if locked.status == ReportStatus.APPROVED:
        raise Conflict(str(APPROVED))
    return locked


def _goal_of_report(report: YearReport, goal_pk: int) -> NamndGoal | None:
    return NamndGoal.objects.filter(
        pk=goal_pk, council_goal__namnd=report.namnd, council_goal__year=report.year
    ).first()


def year_report_start(
    *, actor: User | None, namnd: Organisation, year: int, period: str, context: AuditContext | None = None
) -> YearReport:
    """Open the nämnd's report of the year (a new draft the first time) with Insyn's proposal for
    each goal stored, so the page and the documents start from the key figures."""
    report = year_report_ensure(actor=actor, namnd=namnd, year=year, period=period, context=context)
    goal_assessments_propose(report=report)
    return report


# --- Texts -------------------------------------------------------------------------------------


def report_text_save(
    *,
    actor: User | None,
    report: YearReport,
    key: str,
    body: str,
    names_confirmed: bool = False,
    context: AuditContext | None = None,
) -> ReportText:
    """Save one text of the report; the text it replaces is kept as a version with its author
    and time, so the page can show who changed what and when. The årsbokslut is published: the
    text passes the guard for outgoing text (apps/core/text_guard.py) – personal data is refused,
    likely names need `names_confirmed`."""
    require_namnd(actor, report.namnd, Permission.YEAREND_EDIT)
    if not is_text_key(key) or (key.startswith("goal-") and _goal_of_report(report, int(key[5:])) is None):
        raise ValidationFailed(
            _("Rapporten har ingen sådan text."), fields={"body": [_("Rapporten har ingen sådan text.")]}
        )
    body = body.replace("\r\n", "\n").strip()
    guard_outgoing_text({"body": body}, names_confirmed=names_confirmed)
    with transaction.atomic():
        locked = _locked_draft(report)
        text = ReportText.objects.select_for_update().filter(report=locked, key=key).first()
        if text is not None and text.body == body:
            return text
        if text is None:
            text = ReportText(report=locked, key=key)
        else:
            ReportTextVersion.objects.create(
                text=text, body=text.body, author=text.updated_by, saved_at=text.updated_at
            )
        text.body = body
        text.updated_by = actor
        text.save()
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_CHANGE,
            namnd=locked.namnd,
            object_type="year_report",
            object_id=locked.pk,
            context=context,
            change="text",
            key=key,
            label=label_of(key),
        )
    return text


# --- Goal assessments ------------------------------------------------------------------------------


def goal_assessments_propose(*, report: YearReport) -> dict[int, SignalStep | None]:
    """Store Insyn's current proposal for every goal of the report (after new key figures). A
    decision that agreed with the old proposal without a reason no longer stands when the proposal
    moves away from it: it is cleared, so the person decides again. An approved report is left
    as it was approved."""
    goals = report_goals(report)
    proposals = goal_proposals(report, goals)
    if report.status == ReportStatus.APPROVED:
        return proposals
    with transaction.atomic():
        existing = {a.goal_id: a for a in GoalAssessment.objects.select_for_update().filter(report=report)}
        for goal in goals:
            proposal = proposals[goal.pk]
            assessment = existing.get(goal.pk)
            if assessment is None:
                if proposal is not None:
                    GoalAssessment.objects.create(report=report, goal=goal, proposed=proposal)
                continue
            if assessment.proposed_id == (proposal.pk if proposal else None):
                continue
            assessment.proposed = proposal
            if (
                assessment.decided_id is not None
                and proposal is not None
                and assessment.decided_id != proposal.pk
                and not assessment.reason.strip()
            ):
                assessment.decided = None
                assessment.decided_by = None
                assessment.decided_at = None
            assessment.save()
    return proposals


def goal_assessment_decide(
    *,
    actor: User | None,
    report: YearReport,
    goal: NamndGoal,
    step: SignalStep | None,
    reason: str,
    context: AuditContext | None = None,
) -> GoalAssessment:
    """Decide a goal's assessment on the municipality's signal scale. Insyn's proposal from the
    goal's key figures is computed and stored with it; a decision that differs from the proposal
    needs a reason. `step` None: not assessed yet."""
    require_namnd(actor, report.namnd, Permission.YEAREND_EDIT)
    reason = reason.replace("\r\n", "\n").strip()
    problems = FieldProblems()
    if _goal_of_report(report, goal.pk) is None:
        problems.add("step", _("Målet hör inte till rapportens nämnd och år."))
    scale = signal_scale(report)
    if step is not None and step.pk not in {s.pk for s in scale}:
        problems.add("step", _("Välj ett steg på kommunens signalskala."))
    problems.raise_if_any(_("Bedömningen kunde inte sparas."))
    proposal = goal_proposals(report, [goal], scale)[goal.pk]
    if step is not None and proposal is not None and step.pk != proposal.pk and not reason:
        problems.add("reason", REASON_NEEDED.format(proposal=proposal.label))
    problems.raise_if_any(_("Bedömningen avviker från förslaget utan skäl."))
    with transaction.atomic():
        locked = _locked_draft(report)
        assessment = GoalAssessment.objects.select_for_update().filter(report=locked, goal=goal).first()
        assessment = assessment or GoalAssessment(report=locked, goal=goal)
        assessment.proposed = proposal
        assessment.decided = step
        assessment.reason = reason
        assessment.decided_by = actor if step is not None else None
        assessment.decided_at = timezone.now() if step is not None else None
        assessment.save()
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_CHANGE,
            namnd=locked.namnd,
            object_type="year_report",
            object_id=locked.pk,
            context=context,
            change="assessment",
            goal=goal.pk,
            proposed=proposal.label if proposal else "",
            decided=step.label if step else "",
            reason=reason,
        )
    return assessment


# --- The head and the tjänsteskrivelse ----------------------------------------------------------------


def year_report_head_save(
    *,
    actor: User | None,
    report: YearReport,
    diary_number: str,
    decision_date: datetime.date | None,
    memo_date: datetime.date | None,
    officer_name: str,
    officer_title: str,
    direct_number: str,
    manager_name: str,
    manager_title: str,
    recipients: str,
    document_type: str,
    decision_body: str,
    context: AuditContext | None = None,
) -> YearReport:
    """The document's head (type, deciding body, decision date, diary number) and the
    tjänsteskrivelse's (date, officer, direct number, förvaltningschef, recipients)."""
    require_namnd(actor, report.namnd, Permission.YEAREND_EDIT)
    problems = FieldProblems()
    if not document_type.strip():
        problems.add("document_type", _("Ange dokumenttyp."))
    if not decision_body.strip():
        problems.add("decision_body", _("Ange beslutande instans."))
    if decision_date and memo_date and memo_date > decision_date:
        problems.add("memo_date", _("Tjänsteskrivelsen kan inte vara daterad efter beslutet."))
    # The officer's and the förvaltningschef's names and numbers are theirs to publish, by design.
    guard_published_text(
        problems,
        {"recipients": recipients, "document_type": document_type, "decision_body": decision_body},
    )
    problems.raise_if_any(_("Uppgifterna kunde inte sparas."))
    values = {
        "diary_number": diary_number.strip(),
        "decision_date": decision_date,
        "memo_date": memo_date,
        "officer_name": officer_name.strip(),
        "officer_title": officer_title.strip(),
        "direct_number": direct_number.strip(),
        "manager_name": manager_name.strip(),
        "manager_title": manager_title.strip(),
        "recipients": "\n".join(line.strip() for line in recipients.splitlines() if line.strip()),
        "document_type": document_type.strip(),
        "decision_body": decision_body.strip(),
    }
    with transaction.atomic():
        locked = _locked_draft(report)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        locked.version += 1
        locked.save(update_fields=[*changed, "version"])
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_CHANGE,
            namnd=locked.namnd,
            object_type="year_report",
            object_id=locked.pk,
            context=context,
            change="head",
            fields=changed,
        )
    return locked


# --- Approval ---------------------------------------------------------------------------------------


def approval_snapshot(report: YearReport) -> dict[str, Any]:
    """The document as approved, with the approval's own fields already set on `report`: what the
    downloads show from now on, whatever is imported or changed later. In Swedish, as the
    document addressed to the nämnd is (Språklagen 10 §), whatever the approver's language."""
    with translation.override("sv"):
        return build_document(report).as_json()


def year_report_approve(*, actor: User, report: YearReport, context: AuditContext | None = None) -> YearReport:
    """The förvaltningschef approves the report: the godkännare line of the tjänsteskrivelse
    carries their name and the day. An approved report is frozen until it is reopened."""
    require_namnd(actor, report.namnd, Permission.YEAREND_APPROVE)
    with transaction.atomic():
        locked = YearReport.objects.select_for_update(of=("self",)).select_related("namnd__parent").get(pk=report.pk)
        if locked.status == ReportStatus.APPROVED:
            raise Conflict(_("Rapporten är redan godkänd."))
        decided = set(
            GoalAssessment.objects.filter(report=locked, decided__isnull=False).values_list("goal_id", flat=True)
        )
        undecided = [goal.title for goal in report_goals(locked) if goal.pk not in decided]
        if undecided:
            # What is signed must say how every goal went: the seed's report assesses each one.
            raise ValidationFailed(
                _("Bedöm alla mål innan rapporten godkänns. Inte bedömda: ") + "; ".join(undecided) + "."
            )
        locked.status = ReportStatus.APPROVED
        locked.approved_by = actor
        locked.approver_name = actor.get_full_name() or actor.get_username()
        locked.approved_on = timezone.localdate()
        locked.approved_content = approval_snapshot(locked)
        locked.version += 1
        locked.save(
            update_fields=["status", "approved_by", "approver_name", "approved_on", "approved_content", "version"]
        )
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_APPROVE,
            namnd=locked.namnd,
            object_type="year_report",
            object_id=locked.pk,
            context=context,
            change="approved",
            approver=locked.approver_name,
        )
    return locked


def year_report_reopen(*, actor: User, report: YearReport, context: AuditContext | None = None) -> YearReport:
    """Back to a draft, so it can be changed; the approval is taken away and must be given again."""
    require_namnd(actor, report.namnd, Permission.YEAREND_APPROVE)
    with transaction.atomic():
        locked = YearReport.objects.select_for_update(of=("self",)).select_related("namnd__parent").get(pk=report.pk)
        if locked.status != ReportStatus.APPROVED:
            raise Conflict(_("Rapporten är inte godkänd; den kan redan ändras."))
        previous = locked.approver_name
        locked.status = ReportStatus.DRAFT
        locked.approved_by = None
        locked.approver_name = ""
        locked.approved_on = None
        locked.approved_content = None
        locked.version += 1
        locked.save(
            update_fields=["status", "approved_by", "approver_name", "approved_on", "approved_content", "version"]
        )
        audit_yearend(
            actor=actor,
            action=AuditAction.YEAREND_APPROVE,
            namnd=locked.namnd,
            object_type="year_report",
            object_id=locked.pk,
            context=context,
            change="reopened",
            previous_approver=previous,
        )
    return locked


def year_report_export_record(
    *, actor: User, report: YearReport, fmt: str, context: AuditContext | None = None
) -> None:
    """A download of the report (JSON, DOCX or PDF) is logged like every other read-out."""
    audit_yearend(
        actor=actor,
        action=AuditAction.YEAREND_EXPORT,
        namnd=report.namnd,
        object_type="year_report",
        object_id=report.pk,
        context=context,
        format=fmt,
    )

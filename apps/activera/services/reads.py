"""Reads of personal data: the audit rows of a participant, a list of them, a referral and an exit
document shown or given out. Pages and the API call the same function, so both log the same row."""

from __future__ import annotations

from collections.abc import Sequence

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from ..models import Enrolment, Referral
from .common import municipality_of_unit


def enrolment_view_record(*, actor: User, enrolment: Enrolment, context: AuditContext | None = None) -> None:
    """Log that `actor` was shown one participant."""
    audit_record(
        actor=actor,
        action=AuditAction.PARTICIPANT_VIEW,
        context=context,
        object_type="enrolment",
        object_id=enrolment.code,
        person_code=enrolment.code,
        municipality_slug=municipality_of_unit(enrolment.programme_unit).slug,
    )


def enrolment_list_record(
    *,
    actor: User,
    enrolments: Sequence[Enrolment],
    context: AuditContext | None = None,
    per_municipality: bool = True,
) -> None:
    """Log that `actor` was shown a list of participants (nothing when it is empty): one row per
    municipality touched with its participants' codes, so each municipality's log holds what was
    shown of its own. With `per_municipality=False` (the start page) each row also names the page,
    "N deltagare", N counting that municipality's participants."""
    if not enrolments:
        return
    by_municipality: dict[str, list[str]] = {}
    for enrolment in enrolments:
        by_municipality.setdefault(municipality_of_unit(enrolment.programme_unit).slug, []).append(enrolment.code)
    for slug, codes in by_municipality.items():
        audit_record(
            actor=actor,
            action=AuditAction.PARTICIPANT_LIST,
            context=context,
            object_type="enrolment",
            object_id="" if per_municipality else f"{len(codes)} deltagare",  # i18n: data
            municipality_slug=slug,
            details={"codes": codes},
        )


def referral_view_record(*, actor: User, referral: Referral, context: AuditContext | None = None) -> None:
    """Log that `actor` was shown a referral."""
    audit_record(
        actor=actor,
        action=AuditAction.REFERRAL_VIEW,
        context=context,
        object_type="referral",
        object_id=referral.receipt_number,
        person_code=referral.person.code if referral.person else "",
        municipality_slug=municipality_of_unit(referral.programme_unit).slug,
    )


def exit_document_export_record(*, actor: User, enrolment: Enrolment, context: AuditContext | None = None) -> None:
    """Log that `actor` was given a participant's exit document as a PDF."""
    audit_record(
        actor=actor,
        action=AuditAction.PARTICIPANT_EXPORT,
        context=context,
        object_type="exit_document",
        object_id=enrolment.code,
        person_code=enrolment.code,
        municipality_slug=municipality_of_unit(enrolment.programme_unit).slug,
        details={"format": "pdf"},
    )

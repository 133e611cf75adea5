"""The reference data: legal bases (lagrum) and decision types, saved from the admin forms."""

from __future__ import annotations

from django import forms
from django.db import transaction

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from ..models import DecisionType, LegalBasis


def legal_basis_save(
    *, actor: User, form: forms.ModelForm[LegalBasis], context: AuditContext | None = None
) -> LegalBasis:
    with transaction.atomic():
        basis = form.save()
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_DATA_CHANGE,
            context=context,
            object_type="legal_basis",
            object_id=basis.code,
            details={
                "label": basis.label,
                "valid_from": basis.valid_from.isoformat(),
                "valid_to": basis.valid_to.isoformat() if basis.valid_to else None,
            },
        )
    return basis


def decision_type_save(
    *, actor: User, form: forms.ModelForm[DecisionType], context: AuditContext | None = None
) -> DecisionType:
    with transaction.atomic():
        decision_type = form.save()
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_DATA_CHANGE,
            context=context,
            object_type="decision_type",
            object_id=str(decision_type.pk),
            details={"name": decision_type.name, "legal_bases": [b.code for b in decision_type.legal_bases.all()]},
        )
    return decision_type

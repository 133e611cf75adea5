"""The register's decisions: their fields' rules, a new decision, what is known while the person
waits, the events (verkställt, avbrott, …) and offers of an insats."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.core.concurrency import bump_version, update_if_unchanged
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.nonexecution import Event, EventKind, check_new_event

from ..models import (
    Decision,
    DecisionEvent,
    DecisionType,
    DelayReason,
    EndReason,
    InsatsOffer,
    IvoArea,
    LegalBasis,
    LegalBasisKind,
)
from ..selectors import decision_events
from .common import audit_decision, local_today, register_lock, require_municipality


def validate_decision_fields(
    *,
    municipality: Organisation,
    person: Person | None,
    decision_date: datetime.date | None,
    decision_type: DecisionType | None,
    legal_basis: LegalBasis | None,
    delay_reason: str,
    today: datetime.date,
    ivo_area: str = "",
    allowed_basis_ids: Collection[int] | None = None,
) -> FieldProblems:
    """Every problem with a decision's fields, per field, in Swedish. `allowed_basis_ids`: the
    decision type's legal bases, when the caller (an import) has them for every row."""
    errors = FieldProblems()

    if person is None:
        errors.add("person", _("Ange personen som beslutet gäller."))
    elif person.municipality_id != municipality.pk:
        errors.add("person", _("Personen finns inte i kommunens register."))
    if decision_date is None:
        errors.add("decision_date", _("Ange beslutsdatum."))
    elif decision_date > today:
        errors.add("decision_date", _("Beslutsdatumet kan inte ligga i framtiden."))
    if decision_type is None:
        errors.add("decision_type", _("Välj typ av beslut."))
    if legal_basis is None:
        errors.add("legal_basis", _("Välj lagrum."))
    elif legal_basis.kind != LegalBasisKind.DECISION:
        errors.add("legal_basis", _("%(basis)s är inte ett lagrum för beslut.") % {"basis": legal_basis.short_label})
    else:
        if decision_date is not None and not legal_basis.valid_on(decision_date):
            errors.add(
                "legal_basis",
                _("Lagrummet %(basis)s gällde inte på beslutsdatumet %(date)s (det gäller %(period)s).")
                % {
                    "basis": legal_basis.short_label,
                    "date": decision_date.isoformat(),
                    "period": legal_basis.period_text(),
                },
            )
        if allowed_basis_ids is None and decision_type is not None:
            allowed_basis_ids = {b.pk for b in decision_type.legal_bases.all()}
        if decision_type is not None and allowed_basis_ids is not None and legal_basis.pk not in allowed_basis_ids:
            errors.add(
                "legal_basis",
                _("Lagrummet %(basis)s hör inte till beslutstypen %(type)s.")
                % {"basis": legal_basis.short_label, "type": decision_type.name},
            )
    if delay_reason and delay_reason not in DelayReason.values:
        errors.add("delay_reason", _("Okänt skäl till dröjsmål."))
    if ivo_area and ivo_area not in IvoArea.values:
        errors.add("ivo_area", _("Okänd inriktning för beslutet."))
    return errors


def decision_create(
    *,
    actor: User | None,
    municipality: Organisation,
    reference: str,
    person: Person | None,
    decision_date: datetime.date | None,
    decision_type: DecisionType | None,
    legal_basis: LegalBasis | None,
    caseworker: str = "",
    delay_reason: str = "",
    delay_reason_text: str = "",
    consequences: str = "",
    interim_support: str = "",
    ivo_area: str = "",
    protected_identity: bool = False,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> Decision:
    require_municipality(actor, municipality)
    reference = reference.strip()
    errors = validate_decision_fields(
        municipality=municipality,
        person=person,
        decision_date=decision_date,
        decision_type=decision_type,
        legal_basis=legal_basis,
        delay_reason=delay_reason,
        today=today or local_today(),
        ivo_area=ivo_area,
    )
    if not reference:
        errors.add("reference", _("Ange kommunens ärende- eller diarienummer."))
    elif Decision.objects.filter(municipality=municipality, reference=reference).exists():
        errors.add(
            "reference", _("Referensen %(reference)s finns redan i kommunens register.") % {"reference": reference}
        )
    errors.raise_if_any(_("Beslutet kunde inte sparas."))
    assert person is not None and decision_date is not None and decision_type is not None and legal_basis is not None
    try:
        with transaction.atomic():
            register_lock(municipality)
            decision = Decision.objects.create(
                municipality=municipality,
                reference=reference,
                person=person,
                decision_date=decision_date,
                decision_type=decision_type,
                legal_basis=legal_basis,
                caseworker=caseworker.strip(),
                delay_reason=delay_reason,
                delay_reason_text=delay_reason_text.strip(),
                consequences=consequences.strip(),
                interim_support=interim_support.strip(),
                ivo_area=ivo_area,
                protected_identity=protected_identity,
                created_by=actor,
            )
            audit_decision(actor, AuditAction.DECISION_CREATE, decision, context)
    except IntegrityError as exc:
        raise Conflict(
            _("Referensen %(reference)s registrerades samtidigt av någon annan.") % {"reference": reference}
        ) from exc
    return decision


def decision_update_waiting(
    *,
    actor: User | None,
    decision: Decision,
    caseworker: str,
    delay_reason: str,
    delay_reason_text: str,
    consequences: str,
    interim_support: str,
    ivo_area: str | None = None,
    protected_identity: bool | None = None,
    expected_version: int | None = None,
    context: AuditContext | None = None,
) -> Decision:
    """Update what is known while the person waits: reason, consequences, support meanwhile, and
    what IVO's e-service asks besides (inriktning, protected identity; None: unchanged).
    With `expected_version` it refuses (EditConflict) if someone saved the decision meanwhile."""
    require_municipality(actor, decision.municipality)
    if delay_reason and delay_reason not in DelayReason.values:
        raise ValidationFailed(_("Okänt skäl."), fields={"delay_reason": [_("Okänt skäl till dröjsmål.")]})
    if ivo_area and ivo_area not in IvoArea.values:
        raise ValidationFailed(_("Okänd inriktning."), fields={"ivo_area": [_("Okänd inriktning för beslutet.")]})
    with transaction.atomic():
        register_lock(decision.municipality)
        decision.caseworker = caseworker.strip()
        decision.delay_reason = delay_reason
        decision.delay_reason_text = delay_reason_text.strip()
        decision.consequences = consequences.strip()
        decision.interim_support = interim_support.strip()
        if ivo_area is not None:
            decision.ivo_area = ivo_area
        if protected_identity is not None:
            decision.protected_identity = protected_identity
        update_if_unchanged(
            decision,
            fields=[
                "caseworker",
                "delay_reason",
                "delay_reason_text",
                "consequences",
                "interim_support",
                "ivo_area",
                "protected_identity",
            ],
            expected_version=expected_version,
            what=_("Beslutet %(reference)s") % {"reference": decision.reference},
            audit_object=("decision", str(decision.pk)),
        )
        audit_decision(actor, AuditAction.DECISION_UPDATE, decision, context)
    return decision


def decision_event_add(
    *,
    actor: User | None,
    decision: Decision,
    kind: str,
    date: datetime.date | None,
    missing_part: str = "",
    end_reason: str = "",
    end_reason_text: str = "",
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> DecisionEvent:
    require_municipality(actor, decision.municipality)
    errors = FieldProblems()
    try:
        event_kind = EventKind(kind)
    except ValueError:
        errors["kind"] = [_("Välj en händelse.")]
        event_kind = None
    if date is None:
        errors.add("date", _("Ange datum."))
    if event_kind == EventKind.PARTLY_EXECUTED and not missing_part.strip():
        errors["missing_part"] = [_("Beskriv vilken del som ännu inte är verkställd.")]
    if event_kind == EventKind.ENDED:
        if end_reason not in EndReason.values:
            errors["end_reason"] = [pgettext("decision", "Välj avslutsorsak.")]
        elif end_reason == EndReason.OTHER and not end_reason_text.strip():
            errors["end_reason_text"] = [_("Beskriv orsaken när du väljer Annat.")]
    elif end_reason:
        errors["end_reason"] = [_("Avslutsorsak anges bara när beslutet avslutas.")]
    with transaction.atomic():
        # The row lock makes a second user's simultaneous event wait, then be checked against the
        # first one's: two "verkställt" or an event after "avslutat" cannot both get in.
        register_lock(decision.municipality)
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        if event_kind is not None and date is not None:
            for problem in check_new_event(
                decision.decision_date, decision_events(decision), Event(event_kind, date), today=today or local_today()
            ):
                errors.add(problem.field, problem.message)
        errors.raise_if_any(_("Händelsen kunde inte sparas."))
        assert event_kind is not None and date is not None
        event = DecisionEvent.objects.create(
            decision=decision,
            kind=event_kind.value,
            date=date,
            missing_part=missing_part.strip() if event_kind == EventKind.PARTLY_EXECUTED else "",
            end_reason=end_reason if event_kind == EventKind.ENDED else "",
            end_reason_text=end_reason_text.strip() if event_kind == EventKind.ENDED else "",
            recorded_by=actor,
        )
        bump_version(decision)
        audit_decision(
            actor, AuditAction.DECISION_EVENT, decision, context, event=event_kind.value, date=date.isoformat()
        )
    return event


def decision_offer_add(
    *,
    actor: User | None,
    decision: Decision,
    offered_on: datetime.date | None,
    declined: bool,
    note: str = "",
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> InsatsOffer:
    """Record that an insats was offered. A declined offer does not end the decision."""
    require_municipality(actor, decision.municipality)
    if offered_on is None:
        raise ValidationFailed(_("Erbjudandet kunde inte sparas."), fields={"offered_on": [_("Ange datum.")]})
    if offered_on > (today or local_today()):
        raise ValidationFailed(
            _("Erbjudandet kunde inte sparas."), fields={"offered_on": [_("Datumet kan inte ligga i framtiden.")]}
        )
    if offered_on < decision.decision_date:
        raise ValidationFailed(
            _("Erbjudandet kunde inte sparas."),
            fields={
                "offered_on": [
                    _("Datumet kan inte ligga före beslutsdatumet %(date)s.")
                    % {"date": decision.decision_date.isoformat()}
                ]
            },
        )
    with transaction.atomic():
        offer = InsatsOffer.objects.create(
            decision=decision, offered_on=offered_on, declined=declined, note=note.strip(), recorded_by=actor
        )
        bump_version(decision)
        audit_decision(
            actor, AuditAction.DECISION_UPDATE, decision, context, offer=offered_on.isoformat(), declined=declined
        )
    return offer

"""Building decision histories through the services, as a registrar would."""

from __future__ import annotations

import datetime

from apps.decisions.models import Decision, DecisionType, LegalBasis
from apps.decisions.services import decision_create, decision_event_add
from apps.organisations.models import Organisation
from apps.people.models import Person
from tests.conftest import make_person

FAR_FUTURE = datetime.date(2030, 1, 1)


def decide(
    municipality: Organisation,
    reference: str,
    decision_type: str,
    decision_date: datetime.date,
    *,
    reason: str = "",
    person: Person | None = None,
    legal_basis: str | None = None,
) -> Decision:
    dtype = DecisionType.objects.get(name=decision_type)
    basis = (
        LegalBasis.objects.get(code=legal_basis)
        if legal_basis
        else next(b for b in dtype.legal_bases.all() if b.valid_on(decision_date))
    )
    return decision_create(
        actor=None,
        municipality=municipality,
        reference=reference,
        person=person or make_person(municipality),
        decision_date=decision_date,
        decision_type=dtype,
        legal_basis=basis,
        delay_reason="resource_shortage" if reason else "",
        delay_reason_text=reason,
        today=FAR_FUTURE,
    )


def event(decision: Decision, kind: str, date: datetime.date, **extra: str) -> None:
    decision_event_add(actor=None, decision=decision, kind=kind, date=date, today=FAR_FUTURE, **extra)

"""A list that shows people of two municipalities is logged in each municipality's log with that
municipality's own codes: no municipality's log lists another's people, and none is missing."""

from __future__ import annotations

import datetime

import pytest

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.services.reads import decision_list_record
from tests.conftest import make_user
from tests.decisions_helpers import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_municipalities(alingsas, lerum):
    day = datetime.date(2025, 3, 1)
    return [
        decide(alingsas, "A-1", "Kontaktperson", day),
        decide(alingsas, "A-2", "Kontaktperson", day),
        decide(lerum, "L-1", "Kontaktperson", day),
    ]


@pytest.mark.parametrize("per_municipality", [True, False])
def test_a_list_across_two_municipalities_is_logged_in_each_with_its_own_codes(two_municipalities, per_municipality):
    actor = make_user("two.places", "decisions_registrar", "alingsas-socialnamnd")
    decision_list_record(actor=actor, decisions=two_municipalities, per_municipality=per_municipality)
    rows = {e.municipality_slug: e for e in AuditEvent.objects.filter(action=AuditAction.DECISION_LIST)}
    assert set(rows) == {"alingsas", "lerum"}
    alingsas_codes = sorted({d.person.code for d in two_municipalities[:2]})
    assert rows["alingsas"].details["codes"] == alingsas_codes
    assert rows["lerum"].details["codes"] == [two_municipalities[2].person.code]
    if not per_municipality:
        assert rows["alingsas"].object_id == "2 beslut"
        assert rows["lerum"].object_id == "1 beslut"


def test_an_empty_list_is_not_logged(insjoriket):
    actor = make_user("nobody.shown", "decisions_registrar", "alingsas-socialnamnd")
    decision_list_record(actor=actor, decisions=[])
    assert not AuditEvent.objects.filter(action=AuditAction.DECISION_LIST).exists()

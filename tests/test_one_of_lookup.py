"""`__one_of` (apps.core.lookups) selects the same rows as `__in`, on keys and foreign keys, with one
parameter for the whole list on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.decisions.models import Decision, DecisionEvent
from tests.decisions_helpers import decide, event

pytestmark = pytest.mark.django_db


def test_one_of_selects_what_in_selects_by_key_and_by_foreign_key(alingsas):
    decisions = [decide(alingsas, f"O-{n}", "Kontaktfamilj", datetime.date(2022, 1, 1 + n)) for n in range(6)]
    for decision in decisions[::2]:
        event(decision, "executed", datetime.date(2022, 3, 1))
    chosen = [d.pk for d in decisions[1:5]]

    assert set(Decision.objects.filter(pk__one_of=chosen)) == set(Decision.objects.filter(pk__in=chosen))
    by_decision = DecisionEvent.objects.filter(decision_id__one_of=chosen).values_list("decision_id", flat=True)
    by_in = DecisionEvent.objects.filter(decision__in=chosen).values_list("decision_id", flat=True)
    assert sorted(by_decision) == sorted(by_in)
    assert sorted(by_decision) == [decisions[2].pk, decisions[4].pk]
    assert not Decision.objects.filter(pk__one_of=[]).exists()


def test_one_of_text_selects_what_in_selects_by_a_text_column(alingsas):
    decisions = [decide(alingsas, f"T-{n}", "Kontaktfamilj", datetime.date(2022, 1, 1 + n)) for n in range(5)]
    wanted = ["T-1", "T-3", "T-nothing"]

    chosen = Decision.objects.filter(reference__one_of_text=wanted).values_list("pk", flat=True)
    assert sorted(chosen) == sorted(Decision.objects.filter(reference__in=wanted).values_list("pk", flat=True))
    assert sorted(chosen) == [decisions[1].pk, decisions[3].pk]
    assert not Decision.objects.filter(reference__one_of_text=[]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_on_postgresql_the_list_is_one_parameter(alingsas):
    with CaptureQueriesContext(connection) as queries:
        list(Decision.objects.filter(pk__one_of=list(range(1, 3001))))
        list(Decision.objects.filter(reference__one_of_text=[f"R-{n}" for n in range(3000)]))
    assert "= ANY(" in queries[0]["sql"] and "::bigint[]" in queries[0]["sql"]
    assert "= ANY(" in queries[1]["sql"] and "::text[]" in queries[1]["sql"]

"""Enrolling someone who does not meet the criteria: the page says which criteria are unmet and, on
the override reason's field, what it takes to enrol anyway – all problems at once, never only
"Deltagaren kunde inte skrivas in."."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from apps.activera.models import Enrolment
from apps.activera.services import referral_accept
from insyn.errors import ValidationFailed
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import verified_client

NEEDS_REASON = "Motivering krävs för att göra undantag från kriterierna."


def _accept_form(chosen_leader, **overrides):  # type: ignore[no-untyped-def]
    start = timezone.localdate() - datetime.timedelta(weeks=1)
    data = {
        "action": "accept",
        "start_date": start.isoformat(),
        "planned_end_date": (start + datetime.timedelta(weeks=20)).isoformat(),
        "extent_percent": "50",
        "leader": str(chosen_leader.pk),
        "override_reason": "",
    }
    data.update(overrides)
    return data


def _unmet_referral():  # type: ignore[no-untyped-def]
    referral = refer(unit(), all_criteria=False, serial=91)
    referral.received_on = timezone.localdate() - datetime.timedelta(weeks=2)
    referral.save(update_fields=["received_on"])
    return referral


def _field_errors(page: str, field: str) -> list[str]:
    """The messages shown in the label of a field (core/_field.html)."""
    label = re.search(rf'<label for="id_{field}">(.*?)</label>', page, flags=re.S)
    assert label, field
    return [html.unescape(m) for m in re.findall(r'<span class="field__error">(.*?)</span>', label.group(1))]


def test_a_manager_without_a_reason_is_told_on_the_reason_field(activera, manager_alingsas, caseworker_alingsas):
    referral = _unmet_referral()
    with pytest.raises(ValidationFailed) as info:
        referral_accept(
            actor=manager_alingsas,
            referral=referral,
            start_date=referral.received_on,
            planned_end_date=referral.received_on + datetime.timedelta(weeks=20),
            extent_percent=50,
            leader=caseworker_alingsas,
            today=FAR_FUTURE,
        )
    assert info.value.fields["override_reason"] == [NEEDS_REASON]
    assert len(info.value.fields["criteria"]) == 9  # every unmet criterion, not only the first


def test_the_page_shows_the_reason_field_message_and_every_unmet_criterion(
    activera, manager_alingsas, caseworker_alingsas
):
    referral = _unmet_referral()
    client = verified_client(manager_alingsas)
    response = client.post(f"/deltagare/anmalningar/{referral.pk}/", _accept_form(caseworker_alingsas))
    page = response.content.decode()
    assert not Enrolment.objects.exists()
    assert _field_errors(page, "override_reason") == [NEEDS_REASON]
    summary = html.unescape(page.split('class="error-summary"', 1)[1].split("</div>", 1)[0])
    assert f"Motivering för undantag från kriterierna (bara ansvarig chef): {NEEDS_REASON}" in summary
    criteria = [c["label"] for c in activera.eligibility_criteria]
    assert all(f"Kriteriet är inte bekräftat: {label}." in summary for label in criteria)
    assert "Deltagaren kunde inte skrivas in." not in page  # the specific messages say it all


def test_every_problem_of_the_form_shows_at_once(activera, manager_alingsas, caseworker_alingsas):
    referral = _unmet_referral()
    client = verified_client(manager_alingsas)
    data = _accept_form(
        caseworker_alingsas,
        planned_end_date=(timezone.localdate() + datetime.timedelta(weeks=60)).isoformat(),
        extent_percent="80",
    )
    page = client.post(f"/deltagare/anmalningar/{referral.pk}/", data).content.decode()
    assert any("högst 24 veckor" in m for m in _field_errors(page, "planned_end_date"))
    assert any("procent av heltid" in m for m in _field_errors(page, "extent_percent"))
    assert _field_errors(page, "override_reason") == [NEEDS_REASON]


def test_a_caseworker_is_told_that_only_the_manager_can_make_the_exception(activera, caseworker_alingsas):
    referral = _unmet_referral()
    client = verified_client(caseworker_alingsas)
    page = client.post(f"/deltagare/anmalningar/{referral.pk}/", _accept_form(caseworker_alingsas)).content.decode()
    [message] = _field_errors(page, "override_reason")
    assert "bara ansvarig chef kan göra undantag" in message
    with_reason = client.post(
        f"/deltagare/anmalningar/{referral.pk}/", _accept_form(caseworker_alingsas, override_reason="Bedömt i SAMSIP")
    ).content.decode()
    assert _field_errors(with_reason, "override_reason") == ["Bara ansvarig chef kan göra undantag från kriterierna."]


def test_with_a_reason_the_manager_enrols(activera, manager_alingsas, caseworker_alingsas):
    referral = _unmet_referral()
    client = verified_client(manager_alingsas)
    response = client.post(
        f"/deltagare/anmalningar/{referral.pk}/",
        _accept_form(caseworker_alingsas, override_reason="Bedömt i SAMSIP att insatsen passar"),
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().eligibility_override_by == manager_alingsas


def test_the_form_words_its_own_range_errors_in_swedish(activera, manager_alingsas, caseworker_alingsas):
    referral = refer(unit(), serial=92)
    client = verified_client(manager_alingsas)
    page = client.post(
        f"/deltagare/anmalningar/{referral.pk}/", _accept_form(caseworker_alingsas, extent_percent="0", leader="0")
    ).content.decode()
    assert _field_errors(page, "extent_percent") == ["Omfattningen ska vara minst 1 procent av heltid."]
    assert _field_errors(page, "leader") == ["Välj en ledare som arbetar hos utföraren."]

import datetime

import pytest

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.models import Decision, DecisionType, LegalBasis
from apps.decisions.services import decision_create, decision_event_add, decision_offer_add
from insyn.errors import NotPermitted, ValidationFailed
from tests.conftest import make_person, verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event

D = datetime.date


def _form(person, **overrides):
    data = {
        "reference": "2026.101 SN",
        "person": person.code,
        "decision_date": "2026-03-02",
        "decision_type": DecisionType.objects.get(name="Kontaktfamilj").pk,
        "legal_basis": LegalBasis.objects.get(code="sol2025-11-1").pk,
        "municipality": person.municipality.pk,
        "caseworker": "H. Handläggare",
        "delay_reason": "",
        "delay_reason_text": "",
    }
    data.update(overrides)
    return data


def test_a_registrar_records_a_decision_through_the_form(registrar_alingsas, person_alingsas):
    client = verified_client(registrar_alingsas)
    response = client.post("/beslut/ny/", _form(person_alingsas))
    decision = Decision.objects.get()
    assert response["Location"] == f"/beslut/{decision.pk}/"
    assert decision.person == person_alingsas and decision.legal_basis.code == "sol2025-11-1"
    assert AuditEvent.objects.filter(action=AuditAction.DECISION_CREATE, person_code=person_alingsas.code).exists()
    page = client.get(f"/beslut/{decision.pk}/").content.decode()
    assert "2026-06-02" in page  # the deadline, three months on


def test_a_legal_basis_not_in_force_on_the_decision_date_is_refused_in_swedish(registrar_alingsas, person_alingsas):
    client = verified_client(registrar_alingsas)
    response = client.post(
        "/beslut/ny/", _form(person_alingsas, legal_basis=LegalBasis.objects.get(code="sol2001-4-1").pk)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lagrummet 4.1 § SoL gällde inte på beslutsdatumet 2026-03-02" in html
    assert 'href="#id_legal_basis"' in html
    assert not Decision.objects.exists()


def test_the_old_law_applies_to_decisions_before_july_2025(registrar_alingsas, person_alingsas):
    client = verified_client(registrar_alingsas)
    client.post(
        "/beslut/ny/",
        _form(person_alingsas, decision_date="2025-06-30", legal_basis=LegalBasis.objects.get(code="sol2001-4-1").pk),
    )
    assert Decision.objects.get().legal_basis.code == "sol2001-4-1"


def test_a_reference_is_unique_within_the_municipality_only(alingsas, lerum):
    decide(alingsas, "2026.1", "Boendestöd", D(2026, 1, 5))
    decide(lerum, "2026.1", "Boendestöd", D(2026, 1, 5))
    with pytest.raises(ValidationFailed) as info:
        decide(alingsas, "2026.1", "Boendestöd", D(2026, 1, 6))
    assert "finns redan" in info.value.fields["reference"][0]


def test_a_future_decision_date_and_a_person_from_another_registry_are_refused(alingsas, lerum):
    dtype = DecisionType.objects.get(name="Boendestöd")
    with pytest.raises(ValidationFailed) as info:
        decision_create(
            actor=None,
            municipality=alingsas,
            reference="X",
            person=make_person(lerum),
            decision_date=D(2026, 12, 1),
            decision_type=dtype,
            legal_basis=LegalBasis.objects.get(code="sol2025-11-1"),
            today=D(2026, 11, 22),
        )
    assert set(info.value.fields) == {"person", "decision_date"}


def test_a_legal_basis_of_another_decision_type_is_refused(alingsas):
    with pytest.raises(ValidationFailed) as info:
        decide(alingsas, "X", "Boendestöd", D(2022, 1, 5), legal_basis="lss-9-10")
    assert "hör inte till beslutstypen Boendestöd" in info.value.fields["legal_basis"][0]


def test_a_caseworker_of_the_executor_cannot_register_decisions(caseworker_alingsas, alingsas):
    with pytest.raises(NotPermitted):
        decision_create(
            actor=caseworker_alingsas,
            municipality=alingsas,
            reference="X",
            person=make_person(alingsas),
            decision_date=D(2022, 1, 5),
            decision_type=DecisionType.objects.get(name="Boendestöd"),
            legal_basis=LegalBasis.objects.get(code="sol2001-4-1"),
        )
    assert verified_client(caseworker_alingsas).get("/beslut/").status_code == 403


def test_event_rules_are_shown_on_the_field_and_nothing_is_saved(registrar_alingsas, alingsas):
    decision = decide(alingsas, "E-1", "Boendestöd", D(2022, 6, 1))
    client = verified_client(registrar_alingsas)
    response = client.post(f"/beslut/{decision.pk}/handelse/", {"kind": "resumed", "date": "2022-07-01"})
    assert response.status_code == 400
    assert "Ett återupptagande kräver ett avbrott" in response.content.decode()
    response = client.post(f"/beslut/{decision.pk}/handelse/", {"kind": "executed", "date": "2022-05-01"})
    assert "före beslutsdatumet 2022-06-01" in response.content.decode()
    assert 'value="2022-05-01"' in response.content.decode()
    assert not decision.events.exists()
    ok = client.post(f"/beslut/{decision.pk}/handelse/", {"kind": "executed", "date": "2022-07-01"})
    assert ok.status_code == 302
    assert decision.events.get().kind == "executed"


def test_an_end_needs_a_reason_and_other_needs_a_text(alingsas):
    decision = decide(alingsas, "E-2", "Boendestöd", D(2022, 6, 1))
    with pytest.raises(ValidationFailed) as info:
        event(decision, "ended", D(2022, 7, 1))
    assert "end_reason" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        event(decision, "ended", D(2022, 7, 1), end_reason="other")
    assert "end_reason_text" in info.value.fields
    event(decision, "ended", D(2022, 7, 1), end_reason="other", end_reason_text="Beviljat annan insats")
    with pytest.raises(ValidationFailed) as info:
        event(decision, "executed", D(2022, 7, 2))
    assert "inget kan registreras efter ett avslut" in info.value.fields["kind"][0]


def test_a_partial_execution_needs_the_missing_part_and_shows_in_the_report_reason(alingsas):
    from apps.decisions.computation import compute_report
    from lib.quarters import Quarter

    decision = decide(alingsas, "P-1", "Boendestöd", D(2022, 6, 1), reason="Personal saknas")
    with pytest.raises(ValidationFailed):
        event(decision, "partly_executed", D(2022, 7, 1))
    event(decision, "partly_executed", D(2022, 7, 1), missing_part="Kvällsbesöken")
    (row,) = compute_report(alingsas, Quarter(2022, 3), D(2022, 10, 15))
    assert row.decision.pk == decision.pk
    assert row.reason == "Personal saknas. Delvis verkställt 2022-07-01; återstår: Kvällsbesöken"


def test_a_declined_offer_is_recorded_and_does_not_end_the_decision(alingsas):
    decision = decide(alingsas, "O-1", "Kontaktfamilj", D(2022, 6, 1))
    decision_offer_add(actor=None, decision=decision, offered_on=D(2022, 7, 1), declined=True, today=FAR_FUTURE)
    assert decision.offers.get().declined
    assert not decision.events.exists()
    with pytest.raises(ValidationFailed):
        decision_offer_add(actor=None, decision=decision, offered_on=D(2022, 5, 1), declined=False, today=FAR_FUTURE)


def test_waiting_information_is_saved_and_logged(registrar_alingsas, alingsas):
    decision = decide(alingsas, "W-1", "Kontaktfamilj", D(2022, 6, 1))
    client = verified_client(registrar_alingsas)
    response = client.post(
        f"/beslut/{decision.pk}/vantetid/",
        {
            "caseworker": "A",
            "delay_reason": "resource_shortage",
            "delay_reason_text": "Ingen familj",
            "consequences": "Barnet väntar",
            "interim_support": "Samtal varannan vecka",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.consequences == "Barnet väntar" and decision.interim_support == "Samtal varannan vecka"
    assert AuditEvent.objects.filter(action=AuditAction.DECISION_UPDATE).exists()


def test_the_register_list_uses_a_fixed_number_of_queries(registrar_alingsas, alingsas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(3):
        decide(alingsas, f"Q-{index}", "Kontaktfamilj", D(2022, 6, 1))
    client = verified_client(registrar_alingsas)
    client.get("/beslut/")
    with CaptureQueriesContext(connection) as few:
        client.get("/beslut/")
    for index in range(3, 20):
        decision = decide(alingsas, f"Q-{index}", "Kontaktfamilj", D(2022, 6, 1))
        event(decision, "executed", D(2022, 7, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/beslut/")
    assert response.status_code == 200 and "Q-19" in response.content.decode()
    assert len(many) == len(few)


def test_the_registrar_start_page_shows_deadlines_and_the_ivo_window(registrar_alingsas, alingsas):
    from django.utils import timezone

    today = timezone.localdate()
    soon = decide(alingsas, "SOON-1", "Kontaktfamilj", today - datetime.timedelta(days=80))
    late = decide(alingsas, "LATE-1", "Kontaktfamilj", today - datetime.timedelta(days=120))
    html = verified_client(registrar_alingsas).get("/").content.decode()
    assert "Nästa rapportering till IVO" in html
    assert soon.reference in html and late.reference in html
    passed = html.index("Passerad tidsgräns")
    within = html.index("Tidsgräns inom 30 dagar")
    assert passed < html.index("LATE-1") < within < html.index("SOON-1")


def test_decision_event_add_checks_the_municipality(caseworker_lerum, alingsas):
    decision = decide(alingsas, "M-1", "Kontaktfamilj", D(2022, 6, 1))
    with pytest.raises(NotPermitted):
        decision_event_add(actor=caseworker_lerum, decision=decision, kind="executed", date=D(2022, 7, 1))


def test_a_system_administrator_edits_a_legal_basis_and_it_is_logged(system_admin, registrar_alingsas):
    basis = LegalBasis.objects.get(code="sol2025-11-1")
    client = verified_client(system_admin)
    assert "11 kap. 1 § SoL" in client.get("/beslut/koder/").content.decode()
    response = client.post(
        f"/beslut/koder/lagrum/{basis.pk}/",
        {
            "code": basis.code,
            "kind": "decision",
            "label": "11 kap. 1 § SoL",
            "short_label": "11.1 § SoL",
            "statute": "socialtjänstlagen (2025:400)",
            "valid_from": "2025-07-01",
            "valid_to": "2030-12-31",
        },
    )
    assert response.status_code == 302
    basis.refresh_from_db()
    assert basis.valid_to == D(2030, 12, 31)
    assert AuditEvent.objects.filter(action=AuditAction.REFERENCE_DATA_CHANGE, object_id=basis.code).exists()
    bad = client.post(
        f"/beslut/koder/lagrum/{basis.pk}/",
        {
            "code": basis.code,
            "kind": "decision",
            "label": "x",
            "short_label": "x",
            "statute": "x",
            "valid_from": "2025-07-01",
            "valid_to": "2020-01-01",
        },
    )
    assert bad.status_code == 200 and "Det finns fel i formuläret" in bad.content.decode()
    assert verified_client(registrar_alingsas).get("/beslut/koder/").status_code == 403


def test_a_system_administrator_adds_a_decision_type(system_admin):
    client = verified_client(system_admin)
    basis = LegalBasis.objects.get(code="sol2025-11-1")
    response = client.post("/beslut/koder/typer/ny/", {"name": "Hemtjänst", "legal_bases": [basis.pk], "active": "on"})
    assert response.status_code == 302
    assert list(DecisionType.objects.get(name="Hemtjänst").legal_bases.all()) == [basis]


def _offered_bases(html: str) -> list[str]:
    import re

    select = html[html.index('name="legal_basis"') : html.index("</select>", html.index('name="legal_basis"'))]
    return [label.split(" – ")[0] for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)]


def test_the_form_offers_legal_bases_in_number_order_and_only_those_in_force(registrar_alingsas, person_alingsas):
    client = verified_client(registrar_alingsas)
    today = _offered_bases(client.get("/beslut/ny/").content.decode())
    lss = [label for label in today if label.endswith("LSS")]
    assert lss == [f"9 § {n} LSS" for n in range(1, 11)]
    assert "11 kap. 1 § SoL" in today and "4.1 § SoL" not in today
    # A form sent back with a decision date under the old law offers that law's basis instead.
    old = client.post("/beslut/ny/", _form(person_alingsas, decision_date="2024-05-02", reference=""))
    offered_then = _offered_bases(old.content.decode())
    assert "4.1 § SoL" in offered_then and "11 kap. 1 § SoL" not in offered_then


def test_a_mistyped_personnummer_in_the_decision_form_says_the_check_digit_is_wrong(registrar_alingsas, alingsas):
    response = verified_client(registrar_alingsas).post(
        "/beslut/ny/", {**_form(make_person(alingsas)), "person": "19121212-1213"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte: numret är felskrivet." in html
    assert "finns inte i registret" not in html
    assert not Decision.objects.exists()

import datetime

from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.decisions.models import Decision
from tests.decisions_helpers import decide
from tests.test_decision_reports_seed_example import build_alingsas_history, submit_all


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def test_a_registrar_creates_a_decision_and_adds_an_event(registrar_alingsas, person_alingsas):
    client = _client(registrar_alingsas)
    response = client.post(
        "/api/v1/decisions/",
        {
            "municipality": "alingsas",
            "reference": "API-1",
            "person": person_alingsas.code,
            "decision_date": "2022-07-25",
            "decision_type": "Kontaktfamilj",
            "legal_basis": "sol2001-4-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    decision_id = response.json()["id"]
    bad = client.post(
        f"/api/v1/decisions/{decision_id}/events/", {"kind": "resumed", "date": "2022-08-01"}, format="json"
    )
    assert bad.status_code == 400
    assert "kräver ett avbrott" in bad.json()["error"]["fields"]["kind"][0]
    ok = client.post(
        f"/api/v1/decisions/{decision_id}/events/", {"kind": "executed", "date": "2022-08-01"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["events"][0]["kind"] == "executed"
    listing = client.get("/api/v1/decisions/").json()["results"]
    assert [d["reference"] for d in listing] == ["API-1"]


def test_a_legal_basis_out_of_force_is_a_field_error(registrar_alingsas, person_alingsas):
    response = _client(registrar_alingsas).post(
        "/api/v1/decisions/",
        {
            "municipality": "alingsas",
            "reference": "API-2",
            "person": person_alingsas.code,
            "decision_date": "2025-09-01",
            "decision_type": "Kontaktfamilj",
            "legal_basis": "sol2001-4-1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "gällde inte på beslutsdatumet 2025-09-01" in response.json()["error"]["fields"]["legal_basis"][0]
    assert not Decision.objects.exists()


def test_reports_through_the_api(registrar_alingsas, auditor_alingsas, alingsas):
    build_alingsas_history(alingsas)
    reports = submit_all(alingsas)
    auditor = _client(auditor_alingsas)
    data = auditor.get(f"/api/v1/reports/{reports['2022Q4'].pk}/").json()
    assert data["quarter"] == "2022Q4" and len(data["executed_or_ended"]) == 2
    summary = auditor.get("/api/v1/summaries/alingsas/2021/").json()
    assert summary["not_executed"] == [1, 0, 0, 0] and summary["executed_or_ended"] == [0, 1, 0, 0]
    registrar = _client(registrar_alingsas)
    decide(alingsas, "API-Q", "Kontaktfamilj", datetime.date(2022, 12, 1))
    draft = registrar.post(
        "/api/v1/reports/", {"municipality": "alingsas", "quarter": "2023Q1", "as_of": "2023-04-05"}, format="json"
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    submitted = registrar.post(f"/api/v1/reports/{draft.json()['id']}/submit/")
    assert submitted.json()["status"] == "submitted"
    again = registrar.post(f"/api/v1/reports/{draft.json()['id']}/submit/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert auditor.post(f"/api/v1/reports/{draft.json()['id']}/submit/").status_code == 404

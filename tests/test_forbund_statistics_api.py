"""The förbund's statistics and the executors' deliveries through the API: exactly what the pages
show, in one long list of cells; a narrative with personal data is refused and nothing stored."""

from __future__ import annotations

import datetime

from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.activera.models import Delivery, Narrative
from apps.activera.violence import violence_batch_record
from tests.activera_helpers import EXECUTORS, FAR_FUTURE, caseworker, deliver, deliver_all, refer, unit
from tests.conftest import verified_client

D = datetime.date


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def _statistics(user, **query):  # type: ignore[no-untyped-def]
    return _client(user).get("/api/v1/forbund/statistics/", query)


def test_the_cells_are_exactly_what_the_forbund_is_shown(activera, forbund_officer):
    for n in range(6):
        refer(unit("alingsas"), received_on=D(2026, 3, 2 + n), serial=n, party="region")
    deliver_all("monthly", 2026, 3)
    data = _statistics(forbund_officer, kind="monthly", year=2026, period=3).json()
    assert data["sum_units"] == [f"{slug}-activera" for slug in EXECUTORS]
    cells = {(c["unit"], c["table"], c["row"], c["column"]): c["value"] for c in data["cells"]}
    assert cells[("alingsas-activera", "monthly_referrals", "region", "kvinna")] == 6
    assert cells[(None, "monthly_referrals", "region", "total")] == 6
    assert cells[(None, "monthly_referrals", "total", "total")] == 6
    # Every figure of the stored content is one cell, and nothing else is.
    from apps.activera.presentation import cells_of

    stored = Delivery.objects.get(programme_unit=unit("alingsas"), kind="monthly").content
    mine = [c for c in data["cells"] if c["unit"] == "alingsas-activera"]
    assert [{k: v for k, v in c.items() if k != "unit"} for c in mine] == cells_of(stored)


def test_an_executor_that_has_not_been_released_has_no_cells(activera, forbund_officer):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1)
    deliver("alingsas", "monthly", 2026, 3)
    data = _statistics(forbund_officer, kind="monthly", year=2026, period=3).json()
    assert data["cells"] == [] and data["sum_units"] == []


def test_keys_are_the_same_for_every_tertial_and_for_the_interim_and_the_year(activera, forbund_officer):
    questions = [q["code"] for q in unit().programme.violence_questions]
    for tertial in (1, 2):
        for slug in EXECUTORS:
            violence_batch_record(
                actor=caseworker(slug),
                programme_unit=unit(slug),
                year=2026,
                tertial=tertial,
                forms=[{q: "nej" for q in questions} for _ in range(tertial * 3)],
                today=FAR_FUTURE,
            )
        deliver_all("tertial", 2026, tertial)
    deliver_all("interim", 2026)
    deliver_all("annual", 2026)

    def keys(**query):  # type: ignore[no-untyped-def]
        return {(c["table"], c["row"], c["column"]) for c in _statistics(forbund_officer, **query).json()["cells"]}

    assert keys(kind="tertial", year=2026, period=1) == keys(kind="tertial", year=2026, period=2)
    assert keys(kind="interim", year=2026) == keys(kind="annual", year=2026)


def test_a_period_that_does_not_exist_is_400_in_the_error_shape(activera, forbund_officer):
    for query in ({"kind": "tertial", "year": 2026, "period": 4}, {"kind": "annual", "year": -1}, {"kind": "x"}):
        response = _statistics(forbund_officer, **query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"


def test_the_statistics_are_for_the_forbund_office_only(activera, caseworker_alingsas):
    assert _statistics(caseworker_alingsas, kind="monthly", year=2026, period=3).status_code == 403
    assert APIClient().get("/api/v1/forbund/statistics/", {"kind": "annual", "year": 2026}).status_code == 401


def test_an_executor_submits_a_delivery_through_the_api(activera, caseworker_alingsas):
    response = _client(caseworker_alingsas).post(
        "/api/v1/deliveries/",
        {
            "unit": "alingsas-activera",
            "kind": "annual",
            "year": 2025,
            "narrative": "Två grupper startade.",
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["unit"] == "alingsas-activera" and body["kind"] == "annual" and body["released_at"] is None
    assert Delivery.objects.get(pk=body["id"]).raw["narrative"] == "Två grupper startade."


def test_personal_data_in_the_narrative_is_refused_and_nothing_is_stored(activera, caseworker_alingsas):
    response = _client(caseworker_alingsas).post(
        "/api/v1/deliveries/",
        {
            "unit": "alingsas-activera",
            "kind": "annual",
            "year": 2025,
            "narrative": "Anna Svensson 19121212-1212 tel 070-123 45 67",
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "narrative" in error["fields"]
    assert not Delivery.objects.exists() and not Narrative.objects.exists()


def test_another_municipalitys_unit_is_404(activera, caseworker_lerum):
    response = _client(caseworker_lerum).post(
        "/api/v1/deliveries/", {"unit": "alingsas-activera", "kind": "annual", "year": 2025}, format="json"
    )
    assert response.status_code == 404
    assert APIClient().post("/api/v1/deliveries/", {}, format="json").status_code == 401


def test_the_national_export_carries_the_forbunds_exact_violence_counts(activera, forbund_officer):
    questions = [q["code"] for q in unit().programme.violence_questions]
    for slug in EXECUTORS:
        forms = [{q: "nej" for q in questions} for _ in range(6)]
        if slug == "harryda":
            forms.append({**{q: "nej" for q in questions}, questions[0]: "ja"})
        violence_batch_record(
            actor=caseworker(slug), programme_unit=unit(slug), year=2026, tertial=1, forms=forms, today=FAR_FUTURE
        )
    client = verified_client(forbund_officer)
    waiting = client.get("/forbund/leveranser/nns/", {"year": 2026, "tertial": 1}).content.decode("utf-8-sig")
    assert "inte publicerad" in waiting
    deliver_all("tertial", 2026, 1)
    lines = (
        client.get("/forbund/leveranser/nns/", {"year": 2026, "tertial": 1}).content.decode("utf-8-sig").splitlines()
    )
    assert "Exakta antal" in lines[1]
    header = lines[3].split(";")
    first = dict(zip(header, lines[4].split(";"), strict=True))
    assert first["fraga"] == questions[0] and first["ja"] == "1" and first["nej"] == "30"
    assert first["antal_blanketter"] == "31"
    assert client.get("/forbund/leveranser/nns/", {"year": 2026, "tertial": 4}).status_code == 400

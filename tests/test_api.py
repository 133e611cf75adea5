import json

from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.audit.models import AuditAction, AuditEvent
from apps.people.models import Person
from tests.conftest import make_person


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def test_the_schema_is_openapi_3_and_lists_the_routes(caseworker_alingsas):
    response = _client(caseworker_alingsas).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/people/", "/api/v1/people/{code}/", "/api/v1/me/"} <= set(schema["paths"])


def test_a_caseworker_lists_and_reads_people_of_the_own_municipality(
    caseworker_alingsas, person_alingsas, person_lerum
):
    client = _client(caseworker_alingsas)
    listing = client.get("/api/v1/people/").json()
    assert [row["code"] for row in listing["results"]] == [person_alingsas.code]
    assert "identity_number" not in listing["results"][0]
    detail = client.get(f"/api/v1/people/{person_alingsas.code}/").json()
    assert detail["identity_number"].startswith(str(person_alingsas.birth_year))
    events = AuditEvent.objects.filter(actor_username=caseworker_alingsas.username, channel="api")
    assert set(events.values_list("action", flat=True)) == {AuditAction.PERSON_LIST, AuditAction.PERSON_VIEW}


def test_another_municipalitys_person_is_404_in_the_one_error_shape(caseworker_lerum, person_alingsas):
    response = _client(caseworker_lerum).get(f"/api/v1/people/{person_alingsas.code}/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Hittades inte.", "fields": {}}}


def test_creating_a_person_with_a_bad_number_names_the_field(caseworker_alingsas):
    response = _client(caseworker_alingsas).post(
        "/api/v1/people/",
        {"municipality": "alingsas", "identity_number": "19790231-1234", "first_name": "A", "last_name": "B"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "Datumet i numret finns inte" in error["fields"]["identity_number"][0]
    assert not Person.objects.exists()


def test_missing_fields_use_the_same_error_shape(caseworker_alingsas):
    response = _client(caseworker_alingsas).post("/api/v1/people/", {}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"municipality", "identity_number", "first_name", "last_name"}


def test_creating_a_person_in_another_municipality_is_forbidden(caseworker_lerum):
    response = _client(caseworker_lerum).post(
        "/api/v1/people/",
        {"municipality": "alingsas", "identity_number": "19790402-6126", "first_name": "A", "last_name": "B"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_caseworker_creates_a_person_through_the_api(caseworker_alingsas, alingsas):
    import datetime

    from lib.identity_numbers import LegalSex, fictional_number

    number = fictional_number(datetime.date(1988, 8, 8), serial=3, legal_sex=LegalSex.FEMALE)
    response = _client(caseworker_alingsas).post(
        "/api/v1/people/",
        {"municipality": "alingsas", "identity_number": number, "first_name": "A", "last_name": "B"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["code"].startswith("ALI-")
    assert response.json()["identity_number"] == number


def test_a_role_without_person_access_gets_403_on_lists(forbund_officer, alingsas):
    make_person(alingsas)
    response = _client(forbund_officer).get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_an_unknown_api_path_answers_json_404(caseworker_alingsas, settings):
    settings.DEBUG = False
    response = APIClient().get("/api/v1/finns-inte/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_lists_come_a_page_at_a_time_with_a_link_to_the_next(caseworker_alingsas, alingsas):
    from tests.conftest import make_person

    for index in range(5):
        make_person(alingsas, first_name=f"Sida{index}")
    client = _client(caseworker_alingsas)
    first = client.get("/api/v1/people/?limit=2").json()
    assert len(first["results"]) == 2 and "offset=2" in first["next"] and "limit=2" in first["next"]
    second = client.get(first["next"]).json()
    last = client.get("/api/v1/people/?limit=2&offset=4").json()
    codes = [p["code"] for page in (first, second, last) for p in page["results"]]
    assert len(codes) == len(set(codes)) == 5
    assert last["next"] is None
    assert len(client.get("/api/v1/people/").json()["results"]) == 5


def test_a_bad_page_size_is_a_clear_error(caseworker_alingsas):
    client = _client(caseworker_alingsas)
    for query in ("limit=0", "limit=501", "limit=tio", "offset=-1", "offset=20607068475377696668385280"):
        response = client.get(f"/api/v1/people/?{query}")
        assert response.status_code == 400, query
        error = response.json()["error"]
        assert error["code"] == "invalid" and "ska vara ett heltal" in error["message"], query


def test_a_nul_character_in_a_parameter_is_a_clear_error_not_a_server_error(caseworker_alingsas, person_alingsas):
    # PostgreSQL refuses NUL in text; the fuzzer found it through the search parameter.
    for query in ("q=%00", "q=Ann%00a", "limit=5&%00=1"):
        response = _client(caseworker_alingsas).get(f"/api/v1/people/?{query}")
        assert response.status_code == 400, query
        error = response.json()["error"]
        assert error["code"] == "bad_request" and "nolltecken" in error["message"], query

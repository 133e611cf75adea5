from django.test import Client

from tests.conftest import verified_client


def test_healthz_answers_when_the_database_does(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"  # the rest: tests/test_healthz.py


def test_the_accessibility_statement_is_public(db):
    response = Client().get("/tillganglighet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tillgänglighetsredogörelse" in html
    assert "2018:1937" in html and "Digg" in html


def test_pages_have_a_skip_link_landmarks_and_one_h1(caseworker_alingsas):
    html = verified_client(caseworker_alingsas).get("/").content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<nav" in html and "<main" in html and "<footer" in html
    assert html.count("<h1") == 1
    assert 'lang="sv"' in html


def test_the_start_page_shows_each_role_its_own_panel(
    caseworker_alingsas, forbund_officer, auditor_alingsas, system_admin, registrar_alingsas
):
    expectations = {
        caseworker_alingsas: "Registrera en person",
        forbund_officer: "Förbundet ser koder och avidentifierad statistik",
        auditor_alingsas: "Sök i loggen",
        system_admin: "Systemadministration",
        registrar_alingsas: "Socialnämndens beslutsregister",
    }
    for user, text in expectations.items():
        html = verified_client(user).get("/").content.decode()
        assert text in html, user.username


def test_responses_carry_a_strict_content_security_policy(db):
    response = Client().get("/konto/logga-in/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_static_assets_are_served_by_the_application(db):
    from django.contrib.staticfiles import finders

    assert finders.find("django_htmx/htmx-2.min.js")
    assert finders.find("core/insyn.css")


def test_the_organisation_page_shows_the_tree(forbund_officer):
    html = verified_client(forbund_officer).get("/organisationer/").content.decode()
    assert "Samordningsförbundet Insjöriket" in html and "ACTivera Alingsås" in html


def test_a_nul_character_in_a_search_is_a_clear_400_page_with_the_usual_headers(registrar_alingsas):
    response = verified_client(registrar_alingsas).get("/beslut/?q=Ann%00a")
    assert response.status_code == 400
    assert "nolltecken" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_a_nul_character_in_a_participant_code_is_a_400_not_a_server_error(caseworker_alingsas):
    response = verified_client(caseworker_alingsas).get("/deltagare/AL%00/")
    assert response.status_code == 400

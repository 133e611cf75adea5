"""No English on a page: no stray label of a hidden field ("Expected version"), and none of the
English that Django or a form prints when nobody gave it Swedish words, on the pages of the main
flows, filled in wrongly on purpose so that every kind of error message shows."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from apps.activera.models import Enrolment
from apps.activera.services import referral_accept
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import verified_client
from tests.decisions_helpers import decide

D = datetime.date

# What Django, a form or a template prints in English when no Swedish was given.
ENGLISH = re.compile(
    r"\b(Expected|version|This field|required|Enter a|Enter an|Select a|Ensure this|is not one of|"
    r"Constraint|is violated|already exists|with this|None|True|False|Please|Submit|Error|Invalid)\b"
)


def visible_text(page: str) -> str:
    """The text a person sees or hears: the page without markup, scripts and styles, plus the
    attributes a screen reader reads out."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    spoken = re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', page)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *spoken]))


def english_on(page: str) -> list[str]:
    text = visible_text(page)
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in ENGLISH.finditer(text)]


def _read(client: Client, url: str, data: dict | None = None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in {200, 400, 409}, (url, response.status_code)
    page = response.content.decode()
    if data is not None:  # filled in wrongly on purpose: the errors are on the page
        assert "Det finns fel i formuläret" in page, url
    return page


@pytest.fixture
def enrolment(activera, caseworker_alingsas) -> Enrolment:
    return referral_accept(
        actor=caseworker_alingsas,
        referral=refer(unit(), serial=61),
        start_date=timezone.localdate() - datetime.timedelta(weeks=7),
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=5),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )


def test_the_participant_page_has_no_expected_version_label(enrolment, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    page = _read(client, f"/deltagare/{enrolment.code}/start/") + _read(client, f"/deltagare/{enrolment.code}/avslut/")
    assert 'name="start-expected_version"' in page and 'name="exit-expected_version"' in page
    assert "Expected version" not in page and "Expected" not in page
    assert 'for="id_start-expected_version"' not in page  # no label at all for the hidden field


def test_the_decision_page_has_no_expected_version_label(alingsas, registrar_alingsas):
    decision = decide(alingsas, "ALI-2026-9", "Kontaktperson", D(2026, 1, 10))
    page = _read(verified_client(registrar_alingsas), f"/beslut/{decision.pk}/")
    assert 'name="expected_version"' in page
    assert "Expected version" not in page and "Expected" not in page
    assert 'for="id_expected_version"' not in page


def test_a_tampered_version_gets_a_swedish_message_and_no_english_label(enrolment, caseworker_alingsas):
    page = _read(
        verified_client(caseworker_alingsas),
        f"/deltagare/{enrolment.code}/start/",
        {"start-expected_version": "inte-ett-tal", "start-education_level": ""},
    )
    assert "ladda om den" in page
    assert english_on(page) == []


def test_the_caseworkers_pages_and_their_errors_are_in_swedish(enrolment, caseworker_alingsas, activera):
    client = verified_client(caseworker_alingsas)
    base = f"/deltagare/{enrolment.code}/"
    referral = refer(unit(), serial=62)
    pages = [
        _read(client, "/"),
        _read(client, "/deltagare/"),
        _read(client, "/deltagare/anmalningar/"),
        _read(client, "/deltagare/anmalningar/ny/"),
        _read(client, "/deltagare/anmalningar/ny/", {"gender": "x", "birth_year": "tjugo", "email": "inte-epost"}),
        _read(client, f"/deltagare/anmalningar/{referral.pk}/"),
        _read(client, f"/deltagare/anmalningar/{referral.pk}/", {"action": "accept"}),
        _read(
            client,
            f"/deltagare/anmalningar/{referral.pk}/",
            {"action": "accept", "start_date": "igår", "extent_percent": "hälften", "leader": "99999"},
        ),
        _read(client, f"/deltagare/anmalningar/{referral.pk}/", {"action": "accept", "extent_percent": "500"}),
        _read(client, f"/deltagare/anmalningar/{referral.pk}/", {"action": "decline", "outcome": "x"}),
        _read(client, base),
        _read(client, base + "aktivitet/", {"activity-date": "x", "activity-activity_type": "99999"}),
        _read(client, base + "matning/", {"measurement-kind": "x"}),
        _read(client, base + "mal/", {}),
        _read(client, base + "mote/", {"meeting-parties": ["Ingen"]}),
        _read(client, base + "ledare/", {"leader-leader": "99999"}),
        _read(client, base + "start/", {"start-expected_version": "0", "start-born_in": "x"}),
        _read(client, base + "avslut/", {"exit-expected_version": "-3", "exit-exit_reason": "x"}),
        _read(client, "/deltagare/vald/"),
        _read(client, "/personer/"),
        _read(client, "/personer/ny/"),
        _read(client, "/personer/ny/", {"identity_number": "", "first_name": "x" * 300}),
    ]
    for page in pages:
        assert english_on(page) == []


def test_the_registrars_pages_and_their_errors_are_in_swedish(alingsas, registrar_alingsas):
    decision = decide(alingsas, "ALI-2026-10", "Kontaktperson", D(2026, 1, 10))
    client = verified_client(registrar_alingsas)
    base = f"/beslut/{decision.pk}/"
    pages = [
        _read(client, "/"),
        _read(client, "/beslut/"),
        _read(client, "/beslut/ny/"),
        _read(client, "/beslut/ny/", {"decision_date": "x", "decision_type": "99999", "legal_basis": "y"}),
        _read(client, base),
        _read(client, base + "handelse/", {"kind": "x", "date": "y"}),
        _read(client, base + "erbjudande/", {"offered_on": "x"}),
        _read(client, base + "vantetid/", {"expected_version": "noll", "delay_reason": "x"}),
        _read(client, "/beslut/rapporter/"),
        _read(client, "/beslut/import/"),
    ]
    for page in pages:
        assert english_on(page) == []


def test_the_public_and_login_pages_and_their_errors_are_in_swedish(activera):
    client = Client()
    pages = [
        _read(client, "/anmalan/"),
        _read(client, "/anmalan/", {"programme_unit": "x", "birth_year": "abc", "email": "@"}),
        _read(client, "/konto/logga-in/"),
        _read(client, "/konto/logga-in/", {"username": "", "password": ""}),
        _read(client, "/tillganglighet/"),
    ]
    for page in pages:
        assert english_on(page) == []


def test_the_audit_page_and_its_errors_are_in_swedish(auditor_alingsas, enrolment, caseworker_alingsas):
    verified_client(caseworker_alingsas).get(f"/deltagare/{enrolment.code}/")
    client = verified_client(auditor_alingsas)
    searched = client.get("/logg/", {"date_from": "i går", "date_to": "x", "action": "inget"})
    assert searched.status_code == 200
    for page in [_read(client, "/logg/"), searched.content.decode()]:
        assert english_on(page) == []


def test_the_check_itself_finds_django_english():
    assert english_on("<p>This field is required.</p>")
    assert english_on('<label for="id_expected_version">Expected version</label>')
    assert not english_on("<p>Det här fältet är obligatoriskt.</p><script>var x = None;</script>")


@pytest.mark.django_db
def test_a_browser_asking_for_swedish_gets_djangos_messages_in_swedish_and_english_gets_english():
    # Django's own messages follow the page's language, never English inside a Swedish page.
    response = Client(HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9").post("/konto/logga-in/", {"username": "", "password": ""})
    assert response["Content-Language"] == "sv"
    assert "This field is required" not in response.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").post("/konto/logga-in/", {"username": "", "password": ""})
    assert english["Content-Language"] == "en"

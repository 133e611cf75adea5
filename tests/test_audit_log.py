import datetime
import re

import pytest

from apps.audit.models import AuditAction, AuditEvent, AuditLogIsAppendOnly
from apps.audit.services import audit_record
from tests.conftest import make_person, verified_client


def _event() -> AuditEvent:
    return audit_record(
        actor=None, action=AuditAction.PERSON_VIEW, person_code="ALI-7KQ3M9", municipality_slug="alingsas"
    )


def test_the_application_refuses_to_change_or_delete_a_row(db):
    event = _event()
    event.object_id = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="changed")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).object_id == ""


def test_rows_survive_deletion_of_the_user_they_describe(caseworker_alingsas, person_alingsas):
    client = verified_client(caseworker_alingsas)
    client.get(f"/personer/{person_alingsas.code}/")
    username = caseworker_alingsas.username
    caseworker_alingsas.delete()
    event = AuditEvent.objects.get(action=AuditAction.PERSON_VIEW)
    assert event.actor_username == username
    assert event.person_code == person_alingsas.code


def test_an_auditor_searches_the_log_of_the_own_municipality_only(
    auditor_alingsas, caseworker_alingsas, caseworker_lerum, alingsas, lerum
):
    mine, theirs = make_person(alingsas), make_person(lerum)
    verified_client(caseworker_alingsas).get(f"/personer/{mine.code}/")
    verified_client(caseworker_lerum).get(f"/personer/{theirs.code}/")
    client = verified_client(auditor_alingsas)
    html = client.get("/logg/").content.decode()
    assert mine.code in html and theirs.code not in html
    by_code = client.get("/logg/", {"person_code": mine.code.lower()}).content.decode()
    assert "1 händelse" in by_code or "2 händelser" in by_code
    by_user = client.get("/logg/", {"username": caseworker_alingsas.username, "action": "person.view"}).content.decode()
    assert mine.code in by_user
    empty = client.get("/logg/", {"username": caseworker_lerum.username}).content.decode()
    assert theirs.code not in empty
    today = datetime.date.today().isoformat()
    dated = client.get("/logg/", {"date_from": today, "date_to": today, "action": "person.view"}).content.decode()
    assert mine.code in dated
    assert (
        AuditEvent.objects.filter(action=AuditAction.AUDIT_VIEW, actor_username=auditor_alingsas.username).count() == 5
    )


def test_a_list_event_is_found_by_any_code_it_showed(auditor_alingsas, caseworker_alingsas, alingsas):
    people = [make_person(alingsas, first_name=f"P{i}") for i in range(3)]
    verified_client(caseworker_alingsas).get("/personer/")
    html = verified_client(auditor_alingsas).get("/logg/", {"person_code": people[1].code}).content.decode()
    assert "Personlista visad" in html


def test_bad_search_dates_get_a_swedish_error(auditor_alingsas):
    html = verified_client(auditor_alingsas).get("/logg/", {"date_from": "2026-13-01"}).content.decode()
    assert "Ange datum som ÅÅÅÅ-MM-DD" in html
    html = (
        verified_client(auditor_alingsas)
        .get("/logg/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
        .content.decode()
    )
    assert "Slutdatumet kan inte ligga före startdatumet" in html


def test_a_caseworker_cannot_read_the_log(caseworker_alingsas):
    assert verified_client(caseworker_alingsas).get("/logg/").status_code == 403


def test_a_forbund_system_admin_sees_events_without_municipality(system_admin, forbund_officer):
    from django.test import Client

    Client().post("/konto/logga-in/", {"username": forbund_officer.username, "password": "fel"})
    html = verified_client(system_admin).get("/logg/", {"action": "login.failure"}).content.decode()
    assert forbund_officer.username in html


def test_the_log_page_uses_a_fixed_number_of_queries(auditor_alingsas, caseworker_alingsas, alingsas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = make_person(alingsas)
    worker = verified_client(caseworker_alingsas)
    worker.get(f"/personer/{person.code}/")
    client = verified_client(auditor_alingsas)
    client.get("/logg/")
    with CaptureQueriesContext(connection) as few:
        client.get("/logg/")
    for _ in range(15):
        worker.get(f"/personer/{person.code}/")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/logg/")
    assert response.status_code == 200
    assert len(many) == len(few)


def test_the_next_page_link_keeps_the_search_and_holds_one_page_number(auditor_alingsas, monkeypatch):
    from apps.home import oversight_views

    monkeypatch.setattr(oversight_views, "PAGE_SIZE", 2)
    for _ in range(5):
        _event()
    client = verified_client(auditor_alingsas)
    first = client.get("/logg/", {"action": "person.view"}).content.decode()
    assert 'href="?action=person.view&amp;sida=2"' in first
    second = client.get("/logg/", {"action": "person.view", "sida": "2"}).content.decode()
    assert 'href="?action=person.view&amp;sida=3"' in second
    # Only links count: the header's language switch carries the current address back.
    assert len(re.findall(r'href="[^"]*sida=', second)) == 1
    last = client.get("/logg/", {"action": "person.view", "sida": "3"}).content.decode()
    assert not re.findall(r'href="[^"]*sida=', last)

import datetime
import io
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.people import services as people_services
from apps.people.models import Person
from apps.people.selectors import identity_number_of
from apps.people.services import person_create
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.identity_numbers import LegalSex, fictional_number
from lib.pseudonyms import is_valid_code
from tests.conftest import make_person, verified_client

NUMBER = fictional_number(datetime.date(1979, 4, 2), serial=61, legal_sex=LegalSex.MALE)


def test_a_caseworker_registers_a_person_who_gets_a_code(caseworker_alingsas, alingsas):
    client = verified_client(caseworker_alingsas)
    response = client.post(
        "/personer/ny/",
        {"municipality": alingsas.pk, "identity_number": NUMBER, "first_name": "Per", "last_name": "Persson"},
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert response["Location"] == f"/personer/{person.code}/"
    assert is_valid_code(person.code) and person.code.startswith("ALI-")
    assert person.birth_year == 1979 and person.legal_sex == "male"
    assert identity_number_of(person) == NUMBER
    assert AuditEvent.objects.filter(
        action=AuditAction.PERSON_CREATE,
        person_code=person.code,
        actor_username=caseworker_alingsas.username,
        municipality_slug="alingsas",
    ).exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Ange personnummer"),
        ("7904021234", "Tio siffror utan bindestreck"),
        ("19790402123", "fel längd"),
        ("19790231-1234", "Datumet i numret finns inte"),
        (NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10), "Kontrollsiffran stämmer inte"),
    ],
)
def test_the_form_names_the_field_and_the_rule_and_saves_nothing(caseworker_alingsas, alingsas, raw, message):
    client = verified_client(caseworker_alingsas)
    response = client.post(
        "/personer/ny/",
        {"municipality": alingsas.pk, "identity_number": raw, "first_name": "Per", "last_name": "Persson"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert 'href="#id_identity_number"' in html
    assert message in html
    assert 'value="Per"' in html  # nothing the user typed is lost
    assert not Person.objects.exists()


def test_a_number_already_registered_in_the_municipality_is_refused(alingsas):
    first = person_create(actor=None, municipality=alingsas, identity_number=NUMBER, first_name="A", last_name="B")
    with pytest.raises(Conflict) as info:
        person_create(
            actor=None,
            municipality=alingsas,
            identity_number=f"{NUMBER[2:8]}-{NUMBER[8:]}",
            first_name="A",
            last_name="B",
        )
    assert first.code in info.value.message


def test_the_same_person_in_two_municipalities_is_two_unrelated_records(alingsas, lerum):
    a = person_create(actor=None, municipality=alingsas, identity_number=NUMBER, first_name="A", last_name="B")
    b = person_create(actor=None, municipality=lerum, identity_number=NUMBER, first_name="A", last_name="B")
    assert a.code != b.code
    assert a.identity_number_hash != b.identity_number_hash
    assert a.identity_number_encrypted != b.identity_number_encrypted
    assert b.code.startswith("LER-")


def test_a_caseworker_cannot_register_in_another_municipality(caseworker_alingsas, lerum):
    with pytest.raises(NotPermitted):
        person_create(
            actor=caseworker_alingsas, municipality=lerum, identity_number=NUMBER, first_name="A", last_name="B"
        )


def test_a_name_is_required(alingsas):
    with pytest.raises(ValidationFailed) as info:
        person_create(actor=None, municipality=alingsas, identity_number=NUMBER, first_name=" ", last_name="")
    assert set(info.value.fields) == {"first_name", "last_name"}


def test_a_code_collision_is_retried_with_a_new_code(alingsas, monkeypatch):
    taken = make_person(alingsas)
    codes = iter([taken.code, "ALI-7KQ3M9"])
    monkeypatch.setattr(people_services, "generate_code", lambda prefix: next(codes))
    person = person_create(actor=None, municipality=alingsas, identity_number=NUMBER, first_name="A", last_name="B")
    assert person.code == "ALI-7KQ3M9"


def _all_database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_the_plain_number_is_nowhere_in_the_database(insjoriket, caseworker_alingsas, alingsas):
    client = verified_client(caseworker_alingsas)
    client.post(
        "/personer/ny/", {"municipality": alingsas.pk, "identity_number": NUMBER, "first_name": "P", "last_name": "Q"}
    )
    person = Person.objects.get()
    client.get(f"/personer/{person.code}/")
    client.get(f"/personer/?q={NUMBER}")
    text = _all_database_text()
    assert person.code in text  # the scan does see the data
    for form in (NUMBER, NUMBER[2:], f"{NUMBER[:8]}-{NUMBER[8:]}", f"{NUMBER[2:8]}-{NUMBER[8:]}"):
        assert form not in text


@pytest.mark.django_db(transaction=True)
def test_the_plain_number_is_nowhere_in_the_sqlite_file(insjoriket, alingsas, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("This test reads the SQLite database file; on PostgreSQL the table scan above covers it.")
    person_create(actor=None, municipality=alingsas, identity_number=NUMBER, first_name="P", last_name="Q")
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "copy.sqlite3")
    connection.connection.backup(target)
    target.close()
    data = (tmp_path / "copy.sqlite3").read_bytes()
    assert b"Q" in data
    assert NUMBER.encode() not in data and NUMBER[2:].encode() not in data


def test_the_person_page_shows_the_number_and_logs_the_view(caseworker_alingsas, person_alingsas):
    client = verified_client(caseworker_alingsas)
    response = client.get(f"/personer/{person_alingsas.code}/")
    assert response.status_code == 200
    number = identity_number_of(person_alingsas)
    assert f"{number[:8]}-{number[8:]}" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=AuditAction.PERSON_VIEW)
    assert event.person_code == person_alingsas.code
    assert event.actor_username == caseworker_alingsas.username


def test_the_person_list_logs_who_was_shown_and_uses_a_fixed_number_of_queries(caseworker_alingsas, alingsas):
    for index in range(3):
        make_person(alingsas, first_name=f"P{index}")
    client = verified_client(caseworker_alingsas)
    client.get("/personer/")
    with CaptureQueriesContext(connection) as few:
        client.get("/personer/")
    for index in range(20):
        make_person(alingsas, first_name=f"Q{index}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/personer/")
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 16
    event = AuditEvent.objects.filter(action=AuditAction.PERSON_LIST).first()
    assert event is not None and len(event.details["codes"]) == 23


def test_search_by_number_code_and_name(caseworker_alingsas, alingsas):
    person = person_create(
        actor=None, municipality=alingsas, identity_number=NUMBER, first_name="Greta", last_name="Grön"
    )
    make_person(alingsas, first_name="Annan", last_name="Person")
    client = verified_client(caseworker_alingsas)
    for query in (NUMBER, f"{NUMBER[2:8]}-{NUMBER[8:]}", person.code.lower(), "greta grön"):
        html = client.get("/personer/", {"q": query}).content.decode()
        assert person.code in html, query
        assert "Annan" not in html, query
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_SEARCH).count() == 4


def test_the_export_runs_as_a_job_and_gives_a_real_xlsx_with_the_municipality_only_logged(
    manager_alingsas, person_alingsas, person_lerum
):
    client = verified_client(manager_alingsas)
    started = client.post("/personer/export/")
    assert started.status_code == 302
    job_page = client.get(started["Location"])
    html = job_page.content.decode()
    assert "Filen innehåller 1 person." in html
    assert "Hämta personregistret (Excel, XLSX)" in html
    assert "tas bort" in html
    job_id = int(started["Location"].rstrip("/").rsplit("/", 1)[1])
    response = client.get(f"/jobb/{job_id}/fil/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('personregister.xlsx"')
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kod", "Kommun")
    codes = [row[0] for row in rows[1:]]
    assert codes == [person_alingsas.code]
    assert rows[1][4] == identity_number_of(person_alingsas)
    event = AuditEvent.objects.get(action=AuditAction.PERSON_EXPORT)
    assert event.details["codes"] == [person_alingsas.code]
    assert event.municipality_slug == "alingsas"
    download = AuditEvent.objects.get(action=AuditAction.JOB_DOWNLOAD)
    assert (download.actor_id, download.municipality_slug, download.details["rows"]) == (
        manager_alingsas.pk,
        "alingsas",
        1,
    )


def test_a_get_on_the_export_starts_nothing(manager_alingsas):
    from apps.jobs.models import Job

    assert verified_client(manager_alingsas).get("/personer/export/").status_code == 302
    assert not Job.objects.exists()


def test_the_export_file_is_deleted_after_its_hours_and_says_so(manager_alingsas, person_alingsas, settings):
    import datetime

    from django.utils import timezone

    from apps.jobs import storage
    from apps.jobs.models import Job
    from apps.jobs.services import job_files_purge

    client = verified_client(manager_alingsas)
    client.post("/personer/export/")
    job = Job.objects.get()
    path = storage.result_file_path(job.pk, job.result["file"])
    assert path is not None and path.exists()
    assert job_files_purge(now=timezone.now() + datetime.timedelta(hours=settings.INSYN_JOB_FILE_HOURS - 1)) == 0
    assert job_files_purge(now=timezone.now() + datetime.timedelta(hours=settings.INSYN_JOB_FILE_HOURS + 1)) == 1
    assert not path.exists()
    gone = client.get(f"/jobb/{job.pk}/fil/")
    assert gone.status_code == 410
    assert "har tagits bort eftersom den innehöll personuppgifter" in gone.content.decode()
    assert "Starta exporten igen" in client.get(f"/jobb/{job.pk}/").content.decode()


def test_an_export_whose_grant_ended_before_the_worker_ran_makes_no_file(manager_alingsas, person_alingsas):
    from apps.accounts.models import RoleGrant
    from apps.jobs.models import Job, JobKind, JobState
    from apps.jobs.services import job_run

    job = Job.objects.create(kind=JobKind.PEOPLE_EXPORT, started_by=manager_alingsas)
    RoleGrant.objects.filter(user=manager_alingsas).delete()
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Du har inte längre behörighet att exportera personregistret."
    assert "file" not in job.result
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_EXPORT).exists()


def test_a_caseworker_may_not_export(caseworker_alingsas):
    assert verified_client(caseworker_alingsas).post("/personer/export/").status_code == 403


def test_keys_rotate_re_encrypts_under_the_new_key(alingsas, settings):
    from lib.crypto import Keyring, new_key

    person = make_person(alingsas)
    number = identity_number_of(person)
    old = settings.INSYN_KEYRING
    settings.INSYN_KEYRING = Keyring(
        keys={**old.keys, "k-new": new_key()}, active_key_id="k-new", lookup_key=old.lookup_key
    )
    assert identity_number_of(person) == number  # still readable under the old key meanwhile
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    assert "1 personnummer" in out.getvalue()
    person.refresh_from_db()
    assert person.key_id == "k-new" and person.identity_number_encrypted.startswith("v1:k-new:")
    settings.INSYN_KEYRING = Keyring(
        keys={"k-new": settings.INSYN_KEYRING.keys["k-new"]}, active_key_id="k-new", lookup_key=old.lookup_key
    )
    assert identity_number_of(person) == number  # readable with the old key gone
    assert AuditEvent.objects.filter(action=AuditAction.KEYS_ROTATE).exists()

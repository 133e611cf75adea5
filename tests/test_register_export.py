"""The register of favourable decisions taken out as an XLSX file by a background job: every
decision of the chosen municipality with its person and whole history, audited, and the file
fetched only by the user who started it."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.register_export import EXPORT_HEADER
from apps.jobs.models import Job, JobKind, JobState
from apps.people.selectors import identity_number_of
from tests.conftest import verified_client
from tests.decisions_helpers import decide, event

D = datetime.date


def _export(client, municipality) -> Job:
    response = client.post("/beslut/export/", {"municipality": municipality.pk})
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(kind=JobKind.DECISIONS_EXPORT)
    assert response["Location"] == f"/jobb/{job.pk}/"
    return job


def test_the_export_holds_every_decision_of_the_municipality_with_its_history(registrar_alingsas, alingsas, lerum):
    interrupted = decide(alingsas, "2026.10 SN", "Boendestöd", D(2026, 1, 5))
    event(interrupted, "executed", D(2026, 2, 1))
    event(interrupted, "interrupted", D(2026, 3, 1))
    event(interrupted, "resumed", D(2026, 4, 1))
    event(interrupted, "interrupted", D(2026, 5, 1))
    ended = decide(alingsas, "2026.11 SN", "Kontaktfamilj", D(2026, 2, 5))
    event(ended, "ended", D(2026, 6, 1), end_reason="moved")
    decide(lerum, "L-1", "Boendestöd", D(2026, 1, 5))
    client = verified_client(registrar_alingsas)
    job = _export(client, alingsas)
    assert job.state == JobState.DONE and job.result["rows"] == 2
    html = client.get(f"/jobb/{job.pk}/").content.decode()
    assert "Filen innehåller 2 beslut." in html and "Hämta beslutsregistret (Excel, XLSX)" in html

    response = client.get(f"/jobb/{job.pk}/fil/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('beslutsregister-alingsas.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Beslut Alingsås kommun"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADER
    by_reference = {row[0]: dict(zip(EXPORT_HEADER, row, strict=True)) for row in rows[1:]}
    assert sorted(by_reference) == ["2026.10 SN", "2026.11 SN"]
    first = by_reference["2026.10 SN"]
    assert first["Personnummer"] == identity_number_of(interrupted.person)
    assert first["Personkod"] == interrupted.person.code
    assert (first["Beslutsdatum"], first["Typ av beslut"]) == ("2026-01-05", "Boendestöd")
    assert first["Lagrum"] == interrupted.legal_basis.label
    assert (first["Första verkställighet"], first["Senaste avbrott"], first["Senast återupptaget"]) == (
        "2026-02-01",
        "2026-05-01",
        "2026-04-01",
    )
    assert first["Händelser"] == (
        "verkställt 2026-02-01; avbrott 2026-03-01; återupptaget 2026-04-01; avbrott 2026-05-01"
    )
    assert first["Avslutat"] is None and first["Skyddad identitet"] == "Nej"
    second = by_reference["2026.11 SN"]
    assert (second["Avslutat"], second["Avslutsorsak"]) == ("2026-06-01", "Flyttat")

    export = AuditEvent.objects.get(action=AuditAction.DECISION_EXPORT)
    assert export.municipality_slug == "alingsas" and export.object_id == "2 beslut"
    assert export.details["codes"] == sorted({interrupted.person.code, ended.person.code})
    assert AuditEvent.objects.filter(action=AuditAction.JOB_DOWNLOAD, municipality_slug="alingsas").count() == 1


def test_another_municipality_cannot_be_chosen_and_nothing_starts(registrar_alingsas, lerum):
    response = verified_client(registrar_alingsas).post("/beslut/export/", {"municipality": lerum.pk})
    assert response.status_code == 200
    assert "Välj en av dina kommuner." in response.content.decode()
    assert not Job.objects.exists()


def test_another_users_export_is_404_and_an_anonymous_user_is_sent_to_log_in(
    registrar_alingsas, registrar_lerum_factory, alingsas, client
):
    decide(alingsas, "2026.12 SN", "Boendestöd", D(2026, 1, 5))
    job = _export(verified_client(registrar_alingsas), alingsas)
    other = verified_client(registrar_lerum_factory())
    for url in (f"/jobb/{job.pk}/", f"/jobb/{job.pk}/fil/"):
        assert other.get(url).status_code == 404, url
    for url in ("/beslut/export/", f"/jobb/{job.pk}/fil/"):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logga-in/" in response["Location"], url
    assert not AuditEvent.objects.filter(action=AuditAction.JOB_DOWNLOAD).exists()


def test_a_caseworker_without_the_register_gets_403(caseworker_alingsas):
    assert verified_client(caseworker_alingsas).get("/beslut/export/").status_code == 403


def test_the_export_page_says_what_the_file_holds(registrar_alingsas):
    html = verified_client(registrar_alingsas).get("/beslut/export/").content.decode()
    assert "Personnummer" in html and "Händelser" in html
    assert "tas bort från Insyn 24 timmar efter" in html


def test_the_purge_command_deletes_expired_files_and_says_how_many(registrar_alingsas, alingsas, settings):
    from django.core.management import call_command

    from apps.jobs import storage

    decide(alingsas, "2026.13 SN", "Boendestöd", D(2026, 1, 5))
    job = _export(verified_client(registrar_alingsas), alingsas)
    path = storage.result_file_path(job.pk, job.result["file"])
    assert path is not None
    out = io.StringIO()
    call_command("jobs", "purge", stdout=out)
    assert out.getvalue().strip() == "0 filer togs bort." and path.exists()
    settings.INSYN_JOB_FILE_HOURS = 0
    call_command("jobs", "purge", stdout=out)
    assert "1 filer togs bort." in out.getvalue() and not path.exists()
    job.refresh_from_db()
    assert job.result["file"] == "" and job.result["rows"] == 1

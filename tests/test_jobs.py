"""Long work runs as a job: the request that starts it answers at once, the job page and the API
show its progress and how it ended, only to the user who started it. These tests run the jobs
inside the request (the immediate backend); tests/test_jobs_workers.py runs them on real workers."""

import datetime

import pytest
from django.core import mail
from django.db import OperationalError
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.models import Decision
from apps.jobs import registry, services, storage
from apps.jobs.mail import mail_send
from apps.jobs.models import Job, JobKind, JobState
from apps.jobs.selectors import job_queue_counts
from apps.jobs.services import job_start
from tests.conftest import make_user, verified_client
from tests.test_decision_import import GOOD, PNR_A, _csv


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def _post_import(client: APIClient, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/decisions/import/",
        {"municipality": "alingsas", "file": SimpleUploadedFile("register.csv", data)},
        format="multipart",
    )


def test_the_api_import_answers_202_with_the_job_that_the_starter_can_follow(registrar_alingsas):
    client = _api(registrar_alingsas)
    response = _post_import(client, GOOD)
    assert response.status_code == 202
    url = response.json()["job"]
    assert url.startswith("http://testserver/api/v1/jobs/") and response["Location"] == url
    body = client.get(url).json()
    assert body["state"] == "done" and body["progress"] == 100 and body["error"] is None
    assert sorted(body["result"]["created"]) == ["2022.150 SN", "2022.210 SN", "2022.301 SN"]
    assert Decision.objects.count() == 3


def test_anyone_but_the_starter_gets_404_on_the_job_and_no_key_gets_401(registrar_alingsas, caseworker_lerum):
    url = _post_import(_api(registrar_alingsas), GOOD).json()["job"]
    colleague = make_user("rut.kollega", "decisions_registrar", "alingsas-socialnamnd")
    assert _api(colleague).get(url).status_code == 404
    assert _api(caseworker_lerum).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


def test_a_refused_import_fails_the_job_with_every_problem_and_keeps_nothing(registrar_alingsas):
    client = _api(registrar_alingsas)
    bad = _csv(
        f"A-1;{PNR_A};2022-02-30;Kontaktfamilj;4 kap. 1 § SoL;;;;;;",
        f"A-2;{PNR_A};2022-03-01;Kontaktfamilj;nope;;;;;;",
    )
    body = client.get(_post_import(client, bad).json()["job"]).json()
    assert body["state"] == "failed" and body["error"] == "Inget importerades: 2 fel."
    problems = body["result"]["fields"]["file"]
    assert any(p.startswith("Rad 2, kolumn beslutsdatum") for p in problems)
    assert any(p.startswith("Rad 3, kolumn lagrum") for p in problems)
    assert not Decision.objects.exists()
    job = Job.objects.get()
    assert job.attempts == 1, "a refusal of the input is the job's result, not tried again"
    actions = list(AuditEvent.objects.filter(object_type="job").values_list("action", flat=True))
    assert AuditAction.JOB_START in actions and AuditAction.JOB_FAIL in actions
    assert storage.upload_path(job.pk) is None, "the stored upload is deleted when the job ends"


def test_the_import_page_redirects_to_the_job_page_which_shows_the_outcome(registrar_alingsas, alingsas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = verified_client(registrar_alingsas)
    response = client.post("/beslut/import/", {"municipality": alingsas.pk, "file": SimpleUploadedFile("r.csv", GOOD)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobb/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "3 beslut lades till" in html
    assert '<progress id="job-progress" max="100" value="100">' in html
    assert "hx-trigger" not in html, "a finished job's page stops polling"
    assert AuditEvent.objects.filter(action=AuditAction.JOB_FINISH, object_id=str(job.pk)).exists()


def test_a_running_job_page_polls_every_second_and_shows_its_progress(registrar_alingsas, alingsas):
    job = Job.objects.create(
        kind=JobKind.DECISIONS_IMPORT, started_by=registrar_alingsas, organisation=alingsas, state=JobState.RUNNING
    )
    Job.objects.filter(pk=job.pk).update(progress=42)
    client = verified_client(registrar_alingsas)
    html = client.get(f"/jobb/{job.pk}/").content.decode()
    assert f'hx-get="/jobb/{job.pk}/status/" hx-trigger="every 1s"' in html
    assert 'value="42"' in html and "Pågår" in html
    fragment = client.get(f"/jobb/{job.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="job-status"') and "<html" not in fragment


def test_outsiders_get_404_on_the_job_page_its_status_and_its_file(registrar_alingsas, caseworker_lerum, alingsas):
    job = Job.objects.create(
        kind=JobKind.DECISIONS_IMPORT, started_by=registrar_alingsas, organisation=alingsas, state=JobState.DONE
    )
    stored, path = storage.result_path(job.pk, "rapport.csv")
    path.write_bytes(b"a;b\n")
    Job.objects.filter(pk=job.pk).update(result={"file": stored, "filename": "rapport.csv"})
    outsider = verified_client(caseworker_lerum)
    for url in (f"/jobb/{job.pk}/", f"/jobb/{job.pk}/status/", f"/jobb/{job.pk}/fil/"):
        assert outsider.get(url).status_code == 404
    download = verified_client(registrar_alingsas).get(f"/jobb/{job.pk}/fil/")
    assert download.status_code == 200 and download.content == b"a;b\n"
    assert 'filename="rapport.csv"' in download["Content-Disposition"]


def test_a_database_failure_is_tried_again_with_a_pause_and_then_succeeds(registrar_alingsas, monkeypatch):
    calls = []

    def flaky(job_input):
        calls.append(job_input.job.attempts)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return {"ok": True}

    monkeypatch.setitem(registry._HANDLERS, JobKind.IVO_REMIND, flaky)
    pauses = []
    monkeypatch.setattr(services.time, "sleep", pauses.append)
    job = job_start(actor=registrar_alingsas, kind=JobKind.IVO_REMIND, arguments={"date": "2026-10-20"})
    assert job.state == JobState.DONE and job.result == {"ok": True} and job.attempts == 3
    assert calls == [1, 2, 3] and pauses == [1.0, 2.0]


def test_a_job_that_keeps_failing_ends_with_a_swedish_message_and_no_raw_text(registrar_alingsas, monkeypatch):
    def broken(job_input):
        raise OperationalError("FATAL: terminating connection due to administrator command")

    monkeypatch.setitem(registry._HANDLERS, JobKind.IVO_REMIND, broken)
    monkeypatch.setattr(services.time, "sleep", lambda _s: None)
    job = job_start(actor=registrar_alingsas, kind=JobKind.IVO_REMIND, arguments={"date": "2026-10-20"})
    assert job.state == JobState.FAILED and job.attempts == 3
    assert job.error == services.FAILED_TRANSIENT and "FATAL" not in job.error
    body = _api(registrar_alingsas).get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["state"] == "failed" and body["error"].startswith("Jobbet kunde inte slutföras")


def test_an_unexpected_error_fails_the_job_without_retrying(registrar_alingsas, monkeypatch):
    def buggy(job_input):
        raise KeyError("internal detail")

    monkeypatch.setitem(registry._HANDLERS, JobKind.IVO_REMIND, buggy)
    job = job_start(actor=registrar_alingsas, kind=JobKind.IVO_REMIND, arguments={"date": "2026-10-20"})
    assert job.state == JobState.FAILED and job.attempts == 1 and "internal" not in job.error


def test_a_job_delivered_twice_runs_once(registrar_alingsas, monkeypatch):
    runs = []
    monkeypatch.setitem(registry._HANDLERS, JobKind.IVO_REMIND, lambda job_input: runs.append(1) or {})
    job = job_start(actor=registrar_alingsas, kind=JobKind.IVO_REMIND, arguments={"date": "2026-10-20"})
    services.job_run(job.pk)
    assert runs == [1]


def test_the_queue_counts_name_waiting_running_and_failed_jobs(registrar_alingsas):
    for state in ("queued", "queued", "running", "failed", "done"):
        Job.objects.create(kind=JobKind.MAIL_SEND, started_by=registrar_alingsas, state=state, error="x")
    assert job_queue_counts() == {"queued": 2, "running": 1, "failed": 1}


def test_a_mail_is_sent_by_a_job_and_audited_without_its_addresses(db):
    job = mail_send(recipients=["a@example.se"], subject="Insyn: test", body="Hej")
    assert job.state == JobState.DONE and job.result == {"sent": 1}
    assert [m.subject for m in mail.outbox] == ["Insyn: test"] and mail.outbox[0].to == ["a@example.se"]
    job.refresh_from_db()
    assert job.arguments == {"subject": "Insyn: test", "recipients": 1}, "the text and addresses are not kept"
    audit = AuditEvent.objects.get(action=AuditAction.MAIL_SEND)
    assert "a@example.se" not in str(audit.details)


def test_a_mail_server_that_does_not_answer_is_tried_again_then_the_job_fails(db, settings, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    monkeypatch.setattr(services.time, "sleep", lambda _s: None)
    job = mail_send(recipients=["a@example.se"], subject="Insyn: test", body="Hej")
    assert job.state == JobState.FAILED and job.attempts == settings.INSYN_JOB_MAX_ATTEMPTS
    assert not AuditEvent.objects.filter(action=AuditAction.MAIL_SEND).exists()
    job.refresh_from_db()
    assert "body" not in job.arguments and "recipients" in job.arguments


def test_the_mail_job_hands_the_message_to_a_real_smtp_server(db, settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received = []

    class Collect(Sink):
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        job = mail_send(recipients=["b@example.se"], subject="Insyn: påminnelse", body="Hej")
    finally:
        controller.stop()
    assert job.state == JobState.DONE
    assert received and received[0][0] == ["b@example.se"]


def test_the_ivo_reminders_run_as_a_job_each_mail_its_own_job(registrar_alingsas):
    from django.core.management import call_command

    registrar_alingsas.email = "rut@example.se"
    registrar_alingsas.save()
    import io

    out = io.StringIO()
    call_command("ivo", "remind", "--date", "2026-10-20", stdout=out)
    assert "påminnelser skickade" in out.getvalue()
    kinds = list(Job.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[0] == JobKind.IVO_REMIND and set(kinds[1:]) <= {JobKind.MAIL_SEND}
    assert len(kinds) - 1 == len(mail.outbox)


@pytest.mark.parametrize("value", ["celery", "Database", ""])
def test_an_unknown_job_backend_stops_the_start(value, monkeypatch):
    import subprocess
    import sys

    env = {"INSYN_JOB_BACKEND": value, "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='insyn.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if value == "":
        assert run.returncode == 0, run.stderr  # unset: the database backend
    else:
        assert run.returncode != 0 and "INSYN_JOB_BACKEND must be one of" in run.stderr


def test_the_retry_pause_grows_and_is_capped():
    assert [services.retry_pause(n) for n in (1, 2, 3, 6, 10)] == [1.0, 2.0, 4.0, 30.0, 30.0]


def test_dates_on_the_job_are_timezone_aware(registrar_alingsas, monkeypatch):
    monkeypatch.setitem(registry._HANDLERS, JobKind.IVO_REMIND, lambda job_input: {})
    job = job_start(actor=registrar_alingsas, kind=JobKind.IVO_REMIND, arguments={"date": "2026-10-20"})
    assert job.finished_at is not None and job.finished_at.tzinfo is not None
    assert job.started_at <= job.finished_at <= datetime.datetime.now(datetime.UTC)


def test_the_participant_import_api_answers_202_and_the_job_imports_or_lists_every_problem(
    activera, caseworker_alingsas, caseworker_lerum
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.activera.models import Referral
    from tests.test_participant_import import _csv as participants_csv

    # Referrals only: enrolling through a user's import needs a leader (the rule of referral_accept).
    PARTICIPANTS = participants_csv(
        ";;;annat;alingsas;region;2026-02-01;mottagen;;;;;1975", ";;;man;lerum;region;2026-02-03;avbojd;;;;;1980"
    )

    client = _api(caseworker_alingsas)

    def post(data: bytes, municipality: str = "alingsas"):
        return client.post(
            "/api/v1/participants/import/",
            {"municipality": municipality, "file": SimpleUploadedFile("deltagare.csv", data)},
            format="multipart",
        )

    response = post(PARTICIPANTS)
    assert response.status_code == 202
    body = client.get(response.json()["job"]).json()
    assert body["state"] == "done", body
    assert body["result"]["referrals"] == 2 and body["result"]["enrolments"] == 0
    bad = participants_csv(";;;annat;alingsas;region;2026-02-01;mottagen;;;;;")
    failed = client.get(post(bad).json()["job"]).json()
    assert failed["state"] == "failed" and failed["result"]["fields"]["file"][0].startswith("Rad 2, kolumn fodelsear")
    assert Referral.objects.count() == 2
    refused = post(PARTICIPANTS, municipality="lerum")
    assert refused.status_code == 400 and refused.json()["error"]["fields"]["municipality"]
    assert _api(caseworker_lerum).get(response.json()["job"]).status_code == 404


def test_a_jobs_audit_rows_carry_the_id_of_the_request_that_started_it(registrar_alingsas):
    import io

    from apps.audit.context import AuditContext
    from apps.organisations.models import Organisation

    job = job_start(
        actor=registrar_alingsas,
        kind=JobKind.DECISIONS_IMPORT,
        organisation=Organisation.objects.get(slug="alingsas"),
        arguments={"filename": "register.csv"},
        upload=io.BytesIO(GOOD),
        context=AuditContext(channel="api", request_id="req-4711-abcdef"),
    )
    assert job.state == JobState.DONE and job.request_id == "req-4711-abcdef"
    rows = AuditEvent.objects.filter(action__in=[AuditAction.JOB_START, AuditAction.JOB_FINISH])
    assert {row.request_id for row in rows} == {"req-4711-abcdef"}
    # The import's own rows, written by the worker, carry it too.
    assert set(AuditEvent.objects.filter(action=AuditAction.DECISION_IMPORT).values_list("request_id", flat=True)) == {
        "req-4711-abcdef"
    }

"""Jobs on real workers: the API import under gunicorn answers 202 at once and a `db_worker`
process runs it to the end (every row or none); the RQ backend runs the same job from the real
Redis at 127.0.0.1:6379; a worker killed mid-import leaves nothing, and the job re-run succeeds."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from bench.import_as_job import _count, _env, _insyn, run
from bench.import_bench import write_register
from tests.test_crash_consistency import scratch  # noqa: F401 - the fixture is used by name

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/9"


def test_the_api_import_answers_at_once_and_a_database_worker_imports_every_row(scratch, tmp_path):  # noqa: F811
    database_url, _query, _writing = scratch
    # On PostgreSQL enough rows for the job to run for some seconds, to see its bar move.
    rows = 30000 if database_url.startswith("postgres") else 4000
    figures = run(database_url=database_url, var_dir=tmp_path / "var", rows=rows, timeout=900)
    assert figures["state"] == "done", figures
    assert figures["stored"] == rows and figures["result_created"] == rows
    assert figures["answer_202_seconds"] < 5
    states = [state for _t, state, _p in figures["progress_updates"]]
    assert states[-1] == "done"
    if database_url.startswith("postgres"):
        # On PostgreSQL the bar moves while the import's transaction is still open, and every poll answers.
        assert figures["poll_errors"] == 0
        assert any(0 < progress < 100 for _t, _s, progress in figures["progress_updates"]), figures


def test_a_refused_file_on_a_real_worker_fails_the_job_and_stores_nothing(scratch, tmp_path):  # noqa: F811
    database_url, _query, _writing = scratch
    register = tmp_path / "bad.csv"
    write_register(register, 3000, seed=3)
    lines = register.read_text(encoding="utf-8").splitlines()
    fields = lines[2500].split(";")
    fields[2] = "2022-13-45"
    lines[2500] = ";".join(fields)
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = run(database_url=database_url, var_dir=tmp_path / "var", rows=3000, register=register, timeout=900)
    assert figures["state"] == "failed" and figures["error"] == "Inget importerades: 1 fel."
    assert figures["stored"] == 0


def test_a_worker_killed_mid_import_leaves_nothing_and_the_requeued_job_imports_it_all(scratch, tmp_path):  # noqa: F811
    database_url, _query, writing = scratch
    var_dir = tmp_path / "var"
    env = _env(database_url, var_dir, "database", REDIS_URL)
    _insyn("migrate", "--noinput", env=env)
    _insyn("org", "load", "insjoriket", env=env)
    register = tmp_path / "register.csv"
    write_register(register, 30000, seed=9)
    start = (
        "from apps.jobs.services import job_start; from apps.jobs.models import JobKind;"
        "from apps.organisations.models import Organisation;"
        f"f = open({str(register)!r}, 'rb');"
        "job = job_start(actor=None, kind=JobKind.DECISIONS_IMPORT,"
        " organisation=Organisation.objects.get(slug='alingsas'), arguments={'filename': 'r.csv'}, upload=f);"
        "print(job.pk)"
    )
    job_id = _insyn("shell", "-c", start, env=env).splitlines()[-1]
    worker = subprocess.Popen(
        [sys.executable, "-m", "insyn.cli", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not writing():
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert _count(database_url, "SELECT count(*) FROM decisions_decision") == 0
    assert _count(database_url, f"SELECT count(*) FROM jobs_job WHERE id = {int(job_id)} AND state = 'running'") == 1  # noqa: S608
    _insyn("jobs", "requeue", job_id, env=env)
    _insyn("db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)
    assert _count(database_url, f"SELECT count(*) FROM jobs_job WHERE id = {int(job_id)} AND state = 'done'") == 1  # noqa: S608
    assert _count(database_url, "SELECT count(*) FROM decisions_decision") == 30000


@pytest.fixture
def rq_queue(settings):
    import django_rq
    from django_tasks_rq.backend import Job as RQJob

    settings.INSYN_JOB_BACKEND = "rq"
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=RQJob)
    queue.connection.ping()  # the real Redis, or the test fails here
    queue.empty()
    # An in-process RQ worker installs its own SIGINT and SIGTERM handlers and leaves them: put
    # the test process's back, or later forked processes (the privacy attack's pool) inherit a
    # SIGTERM that no longer stops them.
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield queue
    for number, handler in handlers.items():
        signal.signal(number, handler)
    queue.empty()


@pytest.mark.django_db(transaction=True)
def test_the_rq_backend_runs_the_import_from_the_real_redis(rq_queue, registrar_alingsas, reference_data):
    from rq import SimpleWorker

    from apps.jobs.models import Job
    from tests.test_decision_import import GOOD
    from tests.test_jobs import _api, _post_import

    client = _api(registrar_alingsas)
    response = _post_import(client, GOOD)
    assert response.status_code == 202
    assert client.get(response.json()["job"]).json()["state"] == "queued"
    assert rq_queue.count == 1, "the job waits in Redis"
    job = Job.objects.get()
    assert rq_queue.job_ids == [job.backend_result_id]
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=rq_queue.job_class).work(burst=True)
    body = client.get(response.json()["job"]).json()
    assert body["state"] == "done", body
    assert len(body["result"]["created"]) == 3


@pytest.mark.django_db(transaction=True)
def test_the_rq_backend_sends_mail_from_the_real_redis(rq_queue, settings):
    from django.core import mail
    from rq import SimpleWorker

    from apps.jobs.mail import mail_send

    job = mail_send(recipients=["c@example.se"], subject="Insyn: kö", body="Hej")
    assert job.state == "queued" and not mail.outbox
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=rq_queue.job_class).work(burst=True)
    job.refresh_from_db()
    assert job.state == "done" and [m.to for m in mail.outbox] == [["c@example.se"]]


def test_the_suite_runs_on_a_known_engine():
    assert connection.vendor in ("sqlite", "postgresql")

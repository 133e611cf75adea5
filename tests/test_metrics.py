"""/metrics gives Prometheus request times, failed logins and the job queue, only to whoever holds
INSYN_METRICS_TOKEN: 404 without a configured token, 401 without one, 403 with a wrong one."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from apps.jobs.models import Job, JobKind
from apps.jobs.selectors import job_queue_counts

TOKEN = "prometheus-" + "k" * 40


@pytest.fixture
def metrics_token(settings):
    settings.INSYN_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(token: str = TOKEN) -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.partition(" ")[0]))
            if all(found.get(key) == value for key, value in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_without_a_configured_token_the_metrics_do_not_exist(db, settings):
    settings.INSYN_METRICS_TOKEN = None
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_without_the_token_the_metrics_are_refused(db, metrics_token, caseworker_alingsas):
    from tests.conftest import verified_client

    anonymous = Client().get("/metrics")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == 'Bearer realm="insyn-metrics"'
    assert b"insyn_" not in anonymous.content
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 51).status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Token {TOKEN}").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 403
    # A logged-in user is not Prometheus either.
    assert verified_client(caseworker_alingsas).get("/metrics").status_code == 401


def test_request_times_are_counted_by_view_name_and_status_class(db, metrics_token):
    before = scrape()
    Client().get("/tillganglighet/")
    Client().get("/tillganglighet/")
    Client().get("/finns-inte/")
    after = scrape()
    name = "insyn_http_request_duration_seconds_count"
    ok = {"view": "core:accessibility", "status": "2xx"}
    assert sample(after, name, **ok) - sample(before, name, **ok) == 2
    assert (
        sample(after, name, view="unmatched", status="4xx") - sample(before, name, view="unmatched", status="4xx") == 1
    )
    # Paths never become labels: the series stay as few as the views.
    assert "/tillganglighet/" not in after and "finns-inte" not in after


def test_failed_logins_are_counted(db, metrics_token, caseworker_alingsas):
    before = sample(scrape(), "insyn_login_failures_total")
    for _ in range(2):
        Client().post("/konto/logga-in/", {"username": caseworker_alingsas.username, "password": "fel-losenord"})
    assert sample(scrape(), "insyn_login_failures_total") - before == 2


def test_the_job_queue_is_counted_from_the_database_at_scrape_time(db, metrics_token):
    Job.objects.create(kind=JobKind.values[0])
    Job.objects.create(kind=JobKind.values[0])
    text = scrape()
    counts = job_queue_counts()
    assert counts["queued"] == 2
    for state in ("queued", "running", "failed"):
        assert sample(text, "insyn_jobs", state=state) == counts[state]


def test_with_several_gunicorn_workers_a_scrape_adds_up_every_process(tmp_path):
    """prometheus_client's multiprocess mode, as insyn/gunicorn.conf.py sets it up: each process
    writes its counts to files in PROMETHEUS_MULTIPROC_DIR and one scrape reads them all."""
    worker = textwrap.dedent(
        """
        from apps.core import metrics
        metrics.observe_request(view="home:start", status=200, seconds=0.2)
        metrics.count_login_failure()
        """
    )
    scraper = "from apps.core import metrics; print(metrics.exposition().decode())"
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(3):
        subprocess.run([sys.executable, "-c", worker], env=environment, check=True, cwd=".")
    text = subprocess.run(
        [sys.executable, "-c", scraper], env=environment, check=True, cwd=".", capture_output=True, text=True
    ).stdout
    assert sample(text, "insyn_http_request_duration_seconds_count", view="home:start", status="2xx") == 3
    assert sample(text, "insyn_login_failures_total") == 3

"""/healthz asks the database, the job queue and the mail server, each for real, and answers 503
naming the part that failed, with nothing in the answer beyond the names and "fel"."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.core import health
from tests.smtp_server import running_smtp_server, smtp_server  # noqa: F401 - the fixture

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _fresh_mail_check():
    health.mail_cache.checked_at = None
    yield
    health.mail_cache.checked_at = None


def _free_port() -> int:
    from tests.smtp_server import _free_port

    return _free_port()


def test_everything_up_answers_200_with_each_check_ok(db, settings, smtp_server):  # noqa: F811
    settings.TASKS = DATABASE_QUEUE
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "jobs": "ok", "mail": "ok"}}
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_mail_server_that_does_not_answer_gives_503_naming_the_mail(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_SSL = "127.0.0.1", _free_port(), False
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fel", "checks": {"database": "ok", "jobs": "ok", "mail": "fel"}}


def test_mail_is_not_checked_when_it_does_not_go_through_smtp(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert Client().get("/healthz").json()["checks"]["mail"] == "av"


def test_the_mail_server_is_asked_at_most_every_thirty_seconds(db, settings, monkeypatch):
    with running_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_SSL = server.host, server.port, False
        assert Client().get("/healthz").json()["checks"]["mail"] == "ok"
    # The server is gone, but the answer from a moment ago stands until it is 30 s old.
    assert Client().get("/healthz").status_code == 200
    clock = health.time.monotonic() + health.MAIL_CHECK_SECONDS + 1
    monkeypatch.setattr(health.time, "monotonic", lambda: clock)
    assert Client().get("/healthz").json()["checks"]["mail"] == "fel"


def test_the_redis_job_queue_is_checked_with_a_ping(db, settings):
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/0"}}
    assert Client().get("/healthz").json()["checks"]["jobs"] == "ok"


def test_an_unreachable_redis_gives_503_naming_the_job_queue_without_internals(db, settings):
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{_free_port()}/0"}}
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fel", "checks": {"database": "ok", "jobs": "fel", "mail": "av"}}
    assert "6379" not in response.content.decode() and "redis" not in response.content.decode().lower()


def test_the_database_job_queue_is_checked_by_reading_its_table(db, settings):
    settings.TASKS = DATABASE_QUEUE
    assert Client().get("/healthz").json()["checks"]["jobs"] == "ok"

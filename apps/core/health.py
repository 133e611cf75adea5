"""What /healthz checks: the database, the job queue and the mail server.

Each check answers "ok" or "fel" (the mail check "av" when mail does not go through SMTP, as in
development); what went wrong goes to the log, never into the answer, which anyone can fetch.
The mail server is asked at most every MAIL_CHECK_SECONDS per process, so a load balancer
polling every second does not open an SMTP connection each time."""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

OK = "ok"
FAILED = "fel"
OFF = "av"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAIL_CHECK_SECONDS = 30.0
# Short: a health check that hangs is read as down by the load balancer anyway.
PROBE_TIMEOUT_SECONDS = 3.0

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _jobs() -> None:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend":
        # The queue is a table: readable means jobs can be queued and taken.
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
    elif backend == "django_tasks_rq.RQBackend":
        for name in settings.TASKS["default"].get("QUEUES", ["default"]):
            _redis_ping(name)
    # The immediate and dummy backends run (or drop) jobs in the process itself: nothing to reach.


def _redis_ping(queue_name: str) -> None:
    import django_rq

    pool = django_rq.get_connection(queue_name).connection_pool
    # django-rq's connection waits for ever on an unreachable host; the check must not.
    options = {
        **pool.connection_kwargs,
        "socket_connect_timeout": PROBE_TIMEOUT_SECONDS,
        "socket_timeout": PROBE_TIMEOUT_SECONDS,
    }
    client = redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **options))
    try:
        client.ping()
    finally:
        client.close()


def _mail_server() -> None:
    timeout = min(float(settings.EMAIL_TIMEOUT or PROBE_TIMEOUT_SECONDS), PROBE_TIMEOUT_SECONDS)
    smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    with smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout) as server:
        code, _message = server.noop()
        if code != 250:
            raise smtplib.SMTPResponseException(code, b"NOOP refused")


class _MailCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at: float | None = None
        self.result = OK

    def result_for(self, check: Callable[[], None]) -> str:
        with self.lock:
            now = time.monotonic()
            if self.checked_at is None or now - self.checked_at >= MAIL_CHECK_SECONDS:
                self.result = _run("mail", check)
                self.checked_at = now
            return self.result


mail_cache = _MailCache()


def _run(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as exc:  # any failure of a peer is "fel"; the log says which
        log.warning("Health check %s failed: %s", name, type(exc).__name__)
        return FAILED
    return OK


def health_checks() -> dict[str, str]:
    mail = mail_cache.result_for(_mail_server) if settings.EMAIL_BACKEND == SMTP_BACKEND else OFF
    return {"database": _run("database", _database), "jobs": _run("jobs", _jobs), "mail": mail}


def healthy(checks: dict[str, str]) -> bool:
    return FAILED not in checks.values()

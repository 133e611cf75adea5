"""One request id through the response, every log line of the request (JSON, one object a line)
and the audit rows the request writes; an id from outside is taken only when it is sane."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client

from apps.audit.context import CLI, AuditContext
from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import audit_chain_extend, audit_chain_verify, audit_record, audit_record_many
from apps.core.request_id import current_request_id, request_id_scope
from tests.conftest import PASSWORD

HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def json_log():
    """The project's JSON formatter and request-id filter on a buffer, for the root logger."""
    from pythonjsonlogger.json import JsonFormatter

    from apps.core.request_id import RequestIdFilter

    options = {key: value for key, value in settings.LOGGING["formatters"].get("json", {}).items() if key != "()"}
    if not options:  # development settings carry the text formatter; the JSON one is defined beside it
        from insyn.settings import _LOG_FORMATTERS

        options = {key: value for key, value in _LOG_FORMATTERS["json"].items() if key != "()"}
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_every_response_carries_a_new_request_id(db):
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]
    assert HEX32.match(first) and HEX32.match(second) and first != second


def test_a_sane_request_id_from_the_proxy_is_kept_and_anything_else_replaced(db):
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c1e.77")["X-Request-ID"] == "nginx-4f2a9c1e.77"
    for insane in ["kort", "a" * 65, "id med mellanslag", 'x"}\n{"level":"ERROR', "åäö-åäö-åäö", ""]:
        answered = Client().get("/healthz", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert HEX32.match(answered), insane


def test_the_log_lines_of_a_request_are_json_with_its_id_and_an_access_line(db, json_log):
    response = Client().get("/tillganglighet/?q=19121212-1212", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 200
    lines = json_log()
    access = [line for line in lines if line["logger"] == "insyn.access"]
    assert len(access) == 1
    (line,) = access
    assert line["request_id"] == "req-0123456789"
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert line["method"] == "GET" and line["status"] == 200 and line["view"] == "core:accessibility"
    # The path without the query string: what someone searched for does not reach the log.
    assert line["path"] == "/tillganglighet/" and "19121212" not in json.dumps(lines)
    assert isinstance(line["duration_ms"], float) and line["user_id"] is None


def test_the_access_line_names_the_user_by_id_only(caseworker_alingsas, json_log):
    user = caseworker_alingsas
    client = Client()
    client.post("/konto/logga-in/", {"username": user.username, "password": PASSWORD})
    lines = [line for line in json_log() if line["logger"] == "insyn.access"]
    assert lines and lines[-1]["user_id"] == user.pk
    assert user.username not in json.dumps(lines)


def test_log_lines_outside_a_request_carry_no_id(json_log):
    logging.getLogger("insyn.test").warning("Utan anrop")
    (line,) = [line for line in json_log() if line["logger"] == "insyn.test"]
    assert line["request_id"] is None and line["message"] == "Utan anrop"


def test_an_audit_row_written_in_a_request_carries_the_request_id(caseworker_alingsas):
    user = caseworker_alingsas
    response = Client().post(
        "/konto/logga-in/",
        {"username": user.username, "password": "fel-losenord"},
        HTTP_X_REQUEST_ID="login-attempt-42",
    )
    assert response["X-Request-ID"] == "login-attempt-42"
    row = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILURE)
    assert row.request_id == "login-attempt-42"


def test_a_job_run_under_its_requests_id_writes_it_into_its_audit_rows(db):
    with request_id_scope("job-from-request-1") as request_id:
        assert current_request_id() == request_id == "job-from-request-1"
        one = audit_record(actor=None, action=AuditAction.JOB_START, actor_username="worker")
        audit_record_many(actor=None, action=AuditAction.PERSON_CREATE, entries=[{"object_id": 1}, {"object_id": 2}])
    assert current_request_id() is None
    assert one.request_id == "job-from-request-1"
    assert set(AuditEvent.objects.values_list("request_id", flat=True)) == {"job-from-request-1"}
    cli = audit_record(actor=None, action=AuditAction.KEYS_ROTATE, context=CLI)
    given = audit_record(actor=None, action=AuditAction.KEYS_ROTATE, context=AuditContext(request_id="given-id-123"))
    assert cli.request_id is None and given.request_id == "given-id-123"
    # The bulk path (COPY on PostgreSQL) digests the id it stores too.
    audit_chain_extend()
    assert audit_chain_verify().findings == []


def test_the_request_id_is_covered_by_the_digest_and_rows_without_one_verify_as_before(db):
    from apps.audit.integrity import event_digest

    with request_id_scope("digest-covered-1"):
        row = audit_record(actor=None, action=AuditAction.LOGIN_SUCCESS, actor_username="a")
    without = audit_record(actor=None, action=AuditAction.LOGIN_SUCCESS, actor_username="b")
    key = settings.INSYN_AUDIT_KEY
    fields = {
        name: getattr(without, name)
        for name in (
            "occurred_at",
            "actor_id",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "person_code",
            "municipality_slug",
            "ip_address",
            "channel",
            "details",
        )
    }
    # A row without request id has the digest it would have had before the column existed.
    assert event_digest(fields, key=key) == without.digest
    row.refresh_from_db()
    assert row.compute_digest(key=key) == row.digest
    row.request_id = "someone-elses-id"
    assert row.compute_digest(key=key) != row.digest
    audit_chain_extend()
    assert audit_chain_verify().findings == []

"""Schemathesis generates requests from the API's own OpenAPI document and sends them, logged in,
to the application in-process: no response may be a server error, and every response must match
the schema. `INSYN_FUZZ_EXAMPLES` sets the number of cases per operation (default 200: 21 operations,
4 200 cases)."""

import datetime
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

from apps.accounts.services import api_token_create, role_grant
from tests.conftest import make_person, make_user
from tests.decisions_helpers import decide

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
EXAMPLES = int(os.environ.get("INSYN_FUZZ_EXAMPLES", "200"))
APP = WSGIHandler()


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction on PostgreSQL; Django's own test client unhooks the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(alingsas, activera):
    """A user who may use every endpoint for Alingsås, with some data to find."""
    user = make_user("fuzz.alingsas", "decisions_registrar", "alingsas-socialnamnd")
    role_grant(user=user, role="executor_caseworker", organisation_slug="alingsas-activera")
    role_grant(user=user, role="auditor", organisation_slug="alingsas")
    role_grant(user=user, role="forbund_officer", organisation_slug="insjoriket")
    decide(alingsas, "2026.1 SN", "Kontaktperson", datetime.date(2026, 1, 10), person=make_person(alingsas))
    return api_token_create(user=user)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_generated_request_gets_a_server_error_or_an_answer_outside_the_schema(case, token, keep_test_connection):
    case.call_and_validate(
        app=APP,
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        excluded_checks=[response_headers_conformance],
    )

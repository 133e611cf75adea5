"""The förbund's list pages make the same number of queries for one row as for many."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.lexheller.services import report_file
from apps.organisations.models import Organisation
from tests.conftest import make_user, verified_client
from tests.forbund_helpers import agreement_for, seed_budget_2023

SLUGS = ["alingsas", "lerum", "harryda", "molndal", "partille"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_agreement_tracking_and_budget_pages_do_not_grow_with_rows(activera, forbund_officer):
    seed_budget_2023(forbund_officer)
    client = verified_client(forbund_officer)
    agreement_for(SLUGS[0], actor=forbund_officer)
    few = {url: _count(client, url) for url in ("/forbund/overenskommelser/", "/forbund/leveranser/?year=2023")}
    for slug in SLUGS[1:]:
        agreement_for(slug, actor=forbund_officer)
    many = {url: _count(client, url) for url in few}
    assert many == few


def test_the_lex_heller_list_does_not_grow_with_reports(insjoriket):
    reporter = make_user("fia.fk", "lexheller_reporter", "forsakringskassan")
    fk = Organisation.objects.get(slug="forsakringskassan")

    def file() -> None:
        report_file(
            actor=reporter,
            reporting_organisation=fk,
            title="Rubrik",
            incident_date=datetime.date(2026, 1, 1),
            authorities=[fk],
            description="A",
            cause="B",
            consequence="C",
        )

    client = verified_client(reporter)
    file()
    few = _count(client, "/lexheller/")
    for _ in range(6):
        file()
    assert _count(client, "/lexheller/") == few

"""The pages and endpoints of the load benchmark (bench/load_bench.py) make the same number of SQL
queries whatever the number of rows they show: participants, a participant's activities and
measurements, decisions, report rows, people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create, role_grant
from apps.activera.models import ActivityType, Enrolment
from apps.activera.services import activity_add, measurement_add, referral_accept
from apps.decisions.services import report_prepare
from lib.quarters import Quarter
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_person, make_user, verified_client
from tests.decisions_helpers import decide, event

D = datetime.date


@pytest.fixture
def caseworker(activera):
    """A caseworker who may see both the participants and the register of Alingsås."""
    user = make_user("lista.alingsas", "executor_caseworker", "alingsas-activera")
    role_grant(user=user, role="decisions_registrar", organisation_slug="alingsas-socialnamnd")
    return user


def _enrol(user, serial: int) -> Enrolment:
    return referral_accept(
        actor=user,
        referral=refer(unit(), serial=serial),
        start_date=timezone.localdate() - datetime.timedelta(weeks=7),
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=5),
        extent_percent=50,
        leader=user,
        today=FAR_FUTURE,
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def test_the_participant_list_and_endpoint_do_not_grow_with_participants(caseworker):
    web, api = verified_client(caseworker), _api(caseworker)
    for serial in range(2):
        _enrol(caseworker, serial)
    web.get("/deltagare/")
    few = (_queries(web, "/deltagare/"), _queries(api, "/api/v1/participants/"))
    for serial in range(2, 14):
        _enrol(caseworker, serial)
    many = (_queries(web, "/deltagare/"), _queries(api, "/api/v1/participants/"))
    assert many == few
    assert len(web.get("/deltagare/").context["rows"]) == 14


def test_the_participant_list_shows_fifty_at_a_time(caseworker, settings):
    from apps.activera import views

    web = verified_client(caseworker)
    for serial in range(4):
        _enrol(caseworker, serial)
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 3
    try:
        first = web.get("/deltagare/")
        second = web.get("/deltagare/?sida=2")
    finally:
        views.PAGE_SIZE = original
    assert len(first.context["rows"]) == 3 and len(second.context["rows"]) == 1
    assert "Fler deltagare" in first.content.decode() and "sida 1 av 2" in first.content.decode()
    assert original == 50


def test_a_participant_page_does_not_grow_with_activities_and_measurements(caseworker):
    enrolment = _enrol(caseworker, 1)
    web = verified_client(caseworker)
    kinds = list(ActivityType.objects.filter(programme=enrolment.programme_unit.programme))
    indicators = list(enrolment.programme_unit.programme.indicators.all())

    def add(count: int) -> None:
        for index in range(count):
            activity_add(
                actor=caseworker,
                enrolment=enrolment,
                date=enrolment.start_date + datetime.timedelta(days=index % 30),
                activity_type=kinds[index % len(kinds)],
                mode="individual",
                digital=False,
                attended=True,
                today=FAR_FUTURE,
            )

    add(1)
    measurement_add(
        actor=caseworker,
        enrolment=enrolment,
        date=enrolment.start_date + datetime.timedelta(days=3),
        kind="first",
        answers={i.code: 2 for i in indicators},
        today=FAR_FUTURE,
    )
    url = f"/deltagare/{enrolment.code}/"
    web.get(url)
    few = (_queries(web, url), _queries(_api(caseworker), f"/api/v1/participants/{enrolment.code}/"))
    add(15)
    measurement_add(
        actor=caseworker,
        enrolment=enrolment,
        date=enrolment.start_date + datetime.timedelta(days=40),
        kind="follow_up",
        answers={i.code: 3 for i in indicators},
        today=FAR_FUTURE,
    )
    many = (_queries(web, url), _queries(_api(caseworker), f"/api/v1/participants/{enrolment.code}/"))
    assert many == few


def test_the_decision_and_people_endpoints_do_not_grow_with_rows(caseworker, alingsas):
    api = _api(caseworker)
    for index in range(2):
        decide(alingsas, f"A-{index}", "Kontaktfamilj", D(2022, 6, 1), person=make_person(alingsas))
    api.get("/api/v1/decisions/")
    few = (_queries(api, "/api/v1/decisions/"), _queries(api, "/api/v1/people/"))
    for index in range(2, 15):
        decision = decide(alingsas, f"A-{index}", "Kontaktfamilj", D(2022, 6, 1), person=make_person(alingsas))
        event(decision, "executed", D(2022, 7, 1))
    many = (_queries(api, "/api/v1/decisions/"), _queries(api, "/api/v1/people/"))
    assert many == few


def test_a_report_page_does_not_grow_with_its_rows(registrar_alingsas, alingsas):
    web = verified_client(registrar_alingsas)

    def report(year: int, late: int) -> str:
        for index in range(late):
            decision = decide(
                alingsas, f"R{year}-{index}", "Kontaktfamilj", D(year, 1, 10), person=make_person(alingsas)
            )
            if index % 2:
                event(decision, "executed", D(year, 5, 20))
        prepared = report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(year, 2), as_of=D(year, 7, 5), today=FAR_FUTURE
        )
        assert prepared.rows.count() >= late
        return f"/beslut/rapporter/{prepared.pk}/"

    few_url, many_url = report(2023, 2), report(2024, 12)
    # Each viewed once first: a draft's council protection is then kept (apps.decisions.council).
    web.get(few_url)
    web.get(many_url)
    assert _queries(web, few_url) == _queries(web, many_url)


def test_the_log_page_names_its_objects_without_a_query_per_row(caseworker, auditor_alingsas, alingsas):
    """/logg/ names each row's object (decision, participant, activity, report …) with one query
    per kind of object on the page, not one per row."""
    kinds = list(ActivityType.objects.all()[:1])

    def work(start: int, count: int) -> None:
        for index in range(start, start + count):
            decision = decide(alingsas, f"L-{index}", "Kontaktfamilj", D(2022, 6, 1), person=make_person(alingsas))
            event(decision, "executed", D(2022, 7, 1))
            enrolment = _enrol(caseworker, 50 + index)
            activity_add(
                actor=caseworker,
                enrolment=enrolment,
                date=enrolment.start_date,
                activity_type=kinds[0],
                mode="individual",
                digital=False,
                attended=True,
                today=FAR_FUTURE,
            )
        report_prepare(actor=None, municipality=alingsas, quarter=Quarter(2022, 3 + start), as_of=D(2023, 1, 5))

    web = verified_client(auditor_alingsas)
    work(0, 1)
    web.get("/logg/")
    few = _queries(web, "/logg/")
    work(1, 6)
    many = _queries(web, "/logg/")
    assert many == few
    assert "Beslut L-6" in web.get("/logg/").content.decode()

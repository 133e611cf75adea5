"""Walks every URL pattern the project has. A new view is covered here without anyone
remembering: it is either listed as public in insyn.urls.PUBLIC_URL_NAMES, or it must send an
anonymous visitor to log in (401 for the API) and give another municipality's user a 404 for
an Alingsås object (or, on list pages, show nothing of Alingsås)."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create, api_token_issue
from apps.activera.deliveries import delivery_submit
from apps.activera.services import programme_load, referral_accept
from apps.decisions.services import report_prepare
from apps.lexheller.services import bug_meeting_create, report_file
from apps.people.models import Person
from insyn.urls import PUBLIC_URL_NAMES
from lib.quarters import Quarter
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_user, verified_client
from tests.decisions_helpers import decide
from tests.forbund_helpers import agreement_for, seed_budget_2023


def _enrolment_in_alingsas():
    leader = make_user("walk.leader", "executor_caseworker", "alingsas-activera")
    referral = refer(unit(), serial=91)
    return referral_accept(
        actor=leader,
        referral=referral,
        start_date=datetime.date(2026, 1, 12),
        planned_end_date=datetime.date(2026, 5, 1),
        extent_percent=50,
        leader=leader,
        today=FAR_FUTURE,
    )


def _year_report_in_alingsas():
    from apps.organisations.models import Organisation
    from apps.yearend.models import CouncilGoal, NamndGoal
    from apps.yearend.services.editing import report_text_save
    from apps.yearend.services.reports import year_report_ensure

    namnd = Organisation.objects.get(slug="alingsas-socialnamnd")
    report = year_report_ensure(actor=None, namnd=namnd, year=2022, period="annual")
    council_goal = CouncilGoal.objects.create(namnd=namnd, year=2022, number=2, title="Goda livsmiljöer")
    goal = NamndGoal.objects.create(council_goal=council_goal, position=1, title="Hemligt nämndsmål i Alingsås")
    report_text_save(actor=None, report=report, key="verksamhet", body="Hemlig verksamhetstext i Alingsås")
    return report, goal


def _key_figure_of(goal):
    from apps.yearend.models import KeyFigure, KeyFigureTable

    table, _ = KeyFigureTable.objects.get_or_create(council_goal=goal.council_goal, position=1)
    figure, _ = KeyFigure.objects.get_or_create(
        table=table, position=1, defaults={"name": "Nyckeltal", "source": "Källa"}
    )
    return figure


def _identity_provider_in_alingsas():
    from apps.sso.models import IdentityProvider
    from apps.sso.services import identity_provider_create_saml

    existing = IdentityProvider.objects.filter(slug="alingsas-walk").first()
    return existing or identity_provider_create_saml(
        actor=None,
        organisation_slug="alingsas",
        slug="alingsas-walk",
        display_name="Alingsås (walk)",
        sp_entity_id="https://insyn.example/saml/alingsas",
        idp_metadata_url="https://idp.alingsas.example/metadata.xml",
    )


def _job_of_alingsas(objects):
    """A job an Alingsås user started: only its starter reaches it (a Lerum user gets 404)."""
    from apps.jobs.models import Job, JobKind

    leader = objects["enrolment"].leader
    existing = Job.objects.filter(started_by=leader).first()
    return existing or Job.objects.create(
        kind=JobKind.DECISIONS_IMPORT, started_by=leader, organisation=objects["person"].municipality
    )


def _control_of(report):
    """A control point of the report's year with its follow-up and an inner table, and a Bilaga 2 row."""
    from apps.yearend.models import ControlFollowUp, ControlPoint, ControlResultTable, ProviderFollowUp

    point, _ = ControlPoint.objects.get_or_create(
        namnd=report.namnd, year=report.year, position=1, defaults={"risk": "Risk", "checked": "C", "method": "M"}
    )
    follow_up, _ = ControlFollowUp.objects.get_or_create(
        point=point, period=report.period, defaults={"assessment": "with_remark"}
    )
    table, _ = ControlResultTable.objects.get_or_create(follow_up=follow_up, position=1, defaults={"title": "T"})
    provider, _ = ProviderFollowUp.objects.get_or_create(
        namnd=report.namnd,
        year=report.year,
        position=1,
        defaults={"agreement": "Avtal", "followed_up": "F", "met_requirements": True},
    )
    return {"point": point, "table": table, "provider": provider}


@dataclass(frozen=True)
class Route:
    template: str
    name: str
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            template = prefix + str(entry.pattern)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", template))
            yield Route(template=template, name=f"{namespace}{entry.name}", params=params)


ROUTES = [route for route in _walk(get_resolver().url_patterns) if route.name not in PUBLIC_URL_NAMES]

# One Alingsås object per URL parameter name. A route with a parameter missing here fails the
# test below, so whoever adds it also says how to build its object.
PARAM_FACTORIES: dict[str, Callable[[dict], str]] = {
    "code": lambda objects: objects["person"].code,
    "decision_id": lambda objects: str(objects["decision"].pk),
    "report_id": lambda objects: str(objects["report"].pk),
    "fmt": lambda objects: "json",
    "municipality": lambda objects: objects["person"].municipality.slug,
    "year": lambda objects: "2022",
    "referral_id": lambda objects: str(objects["referral"].pk),
    "participant_code": lambda objects: objects["enrolment"].code,
    "delivery_id": lambda objects: str(objects["delivery"].pk),
    # Reference data belongs to no municipality; only system administrators reach it.
    "basis_id": lambda objects: str(objects["legal_basis"].pk),
    "type_id": lambda objects: str(objects["decision_type"].pk),
    # The förbund's economy: only its office reaches it.
    "budget_id": lambda objects: str(objects["budget"].pk),
    "line_id": lambda objects: str(objects["budget"].lines.first().pk),
    "agreement_id": lambda objects: str(objects["agreement"].pk),
    "invoice_id": lambda objects: str(objects["agreement"].invoices.first().pk),
    # An Alingsås Lex Heller report not yet published, and a BUG meeting.
    "lexheller_id": lambda objects: str(objects["lexheller"].pk),
    "action": lambda objects: "publicera",
    "meeting_id": lambda objects: str(objects["meeting"].pk),
    # An Alingsås caseworker's API token: only its owner and system administrators reach it.
    "token_key": lambda objects: objects["api_token"].token_key,
    # An Alingsås caseworker's account and role grant: only Alingsås's administrators reach them.
    "username": lambda objects: objects["enrolment"].leader.username,
    "grant_id": lambda objects: str(objects["enrolment"].leader.role_grants.first().pk),
    # The Alingsås nämnd's årsbokslut, one of its texts and one of its goals.
    "year_report_id": lambda objects: str(objects["year_report"].pk),
    "text_key": lambda objects: "verksamhet",
    "goal_id": lambda objects: str(objects["year_goal"].pk),
    # The goal's council goal, and a key figure table and key figure under it (made when asked for).
    "council_goal_id": lambda objects: str(objects["year_goal"].council_goal_id),
    "key_figure_table_id": lambda objects: str(_key_figure_of(objects["year_goal"]).table_id),
    "key_figure_id": lambda objects: str(_key_figure_of(objects["year_goal"]).pk),
    # The report year's internal control: a point, a table inside its result, a Bilaga 2 row.
    "control_point_id": lambda objects: str(_control_of(objects["year_report"])["point"].pk),
    "result_table_id": lambda objects: str(_control_of(objects["year_report"])["table"].pk),
    "provider_id": lambda objects: str(_control_of(objects["year_report"])["provider"].pk),
    "provider_slug": lambda objects: _identity_provider_in_alingsas().slug,
    "job_id": lambda objects: str(_job_of_alingsas(objects).pk),
    # An organisation's letterhead: Alingsås kommun's, kept by its (or the system's) administrators.
    "slug": lambda objects: objects["person"].municipality.slug,
}


# Routes that take their object from the query string: they must refuse outsiders the same way.
QUERY_FACTORIES: dict[str, Callable[[dict], str]] = {
    "activera:delivery_preview": lambda objects: (
        f"?unit={objects['delivery'].programme_unit_id}&kind=monthly&year=2026&period=1"
    ),
    "decisions:report_preview": lambda objects: f"?kommun={objects['report'].municipality.slug}",
}


def _url(route: Route, objects: dict) -> str:
    url = "/" + route.template
    for param in route.params:
        url = re.sub(rf"<(?:\w+:)?{param}>", PARAM_FACTORIES[param](objects), url)
    if route.name in QUERY_FACTORIES:
        url += QUERY_FACTORIES[route.name](objects)
    return url


def test_the_walk_finds_the_routes():
    names = {route.name for route in ROUTES}
    assert {"home:start", "people:list", "people:detail", "api:person", "api:people", "audit:search"} <= names


def test_every_route_parameter_has_a_factory():
    missing = {param for route in ROUTES for param in route.params} - set(PARAM_FACTORIES)
    assert not missing, f"Add a factory for the URL parameters {missing} to PARAM_FACTORIES."


@pytest.fixture
def alingsas_objects(person_alingsas: Person) -> dict:
    decision = decide(
        person_alingsas.municipality,
        "ALI-2022.1",
        "Kontaktfamilj",
        datetime.date(2022, 7, 25),
        reason="Ingen familj",
        person=person_alingsas,
    )
    report = report_prepare(
        actor=None,
        municipality=person_alingsas.municipality,
        quarter=Quarter(2022, 4),
        as_of=datetime.date(2023, 1, 11),
    )
    programme_load(name="insjoriket")
    enrolment = _enrolment_in_alingsas()
    lexheller = report_file(
        actor=enrolment.leader,
        reporting_organisation=person_alingsas.municipality,
        title="Hemlig rubrik om Alingsås",
        incident_date=datetime.date(2026, 1, 5),
        authorities=[person_alingsas.municipality],
        description="Beskrivning",
        cause="Orsak",
        consequence="Konsekvens",
        today=FAR_FUTURE,
    )
    admin = make_user("walk.lexadmin", "lexheller_admin", "insjoriket")
    year_report, year_goal = _year_report_in_alingsas()
    return {
        "year_report": year_report,
        "year_goal": year_goal,
        "budget": seed_budget_2023(),
        "agreement": agreement_for("alingsas"),
        "lexheller": lexheller,
        "meeting": bug_meeting_create(
            actor=admin, forbund=person_alingsas.municipality.parent, date=datetime.date(2026, 3, 1)
        ),
        "referral": refer(unit(), serial=90),
        "delivery": delivery_submit(
            actor=enrolment.leader, unit=unit(), kind="monthly", year=2026, period=1, today=FAR_FUTURE
        ),
        "enrolment": enrolment,
        "person": person_alingsas,
        "decision": decision,
        "report": report,
        "legal_basis": decision.legal_basis,
        "decision_type": decision.decision_type,
        "api_token": api_token_issue(user=enrolment.leader)[0],
    }


def _text_of(response) -> str:
    """The text a response shows; a spreadsheet is a zip, so its parts are read unpacked."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())
    return response.content.decode()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_an_anonymous_visitor_is_sent_to_log_in(route, alingsas_objects):
    url = _url(route, alingsas_objects)
    if route.is_api:
        response = APIClient().get(url)
        assert response.status_code == 401, url
        assert json.loads(response.content)["error"]["code"] == "not_authenticated"
    else:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/logga-in/?next="), url


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_another_municipalitys_users_get_404_and_see_nothing(route, alingsas_objects, caseworker_lerum, auditor_lerum):
    url = _url(route, alingsas_objects)
    secret_values = [
        alingsas_objects["person"].code,
        alingsas_objects["person"].last_name,
        "ALI-2022.1",
        alingsas_objects["enrolment"].code,
        alingsas_objects["referral"].receipt_number,
        alingsas_objects["lexheller"].title,
        alingsas_objects["api_token"].token_key,
        alingsas_objects["year_goal"].title,
        "Hemlig verksamhetstext i Alingsås",
    ]
    for user in (caseworker_lerum, auditor_lerum):
        if route.is_api:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        else:
            client = verified_client(user)
        response = client.get(url)
        if response.status_code == 405 and (route.params or route.name in QUERY_FACTORIES):
            # A POST-only route on an object must refuse the outsider before anything else.
            response = client.post(url, {})
        if route.params or route.name in QUERY_FACTORIES:
            assert response.status_code == 404, (url, user.username)
        else:
            # 405: a POST-only route answers GET without revealing anything.
            assert response.status_code in (200, 403, 405), (url, user.username)
        body = _text_of(response)
        for value in secret_values:
            assert value not in body, (url, user.username, value)

"""The participant as a workspace: the state at a glance, a timeline read from the records, and each
piece of work on its own focused form that returns to the workspace."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.activera.models import ActivityType, Enrolment
from apps.activera.selectors import get_enrolment_for_user, participant_timeline
from apps.activera.services import activity_add, leader_change, measurement_add, meeting_record, referral_accept
from apps.audit.models import AuditAction, AuditEvent
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_user, verified_client

NO_EXIT_MEASUREMENT = "Det finns ingen slutmätning. Avslutsdokumentet kommer att sakna progressionen vid avslut."


def _p(prefix, data):
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def enrolment(activera, caseworker_alingsas) -> Enrolment:
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=7)
    return referral_accept(
        actor=caseworker_alingsas,
        referral=refer(unit(), serial=71, received_on=start - datetime.timedelta(days=9)),
        start_date=start,
        planned_end_date=today + datetime.timedelta(days=5),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )


def _measure(user, enrolment, days: int, kind: str, value: int) -> None:
    indicators = enrolment.programme_unit.programme.indicators.all()
    measurement_add(
        actor=user,
        enrolment=enrolment,
        date=enrolment.start_date + datetime.timedelta(days=days),
        kind=kind,
        answers={i.code: value for i in indicators},
        today=FAR_FUTURE,
    )


def _first_meeting_follow_up(user, enrolment) -> None:
    """A first measurement (2), the multi-party meeting after six weeks, a follow-up (4)."""
    _measure(user, enrolment, 2, "first", 2)
    meeting_record(
        actor=user,
        enrolment=enrolment,
        date=enrolment.start_date + datetime.timedelta(weeks=6),
        parties=["Arbetsförmedlingen"],
        decision="continue",
        today=FAR_FUTURE,
    )
    _measure(user, enrolment, 45, "follow_up", 4)


def test_the_workspace_shows_the_state_a_timeline_and_links_to_each_form(enrolment, caseworker_alingsas):
    user = caseworker_alingsas
    _first_meeting_follow_up(user, enrolment)
    other = make_user("berit.alingsas", "executor_caseworker", "alingsas-activera")
    other.first_name, other.last_name = "Berit", "Ek"
    other.save(update_fields=["first_name", "last_name"])
    leader_change(actor=user, enrolment=enrolment, leader=other, from_date=enrolment.start_date, reason="Semester")
    activity_add(
        actor=user,
        enrolment=enrolment,
        date=enrolment.start_date + datetime.timedelta(weeks=6, days=1),
        activity_type=ActivityType.objects.filter(programme=enrolment.programme_unit.programme).first(),
        mode="group",
        digital=False,
        attended=True,
        today=FAR_FUTURE,
    )
    response = verified_client(user).get(f"/deltagare/{enrolment.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vecka 8 av planerade" in html and "(programmet: 6–24 veckor)" in html
    assert "Berit Ek" in html  # the leader by name
    assert "Planerat slut" in html and "slutmätningen är inte gjord" in html  # planned end in 5 days
    assert "Uppgifter vid start saknas" in html
    indicators = enrolment.programme_unit.programme.indicators.count()
    assert f"+{2 * indicators} sedan första mätningen" in html
    # Every form is one link away; none of them is stacked on the workspace.
    base = f"/deltagare/{enrolment.code}/"
    for path in ["aktivitet/", "matning/", "mal/", "ledare/", "start/", "avslut/"]:
        assert f'href="{base}{path}"' in html
    assert f'href="{base}mote/"' not in html  # the meeting is already registered
    assert '<form method="post" action="' + base not in html
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds[-2:] == ["start", "referral"]  # newest first
    assert {"measurement", "meeting", "leader", "activity"} <= set(kinds)
    dates = [entry.date for entry in response.context["timeline"]]
    assert dates == sorted(dates, reverse=True)


def test_the_timeline_is_read_from_the_records_not_the_audit_log(enrolment, caseworker_alingsas):
    loaded = get_enrolment_for_user(caseworker_alingsas, enrolment.code)
    with CaptureQueriesContext(connection) as queries:
        participant_timeline(loaded)
    assert not any("audit" in q["sql"] for q in queries.captured_queries)
    assert len(queries) == 0  # everything comes prefetched with the participant


def test_a_focused_form_shows_one_form_audits_the_read_and_returns_to_the_workspace(enrolment, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    base = f"/deltagare/{enrolment.code}/"
    before = AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_VIEW, person_code=enrolment.code).count()
    page = client.get(base + "matning/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1" in html and "Registrera en progressionsmätning" in html
    assert "Tillbaka till deltagaren" in html and f'href="{base}"' in html
    assert html.count('method="post"') == 3  # the form, the header's language switch and log-out
    after = AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_VIEW, person_code=enrolment.code).count()
    assert after == before + 1
    start = client.get(base + "start/").content.decode()
    assert f'name="start-expected_version" value="{enrolment.version}"' in start

    answers = {f"indicator_{i.code}": 3 for i in enrolment.programme_unit.programme.indicators.all()}
    saved = client.post(
        base + "matning/",
        _p(
            "measurement",
            {"date": (enrolment.start_date + datetime.timedelta(days=1)).isoformat(), "kind": "first", **answers},
        ),
        follow=True,
    )
    assert saved.redirect_chain == [(base, 302)]
    assert "Mätningen är registrerad." in saved.content.decode()


def test_a_focused_form_shows_every_error_and_keeps_what_was_typed(enrolment, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    response = client.post(
        f"/deltagare/{enrolment.code}/ledare/",
        _p("leader", {"leader": caseworker_alingsas.pk, "from_date": "2001-01-01", "reason": "   Tillfälligt"}),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Det finns fel i formuläret" in html and "Byt ansvarig ledare" in html
    assert "Det är redan deltagarens ansvariga ledare." in html and "Ange ett datum från och med starten." in html
    assert 'value="2001-01-01"' in html and "Tillfälligt" in html
    assert "Tillbaka till deltagaren" in html


def test_exit_without_exit_measurement_warns_before_and_after(enrolment, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    base = f"/deltagare/{enrolment.code}/"
    assert NO_EXIT_MEASUREMENT in client.get(base + "avslut/").content.decode()
    done = client.post(
        base + "avslut/",
        _p(
            "exit",
            {
                "expected_version": enrolment.version,
                "exit_date": timezone.localdate().isoformat(),
                "exit_reason": "genomford",
                "occupation_after": "arbete",
                "income_after": "",
            },
        ),
        follow=True,
    )
    html = done.content.decode()
    assert done.redirect_chain == [(base, 302)]
    assert "Deltagaren är utskriven." in html and "avslutsdokumentet saknar progressionen vid avslut" in html
    # After the exit only the exit document's form is offered.
    assert f'href="{base}avslutsdokument/"' in html and f'href="{base}aktivitet/"' not in html
    assert client.get(base + "aktivitet/")["Location"] == base


def test_exit_with_an_exit_measurement_does_not_warn(enrolment, caseworker_alingsas):
    _measure(caseworker_alingsas, enrolment, 1, "first", 2)
    _measure(caseworker_alingsas, enrolment, 3, "exit", 3)
    html = verified_client(caseworker_alingsas).get(f"/deltagare/{enrolment.code}/avslut/").content.decode()
    assert "slutmätning" not in html


def test_a_focused_form_is_hidden_from_other_municipalities_and_anonymous_visitors(enrolment, caseworker_lerum):
    url = f"/deltagare/{enrolment.code}/avslut/"
    assert verified_client(caseworker_lerum).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/konto/logga-in/?next=")


def test_the_workspace_makes_no_query_per_timeline_item(enrolment, caseworker_alingsas, django_assert_max_num_queries):
    client = verified_client(caseworker_alingsas)
    url = f"/deltagare/{enrolment.code}/"
    kind = ActivityType.objects.filter(programme=enrolment.programme_unit.programme).first()

    def add_activities(count: int) -> None:
        for index in range(count):
            activity_add(
                actor=caseworker_alingsas,
                enrolment=enrolment,
                date=enrolment.start_date + datetime.timedelta(days=index % 30),
                activity_type=kind,
                mode="individual",
                digital=False,
                attended=True,
                today=FAR_FUTURE,
            )

    _measure(caseworker_alingsas, enrolment, 1, "first", 2)
    add_activities(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_activities(12)
    for days in (20, 30, 40):
        _measure(caseworker_alingsas, enrolment, days, "follow_up", 3)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["timeline"]) >= 19


def test_the_focused_forms_carry_the_version_without_a_label(enrolment, caseworker_alingsas):
    """What tests/test_pages_are_in_swedish.py checked on the stacked page, now on the focused forms."""
    client = verified_client(caseworker_alingsas)
    for path, prefix in [("start/", "start"), ("avslut/", "exit")]:
        html = client.get(f"/deltagare/{enrolment.code}/{path}").content.decode()
        assert f'name="{prefix}-expected_version"' in html
        assert "Expected" not in html and f'for="id_{prefix}-expected_version"' not in html


def _misaligned_headers(html: str) -> list[str]:
    """Headers of columns whose every cell is a right-aligned number but which are not themselves."""
    import lxml.html

    found = []
    for table in lxml.html.fromstring(html).iter("table"):
        headers = table.xpath("./thead/tr/th")
        rows = table.xpath("./tbody/tr")
        for index, header in enumerate(headers):
            cells = [row.xpath("./th|./td")[index] for row in rows if len(row.xpath("./th|./td")) > index]
            numeric = cells and all("numeric" in (cell.get("class") or "") for cell in cells)
            if numeric and "numeric" not in (header.get("class") or ""):
                found.append(header.text_content().strip())
    return found


def test_number_columns_have_their_headers_aligned_with_the_numbers(enrolment, caseworker_alingsas):
    _first_meeting_follow_up(caseworker_alingsas, enrolment)
    html = verified_client(caseworker_alingsas).get(f"/deltagare/{enrolment.code}/").content.decode()
    assert "Förändring" in html
    assert _misaligned_headers(html) == []

import datetime

import pytest
from django.db import connection

from apps.activera.models import Enrolment, Referral, ViolenceTally
from apps.activera.services import (
    activity_add,
    enrolment_exit,
    measurement_add,
    meeting_record,
    programme_load,
    referral_accept,
)
from apps.activera.violence import violence_batch_record
from apps.people.models import Person
from insyn.errors import ValidationFailed
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_user

D = datetime.date


START = D(2026, 1, 12)


def _accept(referral, actor, start=START, **kwargs):
    kwargs.setdefault("planned_end_date", start + datetime.timedelta(weeks=20))
    kwargs.setdefault("extent_percent", 50)
    kwargs.setdefault("leader", actor)
    return referral_accept(actor=actor, referral=referral, start_date=start, today=FAR_FUTURE, **kwargs)


def test_loading_the_programme_is_idempotent(activera):
    again = programme_load(name="insjoriket")
    assert again.pk == activera.pk
    assert again.indicators.count() == 8 and again.activity_types.count() == 9
    assert unit("molndal").places == 145 and unit("alingsas").places == 85


def test_an_identified_referral_registers_the_person_and_an_anonymous_one_stores_nothing(activera):
    identified = refer(unit())
    assert identified.person is not None and identified.person.municipality.slug == "alingsas"
    assert identified.receipt_number.startswith("IA-")
    people = Person.objects.count()
    for kwargs in ({"consent": False, "serial": 12}, {"protected": True, "serial": 13}):
        anonymous = refer(unit(), **kwargs)
        assert anonymous.anonymous and anonymous.person is None
        assert anonymous.phone == "" and anonymous.email == ""
        assert anonymous.birth_year == 1990
    assert Person.objects.count() == people


def test_an_anonymous_referral_leaves_no_name_or_number_anywhere(activera):
    from tests.activera_helpers import referral_input
    from tests.test_person_registry import _all_database_text

    data = referral_input(unit(), consent=False, serial=44)
    refer(unit(), consent=False, serial=44)
    text = _all_database_text()
    assert data.identity_number not in text and data.identity_number[2:] not in text
    assert "Fiktiv" not in text and "070-000 00 00" not in text


def test_acceptance_checks_age_on_the_start_date(activera, caseworker_alingsas):
    sixteen_soon = refer(unit(), birth=D(2010, 1, 20), serial=14)
    with pytest.raises(ValidationFailed) as info:
        _accept(sixteen_soon, caseworker_alingsas, start=D(2026, 1, 19))
    assert "tidigast från 2026-01-20" in info.value.fields["start_date"][0]
    assert _accept(sixteen_soon, caseworker_alingsas, start=D(2026, 1, 20)).code.startswith("ALID-")
    turning_65 = refer(unit(), birth=D(1961, 2, 1), serial=15)
    with pytest.raises(ValidationFailed):
        _accept(turning_65, caseworker_alingsas, start=D(2026, 2, 1))
    assert _accept(turning_65, caseworker_alingsas, start=D(2026, 1, 31))


def test_residence_outside_the_forbund_is_refused(activera, caseworker_alingsas):
    outside = refer(unit(), serial=16)
    Referral.objects.filter(pk=outside.pk).update(residence=outside.programme_unit.unit)  # a unit, not a member
    outside.refresh_from_db()
    with pytest.raises(ValidationFailed) as info:
        _accept(outside, caseworker_alingsas)
    assert any("folkbokförd" in m for m in info.value.fields["criteria"])


def test_unconfirmed_criteria_need_a_managers_documented_override(activera, caseworker_alingsas, manager_alingsas):
    referral = refer(unit(), all_criteria=False, serial=17)
    with pytest.raises(ValidationFailed) as info:
        _accept(referral, caseworker_alingsas)
    assert len(info.value.fields["criteria"]) == 9
    with pytest.raises(ValidationFailed) as info:
        _accept(referral, caseworker_alingsas, override_reason="Bedömt i SAMSIP")
    assert "Bara ansvarig chef" in info.value.fields["override_reason"][0]
    enrolment = _accept(referral, manager_alingsas, override_reason="Bedömt i SAMSIP", leader=caseworker_alingsas)
    assert enrolment.eligibility_override_by == manager_alingsas


def test_a_planned_end_beyond_24_weeks_and_too_high_extent_are_refused(activera, caseworker_alingsas):
    referral = refer(unit(), serial=18)
    with pytest.raises(ValidationFailed) as info:
        _accept(
            referral,
            caseworker_alingsas,
            planned_end_date=D(2026, 1, 12) + datetime.timedelta(weeks=24, days=1),
            extent_percent=75,
        )
    assert "högst 24 veckor" in info.value.fields["planned_end_date"][0]
    assert "1–50 procent" in info.value.fields["extent_percent"][0]


def test_continuing_after_six_weeks_needs_a_meeting_and_nothing_passes_24_weeks(activera, caseworker_alingsas):
    enrolment = _accept(refer(unit(), serial=19), caseworker_alingsas)
    act = enrolment.programme_unit.programme.activity_types.first()
    activity_add(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=D(2026, 2, 23),
        activity_type=act,
        mode="individual",
        digital=False,
        attended=True,
        today=FAR_FUTURE,
    )
    with pytest.raises(ValidationFailed) as info:
        activity_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 2, 24),
            activity_type=act,
            mode="individual",
            digital=False,
            attended=True,
            today=FAR_FUTURE,
        )
    assert "utan registrerat flerpartsmöte" in info.value.fields["date"][0]
    meeting_record(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=D(2026, 2, 20),
        parties=["Arbetsförmedlingen"],
        decision="continue",
        today=FAR_FUTURE,
    )
    activity_add(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=D(2026, 2, 24),
        activity_type=act,
        mode="group",
        digital=True,
        attended=False,
        today=FAR_FUTURE,
    )
    answers = {i.code: 3 for i in enrolment.programme_unit.programme.indicators.all()}
    with pytest.raises(ValidationFailed):
        measurement_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 3, 1),
            kind="follow_up",
            answers=answers,
            today=FAR_FUTURE,
        )  # the first measurement comes first
    measurement_add(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=D(2026, 1, 20),
        kind="first",
        answers=answers,
        today=FAR_FUTURE,
    )
    with pytest.raises(ValidationFailed) as info:
        measurement_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 6, 30),
            kind="follow_up",
            answers=answers,
            today=FAR_FUTURE,
        )
    assert "högst 24 veckor" in info.value.fields["date"][0]
    with pytest.raises(ValidationFailed) as info:
        measurement_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 4, 1),
            kind="follow_up",
            answers={**answers, "halsa": 9},
            today=FAR_FUTURE,
        )
    assert "1–5" in info.value.fields["indicator_halsa"][0]
    with pytest.raises(ValidationFailed) as info:
        enrolment_exit(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            exit_date=D(2026, 7, 1),
            exit_reason="genomford",
            occupation_after="studier",
            income_after="",
            today=FAR_FUTURE,
        )
    assert "högst 24 veckor" in info.value.fields["exit_date"][0]
    enrolment_exit(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        exit_date=D(2026, 6, 1),
        exit_reason="genomford",
        occupation_after="studier",
        income_after="",
        today=FAR_FUTURE,
    )
    with pytest.raises(ValidationFailed):
        activity_add(
            actor=caseworker_alingsas,
            enrolment=enrolment,
            date=D(2026, 6, 2),
            activity_type=act,
            mode="individual",
            digital=False,
            attended=True,
            today=FAR_FUTURE,
        )


def test_a_lerum_caseworker_cannot_touch_an_alingsas_participant(activera, caseworker_alingsas, caseworker_lerum):
    from insyn.errors import NotPermitted

    enrolment = _accept(refer(unit(), serial=20), caseworker_alingsas)
    with pytest.raises(NotPermitted):
        meeting_record(
            actor=caseworker_lerum,
            enrolment=enrolment,
            date=D(2026, 2, 1),
            parties=["x"],
            decision="continue",
            today=FAR_FUTURE,
        )
    lerum_leader = make_user("lina.lerum", "executor_caseworker", "lerum-activera")
    with pytest.raises(ValidationFailed) as info:
        _accept(refer(unit(), serial=21), caseworker_alingsas, leader=lerum_leader)
    assert "leader" in info.value.fields


def test_violence_questionnaires_are_counts_that_cannot_be_traced(activera, caseworker_alingsas):
    enrolment = _accept(refer(unit(), serial=22), caseworker_alingsas)
    questions = [q["code"] for q in unit().programme.violence_questions]
    fixed_order = [(q, a) for q in questions for a in ("ja", "nej", "vill_inte_svara", "ej_besvarad")]
    # The first form's answers are the last in the fixed order: nothing of the batch shows in the rows.
    forms = [{"psykiskt": "", "fysiskt": "", "sexuellt": "vill_inte_svara"}] + [
        {"psykiskt": "ja", "fysiskt": "nej", "sexuellt": "vill_inte_svara"}
    ] * 2
    violence_batch_record(
        actor=caseworker_alingsas, programme_unit=unit(), year=2026, tertial=1, forms=forms, today=FAR_FUTURE
    )
    rows = list(ViolenceTally.objects.order_by("pk"))
    assert [(t.question, t.answer) for t in rows] == fixed_order
    counts = {(t.question, t.answer): t.count for t in rows if t.count}
    assert counts == {
        ("psykiskt", "ja"): 2,
        ("psykiskt", "ej_besvarad"): 1,
        ("fysiskt", "nej"): 2,
        ("fysiskt", "ej_besvarad"): 1,
        ("sexuellt", "vill_inte_svara"): 3,
    }
    # Structure: no column of the tally refers to a participant, person, user or a date.
    columns = {f.name for f in ViolenceTally._meta.get_fields()}
    assert columns == {"id", "programme_unit", "year", "tertial", "question", "answer", "count"}
    # The batch is audited by who, unit, tertial and number of forms; no answer is in the log.
    from apps.audit.models import AuditEvent

    (event,) = AuditEvent.objects.filter(object_type__icontains="violence")
    assert event.details == {"unit": "alingsas-activera", "year": 2026, "tertial": 1, "forms": 3}
    # No other table mentions an answer: nothing links a form to the enrolment.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == "activera_violencetally":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            assert not any("vill_inte_svara" in repr(row) for row in cursor.fetchall()), table
    with pytest.raises(ValidationFailed):
        violence_batch_record(
            actor=caseworker_alingsas,
            programme_unit=unit(),
            year=2026,
            tertial=1,
            forms=[{"psykiskt": "ja"}, {"psykiskt": "kanske"}],
            today=FAR_FUTURE,
        )
    assert {(t.question, t.answer): t.count for t in ViolenceTally.objects.all() if t.count} == counts
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_the_participant_api_follows_the_same_rules(activera, caseworker_alingsas, caseworker_lerum, forbund_officer):
    from rest_framework.test import APIClient

    from apps.accounts.services import api_token_create

    enrolment = _accept(refer(unit(), serial=23), caseworker_alingsas)

    def client(user):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return api

    listing = client(caseworker_alingsas).get("/api/v1/participants/").json()["results"]
    assert [p["code"] for p in listing] == [enrolment.code] and "first_name" not in listing[0]
    detail = client(caseworker_alingsas).get(f"/api/v1/participants/{enrolment.code}/").json()
    assert detail["participant"]["municipality"] == "alingsas" and detail["measurements"] == []
    assert client(caseworker_lerum).get(f"/api/v1/participants/{enrolment.code}/").status_code == 404
    assert client(caseworker_lerum).get("/api/v1/participants/").json()["results"] == []
    assert client(forbund_officer).get("/api/v1/participants/").status_code == 403


def test_a_change_of_leader_needs_a_reason_and_is_kept(activera, caseworker_alingsas, manager_alingsas):
    from apps.activera.services import enrolment_update_start_variables, leader_change

    enrolment = _accept(refer(unit(), serial=24), caseworker_alingsas)
    with pytest.raises(ValidationFailed) as info:
        leader_change(
            actor=caseworker_alingsas, enrolment=enrolment, leader=manager_alingsas, from_date=D(2026, 3, 1), reason=" "
        )
    assert "samma ledare" in info.value.fields["reason"][0]
    leader_change(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        leader=manager_alingsas,
        from_date=D(2026, 3, 1),
        reason="Föräldraledighet",
    )
    enrolment.refresh_from_db()
    assert enrolment.leader == manager_alingsas
    assert [c.reason for c in enrolment.leader_changes.all()] == ["Inskrivning", "Föräldraledighet"]
    enrolment_update_start_variables(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        education_level="gymnasial",
        income_before="ekonomiskt_bistand",
        time_without_work="1_3",
        born_in="sverige",
    )
    enrolment.refresh_from_db()
    assert enrolment.income_before == "ekonomiskt_bistand"


def test_a_participants_code_is_not_the_persons_register_code(activera, caseworker_alingsas):
    from lib.pseudonyms import is_valid_participant_code
    from tests.conftest import verified_client

    enrolment = _accept(refer(unit(), serial=31), caseworker_alingsas)
    person = enrolment.person
    assert person is not None
    assert enrolment.code != person.code and is_valid_participant_code(enrolment.code)
    client = verified_client(caseworker_alingsas)
    # One leaked code opens one thing only: the participant code finds no one in the register.
    assert client.get(f"/personer/{enrolment.code}/").status_code == 404
    assert client.get(f"/deltagare/{person.code}/").status_code == 404
    assert client.get(f"/deltagare/{enrolment.code}/").status_code == 200

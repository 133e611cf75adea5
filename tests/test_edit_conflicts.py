"""Two users saving the same decision or enrolment: the second gets a clear conflict message,
keeps what they typed, and nothing is silently overwritten."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from apps.activera.models import Enrolment
from apps.activera.services import referral_accept
from apps.decisions.models import Decision, DecisionEvent
from apps.decisions.services import decision_event_add, decision_update_waiting
from insyn.errors import EditConflict, ValidationFailed
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import make_user, verified_client
from tests.decisions_helpers import decide

D = datetime.date


@pytest.fixture
def decision(alingsas):
    return decide(alingsas, "ALI-2026-1", "Kontaktperson", D(2026, 1, 10))


@pytest.fixture
def enrolment(activera, caseworker_alingsas):
    return referral_accept(
        actor=caseworker_alingsas,
        referral=refer(unit(), serial=44),
        start_date=timezone.localdate() - datetime.timedelta(weeks=7),
        planned_end_date=timezone.localdate() + datetime.timedelta(weeks=5),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )


def _waiting(version, consequences):
    return {
        "caseworker": "Rut",
        "delay_reason": "resource_shortage",
        "delay_reason_text": "Brist på kontaktpersoner",
        "consequences": consequences,
        "interim_support": "",
        "expected_version": str(version),
    }


def test_the_second_save_of_a_decision_gets_a_conflict_and_keeps_what_was_typed(decision, registrar_alingsas):
    colleague = make_user("rolf.registrator", "decisions_registrar", "alingsas-socialnamnd")
    first, second = verified_client(registrar_alingsas), verified_client(colleague)
    loaded = Decision.objects.get(pk=decision.pk).version  # both opened the page at this version
    url = f"/beslut/{decision.pk}/vantetid/"

    assert first.post(url, _waiting(loaded, "Första versionen")).status_code == 302
    response = second.post(url, _waiting(loaded, "Andra versionen, skriven samtidigt"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "ändrades av rut.registrator kl." in html and "sparades inte" in html
    assert "Andra versionen, skriven samtidigt" in html  # the loser's text is still in the form
    assert Decision.objects.get(pk=decision.pk).consequences == "Första versionen"
    current = Decision.objects.get(pk=decision.pk).version
    assert f'name="expected_version" value="{current}"' in html

    # Saving again after seeing the conflict is a deliberate choice, and succeeds.
    assert second.post(url, _waiting(current, "Andra versionen, skriven samtidigt")).status_code == 302
    assert Decision.objects.get(pk=decision.pk).consequences == "Andra versionen, skriven samtidigt"


def test_an_event_recorded_meanwhile_also_makes_an_open_form_stale(decision, registrar_alingsas):
    loaded = decision.version
    decision_event_add(actor=registrar_alingsas, decision=decision, kind="executed", date=D(2026, 2, 1))
    with pytest.raises(EditConflict):
        decision_update_waiting(
            actor=registrar_alingsas,
            decision=Decision.objects.get(pk=decision.pk),
            caseworker="",
            delay_reason="",
            delay_reason_text="",
            consequences="Gammal sida",
            interim_support="",
            expected_version=loaded,
        )


def _start(version, level):
    return {
        "start-education_level": level,
        "start-income_before": "",
        "start-time_without_work": "",
        "start-born_in": "",
        "start-expected_version": str(version),
    }


def test_the_second_save_of_an_enrolment_gets_a_conflict(enrolment, caseworker_alingsas):
    colleague = make_user("bo.alingsas", "executor_caseworker", "alingsas-activera")
    first, second = verified_client(caseworker_alingsas), verified_client(colleague)
    loaded = enrolment.version
    url = f"/deltagare/{enrolment.code}/start/"
    levels = [value for value, _label in Enrolment._meta.get_field("education_level").choices if value]

    assert first.post(url, _start(loaded, levels[0])).status_code == 302
    response = second.post(url, _start(loaded, levels[1]))

    assert response.status_code == 400
    assert f"Deltagaren {enrolment.code} ändrades av ann.alingsas" in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).education_level == levels[0]


def test_two_exits_of_the_same_participant_cannot_both_be_saved(enrolment, caseworker_alingsas):
    colleague = make_user("bo.alingsas", "executor_caseworker", "alingsas-activera")
    loaded = enrolment.version
    exit_data = {
        "exit-exit_date": timezone.localdate().isoformat(),
        "exit-exit_reason": "completed",
        "exit-occupation_after": "work",
        "exit-income_after": "",
        "exit-expected_version": str(loaded),
    }
    field = Enrolment._meta.get_field
    exit_data["exit-exit_reason"] = next(v for v, _l in field("exit_reason").choices if v)
    exit_data["exit-occupation_after"] = next(v for v, _l in field("occupation_after").choices if v)
    url = f"/deltagare/{enrolment.code}/avslut/"
    assert verified_client(caseworker_alingsas).post(url, exit_data).status_code == 302
    later_reason = [v for v, _l in field("exit_reason").choices if v][-1]
    response = verified_client(colleague).post(url, {**exit_data, "exit-exit_reason": later_reason})
    assert response.status_code == 400
    assert Enrolment.objects.get(pk=enrolment.pk).exit_reason == exit_data["exit-exit_reason"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real parallel transactions need PostgreSQL")
def test_simultaneous_saves_in_parallel_transactions_let_exactly_one_through(reference_data, insjoriket, alingsas):
    registrar = make_user("rut.registrator", "decisions_registrar", "alingsas-socialnamnd")
    decision = decide(alingsas, "ALI-2026-9", "Kontaktperson", D(2026, 1, 10))
    loaded = decision.version
    outcomes: list[str] = []

    def save_waiting(text: str) -> None:
        try:
            barrier.wait()
            decision_update_waiting(
                actor=registrar,
                decision=Decision.objects.get(pk=decision.pk),
                caseworker="",
                delay_reason="",
                delay_reason_text="",
                consequences=text,
                interim_support="",
                expected_version=loaded,
            )
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    def add_executed(day: int) -> None:
        try:
            barrier.wait()
            decision_event_add(
                actor=registrar,
                decision=Decision.objects.get(pk=decision.pk),
                kind="executed",
                date=D(2026, 2, day),
                today=FAR_FUTURE,
            )
            outcomes.append("event")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    def race(*threads: threading.Thread) -> list[str]:
        outcomes.clear()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(outcomes)

    barrier = threading.Barrier(2)
    assert race(
        threading.Thread(target=save_waiting, args=("A",)), threading.Thread(target=save_waiting, args=("B",))
    ) == ["conflict", "saved"]
    barrier = threading.Barrier(2)
    assert race(threading.Thread(target=add_executed, args=(1,)), threading.Thread(target=add_executed, args=(2,))) == [
        "event",
        "refused",
    ]
    assert DecisionEvent.objects.filter(decision=decision, kind="executed").count() == 1

"""Key figures computed from Insyn's own data: the decisions the quarterly reports listed as not
executed in time, counted in the nämnd's municipality, and ACTivera's participants and exits as the
year's annual delivery was released to the förbund (the årsbokslut is public: it must not print
what the release hides)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from apps.activera.models import Delivery, Enrolment
from apps.activera.services import enrolment_exit
from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.services import report_prepare, report_submit
from apps.organisations.models import Organisation
from apps.yearend.computed import COMPUTED_MEASURES, HIDDEN, computed_value, computed_values_refresh
from apps.yearend.models import CouncilGoal, KeyFigure, KeyFigureOrigin, KeyFigureTable, KeyFigureValue
from insyn.errors import NotPermitted, ValidationFailed
from lib.quarters import Quarter
from tests.activera_helpers import deliver, deliver_all
from tests.conftest import make_user
from tests.decisions_helpers import FAR_FUTURE, decide, event
from tests.test_decision_reports_seed_example import build_alingsas_history, submit_all
from tests.test_participant_reports import _enrol

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def namnd(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="alingsas-socialnamnd")


def figure(namnd: Organisation, year: int, measure: str) -> KeyFigure:
    goal, _ = CouncilGoal.objects.get_or_create(
        namnd=namnd, year=year, number=3, defaults={"title": "Alingsåsarna har inflytande, får god service"}
    )
    table, _ = KeyFigureTable.objects.get_or_create(council_goal=goal, position=1)
    return KeyFigure.objects.create(
        table=table,
        position=table.key_figures.count() + 1,
        name=COMPUTED_MEASURES[measure].label,
        source=COMPUTED_MEASURES[measure].source,
        computed_measure=measure,
    )


def outcomes(key_figure: KeyFigure) -> dict[int, Decimal | None]:
    return {v.year: v.value for v in KeyFigureValue.objects.filter(key_figure=key_figure)}


@pytest.fixture
def reported_decisions(alingsas, lerum):
    """Seed 000's Alingsås 2021–2022, one interruption more, and a report of another municipality."""
    build_alingsas_history(alingsas)
    interrupted = decide(alingsas, "2022.050 SN", "Kontaktperson", D(2022, 1, 10), reason="Kontaktperson saknas")
    event(interrupted, "executed", D(2022, 2, 1))
    event(interrupted, "interrupted", D(2022, 5, 2))
    submit_all(alingsas)
    decide(lerum, "L-1", "Kontaktfamilj", D(2022, 3, 1), reason="Annan kommun")
    lerum_report = report_prepare(
        actor=None, municipality=lerum, quarter=Quarter(2022, 3), as_of=D(2022, 10, 10), today=FAR_FUTURE
    )
    report_submit(actor=None, report=lerum_report)
    # A draft is not reported yet.
    report_prepare(actor=None, municipality=alingsas, quarter=Quarter(2023, 1), as_of=D(2023, 4, 5), today=FAR_FUTURE)


def test_decisions_not_executed_count_each_decision_the_years_submitted_reports_listed_once(namnd, reported_decisions):
    def value(measure: str, year: int) -> Decimal | None:
        return computed_value(measure, namnd=namnd, year=year)

    # 2022: Behandlingshem, Bostad (Q1), Daglig sysselsättning, Boendestöd (Q3), two Kontaktfamilj
    # (Q3 and Q4, counted once each), and the interrupted Kontaktperson (Q3, Q4).
    assert value("decisions_not_executed_after_decision", 2022) == 6
    assert value("decisions_not_executed_after_interruption", 2022) == 1
    assert value("decisions_not_executed", 2022) == 7
    # 2021: the Kontaktperson of 2020-11-16, in Q1.
    assert value("decisions_not_executed", 2021) == 1
    assert value("decisions_not_executed_after_interruption", 2021) == 0
    # No submitted report: nothing to count, not zero.
    assert value("decisions_not_executed", 2020) is None
    assert value("decisions_not_executed", 2023) is None


def test_refreshing_writes_the_year_and_the_two_before_as_computed(namnd, reported_decisions):
    key_figure = figure(namnd, 2022, "decisions_not_executed")
    KeyFigureValue.objects.create(key_figure=key_figure, year=2021, value=Decimal(9), origin=KeyFigureOrigin.MANUAL)
    assert computed_values_refresh(namnd=namnd, year=2022) == 2
    assert outcomes(key_figure) == {2022: Decimal(7), 2021: Decimal(1)}
    assert set(KeyFigureValue.objects.values_list("origin", flat=True)) == {KeyFigureOrigin.COMPUTED}
    event = AuditEvent.objects.get(action=AuditAction.YEAREND_CHANGE, object_type="yearend_figures")
    assert event.details["change"] == "computed_refresh" and event.details["written"] == 2
    assert event.municipality_slug == "alingsas"


def test_a_computed_outcome_without_data_any_longer_is_removed(namnd, reported_decisions):
    key_figure = figure(namnd, 2022, "decisions_not_executed")
    KeyFigureValue.objects.create(key_figure=key_figure, year=2020, value=Decimal(3), origin=KeyFigureOrigin.COMPUTED)
    computed_values_refresh(namnd=namnd, year=2022)
    assert 2020 not in outcomes(key_figure)


def test_only_the_key_figures_of_the_years_goals_are_refreshed(namnd, reported_decisions):
    other_year = figure(namnd, 2021, "decisions_not_executed")
    lerum_figure = figure(Organisation.objects.get(slug="lerum-socialnamnd"), 2022, "decisions_not_executed")
    manual = KeyFigure.objects.create(
        table=figure(namnd, 2022, "decisions_not_executed").table, position=9, name="Inmatat", source="Enhetschefer"
    )
    computed_values_refresh(namnd=namnd, year=2022)
    assert outcomes(other_year) == {} and outcomes(lerum_figure) == {} and outcomes(manual) == {}


def test_an_unknown_measure_is_refused_in_swedish(namnd):
    key_figure = figure(namnd, 2022, "activera_exits")
    KeyFigure.objects.filter(pk=key_figure.pk).update(computed_measure="vantetid")
    with pytest.raises(ValidationFailed) as caught:
        computed_values_refresh(namnd=namnd, year=2022)
    assert caught.value.message.startswith("Insyn kan inte beräkna vantetid; kända mått: decisions_not_executed")


def test_a_controller_refreshes_the_own_nämnd_only(namnd):
    with pytest.raises(NotPermitted):
        computed_values_refresh(
            namnd=namnd, year=2022, actor=make_user("lova.controller", "yearend_controller", "lerum")
        )
    own = make_user("cilla.controller", "yearend_controller", "alingsas")
    assert computed_values_refresh(namnd=namnd, year=2022, actor=own) == 0


@pytest.fixture
def participants(activera, caseworker_alingsas, caseworker_lerum):
    def enrol(serial: int, gender: str, start: datetime.date, exit: datetime.date | None = None, slug="alingsas"):
        actor = caseworker_alingsas if slug == "alingsas" else caseworker_lerum
        enrolment = _enrol(
            actor, serial=serial, gender=gender, start=start, received=start - datetime.timedelta(days=14), slug=slug
        )
        if exit is not None:
            enrolment_exit(
                actor=actor,
                enrolment=Enrolment.objects.get(pk=enrolment.pk),
                exit_date=exit,
                exit_reason="genomford",
                occupation_after="arbete",
                income_after="lon",
                today=FAR_FUTURE,
            )

    enrol(1, "kvinna", D(2025, 3, 3), D(2025, 7, 31))  # 2025, left in 2025
    enrol(2, "man", D(2025, 11, 3))  # 2025 and 2026
    enrol(3, "annat", D(2025, 6, 2))  # 2025 and 2026
    enrol(4, "kvinna", D(2026, 2, 2), D(2026, 6, 30))  # 2026, left in 2026
    enrol(5, "man", D(2025, 12, 1), D(2026, 3, 2))  # 2025 and 2026, left in 2026
    enrol(6, "kvinna", D(2025, 3, 3), slug="lerum")  # another municipality's unit


def released_participants(namnd: Organisation, year: int) -> dict:
    delivery = Delivery.objects.get(
        kind="annual", year=year, released_at__isnull=False, programme_unit__unit__parent=namnd.parent
    )
    return next(t for t in delivery.content["tables"] if t["key"] == "participants")


ACTIVERA_KEYS = ["activera_participants", "activera_participants_women", "activera_participants_men", "activera_exits"]


def activera_values(namnd: Organisation, year: int) -> list[Decimal | str | None]:
    return [computed_value(key, namnd=namnd, year=year) for key in ACTIVERA_KEYS]


def test_activera_counts_wait_for_the_annual_delivery_to_be_released(namnd, participants):
    assert activera_values(namnd, 2025) == [None, None, None, None]
    deliver("alingsas", "annual", 2025)
    # Delivered but not yet released: the other executors owe the year too.
    assert activera_values(namnd, 2025) == [None, None, None, None]


def test_activera_counts_are_exactly_what_the_release_shows_the_förbund(namnd, participants):
    deliver_all("annual", 2025)
    table = released_participants(namnd, 2025)

    def shown(value: int | None) -> Decimal | str:
        return HIDDEN if value is None else Decimal(value)

    active, exited = table["row_keys"].index("active"), table["row_keys"].index("exited")
    expected = [
        shown(table["row_totals"][active]),
        shown(table["cells"][active][table["column_keys"].index("kvinna")]),
        shown(table["cells"][active][table["column_keys"].index("man")]),
        shown(table["row_totals"][exited]),
    ]
    assert activera_values(namnd, 2025) == expected
    # Alingsås had one woman and two men in 2025: the public report must not print them.
    assert expected[1] == HIDDEN and expected[2] == HIDDEN


def test_a_hidden_count_is_stored_as_text_and_shown_as_visas_ej(namnd, participants):
    deliver_all("annual", 2025)
    women = figure(namnd, 2025, "activera_participants_women")
    computed_values_refresh(namnd=namnd, year=2025)
    value = KeyFigureValue.objects.get(key_figure=women, year=2025)
    assert value.value is None and value.text == "visas ej" and value.origin == KeyFigureOrigin.COMPUTED
    # Years without a released annual delivery have no outcome.
    assert set(KeyFigureValue.objects.filter(key_figure=women).values_list("year", flat=True)) == {2025}

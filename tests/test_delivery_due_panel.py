"""The executor's delivery page says what is due under its agreement with the förbund – late,
due within 14 days, upcoming – and the period is chosen from a list of named periods."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from apps.activera.deliveries import delivery_submit
from apps.activera.delivery_periods import choice_label, parse_choice, period_groups
from apps.activera.due import DueState, due_for_units
from apps.forbund.executor_selectors import due_items
from insyn.errors import InsynError
from tests.activera_helpers import FAR_FUTURE, unit
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date


def _states(items) -> dict[tuple[str, int], str]:
    return {(i.kind, i.period): i.state for i in items}


def test_late_soon_and_upcoming_follow_the_agreements_due_dates(activera, forbund_officer):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    states = _states(due_items([unit()], D(2026, 5, 5)))
    assert states[("monthly", 1)] == states[("monthly", 3)] == DueState.LATE  # due 10 Feb, 10 April
    assert states[("monthly", 4)] == DueState.SOON  # due 10 May
    assert states[("tertial", 1)] == DueState.SOON
    # After those, the next one of each kind, and no more.
    assert states[("monthly", 5)] == DueState.UPCOMING and ("monthly", 6) not in states
    assert states[("tertial", 2)] == states[("interim", 0)] == states[("annual", 0)] == DueState.UPCOMING


def test_a_period_is_late_from_the_day_after_its_due_date(activera, forbund_officer):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    assert _states(due_items([unit()], D(2026, 5, 10)))[("tertial", 1)] == DueState.SOON
    assert _states(due_items([unit()], D(2026, 5, 11)))[("tertial", 1)] == DueState.LATE


def test_the_agreements_working_day_setting_moves_the_due_date(activera, forbund_officer):
    # 10 May 2026 is a Sunday.
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    assert next(i for i in due_items([unit()], D(2026, 5, 1)) if i.kind == "tertial").due == D(2026, 5, 10)
    agreement_for("lerum", year=2026, actor=forbund_officer, due_dates_move_to_working_day=True)
    moved = next(i for i in due_items([unit("lerum")], D(2026, 5, 1)) if i.kind == "tertial")
    assert moved.due == D(2026, 5, 11)


def test_a_submitted_delivery_is_no_longer_owed(activera, forbund_officer, caseworker_alingsas):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    states = _states(due_items([unit()], D(2026, 5, 5)))
    assert ("monthly", 3) not in states and states[("monthly", 2)] == DueState.LATE


def test_only_the_users_own_units_are_listed(activera, forbund_officer):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    agreement_for("lerum", year=2026, actor=forbund_officer)
    assert {i.unit.pk for i in due_for_units([unit("lerum")], D(2026, 5, 5))} == {unit("lerum").pk}
    assert due_for_units([], D(2026, 5, 5)) == []


def test_last_years_full_year_is_owed_in_february(activera, forbund_officer):
    agreement_for("alingsas", year=2025, actor=forbund_officer)
    annual = next(i for i in due_items([unit()], D(2026, 2, 1)) if i.kind == "annual")
    assert annual.due == D(2026, 2, 10) and annual.state == DueState.SOON


@freeze_time("2026-05-05 10:00:00")
def test_the_delivery_page_shows_late_in_words_and_the_due_date_in_long_form(
    activera, forbund_officer, caseworker_alingsas
):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    body = verified_client(caseworker_alingsas).get("/deltagare/leveranser/").content.decode()
    panel = body.split("Att lämna", 1)[1].split("</section>", 1)[0]
    assert '<td class="state state--overdue">Försenad</td>' in panel
    assert "Snart" in panel and "Kommande" in panel
    assert "10 februari 2026" in panel and "10 maj 2026" in panel
    assert f"unit={unit().pk}&amp;kind=monthly&amp;year=2026&amp;period=1" in panel
    assert "Förbered leveransen" in panel


@freeze_time("2026-05-05 10:00:00")
def test_without_an_agreement_nothing_is_owed(activera, caseworker_alingsas):
    body = verified_client(caseworker_alingsas).get("/deltagare/leveranser/").content.decode()
    assert "Inget att lämna just nu." in body


def test_the_period_list_names_months_tertials_interim_and_full_year():
    groups = period_groups(D(2026, 5, 5))
    labels = [label for group in groups for _, label in group.options]
    assert "januari 2026" in labels and "maj 2026" in labels and "juni 2026" not in labels
    assert "Tertial 1 (januari–april) 2026" in labels and "Tertial 2 (maj–augusti) 2026" in labels
    assert "Tertial 3 (september–december) 2026" not in labels  # not begun
    assert "Delår januari–augusti 2026" in labels and "Helår 2026" in labels
    assert "december 2025" in labels and "Helår 2024" in labels
    assert choice_label("tertial", 2026, 3) == "Tertial 3 (september–december) 2026"


def test_a_chosen_period_is_parsed_and_validated_on_the_server():
    assert parse_choice("monthly:2026:3") == ("monthly", 2026, 3)
    assert parse_choice("annual:2025:0") == ("annual", 2025, 0)
    for bad in ("monthly:2026:13", "tertial:2026:0", "weekly:2026:1", "monthly-2026-3", "monthly:x:1"):
        try:
            parse_choice(bad)
        except InsynError:
            continue
        raise AssertionError(bad)


@freeze_time("2026-05-05 10:00:00")
def test_the_form_offers_the_list_and_opens_the_chosen_period(activera, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    body = client.get("/deltagare/leveranser/").content.decode()
    assert '<label for="id_choice">Period</label>' in body
    assert '<option value="monthly:2026:4" selected>April 2026</option>' in body
    assert 'name="period"' not in body.split("Visa en leverans", 1)[1]
    preview = client.get("/deltagare/leveranser/forhandsvisning/", {"unit": unit().pk, "choice": "tertial:2026:1"})
    assert preview.status_code == 200
    assert "tertial 1 2026 (januari–april)" in preview.content.decode()
    # The download links carry the separate parameters, as before.
    assert "kind=tertial&amp;year=2026&amp;period=1&amp;format=xlsx" in preview.content.decode()
    refused = client.get("/deltagare/leveranser/forhandsvisning/", {"unit": unit().pk, "choice": "monthly:2026:13"})
    assert refused.status_code == 400
    assert "Ange månad 1–12." in refused.content.decode()


@freeze_time("2026-05-05 10:00:00")
def test_the_preview_of_a_late_period_says_it_is_late_and_by_which_date(activera, forbund_officer, caseworker_alingsas):
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    client = verified_client(caseworker_alingsas)
    url = "/deltagare/leveranser/forhandsvisning/"
    late = client.get(url, {"unit": unit().pk, "kind": "monthly", "year": 2026, "period": 2}).content.decode()
    assert "Försenad: enligt överenskommelsen skulle leveransen ha lämnats senast 10 mars 2026." in late
    soon = client.get(url, {"unit": unit().pk, "kind": "tertial", "year": 2026, "period": 1}).content.decode()
    assert "Snart: enligt överenskommelsen ska leveransen lämnas senast 10 maj 2026." in soon
    ongoing = client.get(url, {"unit": unit().pk, "kind": "monthly", "year": 2026, "period": 5}).content.decode()
    assert "enligt överenskommelsen" not in ongoing


@freeze_time("2026-05-05 10:00:00")
def test_the_delivery_page_does_not_grow_with_agreements_or_deliveries(activera, forbund_officer, caseworker_alingsas):
    client = verified_client(caseworker_alingsas)
    agreement_for("alingsas", year=2026, actor=forbund_officer)
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=1, today=FAR_FUTURE)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/deltagare/leveranser/").status_code == 200
        return len(queries)

    few = count()
    agreement_for("alingsas", year=2025, actor=forbund_officer)
    for month in (2, 3):
        delivery_submit(
            actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=month, today=FAR_FUTURE
        )
    assert count() == few

"""The internal control page of a report's year: the plan and its follow-up with the small tables
inside a result (seed 002's "Orosanmälningar och utredningar" with its share 48 %, 45 %, 39 %),
carrying remarked points over to next year's plan, Bilaga 2, and the municipality's signal scale
and due dates. Access: 404 outside the municipality, 403 for a reader who writes."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditAction, AuditEvent
from apps.yearend.document import due_date
from apps.yearend.models import (
    ControlPoint,
    ControlResultTable,
    GovernanceSettings,
    ProviderFollowUp,
    SignalStep,
    YearReport,
)
from apps.yearend.services.control import (
    control_follow_up_save,
    control_plan_carry_over,
    control_point_save,
    parse_result_grid,
    provider_follow_up_save,
)
from apps.yearend.services.control_styrmodell import StepInput, governance_settings_save, signal_scale_save
from apps.yearend.services.reports import year_report_ensure
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from tests.conftest import verified_client


def _base(report: YearReport) -> str:
    return f"/arsbokslut/{report.pk}/internkontroll/"


def _point(report: YearReport, position: int) -> ControlPoint:
    return ControlPoint.objects.get(namnd=report.namnd, year=report.year, position=position)


def _urls(report: YearReport) -> list[str]:
    base = _base(report)
    point = _point(report, 2)
    table = ControlResultTable.objects.get(follow_up__point=point)
    provider = ProviderFollowUp.objects.filter(namnd=report.namnd, year=report.year).first()
    assert provider is not None
    return [
        base,
        base + "punkter/ny/",
        base + f"punkter/{point.pk}/",
        base + f"punkter/{point.pk}/ta-bort/",
        base + f"punkter/{point.pk}/uppfoljning/",
        base + f"punkter/{point.pk}/tabeller/ny/",
        base + f"punkter/{point.pk}/tabeller/{table.pk}/",
        base + f"punkter/{point.pk}/tabeller/{table.pk}/ta-bort/",
        base + "for-over/",
        base + "utforare/ny/",
        base + f"utforare/{provider.pk}/",
        base + f"utforare/{provider.pk}/ta-bort/",
        base + "signalskala/",
        base + "datum/",
    ]


def _json(client: Client, report: YearReport) -> dict:
    response = client.get(f"/arsbokslut/{report.pk}/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _control_rows(document: dict) -> list[dict]:
    return next(t for t in document["tables"] if t["key"] == "internkontroll")["rows"]


def _scale_post(scale: list[SignalStep], **changes: str) -> dict[str, str]:
    data = {}
    for step in scale:
        key = f"scale-s{step.pk}"
        data |= {f"{key}_label": step.label, f"{key}_symbol": step.symbol, f"{key}_colour": step.colour}
        data[f"{key}_position"] = str(step.position)
    data.update({f"scale-{name}": value for name, value in changes.items()})
    return data


# --- The inner table -------------------------------------------------------------------------------


def test_the_seeds_inner_table_typed_through_the_page_gives_its_share_48_45_39_in_the_report_json(
    report, controller_alingsas
):
    client = verified_client(controller_alingsas)
    point = _point(report, 2)
    ControlResultTable.objects.filter(follow_up__point=point).delete()
    assert _control_rows(_json(client, report))[1].get("tables") is None

    response = client.post(
        _base(report) + f"punkter/{point.pk}/tabeller/ny/",
        {
            f"table-new-{point.pk}-title": "Orosanmälningar och utredningar",
            f"table-new-{point.pk}-columns": "2020;2021;2022",
            f"table-new-{point.pk}-grid": (
                "Antal barn orosanmälningar;677;793;830\r\nAntal inledda utredningar;327;359;326"
            ),
            f"table-new-{point.pk}-share_label": "Andel",
            f"table-new-{point.pk}-share_numerator_row": "2",
            f"table-new-{point.pk}-share_denominator_row": "1",
        },
    )

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Tabellen är sparad." in page.content.decode()
    assert "39 %" in page.content.decode()
    inner = _control_rows(_json(client, report))[1]["tables"][0]
    assert inner["columns"] == ["Orosanmälningar och utredningar", "2020", "2021", "2022"]
    assert [(r["label"], r["cells"]) for r in inner["rows"]] == [
        ("Antal barn orosanmälningar", ["677", "793", "830"]),
        ("Antal inledda utredningar", ["327", "359", "326"]),
        ("Andel", ["48 %", "45 %", "39 %"]),
    ]
    assert AuditEvent.objects.filter(action=AuditAction.YEAREND_CHANGE, object_type="control_result_table").exists()


def test_a_count_that_is_not_an_integer_is_refused_with_its_row_and_column_and_nothing_is_saved(
    report, controller_alingsas
):
    point = _point(report, 2)
    table = ControlResultTable.objects.get(follow_up__point=point)
    response = verified_client(controller_alingsas).post(
        _base(report) + f"punkter/{point.pk}/tabeller/{table.pk}/",
        {
            f"table-{table.pk}-title": "Orosanmälningar och utredningar",
            f"table-{table.pk}-columns": "2020;2021;2022",
            f"table-{table.pk}-grid": "Antal barn orosanmälningar;677;793;830\nAntal inledda utredningar;327;12,5;x",
            f"table-{table.pk}-share_label": "Andel",
            f"table-{table.pk}-share_numerator_row": "3",
            f"table-{table.pk}-share_denominator_row": "1",
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Rad 2, kolumn 2021: ”12,5” är inget heltal" in body
    assert "Rad 2, kolumn 2022: ”x” är inget heltal" in body
    assert "Rad 3 finns inte; tabellen har 2 rader." in body
    assert 'class="error-summary"' in body
    table.refresh_from_db()
    assert table.rows[1]["values"] == [327, 359, 326]


def test_the_grid_allows_spaces_between_thousands_and_tabs_from_a_spreadsheet():
    columns, rows, problems = parse_result_grid("2021\t2022", "Aktualiseringar\t1 204\t1 198")
    assert not problems
    assert columns == ["2021", "2022"]
    assert rows == [{"label": "Aktualiseringar", "values": [1204, 1198]}]


# --- The plan and its follow-up ----------------------------------------------------------------------


def test_a_point_is_added_moved_changed_and_deleted_through_the_page(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    base = _base(report)
    response = client.post(
        base + "punkter/ny/",
        {
            "point-new-risk": "Att placeringskostnaderna ökar",
            "point-new-checked": "Att antalet externa placeringar minskar",
            "point-new-frequency": "Del- och årsbokslut",
            "point-new-method": "Kontroll av antal placeringar",
            "point-new-position": "1",
        },
    )
    assert response.status_code == 302
    new = _point(report, 1)
    assert new.risk == "Att placeringskostnaderna ökar"
    assert _point(report, 2).risk == "Att digitaliseringen går långsamt"

    key = f"point-{new.pk}"
    response = client.post(
        base + f"punkter/{new.pk}/",
        {f"{key}-risk": "Ny risk", f"{key}-checked": "Vad", f"{key}-method": "Hur", f"{key}-frequency": "Årsbokslut"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.risk, new.frequency, new.position) == ("Ny risk", "Årsbokslut", 1)

    assert client.post(base + f"punkter/{new.pk}/ta-bort/").status_code == 302
    positions = list(ControlPoint.objects.filter(namnd=report.namnd, year=2022).values_list("position", flat=True))
    assert positions == [1, 2, 3, 4, 5]
    assert _point(report, 1).risk == "Att digitaliseringen går långsamt"


def test_a_point_without_risk_and_method_gets_every_problem_at_once_in_swedish(report, controller_alingsas):
    response = verified_client(controller_alingsas).post(
        _base(report) + "punkter/ny/",
        {"point-new-risk": " ", "point-new-checked": "Något", "point-new-frequency": "År", "point-new-method": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    summary = body.split('class="error-summary"')[1].split("</div>")[0]
    assert "Identifierad risk: Fyll i fältet." in summary
    assert "Metod: Fyll i fältet." in summary


def test_the_follow_up_of_the_reports_period_shows_its_assessment_as_symbol_and_text(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    point = _point(report, 3)
    response = client.post(
        _base(report) + f"punkter/{point.pk}/uppfoljning/",
        {f"follow-{point.pk}-assessment": "with_remark", f"follow-{point.pk}-result": "Utredningstiden ökade."},
    )
    assert response.status_code == 302
    page = client.get(_base(report)).content.decode()
    assert "▲ Genomförd med anmärkning" in page
    assert "● Genomförd utan anmärkning" in page
    assert _control_rows(_json(client, report))[2]["cells"][3] == "▲ Genomförd med anmärkning"


def test_an_approved_report_refuses_changes_to_its_plan_and_shows_no_forms(approved, controller_alingsas):
    with pytest.raises(Conflict):
        control_point_save(
            actor=controller_alingsas, report=approved, point=None, risk="R", checked="C", frequency="F", method="M"
        )
    with pytest.raises(Conflict):
        control_follow_up_save(
            actor=controller_alingsas, report=approved, point=_point(approved, 1), assessment="with_remark", result=""
        )
    page = verified_client(controller_alingsas).get(_base(approved)).content.decode()
    assert "Rapporten är godkänd och kan inte ändras." in page
    assert "Lägg till en kontrollpunkt" not in page


# --- Carry-over ---------------------------------------------------------------------------------------


def test_carrying_over_copies_exactly_the_remarked_point_once_into_next_years_plan(approved, controller_alingsas):
    draft_2023 = year_report_ensure(actor=controller_alingsas, namnd=approved.namnd, year=2023, period="annual")
    client = verified_client(controller_alingsas)
    for _ in range(2):
        assert client.post(_base(approved) + "for-over/").status_code == 302
    again = control_plan_carry_over(actor=controller_alingsas, namnd=approved.namnd, from_year=2022)

    assert again == []
    plan_2023 = list(ControlPoint.objects.filter(namnd=approved.namnd, year=2023))
    assert [(p.position, p.risk, p.carried_from_id) for p in plan_2023] == [
        (1, "Att digitaliseringen går långsamt", _point(approved, 1).pk)
    ]
    page = client.get(_base(draft_2023)).content.decode()
    assert "Att digitaliseringen går långsamt" in page
    assert "2022 års plan, punkt 1 (genomförd med anmärkning)" in page
    assert AuditEvent.objects.filter(object_type="control_plan").count() == 1


# --- Bilaga 2 -------------------------------------------------------------------------------------------


def test_a_provider_answered_nej_without_shortcomings_is_refused_in_swedish_before_the_database(
    report, controller_alingsas
):
    with pytest.raises(ValidationFailed) as refused:
        provider_follow_up_save(
            actor=controller_alingsas,
            report=report,
            provider=None,
            agreement="Adda – HVB",
            followed_up="IVO-tillstånd",
            met_requirements=False,
        )
    assert "beskriv vilka brister" in refused.value.fields["shortcomings"][0]

    response = verified_client(controller_alingsas).post(
        _base(report) + "utforare/ny/",
        {
            "provider-new-agreement": "Adda – HVB",
            "provider-new-followed_up": "IVO",
            "provider-new-met_requirements": "nej",
        },
    )
    assert response.status_code == 400
    assert (
        "Har leverantören inte uppfyllt kraven (Nej), beskriv vilka brister som iakttagits."
        in response.content.decode()
    )
    assert ProviderFollowUp.objects.filter(namnd=report.namnd, year=2022).count() == 2


def test_a_provider_row_is_added_changed_and_deleted_and_shows_in_bilaga_2(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    response = client.post(
        _base(report) + "utforare/ny/",
        {
            "provider-new-agreement": "Familjehem AB",
            "provider-new-followed_up": "Tillstånd",
            "provider-new-met_requirements": "nej",
            "provider-new-shortcomings": "Tillståndet saknades",
            "provider-new-measures": "Placeringen avslutad",
        },
    )
    assert response.status_code == 302
    rows = next(t for t in _json(client, report)["tables"] if t["key"] == "privata_utforare")["rows"]
    assert (rows[-1]["label"], rows[-1]["cells"][1:]) == (
        "Familjehem AB",
        ["Nej", "Tillståndet saknades", "-", "Placeringen avslutad"],
    )
    added = ProviderFollowUp.objects.get(agreement="Familjehem AB")
    assert client.post(_base(report) + f"utforare/{added.pk}/ta-bort/").status_code == 302
    assert not ProviderFollowUp.objects.filter(pk=added.pk).exists()


# --- The styrmodell --------------------------------------------------------------------------------------


def test_a_scale_colour_below_3_to_1_against_white_is_refused_with_its_contrast_ratio(report, head_alingsas):
    # A scale from before the check (seed 002's yellow) is refused when it is next saved.
    SignalStep.objects.filter(municipality=report.namnd.parent, label="Delvis uppfyllt").update(colour="#f2c200")
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent))
    yellow = next(s for s in scale if s.colour == "#f2c200")
    response = verified_client(head_alingsas).post(_base(report) + "signalskala/", _scale_post(scale))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Färgen #f2c200 har kontrasten 1,68:1 mot vitt" in body
    assert "minst 3:1" in body
    response = verified_client(head_alingsas).post(
        _base(report) + "signalskala/", _scale_post(scale, **{f"s{yellow.pk}_colour": "#8a6e00"})
    )
    assert response.status_code == 302
    yellow.refresh_from_db()
    assert yellow.colour == "#8a6e00"


def test_a_scale_needs_two_steps_different_labels_and_keeps_the_steps_assessments_use(report, head_alingsas):
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent))
    ok = [StepInput(f"s{s.pk}", s, s.label, "#1e7b34", s.symbol, s.position) for s in scale]
    with pytest.raises(ValidationFailed) as too_few:
        signal_scale_save(actor=head_alingsas, namnd=report.namnd, steps=[ok[0]])
    assert too_few.value.fields["scale"] == ["En signalskala behöver minst två steg."]
    duplicate = [ok[0], StepInput("n1", None, scale[0].label.upper(), "#1e7b34", "x", None), *ok[1:]]
    with pytest.raises(ValidationFailed) as twice:
        signal_scale_save(actor=head_alingsas, namnd=report.namnd, steps=duplicate)
    assert "finns redan i skalan" in twice.value.fields["n1_label"][0]
    used = [StepInput(i.key, i.step, i.label, i.colour, i.symbol, i.position, remove=True) for i in ok[2:]]
    with pytest.raises(ValidationFailed) as in_use:
        signal_scale_save(actor=head_alingsas, namnd=report.namnd, steps=[*ok[:2], *used])
    assert "används i bedömningar av mål och kan inte tas bort" in in_use.value.fields[f"s{scale[2].pk}_remove"][0]


def test_impossible_due_dates_are_refused_and_a_real_one_moves_the_reports_due_date(report, head_alingsas):
    with pytest.raises(ValidationFailed) as refused:
        governance_settings_save(
            actor=head_alingsas,
            namnd=report.namnd,
            annual_due_month=2,
            annual_due_day=31,
            interim_due_month=2,
            interim_due_day=29,
        )
    assert refused.value.fields["annual_due_day"] == ["31 februari finns inte. Välj en dag från 1 till 28."]
    assert refused.value.fields["interim_due_day"] == ["29 februari finns bara vissa år. Välj en dag från 1 till 28."]

    response = verified_client(head_alingsas).post(
        _base(report) + "datum/",
        {
            "dates-annual_due_day": "28",
            "dates-annual_due_month": "2",
            "dates-interim_due_day": "15",
            "dates-interim_due_month": "10",
        },
    )
    assert response.status_code == 302
    assert GovernanceSettings.objects.get(municipality=report.namnd.parent).interim_due_day == 15
    assert due_date(report).isoformat() == "2023-02-28"


def test_the_controller_reads_the_styrmodell_but_only_the_forvaltningschef_changes_it(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    page = client.get(_base(report)).content.decode()
    assert "Signalskala för bedömning av mål" in page
    assert "Ändra signalskalan" not in page
    assert client.post(_base(report) + "datum/", {}).status_code == 403
    with pytest.raises(NotPermitted):
        governance_settings_save(
            actor=controller_alingsas,
            namnd=report.namnd,
            annual_due_month=2,
            annual_due_day=20,
            interim_due_month=9,
            interim_due_day=30,
        )


# --- Access and the page's cost -----------------------------------------------------------------------------


def test_another_municipalitys_controller_gets_404_on_every_url_and_post(report, controller_lerum):
    client = verified_client(controller_lerum)
    for url in _urls(report):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert ControlPoint.objects.filter(namnd=report.namnd, year=2022).count() == 5


def test_the_auditor_reads_the_page_and_gets_403_on_every_post(report, auditor_alingsas):
    client = verified_client(auditor_alingsas)
    page = client.get(_base(report)).content.decode()
    assert "Att digitaliseringen går långsamt" in page
    assert "Lägg till en kontrollpunkt" not in page
    for url in _urls(report)[1:]:
        assert client.post(url, {}).status_code == 403, url
    assert ControlPoint.objects.filter(namnd=report.namnd, year=2022).count() == 5


def test_an_anonymous_visitor_is_sent_to_log_in_on_every_url(report):
    client = Client()
    for url in _urls(report):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/konto/logga-in/?next="), url


def test_a_post_only_url_answers_get_with_405_for_the_controller(report, controller_alingsas):
    assert verified_client(controller_alingsas).get(_base(report) + "for-over/").status_code == 405


def test_the_page_makes_as_many_queries_with_many_points_as_with_few(report, head_alingsas):
    client = verified_client(head_alingsas)
    client.get(_base(report))
    with CaptureQueriesContext(connection) as few:
        assert client.get(_base(report)).status_code == 200
    for number in range(6):
        control_point_save(
            actor=head_alingsas, report=report, point=None, risk=f"R{number}", checked="C", frequency="F", method="M"
        )
        control_follow_up_save(
            actor=head_alingsas,
            report=report,
            point=_point(report, 6 + number),
            assessment="without_remark",
            result="",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(_base(report)).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 25


def test_the_page_and_its_error_states_are_in_swedish(report, head_alingsas):
    from tests.test_pages_are_in_swedish import english_on

    client = verified_client(head_alingsas)
    scale = list(SignalStep.objects.filter(municipality=report.namnd.parent))
    pages = [
        client.get(_base(report)),
        client.post(_base(report) + "signalskala/", _scale_post(scale)),
        client.post(_base(report) + "datum/", {"dates-annual_due_day": "31", "dates-annual_due_month": "2"}),
        client.post(_base(report) + "utforare/ny/", {"provider-new-met_requirements": "nej"}),
    ]
    for response in pages:
        assert english_on(response.content.decode()) == []


def test_the_interim_report_follows_up_the_same_plan_for_its_own_period(report, controller_alingsas):
    interim = year_report_ensure(actor=controller_alingsas, namnd=report.namnd, year=2022, period="interim")
    client = verified_client(controller_alingsas)
    point = _point(report, 1)
    assert "Ej uppföljd ännu." in client.get(_base(interim)).content.decode()
    response = client.post(
        _base(interim) + f"punkter/{point.pk}/uppfoljning/",
        {f"follow-{point.pk}-assessment": "without_remark", f"follow-{point.pk}-result": "Vid delåret 31 procent."},
    )
    assert response.status_code == 302
    assert sorted(point.follow_ups.values_list("period", "assessment")) == [
        ("annual", "with_remark"),
        ("interim", "without_remark"),
    ]
    assert "Uppföljning vid delårsbokslutet" in client.get(_base(interim)).content.decode()


def test_personal_data_in_a_result_or_a_provider_row_is_refused_field_by_field(report, controller_alingsas):
    point = ControlPoint.objects.filter(namnd=report.namnd, year=report.year).first()
    with pytest.raises(ValidationFailed) as caught:
        control_follow_up_save(
            actor=controller_alingsas,
            report=report,
            point=point,
            assessment="with_remark",
            result="Ärendet gällde 19790126-1698, ring 070-123 45 67.",
        )
    assert set(caught.value.fields) == {"result"}
    with pytest.raises(ValidationFailed) as caught:
        provider_follow_up_save(
            actor=controller_alingsas,
            report=report,
            provider=None,
            agreement="Familjehem AB",
            followed_up="Tillstånd",
            met_requirements=False,
            shortcomings="Kontakta anna.svensson@example.se",
        )
    assert set(caught.value.fields) == {"shortcomings"}

"""The controller keeps the year's goals and key figures on the pages: the council's goals, the
nämnd's goals, the key figure tables and their figures with targets, outcomes entered by hand,
and next year's plan copied from this year's. Every write is audited, bad input is refused with
every problem in Swedish, an approved report refuses changes, and access stops at the
municipality."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.yearend.models import (
    CouncilGoal,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    NamndGoal,
    ReportText,
    YearReport,
)
from apps.yearend.services.editing import report_text_save
from apps.yearend.services.goals import (
    council_goal_delete,
    council_goal_save,
    goals_copy_from_year,
    key_figure_delete,
    key_figure_save,
    key_figure_value_save,
    namnd_goal_delete,
    namnd_goal_save,
)
from apps.yearend.services.reports import year_report_ensure
from insyn.errors import Conflict, ValidationFailed
from tests.conftest import verified_client


@pytest.fixture
def draft_2023(approved) -> YearReport:
    return year_report_ensure(actor=None, namnd=approved.namnd, year=2023, period="annual")


def _base(report: YearReport) -> str:
    return f"/arsbokslut/{report.pk}/mal-och-nyckeltal/"


def _figure_data(prefix: str, **values: str) -> dict[str, str]:
    data = {
        "name": "Antal hushåll med utbetalt försörjningsstöd",
        "source": "Verksamhetssystem Procapita Lifecare",
        "goal": "",
        "position": "",
        "target_direction": "le",
        "target": "215",
        "decimals": "1",
        "kolada_kpi": "",
        "kolada_gender": "T",
        "computed_measure": "",
    }
    data.update(values)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def _json_table(client: Client, report: YearReport, key: str) -> dict:
    response = client.get(f"/arsbokslut/{report.pk}/?format=json")
    assert response.status_code == 200
    return next(t for t in json.loads(response.content)["tables"] if t["key"] == key)


# --- Through the pages -------------------------------------------------------------------------------


def test_a_goal_a_key_figure_and_an_outcome_made_on_the_pages_appear_in_the_reports_table(
    draft_2023, controller_alingsas
):
    client = verified_client(controller_alingsas)
    base = _base(draft_2023)
    response = client.post(base + "fullmaktige/", {"cg-new-number": "2", "cg-new-title": "Goda livsmiljöer"})
    assert response.status_code == 302
    council_goal = CouncilGoal.objects.get(namnd=draft_2023.namnd, year=2023)
    assert client.get(response["Location"]).status_code == 200
    prefix = f"goal-new-{council_goal.pk}"
    client.post(
        base + f"fullmaktige/{council_goal.pk}/mal/",
        {
            f"{prefix}-title": "Antal hushåll som blir självförsörjande ska öka",
            f"{prefix}-indicator": "",
            f"{prefix}-agenda2030": "",
        },
    )
    goal = NamndGoal.objects.get(council_goal=council_goal)
    prefix = f"table-new-{council_goal.pk}"
    client.post(
        base + f"fullmaktige/{council_goal.pk}/tabeller/",
        {f"{prefix}-after_goal": str(goal.pk), f"{prefix}-measured_at": "31 dec", f"{prefix}-footnote": ""},
    )
    table = KeyFigureTable.objects.get(council_goal=council_goal)
    assert table.after_goal == goal
    response = client.post(
        base + f"tabeller/{table.pk}/nyckeltal/",
        {
            **_figure_data(f"kf-new-{table.pk}", goal=str(goal.pk), target="86", target_direction="ge"),
            f"kf-new-{table.pk}-show_direction": "on",
        },
    )
    assert response.status_code == 302
    figure = KeyFigure.objects.get(table=table)
    response = client.post(
        base + f"nyckeltal/{figure.pk}/utfall/",
        {
            f"out-{figure.pk}-year_2023": "17,4",
            f"out-{figure.pk}-year_2022": "Ej jämförbart*",
            f"out-{figure.pk}-year_2021": "",
        },
        follow=True,
    )
    assert "Utfallen för" in response.content.decode()
    value = KeyFigureValue.objects.get(key_figure=figure, year=2023)
    assert (value.value, value.origin) == (Decimal("17.4"), KeyFigureOrigin.MANUAL)
    page = client.get(base).content.decode()
    assert "17,4" in page and "Inmatat" in page

    json_table = _json_table(client, draft_2023, "nyckeltal-2-1")
    assert json_table["columns"] == [
        "Nyckeltal",
        "Mål 31 dec 2023",
        "Utfall 31 dec 2023",
        "Utfall 31 dec 2022",
        "Utfall 31 dec 2021",
    ]
    assert json_table["rows"][0]["cells"] == ["≥86", "17,4", "Ej jämförbart*", "-"]
    assert json_table["rows"][1]["label"] == "Källa: Verksamhetssystem Procapita Lifecare"
    changes = AuditEvent.objects.filter(object_type="year_report", object_id=str(draft_2023.pk))
    assert {"council_goal", "goal", "key_figure_table", "key_figure", "key_figure_values"} <= {
        e.details.get("change") for e in changes
    }


def test_bad_input_shows_every_problem_in_swedish_at_once_and_saves_nothing(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    table = KeyFigureTable.objects.filter(council_goal__namnd=report.namnd, council_goal__year=2022).first()
    before = KeyFigure.objects.count()
    response = client.post(
        _base(report) + f"tabeller/{table.pk}/nyckeltal/",
        _figure_data(
            f"kf-new-{table.pk}",
            name="",
            source="",
            target="8,5,1",
            kolada_kpi="abc",
            decimals="7",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Ange nyckeltalets namn.",
        "Ange källan.",
        "är inget tal",
        "Ange Kolada-nyckeltalets id",
        "från 0 till 4",
    ):
        assert message in body
    assert "Det finns fel i formuläret" in body
    response = client.post(
        _base(report) + f"tabeller/{table.pk}/nyckeltal/",
        _figure_data(f"kf-new-{table.pk}", kolada_kpi="N31807", computed_measure="activera_exits"),
    )
    assert "antingen från Kolada eller beräknas i Insyn" in response.content.decode()
    assert KeyFigure.objects.count() == before


def test_an_outcome_that_is_neither_a_number_nor_a_text_is_refused_with_all_years_at_once(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    figure = KeyFigure.objects.filter(table__council_goal__namnd=report.namnd).first()
    before = list(KeyFigureValue.objects.filter(key_figure=figure).values_list("year", "value", "text", "origin"))
    response = client.post(
        _base(report) + f"nyckeltal/{figure.pk}/utfall/",
        {
            f"out-{figure.pk}-year_2022": "12,3,4",
            f"out-{figure.pk}-year_2021": "1,23456",
            f"out-{figure.pk}-year_2020": "9",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "”12,3,4” är inget tal" in body and "Högst 4 decimaler." in body
    assert (
        list(KeyFigureValue.objects.filter(key_figure=figure).values_list("year", "value", "text", "origin")) == before
    )


def test_an_outcome_left_as_it_was_keeps_its_origin_and_a_changed_one_becomes_entered_by_hand(
    report, controller_alingsas
):
    figure = KeyFigure.objects.get(
        table__council_goal__namnd=report.namnd, name__startswith="Andel invånare som upplever"
    )
    client = verified_client(controller_alingsas)
    page = client.get(_base(report)).content.decode()
    assert "Inläst exempel" in page
    response = client.post(
        _base(report) + f"nyckeltal/{figure.pk}/utfall/",
        {
            f"out-{figure.pk}-year_2022": "17,4",
            f"out-{figure.pk}-year_2021": "19,5",
            f"out-{figure.pk}-year_2020": "Ej jämförbart*",
        },
    )
    assert response.status_code == 302
    origins = dict(KeyFigureValue.objects.filter(key_figure=figure).values_list("year", "origin"))
    assert origins == {2022: KeyFigureOrigin.IMPORTED, 2021: KeyFigureOrigin.MANUAL, 2020: KeyFigureOrigin.IMPORTED}
    assert (
        key_figure_value_save(actor=controller_alingsas, report=report, key_figure=figure, year=2021, entry="") is None
    )
    assert not KeyFigureValue.objects.filter(key_figure=figure, year=2021).exists()
    with pytest.raises(ValidationFailed) as refused:
        key_figure_value_save(actor=controller_alingsas, report=report, key_figure=figure, year=2019, entry="5")
    assert refused.value.fields == {"value": ["Utfall kan anges för 2022, 2021 och 2020."]}


def test_a_goal_is_placed_where_asked_and_the_others_move_down(report, controller_alingsas):
    council_goal = CouncilGoal.objects.get(namnd=report.namnd, year=2022, number=3)
    titles = list(council_goal.goals.values_list("title", flat=True))
    namnd_goal_save(
        actor=controller_alingsas,
        report=report,
        council_goal=council_goal,
        title="Nytt mål först",
        indicator="",
        agenda2030="",
        position=1,
    )
    assert list(council_goal.goals.order_by("position").values_list("title", flat=True)) == ["Nytt mål först", *titles]
    assert list(council_goal.goals.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(titles) + 2)
    )


def test_a_changed_target_moves_insyns_proposal_for_the_goal(report, controller_alingsas):
    from apps.yearend.selectors import goal_proposal_details

    figure = KeyFigure.objects.get(table__council_goal__namnd=report.namnd, name__startswith="Antal hushåll")
    before = goal_proposal_details(report)[figure.goal_id]
    fields = {name: getattr(figure, name) for name in ("name", "source", "goal", "show_direction", "decimals")}
    key_figure_save(
        actor=controller_alingsas,
        report=report,
        table=figure.table,
        key_figure=figure,
        target_direction="ge",
        target="1",
        kolada_kpi="",
        kolada_gender="T",
        computed_measure="",
        **fields,
    )
    after = goal_proposal_details(report)[figure.goal_id]
    assert after.met == before.met + 1
    assert report.assessments.get(goal=figure.goal).proposed == after.step


# --- Refusals ------------------------------------------------------------------------------------------


def test_an_approved_report_refuses_every_change_to_its_goals(approved, controller_alingsas):
    client = verified_client(controller_alingsas)
    response = client.post(
        _base(approved) + "fullmaktige/", {"cg-new-number": "7", "cg-new-title": "Nytt"}, follow=True
    )
    assert "Rapporten är godkänd och kan inte ändras" in response.content.decode()
    assert not CouncilGoal.objects.filter(number=7).exists()
    page = client.get(_base(approved)).content.decode()
    assert "Lägg till fullmäktiges mål" not in page and "Spara utfallen" not in page
    with pytest.raises(Conflict):
        council_goal_save(actor=controller_alingsas, report=approved, number=7, title="Nytt")


def test_deletes_refuse_while_something_depends_on_what_they_would_remove(
    report, approved, head_alingsas, controller_alingsas
):
    council_goal = CouncilGoal.objects.get(namnd=report.namnd, year=2022, number=2)
    with pytest.raises(Conflict, match="har nämndsmål eller nyckeltalstabeller"):
        council_goal_delete(actor=controller_alingsas, report=report, council_goal=council_goal)
    goal = council_goal.goals.first()
    with pytest.raises(Conflict, match="kommentar/analys i årsbokslutet 2022"):
        namnd_goal_delete(actor=controller_alingsas, report=report, goal=goal)
    # The delårsbokslut of the same year is a draft, but the approved årsbokslut has assessed the goal.
    from apps.yearend.services.editing import year_report_approve

    year_report_approve(actor=head_alingsas, report=report)
    interim = year_report_ensure(actor=None, namnd=report.namnd, year=2022, period="interim")
    figure = KeyFigure.objects.filter(goal=goal).first()
    with pytest.raises(Conflict, match="godkända årsbokslutet 2022"):
        key_figure_delete(actor=controller_alingsas, report=interim, key_figure=figure)
    assert KeyFigure.objects.filter(pk=figure.pk).exists()


def test_an_empty_goal_is_deleted_and_its_empty_text_with_it(report, controller_alingsas):
    council_goal = CouncilGoal.objects.get(namnd=report.namnd, year=2022, number=3)
    goal = namnd_goal_save(
        actor=controller_alingsas,
        report=report,
        council_goal=council_goal,
        title="Kort mål",
        indicator="",
        agenda2030="",
    )
    report_text_save(actor=controller_alingsas, report=report, key=f"goal-{goal.pk}", body="")
    client = verified_client(controller_alingsas)
    response = client.post(_base(report) + f"mal/{goal.pk}/ta-bort/", follow=True)
    assert "Nämndens mål är borttaget." in response.content.decode()
    assert not NamndGoal.objects.filter(pk=goal.pk).exists()
    assert not ReportText.objects.filter(key=f"goal-{goal.pk}").exists()
    positions = list(council_goal.goals.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


# --- Next year's plan ------------------------------------------------------------------------------------


def test_next_years_plan_is_copied_from_this_years_with_targets_and_without_outcomes(draft_2023, controller_alingsas):
    client = verified_client(controller_alingsas)
    page = client.get(_base(draft_2023)).content.decode()
    assert "Kopiera målen och nyckeltalen" in page
    response = client.post(_base(draft_2023) + "kopiera/", {"copy-from_year": "2022"}, follow=True)
    assert "Målen och nyckeltalen är kopierade." in response.content.decode()
    old = KeyFigure.objects.filter(table__council_goal__year=2022).order_by(
        "table__council_goal__number", "table__position", "position"
    )
    new = KeyFigure.objects.filter(table__council_goal__year=2023).order_by(
        "table__council_goal__number", "table__position", "position"
    )
    assert [(f.name, f.target_value, f.target_direction, f.source) for f in new] == [
        (f.name, f.target_value, f.target_direction, f.source) for f in old
    ]
    assert [f.goal.title if f.goal else None for f in new] == [f.goal.title if f.goal else None for f in old]
    assert not KeyFigureValue.objects.filter(key_figure__in=new).exists()
    assert (
        NamndGoal.objects.filter(council_goal__year=2023).count()
        == NamndGoal.objects.filter(council_goal__year=2022).count()
    )
    assert "Kopiera målen och nyckeltalen" not in client.get(_base(draft_2023)).content.decode()
    with pytest.raises(Conflict, match="Det finns redan mål för 2023"):
        goals_copy_from_year(actor=controller_alingsas, namnd=draft_2023.namnd, from_year=2022, to_year=2023)
    with pytest.raises(ValidationFailed, match="inga mål för 2019"):
        goals_copy_from_year(actor=controller_alingsas, namnd=draft_2023.namnd, from_year=2019, to_year=2024)
    assert AuditEvent.objects.filter(details__change="goals_copied", details__to_year=2023).count() == 1


# --- Access -----------------------------------------------------------------------------------------------


def _goal_urls(report: YearReport) -> list[str]:
    council_goal = CouncilGoal.objects.filter(namnd=report.namnd, year=report.year).first()
    goal = council_goal.goals.first()
    table = council_goal.key_figure_tables.first()
    figure = table.key_figures.first()
    base = _base(report)
    return [
        base,
        base + "kopiera/",
        base + "fullmaktige/",
        base + f"fullmaktige/{council_goal.pk}/",
        base + f"fullmaktige/{council_goal.pk}/ta-bort/",
        base + f"fullmaktige/{council_goal.pk}/mal/",
        base + f"fullmaktige/{council_goal.pk}/tabeller/",
        base + f"mal/{goal.pk}/",
        base + f"mal/{goal.pk}/ta-bort/",
        base + f"tabeller/{table.pk}/",
        base + f"tabeller/{table.pk}/ta-bort/",
        base + f"tabeller/{table.pk}/nyckeltal/",
        base + f"nyckeltal/{figure.pk}/",
        base + f"nyckeltal/{figure.pk}/ta-bort/",
        base + f"nyckeltal/{figure.pk}/utfall/",
    ]


def test_another_municipalitys_controller_gets_404_on_every_goal_url_and_post(report, controller_lerum):
    client = verified_client(controller_lerum)
    before = (
        CouncilGoal.objects.count(),
        NamndGoal.objects.count(),
        KeyFigure.objects.count(),
        KeyFigureValue.objects.count(),
    )
    for url in _goal_urls(report):
        assert client.get(url).status_code == 404, url
        response = client.post(url, {"cg-new-number": "9", "cg-new-title": "Intrång"})
        assert response.status_code == 404, url
        assert "Antal hushåll" not in response.content.decode()
    after = (
        CouncilGoal.objects.count(),
        NamndGoal.objects.count(),
        KeyFigure.objects.count(),
        KeyFigureValue.objects.count(),
    )
    assert after == before


def test_an_auditor_reads_the_goals_but_gets_403_on_every_write(report, auditor_alingsas):
    client = verified_client(auditor_alingsas)
    page = client.get(_base(report))
    assert page.status_code == 200
    assert "Antal hushåll med utbetalt försörjningsstöd" in page.content.decode()
    assert "Spara utfallen" not in page.content.decode()
    for url in _goal_urls(report)[1:]:
        assert client.post(url, {}).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_log_in_on_every_goal_url(report):
    client = Client()
    for url in _goal_urls(report):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/konto/logga-in/?next="), url


def test_a_get_on_a_write_url_is_not_allowed(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    assert client.get(_base(report) + "kopiera/").status_code == 405


def test_the_goals_page_reads_a_bounded_number_of_queries(report, controller_alingsas, django_assert_max_num_queries):
    client = verified_client(controller_alingsas)
    client.get(_base(report))
    with django_assert_max_num_queries(20):
        response = client.get(_base(report))
    assert response.status_code == 200

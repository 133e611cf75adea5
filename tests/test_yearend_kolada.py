"""A Kolada file (API v2 data, as Kolada answers it) fills the outcomes of the key figures that ask
for its KPI and gender, all or nothing, every problem with row and column, in Swedish."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from apps.audit.models import AuditAction, AuditEvent
from apps.organisations.models import Organisation, OrganisationKind
from apps.yearend.models import CouncilGoal, KeyFigure, KeyFigureOrigin, KeyFigureTable, KeyFigureValue
from apps.yearend.services.kolada import MissingValue, kolada_import
from insyn.errors import ImportFailed, NotPermitted, ValidationFailed
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "kolada_alingsas_n31807.json").read_bytes()
ERRORS = (DATA / "kolada_alingsas_errors.json").read_bytes()
TRUNCATED = (DATA / "kolada_truncated.json").read_bytes()
NAME = "Ej återaktualiserade vuxna personer med försörjningsstöd ett år efter avslutat försörjningsstöd, andel (%)"


@pytest.fixture
def namnd(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="alingsas-socialnamnd")


def key_figures(namnd: Organisation, *genders: str, kpi: str = "N31807", year: int = 2022) -> dict[str, KeyFigure]:
    goal, _ = CouncilGoal.objects.get_or_create(
        namnd=namnd, year=year, number=2, defaults={"title": "I Alingsås finns goda livsmiljöer"}
    )
    table, _ = KeyFigureTable.objects.get_or_create(council_goal=goal, position=1)
    figures = {}
    for gender in genders:
        position = table.key_figures.count() + 1
        figures[gender] = KeyFigure.objects.create(
            table=table,
            position=position,
            name=f"{NAME}, {gender}",
            source="Hämtat från verksamhetssystemet, rapporteras in till Kolada",
            target_value=Decimal(86),
            kolada_kpi=kpi,
            kolada_gender=gender,
        )
    return figures


def outcomes(figure: KeyFigure) -> dict[int, Decimal | None]:
    return {v.year: v.value for v in KeyFigureValue.objects.filter(key_figure=figure)}


def test_a_kolada_file_fills_the_outcomes_of_the_key_figures_that_ask_for_its_kpi_and_gender(namnd):
    figures = key_figures(namnd, "T", "K", "M")
    result = kolada_import(actor=None, namnd=namnd, data=GOOD)
    assert outcomes(figures["T"]) == {2020: Decimal(76), 2021: Decimal(86), 2022: Decimal(81)}
    assert outcomes(figures["K"]) == {2020: Decimal(74), 2021: Decimal(88), 2022: Decimal("80.5")}
    assert outcomes(figures["M"]) == {2020: Decimal(78), 2021: Decimal(84)}
    assert set(KeyFigureValue.objects.values_list("origin", flat=True)) == {KeyFigureOrigin.KOLADA}
    assert result.written == 8 and result.figures == 3 and result.years == [2020, 2021, 2022]
    assert result.unmatched == ["N00945 T"]
    assert result.missing == [MissingValue("N31807", "M", 2022, "Saknas")]
    assert str(result.missing[0]) == "N31807 M 2022: värde saknas i Kolada (Saknas)"
    assert result.more_pages is False
    assert result.summary() == (
        "8 utfall för 3 nyckeltal inlästa; 1 saknar värde i Kolada; inget nyckeltal för N00945 T."
    )


def test_the_import_is_audited_once_in_the_nämnds_municipality(namnd):
    key_figures(namnd, "T")
    kolada_import(actor=None, namnd=namnd, data=GOOD)
    event = AuditEvent.objects.get(action=AuditAction.YEAREND_IMPORT)
    assert event.object_type == "yearend_figures" and event.object_id == "alingsas-socialnamnd:kolada"
    assert event.municipality_slug == "alingsas"
    assert event.details["kind"] == "kolada" and event.details["kommunkod"] == "1489"
    assert event.details["written"] == 3 and event.details["years"] == [2020, 2021, 2022]


def test_a_kolada_value_replaces_what_was_there_and_a_missing_one_leaves_the_year_as_it_was(namnd):
    figures = key_figures(namnd, "T", "M")
    KeyFigureValue.objects.create(key_figure=figures["T"], year=2021, value=Decimal(85), origin=KeyFigureOrigin.MANUAL)
    KeyFigureValue.objects.create(key_figure=figures["M"], year=2022, value=Decimal(83), origin=KeyFigureOrigin.MANUAL)
    kolada_import(actor=None, namnd=namnd, data=GOOD)
    replaced = KeyFigureValue.objects.get(key_figure=figures["T"], year=2021)
    assert replaced.value == Decimal(86) and replaced.origin == KeyFigureOrigin.KOLADA
    kept = KeyFigureValue.objects.get(key_figure=figures["M"], year=2022)
    assert kept.value == Decimal(83) and kept.origin == KeyFigureOrigin.MANUAL
    # Read again, nothing changes.
    again = kolada_import(actor=None, namnd=namnd, data=GOOD)
    assert again.written == 5 and KeyFigureValue.objects.count() == 6


def test_every_problem_in_a_kolada_file_is_reported_with_row_and_column_and_nothing_is_written(namnd):
    figures = key_figures(namnd, "T", "K")
    with pytest.raises(ImportFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=ERRORS)
    problems = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert problems == [
        (2, "values[1].municipality", "Värdet gäller kommun 1401, inte nämndens kommun (1489)."),
        (3, "values[2].period", "”2022H1” är inget år mellan 2000 och 2100."),
        (4, "values[3].values[0].value", "”86” är inget tal."),
        (4, "values[3].values[1].gender", "”F” är inget kön i Kolada; använd T, K eller M."),
        (5, "values[4].kpi", "Nyckeln saknas."),
        (6, "values[5].values[0].gender", "N31807 2022 kön T finns redan på rad 1."),
    ]
    assert caught.value.message == "Inget importerades: 6 fel."
    assert caught.value.fields["file"][0] == (
        "Rad 2, kolumn values[1].municipality: Värdet gäller kommun 1401, inte nämndens kommun (1489)."
    )
    assert not KeyFigureValue.objects.filter(key_figure__in=figures.values()).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.YEAREND_IMPORT).exists()


def test_a_file_that_is_not_json_is_refused_in_swedish(namnd):
    with pytest.raises(ImportFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=TRUNCATED)
    (problem,) = caught.value.problems
    assert problem.row == 0 and problem.message.startswith("Filen är inte JSON (rad 2, tecken 1)")


@pytest.mark.parametrize(
    ("document", "column", "message"),
    [
        ([], "", "Filen ska vara ett JSON-objekt med listan values, som Kolada svarar."),
        ({"count": 0}, "values", "Nyckeln saknas; det är listan över Koladas värden."),
        ({"values": {"kpi": "N31807"}}, "values", "Ska vara en lista."),
        ({"values": []}, "values", "Filen har inga värden."),
    ],
)
def test_a_file_without_kolada_values_is_refused(namnd, document, column, message):
    with pytest.raises(ImportFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=json.dumps(document).encode())
    assert [(p.column, p.message) for p in caught.value.problems] == [(column, message)]


def test_wrong_types_inside_a_value_are_each_reported(namnd):
    document = {
        "values": [
            "N31807",
            {"kpi": 31807, "municipality": 1489, "period": True, "values": {"gender": "T"}},
            {"kpi": "N31807", "municipality": "1489", "period": 2022, "values": [{"gender": "T", "value": True}]},
            {"kpi": "N31807", "municipality": "1489", "period": 1999, "values": [{"gender": "T"}]},
        ]
    }
    with pytest.raises(ImportFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=json.dumps(document).encode())
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (1, "values[0]"),
        (2, "values[1].kpi"),
        (2, "values[1].municipality"),
        (2, "values[1].period"),
        (2, "values[1].values"),
        (3, "values[2].values[0].value"),
        (4, "values[3].period"),
        (4, "values[3].values[0].value"),
    ]


def test_a_file_of_another_municipality_is_refused_when_the_user_names_that_kommunkod(namnd):
    key_figures(namnd, "T")
    with pytest.raises(ImportFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=GOOD, kommunkod="1401")
    assert {p.column for p in caught.value.problems} == {f"values[{i}].municipality" for i in range(4)}
    assert not KeyFigureValue.objects.exists()


def test_a_nämnd_whose_kommunkod_insyn_does_not_know_needs_it_given(insjoriket):
    vara = Organisation.objects.create(
        slug="vara", name="Vara kommun", kind=OrganisationKind.MUNICIPALITY, code_prefix="VAR"
    )
    namnd = Organisation.objects.create(
        slug="vara-socialnamnd", name="Socialnämnden Vara", kind=OrganisationKind.SOCIAL_COMMITTEE, parent=vara
    )
    with pytest.raises(ValidationFailed) as caught:
        kolada_import(actor=None, namnd=namnd, data=GOOD)
    assert "kommunkod" in caught.value.fields
    figures = key_figures(namnd, "T")
    result = kolada_import(actor=None, namnd=namnd, data=GOOD.replace(b'"1489"', b'"1470"'), kommunkod="1470")
    assert result.written == 3 and outcomes(figures["T"])[2022] == Decimal(81)


def test_only_the_nämnds_own_key_figures_are_filled(namnd):
    own = key_figures(namnd, "T")
    lerum = key_figures(Organisation.objects.get(slug="lerum-socialnamnd"), "T")
    kolada_import(actor=None, namnd=namnd, data=GOOD)
    assert len(outcomes(own["T"])) == 3 and outcomes(lerum["T"]) == {}


def test_one_page_of_several_is_read_and_said_to_be_partial(namnd):
    key_figures(namnd, "T")
    document = json.loads(GOOD)
    document["next_page"] = "http://api.kolada.se/v2/data/kpi/N31807/municipality/1489/year/2020,2021,2022?page=2"
    result = kolada_import(actor=None, namnd=namnd, data=json.dumps(document).encode())
    assert result.more_pages and "bara en sida av svaret" in result.summary()


def test_a_controller_imports_for_the_own_municipality_only(namnd):
    key_figures(namnd, "T")
    own = make_user("cilla.controller", "yearend_controller", "alingsas")
    other = make_user("lova.controller", "yearend_controller", "lerum")
    auditor = make_user("rolf.revisor", "auditor", "alingsas")
    for user in (other, auditor):
        with pytest.raises(NotPermitted):
            kolada_import(actor=user, namnd=namnd, data=GOOD)
    assert kolada_import(actor=own, namnd=namnd, data=GOOD).written == 3
    assert AuditEvent.objects.get(action=AuditAction.YEAREND_IMPORT).actor_username == "cilla.controller"

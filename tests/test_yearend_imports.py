"""The ledger's and HR system's files: all or nothing, every problem with row and column, in
Swedish; a good file replaces the figures of its years and is audited."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.organisations.models import Organisation
from apps.yearend.models import LedgerFigure, PrognosisFigure, SickLeaveFigure, StaffFigure
from apps.yearend.services.imports import figures_import
from insyn.errors import ImportFailed, NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def namnd(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="alingsas-socialnamnd")


def csv(text: str) -> bytes:
    return text.strip().encode() + b"\n"


GOOD_ECONOMY = csv(
    """
år;kontogrupp;budget_kr;utfall_kr
2022;intakter;12 686 000;14965900,00
2022;personalkostnader;-121932000;-115110700
"""
)


def test_a_good_economy_file_is_stored_in_kronor_and_audited(namnd):
    result = figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=GOOD_ECONOMY)
    assert result.rows == 2 and result.years == [2022]
    income = LedgerFigure.objects.get(namnd=namnd, year=2022, group="intakter")
    assert income.budget_kr == Decimal("12686000") and income.outcome_kr == Decimal("14965900")
    event = AuditEvent.objects.get(action=AuditAction.YEAREND_IMPORT)
    assert event.municipality_slug == "alingsas" and event.details["kind"] == "economy"


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(namnd):
    figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=GOOD_ECONOMY)
    bad = csv(
        """
år;kontogrupp;budget_kr;utfall_kr
2022;intakter;1;2
1999;lon;abc;
2022;intakter;1;2
2022;lokalhyror;0,001;5
"""
    )
    with pytest.raises(ImportFailed) as caught:
        figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=bad)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "Rad 3, kolumn år: ”1999” är inget år mellan 2000 och 2100.",
        "Rad 3, kolumn kontogrupp: ”lon” är okänt; använd något av intakter, personalkostnader, lokalhyror, "
        "kop_av_tjanster, ovriga_kostnader, kommunbidrag, finansnetto.",
        "Rad 3, kolumn budget_kr: ”abc” är inget tal.",
        "Rad 3, kolumn utfall_kr: Värdet saknas.",
        "Rad 4, kolumn kontogrupp: Samma uppgift finns redan på rad 2.",
        "Rad 5, kolumn budget_kr: Belopp anges i kronor med högst två decimaler.",
    ]
    # The earlier import stands untouched.
    assert LedgerFigure.objects.get(namnd=namnd, year=2022, group="intakter").budget_kr == Decimal("12686000")


def test_a_file_without_the_expected_columns_names_them(namnd):
    with pytest.raises(ImportFailed) as caught:
        figures_import(actor=None, namnd=namnd, kind="staff", filename="s.csv", data=csv("år;värde\n2022;3"))
    assert (
        str(caught.value.problems[0]) == "Rad 1, kolumn mått: Kolumnen saknas; filen ska ha rubrikraden år;mått;värde."
    )


def test_sick_hours_beyond_the_ordinary_hours_are_refused(namnd):
    data = csv("år;grupp;sjuktimmar;ordinarie_timmar\n2022;kvinnor;200;100\n2022;man;1;0")
    with pytest.raises(ImportFailed) as caught:
        figures_import(actor=None, namnd=namnd, kind="sickleave", filename="s.csv", data=data)
    assert [str(p) for p in caught.value.problems] == [
        "Rad 2, kolumn sjuktimmar: Sjuktimmarna är fler än de ordinarie timmarna.",
        "Rad 3, kolumn ordinarie_timmar: Ordinarie timmar måste vara fler än noll.",
    ]
    assert not SickLeaveFigure.objects.exists()


def test_a_second_file_replaces_the_figures_it_names_and_keeps_the_rest(namnd):
    figures_import(
        actor=None,
        namnd=namnd,
        kind="staff",
        filename="s.csv",
        data=csv("år;mått;värde\n2022;tillbud;8\n2022;arbetsskador;2"),
    )
    figures_import(actor=None, namnd=namnd, kind="staff", filename="s.csv", data=csv("år;mått;värde\n2022;tillbud;18"))
    values = dict(StaffFigure.objects.filter(namnd=namnd).values_list("measure", "value"))
    assert values == {"tillbud": Decimal("18"), "arbetsskador": Decimal("2")}


def test_interim_figures_are_kept_apart_from_the_full_year(namnd):
    figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=GOOD_ECONOMY)
    figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=GOOD_ECONOMY, period="interim")
    assert LedgerFigure.objects.filter(namnd=namnd, period="interim").count() == 2
    assert LedgerFigure.objects.filter(namnd=namnd, period="annual").count() == 2


def test_prognoses_keep_the_order_of_the_file(namnd):
    data = csv(
        "år;avstämningstillfälle;prognos_kr\n2022;Fördjupad månadsuppföljning;2000000\n2022;Delårsbokslut;6400000"
    )
    figures_import(actor=None, namnd=namnd, kind="prognoses", filename="p.csv", data=data)
    assert list(PrognosisFigure.objects.filter(namnd=namnd).values_list("position", "occasion")) == [
        (1, "Fördjupad månadsuppföljning"),
        (2, "Delårsbokslut"),
    ]


def test_an_xlsx_file_is_read_like_a_csv(namnd):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["år", "mått", "värde"])
    sheet.append([2022, "medelalder", 45.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    figures_import(actor=None, namnd=namnd, kind="staff", filename="s.xlsx", data=buffer.getvalue())
    assert StaffFigure.objects.get(namnd=namnd, measure="medelalder").value == Decimal("45")


def test_a_user_of_another_municipality_may_not_import(namnd, caseworker_lerum):
    with pytest.raises(NotPermitted):
        figures_import(actor=caseworker_lerum, namnd=namnd, kind="economy", filename="e.csv", data=GOOD_ECONOMY)


def test_the_command_prints_every_problem_and_fails(namnd, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_bytes(csv("år;kontogrupp;budget_kr;utfall_kr\n2022;intakter;x;1"))
    with pytest.raises(CommandError, match=r"Inget importerades: 1 fel\."):
        call_command("yearend", "import", "economy", "--namnd", "alingsas-socialnamnd", str(path))
    assert "Rad 2, kolumn budget_kr: ”x” är inget tal." in capsys.readouterr().err


def test_the_command_names_the_known_namnder_for_an_unknown_one(insjoriket, tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(GOOD_ECONOMY)
    with pytest.raises(CommandError, match="Kända nämnder: alingsas-socialnamnd"):
        call_command("yearend", "import", "economy", "--namnd", "nope", str(path))

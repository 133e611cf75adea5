"""The tables of a delårsbokslut and of a year without the year before: the right headings, "-"
where nothing is known, and a deficit said as one."""

from __future__ import annotations

import pytest

from apps.organisations.models import Organisation
from apps.yearend.document import build_document, due_date
from apps.yearend.models import Period
from apps.yearend.services.imports import figures_import
from apps.yearend.services.reports import year_report_ensure
from apps.yearend.tables.economy import drift_table, result_summary
from apps.yearend.tables.staff import sick_leave_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def namnd(insjoriket) -> Organisation:
    return Organisation.objects.get(slug="lerum-socialnamnd")


ECONOMY = (
    "år;kontogrupp;budget_kr;utfall_kr\n"
    "2026;intakter;8000000;7000000\n"
    "2026;personalkostnader;-80000000;-82000000\n"
    "2026;kommunbidrag;72000000;72000000\n"
).encode()


def test_an_interim_drift_table_is_headed_january_to_august(namnd):
    figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=ECONOMY, period="interim")
    table = drift_table(namnd, 2026, "interim")
    assert table.columns == [
        "Belopp i tkr",
        "Budget jan–aug 2026",
        "Utfall jan–aug 2026",
        "Avv. utfall/ budget jan–aug 2026",
        "Utfall jan–aug 2025",
        "Diff. utfall 2026/2025",
    ]
    assert table.row("Årets resultat").cells == ["0", "-3 000", "-3 000", "-", "-"]
    # A ledger group the file did not name is unknown, not zero.
    assert table.row("Lokalhyror").cells == ["-", "-", "-", "-", "-"]


def test_a_deficit_is_said_as_one_with_its_share_of_the_grant(namnd):
    figures_import(actor=None, namnd=namnd, kind="economy", filename="e.csv", data=ECONOMY)
    summary = result_summary(namnd, 2026)
    assert summary is not None
    assert summary["sentence"] == "ett underskott om 3,0 mnkr, vilket motsvarar 4,2 procent av kommunbidraget"


def test_interim_sick_leave_covers_january_to_august(namnd):
    data = b"\xc3\xa5r;grupp;sjuktimmar;ordinarie_timmar\n2026;totalt;50;1000\n"
    figures_import(actor=None, namnd=namnd, kind="sickleave", filename="s.csv", data=data, period="interim")
    table = sick_leave_table(namnd, 2026, "interim")
    assert table.notes == ["*Avser perioden 1 januari - 31 augusti"]
    assert table.columns == ["Sjukfrånvaro* (%)", "jan–aug 2025", "jan–aug 2026", "Differens"]
    assert table.row("Total sjukfrånvaro").cells == ["-", "5,0", "-"]


def test_a_new_interim_report_says_when_it_is_due_and_what_is_proposed(namnd):
    report = year_report_ensure(actor=None, namnd=namnd, year=2026, period=Period.INTERIM)
    assert due_date(report).isoformat() == "2026-09-30"
    memo = build_document(report).as_json()["memo"]
    assert memo["title"] == "Socialnämndens delårsbokslut 2026"
    assert memo["proposal"] == ["Socialnämndens delårsbokslut 2026 godkänns."]
    assert "senast den 30 september" in memo["case"][0]


def test_an_annual_report_is_due_on_20_february_the_next_year(namnd):
    report = year_report_ensure(actor=None, namnd=namnd, year=2026, period=Period.ANNUAL)
    assert due_date(report).isoformat() == "2027-02-20"

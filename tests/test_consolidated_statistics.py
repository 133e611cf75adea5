"""The förbund's consolidated statistics: what has been released to it, side by side and summed."""

from __future__ import annotations

import datetime
import io

import openpyxl
from pypdf import PdfReader

from apps.activera.deliveries import period_close
from apps.activera.models import Programme
from apps.forbund.consolidated import deliveries_side_by_side, places_used, referrals_by_month
from apps.organisations.models import Organisation
from tests.activera_helpers import FAR_FUTURE, deliver, deliver_all, refer, unit
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date


def _forbund() -> Organisation:
    return Organisation.objects.get(slug="insjoriket")


def _groups(table, row_label):  # type: ignore[no-untyped-def]
    row = dict(table.body())[row_label]
    width = len(table.groups[0].columns)
    return {g.name: row[i * width : (i + 1) * width] for i, g in enumerate(table.groups)}


def test_monthly_deliveries_side_by_side_with_the_forbund_sum(activera):
    for n in range(6):
        refer(unit("alingsas"), received_on=D(2026, 3, 2 + n), serial=n, gender="man", party="region")
        refer(unit("lerum"), received_on=D(2026, 3, 2 + n), serial=10 + n, party="region", residence="lerum")
    deliver_all("monthly", 2026, 3)
    data = deliveries_side_by_side(forbund=_forbund(), kind="monthly", year=2026, period=3)
    (table,) = data["tables"]
    assert [g.name for g in table.groups][-1] == "Förbundet"
    assert table.groups[0].columns == ["Kvinna", "Man", "Annat/vill inte ange", "Totalt"]
    groups = _groups(table, "Regionens hälso- och sjukvård")
    assert groups["Alingsås kommun"] == [0, 6, 0, 6]
    assert groups["Lerums kommun"] == [6, 0, 0, 6]
    assert groups["Förbundet"] == [6, 6, 0, 12]
    assert data["delivered_count"] == 5
    # The totals row adds the rows of the table, not unlike things.
    assert _groups(table, "Totalt")["Förbundet"][-1] == 12


def test_nothing_of_an_unreleased_period_reaches_the_forbund(activera):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1)
    deliver("alingsas", "monthly", 2026, 3)
    data = deliveries_side_by_side(forbund=_forbund(), kind="monthly", year=2026, period=3)
    assert data["tables"] == [] and data["delivered_count"] == 0 and data["total"] is None


def test_referrals_per_month_by_gender_and_party_come_from_the_released_months(activera, forbund_officer):
    for n in range(5):
        refer(unit("alingsas"), received_on=D(2026, 1, 12 + n), serial=n, gender="man", party="egen_anmalan")
    deliver_all("monthly", 2026, 1)
    deliver_all("monthly", 2026, 2)
    month, party = referrals_by_month(forbund=_forbund(), year=2026)
    rows = dict(month.body())
    assert rows["Januari 2026"][-4:] == [0, 5, 0, 5]
    assert rows["Februari 2026"][-4:] == [0, 0, 0, 0]
    assert rows["Mars 2026"][-4:] == [None] * 4  # not released
    assert dict(party.body())["Egen anmälan"][-4:] == [0, 5, 0, 5]


def test_a_sum_over_months_is_shown_only_where_every_month_is(activera, forbund_officer):
    refer(unit("alingsas"), received_on=D(2026, 1, 12), serial=1, gender="man", party="egen_anmalan")
    deliver_all("monthly", 2026, 1)
    _month, party = referrals_by_month(forbund=_forbund(), year=2026)
    alingsas = _groups(party, "Egen anmälan")["Alingsås kommun"]
    assert alingsas[1] is None  # January hid the single referral: its year's sum cannot show it


def test_places_used_against_the_places_of_those_in_the_sum(activera, forbund_officer):
    for slug in ("alingsas", "lerum", "molndal"):
        agreement_for(slug, year=2025, actor=forbund_officer, max_amount=1_650_000, places=85)
    deliver("alingsas", "annual", 2025)
    deliver("lerum", "annual", 2025)
    period_close(actor=forbund_officer, programme=Programme.objects.get(), kind="annual", year=2025, period=0)
    rows = dict(places_used(forbund=_forbund(), year=2025).body())
    assert rows["Alingsås kommun"][0] == 85 and rows["Alingsås kommun"][-1] == "helår"
    assert rows["Mölndals stad"][-1] == "ej publicerad"
    assert rows["Förbundet"][0] == 170  # Mölndal has not delivered: its places are not in the share


def test_the_consolidated_pages_export_xlsx_and_pdf(activera, forbund_officer, pdf_support):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1)
    deliver_all("monthly", 2026, 3, slugs=["alingsas", "lerum"])
    period_close(actor=forbund_officer, programme=Programme.objects.get(), kind="monthly", year=2026, period=3)
    client = verified_client(forbund_officer)
    query = {"kind": "monthly", "year": 2026, "period": 3}
    page = client.get("/forbund/leveranser/sammanstallning/", query).content.decode()
    assert "Förbundet" in page and "ej publicerad" in page and "mars 2026" in page
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/forbund/leveranser/sammanstallning/", {**query, "format": "xlsx"}).content)
    )
    header = [c.value for c in workbook.worksheets[0][1]]
    assert "Alingsås kommun – Kvinna" in header and "Förbundet – Totalt" in header
    pdf = client.get("/forbund/leveranser/sammanstallning/", {**query, "format": "pdf"}).content
    assert "Förbundet" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    response = client.get("/forbund/statistik/platser-och-anmalningar/", {"year": 2026, "format": "xlsx"})
    assert len(openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames) == 3


def test_the_consolidated_statistics_are_for_the_forbund_office_only(activera, manager_alingsas, auditor_alingsas):
    for user in (manager_alingsas, auditor_alingsas):
        assert verified_client(user).get("/forbund/leveranser/sammanstallning/").status_code == 403


def test_the_forbund_violence_counts_are_exact_and_each_executor_is_protected_against_them(activera):
    """One 'yes' in Alingsås and one in Lerum: the förbund's count of 2 is exact (for the national
    system), and neither executor's 1 can be worked out from it."""
    from apps.activera.violence import violence_batch_record
    from tests.activera_helpers import EXECUTORS, caseworker

    questions = [q["code"] for q in unit().programme.violence_questions]
    for slug in EXECUTORS:
        forms = [{q: "nej" for q in questions} for _ in range(6)]
        if slug in ("alingsas", "lerum"):
            forms.append({**{q: "nej" for q in questions}, questions[0]: "ja"})
        violence_batch_record(
            actor=caseworker(slug), programme_unit=unit(slug), year=2026, tertial=1, forms=forms, today=FAR_FUTURE
        )
    deliver_all("tertial", 2026, 1)
    data = deliveries_side_by_side(forbund=_forbund(), kind="tertial", year=2026, period=1)
    assert data["total"].content["exact"] == ["violence"]
    violence = next(t for t in data["tables"] if t.key == "violence")
    groups = _groups(violence, violence.row_labels[0])
    yes = violence.groups[0].columns.index("Ja")
    assert groups["Förbundet"][yes] == 2
    assert groups["Alingsås kommun"][yes] is None and groups["Lerums kommun"][yes] is None

"""The förbund's consolidated statistics: built from the deliveries, side by side and summed."""

from __future__ import annotations

import datetime
import io

import openpyxl
from pypdf import PdfReader

from apps.activera.deliveries import delivery_submit
from apps.forbund.consolidated import deliveries_side_by_side, places_used, referrals_by_month
from apps.organisations.models import Organisation
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date


def _forbund() -> Organisation:
    return Organisation.objects.get(slug="insjoriket")


def test_monthly_deliveries_side_by_side_with_the_forbund_sum(activera, caseworker_alingsas, caseworker_lerum):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1, gender="man", party="region")
    refer(unit("alingsas"), received_on=D(2026, 3, 3), serial=2, gender="kvinna", party="region")
    refer(unit("lerum"), received_on=D(2026, 3, 4), serial=3, gender="kvinna", party="region", residence="lerum")
    refer(unit("lerum"), received_on=D(2026, 3, 5), serial=4, gender="kvinna", party="region", residence="lerum")
    for user, slug in ((caseworker_alingsas, "alingsas"), (caseworker_lerum, "lerum")):
        delivery_submit(actor=user, unit=unit(slug), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    data = deliveries_side_by_side(forbund=_forbund(), kind="monthly", year=2026, period=3)
    (table,) = data["tables"]
    names = [g.name for g in table.groups]
    assert names[-1] == "Förbundet" and "Alingsås kommun" in names and "Lerums kommun" in names
    assert table.groups[0].columns == ["Kvinna", "Man", "Annat/vill inte ange", "Totalt"]
    row = dict(table.body())["Regionens hälso- och sjukvård"]
    width = 4
    by_group = {g.name: row[i * width : (i + 1) * width] for i, g in enumerate(table.groups)}
    assert by_group["Alingsås kommun"] == [1, 1, 0, 2]
    assert by_group["Lerums kommun"] == [2, 0, 0, 2]
    assert by_group["Förbundet"] == [3, 1, 0, 4]
    # An executor that has not delivered has empty columns and is marked.
    assert by_group["Mölndals stad"] == [None] * width
    assert not next(g for g in table.groups if g.name == "Mölndals stad").delivered
    assert data["delivered_count"] == 2


def test_nothing_of_an_undelivered_executor_reaches_the_forbund_sum(activera, caseworker_alingsas):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1)
    refer(unit("lerum"), received_on=D(2026, 3, 2), serial=2, residence="lerum")
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    (table,) = deliveries_side_by_side(forbund=_forbund(), kind="monthly", year=2026, period=3)["tables"]
    total = dict(table.body())["Arbetsförmedlingen"][-4:]
    assert total == [1, 0, 0, 1]  # Lerum's referral is not in: Lerum has not delivered


def test_referrals_per_month_by_gender_and_party_come_from_the_deliveries(
    activera, caseworker_alingsas, caseworker_lerum
):
    refer(unit("alingsas"), received_on=D(2026, 1, 12), serial=1, gender="man", party="egen_anmalan")
    refer(unit("lerum"), received_on=D(2026, 2, 12), serial=2, residence="lerum", party="forsakringskassan")
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=1, today=FAR_FUTURE)
    delivery_submit(actor=caseworker_lerum, unit=unit("lerum"), kind="monthly", year=2026, period=2, today=FAR_FUTURE)
    month, party = referrals_by_month(forbund=_forbund(), year=2026)
    rows = dict(month.body())
    assert rows["2026-01"][-4:] == [0, 1, 0, 1]
    assert rows["2026-02"][-4:] == [1, 0, 0, 1]
    assert rows["2026-03"][-4:] == [0, 0, 0, 0]
    parties = dict(party.body())
    assert parties["Egen anmälan"][-4:] == [0, 1, 0, 1]
    assert parties["Försäkringskassan"][-4:] == [1, 0, 0, 1]


def test_places_used_against_agreed(activera, forbund_officer, caseworker_alingsas):
    agreement_for("alingsas", year=2025, actor=forbund_officer, max_amount=1_650_000, places=85)
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="annual", year=2025, period=0, today=FAR_FUTURE)
    table = places_used(forbund=_forbund(), year=2025)
    rows = dict(table.body())
    assert rows["Alingsås kommun"][0] == 85
    assert rows["Alingsås kommun"][-1] == "helår"
    assert rows["Lerums kommun"][-1] == "ej inlämnad"
    assert rows["Förbundet"][0] == 85


def test_the_consolidated_pages_export_xlsx_and_pdf(activera, forbund_officer, caseworker_alingsas, pdf_support):
    refer(unit("alingsas"), received_on=D(2026, 3, 2), serial=1)
    delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    client = verified_client(forbund_officer)
    query = {"kind": "monthly", "year": 2026, "period": 3}
    page = client.get("/forbund/leveranser/sammanstallning/", query).content.decode()
    assert "Förbundet" in page and "ej inlämnad" in page
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/forbund/leveranser/sammanstallning/", {**query, "format": "xlsx"}).content)
    )
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert "Alingsås kommun – Kvinna" in header and "Förbundet – Totalt" in header
    assert "ej inlämnad" in [c.value for c in sheet[2]]
    pdf = client.get("/forbund/leveranser/sammanstallning/", {**query, "format": "pdf"}).content
    assert "Förbundet" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    response = client.get("/forbund/statistik/platser-och-anmalningar/", {"year": 2026, "format": "xlsx"})
    titles = openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames
    assert len(titles) == 3


def test_the_consolidated_statistics_are_for_the_forbund_office_only(activera, manager_alingsas, auditor_alingsas):
    for user in (manager_alingsas, auditor_alingsas):
        assert verified_client(user).get("/forbund/leveranser/sammanstallning/").status_code == 403


def test_the_forbund_sum_hides_small_counts_like_a_delivery(activera, caseworker_alingsas, caseworker_lerum):
    """One 'yes' in Alingsås and one in Lerum: each executor's delivery hides its 1, and the förbund's
    sum of 2 is still below the threshold, so it is hidden too."""
    from apps.activera.services import violence_questionnaire_record

    questions = [q["code"] for q in unit().programme.violence_questions]
    for user, slug in ((caseworker_alingsas, "alingsas"), (caseworker_lerum, "lerum")):
        answers = {q: "nej" for q in questions}
        answers[questions[0]] = "ja"
        for _ in range(6):
            violence_questionnaire_record(
                actor=user, programme_unit=unit(slug), year=2026, tertial=1, answers={q: "nej" for q in questions}
            )
        violence_questionnaire_record(actor=user, programme_unit=unit(slug), year=2026, tertial=1, answers=answers)
        delivery_submit(actor=user, unit=unit(slug), kind="tertial", year=2026, period=1, today=FAR_FUTURE)
    data = deliveries_side_by_side(forbund=_forbund(), kind="tertial", year=2026, period=1)
    violence = next(t for t in data["tables"] if t.key == "violence")
    first_row = violence.body()[0][1]
    width = len(violence.groups[0].columns)
    groups = {g.name: first_row[i * width : (i + 1) * width] for i, g in enumerate(violence.groups)}
    columns = violence.groups[0].columns
    yes = columns.index("Ja")
    assert groups["Alingsås kommun"][yes] is None
    assert groups["Förbundet"][yes] is None
    # The line's total stays; a second cell is hidden too so the small one cannot be subtracted out.
    assert groups["Förbundet"][columns.index("Totalt")] == 14
    assert sum(1 for v in groups["Förbundet"][:-1] if v is None) >= 2 or groups["Förbundet"][-1] is None

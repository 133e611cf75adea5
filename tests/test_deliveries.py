import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from apps.activera.deliveries import delivery_submit, narrative_save
from apps.activera.models import Delivery
from insyn.errors import Conflict, ValidationFailed
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.conftest import verified_client

D = datetime.date


def test_a_submitted_delivery_is_frozen_and_shown_to_the_forbund(activera, caseworker_alingsas, forbund_officer):
    refer(unit(), received_on=D(2026, 3, 2), serial=1, gender="man", party="region")
    delivery = delivery_submit(
        actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE
    )
    assert delivery.content["monthly"]["total"] == 1
    refer(unit(), received_on=D(2026, 3, 20), serial=2)
    delivery.refresh_from_db()
    assert delivery.content["monthly"]["total"] == 1  # frozen as submitted
    with pytest.raises(Conflict):
        delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    client = verified_client(forbund_officer)
    listing = client.get("/forbund/leveranser/inkomna/").content.decode()
    assert "ACTivera Alingsås" in listing
    page = client.get(f"/forbund/leveranser/{delivery.pk}/").content.decode()
    assert "Regionens hälso- och sjukvård" in page
    data = json.loads(client.get(f"/forbund/leveranser/{delivery.pk}/", {"format": "json"}).content)
    assert data["monthly"]["by_party"]["region"] == 1
    assert "Fia" not in json.dumps(data)


def test_a_period_that_has_not_ended_cannot_be_delivered(activera, caseworker_alingsas):
    with pytest.raises(ValidationFailed) as info:
        delivery_submit(
            actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, period=0, today=D(2026, 8, 31)
        )
    assert "slut först 2026-08-31" in info.value.fields["period"][0]
    with pytest.raises(ValidationFailed):
        delivery_submit(actor=caseworker_alingsas, unit=unit(), kind="tertial", year=2026, period=4, today=FAR_FUTURE)


def test_the_narrative_goes_with_the_interim_delivery_and_then_freezes(activera, caseworker_alingsas):
    narrative_save(actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, text="Vi startade två grupper.")
    delivery = delivery_submit(
        actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, period=0, today=FAR_FUTURE
    )
    assert delivery.content["narrative"] == "Vi startade två grupper."
    assert delivery.content["due"] == "2026-09-10"
    with pytest.raises(Conflict):
        narrative_save(actor=caseworker_alingsas, unit=unit(), kind="interim", year=2026, text="Ändrat")


def test_the_executor_previews_downloads_and_submits_a_delivery(activera, caseworker_alingsas):
    refer(unit(), received_on=D(2026, 3, 2), serial=3)
    client = verified_client(caseworker_alingsas)
    query = {"unit": unit().pk, "kind": "monthly", "year": 2026, "period": 3}
    page = client.get("/deltagare/leveranser/forhandsvisning/", query).content.decode()
    assert "Förhandsvisning" in page
    csv_text = client.get("/deltagare/leveranser/forhandsvisning/", {**query, "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[1].startswith(";Kvinna;Man")
    xlsx = client.get("/deltagare/leveranser/forhandsvisning/", {**query, "format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    response = client.post("/deltagare/leveranser/forhandsvisning/", {**query, "action": "submit"})
    delivery = Delivery.objects.get()
    assert response["Location"] == f"/deltagare/leveranser/{delivery.pk}/"


def test_the_forbund_statistics_page_shows_every_municipality(activera, forbund_officer, caseworker_alingsas):
    html = (
        verified_client(forbund_officer).get("/forbund/statistik/", {"kind": "annual", "year": 2026}).content.decode()
    )
    assert "Hela förbundet" in html and "Mölndals stad" in html and "Avslutsorsak" in html
    assert verified_client(caseworker_alingsas).get("/forbund/statistik/").status_code == 403

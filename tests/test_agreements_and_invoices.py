"""Agreements with the executors and their tertial invoices."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from apps.forbund.models import InvoiceStatus
from apps.forbund.services import agreement_update, invoice_mark
from insyn.errors import Conflict, ValidationFailed
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for, seed_budget_2023

D = datetime.date


def test_an_agreement_takes_the_budget_lines_sum_and_places(activera, forbund_officer):
    seed_budget_2023(forbund_officer)
    agreement = agreement_for("alingsas", actor=forbund_officer)
    assert (agreement.max_amount, agreement.places) == (1_650_000, 85)
    assert [d.kind for d in agreement.deliverables.all()] == ["monthly", "tertial", "interim", "annual", "lexheller"]
    assert [i.amount for i in agreement.invoices.all()] == [550_000, 550_000, 550_000]


@pytest.mark.parametrize("total", [1_000_000, 1_000_001, 1_000_002, 2, 2_750_000])
def test_tertial_invoices_add_up_to_the_agreed_sum(activera, forbund_officer, total):
    agreement = agreement_for("lerum", actor=forbund_officer, max_amount=total, places=10)
    amounts = [i.amount for i in agreement.invoices.all()]
    assert sum(amounts) == total
    assert amounts[0] == amounts[1] == total // 3


def test_a_new_sum_resplits_the_invoices_until_one_is_sent(activera, forbund_officer):
    agreement = agreement_for("alingsas", actor=forbund_officer, max_amount=900_000, places=50)
    fields = {
        "executor_party": agreement.executor_party,
        "period_start": agreement.period_start,
        "period_end": agreement.period_end,
        "places": 50,
    }
    agreement_update(actor=forbund_officer, agreement=agreement, max_amount=1_000_001, **fields)
    assert [i.amount for i in agreement.invoices.all()] == [333_333, 333_333, 333_335]
    invoice_mark(actor=forbund_officer, invoice=agreement.invoices.first(), status="sent", on_date=D(2023, 5, 10))
    with pytest.raises(Conflict):
        agreement_update(actor=forbund_officer, agreement=agreement, max_amount=2_000_000, **fields)
    assert sum(i.amount for i in agreement.invoices.all()) == 1_000_001


def test_an_invoice_goes_to_send_then_sent_then_paid(activera, forbund_officer):
    invoice = agreement_for("alingsas", actor=forbund_officer).invoices.first()
    with pytest.raises(Conflict):
        invoice_mark(actor=forbund_officer, invoice=invoice, status="paid", on_date=D(2023, 6, 1))
    invoice = invoice_mark(actor=forbund_officer, invoice=invoice, status="sent", on_date=D(2023, 5, 10))
    with pytest.raises(ValidationFailed):
        invoice_mark(actor=forbund_officer, invoice=invoice, status="paid", on_date=D(2023, 5, 9))
    invoice = invoice_mark(actor=forbund_officer, invoice=invoice, status="paid", on_date=D(2023, 6, 1))
    assert (invoice.status, invoice.sent_on, invoice.paid_on) == (InvoiceStatus.PAID, D(2023, 5, 10), D(2023, 6, 1))
    with pytest.raises(Conflict):
        invoice_mark(actor=forbund_officer, invoice=invoice, status="sent", on_date=D(2023, 6, 2))


def test_the_invoice_pdf_names_the_parties_the_period_and_the_amount(activera, forbund_officer, pdf_support):
    seed_budget_2023(forbund_officer)
    agreement = agreement_for("alingsas", actor=forbund_officer, reference="2023-17")
    invoice = agreement.invoices.get(tertial=3)
    response = verified_client(forbund_officer).get(f"/forbund/fakturor/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Samordningsförbundet Insjöriket",
        "222000-2071",
        "Alingsås kommun",
        "212000-1553",
        "2023-09-01",
        "2023-12-31",
        "550",
        "tertial 3",
        "2023-17",
    ):
        assert expected in text, expected


def test_the_agreement_refuses_a_period_outside_its_year(activera, forbund_officer):
    with pytest.raises(ValidationFailed) as info:
        agreement_for("alingsas", actor=forbund_officer, period_end=D(2024, 3, 31))
    assert "period_start" in info.value.fields


def test_one_agreement_per_executor_and_year(activera, forbund_officer):
    agreement_for("alingsas", actor=forbund_officer)
    with pytest.raises(Conflict):
        agreement_for("alingsas", actor=forbund_officer)


def test_the_agreement_form_creates_and_shows_errors_in_swedish(activera, forbund_officer):
    seed_budget_2023(forbund_officer)
    from apps.activera.models import ProgrammeUnit
    from apps.forbund.models import BudgetLine

    client = verified_client(forbund_officer)
    unit = ProgrammeUnit.objects.get(unit__slug="partille-activera")
    line = BudgetLine.objects.get(label="ACTivera Partille")
    data = {
        "agreement-programme_unit": unit.pk,
        "agreement-year": 2023,
        "agreement-executor_party": "Partille kommun",
        "agreement-period_start": "2023-01-01",
        "agreement-period_end": "2022-12-31",
        "agreement-budget_line": line.pk,
    }
    response = client.post("/forbund/overenskommelser/", data)
    assert response.status_code == 400
    assert "Slutdatum kan inte vara före startdatum" in response.content.decode()
    data["agreement-period_end"] = "2023-12-31"
    response = client.post("/forbund/overenskommelser/", data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1\u00a0500\u00a0000\u00a0kr" in page and "ca 80" in page


def test_the_invoice_status_form_marks_it_sent(activera, forbund_officer):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    invoice = agreement.invoices.first()
    client = verified_client(forbund_officer)
    response = client.post(
        f"/forbund/fakturor/{invoice.pk}/status/",
        {f"invoice-{invoice.pk}-status": "paid", f"invoice-{invoice.pk}-on_date": "2023-05-10"},
    )
    assert response.status_code == 400
    assert "kan inte markeras så" in response.content.decode()
    response = client.post(
        f"/forbund/fakturor/{invoice.pk}/status/",
        {f"invoice-{invoice.pk}-status": "sent", f"invoice-{invoice.pk}-on_date": "2023-05-10"},
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "sent"


def test_the_agreement_lets_the_monthly_counts_go_unprotected_only_with_its_wording(activera, forbund_officer):
    from apps.activera.models import DeliveryTerms

    agreement = agreement_for("alingsas", year=2026, actor=forbund_officer, max_amount=1_650_000, places=85)
    client = verified_client(forbund_officer)
    url = f"/forbund/overenskommelser/{agreement.pk}/"
    data = {
        "agreement-executor_party": agreement.executor_party,
        "agreement-period_start": "2026-01-01",
        "agreement-period_end": "2026-12-31",
        "agreement-max_amount": 1_650_000,
        "agreement-places": 85,
        "agreement-monthly_unprotected": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ange paragraf eller lydelse" in response.content.decode()
    assert not DeliveryTerms.objects.exists()
    response = client.post(url, {**data, "agreement-unprotected_clause": "§ 3 andra stycket"})
    assert response.status_code == 302
    terms = DeliveryTerms.objects.get(programme_unit=agreement.programme_unit, year=2026)
    assert terms.monthly_unprotected and terms.clause == "§ 3 andra stycket"
    assert "§ 3 andra stycket" in client.get(url).content.decode()


def test_the_agreement_page_states_each_deadline_in_words(activera, forbund_officer):
    agreement = agreement_for("alingsas", year=2026, actor=forbund_officer, max_amount=1_650_000, places=85)
    html = verified_client(forbund_officer).get(f"/forbund/overenskommelser/{agreement.pk}/").content.decode()
    assert "den 10 september" in html and "den 10 februari året efter" in html
    assert "den 10:e i månaden efter periodens slut" in html and "månad(er)" not in html
    assert "nästa vardag om" not in html  # the agreement's dates stand unless it says otherwise

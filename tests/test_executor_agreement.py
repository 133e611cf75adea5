"""The executor's own view of its agreement with the förbund: its manager and caseworkers read the
agreement, its deliverables and invoices; nobody else reaches it, and nothing on it can be changed."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.activera.deliveries import delivery_submit
from apps.activera.models import Delivery
from apps.audit.models import AuditEvent
from apps.forbund.executor_selectors import agreement_view
from apps.forbund.services import invoice_mark
from apps.forbund.tracking import TrackState
from tests.activera_helpers import FAR_FUTURE, unit
from tests.conftest import verified_client
from tests.forbund_helpers import agreement_for

D = datetime.date
NBSP = "\u00a0"


def _url(agreement) -> str:
    return f"/forbund/var-overenskommelse/{agreement.pk}/"


def test_the_executors_manager_reads_its_own_agreement_with_amounts_in_swedish(
    activera, forbund_officer, manager_alingsas
):
    agreement = agreement_for("alingsas", actor=forbund_officer, reference="DNR 2023/17")
    response = verified_client(manager_alingsas).get(_url(agreement))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Överenskommelse om prioriterade insatser 2023" in body
    assert "DNR 2023/17" in body
    assert f"1{NBSP}650{NBSP}000{NBSP}kr" in body
    assert f"550{NBSP}000{NBSP}kr" in body  # each tertial invoice
    assert "ca 85" in body
    assert "1 januari 2023 – 31 december 2023" in body
    assert "den 10 september" in body  # the interim's rule, as the agreement writes it


def test_the_executors_caseworker_lists_its_agreements_and_opens_one(activera, forbund_officer, caseworker_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    client = verified_client(caseworker_alingsas)
    listing = client.get("/forbund/var-overenskommelse/")
    assert listing.status_code == 200
    assert _url(agreement) in listing.content.decode()
    assert client.get(_url(agreement)).status_code == 200


def test_another_municipalitys_executor_gets_404_and_an_empty_list(activera, forbund_officer, caseworker_lerum):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    client = verified_client(caseworker_lerum)
    assert client.get(_url(agreement)).status_code == 404
    listing = client.get("/forbund/var-overenskommelse/").content.decode()
    assert _url(agreement) not in listing
    assert "ACTivera Alingsås" not in listing


def test_the_forbund_office_keeps_its_own_pages_and_has_no_executor_view(activera, forbund_officer):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    client = verified_client(forbund_officer)
    assert client.get(f"/forbund/overenskommelser/{agreement.pk}/").status_code == 200
    assert client.get("/forbund/var-overenskommelse/").status_code == 403
    assert client.get(_url(agreement)).status_code == 404


def test_the_page_is_read_only(activera, forbund_officer, manager_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    client = verified_client(manager_alingsas)
    body = client.get(_url(agreement)).content.decode()
    assert "/forbund/fakturor/" not in body and 'name="max_amount"' not in body
    assert "<form" not in body.split("<main", 1)[-1].split("</main>", 1)[0]
    assert client.post(_url(agreement), {"agreement-max_amount": "1"}).status_code == 405
    agreement.refresh_from_db()
    assert agreement.max_amount == 1_650_000


def test_reading_the_agreement_writes_no_audit_row_as_on_the_forbunds_page(activera, forbund_officer, manager_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    client = verified_client(manager_alingsas)
    before = AuditEvent.objects.count()
    client.get("/forbund/var-overenskommelse/")
    client.get(_url(agreement))
    assert AuditEvent.objects.count() == before


def test_each_owed_period_has_its_due_date_and_the_executors_state(activera, forbund_officer, caseworker_alingsas):
    agreement = agreement_for("alingsas", year=2026, actor=forbund_officer)
    delivery = delivery_submit(
        actor=caseworker_alingsas, unit=unit(), kind="monthly", year=2026, period=1, today=FAR_FUTURE
    )
    # The test stands in for the clock: January was submitted on 5 February.
    Delivery.objects.filter(pk=delivery.pk).update(submitted_at=timezone.make_aware(datetime.datetime(2026, 2, 5, 9)))
    periods = agreement_view(agreement, today=D(2026, 5, 5)).periods
    by_key = {(p.expected.kind, p.expected.period): p for p in periods}
    assert by_key[("monthly", 1)].state == TrackState.ON_TIME and by_key[("monthly", 1)].label == "Inlämnad"
    assert by_key[("monthly", 2)].label == "Försenad"  # due 10 March
    assert by_key[("monthly", 4)].label == "Ej inlämnad"  # ended, due 10 May
    assert by_key[("monthly", 5)].label == "Kommande"  # the period is going on
    assert by_key[("interim", 0)].expected.due == D(2026, 9, 10)
    assert by_key[("monthly", 2)].period_name == "februari 2026"
    assert by_key[("tertial", 1)].period_name == "tertial 1 2026 (januari–april)"


def test_the_invoices_show_their_state_and_add_up(activera, forbund_officer, manager_alingsas):
    agreement = agreement_for("alingsas", actor=forbund_officer)
    first = agreement.invoices.get(tertial=1)
    invoice_mark(actor=forbund_officer, invoice=first, status="sent", on_date=D(2023, 5, 2))
    body = verified_client(manager_alingsas).get(_url(agreement)).content.decode()
    assert "2023-alingsas-activera-T1" in body
    assert "Skickad, skickad 2 maj 2023" in body
    assert "Att skicka" in body
    assert f"1{NBSP}650{NBSP}000{NBSP}kr" in body.split("Summa", 1)[1]


def test_the_navigation_offers_our_agreement_to_executors_only(activera, caseworker_alingsas, forbund_officer):
    assert "Vår överenskommelse" in verified_client(caseworker_alingsas).get("/").content.decode()
    assert "Vår överenskommelse" not in verified_client(forbund_officer).get("/").content.decode()


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_agreement_list_does_not_grow_with_agreements(activera, forbund_officer, manager_alingsas):
    client = verified_client(manager_alingsas)
    agreement_for("alingsas", year=2023, actor=forbund_officer)
    few = _count(client, "/forbund/var-overenskommelse/")
    for year in (2024, 2025, 2026):
        agreement_for("alingsas", year=year, actor=forbund_officer)
    assert _count(client, "/forbund/var-overenskommelse/") == few


def test_the_agreement_page_does_not_grow_with_submitted_deliveries(activera, forbund_officer, manager_alingsas):
    agreement = agreement_for("alingsas", year=2026, actor=forbund_officer)
    client = verified_client(manager_alingsas)
    delivery_submit(actor=manager_alingsas, unit=unit(), kind="monthly", year=2026, period=1, today=FAR_FUTURE)
    few = _count(client, _url(agreement))
    for month in (2, 3, 4):
        delivery_submit(actor=manager_alingsas, unit=unit(), kind="monthly", year=2026, period=month, today=FAR_FUTURE)
    assert _count(client, _url(agreement)) == few

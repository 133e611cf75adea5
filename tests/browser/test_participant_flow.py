"""A referral walks from the public form to the exit PDF in Chromium; axe checks every page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from apps.activera.models import Enrolment, Referral
from apps.activera.services import programme_load
from lib.identity_numbers import LegalSex, fictional_number
from tests.browser.test_login_and_accessibility import assert_accessible, error_summary, submit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_referral_to_exit_document(page, caseworker_alingsas, insjoriket, pdf_support):
    programme = programme_load(name="insjoriket")
    number = fictional_number(datetime.date(1988, 9, 3), serial=37, legal_sex=LegalSex.FEMALE)

    page.goto("/anmalan/")
    assert_accessible(page)
    page.get_by_role("button", name="Skicka anmälan").click()
    error_summary(page)
    assert_accessible(page)
    page.get_by_label("Till vilken kommuns ACTivera?").select_option(label="ACTivera Alingsås")
    page.get_by_label("Personen samtycker").check()
    page.get_by_label("Personnummer", exact=True).fill(number)
    page.get_by_label("Förnamn", exact=True).fill("Bea")
    page.get_by_label("Efternamn", exact=True).fill("Browser")
    page.get_by_label("Kvinna", exact=True).check()
    page.get_by_label("Folkbokförd i kommun").select_option(label="Alingsås kommun")
    for criterion in programme.eligibility_criteria:
        page.get_by_label(criterion["label"]).check()
    page.get_by_label("Telefon", exact=True).fill("070-111 22 33")
    page.get_by_label("Egen anmälan").check()
    submit(page.get_by_role("button", name="Skicka anmälan"))
    assert "Kvittensnummer" in page.content()
    assert_accessible(page)

    referral = Referral.objects.get()
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=8)
    Referral.objects.filter(pk=referral.pk).update(received_on=start - datetime.timedelta(days=5))

    device = TOTPDevice.objects.create(user=caseworker_alingsas, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(caseworker_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    submit(page.get_by_role("button", name="Logga in"))
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    submit(page.get_by_role("button", name="Fortsätt"))
    page.goto("/deltagare/")
    assert_accessible(page)
    submit(page.get_by_role("link", name=referral.receipt_number))
    assert "Bea Browser" in page.content()
    assert_accessible(page)
    page.get_by_label("Startdatum").fill(start.isoformat())
    page.get_by_label("Planerat slut").fill((start + datetime.timedelta(weeks=16)).isoformat())
    page.get_by_label("Omfattning").fill("50")
    submit(page.get_by_role("button", name="Skriv in deltagaren"))
    enrolment = Enrolment.objects.get()
    page.wait_for_url(f"**/deltagare/{enrolment.code}/")
    assert_accessible(page)

    submit(page.get_by_role("link", name="Registrera en progressionsmätning"))
    measurement = page.get_by_role("region", name="Registrera en progressionsmätning")
    measurement.get_by_label("Datum").fill((start + datetime.timedelta(days=2)).isoformat())
    for indicator in programme.indicators.all():
        measurement.get_by_role("group", name=indicator.label, exact=False).get_by_label("2", exact=True).check()
    submit(measurement.get_by_role("button", name="Spara mätningen"))
    submit(page.get_by_role("link", name="Flerpartsmöte efter introduktionen"))
    meeting = page.get_by_role("region", name="Flerpartsmöte efter introduktionen")
    meeting.get_by_label("Datum för flerpartsmötet").fill((start + datetime.timedelta(weeks=6)).isoformat())
    meeting.get_by_label("Arbetsförmedlingen").check()
    submit(meeting.get_by_role("button", name="Spara mötet"))
    assert "Flerpartsmötet är registrerat" in page.content()
    submit(page.get_by_role("link", name="Skriv ut deltagaren"))
    exit_section = page.get_by_role("region", name="Skriv ut deltagaren")
    exit_section.get_by_label("Slutdatum").fill(today.isoformat())
    exit_section.get_by_label("Sysselsättning efter").select_option("arbete")
    submit(exit_section.get_by_role("button", name="Skriv ut"))
    assert "Avslutsdokumentation" in page.content()
    assert_accessible(page)
    pdf = page.request.get(f"/deltagare/{enrolment.code}/avslut.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Bea Browser" in text and "Arbete" in text

    for path in [
        "/deltagare/anmalningar/",
        "/deltagare/vald/",
        "/deltagare/leveranser/",
        f"/deltagare/leveranser/forhandsvisning/?unit={enrolment.programme_unit_id}&kind=annual&year={today.year}&period=0",
        f"/deltagare/leveranser/forhandsvisning/?unit={enrolment.programme_unit_id}&kind=tertial&year={today.year}&period=1",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


def test_the_forbund_pages_pass_axe(page, forbund_officer, insjoriket):
    from apps.activera.deliveries import delivery_submit
    from tests.activera_helpers import FAR_FUTURE, refer, unit
    from tests.conftest import make_user

    programme_load(name="insjoriket")
    refer(unit(), received_on=datetime.date(2026, 3, 2), serial=1)
    caseworker = make_user("flow.case", "executor_caseworker", "alingsas-activera")
    delivery = delivery_submit(actor=caseworker, unit=unit(), kind="monthly", year=2026, period=3, today=FAR_FUTURE)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(forbund_officer.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    submit(page.get_by_role("button", name="Logga in"))
    page.wait_for_url(lambda url: url.endswith("/"))
    assert_accessible(page)
    for path in [
        "/forbund/leveranser/",
        f"/forbund/leveranser/{delivery.pk}/",
        "/forbund/statistik/?kind=annual&year=2026",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

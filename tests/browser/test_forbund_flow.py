"""The förbund office's year in Chromium: a budget, an agreement, an invoice PDF, and a Lex Heller
report from filing to publication. axe checks every page on the way."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.lexheller.models import BugMeeting, Report
from tests.browser.test_login_and_accessibility import assert_accessible, submit
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    submit(page.get_by_role("button", name="Logga in"))
    page.wait_for_url("**/")


def _text(page) -> str:
    return page.locator("main").inner_text().replace("\u00a0", " ")


def _section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def test_budget_agreement_invoice_and_lex_heller(page, activera, forbund_officer, pdf_support):
    _login(page, forbund_officer)
    assert_accessible(page)

    page.goto("/forbund/budget/")
    assert_accessible(page)
    page.get_by_label("År", exact=True).fill("2023")
    page.get_by_label("Statlig tilldelning (kr)").fill("7156000")
    page.get_by_role("button", name="Skapa budget").click()
    page.wait_for_url("**/forbund/budget/*/")
    line = _section(page, "Lägg till en budgetpost")
    line.get_by_label("Grupp").select_option(label="Individinriktade insatser")
    line.get_by_label("Post").fill("ACTivera Alingsås")
    line.get_by_label("Belopp (kr)").fill("1650000")
    line.get_by_label("Platser (ca)").fill("85")
    line.get_by_label("Utförare").select_option(label="ACTivera Alingsås")
    submit(line.get_by_role("button", name="Lägg till"))
    assert "1 650 000 kr" in _text(page)
    assert "14 312 000 kr" in _text(page)  # the members' contributions
    assert_accessible(page)

    page.goto("/forbund/overenskommelser/")
    assert_accessible(page)
    page.get_by_label("Utförare", exact=True).select_option(label="ACTivera Alingsås (ACTivera)")
    page.get_by_label("År", exact=True).fill("2023")
    page.get_by_label("Utförande part").fill("Alingsås kommun, Kommunkansliet")
    page.get_by_label("Gäller från").fill("2023-01-01")
    page.get_by_label("Gäller till").fill("2023-12-31")
    page.get_by_label("Budgetpost").select_option(label="2023: ACTivera Alingsås")
    page.get_by_label("Undertecknad av förbundet").fill("2023-02-09")
    page.get_by_role("button", name="Registrera överenskommelsen").click()
    page.wait_for_url("**/forbund/overenskommelser/*/")
    assert "550 000 kr" in _text(page)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF T1").click()
    pdf = PdfReader(download_info.value.path())
    text = pdf.pages[0].extract_text()
    assert "Fakturaunderlag tertial 1 2023" in text and "550" in text and "212000-1553" in text

    page.goto("/forbund/leveranser/?year=2023")
    assert_accessible(page)
    page.goto("/forbund/leveranser/sammanstallning/?kind=monthly&year=2023&period=1")
    assert_accessible(page)
    page.goto("/forbund/statistik/platser-och-anmalningar/?year=2023")
    assert_accessible(page)

    reporter = make_user("fia.fk", "lexheller_reporter", "forsakringskassan")
    admin = make_user("lea.lexadmin", "lexheller_admin", "insjoriket")
    reader = make_user("vera.vgr", "lexheller_reporter", "vgregion")

    _login(page, reporter)
    page.goto("/lexheller/ny/")
    assert_accessible(page)
    page.get_by_label("Rubrik").fill("Remiss återsänds mellan myndigheter")
    page.get_by_label("Datum för händelsen").fill("2026-10-01")
    page.get_by_label("Försäkringskassan").check()
    page.get_by_label("Arbetsförmedlingen").check()
    page.get_by_label("Vad hände?").fill("Ring 070-123 45 67 så förklarar jag")
    page.get_by_label("Vilken regel eller struktur orsakade det?").fill("Ägarskapet är otydligt.")
    page.get_by_label("Vilken blev konsekvensen för de enskilda?").fill("Ingen insats på sex veckor.")
    submit(page.get_by_role("button", name="Lämna rapporten"))
    assert "telefonnummer" in page.locator("[data-error-summary]").inner_text()
    assert_accessible(page)
    page.get_by_label("Vad hände?").fill("En remiss skickades tillbaka mellan tre aktörer.")
    page.get_by_role("button", name="Lämna rapporten").click()
    page.wait_for_url("**/lexheller/*/")
    assert_accessible(page)
    report = Report.objects.get()

    _login(page, admin)
    page.goto("/lexheller/bug/")
    page.get_by_label("Datum").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Plats").fill("Mölndal")
    submit(page.get_by_role("button", name="Registrera mötet"))
    assert_accessible(page)
    page.goto(f"/lexheller/{report.pk}/")
    _section(page, "Fråga rapportören").get_by_label("Text").fill("Hur ofta händer det?")
    submit(page.get_by_role("button", name="Skicka frågan"))
    _section(page, "Lyft till BUG").get_by_label("BUG-möte").select_option(index=1)
    submit(page.get_by_role("button", name="Lyft till mötet"))
    assert "Lyft till BUG" in page.locator("dl.facts").inner_text()
    assert_accessible(page)
    # The meeting is held.
    BugMeeting.objects.update(date=timezone.localdate())
    page.reload()
    _section(page, "Registrera BUG:s svar").get_by_label("BUG:s svar").fill("BUG tar frågan till ledningarna.")
    submit(page.get_by_role("button", name="Spara svaret"))
    submit(page.get_by_role("button", name="Publicera"))
    assert "Publicerad" in page.locator("dl.facts").inner_text()
    assert_accessible(page)

    _login(page, reader)
    page.goto("/lexheller/")
    submit(page.get_by_role("link", name=report.number))
    content = page.content()
    assert "BUG tar frågan till ledningarna." in content
    assert "fia.fk" not in content and "Hur ofta händer det?" not in content
    assert_accessible(page)

"""Each role's daily work in Chromium, with the demo's data: the caseworker, the registrar, the förbund
office, the nämnd's controller and the local administrator log in once, visit the pages they use
every day and do at least one real piece of work through the forms. Every page is checked at
1280 px, at 390 px (a phone) and at 320 px (WCAG 1.4.10 reflow, the same as 1280 px at 400 % zoom):
the page itself never scrolls sideways (a wide table scrolls inside its own `.table-scroll` frame),
axe finds nothing, and a screenshot is saved as test-results/screenshots/<role>-<page>-<width>.png.
The public referral form shows every error at once, and the print styles hide the navigation and
the buttons and make a PDF."""

from __future__ import annotations

import datetime
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.accounts.roles import SECOND_FACTOR_ROLES
from apps.activera.demo import load_demo_activera
from apps.activera.models import Delivery, Enrolment, Referral
from apps.activera.services import programme_load
from apps.decisions.demo import load_demo_decisions, submit_demo_reports
from apps.decisions.models import QuarterlyReport
from apps.forbund.demo import load_demo_forbund
from apps.forbund.models import Agreement, Budget
from apps.organisations.models import Organisation
from tests.activera_helpers import unit
from tests.browser.test_login_and_accessibility import assert_accessible, error_summary, submit
from tests.conftest import PASSWORD, make_person, make_user
from tests.decisions_helpers import decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = (1280, 390, 320)

# The elements that make the page wider than the window, as one would find them in devtools:
# those whose right edge is past the window and that no scrolling ancestor (a `.table-scroll`) clips.
_WIDER_THAN_THE_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !clipped(el)) {
      const classes = typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      found.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} right=${Math.round(box.right)}`);
    }
  }
  return found.slice(0, 12);
}"""

# Headers of table columns whose every cell is right-aligned, as the reader sees it (computed
# text-align), but which are not themselves: a number column under a left-aligned heading.
_MISALIGNED_HEADERS = """() => {
  const found = [];
  for (const table of document.querySelectorAll("main table")) {
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    [...head.cells].forEach((th, index) => {
      const cells = [...table.tBodies].flatMap((body) => [...body.rows]).map((row) => row.cells[index]).filter(Boolean);
      const right = (el) => ["right", "end"].includes(getComputedStyle(el).textAlign);
      if (cells.length && cells.every(right) && !right(th)) found.push(th.textContent.trim().slice(0, 40));
    });
  }
  return found;
}"""


def _login(page, user: User) -> None:
    """Password, and the second factor for the roles that need one; one login per role."""
    page.context.clear_cookies()
    second_factor = bool(
        set(user.role_grants.values_list("role", flat=True)) & {role.value for role in SECOND_FACTOR_ROLES}
    )
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    if second_factor:
        page.wait_for_url("**/konto/tvafaktor/**")
        page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "/konto/logga-in/" not in url and "/konto/tvafaktor/" not in url)


def _check(page, role: str, name: str) -> None:
    """Number columns have headers aligned with them; the page fits 1280, 390 and 320 px without
    sideways scrolling, axe finds nothing at each width, and each width is saved as a screenshot.
    The same page is resized, not reloaded."""
    assert page.locator("h1").count() == 1, page.url
    assert page.evaluate(_MISALIGNED_HEADERS) == [], page.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll_width <= inner_width, (page.url, width, scroll_width, page.evaluate(_WIDER_THAN_THE_WINDOW))
        assert_accessible(page)
        page.screenshot(path=str(SCREENSHOTS / f"{role}-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _visit(page, role: str, name: str, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    _check(page, role, name)


def _start_the_day(page, user: User, role: str, pages: list[tuple[str, str]]) -> None:
    """Log in, check the start page, then each of the role's pages (name, path) in turn."""
    _login(page, user)
    _check(page, role, "start")
    for name, path in pages:
        _visit(page, role, name, path)


def _text(page) -> str:
    return page.locator("main").inner_text().replace("\u00a0", " ")


def _activera_year(caseworker: User) -> None:
    """The demo's year and more of ACTivera Alingsås, led by this caseworker."""
    programme_load(name="insjoriket")
    load_demo_activera(unit(), rng=random.Random(20261122), today=timezone.localdate(), leader=caseworker)


def test_the_caseworkers_day(page, caseworker_alingsas):
    _activera_year(caseworker_alingsas)
    load_demo_forbund(
        forbund=Organisation.objects.get(slug="insjoriket"), today=timezone.localdate(), rng=random.Random(7)
    )
    enrolment = Enrolment.objects.filter(programme_unit=unit(), exit_date__isnull=True).order_by("-start_date").first()
    assert enrolment is not None
    referral = Referral.objects.filter(programme_unit=unit()).order_by("-received_on").first()
    delivery = Delivery.objects.filter(programme_unit=unit()).order_by("-submitted_at").first()
    assert referral is not None and delivery is not None
    role = "handlaggare"

    _login(page, caseworker_alingsas)
    _check(page, role, "start")
    _visit(page, role, "deltagare", "/deltagare/")
    _visit(page, role, "anmalningar", "/deltagare/anmalningar/")
    _visit(page, role, "anmalan", f"/deltagare/anmalningar/{referral.pk}/")
    workspace = f"/deltagare/{enrolment.code}/"
    _visit(page, role, "arbetsyta", workspace)

    # Register an activity through its focused form; it returns to the workspace.
    activities = enrolment.activities.count()
    page.get_by_role("link", name="Registrera en aktivitet").click()
    page.wait_for_url(f"**{workspace}aktivitet/")
    _check(page, role, "aktivitet")
    form = page.locator("main form")
    form.get_by_role("button", name="Spara aktiviteten").click()  # no date, no activity: every error at once
    error_summary(page)
    _check(page, role, "aktivitet-fel")
    form = page.locator("main form")
    form.get_by_label("Datum").fill(timezone.localdate().isoformat())
    form.locator("select[name$='activity_type']").select_option(index=1)
    form.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_url(f"**{workspace}")
    assert enrolment.activities.count() == activities + 1
    _check(page, role, "arbetsyta-efter-aktivitet")

    page.get_by_role("link", name="Registrera en progressionsmätning").click()
    page.wait_for_url(f"**{workspace}matning/")
    _check(page, role, "matning")

    _visit(page, role, "leveranser", "/deltagare/leveranser/")
    _visit(page, role, "leverans", f"/deltagare/leveranser/{delivery.pk}/")
    _wide_table_keeps_its_first_column_and_header_in_view(page)


def _wide_table_keeps_its_first_column_and_header_in_view(page) -> None:
    """On a phone a wide table scrolls in its frame: its row headings stay at the frame's left
    edge and its column headings at the top while the figures move under them."""
    page.set_viewport_size({"width": 390, "height": 500})
    frame = next(
        f for f in page.locator("main .table-scroll").all() if f.evaluate("e => e.scrollWidth > e.clientWidth")
    )
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; e.scrollTop = e.scrollHeight; }")
    box = frame.bounding_box()
    row_heading = frame.locator("tbody tr").first.locator(":scope > :first-child").bounding_box()
    column_heading = frame.locator("thead th").last.bounding_box()
    assert box and row_heading and column_heading
    assert abs(row_heading["x"] - box["x"]) < 2, (row_heading, box)
    assert abs(column_heading["y"] - box["y"]) < 2 or frame.evaluate("e => e.scrollTop") == 0, (column_heading, box)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_registrars_day(page, registrar_alingsas, alingsas):
    today = timezone.localdate()
    for index in range(24):
        make_person(alingsas, first_name="Demo", last_name=f"Person{index}")
    load_demo_decisions(alingsas, rng=random.Random(20261122), today=today)
    submit_demo_reports(alingsas, today=today)
    waiting = decide(alingsas, f"{today.year}.999 SN", "Kontaktfamilj", today - datetime.timedelta(days=100))
    report = QuarterlyReport.objects.filter(municipality=alingsas).order_by("-year", "-quarter").first()
    assert report is not None
    role = "registrator"

    _login(page, registrar_alingsas)
    _check(page, role, "start")
    _visit(page, role, "beslutsregister", "/beslut/")
    _visit(page, role, "beslut", f"/beslut/{waiting.pk}/")

    # The decision is executed today: the registrar records it.
    page.get_by_label("Händelse", exact=True).select_option("executed")
    page.get_by_label("Datum", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Spara händelsen").click()
    page.wait_for_url(f"**/beslut/{waiting.pk}/")
    assert waiting.events.filter(kind="executed").exists()
    _check(page, role, "beslut-verkstallt")

    _visit(page, role, "nytt-beslut", "/beslut/ny/")
    _visit(page, role, "rapporter", "/beslut/rapporter/")
    _visit(page, role, "rapport", f"/beslut/rapporter/{report.pk}/")
    _visit(page, role, "tjansteskrivelse", f"/beslut/rapporter/{report.pk}/tjansteskrivelse/")
    _visit(page, role, "ivo", f"/beslut/rapporter/{report.pk}/ivo/")


def test_the_forbund_offices_day(page, forbund_officer):
    caseworker = make_user("hl.alingsas", "executor_caseworker", "alingsas-activera")
    _activera_year(caseworker)
    today = timezone.localdate()
    load_demo_forbund(forbund=Organisation.objects.get(slug="insjoriket"), today=today, rng=random.Random(7))
    agreement = Agreement.objects.filter(year=today.year).order_by("pk").first()
    budget = Budget.objects.get(year=today.year)
    delivery = Delivery.objects.filter(released_at__isnull=False).order_by("-submitted_at").first()
    assert agreement is not None and delivery is not None
    role = "kansli"

    _login(page, forbund_officer)
    _check(page, role, "start")
    _visit(page, role, "leveransbevakning", f"/forbund/leveranser/?year={today.year}")
    _visit(page, role, "inkomna-leveranser", "/forbund/leveranser/inkomna/")
    _visit(page, role, "leverans", f"/forbund/leveranser/{delivery.pk}/")
    _visit(page, role, "statistik", f"/forbund/statistik/?kind=annual&year={today.year - 1}")
    _visit(page, role, "platser", f"/forbund/statistik/platser-och-anmalningar/?year={today.year - 1}")
    _visit(page, role, "overenskommelser", "/forbund/overenskommelser/")
    _visit(page, role, "overenskommelse", f"/forbund/overenskommelser/{agreement.pk}/")
    _visit(page, role, "budget", f"/forbund/budget/{budget.pk}/")

    # A budget line is added.
    line = page.locator("section", has=page.get_by_role("heading", name="Lägg till en budgetpost", exact=True))
    line.get_by_label("Grupp").select_option(index=1)
    line.get_by_label("Post").fill("Studiecirkel för deltagare")
    line.get_by_label("Belopp (kr)").fill("125000")
    submit(line.get_by_role("button", name="Lägg till"))
    assert "125 000 kr" in _text(page)
    _check(page, role, "budget-ny-post")

    _visit(page, role, "lexheller", "/lexheller/")
    _visit(page, role, "lexheller-ny", "/lexheller/ny/")


def test_the_controllers_year_end(page, report, controller_alingsas):
    from apps.yearend.models import KeyFigure, KeyFigureValue

    figure = KeyFigure.objects.get(table__council_goal__namnd=report.namnd, name__startswith="Antal hushåll")
    role = "namnd"

    pages = [
        ("arsbokslut", "/arsbokslut/"),
        ("rapport", f"/arsbokslut/{report.pk}/"),
        ("underlag", f"/arsbokslut/{report.pk}/underlag/"),
        ("internkontroll", f"/arsbokslut/{report.pk}/internkontroll/"),
        ("mal-och-nyckeltal", f"/arsbokslut/{report.pk}/mal-och-nyckeltal/"),
    ]
    _start_the_day(page, controller_alingsas, role, pages)

    # An outcome is entered for a key figure.
    edit = page.locator(f"#kf-{figure.pk}")
    edit.locator("summary").first.click()
    edit.get_by_label(f"Utfall {report.year}").fill("240")
    submit(edit.get_by_role("button", name="Spara utfallen"))
    assert "Utfallen för" in page.locator(".messages").inner_text()
    assert KeyFigureValue.objects.get(key_figure=figure, year=report.year).value == 240
    _check(page, role, "mal-och-nyckeltal-sparat")


def test_the_local_administrators_day(page, caseworker_lerum):
    admin = make_user("admin.lerum", "local_admin", "lerum")
    role = "lokal-admin"

    pages = [
        ("anvandare", "/konto/anvandare/"),
        ("anvandaren", f"/konto/anvandare/{caseworker_lerum.username}/"),
        ("historik", f"/konto/anvandare/{caseworker_lerum.username}/historik/"),
        ("behorighetsgranskning", "/konto/behorighetsgranskning/"),
    ]
    _start_the_day(page, admin, role, pages)

    # A role with an end date is given.
    end = timezone.localdate() + datetime.timedelta(days=90)
    page.goto(f"/konto/anvandare/{caseworker_lerum.username}/")
    page.get_by_role("link", name="Ge en roll").click()
    page.wait_for_url("**/roller/ny/")
    _check(page, role, "ge-roll")
    page.get_by_label("Roll").select_option(value="executor_manager")
    page.get_by_label("Organisation").select_option(value=str(Organisation.objects.get(slug="lerum-activera").pk))
    page.get_by_label("Gäller till").fill(end.isoformat())
    page.get_by_role("button", name="Ge rollen").click()
    page.wait_for_url(f"**/konto/anvandare/{caseworker_lerum.username}/")
    assert caseworker_lerum.role_grants.filter(role="executor_manager", valid_until=end).exists()
    _check(page, role, "anvandaren-ny-roll")


def test_the_public_referral_form_shows_every_error_at_once(page, insjoriket):
    programme_load(name="insjoriket")
    _visit(page, "allmanhet", "anmalan", "/anmalan/")
    page.get_by_role("button", name="Skicka anmälan").click()
    summary = error_summary(page)
    assert summary.locator("li").count() >= 5
    _check(page, "allmanhet", "anmalan-alla-fel")


def test_print_hides_the_navigation_and_the_buttons_and_makes_a_pdf(page, caseworker_alingsas, tmp_path):
    _activera_year(caseworker_alingsas)
    load_demo_forbund(
        forbund=Organisation.objects.get(slug="insjoriket"), today=timezone.localdate(), rng=random.Random(7)
    )
    enrolment = Enrolment.objects.filter(programme_unit=unit(), exit_date__isnull=True).first()
    delivery = Delivery.objects.filter(programme_unit=unit()).order_by("-submitted_at").first()
    assert enrolment is not None and delivery is not None
    _login(page, caseworker_alingsas)
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (
        ("arbetsyta", f"/deltagare/{enrolment.code}/"),
        ("leverans", f"/deltagare/leveranser/{delivery.pk}/"),
    ):
        page.goto(path)
        assert not page.locator(".site-nav").is_visible()
        assert not page.locator(".skip-link").is_visible()
        assert not page.locator(".language-switch").is_visible()
        assert not page.locator(".site-footer").is_visible()
        visible_buttons = page.locator("button:visible, .button:visible, form:visible")
        assert visible_buttons.count() == 0, visible_buttons.evaluate_all(
            "els => els.map(e => e.outerHTML.slice(0, 120))"
        )
        assert page.locator("h1").is_visible()
        pdf = SCREENSHOTS / f"utskrift-{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SCREENSHOTS / f"utskrift-{name}")],
                check=True,
            )

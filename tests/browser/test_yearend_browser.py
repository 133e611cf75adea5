"""The controller's year in Chromium: open the årsbokslut, load the year's figures through the import
page (a wrong file first, then seed 002's files), write a goal's analysis, decide an assessment
against Insyn's proposal (first without a reason, then with one), the förvaltningschef approves,
and the three downloads. axe checks the pages on the way. The yearend roles see no personal data,
so they log in without a second factor (SECOND_FACTOR_ROLES)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.accounts.roles import SECOND_FACTOR_ROLES, Role
from apps.yearend.example import EXAMPLES, FIGURE_FILES, load_example
from apps.yearend.models import (
    GoalAssessment,
    InvestmentFigure,
    LedgerFigure,
    PrognosisFigure,
    ReportStatus,
    ReportText,
    SickLeaveFigure,
    SignalStep,
    StaffFigure,
    YearReport,
)
from apps.yearend.selectors import goal_proposals, report_goals
from apps.yearend.services.editing import goal_assessment_decide
from apps.yearend.services.imports import KINDS
from tests.browser.test_login_and_accessibility import assert_accessible, error_summary, submit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    submit(page.get_by_role("button", name="Logga in"))
    page.wait_for_url(lambda url: url.endswith("/"))


def _download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = info.value.path()
    return Path(path).read_bytes()


def test_the_controllers_year_from_draft_to_approved_and_downloaded(
    page, insjoriket, controller_alingsas, head_alingsas, pdf_support
):
    assert Role.YEAREND_CONTROLLER not in SECOND_FACTOR_ROLES
    assert Role.ADMINISTRATION_HEAD not in SECOND_FACTOR_ROLES
    # The plan of seed 002 (goals, key figures, texts); its figures (ledger, staff) are loaded by
    # the controller through the import page, and the report itself is opened on the page.
    load_example("alingsas-2022").delete()
    for model in (LedgerFigure, InvestmentFigure, PrognosisFigure, StaffFigure, SickLeaveFigure):
        model.objects.filter(namnd__slug="alingsas-socialnamnd").delete()

    _login(page, controller_alingsas)
    assert "ska vara hos kommunstyrelsen senast" in page.locator("main").inner_text()
    page.get_by_role("link", name="Årsbokslut", exact=True).click()
    page.wait_for_url("**/arsbokslut/")
    assert_accessible(page)
    page.get_by_label("År", exact=True).fill("2022")
    page.get_by_label("Slag").select_option(label="Årsbokslut")
    page.get_by_role("button", name="Öppna rapporten").click()
    page.wait_for_url("**/arsbokslut/*/")
    report = YearReport.objects.get(namnd__slug="alingsas-socialnamnd", year=2022, period="annual")
    assert page.locator("h1").inner_text() == "Socialnämndens årsbokslut 2022"
    assert "6 194" not in page.locator("main").inner_text()
    assert_accessible(page)

    # The year's figures through the import page: a wrong file shows every problem and loads
    # nothing, then seed 002's five files.
    page.get_by_role("link", name="Läs in underlag").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/underlag/")
    assert page.locator("h1").inner_text() == "Läs in underlag"
    assert_accessible(page)
    economy = page.locator("#kind-economy")
    economy.get_by_label("Fil med driftredovisning (CSV eller XLSX)").set_input_files(
        files=[{"name": "drift.csv", "mimeType": "text/csv", "buffer": "år;kontogrupp\n2022;lon\n".encode()}]
    )
    economy.get_by_role("button", name="Läs in driftredovisning").click()
    summary = error_summary(page)
    assert "Inget lästes in" in summary.inner_text()
    assert "Rad 1, kolumn budget_kr: Kolumnen saknas" in summary.inner_text()
    assert not LedgerFigure.objects.filter(namnd=report.namnd).exists()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_economy-file"
    for kind, filename in FIGURE_FILES:
        block = page.locator(f"#kind-{kind}")
        block.get_by_label(f"Fil med {KINDS[kind].label} (CSV eller XLSX)").set_input_files(
            str(EXAMPLES / "alingsas-2022" / filename)
        )
        block.get_by_role("button", name=f"Läs in {KINDS[kind].label}").click()
        page.wait_for_url(f"**/arsbokslut/{report.pk}/underlag/#main")
        assert "lästes in" in page.locator(".messages").inner_text(), kind
    assert "18 rader sjukfrånvaro lästes in (2021, 2022)." in page.locator(".messages").inner_text()
    loaded = page.locator("#loaded").inner_text()
    assert "Driftredovisning\t7\t7" in loaded or "Driftredovisning 7 7" in " ".join(loaded.split())
    assert_accessible(page)
    page.get_by_role("link", name="Tillbaka till rapporten").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/")
    assert "6 194" in page.locator("main").inner_text()

    proposals = goal_proposals(report)
    goal = next(g for g in report_goals(report) if proposals[g.pk] is not None)
    proposal = proposals[goal.pk]
    assert proposal is not None
    other = SignalStep.objects.filter(municipality=report.namnd.parent).exclude(pk=proposal.pk).first()
    assert other is not None
    article = page.locator(f"#goal-{goal.pk}")

    # The goal's analysis.
    article.locator("summary", has_text="Ändra texten").click()
    article.get_by_label("Text: Kommentar/analys").fill("Målet följs upp med nya nyckeltal.\n\nAnalysen i två stycken.")
    article.get_by_role("button", name="Spara texten").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/#text-goal-{goal.pk}")
    assert "Texten ”Kommentar/analys av mål” är sparad." in page.locator(".messages").inner_text()
    body = ReportText.objects.get(report=report, key=f"goal-{goal.pk}").body
    assert body == "Målet följs upp med nya nyckeltal.\n\nAnalysen i två stycken."

    # An assessment against the proposal: without a reason it is refused, with one it is saved.
    article = page.locator(f"#goal-{goal.pk}")
    article.locator("summary", has_text="Ändra bedömningen").click()
    article.get_by_label("Bedömning", exact=True).select_option(label=f"{other.symbol} {other.label}")
    article.get_by_role("button", name="Spara bedömningen").click()
    summary = error_summary(page)
    assert f"avviker från förslaget ({proposal.label})" in summary.inner_text()
    assert not GoalAssessment.objects.filter(report=report, goal=goal, decided=other).exists()
    assert_accessible(page)
    article = page.locator(f"#goal-{goal.pk}")
    article.get_by_label("Skäl om bedömningen avviker från förslaget").fill("Nyckeltalen fångar inte årets arbete.")
    article.get_by_role("button", name="Spara bedömningen").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/#goal-{goal.pk}")
    saved = GoalAssessment.objects.get(report=report, goal=goal)
    assert (saved.decided, saved.proposed, saved.reason) == (other, proposal, "Nyckeltalen fångar inte årets arbete.")
    assert other.label in page.locator(f"#goal-{goal.pk} .assessment").inner_text()
    assert page.get_by_role("button", name="Godkänn rapporten").count() == 0

    # The goals whose decision the new figures cleared are decided as proposed (every goal must be
    # assessed before approval; the page's forms for them were walked above).
    decided = set(GoalAssessment.objects.filter(report=report, decided__isnull=False).values_list("goal_id", flat=True))
    proposals = goal_proposals(report)
    top = SignalStep.objects.filter(municipality=report.namnd.parent).order_by("position").last()
    for remaining in report_goals(report):
        if remaining.pk not in decided:
            step = proposals[remaining.pk] or top
            goal_assessment_decide(actor=controller_alingsas, report=report, goal=remaining, step=step, reason="Skäl")

    # The förvaltningschef approves.
    _login(page, head_alingsas)
    page.goto(f"/arsbokslut/{report.pk}/")
    page.get_by_role("button", name="Godkänn rapporten").click()
    page.wait_for_url(f"**/arsbokslut/{report.pk}/#approval")
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert (
        f"Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, {report.approved_on.isoformat()}"
        in page.locator("#approval").inner_text()
    )
    assert_accessible(page)

    # The downloads.
    json_bytes = _download(page, "Tabellerna som JSON (för andra system)")
    assert json_bytes and b'"approver_line": "Karin Alvermalm Dahlgren' in json_bytes
    docx = _download(page, "Bokslutet i Word (DOCX), redigerbart")
    assert docx.startswith(b"PK")
    pdf = _download(page, "Bokslutet som PDF för arkivet")
    assert pdf.startswith(b"%PDF")

"""The controller's year on the pages: who reaches which report (404 outside the municipality,
403 for a reader who writes), texts with their history, the assessment against Insyn's proposal,
the approval by the förvaltningschef, the downloads, and the start page's deadlines."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditAction, AuditEvent
from apps.yearend.document import build_document, due_date
from apps.yearend.models import GoalAssessment, ReportStatus, ReportText, SignalStep, YearReport
from apps.yearend.selectors import goal_proposals, report_goals, upcoming_deadlines
from apps.yearend.services.editing import (
    goal_assessment_decide,
    report_text_save,
    year_report_approve,
)
from apps.yearend.services.reports import year_report_ensure
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.swedish import MONTHS
from tests.conftest import verified_client
from tests.test_pages_are_in_swedish import english_on


def _urls(report: YearReport) -> dict[str, str]:
    goal = report_goals(report)[0]
    base = f"/arsbokslut/{report.pk}/"
    return {
        "report": base,
        "json": base + "?format=json",
        "docx": base + "?format=docx",
        "pdf": base + "?format=pdf",
        "text": base + "texter/verksamhet/",
        "goal_text": base + f"texter/goal-{goal.pk}/",
        "assessment": base + f"mal/{goal.pk}/",
        "head": base + "uppgifter/",
        "approve": base + "godkann/",
        "reopen": base + "oppna-igen/",
    }


def _differing_step(report: YearReport) -> tuple[object, SignalStep, SignalStep]:
    """A goal with a proposal, its proposal, and another step of the scale."""
    proposals = goal_proposals(report)
    goal = next(g for g in report_goals(report) if proposals[g.pk] is not None)
    proposal = proposals[goal.pk]
    assert proposal is not None
    other = SignalStep.objects.filter(municipality=report.namnd.parent).exclude(pk=proposal.pk).first()
    assert other is not None
    return goal, proposal, other


# --- Access ------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in_on_every_yearend_url(report):
    client = Client()
    for url in ["/arsbokslut/", *_urls(report).values()]:
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/konto/logga-in/?next="), url
    assert YearReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_another_municipalitys_controller_gets_404_on_every_report_url_and_sees_nothing(report, controller_lerum):
    client = verified_client(controller_lerum)
    for name, url in _urls(report).items():
        for response in (client.get(url), client.post(url, {"text-verksamhet-body": "Intrång"})):
            assert response.status_code == 404, (name, url)
            assert "Alingsås" not in response.content.decode(), url
    listing = client.get("/arsbokslut/").content.decode()
    assert "Socialnämnden Lerum" in listing and "Alingsås" not in listing
    # Nor can the form open a report for a nämnd of another municipality.
    response = client.post("/arsbokslut/", {"namnd": report.namnd.pk, "year": 2023, "period": "annual"})
    assert response.status_code == 400
    assert "Välj en av dina nämnder." in response.content.decode()
    assert not YearReport.objects.filter(namnd=report.namnd, year=2023).exists()
    assert not ReportText.objects.filter(report=report, body="Intrång").exists()


def test_the_auditor_reads_but_every_write_is_refused(report, auditor_alingsas):
    client = verified_client(auditor_alingsas)
    page = client.get(f"/arsbokslut/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Socialnämndens årsbokslut 2022" in html
    assert "Spara texten" not in html and "Godkänn rapporten" not in html
    assert client.get(f"/arsbokslut/{report.pk}/?format=json").status_code == 200
    urls = _urls(report)
    for name in ("text", "goal_text", "assessment", "head", "approve", "reopen"):
        assert client.post(urls[name], {}).status_code == 403, name
    assert client.post("/arsbokslut/", {"namnd": report.namnd.pk, "year": 2024, "period": "annual"}).status_code == 403
    assert YearReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_the_controller_may_not_approve(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    assert "Godkänn rapporten" not in client.get(f"/arsbokslut/{report.pk}/").content.decode()
    assert client.post(f"/arsbokslut/{report.pk}/godkann/").status_code == 403
    with pytest.raises(NotPermitted):
        year_report_approve(actor=controller_alingsas, report=report)
    assert YearReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_the_navigation_links_to_the_reports_for_those_who_read_them(report, controller_alingsas, caseworker_alingsas):
    assert 'href="/arsbokslut/"' in verified_client(controller_alingsas).get("/").content.decode()
    assert 'href="/arsbokslut/"' not in verified_client(caseworker_alingsas).get("/").content.decode()
    assert verified_client(caseworker_alingsas).get("/arsbokslut/").status_code == 403


# --- The list and a new report ------------------------------------------------------------------------


def test_the_controller_opens_a_new_draft_from_the_list(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    response = client.post("/arsbokslut/", {"namnd": report.namnd.pk, "year": 2023, "period": "interim"})
    created = YearReport.objects.get(namnd=report.namnd, year=2023, period="interim")
    assert response.status_code == 302 and response["Location"] == f"/arsbokslut/{created.pk}/"
    assert created.status == ReportStatus.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "Socialnämndens delårsbokslut 2023" in page
    listing = client.get("/arsbokslut/").content.decode()
    assert "Delårsbokslut 2023" in listing and "Årsbokslut 2022" in listing


def test_a_wrong_year_is_a_swedish_form_error(report, controller_alingsas):
    response = verified_client(controller_alingsas).post(
        "/arsbokslut/", {"namnd": report.namnd.pk, "year": "tjugo", "period": "annual"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ange året med fyra siffror." in html
    assert not english_on(html)


def test_the_list_page_reads_a_bounded_number_of_queries(report, controller_alingsas, django_assert_max_num_queries):
    for year in range(2015, 2022):
        year_report_ensure(actor=controller_alingsas, namnd=report.namnd, year=year, period="annual")
        year_report_ensure(actor=controller_alingsas, namnd=report.namnd, year=year, period="interim")
    client = verified_client(controller_alingsas)
    client.get("/arsbokslut/")  # the session and the device are read once warm
    with django_assert_max_num_queries(12):
        response = client.get("/arsbokslut/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/arsbokslut/') >= 15


# --- The report page ----------------------------------------------------------------------------------


def test_the_report_page_shows_the_tables_texts_and_goals_of_the_document(report, controller_alingsas):
    html = verified_client(controller_alingsas).get(f"/arsbokslut/{report.pk}/").content.decode()
    document = build_document(report)
    drift = next(t for t in document.all_tables() if t.key == "drift")
    assert "Årets resultat" in html and drift.row("Årets resultat").cells[3] == "6 194"
    assert "6 194" in html and "-2 833" in html
    assert 'class="numeric">Budget 2022</th>' in html  # numeric columns right-aligned, headers too
    assert 'class="row--sum row--bold"' in html
    for goal in report_goals(report):
        assert goal.title in html
        assert f'action="/arsbokslut/{report.pk}/mal/{goal.pk}/"' in html
        assert f'action="/arsbokslut/{report.pk}/texter/goal-{goal.pk}/"' in html
    for key in ("verksamhet", "agenda2030", "memo_case", "sick_leave_comment", "providers_comment"):
        assert f'action="/arsbokslut/{report.pk}/texter/{key}/"' in html, key
    # The assessment is text and symbol, never colour alone.
    decided = GoalAssessment.objects.filter(report=report, decided__isnull=False).select_related("decided").first()
    assert decided is not None and decided.decided is not None
    assert f"{decided.decided.symbol}</span> {decided.decided.label}" in html
    assert "nyckeltal når målet" in html
    assert not english_on(html)


def test_saving_a_text_keeps_the_earlier_one_with_its_author_and_time(report, controller_alingsas, head_alingsas):
    url = _urls(report)["text"]
    client = verified_client(controller_alingsas)
    original = ReportText.objects.get(report=report, key="verksamhet").body
    response = client.post(url, {"text-verksamhet-body": "Första nya versionen.\r\n\r\nAndra stycket."})
    assert response.status_code == 302 and response["Location"].endswith("#text-verksamhet")
    verified_client(head_alingsas).post(url, {"text-verksamhet-body": "Chefens version."})
    text = ReportText.objects.get(report=report, key="verksamhet")
    assert text.body == "Chefens version." and text.updated_by == head_alingsas
    versions = list(text.versions.order_by("saved_at", "pk"))
    assert [v.body for v in versions] == [original, "Första nya versionen.\n\nAndra stycket."]
    assert versions[1].author == controller_alingsas
    html = client.get(f"/arsbokslut/{report.pk}/").content.decode()
    assert "Historik: 3 lydelser" in html
    assert "Karin Alvermalm Dahlgren" in html and "sofia.controller" in html
    assert AuditEvent.objects.filter(action=AuditAction.YEAREND_CHANGE, details__key="verksamhet").count() == 2
    # Saving the same text again writes nothing.
    client.post(url, {"text-verksamhet-body": "Chefens version."})
    assert text.versions.count() == 2


def test_editing_a_goals_analysis(report, controller_alingsas):
    goal = report_goals(report)[0]
    client = verified_client(controller_alingsas)
    response = client.post(_urls(report)["goal_text"], {f"text-goal-{goal.pk}-body": "Ny analys av målet."})
    assert response.status_code == 302
    assert ReportText.objects.get(report=report, key=f"goal-{goal.pk}").body == "Ny analys av målet."
    block = build_document(report).sections
    assert any("Ny analys av målet." in g.analysis for s in block for g in s.goals)


def test_a_text_key_the_report_does_not_have_is_refused(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    assert client.post(f"/arsbokslut/{report.pk}/texter/okand/", {}).status_code == 404
    with pytest.raises(ValidationFailed):
        report_text_save(actor=controller_alingsas, report=report, key="goal-999999", body="x")
    with pytest.raises(ValidationFailed):
        report_text_save(actor=controller_alingsas, report=report, key="okand", body="x")


def test_an_assessment_against_the_proposal_without_a_reason_is_a_form_error_and_nothing_is_saved(
    report, controller_alingsas
):
    goal, proposal, other = _differing_step(report)
    before = GoalAssessment.objects.get(report=report, goal=goal)
    client = verified_client(controller_alingsas)
    url = f"/arsbokslut/{report.pk}/mal/{goal.pk}/"
    response = client.post(url, {f"goal-{goal.pk}-step": other.pk, f"goal-{goal.pk}-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert f"Ange skälet till att bedömningen avviker från förslaget ({proposal.label})." in html
    assert not english_on(html)
    after = GoalAssessment.objects.get(report=report, goal=goal)
    assert (after.decided_id, after.reason) == (before.decided_id, before.reason)

    response = client.post(url, {f"goal-{goal.pk}-step": other.pk, f"goal-{goal.pk}-reason": "Skälet."})
    assert response.status_code == 302
    saved = GoalAssessment.objects.get(report=report, goal=goal)
    assert (saved.proposed_id, saved.decided_id, saved.reason) == (proposal.pk, other.pk, "Skälet.")
    assert saved.decided_by == controller_alingsas


def test_the_service_computes_the_proposal_and_asks_for_the_reason(report, controller_alingsas):
    goal, proposal, other = _differing_step(report)
    with pytest.raises(ValidationFailed) as refused:
        goal_assessment_decide(actor=controller_alingsas, report=report, goal=goal, step=other, reason="")
    assert "reason" in refused.value.fields
    agreed = goal_assessment_decide(actor=controller_alingsas, report=report, goal=goal, step=proposal, reason="")
    assert agreed.proposed == proposal and agreed.decided == proposal


def test_the_head_and_the_memo_are_saved(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    data = {
        "head-document_type": "Redovisande dokument, bokslut",
        "head-decision_body": "Socialnämnden",
        "head-decision_date": "2023-02-14",
        "head-diary_number": "2023.999 SN",
        "head-memo_date": "2023-02-07",
        "head-officer_name": "Sofia Landén",
        "head-officer_title": "Verksamhetscontroller",
        "head-direct_number": "0322-616782",
        "head-manager_name": "Karin Alvermalm",
        "head-manager_title": "Förvaltningschef",
        "head-recipients": "Kommunstyrelsen\r\nRevisorerna",
    }
    assert client.post(_urls(report)["head"], data).status_code == 302
    saved = YearReport.objects.get(pk=report.pk)
    assert saved.diary_number == "2023.999 SN" and saved.recipients == "Kommunstyrelsen\nRevisorerna"
    wrong = {**data, "head-memo_date": "2023-03-01", "head-decision_date": "14/2"}
    response = client.post(_urls(report)["head"], wrong)
    assert response.status_code == 400 and "Ange datum som ÅÅÅÅ-MM-DD." in response.content.decode()
    response = client.post(_urls(report)["head"], {**data, "head-memo_date": "2023-03-01"})
    assert "Tjänsteskrivelsen kan inte vara daterad efter beslutet." in response.content.decode()


# --- Approval ---------------------------------------------------------------------------------------------


def test_the_head_of_administration_approves_and_the_approver_line_follows(report, head_alingsas, controller_alingsas):
    client = verified_client(head_alingsas)
    assert "Godkänn rapporten" in client.get(f"/arsbokslut/{report.pk}/").content.decode()
    response = client.post(f"/arsbokslut/{report.pk}/godkann/")
    assert response.status_code == 302
    approved = YearReport.objects.get(pk=report.pk)
    today = timezone.localdate()
    assert approved.status == ReportStatus.APPROVED
    assert (approved.approver_name, approved.approved_on, approved.approved_by) == (
        "Karin Alvermalm Dahlgren",
        today,
        head_alingsas,
    )
    line = f"Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, {today.isoformat()}"
    assert build_document(approved).as_json()["memo"]["approver_line"] == line
    assert line in client.get(f"/arsbokslut/{report.pk}/").content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.YEAREND_APPROVE, object_id=str(report.pk)).exists()

    # Approved, the report is frozen: the controller's forms are gone and the service refuses.
    controller = verified_client(controller_alingsas)
    assert "Spara texten" not in controller.get(f"/arsbokslut/{report.pk}/").content.decode()
    with pytest.raises(Conflict) as refused:
        report_text_save(actor=controller_alingsas, report=approved, key="verksamhet", body="Sent")
    assert "godkänd" in refused.value.message
    response = controller.post(_urls(report)["text"], {"text-verksamhet-body": "Sent"})
    assert response.status_code == 400 and "Rapporten är godkänd och kan inte ändras." in response.content.decode()

    # Reopened, it is a draft again without an approver.
    assert client.post(f"/arsbokslut/{report.pk}/oppna-igen/").status_code == 302
    reopened = YearReport.objects.get(pk=report.pk)
    assert reopened.status == ReportStatus.DRAFT and reopened.approver_name == "" and reopened.approved_on is None


# --- Downloads ----------------------------------------------------------------------------------------------


def test_the_json_download_is_the_document_and_is_logged(report, auditor_alingsas):
    response = verified_client(auditor_alingsas).get(f"/arsbokslut/{report.pk}/?format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="arsbokslut-alingsas-socialnamnd-2022.json"'
    data = json.loads(response.content)
    assert data == json.loads(json.dumps(build_document(report).as_json()))
    assert any(t["key"] == "drift" for t in data["tables"])
    event = AuditEvent.objects.get(action=AuditAction.YEAREND_EXPORT)
    assert event.details["format"] == "json" and event.actor_username == auditor_alingsas.username
    assert verified_client(auditor_alingsas).get(f"/arsbokslut/{report.pk}/?format=xls").status_code == 404


def test_the_docx_and_pdf_downloads(report, controller_alingsas, pdf_support):
    client = verified_client(controller_alingsas)
    docx = client.get(f"/arsbokslut/{report.pk}/?format=docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx["Content-Disposition"].endswith('.docx"')
    pdf = client.get(f"/arsbokslut/{report.pk}/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.YEAREND_EXPORT).count() == 2


# --- The start page ---------------------------------------------------------------------------------------


def _swedish(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def test_the_start_page_shows_the_next_due_dates(report, controller_alingsas, auditor_alingsas):
    today = timezone.localdate()
    deadlines = upcoming_deadlines(controller_alingsas, today)
    assert {d.period for d in deadlines} == {"annual", "interim"}
    html = verified_client(controller_alingsas).get("/").content.decode()
    for deadline in deadlines:
        assert deadline.due >= today
        kind = "Årsbokslut" if deadline.period == "annual" else "Delårsbokslut"
        assert f"{kind} {deadline.year}" in html
        assert f"ska vara hos kommunstyrelsen senast {_swedish(deadline.due)}" in html
    assert "ska vara hos kommunstyrelsen" not in verified_client(auditor_alingsas).get("/").content.decode()


def test_the_deadline_follows_the_styrmodell(report, controller_alingsas):
    annual = YearReport(namnd=report.namnd, year=2026, period="annual")
    assert due_date(annual) == datetime.date(2027, 2, 20)
    found = upcoming_deadlines(controller_alingsas, datetime.date(2027, 2, 1))
    assert [(d.period, d.year, d.due) for d in found if d.period == "annual"] == [
        ("annual", 2026, datetime.date(2027, 2, 20))
    ]
    after = upcoming_deadlines(controller_alingsas, datetime.date(2027, 2, 21))
    assert [(d.year, d.due) for d in after if d.period == "annual"] == [(2027, datetime.date(2028, 2, 20))]


def test_a_new_report_starts_with_the_proposals_and_a_moved_proposal_clears_an_unreasoned_decision(
    report, controller_alingsas
):
    from apps.yearend.services.editing import goal_assessments_propose, year_report_start

    interim = year_report_start(actor=controller_alingsas, namnd=report.namnd, year=2022, period="interim")
    proposals = goal_proposals(interim)
    stored = {a.goal_id: a.proposed for a in GoalAssessment.objects.filter(report=interim)}
    assert stored == {pk: step for pk, step in proposals.items() if step is not None}
    goal, proposal, other = _differing_step(interim)
    goal_assessment_decide(actor=controller_alingsas, report=interim, goal=goal, step=proposal, reason="")
    # Another step is now stored as the proposal (as if new figures had come): the decision that
    # only agreed with the old proposal no longer stands.
    GoalAssessment.objects.filter(report=interim, goal=goal).update(proposed=other, decided=other)
    goal_assessments_propose(report=interim)
    moved = GoalAssessment.objects.get(report=interim, goal=goal)
    assert moved.proposed == proposal and moved.decided is None


def test_a_text_with_a_personnummer_is_refused_and_nothing_is_saved(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    url = f"/arsbokslut/{report.pk}/texter/verksamhet/"
    before = ReportText.objects.get(report=report, key="verksamhet").body
    response = client.post(url, {"text-verksamhet-body": "Anna Svensson 19790126-1698 tel 070-123 45 67"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "personnummer" in body.lower()
    assert ReportText.objects.get(report=report, key="verksamhet").body == before


def test_a_text_with_a_likely_name_needs_the_confirmation_before_it_is_saved(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    url = f"/arsbokslut/{report.pk}/texter/verksamhet/"
    text = "Förvaltningschefen Karin Alvermalm presenterade arbetet för nämnden."
    first = client.post(url, {"text-verksamhet-body": text})
    assert first.status_code == 400
    assert "Jag har kontrollerat att namnen inte pekar ut någon enskild person" in first.content.decode()
    assert ReportText.objects.get(report=report, key="verksamhet").body != text
    fingerprint = re.search(r'name="text-verksamhet-names_confirmed" value="([^"]+)"', first.content.decode())
    assert fingerprint is not None
    second = client.post(url, {"text-verksamhet-body": text, "text-verksamhet-names_confirmed": fingerprint.group(1)})
    assert second.status_code == 302
    assert ReportText.objects.get(report=report, key="verksamhet").body == text


def test_a_report_past_its_date_without_approval_is_listed_as_late_first(insjoriket, controller_alingsas):
    from apps.organisations.models import Organisation

    namnd = Organisation.objects.get(slug="alingsas-socialnamnd")
    late = year_report_ensure(actor=None, namnd=namnd, year=2026, period="interim")
    deadlines = upcoming_deadlines(controller_alingsas, datetime.date(2026, 12, 1))
    first = deadlines[0]
    assert (first.year, first.period, first.overdue, first.report) == (2026, "interim", True, late)
    assert [(d.year, d.period, d.overdue) for d in deadlines[1:]] == [(2026, "annual", False), (2027, "interim", False)]
    page = verified_client(controller_alingsas).get("/").content.decode()
    assert "försenat" in page and "skulle ha varit hos kommunstyrelsen senast 30 september 2026" in page

"""An approved report is frozen: what it shows stays as approved whatever is imported, computed or
changed afterwards, until the förvaltningschef reopens it."""

from __future__ import annotations

import pytest

from apps.yearend.document import build_document, document_of
from apps.yearend.example import load_example
from apps.yearend.models import ReportStatus, SignalStep
from apps.yearend.services.editing import year_report_approve, year_report_reopen
from apps.yearend.services.imports import figures_import

pytestmark = pytest.mark.django_db

NEW_INCOME = "år;kontogrupp;budget_kr;utfall_kr\n2022;intakter;12686000;99000000\n".encode()


def result_row(document) -> list[str]:
    drift = next(t for t in document.all_tables() if t.key == "drift")
    return drift.row("Årets resultat").cells


def test_an_import_after_approval_does_not_change_the_approved_document(insjoriket):
    report = load_example("alingsas-2022")
    assert report.status == ReportStatus.APPROVED
    figures_import(actor=None, namnd=report.namnd, kind="economy", filename="e.csv", data=NEW_INCOME)
    report.refresh_from_db()
    assert result_row(document_of(report)) == ["0", "3 361", "3 361", "6 194", "-2 833"]
    # Today's data has moved on; only the approved document stands still.
    assert result_row(build_document(report))[1] != "3 361"


def test_the_approved_document_is_the_same_in_json_docx_and_pdf_as_when_approved(insjoriket):
    report = load_example("alingsas-2022")
    frozen = document_of(report).as_json()
    SignalStep.objects.filter(municipality=report.namnd.parent, label="Helt uppfyllt").update(symbol="+")
    figures_import(actor=None, namnd=report.namnd, kind="economy", filename="e.csv", data=NEW_INCOME)
    report.refresh_from_db()
    assert document_of(report).as_json() == frozen


def test_reopening_lets_the_report_follow_the_data_again_and_a_new_approval_freezes_that(insjoriket, head_alingsas):
    report = load_example("alingsas-2022")
    figures_import(actor=None, namnd=report.namnd, kind="economy", filename="e.csv", data=NEW_INCOME)
    report = year_report_reopen(actor=head_alingsas, report=report)
    assert report.approved_content is None
    moved = result_row(document_of(report))
    assert moved[1] != "3 361"
    report = year_report_approve(actor=head_alingsas, report=report)
    memo = document_of(report).as_json()["memo"]
    assert memo["approver_line"].startswith(head_alingsas.get_full_name())
    assert document_of(report).as_json()["document"]["status"] == "Godkänd av förvaltningschef"
    assert result_row(document_of(report)) == moved


def test_a_report_with_a_goal_not_assessed_cannot_be_approved(report, head_alingsas):
    from apps.yearend.models import GoalAssessment
    from insyn.errors import ValidationFailed

    undecided = GoalAssessment.objects.filter(report=report).select_related("goal").first()
    GoalAssessment.objects.filter(pk=undecided.pk).update(decided=None, reason="")
    with pytest.raises(ValidationFailed) as caught:
        year_report_approve(actor=head_alingsas, report=report)
    assert caught.value.message.startswith("Bedöm alla mål innan rapporten godkänns. Inte bedömda: ")
    assert undecided.goal.title in caught.value.message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.approved_content is None

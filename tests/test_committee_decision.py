"""After the tjänsteskrivelse (issue 15): the registrar records the nämnd's decision (date, paragraph,
the arbetsutskott's date), Insyn makes the protokollsutdrag (§ …, Beslut, Expedieras till) and
records its dispatch to the council and the auditors; and the nämnd's own data (scope, appendix,
signatures) on its settings page. Documents are read back with python-docx and pypdf."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.minutes import committee_decision_dispatch, committee_decision_record
from apps.decisions.models import CommitteeDecision, CommitteeSettings
from apps.decisions.services import report_prepare
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.quarters import Quarter
from tests.conftest import verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event
from tests.test_report_memo import (
    APPENDIX,
    APPENDIX_TITLE,
    SCOPE_SENTENCE,
    docx_of,
    flat,
    paragraphs,
    pdf_pages,
    set_alingsas_committee,
    submitted_report,
    table_cells,
)

D = datetime.date

PROPOSAL = (
    "Socialnämnden noterar rapporteringen till IVO för kvartal 4 2022 och översänder rapporten till "
    "kommunfullmäktige och kommunens revisorer."
)
DECISION = {
    "decided_on": "2023-02-14",
    "paragraph": "19",
    "working_committee_on": "2023-02-08",
    "diary_number": "2022.029 SN",
    "decision_text": PROPOSAL,
}


@pytest.fixture
def report(alingsas):
    """Alingsås's Q4 2022 as of the seed's 2023-01-11: two Kontaktfamilj not executed, one
    Boendestöd reported in Q3 and ended since."""
    for reference in ("2022.301 SN", "2022.302 SN"):
        decide(alingsas, reference, "Kontaktfamilj", D(2022, 7, 25), reason="Lämplig kontaktfamilj har inte hittats")
    boendestod = decide(alingsas, "2022.198 SN", "Boendestöd", D(2022, 6, 15), reason="Personal saknas")
    submitted_report(alingsas, "2022Q3", D(2022, 10, 12))
    event(boendestod, "ended", D(2023, 1, 9), end_reason="application_withdrawn")
    return submitted_report(alingsas, "2022Q4", D(2023, 1, 11))


@pytest.fixture
def decided(report, registrar_alingsas):
    """The nämnd's decision of 2023-02-14, § 19, prepared by the arbetsutskott 2023-02-08."""
    committee_decision_record(
        actor=registrar_alingsas,
        report=report,
        decided_on=D(2023, 2, 14),
        paragraph=19,
        working_committee_on=D(2023, 2, 8),
        diary_number="2022.029 SN",
        decision_text=PROPOSAL,
    )
    return report


def url(report, page: str) -> str:
    return f"/beslut/rapporter/{report.pk}/{page}/"


def committee_events(step: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(details__step=step).order_by("id"))


# --- Recording the nämnd's decision ------------------------------------------------------------------


def test_the_decision_form_opens_with_the_proposal_of_the_memo_as_the_decision(registrar_alingsas, report):
    response = verified_client(registrar_alingsas).get(url(report, "namndbeslut"))
    assert response.status_code == 200
    assert response.context["form"]["decision_text"].value() == PROPOSAL
    html = response.content.decode()
    assert "Registrera nämndens beslut" in html
    assert "Alingsås kommun" in html
    assert "Skapa protokollsutdraget" not in html  # nothing to make it from yet


def test_the_registrar_records_the_nämnds_decision_and_it_is_audited(registrar_alingsas, report):
    client = verified_client(registrar_alingsas)
    response = client.post(url(report, "namndbeslut"), {**DECISION, "diary_number": " 2022.029 SN "})
    assert response.status_code == 302
    assert response["Location"] == url(report, "namndbeslut")
    decision = CommitteeDecision.objects.get(report=report)
    assert (
        decision.decided_on,
        decision.paragraph,
        decision.working_committee_on,
        decision.diary_number,
        decision.decision_text,
        decision.recorded_by,
        decision.dispatched_on,
    ) == (D(2023, 2, 14), 19, D(2023, 2, 8), "2022.029 SN", PROPOSAL, registrar_alingsas, None)
    [audit] = committee_events("nämndens beslut")
    assert audit.actor_username == "rut.registrator"
    assert (audit.object_type, audit.object_id, audit.municipality_slug) == (
        "quarterly_report",
        str(report.pk),
        "alingsas",
    )
    assert audit.details == {
        "quarter": "2022Q4",
        "step": "nämndens beslut",
        "decided_on": "2023-02-14",
        "paragraph": 19,
        "working_committee_on": "2023-02-08",
    }
    html = client.get(url(report, "namndbeslut")).content.decode()
    assert "Nämndens beslut är registrerat." in html
    assert "Nämnden beslutade 2023-02-14, § 19 2022.029 SN. Arbetsutskottet beredde ärendet 2023-02-08." in html
    assert "Rätta nämndens beslut" in html
    # The report's page tells it too.
    report_html = client.get(f"/beslut/rapporter/{report.pk}/").content.decode()
    assert "Nämnden beslutade 2023-02-14, § 19." in report_html
    assert "Ännu inte expedierat." in report_html


def test_a_correction_before_the_dispatch_replaces_the_decision(registrar_alingsas, decided):
    client = verified_client(registrar_alingsas)
    response = client.post(
        url(decided, "namndbeslut"), {**DECISION, "paragraph": "21", "working_committee_on": "", "decision_text": "X"}
    )
    assert response.status_code == 302
    decision = CommitteeDecision.objects.get(report=decided)
    assert (decision.paragraph, decision.working_committee_on, decision.decision_text) == (21, None, "X")
    assert len(committee_events("nämndens beslut")) == 2


def test_the_nämnd_cannot_decide_on_a_report_not_yet_submitted(registrar_alingsas, alingsas):
    draft = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2023, 1, 11), today=FAR_FUTURE
    )
    client = verified_client(registrar_alingsas)
    response = client.post(url(draft, "namndbeslut"), DECISION)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Lämna in rapporten innan nämndens beslut registreras: nämnden beslutar om en fryst rapport."
    ]
    assert "Lämna in rapporten innan nämndens beslut registreras" in response.content.decode()
    # Said at once with the form's own errors, not only after they are fixed.
    response = client.post(url(draft, "namndbeslut"), {**DECISION, "paragraph": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["Lämna in rapporten innan nämndens beslut registreras: nämnden beslutar om en fryst rapport."],
        "paragraph": ["Ange paragrafen i nämndens protokoll."],
    }
    assert not CommitteeDecision.objects.exists()
    assert not committee_events("nämndens beslut")
    # …nor is there a protokollsutdrag to make, or anything to dispatch.
    assert client.get(url(draft, "protokollsutdrag")).status_code == 404
    with pytest.raises(Conflict):
        committee_decision_record(
            actor=None,
            report=draft,
            decided_on=D(2023, 2, 14),
            paragraph=19,
            diary_number="2022.029 SN",
            decision_text=PROPOSAL,
        )


def test_bad_input_to_the_decision_form_is_named_on_every_field_at_once_and_saves_nothing(registrar_alingsas, report):
    bad = {
        "decided_on": "",
        "paragraph": "0",
        "working_committee_on": "8 februari",
        "diary_number": "   ",
        "decision_text": "",
    }
    response = verified_client(registrar_alingsas).post(url(report, "namndbeslut"), bad)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "decided_on": ["Ange datum."],
        "paragraph": ["Paragrafen är ett heltal från 1."],
        "working_committee_on": ["Ange datum som ÅÅÅÅ-MM-DD."],
        "diary_number": ["Ange diarienummer."],
        "decision_text": ["Skriv nämndens beslut."],
    }
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert "Nämndens sammanträdesdatum: Ange datum." in html
    assert not CommitteeDecision.objects.exists()
    assert not committee_events("nämndens beslut")


@pytest.mark.parametrize(
    ("paragraph", "message"),
    [
        ("§ 19", "Ange paragrafen som ett heltal, t.ex. 19."),
        ("19,5", "Ange paragrafen som ett heltal, t.ex. 19."),
        ("-3", "Paragrafen är ett heltal från 1."),
        ("10000", "Paragrafen kan vara högst 9999."),
        ("", "Ange paragrafen i nämndens protokoll."),
    ],
)
def test_the_paragraph_is_a_whole_number_from_1(registrar_alingsas, report, paragraph, message):
    response = verified_client(registrar_alingsas).post(
        url(report, "namndbeslut"), {**DECISION, "paragraph": paragraph}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"paragraph": [message]}
    assert not CommitteeDecision.objects.exists()


@pytest.mark.parametrize(
    ("decided_on", "working_committee_on", "field", "message"),
    [
        (
            "2023-02-14",
            "2023-02-15",
            "working_committee_on",
            "Arbetsutskottet sammanträder före nämnden (nämnden: 2023-02-14).",
        ),
        ("2023-01-10", "", "decided_on", "Nämnden kan inte ha beslutat före rapporteringstillfället 2023-01-11."),
        (
            "2023-02-14",
            "2023-01-10",
            "working_committee_on",
            "Arbetsutskottet kan inte ha berett ärendet före rapporteringstillfället 2023-01-11.",
        ),
        ("tomorrow", "", "decided_on", "Sammanträdesdatumet kan inte ligga i framtiden."),
    ],
)
def test_the_dates_of_the_decision_must_fit_the_report_and_each_other(
    registrar_alingsas, report, decided_on, working_committee_on, field, message
):
    if decided_on == "tomorrow":
        decided_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = verified_client(registrar_alingsas).post(
        url(report, "namndbeslut"),
        {**DECISION, "decided_on": decided_on, "working_committee_on": working_committee_on},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_a_date_against_the_rules_is_named_together_with_the_forms_other_errors(registrar_alingsas, report):
    # The registrar learns of every problem in one round, not the date rule only after the rest is fixed.
    response = verified_client(registrar_alingsas).post(
        url(report, "namndbeslut"),
        {
            **DECISION,
            "decided_on": "2023-01-10",
            "working_committee_on": "2023-01-09",
            "paragraph": "",
            "decision_text": "",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "decided_on": ["Nämnden kan inte ha beslutat före rapporteringstillfället 2023-01-11."],
        "working_committee_on": ["Arbetsutskottet kan inte ha berett ärendet före rapporteringstillfället 2023-01-11."],
        "paragraph": ["Ange paragrafen i nämndens protokoll."],
        "decision_text": ["Skriv nämndens beslut."],
    }
    assert not CommitteeDecision.objects.exists()


def test_the_service_checks_every_rule_at_once_too(report):
    with pytest.raises(ValidationFailed) as caught:
        committee_decision_record(
            actor=None,
            report=report,
            decided_on=D(2023, 2, 14),
            paragraph=0,
            working_committee_on=D(2023, 2, 20),
            diary_number=" ",
            decision_text="",
            today=D(2023, 3, 1),
        )
    assert caught.value.fields == {
        "working_committee_on": ["Arbetsutskottet sammanträder före nämnden (nämnden: 2023-02-14)."],
        "paragraph": ["Paragrafen är ett heltal från 1."],
        "diary_number": ["Ange diarienummer."],
        "decision_text": ["Skriv nämndens beslut."],
    }
    assert not CommitteeDecision.objects.exists()


# --- The protokollsutdrag ----------------------------------------------------------------------------


def test_the_protokollsutdrag_docx_has_the_paragraph_the_date_the_decision_and_the_recipients(
    registrar_alingsas, alingsas, decided
):
    set_alingsas_committee(alingsas)
    response = verified_client(registrar_alingsas).get(url(decided, "protokollsutdrag"), {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="protokollsutdrag-alingsas-2022Q4.docx"'
    document = docx_of(response.content)
    text = paragraphs(document)
    assert text[:7] == [
        "Alingsås kommun",
        "Socialnämnden",
        "Protokollsutdrag",
        "Sammanträdesdatum: 2023-02-14",
        "§ 19 2022.029 SN",
        "Ej verkställda beslut, kvartal 4 2022",
        "Ärendebeskrivning",
    ]
    assert SCOPE_SENTENCE in text
    assert table_cells(document.tables[0]) == [
        ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"],
        ["Boendestöd, ej verkställda", "", "", "1 st", ""],
        ["Boendestöd, avslutad", "", "", "", "1 st"],
        ["Kontaktfamilj, ej verkställda", "", "", "", "2 st"],
    ]
    tail = [line for line in text[text.index("Beredning") :] if line]
    assert tail == [
        "Beredning",
        "Ärendet har beretts av socialnämndens arbetsutskott 2023-02-08.",
        "Beslut",
        PROPOSAL,
        "Expedieras till",
        "Kommunfullmäktige",
        "Kommunens revisorer",
        APPENDIX_TITLE,
        *[line for line in APPENDIX.splitlines() if line],
    ]
    [audit] = AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT)
    assert (audit.actor_username, audit.object_id, audit.details["format"]) == (
        "rut.registrator",
        str(decided.pk),
        "protokollsutdrag-docx",
    )


def test_the_protokollsutdrag_pdf_says_the_same(registrar_alingsas, alingsas, decided, pdf_support):
    set_alingsas_committee(alingsas)
    response = verified_client(registrar_alingsas).get(url(decided, "protokollsutdrag"))  # PDF by default
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="protokollsutdrag-alingsas-2022Q4.pdf"'
    pages = pdf_pages(response.content)
    assert pages[0].splitlines()[:6] == [
        "Alingsås kommun",
        "Socialnämnden",
        "Protokollsutdrag",
        "Sammanträdesdatum: 2023-02-14",
        "§ 19 2022.029 SN",
        "Ej verkställda beslut, kvartal 4 2022",
    ]
    body = flat("\n".join(pages[:-1]))
    assert SCOPE_SENTENCE in body
    assert (
        "Beredning Ärendet har beretts av socialnämndens arbetsutskott 2023-02-08. "
        f"Beslut {PROPOSAL} Expedieras till Kommunfullmäktige Kommunens revisorer"
    ) in body
    assert "Expedierat" not in body
    assert flat(pages[-1]).startswith(APPENDIX_TITLE)
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT, details__format="protokollsutdrag-pdf").exists()


def test_the_protokollsutdrag_prints_the_decision_as_recorded_not_the_proposal(registrar_alingsas, report):
    client = verified_client(registrar_alingsas)
    text = (
        "Socialnämnden noterar rapporteringen till IVO för kvartal 4 2022, översänder rapporten till "
        "kommunfullmäktige och kommunens revisorer och ger förvaltningen i uppdrag att återkomma i april."
    )
    client.post(
        url(report, "namndbeslut"), {**DECISION, "paragraph": "7", "working_committee_on": "", "decision_text": text}
    )
    lines = paragraphs(docx_of(client.get(url(report, "protokollsutdrag"), {"format": "docx"}).content))
    assert "§ 7 2022.029 SN" in lines
    assert lines[lines.index("Beslut") + 1] == text
    assert PROPOSAL not in lines
    # No arbetsutskott date: no Beredning.
    assert "Beredning" not in lines and not any("arbetsutskott" in line for line in lines)


def test_a_protokollsutdrag_without_the_nämnds_scope_has_no_sentence_and_no_appendix(registrar_alingsas, decided):
    lines = paragraphs(
        docx_of(verified_client(registrar_alingsas).get(url(decided, "protokollsutdrag"), {"format": "docx"}).content)
    )
    assert not any("rapporteringsskyldighet för" in line or "Bilaga" in line for line in lines)
    assert [line for line in lines if line][-1] == "Kommunens revisorer"


def test_there_is_no_protokollsutdrag_before_the_decision_is_recorded(registrar_alingsas, report):
    assert verified_client(registrar_alingsas).get(url(report, "protokollsutdrag")).status_code == 404


# --- The dispatch to the council and the auditors ----------------------------------------------------


def test_the_dispatch_is_recorded_with_its_date_and_the_user_and_audited(registrar_alingsas, decided, pdf_support):
    client = verified_client(registrar_alingsas)
    response = client.post(url(decided, "expediera"), {"dispatched_on": "2023-02-20"})
    assert response.status_code == 302
    assert response["Location"] == url(decided, "namndbeslut")
    decision = CommitteeDecision.objects.get(report=decided)
    assert (decision.dispatched_on, decision.dispatched_by) == (D(2023, 2, 20), registrar_alingsas)
    [audit] = committee_events("expedierat")
    assert audit.actor_username == "rut.registrator"
    assert (audit.object_id, audit.municipality_slug) == (str(decided.pk), "alingsas")
    assert audit.details == {
        "quarter": "2022Q4",
        "step": "expedierat",
        "dispatched_on": "2023-02-20",
        "to": ["Kommunfullmäktige", "Kommunens revisorer"],
    }
    html = client.get(url(decided, "namndbeslut")).content.decode()
    assert "Protokollsutdraget är registrerat som expedierat till KF och revisorerna." in html
    assert "Expedierat till kommunfullmäktige och kommunens revisorer 2023-02-20 (rut.registrator)." in html
    assert "Rätta nämndens beslut" not in html  # a dispatched decision is final
    report_html = client.get(f"/beslut/rapporter/{decided.pk}/").content.decode()
    assert "Expedierat till kommunfullmäktige och kommunens revisorer 2023-02-20." in report_html
    # The protokollsutdrag now says so.
    dispatched = "Expedierat 2023-02-20 till kommunfullmäktige och kommunens revisorer."
    lines = paragraphs(docx_of(client.get(url(decided, "protokollsutdrag"), {"format": "docx"}).content))
    assert lines[lines.index("Expedieras till") + 1 : lines.index("Expedieras till") + 4] == [
        "Kommunfullmäktige",
        "Kommunens revisorer",
        dispatched,
    ]
    assert dispatched in flat(" ".join(pdf_pages(client.get(url(decided, "protokollsutdrag")).content)))


def test_a_dispatched_decision_can_be_neither_changed_nor_dispatched_again(registrar_alingsas, decided):
    client = verified_client(registrar_alingsas)
    client.post(url(decided, "expediera"), {"dispatched_on": "2023-02-20"})
    audits = AuditEvent.objects.count()
    response = client.post(url(decided, "namndbeslut"), {**DECISION, "paragraph": "20"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Protokollsutdraget expedierades 2023-02-20; beslutet kan inte ändras."
    ]
    again = client.post(url(decided, "expediera"), {"dispatched_on": "2023-02-21"}, follow=True)
    assert "Protokollsutdraget är redan expedierat 2023-02-20." in again.content.decode()
    decision = CommitteeDecision.objects.get(report=decided)
    assert (decision.paragraph, decision.dispatched_on) == (19, D(2023, 2, 20))
    assert AuditEvent.objects.count() == audits
    assert len(committee_events("expedierat")) == 1


@pytest.mark.parametrize(
    ("dispatched_on", "message"),
    [
        ("", "Ange datum."),
        ("2023-02-30", "Ange datum som ÅÅÅÅ-MM-DD."),
        ("2023-02-13", "Beslutet kan inte expedieras före sammanträdet 2023-02-14."),
        ("tomorrow", "Datumet kan inte ligga i framtiden."),
    ],
)
def test_a_dispatch_with_a_bad_date_is_refused_in_swedish_and_changes_nothing(
    registrar_alingsas, decided, dispatched_on, message
):
    if dispatched_on == "tomorrow":
        dispatched_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = verified_client(registrar_alingsas).post(
        url(decided, "expediera"), {"dispatched_on": dispatched_on}, follow=True
    )
    assert response.redirect_chain == [(url(decided, "namndbeslut"), 302)]
    assert message in response.content.decode()
    assert "registrerat som expedierat" not in response.content.decode()
    assert CommitteeDecision.objects.get(report=decided).dispatched_on is None
    assert not committee_events("expedierat")


def test_nothing_can_be_dispatched_before_the_decision_is_recorded(registrar_alingsas, report):
    response = verified_client(registrar_alingsas).post(
        url(report, "expediera"), {"dispatched_on": "2023-02-20"}, follow=True
    )
    assert "Registrera nämndens beslut först; sedan kan protokollsutdraget expedieras." in response.content.decode()
    assert not CommitteeDecision.objects.exists()
    assert not committee_events("expedierat")


def test_the_dispatch_is_a_post(registrar_alingsas, decided):
    assert verified_client(registrar_alingsas).get(url(decided, "expediera")).status_code == 405
    assert CommitteeDecision.objects.get(report=decided).dispatched_on is None


def test_the_services_refuse_a_registrar_of_another_municipality(registrar_lerum_factory, report, decided):
    lerum_registrar = registrar_lerum_factory()
    with pytest.raises(NotPermitted):
        committee_decision_record(
            actor=lerum_registrar,
            report=report,
            decided_on=D(2023, 2, 14),
            paragraph=1,
            diary_number="x",
            decision_text="x",
        )
    with pytest.raises(NotPermitted):
        committee_decision_dispatch(actor=lerum_registrar, report=report, dispatched_on=D(2023, 2, 20))
    assert CommitteeDecision.objects.get(report=report).paragraph == 19


# --- The nämnd's own data -------------------------------------------------------------------------


SETTINGS = {
    "committee_name": "Socialnämnden",
    "scope": "individ- och familjeomsorg",
    "scope_appendix": APPENDIX,
    "manager_name": "Karin Alvermalm",
    "manager_title": "Förvaltningschef",
    "approver_name": "Karin Alvermalm Dahlgren",
}


def test_the_registrar_finds_and_saves_the_nämnds_data_and_it_is_audited(registrar_alingsas):
    client = verified_client(registrar_alingsas)
    listing = client.get("/beslut/namnd/")
    assert (listing.status_code, listing["Location"]) == (302, "/beslut/namnd/alingsas/")
    page = client.get("/beslut/namnd/alingsas/")
    assert page.status_code == 200
    assert "Nämndens uppgifter i rapporterna, Alingsås kommun" in page.content.decode()
    response = client.post("/beslut/namnd/alingsas/", SETTINGS)
    assert (response.status_code, response["Location"]) == (302, "/beslut/namnd/alingsas/")
    saved = CommitteeSettings.objects.get(municipality__slug="alingsas")
    assert {name: getattr(saved, name) for name in SETTINGS} == SETTINGS
    [audit] = AuditEvent.objects.filter(action=AuditAction.REFERENCE_DATA_CHANGE, object_type="committee_settings")
    assert (audit.actor_username, audit.municipality_slug, audit.object_id) == (
        "rut.registrator",
        "alingsas",
        str(saved.pk),
    )
    assert audit.details == {"committee_name": "Socialnämnden", "scope": "individ- och familjeomsorg"}
    html = client.get("/beslut/namnd/alingsas/").content.decode()
    assert "Nämndens uppgifter är sparade." in html
    assert f"Meningen i ärendebeskrivningen: <em>{SCOPE_SENTENCE}</em>" in html


def test_bad_input_to_the_nämnds_data_is_named_on_every_field_at_once_and_changes_nothing(registrar_alingsas, alingsas):
    set_alingsas_committee(alingsas)
    before = CommitteeSettings.objects.filter(municipality=alingsas).values().get()
    audits = AuditEvent.objects.count()
    response = verified_client(registrar_alingsas).post(
        "/beslut/namnd/alingsas/",
        {
            "committee_name": "",
            "scope": "x" * 201,
            "scope_appendix": "Bilaga",
            "manager_name": "y" * 151,
            "manager_title": "",
            "approver_name": "z" * 151,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "committee_name": ["Ange nämndens namn."],
        "scope": ["Högst 200 tecken."],
        "manager_name": ["Högst 150 tecken."],
        "manager_title": ["Ange förvaltningschefens titel."],
        "approver_name": ["Högst 150 tecken."],
    }
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert "Nämndens uppgifter är sparade." not in html
    assert CommitteeSettings.objects.filter(municipality=alingsas).values().get() == before
    assert AuditEvent.objects.count() == audits


# --- Who may do it -----------------------------------------------------------------------------------


def pages_of(report) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", url(report, "namndbeslut"), {}),
        ("post", url(report, "namndbeslut"), {**DECISION, "paragraph": "99"}),
        ("get", url(report, "protokollsutdrag"), {"format": "pdf"}),
        ("get", url(report, "protokollsutdrag"), {"format": "docx"}),
        ("post", url(report, "expediera"), {"dispatched_on": "2023-02-20"}),
        ("get", url(report, "tjansteskrivelse"), {}),
        ("get", "/beslut/namnd/alingsas/", {}),
        ("post", "/beslut/namnd/alingsas/", {**SETTINGS, "committee_name": "Kapad nämnd"}),
    ]


def test_a_registrar_of_another_municipality_gets_404_on_every_page_and_post(
    registrar_alingsas, registrar_lerum_factory, alingsas, decided
):
    set_alingsas_committee(alingsas)
    own = verified_client(registrar_alingsas)
    for _method, address, _data in pages_of(decided):
        if _method == "get":
            assert own.get(address, _data).status_code == 200, address  # the pages exist
    other = verified_client(registrar_lerum_factory())
    audits = AuditEvent.objects.count()
    for method, address, data in pages_of(decided):
        response = getattr(other, method)(address, data)
        assert response.status_code == 404, (method, address)
    decision = CommitteeDecision.objects.get(report=decided)
    assert (decision.paragraph, decision.dispatched_on) == (19, None)
    assert CommitteeSettings.objects.get(municipality=alingsas).committee_name == "Socialnämnden"
    assert AuditEvent.objects.count() == audits
    # Their own nämnd's page is theirs; the list leads there, not to Alingsås.
    assert other.get("/beslut/namnd/")["Location"] == "/beslut/namnd/lerum/"


def test_the_municipalitys_auditor_gets_404_on_the_nämnds_pages(auditor_alingsas, decided):
    client = verified_client(auditor_alingsas)
    for method, address, data in pages_of(decided):
        assert getattr(client, method)(address, data).status_code == 404, (method, address)
    assert CommitteeDecision.objects.get(report=decided).dispatched_on is None


def test_an_anonymous_visitor_is_sent_to_log_in_from_every_page_and_post(client, decided):
    for method, address, data in [*pages_of(decided), ("get", "/beslut/namnd/", {})]:
        response = getattr(client, method)(address, data)
        assert response.status_code == 302, (method, address)
        assert response["Location"].startswith("/konto/logga-in/?next="), (method, address)
    decision = CommitteeDecision.objects.get(report=decided)
    assert (decision.paragraph, decision.dispatched_on) == (19, None)
    assert not CommitteeSettings.objects.exists()

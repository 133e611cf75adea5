"""Lex Heller: filing, every transition of the workflow and its refusals, personal data refused,
BUG agenda, publication without the reporter, the compilation."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from pypdf import PdfReader

from apps.core.text_guard import OutgoingTextRefused, guard_outgoing_text
from apps.lexheller.models import Report, ReportStatus
from apps.lexheller.services import (
    bug_meeting_create,
    report_answer,
    report_ask,
    report_close,
    report_file,
    report_investigate,
    report_publish,
    report_raise,
    report_reply,
)
from apps.organisations.models import Organisation
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.identity_numbers import LegalSex, fictional_number
from tests.conftest import make_user, verified_client

D = datetime.date
TODAY = D(2026, 11, 2)


@pytest.fixture
def lex_admin(insjoriket):
    return make_user("lea.lexadmin", "lexheller_admin", "insjoriket")


@pytest.fixture
def fk_reporter(insjoriket):
    return make_user("fia.fk", "lexheller_reporter", "forsakringskassan")


def _org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def file(reporter, **overrides) -> Report:
    data = {
        "actor": reporter,
        "reporting_organisation": _org("forsakringskassan"),
        "title": "Sjukpenning nekas medan arbetsförmåga saknas",
        "incident_date": D(2026, 10, 1),
        "authorities": [_org("forsakringskassan"), _org("arbetsformedlingen")],
        "description": "Bedömningarna av arbetsförmåga går isär.",
        "cause": "Olika måttstockar.",
        "consequence": "Ingen ersättning.",
        "proposal": "Gemensam avstämning.",
        "today": TODAY,
    }
    data.update(overrides)
    return report_file(**data)


MEETING_DAY = D(2026, 12, 1)


def _meeting(admin, date=MEETING_DAY):
    return bug_meeting_create(actor=admin, forbund=_org("insjoriket"), date=date, place="Mölndal")


def test_a_report_is_filed_received_and_numbered(fk_reporter):
    report = file(fk_reporter)
    assert report.status == ReportStatus.RECEIVED
    assert report.number.startswith("LH-") and report.number.endswith("-001")
    assert file(fk_reporter).number.endswith("-002")
    assert report.forbund.slug == "insjoriket"


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("description", "Personen 19850101-1234 nekades", "personnummer"),
        ("cause", "Ring handläggaren på 070-123 45 67", "telefonnummer"),
        ("consequence", "Skriv till anna.andersson@kommun.se", "e-postadress"),
        ("title", "Ärende 850101-1234", "personnummer"),
        ("proposal", "Kontakta 031-12 34 56", "telefonnummer"),
    ],
)
def test_text_that_looks_like_personal_data_is_refused_with_an_explanation(fk_reporter, field, text, kind):
    with pytest.raises(ValidationFailed) as info:
        file(fk_reporter, **{field: text})
    assert kind in info.value.fields[field][0]
    assert "aldrig en enskild person" in info.value.fields[field][0]
    assert not Report.objects.exists()


def test_the_filing_form_shows_the_refusal_and_keeps_what_was_typed(fk_reporter):
    client = verified_client(fk_reporter)
    data = {
        "reporting_organisation": _org("forsakringskassan").pk,
        "title": "Rubrik",
        "incident_date": "2026-10-01",
        "authorities": [_org("forsakringskassan").pk],
        "description": "Ring 070-123 45 67 för detaljer",
        "cause": "Orsak",
        "consequence": "Konsekvens",
    }
    response = client.post("/lexheller/ny/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "telefonnummer" in body and "Ring 070-123 45 67 för detaljer" in body
    data["description"] = "Beskrivning utan kontaktuppgifter"
    assert client.post("/lexheller/ny/", data).status_code == 302


def test_it_refuses_an_incomplete_report_and_authorities_outside_the_forbund(fk_reporter):
    with pytest.raises(ValidationFailed) as info:
        file(fk_reporter, description=" ", authorities=[], incident_date=D(2026, 12, 24))
    assert {"description", "authorities", "incident_date"} <= set(info.value.fields)
    with pytest.raises(ValidationFailed):
        file(fk_reporter, authorities=[_org("alingsas-activera")])


def test_only_a_reporter_of_a_member_files(insjoriket, auditor_alingsas, fk_reporter):
    with pytest.raises(NotPermitted):
        file(auditor_alingsas)
    with pytest.raises(NotPermitted):
        file(fk_reporter, reporting_organisation=_org("alingsas"))


def test_the_whole_way_from_received_to_published(fk_reporter, lex_admin, caseworker_lerum):
    report = file(fk_reporter)
    report_investigate(actor=lex_admin, report=report)
    report_ask(actor=lex_admin, report=report, text="Hur ofta händer det?")
    report_reply(actor=fk_reporter, report=report, text="Varje månad.")
    meeting = _meeting(lex_admin)
    report_raise(actor=lex_admin, report=report, meeting=meeting, today=TODAY)
    report_answer(actor=lex_admin, report=report, answer="BUG tar frågan vidare.", today=D(2026, 12, 2))
    report_publish(actor=lex_admin, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None
    assert [t.to_status for t in report.transitions.all()] == [
        "received",
        "investigating",
        "raised",
        "answered",
        "published",
    ]
    assert [m.kind for m in report.messages.all()] == ["question", "answer"]
    # Every user of the förbund sees it now, without the reporter or the questions.
    page = verified_client(caseworker_lerum).get(f"/lexheller/{report.pk}/").content.decode()
    assert "BUG tar frågan vidare." in page
    assert "fia.fk" not in page and "Varje månad." not in page and "Rapportör" not in page


def test_a_question_starts_the_investigation(fk_reporter, lex_admin):
    report = file(fk_reporter)
    report_ask(actor=lex_admin, report=report, text="Vilka enheter?")
    report.refresh_from_db()
    assert report.status == ReportStatus.INVESTIGATING


def test_the_workflow_refuses_moves_it_does_not_have(fk_reporter, lex_admin):
    report = file(fk_reporter)
    meeting = _meeting(lex_admin)
    with pytest.raises(Conflict):
        report_publish(actor=lex_admin, report=report)  # not answered
    with pytest.raises(Conflict):
        report_answer(actor=lex_admin, report=report, answer="Svar", today=TODAY)  # not raised
    with pytest.raises(Conflict):
        report_reply(actor=fk_reporter, report=report, text="Svar")  # no investigation
    report_investigate(actor=lex_admin, report=report)
    with pytest.raises(Conflict):
        report_investigate(actor=lex_admin, report=report)
    report_raise(actor=lex_admin, report=report, meeting=meeting, today=TODAY)
    with pytest.raises(Conflict):
        report_raise(actor=lex_admin, report=report, meeting=meeting, today=TODAY)
    with pytest.raises(Conflict):
        report_ask(actor=lex_admin, report=report, text="Fråga")
    with pytest.raises(Conflict):
        report_answer(actor=lex_admin, report=report, answer="Svar", today=D(2026, 11, 30))  # before the meeting
    report_close(actor=lex_admin, report=report, reason="Hanteras redan.")
    for move in (
        lambda: report_publish(actor=lex_admin, report=report),
        lambda: report_close(actor=lex_admin, report=report, reason="Igen"),
        lambda: report_investigate(actor=lex_admin, report=report),
    ):
        with pytest.raises(Conflict):
            move()
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.closed_reason == "Hanteras redan."


@pytest.mark.parametrize("stage", ["received", "investigating", "raised", "answered"])
def test_every_open_stage_can_be_closed(fk_reporter, lex_admin, stage):
    report = file(fk_reporter)
    if stage != "received":
        report_investigate(actor=lex_admin, report=report)
    if stage in ("raised", "answered"):
        report_raise(actor=lex_admin, report=report, meeting=_meeting(lex_admin), today=TODAY)
    if stage == "answered":
        report_answer(actor=lex_admin, report=report, answer="Svar", today=D(2026, 12, 1))
    report.refresh_from_db()
    assert report.status == stage
    report_close(actor=lex_admin, report=report, reason="Skäl")
    with pytest.raises(ValidationFailed):
        report_close(actor=lex_admin, report=file(fk_reporter), reason=" ")


def test_raising_less_than_two_weeks_before_the_meeting_needs_a_confirmation(fk_reporter, lex_admin):
    report = file(fk_reporter)
    meeting = _meeting(lex_admin, D(2026, 11, 15))  # 13 days after TODAY
    with pytest.raises(ValidationFailed) as info:
        report_raise(actor=lex_admin, report=report, meeting=meeting, today=TODAY)
    assert "om 13 dagar" in info.value.fields["accept_short_notice"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    report_raise(actor=lex_admin, report=report, meeting=meeting, accept_short_notice=True, today=TODAY)
    assert "mindre än två veckor" in report.transitions.last().note
    # Exactly two weeks before is in time.
    on_time = file(fk_reporter)
    report_raise(actor=lex_admin, report=on_time, meeting=_meeting(lex_admin, D(2026, 11, 16)), today=TODAY)


def test_a_past_meeting_or_another_forbunds_meeting_is_refused(fk_reporter, lex_admin):
    report = file(fk_reporter)
    with pytest.raises(ValidationFailed):
        report_raise(actor=lex_admin, report=report, meeting=_meeting(lex_admin, TODAY), today=TODAY)
    other = Organisation.objects.create(slug="annat", name="Annat förbund", kind="forbund")
    make_user("olle.annat", "lexheller_admin", "annat")
    from apps.lexheller.models import BugMeeting

    foreign = BugMeeting.objects.create(forbund=other, date=D(2026, 12, 24))
    with pytest.raises(ValidationFailed):
        report_raise(actor=lex_admin, report=report, meeting=foreign, today=TODAY)


def test_only_administrators_handle_and_only_the_reporter_replies(fk_reporter, lex_admin, forbund_officer):
    report = file(fk_reporter)
    with pytest.raises(NotPermitted):
        report_investigate(actor=forbund_officer, report=report)
    report_investigate(actor=lex_admin, report=report)
    with pytest.raises(NotPermitted):
        report_reply(actor=lex_admin, report=report, text="Svar")


def test_who_sees_an_unpublished_report(fk_reporter, lex_admin, caseworker_lerum, forbund_officer):
    report = file(fk_reporter)
    assert verified_client(fk_reporter).get(f"/lexheller/{report.pk}/").status_code == 200
    assert verified_client(lex_admin).get(f"/lexheller/{report.pk}/").status_code == 200
    for outsider in (caseworker_lerum, forbund_officer):
        assert verified_client(outsider).get(f"/lexheller/{report.pk}/").status_code == 404
        assert report.title not in verified_client(outsider).get("/lexheller/").content.decode()


def test_the_workflow_through_the_pages(fk_reporter, lex_admin):
    report = file(fk_reporter)
    client = verified_client(lex_admin)
    meeting = _meeting(lex_admin, datetime.date.today() + datetime.timedelta(days=5))
    response = client.post(f"/lexheller/{report.pk}/lyft/", {"raise-meeting": meeting.pk})
    assert response.status_code == 400
    assert "kryssa i rutan" in response.content.decode()
    response = client.post(
        f"/lexheller/{report.pk}/lyft/", {"raise-meeting": meeting.pk, "raise-accept_short_notice": "on"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RAISED
    assert client.post(f"/lexheller/{report.pk}/okand/", {}).status_code == 404


def test_the_bug_agenda_lists_the_raised_reports_and_prints(fk_reporter, lex_admin, pdf_support):
    meeting = _meeting(lex_admin)
    raised = file(fk_reporter, title="Remiss återsänds mellan myndigheter")
    report_raise(actor=lex_admin, report=raised, meeting=meeting, today=TODAY)
    file(fk_reporter, title="Inte lyft")
    client = verified_client(lex_admin)
    page = client.get(f"/lexheller/bug/{meeting.pk}/").content.decode()
    assert "Remiss återsänds mellan myndigheter" in page and "Inte lyft" not in page
    pdf = client.get(f"/lexheller/bug/{meeting.pk}/", {"format": "pdf"}).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Remiss återsänds mellan myndigheter" in text and "2026-12-01" in text
    assert "fia.fk" not in text


def test_the_compilation_counts_by_authority_and_status(fk_reporter, lex_admin):
    first = file(fk_reporter)
    file(fk_reporter, authorities=[_org("forsakringskassan")])
    file(fk_reporter, incident_date=D(2025, 1, 1))  # outside the period
    report_investigate(actor=lex_admin, report=first)
    client = verified_client(lex_admin)
    query = {"start": "2026-01-01", "end": "2026-12-31"}
    page = client.get("/lexheller/sammanstallning/", query).content.decode()
    assert "2 rapporter" in page
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/lexheller/sammanstallning/", {**query, "format": "xlsx"}).content)
    )
    rows = {r[0]: r[1:] for r in workbook["Per myndighet och status"].values}
    header = rows[None] if None in rows else rows["Inblandad myndighet"]
    fk = dict(zip(header, rows["Försäkringskassan"], strict=True))
    af = dict(zip(header, rows["Arbetsförmedlingen"], strict=True))
    assert (fk["Mottagen"], fk["Utreds"], fk["Totalt"]) == (1, 1, 2)
    assert (af["Utreds"], af["Totalt"]) == (1, 1)
    assert rows["Antal rapporter"][-1] == 2
    listing = [r for r in workbook["Rapporter"].values]
    assert len(listing) == 3 and "fia.fk" not in str(listing)


# --- The guard for text that leaves the municipality (apps/core/text_guard.py) ----------------------

NAMES_LABEL = "Jag har kontrollerat att namnen inte pekar ut någon enskild person"
# The attacker's narrative from the issue; the number is the one quoted there.
NARRATIVE = "Anna Svensson 19121212-1212 tel 070-123 45 67"


def _confirmation(body: str, name: str = "names_confirmed") -> str:
    match = re.search(rf'name="{name}"[^>]*value="([0-9a-f]+)"', body)
    assert match, "no confirmation checkbox on the page"
    return match.group(1)


def _filing_data(**overrides):
    data = {
        "reporting_organisation": _org("forsakringskassan").pk,
        "title": "Rubrik",
        "incident_date": "2026-10-01",
        "authorities": [_org("forsakringskassan").pk],
        "description": "Beskrivning",
        "cause": "Orsak",
        "consequence": "Konsekvens",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "number",
    [
        "121212–1212",
        "1 2 1 2 1 2 - 1 2 1 2",
        "121212－1212",
        "121212/1212",
        "121212.1212",
        "121212\u200b-1212",
        "19121212–1212",
        fictional_number(D(1990, 5, 4), serial=3, legal_sex=LegalSex.MALE, coordination=True),
    ],
)
def test_the_bypasses_of_the_issue_are_refused(fk_reporter, number):
    with pytest.raises(ValidationFailed) as info:
        file(fk_reporter, description=f"Personen {number} nekades.")
    assert "ser ut som ett" in info.value.fields["description"][0]
    assert not Report.objects.exists()


def test_every_text_is_checked_at_once_with_what_is_missing(fk_reporter):
    with pytest.raises(ValidationFailed) as info:
        file(
            fk_reporter,
            title=" ",
            description="Personen 121212–1212 nekades.",
            cause="Ring 070-123 45 67.",
            consequence="Skriv till anna(at)kommun.se.",
            proposal="Fråga Anna Svensson.",
            incident_date=D(2026, 12, 24),
        )
    fields = info.value.fields
    assert {"title", "description", "cause", "consequence", "proposal", "incident_date", "names_confirmed"} <= set(
        fields
    )
    assert "personnummer" in fields["description"][0] and "Tecken 10–20" in fields["description"][0]
    assert "telefonnummer" in fields["cause"][0]
    assert "e-postadress" in fields["consequence"][0]
    assert "kan vara namnet på en person" in fields["proposal"][0]
    assert not Report.objects.exists()


def test_a_name_is_accepted_once_the_reporter_has_confirmed_it_and_stored_as_typed(fk_reporter):
    text = "Handläggaren Anna Svensson på enheten  följde rutinen."
    with pytest.raises(OutgoingTextRefused) as info:
        file(fk_reporter, description=text)
    assert info.value.names_pending and info.value.names_fingerprint
    assert "kryssa i rutan" in info.value.fields["names_confirmed"][0]
    assert not Report.objects.exists()
    report = file(fk_reporter, description=text, names_confirmed=True)
    assert report.description == text


def test_a_confirmation_of_names_lets_no_personal_data_through(fk_reporter):
    with pytest.raises(OutgoingTextRefused) as info:
        file(fk_reporter, description=NARRATIVE, names_confirmed=True)
    (number, phone) = info.value.fields["description"]
    assert number.startswith("Tecken 15–27: ”19121212-1212” ser ut som ett personnummer")
    assert phone.startswith("Tecken 33–45: ”070-123 45 67” ser ut som ett telefonnummer")
    assert "names_confirmed" not in info.value.fields
    assert not Report.objects.exists()


def test_the_guard_checks_every_field_and_leaves_the_text_alone():
    fields = {"narrative": NARRATIVE, "summary": "Tre deltagare gick vidare till studier.", "other": "Det var Per Berg"}
    before = dict(fields)
    with pytest.raises(OutgoingTextRefused) as info:
        guard_outgoing_text(fields, names_confirmed=False)
    assert fields == before
    assert set(info.value.fields) == {"narrative", "other", "names_confirmed"}
    assert len(info.value.fields["narrative"]) == 3  # the number, the phone and the name
    guard_outgoing_text({"summary": fields["summary"]}, names_confirmed=False)  # nothing to say
    guard_outgoing_text({"other": "Det var Per Berg"}, names_confirmed=True)


def test_the_filing_form_shows_every_finding_at_once_and_keeps_the_typed_text(fk_reporter):
    client = verified_client(fk_reporter)
    typed = "Personen 121212–1212 ringde från 070-123\u00a045 67"
    response = client.post(
        "/lexheller/ny/", _filing_data(title="", description=typed, consequence="Anna Svensson fick vänta.")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "personnummer" in body and "telefonnummer" in body and "kan vara namnet på en person" in body
    assert "Det här fältet är obligatoriskt." in body  # the title, in the same round
    assert typed in body and "Anna Svensson fick vänta." in body
    assert NAMES_LABEL in body
    assert not Report.objects.exists()


def test_the_names_checkbox_appears_only_while_names_remain(fk_reporter):
    client = verified_client(fk_reporter)
    response = client.post("/lexheller/ny/", _filing_data(description="Ring 070-123 45 67"))
    assert response.status_code == 400 and NAMES_LABEL not in response.content.decode()
    assert NAMES_LABEL not in client.get("/lexheller/ny/").content.decode()


def test_filing_with_a_name_needs_the_confirmation_of_exactly_that_name(fk_reporter):
    client = verified_client(fk_reporter)
    data = _filing_data(description="Handläggaren Anna Svensson följde rutinen.")
    first = client.post("/lexheller/ny/", data)
    assert first.status_code == 400
    fingerprint = _confirmation(first.content.decode())
    # Not ticked: refused again, the checkbox still there.
    again = client.post("/lexheller/ny/", data)
    assert again.status_code == 400 and NAMES_LABEL in again.content.decode()
    # Ticked, but the text now holds another name: the tick does not cover it.
    other = client.post(
        "/lexheller/ny/",
        {**data, "description": "Handläggaren Lars Nilsson följde rutinen.", "names_confirmed": fingerprint},
    )
    assert other.status_code == 400 and "Lars Nilsson" in other.content.decode()
    assert not Report.objects.exists()
    # Ticked for exactly these names: filed, as typed.
    response = client.post("/lexheller/ny/", {**data, "names_confirmed": fingerprint})
    assert response.status_code == 302
    assert Report.objects.get().description == "Handläggaren Anna Svensson följde rutinen."


def test_a_confirmed_name_stays_ticked_while_another_error_is_corrected(fk_reporter):
    client = verified_client(fk_reporter)
    data = _filing_data(description="Handläggaren Anna Svensson följde rutinen.")
    fingerprint = _confirmation(client.post("/lexheller/ny/", data).content.decode())
    response = client.post("/lexheller/ny/", {**data, "cause": "Ring 070-123 45 67", "names_confirmed": fingerprint})
    body = response.content.decode()
    assert response.status_code == 400 and "telefonnummer" in body
    assert re.search(r'name="names_confirmed"[^>]*checked', body)


@pytest.mark.parametrize(
    ("action", "prefix", "text", "kind"),
    [
        ("fraga", "question", "Gäller det Anna Svensson?", "kan vara namnet på en person"),
        ("fraga", "question", "Ring mig på 070-123 45 67", "telefonnummer"),
        ("avsluta", "close", "Personen 121212/1212 har flyttat.", "personnummer"),
        ("avsluta", "close", "Anna Svensson har flyttat.", "kan vara namnet på en person"),
    ],
)
def test_the_administrators_texts_pass_the_same_guard(fk_reporter, lex_admin, action, prefix, text, kind):
    report = file(fk_reporter)
    client = verified_client(lex_admin)
    response = client.post(f"/lexheller/{report.pk}/{action}/", {f"{prefix}-text": text, f"{prefix}-reason": text})
    body = response.content.decode()
    assert response.status_code == 400 and kind in body and text.split()[0] in body
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED and not report.messages.exists()


def test_a_question_with_a_confirmed_name_is_sent(fk_reporter, lex_admin):
    report = file(fk_reporter)
    client = verified_client(lex_admin)
    data = {"question-text": "Var det handläggaren Anna Svensson som beslutade?"}
    first = client.post(f"/lexheller/{report.pk}/fraga/", data)
    assert first.status_code == 400 and NAMES_LABEL in first.content.decode()
    fingerprint = _confirmation(first.content.decode(), "question-names_confirmed")
    assert (
        client.post(f"/lexheller/{report.pk}/fraga/", {**data, "question-names_confirmed": fingerprint}).status_code
        == 302
    )
    assert report.messages.get().text == data["question-text"]


def test_the_reply_and_the_answer_pass_the_guard(fk_reporter, lex_admin):
    report = file(fk_reporter)
    report_ask(actor=lex_admin, report=report, text="Hur ofta?")
    with pytest.raises(ValidationFailed) as info:
        report_reply(actor=fk_reporter, report=report, text="Ring 08-123 456 78")
    assert "telefonnummer" in info.value.fields["text"][0]
    with pytest.raises(ValidationFailed):
        report_reply(actor=fk_reporter, report=report, text="Fråga Anna Svensson")
    report_reply(actor=fk_reporter, report=report, text="Fråga Anna Svensson", names_confirmed=True)
    report_raise(actor=lex_admin, report=report, meeting=_meeting(lex_admin), today=TODAY)
    with pytest.raises(ValidationFailed) as info:
        report_answer(actor=lex_admin, report=report, answer="Se 19121212-1212", today=D(2026, 12, 2))
    assert "personnummer" in info.value.fields["answer"][0]
    report.refresh_from_db()
    assert report.status == ReportStatus.RAISED and report.answer == ""

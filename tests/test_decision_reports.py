import datetime
import io
import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.audit.models import AuditAction, AuditEvent
from apps.decisions.models import QuarterlyReport, ReportRow
from apps.decisions.selectors import next_ivo_window
from apps.decisions.services import report_prepare, report_submit
from insyn.errors import Conflict, ValidationFailed
from lib.quarters import Quarter
from tests.conftest import verified_client
from tests.decisions_helpers import FAR_FUTURE, decide, event
from tests.test_decision_reports_seed_example import build_alingsas_history, submit_all

D = datetime.date


@pytest.fixture
def seeded(alingsas):
    build_alingsas_history(alingsas)
    return submit_all(alingsas)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_report_page_is_laid_out_like_the_seed(registrar_alingsas, seeded):
    report = seeded["2022Q4"]
    html = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{report.pk}/").content.decode()
    for text in [
        "Ej verkställda beslut, kvartal 4 2022",
        "Rapporteringstillfälle",
        "2023-01-11",
        "1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut",
        "Lämplig kontaktfamilj har inte hittats",
        "Statistik för kvartalen 2022",
        "Kontaktfamilj, ej verkställda",
        "2 st",
        "Sammanställning ej verkställda gynnande beslut",
        "Alingsås kommun - socialnämnden",
        "År 2021",
        "År 2022",
    ]:
        assert text in html, text
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_VIEW).exists()


def test_the_pdf_holds_the_lists_and_tables(registrar_alingsas, seeded, pdf_support):
    response = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/rapport.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in [
        "Ej verkställda beslut, kvartal 4 2022",
        "2022-07-25",
        "Kontaktfamilj",
        "4.1 § SoL",
        "Daglig sysselsättning",
        "2022-10-31",
        "Boendestöd",
        "2023-01-09",
        "Statistik för kvartalen 2022",
        "Sammanställning ej verkställda gynnande beslut",
    ]:
        assert expected in text, expected
    assert AuditEvent.objects.filter(action=AuditAction.REPORT_EXPORT, details__format="pdf").exists()


def test_the_xlsx_has_one_sheet_per_table(registrar_alingsas, seeded):
    response = verified_client(registrar_alingsas).get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/rapport.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Avsnitt 1",
        "Avsnitt 2",
        "Avsnitt 3",
        "Statistik 2022",
        "Sammanställning 2021",
        "Sammanställning 2022",
        "Statistikrapport KF",
    ]
    rows = list(workbook["Avsnitt 1"].iter_rows(values_only=True))
    assert rows[1] == ("2022-07-25", "Kontaktfamilj", "Lämplig kontaktfamilj har inte hittats", "4.1 § SoL")
    summary = list(workbook["Sammanställning 2022"].iter_rows(values_only=True))
    assert [row[1:] for row in summary[1:]] == [(2, 0, 2, 2), (0, 0, 0, 0), (0, 2, 0, 2)]
    stats = list(workbook["Statistik 2022"].iter_rows(values_only=True))
    assert ("Kontaktfamilj, ej verkställda", None, None, None, "2 st") in stats


def test_the_json_download_matches_the_cli_shape(auditor_alingsas, seeded):
    response = verified_client(auditor_alingsas).get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/rapport.json")
    data = json.loads(response.content)
    assert set(data) == {
        "municipality",
        "quarter",
        "as_of",
        "status",
        "not_executed",
        "interrupted",
        "executed_or_ended",
        "statistics",
        "council_statistics",
    }
    assert "ALI-" not in response.content.decode()  # no person codes, let alone numbers


def test_the_memo_is_an_editable_docx_and_a_pdf(registrar_alingsas, seeded, pdf_support):
    client = verified_client(registrar_alingsas)
    params = {
        "date": "2023-01-13",
        "officer": "Test Testsson",
        "officer_title": "IT-samordnare",
        "diary_number": "2022.029 SN",
        "format": "docx",
    }
    response = client.get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/tjansteskrivelse/", params)
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in [
        "Ej verkställda beslut, kvartal 4 2022",
        "Ärendebeskrivning",
        "16 kap. 6 f-h §§ socialtjänstlagen (SoL)",
        "Ekonomisk bedömning",
        "Förslag till beslut",
        "Beslutet ska skickas till",
        "Kommunfullmäktige",
        "Kommunens revisorer",
        "Diarienr: 2022.029 SN",
        "Test Testsson",
    ]:
        assert expected in text, expected
    table = document.tables[0]
    assert [c.text for c in table.rows[-1].cells] == ["Kontaktfamilj, ej verkställda", "", "", "", "2 st"]
    pdf = client.get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/tjansteskrivelse/", {**params, "format": "pdf"})
    assert "Förslag till beslut" in _pdf_text(pdf.content)


def test_the_memo_form_requires_its_fields(registrar_alingsas, seeded):
    html = (
        verified_client(registrar_alingsas)
        .get(f"/beslut/rapporter/{seeded['2022Q4'].pk}/tjansteskrivelse/", {"date": "x", "format": "docx"})
        .content.decode()
    )
    assert "Ange datum som ÅÅÅÅ-MM-DD" in html and "Ange diarienummer" in html


def test_the_memo_cites_the_new_law_after_july_2025(alingsas):
    from apps.decisions.memo import MemoFields, memo_context

    report = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2025, 3), as_of=D(2025, 10, 10), today=FAR_FUTURE
    )
    context = memo_context(report, MemoFields(D(2025, 10, 12), "A", "", "1"))
    assert "2025:400" in context["duty_label"]


def test_ivo_individual_data_is_for_the_registrar_only_and_audited(registrar_alingsas, auditor_alingsas, seeded):
    url = f"/beslut/rapporter/{seeded['2022Q4'].pk}/ivo/"
    assert verified_client(auditor_alingsas).get(url).status_code == 404
    client = verified_client(registrar_alingsas)
    html = client.get(url).content.decode()
    assert "Kvinna" in html or "Man" in html
    assert AuditEvent.objects.filter(action=AuditAction.IVO_INDIVIDUAL_VIEW).count() == 1
    export = client.get(url, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("Kommun", "Nämnd") and len(rows) == 1 + 4
    identifiers = [str(row[header.index("Personnummer (födelsedatum och fyra tecken)")]) for row in rows[1:]]
    # The birth date and T + three characters, never the real number's last four.
    assert all(re.fullmatch(r"\d{8}-T\d{3}", identifier) for identifier in identifiers), identifiers
    assert AuditEvent.objects.filter(action=AuditAction.IVO_INDIVIDUAL_EXPORT).count() == 1


def test_a_submitted_report_never_changes(alingsas, seeded):
    report = seeded["2022Q4"]
    before = list(report.rows.values_list("reference", "section", "outcome_date"))
    decision = report.rows.filter(section=1).first().decision
    event(decision, "executed", D(2023, 2, 1))
    with pytest.raises(Conflict):
        report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2023, 2, 2), today=FAR_FUTURE
        )
    with pytest.raises(Conflict):
        report_submit(actor=None, report=report)
    report.refresh_from_db()
    assert list(report.rows.values_list("reference", "section", "outcome_date")) == before
    # The correction shows in the next quarter's report.
    next_report = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2023, 1), as_of=D(2023, 4, 5), today=FAR_FUTURE
    )
    assert next_report.rows.filter(section=3, reference=decision.reference, outcome="executed").exists()


def test_an_earlier_quarter_cannot_be_reported_after_a_later_one_is_submitted(alingsas, seeded):
    with pytest.raises(Conflict):
        report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(2022, 2), as_of=D(2023, 2, 1), today=FAR_FUTURE
        )


def test_the_database_refuses_changes_to_a_submitted_report_on_postgresql(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only: the freeze trigger lives in the database; SQLite relies on the services.")
    report = seeded["2022Q4"]
    for statement, params in [
        ("UPDATE decisions_quarterlyreport SET as_of = '2023-02-01' WHERE id = %s", [report.pk]),
        ("DELETE FROM decisions_reportrow WHERE report_id = %s", [report.pk]),
        ("UPDATE decisions_reportrow SET reason = 'x' WHERE report_id = %s", [report.pk]),
    ]:
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)


def test_a_draft_is_recomputed_with_a_new_date(registrar_alingsas, alingsas):
    decision = decide(alingsas, "R-1", "Kontaktfamilj", D(2022, 7, 25), reason="Ingen familj")
    report = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2023, 1, 5), today=FAR_FUTURE
    )
    assert report.rows.get().closed is False
    event(decision, "executed", D(2023, 1, 8))
    client = verified_client(registrar_alingsas)
    client.post(f"/beslut/rapporter/{report.pk}/rakna-om/", {"as_of": "2023-01-10"})
    report.refresh_from_db()
    row = report.rows.get()
    assert report.as_of == D(2023, 1, 10) and row.closed and row.outcome_date == D(2023, 1, 8)
    # Asked twice: a submission without the confirmation changes nothing.
    response = client.post(f"/beslut/rapporter/{report.pk}/lamna-in/", follow=True)
    assert "Rapporten är inte inlämnad: bekräfta" in response.content.decode()
    report.refresh_from_db()
    assert not report.is_submitted
    page = client.get(f"/beslut/rapporter/{report.pk}/").content.decode()
    assert '<summary class="button">Lämna in rapporten</summary>' in page
    assert 'name="confirmed" value="ja"' in page and "Ja, lämna in rapporten" in page
    client.post(f"/beslut/rapporter/{report.pk}/lamna-in/", {"confirmed": "ja"})
    report.refresh_from_db()
    assert report.is_submitted and report.submitted_by == registrar_alingsas
    assert AuditEvent.objects.filter(
        action=AuditAction.REPORT_SUBMIT, actor_username=registrar_alingsas.username
    ).exists()


def test_the_report_date_must_be_on_or_after_the_quarters_end(alingsas):
    with pytest.raises(ValidationFailed) as info:
        report_prepare(
            actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2022, 12, 30), today=FAR_FUTURE
        )
    assert "kvartalets sista dag" in info.value.fields["as_of"][0]


def test_another_municipalitys_decisions_never_appear(alingsas, lerum):
    decide(lerum, "L-9", "Kontaktfamilj", D(2022, 7, 25))
    report = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2023, 1, 5), today=FAR_FUTURE
    )
    assert not report.rows.exists()


def test_cli_report_and_summary(alingsas, tmp_path, pdf_support):
    build_alingsas_history(alingsas)
    for label, as_of in [
        ("2021Q1", "2021-04-12"),
        ("2021Q2", "2021-07-12"),
        ("2021Q3", "2021-10-11"),
        ("2021Q4", "2022-01-12"),
        ("2022Q1", "2022-04-11"),
        ("2022Q2", "2022-07-11"),
        ("2022Q3", "2022-10-12"),
    ]:
        call_command(
            "ivo",
            "report",
            "--municipality",
            "alingsas",
            "--quarter",
            label,
            "--as-of",
            as_of,
            "--submit",
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    call_command(
        "ivo",
        "report",
        "--municipality",
        "alingsas",
        "--quarter",
        "2022Q4",
        "--as-of",
        "2023-01-11",
        "--submit",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["status"] == "submitted" and len(data["not_executed"]) == 2 and len(data["executed_or_ended"]) == 2
    pdf_path = tmp_path / "q4.pdf"
    call_command(
        "ivo",
        "report",
        "--municipality",
        "alingsas",
        "--quarter",
        "2022Q4",
        "--as-of",
        "2023-01-11",
        "--format",
        "pdf",
        "--output",
        str(pdf_path),
        stderr=io.StringIO(),
    )
    assert "Kontaktfamilj" in _pdf_text(pdf_path.read_bytes())
    summary = io.StringIO()
    call_command("ivo", "summary", "--municipality", "alingsas", "--year", "2022", "--format", "json", stdout=summary)
    data = json.loads(summary.getvalue())
    assert data["quarters"] == ["2022Q1", "2022Q2", "2022Q3", "2022Q4"]
    assert (data["not_executed"], data["interrupted"], data["executed_or_ended"]) == (
        [2, 0, 2, 2],
        [0, 0, 0, 0],
        [0, 2, 0, 2],
    )
    assert {"decision_type": "Kontaktfamilj", "category": "not_executed", "counts": [0, 0, 0, 2]} in data["by_type"]
    assert QuarterlyReport.objects.filter(status="submitted").count() == 8


def test_the_summary_counts_submitted_reports_only(alingsas):
    decide(alingsas, "S-1", "Kontaktfamilj", D(2022, 7, 25))
    report_prepare(actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=D(2023, 1, 5), today=FAR_FUTURE)
    out = io.StringIO()
    call_command("ivo", "summary", "--municipality", "alingsas", "--year", "2022", stdout=out)
    assert json.loads(out.getvalue())["not_executed"] == [0, 0, 0, 0]
    assert ReportRow.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "quarter", "last_day"),
    [
        (D(2026, 4, 3), "2026Q1", D(2026, 4, 30)),
        (D(2026, 5, 10), "2026Q2", D(2026, 8, 31)),
        (D(2026, 8, 31), "2026Q2", D(2026, 8, 31)),
        (D(2026, 9, 1), "2026Q3", D(2026, 10, 31)),
        (D(2026, 11, 22), "2026Q4", D(2027, 1, 31)),
        (D(2027, 1, 15), "2026Q4", D(2027, 1, 31)),
        (D(2027, 2, 1), "2027Q1", D(2027, 4, 30)),
    ],
)
def test_the_next_ivo_window(today, quarter, last_day):
    found, _words, end = next_ivo_window(today)
    assert (str(found), end) == (quarter, last_day)


def test_remind_mails_registrars_with_references_only(registrar_alingsas, alingsas):
    registrar_alingsas.email = "registrator@alingsas.example"
    registrar_alingsas.save()
    decision = decide(alingsas, "MAIL-1", "Kontaktfamilj", D(2026, 6, 1))
    out = io.StringIO()
    call_command("ivo", "remind", "--date", "2026-10-20", stdout=out)
    assert "1 påminnelser" in out.getvalue()
    [message] = mail.outbox
    assert message.to == ["registrator@alingsas.example"]
    assert "MAIL-1" in message.body and "kvartal 3 2026" in message.body
    assert decision.person.code not in message.body and decision.person.last_name not in message.body

"""A report's import page ("Läs in underlag"): the formats of the five kinds of figures, the
figures loaded now, uploads all or nothing with every problem shown, Kolada and the computed key
figures, the proposals following the figures, and who may do what (404 outside the municipality,
403 for the auditor, 409 on an approved report)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from apps.audit.models import AuditAction, AuditEvent
from apps.yearend.example import EXAMPLES, FIGURE_FILES
from apps.yearend.models import (
    GoalAssessment,
    InvestmentFigure,
    InvestmentItem,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureValue,
    LedgerFigure,
    LedgerGroup,
    PrognosisFigure,
    ReportStatus,
    SickLeaveFigure,
    SickLeaveGroup,
    StaffFigure,
    StaffMeasure,
    TargetDirection,
    YearReport,
)
from apps.yearend.selectors import goal_proposals, report_goals
from apps.yearend.services.editing import goal_assessments_propose
from apps.yearend.services.imports import KINDS
from apps.yearend.services.reports import year_report_ensure
from tests.conftest import verified_client
from tests.test_pages_are_in_swedish import english_on

pytestmark = pytest.mark.django_db

FOLDER = EXAMPLES / "alingsas-2022"
KOLADA = (Path(__file__).parent / "data" / "kolada_alingsas_n31807.json").read_bytes()
FIGURE_MODELS = (LedgerFigure, InvestmentFigure, PrognosisFigure, StaffFigure, SickLeaveFigure)
RESULT_2022 = ["0", "3 361", "3 361", "6 194", "-2 833"]


@pytest.fixture
def bare_report(report) -> YearReport:
    """The draft with the plan (goals, key figures, texts) but none of the ledger's or HR figures."""
    for model in FIGURE_MODELS:
        model.objects.filter(namnd=report.namnd).delete()
    return report


def url(report: YearReport) -> str:
    return f"/arsbokslut/{report.pk}/underlag/"


def upload(client: Client, report: YearReport, kind: str, name: str, data: bytes, **extra: str):
    file = io.BytesIO(data)
    file.name = name
    prefix = kind
    fields = {"kind": kind, f"{prefix}-file": file, **{f"{prefix}-{k}": v for k, v in extra.items()}}
    return client.post(url(report), fields)


def figure_counts(report: YearReport) -> list[int]:
    return [model.objects.filter(namnd=report.namnd).count() for model in FIGURE_MODELS]


def imports_audited() -> int:
    return AuditEvent.objects.filter(action=AuditAction.YEAREND_IMPORT).count()


def drift_result(client: Client, report: YearReport) -> list[str]:
    document = json.loads(client.get(f"/arsbokslut/{report.pk}/?format=json").content)
    drift = next(t for t in document["tables"] if t["key"] == "drift")
    return next(row["cells"] for row in drift["rows"] if row["label"] == "Årets resultat")


def error_summary(html: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# --- The page ---------------------------------------------------------------------------------------


def test_the_page_shows_each_kinds_header_row_and_keys_and_that_the_period_follows_the_report(
    report, controller_alingsas
):
    response = verified_client(controller_alingsas).get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    for spec in KINDS.values():
        assert ";".join(c.shown for c in spec.columns) in html, spec.key
        assert f'<input type="hidden" name="kind" value="{spec.key}">' in html
        assert f'name="{spec.key}-file"' in html
        assert f"Läs in {spec.label}" in html
    for choices in (LedgerGroup, InvestmentItem, StaffMeasure, SickLeaveGroup):
        for choice in choices:
            assert f"<code>{choice.value}</code>" in html, choice
    assert "år;kontogrupp;budget_kr;utfall_kr" in html and "år;grupp;sjuktimmar;ordinarie_timmar" in html
    assert html.count("Sparas för perioden helår, eftersom det här är ett årsbokslut.") == 4
    assert "Gäller hela året, oavsett period." in html  # the prognoses
    assert 'name="kolada-file"' in html and 'name="kolada-kommunkod"' in html
    assert "Kommunens kod i Kolada är 1489" in html
    assert "Räkna om nyckeltal från Insyns egna uppgifter" in html
    assert not english_on(html), english_on(html)


def test_the_page_shows_what_is_loaded_for_the_year_and_the_year_before(report, controller_alingsas):
    html = verified_client(controller_alingsas).get(url(report)).content.decode()
    table = re.search(r'<table class="import-loaded">.*?</table>', html, re.S).group(0)
    cells = re.findall(
        r'<th scope="row">([^<]+)</th><td class="numeric">(\d+)</td><td class="numeric">(\d+)</td>', table
    )
    loaded = {label: (int(a), int(b)) for label, a, b in cells}
    assert '<th scope="col" class="numeric">2021</th>' in table and ">2022</th>" in table
    assert loaded["Driftredovisning"] == (7, 7)
    assert loaded["Prognoser"] == (0, 2)
    assert loaded["Sjukfrånvaro"] == (9, 9)
    assert loaded["Personalstatistik"] == (12, 12)
    assert loaded["Investeringar"] == (5, 7)


def test_the_report_page_links_to_the_import_page(report, controller_alingsas, auditor_alingsas):
    for user in (controller_alingsas, auditor_alingsas):
        html = verified_client(user).get(f"/arsbokslut/{report.pk}/").content.decode()
        assert f'href="/arsbokslut/{report.pk}/underlag/"' in html and "Läs in underlag" in html


def test_the_page_reads_a_bounded_number_of_queries(report, controller_alingsas, django_assert_max_num_queries):
    client = verified_client(controller_alingsas)
    client.get(url(report))
    with django_assert_max_num_queries(16):
        assert client.get(url(report)).status_code == 200


# --- Uploads --------------------------------------------------------------------------------------------


def test_the_examples_files_uploaded_through_the_page_reproduce_the_seeds_drift_table(bare_report, controller_alingsas):
    client = verified_client(controller_alingsas)
    assert drift_result(client, bare_report) != RESULT_2022
    before = imports_audited()
    for kind, filename in FIGURE_FILES:
        response = upload(client, bare_report, kind, filename, (FOLDER / filename).read_bytes())
        assert response.status_code == 302, (kind, response.content.decode()[:2000])
        assert response["Location"] == url(bare_report) + "#main"
    # Each import is audited once, by the service.
    assert imports_audited() == before + len(FIGURE_FILES)
    page = client.get(url(bare_report)).content.decode()
    assert "14 rader driftredovisning lästes in (2021, 2022)." in page
    assert "2 rader prognoser lästes in (2022)." in page
    assert "18 rader sjukfrånvaro lästes in (2021, 2022)." in page
    assert drift_result(client, bare_report) == RESULT_2022
    html = client.get(f"/arsbokslut/{bare_report.pk}/").content.decode()
    drift = re.search(r'<table class="yearend-table" data-table="drift">.*?</table>', html, re.S).group(0)
    result = re.search(r"<th scope=\"row\">Årets resultat</th>(.*?)</tr>", drift, re.S).group(1)
    assert re.findall(r'<span class="quote">([^<]*)</span>', result) == RESULT_2022
    assert set(LedgerFigure.objects.filter(namnd=bare_report.namnd).values_list("period", flat=True)) == {"annual"}


def test_an_xlsx_file_is_read_as_well(bare_report, controller_alingsas):
    workbook = Workbook()
    for line in (FOLDER / "economy.csv").read_text(encoding="utf-8").splitlines():
        workbook.active.append(line.split(";"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(verified_client(controller_alingsas), bare_report, "economy", "drift.xlsx", buffer.getvalue())
    assert response.status_code == 302
    assert LedgerFigure.objects.filter(namnd=bare_report.namnd).count() == 14


def test_a_delårsbokslut_stores_the_figures_for_january_to_august(insjoriket, bare_report, controller_alingsas):
    interim = year_report_ensure(actor=None, namnd=bare_report.namnd, year=2023, period="interim")
    client = verified_client(controller_alingsas)
    html = client.get(url(interim)).content.decode()
    assert "Sparas för perioden januari–augusti, eftersom det här är ett delårsbokslut." in html
    data = b"\xc3\xa5r;kontogrupp;budget_kr;utfall_kr\n2023;intakter;8000000;9100000\n"
    assert upload(client, interim, "economy", "delar.csv", data).status_code == 302
    figure = LedgerFigure.objects.get(namnd=interim.namnd, year=2023)
    assert (figure.period, figure.outcome_kr) == ("interim", Decimal("9100000"))
    assert "1 rad driftredovisning lästes in (2023)." in client.get(url(interim)).content.decode()


def test_a_bad_file_shows_every_problem_with_row_and_column_and_changes_nothing(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    counts, before = figure_counts(report), imports_audited()
    bad = (
        "år;kontogrupp;budget_kr;utfall_kr\n"
        "2022;intakter;1;2\n"
        "1999;lon;abc;\n"
        "2022;intakter;1;2\n"
        "2022;lokalhyror;0,001;5\n"
    )
    response = upload(client, report, "economy", "drift.csv", bad.encode())
    assert response.status_code == 400
    html = response.content.decode()
    summary = error_summary(html)
    assert 'aria-labelledby="error-summary-title"' in summary
    assert "Inget lästes in: filen drift.csv har 6 fel" in summary
    for problem in (
        "Rad 3, kolumn år: ”1999” är inget år mellan 2000 och 2100.",
        "Rad 3, kolumn kontogrupp: ”lon” är okänt;",
        "Rad 3, kolumn budget_kr: ",
        "Rad 3, kolumn utfall_kr: ",
        "Rad 4, kolumn kontogrupp: Samma uppgift finns redan på rad 2.",
        "Rad 5, kolumn budget_kr: Belopp anges i kronor med högst två decimaler.",
    ):
        assert problem in summary, problem
    # Every problem links to the file field, which says how many there are.
    assert summary.count('<a href="#id_economy-file">') == 6
    assert 'id="id_economy-file"' in html
    assert "Inget lästes in: filen har 6 fel (se listan överst)." in html
    assert figure_counts(report) == counts and imports_audited() == before
    assert not english_on(html), english_on(html)


def test_a_header_row_without_the_columns_says_which_are_missing(report, controller_alingsas):
    response = upload(verified_client(controller_alingsas), report, "staff", "p.csv", b"year;measure;value\n2022;a;1\n")
    summary = error_summary(response.content.decode())
    for column in ("år", "mått", "värde"):
        assert f"Rad 1, kolumn {column}: Kolumnen saknas; filen ska ha rubrikraden år;mått;värde." in summary


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bild.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "Filen måste vara CSV eller XLSX."),
        ("drift.csv", bytes(range(256)) * 16, "Filen innehåller binära data och är ingen CSV-fil."),
        ("drift.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "Filen gick inte att läsa som XLSX."),
        ("drift.csv", "år;kontogrupp\n".encode("utf-16-le")[::-1], "är ingen CSV-fil"),
        ("drift.csv", b"", "Filen är tom."),
        ("drift.csv", b"x" * (5 * 1024 * 1024 + 1), "högst 5 MB tas emot"),
        ("drift.csv", b"\xc3\xa5r;kontogrupp;budget_kr;utfall_kr\n", "Filen har inga rader med uppgifter."),
    ],
    ids=["not-a-table", "binary-as-csv", "broken-xlsx", "garbled", "empty", "too-big", "no-rows"],
)
def test_a_file_that_is_not_a_usable_table_gets_a_clear_swedish_error(report, controller_alingsas, name, data, message):
    counts, before = figure_counts(report), imports_audited()
    response = upload(verified_client(controller_alingsas), report, "economy", name, data)
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert message in summary, summary
    assert 'href="#id_economy-file"' in summary
    assert figure_counts(report) == counts and imports_audited() == before


def test_no_file_chosen_is_an_error_on_the_field(report, controller_alingsas):
    response = verified_client(controller_alingsas).post(url(report), {"kind": "investments"})
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert '<a href="#id_investments-file">Fil med investeringar (CSV eller XLSX): Välj en fil.</a>' in summary


def test_an_unknown_kind_is_a_bad_request(report, controller_alingsas):
    assert verified_client(controller_alingsas).post(url(report), {"kind": "salaries"}).status_code == 400


# --- Kolada, the computed key figures and the proposals -----------------------------------------------


def _kolada_figure(report: YearReport) -> tuple[KeyFigure, int]:
    """A key figure of a goal with a proposal, set to meet its target now (95 ≥ 90) and to ask Kolada
    for N31807 total, whose 2022 value in the file (81) misses it."""
    proposals = goal_proposals(report)
    goal = next(g for g in report_goals(report) if proposals[g.pk] is not None)
    figure = KeyFigure.objects.filter(goal=goal).order_by("pk").first()
    assert figure is not None
    figure.kolada_kpi, figure.kolada_gender = "N31807", "T"
    figure.target_direction, figure.target_value = TargetDirection.AT_LEAST, Decimal(90)
    figure.save()
    KeyFigureValue.objects.update_or_create(
        key_figure=figure, year=2022, defaults={"value": Decimal(95), "text": "", "origin": KeyFigureOrigin.MANUAL}
    )
    goal_assessments_propose(report=report)
    return figure, goal.pk


def test_a_kolada_file_fills_the_key_figures_and_the_proposals_follow(report, controller_alingsas):
    figure, goal_pk = _kolada_figure(report)
    proposed_before = GoalAssessment.objects.get(report=report, goal_id=goal_pk).proposed
    client = verified_client(controller_alingsas)
    response = upload(client, report, "kolada", "kolada.json", KOLADA)
    assert response.status_code == 302
    values = {v.year: (v.value, v.origin) for v in KeyFigureValue.objects.filter(key_figure=figure)}
    assert values[2022] == (Decimal(81), KeyFigureOrigin.KOLADA)
    assert values[2020] == (Decimal(76), KeyFigureOrigin.KOLADA)
    stored = GoalAssessment.objects.get(report=report, goal_id=goal_pk).proposed
    assert stored == goal_proposals(report)[goal_pk] and stored != proposed_before
    page = client.get(url(report)).content.decode()
    assert "Kolada (2020, 2021, 2022): 3 utfall för 1 nyckeltal inlästa;" in page
    assert "inget nyckeltal för N31807 K, N31807 M, N00945 T." in page


def test_a_kolada_file_of_another_municipality_shows_every_problem_and_changes_nothing(report, controller_alingsas):
    figure, _ = _kolada_figure(report)
    before = imports_audited()
    response = upload(verified_client(controller_alingsas), report, "kolada", "kolada.json", KOLADA, kommunkod="1441")
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert summary.count("inte nämndens kommun (1441)") == 4
    assert "Rad 1, kolumn values[0].municipality: Värdet gäller kommun 1489" in summary
    assert 'href="#id_kolada-file"' in summary
    assert KeyFigureValue.objects.get(key_figure=figure, year=2022).value == Decimal(95)
    assert imports_audited() == before


@pytest.mark.parametrize(
    ("kommunkod", "data", "message"),
    [
        ("12ab", KOLADA, "Ange kommunkoden, fyra siffror som i Kolada"),
        ("", b"not json", "Filen är inte JSON"),
        ("", bytes(range(256)), "Filen är inte UTF-8-kodad text"),
    ],
    ids=["bad-kommunkod", "not-json", "binary"],
)
def test_a_wrong_kolada_upload_is_refused_in_swedish(report, controller_alingsas, kommunkod, data, message):
    response = upload(verified_client(controller_alingsas), report, "kolada", "k.json", data, kommunkod=kommunkod)
    assert response.status_code == 400
    assert message in error_summary(response.content.decode())


def test_the_button_computes_the_key_figures_from_insyns_own_data(report, controller_alingsas):
    client = verified_client(controller_alingsas)
    response = client.post(url(report), {"kind": "computed"})
    assert response.status_code == 302 and response["Location"] == url(report) + "#main"
    page = client.get(url(report)).content.decode()
    assert "Inga utfall räknades fram för 2020–2022" in page


# --- Who may do what ----------------------------------------------------------------------------------


def test_an_approved_report_refuses_every_import_with_a_swedish_message(approved, controller_alingsas):
    client = verified_client(controller_alingsas)
    html = client.get(url(approved)).content.decode()
    assert "Rapporten är godkänd och kan inte ändras, så inget underlag kan läsas in." in html
    assert 'type="file"' not in html and "Räkna om nyckeltal från Insyns egna uppgifter" not in html
    counts, before = figure_counts(approved), imports_audited()
    response = upload(client, approved, "economy", "economy.csv", (FOLDER / "economy.csv").read_bytes())
    assert response.status_code == 409
    assert "Rapporten är godkänd och kan inte ändras." in error_summary(response.content.decode())
    assert upload(client, approved, "kolada", "k.json", KOLADA).status_code == 409
    assert client.post(url(approved), {"kind": "computed"}).status_code == 409
    assert figure_counts(approved) == counts and imports_audited() == before
    assert YearReport.objects.get(pk=approved.pk).status == ReportStatus.APPROVED


def test_the_auditor_sees_the_page_without_forms_and_every_upload_is_refused(report, auditor_alingsas):
    client = verified_client(auditor_alingsas)
    response = client.get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "år;kontogrupp;budget_kr;utfall_kr" in html
    assert "Du kan se vilka underlag som är inlästa, men inte läsa in nya." in html
    assert '<form method="post" enctype' not in html and 'name="kind"' not in html
    counts = figure_counts(report)
    for kind, filename in FIGURE_FILES:
        assert upload(client, report, kind, filename, (FOLDER / filename).read_bytes()).status_code == 403
    assert upload(client, report, "kolada", "k.json", KOLADA).status_code == 403
    assert client.post(url(report), {"kind": "computed"}).status_code == 403
    assert figure_counts(report) == counts


def test_another_municipalitys_controller_gets_404_and_sees_nothing(report, controller_lerum):
    client = verified_client(controller_lerum)
    counts = figure_counts(report)
    responses = [
        client.get(url(report)),
        upload(client, report, "economy", "economy.csv", (FOLDER / "economy.csv").read_bytes()),
        upload(client, report, "kolada", "k.json", KOLADA),
        client.post(url(report), {"kind": "computed"}),
        client.post(url(report), {}),
    ]
    for response in responses:
        assert response.status_code == 404
        assert "Alingsås" not in response.content.decode()
    assert figure_counts(report) == counts


def test_an_anonymous_visitor_is_sent_to_log_in(report):
    client = Client()
    for response in (client.get(url(report)), client.post(url(report), {"kind": "economy"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logga-in/?next=")

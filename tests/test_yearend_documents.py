"""The årsbokslut as files (apps/yearend/documents.py): the tjänsteskrivelse, then the report with
its head, contents with page numbers, sections, goals and tables, read back from the real DOCX
(python-docx) and PDF (pypdf). Seed 002 is the layout."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from apps.organisations.models import Organisation
from apps.yearend.document import YearendDocument, build_document
from apps.yearend.documents import docx_page_numbers, yearend_docx, yearend_pdf
from apps.yearend.models import (
    ControlFollowUp,
    ControlPoint,
    ControlResultTable,
    CouncilGoal,
    GoalAssessment,
    KeyFigure,
    KeyFigureOrigin,
    KeyFigureTable,
    KeyFigureValue,
    LedgerFigure,
    NamndGoal,
    ProviderFollowUp,
    ReportText,
    SignalStep,
    YearReport,
)

pytestmark = pytest.mark.django_db

APPROVER = "Karin Alvermalm Dahlgren, Godkännare tjänsteskrivelse, 2023-02-07"
RESULT_ROW = ["Årets resultat", "0", "450", "450", "278", "172"]
STAFF_ROW = ["Personalkostnader", "-6 000", "-5 700", "300", "-5 600", "-100"]
# (group, budget 2022, outcome 2022, outcome 2021) in kronor.
LEDGER = [
    ("intakter", 1_000_000, 1_250_400, 1_100_000),
    ("personalkostnader", -6_000_000, -5_700_000, -5_600_000),
    ("lokalhyror", -500_000, -480_000, -470_000),
    ("kop_av_tjanster", -1_000_000, -1_100_000, -1_050_000),
    ("ovriga_kostnader", -500_000, -520_000, -500_000),
    ("kommunbidrag", 7_000_000, 7_000_000, 6_800_000),
    ("finansnetto", 0, 0, -2_000),
]
GOAL = "Antal hushåll som blir självförsörjande ska öka"
INDICATOR = "Ej återaktualiserade vuxna personer med försörjningsstöd ett år efter avslutat försörjningsstöd, andel (%)"


def _small_report(namnd: Organisation) -> YearReport:
    municipality = namnd.parent
    for group, budget, outcome, previous in LEDGER:
        LedgerFigure.objects.create(
            namnd=namnd, year=2022, group=group, budget_kr=Decimal(budget), outcome_kr=Decimal(outcome)
        )
        LedgerFigure.objects.create(
            namnd=namnd, year=2021, group=group, budget_kr=Decimal(previous), outcome_kr=Decimal(previous)
        )
    SignalStep.objects.create(municipality=municipality, position=1, label="Ej uppfyllt", colour="#c00000", symbol="○")
    met = SignalStep.objects.create(
        municipality=municipality, position=2, label="Helt uppfyllt", colour="#00b050", symbol="●"
    )
    council_goal = CouncilGoal.objects.create(
        namnd=namnd, year=2022, number=2, title="I Alingsås finns goda livsmiljöer"
    )
    goal = NamndGoal.objects.create(
        council_goal=council_goal,
        position=1,
        title=GOAL,
        indicator=INDICATOR,
        agenda2030="Mål 1. Avskaffa fattigdom i alla dess former överallt.",
    )
    table = KeyFigureTable.objects.create(council_goal=council_goal, after_goal=goal, position=1, measured_at="31 dec")
    figure = KeyFigure.objects.create(
        table=table,
        goal=goal,
        position=1,
        name="Antal hushåll med utbetalt försörjningsstöd",
        source="Verksamhetssystem Procapita Lifecare",
        target_direction="le",
        target_value=Decimal(215),
        show_direction=False,
    )
    for year, value in ((2022, 237), (2021, 239), (2020, 269)):
        KeyFigureValue.objects.create(key_figure=figure, year=year, value=Decimal(value), origin=KeyFigureOrigin.MANUAL)
    report = YearReport.objects.create(
        namnd=namnd,
        year=2022,
        period="annual",
        decision_date=datetime.date(2023, 2, 14),
        diary_number="2023.003 SN",
        memo_date=datetime.date(2023, 2, 7),
        officer_name="Sofia Landén",
        direct_number="0322-616782",
        manager_name="Karin Alvermalm",
        approver_name="Karin Alvermalm Dahlgren",
        approved_on=datetime.date(2023, 2, 7),
    )
    GoalAssessment.objects.create(report=report, goal=goal, decided=met)
    point = ControlPoint.objects.create(
        namnd=namnd,
        year=2022,
        position=1,
        risk="Att volymerna inom myndighetsutövningen inte minskar",
        checked="Att antal inledda utredningar minskar inom barn och unga",
        method="Kontroll av antal inledda utredningar",
    )
    follow_up = ControlFollowUp.objects.create(
        point=point,
        period="annual",
        assessment="without_remark",
        result="Antal inledda utredningar har sjunkit procentuellt i relation till antal orosanmälningar.",
    )
    ControlResultTable.objects.create(
        follow_up=follow_up,
        title="Orosanmälningar och utredningar",
        columns=["2020", "2021", "2022"],
        rows=[
            {"label": "Antal barn orosanmälningar", "values": [677, 793, 830]},
            {"label": "Antal inledda utredningar", "values": [327, 359, 326]},
        ],
        share_label="Andel",
        share_numerator=1,
        share_denominator=0,
    )
    ProviderFollowUp.objects.create(
        namnd=namnd,
        year=2022,
        position=1,
        agreement="Adda Inköpscentral AB – HVB – Vuxna med missbruk 2019",
        followed_up="Att privata utförare innehar ett aktuellt tillstånd från IVO.",
        met_requirements=True,
    )
    texts = {
        "memo_statement": "Socialnämndens budget 2022-2024 har följts upp i årsbokslutet.",
        "verksamhet": (
            "Socialnämnden ansvarar för individ- och familjeomsorg.\n\n"
            "- Stärka insatserna för målgruppen långvarigt bidragsberoende.\n"
            "- Förstärka intern samverkan."
        ),
        "drift_summary": "Socialnämnden redovisar ett överskott om 0,5 mnkr.",
        f"goal-{goal.pk}": "Antal hushåll med utbetalt försörjningsstöd har minskat marginellt.",
    }
    for key, body in texts.items():
        ReportText.objects.create(report=report, key=key, body=body)
    return report


@pytest.fixture
def document(insjoriket, pdf_support) -> YearendDocument:
    return build_document(_small_report(Organisation.objects.get(slug="alingsas-socialnamnd")))


@pytest.fixture
def docx(document):
    return Document(io.BytesIO(yearend_docx(document)))


@pytest.fixture
def pdf(document) -> PdfReader:
    return PdfReader(io.BytesIO(yearend_pdf(document)))


def table_with(docx_document, first_header: str):
    return next(t for t in docx_document.tables if t.rows[0].cells[0].text == first_header)


def row_texts(table, label: str) -> list[str]:
    row = next(r for r in table.rows if r.cells[0].text == label)
    return [cell.text for cell in row.cells]


def pdf_texts(reader: PdfReader) -> list[str]:
    """Each page's text without the draft's marks (tested on their own below)."""
    marks = {"UTKAST", "UTKAST – inte godkänt av förvaltningschefen"}
    return [
        "\n".join(line for line in page.extract_text().split("\n") if line.strip() not in marks)
        for page in reader.pages
    ]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_docx_holds_the_memo_and_after_a_page_break_the_report_with_word_headings(docx):
    texts = [p.text for p in docx.paragraphs]
    for line in ("Alingsås kommun", "Datum: 2023-02-07", "Handläggare: Sofia Landén", "Direktnr: 0322-616782"):
        assert line in texts
    assert "Diariernr: 2023.003 SN" in texts
    memo_headings = ["Ärendebeskrivning", "Förvaltningens yttrande", "Ekonomisk bedömning", "Förslag till beslut"]
    positions = [texts.index(heading) for heading in ["Socialnämndens årsbokslut 2022", *memo_headings]]
    assert positions == sorted(positions)
    assert texts[texts.index("Beslutet ska skickas till") + 1] == "Kommunstyrelsen"
    assert "Karin Alvermalm\nFörvaltningschef" in texts and "Sofia Landén\nVerksamhetscontroller" in texts
    assert APPROVER in texts
    # The report starts in a section of its own, after the memo's.
    assert texts.index("Årsbokslut") > texts.index(APPROVER)
    assert len(docx.sections) >= 3
    for line in (
        "Socialnämnden 2022",
        "Dokumenttyp: Redovisande dokument, bokslut",
        "Beslutande instans: Socialnämnden",
        "Datum för beslut: 2023-02-14",
        "Diarienummer: 2023.003 SN",
        "Innehåll",
    ):
        assert line in texts
    styles = {p.text: p.style.name for p in docx.paragraphs}
    assert styles["Verksamhet"] == "Heading 1"
    assert styles["Drift"] == "Heading 2"
    assert styles["Inledande sammanfattning"] == "Heading 3"
    # The memo's headings and the council goal's (not in the contents) are no Word headings.
    assert not styles["Ärendebeskrivning"].startswith("Heading")
    assert not styles["2. I Alingsås finns goda livsmiljöer"].startswith("Heading")
    assert [p.text for p in docx.paragraphs if p.style.name == "List Bullet"] == [
        "Stärka insatserna för målgruppen långvarigt bidragsberoende.",
        "Förstärka intern samverkan.",
    ]


def test_the_docx_drift_table_reads_back_cell_by_cell_with_figures_right_aligned(docx):
    drift = table_with(docx, "Belopp i tkr")
    assert [c.text for c in drift.rows[0].cells] == [
        "Belopp i tkr",
        "Budget 2022",
        "Bokslut 2022",
        "Avv. bokslut/ budget 2022",
        "Bokslut 2021",
        "Diff. bokslut 2022/2021",
    ]
    assert row_texts(drift, "Årets resultat") == RESULT_ROW
    assert row_texts(drift, "Personalkostnader") == STAFF_ROW
    header, result = drift.rows[0].cells, next(r for r in drift.rows if r.cells[0].text == "Årets resultat").cells
    assert header[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert header[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    assert result[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert result[2]._tc.tcPr.find(qn("w:noWrap")) is not None
    assert all(run.bold for cell in result for run in cell.paragraphs[0].runs)
    assert all(run.bold for cell in header for run in cell.paragraphs[0].runs)


def test_the_docx_contents_is_a_word_toc_field_with_the_pdfs_page_numbers(document, docx):
    body = docx.element.body
    instructions = [node.text for node in body.iter(qn("w:instrText"))]
    assert ' TOC \\o "1-3" \\h \\z \\u ' in instructions
    assert docx.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    entries = [p.text for p in docx.paragraphs if p.style.name.startswith("toc ")]
    pages = docx_page_numbers(document)  # read from the PDF's layout
    assert pages["verksamhet"] == 1
    expected = [f"{s.title}\t{pages[s.key]}" for s in document.sections if s.in_toc]
    assert entries == expected
    assert "Verksamhet\t1" in entries and any(e.startswith("Ekonomi\t") for e in entries)
    assert not any(e.startswith(("2. I Alingsås", "Omedelbara åtgärder")) for e in entries)
    # Each entry links to its heading's bookmark.
    bookmarks = {node.get(qn("w:name")) for node in body.iter(qn("w:bookmarkStart"))}
    anchors = {node.get(qn("w:anchor")) for node in body.iter(qn("w:hyperlink"))}
    assert anchors and anchors <= bookmarks


def test_the_docx_goal_shows_indicator_analysis_agenda_2030_and_the_assessment_as_words(docx):
    texts = [p.text for p in docx.paragraphs]
    assert f"Indikator: {INDICATOR}" in texts
    goal = table_with(docx, "Nämndens mål")
    assert [c.text for c in goal.rows[0].cells] == ["Nämndens mål", "Kommentar/ analys", "Bedömning"]
    title, analysis, assessment = goal.rows[1].cells
    assert title.text == GOAL
    assert [p.text for p in analysis.paragraphs] == [
        "Antal hushåll med utbetalt försörjningsstöd har minskat marginellt.",
        "Koppling Agenda 2030",
        "Mål 1. Avskaffa fattigdom i alla dess former överallt.",
    ]
    assert analysis.paragraphs[1].runs[0].bold
    assert assessment.text == "● Helt uppfyllt"
    key_figures = table_with(docx, "Nyckeltal")
    assert row_texts(key_figures, "Antal hushåll med utbetalt försörjningsstöd") == [
        "Antal hushåll med utbetalt försörjningsstöd",
        "215",
        "237",
        "239",
        "269",
    ]
    source = next(r for r in key_figures.rows if r.cells[0].text.startswith("Källa:"))
    assert source.cells[0].paragraphs[0].runs[0].italic


def test_the_docx_internal_control_result_holds_its_small_table_and_the_appendix_is_landscape(docx):
    control = table_with(docx, "Identifierad risk")
    result = control.rows[1].cells[-1]
    assert result.text.startswith("Antal inledda utredningar har sjunkit")
    (inner,) = result.tables
    assert [[c.text for c in row.cells] for row in inner.rows] == [
        ["Orosanmälningar och utredningar", "2020", "2021", "2022"],
        ["Antal barn orosanmälningar", "677", "793", "830"],
        ["Antal inledda utredningar", "327", "359", "326"],
        ["Andel", "48 %", "45 %", "39 %"],
    ]
    assert row_texts(control, "Att volymerna inom myndighetsutövningen inte minskar")[4] == (
        "● Genomförd utan anmärkning"
    )
    assert docx.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert docx.sections[-1].page_width > docx.sections[-1].page_height


def test_the_pdf_reads_back_the_memo_the_head_and_the_contents_with_page_numbers(pdf):
    pages = pdf_texts(pdf)
    memo = flat(" ".join(pages[:2]))
    for line in (
        "Alingsås kommun",
        "Datum: 2023-02-07",
        "Handläggare: Sofia Landén",
        "Direktnr: 0322-616782",
        "Diariernr: 2023.003 SN",
        "Socialnämndens årsbokslut 2022",
        "Ärendebeskrivning",
        "Förvaltningens yttrande",
        "Ekonomisk bedömning",
        "Förslag till beslut",
        "Beslutet ska skickas till Kommunstyrelsen",
        "Karin Alvermalm Förvaltningschef",
        APPROVER,
    ):
        assert line in memo
    front_index = next(i for i, text in enumerate(pages) if text.startswith("Årsbokslut"))
    assert front_index > 0
    front = pages[front_index]
    for line in ("Socialnämnden 2022", "Dokumenttyp: Redovisande dokument, bokslut", "Diarienummer: 2023.003 SN"):
        assert line in front
    contents = dict(re.findall(r"^(.+?)\s*\.*\s(\d+)$", front, flags=re.MULTILINE))
    assert contents["Verksamhet"] == "1"
    assert int(contents["Ekonomi"]) > 1
    assert "Inledande sammanfattning" in contents


def test_the_pdf_page_number_in_the_contents_is_the_one_in_the_footer_of_the_headings_page(pdf):
    pages = pdf_texts(pdf)
    front = next(text for text in pages if text.startswith("Årsbokslut"))
    contents = dict(re.findall(r"^(.+?)\s*\.*\s(\d+)$", front, flags=re.MULTILINE))
    for title in ("Verksamhet", "Ekonomi", "Personal", "Bilaga 1. Uppföljning av internkontroll"):
        page = next(text for text in pages if text.startswith(title))
        assert page.strip().splitlines()[-1] == contents[title]


def test_the_pdf_tables_goal_and_nested_table_read_back_as_their_cells(pdf):
    text = "\n".join(pdf_texts(pdf))
    assert "Årets resultat " + " ".join(RESULT_ROW[1:]) in text.splitlines()
    assert "Personalkostnader " + " ".join(STAFF_ROW[1:]) in text.splitlines()
    flattened = flat(text)
    assert f"Indikator: {INDICATOR}" in flattened
    assert "Nämndens mål Kommentar/ analys Bedömning" in flattened
    assert "Koppling Agenda 2030" in flattened
    assert "Helt uppfyllt" in flattened
    assert "Antal barn orosanmälningar 677 793 830" in flattened
    assert "Andel 48 % 45 % 39 %" in flattened
    appendix = next(page for page in pdf.pages if page.extract_text().startswith("Bilaga 1"))
    assert appendix.mediabox.width > appendix.mediabox.height


def test_the_pdf_is_archival_pdf_a_3b_with_its_fonts_embedded(pdf):
    metadata = pdf.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", metadata)
    assert re.search(r"pdfaid:conformance(>|=\")B", metadata)
    assert "/OutputIntents" in pdf.trailer["/Root"]
    fonts = pdf.pages[0]["/Resources"]["/Font"]
    assert all(
        "/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()
    )


def test_the_seed_examples_result_row_reads_the_same_in_the_docx_and_the_pdf(insjoriket, pdf_support):
    from apps.yearend.example import load_example

    document = build_document(load_example("alingsas-2022"))
    expected = ["Årets resultat", "0", "3 361", "3 361", "6 194", "-2 833"]
    docx_document = Document(io.BytesIO(yearend_docx(document)))
    assert row_texts(table_with(docx_document, "Belopp i tkr"), "Årets resultat") == expected
    lines = "\n".join(pdf_texts(PdfReader(io.BytesIO(yearend_pdf(document))))).splitlines()
    assert " ".join(expected) in lines


def test_a_draft_says_so_on_every_page_and_on_the_first_line_of_the_docx(pdf, docx):
    assert all("UTKAST" in page.extract_text().split("\n") for page in pdf.pages)
    assert docx.paragraphs[0].text == "UTKAST – inte godkänt av förvaltningschefen"

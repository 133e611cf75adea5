"""The tjänsteskrivelse to the nämnd (DOCX, editable, and PDF), laid out as seed 000's: header
(Datum, Handläggare, Direktnr, Diarienr), Ärendebeskrivning with the reporting duty in force and
the nämnd's scope (see the appendix), Statistik för kvartalen, the council's statistics table,
Ekonomisk bedömning, Förslag till beslut, Beslutet ska skickas till, and the signatures:
förvaltningschef, handläggare, godkännare."""

# i18n: swedish-document (addressed to an authority: Swedish by the Language Act 10 §)
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from apps.organisations.letterhead import letterhead_for
from apps.organisations.models import Organisation, OrganisationKind

from .council import CouncilTable, report_council_table
from .exports import committee_settings_of, count_cell, duty_label
from .models import CommitteeSettings, QuarterlyReport
from .selectors import year_tables

RECIPIENTS = ["Kommunfullmäktige", "Kommunens revisorer"]
ITEMS = [
    "Gynnande beslut som ej verkställts inom tre månader från dagen för beslutet",
    "Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet",
    "Gynnande beslut som har verkställts (gäller endast revisorer och IVO)",
]
IVO_SENTENCE = (
    "Rapporteringen till IVO sker som individrapporter med sekretessbelagda uppgifter enligt en nationellt "
    "fastställd standard."
)
ECONOMY = "Förslaget innebär inga ekonomiska konsekvenser."


@dataclass(frozen=True)
class MemoFields:
    date: datetime.date
    officer: str
    officer_title: str
    diary_number: str
    direct_number: str = ""
    manager_name: str = ""
    manager_title: str = ""
    approver_name: str = ""
    approved_on: datetime.date | None = None


def municipality_short(municipality: Organisation) -> str:
    """The place name: "Lerum" and "Mölndal", not the genitive of "Lerums kommun" and "Mölndals
    stad". The organisation structure names the municipality's socialnämnd unit with it
    ("Socialnämnden Lerum"); without such a unit, the name without its suffix."""
    prefix = "Socialnämnden "
    unit = (
        Organisation.objects.filter(
            parent=municipality, kind=OrganisationKind.SOCIAL_COMMITTEE, name__startswith=prefix
        )
        .order_by("pk")
        .first()
    )
    if unit is not None and unit.name[len(prefix) :].strip():
        return unit.name[len(prefix) :].strip()
    return municipality.name.replace(" kommun", "").replace(" stad", "")


def scope_sentence(settings: CommitteeSettings) -> str:
    """ "I Alingsås gäller socialnämndens rapporteringsskyldighet för individ- och familjeomsorg
    (se bilaga)": the scope is the nämnd's data; without it the sentence is left out."""
    if not settings.scope.strip():
        return ""
    owner = settings.committee_name.strip().lower() + "s"
    appendix = " (se bilaga)" if settings.scope_appendix.strip() else ""
    return (
        f"I {municipality_short(settings.municipality)} gäller {owner} rapporteringsskyldighet för "
        f"{settings.scope.strip()}{appendix}."
    )


def proposal(report: QuarterlyReport, committee: str = "Socialnämnden") -> str:
    return (
        f"{committee} noterar rapporteringen till IVO för kvartal {report.quarter} {report.year} "
        "och översänder rapporten till kommunfullmäktige och kommunens revisorer."
    )


def case_context(report: QuarterlyReport) -> dict[str, Any]:
    """What the tjänsteskrivelse and the protokollsutdrag both say about the case."""
    with translation.override("sv"):
        return _case_context(report)


def _case_context(report: QuarterlyReport) -> dict[str, Any]:
    settings = committee_settings_of(report.municipality)
    stats = year_tables(report.municipality, report.year, include=report if not report.is_submitted else None)
    council: CouncilTable = report_council_table(report)
    committee = settings.committee_name
    return {
        "report": report,
        "committee": committee,
        "municipality_name": report.municipality.name,
        "title": f"Ej verkställda beslut, kvartal {report.quarter} {report.year}",
        "duty_text": (
            f"{committee} ska kvartalsvis rapportera till kommunfullmäktige, till de revisorer som avses i "
            "3 kap. 8 § kommunallagen samt till Inspektionen för vård och omsorg (IVO) enligt "
            f"{duty_label(report.as_of)} om"
        ),
        "items": ITEMS,
        "ivo_sentence": IVO_SENTENCE,
        "scope_sentence": scope_sentence(settings),
        "appendix": settings.scope_appendix.strip(),
        "statistics": stats,
        "statistics_rows": [(row.label, [count_cell(c) for c in row.counts]) for row in stats.by_type],
        "council": council,
        "council_title": f"Statistikrapport till kommunfullmäktige, kvartal {report.quarter} {report.year}",
        "proposal": proposal(report, committee),
        "recipients": RECIPIENTS,
        "settings": settings,
    }


def memo_context(report: QuarterlyReport, fields: MemoFields) -> dict[str, Any]:
    context = case_context(report)
    settings: CommitteeSettings = context["settings"]
    manager = fields.manager_name or settings.manager_name
    approver = fields.approver_name or settings.approver_name
    approved_on = fields.approved_on or fields.date
    return {
        **context,
        "fields": fields,
        "duty_label": duty_label(report.as_of),
        "municipality_short": municipality_short(report.municipality),
        "manager_lines": [line for line in (manager, fields.manager_title or settings.manager_title) if line]
        if manager
        else [],
        "officer_lines": [line for line in (fields.officer, fields.officer_title) if line],
        "approver_line": f"{approver}, Godkännare tjänsteskrivelse, {approved_on.isoformat()}" if approver else "",
    }


# --- DOCX ---------------------------------------------------------------------------------------


def add_table(document: Any, header: list[str], rows: list[list[str]], *, empty: str = "") -> None:
    """`empty`: the line across the table when it has no rows, as the PDF has it."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    if empty:
        cells = table.add_row().cells
        cells[0].merge(cells[-1]).text = empty
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value


def add_case(document: Any, context: dict[str, Any]) -> None:
    """Ärendebeskrivning, Statistik för kvartalen and the council's table."""
    document.add_heading("Ärendebeskrivning", level=2)
    document.add_paragraph(context["duty_text"])
    for item in context["items"]:
        document.add_paragraph(item, style="List Number")
    document.add_paragraph(context["ivo_sentence"])
    if context["scope_sentence"]:
        document.add_paragraph(context["scope_sentence"])
    document.add_heading(f"Statistik för kvartalen {context['report'].year}", level=2)
    add_table(
        document,
        ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"],
        [[label, *cells] for label, cells in context["statistics_rows"]],
        empty="" if context["statistics_rows"] else "Inga rapporterade beslut detta år.",
    )
    add_council_table(document, context["council"], context["council_title"])


def add_council_table(document: Any, council: CouncilTable, title: str) -> None:
    document.add_heading(title, level=2)
    for section in council.sections:
        document.add_paragraph(section.title).paragraph_format.keep_with_next = True  # with its table
        rows = [
            [row.decision_type, str(row.shown_women), str(row.shown_men), str(row.total), row.days_text]
            for row in section.rows
        ]
        rows.append(["Summa", str(section.shown_women), str(section.shown_men), str(section.total), ""])
        add_table(
            document,
            ["Typ av beslut", "Kvinnor", "Män", "Totalt", section.days_label],
            rows,
            empty="" if section.rows else "Inga beslut.",
        )
    document.add_paragraph(council.note)


def add_appendix(document: Any, context: dict[str, Any]) -> None:
    if context["scope_sentence"] and context["appendix"]:
        document.add_page_break()
        document.add_heading("Bilaga: rapporteringsskyldighetens omfattning", level=2)
        for paragraph in context["appendix"].splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())


def memo_docx(report: QuarterlyReport, fields: MemoFields) -> bytes:
    """The tjänsteskrivelse as DOCX, in Swedish whatever the user's language (Language Act 10 §)."""
    with translation.override("sv"):
        return _memo_docx(report, fields)


def _memo_docx(report: QuarterlyReport, fields: MemoFields) -> bytes:
    from docx import Document

    from apps.core.docx_letterhead import add_letterhead

    ctx = memo_context(report, fields)
    document = Document()
    add_letterhead(document, letterhead_for(report.municipality, date=fields.date, handlaggare=fields.officer))
    document.add_paragraph(ctx["municipality_name"])
    document.add_paragraph(f"Datum: {fields.date.isoformat()}")
    document.add_paragraph(f"Handläggare: {fields.officer}")
    document.add_paragraph(f"Direktnr: {fields.direct_number}")
    document.add_paragraph(f"Diarienr: {fields.diary_number}")
    document.add_paragraph(ctx["committee"])
    document.add_heading(ctx["title"], level=1)
    add_case(document, ctx)
    document.add_heading("Ekonomisk bedömning", level=2)
    document.add_paragraph(ECONOMY)
    document.add_heading("Förslag till beslut", level=2)
    document.add_paragraph(ctx["proposal"])
    document.add_heading("Beslutet ska skickas till", level=2)
    for recipient in ctx["recipients"]:
        document.add_paragraph(recipient)
    document.add_paragraph("")
    for lines in (ctx["manager_lines"], ctx["officer_lines"]):
        if lines:
            document.add_paragraph("\n".join(lines))
    if ctx["approver_line"]:
        document.add_paragraph(ctx["approver_line"])
    add_appendix(document, ctx)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def memo_pdf(report: QuarterlyReport, fields: MemoFields) -> bytes:
    """The tjänsteskrivelse as PDF, in Swedish whatever the user's language."""
    with translation.override("sv"):
        return _memo_pdf(report, fields)


def _memo_pdf(report: QuarterlyReport, fields: MemoFields) -> bytes:
    from weasyprint import HTML

    html = render_to_string("decisions/memo_print.html", memo_context(report, fields))
    return bytes(HTML(string=html).write_pdf())

"""The report in every format the nämnd, KF, the auditors and IVO need: JSON, HTML, PDF, XLSX,
the tjänsteskrivelse (DOCX and PDF) and IVO's confidential individual data."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from apps.organisations.models import Organisation
from lib.nonexecution import CATEGORY_ORDER, Category, Section
from lib.quarters import Quarter
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .models import Decision, QuarterlyReport, ReportRow, ReportStatus
from .selectors import YearTables, reporting_duty_on, year_tables

SECTION_TITLES = {
    1: "1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut",
    2: "2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet",
    3: "3. Beslut som tidigare rapporterats som ej verkställt och som nu verkställts eller avslutats",
}
SUMMARY_ROWS = {
    1: "Gynnande beslut som ej verkställts inom tre månader från dagen för beslut",
    2: "Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet",
    3: "Beslut som tidigare rapporterats som ej verkställt och som nu verkställts eller avslutats",
}
OUTCOME_LABELS = {"executed": "Verkställt", "ended": "Avslutat"}


def _rows(report: QuarterlyReport) -> list[ReportRow]:
    return list(report.rows.order_by("position"))


def _row_json(row: ReportRow) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": row.reference,
        "decision_date": row.decision_date.isoformat(),
        "decision_type": row.decision_type_name,
        "legal_basis": row.legal_basis_label,
        "reason": row.reason,
    }
    if row.section == Section.EXECUTED_OR_ENDED or row.closed:
        data["date"] = row.outcome_date.isoformat() if row.outcome_date else None
        data["outcome"] = row.outcome or None
    return data


def report_statistics(rows: list[ReportRow]) -> list[dict[str, Any]]:
    counts = Counter((row.decision_type_name, row.category) for row in rows)
    return [
        {"decision_type": decision_type, "category": category, "count": count}
        for (decision_type, category), count in sorted(
            counts.items(), key=lambda item: (CATEGORY_ORDER.index(Category(item[0][1])), item[0][0])
        )
    ]


def report_json(report: QuarterlyReport) -> dict[str, Any]:
    rows = _rows(report)
    return {
        "municipality": report.municipality.slug,
        "quarter": f"{report.year}Q{report.quarter}",
        "as_of": report.as_of.isoformat(),
        "status": report.status,
        "not_executed": [_row_json(r) for r in rows if r.section == Section.NOT_EXECUTED],
        "interrupted": [_row_json(r) for r in rows if r.section == Section.INTERRUPTED],
        "executed_or_ended": [_row_json(r) for r in rows if r.section == Section.EXECUTED_OR_ENDED],
        "statistics": report_statistics(rows),
    }


def summary_json(municipality: Organisation, year: int) -> dict[str, Any]:
    """From submitted reports only."""
    tables = year_tables(municipality, year)
    return {
        "municipality": municipality.slug,
        "year": year,
        "quarters": tables.quarters,
        "not_executed": tables.sections[1],
        "interrupted": tables.sections[2],
        "executed_or_ended": tables.sections[3],
        "by_type": [
            {"decision_type": row.decision_type, "category": row.category.value, "counts": row.counts}
            for row in tables.by_type
        ],
    }


@dataclass(frozen=True)
class ReportView:
    report: QuarterlyReport
    sections: list[tuple[int, str, list[ReportRow]]]
    statistics: YearTables
    summaries: list[YearTables]
    committee_name: str

    @property
    def title(self) -> str:
        return f"Ej verkställda beslut, kvartal {self.report.quarter} {self.report.year}"


def committee_name(municipality: Organisation) -> str:
    return f"{municipality.name} - socialnämnden"


def report_view(report: QuarterlyReport) -> ReportView:
    rows = _rows(report)
    include = report if report.status == ReportStatus.DRAFT else None
    this_year = year_tables(report.municipality, report.year, include=include)
    return ReportView(
        report=report,
        sections=[(s, SECTION_TITLES[s], [r for r in rows if r.section == s]) for s in (1, 2, 3)],
        statistics=this_year,
        summaries=[year_tables(report.municipality, report.year - 1), this_year],
        committee_name=committee_name(report.municipality),
    )


def report_pdf(report: QuarterlyReport) -> bytes:
    from weasyprint import HTML

    html = render_to_string("decisions/report_print.html", {"view": report_view(report), "summary_rows": SUMMARY_ROWS})
    return bytes(HTML(string=html).write_pdf())


def _cell(count: int) -> str:
    return f"{count} st" if count else ""


def report_xlsx(report: QuarterlyReport) -> bytes:
    view = report_view(report)
    sheets = []
    for section, _title, rows in view.sections:
        if section == 3:
            header = ["Beslutsdatum", "Typ av beslut", "Datum för verkställighet, avslut", "Utfall", "Lagrum"]
            body = [
                [
                    r.decision_date.isoformat(),
                    r.decision_type_name,
                    r.outcome_date.isoformat() if r.outcome_date else "",
                    OUTCOME_LABELS.get(r.outcome, ""),
                    r.legal_basis_label,
                ]
                for r in rows
            ]
        else:
            header = ["Beslutsdatum", "Typ av beslut", "Skäl till att beslutet ännu ej verkställts", "Lagrum"]
            body = [[r.decision_date.isoformat(), r.decision_type_name, r.reason, r.legal_basis_label] for r in rows]
        sheets.append(Sheet(f"Avsnitt {section}", header, body))
    stats = view.statistics
    sheets.append(
        Sheet(
            f"Statistik {stats.year}",
            ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"],
            [[row.label, *[_cell(c) for c in row.counts]] for row in stats.by_type],
        )
    )
    for summary in view.summaries:
        sheets.append(
            Sheet(
                f"Sammanställning {summary.year}",
                ["", *[q.replace("Q", " Q") for q in summary.quarters]],
                [[SUMMARY_ROWS[s], *summary.sections[s]] for s in (1, 2, 3)],
            )
        )
    return workbook_bytes(sheets)


# --- Tjänsteskrivelse ------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoFields:
    date: datetime.date
    officer: str
    officer_title: str
    diary_number: str


def memo_context(report: QuarterlyReport, fields: MemoFields) -> dict[str, Any]:
    duty = reporting_duty_on(report.as_of)
    municipality_short = report.municipality.name.replace(" kommun", "").replace(" stad", "")
    stats = year_tables(report.municipality, report.year, include=report if not report.is_submitted else None)
    return {
        "report": report,
        "fields": fields,
        "title": f"Ej verkställda beslut, kvartal {report.quarter} {report.year}",
        "duty_label": duty.label if duty else "gällande socialtjänstlag",
        "municipality_short": municipality_short,
        "statistics": stats,
        "statistics_rows": [(row.label, [_cell(c) for c in row.counts]) for row in stats.by_type],
        "proposal": (
            f"Socialnämnden noterar rapporteringen till IVO för kvartal {report.quarter} {report.year} "
            "och översänder rapporten till kommunfullmäktige och kommunens revisorer."
        ),
        "recipients": ["Kommunfullmäktige", "Kommunens revisorer"],
        "items": [
            "Gynnande beslut som ej verkställts inom tre månader från dagen för beslutet",
            "Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet",
            "Gynnande beslut som har verkställts (gäller endast revisorer och IVO)",
        ],
    }


def memo_docx(report: QuarterlyReport, fields: MemoFields) -> bytes:
    from docx import Document

    ctx = memo_context(report, fields)
    document = Document()
    document.add_paragraph(f"Datum: {fields.date.isoformat()}")
    document.add_paragraph(f"Handläggare: {fields.officer}")
    document.add_paragraph(f"Diarienr: {fields.diary_number}")
    document.add_paragraph("Socialnämnden")
    document.add_heading(ctx["title"], level=1)
    document.add_heading("Ärendebeskrivning", level=2)
    document.add_paragraph(
        "Socialnämnden ska kvartalsvis rapportera till kommunfullmäktige, till de revisorer som avses i "
        f"3 kap. 8 § kommunallagen samt till Inspektionen för vård och omsorg (IVO) enligt {ctx['duty_label']} om"
    )
    for item in ctx["items"]:
        document.add_paragraph(item, style="List Number")
    document.add_paragraph(
        "Rapporteringen till IVO sker som individrapporter med sekretessbelagda uppgifter enligt en nationellt "
        "fastställd standard."
    )
    document.add_heading(f"Statistik för kvartalen {report.year}", level=2)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"], strict=True
    ):
        cell.text = text
    for label, cells in ctx["statistics_rows"]:
        row = table.add_row().cells
        row[0].text = label
        for index, value in enumerate(cells, start=1):
            row[index].text = value
    document.add_heading("Ekonomisk bedömning", level=2)
    document.add_paragraph("Förslaget innebär inga ekonomiska konsekvenser.")
    document.add_heading("Förslag till beslut", level=2)
    document.add_paragraph(ctx["proposal"])
    document.add_heading("Beslutet ska skickas till", level=2)
    for recipient in ctx["recipients"]:
        document.add_paragraph(recipient)
    document.add_paragraph("")
    document.add_paragraph(f"{fields.officer}\n{fields.officer_title}".strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def memo_pdf(report: QuarterlyReport, fields: MemoFields) -> bytes:
    from weasyprint import HTML

    html = render_to_string("decisions/memo_print.html", memo_context(report, fields))
    return bytes(HTML(string=html).write_pdf())


# --- IVO's confidential individual data ------------------------------------------------------


@dataclass(frozen=True)
class IvoEntry:
    row: ReportRow
    birth_date: str
    sex: str
    interruption_date: str
    delay_reason: str
    consequences: str
    interim_support: str
    offers: str


IVO_HEADER = [
    "Födelsedatum",
    "Kön",
    "Typ av beslut",
    "Lagrum",
    "Beslutsdatum",
    "Datum för avbrott",
    "Skäl till dröjsmål",
    "Konsekvenser för den enskilde",
    "Annat stöd under väntetiden",
    "Erbjudanden (datum, tackat nej)",
    "Datum för verkställighet, avslut",
    "Avsnitt",
]


def ivo_entries(report: QuarterlyReport) -> list[IvoEntry]:
    """One entry per reported decision: birth date and sex, never the full personnummer."""
    from apps.people.selectors import identity_number_of

    rows = list(
        report.rows.select_related("decision__person__municipality", "decision__decision_type")
        .prefetch_related("decision__offers", "decision__events")
        .order_by("position")
    )
    entries = []
    for row in rows:
        decision: Decision = row.decision
        number = identity_number_of(decision.person)
        birth = f"{number[0:4]}-{number[4:6]}-{int(number[6:8]) % 60:02d}"
        interruption = row.episode_start.isoformat() if row.episode_kind == "interrupted" else ""
        offers = "; ".join(
            f"{offer.offered_on.isoformat()}{' (tackade nej)' if offer.declined else ''}"
            for offer in decision.offers.all()
        )
        reason_label = decision.get_delay_reason_display() if decision.delay_reason else ""
        reason = " – ".join(part for part in (reason_label, decision.delay_reason_text) if part)
        entries.append(
            IvoEntry(
                row=row,
                birth_date=birth,
                sex="Kvinna" if decision.person.legal_sex == "female" else "Man",
                interruption_date=interruption,
                delay_reason=reason,
                consequences=decision.consequences,
                interim_support=decision.interim_support,
                offers=offers,
            )
        )
    return entries


def ivo_xlsx(report: QuarterlyReport) -> bytes:
    body: list[list[Value]] = [
        [
            e.birth_date,
            e.sex,
            e.row.decision_type_name,
            e.row.legal_basis_label,
            e.row.decision_date.isoformat(),
            e.interruption_date,
            e.delay_reason,
            e.consequences,
            e.interim_support,
            e.offers,
            e.row.outcome_date.isoformat() if e.row.outcome_date else "",
            e.row.section,
        ]
        for e in ivo_entries(report)
    ]
    return workbook_bytes([Sheet("Individuppgifter IVO", IVO_HEADER, body)])


def quarter_of(report: QuarterlyReport) -> Quarter:
    return Quarter(report.year, report.quarter)

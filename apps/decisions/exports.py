"""The report to the nämnd, KF and the auditors in every format: JSON, HTML, PDF and XLSX. The
tjänsteskrivelse and the protokollsutdrag are in memo.py and minutes.py, IVO's individual data
in ivo.py, the council's statistics table in council.py.

The report's page speaks the reader's language; the PDF and the XLSX are documents to the nämnd,
KF and the auditors, so they are always Swedish (the Language Act 10 §): view_pdf and view_xlsx
build them under translation.override("sv"), and the XLSX keeps the seed's Swedish headers."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.organisations.models import Organisation
from lib.nonexecution import CATEGORY_ORDER, Category, Section
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .council import CouncilTable, council_json, report_council_table
from .models import CommitteeSettings, QuarterlyReport, ReportRow, ReportStatus
from .selectors import YearTables, reporting_duty_on, year_tables

SECTION_TITLES = {
    1: gettext_lazy("1. Gynnande beslut som ej verkställts inom tre månader från dagen för beslut"),
    2: gettext_lazy("2. Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet"),
    3: gettext_lazy("3. Beslut som tidigare rapporterats som ej verkställt och som nu verkställts eller avslutats"),
}
SUMMARY_ROWS = {
    1: gettext_lazy("Gynnande beslut som ej verkställts inom tre månader från dagen för beslut"),
    2: gettext_lazy("Gynnande beslut som avbrutits och ej verkställts inom tre månader från dagen för avbrottet"),
    3: gettext_lazy("Beslut som tidigare rapporterats som ej verkställt och som nu verkställts eller avslutats"),
}


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
        "council_statistics": council_json(report_council_table(report)),
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
        "reported": tables.reported,
        "by_type": [
            {"decision_type": row.decision_type, "category": row.category.value, "counts": row.counts}
            for row in tables.by_type
        ],
    }


@dataclass(frozen=True)
class ReportView:
    report: QuarterlyReport
    sections: list[tuple[int, StrOrPromise, list[ReportRow]]]
    statistics: YearTables
    summaries: list[YearTables]
    committee_name: str
    council: CouncilTable
    committee: str = "Socialnämnden"  # i18n: data (the nämnd, under the municipality at the top of the report)
    preview: bool = False
    duty_label: StrOrPromise = field(default="")

    @property
    def title(self) -> str:
        return _("Ej verkställda beslut, kvartal %(quarter)s %(year)s") % {
            "quarter": self.report.quarter,
            "year": self.report.year,
        }

    @property
    def council_title(self) -> str:
        return _("Statistikrapport till kommunfullmäktige, kvartal %(quarter)s %(year)s") % {
            "quarter": self.report.quarter,
            "year": self.report.year,
        }


def committee_settings_of(municipality: Organisation) -> CommitteeSettings:
    """The nämnd's data, or the defaults when its registrar has not filled them in."""
    found = CommitteeSettings.objects.filter(municipality=municipality).first()
    return found if found is not None else CommitteeSettings(municipality=municipality)


def committee_name(municipality: Organisation) -> str:
    return f"{municipality.name} - {committee_settings_of(municipality).committee_name.lower()}"


def duty_label(day: datetime.date) -> StrOrPromise:
    duty = reporting_duty_on(day)
    # Lazy: the page shows it in the reader's language, the PDF (built under override) in Swedish.
    return duty.label if duty else gettext_lazy("gällande socialtjänstlag")


def build_view(
    report: QuarterlyReport,
    rows: list[ReportRow],
    this_year: YearTables,
    council: CouncilTable,
    *,
    preview: bool = False,
) -> ReportView:
    settings = committee_settings_of(report.municipality)
    return ReportView(
        report=report,
        sections=[(s, SECTION_TITLES[s], [r for r in rows if r.section == s]) for s in (1, 2, 3)],
        statistics=this_year,
        summaries=[year_tables(report.municipality, report.year - 1), this_year],
        committee_name=committee_name(report.municipality),
        council=council,
        committee=settings.committee_name,
        preview=preview,
        duty_label=duty_label(report.as_of),
    )


def report_view(report: QuarterlyReport) -> ReportView:
    include = report if report.status == ReportStatus.DRAFT else None
    this_year = year_tables(report.municipality, report.year, include=include)
    return build_view(report, _rows(report), this_year, report_council_table(report))


def report_pdf(report: QuarterlyReport, user: Any = None) -> bytes:
    """`user`: who downloads it, the letterhead's handläggare (none from the command line)."""
    return view_pdf(report_view(report), user)


def view_pdf(view: ReportView, user: Any = None) -> bytes:
    from weasyprint import HTML

    with translation.override("sv"):
        html = render_to_string(
            "decisions/report_print.html", {"view": view, "summary_rows": SUMMARY_ROWS, "handlaggare": user}
        )
    return bytes(HTML(string=html).write_pdf())


def count_cell(count: int) -> str:
    return f"{count} st" if count else ""


def council_sheet(council: CouncilTable, title: str) -> Sheet:
    """The council's table as one sheet: a row per type and section, each section's sum, the note."""
    body: list[list[Value]] = []
    for section in council.sections:
        body.append([section.title, None, None, None, None])
        for row in section.rows:
            body.append([row.decision_type, row.shown_women, row.shown_men, row.total, row.days_text])
        if not section.rows:
            body.append(["Inga beslut.", None, None, None, None])  # i18n: data
        body.append(["Summa", section.shown_women, section.shown_men, section.total, None])
    body.append([council.note, None, None, None, None])
    header = ["Typ av beslut", "Kvinnor", "Män", "Totalt", "Dagar sedan beslutet eller avbrottet"]  # i18n: data
    return Sheet(title, header, body)


def report_xlsx(report: QuarterlyReport) -> bytes:
    return view_xlsx(report_view(report))


def view_xlsx(view: ReportView) -> bytes:
    """The seed's tables in Swedish, whatever the user's language: a document to the authorities."""
    with translation.override("sv"):
        return _view_xlsx(view)


def _view_xlsx(view: ReportView) -> bytes:
    sheets = []
    for section, _title, rows in view.sections:
        if section == 3:
            # The seed's columns: the distinction executed / ended is in the statistics table.
            header = ["Beslutsdatum", "Typ av beslut", "Datum för verkställighet, avslut", "Lagrum"]  # i18n: data
            body = [
                [
                    r.decision_date.isoformat(),
                    r.decision_type_name,
                    r.outcome_date.isoformat() if r.outcome_date else "",
                    r.legal_basis_label,
                ]
                for r in rows
            ]
        else:
            header = [
                "Beslutsdatum",
                "Typ av beslut",  # i18n: data
                "Skäl till att beslutet ännu ej verkställts",  # i18n: data
                "Lagrum",
            ]
            body = [[r.decision_date.isoformat(), r.decision_type_name, r.reason, r.legal_basis_label] for r in rows]
        sheets.append(Sheet(f"Avsnitt {section}", header, body))  # i18n: data
    stats = view.statistics
    sheets.append(
        Sheet(
            f"Statistik {stats.year}",
            ["Typ av beslut", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"],  # i18n: data
            [[row.label, *[count_cell(c) for c in row.counts]] for row in stats.by_type],
        )
    )
    for summary in view.summaries:
        sheets.append(
            Sheet(
                f"Sammanställning {summary.year}",  # i18n: data
                ["", *[q.replace("Q", " Q") for q in summary.quarters]],
                [[str(SUMMARY_ROWS[s]), *counts] for s, counts in summary.summary_rows],
            )
        )
    sheets.append(council_sheet(view.council, "Statistikrapport KF"))  # i18n: data
    return workbook_bytes(sheets)

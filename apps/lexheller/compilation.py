"""The compilation per period: reports by involved authority and status, for BUG and the board."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.organisations.models import Organisation
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .models import BugMeeting, Report, ReportStatus
from .selectors import authority_choices

STATUSES = list(ReportStatus)


@dataclass
class Compilation:
    start: datetime.date
    end: datetime.date
    authorities: list[Organisation]
    counts: dict[tuple[int, str], int]
    reports: list[Report]

    def row(self, authority: Organisation) -> list[int]:
        return [self.counts.get((authority.pk, s.value), 0) for s in STATUSES]

    @property
    def rows(self) -> list[tuple[Organisation, list[int], int]]:
        return [(a, self.row(a), sum(self.row(a))) for a in self.authorities]

    @property
    def status_totals(self) -> list[int]:
        """Reports per status (a report counts once here, though it may involve several authorities)."""
        counter = Counter(r.status for r in self.reports)
        return [counter.get(s.value, 0) for s in STATUSES]


def compile_reports(*, forbund: Organisation, start: datetime.date, end: datetime.date) -> Compilation:
    reports = list(
        Report.objects.filter(forbund=forbund, incident_date__range=(start, end))
        .select_related("reporting_organisation", "meeting")
        .prefetch_related("authorities")
        .order_by("incident_date", "number")
    )
    counts: Counter[tuple[int, str]] = Counter()
    for report in reports:
        for authority in report.authorities.all():
            counts[(authority.pk, report.status)] += 1
    return Compilation(start, end, list(authority_choices(forbund)), dict(counts), reports)


def compilation_xlsx(compilation: Compilation) -> bytes:
    header = [_("Inblandad myndighet"), *[str(s.label) for s in STATUSES], _("Totalt")]
    rows: list[list[Value]] = [[a.name, *counts, total] for a, counts, total in compilation.rows]
    rows.append([_("Antal rapporter"), *compilation.status_totals, len(compilation.reports)])
    listing: list[list[Value]] = [
        [
            r.number,
            r.incident_date.isoformat(),
            r.title,
            r.reporting_organisation.name,
            ", ".join(a.name for a in r.authorities.all()),
            str(ReportStatus(r.status).label),
            r.meeting.date.isoformat() if r.meeting else "",
        ]
        for r in compilation.reports
    ]
    return workbook_bytes(
        [
            Sheet(_("Per myndighet och status"), header, rows),
            Sheet(
                _("Rapporter"),
                [
                    _("Nummer"),
                    _("Datum"),
                    _("Rubrik"),
                    _("Rapporterande organisation"),
                    _("Inblandade"),
                    _("Status"),
                    _("BUG-möte"),
                ],
                listing,
            ),
        ]
    )


def agenda_pdf(meeting: BugMeeting, user: Any = None) -> bytes:
    from weasyprint import HTML

    reports = (
        meeting.reports.select_related("reporting_organisation").prefetch_related("authorities").order_by("number")
    )
    html = render_to_string(
        "lexheller/agenda_print.html", {"meeting": meeting, "reports": reports, "handlaggare": user}
    )
    return bytes(HTML(string=html).write_pdf())

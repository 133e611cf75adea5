"""A preview of the running quarter's report as of today: what the report would hold if nothing
happened before the quarter ends. Computed, never stored, so it can never be submitted; the
report itself can only be made once the quarter has ended (services.report_prepare)."""

from __future__ import annotations

import datetime

from apps.organisations.models import Organisation
from lib.quarters import Quarter

from .computation import compute_report, report_row_from
from .council import CouncilItem, council_table, published_history
from .exports import ReportView, build_view
from .models import QuarterlyReport, ReportStatus
from .selectors import year_tables


def preview_view(municipality: Organisation, today: datetime.date) -> ReportView:
    quarter = Quarter.containing(today)
    # An unsaved report: the view's templates read it, nothing else ever sees it.
    report = QuarterlyReport(
        municipality=municipality,
        year=quarter.year,
        quarter=quarter.number,
        as_of=today,
        status=ReportStatus.DRAFT,
    )
    computed = compute_report(municipality, quarter, today, preview=True)
    rows = []
    for position, item in enumerate(computed, start=1):
        row = report_row_from(item, position)
        if item.row.deadline_ahead(today):
            # Shown beside the row: it is listed only if not executed by then.
            row.deadline_note = item.row.episode.deadline.isoformat()  # type: ignore[attr-defined]
        rows.append(row)
    this_year = year_tables(
        municipality,
        quarter.year,
        extra=[
            (quarter.number, r.decision_type_name, r.category, r.first_reported_index, r.decision_date, r.section)
            for r in rows
        ],
    )
    council = council_table(
        [
            CouncilItem(
                item.decision.decision_type_name,
                item.row.section,
                item.decision.legal_sex,
                item.row.days_waited(today),
                (item.decision.pk, item.row.episode.start.isoformat()),
            )
            for item in computed
            if item.row.section != 3
        ],
        as_of=today,
        history=published_history(municipality, before=(quarter.year, quarter.number)),
    )
    return build_view(report, rows, this_year, council, preview=True)

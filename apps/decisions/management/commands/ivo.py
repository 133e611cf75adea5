from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.decisions import exports, ivo
from apps.decisions.management.commands.decisions import municipality_by_slug
from apps.decisions.models import QuarterlyReport, ReportStatus
from apps.decisions.services import report_prepare, report_submit
from apps.jobs.models import JobKind, JobState
from apps.jobs.services import job_start
from insyn.errors import InsynError
from lib.quarters import Quarter
from lib.swedish import quoted


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{quoted(text)} är inte ett datum på formen ÅÅÅÅ-MM-DD.") from exc


class Command(BaseCommand):
    help = "Rapportering av ej verkställda beslut: report, summary, individual, remind."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="Ta fram (och lämna in) kvartalsrapporten.")
        report.add_argument("--municipality", required=True)
        report.add_argument("--quarter", required=True, help="ÅÅÅÅQn, t.ex. 2022Q4")
        report.add_argument("--as-of", required=True, help="Rapporteringstillfälle ÅÅÅÅ-MM-DD")
        report.add_argument("--submit", action="store_true", help="Lämna in (frys) rapporten.")
        report.add_argument("--format", choices=["json", "html", "pdf", "xlsx"], default="json")
        report.add_argument("--output", help="Fil att skriva till (annars standard ut).")
        summary = sub.add_parser("summary", help="Sammanställning för ett år ur inlämnade rapporter.")
        summary.add_argument("--municipality", required=True)
        summary.add_argument("--year", required=True, type=int)
        summary.add_argument("--format", choices=["json"], default="json")
        individual = sub.add_parser(
            "individual", help="IVO:s individuppgifter ur kvartalets rapport, fält för fält som i e-tjänsten."
        )
        individual.add_argument("--municipality", required=True)
        individual.add_argument("--quarter", required=True, help="ÅÅÅÅQn, t.ex. 2022Q4")
        individual.add_argument("--format", choices=["json", "xlsx"], default="json")
        individual.add_argument("--output", help="Fil att skriva till (annars standard ut).")
        remind = sub.add_parser("remind", help="E-post till registratorer om tidsgränser och IVO:s fönster (för cron).")
        remind.add_argument("--date", help="Dagens datum (för test), ÅÅÅÅ-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except InsynError as exc:
            details = " ".join(message for messages in exc.fields.values() for message in messages)
            raise CommandError(f"{exc.message} {details}".strip()) from exc

    def _report(self, options: dict[str, Any]) -> None:
        municipality = municipality_by_slug(options["municipality"])
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        as_of = _date(options["as_of"])
        report = QuarterlyReport.objects.filter(
            municipality=municipality, year=quarter.year, quarter=quarter.number
        ).first()
        if report is None or report.status == ReportStatus.DRAFT:
            report = report_prepare(actor=None, municipality=municipality, quarter=quarter, as_of=as_of)
            if options["submit"]:
                report = report_submit(actor=None, report=report)
        elif options["submit"]:
            raise CommandError(f"Rapporten för {quarter} är redan inlämnad ({report.submitted_at:%Y-%m-%d}).")
        elif report.as_of != as_of:
            self.stderr.write(
                f"Obs: rapporten för {quarter} är inlämnad med rapporteringstillfälle {report.as_of}; "
                "den visas som den är."
            )
        fmt = options["format"]
        if fmt == "json":
            content = (json.dumps(exports.report_json(report), ensure_ascii=False, indent=2) + "\n").encode()
        elif fmt == "html":
            view = exports.report_view(report)
            with translation.override("sv"):  # a document to the nämnd, KF and the auditors: Swedish
                content = render_to_string(
                    "decisions/report_print.html", {"view": view, "summary_rows": exports.SUMMARY_ROWS}
                ).encode()
        elif fmt == "pdf":
            content = exports.report_pdf(report)
        else:
            content = exports.report_xlsx(report)
        self._write(content, options.get("output"), binary=fmt in {"pdf", "xlsx"})

    def _summary(self, options: dict[str, Any]) -> None:
        municipality = municipality_by_slug(options["municipality"])
        data = exports.summary_json(municipality, options["year"])
        self._write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode(), None, binary=False)

    def _individual(self, options: dict[str, Any]) -> None:
        municipality = municipality_by_slug(options["municipality"])
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = QuarterlyReport.objects.filter(
            municipality=municipality, year=quarter.year, quarter=quarter.number
        ).first()
        if report is None:
            raise CommandError(
                f"Det finns ingen rapport för {quarter} i {municipality.name}; ta fram den först med insyn ivo report."
            )
        people = [row.decision.person for row in report.rows.select_related("decision__person__municipality")]
        ivo.ivo_codes_assign(municipality=municipality, people=people)
        reports = ivo.ivo_reports(report)
        audit_record(
            actor=None,
            action=AuditAction.IVO_INDIVIDUAL_EXPORT,
            object_type="quarterly_report",
            object_id=str(report.pk),
            municipality_slug=municipality.slug,
            details={"codes": sorted({r.row.decision.person.code for r in reports}), "format": options["format"]},
        )
        if options["format"] == "json":
            content = (json.dumps(ivo.ivo_json(report), ensure_ascii=False, indent=2) + "\n").encode()
            self._write(content, options.get("output"), binary=False)
        else:
            self._write(ivo.ivo_xlsx(report), options.get("output"), binary=True)

    def _write(self, content: bytes, output: str | None, *, binary: bool) -> None:
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"Skrev {output}.")
        elif not binary:
            self.stdout.write(content.decode(), ending="")
        elif sys.stdout.isatty():
            raise CommandError("PDF och XLSX skrivs inte till terminalen; ange --output FIL.")
        else:
            sys.stdout.buffer.write(content)

    def _remind(self, options: dict[str, Any]) -> None:
        today = _date(options["date"]) if options.get("date") else timezone.localdate()
        job = job_start(actor=None, kind=JobKind.IVO_REMIND, arguments={"date": today.isoformat()})
        if job.state == JobState.DONE:
            self.stdout.write(f"{job.result['sent']} påminnelser skickade.")
        elif job.state == JobState.FAILED:
            raise CommandError(job.error)
        else:
            self.stdout.write(f"Påminnelserna skickas av jobb {job.pk} (insyn db_worker eller rqworker).")

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.activera import exports
from apps.activera.deliveries import preview_content
from apps.activera.reports import monthly_referrals
from apps.activera.services import programme_load
from apps.organisations.models import Organisation, OrganisationKind
from lib.swedish import quoted


def _municipality(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug, kind=OrganisationKind.MUNICIPALITY)
    except Organisation.DoesNotExist as exc:
        raise CommandError(f"Det finns ingen kommun med kortnamnet {quoted(slug)}.") from exc


class Command(BaseCommand):
    help = "Deltagaruppföljning: load (programmet), import, violence questions|import, report monthly|interim|annual."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Läs in programmet (regler, kriterier, indikatorer, enheter). Idempotent.")
        load.add_argument("name", help="t.ex. insjoriket")
        importer = sub.add_parser("import", help="Importera anmälningar och inskrivningar från CSV eller XLSX.")
        importer.add_argument("--municipality", required=True)
        importer.add_argument("file")
        violence = sub.add_parser("violence", help="Frågor om våld: anonyma pappersformulär i omgångar.")
        violence_sub = violence.add_subparsers(dest="violence_action", required=True)
        violence_sub.add_parser("questions", help="Skriv ut frågornas nycklar (filens kolumner), en per rad.")
        batch = violence_sub.add_parser("import", help="Registrera en omgång formulär från CSV eller XLSX.")
        batch.add_argument("--unit", required=True, help="utförarens kortnamn, t.ex. alingsas-activera")
        batch.add_argument("--year", required=True, type=int, help="ÅÅÅÅ")
        batch.add_argument("--tertial", required=True, type=int, choices=[1, 2, 3])
        batch.add_argument("file")
        report = sub.add_parser(
            "report",
            help="Leveranser till förbundet: en kommuns egna antal (--municipality) eller det som publicerats "
            "för förbundet (--forbund).",
        )
        report.add_argument("kind", choices=["monthly", "tertial", "interim", "annual"])
        scope = report.add_mutually_exclusive_group(required=True)
        scope.add_argument("--municipality")
        scope.add_argument("--forbund")
        report.add_argument("--month", help="ÅÅÅÅ-MM (monthly; i stället för --year och --period)")
        report.add_argument("--year", type=int, help="ÅÅÅÅ")
        report.add_argument("--period", type=int, help="Månad 1–12 (monthly) eller tertial 1–3 (tertial)")
        report.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        report.add_argument("--output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                programme = programme_load(name=options["name"])
            except (FileNotFoundError, Organisation.DoesNotExist) as exc:
                raise CommandError(
                    f"Kunde inte läsa in {quoted(options['name'])}: läs in förbundet först (insyn org load)."
                ) from exc
            self.stdout.write(f"Programmet {programme.name} är inläst.")
            return
        if options["action"] == "import":
            self._import(options)
            return
        if options["action"] == "violence":
            self._violence(options)
            return
        self._report(options)

    def _report(self, options: dict[str, Any]) -> None:
        from apps.activera.deliveries import content_csv, parse_period
        from insyn.errors import InsynError

        kind, fmt = options["kind"], options["format"]
        year, period = options["year"], options["period"]
        if options["month"]:
            if kind != "monthly":
                raise CommandError("--month gäller bara monthly; ange --year (och --period) för övriga.")
            try:
                year, period = (int(part) for part in options["month"].split("-"))
                if not 1 <= period <= 12:
                    raise ValueError
            except ValueError as exc:
                raise CommandError(f"Ange månaden som ÅÅÅÅ-MM (fick {quoted(options['month'])}).") from exc
        if year is None:
            raise CommandError(f"{kind} kräver --year ÅÅÅÅ" + (" eller --month ÅÅÅÅ-MM." if kind == "monthly" else "."))
        try:
            kind, year, period = parse_period(kind, str(year), str(period or 0))
        except InsynError as exc:
            raise CommandError(exc.message + " " + " ".join(m for ms in exc.fields.values() for m in ms)) from exc
        if options["municipality"]:
            # The municipality's own counts, every one: for use inside the municipality.
            municipality = _municipality(options["municipality"])
            units = exports.units_of(municipality)
            if not units:
                raise CommandError(f"{municipality.name} har ingen utförare i programmet.")
            if kind == "monthly" and fmt == "json":
                # The documented monthly JSON (README): totals by gender and party, and every cell.
                data = {"municipality": municipality.slug, **monthly_referrals(units, year, period)}
                self._write(json.dumps(data, ensure_ascii=False, indent=2).encode(), options, binary=False)
                return
            content = preview_content(units[0], kind, year, period)
            writers = {
                "json": lambda: json.dumps(content, ensure_ascii=False, indent=2).encode(),
                "csv": lambda: content_csv(content),
                "xlsx": lambda: exports.content_xlsx(content),
                "pdf": lambda: exports.content_pdf(content),
            }
            self._write(writers[fmt](), options, binary=fmt in ("xlsx", "pdf"))
            return
        try:
            forbund = exports.forbund_of_slug(options["forbund"])
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"Det finns inget förbund {quoted(options['forbund'])}.") from exc
        # What the förbund has: the released deliveries and its sum, as on its pages.
        data = exports.period_report(forbund=forbund, kind=kind, year=year, period=period)
        report_writers = {
            "json": lambda: json.dumps(data, ensure_ascii=False, indent=2).encode(),
            "csv": lambda: exports.report_csv(data),
            "xlsx": lambda: exports.report_xlsx(data),
            "pdf": lambda: exports.report_pdf(data),
        }
        self._write(report_writers[fmt](), options, binary=fmt in ("xlsx", "pdf"))

    def _import(self, options: dict[str, Any]) -> None:
        from apps.activera.services import participants_import
        from insyn.errors import ImportFailed, InsynError

        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            result = participants_import(
                actor=None,
                municipality=_municipality(options["municipality"]),
                filename=path.name,
                data=path.read_bytes(),
            )
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from exc
        except InsynError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.referrals} anmälningar, {result.enrolments} inskrivningar och {result.exits} avslut importerades."
        )

    def _violence(self, options: dict[str, Any]) -> None:
        from apps.activera.models import Programme, ProgrammeUnit
        from apps.activera.violence import tertial_label, violence_batch_import, violence_question_codes
        from insyn.errors import ImportFailed, InsynError

        if options["violence_action"] == "questions":
            programme = Programme.objects.order_by("pk").first()
            if programme is None:
                raise CommandError("Inget program är inläst (insyn activera load).")
            for code in violence_question_codes(programme):
                self.stdout.write(code)
            return
        try:
            unit = ProgrammeUnit.objects.select_related("programme", "unit__parent").get(unit__slug=options["unit"])
        except ProgrammeUnit.DoesNotExist as exc:
            raise CommandError(
                f"Det finns ingen utförare i programmet med kortnamnet {quoted(options['unit'])}."
            ) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            result = violence_batch_import(
                actor=None,
                programme_unit=unit,
                year=options["year"],
                tertial=options["tertial"],
                filename=path.name,
                data=path.read_bytes(),
            )
        except ImportFailed as exc:
            raise CommandError("\n".join([exc.message, *(str(problem) for problem in exc.problems)])) from exc
        except InsynError as exc:
            details = [m for messages in exc.fields.values() for m in messages if m != exc.message]
            raise CommandError("\n".join([exc.message, *details])) from exc
        self.stderr.write(
            f"{result.forms} formulär registrerades för {unit.unit.name}, "
            f"{tertial_label(result.year, result.tertial)}. Tertialen har nu {result.tertial_forms} formulär."
        )

    def _write(self, content: bytes, options: dict[str, Any], *, binary: bool) -> None:
        if options.get("output"):
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"Skrev {options['output']}.")
        elif not binary:
            self.stdout.write(content.decode())
        elif sys.stdout.isatty():
            raise CommandError("XLSX och PDF skrivs inte till terminalen; ange --output FIL.")
        else:
            sys.stdout.buffer.write(content)

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.activera import exports
from apps.activera.reports import monthly_referrals
from apps.activera.services import programme_load
from apps.organisations.models import Organisation, OrganisationKind


def _municipality(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug, kind=OrganisationKind.MUNICIPALITY)
    except Organisation.DoesNotExist as exc:
        raise CommandError(f"Det finns ingen kommun med kortnamnet {slug!r}.") from exc


class Command(BaseCommand):
    help = "Deltagaruppföljning: load (programmet), report monthly|interim|annual."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Läs in programmet (regler, kriterier, indikatorer, enheter). Idempotent.")
        load.add_argument("name", help="t.ex. insjoriket")
        importer = sub.add_parser("import", help="Importera anmälningar och inskrivningar från CSV eller XLSX.")
        importer.add_argument("--municipality", required=True)
        importer.add_argument("file")
        report = sub.add_parser("report", help="Leveranser till förbundet.")
        report.add_argument("kind", choices=["monthly", "interim", "annual"])
        scope = report.add_mutually_exclusive_group(required=True)
        scope.add_argument("--municipality")
        scope.add_argument("--forbund")
        report.add_argument("--month", help="ÅÅÅÅ-MM (monthly)")
        report.add_argument("--year", type=int, help="ÅÅÅÅ (interim, annual)")
        report.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        report.add_argument("--output")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                programme = programme_load(name=options["name"])
            except (FileNotFoundError, Organisation.DoesNotExist) as exc:
                raise CommandError(
                    f"Kunde inte läsa in {options['name']!r}: läs in förbundet först (insyn org load)."
                ) from exc
            self.stdout.write(f"Programmet {programme.name} är inläst.")
            return
        if options["action"] == "import":
            self._import(options)
            return
        kind = options["kind"]
        if kind == "monthly":
            if not options["municipality"] or not options["month"]:
                raise CommandError("monthly kräver --municipality och --month ÅÅÅÅ-MM.")
            try:
                year, month = (int(part) for part in options["month"].split("-"))
                if not 1 <= month <= 12:
                    raise ValueError
            except ValueError as exc:
                raise CommandError(f"Ange månaden som ÅÅÅÅ-MM (fick {options['month']!r}).") from exc
            municipality = _municipality(options["municipality"])
            data = {"municipality": municipality.slug, **monthly_referrals(exports.units_of(municipality), year, month)}
            self._write(json.dumps(data, ensure_ascii=False, indent=2).encode(), options, binary=False)
            return
        if not options["year"]:
            raise CommandError(f"{kind} kräver --year ÅÅÅÅ.")
        if options["municipality"]:
            data = exports.period_report(
                kind=kind, year=options["year"], municipality=_municipality(options["municipality"])
            )
        else:
            try:
                forbund = exports.forbund_of_slug(options["forbund"])
            except Organisation.DoesNotExist as exc:
                raise CommandError(f"Det finns inget förbund {options['forbund']!r}.") from exc
            data = exports.period_report(kind=kind, year=options["year"], forbund=forbund)
        if options["format"] == "json":
            self._write(json.dumps(data, ensure_ascii=False, indent=2).encode(), options, binary=False)
        elif options["format"] == "xlsx":
            self._write(exports.period_xlsx(data), options, binary=True)
        else:
            self._write(exports.period_pdf(data), options, binary=True)

    def _import(self, options: dict[str, Any]) -> None:
        from apps.activera.services import participants_import
        from apps.decisions.services import ImportFailed
        from insyn.errors import InsynError

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

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insyn.errors import ImportFailed, InsynError

from ...document import document_of
from ...models import Period, YearReport
from ...services.common import namnd_by_slug
from ...services.imports import KINDS, figures_import

FORMATS = ("json", "docx", "pdf")


def _read(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"Filen {path} finns inte.")
    return path.name, path.read_bytes()


class Command(BaseCommand):
    help = (
        "Nämndens årsbokslut och delårsbokslut: `insyn yearend import economy|investments|prognoses|staff|"
        "sickleave --namnd SLUG FIL [--interim]`, `insyn yearend kolada import --namnd SLUG FIL`, "
        "`insyn yearend report --namnd SLUG --year ÅR [--interim] --format json|docx|pdf [--output FIL]`, "
        "`insyn yearend compute --namnd SLUG --year ÅR`, `insyn yearend load-example alingsas-2022`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser(
            "import", help="Läs in ekonomi- eller personaluppgifter (CSV eller XLSX), allt eller inget."
        )
        importer.add_argument("kind", choices=sorted(KINDS))
        importer.add_argument("--namnd", required=True)
        importer.add_argument("--interim", action="store_true", help="Uppgifterna avser januari–augusti.")
        importer.add_argument("file")
        kolada = sub.add_parser("kolada", help="Läs in nyckeltal från en fil i Koladas format (API v2, JSON).")
        kolada.add_argument("kolada_action", choices=["import"])
        kolada.add_argument("--namnd", required=True)
        kolada.add_argument("--kommunkod", help="Kommunkoden i filen, om Insyn inte redan känner kommunens.")
        kolada.add_argument("file")
        compute = sub.add_parser("compute", help="Räkna om nyckeltalen som hämtas ur Insyns egna uppgifter.")
        compute.add_argument("--namnd", required=True)
        compute.add_argument("--year", type=int, required=True)
        report = sub.add_parser("report", help="Ta fram årsbokslutet eller delårsbokslutet.")
        report.add_argument("--namnd", required=True)
        report.add_argument("--year", type=int, required=True)
        report.add_argument("--interim", action="store_true")
        report.add_argument("--format", choices=FORMATS, default="json")
        report.add_argument("--output", help="Fil att skriva till (annars standard ut).")
        example = sub.add_parser("load-example", help="Läs in ett exempel (seed 002: alingsas-2022).")
        example.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from exc
        except InsynError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, options: dict[str, Any]) -> None:
        namnd = namnd_by_slug(options["namnd"])
        filename, data = _read(options["file"])
        period = Period.INTERIM if options["interim"] else Period.ANNUAL
        result = figures_import(
            actor=None, namnd=namnd, kind=options["kind"], filename=filename, data=data, period=period
        )
        years = ", ".join(str(year) for year in result.years)
        self.stdout.write(f"{result.rows} rader {KINDS[result.kind].label} lästes in för {namnd.name} ({years}).")

    def _kolada(self, options: dict[str, Any]) -> None:
        from ...services.kolada import kolada_import

        namnd = namnd_by_slug(options["namnd"])
        _, data = _read(options["file"])
        result = kolada_import(actor=None, namnd=namnd, data=data, kommunkod=options["kommunkod"])
        self.stdout.write(result.summary())

    def _compute(self, options: dict[str, Any]) -> None:
        from ...computed import computed_values_refresh

        namnd = namnd_by_slug(options["namnd"])
        written = computed_values_refresh(namnd=namnd, year=options["year"])
        self.stdout.write(f"{written} beräknade utfall skrevs för {namnd.name}.")

    def _report(self, options: dict[str, Any]) -> None:
        namnd = namnd_by_slug(options["namnd"])
        period = Period.INTERIM if options["interim"] else Period.ANNUAL
        report = YearReport.objects.filter(namnd=namnd, year=options["year"], period=period).first()
        if report is None:
            raise CommandError(
                f"{namnd.name} har inget {Period(period).label.lower()} för {options['year']}; skapa det på sidan "
                "Årsbokslut eller läs in ett exempel."
            )
        document = document_of(report)
        fmt = options["format"]
        content: bytes
        if fmt == "json":
            content = json.dumps(document.as_json(), ensure_ascii=False, indent=2).encode() + b"\n"
        else:
            from ...documents import yearend_docx, yearend_pdf

            content = yearend_docx(document) if fmt == "docx" else yearend_pdf(document)
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stdout.write(f"{report} skrevs till {options['output']}.")
        elif fmt == "json":
            self.stdout.write(content.decode(), ending="")
        else:
            sys.stdout.buffer.write(content)

    def _load_example(self, options: dict[str, Any]) -> None:
        from ...example import load_example

        report = load_example(options["name"])
        self.stdout.write(f"Exemplet {options['name']} lästes in: {report}.")

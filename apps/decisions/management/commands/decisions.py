from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.decisions.services import decisions_import
from apps.organisations.models import Organisation, OrganisationKind
from insyn.errors import ImportFailed, InsynError
from lib.swedish import quoted


def municipality_by_slug(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug, kind=OrganisationKind.MUNICIPALITY)
    except Organisation.DoesNotExist as exc:
        raise CommandError(f"Det finns ingen kommun med kortnamnet {quoted(slug)}.") from exc


LISTED_UPDATES = 20


class Command(BaseCommand):
    help = "Beslutsregistret: `insyn decisions import --municipality SLUG FIL` (allt eller inget)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importer = sub.add_parser("import", help="Importera ett register från CSV eller XLSX.")
        importer.add_argument("--municipality", required=True)
        importer.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_by_slug(options["municipality"])
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Filen {path} finns inte.")
        try:
            with path.open("rb") as stream:
                result = decisions_import(actor=None, municipality=municipality, filename=path.name, data=stream)
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.message) from exc
        except InsynError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{len(result.created)} beslut lades till, {len(result.updated)} uppdaterades.")
        if result.updated:
            # A re-import of a whole register updates thousands: name the first few, count the rest.
            shown = result.updated[:LISTED_UPDATES]
            rest = len(result.updated) - len(shown)
            self.stdout.write("Uppdaterade: " + ", ".join(shown) + (f" … och {rest} till." if rest else ""))

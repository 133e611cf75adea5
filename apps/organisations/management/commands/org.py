from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.organisations.services import organisation_load_structure
from lib.swedish import quoted


class Command(BaseCommand):
    help = "Organisationsstruktur: `insyn org load insjoriket` läser in förbundet med kommuner och enheter."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Läs in ett förbunds struktur (idempotent).")
        load.add_argument("name", help="Förbundets datafil, t.ex. insjoriket")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                result = organisation_load_structure(name=options["name"])
            except FileNotFoundError as exc:
                raise CommandError(f"Det finns ingen struktur som heter {quoted(options['name'])}.") from exc
            self.stdout.write(f"Klart: {result.created} nya, {result.updated} uppdaterade organisationer.")

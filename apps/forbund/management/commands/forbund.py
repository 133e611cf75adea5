from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.forbund.reminders import reminders_send
from apps.forbund.services import budget_load
from insyn.errors import InsynError


class Command(BaseCommand):
    help = "Samordningsförbundets sida: remind (påminnelser om leveranser, för cron), load-budget."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="E-post om leveranser som snart ska lämnas eller är försenade.")
        remind.add_argument("--date", help="Dagens datum (för test), ÅÅÅÅ-MM-DD")
        load = sub.add_parser("load-budget", help="Läs in en budget som finns som data, t.ex. insjoriket-2023.")
        load.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            try:
                today = datetime.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
            except ValueError as exc:
                raise CommandError(f"{options['date']!r} är inte ett datum på formen ÅÅÅÅ-MM-DD.") from exc
            self.stdout.write(f"{reminders_send(today=today)} påminnelser skickade.")
        else:
            try:
                budget = budget_load(actor=None, name=options["name"])
            except InsynError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"Budget {budget.year} inläst för {budget.forbund.name}.")

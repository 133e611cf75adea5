from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.forbund.services import budget_load
from apps.jobs.models import JobKind, JobState
from apps.jobs.services import job_start
from insyn.errors import InsynError
from lib.swedish import quoted


class Command(BaseCommand):
    help = "Samordningsförbundets sida: remind (påminnelser om leveranser, för cron), load-budget."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="E-post om leveranser som snart ska lämnas eller är försenade.")
        remind.add_argument("--date", help="Dagens datum (för test), ÅÅÅÅ-MM-DD")
        load = sub.add_parser("load-budget", help="Läs in en budget som finns som data, t.ex. insjoriket-2023.")
        load.add_argument("name")
        threshold = sub.add_parser(
            "threshold", help="Förbundets minsta antal som visas utanför kommunen (utan värde: visa det)."
        )
        threshold.add_argument("forbund", help="t.ex. insjoriket")
        threshold.add_argument("value", nargs="?", help="2–50, eller 'standard' för INSYN_SUPPRESSION_THRESHOLD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            try:
                today = datetime.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
            except ValueError as exc:
                raise CommandError(f"{quoted(options['date'])} är inte ett datum på formen ÅÅÅÅ-MM-DD.") from exc
            job = job_start(actor=None, kind=JobKind.DELIVERY_REMIND, arguments={"date": today.isoformat()})
            if job.state == JobState.DONE:
                self.stdout.write(f"{job.result['sent']} påminnelser skickade.")
            elif job.state == JobState.FAILED:
                raise CommandError(job.error)
            else:
                self.stdout.write(f"Påminnelserna skickas av jobb {job.pk} (insyn db_worker eller rqworker).")
        elif options["action"] == "threshold":
            self._threshold(options)
        else:
            try:
                budget = budget_load(actor=None, name=options["name"])
            except InsynError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"Budget {budget.year} inläst för {budget.forbund.name}.")

    def _threshold(self, options: dict[str, Any]) -> None:
        from django.conf import settings

        from apps.forbund.services import forbund_threshold_set
        from apps.organisations.models import Organisation, OrganisationKind

        forbund = Organisation.objects.filter(slug=options["forbund"], kind=OrganisationKind.FORBUND).first()
        if forbund is None:
            raise CommandError(f"Det finns inget förbund {quoted(options['forbund'])}.")
        value = options["value"]
        if value is not None:
            if value == "standard":
                threshold = None
            elif value.isdigit():
                threshold = int(value)
            else:
                raise CommandError(f"{quoted(value)} är inget heltal; ange 2–50 eller 'standard'.")
            try:
                forbund = forbund_threshold_set(actor=None, forbund=forbund, threshold=threshold)
            except InsynError as exc:
                raise CommandError(exc.message) from exc
        own = forbund.suppression_threshold
        shown = own if own is not None else settings.INSYN_SUPPRESSION_THRESHOLD
        source = "förbundets egen" if own is not None else "INSYN_SUPPRESSION_THRESHOLD"
        self.stdout.write(f"{forbund.name}: minsta antal som visas är {shown} ({source}).")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit.services import audit_chain_extend, audit_chain_verify, parse_head

SHOWN = 100


class Command(BaseCommand):
    help = (
        "Händelseloggens kedja: `seal` länkar nya händelser och skriver ut kedjans huvud, "
        "`verify` kontrollerar hela loggen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "seal",
            help="Länka nya händelser i kedjan och skriv ut huvudet (för cron, t.ex. varje minut). "
            "Spara huvudet utanför databasen, t.ex. i syslog.",
        )
        verify = sub.add_parser(
            "verify",
            help="Länka nya händelser och räkna om varje kontrollsumma; skriver en rad per avvikelse "
            "och avslutar med felkod om något inte stämmer.",
        )
        verify.add_argument(
            "--head",
            help="Ett huvud som `insyn audit seal` skrev ut tidigare (länknummer:kontrollsumma); "
            "det måste finnas kvar i kedjan.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            head = audit_chain_extend()
            if head is None:
                self.stdout.write("Kedjan är tom: loggen har inga händelser ännu.")
            else:
                self.stdout.write(f"Kedjans huvud: {head} ({head.linked} nya länkar).")
            return
        if options["head"]:
            try:
                parse_head(options["head"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        result = audit_chain_verify(head=options["head"])
        for finding in result.findings[:SHOWN]:
            self.stdout.write(finding.message)
        if result.total > SHOWN:
            self.stdout.write(f"… och {result.total - SHOWN} avvikelser till.")
        if result.total:
            raise CommandError(f"Händelseloggen stämmer inte: {result.total} avvikelser (den första står överst).")
        head_text = f", huvud {result.head}" if result.head else ""
        checked = f"; huvudet {options['head']} finns i kedjan" if options["head"] else ""
        self.stdout.write(f"Händelseloggen stämmer: {result.links} länkar kontrollerade{head_text}{checked}.")

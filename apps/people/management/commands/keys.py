from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.people.services import people_rotate_keys
from lib import crypto


class Command(BaseCommand):
    help = "Krypteringsnycklar: `generate` skriver ut en ny nyckel, `rotate` krypterar om allt till den aktiva nyckeln."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="Skriv ut en ny slumpad nyckel (base64) för INSYN_ENCRYPTION_KEYS.")
        rotate = sub.add_parser(
            "rotate", help="Kryptera om alla personnummer som inte ligger under den aktiva nyckeln."
        )
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self.stdout.write(crypto.encode_key(crypto.new_key()))
            return
        count = people_rotate_keys(batch_size=options["batch_size"])
        self.stdout.write(f"{count} personnummer krypterades om.")

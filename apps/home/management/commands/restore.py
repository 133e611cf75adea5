from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.backup import BackupFailed, restore_database, table_counts


class Command(BaseCommand):
    help = "Ersätter databasens innehåll med en säkerhetskopia från `insyn backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Säkerhetskopian som läses tillbaka.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Bekräfta att allt som finns i databasen nu ersätts av säkerhetskopian.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        before = sum(table_counts().values())
        if before and not options["yes"]:
            raise CommandError(
                f"Databasen innehåller {before} rader som ersätts av säkerhetskopian. "
                "Kör igen med --yes för att bekräfta."
            )
        try:
            restore_database(source)
        except BackupFailed as exc:
            raise CommandError(exc.message) from exc
        counts = table_counts()
        with transaction.atomic():
            audit_record(
                actor=None,
                actor_username="insyn restore",
                action=AuditAction.BACKUP_RESTORE,
                object_type="database",
                object_id=source.name,
                details={"rows": sum(counts.values()), "tables": len(counts), "rows_before": before},
            )
        self.stdout.write(f"Återläst från {source}: {sum(counts.values())} rader i {len(counts)} tabeller.")

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.models import AuditAction
from apps.audit.services import audit_chain_extend, audit_record
from apps.core.backup import BackupFailed, backup_database, table_counts


class Command(BaseCommand):
    help = "Säkerhetskopierar hela databasen (PostgreSQL: pg_dump; SQLite: SQLites backup-API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="Filen som skrivs (standard: var/backups/insyn-ÅÅÅÅMMDD-TTMMSS.dump eller .sqlite3).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
        default = Path(settings.VAR_DIR) / "backups" / f"insyn-{timezone.localtime():%Y%m%d-%H%M%S}.{suffix}"
        target = Path(options["file"]) if options["file"] else default
        counts = table_counts()
        # Logged before the copy is taken, so the backup itself records that it was made.
        with transaction.atomic():
            audit_record(
                actor=None,
                actor_username="insyn backup",
                action=AuditAction.BACKUP_CREATE,
                object_type="database",
                object_id=target.name,
                details={"rows": sum(counts.values()), "tables": len(counts)},
            )
        # Sealed first, so the copy carries a chain that covers every row in it, its own row too.
        head = audit_chain_extend()
        try:
            backup_database(target)
        except BackupFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Säkerhetskopia skriven till {target} ({target.stat().st_size} byte, "
            f"{sum(counts.values())} rader i {len(counts)} tabeller). Loggens kedja i kopian: {head}."
        )

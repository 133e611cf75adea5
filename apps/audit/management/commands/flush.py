"""Django's `flush`, which the audit log's triggers would refuse (TRUNCATE on PostgreSQL, DELETE on
SQLite). The test suite's transactional tests empty the database with it, and so may a developer;
production never may. An app's command of the same name replaces Django's own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal, sql_flush
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLES = ("audit_auditevent", "audit_auditchainlink")


@contextmanager
def append_only_suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Inside the caller's transaction, let this connection empty the audit tables; nobody else
    ever sees them without their triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            (before,) = cursor.fetchone()
            try:
                # Ordinary triggers do not fire in replica mode; setting it needs a superuser.
                cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError as exc:
                raise CommandError(
                    "Databasen kan inte tömmas: händelseloggens utlösare (triggers) hindrar det, och bara "
                    "en superanvändare i PostgreSQL får stänga av dem (session_replication_role). "
                    f"Kör som en sådan användare. ({exc})"
                ) from exc
            yield
            cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(AUDIT_TABLES))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})",  # noqa: S608
                list(AUDIT_TABLES),
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            # Recreated from their own definitions, in the same transaction as the drop.
            for _name, sql in triggers:
                cursor.execute(sql)
    else:
        yield


class Command(flush.Command):
    help = "Tömmer hela databasen (för tester och utveckling; aldrig i produktion)."

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Databasen får inte tömmas i produktion: händelseloggen ska finnas kvar.")
        database = options["database"]
        connection = connections[database]
        # The stealth options Django's own test cases pass.
        reset_sequences = options.get("reset_sequences", True)
        allow_cascade = options.get("allow_cascade", False)
        inhibit_post_migrate = options.get("inhibit_post_migrate", False)
        self.style = no_style()
        # As Django's flush: each app's management module may register post_migrate handlers.
        for app_config in apps.get_app_configs():
            with suppress(ImportError):
                import_module(".management", app_config.name)
        sql_list = sql_flush(self.style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if options["interactive"]:
            answer = input(
                f'Allt i databasen "{connection.settings_dict["NAME"]}" raderas, också händelseloggen, '
                "och går inte att få tillbaka.\nSkriv 'ja' för att fortsätta, något annat för att avbryta: "
            )
            if answer.strip().lower() != "ja":
                self.stdout.write("Tömningen avbröts.")
                return
        with transaction.atomic(using=database), append_only_suspended(connection):
            connection.ops.execute_sql_flush(sql_list)
        # Empty sql_list means an empty database, where post_migrate would fail (as in Django's flush).
        if sql_list and not inhibit_post_migrate:
            emit_post_migrate_signal(options["verbosity"], options["interactive"], database)

"""Backup and restore of the whole database: pg_dump/pg_restore on PostgreSQL, SQLite's online
backup API on SQLite. Both copy every table including the audit log; the keys that decrypt identity
numbers are never in the database and must be backed up separately (docs/operations.md)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils.translation import gettext as _

from insyn.errors import ValidationFailed


class BackupFailed(ValidationFailed):
    pass


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model, the figure a restore is checked against."""
    counts: dict[str, int] = {}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in tables and table not in counts:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model table names
                counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    for key, variable in mapping.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupFailed(
            _("Programmet %(name)s saknas. Installera PostgreSQL-klienten (paketet postgresql-client).")
            % {"name": name}
        )
    return path


def _run(arguments: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupFailed(
            _("%(program)s misslyckades: %(error)s")
            % {"program": Path(arguments[0]).name, "error": result.stderr.strip()[-2000:]}
        )


def backup_database(target: Path) -> None:
    """Write a consistent copy of the database to `target` while the application keeps running."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if connection.vendor == "postgresql":
        # Custom format: compressed, restorable table by table; one snapshot for the whole dump.
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
            _pg_environment(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(partial)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupFailed(_("Säkerhetskopiering stöds inte för databasen %(vendor)s.") % {"vendor": connection.vendor})
    # Renamed only when complete, so a half-written file never looks like a backup.
    partial.replace(target)
    target.chmod(0o600)


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def restore_database(source: Path) -> None:
    """Replace the database's contents with those of a backup made by `backup_database`."""
    if not source.is_file():
        raise BackupFailed(_("Filen %(path)s finns inte.") % {"path": source})
    if connection.vendor == "postgresql":
        if not _starts_with(source, b"PGDMP"):
            raise BackupFailed(
                _("%(path)s är ingen säkerhetskopia från PostgreSQL (pg_dump, custom format).") % {"path": source}
            )
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ],
            _pg_environment(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        if not _starts_with(source, b"SQLite format 3\x00"):
            raise BackupFailed(_("%(path)s är ingen säkerhetskopia från SQLite.") % {"path": source})
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            connection.ensure_connection()
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        raise BackupFailed(_("Återläsning stöds inte för databasen %(vendor)s.") % {"vendor": connection.vendor})

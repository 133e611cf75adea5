"""The database itself refuses to change, delete or empty the audit tables, on PostgreSQL and on
SQLite, whatever the application does (raw SQL, so no application guard is in the way); `flush`,
the test suite's and a developer's way to empty the database, still works, never in production."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import audit_chain_extend, audit_record

# Each table with its primary key.
TABLES = [("audit_auditevent", "id"), ("audit_auditchainlink", "sequence")]


def _event() -> AuditEvent:
    """An audit row, and its link in the chain."""
    event = audit_record(
        actor=None, action=AuditAction.PERSON_VIEW, person_code="ALI-7KQ3M9", municipality_slug="alingsas"
    )
    audit_chain_extend()
    return event


def _raw(sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("table", "pk"), TABLES)
def test_update_of_a_row_is_refused_by_the_database(db, table, pk):
    _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {table} SET {pk} = {pk} + 1000")  # noqa: S608


@pytest.mark.parametrize(("table", "pk"), TABLES)
def test_delete_of_one_row_or_of_all_rows_is_refused_by_the_database(db, table, pk):
    _event()
    before = _count(table)
    assert before >= 1
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {table} WHERE {pk} = (SELECT min({pk}) FROM {table})")  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {table}")  # noqa: S608
    assert _count(table) == before


@pytest.mark.parametrize(("table", "pk"), TABLES)
def test_truncate_is_refused_on_postgresql(db, table, pk):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused (test above).")
    _event()
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
        _raw(f"TRUNCATE {table}")
    assert _count(table) >= 1


def test_insert_or_replace_cannot_overwrite_a_row_on_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only: REPLACE deletes the old row without delete triggers; PostgreSQL has no REPLACE.")
    event = _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(
            "INSERT OR REPLACE INTO audit_auditevent (id, occurred_at, actor_username, action, object_type, "
            "object_id, person_code, municipality_slug, channel, details, digest) "
            "SELECT id, occurred_at, 'someone.else', action, object_type, object_id, person_code, "
            "municipality_slug, channel, details, digest FROM audit_auditevent WHERE id = %s",
            [event.pk],
        )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(
            "INSERT OR REPLACE INTO audit_auditchainlink (sequence, event_id, key_id, digest, mac) "
            "SELECT sequence, event_id, key_id, digest, 'forged' FROM audit_auditchainlink"
        )
    assert AuditEvent.objects.get(pk=event.pk).actor_username == ""


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_and_leaves_their_triggers_in_place():
    _event()
    call_command("flush", "--noinput", stdout=io.StringIO())
    assert _count("audit_auditevent") == 0
    assert _count("audit_auditchainlink") == 0
    _event()
    for table, _pk in TABLES:
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(f"DELETE FROM {table}")  # noqa: S608
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError, match="append-only"):
                _raw(f"TRUNCATE {table}")
    assert _count("audit_auditevent") == 1


def test_flush_inside_a_transaction_leaves_the_triggers_working_for_the_rest_of_it(db):
    _event()
    call_command("flush", "--noinput", stdout=io.StringIO())
    assert _count("audit_auditevent") == 0
    _event()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent")


def test_flush_is_refused_in_production(db, settings):
    _event()
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="inte tömmas i produktion"):
        call_command("flush", "--noinput", stdout=io.StringIO())
    assert _count("audit_auditevent") == 1

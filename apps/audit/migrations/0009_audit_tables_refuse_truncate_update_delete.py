"""The database itself refuses to alter or empty the audit log and its hash chain.

PostgreSQL: the row triggers of 0002 refuse UPDATE and DELETE on audit_auditevent; here a
statement trigger refuses TRUNCATE (which no row trigger sees), and the chain table gets all three.
SQLite: BEFORE UPDATE and BEFORE DELETE triggers on both tables, and one that refuses an INSERT over
an existing id (INSERT OR REPLACE deletes the old row without firing delete triggers).

Django rebuilds a table on SQLite for many schema changes, which drops its triggers: a later
migration that alters these tables must create the SQLite triggers again (the tests would notice)."""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_auditchainlink_no_update BEFORE UPDATE ON audit_auditchainlink
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_auditchainlink_no_delete BEFORE DELETE ON audit_auditchainlink
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_auditchainlink_no_truncate BEFORE TRUNCATE ON audit_auditchainlink
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditchainlink_no_update ON audit_auditchainlink;
DROP TRIGGER IF EXISTS audit_auditchainlink_no_delete ON audit_auditchainlink;
DROP TRIGGER IF EXISTS audit_auditchainlink_no_truncate ON audit_auditchainlink;
DROP FUNCTION IF EXISTS audit_append_only();
"""


def _sqlite_create(table: str, primary_key: str) -> list[str]:
    # Fixed table names only, from SQLITE_TRIGGERS below.
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE is not allowed'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE is not allowed'); END",
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608 - fixed table names
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {primary_key} = NEW.{primary_key}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: REPLACE is not allowed'); END",
    ]


SQLITE_TRIGGERS = {"audit_auditevent": "id", "audit_auditchainlink": "sequence"}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)
    elif vendor == "sqlite":
        for table, primary_key in SQLITE_TRIGGERS.items():
            for statement in _sqlite_create(table, primary_key):
                schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for table in SQLITE_TRIGGERS:
            for suffix in ("no_update", "no_delete", "no_replace"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_audit_event_digest_and_chain_link")]
    operations = [migrations.RunPython(forwards, backwards)]

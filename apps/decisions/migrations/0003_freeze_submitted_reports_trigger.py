"""On PostgreSQL the database itself keeps a submitted report and its rows as they were."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION decisions_report_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'submitted' THEN
        RAISE EXCEPTION 'a submitted quarterly report is frozen: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_report_frozen BEFORE UPDATE OR DELETE ON decisions_quarterlyreport
    FOR EACH ROW EXECUTE FUNCTION decisions_report_frozen();

CREATE OR REPLACE FUNCTION decisions_report_row_frozen() RETURNS trigger AS $$
DECLARE
    report_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN report_id := OLD.report_id; ELSE report_id := NEW.report_id; END IF;
    IF EXISTS (SELECT 1 FROM decisions_quarterlyreport WHERE id = report_id AND status = 'submitted')
       OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM decisions_quarterlyreport WHERE id = OLD.report_id AND status = 'submitted')) THEN
        RAISE EXCEPTION 'rows of a submitted quarterly report are frozen: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER decisions_report_row_frozen BEFORE INSERT OR UPDATE OR DELETE ON decisions_reportrow
    FOR EACH ROW EXECUTE FUNCTION decisions_report_row_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS decisions_report_row_frozen ON decisions_reportrow;
DROP FUNCTION IF EXISTS decisions_report_row_frozen();
DROP TRIGGER IF EXISTS decisions_report_frozen ON decisions_quarterlyreport;
DROP FUNCTION IF EXISTS decisions_report_frozen();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_seed_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]

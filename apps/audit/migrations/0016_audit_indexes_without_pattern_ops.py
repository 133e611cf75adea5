"""The audit log's text indexes without their LIKE twins.

A CharField with db_index also gets a varchar_pattern_ops index on PostgreSQL (for LIKE 'x%'), which
nothing asks of the log, while every index costs each of the log's many inserts (an import writes
two audit rows per register row). The indexes are declared in Meta.indexes instead.

The database side is done by hand: SQLite alters a column by rebuilding the table, which would
drop the append-only triggers (migration 0009) and copy every row. Here each column's indexes are
dropped and one plain index created, which neither database does by rebuilding the table."""

from django.db import migrations, models

COLUMNS = {
    "actor_username": "audit_actor_username",
    "action": "audit_action",
    "person_code": "audit_person_code",
    "municipality_slug": "audit_municipality_slug",
}


def _indexes_on(schema_editor, table, column):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"] and not info["unique"] and info["columns"] == [column]
    ]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    model = apps.get_model("audit", "AuditEvent")
    table = model._meta.db_table
    for column, name in COLUMNS.items():
        for old in _indexes_on(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(old)}", params=None)
        schema_editor.add_index(model, models.Index(fields=[column], name=name))


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    model = apps.get_model("audit", "AuditEvent")
    table = model._meta.db_table
    for column, name in COLUMNS.items():
        schema_editor.remove_index(model, models.Index(fields=[column], name=name))
        for statement in schema_editor._field_indexes_sql(model, model._meta.get_field(column)):
            schema_editor.execute(statement, params=None)
        assert _indexes_on(schema_editor, table, column)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0015_audit_letterhead_change_action"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(
                        choices=[
                            ("login.success", "Inloggning lyckades"),
                            ("login.failure", "Inloggning misslyckades"),
                            ("login.locked", "Inloggning spärrad"),
                            ("logout", "Utloggning"),
                            ("otp.enrolled", "Tvåfaktor registrerad"),
                            ("otp.success", "Tvåfaktor godkänd"),
                            ("otp.failure", "Tvåfaktor misslyckades"),
                            ("role.grant", "Roll tilldelad"),
                            ("role.revoke", "Roll återkallad"),
                            ("user.create", "Användare skapad"),
                            ("token.create", "API-nyckel skapad"),
                            ("token.revoke", "API-nyckel återkallad"),
                            ("person.create", "Person registrerad"),
                            ("person.update", "Person ändrad"),
                            ("person.view", "Person visad"),
                            ("person.list", "Personlista visad"),
                            ("person.search", "Personsökning"),
                            ("person.export", "Personuppgifter exporterade"),
                            ("audit.view", "Loggen visad"),
                            ("keys.rotate", "Nycklar roterade"),
                            ("organisation.load", "Organisationsstruktur inläst"),
                            ("letterhead.change", "Brevhuvud ändrat"),
                            ("demo.load", "Demodata inläst"),
                            ("decision.create", "Beslut registrerat"),
                            ("decision.update", "Beslut ändrat"),
                            ("decision.event", "Händelse på beslut registrerad"),
                            ("decision.view", "Beslut visat"),
                            ("decision.list", "Beslutsregister visat"),
                            ("decision.import", "Beslutsregister importerat"),
                            ("decision.export", "Beslutsregister exporterat"),
                            ("report.compute", "Kvartalsrapport beräknad"),
                            ("report.submit", "Kvartalsrapport inlämnad"),
                            ("report.view", "Kvartalsrapport visad"),
                            ("report.export", "Kvartalsrapport exporterad"),
                            ("ivo.view", "Individuppgifter till IVO visade"),
                            ("ivo.export", "Individuppgifter till IVO exporterade"),
                            ("reference_data.change", "Koder eller lagrum ändrade"),
                            ("referral.create", "Intresseanmälan mottagen"),
                            ("referral.update", "Intresseanmälan ändrad"),
                            ("referral.view", "Intresseanmälan visad"),
                            ("participant.enrol", "Deltagare inskriven"),
                            ("participant.update", "Deltagaruppgifter ändrade"),
                            ("participant.exit", "Deltagare utskriven"),
                            ("participant.view", "Deltagare visad"),
                            ("participant.list", "Deltagarlista visad"),
                            ("participant.export", "Deltagaruppgifter exporterade"),
                            ("delivery.change", "Leverans förberedd"),
                            ("delivery.submit", "Leverans inlämnad till förbundet"),
                            ("delivery.notify", "Förbundet underrättat om inlämnad leverans"),
                            ("budget.change", "Budget ändrad"),
                            ("agreement.change", "Överenskommelse ändrad"),
                            ("invoice.change", "Faktura ändrad"),
                            ("reminder.send", "Påminnelse skickad"),
                            ("lexheller.file", "Lex Heller-rapport inlämnad"),
                            ("lexheller.change", "Lex Heller-rapport ändrad"),
                            ("lexheller.view", "Lex Heller-rapport visad"),
                            ("bug_meeting.change", "BUG-möte ändrat"),
                            ("backup.create", "Säkerhetskopia skapad"),
                            ("backup.restore", "Säkerhetskopia återläst"),
                            ("yearend.import", "Underlag till årsbokslut inläst"),
                            ("yearend.change", "Årsbokslut ändrat"),
                            ("yearend.approve", "Årsbokslut godkänt"),
                            ("yearend.export", "Årsbokslut exporterat"),
                            ("user.invite", "Användare inbjuden"),
                            ("user.invitation_accept", "Inbjudan antagen"),
                            ("user.update", "Användaruppgifter ändrade"),
                            ("user.deactivate", "Användare inaktiverad"),
                            ("user.reactivate", "Användare återaktiverad"),
                            ("user.view", "Användare visad"),
                            ("user.list", "Användarlista visad"),
                            ("otp.reset", "Tvåfaktor återställd"),
                            ("lockout.release", "Inloggningsspärr hävd"),
                            ("session.revoke", "Inloggad session avslutad"),
                            ("access_review.view", "Behörighetsgranskning visad"),
                            ("access_review.export", "Behörighetsgranskning exporterad"),
                            ("sso.change", "Inställning för inloggning via identitetsleverantör ändrad"),
                            ("sso.refused", "Inloggning via identitetsleverantör nekad"),
                            ("job.start", "Bakgrundsjobb startat"),
                            ("job.finish", "Bakgrundsjobb klart"),
                            ("job.fail", "Bakgrundsjobb misslyckades"),
                            ("job.download", "Bakgrundsjobbets fil hämtad"),
                            ("mail.send", "E-post skickad"),
                        ],
                        max_length=40,
                        verbose_name="händelse",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor_username",
                    field=models.CharField(blank=True, max_length=150, verbose_name="användare"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="municipality_slug",
                    field=models.CharField(blank=True, max_length=64, verbose_name="kommun"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="person_code",
                    field=models.CharField(blank=True, max_length=20, verbose_name="personkod"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["actor_username"], name="audit_actor_username"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["action"], name="audit_action"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["person_code"], name="audit_person_code"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["municipality_slug"], name="audit_municipality_slug"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]

"""Tamper evidence: a keyed digest on every audit row and the table of the hash chain over them.

Existing rows keep an empty digest (no UPDATE of a live log, no key needed to migrate); the first
`insyn audit seal` links them as they are then. The database default keeps the previous release's
inserts working until its workers have been restarted."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_backup_actions"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainLink",
            fields=[
                ("sequence", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="länknummer")),
                ("event_id", models.BigIntegerField(unique=True, verbose_name="händelse")),
                ("key_id", models.CharField(max_length=16, verbose_name="nyckel")),
                ("digest", models.CharField(max_length=80, verbose_name="kontrollsumma")),
                ("mac", models.CharField(max_length=64, verbose_name="kedjans kontrollsumma")),
            ],
            options={
                "verbose_name": "länk i loggens kedja",
                "verbose_name_plural": "länkar i loggens kedja",
                "ordering": ["sequence"],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=models.CharField(
                db_default="", default="", editable=False, max_length=80, verbose_name="kontrollsumma"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, editable=False, verbose_name="tidpunkt"
            ),
        ),
    ]

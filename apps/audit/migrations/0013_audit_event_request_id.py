"""The request id on audit rows, as in the request's log lines.

Nullable and without default: PostgreSQL and SQLite both add such a column with ALTER TABLE ADD
COLUMN, touching no row (the append-only triggers refuse UPDATE) and keeping the triggers (SQLite
would otherwise rebuild the table). Existing rows keep NULL, and their digests still verify."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0012_user_admin_sso_and_job_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="request_id",
            field=models.CharField(blank=True, max_length=64, null=True, verbose_name="anrops-id"),
        ),
    ]

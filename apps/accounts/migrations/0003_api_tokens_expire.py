"""API tokens made before tokens expired had no expiry. Each gets a full term from the upgrade
(INSYN_API_TOKEN_DAYS), so scripts keep working until then instead of stopping at once."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_every_token_an_expiry(apps, schema_editor):
    AuthToken = apps.get_model("knox", "AuthToken")
    AuthToken.objects.filter(expiry__isnull=True).update(
        expiry=timezone.now() + timedelta(days=settings.INSYN_API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_lexheller_admin_role"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop)]

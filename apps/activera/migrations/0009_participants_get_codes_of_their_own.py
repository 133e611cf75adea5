"""Every participant gets a code of its own (ALID-…), never the person's register code: a code the
förbund sees must not open the register. Log rows written before keep the old code.

Deliveries submitted before deliveries kept their raw counts stay visible to the förbund as they
were (their content is what it already saw)."""

import secrets

from django.db import migrations

ALPHABET = "ACDEFHJKMNPQRTVWXY3479"


def recode(apps, schema_editor):  # type: ignore[no-untyped-def]
    Enrolment = apps.get_model("activera", "Enrolment")
    taken = set(Enrolment.objects.values_list("code", flat=True))
    for enrolment in Enrolment.objects.select_related("programme_unit__unit__parent").iterator():
        if len(enrolment.code) == 11 and enrolment.code[3] == "D":
            continue
        prefix = enrolment.code[:3]
        while True:
            code = f"{prefix}D-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
            if code not in taken:
                break
        taken.add(code)
        Enrolment.objects.filter(pk=enrolment.pk).update(code=code)


def keep_earlier_deliveries_visible(apps, schema_editor):  # type: ignore[no-untyped-def]
    Delivery = apps.get_model("activera", "Delivery")
    for delivery in Delivery.objects.filter(raw={}, released_at__isnull=True):
        Delivery.objects.filter(pk=delivery.pk).update(released_at=delivery.submitted_at)


class Migration(migrations.Migration):
    dependencies = [("activera", "0008_deliveries_frozen_raw_and_forbund_releases")]
    operations = [
        migrations.RunPython(recode, migrations.RunPython.noop),
        migrations.RunPython(keep_earlier_deliveries_visible, migrations.RunPython.noop),
    ]

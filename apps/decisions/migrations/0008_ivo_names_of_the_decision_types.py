"""The seeded decision types as IVO's individual report for individ- och familjeomsorg lists its
insatser (Behandlingshem/HVB, Sysselsättning, Bostad with the kind of housing named beside it).
Data: a system administrator can change them at /beslut/koder/."""

from django.db import migrations

IVO_NAMES = {
    "Behandlingshem": "Behandlingshem/HVB",
    "Daglig sysselsättning": "Sysselsättning",
    "Stödboende": "Bostad",
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    DecisionType = apps.get_model("decisions", "DecisionType")
    for name, ivo_name in IVO_NAMES.items():
        DecisionType.objects.filter(name=name, ivo_name="").update(ivo_name=ivo_name)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    DecisionType = apps.get_model("decisions", "DecisionType")
    for name, ivo_name in IVO_NAMES.items():
        DecisionType.objects.filter(name=name, ivo_name=ivo_name).update(ivo_name="")


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_committee_decisions_and_ivo_eservice")]
    operations = [migrations.RunPython(forwards, backwards)]

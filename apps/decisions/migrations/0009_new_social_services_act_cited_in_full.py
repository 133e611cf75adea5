"""The new socialtjänstlag (2025:400) has chapters beyond nine, so its provisions are written in full
in the reports' tables ("11 kap. 1 § SoL") as everywhere else; "11.1 § SoL" read as a decimal. The
old law keeps the seed's short form "4.1 § SoL". Only a short form still at the shipped value is
changed: a municipality's own wording stands, and submitted reports keep what they were given."""

from django.db import migrations

OLD, NEW = "11.1 § SoL", "11 kap. 1 § SoL"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    LegalBasis = apps.get_model("decisions", "LegalBasis")
    LegalBasis.objects.filter(code="sol2025-11-1", short_label=OLD).update(short_label=NEW)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    LegalBasis = apps.get_model("decisions", "LegalBasis")
    LegalBasis.objects.filter(code="sol2025-11-1", short_label=NEW).update(short_label=OLD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_ivo_names_of_the_decision_types")]
    operations = [migrations.RunPython(forwards, backwards)]

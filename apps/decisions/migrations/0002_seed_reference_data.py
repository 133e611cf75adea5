"""Seed the decision types and legal bases (data, editable afterwards by a system administrator)."""

import datetime
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "reference_data.json"


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    LegalBasis = apps.get_model("decisions", "LegalBasis")
    DecisionType = apps.get_model("decisions", "DecisionType")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for item in data["legal_bases"]:
        LegalBasis.objects.update_or_create(
            code=item["code"],
            defaults={
                "kind": item["kind"],
                "label": item["label"],
                "short_label": item["short_label"],
                "statute": item["statute"],
                "valid_from": datetime.date.fromisoformat(item["valid_from"]),
                "valid_to": datetime.date.fromisoformat(item["valid_to"]) if item["valid_to"] else None,
            },
        )
    for item in data["decision_types"]:
        decision_type, _ = DecisionType.objects.get_or_create(name=item["name"])
        decision_type.legal_bases.set(LegalBasis.objects.filter(code__in=item["legal_bases"]))


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_register_and_quarterly_reports")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

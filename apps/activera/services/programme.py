"""Setting up a programme: its indicators, activity types and units, from the data files."""

from __future__ import annotations

import datetime
import json

from django.db import transaction

from apps.organisations.models import Organisation, OrganisationKind

from ..models import (
    ActivityType,
    Indicator,
    Programme,
    ProgrammeUnit,
)
from .common import (
    DATA_DIR,
)

# --- Programme set-up ------------------------------------------------------------------------


def programme_load(*, name: str) -> Programme:
    """Load a programme's rules, criteria, indicators, activity types and units from data. Idempotent."""
    path = DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        forbund = Organisation.objects.get(slug=data["forbund"], kind=OrganisationKind.FORBUND)
        programme, _ = Programme.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "forbund": forbund,
                "name": data["name"],
                "eligibility_criteria": data["eligibility_criteria"],
                "violence_questions": data["violence_questions"],
                **data["rules"],
            },
        )
        for position, item in enumerate(data["indicators"], start=1):
            Indicator.objects.update_or_create(
                programme=programme,
                code=item["code"],
                defaults={"label": item["label"], "respondent": item["respondent"], "position": position},
            )
        for item in data["activity_types"]:
            ActivityType.objects.update_or_create(
                programme=programme, code=item["code"], defaults={"label": item["label"]}
            )
        for item in data["units"]:
            ProgrammeUnit.objects.update_or_create(
                programme=programme,
                unit=Organisation.objects.get(slug=item["unit"]),
                defaults={
                    "places": item["places"],
                    "period_start": datetime.date.fromisoformat(data["period_start"]),
                    "period_end": datetime.date.fromisoformat(data["period_end"]),
                },
            )
    return programme

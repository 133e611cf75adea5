"""Building the förbund's budget and agreements through the services."""

from __future__ import annotations

import datetime

from apps.accounts.models import User
from apps.activera.models import ProgrammeUnit
from apps.forbund.models import Agreement, Budget, BudgetLine
from apps.forbund.services import agreement_create, budget_load


def seed_budget_2023(actor: User | None = None) -> Budget:
    return budget_load(actor=actor, name="insjoriket-2023")


def agreement_for(slug: str, year: int = 2023, actor: User | None = None, **overrides) -> Agreement:
    unit = ProgrammeUnit.objects.select_related("programme__forbund").get(unit__slug=f"{slug}-activera")
    line = BudgetLine.objects.filter(executor=unit.unit, budget__year=year).first()
    kwargs = {
        "actor": actor,
        "forbund": unit.programme.forbund,
        "programme_unit": unit,
        "year": year,
        "executor_party": f"{unit.unit.parent.name}, Kommunkansliet",
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31),
        "budget_line": line,
        "max_amount": None if line else 1_650_000,
        "places": None if line else 85,
        "signed_by_forbund_on": datetime.date(year, 2, 9),
    }
    kwargs.update(overrides)
    return agreement_create(**kwargs)

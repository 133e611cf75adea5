"""The budget as the plan shows it: lines per group with sums, the members' contributions by
Finsamlagen 5 § and the resulting change of equity. Computed from the stored entries every time,
never stored, so the figures cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

from apps.organisations.models import Organisation, OrganisationKind
from lib.money import apportion

from .models import Budget, BudgetGroup, BudgetLine


@dataclass
class GroupSum:
    group: BudgetGroup
    lines: list[BudgetLine] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(line.amount or 0 for line in self.lines)

    @property
    def places(self) -> int | None:
        places = [line.places for line in self.lines if line.places is not None]
        return sum(places) if places else None


@dataclass
class Contribution:
    member: Organisation | None
    label: str
    share: str
    amount: int
    population: int | None = None


@dataclass
class Financing:
    state: Contribution
    region: Contribution
    municipalities: list[Contribution]

    @property
    def municipalities_total(self) -> int:
        return sum(c.amount for c in self.municipalities)

    @property
    def total(self) -> int:
        return self.state.amount + self.region.amount + self.municipalities_total

    @property
    def rows(self) -> list[Contribution]:
        return [self.state, self.region, *self.municipalities]


def financing(
    *,
    state_allocation: int,
    populations: list[tuple[Organisation, int]],
    state_member: Organisation | None = None,
    region_member: Organisation | None = None,
) -> Financing:
    """Finsamlagen 5 §: the state pays half, the region a quarter and the municipalities together
    a quarter, split between them by population. The state's half is the allocation as entered;
    the other half is apportioned in one pass, so the whole adds up to exactly twice the allocation."""
    population_total = sum(p for _member, p in populations)
    weights = [Fraction(1, 2)] + [Fraction(p, 2 * population_total) for _member, p in populations]
    region_amount, *municipal_amounts = apportion(state_allocation, weights)
    return Financing(
        state=Contribution(state_member, _("Staten (Försäkringskassan)"), "1/2", state_allocation),
        region=Contribution(
            region_member, region_member.name if region_member else _("Regionen"), "1/4", region_amount
        ),
        municipalities=[
            Contribution(
                member, member.name, f"1/4 × {population:,}/{population_total:,}".replace(",", " "), amount, population
            )
            for (member, population), amount in zip(populations, municipal_amounts, strict=True)
        ],
    )


@dataclass
class BudgetOverview:
    budget: Budget
    groups: list[GroupSum]
    financing: Financing

    def group(self, group: BudgetGroup) -> GroupSum:
        return next(g for g in self.groups if g.group == group)

    @property
    def operating_costs(self) -> int:
        """The plan's "ny drift, strukturövergripande och individinriktat": the three groups."""
        return sum(g.amount for g in self.groups if g.group != BudgetGroup.EQUITY)

    @property
    def equity_costs(self) -> int:
        return self.group(BudgetGroup.EQUITY).amount

    @property
    def equity_change(self) -> int:
        """The plan's "Total summa": negative is the "minskat EK"."""
        return self.financing.total - self.operating_costs - self.equity_costs


def _member(forbund: Organisation, kind: OrganisationKind, slug: str | None = None) -> Organisation | None:
    members = Organisation.objects.filter(parent=forbund, kind=kind)
    if slug:
        members = members.filter(slug=slug)
    return members.order_by("name").first()


def budget_overview(budget: Budget) -> BudgetOverview:
    lines = list(budget.lines.select_related("executor__parent"))
    groups = [GroupSum(group, [line for line in lines if line.group == group]) for group in BudgetGroup]
    populations = [(p.municipality, p.population) for p in budget.populations.select_related("municipality")]
    return BudgetOverview(
        budget=budget,
        groups=groups,
        financing=financing(
            state_allocation=budget.state_allocation,
            populations=populations,
            state_member=_member(budget.forbund, OrganisationKind.STATE_AGENCY, "forsakringskassan"),
            region_member=_member(budget.forbund, OrganisationKind.REGION),
        ),
    )

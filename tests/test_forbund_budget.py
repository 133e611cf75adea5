"""The förbund's budget: the seed's 2023 plan reproduced, and the Finsamlagen split exact."""

from __future__ import annotations

import datetime
import io
import random

import openpyxl
import pytest

from apps.forbund.budget import budget_overview, financing
from apps.forbund.models import BudgetGroup
from apps.forbund.services import budget_copy, budget_create, budget_line_add, budget_populations_set
from apps.organisations.models import Organisation
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from tests.conftest import verified_client
from tests.forbund_helpers import seed_budget_2023


def test_the_seed_2023_budget_is_reproduced(activera, forbund_officer):
    overview = budget_overview(seed_budget_2023(forbund_officer))
    assert overview.group(BudgetGroup.RUNNING).amount == 3_450_000
    assert overview.group(BudgetGroup.STRUCTURAL).amount == 1_000_000
    individual = overview.group(BudgetGroup.INDIVIDUAL)
    assert individual.amount == 9_550_000
    assert individual.places == 475
    molndal = next(line for line in individual.lines if line.label == "ACTivera Mölndal")
    assert (molndal.amount, molndal.places, molndal.executor.slug) == (2_750_000, 145, "molndal-activera")
    # The plan's "Ny drift, strukturövergripande och individinriktat": 14 000 000 kr.
    assert overview.operating_costs == 14_000_000
    assert overview.equity_costs == 2_100_000
    # The state's half is the allocation as entered; the members together twice that.
    assert overview.financing.state.amount == 7_156_000
    assert overview.financing.total == 14_312_000
    assert overview.equity_change == 14_312_000 - 14_000_000 - 2_100_000


def test_the_budget_page_shows_the_seed_figures_and_the_equity_line(activera, forbund_officer):
    budget = seed_budget_2023(forbund_officer)
    page = verified_client(forbund_officer).get(f"/forbund/budget/{budget.pk}/").content.decode()
    for figure in (
        "3\u00a0450\u00a0000\u00a0kr",
        "1\u00a0000\u00a0000\u00a0kr",
        "9\u00a0550\u00a0000\u00a0kr",
        "ca 475",
    ):
        assert figure in page
    assert "minskat EK" in page
    assert "största-restmetoden" in page
    assert '<td class="numeric">42\u00a0300</td>' in page  # Alingsås' population, thousands apart


def test_the_budget_downloads_as_a_workbook_with_the_financing(activera, forbund_officer):
    budget = seed_budget_2023(forbund_officer)
    response = verified_client(forbund_officer).get(f"/forbund/budget/{budget.pk}/", {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Finansiering"].values)
    assert rows[-1][0] == "Summa" and rows[-1][3] == 14_312_000
    assert sum(r[3] for r in rows[1:-1]) == 14_312_000
    sums = [r for r in workbook["Budget 2023"].values if r[0] == "Summa"]
    assert [r[1] for r in sums] == [3_450_000, 1_000_000, 9_550_000, 2_100_000]


@pytest.mark.parametrize("allocation", [0, 1, 3, 7_156_000, 7_156_001, 999_999_999])
def test_the_financing_split_adds_up_exactly(insjoriket, allocation):
    municipalities = list(Organisation.objects.filter(kind="municipality").order_by("name"))
    populations = [(m, p) for m, p in zip(municipalities, [42_307, 39_001, 43_313, 70_717, 39_229], strict=True)]
    result = financing(state_allocation=allocation, populations=populations)
    assert result.state.amount == allocation
    assert result.total == 2 * allocation
    # The region's quarter and the municipalities' quarter are each within a krona of half the allocation.
    assert abs(result.region.amount - allocation / 2) < 1
    assert abs(result.municipalities_total - allocation / 2) < 1.01


@pytest.mark.parametrize("seed", range(30))
def test_municipal_shares_follow_population_within_a_krona(insjoriket, seed):
    rng = random.Random(seed)
    municipalities = list(Organisation.objects.filter(kind="municipality").order_by("name"))
    populations = [(m, rng.randrange(1, 500_000)) for m in municipalities]
    allocation = rng.randrange(1, 50_000_000)
    result = financing(state_allocation=allocation, populations=populations)
    total_population = sum(p for _, p in populations)
    assert result.total == 2 * allocation
    for contribution, (_, population) in zip(result.municipalities, populations, strict=True):
        assert abs(contribution.amount - allocation * population / (2 * total_population)) < 1


def test_the_split_uses_the_populations_kept_with_the_budget(activera, forbund_officer):
    budget = seed_budget_2023(forbund_officer)
    alingsas = Organisation.objects.get(slug="alingsas")
    alingsas.population = 1  # a later register update must not change a decided budget
    alingsas.save()
    before = budget_overview(budget).financing
    assert next(c for c in before.municipalities if c.member == alingsas).population == 42_300
    rows = {p.municipality_id: p.population for p in budget.populations.all()}
    rows[alingsas.pk] = 100_000
    budget_populations_set(
        actor=forbund_officer, budget=budget, population_date=datetime.date(2023, 12, 31), populations=rows
    )
    after = budget_overview(budget).financing
    assert (
        next(c for c in after.municipalities if c.member == alingsas).amount
        > next(c for c in before.municipalities if c.member == alingsas).amount
    )
    assert after.total == before.total


def test_it_refuses_a_missing_population(activera, forbund_officer):
    budget = seed_budget_2023(forbund_officer)
    rows = {p.municipality_id: p.population for p in budget.populations.all()}
    first = next(iter(rows))
    rows[first] = 0
    with pytest.raises(ValidationFailed) as info:
        budget_populations_set(
            actor=forbund_officer, budget=budget, population_date=datetime.date(2023, 12, 31), populations=rows
        )
    assert f"population_{first}" in info.value.fields


def test_the_following_year_uses_the_same_model_without_the_phase_out(activera, forbund_officer):
    budget_2023 = seed_budget_2023(forbund_officer)
    budget_2024 = budget_copy(actor=forbund_officer, source=budget_2023, year=2024, state_allocation=7_300_001)
    overview = budget_overview(budget_2024)
    assert overview.group(BudgetGroup.INDIVIDUAL).amount == 9_550_000
    assert overview.equity_costs == 0
    assert overview.financing.total == 14_600_002
    with pytest.raises(Conflict):
        budget_copy(actor=forbund_officer, source=budget_2023, year=2024, state_allocation=1)


def test_places_belong_to_individual_measures_only(activera, forbund_officer):
    budget = seed_budget_2023(forbund_officer)
    with pytest.raises(ValidationFailed) as info:
        budget_line_add(actor=forbund_officer, budget=budget, group="running", label="Kansli", amount=1, places=3)
    assert "places" in info.value.fields


def test_only_the_forbund_office_writes_the_budget(activera, caseworker_alingsas, auditor_alingsas):
    forbund = Organisation.objects.get(slug="insjoriket")
    for user in (caseworker_alingsas, auditor_alingsas):
        with pytest.raises(NotPermitted):
            budget_create(actor=user, forbund=forbund, year=2030, state_allocation=1)
        assert verified_client(user).get("/forbund/budget/").status_code == 403


def test_a_bad_amount_gets_a_swedish_error_and_changes_nothing(activera, forbund_officer):
    client = verified_client(forbund_officer)
    response = client.post("/forbund/budget/", {"year": "2031", "state_allocation": "7 156 000 kr"})
    assert response.status_code == 400
    assert "Ange ett belopp i hela kronor" in response.content.decode()
    from apps.forbund.models import Budget

    assert not Budget.objects.filter(year=2031).exists()


def test_a_budget_line_is_removed_only_after_the_warning_is_opened_and_confirmed(activera, forbund_officer):
    from apps.forbund.models import BudgetLine

    budget = seed_budget_2023(forbund_officer)
    line = BudgetLine.objects.filter(budget=budget).order_by("pk").first()
    assert line is not None
    client = verified_client(forbund_officer)
    page = client.get(f"/forbund/budget/{budget.pk}/").content.decode()
    url = f"/forbund/budget/{budget.pk}/poster/{line.pk}/ta-bort/"
    # The table offers a disclosure that warns before the button that removes; no one-click delete.
    start = page.index(f'action="{url}"')
    block = page[page.rindex('<details class="confirm-delete">', 0, start) : page.index("</details>", start)]
    assert f"Posten ”{line.label}” tas bort ur budgeten. Det går inte att ångra." in block
    assert "Ja, ta bort" in block
    assert client.get(url).status_code == 405
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    response = client.post(url, follow=True)
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    assert f"Posten ”{line.label}” är borttagen." in response.content.decode()

"""Drift, prognosis and investments, computed in kronor from the ledger's figures and rounded cell
by cell to tkr (lib/report_numbers.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.organisations.models import Organisation
from lib.report_numbers import format_number, share_percent, to_tkr

from ..models import InvestmentFigure, InvestmentItem, LedgerFigure, LedgerGroup, PrognosisFigure
from ..models.figures import COST_GROUPS
from .base import DASH, Row, Table

ZERO = Decimal(0)


def _tkr(value: Decimal | None, *, magnitude: bool = False) -> str:
    if value is None:
        return DASH
    return format_number(to_tkr(abs(value) if magnitude else value))


@dataclass(frozen=True)
class Amounts:
    budget: Decimal | None
    outcome: Decimal | None
    previous: Decimal | None

    def cells(self, *, magnitude: bool = False) -> list[str]:
        deviation = None if self.budget is None or self.outcome is None else self.outcome - self.budget
        difference = None if self.outcome is None or self.previous is None else self.outcome - self.previous
        return [
            _tkr(self.budget),
            _tkr(self.outcome),
            _tkr(deviation, magnitude=magnitude),
            _tkr(self.previous),
            _tkr(difference, magnitude=magnitude),
        ]


def _sum(parts: Iterable[Amounts]) -> Amounts:
    parts = list(parts)

    def total(attr: str) -> Decimal | None:
        values = [getattr(part, attr) for part in parts]
        if all(value is None for value in values):
            return None
        return sum((value for value in values if value is not None), ZERO)

    return Amounts(total("budget"), total("outcome"), total("previous"))


def _headings(year: int, period: str, first: str, *, slash_space: bool) -> list[str]:
    slash = "/ " if slash_space else "/"
    years = {"year": year, "previous": year - 1, "slash": slash}
    if period == "interim":
        return [
            first,
            _("Budget jan–aug %(year)s") % years,
            _("Utfall jan–aug %(year)s") % years,
            _("Avv. utfall%(slash)sbudget jan–aug %(year)s") % years,
            _("Utfall jan–aug %(year)s") % {"year": year - 1},
            _("Diff. utfall %(year)s/%(previous)s") % years,
        ]
    return [
        first,
        _("Budget %(year)s") % years,
        _("Bokslut %(year)s") % years,
        _("Avv. bokslut%(slash)sbudget %(year)s") % years,
        _("Bokslut %(year)s") % {"year": year - 1},
        _("Diff. bokslut %(year)s/%(previous)s") % years,
    ]


def ledger_amounts(namnd: Organisation, year: int, period: str) -> dict[str, Amounts]:
    current = {f.group: f for f in LedgerFigure.objects.filter(namnd=namnd, year=year, period=period)}
    previous = {f.group: f for f in LedgerFigure.objects.filter(namnd=namnd, year=year - 1, period=period)}
    amounts: dict[str, Amounts] = {}
    for group in LedgerGroup:
        now, before = current.get(group.value), previous.get(group.value)
        amounts[group.value] = Amounts(
            budget=now.budget_kr if now else None,
            outcome=now.outcome_kr if now else None,
            previous=before.outcome_kr if before else None,
        )
    return amounts


@dataclass(frozen=True)
class DriftFigures:
    lines: dict[str, Amounts]
    costs: Amounts
    net_costs: Amounts
    result: Amounts


def drift_figures(namnd: Organisation, year: int, period: str = "annual") -> DriftFigures:
    lines = ledger_amounts(namnd, year, period)
    costs = _sum(lines[group.value] for group in COST_GROUPS)
    net = _sum([lines[LedgerGroup.INCOME.value], costs])
    result = _sum([net, lines[LedgerGroup.MUNICIPAL_GRANT.value], lines[LedgerGroup.FINANCIAL_NET.value]])
    return DriftFigures(lines=lines, costs=costs, net_costs=net, result=result)


def drift_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    figures = drift_figures(namnd, year, period)
    lines = figures.lines

    def line(group: LedgerGroup) -> Row:
        return Row(str(group.label), lines[group.value].cells())

    rows = [line(LedgerGroup.INCOME)]
    rows += [line(group) for group in COST_GROUPS]
    rows += [
        Row(_("Verksamhetens kostnader"), figures.costs.cells(), kind="sum"),
        Row(_("Verksamhetens nettokostnader"), figures.net_costs.cells(), kind="sum"),
        line(LedgerGroup.MUNICIPAL_GRANT),
        line(LedgerGroup.FINANCIAL_NET),
        Row(_("Årets resultat"), figures.result.cells(), kind="sum"),
    ]
    return Table(
        key="drift",
        title=_("Drift"),
        columns=_headings(year, period, _("Belopp i tkr"), slash_space=True),
        rows=rows,
    )


def result_summary(namnd: Organisation, year: int, period: str = "annual") -> dict[str, str] | None:
    """The result in mnkr and as a share of the kommunbidrag: "ett överskott om 3,4 mnkr …,
    vilket motsvarar 1,6 procent av kommunbidraget"."""
    figures = drift_figures(namnd, year, period)
    result = figures.result.outcome
    grant = figures.lines[LedgerGroup.MUNICIPAL_GRANT.value].outcome
    if result is None or not grant:
        return None
    mnkr = format_number(abs(result) / Decimal(1_000_000), 1)
    share = format_number(abs(share_percent(result, grant)), 1)
    numbers = {"mnkr": mnkr, "share": share}
    if result > 0:
        word = _("överskott")
        sentence = _("ett överskott om %(mnkr)s mnkr, vilket motsvarar %(share)s procent av kommunbidraget") % numbers
    elif result < 0:
        word = _("underskott")
        sentence = _("ett underskott om %(mnkr)s mnkr, vilket motsvarar %(share)s procent av kommunbidraget") % numbers
    else:
        word = _("nollresultat")
        sentence = (
            _("ett nollresultat om %(mnkr)s mnkr, vilket motsvarar %(share)s procent av kommunbidraget") % numbers
        )
    return {"word": word, "mnkr": mnkr, "share_percent": share, "sentence": sentence}


def prognosis_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    result = drift_figures(namnd, year, period).result.outcome if period == "annual" else None
    rows = []
    for prognosis in PrognosisFigure.objects.filter(namnd=namnd, year=year):
        deviation = "" if result is None else _tkr(result - prognosis.result_kr)
        rows.append(Row(prognosis.occasion, [_tkr(prognosis.result_kr), deviation]))
    if period == "annual":
        rows.append(Row(_("Bokslut %(year)s") % {"year": year}, [_tkr(result), ""]))
    return Table(
        key="prognos",
        title=_("Prognos och prognosförändring"),
        columns=[_("Avstämningstillfälle"), _("Prognos"), _("Avvikelse från bokslut")],
        rows=rows,
    )


INVESTMENT_KINDS: list[tuple[StrOrPromise, list[InvestmentItem]]] = [
    (gettext_lazy("Expansionsinvestering"), [InvestmentItem.EXPANSION]),
    (gettext_lazy("Imageinvestering"), [InvestmentItem.IMAGE]),
    (
        gettext_lazy("Reinvestering"),
        [InvestmentItem.FURNITURE, InvestmentItem.IT, InvestmentItem.VEHICLES, InvestmentItem.MACHINES],
    ),
    (gettext_lazy("Anpassningsinvestering"), [InvestmentItem.PREMISES]),
]
# Kinds that are a single line have no sub-rows in the table.
_SINGLE = {InvestmentItem.EXPANSION, InvestmentItem.IMAGE}


def investments_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    """Seed 002 shows the size of each deviation and difference without its sign (IT-utrustning:
    budget 150, bokslut 57, avvikelse 93), so the investment table does too."""
    current = {f.item: f for f in InvestmentFigure.objects.filter(namnd=namnd, year=year, period=period)}
    previous = {f.item: f for f in InvestmentFigure.objects.filter(namnd=namnd, year=year - 1, period=period)}

    def amounts(item: InvestmentItem) -> Amounts:
        now, before = current.get(item.value), previous.get(item.value)
        # A kind the ledger has no line for cost nothing: the seed shows 0, not "-".
        return Amounts(
            budget=now.budget_kr if now else ZERO,
            outcome=now.outcome_kr if now else ZERO,
            previous=before.outcome_kr if before else ZERO,
        )

    rows: list[Row] = []
    kinds = []
    for title, items in INVESTMENT_KINDS:
        parts = [amounts(item) for item in items]
        total = _sum(parts)
        kinds.append(total)
        rows.append(Row(str(title), total.cells(magnitude=True), kind="sum"))
        if items[0] not in _SINGLE:
            rows += [
                Row(f"- {item.label}", part.cells(magnitude=True)) for item, part in zip(items, parts, strict=True)
            ]
    rows.append(Row(_("Totala utgifter"), _sum(kinds).cells(magnitude=True), kind="sum"))
    return Table(
        key="investeringar",
        title=_("Investeringar"),
        columns=_headings(year, period, _("Belopp i tkr"), slash_space=False),
        rows=rows,
    )

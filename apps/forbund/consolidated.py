"""The förbund's consolidated statistics, built from what the executors have delivered: each
executor's delivery side by side with the förbund's sum, places used against agreed, and the
referrals per month by gender and referring party. Every table keeps the gender columns.

The förbund never sees more than was delivered: an executor's columns come from its frozen
delivery, and the förbund's sum is computed over the executors that have delivered, from their
registrations, with the same suppression of small counts as a delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.activera.deliveries import content_tables
from apps.activera.exports import units_of_forbund
from apps.activera.models import Delivery, DeliveryKind, Gender, ProgrammeUnit, ReferringParty
from apps.organisations.models import Organisation

from .models import Agreement

GENDER_LABELS = [str(g.label) for g in Gender]
NOT_DELIVERED = "ej inlämnad"


@dataclass
class Group:
    name: str
    columns: list[str]
    delivered: bool = True


@dataclass
class WideTable:
    """Rows of a variable; a group of columns per executor (its gender columns and total), then the
    förbund's group. None is a suppressed or undelivered cell."""

    key: str
    title: str
    groups: list[Group]
    row_labels: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    @property
    def flat_header(self) -> list[str]:
        return [f"{g.name} – {c}" for g in self.groups for c in g.columns]

    def body(self) -> list[tuple[str, list[Any]]]:
        return list(zip(self.row_labels, self.rows, strict=True))


def _table_parts(content: dict[str, Any]) -> list[dict[str, Any]]:
    """A delivery's tables in a fixed order, the tertial violence tables and progression included."""
    parts = list(content.get("tables", []))
    for tertial, table in content.get("violence", {}).items():
        parts.append({**table, "key": f"violence-{tertial}"})
    progression = content.get("progression")
    if isinstance(progression, list):
        parts.append(_progression_table("progression", "Progression: medelförändring per indikator", progression))
    elif isinstance(progression, dict):
        for tertial, rows in progression.items():
            parts.append(_progression_table(f"progression-{tertial}", f"Progression {tertial}: medelförändring", rows))
    return parts


def _progression_table(key: str, title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    genders = [g.value for g in Gender]
    return {
        "key": key,
        "title": title,
        "rows": [r["label"] for r in rows],
        "columns": GENDER_LABELS,
        "cells": [[r["by_gender"][g]["mean_change"] for g in genders] for r in rows],
        "row_totals": [r["by_gender"]["total"]["mean_change"] for r in rows],
    }


def _label(unit: ProgrammeUnit) -> str:
    return unit.unit.parent.name if unit.unit.parent else unit.unit.name


def deliveries_side_by_side(*, forbund: Organisation, kind: str, year: int, period: int) -> dict[str, Any]:
    units = units_of_forbund(forbund)
    delivered = {
        d.programme_unit_id: d
        for d in Delivery.objects.filter(programme_unit__in=units, kind=kind, year=year, period=period)
    }
    submitted_units = [u for u in units if u.pk in delivered]
    total_content = content_tables(submitted_units, kind, year, period) if submitted_units else None
    contents: list[tuple[str, dict[str, Any] | None]] = [
        (_label(u), delivered[u.pk].content if u.pk in delivered else None) for u in units
    ]
    contents.append(("Förbundet", total_content))
    template = next((c for _, c in contents if c is not None), None)
    tables: list[WideTable] = []
    if template is not None:
        for index, part in enumerate(_table_parts(template)):
            columns = [*part["columns"], "Totalt"]
            groups = []
            rows: list[list[Any]] = [[] for _ in part["rows"]]
            for name, content in contents:
                groups.append(Group(name, columns, delivered=content is not None))
                source = _table_parts(content)[index] if content is not None else None
                for r in range(len(part["rows"])):
                    if source is None:
                        rows[r].extend([None] * len(columns))
                    else:
                        rows[r].extend([*source["cells"][r], source["row_totals"][r]])
            tables.append(WideTable(part["key"], part["title"], groups, list(part["rows"]), rows))
    return {
        "kind": kind,
        "year": year,
        "period": period,
        "executors": [{"name": _label(u), "delivery": delivered.get(u.pk)} for u in units],
        "delivered_count": len(submitted_units),
        "tables": tables,
    }


def referrals_by_month(*, forbund: Organisation, year: int) -> list[WideTable]:
    """From the monthly deliveries: per month, and per referring party over the year, by gender,
    each municipality side by side and the förbund summed (monthly counts are delivered whole)."""
    units = units_of_forbund(forbund)
    deliveries = {
        (d.programme_unit_id, d.period): d.content["monthly"]
        for d in Delivery.objects.filter(programme_unit__in=units, kind=DeliveryKind.MONTHLY, year=year)
    }
    genders = [g.value for g in Gender]
    parties = list(ReferringParty)
    columns = [*GENDER_LABELS, "Totalt"]
    groups = [Group(_label(u), columns) for u in units] + [Group("Förbundet", columns)]

    def row_for(cells_of: Any) -> list[Any]:
        row: list[Any] = []
        total = [0] * len(genders)
        for unit in units:
            counts = cells_of(unit)
            if counts is None:
                row.extend([None] * len(columns))
                continue
            row.extend([*counts, sum(counts)])
            total = [a + b for a, b in zip(total, counts, strict=True)]
        row.extend([*total, sum(total)])
        return row

    def month_counts(month: int) -> Any:
        def of(unit: ProgrammeUnit) -> list[int] | None:
            data = deliveries.get((unit.pk, month))
            return [data["by_gender"][g] for g in genders] if data else None

        return of

    def party_counts(party: str) -> Any:
        def of(unit: ProgrammeUnit) -> list[int] | None:
            months = [deliveries[(unit.pk, m)] for m in range(1, 13) if (unit.pk, m) in deliveries]
            if not months:
                return None
            return [
                sum(c["count"] for data in months for c in data["cells"] if c["gender"] == g and c["party"] == party)
                for g in genders
            ]

        return of

    month_table = WideTable(
        "referrals_month",
        f"Intresseanmälningar per månad och kön {year}",
        groups,
        [f"{year}-{m:02d}" for m in range(1, 13)],
        [row_for(month_counts(m)) for m in range(1, 13)],
        note="Tomt: månaden är inte inlämnad. Förbundets summa avser de inlämnade månaderna.",
    )
    party_table = WideTable(
        "referrals_party",
        f"Intresseanmälningar per initierande part och kön {year}",
        groups,
        [str(p.label) for p in parties],
        [row_for(party_counts(p.value)) for p in parties],
        note="Summerat över de inlämnade månaderna.",
    )
    return [month_table, party_table]


def places_used(*, forbund: Organisation, year: int) -> WideTable:
    """Per executor: agreed places against participants during the year by gender, from the
    full-year delivery (the interim delivery until it is in)."""
    agreements = {a.programme_unit_id: a for a in Agreement.objects.filter(forbund=forbund, year=year)}
    units = units_of_forbund(forbund)
    latest: dict[int, Delivery] = {}
    for delivery in Delivery.objects.filter(
        programme_unit__in=units, year=year, kind__in=[DeliveryKind.INTERIM, DeliveryKind.ANNUAL]
    ):
        current = latest.get(delivery.programme_unit_id)
        if current is None or delivery.kind == DeliveryKind.ANNUAL:
            latest[delivery.programme_unit_id] = delivery
    columns = [
        "Avtalade platser",
        *GENDER_LABELS,
        "Deltagare totalt",
        "Högsta antal samtidigt",
        "Andel av platserna (%)",
        "Underlag",
    ]
    rows: list[list[Any]] = []
    labels = []
    sums = [0, 0, 0, 0, 0]
    for unit in units:
        agreement = agreements.get(unit.pk)
        agreed = agreement.places if agreement else None
        labels.append(_label(unit))
        if unit.pk not in latest:
            rows.append([agreed, None, None, None, None, None, None, NOT_DELIVERED])
            sums[0] += agreed or 0
            continue
        delivery = latest[unit.pk]
        tables = {t["key"]: t for t in delivery.content["tables"]}
        active = tables["participants"]["cells"][0]
        total = tables["participants"]["row_totals"][0]
        concurrent = tables["places"]["cells"][1][0]
        share = round(100 * total / agreed) if agreed and total is not None else None
        basis = "helår" if delivery.kind == DeliveryKind.ANNUAL else "delår jan–aug"
        rows.append([agreed, *active, total, concurrent, share, basis])
        sums = [
            sums[0] + (agreed or 0),
            *[s + (v or 0) for s, v in zip(sums[1:4], active, strict=True)],
            sums[4] + (total or 0),
        ]
    labels.append("Förbundet")
    rows.append([sums[0], *sums[1:4], sums[4], None, round(100 * sums[4] / sums[0]) if sums[0] else None, ""])
    return WideTable(
        "places_used",
        f"Platser: avtalade och använda {year}",
        [Group("", columns)],
        labels,
        rows,
        note="Deltagare under året enligt leveransen; förbundets summa avser de utförare som har lämnat in.",
    )

"""The förbund's consolidated statistics, built from what has been released to it: each executor's
delivery side by side with the förbund's sum, places used against agreed, and the referrals per
month by gender and referring party. Every table keeps the gender columns.

Only released figures are used (apps.activera.releases). A figure computed here from released
ones – a year's referrals summed over its months – is shown only when every figure it adds is
shown, so it never tells more than the released figures do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.activera.delivery_selectors import programme_of
from apps.activera.models import DeliveryKind, Gender, ReferringParty
from apps.activera.releases import released_period, unit_label
from apps.organisations.models import Organisation

from .models import Agreement

NOT_DELIVERED = gettext_lazy("ej publicerad")
FORBUND = gettext_lazy("Förbundet")


def _gender_labels() -> list[str]:
    return [str(g.label) for g in Gender]


@dataclass
class Group:
    name: str
    columns: list[str]
    delivered: bool = True


@dataclass
class WideTable:
    """Rows of a variable; a group of columns per executor (its gender columns and total), then the
    förbund's group. None is a suppressed or unreleased cell."""

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


def _added(values: Iterable[int | None]) -> int | None:
    """A sum of released figures, shown only when every one of them is."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _progression_parts(progression: dict[str, Any]) -> list[dict[str, Any]]:
    """The progression as three plain tables (measured, mean change, share improved)."""
    parts = []
    for name, title in (
        ("measured", _("Progression: mätta minst två gånger")),
        ("mean_change", _("Progression: medelförändring")),
        ("share_improved", _("Progression: andel som förbättrats")),
    ):
        parts.append(
            {
                "key": f"progression_{name}",
                "title": title,
                "rows": [r["label"] for r in progression["rows"]],
                "columns": progression["columns"],
                "cells": [[r["by_gender"][c][name] for c in progression["column_keys"]] for r in progression["rows"]],
                "row_totals": None,
                "column_totals": None,
            }
        )
    return parts


def _parts(content: dict[str, Any]) -> list[dict[str, Any]]:
    parts = list(content.get("tables", []))
    if content.get("progression"):
        parts += _progression_parts(content["progression"])
    return parts


def deliveries_side_by_side(*, forbund: Organisation, kind: str, year: int, period: int) -> dict[str, Any]:
    programme = programme_of(forbund)
    executors: list[dict[str, Any]] = []
    contents: list[tuple[str, dict[str, Any] | None]] = []
    total = None
    if programme is not None:
        released, total = released_period(programme, kind, year, period)
        for unit, delivery in released:
            executors.append({"name": unit_label(unit), "delivery": delivery})
            contents.append((unit_label(unit), delivery.content if delivery else None))
        contents.append((str(FORBUND), total.content if total else None))
    template = next((c for _name, c in contents if c is not None), None)
    tables: list[WideTable] = []
    if template is not None:
        for index, part in enumerate(_parts(template)):
            has_row_totals = part.get("row_totals") is not None
            has_column_totals = part.get("column_totals") is not None
            columns = [*part["columns"], *([_("Totalt")] if has_row_totals else [])]
            labels = [*part["rows"], *([_("Totalt")] if has_column_totals else [])]
            rows: list[list[Any]] = [[] for _ in labels]
            groups = []
            for name, content in contents:
                groups.append(Group(name, columns, delivered=content is not None))
                source = _parts(content)[index] if content is not None else None
                for r in range(len(labels)):
                    if source is None:
                        rows[r].extend([None] * len(columns))
                    elif r < len(part["rows"]):
                        rows[r].extend(source["cells"][r] + ([source["row_totals"][r]] if has_row_totals else []))
                    else:
                        rows[r].extend([*source["column_totals"], source.get("total")])
            tables.append(WideTable(part["key"], part["title"], groups, labels, rows, note=part.get("note", "")))
    return {
        "kind": kind,
        "year": year,
        "period": period,
        "executors": executors,
        "delivered_count": sum(1 for e in executors if e["delivery"] is not None),
        "total": total,
        "tables": tables,
    }


def referrals_by_month(*, forbund: Organisation, year: int) -> list[WideTable]:
    """From the released monthly deliveries: per month, and per referring party over the year, by
    gender, each municipality side by side and the förbund's sum."""
    programme = programme_of(forbund)
    columns = [*_gender_labels(), _("Totalt")]
    forbund_name = str(FORBUND)
    genders = [g.value for g in Gender]
    parties = list(ReferringParty)
    months: dict[int, tuple[list[Any], Any]] = {}
    names: list[str] = []
    if programme is not None:
        for month in range(1, 13):
            months[month] = released_period(programme, DeliveryKind.MONTHLY, year, month)
        # Every executor that ever owed a month of the year, in name order.
        seen: dict[str, None] = {}
        for executors, _total in months.values():
            for unit, _delivery in executors:
                seen.setdefault(unit_label(unit), None)
        names = list(seen)
    groups = [Group(name, columns) for name in names] + [Group(forbund_name, columns)]

    def content_of(month: int, name: str) -> dict[str, Any] | None:
        executors, total = months.get(month, ([], None))
        if name == forbund_name:
            return total.content if total else None
        for unit, delivery in executors:
            if unit_label(unit) == name:
                return delivery.content if delivery else None
        return None

    def table_of(content: dict[str, Any] | None) -> dict[str, Any] | None:
        if content is None:
            return None
        return next(t for t in content["tables"] if t["key"] == "monthly_referrals")

    month_rows = []
    for month in range(1, 13):
        row: list[Any] = []
        for group in groups:
            table = table_of(content_of(month, group.name))
            row.extend([*table["column_totals"], table["total"]] if table else [None] * len(columns))
        month_rows.append(row)
    party_rows = []
    for index, _party in enumerate(parties):
        row = []
        for group in groups:
            released = [t for t in (table_of(content_of(m, group.name)) for m in range(1, 13)) if t is not None]
            if not released:
                row.extend([None] * len(columns))
                continue
            per_gender = [_added(t["cells"][index][g] for t in released) for g in range(len(genders))]
            row.extend([*per_gender, _added(t["row_totals"][index] for t in released)])
        party_rows.append(row)
    return [
        WideTable(
            "referrals_month",
            _("Intresseanmälningar per månad och kön %(year)s") % {"year": year},
            groups,
            [f"{capfirst(MONTHS[m])} {year}" for m in range(1, 13)],
            month_rows,
            note=_("– = månaden är inte publicerad, eller ett litet antal som inte visas."),
        ),
        WideTable(
            "referrals_party",
            _("Intresseanmälningar per initierande part och kön %(year)s") % {"year": year},
            groups,
            [str(p.label) for p in parties],
            party_rows,
            note=_("Summerat över de publicerade månaderna; – där någon av månaderna har ett dolt antal."),
        ),
    ]


def places_used(*, forbund: Organisation, year: int) -> WideTable:
    """Per executor: agreed places against participants during the year by gender, from the
    full-year delivery (the interim delivery until it is released)."""
    programme = programme_of(forbund)
    agreements = {a.programme_unit_id: a for a in Agreement.objects.filter(forbund=forbund, year=year)}
    columns = [
        _("Avtalade platser"),
        *_gender_labels(),
        _("Deltagare totalt"),
        _("Högsta antal samtidigt"),
        _("Andel av platserna (%)"),
        _("Underlag"),
    ]
    labels: list[str] = []
    rows: list[list[Any]] = []

    def table(**extra: Any) -> WideTable:
        title = _("Platser: avtalade och använda %(year)s") % {"year": year}
        return WideTable("places_used", title, [Group("", columns)], labels, rows, **extra)

    if programme is None:
        return table()
    annual = released_period(programme, DeliveryKind.ANNUAL, year, 0)
    interim = released_period(programme, DeliveryKind.INTERIM, year, 0)
    basis = {DeliveryKind.ANNUAL: _("helår"), DeliveryKind.INTERIM: _("delår jan–aug")}

    def figures(content: dict[str, Any]) -> tuple[list[Any], Any, Any]:
        tables = {t["key"]: t for t in content["tables"]}
        participants = tables["participants"]
        return participants["cells"][0], participants["row_totals"][0], tables["places"]["cells"][1][0]

    interim_by_unit = dict(interim[0])
    for unit, delivery in annual[0]:
        labels.append(unit_label(unit))
        agreed = agreements[unit.pk].places if unit.pk in agreements else None
        chosen, kind = (
            (delivery, DeliveryKind.ANNUAL) if delivery else (interim_by_unit.get(unit), DeliveryKind.INTERIM)
        )
        if chosen is None:
            rows.append([agreed, None, None, None, None, None, None, str(NOT_DELIVERED)])
            continue
        active, total, concurrent = figures(chosen.content)
        share = round(100 * total / agreed) if agreed and total is not None else None
        rows.append([agreed, *active, total, concurrent, share, basis[kind]])
    release, kind = (annual[1], DeliveryKind.ANNUAL) if annual[1] else (interim[1], DeliveryKind.INTERIM)
    labels.append(str(FORBUND))
    if release is None:
        rows.append([None, None, None, None, None, None, None, str(NOT_DELIVERED)])
    else:
        included = {d.programme_unit_id for d in release.deliveries.all()}
        agreed_total = sum(a.places for unit_id, a in agreements.items() if unit_id in included)
        active, total, concurrent = figures(release.content)
        share = round(100 * total / agreed_total) if agreed_total and total is not None else None
        rows.append([agreed_total, *active, total, concurrent, share, basis[kind]])
    return table(
        note=_(
            "Deltagare under året enligt den publicerade leveransen. Förbundets rad avser de utförare som ingår "
            "i förbundets summa, och andelen räknas mot deras avtalade platser."
        ),
    )

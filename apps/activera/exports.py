"""Reports as JSON, XLSX and PDF, for one municipality or the whole förbund side by side."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from apps.organisations.models import Organisation, OrganisationKind
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .models import ProgrammeUnit
from .reports import Table, due_date, period_bounds, period_statistics, tertial_progression, tertial_violence


def units_of(municipality: Organisation) -> list[ProgrammeUnit]:
    return list(ProgrammeUnit.objects.filter(unit__parent=municipality).select_related("programme", "unit__parent"))


def units_of_forbund(forbund: Organisation) -> list[ProgrammeUnit]:
    return list(
        ProgrammeUnit.objects.filter(programme__forbund=forbund)
        .select_related("programme", "unit__parent")
        .order_by("unit__parent__name")
    )


def _section(units: list[ProgrammeUnit], kind: str, year: int) -> dict[str, Any]:
    start, end = period_bounds(kind, year)
    tertials = [1, 2] if kind == "interim" else [1, 2, 3]
    return {
        "tables": [t.as_json() for t in period_statistics(units, start, end)],
        "progression": {f"T{t}": tertial_progression(units, year, t) for t in tertials},
        "violence": {f"T{t}": tertial_violence(units, year, t).as_json() for t in tertials},
    }


def period_report(
    *, kind: str, year: int, municipality: Organisation | None = None, forbund: Organisation | None = None
) -> dict[str, Any]:
    start, end = period_bounds(kind, year)
    base = {
        "kind": kind,
        "year": year,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "due": due_date(kind, year).isoformat(),
    }
    if municipality is not None:
        return {**base, "municipality": municipality.slug, **_section(units_of(municipality), kind, year)}
    assert forbund is not None
    units = units_of_forbund(forbund)
    return {
        **base,
        "forbund": forbund.slug,
        "municipalities": [
            {
                "municipality": unit.unit.parent.slug if unit.unit.parent else "",
                "name": unit.unit.parent.name if unit.unit.parent else "",
                **_section([unit], kind, year),
            }
            for unit in units
        ],
        "total": _section(units, kind, year),
    }


def _sheet_from_table(prefix: str, table: dict[str, Any]) -> Sheet:
    header = ["", *table["columns"], "Totalt"]
    rows: list[list[Value]] = [
        [label, *[("–" if v is None else v) for v in cells], "–" if total is None else total]
        for label, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True)
    ]
    rows.append(
        [
            "Totalt",
            *[("–" if v is None else v) for v in table["column_totals"]],
            "–" if table["total"] is None else table["total"],
        ]
    )
    return Sheet(f"{prefix}{table['title']}"[:31], header, rows)


def period_xlsx(data: dict[str, Any]) -> bytes:
    sections = (
        [("", data)]
        if "tables" in data
        else [*[(f"{m['municipality'][:3].upper()} ", m) for m in data["municipalities"]], ("Alla ", data["total"])]
    )
    sheets = []
    for prefix, section in sections:
        for table in section["tables"]:
            sheets.append(_sheet_from_table(prefix, table))
        for tertial, table in section["violence"].items():
            sheets.append(_sheet_from_table(f"{prefix}{tertial} ", table))
    # lib.spreadsheet makes the titles valid and unique.
    return workbook_bytes(sheets)


def period_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("activera/report_print.html", {"data": data})
    return bytes(HTML(string=html).write_pdf())


def forbund_of_slug(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug, kind=OrganisationKind.FORBUND)


def table_from_json(data: dict[str, Any]) -> Table:
    return Table(
        data["key"],
        data["title"],
        data["rows"],
        data["columns"],
        data["cells"],
        data["row_totals"],
        data["column_totals"],
        data["total"],
        data["suppressed"],
    )

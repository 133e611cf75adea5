"""Files of a delivery's content and of a whole period (every executor and the förbund's sum):
XLSX, PDF and JSON, from the stored content only, so a file says exactly what the page says."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.organisations.models import Organisation
from lib.spreadsheet import Sheet, Value, workbook_bytes

# units_of and forbund_of_slug are read in delivery_selectors; the management command finds them here.
from .delivery_selectors import forbund_of_slug as forbund_of_slug
from .delivery_selectors import programme_of
from .delivery_selectors import units_of as units_of
from .models import DeliveryKind
from .presentation import KIND_TITLES, UNPROTECTED_NOTE, localised
from .releases import period_label, released_period, unit_label

NOTHING_DELIVERED = gettext_lazy("Inga inlämnade leveranser för perioden.")


def period_report(*, forbund: Organisation, kind: str, year: int, period: int = 0) -> dict[str, Any]:
    """A period as the förbund has it: each executor's released delivery and the förbund's sum, in
    the reader's language."""
    programme = programme_of(forbund)
    sections: list[dict[str, Any]] = []
    total = None
    if programme is not None:
        executors, released = released_period(programme, kind, year, period)
        for unit, delivery in executors:
            sections.append(
                {
                    "name": unit_label(unit),
                    "unit": unit.unit.slug,
                    "content": localised(delivery.content) if delivery else None,
                }
            )
        total = localised(released.content) if released else None
    return {
        "kind": kind,
        "kind_label": str(DeliveryKind(kind).label),
        "kind_title": str(KIND_TITLES[DeliveryKind(kind)]),
        "year": year,
        "period": period,
        "period_label": period_label(kind, year, period),
        "forbund": forbund.slug,
        "forbund_name": forbund.name,
        "sections": sections,
        "total": total,
        "delivered": sum(1 for s in sections if s["content"] is not None),
    }


def _table_sheets(prefix: str, content: dict[str, Any]) -> list[Sheet]:
    from .deliveries import progression_headers

    content = localised(content) or {}
    total_label = _("Totalt")
    sheets = []
    for table in content.get("tables", []):
        has_rows = table.get("row_totals") is not None
        header = ["", *table["columns"], *([total_label] if has_rows else [])]
        rows: list[list[Value]] = []
        for r, label in enumerate(table["rows"]):
            cells: list[Value] = ["–" if v is None else v for v in table["cells"][r]]
            if has_rows:
                cells.append("–" if table["row_totals"][r] is None else table["row_totals"][r])
            rows.append([label, *cells])
        if table.get("column_totals") is not None:
            totals: list[Value] = ["–" if v is None else v for v in table["column_totals"]]
            rows.append([total_label, *totals, "–" if table.get("total") is None else table["total"]])
        if table.get("note"):
            rows.append([table["note"]])
        if table.get("unprotected"):
            rows.append([_(UNPROTECTED_NOTE)])
        sheets.append(Sheet(f"{prefix}{table['title']}", header, rows))
    progression = content.get("progression")
    if progression:
        header = [_("Indikator")]
        for label in progression["columns"]:
            header += progression_headers(label)
        prows: list[list[Value]] = []
        for row in progression["rows"]:
            values: list[Value] = [row["label"]]
            for column in progression["column_keys"]:
                figures = row["by_gender"][column]
                values += [
                    "–" if figures[k] is None else figures[k] for k in ("measured", "mean_change", "share_improved")
                ]
            prows.append(values)
        sheets.append(Sheet(f"{prefix}{_('Progression')}", header, prows))
    if content.get("narrative"):
        narrative = _("Verksamhetsberättelse")
        sheets.append(Sheet(f"{prefix}{narrative}", [narrative], [[content["narrative"]]]))
    return sheets


def content_xlsx(content: dict[str, Any]) -> bytes:
    return workbook_bytes(_table_sheets("", content), empty_message=str(NOTHING_DELIVERED))


def report_xlsx(report: dict[str, Any]) -> bytes:
    sheets: list[Sheet] = []
    for section in report["sections"]:
        if section["content"] is not None:
            sheets += _table_sheets(f"{section['name'][:3].upper()} ", section["content"])
    if report.get("total"):
        sheets = _table_sheets(_("Förbundet") + " ", report["total"]) + sheets
    # lib.spreadsheet makes the titles valid and unique.
    return workbook_bytes(sheets, empty_message=str(NOTHING_DELIVERED))


def report_csv(report: dict[str, Any]) -> bytes:
    """The period as the förbund has it: its sum, then each executor, each as a delivery's CSV."""
    from .deliveries import content_csv

    parts = []
    if report.get("total"):
        parts.append(f"{report['kind_title']} – {report['period_label']}\n\n".encode())
        names = ", ".join(report["total"].get("unit_names", []))
        parts.append((_("Förbundet (%(names)s)") % {"names": names} + "\n").encode())
        parts.append(content_csv(report["total"]).removeprefix(b"\xef\xbb\xbf"))
    for section in report["sections"]:
        parts.append(f"{section['name']}\n".encode())
        if section["content"] is None:
            parts.append((_("Ej publicerad.") + "\n\n").encode())
        else:
            parts.append(content_csv(section["content"]).removeprefix(b"\xef\xbb\xbf"))
    if not report["sections"] and not report.get("total"):
        parts.append(f"{NOTHING_DELIVERED}\n".encode())
    return b"\xef\xbb\xbf" + b"".join(parts)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    # The letterhead's issuer: a unit's delivery goes out in its municipality's name, the
    # förbund's compilation in the förbund's.
    data = context["report"] or context["content"] or {}
    issuer_name = data.get("municipality_name") or data.get("forbund_name") or ""
    return bytes(HTML(string=render_to_string(template, {**context, "issuer_name": issuer_name})).write_pdf())


def content_pdf(content: dict[str, Any], user: Any = None) -> bytes:
    """`user`: who downloads it, the letterhead's handläggare (none from the command line)."""
    return _pdf("activera/report_print.html", {"report": None, "content": localised(content), "handlaggare": user})


def report_pdf(report: dict[str, Any], user: Any = None) -> bytes:
    return _pdf("activera/report_print.html", {"report": report, "content": None, "handlaggare": user})

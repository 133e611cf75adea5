"""The förbund's documents: the consolidated statistics as XLSX and PDF, and an invoice as PDF."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lib.money import format_kronor
from lib.participation import tertial_bounds
from lib.spreadsheet import Sheet, Value, workbook_bytes

from .budget import BudgetOverview
from .consolidated import NOT_DELIVERED, WideTable
from .models import Invoice


def _cell(value: Any, delivered: bool) -> Value:
    if value is None:
        return "–" if delivered else str(NOT_DELIVERED)
    return value


def wide_tables_xlsx(tables: Sequence[WideTable]) -> bytes:
    # lib.spreadsheet makes the titles valid and unique.
    sheets = []
    for table in tables:
        delivered = [g.delivered for g in table.groups for _column in g.columns]
        rows: list[list[Value]] = [
            [label, *[_cell(v, d) for v, d in zip(row, delivered, strict=True)]] for label, row in table.body()
        ]
        if table.note:
            rows.append([table.note])
        sheets.append(Sheet(table.title, ["", *table.flat_header], rows))
    return workbook_bytes(sheets, empty_message=_("Inga inlämnade leveranser"))


def wide_tables_pdf(
    *, title: str, subtitle: str, tables: Sequence[WideTable], forbund: Any = None, user: Any = None
) -> bytes:
    """`forbund` and `user`: the letterhead's issuer and handläggare."""
    from weasyprint import HTML

    html = render_to_string(
        "forbund/statistics_print.html",
        {"title": title, "subtitle": subtitle, "tables": tables, "forbund": forbund, "handlaggare": user},
    )
    return bytes(HTML(string=html).write_pdf())


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    agreement = invoice.agreement
    start, end = tertial_bounds(agreement.year, invoice.tertial)
    municipality = agreement.programme_unit.unit.parent
    return {
        "invoice": invoice,
        "agreement": agreement,
        "forbund": agreement.forbund,
        "executor_party": agreement.executor_party,
        "executor_org_number": municipality.organisation_number if municipality else "",
        "programme": agreement.programme_unit.programme.name,
        "period_start": max(start, agreement.period_start),
        "period_end": min(end, agreement.period_end),
        "amount": format_kronor(invoice.amount),
        "max_amount": format_kronor(agreement.max_amount),
    }


def invoice_pdf(invoice: Invoice, user: Any = None) -> bytes:
    """`user`: who downloads it, the letterhead's handläggare."""
    from weasyprint import HTML

    html = render_to_string("forbund/invoice_print.html", {**invoice_context(invoice), "handlaggare": user})
    return bytes(HTML(string=html).write_pdf())


def budget_xlsx(overview: BudgetOverview) -> bytes:
    """The budget as the plan lays it out, and the financing split, in two sheets."""
    lines: list[list[Value]] = []
    for group in overview.groups:
        if not group.lines:
            continue
        lines.append([str(group.group.label), None, None])
        for line in group.lines:
            lines.append([line.label, line.amount, line.places])
        lines.append([_("Summa"), group.amount, group.places])
    lines += [
        [],
        [_("Medlemmarnas tilldelning"), overview.financing.total, None],
        [_("Ny drift, strukturövergripande och individinriktat"), -overview.operating_costs, None],
        [_("Utöver tilldelningen (belastar eget kapital)"), -overview.equity_costs, None],
        [_("Förändring av eget kapital"), overview.equity_change, None],
    ]
    financing: list[list[Value]] = [[c.label, c.share, c.population, c.amount] for c in overview.financing.rows]
    financing.append([_("Summa"), "", None, overview.financing.total])
    return workbook_bytes(
        [
            Sheet(
                _("Budget %(year)s") % {"year": overview.budget.year},
                [_("Post"), _("Belopp (kr)"), _("Platser (ca)")],
                lines,
            ),
            Sheet(_("Finansiering"), [_("Medlem"), _("Andel"), _("Folkmängd"), _("Belopp (kr)")], financing),
        ]
    )

"""Writes of the förbund's budget, agreements and invoices, one module each (budget, agreements,
invoices, and the förbund's threshold). Each runs in a transaction that also writes its audit row.
Callers import them from here."""

from .agreements import DEFAULT_DELIVERABLES, agreement_create, agreement_update
from .budget import (
    budget_copy,
    budget_create,
    budget_line_add,
    budget_line_delete,
    budget_load,
    budget_populations_set,
    budget_update,
)
from .common import require_economy_access
from .invoices import invoice_mark
from .threshold import forbund_threshold_set

__all__ = [
    "DEFAULT_DELIVERABLES",
    "agreement_create",
    "agreement_update",
    "budget_copy",
    "budget_create",
    "budget_line_add",
    "budget_line_delete",
    "budget_load",
    "budget_populations_set",
    "budget_update",
    "forbund_threshold_set",
    "invoice_mark",
    "require_economy_access",
]

"""Writes of the förbund's invoices: marking an agreement's tertial invoice sent and paid, with its
audit row."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from insyn.errors import Conflict, ValidationFailed

from ..models import Invoice, InvoiceStatus
from .common import audit, require_economy_access


def invoice_mark(
    *,
    actor: User | None,
    invoice: Invoice,
    status: str,
    on_date: datetime.date,
    context: AuditContext | None = None,
) -> Invoice:
    """to send → sent (with the date sent) → paid (with the date paid, not before it was sent)."""
    require_economy_access(actor, invoice.agreement.forbund)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if status == InvoiceStatus.SENT and invoice.status == InvoiceStatus.TO_SEND:
            invoice.sent_on = on_date
        elif status == InvoiceStatus.PAID and invoice.status == InvoiceStatus.SENT:
            if invoice.sent_on and on_date < invoice.sent_on:
                raise ValidationFailed(
                    _("Fel datum."), fields={"on_date": [_("Betald kan inte vara före den dag fakturan skickades.")]}
                )
            invoice.paid_on = on_date
        else:
            current = InvoiceStatus(invoice.status).label
            raise Conflict(_("Fakturan är %(status)s och kan inte markeras så.") % {"status": str(current).lower()})
        invoice.status = status
        invoice.save()
        audit(
            actor,
            AuditAction.INVOICE_CHANGE,
            object_type="invoice",
            object_id=str(invoice.pk),
            context=context,
            details={"status": status, "date": on_date.isoformat()},
        )
    return invoice

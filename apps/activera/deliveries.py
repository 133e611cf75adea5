"""Deliveries to the förbund: what each contains, and submitting (freezing) them."""

from __future__ import annotations

import calendar
import csv
import datetime
import io
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from insyn.errors import Conflict, ValidationFailed
from lib.participation import tertial_bounds
from lib.spreadsheet import safe_text

from .models import Delivery, DeliveryKind, Narrative, ProgrammeUnit
from .reports import (
    due_date,
    monthly_referrals,
    monthly_table,
    period_bounds,
    period_statistics,
    tertial_progression,
    tertial_violence,
)
from .services import municipality_of_unit, require_unit_access


def period_end(kind: str, year: int, period: int) -> datetime.date:
    if kind == DeliveryKind.MONTHLY:
        return datetime.date(year, period, calendar.monthrange(year, period)[1])
    if kind == DeliveryKind.TERTIAL:
        return tertial_bounds(year, period)[1]
    return period_bounds(kind, year)[1]


def validate_period(kind: str, year: int, period: int) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in DeliveryKind.values:
        errors["kind"] = ["Välj leverans."]
    elif kind == DeliveryKind.MONTHLY and not 1 <= period <= 12:
        errors["period"] = ["Välj månad 1–12."]
    elif kind == DeliveryKind.TERTIAL and not 1 <= period <= 3:
        errors["period"] = ["Välj tertial 1–3."]
    elif kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL) and period != 0:
        errors["period"] = ["Del- och helår har ingen månad eller tertial."]
    if not 2000 <= year <= 2100:
        errors["year"] = ["Ange år."]
    if errors:
        raise ValidationFailed("Fel period.", fields=errors)


def delivery_content(unit: ProgrammeUnit, kind: str, year: int, period: int) -> dict[str, Any]:
    """The delivery as the förbund will see it: municipality, period, tables; never a name."""
    validate_period(kind, year, period)
    municipality = municipality_of_unit(unit)
    base: dict[str, Any] = {
        "municipality": municipality.slug,
        "unit": unit.unit.slug,
        "kind": kind,
        "year": year,
        "period": period,
    }
    if kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        narrative = Narrative.objects.filter(programme_unit=unit, kind=kind, year=year).first()
        base["due"] = due_date(kind, year).isoformat()
        base["narrative"] = narrative.text if narrative else ""
    return {**base, **content_tables([unit], kind, year, period)}


def content_tables(units: list[ProgrammeUnit], kind: str, year: int, period: int) -> dict[str, Any]:
    """The tables of a delivery, for one executor or summed over several (the förbund's total)."""
    if kind == DeliveryKind.MONTHLY:
        monthly = monthly_referrals(units, year, period)
        return {"monthly": monthly, "tables": [monthly_table(monthly).as_json()]}
    if kind == DeliveryKind.TERTIAL:
        return {
            "progression": tertial_progression(units, year, period),
            "tables": [tertial_violence(units, year, period).as_json()],
        }
    start, end = period_bounds(kind, year)
    tertials = [1, 2] if kind == DeliveryKind.INTERIM else [1, 2, 3]
    return {
        "tables": [t.as_json() for t in period_statistics(units, start, end)],
        "progression": {f"T{t}": tertial_progression(units, year, t) for t in tertials},
        "violence": {f"T{t}": tertial_violence(units, year, t).as_json() for t in tertials},
    }


def narrative_save(
    *, actor: User, unit: ProgrammeUnit, kind: str, year: int, text: str, request: HttpRequest | None = None
) -> Narrative:
    require_unit_access(actor, unit)
    if kind not in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        raise ValidationFailed("Fel leverans.", fields={"kind": ["Verksamhetsberättelsen hör till del- och helår."]})
    if Delivery.objects.filter(programme_unit=unit, kind=kind, year=year).exists():
        raise Conflict("Leveransen är redan inlämnad; berättelsen kan inte ändras.")
    with transaction.atomic():
        narrative, _ = Narrative.objects.update_or_create(
            programme_unit=unit, kind=kind, year=year, defaults={"text": text.strip()}
        )
        audit_record(
            actor=actor,
            action=AuditAction.DELIVERY_CHANGE,
            request=request,
            object_type="narrative",
            object_id=f"{kind}-{year}",
            municipality_slug=municipality_of_unit(unit).slug,
        )
    return narrative


def delivery_submit(
    *,
    actor: User,
    unit: ProgrammeUnit,
    kind: str,
    year: int,
    period: int,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> Delivery:
    """Freeze the delivery as it is now and show it to the förbund."""
    require_unit_access(actor, unit)
    validate_period(kind, year, period)
    end = period_end(kind, year, period)
    if end >= (today or timezone.localdate()):
        raise ValidationFailed(
            "Perioden är inte slut.", fields={"period": [f"Perioden är slut först {end.isoformat()}."]}
        )
    content = delivery_content(unit, kind, year, period)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                programme_unit=unit,
                kind=kind,
                year=year,
                period=period,
                content=content,
                submitted_at=timezone.now(),
                submitted_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.DELIVERY_SUBMIT,
                request=request,
                object_type="delivery",
                object_id=str(delivery.pk),
                municipality_slug=municipality_of_unit(unit).slug,
                details={"kind": kind, "year": year, "period": period},
            )
    except IntegrityError as exc:
        raise Conflict("Leveransen för perioden är redan inlämnad.") from exc
    return delivery


def content_csv(content: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    tables = list(content.get("tables", [])) + list(content.get("violence", {}).values())
    for table in tables:
        writer.writerow([safe_text(table["title"])])
        writer.writerow(["", *[safe_text(column) for column in table["columns"]], "Totalt"])
        for label, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True):
            values = ["–" if v is None else v for v in cells]
            writer.writerow([safe_text(label), *values, "–" if total is None else total])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

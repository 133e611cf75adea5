"""Permission-aware reads of the deliveries to the förbund and of what has been released to it:
the executor reaches the deliveries of its own units, the förbund's office only what has been
released to it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.organisations.models import Organisation, OrganisationKind

from .models import Delivery, DeliveryKind, ForbundRelease, Programme, ProgrammeUnit
from .selectors import forbund_programmes, units_for_user

# --- Units and programmes ------------------------------------------------------------------------


def units_of(municipality: Organisation) -> list[ProgrammeUnit]:
    return list(ProgrammeUnit.objects.filter(unit__parent=municipality).select_related("programme", "unit__parent"))


def forbund_of_slug(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug, kind=OrganisationKind.FORBUND)


def programme_of(forbund: Organisation) -> Programme | None:
    return Programme.objects.filter(forbund=forbund).select_related("forbund").order_by("pk").first()


# --- Deliveries ----------------------------------------------------------------------------------


def deliveries_of_units(units: Iterable[ProgrammeUnit]) -> QuerySet[Delivery]:
    """The deliveries the executor has submitted for `units` (its own, from units_for_user)."""
    return Delivery.objects.filter(programme_unit__in=units).select_related("programme_unit__unit")


def submitted_delivery(unit: ProgrammeUnit, kind: str, year: int, period: int) -> Delivery | None:
    return Delivery.objects.filter(programme_unit=unit, kind=kind, year=year, period=period).first()


def get_delivery_for_user(user: User, delivery_id: int, *, forbund_view: bool = False) -> Delivery:
    """A delivery of one of the user's units or, with `forbund_view`, one released to the förbund
    whose office the user works in. Http404 for anyone else, and for the förbund before release."""
    if forbund_view:
        deliveries = Delivery.objects.filter(
            programme_unit__programme__in=forbund_programmes(user), released_at__isnull=False
        )
    else:
        deliveries = Delivery.objects.filter(programme_unit__in=units_for_user(user))
    return get_object_or_404(deliveries.select_related("programme_unit__unit"), pk=delivery_id)


def released_deliveries(programmes: list[Programme]) -> QuerySet[Delivery]:
    """What has been released to the förbund, the latest period first."""
    return (
        Delivery.objects.filter(programme_unit__programme__in=programmes, released_at__isnull=False)
        .select_related("programme_unit__unit__parent")
        .order_by("-year", "-period", "kind", "programme_unit__unit__parent__name")  # i18n: data
    )


def waiting_deliveries(programmes: list[Programme]) -> QuerySet[Delivery]:
    """Submitted but not yet released: the förbund sees only who has delivered, not the content."""
    return (
        Delivery.objects.filter(programme_unit__programme__in=programmes, released_at__isnull=True)
        .select_related("programme_unit__unit__parent")
        .order_by("kind", "year", "period")
    )


def submitted_by_period(unit_years: Iterable[tuple[int, int]]) -> dict[tuple[int, str, int, int], Delivery]:
    """The deliveries of each (programme unit id, year), by (unit id, kind, year, period). One query."""
    condition = Q(pk__in=[])
    for unit_id, year in unit_years:
        condition |= Q(programme_unit_id=unit_id, year=year)
    return {
        (d.programme_unit_id, d.kind, d.year, d.period): d
        for d in Delivery.objects.filter(condition).only(
            "pk", "programme_unit_id", "kind", "year", "period", "submitted_at"
        )
    }


# --- Releases ------------------------------------------------------------------------------------


def latest_report_release(programme: Programme) -> ForbundRelease | None:
    """The latest released interim or annual period of the programme."""
    return (
        ForbundRelease.objects.filter(programme=programme, kind__in=[DeliveryKind.INTERIM, DeliveryKind.ANNUAL])
        .order_by("-year", "-kind")
        .first()
    )


def release_of(programme: Programme, kind: str, year: int, period: int) -> ForbundRelease | None:
    return ForbundRelease.objects.filter(programme=programme, kind=kind, year=year, period=period).first()

"""What leaves the municipality, and when.

A delivery is frozen when the executor submits it: its raw counts as they were that day
(`Delivery.raw`, never shown outside the municipality). The förbund sees nothing of it yet. A
period is **released** – every delivery of it together with the förbund's sum – once every
executor owing the period has delivered, or when the office closes the period over those that
have. Suppression is then decided jointly (lib.disclosure) over every figure the förbund has and
gets: each executor's cells and totals, the sum, and the other periods those figures relate to
(the interim and the year, one year and the next). What was released before stays as it was; a
delivery that comes in after its period was released is published on its own and stays outside
the sum.

Nothing the förbund sees changes afterwards: a questionnaire or a record added to a delivered
period is counted in the next delivery that covers it (the year after the interim, the next
tertial for late questionnaires), never in the one already released.

The förbund's violence counts are exact (the national system wants the förbund's numbers), and
every executor's counts are protected against them; when no protection is possible with an exact
sum (a single executor, say), the sum is protected like every other figure.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.participation import tertial_bounds

from .due import due_header
from .figures import RawTable as Raw
from .figures import Release, UnitPeriod, decide_releases
from .models import Delivery, DeliveryKind, DeliveryTerms, ForbundRelease, Programme, ProgrammeUnit
from .presentation import build_content
from .reports import (
    monthly_counts,
    period_bounds,
    period_tables,
    progression_counts,
    violence_counts,
)

TERTIAL_MONTHS = {
    1: gettext_lazy("januari–april"),
    2: gettext_lazy("maj–augusti"),
    3: gettext_lazy("september–december"),
}
# Month names as a period is named in running text ("mars 2026"): Django's, in the reader's language.


def period_label(kind: str, year: int, period: int) -> str:
    """The period in words, in the active language (stored contents hold the Swedish)."""
    if kind == DeliveryKind.MONTHLY:
        return _("%(month)s %(year)s") % {"month": MONTHS[period], "year": year}
    if kind == DeliveryKind.TERTIAL:
        return _("tertial %(period)s %(year)s (%(months)s)") % {
            "period": period,
            "year": year,
            "months": TERTIAL_MONTHS[period],
        }
    if kind == DeliveryKind.INTERIM:
        return _("januari–augusti %(year)s") % {"year": year}
    return _("helåret %(year)s") % {"year": year}


def period_dates(kind: str, year: int, period: int) -> tuple[datetime.date, datetime.date]:
    if kind == DeliveryKind.MONTHLY:
        return datetime.date(year, period, 1), datetime.date(year, period, calendar.monthrange(year, period)[1])
    if kind == DeliveryKind.TERTIAL:
        return tertial_bounds(year, period)
    return period_bounds(kind, year)


def threshold_for(programme: Programme) -> int:
    """The förbund's own threshold, else the deployment's."""
    return programme.forbund.suppression_threshold or settings.INSYN_SUPPRESSION_THRESHOLD


def owing_units(programme: Programme, kind: str, year: int, period: int) -> list[ProgrammeUnit]:
    """The executors whose agreement period overlaps the delivery's period."""
    start, end = period_dates(kind, year, period)
    return list(
        programme.units.filter(period_start__lte=end, period_end__gte=start)
        .select_related("unit__parent")
        .order_by("unit__parent__name", "pk")
    )


def unprotected_tables(unit: ProgrammeUnit, kind: str, year: int) -> list[str]:
    """Tables the executor's agreement explicitly asks for without protection of small counts."""
    if kind != DeliveryKind.MONTHLY:
        return []
    terms = DeliveryTerms.objects.filter(programme_unit=unit, year=year).first()
    return ["monthly_referrals"] if terms is not None and terms.monthly_unprotected else []


# --- Raw counts -------------------------------------------------------------------------------


def raw_delivery(unit: ProgrammeUnit, kind: str, year: int, period: int) -> dict[str, Any]:
    """The counts a delivery is made of, as they are now (inside the municipality only)."""
    units = [unit]
    if kind == DeliveryKind.MONTHLY:
        return {"tables": {"monthly_referrals": monthly_counts(units, year, period).as_json()}}
    if kind == DeliveryKind.TERTIAL:
        tables = {"violence": violence_counts(units, year, period), **progression_counts(units, year, period)}
        return {"tables": {key: t.as_json() for key, t in tables.items()}}
    start, end = period_bounds(kind, year)
    return period_tables(units, start, end).as_json()


def _sum_table(tables: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One table summed over executors, cell by cell by row and column label: executors frozen on
    different days may list different rows (a municipality that joined the förbund in between)."""
    first = tables[0]
    if all(t["rows"] == first["rows"] and t["columns"] == first["columns"] for t in tables):
        # The usual case: every executor lists the same rows and columns.
        cells = [
            [sum(column) for column in zip(*rows, strict=True)]
            for rows in zip(*(t["cells"] for t in tables), strict=True)
        ]
        return {**first, "cells": cells}
    rows = list(dict.fromkeys(row for table in tables for row in table["rows"]))
    columns = list(dict.fromkeys(column for table in tables for column in table["columns"]))
    at_row = {row: r for r, row in enumerate(rows)}
    at_column = {column: c for c, column in enumerate(columns)}
    cells = [[0] * len(columns) for _row in rows]
    for table in tables:
        places = [at_column[column] for column in table["columns"]]
        for row, values in zip(table["rows"], table["cells"], strict=True):
            target = cells[at_row[row]]
            for c, n in zip(places, values, strict=True):
                target[c] += n
    return {**first, "rows": rows, "columns": columns, "cells": cells}


def sum_raw(raws: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The förbund's raw counts: every executor's summed, cell by cell (and week by week)."""
    first = raws[0]
    keys = list(dict.fromkeys(key for raw in raws for key in raw["tables"]))
    tables = {key: _sum_table([raw["tables"][key] for raw in raws if key in raw["tables"]]) for key in keys}
    result: dict[str, Any] = {"tables": tables}
    if "places" in first:
        result["places"] = sum(raw["places"] for raw in raws)
        result["weekly_active"] = [sum(values) for values in zip(*(raw["weekly_active"] for raw in raws), strict=True)]
        days: dict[str, Counter[str]] = {}
        for raw in raws:
            for gender, histogram in raw["days"].items():
                days.setdefault(gender, Counter()).update(histogram)
        result["days"] = {gender: dict(histogram) for gender, histogram in days.items()}
    return result


# --- Releasing --------------------------------------------------------------------------------


def _family(kind: str, year: int, period: int) -> Q:
    """Deliveries whose figures can relate to this period's: the same month or tertial, or every
    interim and full year (they relate across years through those carried over)."""
    if kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        return Q(kind__in=[DeliveryKind.INTERIM, DeliveryKind.ANNUAL])
    return Q(kind=kind, year=year, period=period)


def _tables(raw: dict[str, Any]) -> dict[str, Raw]:
    return {key: Raw.from_json(t) for key, t in raw["tables"].items()}


def _unit_ident(delivery: Delivery) -> tuple[Any, ...]:
    return ("unit", delivery.programme_unit_id, delivery.kind, delivery.year, delivery.period)


def _sum_ident(kind: str, year: int, period: int) -> tuple[Any, ...]:
    return ("forbund", kind, year, period)


def _unit_release(delivery: Delivery, *, hidden: set[tuple[str, str, str]] | None) -> Release:
    return Release(
        ident=_unit_ident(delivery),
        period=(delivery.kind, delivery.year, delivery.period),
        units=(delivery.programme_unit_id,),
        tables=_tables(delivery.raw),
        hidden=hidden,
        unprotected=frozenset(delivery.raw.get("unprotected", [])),
    )


def _unit_period(delivery: Delivery) -> UnitPeriod:
    return UnitPeriod(
        delivery.programme_unit_id, (delivery.kind, delivery.year, delivery.period), _tables(delivery.raw)
    )


def _as_cells(hidden: Iterable[Any]) -> set[tuple[str, str, str]]:
    return {(str(h[0]), str(h[1]), str(h[2])) for h in hidden}


def _published(programme: Programme, kind: str, year: int, period: int) -> tuple[list[Release], list[UnitPeriod]]:
    """Everything already released in the period's family, as the förbund has it."""
    family = _family(kind, year, period)
    released = list(
        Delivery.objects.filter(family, programme_unit__programme=programme, released_at__isnull=False)
        .exclude(raw={})
        .order_by("pk")
    )
    releases = [_unit_release(d, hidden=_as_cells(d.hidden)) for d in released]
    unit_periods = [_unit_period(d) for d in released]
    for release in ForbundRelease.objects.filter(family, programme=programme).prefetch_related("deliveries"):
        units = tuple(sorted(d.programme_unit_id for d in release.deliveries.all()))
        releases.append(
            Release(
                ident=_sum_ident(release.kind, release.year, release.period),
                period=(release.kind, release.year, release.period),
                units=units,
                tables=_tables(release.raw),
                hidden=_as_cells(release.hidden),
            )
        )
    return releases, unit_periods


def _scale_range(programme: Programme) -> int:
    return programme.scale_max - programme.scale_min


def _unit_header(delivery: Delivery) -> dict[str, Any]:
    unit = delivery.programme_unit
    municipality = unit.unit.parent
    header: dict[str, Any] = {
        "unit": unit.unit.slug,
        "unit_name": unit.unit.name,
        "municipality": municipality.slug if municipality else "",
        "municipality_name": municipality.name if municipality else "",
        "period_label": period_label(delivery.kind, delivery.year, delivery.period),
        "submitted_on": timezone.localdate(delivery.submitted_at).isoformat(),
        # Every kind: the agreement's due date, none where the agreement sets none (apps.activera.due).
        **due_header(unit, delivery.kind, delivery.year, delivery.period),
    }
    if delivery.kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        header["narrative"] = delivery.raw.get("narrative", "")
    return header


def _store_unit(delivery: Delivery, hidden: set[tuple[str, str, str]], now: datetime.datetime) -> None:
    programme = delivery.programme_unit.programme
    delivery.hidden = sorted([list(h) for h in hidden])
    delivery.content = build_content(
        programme=programme,
        kind=delivery.kind,
        year=delivery.year,
        period=delivery.period,
        raw=delivery.raw,
        hidden=hidden,
        threshold=threshold_for(programme),
        unprotected=delivery.raw.get("unprotected", []),
        header=_unit_header(delivery),
    )
    delivery.released_at = now
    delivery.save(update_fields=["hidden", "content", "released_at"])


def period_release(
    *, programme: Programme, kind: str, year: int, period: int, closed_by: Any = None
) -> ForbundRelease | None:
    """Publish the period's delivered, unpublished deliveries (and, the first time, the förbund's
    sum over them), deciding suppression jointly with everything already published. Call inside
    a transaction that holds the programme's lock (`lock_programme`). What is stored is in the
    source language (Swedish), whoever's request publishes it."""
    with translation.override("sv"):
        return _period_release(programme=programme, kind=kind, year=year, period=period, closed_by=closed_by)


def _period_release(
    *, programme: Programme, kind: str, year: int, period: int, closed_by: Any = None
) -> ForbundRelease | None:
    pending = list(
        Delivery.objects.filter(
            programme_unit__programme=programme, kind=kind, year=year, period=period, released_at__isnull=True
        )
        .exclude(raw={})
        .select_related("programme_unit__unit__parent", "programme_unit__programme__forbund")
        .order_by("programme_unit__unit__parent__name", "pk")
    )
    if not pending:
        return None
    published, unit_periods = _published(programme, kind, year, period)
    unit_periods += [_unit_period(d) for d in pending]
    new = [_unit_release(d, hidden=None) for d in pending]
    first_release = not ForbundRelease.objects.filter(programme=programme, kind=kind, year=year, period=period).exists()
    total_raw: dict[str, Any] | None = None
    if first_release:
        total_raw = sum_raw([d.raw for d in pending])
        unprotected = frozenset.intersection(*(r.unprotected for r in new))
        exact = frozenset({"violence"}) if kind == DeliveryKind.TERTIAL else frozenset()
        candidate = Release(
            ident=_sum_ident(kind, year, period),
            period=(kind, year, period),
            units=tuple(sorted(d.programme_unit_id for d in pending)),
            tables=_tables(total_raw),
            unprotected=unprotected,
            exact=exact,
        )
    else:
        candidate = None
    hidden = decide_releases(
        published=published,
        unit_periods=unit_periods,
        new=new,
        total=candidate,
        threshold=threshold_for(programme),
        scale_range=_scale_range(programme),
    )
    now = timezone.now()
    for delivery, release in zip(pending, new, strict=True):
        _store_unit(delivery, hidden[release.ident], now)
    if total_raw is None or candidate is None:
        return None
    sum_hidden = hidden[_sum_ident(kind, year, period)]
    forbund = programme.forbund
    result = ForbundRelease.objects.create(
        programme=programme,
        kind=kind,
        year=year,
        period=period,
        raw=total_raw,
        hidden=sorted([list(h) for h in sum_hidden]),
        content=build_content(
            programme=programme,
            kind=kind,
            year=year,
            period=period,
            raw=total_raw,
            hidden=sum_hidden,
            threshold=threshold_for(programme),
            unprotected=candidate.unprotected,
            header={
                "forbund": forbund.slug,
                "forbund_name": forbund.name,
                "units": [d.programme_unit.unit.slug for d in pending],
                "unit_names": [(d.programme_unit.unit.parent or d.programme_unit.unit).name for d in pending],
                "period_label": period_label(kind, year, period),
                "exact": sorted(candidate.exact),
            },
        ),
        released_at=now,
        closed_by=closed_by,
    )
    result.deliveries.set(pending)
    return result


def lock_programme(programme: Programme) -> None:
    """Releases of one förbund are decided one at a time: each must see everything before it."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()


def release_if_complete(delivery: Delivery) -> None:
    """After a submission: release the period if every executor owing it has delivered, or this
    delivery alone if its period was released already."""
    programme = delivery.programme_unit.programme
    kind, year, period = delivery.kind, delivery.year, delivery.period
    if ForbundRelease.objects.filter(programme=programme, kind=kind, year=year, period=period).exists():
        period_release(programme=programme, kind=kind, year=year, period=period)
        return
    owing = {u.pk for u in owing_units(programme, kind, year, period)}
    delivered = set(
        Delivery.objects.filter(programme_unit__programme=programme, kind=kind, year=year, period=period).values_list(
            "programme_unit_id", flat=True
        )
    )
    if owing <= delivered:
        period_release(programme=programme, kind=kind, year=year, period=period)


# --- What the förbund sees -----------------------------------------------------------------------


def released_period(
    programme: Programme, kind: str, year: int, period: int
) -> tuple[list[tuple[ProgrammeUnit, Delivery | None]], ForbundRelease | None]:
    """Each executor owing (or having delivered) the period with its released delivery, if any,
    and the förbund's sum, if released. Unreleased deliveries are not there: the förbund cannot
    see them yet."""
    released = {
        d.programme_unit_id: d
        for d in Delivery.objects.filter(
            programme_unit__programme=programme, kind=kind, year=year, period=period, released_at__isnull=False
        )
    }
    units = owing_units(programme, kind, year, period)
    known = {u.pk for u in units}
    extra = ProgrammeUnit.objects.filter(pk__in=set(released) - known).select_related("unit__parent")
    ordered = sorted([*units, *extra], key=lambda u: ((u.unit.parent or u.unit).name, u.pk))
    total = ForbundRelease.objects.filter(programme=programme, kind=kind, year=year, period=period).first()
    return [(u, released.get(u.pk)) for u in ordered], total


def unit_label(unit: ProgrammeUnit) -> str:
    """An executor as the förbund names it: its municipality."""
    return (unit.unit.parent or unit.unit).name


def latest_release(forbund: Any) -> tuple[str, int, int] | None:
    """The released period that ended last (a year before its interim, a tertial before its months)."""
    periods = ForbundRelease.objects.filter(programme__forbund=forbund).values_list("kind", "year", "period")
    order = {"annual": 0, "interim": 1, "tertial": 2, "monthly": 3}
    return max(periods, key=lambda p: (period_dates(*p)[1], -order[p[0]]), default=None)

"""Pages of the deliveries to the förbund: the executor's preview, submission and list, and the
förbund office's view of what has been released to it."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.views import bad_request
from apps.core.xlsx import XLSX_MIME, download_response
from insyn.errors import InsynError

from .deliveries import content_csv, delivery_submit, narrative_save, parse_period, period_close, preview_content
from .exports import content_pdf, content_xlsx, period_report, report_pdf, report_xlsx
from .models import Delivery, DeliveryKind, ForbundRelease, Programme
from .releases import owing_units, period_label
from .selectors import forbund_programmes, units_for_user


def _error_text(exc: InsynError) -> str:
    details = " ".join(m for ms in exc.fields.values() for m in ms)
    return f"{exc.message} {details}".strip()


def _download(content: dict[str, Any], fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        return download_response(
            json.dumps(content, ensure_ascii=False, indent=2).encode(), f"{name}.json", "application/json"
        )
    if fmt == "csv":
        return download_response(content_csv(content), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return download_response(content_xlsx(content), f"{name}.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return download_response(content_pdf(content), f"{name}.pdf", "application/pdf")
    raise Http404


def _file_name(kind: str, year: int, period: int, who: str) -> str:
    return f"activera-{kind}-{year}{f'-{period:02d}' if period else ''}-{who}"


# --- The executor -------------------------------------------------------------------------------


@page(Permission.PARTICIPANT_MANAGE)
def deliveries(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    units = list(units_for_user(user))
    submitted = Delivery.objects.filter(programme_unit__in=units).select_related("programme_unit__unit")
    return render(
        request,
        "activera/deliveries.html",
        {"units": units, "kinds": DeliveryKind.choices, "year": timezone.localdate().year, "submitted": submitted},
    )


@page(Permission.PARTICIPANT_MANAGE, object_in_query=True)
def delivery_preview(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    unit = get_object_or_404(
        units_for_user(user), pk=source.get("unit") if str(source.get("unit", "")).isdigit() else 0
    )
    try:
        kind, year, period = parse_period(source.get("kind"), source.get("year"), source.get("period"))
    except InsynError as exc:
        return bad_request(request, reason=_error_text(exc))
    submitted = Delivery.objects.filter(programme_unit=unit, kind=kind, year=year, period=period).first()
    query = f"unit={unit.pk}&kind={kind}&year={year}&period={period}"
    typed_narrative: str | None = None
    if request.method == "POST":
        names_confirmed = request.POST.get("names_confirmed") == "on"
        try:
            if request.POST.get("action") == "narrative":
                typed_narrative = request.POST.get("narrative", "")
                narrative_save(
                    actor=user,
                    unit=unit,
                    kind=kind,
                    year=year,
                    text=typed_narrative,
                    names_confirmed=names_confirmed,
                    context=audit_context(request),
                )
                messages.success(request, "Verksamhetsberättelsen är sparad.")
                return redirect(f"{request.path}?{query}")
            submitted = delivery_submit(
                actor=user, unit=unit, kind=kind, year=year, period=period, context=audit_context(request)
            )
        except InsynError as exc:
            messages.error(request, _error_text(exc))
            if typed_narrative is None:
                return redirect(f"{request.path}?{query}")
        else:
            if submitted.released_at:
                messages.success(request, "Leveransen är inlämnad och publicerad för förbundet.")
            else:
                messages.success(
                    request,
                    "Leveransen är inlämnad och fryst. Förbundet ser den när alla utförare har lämnat in perioden "
                    "eller när kansliet sammanställer den.",
                )
            return redirect("activera:delivery", delivery_id=submitted.pk)
    content = preview_content(unit, kind, year, period) if submitted is None else None
    fmt = request.GET.get("format")
    if fmt:
        if submitted is not None:
            return redirect(f"{submitted_url(submitted)}?format={fmt}")
        assert content is not None
        return _download(content, fmt, _file_name(kind, year, period, unit.unit.slug))
    if submitted is not None:
        return redirect("activera:delivery", delivery_id=submitted.pk)
    assert content is not None
    if typed_narrative is not None:
        # What the user typed stays on the page when it could not be saved.
        content["narrative"] = typed_narrative
    return render(
        request,
        "activera/delivery.html",
        {
            "content": content,
            "unit": unit,
            "kind": kind,
            "year": year,
            "period": period,
            "query": query,
            "preview": True,
            "has_narrative": kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL),
            "names_warning": typed_narrative is not None,
        },
    )


def submitted_url(delivery: Delivery) -> str:
    from django.urls import reverse

    return reverse("activera:delivery", kwargs={"delivery_id": delivery.pk})


@page(Permission.PARTICIPANT_MANAGE)
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.filter(programme_unit__in=units_for_user(current_user(request))).select_related(
            "programme_unit__unit"
        ),
        pk=delivery_id,
    )
    return _show_delivery(request, delivery, forbund_view=False)


def _show_delivery(request: HttpRequest, delivery: Delivery, *, forbund_view: bool) -> HttpResponse:
    """A submitted delivery: once released, exactly what the förbund sees; before that, for the
    executor only, the frozen counts (the förbund sees nothing yet)."""
    if delivery.released_at is not None:
        content = delivery.content
    else:
        if forbund_view:
            raise Http404
        from .presentation import build_content
        from .releases import threshold_for

        content = build_content(
            programme=delivery.programme_unit.programme,
            kind=delivery.kind,
            year=delivery.year,
            period=delivery.period,
            raw=delivery.raw,
            hidden=(),
            threshold=threshold_for(delivery.programme_unit.programme),
            unprotected=delivery.raw.get("unprotected", []),
            header={
                "unit": delivery.programme_unit.unit.slug,
                "unit_name": delivery.programme_unit.unit.name,
                "period_label": period_label(delivery.kind, delivery.year, delivery.period),
                "narrative": delivery.raw.get("narrative", ""),
                "preview": True,
            },
        )
    fmt = request.GET.get("format")
    if fmt:
        who = delivery.programme_unit.unit.slug
        return _download(content, fmt, _file_name(delivery.kind, delivery.year, delivery.period, who))
    return render(
        request,
        "activera/delivery.html",
        {
            "content": content,
            "unit": delivery.programme_unit,
            "kind": delivery.kind,
            "year": delivery.year,
            "period": delivery.period,
            "submitted": delivery,
            "query": "",
            "preview": delivery.released_at is None,
            "has_narrative": False,
            "forbund_view": forbund_view,
        },
    )


# --- The förbund's office -----------------------------------------------------------------------


def _programme(request: HttpRequest) -> Programme:
    programmes = forbund_programmes(current_user(request))
    if not programmes:
        # The förbund's pages are for its office only.
        raise PermissionDenied
    return programmes[0]


@page(Permission.STATISTICS_VIEW)
def forbund_deliveries(request: HttpRequest) -> HttpResponse:
    programmes = forbund_programmes(current_user(request))
    released = (
        Delivery.objects.filter(programme_unit__programme__in=programmes, released_at__isnull=False)
        .select_related("programme_unit__unit__parent")
        .order_by("-year", "-period", "kind", "programme_unit__unit__parent__name")
    )
    waiting = (
        Delivery.objects.filter(programme_unit__programme__in=programmes, released_at__isnull=True)
        .select_related("programme_unit__unit__parent")
        .order_by("kind", "year", "period")
    )
    periods: dict[tuple[str, int, int], list[str]] = {}
    for delivery in waiting:
        periods.setdefault((delivery.kind, delivery.year, delivery.period), []).append(
            (delivery.programme_unit.unit.parent or delivery.programme_unit.unit).name
        )
    pending = []
    for (kind, year, period), names in sorted(periods.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])):
        owing = owing_units(programmes[0], kind, year, period) if programmes else []
        pending.append(
            {
                "kind": kind,
                "kind_label": DeliveryKind(kind).label,
                "year": year,
                "period": period,
                "label": period_label(kind, year, period),
                "delivered": names,
                "owing": len(owing),
            }
        )
    return render(request, "activera/forbund_deliveries.html", {"deliveries": released, "pending": pending})


@page(Permission.STATISTICS_VIEW)
def forbund_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.filter(
            programme_unit__programme__in=forbund_programmes(current_user(request)), released_at__isnull=False
        ).select_related("programme_unit__unit"),
        pk=delivery_id,
    )
    return _show_delivery(request, delivery, forbund_view=True)


@page(Permission.STATISTICS_VIEW)
@require_POST
def forbund_period_close(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    try:
        kind, year, period = parse_period(
            request.POST.get("kind"), request.POST.get("year"), request.POST.get("period")
        )
        period_close(
            actor=current_user(request),
            programme=programme,
            kind=kind,
            year=year,
            period=period,
            context=audit_context(request),
        )
    except InsynError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"{period_label(kind, year, period).capitalize()} är sammanställd och publicerad.")
    return redirect("forbund:deliveries")


def _default_period(programme: Programme) -> tuple[str, int]:
    latest = (
        ForbundRelease.objects.filter(programme=programme, kind__in=[DeliveryKind.INTERIM, DeliveryKind.ANNUAL])
        .order_by("-year", "-kind")
        .first()
    )
    if latest is not None:
        return latest.kind, latest.year
    return DeliveryKind.ANNUAL, timezone.localdate().year - 1


@page(Permission.STATISTICS_VIEW)
def forbund_statistics(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    default_kind, default_year = _default_period(programme)
    kind = request.GET.get("kind") or default_kind
    if kind not in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        return bad_request(request, reason="Välj period: interim (januari–augusti) eller annual (helår).")
    try:
        _kind, year, _period = parse_period(kind, request.GET.get("year") or str(default_year), "0")
    except InsynError as exc:
        return bad_request(request, reason=_error_text(exc))
    report = period_report(forbund=programme.forbund, kind=kind, year=year)
    fmt = request.GET.get("format")
    name = _file_name(kind, year, 0, programme.forbund.slug)
    if fmt == "xlsx":
        return download_response(report_xlsx(report), f"{name}.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return download_response(report_pdf(report), f"{name}.pdf", "application/pdf")
    if fmt:
        return bad_request(request, reason="Välj format: xlsx eller pdf.")
    overview = []
    for section in report["sections"]:
        content = section["content"]
        tables = {t["key"]: t for t in content["tables"]} if content else {}
        participants = tables.get("participants")
        places = tables.get("places")
        overview.append(
            {
                "municipality": section["name"],
                "delivered": content is not None,
                "active": participants["row_totals"][0] if participants else None,
                "places": places["cells"][0][0] if places else None,
            }
        )
    scale = max([1, *[max(row["active"] or 0, row["places"] or 0) for row in overview]])
    for index, row in enumerate(overview):
        row["active_width"] = round(300 * (row["active"] or 0) / scale)
        row["places_width"] = round(300 * (row["places"] or 0) / scale)
        row["y"] = index * 32
        row["y_text"], row["y_second"] = index * 32 + 10, index * 32 + 11
    return render(
        request,
        "activera/forbund_statistics.html",
        {
            "report": report,
            "kind": kind,
            "year": year,
            "overview": overview,
            "chart_height": max(32, 32 * len(overview)),
        },
    )


@page(Permission.STATISTICS_VIEW)
def forbund_nns_export(request: HttpRequest) -> HttpResponse:
    """The förbund's violence counts of a tertial for the national follow-up (NNS), one row per
    question: the förbund's exact totals when they could be published exactly."""
    import csv
    import io

    from lib.spreadsheet import safe_text

    programme = _programme(request)
    try:
        _kind, year, tertial = parse_period("tertial", request.GET.get("year"), request.GET.get("tertial"))
    except InsynError as exc:
        return bad_request(request, reason=_error_text(exc))
    release = ForbundRelease.objects.filter(programme=programme, kind="tertial", year=year, period=tertial).first()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_text(f"{programme.forbund.name}: frågor om våld, {period_label('tertial', year, tertial)}")])
    if release is None:
        writer.writerow(["Tertialen är inte publicerad än: inga inlämnade leveranser att redovisa."])
    else:
        content = release.content
        table = next(t for t in content["tables"] if t["key"] == "violence")
        exact = "violence" in content.get("exact", [])
        writer.writerow(
            [
                "Exakta antal för förbundet."
                if exact
                else "Antalen är skyddade (– = litet antal); exakta antal kunde inte lämnas för perioden."
            ]
        )
        writer.writerow([safe_text(f"Utförare: {', '.join(content.get('unit_names', []))}")])
        writer.writerow(["fraga", "frageformulering", *table["column_keys"], "antal_blanketter"])
        for key, label, cells, total in zip(
            table["row_keys"], table["rows"], table["cells"], table["row_totals"], strict=True
        ):
            writer.writerow(
                [key, safe_text(label), *["–" if v is None else v for v in cells], "–" if total is None else total]
            )
    name = f"nns-vald-{programme.forbund.slug}-{year}-t{tertial}.csv"
    return download_response(("\ufeff" + buffer.getvalue()).encode("utf-8"), name, "text/csv; charset=utf-8")

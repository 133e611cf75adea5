"""The förbund office's delivery pages: what the executors have delivered and what has been
released, closing a period, the period's statistics and the violence counts for the NNS. The
delivery itself is shown as the participant follow-up shows it (apps.activera.delivery_views)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.activera.deliveries import parse_period, period_close
from apps.activera.delivery_selectors import (
    get_delivery_for_user,
    latest_report_release,
    release_of,
    released_deliveries,
    waiting_deliveries,
)
from apps.activera.delivery_views import error_text, file_name, show_delivery
from apps.activera.exports import period_report, report_pdf, report_xlsx
from apps.activera.models import DeliveryKind, Programme
from apps.activera.releases import owing_units, period_label
from apps.activera.selectors import forbund_programmes
from apps.audit.context import audit_context
from apps.core.http import download
from apps.core.views import bad_request
from apps.core.xlsx import XLSX_MIME
from insyn.errors import InsynError


def _programme(request: HttpRequest) -> Programme:
    programmes = forbund_programmes(current_user(request))
    if not programmes:
        # The förbund's pages are for its office only.
        raise PermissionDenied
    return programmes[0]


@page(Permission.STATISTICS_VIEW)
def forbund_deliveries(request: HttpRequest) -> HttpResponse:
    programmes = forbund_programmes(current_user(request))
    released = released_deliveries(programmes)
    waiting = waiting_deliveries(programmes)
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
    delivery = get_delivery_for_user(current_user(request), delivery_id, forbund_view=True)
    return show_delivery(request, delivery, forbund_view=True)


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
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(period)s är sammanställd och publicerad.") % {"period": capfirst(period_label(kind, year, period))},
        )
    return redirect("forbund:deliveries")


def _default_period(programme: Programme) -> tuple[str, int]:
    latest = latest_report_release(programme)
    if latest is not None:
        return latest.kind, latest.year
    return DeliveryKind.ANNUAL, timezone.localdate().year - 1


@page(Permission.STATISTICS_VIEW)
def forbund_statistics(request: HttpRequest) -> HttpResponse:
    programme = _programme(request)
    default_kind, default_year = _default_period(programme)
    kind = request.GET.get("kind") or default_kind
    if kind not in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL):
        return bad_request(request, reason=_("Välj period: interim (januari–augusti) eller annual (helår)."))
    try:
        _kind, year, _period = parse_period(kind, request.GET.get("year") or str(default_year), "0")
    except InsynError as exc:
        return bad_request(request, reason=error_text(exc))
    report = period_report(forbund=programme.forbund, kind=kind, year=year)
    fmt = request.GET.get("format")
    name = file_name(kind, year, 0, programme.forbund.slug)
    if fmt == "xlsx":
        return download(report_xlsx(report), f"{name}.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return download(report_pdf(report, current_user(request)), f"{name}.pdf", "application/pdf")
    if fmt:
        return bad_request(request, reason=_("Välj format: xlsx eller pdf."))
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
        return bad_request(request, reason=error_text(exc))
    release = release_of(programme, "tertial", year, tertial)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            safe_text(
                _("%(forbund)s: frågor om våld, %(period)s")
                % {"forbund": programme.forbund.name, "period": period_label("tertial", year, tertial)}
            )
        ]
    )
    if release is None:
        writer.writerow([_("Tertialen är inte publicerad än: inga inlämnade leveranser att redovisa.")])
    else:
        content = release.content
        table = next(t for t in content["tables"] if t["key"] == "violence")
        exact = "violence" in content.get("exact", [])
        writer.writerow(
            [
                _("Exakta antal för förbundet.")
                if exact
                else _("Antalen är skyddade (– = litet antal); exakta antal kunde inte lämnas för perioden.")
            ]
        )
        writer.writerow([safe_text(_("Utförare: %(names)s") % {"names": ", ".join(content.get("unit_names", []))})])
        writer.writerow(["fraga", "frageformulering", *table["column_keys"], "antal_blanketter"])  # i18n: data
        for key, label, cells, total in zip(
            table["row_keys"], table["rows"], table["cells"], table["row_totals"], strict=True
        ):
            writer.writerow(
                [key, safe_text(label), *["–" if v is None else v for v in cells], "–" if total is None else total]
            )
    name = f"nns-vald-{programme.forbund.slug}-{year}-t{tertial}.csv"
    return download(("\ufeff" + buffer.getvalue()).encode("utf-8"), name, "text/csv; charset=utf-8")

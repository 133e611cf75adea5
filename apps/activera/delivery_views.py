"""Pages of the deliveries to the förbund: the executor's preview, submission and list, and a
submitted delivery as the executor and, once released, the förbund's office sees it (the förbund's
own pages are in apps.forbund.delivery_views and use show_delivery, download and file_name)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.core.http import download
from apps.core.views import bad_request
from apps.core.xlsx import XLSX_MIME
from insyn.errors import InsynError

from .deliveries import content_csv, delivery_submit, narrative_save, parse_period, preview_content
from .delivery_periods import default_choice, parse_choice, period_groups
from .delivery_selectors import deliveries_of_units, get_delivery_for_user, submitted_delivery
from .due import DueState, due_for_units, has_due_provider
from .exports import content_pdf, content_xlsx
from .models import Delivery, DeliveryKind
from .presentation import localised
from .releases import period_label
from .selectors import units_for_user


def error_text(exc: InsynError) -> str:
    details = " ".join(m for ms in exc.fields.values() for m in ms)
    return f"{exc.message} {details}".strip()


def delivery_download(content: dict[str, Any], fmt: str, name: str, user: Any = None) -> HttpResponse:
    """A delivery in the format asked for (404 for any other); `user` signs the PDF's letterhead."""
    if fmt == "json":
        return download(json.dumps(content, ensure_ascii=False, indent=2).encode(), f"{name}.json", "application/json")
    if fmt == "csv":
        return download(content_csv(content), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return download(content_xlsx(content), f"{name}.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return download(content_pdf(content, user), f"{name}.pdf", "application/pdf")
    raise Http404


def file_name(kind: str, year: int, period: int, who: str) -> str:
    return f"activera-{kind}-{year}{f'-{period:02d}' if period else ''}-{who}"


# --- The executor -------------------------------------------------------------------------------


@page(Permission.PARTICIPANT_MANAGE)
def deliveries(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    units = list(units_for_user(user))
    submitted = deliveries_of_units(units)
    today = timezone.localdate()
    return render(
        request,
        "activera/deliveries.html",
        {
            "units": units,
            "period_groups": period_groups(today),
            "selected_period": default_choice(today),
            "submitted": submitted,
            "show_due": has_due_provider(),
            "due": due_for_units(units, today),
        },
    )


@page(Permission.PARTICIPANT_MANAGE, object_in_query=True)
def delivery_preview(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    unit = get_object_or_404(
        units_for_user(user), pk=source.get("unit") if str(source.get("unit", "")).isdigit() else 0
    )
    try:
        # The delivery page's list sends one value; links and bookmarks send kind, year and period.
        choice = source.get("choice")
        if choice is not None:
            kind, year, period = parse_choice(choice)
        else:
            kind, year, period = parse_period(source.get("kind"), source.get("year"), source.get("period"))
    except InsynError as exc:
        return bad_request(request, reason=error_text(exc))
    submitted = submitted_delivery(unit, kind, year, period)
    query = f"unit={unit.pk}&kind={kind}&year={year}&period={period}"  # i18n: data
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
                messages.success(request, _("Verksamhetsberättelsen är sparad."))
                return redirect(f"{request.path}?{query}")
            if request.POST.get("confirmed") != "ja":
                # Submitting freezes the delivery: asked twice, and never on a form that skipped the question.
                messages.error(
                    request,
                    _(
                        "Leveransen är inte inlämnad: bekräfta att du vill lämna in den. En inlämnad leverans "
                        "fryses och kan inte ändras."
                    ),
                )
                return redirect(f"{request.path}?{query}")
            submitted = delivery_submit(
                actor=user, unit=unit, kind=kind, year=year, period=period, context=audit_context(request)
            )
        except InsynError as exc:
            messages.error(request, error_text(exc))
            if typed_narrative is None:
                return redirect(f"{request.path}?{query}")
        else:
            if submitted.released_at:
                messages.success(request, _("Leveransen är inlämnad och publicerad för förbundet."))
            else:
                messages.success(
                    request,
                    _(
                        "Leveransen är inlämnad och fryst. Förbundet ser den när alla utförare har lämnat in perioden "
                        "eller när kansliet sammanställer den."
                    ),
                )
            return redirect("activera:delivery", delivery_id=submitted.pk)
    content = preview_content(unit, kind, year, period) if submitted is None else None
    fmt = request.GET.get("format")
    if fmt:
        if submitted is not None:
            return redirect(f"{submitted_url(submitted)}?format={fmt}")
        assert content is not None
        return delivery_download(content, fmt, file_name(kind, year, period, unit.unit.slug), current_user(request))
    if submitted is not None:
        return redirect("activera:delivery", delivery_id=submitted.pk)
    assert content is not None
    if typed_narrative is not None:
        # What the user typed stays on the page when it could not be saved.
        content["narrative"] = typed_narrative
    # What the agreement says about this period, when it is late or due soon (apps.activera.due).
    owed = next(
        (
            item
            for item in due_for_units([unit])
            if (item.kind, item.year, item.period) == (kind, year, period) and item.state != DueState.UPCOMING
        ),
        None,
    )
    return render(
        request,
        "activera/delivery.html",
        {
            "content": localised(content),
            "unit": unit,
            "kind": kind,
            "year": year,
            "period": period,
            "query": query,
            "preview": True,
            "has_narrative": kind in (DeliveryKind.INTERIM, DeliveryKind.ANNUAL),
            "names_warning": typed_narrative is not None,
            "owed": owed,
        },
    )


def submitted_url(delivery: Delivery) -> str:
    from django.urls import reverse

    return reverse("activera:delivery", kwargs={"delivery_id": delivery.pk})


@page(Permission.PARTICIPANT_MANAGE)
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_delivery_for_user(current_user(request), delivery_id)
    return show_delivery(request, delivery, forbund_view=False)


def show_delivery(request: HttpRequest, delivery: Delivery, *, forbund_view: bool) -> HttpResponse:
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
        return delivery_download(
            content, fmt, file_name(delivery.kind, delivery.year, delivery.period, who), current_user(request)
        )
    return render(
        request,
        "activera/delivery.html",
        {
            "content": localised(content),
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

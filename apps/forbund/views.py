"""The förbund office's pages: budget and financing, agreements and invoices, delivery tracking
and the consolidated statistics. Views parse, check access, call a service and render."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.activera.deliveries import parse_period
from apps.activera.delivery_views import error_text
from apps.activera.models import DeliveryKind
from apps.activera.releases import latest_release, period_label
from apps.audit.context import audit_context
from apps.core.forms import submit_form
from apps.core.http import download
from apps.core.views import bad_request
from apps.core.xlsx import XLSX_MIME
from apps.organisations.models import Organisation
from insyn.errors import InsynError
from lib.money import ROUNDING_RULE

from . import services
from .budget import budget_overview
from .consolidated import deliveries_side_by_side, places_used, referrals_by_month
from .exports import budget_xlsx, invoice_pdf, wide_tables_pdf, wide_tables_xlsx
from .forms import (
    AgreementForm,
    AgreementUpdateForm,
    BudgetCopyForm,
    BudgetCreateForm,
    BudgetLineForm,
    BudgetUpdateForm,
    InvoiceMarkForm,
    PopulationsForm,
)
from .models import BudgetGroup
from .selectors import (
    agreements_for_user,
    budgets_for_user,
    economy_forbunds,
    get_agreement_for_user,
    get_budget_for_user,
    get_budget_line_for_user,
    get_invoice_for_user,
)
from .tracking import TrackState, due_rule, expected_deliveries


def _forbund(request: HttpRequest) -> Organisation:
    """The förbund whose office the user works for (the first, for a user of several)."""
    forbunds = economy_forbunds(current_user(request))
    if not forbunds:
        raise PermissionDenied
    return forbunds[0]


def _year(request: HttpRequest) -> int:
    """The year asked for, or this year; refuses what is not a year (ParamError, answered 400)."""
    text = request.GET.get("year") or str(timezone.localdate().year)
    try:
        _kind, year, _period = parse_period(DeliveryKind.ANNUAL, text, "0")
    except InsynError as exc:
        raise ParamError(exc) from exc
    return year


class ParamError(Exception):
    def __init__(self, error: InsynError) -> None:
        super().__init__(error.message)
        self.text = error_text(error)


def _answers_bad_parameters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page given a year or period that does not exist answers 400 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ParamError as exc:
            return bad_request(request, reason=exc.text)

    return wrapped


# --- Budget ------------------------------------------------------------------------------------


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_list(request: HttpRequest) -> HttpResponse:
    forbund = _forbund(request)
    form = BudgetCreateForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST":
        created = submit_form(
            form,
            lambda: services.budget_create(
                actor=current_user(request), forbund=forbund, context=audit_context(request), **form.cleaned_data
            ),
        )
        if created.saved:
            messages.success(request, _("Budgeten är skapad. Lägg till budgetposterna."))
            return redirect("forbund:budget", budget_id=created.value.pk)
    budgets = [budget_overview(b) for b in budgets_for_user(current_user(request)).filter(forbund=forbund)]
    return render(
        request,
        "forbund/budget_list.html",
        {"budgets": budgets, "form": form, "forbund": forbund},
        status=400 if form.errors else 200,
    )


def _budget_page(request: HttpRequest, budget_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    budget = get_budget_for_user(current_user(request), budget_id)
    overview = budget_overview(budget)
    populations = list(budget.populations.select_related("municipality"))
    context = {
        "overview": overview,
        "budget": budget,
        "groups": BudgetGroup,
        "rounding_rule": _(ROUNDING_RULE),
        "agreements": agreements_for_user(current_user(request)).filter(year=budget.year),
        "update_form": forms.get("update_form")
        or BudgetUpdateForm(
            prefix="budget",
            initial={
                "state_allocation": budget.state_allocation,
                "allocation_note": budget.allocation_note,
                "adopted_on": budget.adopted_on,
            },
        ),
        "line_form": forms.get("line_form") or BudgetLineForm(prefix="line", forbund=budget.forbund),
        "population_form": forms.get("population_form")
        or PopulationsForm(prefix="pop", populations=populations, initial={"population_date": budget.population_date}),
        "copy_form": forms.get("copy_form")
        or BudgetCopyForm(
            prefix="copy", initial={"year": budget.year + 1, "state_allocation": budget.state_allocation}
        ),
    }
    return render(request, "forbund/budget.html", context, status=status)


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    budget = get_budget_for_user(current_user(request), budget_id)
    if request.method == "POST":
        form = BudgetUpdateForm(request.POST, prefix="budget")
        saved = submit_form(
            form,
            lambda: services.budget_update(
                actor=current_user(request), budget=budget, context=audit_context(request), **form.cleaned_data
            ),
        )
        if saved.saved:
            messages.success(request, _("Budgeten är sparad."))
            return redirect("forbund:budget", budget_id=budget.pk)
        return _budget_page(request, budget_id, 400, update_form=form)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return download(budget_xlsx(budget_overview(budget)), f"budget-{budget.year}.xlsx", XLSX_MIME)
    return _budget_page(request, budget_id)


def _budget_post(
    request: HttpRequest, budget_id: int, *, form_key: str, build: Callable[[Any], Any], save: Callable[..., Any]
) -> HttpResponse:
    budget = get_budget_for_user(current_user(request), budget_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = build(budget)
    saved = submit_form(form, lambda: save(budget, form))
    if saved.saved:
        messages.success(request, _("Sparat."))
        result = saved.value
        target = result.pk if hasattr(result, "year") else budget.pk
        return redirect("forbund:budget", budget_id=target)
    return _budget_page(request, budget_id, 400, **{form_key: form})


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_line_add(request: HttpRequest, budget_id: int) -> HttpResponse:
    return _budget_post(
        request,
        budget_id,
        form_key="line_form",
        build=lambda budget: BudgetLineForm(request.POST, prefix="line", forbund=budget.forbund),
        save=lambda budget, form: services.budget_line_add(
            actor=current_user(request), budget=budget, context=audit_context(request), **form.cleaned_data
        ),
    )


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_populations(request: HttpRequest, budget_id: int) -> HttpResponse:
    return _budget_post(
        request,
        budget_id,
        form_key="population_form",
        build=lambda budget: PopulationsForm(
            request.POST, prefix="pop", populations=list(budget.populations.select_related("municipality"))
        ),
        save=lambda budget, form: services.budget_populations_set(
            actor=current_user(request),
            budget=budget,
            population_date=form.cleaned_data["population_date"],
            populations=form.populations(),
            context=audit_context(request),
        ),
    )


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_copy(request: HttpRequest, budget_id: int) -> HttpResponse:
    return _budget_post(
        request,
        budget_id,
        form_key="copy_form",
        build=lambda budget: BudgetCopyForm(request.POST, prefix="copy"),
        save=lambda budget, form: services.budget_copy(
            actor=current_user(request), source=budget, context=audit_context(request), **form.cleaned_data
        ),
    )


@page(Permission.FORBUND_ECONOMY_MANAGE)
def budget_line_delete(request: HttpRequest, budget_id: int, line_id: int) -> HttpResponse:
    budget = get_budget_for_user(current_user(request), budget_id)
    line = get_budget_line_for_user(current_user(request), budget, line_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.budget_line_delete(actor=current_user(request), line=line, context=audit_context(request))
    messages.success(request, _("Posten ”%(label)s” är borttagen.") % {"label": line.label})
    return redirect("forbund:budget", budget_id=budget.pk)


# --- Agreements and invoices -------------------------------------------------------------------


@page(Permission.FORBUND_ECONOMY_MANAGE)
def agreement_list(request: HttpRequest) -> HttpResponse:
    forbund = _forbund(request)
    year = timezone.localdate().year
    form = AgreementForm(
        request.POST or None,
        prefix="agreement",
        forbund=forbund,
        initial={"year": year, "period_start": datetime.date(year, 1, 1), "period_end": datetime.date(year, 12, 31)},
    )
    if request.method == "POST":
        created = submit_form(
            form,
            lambda: services.agreement_create(
                actor=current_user(request), forbund=forbund, context=audit_context(request), **form.cleaned_data
            ),
        )
        if created.saved:
            messages.success(request, _("Överenskommelsen är registrerad med tre tertialfakturor."))
            return redirect("forbund:agreement", agreement_id=created.value.pk)
    agreements = agreements_for_user(current_user(request)).prefetch_related("invoices")
    return render(
        request,
        "forbund/agreement_list.html",
        {"agreements": agreements, "form": form},
        status=400 if form.errors else 200,
    )


def _agreement_page(request: HttpRequest, agreement_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    agreement = get_agreement_for_user(current_user(request), agreement_id)
    invoices = list(agreement.invoices.all())
    return render(
        request,
        "forbund/agreement.html",
        {
            "agreement": agreement,
            "deliverables": [(d, due_rule(d)) for d in agreement.deliverables.select_related("agreement")],
            "invoices": invoices,
            "invoice_total": sum(i.amount for i in invoices),
            "invoice_forms": {
                i.pk: (forms.get("invoice_form") if forms.get("invoice_pk") == i.pk else None)
                or InvoiceMarkForm(prefix=f"invoice-{i.pk}", initial={"on_date": timezone.localdate()})
                for i in invoices
            },
            "tracking": [e for e in expected_deliveries([agreement]) if e.state != TrackState.UPCOMING],
            "update_form": forms.get("update_form")
            or AgreementUpdateForm(
                prefix="agreement",
                forbund=agreement.forbund,
                initial={
                    **{
                        f: getattr(agreement, f)
                        for f in (
                            "executor_party",
                            "reference",
                            "period_start",
                            "period_end",
                            "max_amount",
                            "places",
                            "signed_by_forbund_on",
                            "signed_by_executor_on",
                            "due_dates_move_to_working_day",
                        )
                    },
                    **_terms_initial(agreement),
                },
            ),
        },
        status=status,
    )


def _terms_initial(agreement: Any) -> dict[str, Any]:
    from apps.activera.models import DeliveryTerms

    terms = DeliveryTerms.objects.filter(programme_unit=agreement.programme_unit, year=agreement.year).first()
    return {
        "monthly_unprotected": bool(terms and terms.monthly_unprotected),
        "unprotected_clause": terms.clause if terms else "",
    }


@page(Permission.FORBUND_ECONOMY_MANAGE)
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_agreement_for_user(current_user(request), agreement_id)
    if request.method == "POST":
        form = AgreementUpdateForm(request.POST, prefix="agreement", forbund=agreement.forbund)
        saved = submit_form(
            form,
            lambda: services.agreement_update(
                actor=current_user(request), agreement=agreement, context=audit_context(request), **form.cleaned_data
            ),
        )
        if saved.saved:
            messages.success(request, _("Överenskommelsen är sparad."))
            return redirect("forbund:agreement", agreement_id=agreement.pk)
        return _agreement_page(request, agreement_id, 400, update_form=form)
    return _agreement_page(request, agreement_id)


@page(Permission.FORBUND_ECONOMY_MANAGE)
def invoice_mark(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_invoice_for_user(current_user(request), invoice_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = InvoiceMarkForm(request.POST, prefix=f"invoice-{invoice.pk}")
    saved = submit_form(
        form,
        lambda: services.invoice_mark(
            actor=current_user(request), invoice=invoice, context=audit_context(request), **form.cleaned_data
        ),
    )
    if saved.saved:
        messages.success(request, _("Faktura %(number)s är markerad.") % {"number": invoice.number})
        return redirect("forbund:agreement", agreement_id=invoice.agreement_id)
    return _agreement_page(request, invoice.agreement_id, 400, invoice_form=form, invoice_pk=invoice.pk)


@page(Permission.FORBUND_ECONOMY_MANAGE)
def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = current_user(request)
    invoice = get_invoice_for_user(user, invoice_id)
    return download(invoice_pdf(invoice, user), f"fakturaunderlag-{invoice.number}.pdf", "application/pdf")


# --- Delivery tracking and consolidated statistics ---------------------------------------------


@page(Permission.FORBUND_ECONOMY_MANAGE)
@_answers_bad_parameters
def delivery_tracking(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    agreements = agreements_for_user(current_user(request)).filter(year=year)
    items = expected_deliveries(agreements)
    counts = {state: sum(1 for e in items if e.state == state) for state in TrackState.LABELS}
    return render(
        request,
        "forbund/tracking.html",
        {
            "year": year,
            "items": items,
            "counts": [(TrackState.LABELS[s], n) for s, n in counts.items()],
            "agreements": agreements,
        },
    )


def _export(request: HttpRequest, *, name: str, title: str, subtitle: str, tables: list[Any]) -> HttpResponse | None:
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return download(wide_tables_xlsx(tables), f"{name}.xlsx", XLSX_MIME)
    if fmt == "pdf":
        return download(
            wide_tables_pdf(
                title=title, subtitle=subtitle, tables=tables, forbund=_forbund(request), user=current_user(request)
            ),
            f"{name}.pdf",
            "application/pdf",
        )
    return None


@page(Permission.FORBUND_ECONOMY_MANAGE)
@_answers_bad_parameters
def consolidated(request: HttpRequest) -> HttpResponse:
    forbund = _forbund(request)
    # Opens on the latest period released to the förbund (one that can have figures).
    latest = latest_release(forbund)
    kind = request.GET.get("kind") or (latest[0] if latest else DeliveryKind.TERTIAL.value)
    default_year = str(latest[1]) if latest and kind == latest[0] else str(timezone.localdate().year)
    default_period = (
        str(latest[2]) if latest and kind == latest[0] else ("1" if kind in ("monthly", "tertial") else "0")
    )
    try:
        kind, year, period = parse_period(
            kind, request.GET.get("year") or default_year, request.GET.get("period") or default_period
        )
    except InsynError as exc:
        raise ParamError(exc) from exc
    data = deliveries_side_by_side(forbund=forbund, kind=kind, year=year, period=period)
    label = str(DeliveryKind(kind).label)
    period_text = period_label(kind, year, period)
    exported = _export(
        request,
        name=f"leveranser-{kind}-{year}-{period}",
        title=f"{forbund.name}: {label}",
        subtitle=_("%(period)s. Publicerade: %(delivered)s av %(total)s.")
        % {"period": capfirst(period_text), "delivered": data["delivered_count"], "total": len(data["executors"])},
        tables=data["tables"],
    )
    if exported:
        return exported
    return render(
        request,
        "forbund/consolidated.html",
        {
            "data": data,
            "year": year,
            "kind": kind,
            "period": period,
            "kinds": DeliveryKind.choices,
            "label": label,
            "period_text": period_text,
        },
    )


@page(Permission.FORBUND_ECONOMY_MANAGE)
@_answers_bad_parameters
def places_and_referrals(request: HttpRequest) -> HttpResponse:
    forbund = _forbund(request)
    year = _year(request)
    tables = [places_used(forbund=forbund, year=year), *referrals_by_month(forbund=forbund, year=year)]
    exported = _export(
        request,
        name=f"platser-och-anmalningar-{year}",
        title=_("%(forbund)s: platser och intresseanmälningar %(year)s") % {"forbund": forbund.name, "year": year},
        subtitle=_("Ur utförarnas inlämnade leveranser, per kön."),
        tables=tables,
    )
    if exported:
        return exported
    return render(request, "forbund/places_and_referrals.html", {"tables": tables, "year": year})

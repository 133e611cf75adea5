"""The executor's own view of its agreement with the förbund: the agreement, its deliverables with
their due dates and state, and the tertial invoices. Read only; the förbund office's pages are in
views.py. Organisational data, no personal data: reading it is not audited (as the office's page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission

from .executor_selectors import agreement_view, get_own_agreement_for_user, own_agreements_for_user


@page(Permission.AGREEMENT_VIEW_OWN)
def own_agreements(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    agreements = own_agreements_for_user(current_user(request)).prefetch_related("invoices")
    return render(request, "forbund/executor_agreement_list.html", {"agreements": agreements})


@page(Permission.AGREEMENT_VIEW_OWN)
def own_agreement(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_own_agreement_for_user(current_user(request), agreement_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "forbund/executor_agreement.html", {"view": agreement_view(agreement)})

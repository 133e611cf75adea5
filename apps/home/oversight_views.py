"""Pages that look across the foundation: the audit log's search and the organisation tree. They
sit in the top app because they read users, grants and organisations, which sit above the log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.access import current_user, page
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.selectors import organisation_tree

from .audit_log import describe_events, search_audit_events
from .forms import AuditSearchForm

PAGE_SIZE = 100


@page(Permission.AUDIT_VIEW)
def audit_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = AuditSearchForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    events = search_audit_events(user, **filters) if (form.is_valid() or not request.GET) else None
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida")) if events is not None else None
    # Reading the log is itself logged, with the search terms.
    audit_record(
        actor=user,
        action=AuditAction.AUDIT_VIEW,
        context=audit_context(request),
        object_type="audit",
        details={key: str(value) for key, value in filters.items()},
    )
    rows = describe_events(page_obj) if page_obj is not None else []
    # The next page's link keeps the search and replaces the page number (not one more "sida=").
    query = request.GET.copy()
    query.pop("sida", None)
    next_query = ""
    if page_obj is not None and page_obj.has_next():
        query["sida"] = str(page_obj.next_page_number())
        next_query = query.urlencode()
    return render(
        request, "audit/search.html", {"form": form, "page_obj": page_obj, "rows": rows, "next_query": next_query}
    )


@page(Permission.ORGANISATION_VIEW)
def organisation_list(request: HttpRequest) -> HttpResponse:
    # Structure only (names, kinds, population): public facts about public bodies.
    return render(request, "organisations/list.html", {"tree": organisation_tree()})

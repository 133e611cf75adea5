from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.access import page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.audit.context import audit_context

from .forms import AuditSearchForm
from .models import AuditAction
from .naming import describe_events
from .selectors import search_audit_events
from .services import audit_record

PAGE_SIZE = 100


@page(Permission.AUDIT_VIEW)
def audit_search(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = AuditSearchForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    events = search_audit_events(request.user, **filters) if (form.is_valid() or not request.GET) else None
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida")) if events is not None else None
    # Reading the log is itself logged, with the search terms.
    audit_record(
        actor=request.user,
        action=AuditAction.AUDIT_VIEW,
        context=audit_context(request),
        object_type="audit",
        details={key: str(value) for key, value in filters.items()},
    )
    rows = describe_events(page_obj) if page_obj is not None else []
    return render(request, "audit/search.html", {"form": form, "page_obj": page_obj, "rows": rows})

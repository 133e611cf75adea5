"""Pages that look across the foundation: the audit log's search and the organisation tree. They
sit in the top app because they read users, grants and organisations, which sit above the log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.access import current_user, page
from apps.accounts.admin_scope import admin_reach_of
from apps.accounts.roles import Permission
from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.forms import submit_form
from apps.organisations.letterhead import letterhead_of
from apps.organisations.models import Letterhead, Organisation
from apps.organisations.selectors import organisation_tree
from apps.organisations.services import letterhead_save

from .audit_log import describe_events, search_audit_events
from .forms import AuditSearchForm, LetterheadForm

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
    # Structure only (names, kinds, population): public facts about public bodies. Each organisation
    # links to its letterhead for whoever may edit it (the check organisation_letterhead makes).
    tree = organisation_tree()
    reach = admin_reach_of(current_user(request))
    editable = {org.pk for org, _depth in tree if reach.covers(org.pk)}
    return render(
        request,
        "organisations/list.html",
        {"tree": tree, "editable_ids": editable, "letterhead_label": Letterhead._meta.verbose_name},
    )


@page(Permission.ORGANISATION_VIEW)
def organisation_letterhead(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's letterhead, kept by its administrator: a system administrator, or a
    local administrator whose reach covers it (404 for anyone else, as for any object)."""
    user = current_user(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not admin_reach_of(user).covers(organisation.pk):
        raise Http404
    head = letterhead_of(organisation)
    initial = {"address_line": head.address_line if head is not None else ""}
    form = LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        saved = submit_form(
            form,
            lambda: letterhead_save(
                actor=user,
                organisation=organisation,
                logo=form.cleaned_data["logo"],
                address_line=form.cleaned_data["address_line"],
                remove_logo=form.cleaned_data["remove_logo"],
                context=audit_context(request),
            ),
        )
        if saved.saved:
            messages.success(request, _("Brevhuvudet är sparat."))
            return redirect("organisations:letterhead", slug=organisation.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "organisations/letterhead.html",
        {"organisation": organisation, "head": head, "form": form},
        status=status,
    )

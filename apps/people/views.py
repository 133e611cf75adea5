from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.accounts.access import current_user, page
from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import has_permission, municipalities_with
from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.core.forms import submit_form
from apps.jobs.models import JobKind
from apps.jobs.services import job_start

from .forms import PersonForm, SearchForm
from .selectors import get_person_for_user, identity_number_of, search_people
from .services import person_access_record, person_create

PAGE_SIZE = 50


@page(Permission.PERSON_VIEW)
def person_list(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = search_people(request.user, query)
    page_obj = Paginator(people, PAGE_SIZE).get_page(request.GET.get("sida"))
    shown = list(page_obj.object_list)
    if shown:
        person_access_record(
            actor=request.user,
            people=shown,
            action=AuditAction.PERSON_SEARCH if query else AuditAction.PERSON_LIST,
            context=audit_context(request),
        )
    return render(
        request,
        "people/list.html",
        {
            "form": form,
            "query": query,
            "page_obj": page_obj,
            "people": shown,
            "can_manage": has_permission(request.user, Permission.PERSON_MANAGE),
            "can_export": has_permission(request.user, Permission.PERSON_EXPORT),
        },
    )


@page(Permission.PERSON_MANAGE)
def person_create_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    municipalities = municipalities_with(user, Permission.PERSON_MANAGE)
    form = PersonForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST":
        created = submit_form(
            form,
            lambda: person_create(
                actor=user,
                municipality=form.cleaned_data["municipality"],
                identity_number=form.cleaned_data["identity_number"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                context=audit_context(request),
            ),
        )
        if created.saved:
            return redirect("people:detail", code=created.value.code)
    return render(request, "people/create.html", {"form": form})


@page(Permission.PERSON_VIEW)
def person_detail(request: HttpRequest, code: str) -> HttpResponse:
    assert isinstance(request.user, User)
    person = get_person_for_user(request.user, code)
    person_access_record(
        actor=request.user, people=[person], action=AuditAction.PERSON_VIEW, context=audit_context(request)
    )
    return render(request, "people/detail.html", {"person": person, "identity_number": identity_number_of(person)})


@page(Permission.PERSON_EXPORT)
def person_export(request: HttpRequest) -> HttpResponse:
    """Start the register's export as a job (a large register takes longer than a request may);
    the job page shows its progress and then the file. Only a POST starts one."""
    user = current_user(request)
    if request.method != "POST":
        return redirect("people:list")
    municipalities = municipalities_with(user, Permission.PERSON_EXPORT)
    job = job_start(
        actor=user,
        kind=JobKind.PEOPLE_EXPORT,
        organisation=municipalities[0] if len(municipalities) == 1 else None,
        context=audit_context(request),
    )
    return redirect("jobs:detail", job_id=job.pk)

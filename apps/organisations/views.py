from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.access import page
from apps.accounts.roles import Permission

from .selectors import organisation_tree


@page(Permission.ORGANISATION_VIEW)
def organisation_list(request: HttpRequest) -> HttpResponse:
    # Structure only (names, kinds, population): public facts about public bodies.
    return render(request, "organisations/list.html", {"tree": organisation_tree()})

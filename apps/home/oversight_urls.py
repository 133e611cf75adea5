"""The audit log's and the organisation tree's pages keep their URL names (`audit:search`,
`organisations:list`) in namespaces of their own."""

from django.urls import path

from . import oversight_views

audit_patterns = ([path("", oversight_views.audit_search, name="search")], "audit")
organisation_patterns = (
    [
        path("", oversight_views.organisation_list, name="list"),
        path("<slug:slug>/brevhuvud/", oversight_views.organisation_letterhead, name="letterhead"),
    ],
    "organisations",
)

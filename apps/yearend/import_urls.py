"""URLs of the year-end import pages (included in urls.py, namespace yearend)."""

from django.urls import path

from . import import_views

urlpatterns: list = [
    # GET: the formats and what is loaded; POST: one import, its kind in the body ("kind").
    path("", import_views.imports, name="imports"),
]

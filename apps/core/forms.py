from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from insyn.errors import EditConflict, InsynError

VERSION_FIELD = "expected_version"  # the hidden field of apps.core.concurrency.version_field


def apply_domain_error(form: forms.Form, error: InsynError) -> None:
    """Show a domain error on the form: on its fields where they exist, else at the top."""
    placed = False
    for field, messages in error.fields.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    if not placed or not error.fields:
        form.add_error(None, error.message)
    if isinstance(error, EditConflict) and VERSION_FIELD in form.fields and isinstance(form.data, QueryDict):
        # The next save is a deliberate choice after seeing the conflict: it carries the new version.
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = str(error.current_version)
        form.data = data


DATE_ERRORS = {"invalid": _("Ange datum som ÅÅÅÅ-MM-DD."), "required": _("Ange datum.")}


def date_field(label: StrOrPromise, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, error_messages=DATE_ERRORS, widget=forms.DateInput(attrs={"type": "date"})
    )

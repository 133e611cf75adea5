from __future__ import annotations

from django import forms

from insyn.errors import InsynError


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

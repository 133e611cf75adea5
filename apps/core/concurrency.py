"""Optimistic locking: a form carries the version of the row it was loaded from, and a save writes
only if the row still has that version. The loser of a race gets EditConflict with who saved in
between, and keeps what they typed; nothing is silently overwritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.forms import constraint_errors
from insyn.errors import EditConflict

STALE_PAGE = gettext_lazy("Sidan kunde inte läsas in rätt; ladda om den och fyll i formuläret igen.")


def version_field() -> forms.IntegerField:
    """The hidden field a form uses to send back the version it was loaded from. Hidden fields are
    rendered without their label (core/_field.html); the label and messages are Swedish for the
    error summary, which names the field if the posted value was tampered with."""
    return forms.IntegerField(
        label=gettext_lazy("Versionen du öppnade"),
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={"invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


# Who changed an object last (" av anna kl. 14:02"), for the conflict message. The audit log knows;
# it sits above core, so it hands its lookup down when the apps are ready (AuditConfig.ready).
def _nobody(_object_type: str, _object_id: str) -> str:
    return ""


_last_change_lookup: Callable[[str, str], str] = _nobody


def set_last_change_lookup(lookup: Callable[[str, str], str]) -> None:
    global _last_change_lookup
    _last_change_lookup = lookup


def _last_change(object_type: str, object_id: str) -> str:
    return _last_change_lookup(object_type, object_id)


def update_if_unchanged(
    instance: models.Model,
    *,
    fields: list[str],
    expected_version: int | None,
    what: str,
    audit_object: tuple[str, str],
) -> None:
    """Write `fields` of `instance` and bump its version, provided nobody saved it since the
    caller loaded `expected_version` (None: the caller does not know, e.g. a script; always writes)."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    # A savepoint, so a constraint the values violate becomes a Swedish message on its field and
    # leaves the caller's transaction usable.
    with constraint_errors(model), transaction.atomic():
        updated = rows.update(**values, version=F("version") + 1)
    if updated == 0:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first() or 1
        raise EditConflict(
            _(
                "%(what)s ändrades%(by)s efter att du öppnade sidan, så dina ändringar sparades inte. "
                "Det du skrev finns kvar i formuläret; jämför med de sparade uppgifterna och spara igen "
                "om dina ska gälla."
            )
            % {"what": what, "by": _last_change(*audit_object)},
            current_version=current,
        )
    instance.refresh_from_db(fields=["version"])


def bump_version(instance: models.Model) -> None:
    """Count a change made through another path (an event, an import), so open forms notice it."""
    type(instance)._default_manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.refresh_from_db(fields=["version"])

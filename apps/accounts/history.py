"""A user's history as the administration shows it: what the audit log says about the account
and what the person did, without the flood of administrators' own "user viewed" rows (those
are summed up in one line), and with each detail under a Swedish label in words a person reads:
role names, organisation names, dates as YYYY-MM-DD."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction, AuditEvent
from apps.organisations.models import Organisation

from .models import User
from .roles import Role


def _labels() -> dict[str, str]:
    return {
        "role": _("Roll"),
        "organisation": _("Organisation"),
        "valid_from": _("Gäller från"),
        "valid_until": _("Gäller till"),
        "expires_at": _("Länken gäller till"),
        "resent": _("Skickad igen"),
        "fields": _("Ändrade uppgifter"),
        "sessions_ended": _("Avslutade sessioner"),
        "tokens_revoked": _("Återkallade API-nycklar"),
        "devices": _("Borttagna autentiseringsappar"),
        "records": _("Glömda misslyckade inloggningar"),
        "started_at": _("Sessionen började"),
        "query": _("Sökning"),
        "token_key": _("API-nyckel"),
        "expiry": _("Gäller till"),
        "stage": _("Steg"),
        "change": _("Ändring"),
        "reason": _("Orsak"),
        "protocol": _("Protokoll"),
        "method": _("Inloggningssätt"),
        "provider": _("Identitetsleverantör"),
        "multi_factor": _("Andra faktor hos leverantören"),
        "source": _("Källa"),
        "subject": _("Identifierare hos leverantören"),
        "rows": _("Rader"),
    }


def _field_names() -> dict[str, str]:
    return {"first_name": _("förnamn"), "last_name": _("efternamn"), "email": _("e-postadress")}


def _words() -> dict[str, str]:
    return {"enrolment": _("registrering"), "oidc": "OpenID Connect", "saml": "SAML 2.0"}


def _moment(value: str) -> str | None:
    """An ISO timestamp as local YYYY-MM-DD HH:MM, an ISO date as YYYY-MM-DD; None if neither."""
    try:
        if "T" in value:
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _value(key: str, value: Any, organisations: dict[str, str]) -> str:
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if key == "role":
        try:
            return str(Role(value).label)
        except ValueError:
            return str(value)
    if key == "organisation":
        return organisations.get(str(value), str(value))
    if key == "fields" and isinstance(value, list):
        names = _field_names()
        return ", ".join(names.get(str(name), str(name)) for name in value)
    if key == "query" and value == "historik":
        return _("historiksidan")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str):
        return _moment(value) or _words().get(value, value)
    return str(value)


def describe(details: dict[str, Any], organisations: dict[str, str]) -> list[tuple[str, str]]:
    """An event's details as (Swedish label, value) pairs; a key without a label keeps its name."""
    labels = _labels()
    return [
        (labels.get(key, key.replace("_", " ")), _value(key, value, organisations)) for key, value in details.items()
    ]


@dataclass(frozen=True)
class Views:
    """How often the user's own page was looked at by administrators, and when last."""

    count: int
    last: datetime.datetime | None


@dataclass
class History:
    events: QuerySet[AuditEvent]
    views: Views
    _organisations: dict[str, str] = field(default_factory=dict)

    def details_rows(self, events: Iterable[AuditEvent]) -> list[tuple[AuditEvent, list[tuple[str, str]]]]:
        """The events with their details described; organisation names in one query."""
        events = list(events)
        slugs = {str(event.details.get("organisation")) for event in events if event.details.get("organisation")}
        missing = slugs - self._organisations.keys()
        if missing:
            self._organisations.update(Organisation.objects.filter(slug__in=missing).values_list("slug", "name"))
        return [(event, describe(event.details or {}, self._organisations)) for event in events]


def history_of(user: User) -> History:
    """The user's history, newest first, without the rows of someone viewing the user's pages."""
    about = Q(object_type="user", object_id=user.username)
    viewing = about & Q(action=AuditAction.USER_VIEW)
    events = AuditEvent.objects.filter(about | Q(actor_id=user.pk)).exclude(viewing).order_by("-occurred_at", "-id")
    summary = AuditEvent.objects.filter(viewing).aggregate(count=Count("id"), last=Max("occurred_at"))
    return History(events=events, views=Views(count=summary["count"] or 0, last=summary["last"]))
